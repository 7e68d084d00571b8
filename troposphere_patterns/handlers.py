"""The Lambda handlers the patterns' functions run, as the source a template inlines.

The handlers live at the top of the repository (``handler_src/``) so they read as the code users
deploy, documented and commented; they ship inside the package as
``troposphere_patterns.handler_src``, so this works from a checkout and from an installed wheel
alike. A template carries the code derived from that source by :func:`handler_source` alone:
docstrings and comments left out, and only the parts of the source that serve the template's
kind of endpoint (:data:`MARKERS`). The tests execute exactly that derived text.

Deriving takes a parse and an unparse (about 20 ms, a sixth of a CLI run), so each kind's text
is also kept, derived, in ``handler_src/inline/`` (``make handlers`` writes it, a test fails
when it is stale). Each kept file names the checksum of the source it came from: when the
source has changed since (an edit in a checkout), the text is derived again, never served stale.
"""

from __future__ import annotations

import ast
import binascii
import importlib.util
from pathlib import Path

HANDLER_PACKAGE = "troposphere_patterns.handler_src"
DEFAULT_HANDLER = "lambda_sagemakerendpoint"
# Whole lines of the source, at module level: each starts a part that runs to the next marker
# (or the end) and serves both kinds of endpoint, or one kind only. What comes before the first
# marker serves both.
SHARED_MARKER = "# ---- all endpoints ----"
REAL_TIME_MARKER = "# ---- real-time endpoints only ----"
ASYNC_MARKER = "# ---- async endpoints only ----"
# marker -> the kind its part serves (``asynchronous``): None both, False real-time, True async
MARKERS = {SHARED_MARKER: None, REAL_TIME_MARKER: False, ASYNC_MARKER: True}


def handler_source(name: str = DEFAULT_HANDLER, *, asynchronous: bool | None = None) -> str:
    """Return the code a function's ``Code.ZipFile`` inlines, derived from a handler's source.

    The text is the module in ``handler_src/`` without its docstrings and comments (the
    template has no use for them and is limited to 51,200 bytes), in standard formatting with
    blocks indented two spaces, and named as the source is: nothing is renamed, compressed or
    encoded.

    Args:
        name: The handler module in ``handler_src/``; default: the Lambda -> SageMaker
            endpoint handler (``index.handler``, runtime ``python3.14``).
        asynchronous: The kind of endpoint the code serves: False for real-time (the parts after
            :data:`ASYNC_MARKER` left out), True for async (the parts after
            :data:`REAL_TIME_MARKER` left out); the function answers the other kind's
            configuration with 500 ``ConfigurationError``. Default None: every part, code that
            serves both kinds. A handler without markers is the same whatever the value.

    Returns:
        The code, as the handler tests execute it.

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
    return derived_text(Path(next(iter(spec.submodule_search_locations))), name, asynchronous)


def derived_text(folder: Path, name: str, asynchronous: bool | None) -> str:
    """The text of handler ``name`` in ``folder`` for one kind: kept if fresh, else derived."""
    source = (folder / f"{name}.py").read_text(encoding="utf-8")
    kept = kept_path(folder, name, asynchronous)
    if kept.is_file():
        header, _, text = kept.read_text(encoding="utf-8").partition("\n")
        if header == kept_header(name, source):
            return text
    return strip_source(select_parts(source, asynchronous))


# The kind of endpoint -> the name of its kept text in handler_src/inline/
KINDS = {False: "real_time", True: "async", None: "all"}


def kept_path(folder: Path, name: str, asynchronous: bool | None) -> Path:
    """Where the derived text of one kind is kept: ``inline/<name>.<kind>.txt`` in ``folder``."""
    return folder / "inline" / f"{name}.{KINDS[asynchronous]}.txt"


def kept_header(name: str, source: str) -> str:
    """The first line of a kept text: the source it was derived from, by checksum (CRC-32)."""
    checksum = binascii.crc32(source.encode("utf-8"))
    return f"# derived from {name}.py (crc32 {checksum:08x}) by handler_source; make handlers"


def write_kept(folder: Path, name: str) -> list[Path]:
    """Derive every kind's text of handler ``name`` in ``folder`` and keep it in ``inline/``.

    Returns:
        The files whose content changed (written whole, each through a temporary file).
    """
    source = (folder / f"{name}.py").read_text(encoding="utf-8")
    changed = []
    for asynchronous in KINDS:
        path = kept_path(folder, name, asynchronous)
        text = f"{kept_header(name, source)}\n{strip_source(select_parts(source, asynchronous))}"
        if not path.is_file() or path.read_text(encoding="utf-8") != text:
            path.parent.mkdir(exist_ok=True)
            partial = path.with_suffix(".partial")
            partial.write_text(text, encoding="utf-8")
            partial.replace(path)
            changed.append(path)
    return changed


def select_parts(source: str, asynchronous: bool | None) -> str:
    """Return the lines of a handler's source that serve one kind of endpoint (see MARKERS).

    Args:
        source: The handler's source.
        asynchronous: The kind: False real-time, True async, None both (the source whole).

    Returns:
        The shared part and the parts of that kind, in the source's order; each left-out part
        from its marker line to the next marker.
    """
    if asynchronous is None:
        return source
    kept, keep = [], True
    for line in source.splitlines(keepends=True):
        if (marker := line.rstrip("\n")) in MARKERS:
            keep = MARKERS[marker] in (None, asynchronous)
        if keep:
            kept.append(line)
    return "".join(kept)


def strip_source(source: str) -> str:
    """Return Python source as the interpreter runs it, without what only readers use.

    The source is parsed and written back with ``ast.unparse``: comments go, and so do
    docstrings (a string statement first in a module, class or function; a body left empty
    gets ``pass``) and type annotations (never evaluated: the handlers import
    ``from __future__ import annotations``; an annotation without a value goes whole), then the
    module-level imports nothing uses any more (the ``__future__`` import, ``typing``). Names,
    strings and statements stay as written, in standard formatting with blocks indented two
    spaces per level (:func:`indent_two_spaces`; a 51,200-byte template saves ~0.9 KB).

    Args:
        source: Valid Python source.

    Returns:
        Source that compiles to the same behaviour.
    """
    tree = _Strip().visit(ast.parse(source))
    used = {node.id for node in ast.walk(tree) if isinstance(node, ast.Name)}
    body = []
    for node in tree.body:
        if isinstance(node, ast.ImportFrom) and node.module == "__future__":
            continue
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            # An import binds its alias, or the first part of a dotted module name.
            node.names = [
                alias for alias in node.names if (alias.asname or alias.name.split(".")[0]) in used
            ]
            if not node.names:
                continue
        body.append(node)
    tree.body = body
    return indent_two_spaces(ast.unparse(tree) + "\n")


def indent_two_spaces(source: str) -> str:
    """Return Python source with its blocks indented two spaces per level instead of four.

    Only the indentation of a line that starts a statement changes, found with ``tokenize``
    (the block depth at that statement): a line inside a string or within brackets stays as it
    is, so the code parses to the same tree (a test compares them).

    Args:
        source: Valid Python source, indented consistently (as ``ast.unparse`` writes it).
    """
    import tokenize  # only when deriving: a run serves the kept texts

    lines = source.splitlines(keepends=True)
    depth, starts_statement = 0, True
    for token in tokenize.generate_tokens(iter(lines).__next__):
        if token.type == tokenize.INDENT:
            depth += 1
        elif token.type == tokenize.DEDENT:
            depth -= 1
        elif token.type == tokenize.NEWLINE:
            starts_statement = True
        elif starts_statement and token.type not in (tokenize.NL, tokenize.COMMENT):
            row = token.start[0] - 1
            if row < len(lines):  # not the end marker after the last line
                lines[row] = "  " * depth + lines[row][token.start[1] :]
            starts_statement = False
    return "".join(lines)


class _Strip(ast.NodeTransformer):
    """Leave out docstrings and annotations (see :func:`strip_source`)."""

    def generic_visit(self, node: ast.AST) -> ast.AST:
        body = getattr(node, "body", None)
        if (
            isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))
            and isinstance(body, list)
            and body
            and isinstance(body[0], ast.Expr)
            and isinstance(body[0].value, ast.Constant)
            and isinstance(body[0].value.value, str)
        ):
            node.body = body[1:] or [ast.Pass()]
        if isinstance(node, ast.arg):
            node.annotation = None
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            node.returns = None
        return super().generic_visit(node)

    def visit_AnnAssign(self, node: ast.AnnAssign) -> ast.AST | None:
        if node.value is None:
            return None
        assign = ast.Assign(targets=[node.target], value=node.value)
        return self.generic_visit(ast.copy_location(assign, node))
