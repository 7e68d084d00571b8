"""``python -m troposphere_patterns``: the command line."""

from troposphere_patterns.entry import main

main()
