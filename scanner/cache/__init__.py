"""The result cache as a scan stage (``cached``: an engine with the engine's signature),
its keys, codec and SQLite store, and the replay of unchanged rescans."""
