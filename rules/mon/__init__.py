"""Built-in rules: mon family."""
