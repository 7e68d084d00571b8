"""SageMaker hosting instance types: what each allows, checked at generation or deploy time.

The table (:mod:`instance_type_table`) is generated from botocore's service model. Here are the
questions the pattern asks of it: is a type known (and if not, what was meant), does it have
local NVMe storage (then its EndpointConfig takes no ``KmsKeyId`` and no ``VolumeSizeInGB``),
can it autoscale, do deployment guardrails (rollouts that roll back) support it. For an
instance type only known at deploy time (a ``Ref`` to a Parameter, or an ``Fn::FindInMap``)
the template answers itself, with a Condition comparing its family (the middle of
``ml.FAMILY.SIZE``, cut out with ``Fn::Select``/``Fn::Split``) to every family with local NVMe
storage: local storage is a property of the family, and 25 families take a quarter of the
bytes 103 types would. Not a Mapping: CloudFormation allows 200 attributes per Mapping and
there are more instance types than that (cfn-lint E7010), and ``Fn::FindInMap`` takes no
``Fn::Select`` for a key. The CLI's ``InstanceType`` Parameter checks a type with
:func:`allowed_pattern`, the table as one regular expression of families grouped by their
sizes, a quarter of the bytes of the 277 types as AllowedValues.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any

from troposphere import AWSHelperFn, Equals, FindInMap, Not, Or, Parameter, Ref, Select, Split

from troposphere_patterns.core.hosting.instance_type_table import FAMILIES, INSTANCE_TYPES, Family
from troposphere_patterns.errors import Problem

# Fn::Or takes 2 to 10 conditions.
_MAX_OR = 10
_KNOWN = frozenset(INSTANCE_TYPES)
LOCAL_NVME_TYPES = tuple(t for t in INSTANCE_TYPES if FAMILIES[t.split(".")[1]].local_nvme)
LOCAL_NVME_FAMILIES = tuple(name for name, found in FAMILIES.items() if found.local_nvme)


def family(instance_type: str) -> Family | None:
    """The family of a known instance type (``ml.g5.xlarge`` -> g5's entry), else None."""
    if instance_type not in _KNOWN:
        return None
    return FAMILIES[instance_type.split(".")[1]]


def local_nvme(instance_type: str) -> bool:
    """Whether a known instance type has local NVMe instance storage (and no EBS volume)."""
    found = family(instance_type)
    return found is not None and found.local_nvme


def burstable(instance_type: str) -> bool:
    """Whether a known instance type is burstable (T2), which SageMaker cannot autoscale."""
    found = family(instance_type)
    return found is not None and found.burstable


def guardrails(instance_type: str) -> bool:
    """Whether SageMaker's deployment guardrails support a type (unknown types: assumed so).

    An endpoint on a type they exclude (Inf1) is updated all at once, with no rollback.
    """
    found = family(instance_type)
    return found is None or found.guardrails


def unknown_problem(instance_type: Any, where: str) -> Problem | None:
    """A problem naming an unknown literal instance type and the closest known ones."""
    if not isinstance(instance_type, str) or instance_type in _KNOWN:
        return None
    import difflib  # only for a misspelt type: not on every run's import path

    close = difflib.get_close_matches(instance_type, INSTANCE_TYPES, n=3, cutoff=0.6)
    hint = f"; closest: {', '.join(close)}" if close else ""
    return Problem(
        where,
        f"{instance_type!r} is not a SageMaker hosting instance type "
        f"({len(INSTANCE_TYPES)} are known{hint})",
    )


def deploy_time(instance_type: Any) -> bool:
    """Whether the type is an intrinsic a Condition can compare (``Ref``, ``Fn::FindInMap``)."""
    return isinstance(instance_type, Ref | FindInMap | Parameter)


def allowed_pattern(unwanted: Callable[[str], bool] = lambda instance_type: False) -> str:
    r"""Every known instance type but the ``unwanted`` ones, as a Parameter's ``AllowedPattern``.

    Families with the same sizes share one alternative, in the table's order:
    ``ml\.(t2\.(medium|large|xlarge|2xlarge)|(m5|c5)\.(large|(2|4|...)?xlarge)|...)``. It
    matches exactly the types of the table (CloudFormation matches the whole value), so a
    deploy with any other value is refused before anything is created.

    Args:
        unwanted: Picks the types to leave out (``burstable`` for autoscaling); default none.
    """
    # Family and size names are letters, digits and hyphens (a test holds the table to that):
    # literal in a regular expression outside brackets, so nothing is escaped.
    sizes: dict[str, list[str]] = {}
    for instance_type in INSTANCE_TYPES:
        if not unwanted(instance_type):
            _, name, size = instance_type.split(".", 2)
            sizes.setdefault(name, []).append(size)
    families: dict[tuple[str, ...], list[str]] = {}
    for name, known in sizes.items():
        families.setdefault(tuple(known), []).append(name)
    alternatives = [f"{_one_of(names)}\\.{_sizes(known)}" for known, names in families.items()]
    return f"ml\\.({'|'.join(alternatives)})"


def _one_of(names: Sequence[str]) -> str:
    return names[0] if len(names) == 1 else f"({'|'.join(names)})"


def _sizes(sizes: Sequence[str]) -> str:
    """Sizes as one alternative, the multiples of xlarge together: ``(large|(2|4)?xlarge)``."""
    multiples = [size.removesuffix("xlarge") for size in sizes if re.fullmatch(r"\d+xlarge", size)]
    if len(multiples) < 2:
        return _one_of(sizes)
    others = [size for size in sizes if size != "xlarge" and not re.fullmatch(r"\d+xlarge", size)]
    optional = "?" if "xlarge" in sizes else ""
    return _one_of([*others, f"{_one_of(multiples)}{optional}xlarge"])


def family_of(instance_type: Any) -> Any:
    """The family of a deploy-time type: ``Fn::Select`` 1 of ``Fn::Split`` on ``.``."""
    return Select(1, Split(".", instance_type))


def all_ebs_only(instance_types: Sequence[Any]) -> Any:
    """A condition that holds when no deploy-time instance type has local NVMe storage.

    It compares each type's family (:func:`family_of`) with every family with local NVMe
    storage; a value without a ``.`` fails the deploy (no SageMaker type lacks one).

    Args:
        instance_types: ``Ref`` or ``Fn::FindInMap`` values (see :func:`deploy_time`).

    Returns:
        ``Fn::Not`` of nested ``Fn::Or``s of ``Fn::Equals``, to put under ``Conditions``.
    """
    values: dict[str, Any] = {}
    for instance_type in instance_types:
        value = Ref(instance_type) if isinstance(instance_type, Parameter) else instance_type
        values.setdefault(repr(value.to_dict()) if isinstance(value, AWSHelperFn) else "", value)
    checks: list[Any] = [
        Equals(family_of(v), name) for v in values.values() for name in LOCAL_NVME_FAMILIES
    ]
    while len(checks) > 1:
        checks = [
            Or(*group) if len(group) > 1 else group[0]
            for group in (checks[i : i + _MAX_OR] for i in range(0, len(checks), _MAX_OR))
        ]
    return Not(checks[0])
