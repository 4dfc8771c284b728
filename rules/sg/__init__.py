"""Built-in rules: sg family."""
