"""Policies said in fewer statements grant exactly what the statements they replace did; ARNs
cut from a deploy-time URI name what the URI points at."""

from __future__ import annotations

import json
from typing import Any

import awacs.kms
import awacs.s3
import pytest
from awacs.aws import Allow, Bool, Condition, Statement
from troposphere import Ref, Sub, encode_to_dict

from troposphere_patterns.core.iam_policies import (
    ecr_repository_arn,
    merged,
    s3_object_arn,
    uncovered,
)

ARTIFACT = Sub("arn:${AWS::Partition}:s3:::models/model.tar.gz")
INPUT = Sub("arn:${AWS::Partition}:s3:::${Bucket}/async-input/*")
OUTPUT = Sub("arn:${AWS::Partition}:s3:::${Bucket}/async-output/*")
GET, PUT, ABORT = awacs.s3.GetObject, awacs.s3.PutObject, awacs.s3.AbortMultipartUpload


def statement(sid: str, actions: list[Any], resources: list[Any], **more: Any) -> Statement:
    return Statement(Sid=sid, Effect=Allow, Action=actions, Resource=resources, **more)


def plain(statements: list[Statement]) -> list[dict[str, Any]]:
    return [encode_to_dict(s) for s in statements]


def grants(statements: list[Statement]) -> set[tuple[str, str, str]]:
    """Each (action, resource, everything else) a policy of these statements allows."""
    found = set()
    for fields in plain(statements):
        rest = json.dumps(
            {k: v for k, v in fields.items() if k not in ("Sid", "Action", "Resource")}
        )
        for action in fields["Action"]:
            found |= {(action, json.dumps(resource), rest) for resource in fields["Resource"]}
    return found


# The S3 gateway of a private async endpoint: the client's and SageMaker's statements.
GATEWAY = [
    statement("ModelArtifactRead", [GET], [ARTIFACT]),
    statement("AsyncInputWrite", [PUT], [INPUT]),
    statement("AsyncResultRead", [GET], [OUTPUT]),
    statement("AsyncInputRead", [GET], [INPUT]),
    statement("AsyncResultWrite", [PUT, ABORT], [OUTPUT]),
]


def test_statements_with_the_same_actions_or_resources_become_one() -> None:
    result = merged(GATEWAY)
    assert grants(result) == grants(GATEWAY)
    assert plain(result) == [
        {
            "Action": ["s3:GetObject"],
            "Effect": "Allow",
            "Resource": plain([ARTIFACT, OUTPUT, INPUT]),
        },
        {
            "Action": ["s3:PutObject"],
            "Effect": "Allow",
            "Resource": plain([INPUT]),
            "Sid": "AsyncInputWrite",
        },
        plain(GATEWAY)[4],
    ]


def test_statements_differing_in_actions_and_resources_stay_apart() -> None:
    # One statement of s3:PutObject and s3:GetObject on both would let the client read the
    # model artifact's neighbours' uploads: wider than either.
    apart = [statement("A", [PUT], [INPUT]), statement("B", [GET], [ARTIFACT])]
    assert plain(merged(apart)) == plain(apart)


def test_statements_with_other_conditions_stay_apart() -> None:
    only_aws = Condition(Bool("kms:GrantIsForAWSResource", "true"))
    apart = [
        statement("A", [awacs.kms.CreateGrant], ["*"]),
        statement("B", [awacs.kms.CreateGrant], [OUTPUT], Condition=only_aws),
    ]
    assert plain(merged(apart)) == plain(apart)


def test_a_statement_another_grants_already_is_left_out() -> None:
    key = Sub("${Key.Arn}")
    use = statement(
        "KeyUse", [awacs.kms.Decrypt, awacs.kms.GenerateDataKey, awacs.kms.DescribeKey], [key]
    )
    again = statement("AsyncKeyUse", [awacs.kms.Decrypt, awacs.kms.GenerateDataKey], [key])
    assert plain(uncovered([again, use])) == plain([use])
    assert plain(uncovered([use, statement("Twice", [awacs.kms.Decrypt], [key]), use])) == plain(
        [use]
    )
    narrower = statement("Scoped", [awacs.kms.Decrypt], [key], Condition=Condition(Bool("x", "y")))
    assert plain(uncovered([use, narrower])) == plain([use, narrower])  # its own condition


def resolve(node: Any, values: dict[str, str]) -> Any:
    """Resolve Ref, Fn::Sub (with or without variables), Fn::Join, Fn::Select and Fn::Split."""
    if isinstance(node, list):
        return [resolve(item, values) for item in node]
    if not isinstance(node, dict):
        return node
    ((function, argument),) = node.items()
    if function == "Ref":
        return values[argument]
    if function == "Fn::Sub":
        text, variables = argument if isinstance(argument, list) else (argument, {})
        resolved = {**values, **{k: resolve(v, values) for k, v in variables.items()}}
        for name, value in resolved.items():
            text = text.replace("${" + name + "}", value)
        assert "${" not in text, text
        return text
    argument = resolve(argument, values)
    if function == "Fn::Select":
        return argument[1][int(argument[0])]
    if function == "Fn::Split":
        return argument[1].split(argument[0])
    if function == "Fn::Join":
        return str(argument[0]).join(argument[1])
    raise AssertionError(f"unexpected {function}")


HOST = "123456789012.dkr.ecr.eu-west-1.amazonaws.com"


@pytest.mark.parametrize(
    ("image", "repository"),
    [
        (f"{HOST}/linear-learner:1", "linear-learner*"),
        (f"{HOST}/linear-learner", "linear-learner*"),
        (f"{HOST}/fraud/scorer@sha256:{'0' * 64}", "fraud*"),
        (f"{HOST}/fraud/scorer:v2", "fraud*"),
    ],
)
def test_deploy_time_image_grants_its_own_repository(image: str, repository: str) -> None:
    values = {"Image": image, "AWS::Partition": "aws-cn"}
    arn = resolve(encode_to_dict(ecr_repository_arn(Ref("Image"))), values)
    assert arn == f"arn:aws-cn:ecr:eu-west-1:123456789012:repository/{repository}"


def test_deploy_time_model_data_grants_its_object() -> None:
    values = {"Url": "s3://models/fraud/model.tar.gz", "AWS::Partition": "aws-us-gov"}
    arn = resolve(encode_to_dict(s3_object_arn(Ref("Url"))), values)
    assert arn == "arn:aws-us-gov:s3:::models/fraud/model.tar.gz"
