"""Each format: matched whole, its message names where, its AllowedPattern is the same rule."""

from __future__ import annotations

import re

import pytest

from troposphere_patterns.core import formats
from troposphere_patterns.core.formats import Format

ALL = {name: value for name, value in vars(formats).items() if isinstance(value, Format)}

# (format, a value it takes, a value it refuses)
EXAMPLES: list[tuple[Format, str, str]] = [
    (formats.ENDPOINT_NAME, "fraud-detector-2", "fraud_detector"),
    (formats.VARIANT_NAME, "blue-v2", "blue_v2"),
    (formats.INFERENCE_COMPONENT_NAME, "chat-sql-1a2b3c4d5e6f", "chat_sql"),
    (formats.COMPONENT_SHORT_NAME, "chat-sql", "chat--sql"),
    (formats.S3_OBJECT_URI, "s3://my-models/model.tar.gz", "s3://my-models/"),
    (formats.S3_PREFIX_URI, "s3://my-models/weights/", "my-models/weights/"),
    (formats.S3_KEY_PREFIX_URI, "s3://my-models/weights/", "s3://my-models"),
    (
        formats.ML_RESERVATION_ARN,
        "arn:aws:sagemaker:us-east-1:123456789012:training-plan/my-plan",
        "arn:aws:sagemaker:us-east-1:123456789012:my-plan",
    ),
    (formats.SNS_TOPIC_ARN, "arn:aws:sns:us-east-1:123456789012:ml-alarms", "ml-alarms"),
    (formats.KMS_KEY_ARN, "arn:aws:kms:us-east-1:123456789012:key/1234abcd", "alias/mine"),
    (formats.IAM_ROLE_ARN, "arn:aws:iam::123456789012:role/path/R", "arn:aws:iam::1:role/R"),
    (
        formats.ECR_IMAGE_URI,
        "123456789012.dkr.ecr.us-east-1.amazonaws.com/repo:1.0",
        "nginx:latest",
    ),
    (formats.CONTENT_TYPE, "application/json", "json"),
    (formats.LAMBDA_VARIABLE_NAME, "MODEL_VERSION", "A-B"),
    (formats.TARGET_MODEL, "fraud/v2 model.tar.gz", "a.tar.gz,b.tar.gz"),
    (formats.ACCOUNT_ID, "123456789012", "12345678901"),
    (formats.IAM_PRINCIPAL_ARN, "arn:aws:iam::123456789012:user/ops/alice", "lambda.amazonaws.com"),
]


@pytest.mark.parametrize(
    ("name", "taken"),
    [("m", True), ("m" * 1024, True), ("m" * 1025, False), (" m", False), ("m\tx", False)],
)
def test_target_models_follow_invoke_endpoint(name: str, taken: bool) -> None:
    assert (formats.TARGET_MODEL.problem(name, "x") is None) is taken


def test_every_format_has_examples() -> None:
    assert {id(f) for f, _, _ in EXAMPLES} == {id(f) for f in ALL.values()}


@pytest.mark.parametrize(("fmt", "good", "bad"), EXAMPLES, ids=[e[1] for e in EXAMPLES])
def test_takes_whole_values_only(fmt: Format, good: str, bad: str) -> None:
    assert fmt.problem(good, "x") is None
    assert fmt.problem(good + "\n", "x") == f"x: {good + chr(10)!r} is not {fmt.noun} ({fmt.shape})"
    problem = fmt.problem(bad, "props.Field")
    assert problem is not None and problem.startswith(f"props.Field: {bad!r} is not ")
    assert fmt.problem(None, "x") is not None


@pytest.mark.parametrize(("fmt", "good", "bad"), EXAMPLES, ids=[e[1] for e in EXAMPLES])
def test_allowed_pattern_is_the_same_rule(fmt: Format, good: str, bad: str) -> None:
    # CloudFormation matches the whole value against AllowedPattern (a Java regex).
    assert "?P<" not in fmt.allowed_pattern
    assert not fmt.allowed_pattern.startswith("^") and not fmt.allowed_pattern.endswith("$")
    assert re.fullmatch(fmt.allowed_pattern, good)
    assert not re.fullmatch(fmt.allowed_pattern, bad)
    assert not re.fullmatch(fmt.allowed_pattern, good + "\n")


@pytest.mark.parametrize(
    ("name", "part"), [("AllTraffic", "AllTraffic"), ("blue-v2", "BlueV2"), ("a--b", "AB")]
)
def test_variant_id(name: str, part: str) -> None:
    assert formats.variant_id(name) == part


@pytest.mark.parametrize(
    ("name", "taken"),
    [
        ("t" * 256, True),
        ("t" * 257, False),
        ("orders.fifo", True),
        ("t" * 251 + ".fifo", True),
        ("t" * 252 + ".fifo", False),
        ("my.topic", False),
    ],
)
def test_sns_topic_names_follow_create_topic(name: str, taken: bool) -> None:
    arn = f"arn:aws:sns:us-east-1:123456789012:{name}"
    assert (formats.SNS_TOPIC_ARN.problem(arn, "x") is None) is taken


@pytest.mark.parametrize(
    ("name", "taken"),
    [
        ("a" * 63, True),
        ("a" * 64, False),
        ("a" + "-" * 61 + "b", True),
        ("a" + "-" * 62 + "b", False),
    ],
)
def test_sagemaker_names_have_at_most_63_characters(name: str, taken: bool) -> None:
    for fmt in (formats.ENDPOINT_NAME, formats.VARIANT_NAME):
        assert (fmt.problem(name, "x") is None) is taken


@pytest.mark.parametrize(
    ("prefix", "name"),
    [("", "chat"), ("Prod", "Chat-SQL"), ("A" * 40, "b" * 40), ("", "x-" * 19 + "yz")],
)
def test_a_component_name_fits_sagemaker_whatever_the_prefix_and_name(
    prefix: str, name: str
) -> None:
    stem = formats.component_stem(prefix, name)
    full = f"{stem}-{'0a1b2c3d4e5f'}"  # the 12 hex digits the stack's ID gives at deploy time
    assert formats.INFERENCE_COMPONENT_NAME.match(full), full
    assert len(full) <= 63
    assert stem == stem.lower()  # the same in a name and in an ARN, whichever case SageMaker uses
    assert formats.component_stem(prefix, name) == stem  # stable: the next render names it alike


def test_long_component_names_that_share_a_start_stay_distinct() -> None:
    one = formats.component_stem("Prod" * 10, "chat-model-one")
    two = formats.component_stem("Prod" * 10, "chat-model-two")
    assert one != two
    assert len(one) == len(two) == formats.MAX_COMPONENT_STEM
