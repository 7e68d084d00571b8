"""The CLI's JSON layout: the same template, small containers on one line, nothing too wide."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.props_strategies import examples
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


# The layout as first written, top-down, kept as the specification the bottom-up one must equal:
# a container stays on one line when its one-line text fits in the columns left after it
# starts, less one for a comma (or is a deep intrinsic); else it opens, one item per line,
# a long list of plain values filling its lines.
_ONE_LINE = json.JSONEncoder(sort_keys=True, separators=(", ", ": "))
_SCALAR = json.JSONEncoder()


def reference_dumps(value: Any, width: int = json_text.WIDTH) -> str:
    return _reference(value, 0, 0, width) + "\n"


def _reference(value: Any, depth: int, column: int, width: int) -> str:
    if not isinstance(value, dict | list) or not value:
        return _SCALAR.encode(value)
    if _reference_fits(value, width - column - 1) or reference_is_deep_intrinsic(value):
        return _ONE_LINE.encode(value)
    pad = " " * (depth + 1)
    if isinstance(value, list):
        if all(isinstance(item, str | int | float | bool) for item in value):
            return "[\n" + _reference_fill(value, pad, width) + "\n" + pad[:-1] + "]"
        items = [pad + _reference(item, depth + 1, depth + 1, width) for item in value]
        return "[\n" + ",\n".join(items) + "\n" + pad[:-1] + "]"
    lines = []
    for key in sorted(value):
        head = f"{pad}{_SCALAR.encode(key)}: "
        lines.append(head + _reference(value[key], depth + 1, len(head), width))
    return "{\n" + ",\n".join(lines) + "\n" + pad[:-1] + "}"


def _reference_fits(value: Any, room: int) -> bool:
    budget = [room]

    def spend(item: Any) -> bool:
        if isinstance(item, dict):
            budget[0] -= max(2, 4 * len(item))  # braces, ": " and ", "
            return budget[0] >= 0 and all(spend(k) and spend(v) for k, v in item.items())
        if isinstance(item, list):
            budget[0] -= max(2, 2 * len(item))  # brackets and ", "
            return budget[0] >= 0 and all(spend(v) for v in item)
        budget[0] -= len(_SCALAR.encode(item))
        return budget[0] >= 0

    return spend(value)


def _reference_fill(items: list[Any], pad: str, width: int) -> str:
    lines: list[str] = []
    line = pad
    for item in items:
        text = _SCALAR.encode(item) + ","
        if line != pad and len(line) + 1 + len(text) > width:
            lines.append(line)
            line = pad
        line += ("" if line == pad else " ") + text
    lines.append(line[:-1])
    return "\n".join(lines)


def reference_is_deep_intrinsic(value: Any) -> bool:
    """Breadth first, level by level, as first written."""
    if not (
        isinstance(value, dict) and len(value) == 1 and str(next(iter(value))).startswith("Fn::")
    ):
        return False
    level: list[Any] = [value]
    for _ in range(json_text.ONE_LINE_DEPTH):
        level = [
            child
            for node in level
            for child in (node.values() if isinstance(node, dict) else node)
            if isinstance(child, dict | list)
        ]
        if not level:
            return False
    return True


# Keys as templates have them (intrinsics, so that some values are intrinsics) and any text.
_KEYS = st.sampled_from(["Ref", "Fn::Join", "Fn::If", "Fn::Sub", "Type", "a"]) | st.text(max_size=6)
_SCALARS = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()
    | st.text(max_size=12)
    | st.sampled_from(["ml.m5.large", 'quote " and \\', "line\nbreak", "é ☃ 😀", ""])
)


def _chain(depth: int, inner: Any) -> Any:
    """An intrinsic with lists nested ``depth`` levels under it: around ONE_LINE_DEPTH."""
    for _ in range(depth):
        inner = [inner, "x"]
    return {"Fn::Join": inner}


def _joins(depth: int, inner: Any) -> Any:
    """``depth`` Fn::Join around ``inner``, as an endpoint name's lower-case chain nests."""
    for _ in range(depth):
        inner = {"Fn::Join": ["", [inner, "x"]]}
    return inner


CHAINS = st.builds(_chain, st.integers(29, 34), _SCALARS) | st.builds(
    _joins, st.integers(9, 12), _SCALARS
)


def _values(leaves: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    lists = st.lists(_SCALARS, min_size=5, max_size=12)  # plain values: a list that fills lines
    return st.recursive(
        leaves,
        lambda inner: (
            st.lists(inner, max_size=6) | st.dictionaries(_KEYS, inner, max_size=5) | lists
        ),
        max_leaves=16,
    )


JSON_VALUES = _values(_SCALARS | st.just({}) | st.just([]))


@settings(max_examples=examples(test=60, fuzz=5_000))
@given(JSON_VALUES)
def test_the_layout_is_the_top_down_layout_at_every_width(value: Any) -> None:
    # Every width up to the one-line text's: each container's fit is tried on both sides.
    for width in range(-1, min(len(_ONE_LINE.encode(value)) + 3, 120)):
        assert json_text.dumps(value, width) == reference_dumps(value, width), width


@settings(max_examples=examples(test=40, fuzz=3_000))
@given(_values(_SCALARS | CHAINS), st.sampled_from([0, 20, 60, json_text.WIDTH]))
def test_a_deep_intrinsic_stays_on_one_line_as_top_down(value: Any, width: int) -> None:
    assert json_text.dumps(value, width) == reference_dumps(value, width)


@settings(max_examples=examples(test=100, fuzz=5_000))
@given(_values(_SCALARS | CHAINS))
def test_a_deep_intrinsic_is_found_as_level_by_level(value: Any) -> None:
    deep = {"Fn::If": ["c", value, {"Ref": "X"}]}
    assert json_text.is_deep_intrinsic(deep) == reference_is_deep_intrinsic(deep)
    assert json_text.is_deep_intrinsic(value) == reference_is_deep_intrinsic(value)


@pytest.mark.parametrize("width", [0, 40, 80, 120, json_text.WIDTH, 1000])
@pytest.mark.parametrize("name", NAMES)
def test_every_template_is_laid_out_as_top_down(
    name: str, template: dict[str, Any], width: int
) -> None:
    assert json_text.dumps(template, width) == reference_dumps(template, width)
