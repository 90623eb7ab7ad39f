"""The result cache and the replay of unchanged rescans (keys, codec, stores)."""
