"""SageMaker hosting instance types: what each allows, checked at generation or deploy time.

The table (:mod:`instance_type_table`) is generated from botocore's service model. Here are the
questions the pattern asks of it: is a type known (and if not, what was meant), does it have
local NVMe storage (then its EndpointConfig takes no ``KmsKeyId`` and no ``VolumeSizeInGB``),
can it autoscale, do deployment guardrails (rollouts that roll back) support it. For an
instance type only known at deploy time (a ``Ref`` to a Parameter, or an ``Fn::FindInMap``)
the template answers itself, with a Condition on the families with local NVMe storage (local
storage is a property of the family: 25 families, not 103 types): the type, with each
``.FAMILY.`` removed in turn (``Fn::Join`` of ``Fn::Split`` on it), must still equal itself.
Not a Mapping: CloudFormation allows 200 keys per Mapping and there are more instance types
than that (cfn-lint E7010), and without the ``AWS::LanguageExtensions`` transform
``Fn::FindInMap`` takes only ``Ref`` and ``Fn::FindInMap`` for a key, so it cannot look up a
family cut out of the type (cfn-lint E8003). The CLI's ``InstanceType`` Parameter checks a type
with :func:`allowed_pattern`, the table as one regular expression of families grouped by their
sizes, a quarter of the bytes of the 277 types as AllowedValues.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from troposphere import And, AWSHelperFn, Equals, FindInMap, GenericHelperFn, Parameter, Ref

from troposphere_patterns.core.hosting.instance_type_table import (
    ALLOWED_PATTERN,
    FAMILIES,
    INSTANCE_TYPES,
    Family,
)
from troposphere_patterns.errors import Problem

# Fn::And takes 2 to 10 conditions.
_MAX_AND = 10
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


def allowed_pattern(unwanted: Callable[[str], bool] | None = None) -> str:
    """Every known instance type but the ``unwanted`` ones, as a Parameter's ``AllowedPattern``.

    The pattern is :func:`~troposphere_patterns.core.hosting.type_patterns.pattern_of` of the
    types. Every type's is kept with the table (``ALLOWED_PATTERN``, written by ``make
    instance-types``; a test holds it to the function): each run's ``InstanceType`` Parameter
    has it, and building it cost a run 1.7 M instructions.

    Args:
        unwanted: Picks the types to leave out (``burstable`` for autoscaling); default none.
    """
    if unwanted is None:
        return ALLOWED_PATTERN
    from troposphere_patterns.core.hosting.type_patterns import pattern_of

    return pattern_of(
        [instance_type for instance_type in INSTANCE_TYPES if not unwanted(instance_type)]
    )


def without_local_nvme_families(instance_type: Any) -> Any:
    """A deploy-time type with each ``.FAMILY.`` of local NVMe storage removed from it.

    ``Fn::Join`` with ``""`` of ``Fn::Split`` on ``.g5.`` removes ``.g5.`` (``ml.g5.xlarge``
    becomes ``mlxlarge``) and leaves any other value as it was; the dots keep ``g6`` from
    matching ``g6e``. One pair per family, the table's first family outermost, so the written
    template lists them in the table's order. A type keeps its value exactly when its family
    has no local NVMe storage.
    """
    # Built as plain JSON: troposphere encodes nested intrinsic objects level by level, which
    # for 50 levels takes milliseconds on every run.
    chain = instance_type.to_dict() if isinstance(instance_type, AWSHelperFn) else instance_type
    for name in reversed(LOCAL_NVME_FAMILIES):
        chain = {"Fn::Join": ["", {"Fn::Split": [f".{name}.", chain]}]}
    return GenericHelperFn(chain)


def all_ebs_only(instance_types: Sequence[Any]) -> Any:
    """A condition that holds when no deploy-time instance type has local NVMe storage.

    Each type must equal itself with every local-NVMe family removed
    (:func:`without_local_nvme_families`): 25 families in one chain, about half the bytes of
    comparing the family (``Fn::Select`` 1 of ``Fn::Split`` on ``.``) with each of them. Any
    value is compared, also one that is not a SageMaker type (a library caller's own Parameter
    without the CLI's AllowedPattern): a value that names no local-NVMe family counts as
    EBS-only, and SageMaker refuses the type itself.

    Args:
        instance_types: ``Ref`` or ``Fn::FindInMap`` values (see :func:`deploy_time`).

    Returns:
        ``Fn::Equals``, or ``Fn::And`` of them (nested, at most 10 each), for ``Conditions``.
    """
    values: dict[str, Any] = {}
    for instance_type in instance_types:
        value = Ref(instance_type) if isinstance(instance_type, Parameter) else instance_type
        values.setdefault(repr(value.to_dict()) if isinstance(value, AWSHelperFn) else "", value)
    checks: list[Any] = [Equals(v, without_local_nvme_families(v)) for v in values.values()]
    while len(checks) > 1:
        checks = [
            And(*group) if len(group) > 1 else group[0]
            for group in (checks[i : i + _MAX_AND] for i in range(0, len(checks), _MAX_AND))
        ]
    return checks[0]
