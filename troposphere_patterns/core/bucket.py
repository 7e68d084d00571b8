"""The one S3 bucket a pattern writes to (async payloads and results, captured requests).

Each capability that stores data gets a prefix of it, and each role is granted exactly the
prefixes it uses (:meth:`PatternBucket.objects_arn`). The data is working data, not a record:
it is encrypted with the pattern's key, never public, reachable over TLS only, and it expires.
"""

from __future__ import annotations

from typing import Any

from awacs.aws import Action, Bool, Condition, Deny, Principal, Statement
from troposphere import BaseAWSObject, GetAtt, Join, Ref, Sub, s3

from troposphere_patterns.core import iam_policies
from troposphere_patterns.core.deletion import DEFAULT_DELETION_POLICY
from troposphere_patterns.core.overrides import build
from troposphere_patterns.core.waivers import checkov_metadata, guard_metadata
from troposphere_patterns.records import record

# Payloads, results and captured requests are read within hours; a month leaves time to debug.
DEFAULT_EXPIRY_DAYS = 30
# Overwritten or deleted objects stay one day: enough to recover from a mistake, no longer.
NONCURRENT_EXPIRY_DAYS = 1
ABORT_UPLOADS_AFTER_DAYS = 1


@record
class BucketIds:
    """Logical IDs of the bucket and its policy."""

    bucket: str
    policy: str


@record
class PatternBucket:
    """The bucket and its policy.

    Attributes:
        bucket: The ``AWS::S3::Bucket``.
        policy: Its ``AWS::S3::BucketPolicy`` (TLS only).
    """

    bucket: s3.Bucket
    policy: s3.BucketPolicy

    @property
    def resources(self) -> tuple[BaseAWSObject, ...]:
        """Everything to add to a template."""
        return (self.bucket, self.policy)

    @property
    def arn(self) -> GetAtt:
        """The bucket's ARN."""
        return GetAtt(self.bucket, "Arn")

    def uri(self, prefix: str) -> Sub:
        """``s3://<bucket>/<prefix>``, for a property that takes an S3 URI."""
        return Sub(f"s3://${{{self.bucket.title}}}/{prefix}")

    def objects_arn(self, prefix: str) -> Sub:
        """The ARN of every object under ``prefix``, for a grant: ``${Bucket.Arn}/prefix*``."""
        return Sub(f"${{{self.bucket.title}.Arn}}/{prefix}*")


def pattern_bucket(
    ids: BucketIds,
    *,
    kms_key_arn: Any,
    deletion_policy: str = DEFAULT_DELETION_POLICY,
    expiry_days: int = DEFAULT_EXPIRY_DAYS,
) -> PatternBucket:
    """Build the pattern's bucket and its TLS-only policy.

    Args:
        ids: Logical IDs.
        kms_key_arn: The key objects are encrypted with (SSE-KMS with an S3 bucket key, so S3
            calls KMS once per bucket key rather than per object). Writers and readers need it.
        deletion_policy: ``DeletionPolicy`` and ``UpdateReplacePolicy``. Default ``Retain``.
        expiry_days: Objects are deleted this many days after they are written. Default 30.
    """
    bucket = build(
        s3.Bucket,
        {
            "BucketEncryption": {
                "ServerSideEncryptionConfiguration": [
                    {
                        "ServerSideEncryptionByDefault": {
                            "SSEAlgorithm": "aws:kms",
                            "KMSMasterKeyID": kms_key_arn,
                        },
                        "BucketKeyEnabled": True,
                    }
                ]
            },
            "PublicAccessBlockConfiguration": {
                "BlockPublicAcls": True,
                "BlockPublicPolicy": True,
                "IgnorePublicAcls": True,
                "RestrictPublicBuckets": True,
            },
            # No ACLs: the bucket's owner owns every object, and only policies grant access.
            "OwnershipControls": {"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]},
            "VersioningConfiguration": {"Status": "Enabled"},
            "LifecycleConfiguration": {
                "Rules": [
                    {
                        "Id": "ExpireWorkingData",
                        "Status": "Enabled",
                        "ExpirationInDays": expiry_days,
                        "NoncurrentVersionExpiration": {"NoncurrentDays": NONCURRENT_EXPIRY_DAYS},
                        "AbortIncompleteMultipartUpload": {
                            "DaysAfterInitiation": ABORT_UPLOADS_AFTER_DAYS
                        },
                    }
                ]
            },
            # Object events on EventBridge: a consumer can react to a finished async result.
            "NotificationConfiguration": {"EventBridgeConfiguration": {"EventBridgeEnabled": True}},
        },
        ids.bucket,
    )
    waived = ["CKV_AWS_18"]
    bucket.Metadata = {**checkov_metadata(waived), **guard_metadata(["CT.S3.PR.2", "CT.S3.PR.9"])}
    bucket.DeletionPolicy = deletion_policy
    bucket.UpdateReplacePolicy = deletion_policy
    policy = s3.BucketPolicy(
        ids.policy,
        Bucket=Ref(bucket),
        PolicyDocument=iam_policies.document(
            Statement(
                Sid="TlsOnly",
                Effect=Deny,
                Principal=Principal("AWS", "*"),
                Action=[Action("s3", "*")],
                # Join, not Sub: Control Tower's CT.S3.PR.8 reads the object ARN only this way.
                Resource=[GetAtt(bucket, "Arn"), Join("", [GetAtt(bucket, "Arn"), "/*"])],
                Condition=Condition(Bool("aws:SecureTransport", "false")),
            )
        ),
    )
    # cfn-lint's informational I1022 prefers Fn::Sub to that Fn::Join; Control Tower wins.
    policy.Metadata = {"cfn-lint": {"config": {"ignore_checks": ["I1022"]}}}
    return PatternBucket(bucket, policy)
