"""The ``troposphere-patterns`` command and ``python -m troposphere_patterns``: a short process.

A run imports troposphere and the package, renders one template and ends. Two things Python
does for a long-lived program are left out, since nothing in such a run needs them:

* the cyclic garbage collector: importing troposphere's modules alone triggers collections
  that walk every object made so far (about 19 M instructions a run, most of them during
  troposphere's own import);
  a run makes few reference cycles, and its peak memory grows by half a MiB without them;
* the teardown at exit (see :func:`troposphere_patterns.cli.console`).

Code that embeds the command line calls :func:`troposphere_patterns.cli.main`, which changes
neither.
"""

from __future__ import annotations

import gc
from typing import NoReturn


def main() -> NoReturn:
    """Run the command line without the cyclic collector, then exit without teardown."""
    gc.disable()
    from troposphere_patterns.cli import console  # troposphere's import runs collector-free

    console()
