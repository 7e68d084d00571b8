"""Encrypted CloudWatch log groups with a set retention."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from troposphere import logs

from troposphere_patterns.core.deletion import DEFAULT_DELETION_POLICY
from troposphere_patterns.core.overrides import build, merge

# A year: long enough for audit and incident review, bounded so logs don't grow forever.
DEFAULT_RETENTION_DAYS = 365


def log_group(
    logical_id: str,
    *,
    kms_key_arn: Any,
    name: Any = None,
    deletion_policy: str = DEFAULT_DELETION_POLICY,
    overrides: Mapping[str, Any] | None = None,
) -> logs.LogGroup:
    """Build a log group encrypted with ``kms_key_arn``.

    Args:
        logical_id: The log group's logical ID.
        kms_key_arn: ARN of a key whose policy admits CloudWatch Logs.
        name: ``LogGroupName``; None lets CloudFormation name it.
        deletion_policy: ``DeletionPolicy`` and ``UpdateReplacePolicy``. Default ``Retain``.
        overrides: ``AWS::Logs::LogGroup`` properties merged over the defaults.
    """
    required: dict[str, Any] = {"KmsKeyId": kms_key_arn}
    if name is not None:
        required["LogGroupName"] = name
    props = merge({"RetentionInDays": DEFAULT_RETENTION_DAYS}, overrides, required)
    group = build(logs.LogGroup, props, logical_id)
    group.DeletionPolicy = deletion_policy
    group.UpdateReplacePolicy = deletion_policy
    return group
