"""The references a template's intrinsics make: found as the plain recursive walk finds them."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from troposphere import AWSHelperFn, BaseAWSObject, GetAtt, If, Ref, Sub, Tags
from troposphere.s3 import Bucket

from tests.props_strategies import examples
from tests.templates_helpers import NAMES
from troposphere_patterns.cli import references
from troposphere_patterns.cli.references import Reference

Found = list[tuple[tuple[str | int, ...], str, str, str]]


# The walk as first written, one generator a level, kept as the specification.
def reference_walk(
    node: Any, path: tuple[str | int, ...] = (), *, inside: bool = False
) -> Iterator[Reference]:
    if isinstance(node, AWSHelperFn | BaseAWSObject):
        node = node.to_dict()
    if isinstance(node, list):
        for n, item in enumerate(node):
            yield from reference_walk(item, path if inside else (*path, n), inside=inside)
        return
    if not isinstance(node, Mapping):
        return
    intrinsic = len(node) == 1 and _reference_is_function(next(iter(node)))
    if intrinsic:
        ((function, argument),) = node.items()
        yield from _reference_named(function, argument, path)
    for key, item in node.items():
        deeper = inside or intrinsic
        yield from reference_walk(item, path if deeper else (*path, key), inside=deeper)


def _reference_is_function(key: Any) -> bool:
    return isinstance(key, str) and (key in ("Ref", "Condition") or key.startswith("Fn::"))


def _reference_named(
    function: str, argument: Any, path: tuple[str | int, ...]
) -> Iterator[Reference]:
    if function in ("Ref", "Condition") and isinstance(argument, str):
        yield Reference(path, function, argument)
    elif function in ("Fn::GetAtt", "Fn::If", "Fn::FindInMap"):
        if isinstance(argument, list) and argument and isinstance(argument[0], str):
            yield Reference(path, function, argument[0])
        elif function == "Fn::GetAtt" and isinstance(argument, str):
            yield Reference(path, function, argument.split(".", 1)[0])
    elif function == "Fn::Sub":
        pair = isinstance(argument, list) and len(argument) == 2
        text, variables = argument if pair else (argument, {})
        if isinstance(text, str) and isinstance(variables, Mapping):
            for variable in references._SUB_VARIABLE.findall(text):
                if variable not in variables:
                    name, dot, _ = variable.partition(".")
                    yield Reference(path, "Fn::GetAtt" if dot else function, name)


def found(refs: Iterator[Reference]) -> Found:
    return [(ref.path, ref.function, ref.name, ref.kind) for ref in refs]


class Props(Mapping[str, Any]):
    """A mapping that is not a dict, as a caller's props may hold."""

    def __init__(self, data: dict[str, Any]) -> None:
        self.data = data

    def __getitem__(self, key: str) -> Any:
        return self.data[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self.data)

    def __len__(self) -> int:
        return len(self.data)


REF_NAMES = st.sampled_from(["A", "B", "AWS::Region", "Res.Arn", ""])
SUB_TEXT = st.sampled_from(["${A}", "x${B.Arn}y${!C}", "${A}${AWS::Region}", "plain", ""])
SCALARS = st.none() | st.booleans() | st.integers() | REF_NAMES | SUB_TEXT


def _intrinsics(inner: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """Every intrinsic the walk reads, well formed or not, around ``inner`` values."""
    return st.one_of(
        st.builds(lambda name: {"Ref": name}, REF_NAMES | inner),
        st.builds(lambda name: {"Condition": name}, REF_NAMES),
        st.builds(lambda name: {"Fn::GetAtt": name}, REF_NAMES | st.lists(REF_NAMES | inner)),
        st.builds(lambda args: {"Fn::If": args}, st.lists(REF_NAMES | inner, max_size=3)),
        st.builds(lambda args: {"Fn::FindInMap": args}, st.lists(REF_NAMES | inner, max_size=3)),
        st.builds(lambda text: {"Fn::Sub": text}, SUB_TEXT | inner),
        st.builds(
            lambda text, variables: {"Fn::Sub": [text, variables]},
            SUB_TEXT,
            st.dictionaries(REF_NAMES, inner, max_size=2),
        ),
        st.builds(lambda args: {"Fn::Join": ["", args]}, st.lists(inner, max_size=3)),
        st.builds(Ref, REF_NAMES),
        st.builds(Sub, SUB_TEXT),
        st.builds(lambda name: If(name, Ref("A"), GetAtt("R", "Arn")), REF_NAMES),
        st.builds(lambda value: Props({"Ref": value}), REF_NAMES),
        st.builds(lambda value: Props({"Key": value}), inner),
        st.builds(lambda value: (value, {"Ref": "InATuple"}), inner),
    )


VALUES = st.recursive(
    SCALARS,
    lambda inner: (
        _intrinsics(inner)
        | st.lists(inner, max_size=4)
        | st.dictionaries(
            st.sampled_from(["Ref", "Fn::Sub", "Properties", "K", ""]), inner, max_size=3
        )
    ),
    max_leaves=30,
)


@settings(max_examples=examples(test=300, fuzz=20_000))
@given(VALUES, st.lists(st.text(max_size=3) | st.integers(0, 3), max_size=2), st.booleans())
def test_the_references_are_those_of_the_recursive_walk(
    value: Any, path: list[str | int], inside: bool
) -> None:
    expected = found(reference_walk(value, tuple(path), inside=inside))
    assert found(references.references(value, tuple(path), inside=inside)) == expected


@pytest.mark.parametrize("name", NAMES)
def test_a_template_s_references_are_those_of_the_recursive_walk(
    name: str, template: dict[str, Any]
) -> None:
    assert found(references.references(template)) == found(reference_walk(template))


def test_troposphere_objects_are_read_as_their_dicts() -> None:
    bucket = Bucket("B", BucketName=Ref("Name"), Tags=Tags(Owner=Sub("${Team}")))
    assert found(references.references({"Resources": {"B": bucket}})) == [
        (("Resources", "B", "Properties", "BucketName"), "Ref", "Name", "name"),
        (("Resources", "B", "Properties", "Tags", 0, "Value"), "Fn::Sub", "Team", "name"),
    ]


def test_a_reference_is_a_frozen_record() -> None:
    ref = Reference(("Resources", "F"), "Ref", "Name")
    assert ref == Reference(path=("Resources", "F"), function="Ref", name="Name")
    assert hash(ref) == hash(Reference(("Resources", "F"), "Ref", "Name"))
    assert repr(ref) == "Reference(path=('Resources', 'F'), function='Ref', name='Name')"
    with pytest.raises(AttributeError):
        ref.name = "Other"  # type: ignore[misc]
