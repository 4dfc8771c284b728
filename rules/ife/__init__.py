"""Built-in rules: ife family."""
