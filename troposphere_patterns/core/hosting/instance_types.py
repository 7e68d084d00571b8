"""SageMaker hosting instance types: what each allows, checked at generation or deploy time.

The table (:mod:`instance_type_table`) is generated from botocore's service model. Here are the
questions the pattern asks of it: is a type known (and if not, what was meant), does it have
local NVMe storage (then its EndpointConfig takes no ``KmsKeyId`` and no ``VolumeSizeInGB``),
can it autoscale. For an instance type only known at deploy time (a ``Ref`` to a Parameter, or
an ``Fn::FindInMap``) the template answers itself, with a Condition comparing it to every type
with local NVMe storage. Not a Mapping: CloudFormation allows 200 attributes per Mapping and
there are more instance types than that (cfn-lint E7010).
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from typing import Any

from troposphere import AWSHelperFn, Equals, FindInMap, Not, Or, Parameter, Ref

from troposphere_patterns.core.hosting.instance_type_table import FAMILIES, INSTANCE_TYPES, Family
from troposphere_patterns.errors import Problem

# Fn::Or takes 2 to 10 conditions.
_MAX_OR = 10
_KNOWN = frozenset(INSTANCE_TYPES)
LOCAL_NVME_TYPES = tuple(t for t in INSTANCE_TYPES if FAMILIES[t.split(".")[1]].local_nvme)


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


def unknown_problem(instance_type: Any, where: str) -> Problem | None:
    """A problem naming an unknown literal instance type and the closest known ones."""
    if not isinstance(instance_type, str) or instance_type in _KNOWN:
        return None
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


def all_ebs_only(instance_types: Sequence[Any]) -> Any:
    """A condition that holds when no deploy-time instance type has local NVMe storage.

    Args:
        instance_types: ``Ref`` or ``Fn::FindInMap`` values (see :func:`deploy_time`).

    Returns:
        ``Fn::Not`` of nested ``Fn::Or``s of ``Fn::Equals``, to put under ``Conditions``.
    """
    values: dict[str, Any] = {}
    for instance_type in instance_types:
        value = Ref(instance_type) if isinstance(instance_type, Parameter) else instance_type
        values.setdefault(repr(value.to_dict()) if isinstance(value, AWSHelperFn) else "", value)
    checks: list[Any] = [Equals(v, t) for v in values.values() for t in LOCAL_NVME_TYPES]
    while len(checks) > 1:
        checks = [
            Or(*group) if len(group) > 1 else group[0]
            for group in (checks[i : i + _MAX_OR] for i in range(0, len(checks), _MAX_OR))
        ]
    return Not(checks[0])
