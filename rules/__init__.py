"""rolecall's built-in rules. Each module is one theme and registers through the
``rolecall.rules`` entry-point group, exactly as a third-party plugin would."""
