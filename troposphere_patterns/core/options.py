"""Checks the typed options share: a number in range, named by its field.

Each option (``Alarms``, ``Rollout``, ``DataCapture``, ...) reports its own problems as
``<option>.<field>: ...`` so the pattern can list them with every other problem at once.
"""

from __future__ import annotations

from typing import Any

from troposphere_patterns.errors import Problem


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
    whole = isinstance(value, int) and not isinstance(value, bool)
    if not (whole or (not integer and isinstance(value, float))):
        noun = "an integer" if integer else "a number"
        return Problem(where, f"{value!r} must be {noun} from {low:g} to {high:g}")
    if not low <= value <= high:
        return Problem(where, f"{value:g} is outside {low:g}-{high:g}")
    return None


def present(*found: Problem | None) -> list[Problem]:
    """The problems among ``found`` (None means no problem)."""
    return [problem for problem in found if problem is not None]


# Typed for lines that are still plain ``str``: core/hosting/endpoint.py and
# core/hosting/options/rollout.py append them to what this returns. Once they append Problems,
# they call :func:`present` and this goes.
def collect(*found: str | None) -> list[str]:
    """The messages among ``found`` (None means no problem)."""
    return [message for message in found if message is not None]
