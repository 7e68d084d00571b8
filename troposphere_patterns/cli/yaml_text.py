"""Template YAML as people write it: block style, short-form intrinsics, code as literal blocks.

The same template as the JSON (``json_text``), as data: a test loads both through cfn-lint and
compares them. Here:

- sections in the order templates are read (``AWSTemplateFormatVersion``, ``Description``,
  ``Parameters``, ``Mappings``, ``Conditions``, ``Resources``, ``Outputs``), other keys sorted,
  a resource's or Parameter's ``Type`` first;
- intrinsics in their short form (``!Ref X``, ``!GetAtt A.B``, ``!Sub ...``, ``!If [...]``),
  except where YAML cannot stack two tags on one node (``Fn::Base64: !Sub ...``);
- a list stays on one line (``[a, b]``) when it fits within :data:`WIDTH` columns and holds
  no mapping; mappings are always blocks, indented two spaces per level;
- a multi-line string (the inlined handler) is a literal block (``|``), so the code reads as
  code; other strings are plain unless YAML would read them as something else (``'2012-10-17'``
  would be a date, ``'true'`` a boolean), then quoted.
"""

from __future__ import annotations

import json
import re
from typing import Any

import yaml

from troposphere_patterns.cli import json_text

WIDTH = 120
INDENT = 2
SECTIONS = (
    "AWSTemplateFormatVersion",
    "Description",
    "Metadata",
    "Transform",
    "Parameters",
    "Rules",
    "Mappings",
    "Conditions",
    "Resources",
    "Outputs",
)
# Functions whose short form takes a scalar (``!Ref X``) or a list (``!If [...]``).
_SHORT = {
    "Ref": "!Ref",
    "Fn::And": "!And",
    "Fn::Base64": "!Base64",
    "Fn::Cidr": "!Cidr",
    "Fn::Equals": "!Equals",
    "Fn::FindInMap": "!FindInMap",
    "Fn::GetAZs": "!GetAZs",
    "Fn::GetAtt": "!GetAtt",
    "Fn::If": "!If",
    "Fn::ImportValue": "!ImportValue",
    "Fn::Join": "!Join",
    "Fn::Not": "!Not",
    "Fn::Or": "!Or",
    "Fn::Select": "!Select",
    "Fn::Split": "!Split",
    "Fn::Sub": "!Sub",
}
# Characters that may not start a plain scalar, or may not appear in one inside [...].
_PLAIN_START = set("-?:,[]{}#&*!|>'\"%@` \t")
_FLOW_SPECIAL = set(",[]{}")
_PRINTABLE = re.compile(r"[\x20-\x7e\u00a0-\ud7ff\ue000-\ufffd]*")
# What a literal block holds as it is: printable lines (tabs included).
_PRINTABLE_LINES = re.compile(r"[\t\n\x20-\x7e\u00a0-\ud7ff\ue000-\ufffd]*")
_RESOLVER = yaml.resolver.Resolver()


def dumps(template: dict[str, Any]) -> str:
    """Render a template (``Template.to_dict()``) as YAML, ending with a newline."""
    return "\n".join(_mapping(template, 0, top=True)) + "\n"


def _keys(mapping: dict[str, Any], top: bool) -> list[str]:
    if top:
        listed = [key for key in SECTIONS if key in mapping]
        return listed + sorted(key for key in mapping if key not in SECTIONS)
    return sorted(mapping, key=lambda key: (key != "Type", key))


def _mapping(mapping: dict[str, Any], indent: int, top: bool = False) -> list[str]:
    lines: list[str] = []
    pad = " " * indent
    for key in _keys(mapping, top):
        head = f"{pad}{_scalar(key, flow=False)}:"
        lines += _entry(head, mapping[key], indent)
    return lines


def _sequence(items: list[Any], indent: int) -> list[str]:
    lines: list[str] = []
    pad = " " * indent
    for item in items:
        lines += _entry(f"{pad}-", item, indent, item_of_list=True)
    return lines


def _entry(head: str, value: Any, indent: int, item_of_list: bool = False) -> list[str]:
    """``head`` (``key:`` or ``-``) and its value: on the same line, or as a block under it."""
    inner = indent + INDENT
    # As in the JSON, a deeply nested intrinsic (an endpoint name's lower-case chain) stays on
    # one line whatever its width: opened up, its indentation alone would grow quadratically.
    deep = json_text.is_deep_intrinsic(value)
    inline = _inline(value, flow=False, width=None if deep else WIDTH)
    if inline is not None and (_is_scalar(value) or len(head) + 1 + len(inline) <= WIDTH or deep):
        return [f"{head} {inline}"]
    if isinstance(value, str):  # multi-line, printable: _inline wrote any other string
        return [f"{head} {_literal_header(value)}", *_literal_lines(value, inner)]
    tag, argument = _short_form(value)
    if tag is not None:
        if isinstance(argument, str):  # a multi-line !Sub
            return [f"{head} {tag} {_literal_header(argument)}", *_literal_lines(argument, inner)]
        return [f"{head} {tag}", *_sequence(argument, inner)]
    block = _mapping(value, inner) if isinstance(value, dict) else _sequence(value, inner)
    if item_of_list:  # "- Key: value": the first line shares the dash's line
        return [f"{head} {block[0][inner:]}", *block[1:]]
    return [head, *block]


def _inline(value: Any, flow: bool, width: int | None = WIDTH) -> str | None:
    """The one-line form of ``value``, or None when it needs a block (or is over ``width``)."""
    if isinstance(value, str):
        literal = not flow and "\n" in value and _PRINTABLE_LINES.fullmatch(value)
        return None if literal else _scalar(value, flow)
    if _is_scalar(value):
        return _scalar(value, flow)
    if value == {} or value == []:
        return json.dumps(value)
    tag, argument = _short_form(value)
    if tag is not None:
        if isinstance(argument, str):
            text = _inline(argument, flow, width)
            return None if text is None else f"{tag} {text}"
        flowed = _flow_list(argument, width)
        return None if flowed is None else f"{tag} {flowed}"
    if isinstance(value, list):
        return _flow_list(value, width)
    return None


def _flow_list(items: list[Any], width: int | None) -> str | None:
    parts = [_inline(item, flow=True, width=width) for item in items]
    if any(part is None for part in parts):
        return None
    text = "[" + ", ".join(part for part in parts if part is not None) + "]"
    return text if width is None or len(text) <= width else None


def _short_form(value: Any) -> tuple[str | None, Any]:
    """(tag, argument) when ``value`` is an intrinsic YAML can write short; else (None, None).

    The argument must be a string or a list: a tag followed by another tagged node
    (``!Base64 !Sub ...``) is not YAML, so an intrinsic whose argument is an intrinsic (or any
    mapping) keeps its long form.
    """
    if not isinstance(value, dict) or len(value) != 1:
        return None, None
    ((name, argument),) = value.items()
    tag = _SHORT.get(name)
    if tag is None:
        return None, None
    if name == "Fn::GetAtt" and _dotted(argument):
        return tag, f"{argument[0]}.{argument[1]}"
    if isinstance(argument, str) and not (name == "Ref" and not argument):
        return tag, argument
    if isinstance(argument, list) and argument:
        return tag, argument
    return None, None


def _dotted(argument: Any) -> bool:
    return (
        isinstance(argument, list)
        and len(argument) == 2
        and all(isinstance(part, str) and part for part in argument)
        and "." not in argument[0]
    )


def _is_scalar(value: Any) -> bool:
    return value is None or isinstance(value, str | int | float | bool)


def _scalar(value: Any, flow: bool) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return json.dumps(value)
    if isinstance(value, float):
        mantissa, _, exponent = repr(value).partition("e")
        # YAML 1.1 reads 1e-05 as a string: its floats need a point before the exponent.
        return f"{mantissa}.0e{exponent}" if exponent and "." not in mantissa else repr(value)
    text = str(value)
    if _plain(text, flow):
        return text
    if "'" not in text and _PRINTABLE.fullmatch(text):
        return f"'{text}'"
    return json.dumps(text)  # JSON's escapes are YAML's double-quoted escapes


def _plain(text: str, flow: bool) -> bool:
    """Whether ``text`` may be written unquoted and still be read back as this string."""
    if not text or text[0] in _PLAIN_START or text != text.strip():
        return False
    if ": " in text or " #" in text or text.endswith(":") or not _PRINTABLE.fullmatch(text):
        return False
    if flow and _FLOW_SPECIAL & set(text):
        return False
    # YAML 1.1 reads true/yes/on, numbers, dates and null as other types.
    tag: str = _RESOLVER.resolve(yaml.ScalarNode, text, (True, False))  # type: ignore[no-untyped-call]
    return tag == "tag:yaml.org,2002:str"


def _literal_header(text: str) -> str:
    """``|`` with the chomping (and, for a leading space, indentation) the text needs."""
    chomp = "-" if not text.endswith("\n") else ("+" if text.endswith("\n\n") else "")
    first = next((line for line in text.split("\n") if line), "")
    # A first line that starts with a space would set the block's indentation: say it.
    indicator = str(INDENT) if first.startswith((" ", "\t")) else ""
    return f"|{indicator}{chomp}"


def _literal_lines(text: str, indent: int) -> list[str]:
    pad = " " * indent
    body = text[:-1] if text.endswith("\n") else text
    return [f"{pad}{line}" if line else "" for line in body.split("\n")]
