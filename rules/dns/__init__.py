"""Built-in rules: dns family."""
