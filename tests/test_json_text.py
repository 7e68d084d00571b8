"""The CLI's JSON layout: the same template, small containers on one line, nothing too wide."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.templates_helpers import NAMES
from troposphere_patterns.cli import json_text


@pytest.mark.parametrize("name", NAMES)
def test_layout_is_the_same_json(name: str, template: dict[str, Any]) -> None:
    text = json_text.dumps(template)
    assert json.loads(text) == template
    assert text.endswith("}\n")


@pytest.mark.parametrize("name", NAMES)
def test_a_wide_line_holds_one_unbreakable_value(name: str, template: dict[str, Any]) -> None:
    for line in json_text.dumps(template).splitlines():
        if len(line) > json_text.WIDTH:
            # Only a long string (inlined code, an ARN), after its key: nothing to break; or
            # an intrinsic too deep to open up (an endpoint name's lower-case chain).
            value = line.strip().rstrip(",")
            if value.startswith('"') and '": ' in value:
                value = value.split('": ', 1)[1]
            parsed = json.loads(value)
            assert isinstance(parsed, str) or json_text.is_deep_intrinsic(parsed), line[:120]


@pytest.mark.parametrize(
    ("value", "width", "expected"),
    [
        ({"Ref": "X"}, 100, '{"Ref": "X"}\n'),
        ({"Ref": "X"}, 12, '{\n "Ref": "X"\n}\n'),
        ({"Ref": "X"}, 13, '{"Ref": "X"}\n'),
        ([1, [2, 3]], 100, "[1, [2, 3]]\n"),
        ([1, [2, 3]], 8, "[\n 1,\n [2, 3]\n]\n"),
        ([1, [2, 3]], 7, "[\n 1,\n [\n  2, 3\n ]\n]\n"),
        (["aaaa", "bbbb", "cccc"], 16, '[\n "aaaa", "bbbb",\n "cccc"\n]\n'),
        ({}, 1, "{}\n"),
        ({"a": "x" * 200}, 100, '{\n "a": "' + "x" * 200 + '"\n}\n'),
        ({"b": 1, "a": []}, 100, '{"a": [], "b": 1}\n'),
    ],
)
def test_a_container_stays_on_one_line_exactly_when_it_fits(
    value: Any, width: int, expected: str
) -> None:
    assert json_text.dumps(value, width) == expected
