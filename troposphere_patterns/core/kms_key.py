"""A customer-managed KMS key for the data a pattern stores (endpoint volumes, log groups)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

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

from troposphere_patterns.core import actions, iam_policies
from troposphere_patterns.core.deletion import DEFAULT_DELETION_POLICY
from troposphere_patterns.core.overrides import build, merge
from troposphere_patterns.records import record

# Administration without kms:* (which would include CreateGrant and data use).
ADMIN_ACTIONS = (
    actions.kms.CancelKeyDeletion,
    actions.kms.CreateAlias,
    actions.kms.DeleteAlias,
    actions.kms.DescribeKey,
    actions.kms.DisableKey,
    actions.kms.DisableKeyRotation,
    actions.kms.EnableKey,
    actions.kms.EnableKeyRotation,
    actions.kms.GetKeyPolicy,
    actions.kms.GetKeyRotationStatus,
    actions.kms.ListAliases,
    actions.kms.ListGrants,
    actions.kms.ListKeyPolicies,
    actions.kms.ListResourceTags,
    actions.kms.PutKeyPolicy,
    actions.kms.RevokeGrant,
    actions.kms.RotateKeyOnDemand,
    actions.kms.ScheduleKeyDeletion,
    actions.kms.TagResource,
    actions.kms.UntagResource,
    actions.kms.UpdateAlias,
    actions.kms.UpdateKeyDescription,
)
DATA_ACTIONS = (
    actions.kms.Decrypt,
    actions.kms.DescribeKey,
    actions.kms.Encrypt,
    actions.kms.GenerateDataKey,
    actions.kms.GenerateDataKeyWithoutPlaintext,
    actions.kms.ReEncryptFrom,
    actions.kms.ReEncryptTo,
)

DEFAULTS: Mapping[str, Any] = {
    "Description": Sub("Encrypts the data of stack ${AWS::StackName}"),
    "EnableKeyRotation": True,
    "PendingWindowInDays": 30,
}


@record
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


def _on_this_key(
    sid: str,
    principal: Principal,
    actions: Sequence[Action],
    *,
    effect: Any = Allow,
    condition: Condition | None = None,
) -> Statement:
    more = {"Condition": condition} if condition is not None else {}
    # In a key policy, Resource "*" means this key.
    return Statement(
        Sid=sid, Effect=effect, Principal=principal, Action=list(actions), Resource=["*"], **more
    )


def key_policy() -> Any:
    """The key policy: account administration, data use via IAM, CloudWatch Logs by context."""
    account = Principal("AWS", [Sub("arn:${AWS::Partition}:iam::${AWS::AccountId}:root")])
    logs = Principal("Service", [Sub("logs.${AWS::Region}.amazonaws.com")])
    return iam_policies.document(
        _on_this_key("AccountAdministration", account, ADMIN_ACTIONS),
        _on_this_key("AccountDataUseThroughIam", account, DATA_ACTIONS),
        _on_this_key(
            "GrantsOnlyForAwsResources",
            account,
            [actions.kms.CreateGrant],
            condition=Condition(Bool("kms:GrantIsForAWSResource", "true")),
        ),
        _on_this_key(
            "NoGrantsExceptForAwsServices",
            Principal("AWS", "*"),
            [actions.kms.CreateGrant],
            effect=Deny,
            condition=Condition(
                BoolIfExists(
                    {"kms:GrantIsForAWSResource": "false", "aws:PrincipalIsAWSService": "false"}
                )
            ),
        ),
        _on_this_key(
            "CloudWatchLogsOfThisAccount",
            logs,
            DATA_ACTIONS,
            condition=Condition(
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
