"""``troposphere_patterns.records.record``: a frozen dataclass like ``dataclass(frozen=True)``."""

from __future__ import annotations

import dataclasses

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
