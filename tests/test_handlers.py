"""``troposphere_patterns.handler_source``: the handler code a library user inlines."""

from __future__ import annotations

import contextlib
import io
import json
import re
from pathlib import Path

import pytest

import troposphere_patterns
from troposphere_patterns import handler_source

ROOT = Path(__file__).parent.parent
HANDLER = ROOT / "handler_src" / "lambda_sagemakerendpoint.py"


def test_the_default_handler_is_the_tested_source() -> None:
    assert handler_source() == HANDLER.read_text(encoding="utf-8")
    assert handler_source("lambda_sagemakerendpoint") == handler_source()


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
