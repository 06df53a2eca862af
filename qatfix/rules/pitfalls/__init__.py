"""YAML and command-line pitfalls: keys ppdet reads otherwise than written (QF4xx)."""
