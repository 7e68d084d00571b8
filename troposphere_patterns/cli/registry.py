"""The patterns the command line offers: each declares itself in ``cli/<pattern>.py``.

A new pattern adds its declaration module and one entry here; the front door reads the
declarations and names no pattern.
"""

from __future__ import annotations

from troposphere_patterns.cli import lambda_sagemakerendpoint
from troposphere_patterns.cli.modes import CommandLine

COMMAND_LINES: dict[str, CommandLine] = {
    command.name: command for command in (lambda_sagemakerendpoint.COMMAND_LINE,)
}
