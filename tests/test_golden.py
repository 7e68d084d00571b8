"""Golden templates: every scenario renders exactly as reviewed, and cfn-lint passes it."""

from __future__ import annotations

import difflib
import json
from pathlib import Path

import pytest
from cfnlint.api import ManualArgs, lint

from tests.scenarios import SCENARIOS

GOLDEN = Path(__file__).parent / "golden"


def dumps(template: dict[str, object]) -> str:
    return json.dumps(template, indent=1, sort_keys=True) + "\n"


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_matches_golden(name: str, update_golden: bool) -> None:
    rendered = SCENARIOS[name]().to_dict()
    path = GOLDEN / f"{name}.json"
    if update_golden:
        path.write_text(dumps(rendered))
    assert path.exists(), f"no golden for {name}: run `make golden` and review the diff"
    expected = json.loads(path.read_text())
    if rendered != expected:
        diff = "\n".join(
            difflib.unified_diff(
                dumps(expected).splitlines(),
                dumps(rendered).splitlines(),
                f"golden/{name}.json",
                "rendered",
                lineterm="",
            )
        )
        pytest.fail(
            f"{name} differs from its golden (a renamed logical ID replaces a live "
            f"resource; run `make golden` only on purpose):\n{diff}"
        )


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_cfn_lint_passes(name: str) -> None:
    text = json.dumps(SCENARIOS[name]().to_dict())
    matches = lint(text, config=ManualArgs(regions=["us-east-1"]))
    assert [str(match) for match in matches] == []
