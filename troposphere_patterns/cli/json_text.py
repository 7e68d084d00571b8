"""Template JSON that is both readable in a pull request and small enough to deploy inline.

``aws cloudformation deploy`` accepts a body of at most 51,200 bytes without an S3 bucket.
troposphere's ``to_json()`` puts every bracket on a line of its own, so ``{"Ref": "X"}`` takes
three lines and the 277 allowed instance types take 277 more. Here a list or mapping stays on one
line when it fits within :data:`WIDTH` columns, as people write JSON by hand; larger ones open
one item per line, indented one space per level (a long list of plain values, such as the
allowed instance types, fills its lines instead). Keys are sorted, as troposphere sorts them.

The layout is worked out bottom-up, in one pass over the value: each item of a container is laid
out first, at the column it takes if the container opens up, and the container's one-line text
is joined from its items' texts, then measured. Each string and key is encoded once and no
container is measured twice, where measuring each container top-down walked its items again
at every level above them (about three times the instructions for a template).
"""

from __future__ import annotations

import json
from json.encoder import encode_basestring_ascii
from typing import Any

WIDTH = 160
# An intrinsic nested deeper than this stays on one line whatever its width: only the
# lower-case chain of an endpoint name known at deploy time is (26 Fn::Join/Fn::Split pairs),
# and opened up it alone would take ~17 KB of the 51,200 bytes a template may have inline.
ONE_LINE_DEPTH = 32
# Made once: json.dumps with options builds an encoder on every call. Only a deep intrinsic
# is encoded whole; any other container's one-line text is joined from its items'.
_ONE_LINE = json.JSONEncoder(sort_keys=True, separators=(", ", ": "))
_SCALAR = json.JSONEncoder()  # a scalar or an empty container: no keys to sort
# What a long list fills its lines with, rather than taking a line per item.
_PLAIN = (str, int, float, bool)
_CONTAINERS = (dict, list)


def dumps(value: Any, width: int = WIDTH) -> str:
    """Render a JSON-compatible value (a template's ``to_dict()``), ending with a newline.

    The value holds what ``json.loads`` returns: dicts with string keys, lists, strings,
    numbers, booleans and None.
    """
    if isinstance(value, _CONTAINERS) and value:
        return _Layout(width).container("", value, 0, 0, False)[0] + "\n"
    return _scalar(value) + "\n"


class _Layout:
    """One rendering: its width, and each key as written before a value (``"Key": ``).

    A template repeats its keys (``Ref``, ``Fn::Sub``, ``Type``...): each is encoded once.
    """

    def __init__(self, width: int) -> None:
        self.width = width
        self.heads: dict[str, str] = {}

    def container(
        self, head: str, value: Any, depth: int, column: int, shallow: bool
    ) -> tuple[str, bool]:
        """``head`` then a non-empty container laid out from ``column``, ``depth`` levels down.

        Also whether the container is on one line: it is when its one-line text fits with a
        column to spare for the comma after it, or when it is a deep intrinsic; else it opens
        up, one item per line. ``shallow``: an intrinsic holding ``value`` is not deep, so
        neither is one in ``value`` (only the outermost intrinsic is measured).
        """
        if not shallow and isinstance(value, dict) and len(value) == 1:
            shallow = next(iter(value)).startswith("Fn::")  # an intrinsic
            if shallow and is_deep_intrinsic(value):
                return head + _ONE_LINE.encode(value), True
        width, heads = self.width, self.heads
        inner = depth + 1
        # Each item as it stands if value opens up: from the column of the indent, or after
        # its key. One that opens up even there opens up value too: had value fit on one line
        # from ``column`` (never left of ``depth``), the item would fit on one line where it
        # starts, after at least as many columns as it has before it in value's line.
        lines: list[str] = []
        one_line = True
        if isinstance(value, dict):
            # Sorted as json sorts them; a single key (most intrinsics) needs no sorting.
            for key in value if len(value) == 1 else sorted(value):
                key_head = heads.get(key)
                if key_head is None:
                    key_head = heads[key] = encode_basestring_ascii(key) + ": "
                item = value[key]
                if isinstance(item, str):
                    lines.append(key_head + encode_basestring_ascii(item))
                elif isinstance(item, _CONTAINERS) and item:
                    start = inner + len(key_head)
                    text, fits = self.container(key_head, item, inner, start, shallow)
                    lines.append(text)
                    one_line = one_line and fits
                else:
                    lines.append(key_head + _scalar(item))
            opening, closing = "{", "}"
        else:
            for item in value:
                if isinstance(item, str):
                    lines.append(encode_basestring_ascii(item))
                elif isinstance(item, _CONTAINERS) and item:
                    text, fits = self.container("", item, inner, inner, shallow)
                    lines.append(text)
                    one_line = one_line and fits
                else:
                    lines.append(_scalar(item))
            opening, closing = "[", "]"
        if one_line:
            inside = ", ".join(lines)
            if len(inside) + 2 < width - column:
                return f"{head}{opening}{inside}{closing}", True
        pad = " " * inner
        if opening == "[" and all(isinstance(item, _PLAIN) for item in value):
            return f"{head}[\n{_fill(lines, pad, width)}\n{pad[:-1]}]", False
        inside = f",\n{pad}".join(lines)
        return f"{head}{opening}\n{pad}{inside}\n{pad[:-1]}{closing}", False


def _scalar(value: Any) -> str:
    """What the encoder writes for a scalar or an empty container (not a string).

    The constants and integers are written here: each call of an encoder sets up its C
    encoder anew, which costs as much as laying out a small container.
    """
    if value is True:
        return "true"
    if value is False:
        return "false"
    if value is None:
        return "null"
    if type(value) is int:
        return int.__repr__(value)
    return _SCALAR.encode(value)


def _fill(texts: list[str], pad: str, width: int) -> str:
    """A long list of plain values (the allowed instance types): as many per line as fit."""
    lines: list[str] = []
    line = pad
    for item in texts:
        text = item + ","
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
    return _nests(value, ONE_LINE_DEPTH)


def _nests(node: Any, levels: int) -> bool:
    """Whether lists or mappings nest ``levels`` levels under ``node`` (a list or a mapping).

    Depth first, down one chain after another: a deep intrinsic is one long chain, found with
    a call a level; a shallow one is small.
    """
    if not levels:
        return True
    for child in node.values() if isinstance(node, dict) else node:
        if isinstance(child, _CONTAINERS) and _nests(child, levels - 1):
            return True
    return False
