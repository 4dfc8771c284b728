"""Built-in rules: cost family."""
