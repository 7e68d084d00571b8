"""Checking a pattern's props: every problem at once, each rule run when it can read its fields.

A field of the wrong Python type (:func:`values.accepts`) or holding a value that cannot be
rendered is reported first; the rules that read that field are skipped, since they would only
repeat it or trip over it, and every other rule still runs.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable, Collection, Iterable, Sequence
from typing import Any, TypeVar

from troposphere_patterns.core.values import props_problems, type_problems
from troposphere_patterns.errors import Problem

T = TypeVar("T")
# A rule of one field: its value and name in, its problems (or one, or None) out.
FieldRule = Callable[[Any, str], "Sequence[Problem] | Problem | None"]
# The props fields a rule reads, and the rule: its problems, one problem, or None.
Rule = tuple[Collection[str], Callable[[], Sequence[Problem] | Problem | None]]


def fields_of(owner: Any) -> frozenset[str]:
    """The field names of a dataclass (a props group such as ``Hosting``): what its rules read."""
    return frozenset(field.name for field in dataclasses.fields(owner))


def checked(props: Any, rules: Iterable[Rule], **field_rules: FieldRule) -> list[Problem]:
    """Every problem with a props dataclass.

    Args:
        props: The props (a dataclass whose fields declare their types with ``accepts``).
        rules: Each rule with the fields it reads.
        **field_rules: A rule of one field, by the field's name: called with its value and
            its name.

    Returns:
        The type and renderability problems, then those of every rule that could run.
    """
    rules = [
        *rules,
        *(
            ((name,), functools.partial(rule, getattr(props, name), name))
            for name, rule in field_rules.items()
        ),
    ]
    found = [*type_problems(props), *props_problems(props)]
    unusable = {problem.path[0] for problem in found}
    for reads, rule in rules:
        if unusable.isdisjoint(reads):
            result = rule()
            found += [result] if isinstance(result, Problem) else result or []
    return found


def part(props: Any, owner: type[T]) -> T:
    """The props fields one owner reads (``Hosting``, ``VpcChoice``...), as that owner."""
    return owner(**{name: getattr(props, name) for name in fields_of(owner)})


def given(props: Any, *names: str) -> tuple[str, ...]:
    """The fields among ``names`` that the caller gave (all of them when none was)."""
    return tuple(name for name in names if getattr(props, name) is not None) or names
