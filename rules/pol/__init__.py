"""Built-in rules: pol family."""
