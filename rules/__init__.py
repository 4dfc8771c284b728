"""The built-in rule pack, installed as ``vpcaudit.rules``: one module per rule."""
