"""Every template the tests check, rendered on first use: each scenario and each committed render.

Test modules parametrize ``name`` over ``NAMES`` (known without rendering anything) and take
the ``template`` fixture (tests/conftest.py) or call ``template_named(name)``. A scenario renders
once per session, on first use; each call returns a fresh copy, so a test that changes its
template cannot change another's.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tests.scenarios import SCENARIOS

if TYPE_CHECKING:
    from cfnlint.api import Runner
    from cfnlint.rules import Match

ROOT = Path(__file__).parent.parent
TEMPLATES = ROOT / "templates"

SCENARIO_NAMES = sorted(SCENARIOS)
COMMITTED_NAMES = sorted(path.name for path in TEMPLATES.glob("*.json"))
# Scenario names, then the file names of templates/ (which end in .json; no scenario does).
NAMES = [*SCENARIO_NAMES, *COMMITTED_NAMES]


@functools.cache
def _text(name: str) -> str:
    if name in SCENARIOS:
        return json.dumps(SCENARIOS[name]().to_dict())
    if name in COMMITTED_NAMES:
        return (TEMPLATES / name).read_text()
    raise KeyError(f"no scenario or committed template named {name!r}")


def template_named(name: str) -> dict[str, Any]:
    """Return a fresh copy of the scenario or committed template ``name``, as a dict."""
    result: dict[str, Any] = json.loads(_text(name))
    return result


def scenario(name: str) -> dict[str, Any]:
    """Return a fresh copy of the scenario ``name`` rendered."""
    if name not in SCENARIOS:
        raise KeyError(f"no scenario named {name!r}")
    return template_named(name)


def dumps(value: object) -> str:
    """The goldens' canonical JSON: sorted keys, one-space indent, a final newline."""
    return json.dumps(value, indent=1, sort_keys=True) + "\n"


def of_type(template: dict[str, Any], kind: str) -> dict[str, dict[str, Any]]:
    """Return the template's resources of type ``kind``, by logical ID."""
    return {k: v for k, v in template["Resources"].items() if v["Type"] == kind}


@functools.cache
def _lint_runner() -> Runner:
    # Imported here: cfn-lint takes seconds to import, and most test runs start without it.
    from cfnlint.api import ManualArgs, Runner
    from cfnlint.config import ConfigMixIn

    return Runner(ConfigMixIn(**ManualArgs(regions=["us-east-1"])))


def cfn_lint(text: str) -> list[Match]:
    """cfn-lint's findings for a template's text, as ``cfnlint.api.lint`` reports them (us-east-1).

    One runner serves the whole session, as the ``cfn-lint`` command serves all the files it is
    given: its rules load once (about a second) instead of once per template.
    """
    from cfnlint.decode.decode import decode_str

    template, errors = decode_str(text)
    if errors:
        return list(errors)
    if template is None:
        return []
    return list(_lint_runner().validate_template(template))
