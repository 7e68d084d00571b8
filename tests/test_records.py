"""``troposphere_patterns.records.record``: a frozen dataclass like ``dataclass(frozen=True)``."""

from __future__ import annotations

import dataclasses
import inspect
from typing import ClassVar

import pytest

from troposphere_patterns.records import record


@record
class Made:
    name: str
    size: int = 1
    note: str = dataclasses.field(default="", compare=False, repr=False)
    tags: tuple[str, ...] = dataclasses.field(default=(), hash=False)


@dataclasses.dataclass(frozen=True)
class Reference:
    name: str
    size: int = 1
    note: str = dataclasses.field(default="", compare=False, repr=False)
    tags: tuple[str, ...] = dataclasses.field(default=(), hash=False)


@record(kw_only=True)
class Keywords:
    first: int
    second: int = 2


@pytest.mark.parametrize(
    "values",
    [("a",), ("a", 2), ("a", 2, "n"), ("a", 2, "n", ("x",)), ("b", 1, "other", ("x", "y"))],
)
def test_it_behaves_as_a_frozen_dataclass(values: tuple[object, ...]) -> None:
    made, reference = Made(*values), Reference(*values)  # type: ignore[arg-type]
    assert repr(made) == repr(reference).replace("Reference(", "Made(")
    assert hash(made) == hash(reference)
    twin = Made(*values)  # type: ignore[arg-type]
    assert made == twin and hash(made) == hash(twin)
    with pytest.raises(dataclasses.FrozenInstanceError):
        made.size = 3  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        del made.name
    assert dataclasses.is_dataclass(made) and dataclasses.astuple(made) == dataclasses.astuple(
        reference
    )


def test_equality_reads_the_compared_fields_of_the_same_class_only() -> None:
    assert Made("a", note="x") == Made("a", note="y")  # note: compare=False
    assert Made("a") != Made("a", 2)
    assert Made("a") != Reference("a")  # type: ignore[comparison-overlap]  # another class
    assert Made("a").__eq__(("a", 1)) is NotImplemented
    assert len({Made("a"), Made("a", note="z"), Made("b")}) == 2


def test_keyword_only_fields_and_replace_work() -> None:
    with pytest.raises(TypeError):
        Keywords(1)  # type: ignore[call-arg]
    changed = dataclasses.replace(Keywords(first=1), second=5)
    assert changed == Keywords(first=1, second=5)
    assert repr(changed) == "Keywords(first=1, second=5)"


def test_a_method_the_class_defines_is_kept() -> None:
    @record
    class Own:
        value: int

        def __repr__(self) -> str:
            return "own"

    assert repr(Own(1)) == "own" and Own(1) == Own(1)


@record
class WithFactory:
    name: str
    items: list[str] = dataclasses.field(default_factory=list)
    seen: int = dataclasses.field(default=0, init=False)
    KIND: ClassVar[str] = "constant"

    def __post_init__(self) -> None:
        object.__setattr__(self, "seen", len(self.items))


@dataclasses.dataclass(frozen=True)
class WithFactoryReference:
    name: str
    items: list[str] = dataclasses.field(default_factory=list)
    seen: int = dataclasses.field(default=0, init=False)
    KIND: ClassVar[str] = "constant"

    def __post_init__(self) -> None:
        object.__setattr__(self, "seen", len(self.items))


@record
class Child(Made):
    extra: int = 0


def test_factories_init_false_fields_class_vars_and_post_init_work_as_in_a_dataclass() -> None:
    made, reference = WithFactory("a", ["x", "y"]), WithFactoryReference("a", ["x", "y"])
    assert made.seen == reference.seen == 2
    assert [f.name for f in dataclasses.fields(made)] == ["name", "items", "seen"]
    assert WithFactory("b").items == [] and WithFactory("b").items is not WithFactory("b").items
    assert WithFactory.KIND == "constant" and WithFactory.__match_args__ == ("name", "items")
    assert dataclasses.asdict(made) == dataclasses.asdict(reference)
    with pytest.raises(ValueError, match="init=False"):
        dataclasses.replace(made, seen=3)


def test_the_signature_is_the_dataclass_signature() -> None:
    for ours, theirs in ((Made, Reference), (WithFactory, WithFactoryReference)):
        assert str(inspect.signature(ours)) == str(inspect.signature(theirs))
    assert str(inspect.signature(Keywords)) == "(*, first: 'int', second: 'int' = 2) -> None"


@pytest.mark.parametrize(
    ("args", "kwargs"),
    [
        ((), {}),  # a required argument missing
        (("a", 1, "n", (), "extra"), {}),  # too many positional arguments
        (("a",), {"name": "b"}),  # one argument twice
        (("a",), {"colour": "red"}),  # an unknown keyword
    ],
)
def test_a_wrong_call_is_refused_as_a_dataclass_refuses_it(
    args: tuple[object, ...], kwargs: dict[str, object]
) -> None:
    with pytest.raises(TypeError) as ours:
        Made(*args, **kwargs)  # type: ignore[arg-type]
    with pytest.raises(TypeError) as theirs:
        Reference(*args, **kwargs)  # type: ignore[arg-type]
    first_word = str(theirs.value).split("__init__() ")[1].split()[0]
    assert str(ours.value).startswith("Made.__init__() ") and first_word in str(ours.value)


def test_a_subclass_extends_the_fields_and_a_default_before_a_required_field_is_refused() -> None:
    child = Child("a", 2, extra=5)
    assert repr(child) == "Child(name='a', size=2, tags=(), extra=5)"
    assert child != Made("a", 2) and child == Child("a", 2, "other", extra=5)
    with pytest.raises(TypeError, match="non-default argument 'late' follows default"):

        @record
        class Wrong:
            early: int = 1
            late: int  # type: ignore[misc]

    with pytest.raises(ValueError, match="mutable default"):

        @record
        class Mutable:
            items: list[str] = []  # type: ignore[misc]  # noqa: RUF012
