"""Built-in rules: rt family."""
