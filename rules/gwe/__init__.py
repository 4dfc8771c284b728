"""Built-in rules: gwe family."""
