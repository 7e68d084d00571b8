"""``core.actions``: the IAM actions the templates grant are real actions, by awacs's lists."""

from __future__ import annotations

import importlib
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import awacs.aws
import pytest

from troposphere_patterns.core import actions

ROOT = Path(__file__).resolve().parent.parent
RENDERED = sorted([*ROOT.glob("templates/*.json"), *(ROOT / "tests" / "golden").glob("*.json")])
# awacs names its modules after the service, not always after the action prefix.
MODULES = {
    service.prefix: name
    for name, service in vars(actions).items()
    if isinstance(service, actions.Service)
}


def granted(node: Any) -> Iterator[str]:
    """Every action string under an ``Action`` or ``NotAction`` key."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key in ("Action", "NotAction"):
                for action in [value] if isinstance(value, str) else value:
                    if isinstance(action, str):
                        yield action
            yield from granted(value)
    elif isinstance(node, list):
        for item in node:
            yield from granted(item)


def test_the_rendered_templates_are_there_to_check() -> None:
    assert len(RENDERED) >= 20


@pytest.mark.parametrize("path", RENDERED, ids=lambda path: path.name)
def test_every_action_a_template_grants_is_one_awacs_lists(path: Path) -> None:
    for action in granted(json.loads(path.read_text())):
        prefix, name = action.split(":")
        if name == "*":
            continue
        module = importlib.import_module(f"awacs.{MODULES.get(prefix, prefix)}")
        assert isinstance(getattr(module, name, None), awacs.aws.Action), f"{path.name}: {action}"


def test_a_service_makes_the_action_awacs_makes() -> None:
    import awacs.ec2

    made = actions.ec2.CreateNetworkInterface
    assert made.JSONrepr() == awacs.ec2.CreateNetworkInterface.JSONrepr()
    assert actions.awslambda.InvokeFunction.JSONrepr() == "lambda:InvokeFunction"
    with pytest.raises(AttributeError):
        actions.kms.lowercase_is_not_an_action  # noqa: B018
