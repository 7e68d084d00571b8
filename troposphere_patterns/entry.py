"""The ``troposphere-patterns`` command and ``python -m troposphere_patterns``: a short process.

A run imports troposphere and the package, renders one template and ends. Three things Python
does for a long-lived program are left out, since nothing in such a run needs them:

* the cyclic garbage collector: importing troposphere's modules alone triggers collections
  that walk every object made so far (about 19 M instructions a run, most of them during
  troposphere's own import);
  a run makes few reference cycles, and its peak memory grows by half a MiB without them;
* cfn-flip, until something uses it: ``import troposphere`` imports it, with PyYAML and
  cfn-tools, for ``Template.to_yaml`` alone, which the command never calls (its YAML is
  :mod:`troposphere_patterns.cli.yaml_text`'s). That import is about 110 M instructions, a
  quarter of a default run (see :func:`load_on_first_use`);
* the teardown at exit (see :func:`troposphere_patterns.cli.console`).

Code that embeds the command line calls :func:`troposphere_patterns.cli.main`, which changes
none of them.
"""

from __future__ import annotations

import gc
import importlib
import sys
import types
from typing import Any, NoReturn

# Modules troposphere imports that a run of the command does not use.
UNUSED_BY_THE_COMMAND = ("cfn_flip",)


def load_on_first_use(name: str) -> None:
    """Make ``import name`` free: the module loads when an attribute of it is first read.

    A stand-in module goes into ``sys.modules``; reading any attribute of it (``to_yaml``,
    ``__file__``) imports the real module, which takes the stand-in's place in ``sys.modules``
    and lends it its namespace, so code that imported the stand-in reads the real names from
    then on. Nothing changes for a module already imported.

    ``importlib.util.LazyLoader`` is meant for this, but under Python 3.11 the import statement
    reads the ``__spec__`` of a module already in ``sys.modules``, which makes a lazy module
    load at once.
    """
    if name in sys.modules:
        return
    stand_in = types.ModuleType(name, f"{name}, imported when first used")

    def load(attribute: str) -> Any:
        if sys.modules.get(name) is stand_in:
            del sys.modules[name]
        real = importlib.import_module(name)
        vars(stand_in).update(vars(real))
        return getattr(real, attribute)

    stand_in.__getattr__ = load  # type: ignore[method-assign]
    sys.modules[name] = stand_in


def main() -> NoReturn:
    """Run the command line without the cyclic collector, then exit without teardown."""
    gc.disable()
    for name in UNUSED_BY_THE_COMMAND:
        load_on_first_use(name)
    from troposphere_patterns.cli import console  # troposphere's import runs collector-free

    console()
