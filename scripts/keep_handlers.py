"""Keep the derived text of every handler in handler_src/inline/ (``make handlers``).

The CLI serves a handler's kept text when it is fresh (derived from the source as it is now),
which saves the parse and unparse of every run; ``tests/test_handlers.py`` fails when a kept text
is stale. Prints the files it rewrote.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from troposphere_patterns.handlers import write_kept  # noqa: E402 - after the checkout

FOLDER = ROOT / "handler_src"

if __name__ == "__main__":
    for source in sorted(FOLDER.glob("*.py")):
        if source.stem != "__init__":
            for path in write_kept(FOLDER, source.stem):
                print(path.relative_to(ROOT))
