"""Values a caller may put in props: what CloudFormation JSON can hold, within limits.

Every props mapping is walked once, before anything is merged or built, so that nothing which
passes validation fails later in ``to_json()`` or renders JSON that CloudFormation refuses. The
walk is iterative and bounded: it never recurses, stops descending past :data:`MAX_DEPTH`
levels, and stops counting at :data:`MAX_NODES` values, so hostile input (deep nesting, a
shared structure that expands exponentially, a cycle) costs little and is reported by name.

Accepted: ``str`` (valid Unicode), ``bool``, ``int``, finite ``float``, mappings with ``str``
keys, lists and tuples, troposphere intrinsics (``AWSHelperFn``: ``Ref``, ``If``, ``Sub``,
``Tags``...), ``Parameter`` objects (they become their ``Ref``), troposphere property objects,
awacs policy objects, and the pattern's option objects (dataclasses). Intrinsics, property
objects and options are walked too: a ``Sub`` variable or
a property object's field is checked like any other value.
"""

from __future__ import annotations

import dataclasses
import itertools
import math
from collections.abc import Iterator, Mapping, Sequence
from datetime import date, time
from typing import Any, Final

import awacs
from troposphere import AWSHelperFn, AWSObject, AWSProperty, Parameter, Tags

from troposphere_patterns.errors import Problem
from troposphere_patterns.lazy import TypeRef

# Deeper than any CloudFormation property (the deepest schemas nest about a dozen levels), far
# below Python's recursion limit, which the merge and build steps would otherwise hit.
MAX_DEPTH: Final = 64
# Values (mappings, lists and scalars) in all of one pattern's props together.
MAX_NODES: Final = 10_000
# Characters in all strings together: more cannot fit a 1 MB template body.
MAX_CHARACTERS: Final = 1_048_576

_AWACS_TYPES = (awacs.AWSObject, awacs.AWSHelperFn)

# What a caller may give where CloudFormation takes one value: a literal, an intrinsic
# (``Ref``, ``Sub``, ``If``...) or a ``Parameter`` (it becomes its ``Ref``).
Value = str | int | float | bool | AWSHelperFn | Parameter
# A list of IDs (each a literal or an intrinsic), or an intrinsic that is a list, such as the
# ``Ref`` of a ``List<AWS::EC2::Subnet::Id>`` Parameter.
IdList = Sequence[str | AWSHelperFn | Parameter] | AWSHelperFn | Parameter


class _Budget:
    """What is left of the limits shared by every field of one props object."""

    __slots__ = ("characters", "exhausted", "nodes")

    def __init__(self) -> None:
        self.nodes = MAX_NODES
        self.characters = MAX_CHARACTERS
        self.exhausted = False


def accepts(
    types: type | TypeRef | tuple[type | TypeRef, ...],
    description: str | None = None,
    **field_options: Any,
) -> Any:
    """A dataclass field that holds one of ``types``, checked by :func:`type_problems`.

    Args:
        types: The accepted Python types; a :class:`~troposphere_patterns.lazy.TypeRef` is
            imported only when the field holds a value to check.
        description: How a message names them; default "a str", "an ExistingVpc" for one type.
        **field_options: ``default`` or ``default_factory``, as for ``dataclasses.field``.
    """
    if description is None:
        name = types.name if isinstance(types, TypeRef) else getattr(types, "__name__", str(types))
        description = f"{'an' if name[0].lower() in 'aeiou' else 'a'} {name}"
    return dataclasses.field(metadata={"accepts": (types, description)}, **field_options)


def type_problems(instance: Any) -> list[Problem]:
    """Every field of a dataclass that holds the wrong Python type (see :func:`accepts`).

    None stands for "not given" only in fields whose default is None.
    """
    found = []
    for field in dataclasses.fields(instance):
        if "accepts" not in field.metadata:
            continue
        types, description = field.metadata["accepts"]
        value = getattr(instance, field.name)
        if value is None and field.default is None:
            continue
        listed = types if isinstance(types, tuple) else (types,)
        resolved = tuple(t.resolve() if isinstance(t, TypeRef) else t for t in listed)
        if not isinstance(value, resolved):
            found.append(Problem(field.name, f"must be {description}, not {_short(value)}"))
    return found


def props_problems(props: Any) -> list[Problem]:
    """:func:`problems` over every field of a props dataclass that holds mappings or options.

    Option objects (dataclasses such as ``ExistingVpc``) are walked field by field, so a value
    in an option is checked like one in a props mapping; troposphere objects given as a field
    (an existing function or endpoint) and plain scalars are the field type check's.
    """
    given = {field.name: getattr(props, field.name) for field in dataclasses.fields(props)}
    return problems(
        {
            name: value
            for name, value in given.items()
            if isinstance(value, Mapping) or _is_option(value)
        }
    )


def _is_option(value: Any) -> bool:
    return dataclasses.is_dataclass(value) and not isinstance(value, type)


def problems(fields: Mapping[str, Any]) -> list[Problem]:
    """Check values for renderability and size, each problem named by its dotted path.

    Args:
        fields: Props field names (``"lambda_function_props"``) to the caller's values; None
            values (fields not given) are skipped.

    Returns:
        One message per problem, e.g.
        ``lambda_function_props.Environment.Variables.MODEL_VERSION: a date ...``.
    """
    found: list[Problem] = []
    budget = _Budget()
    for name, value in fields.items():
        if value is None:
            continue
        found += _walk(value, name, budget)
        if budget.exhausted:
            break
    return found


def string_map_problems(mapping: Any, where: str) -> list[Problem]:
    """Check a CloudFormation map of strings (environment variables, tags): no nested values.

    Numbers and booleans are accepted (CloudFormation reads them as strings), as are intrinsics.

    Args:
        mapping: The map; anything but a plain mapping (an intrinsic) is not checked.
        where: Its dotted path, e.g. ``lambda_function_props.Environment.Variables``.
    """
    if not isinstance(mapping, Mapping):
        return []
    return [
        Problem(f"{where}.{key}", f"{_short(value)} must be a string (or an intrinsic)")
        for key, value in mapping.items()
        if not isinstance(value, str | int | float | AWSHelperFn | Parameter)
    ]


def _walk(root: Any, where: str, budget: _Budget) -> list[Problem]:
    found: list[Problem] = []
    stack: list[tuple[Any, str, int]] = [(root, where, 0)]
    while stack:
        value, path, depth = stack.pop()
        budget.nodes -= 1
        if budget.nodes < 0:
            budget.exhausted = True
            found.append(
                Problem(
                    path,
                    f"the props hold more than {MAX_NODES:,} values in all (the limit); "
                    "a template that large would not deploy",
                )
            )
            break
        problem = _scalar_problem(value, budget)
        if problem is not None:
            found.append(Problem(path, problem))
            if budget.exhausted:
                break
            continue
        # No more children than the budget can still count: a huge list costs no more.
        children = list(itertools.islice(_children(value, path), budget.nodes + 1))
        if children and depth >= MAX_DEPTH:
            found.append(Problem(path, f"nested deeper than {MAX_DEPTH} levels (the limit)"))
            continue
        # Reversed so problems come out in the caller's key order.
        stack += [(child, child_path, depth + 1) for child, child_path in reversed(children)]
    return found


def _scalar_problem(value: Any, budget: _Budget) -> str | None:
    """Why a leaf value cannot be rendered, or None when it can (or is a container)."""
    if isinstance(value, str):
        budget.characters -= len(value)
        if budget.characters < 0:
            budget.exhausted = True
            return (
                f"the props hold more than {MAX_CHARACTERS:,} characters of text in all; "
                "a template body holds at most 1 MB"
            )
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return f"{value[:40]!r}... is not valid Unicode text (a lone surrogate)"
        return None
    if isinstance(value, bool | int):
        return None
    if isinstance(value, float):
        if math.isfinite(value):
            return None
        return f"{value!r} is not a number JSON can hold (NaN and infinities are not allowed)"
    if value is None:
        return (
            "null is not allowed in a CloudFormation template; omit the key "
            "(or use Ref('AWS::NoValue') inside an If)"
        )
    if isinstance(value, AWSObject):
        return (
            f"a {type(value).__name__} resource ({value.title}) cannot be a property value; "
            f"use Ref({value.title}) or GetAtt({value.title}, ...)"
        )
    if isinstance(value, Mapping | list | tuple | AWSHelperFn | Parameter | AWSProperty):
        return None
    if _is_option(value):
        return None
    if isinstance(value, _AWACS_TYPES):
        return None
    return f"{_describe(value)} cannot be rendered to CloudFormation JSON{_hint(value)}"


def _children(value: Any, path: str) -> Iterator[tuple[Any, str]]:
    """The values inside a container, each with its path."""
    if isinstance(value, Parameter):
        return
    if isinstance(value, Tags):
        yield from _children(value.tags, path)
    elif isinstance(value, AWSHelperFn):
        yield from _children(value.data, path)
    elif isinstance(value, AWSProperty):
        yield from _children(value.properties, path)
    elif isinstance(value, Mapping):
        for key, item in value.items():
            if isinstance(key, str):
                yield item, f"{path}.{key}"
            else:
                # A bare key becomes a leaf the scalar check refuses, reported at this path.
                yield _BadKey(key), path
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            yield item, f"{path}[{index}]"
    elif _is_option(value):
        for field in dataclasses.fields(value):
            item = getattr(value, field.name)
            if item is not None:  # an option field left at None is not given
                yield item, f"{path}.{field.name}"


class _BadKey:
    """A mapping key that is not a string (YAML reads ``1:`` or ``2024-01-01:`` as one).

    A plain class, not a dataclass: dataclasses are walked as option objects.
    """

    __slots__ = ("key",)

    def __init__(self, key: Any) -> None:
        self.key = key


def _describe(value: Any) -> str:
    if isinstance(value, _BadKey):
        return f"the key {value.key!r} ({type(value.key).__name__}) is not a string, so it"
    if isinstance(value, set | frozenset):
        return f"a set ({_short(value)})"
    if isinstance(value, bytes | bytearray):
        return f"bytes ({_short(value)})"
    if isinstance(value, date | time):
        return f"a {type(value).__name__} ({value.isoformat()})"
    return f"{_short(value)} (a {type(value).__module__}.{type(value).__qualname__})"


def _hint(value: Any) -> str:
    if isinstance(value, _BadKey):
        return "; CloudFormation names are strings (quote the key)"
    if isinstance(value, set | frozenset):
        return "; give a list"
    if isinstance(value, bytes | bytearray):
        return "; give text (decode it, or base64-encode binary data)"
    if isinstance(value, date | time):
        return f"; give a string ({value.isoformat()!r}, quoted in YAML)"
    return ""


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."
