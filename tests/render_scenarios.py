"""Write every scenario's template to a directory, one ``<scenario>.json`` each, for the scanners.

Usage: python -m tests.render_scenarios DIRECTORY

``tests/golden/`` keeps the scenarios as differences from ``default``; the security scanners
(``make scan``) need whole templates, and get these, in the goldens' canonical layout.
"""

from __future__ import annotations

import sys
from pathlib import Path

from tests.templates_helpers import SCENARIO_NAMES, dumps, scenario


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    directory = Path(argv[0])
    directory.mkdir(parents=True, exist_ok=True)
    for stale in directory.glob("*.json"):
        stale.unlink()
    for name in SCENARIO_NAMES:
        (directory / f"{name}.json").write_text(dumps(scenario(name)))
    print(f"{len(SCENARIO_NAMES)} scenarios rendered into {directory}/")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
