"""Patterns: one module each, the only code that knows a pattern's topology."""
