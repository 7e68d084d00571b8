"""``troposphere_patterns.handler_source``: the handler code a template inlines."""

from __future__ import annotations

import ast
import contextlib
import io
import json
import re
from pathlib import Path

import pytest

import troposphere_patterns
from troposphere_patterns import handler_source
from troposphere_patterns.handlers import (
    ASYNC_MARKER,
    KINDS,
    REAL_TIME_MARKER,
    SHARED_MARKER,
    derived_text,
    indent_two_spaces,
    kept_header,
    kept_path,
    select_parts,
    strip_source,
    write_kept,
)

ROOT = Path(__file__).parent.parent
HANDLER = ROOT / "handler_src" / "lambda_sagemakerendpoint.py"
SOURCE = HANDLER.read_text(encoding="utf-8")
# What each kind's inline code may weigh (real-time 13,691 bytes, async 14,802, blocks indented
# two spaces; 18,726 before, both kinds in every template): the templates stay under the
# 51,200-byte inline limit.
REAL_TIME_BUDGET = 14_000
ASYNC_BUDGET = 15_100


def test_the_inlined_code_is_the_source_without_docstrings_and_comments() -> None:
    inlined = handler_source()
    assert "#" not in inlined.replace('"#', "")  # no comment survives (none in a string here)
    assert '"""' not in inlined
    assert "-> " not in inlined  # nor an annotation
    # Every function and name of the source is there, unrenamed.
    names = {node.name for node in ast.walk(ast.parse(SOURCE)) if isinstance(node, ast.FunctionDef)}
    defined = {
        node.name for node in ast.walk(ast.parse(inlined)) if isinstance(node, ast.FunctionDef)
    }
    assert names == defined
    for constant in (
        "SAGEMAKER_READ_TIMEOUT_SECONDS",
        "SAGEMAKER_INFERENCE_COMPONENTS",
        "x-amzn-sagemaker-",
    ):
        assert constant in inlined


def test_each_kind_of_endpoint_gets_the_shared_part_and_its_own() -> None:
    real_time, asynchronous = handler_source(asynchronous=False), handler_source(asynchronous=True)
    assert f"\n{SHARED_MARKER}\n" in SOURCE.split(f"\n{REAL_TIME_MARKER}\n")[0]
    shared, rest = SOURCE.split(f"\n{REAL_TIME_MARKER}\n")
    real_time_part, async_part = rest.split(f"\n{ASYNC_MARKER}\n")
    assert real_time == strip_source(f"{shared}\n{REAL_TIME_MARKER}\n{real_time_part}")
    assert asynchronous == strip_source(f"{shared}\n{ASYNC_MARKER}\n{async_part}")
    assert handler_source() == strip_source(SOURCE)  # both kinds: the library's default
    for name in ("def _submit", "def _status(", "invoke_endpoint_async", "put_object"):
        assert name not in real_time
        assert name in asynchronous
    # InvokeEndpoint and what only it takes: components, target models.
    for name in ("def _invoke", "_call('invoke_endpoint'", "def _targets", "INFERENCE_COMPONENTS"):
        assert name in real_time
        assert name not in asynchronous
    # Each registers only itself, so its function refuses the other kind's configuration.
    assert "FORWARD[False]" in real_time and "FORWARD[True]" not in real_time
    assert "FORWARD[True]" in asynchronous and "FORWARD[False]" not in asynchronous


def test_a_part_runs_from_its_marker_to_the_next() -> None:
    source = f"a = 1\n{ASYNC_MARKER}\nb = 2\n{REAL_TIME_MARKER}\nc = 3\n{ASYNC_MARKER}\nd = 4\n"
    assert select_parts(source, None) == source
    assert select_parts(source, True) == f"a = 1\n{ASYNC_MARKER}\nb = 2\n{ASYNC_MARKER}\nd = 4\n"
    assert select_parts(source, False) == f"a = 1\n{REAL_TIME_MARKER}\nc = 3\n"
    assert select_parts("a = 1\n", False) == select_parts("a = 1\n", True) == "a = 1\n"
    # A shared part after one kind's part: both kinds get it.
    mixed = f"{ASYNC_MARKER}\nb = 2\n{SHARED_MARKER}\nc = 3\n"
    assert select_parts(mixed, False) == f"{SHARED_MARKER}\nc = 3\n"
    assert select_parts(mixed, True) == mixed


def test_the_inlined_code_fits_its_budget() -> None:
    for asynchronous, budget in ((False, REAL_TIME_BUDGET), (True, ASYNC_BUDGET)):
        size = len(handler_source(asynchronous=asynchronous).encode())
        assert size <= budget, f"asynchronous={asynchronous}: {size} bytes"
    # Docstrings and comments are most of what the real-time variant leaves out.
    assert len(handler_source(asynchronous=False).encode()) < len(SOURCE.encode()) * 0.6


def test_stripping_keeps_strings_and_fills_empty_bodies() -> None:
    source = (
        '"""Module."""\n'
        "from __future__ import annotations\n"
        "import os, os.path as paths\n"
        "from typing import Any, cast\n"
        "class A:\n"
        '    """Only a docstring."""\n'
        "def f(x: int, *a: str, k: bool = True, **kw: object) -> str:\n"
        '    """Doc."""\n'
        "    y: int = 1  # a comment\n"
        "    z: int\n"
        "    return '# not a comment' + str(x + y) + os.sep[:0]\n"
    )
    stripped = strip_source(source)
    assert "Doc" not in stripped and "comment'" in stripped and "# a comment" not in stripped
    namespace: dict[str, object] = {}
    exec(compile(stripped, "index.py", "exec"), namespace)
    assert namespace["f"](1) == "# not a comment2"  # type: ignore[operator]
    assert "class A:\n  pass" in stripped  # blocks indented two spaces
    # Imports only annotations used go; the others stay.
    assert "__future__" not in stripped and "Any" not in stripped
    assert "import os\n" in stripped and "paths" not in stripped and "typing" not in stripped


@pytest.mark.parametrize("asynchronous", list(KINDS))
def test_two_space_indentation_changes_no_statement(asynchronous: bool | None) -> None:
    inlined = handler_source(asynchronous=asynchronous)
    four_spaces = ast.unparse(ast.parse(inlined)) + "\n"  # as ast.unparse writes blocks
    assert ast.dump(ast.parse(inlined)) == ast.dump(ast.parse(four_spaces))
    assert inlined == indent_two_spaces(four_spaces)
    assert "\n  return" in inlined and "\n    return" in inlined  # a level is two spaces


def test_two_space_indentation_leaves_strings_and_bracketed_lines_alone() -> None:
    source = (
        "def f(x):\n"
        "    if x:\n"
        "        s = '''a\n"
        "        b'''\n"
        "        t = [1,\n"
        "             2]\n"
        "        return s + \\\n"
        "            str(t)\n"
        "    return ''\n"
    )
    indented = indent_two_spaces(source)
    assert indented == (
        "def f(x):\n"
        "  if x:\n"
        "    s = '''a\n"
        "        b'''\n"
        "    t = [1,\n"
        "             2]\n"
        "    return s + \\\n"
        "            str(t)\n"
        "  return ''\n"
    )
    assert ast.dump(ast.parse(indented)) == ast.dump(ast.parse(source))


@pytest.mark.parametrize("asynchronous", list(KINDS))
def test_each_kept_text_is_the_derivation_of_the_source_as_it_is(asynchronous: bool | None) -> None:
    kept = kept_path(HANDLER.parent, HANDLER.stem, asynchronous)
    derived = strip_source(select_parts(SOURCE, asynchronous))
    assert kept.read_text(encoding="utf-8") == f"{kept_header(HANDLER.stem, SOURCE)}\n{derived}", (
        f"{kept.relative_to(ROOT)} is stale: run make handlers"
    )
    assert handler_source(asynchronous=asynchronous) == derived


def test_a_kept_text_of_an_older_source_is_not_served(tmp_path: Path) -> None:
    (tmp_path / "h.py").write_text("def f():\n    return 1\n", encoding="utf-8")
    assert write_kept(tmp_path, "h") == [kept_path(tmp_path, "h", kind) for kind in KINDS]
    assert write_kept(tmp_path, "h") == []  # nothing changed, nothing rewritten
    assert derived_text(tmp_path, "h", None) == "def f():\n  return 1\n"
    # The source changes after its text was kept: the text is derived again, not the old one.
    (tmp_path / "h.py").write_text("def f():\n    return 2\n", encoding="utf-8")
    assert derived_text(tmp_path, "h", True) == "def f():\n  return 2\n"
    # A kept text is served as it is when its source is unchanged (so it must be the derivation).
    write_kept(tmp_path, "h")
    path = kept_path(tmp_path, "h", False)
    header = path.read_text(encoding="utf-8").partition("\n")[0]
    path.write_text(f"{header}\nkept = True\n", encoding="utf-8")
    assert derived_text(tmp_path, "h", False) == "kept = True\n"
    assert not list(tmp_path.glob("inline/*.partial"))


def test_it_is_part_of_the_public_api() -> None:
    assert "handler_source" in troposphere_patterns.__all__


@pytest.mark.parametrize("name", ["../setup", "lambda_sagemakerendpoint.py", ""])
def test_a_name_that_is_no_module_is_refused(name: str) -> None:
    with pytest.raises(ValueError, match="not a module name"):
        handler_source(name)


def test_an_unknown_handler_is_not_found() -> None:
    with pytest.raises(FileNotFoundError):
        handler_source("no_such_handler")


def test_the_readmes_library_examples_run() -> None:
    blocks = re.findall(r"```python\n(.*?)```", (ROOT / "README.md").read_text(), re.S)
    # The programs that build a template (the local recipes are tests/test_readme.py's).
    complete = [block for block in blocks if "to_json()" in block]
    assert len(complete) >= 2
    for block in complete:
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            exec(compile(block, "README.md", "exec"), {})
        template = json.loads(out.getvalue())  # stdout is the template alone
        functions = [
            resource["Properties"]
            for resource in template["Resources"].values()
            if resource["Type"] == "AWS::Lambda::Function"
        ]
        assert functions
        assert all(f["Code"]["ZipFile"] == handler_source() for f in functions)
