"""Each value format the package checks, written once.

A :class:`Format` is matched against the whole value (``fullmatch``: ``^...$`` with ``match``
would admit a trailing newline) and gives both the library's message for a value that does not
match and the ``AllowedPattern`` of a CloudFormation Parameter taking such a value
(CloudFormation matches AllowedPattern against the whole value, so it carries no anchors).

The patterns follow the AWS API models (botocore's service models, cfn-lint's resource
schemas); where this package is stricter, the reason is beside the format.
"""

from __future__ import annotations

import re

from troposphere_patterns.errors import Problem
from troposphere_patterns.records import record

# An S3 bucket name as the package accepts it: lower case, 3-63 characters.
_BUCKET = r"[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]"
# Python's named groups, which a Parameter's AllowedPattern (a Java regex) does not take.
_GROUP_NAME = r"\(\?P<\w+>"


@record
class Format:
    """A format for a literal string, matched whole.

    Attributes:
        noun: What a matching value is, as a message names it (``an SNS topic ARN``).
        shape: What such a value looks like, shown after a refused value.
        pattern: The regular expression the whole value matches; its named groups pick out
            parts (``match(value)["bucket"]``).
    """

    noun: str
    shape: str
    pattern: str

    def match(self, value: object) -> re.Match[str] | None:
        """The match of the whole value, or None for a value (or non-string) that does not fit."""
        return re.fullmatch(self.pattern, value) if isinstance(value, str) else None

    def refusal(self, value: object) -> str:
        """The message for a value that does not fit, without naming where it came from."""
        return f"{value!r} is not {self.noun} ({self.shape})"

    def problem(self, value: object, where: str) -> Problem | None:
        """The problem at ``where`` (a dotted path) for a value that does not fit, else None."""
        return None if self.match(value) else Problem(where, self.refusal(value))

    @property
    def allowed_pattern(self) -> str:
        """The same format as a Parameter's ``AllowedPattern`` (no named groups, no anchors)."""
        return re.sub(_GROUP_NAME, "(", self.pattern)


# CreateEndpoint's EndpointName and ProductionVariant's VariantName: the API's pattern
# ``[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}`` with at most 63 characters, which is this one pattern
# (the API's alone admits longer runs of hyphens).
_SAGEMAKER_NAME = r"[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?"
_SAGEMAKER_NAME_SHAPE = (
    "letters, digits and hyphens, at most 63, starting and ending with a letter or digit"
)
ENDPOINT_NAME = Format("a SageMaker endpoint name", _SAGEMAKER_NAME_SHAPE, _SAGEMAKER_NAME)
VARIANT_NAME = Format("a SageMaker variant name", _SAGEMAKER_NAME_SHAPE, _SAGEMAKER_NAME)
# CreateInferenceComponent's InferenceComponentName: the same pattern and 63 characters.
INFERENCE_COMPONENT_NAME = Format(
    "a SageMaker inference component name", _SAGEMAKER_NAME_SHAPE, _SAGEMAKER_NAME
)
# The short name an InferenceComponent option is given: it starts the component's name (lower
# case) and, in PascalCase, its logical IDs. Letters, digits and single hyphens.
COMPONENT_SHORT_NAME = Format(
    "a component name",
    "letters, digits and single hyphens, at most 40, starting with a letter and ending with a "
    "letter or digit",
    r"[a-zA-Z](-?[a-zA-Z0-9]){0,39}",
)
# An object: the key is required. Keys may hold any character but a line break.
S3_OBJECT_URI = Format(
    "an S3 object URL",
    "s3://bucket/key",
    rf"s3://(?P<bucket>{_BUCKET})/(?P<key>[^\n]+)",
)
# A prefix (model weights, async paths, data capture): the key may be empty or left out.
S3_PREFIX_URI = Format(
    "an S3 prefix URI",
    "s3://bucket/prefix",
    rf"s3://(?P<bucket>{_BUCKET})(?:/(?P<key>[^\n]*))?",
)
# A prefix with its key part (a deploy-time Parameter's value is cut at the "/" after the
# bucket: see model_data's deploy-time read).
S3_KEY_PREFIX_URI = Format(
    "an S3 prefix URI with a key prefix",
    "s3://bucket/prefix/",
    rf"s3://(?P<bucket>{_BUCKET})/(?P<key>[^\n]*)",
)
# SNS CreateTopic: a topic name is 1-256 letters, digits, hyphens and underscores; a FIFO
# topic's name ends in ".fifo" (counted in the 256). SageMaker's own SnsTopicArn pattern
# admits any "." as well, which SNS never creates.
SNS_TOPIC_ARN = Format(
    "an SNS topic ARN",
    "arn:PARTITION:sns:REGION:ACCOUNT:NAME, the name 1-256 letters, digits, - or _, "
    "a FIFO topic's ending in .fifo",
    r"arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:(?P<name>[A-Za-z0-9_-]{1,256}|[A-Za-z0-9_-]{1,251}"
    r"\.fifo)",
)
KMS_KEY_ARN = Format(
    "a KMS key ARN",
    "arn:PARTITION:kms:REGION:ACCOUNT:key/KEY-ID",
    r"arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key/[a-zA-Z0-9-]+",
)
IAM_ROLE_ARN = Format(
    "an IAM role ARN",
    "arn:PARTITION:iam::ACCOUNT:role/[PATH/]NAME",
    r"arn:aws[a-z-]*:iam::\d{12}:role/(?:[^\n]*/)?(?P<name>[\w+=,.@-]+)",
)
# Who a Lambda function URL's resource policy names: an account, or a role or user in one.
ACCOUNT_ID = Format("an AWS account ID", "12 digits", r"\d{12}")
IAM_PRINCIPAL_ARN = Format(
    "an IAM role or user ARN",
    "arn:PARTITION:iam::ACCOUNT:role/NAME or user/NAME",
    r"arn:aws[a-z-]*:iam::\d{12}:(?:root|(?:role|user)/(?:[^\n]*/)?[\w+=,.@-]+)",
)
# Private ECR images only: the execution role is granted pull on exactly this repository.
ECR_IMAGE_URI = Format(
    "an ECR image URI",
    "ACCOUNT.dkr.ecr.REGION.amazonaws.com/REPO:TAG",
    r"(?P<account>\d{12})\.dkr\.ecr(-fips)?\.(?P<region>[a-z0-9-]+)\.amazonaws\.com(\.cn)?/"
    r"(?P<repository>[a-z0-9][a-z0-9._/-]*?)(:[\w.-]+|@sha256:[0-9a-f]{64})?",
)
# ProductionVariantCapacityReservationConfig's MlReservationArn (botocore: 20-258 characters;
# stricter than its pattern: a region and a reservation ID are required).
ML_RESERVATION_ARN = Format(
    "an ML capacity reservation ARN",
    "arn:PARTITION:sagemaker:REGION:ACCOUNT:TYPE/ID, e.g. ...:training-plan/my-plan",
    r"arn:aws[a-z-]*:sagemaker:[a-z0-9-]+:\d{12}:[a-z0-9-]{1,14}/[^\n]+",
)
# CaptureContentTypeHeader's CsvContentType and JsonContentType.
CONTENT_TYPE = Format(
    "a content type",
    "type/subtype",
    r"[a-zA-Z0-9](-*[a-zA-Z0-9])*/[a-zA-Z0-9](-*[a-zA-Z0-9.])*",
)
# InvokeEndpoint's TargetModel: 1-1024 characters, the API's ``\A\S[\p{Print}]*\z`` (Java's
# ``\p{Print}`` is ASCII). Stricter by one character: no comma, since the function reads the
# allowed models from one comma-separated environment variable.
TARGET_MODEL = Format(
    "a multi-model endpoint's target model",
    "1-1024 printable ASCII characters, no comma, not starting with a space, e.g. model-a.tar.gz",
    r"[\x21-\x2b\x2d-\x7e][\x20-\x2b\x2d-\x7e]{0,1023}",
)
# Lambda's pattern for an environment variable's key.
LAMBDA_VARIABLE_NAME = Format(
    "a valid Lambda environment variable name",
    "a letter, then at least one letter, digit or _",
    r"[a-zA-Z][a-zA-Z0-9_]+",
)


def variant_id(name: str) -> str:
    """The logical-ID part for a variant name: ``blue-v2`` -> ``BlueV2``.

    A logical ID is alphanumeric: each run of other characters starts a new capitalised word
    (for a valid variant name, each run of hyphens). Logical IDs are public: a change here
    replaces live resources.
    """
    return "".join(part[:1].upper() + part[1:] for part in re.split(r"[^A-Za-z0-9]+", name))


# An inference component's name: ``<stem>-<12 hex digits of the stack's ID>``. The stack's ID
# never changes across updates and differs between stacks (even stacks of one name, deleted and
# created again), so the name is unique in the account and region and stable; the stack's name
# is not used because it may be 128 characters and CloudFormation cannot cut a string.
STACK_ID_SUFFIX_LENGTH = 12
MAX_COMPONENT_STEM = 63 - 1 - STACK_ID_SUFFIX_LENGTH
_STEM_HASH_LENGTH = 6


def component_stem(prefix: str, name: str) -> str:
    """The literal start of an inference component's name: the ID prefix and the short name.

    Lower case, so that the name reads the same wherever SageMaker writes it (ARNs may hold it
    lower-cased). Cut deterministically when long: its first characters, a hyphen and a short
    hash of the whole, so two long names that share a start still differ. A change here renames
    live components (CloudFormation replaces them).
    """
    stem = f"{prefix}-{name}".lower() if prefix else name.lower()
    if len(stem) <= MAX_COMPONENT_STEM:
        return stem
    import hashlib  # only for a long name: its OpenSSL binding takes ~3 ms to load

    digest = hashlib.sha256(stem.encode()).hexdigest()[:_STEM_HASH_LENGTH]
    head = stem[: MAX_COMPONENT_STEM - 1 - _STEM_HASH_LENGTH].rstrip("-")
    return f"{head}-{digest}"
