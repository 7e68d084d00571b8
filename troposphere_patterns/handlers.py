"""The Lambda handlers the patterns' functions run, as the source a template inlines.

The handlers live at the top of the repository (``handler_src/``) so they read as the code users
deploy; they ship inside the package as ``troposphere_patterns.handler_src``, so this works from
a checkout and from an installed wheel alike. The tests run the same files.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

HANDLER_PACKAGE = "troposphere_patterns.handler_src"
DEFAULT_HANDLER = "lambda_sagemakerendpoint"


def handler_source(name: str = DEFAULT_HANDLER) -> str:
    """Return a handler's source, for a function's ``Code.ZipFile``.

    Args:
        name: The handler module in ``handler_src/``; default: the Lambda -> SageMaker
            endpoint handler (``index.handler``, runtime ``python3.14``).

    Returns:
        The module's source text, as tested.

    Raises:
        ModuleNotFoundError: The handler package is not installed beside the library.
        FileNotFoundError: No handler of that name.
        ValueError: ``name`` is not a module name.
    """
    if not name.isidentifier():
        raise ValueError(f"handler name {name!r}: not a module name")
    # find_spec, not importlib.resources: the latter imports tempfile and shutil (~5 ms).
    spec = importlib.util.find_spec(HANDLER_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError(
            f"the handler package {HANDLER_PACKAGE} is not installed", name=HANDLER_PACKAGE
        )
    folder = Path(next(iter(spec.submodule_search_locations)))
    return (folder / f"{name}.py").read_text(encoding="utf-8")
