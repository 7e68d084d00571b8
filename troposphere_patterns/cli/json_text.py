"""Template JSON that is both readable in a pull request and small enough to deploy inline.

``aws cloudformation deploy`` accepts a body of at most 51,200 bytes without an S3 bucket.
troposphere's ``to_json()`` puts every bracket on a line of its own, so ``{"Ref": "X"}`` takes
three lines and the 277 allowed instance types take 277 more. Here a list or mapping stays on one
line when it fits within :data:`WIDTH` columns, as people write JSON by hand; larger ones open
one item per line, indented one space per level (a long list of plain values, such as the
allowed instance types, fills its lines instead). Keys are sorted, as troposphere sorts them.
"""

from __future__ import annotations

import json
from typing import Any

WIDTH = 160
# An intrinsic nested deeper than this stays on one line whatever its width: only the
# lower-case chain of an endpoint name known at deploy time is (26 Fn::Join/Fn::Split pairs),
# and opened up it alone would take ~17 KB of the 51,200 bytes a template may have inline.
ONE_LINE_DEPTH = 32
# Made once: json.dumps with options builds an encoder on every call (thousands per template).
_ONE_LINE = json.JSONEncoder(sort_keys=True, separators=(", ", ": "))
_SCALAR = json.JSONEncoder()  # a scalar or an empty container: no keys to sort


def dumps(value: Any, width: int = WIDTH) -> str:
    """Render a JSON-compatible value (a template's ``to_dict()``), ending with a newline."""
    return _render(value, 0, 0, width) + "\n"


def _render(value: Any, depth: int, column: int, width: int) -> str:
    if not isinstance(value, dict | list) or not value:
        return _SCALAR.encode(value)
    # One column stays free for the comma after an item. _fits stops counting as soon as the
    # budget is spent: a large container is never encoded whole just to be measured.
    if _fits(value, width - column - 1) or is_deep_intrinsic(value):
        return _ONE_LINE.encode(value)
    pad = " " * (depth + 1)
    if isinstance(value, list):
        if all(isinstance(item, str | int | float | bool) for item in value):
            return "[\n" + _fill(value, pad, width) + "\n" + pad[:-1] + "]"
        items = [pad + _render(item, depth + 1, depth + 1, width) for item in value]
        return "[\n" + ",\n".join(items) + "\n" + pad[:-1] + "]"
    lines = []
    for key in sorted(value):
        head = f"{pad}{_SCALAR.encode(key)}: "
        lines.append(head + _render(value[key], depth + 1, len(head), width))
    return "{\n" + ",\n".join(lines) + "\n" + pad[:-1] + "}"


def _fill(items: list[Any], pad: str, width: int) -> str:
    """A long list of plain values (the allowed instance types): as many per line as fit."""
    lines: list[str] = []
    line = pad
    for item in items:
        text = _SCALAR.encode(item) + ","
        if line != pad and len(line) + 1 + len(text) > width:
            lines.append(line)
            line = pad
        line += ("" if line == pad else " ") + text
    lines.append(line[:-1])  # no comma after the last item
    return "\n".join(lines)


def is_deep_intrinsic(value: Any) -> bool:
    """Whether ``value`` is an intrinsic nested deeper than :data:`ONE_LINE_DEPTH` levels."""
    if not (
        isinstance(value, dict) and len(value) == 1 and str(next(iter(value))).startswith("Fn::")
    ):
        return False
    level: list[Any] = [value]
    for _ in range(ONE_LINE_DEPTH):
        level = [
            child
            for node in level
            for child in (node.values() if isinstance(node, dict) else node)
            if isinstance(child, dict | list)
        ]
        if not level:
            return False
    return True


def _fits(value: Any, room: int) -> bool:
    """Whether the one-line form of ``value`` is at most ``room`` characters."""
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
