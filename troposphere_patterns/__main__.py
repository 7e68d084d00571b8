"""``python -m troposphere_patterns``: the command line."""

import sys

from troposphere_patterns.cli import main

sys.exit(main())
