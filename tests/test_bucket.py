"""The pattern's bucket: encrypted, private, TLS-only, expiring, granted by prefix."""

from __future__ import annotations

import json
from typing import Any

from troposphere import Template

from tests.templates_helpers import cfn_lint
from troposphere_patterns.core.bucket import BucketIds, pattern_bucket
from troposphere_patterns.core.kms_key import encryption_key


def rendered(**options: Any) -> dict[str, Any]:
    template = Template()
    key = encryption_key("EncryptionKey", deletion_policy="Retain")
    bucket = pattern_bucket(
        BucketIds(bucket="DataBucket", policy="DataBucketPolicy"), kms_key_arn=key.arn, **options
    )
    for resource in (*key.resources, *bucket.resources):
        template.add_resource(resource)
    result: dict[str, Any] = template.to_dict()
    return result


def test_bucket_is_encrypted_private_versioned_and_expiring() -> None:
    bucket = rendered()["Resources"]["DataBucket"]
    properties = bucket["Properties"]
    [rule] = properties["BucketEncryption"]["ServerSideEncryptionConfiguration"]
    assert rule["ServerSideEncryptionByDefault"] == {
        "SSEAlgorithm": "aws:kms",
        "KMSMasterKeyID": {"Fn::GetAtt": ["EncryptionKey", "Arn"]},
    }
    assert rule["BucketKeyEnabled"] is True
    assert set(properties["PublicAccessBlockConfiguration"].values()) == {True}
    assert properties["OwnershipControls"]["Rules"] == [{"ObjectOwnership": "BucketOwnerEnforced"}]
    [lifecycle] = properties["LifecycleConfiguration"]["Rules"]
    assert lifecycle["ExpirationInDays"] == 30
    assert lifecycle["NoncurrentVersionExpiration"] == {"NoncurrentDays": 1}
    assert lifecycle["AbortIncompleteMultipartUpload"] == {"DaysAfterInitiation": 1}
    assert "BucketName" not in properties  # a fixed name would block replacement
    assert bucket["DeletionPolicy"] == bucket["UpdateReplacePolicy"] == "Retain"


def test_expiry_and_deletion_policy_are_the_callers() -> None:
    bucket = rendered(expiry_days=7, deletion_policy="Delete")["Resources"]["DataBucket"]
    assert bucket["Properties"]["LifecycleConfiguration"]["Rules"][0]["ExpirationInDays"] == 7
    assert bucket["DeletionPolicy"] == "Delete"


def test_policy_refuses_every_request_without_tls() -> None:
    policy = rendered()["Resources"]["DataBucketPolicy"]["Properties"]
    assert policy["Bucket"] == {"Ref": "DataBucket"}
    [statement] = policy["PolicyDocument"]["Statement"]
    assert statement["Effect"] == "Deny"
    assert statement["Action"] == ["s3:*"]
    assert statement["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
    assert statement["Resource"] == [
        {"Fn::GetAtt": ["DataBucket", "Arn"]},
        {"Fn::Join": ["", [{"Fn::GetAtt": ["DataBucket", "Arn"]}, "/*"]]},
    ]


def test_prefixes_give_uris_and_grant_arns() -> None:
    bucket = pattern_bucket(BucketIds("DataBucket", "DataBucketPolicy"), kms_key_arn="k")
    assert bucket.uri("async-input/").to_dict() == {"Fn::Sub": "s3://${DataBucket}/async-input/"}
    # The bucket's own ARN (arn:PARTITION:s3:::NAME) and the prefix: the same value as
    # arn:${AWS::Partition}:s3:::${DataBucket}/data-capture/* at deploy time, in fewer bytes.
    assert bucket.objects_arn("data-capture/").to_dict() == {
        "Fn::Sub": "${DataBucket.Arn}/data-capture/*"
    }


def test_cfn_lint_passes() -> None:
    text = json.dumps(rendered())
    assert [str(m) for m in cfn_lint(text)] == []
