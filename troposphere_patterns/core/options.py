"""Checks the typed options share: a number in range, named by its field.

Each option (``Alarms``, ``Rollout``, ``DataCapture``, ...) reports its own problems as
``<option>.<field>: ...`` so the pattern can list them with every other problem at once.
A field may also hold a value only known at deploy time (an intrinsic or a ``Parameter``): the
template then checks it, and these helpers tell it apart from a literal.
"""

from __future__ import annotations

from typing import Any, TypeGuard

from troposphere import AWSHelperFn, Parameter

from troposphere_patterns.errors import Problem


def deploy_time(value: Any) -> TypeGuard[AWSHelperFn | Parameter]:
    """Whether ``value`` is known only at deploy time: an intrinsic or a ``Parameter``."""
    return isinstance(value, AWSHelperFn | Parameter)


def integer(value: Any) -> TypeGuard[int]:
    """Whether ``value`` is a literal integer (``True`` and ``False`` are not)."""
    return isinstance(value, int) and not isinstance(value, bool)


def number(value: Any) -> TypeGuard[int | float]:
    """Whether ``value`` is a literal int or float (``True`` and ``False`` are not)."""
    return isinstance(value, int | float) and not isinstance(value, bool)


def number_problem(
    value: Any, where: str, low: float, high: float, *, integer: bool = True
) -> Problem | None:
    """A problem when ``value`` is not a number (an int when ``integer``) within low-high.

    Args:
        value: The field's value.
        where: The field's name as the caller wrote it, e.g. ``rollout.wait_seconds``.
        low: The smallest value allowed.
        high: The largest value allowed.
        integer: Only whole numbers are allowed.
    """
    if not (_integer(value) or (not integer and isinstance(value, float))):
        noun = "an integer" if integer else "a number"
        return Problem(where, f"{value!r} must be {noun} from {low:g} to {high:g}")
    if not low <= value <= high:
        return Problem(where, f"{value:g} is outside {low:g}-{high:g}")
    return None


# number_problem's keyword shadows the predicate inside it.
_integer = integer


def bounds_problems(
    low: Any, high: Any, low_field: str, high_field: str, *, lowest: int, low_note: str = ""
) -> list[Problem]:
    """A lower and an upper count (copies, instances): whole, at least ``lowest`` and 1, in order.

    Args:
        low: The lower bound's value; deploy-time values are not checked.
        high: The upper bound's value.
        low_field: The lower bound's field as the caller wrote it (``autoscaling.min_capacity``).
        high_field: The upper bound's.
        lowest: The smallest lower bound allowed.
        low_note: Added to the lower bound's message, e.g. why 0 is refused.
    """
    found = []
    if not deploy_time(low) and (not integer(low) or low < lowest):
        found.append(
            Problem(low_field, f"{low!r} must be an integer of at least {lowest}{low_note}")
        )
    if not deploy_time(high) and (not integer(high) or high < 1):
        found.append(Problem(high_field, f"{high!r} must be an integer of at least 1"))
    elif integer(low) and integer(high) and low > high:
        found.append(Problem(low_field, f"{low} is above {high_field} ({high})"))
    return found


def present(*found: Problem | None) -> list[Problem]:
    """The problems among ``found`` (None means no problem)."""
    return [problem for problem in found if problem is not None]
