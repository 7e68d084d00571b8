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
from troposphere_patterns.handlers import ASYNC_MARKER, strip_source

ROOT = Path(__file__).parent.parent
HANDLER = ROOT / "handler_src" / "lambda_sagemakerendpoint.py"
SOURCE = HANDLER.read_text(encoding="utf-8")
# What the real-time inline code may weigh (14,224 bytes now; 18,726 before, both kinds in
# every template): the default template stays well under the 51,200-byte inline limit.
REAL_TIME_BUDGET = 14_800


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


def test_the_real_time_code_leaves_out_the_async_part() -> None:
    real_time, full = handler_source(asynchronous=False), handler_source()
    assert ASYNC_MARKER in SOURCE
    assert real_time == strip_source(SOURCE.split(f"\n{ASYNC_MARKER}\n")[0])
    assert full == strip_source(SOURCE)
    for name in ("def _submit", "def _status(", "invoke_endpoint_async", "put_object"):
        assert name not in real_time
        assert name in full
    assert "ASYNCHRONOUS = None" in real_time  # so the function refuses an async config


def test_the_real_time_code_fits_its_budget() -> None:
    size = len(handler_source(asynchronous=False).encode())
    assert size <= REAL_TIME_BUDGET, f"{size} bytes"
    assert size < len(SOURCE.encode()) * 0.6


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
    assert "class A:\n    pass" in stripped
    # Imports only annotations used go; the others stay.
    assert "__future__" not in stripped and "Any" not in stripped
    assert "import os\n" in stripped and "paths" not in stripped and "typing" not in stripped


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
    complete = [block for block in blocks if "from troposphere_patterns import" in block]
    assert len(complete) >= 2
    for block in complete:
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            exec(compile(block, "README.md", "exec"), {})
        template = json.loads(out.getvalue()[out.getvalue().index("{") :])
        functions = [
            resource["Properties"]
            for resource in template["Resources"].values()
            if resource["Type"] == "AWS::Lambda::Function"
        ]
        assert functions
        assert all(f["Code"]["ZipFile"] == handler_source() for f in functions)
