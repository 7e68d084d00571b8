"""Reading ``--props`` files: JSON or YAML holding props, with CloudFormation's intrinsics.

A file is checked before anything in it is turned into Python values: its size, its nesting
depth and, for YAML, how many values it expands to through anchors and aliases, counted on the
parser's event stream (so an alias bomb is refused while it is still a few hundred bytes of
events, never expanded). Scalars are read as JSON reads them: ``2024-01-01``, ``yes`` or
``0o17`` stay the strings the user wrote; only ``true``/``false``, ``null``, and JSON numbers
are typed. Short-form tags (``!Ref``, ``!GetAtt`` ...) and long-form intrinsics
(``{"Ref": ...}``, ``{"Fn::GetAtt": ...}`` ...) become troposphere intrinsics, so they are
accepted wherever the pattern accepts one. Every error names the file and the field's path.
"""

from __future__ import annotations

import codecs
import difflib
import json
import math
import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import troposphere
import yaml
from yaml.composer import Composer
from yaml.parser import Parser
from yaml.reader import Reader
from yaml.resolver import BaseResolver
from yaml.scanner import Scanner

from troposphere_patterns.records import record

MAX_BYTES = 1024 * 1024
# Deeper than any CloudFormation property (a props field, six levels of properties and a few
# nested intrinsics need about 15), shallow enough that no reader recurses anywhere near
# Python's limit.
MAX_DEPTH = 64
# Values after alias expansion: a props file holds hundreds, a template at most 1 MB.
MAX_VALUES = 100_000

Path = tuple[str | int, ...]

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_YAML = "tag:yaml.org,2002:"


class PropsFileError(Exception):
    """A ``--props`` file that cannot be read as props; the message names file and field.

    Attributes:
        file: The file as given on the command line.
        path: Where in the file (field names and list indexes), empty for the whole file.
        problem: What is wrong there.
    """

    def __init__(self, file: str, problem: str, path: Path = ()) -> None:
        self.file, self.problem, self.path = file, problem, path
        where = f"{dotted(path)}: " if path else ""
        super().__init__(f"--props {file}: {where}{problem}")


def dotted(path: Path) -> str:
    """``("a", "B", 0, "C")`` as ``a.B[0].C``, the way messages name a field."""
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text


def suggestion(word: str, choices: Sequence[str]) -> str:
    """``; did you mean X?`` for the closest of ``choices``, or ``""``."""
    by_case = {choice.lower(): choice for choice in choices}
    match = by_case.get(word.lower()) or next(
        iter(difflib.get_close_matches(word, choices, n=1, cutoff=0.6)), None
    )
    return f"; did you mean {match}?" if match else ""


def read(file: str) -> dict[str, Any]:
    """Read one props file: a mapping of props fields to values (intrinsics as troposphere's).

    Args:
        file: The path as given; ``.json`` is read as JSON, anything else as YAML.

    Raises:
        PropsFileError: The file cannot be read, is too large or too deep, is not text, is not
            valid JSON/YAML, or holds a value props cannot carry.
    """
    try:
        with open(file, "rb") as stream:
            data = stream.read(MAX_BYTES + 1)
    except OSError as error:
        raise PropsFileError(file, f"cannot read it: {error.strerror}") from error
    if len(data) > MAX_BYTES:
        raise PropsFileError(file, f"larger than {MAX_BYTES:,} bytes; props files are small")
    text = _decode(file, data)
    tree = _json(file, text) if file.lower().endswith(".json") else _yaml(file, text)
    if not isinstance(tree, dict):
        kind = "empty" if tree is None else f"a {_kind(tree)}"
        raise PropsFileError(file, f"must hold a mapping of props fields, not {kind}")
    return {key: _value(file, item, (key,)) for key, item in tree.items()}


def _decode(file: str, data: bytes) -> str:
    """UTF-8 (with or without a BOM), or UTF-16/32 with a BOM (PowerShell writes UTF-16)."""
    codec, start = "utf-8", 0
    for bom, name in _BOMS:
        if data.startswith(bom):
            codec, start = name, len(bom)
            break
    try:
        text = data[start:].decode(codec)
    except UnicodeDecodeError as error:
        offset = start + error.start
        raise PropsFileError(
            file,
            f"not {codec.upper()} text: byte 0x{data[offset]:02x} at offset {offset} cannot be "
            "decoded (save the file as UTF-8)",
        ) from error
    if "\0" in text:
        offset = data.index(b"\0")
        raise PropsFileError(
            file,
            f"holds a NUL byte at offset {offset}: UTF-16 without a byte-order mark? "
            "(save the file as UTF-8)",
        )
    return text


# --------------------------------------------------------------------------- JSON


class _Pairs(list[tuple[str, Any]]):
    """A JSON object as its key/value pairs, so duplicates are reported with their path."""


_JSON_TOKENS = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]')


def _json(file: str, text: str) -> Any:
    depth = 0
    for token in _JSON_TOKENS.finditer(text):
        bracket = token.group()
        if bracket in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                line = text.count("\n", 0, token.start()) + 1
                raise PropsFileError(file, f"line {line}: nested deeper than {MAX_DEPTH} levels")
        elif bracket in "]}":
            depth -= 1
    try:
        tree = json.loads(text, object_pairs_hook=_Pairs)
    except json.JSONDecodeError as error:
        raise PropsFileError(
            file, f"not valid JSON: line {error.lineno}, column {error.colno}: {error.msg}"
        ) from error
    return _unpair(file, tree, ())


def _unpair(file: str, tree: Any, path: Path) -> Any:
    if isinstance(tree, _Pairs):
        result: dict[str, Any] = {}
        for key, value in tree:
            if key in result:
                raise PropsFileError(file, f"duplicate key {key!r}", path)
            result[key] = _unpair(file, value, (*path, key))
        return result
    if isinstance(tree, list):
        return [_unpair(file, item, (*path, n)) for n, item in enumerate(tree)]
    return tree


# --------------------------------------------------------------------------- YAML


class _Resolver(BaseResolver):
    """Types plain scalars as JSON would; everything else (dates, ``yes``, ``0x1f``) is a str."""


for _tag, _pattern, _first in (
    ("null", r"~|null|Null|NULL|", ["~", "n", "N", ""]),
    ("bool", r"true|True|TRUE|false|False|FALSE", list("tTfF")),
    ("int", r"-?(?:0|[1-9][0-9]*)", list("-0123456789")),
    # Infinity and NaN are typed so that they can be refused by name, not read as strings.
    (
        "float",
        r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)"
        r"|\.(?:nan|NaN|NAN)",
        list("-+0123456789."),
    ),
    ("merge", r"<<", ["<"]),
):
    _Resolver.add_implicit_resolver(_YAML + _tag, re.compile(f"^(?:{_pattern})$"), _first)


class _Loader(Reader, Scanner, Parser, Composer, _Resolver):
    """Reads YAML into nodes only; :func:`_node_value` turns them into values."""

    def __init__(self, stream: str) -> None:
        Reader.__init__(self, stream)
        Scanner.__init__(self)
        Parser.__init__(self)
        Composer.__init__(self)
        _Resolver.__init__(self)


def _yaml(file: str, text: str) -> Any:
    try:
        _check_expansion(file, _Loader(text))
        node = _Loader(text).get_single_node()
    except yaml.MarkedYAMLError as error:
        raise PropsFileError(file, f"not valid YAML: {_yaml_error(error)}") from error
    except yaml.YAMLError as error:
        raise PropsFileError(file, f"not valid YAML: {error}") from error
    return None if node is None else _node_value(file, node, ())


def _yaml_error(error: yaml.MarkedYAMLError) -> str:
    mark = error.problem_mark or error.context_mark
    where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark is not None else ""
    return where + " ".join(part for part in (error.context, error.problem) if part)


def _check_expansion(file: str, loader: _Loader) -> None:
    """Refuse a document too deep or too large once its aliases are expanded, from its events.

    Each anchored value's expanded size and height are recorded when it ends; an alias adds
    them. Nothing is composed or constructed, so a billion-laughs document costs only its own
    few events.
    """
    values = 0
    sizes: dict[str, tuple[int, int]] = {}  # anchor -> (expanded values, height)
    # Open collections: anchor, values count at its start, its depth, deepest depth inside.
    open_: list[list[Any]] = []

    def reach(depth: int, event: yaml.Event) -> None:
        if depth > MAX_DEPTH:
            line = event.start_mark.line + 1 if event.start_mark else 0
            raise PropsFileError(file, f"line {line}: nested deeper than {MAX_DEPTH} levels")
        if open_:
            open_[-1][3] = max(open_[-1][3], depth)

    def count(more: int, event: yaml.Event) -> None:
        nonlocal values
        values += more
        if values > MAX_VALUES:
            line = event.start_mark.line + 1 if event.start_mark else 0
            raise PropsFileError(
                file,
                f"line {line}: expands to more than {MAX_VALUES:,} values "
                "(through YAML anchors and aliases?)",
            )

    try:
        while loader.check_event():
            event = loader.get_event()  # type: ignore[no-untyped-call]
            depth = len(open_)
            if isinstance(event, yaml.AliasEvent):
                if any(entry[0] == event.anchor for entry in open_):
                    line = event.start_mark.line + 1 if event.start_mark else 0
                    raise PropsFileError(
                        file,
                        f"line {line}: the alias *{event.anchor} is inside the value "
                        f"&{event.anchor} names (a value that contains itself)",
                    )
                size, height = sizes.get(event.anchor or "", (1, 0))
                reach(depth + height, event)
                count(size, event)
            elif isinstance(event, yaml.ScalarEvent):
                count(1, event)
                if event.anchor:
                    sizes[event.anchor] = (1, 0)
            elif isinstance(event, yaml.CollectionStartEvent):
                count(1, event)
                reach(depth + 1, event)
                open_.append([event.anchor, values, depth + 1, depth + 1])
            elif isinstance(event, yaml.CollectionEndEvent):
                anchor, start, own, deepest = open_.pop()
                if open_:
                    open_[-1][3] = max(open_[-1][3], deepest)
                if anchor:
                    sizes[anchor] = (values - start + 1, deepest - own + 1)
    finally:
        loader.dispose()


def _node_value(file: str, node: yaml.Node, path: Path) -> Any:
    tag = node.tag
    if tag.startswith("!") and not tag.startswith("!!"):
        return _short_form(file, node, path)
    if isinstance(node, yaml.ScalarNode):
        return _scalar(file, node, path)
    if isinstance(node, yaml.SequenceNode) and tag == _YAML + "seq":
        return [_node_value(file, item, (*path, n)) for n, item in enumerate(node.value)]
    if isinstance(node, yaml.MappingNode) and tag == _YAML + "map":
        return _mapping(file, node, path)
    raise PropsFileError(file, f"the YAML tag {_tag_name(tag)} is not supported here", path)


def _tag_name(tag: str) -> str:
    return "!!" + tag[len(_YAML) :] if tag.startswith(_YAML) else tag


def _scalar(file: str, node: yaml.ScalarNode, path: Path) -> Any:
    text, kind = node.value, node.tag[len(_YAML) :] if node.tag.startswith(_YAML) else ""
    try:
        if kind == "str":
            return text
        if kind == "null":
            return None
        if kind == "bool":
            return {"true": True, "false": False}[text.lower()]
        if kind == "int":
            return int(text)
        if kind == "float":
            lowered = text.lower()
            if lowered.endswith(".inf"):
                return -math.inf if lowered.startswith("-") else math.inf
            return math.nan if lowered == ".nan" else float(text)
    except (KeyError, ValueError):
        raise PropsFileError(file, f"{text!r} is not a valid {_tag_name(node.tag)}", path) from None
    raise PropsFileError(file, f"the YAML tag {_tag_name(node.tag)} is not supported here", path)


def _mapping(file: str, node: yaml.MappingNode, path: Path) -> dict[str, Any]:
    result: dict[str, Any] = {}
    merged: dict[str, Any] = {}
    for key_node, value_node in node.value:
        if key_node.tag == _YAML + "merge":
            merged.update(_merge_source(file, value_node, path))
            continue
        if not isinstance(key_node, yaml.ScalarNode) or key_node.tag != _YAML + "str":
            shown = key_node.value if isinstance(key_node, yaml.ScalarNode) else "a collection"
            raise PropsFileError(
                file, f"keys must be strings; quote the key {shown!r} if it is a name", path
            )
        key = key_node.value
        if key in result:
            raise PropsFileError(file, f"duplicate key {key!r}", path)
        result[key] = _node_value(file, value_node, (*path, key))
    return {**merged, **result}


def _merge_source(file: str, node: yaml.Node, path: Path) -> dict[str, Any]:
    sources = node.value if isinstance(node, yaml.SequenceNode) else [node]
    merged: dict[str, Any] = {}
    for source in reversed(sources):  # earlier sources win, as in YAML's merge key
        value = _node_value(file, source, path)
        if not isinstance(value, dict):
            raise PropsFileError(file, "<< merges mappings only", path)
        merged.update(value)
    return merged


def _short_form(file: str, node: yaml.Node, path: Path) -> dict[str, Any]:
    """``!GetAtt A.B`` and its kind as the long form (``{"Fn::GetAtt": ["A", "B"]}``)."""
    name = node.tag[1:]
    long_name = name if name in ("Ref", "Condition") else f"Fn::{name}"
    if long_name not in _INTRINSICS:
        known = [key.removeprefix("Fn::") for key in _INTRINSICS]
        raise PropsFileError(
            file, f"unknown tag !{name}{suggestion(name, known).replace('mean ', 'mean !')}", path
        )
    if isinstance(node, yaml.ScalarNode):
        value: Any = node.value
        if name == "GetAtt":
            value = value.split(".", 1)
    elif isinstance(node, yaml.SequenceNode):
        value = [_node_value(file, item, (*path, n)) for n, item in enumerate(node.value)]
    else:
        value = _mapping(file, node, path)  # type: ignore[arg-type]
    return {long_name: value}


# --------------------------------------------------------------------------- values


def _kind(value: Any) -> str:
    names: dict[type, str] = {dict: "mapping", list: "list", str: "string"}
    return names.get(type(value), type(value).__name__)


def _value(file: str, value: Any, path: Path) -> Any:
    """A parsed value with its intrinsics as troposphere objects and every number finite."""
    if isinstance(value, float) and not math.isfinite(value):
        raise PropsFileError(file, f"{value} is not a finite number", path)
    if isinstance(value, list):
        return [_value(file, item, (*path, n)) for n, item in enumerate(value)]
    if not isinstance(value, dict):
        return value
    if len(value) == 1:
        ((key, argument),) = value.items()
        # {"Condition": name} is an intrinsic only inside conditions; a statement's Condition
        # block (a mapping) is not one.
        if key in _INTRINSICS and (key != "Condition" or isinstance(argument, str)):
            return _intrinsic(file, key, _value(file, argument, (*path, key)), (*path, key))
        if key.startswith("Fn::"):
            raise PropsFileError(
                file, f"unknown intrinsic {key}{suggestion(key, list(_INTRINSICS))}", path
            )
    return {key: _value(file, item, (*path, key)) for key, item in value.items()}


def _intrinsic(file: str, name: str, argument: Any, path: Path) -> troposphere.AWSHelperFn:
    shape, build = _INTRINSICS[name]
    arguments = _arguments(argument, shape)
    if arguments is None:
        short = "!" + name.removeprefix("Fn::")
        raise PropsFileError(file, f"{name} ({short}) takes {shape}", path[:-1])
    return build(*arguments)


def _arguments(argument: Any, shape: str) -> list[Any] | None:
    """The intrinsic's arguments when ``argument`` has ``shape``, else None."""
    helper = isinstance(argument, troposphere.AWSHelperFn)
    if shape == _NAME:
        return [argument] if isinstance(argument, str) and argument else None
    if shape == _ANY:
        return [argument]
    if shape == _SUB:
        if isinstance(argument, str):
            return [argument]
        ok = (
            isinstance(argument, list)
            and len(argument) == 2
            and isinstance(argument[0], str)
            and isinstance(argument[1], dict)
        )
        return list(argument) if ok else None
    if shape == _GET_ATT:
        if isinstance(argument, str):
            argument = argument.split(".", 1)
        ok = isinstance(argument, list) and len(argument) == 2 and isinstance(argument[0], str)
        return list(argument) if ok and argument[0] and argument[1] else None
    if shape == _CONDITIONS:
        ok = isinstance(argument, list) and 2 <= len(argument) <= 10
        return list(argument) if ok else None
    if shape == _GET_AZS:
        return [argument] if isinstance(argument, str) or helper else None
    count = _COUNTS[shape]
    if not isinstance(argument, list) or len(argument) not in count:
        return None
    if shape in (_JOIN, _SPLIT) and not isinstance(argument[0], str):
        return None  # CloudFormation takes no function as the delimiter
    if shape == _IF and not isinstance(argument[0], str):
        return None
    return list(argument)


_NAME = "a name (a string)"
_ANY = "one value"
_SUB = "a string, or [string, {Name: value, ...}]"
_GET_ATT = "LogicalId.Attribute or [LogicalId, Attribute]"
_JOIN = "[delimiter, [values]]"
_SPLIT = "[delimiter, string]"
_SELECT = "[index, [values]]"
_IF = "[condition name, value if true, value if false]"
_EQUALS = "[value, value]"
_NOT = "[condition]"
_CONDITIONS = "a list of 2 to 10 conditions"
_FIND_IN_MAP = "[map name, top-level key, second-level key]"
_CIDR = "[ip block, count, cidr bits]"
_GET_AZS = 'a region (a string, "" for this region)'
_COUNTS = {
    _JOIN: {2},
    _SPLIT: {2},
    _SELECT: {2},
    _IF: {3},
    _EQUALS: {2},
    _NOT: {1},
    _FIND_IN_MAP: {3},
    _CIDR: {3},
}

_INTRINSICS: dict[str, tuple[str, Callable[..., troposphere.AWSHelperFn]]] = {
    "Ref": (_NAME, troposphere.Ref),
    "Condition": (_NAME, troposphere.Condition),
    "Fn::GetAtt": (_GET_ATT, troposphere.GetAtt),
    "Fn::Sub": (_SUB, troposphere.Sub),
    "Fn::Join": (_JOIN, troposphere.Join),
    "Fn::Select": (_SELECT, troposphere.Select),
    "Fn::Split": (_SPLIT, troposphere.Split),
    "Fn::If": (_IF, troposphere.If),
    "Fn::Equals": (_EQUALS, troposphere.Equals),
    "Fn::Not": (_NOT, troposphere.Not),
    "Fn::And": (_CONDITIONS, troposphere.And),
    "Fn::Or": (_CONDITIONS, troposphere.Or),
    "Fn::FindInMap": (_FIND_IN_MAP, troposphere.FindInMap),
    "Fn::Base64": (_ANY, troposphere.Base64),
    "Fn::Cidr": (_CIDR, troposphere.Cidr),
    "Fn::GetAZs": (_GET_AZS, troposphere.GetAZs),
    "Fn::ImportValue": (_ANY, troposphere.ImportValue),
}


# --------------------------------------------------------------------------- keys


@record
class Schema:
    """The keys a props field's mapping may hold.

    Attributes:
        cls: The troposphere class whose property table names the keys (nested property
            classes are followed), or None.
        names: Further keys allowed (a pattern-level key, or a dataclass's fields).
    """

    cls: type[troposphere.BaseAWSObject] | None = None
    names: tuple[str, ...] = ()


def key_problems(file: str, data: Mapping[str, Any], schemas: Mapping[str, Schema]) -> list[str]:
    """Every unknown key in ``data``, at any depth, with a suggestion where one is close.

    Args:
        file: The file, for the messages.
        data: What the file holds (props field -> value).
        schemas: Props field -> what its mapping may hold.
    """
    found = []
    for name, value in data.items():
        schema = schemas.get(name)
        if schema is None:
            hint = suggestion(name, list(schemas)) or f" (fields: {', '.join(sorted(schemas))})"
            found.append(str(PropsFileError(file, f"unknown props field{hint}", (name,))))
        elif schema.cls is not None or schema.names:
            found += _unknown_keys(file, value, schema.cls, schema.names, (name,))
    return found


def _unknown_keys(
    file: str,
    value: Any,
    cls: type[troposphere.BaseAWSObject] | None,
    names: tuple[str, ...],
    path: Path,
) -> list[str]:
    if isinstance(value, list) and cls is None and names:  # a list of options' mappings
        return [
            problem
            for index, item in enumerate(value)
            for problem in _unknown_keys(file, item, cls, names, (*path, index))
        ]
    if not isinstance(value, Mapping):
        return []
    table = cls.props if cls is not None else {}
    known = [*table, *names]
    found = []
    for key, item in value.items():
        if key not in known:
            if cls is None:
                owner = f"key of {dotted(path)}"
            else:
                owner = f"property of {getattr(cls, 'resource_type', None) or cls.__name__}"
            hint = suggestion(key, known) or f" (known: {', '.join(sorted(known))})"
            problem = f"unknown {owner}{hint}"
            found.append(str(PropsFileError(file, problem, (*path, key))))
            continue
        expected = table.get(key, (None,))[0]
        if isinstance(expected, list) and expected and isinstance(item, list):
            for n, element in enumerate(item):
                found += _nested(file, element, expected[0], (*path, key, n))
        else:
            found += _nested(file, item, expected, (*path, key))
    return found


def _nested(file: str, value: Any, expected: Any, path: Path) -> list[str]:
    if isinstance(expected, type) and troposphere.is_aws_object_subclass(expected):
        return _unknown_keys(file, value, expected, (), path)
    return []
