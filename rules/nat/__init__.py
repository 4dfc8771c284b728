"""Built-in rules: nat family."""
