"""Built-in rules: acl family."""
