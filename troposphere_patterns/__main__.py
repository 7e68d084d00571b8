"""``python -m troposphere_patterns``: the command line."""

from troposphere_patterns.cli import console

console()
