"""SageMaker hosting instance types: what each allows, checked at generation or deploy time.

The table (:mod:`instance_type_table`) is generated from botocore's service model. Here are the
questions the pattern asks of it: is a type known (and if not, what was meant), does it have
local NVMe storage (then its EndpointConfig takes no ``KmsKeyId`` and no ``VolumeSizeInGB``),
can it autoscale. An instance type only known at deploy time (a ``Ref`` to a Parameter, or a
``Fn::FindInMap``) is answered by the template itself: a Mapping of every type to its storage
and a Condition on it.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence
from typing import Any

from troposphere import And, AWSHelperFn, Equals, FindInMap, Parameter, Ref

from troposphere_patterns.core.instance_type_table import FAMILIES, INSTANCE_TYPES, Family

# Shared by every instance of every pattern in a template: it holds facts, not choices.
STORAGE_MAPPING = "SagemakerInstanceStorage"
STORAGE_KEY = "LocalNvme"
# Fn::And takes 2 to 10 conditions.
_MAX_AND = 10
_KNOWN = frozenset(INSTANCE_TYPES)


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


def unknown_problem(instance_type: Any, where: str) -> str | None:
    """A message naming an unknown literal instance type and the closest known ones."""
    if not isinstance(instance_type, str) or instance_type in _KNOWN:
        return None
    close = difflib.get_close_matches(instance_type, INSTANCE_TYPES, n=3, cutoff=0.6)
    hint = f"; closest: {', '.join(close)}" if close else ""
    return (
        f"{where}: {instance_type!r} is not a SageMaker hosting instance type "
        f"({len(INSTANCE_TYPES)} are known{hint})"
    )


def deploy_time(instance_type: Any) -> bool:
    """Whether the type is an intrinsic the template can look up in :data:`STORAGE_MAPPING`.

    ``Fn::FindInMap`` accepts only ``Ref`` and ``Fn::FindInMap`` as its keys.
    """
    return isinstance(instance_type, Ref | FindInMap | Parameter)


def storage_mapping(instance_types: Iterable[str] = INSTANCE_TYPES) -> dict[str, dict[str, str]]:
    """The Mapping from every instance type to whether it has local NVMe storage."""
    return {t: {STORAGE_KEY: "true" if local_nvme(t) else "false"} for t in instance_types}


def all_ebs_only(instance_types: Sequence[Any]) -> Any:
    """A condition that holds when every deploy-time instance type is EBS-only.

    Args:
        instance_types: ``Ref`` or ``Fn::FindInMap`` values (see :func:`deploy_time`).

    Returns:
        An ``Fn::Equals`` (one type) or nested ``Fn::And`` to put under ``Conditions``.
    """
    checks: list[Any] = []
    seen: set[str] = set()
    for instance_type in instance_types:
        value = Ref(instance_type) if isinstance(instance_type, Parameter) else instance_type
        key = repr(value.to_dict()) if isinstance(value, AWSHelperFn) else repr(value)
        if key not in seen:
            seen.add(key)
            checks.append(Equals(FindInMap(STORAGE_MAPPING, value, STORAGE_KEY), "false"))
    while len(checks) > 1:
        checks = [
            And(*group) if len(group) > 1 else group[0]
            for group in (checks[i : i + _MAX_AND] for i in range(0, len(checks), _MAX_AND))
        ]
    return checks[0]
