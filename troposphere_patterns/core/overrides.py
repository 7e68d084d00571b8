"""Merging caller overrides over secure defaults, the troposphere way.

Layers merge left to right (later wins): plain mappings merge deeply; lists, scalars and
intrinsics (``Ref``, ``GetAtt``, ``Sub``, ``Tags``) replace whole. The result is turned into
troposphere objects by :func:`build`, which follows troposphere's ``from_dict`` but also accepts
an intrinsic wherever CloudFormation does (a ``Ref`` to a ``List<...>`` Parameter in place of a
list, an ``If`` in place of a property object), which ``from_dict`` rejects.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Mapping
from types import FunctionType
from typing import Any, TypeVar

from troposphere import (
    AWSHelperFn,
    BaseAWSObject,
    Parameter,
    Ref,
    Tags,
    is_aws_object_subclass,
)

from troposphere_patterns.core import encoding, values
from troposphere_patterns.errors import PatternPropsError, Problem

T = TypeVar("T", bound=BaseAWSObject)
# What troposphere raises when it refuses a value (some validators raise with no message).
_TROPOSPHERE_ERRORS = (AttributeError, TypeError, ValueError, ArithmeticError, LookupError)


class TroposphereRefusedError(Exception):
    """troposphere refused a value while building or rendering an object.

    Raised only around troposphere's own calls (:func:`build`, :func:`check_renders`), with
    troposphere's exception as the cause, so that :func:`rejected` can name the caller's props
    for it while an exception anywhere else (a bug of ours) stays a traceback.
    """


@contextlib.contextmanager
def _troposphere_call() -> Iterator[None]:
    """Wrap one call into troposphere: its refusal becomes a :class:`TroposphereRefusedError`."""
    try:
        yield
    except _TROPOSPHERE_ERRORS as error:
        raise TroposphereRefusedError(str(error)) from error


def check_renders(obj: BaseAWSObject | AWSHelperFn) -> None:
    """Whether troposphere renders ``obj``: it checks required properties only when rendering.

    Raises:
        TroposphereRefusedError: troposphere refused to render it.
    """
    with _troposphere_call():
        encoding.check(obj)


def plain(value: Any) -> Any:
    """Turn troposphere property objects into plain mappings, recursively.

    Uses ``.properties`` rather than ``to_dict()``: ``to_dict()`` flattens intrinsics into
    dicts that ``from_dict`` then rejects. A ``Parameter`` becomes its ``Ref``.

    Args:
        value: Anything a caller may put in a props mapping.

    Returns:
        The same value with property objects replaced by dicts; intrinsics kept as they are.
    """
    if isinstance(value, Parameter):
        return Ref(value)
    if isinstance(value, AWSHelperFn):
        return value
    if isinstance(value, BaseAWSObject):
        return {key: plain(item) for key, item in value.properties.items()}
    if isinstance(value, Mapping):
        return {key: plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [plain(item) for item in value]
    return value


def merge(*layers: Mapping[str, Any] | None) -> dict[str, Any]:
    """Merge property mappings; later layers win.

    Args:
        *layers: Usually ``defaults, caller_overrides, required``; ``None`` layers are skipped.

    Returns:
        A new plain mapping. Mappings merge key by key; anything else replaces whole.
    """
    result: dict[str, Any] = {}
    for layer in layers:
        if layer is None:
            continue
        for key, value in plain(layer).items():
            current = result.get(key)
            if isinstance(current, dict) and isinstance(value, dict):
                result[key] = merge(current, value)
            else:
                result[key] = value
    return result


def build(cls: type[T], props: Mapping[str, Any], title: str | None = None) -> T:
    """Build a troposphere object of ``cls`` from a plain mapping of CloudFormation names.

    Unknown keys and wrong types fail with troposphere's own messages; required properties are
    checked by troposphere when the template is rendered.

    Args:
        cls: The troposphere resource or property class.
        props: CloudFormation property names to values (literals, intrinsics, mappings).
        title: The logical ID, for resources.

    Returns:
        The troposphere object.

    Raises:
        TroposphereRefusedError: troposphere refused a value (its exception is the cause).
    """
    kwargs = {key: _convert(cls.props.get(key, (None,))[0], value) for key, value in props.items()}
    with _troposphere_call():
        built: T = cls(**kwargs) if title is None else cls(title, **kwargs)
    return built


def _convert(expected: Any, value: Any) -> Any:
    value = plain(value) if isinstance(value, Parameter | BaseAWSObject) else value
    if isinstance(value, AWSHelperFn):
        return value
    if _is_tags(expected):
        return _tags(value)
    if isinstance(expected, FunctionType):
        # Run troposphere's validator first: when it fails inside troposphere, troposphere also
        # writes to sys.stderr, which a library must not do to its caller's process.
        with _troposphere_call():
            expected(value)
    if is_aws_object_subclass(expected) and isinstance(value, Mapping):
        return build(expected, value)
    if isinstance(expected, list) and isinstance(value, list | tuple):
        return [_convert(expected[0], item) for item in value]
    return plain(value)


def _is_tags(expected: Any) -> bool:
    # Most resources type Tags as ``Tags``; some (AWS::EC2::VPC) as a validator that takes Tags
    # or a list, which would refuse the mapping shape accepted everywhere else.
    return expected is Tags or getattr(expected, "__name__", None) == "validate_tags_or_list"


def _tag_problems(value: Any, where: str) -> list[Problem]:
    """Tags as a mapping, a list of Key/Value pairs, ``Tags`` or an intrinsic; string values."""
    if isinstance(value, Mapping):
        return values.string_map_problems(value, where)
    if isinstance(value, list | tuple):
        found = []
        for n, tag in enumerate(value):
            if isinstance(tag, AWSHelperFn):
                continue
            if not isinstance(tag, Mapping) or set(tag) != {"Key", "Value"}:
                found.append(
                    Problem(f"{where}[{n}]", f"a tag is {{'Key': ..., 'Value': ...}}, not {tag!r}")
                )
            else:
                found += values.string_map_problems(tag, f"{where}[{n}]")
        return found
    if isinstance(value, AWSHelperFn):  # Tags objects included
        return []
    return [Problem(where, "give a mapping of tag keys to values, or a list of Key/Value pairs")]


def _tags(value: Any) -> Any:
    # Accept the two shapes people write: {"Key": "Value"} and [{"Key": k, "Value": v}].
    if isinstance(value, Mapping):
        with _troposphere_call():
            return Tags(dict(value))
    if isinstance(value, list | tuple) and all(
        isinstance(tag, Mapping) and set(tag) == {"Key", "Value"} for tag in value
    ):
        with _troposphere_call():
            return Tags({tag["Key"]: tag["Value"] for tag in value})
    return value


def problems(cls: type[BaseAWSObject], props: Mapping[str, Any], where: str) -> list[Problem]:
    """Check caller props against troposphere's property table, one key at a time.

    Args:
        cls: The troposphere class the props are for.
        props: The caller's mapping.
        where: The prop name to report, e.g. ``"model_props"``.

    Returns:
        One message per unknown key or wrongly typed value, each naming ``where.Key``.
    """
    found: list[Problem] = []
    for key, value in props.items():
        if not isinstance(key, str):
            found.append(Problem(where, f"keys must be CloudFormation property names, got {key!r}"))
        elif key not in cls.props:
            known = ", ".join(sorted(cls.props))
            found.append(
                Problem(f"{where}.{key}", f"unknown property of {_type_name(cls)} (known: {known})")
            )
        elif _is_tags(cls.props[key][0]):
            found += _tag_problems(value, f"{where}.{key}")
        else:
            try:
                built = build(cls, {key: value}, "Check")
                # troposphere checks the required properties of nested objects only when it
                # renders them: render this one value now, so a gap is named here.
                check_renders(built.properties[key])
            except TroposphereRefusedError as error:
                # Some validators (troposphere's boolean) raise with no message.
                found.append(
                    Problem(f"{where}.{key}", str(error) or f"{value!r} is not a valid value")
                )
    return found


def _type_name(cls: type[BaseAWSObject]) -> str:
    return getattr(cls, "resource_type", None) or cls.__name__


@contextlib.contextmanager
def rejected(*names: str) -> Iterator[None]:
    """Name the props a step was built from when troposphere refuses one of their values.

    Validation should have caught every such value first; one that gets here still names the
    props fields the failing step was built from. Only a :class:`TroposphereRefusedError` (raised
    around troposphere's own calls) is turned into a problem: any other exception in the step
    is a bug, and propagates as it is.

    Args:
        *names: The props fields the step inside the ``with`` block is built from (at least
            one).

    Raises:
        PatternPropsError: In place of the refusal, which is kept as its cause.
    """
    if not names:
        raise ValueError("rejected() names the props fields the step is built from")
    try:
        yield
    except TroposphereRefusedError as refusal:
        line = f"{' / '.join(names)}: rejected by troposphere while building: {refusal}"
        raise PatternPropsError([Problem.line(names, line)]) from refusal
