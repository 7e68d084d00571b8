"""A customer-managed KMS key for the data a pattern stores (endpoint volumes, log groups)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import awacs.kms
from awacs.aws import (
    Action,
    Allow,
    ArnLike,
    Bool,
    BoolIfExists,
    Condition,
    Deny,
    Principal,
    Statement,
)
from troposphere import GetAtt, Sub, kms

from troposphere_patterns.core import iam_policies
from troposphere_patterns.core.deletion import DEFAULT_DELETION_POLICY
from troposphere_patterns.core.overrides import build, merge

# Administration without kms:* (which would include CreateGrant and data use).
ADMIN_ACTIONS = (
    "CancelKeyDeletion",
    "CreateAlias",
    "DeleteAlias",
    "DescribeKey",
    "DisableKey",
    "DisableKeyRotation",
    "EnableKey",
    "EnableKeyRotation",
    "GetKeyPolicy",
    "GetKeyRotationStatus",
    "ListAliases",
    "ListGrants",
    "ListKeyPolicies",
    "ListResourceTags",
    "PutKeyPolicy",
    "RevokeGrant",
    "RotateKeyOnDemand",
    "ScheduleKeyDeletion",
    "TagResource",
    "UntagResource",
    "UpdateAlias",
    "UpdateKeyDescription",
)
DATA_ACTIONS = (
    "Decrypt",
    "DescribeKey",
    "Encrypt",
    "GenerateDataKey",
    "GenerateDataKeyWithoutPlaintext",
    "ReEncryptFrom",
    "ReEncryptTo",
)

DEFAULTS: Mapping[str, Any] = {
    "Description": Sub("Encrypts the data of stack ${AWS::StackName}"),
    "EnableKeyRotation": True,
    "PendingWindowInDays": 30,
}


@dataclass(frozen=True)
class KeyBundle:
    """The key and how to point at it.

    Attributes:
        key: The ``AWS::KMS::Key``.
    """

    key: kms.Key

    @property
    def arn(self) -> GetAtt:
        """The key's ARN."""
        return GetAtt(self.key, "Arn")

    @property
    def resources(self) -> tuple[kms.Key]:
        """Everything to add to a template."""
        return (self.key,)


def key_policy() -> Any:
    """The key policy: account administration, data use via IAM, CloudWatch Logs by context."""
    account = Principal("AWS", [Sub("arn:${AWS::Partition}:iam::${AWS::AccountId}:root")])
    return iam_policies.document(
        Statement(
            Sid="AccountAdministration",
            Effect=Allow,
            Principal=account,
            Action=[Action("kms", name) for name in ADMIN_ACTIONS],
            Resource=["*"],  # in a key policy "*" means this key
        ),
        Statement(
            Sid="AccountDataUseThroughIam",
            Effect=Allow,
            Principal=account,
            Action=[Action("kms", name) for name in DATA_ACTIONS],
            Resource=["*"],  # in a key policy "*" means this key
        ),
        Statement(
            Sid="GrantsOnlyForAwsResources",
            Effect=Allow,
            Principal=account,
            Action=[awacs.kms.CreateGrant],
            Resource=["*"],  # in a key policy "*" means this key
            Condition=Condition(Bool("kms:GrantIsForAWSResource", "true")),
        ),
        Statement(
            Sid="NoGrantsExceptForAwsServices",
            Effect=Deny,
            Principal=Principal("AWS", "*"),
            Action=[awacs.kms.CreateGrant],
            Resource=["*"],  # in a key policy "*" means this key
            Condition=Condition(
                BoolIfExists(
                    {"kms:GrantIsForAWSResource": "false", "aws:PrincipalIsAWSService": "false"}
                )
            ),
        ),
        Statement(
            Sid="CloudWatchLogsOfThisAccount",
            Effect=Allow,
            Principal=Principal("Service", [Sub("logs.${AWS::Region}.amazonaws.com")]),
            Action=[Action("kms", name) for name in DATA_ACTIONS],
            Resource=["*"],  # in a key policy "*" means this key
            Condition=Condition(
                ArnLike(
                    "kms:EncryptionContext:aws:logs:arn",
                    iam_policies.arn("logs", "log-group:*"),
                )
            ),
        ),
    )


def encryption_key(
    logical_id: str,
    *,
    deletion_policy: str = DEFAULT_DELETION_POLICY,
    overrides: Mapping[str, Any] | None = None,
) -> KeyBundle:
    """Build a rotating customer-managed key.

    Args:
        logical_id: The key's logical ID.
        deletion_policy: ``DeletionPolicy`` and ``UpdateReplacePolicy``. Default ``Retain``.
        overrides: ``AWS::KMS::Key`` properties merged over the defaults.
    """
    props = merge(DEFAULTS, {"KeyPolicy": key_policy()}, overrides)
    key = build(kms.Key, props, logical_id)
    key.DeletionPolicy = deletion_policy
    key.UpdateReplacePolicy = deletion_policy
    return KeyBundle(key=key)
