"""What happens to the data a stack keeps (keys, logs, buckets) when the stack goes: one rule."""

from __future__ import annotations

from typing import Any

from troposphere_patterns.errors import Problem

# Retain: what a stack kept (logs, captured data, the key that reads them) outlives it.
DEFAULT_DELETION_POLICY = "Retain"
DELETION_POLICIES = ("Retain", "Delete")


def problems(value: Any, where: str = "deletion_policy") -> list[Problem]:
    """``Retain`` or ``Delete``, the values that apply to every resource that keeps data."""
    if value in DELETION_POLICIES:
        return []
    return [Problem(where, f"{value!r} must be one of {', '.join(DELETION_POLICIES)}")]
