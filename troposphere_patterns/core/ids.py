"""Logical IDs: one place that spells them, so renames are deliberate.

Logical IDs are public API. CloudFormation replaces a resource whose logical ID changes, so a
renamed ID deletes a live endpoint or VPC. Core builders name their resources from the
constants here; a pattern keeps only its Outputs' names.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from troposphere_patterns.errors import Problem

# CloudFormation logical IDs: alphanumeric, at most 255 characters (the template anatomy's
# Resources section). Matched whole: ``$`` would admit a trailing newline.
_PREFIX_PATTERN = re.compile(r"[A-Za-z0-9]*")
MAX_LOGICAL_ID_LENGTH = 255

# The pattern's key (KMS): volumes, logs, the bucket, the topics.
ENCRYPTION_KEY = "EncryptionKey"
# The SageMaker side (core/hosting).
SAGEMAKER_ROLE = "SagemakerRole"
SAGEMAKER_MODEL = "SagemakerModel"
SAGEMAKER_ENDPOINT_CONFIG = "SagemakerEndpointConfig"
SAGEMAKER_ENDPOINT = "SagemakerEndpoint"
# Condition: every deploy-time instance type is EBS-only, so the config takes a key.
SAGEMAKER_KEY_CONDITION = "SagemakerInstancesEbsOnly"
# Condition: the alarm topic Parameter is not empty, so the alarms notify it.
ALARM_TOPIC_CONDITION = "AlarmTopicGiven"
MODEL_SECURITY_GROUP = "SagemakerModelSecurityGroup"
ASYNC_SUCCESS_TOPIC = "AsyncSuccessTopic"
ASYNC_ERROR_TOPIC = "AsyncErrorTopic"
DATA_BUCKET = "SagemakerDataBucket"
DATA_BUCKET_POLICY = "SagemakerDataBucketPolicy"
# The private network's groups and VPC endpoints (core/network).
RUNTIME_ENDPOINT = "SagemakerRuntimeVpcEndpoint"
RUNTIME_ENDPOINT_SECURITY_GROUP = "SagemakerRuntimeVpcEndpointSecurityGroup"
S3_ENDPOINT = "S3GatewayVpcEndpoint"
# SNS, for an async endpoint's notifications from a model in the private network.
SNS_ENDPOINT = "SnsVpcEndpoint"
SNS_ENDPOINT_SECURITY_GROUP = "SnsVpcEndpointSecurityGroup"
# The Lambda function (core/lambda_function), created or the caller's.
LAMBDA_ROLE = "LambdaFunctionServiceRole"
LAMBDA_POLICY = "LambdaFunctionServiceRolePolicy"
LAMBDA_FUNCTION = "LambdaFunction"
LAMBDA_LOG_GROUP = "LambdaFunctionLogGroup"
LAMBDA_LOG_POLICY = "LambdaFunctionLogPolicy"
LAMBDA_SECURITY_GROUP = "LambdaSecurityGroup"
RUNTIME_ENDPOINT_INGRESS = "SagemakerRuntimeVpcEndpointIngressFromLambda"
# Inference components (core/hosting/components.py): ``{component}`` is the component's name in
# PascalCase (formats.variant_id), so adding a component never renames another's resources.
INFERENCE_COMPONENT = "SagemakerInferenceComponent{component}"
INFERENCE_COMPONENT_MODEL = "SagemakerInferenceComponent{component}Model"
INFERENCE_COMPONENT_SCALABLE_TARGET = "SagemakerInferenceComponent{component}ScalableTarget"
INFERENCE_COMPONENT_SCALING_POLICY = "SagemakerInferenceComponent{component}ScalingPolicy"
INFERENCE_COMPONENT_WAKE_POLICY = "SagemakerInferenceComponent{component}WakePolicy"
INFERENCE_COMPONENT_WAKE_ALARM = "SagemakerInferenceComponent{component}NoCapacityAlarm"
# Per-component alarm: ``{metric}`` is Invocation5XXErrors, ModelLatency or Invocation4XXErrors.
INFERENCE_COMPONENT_ALARM = "SagemakerInferenceComponent{component}{metric}Alarm"
# Condition: every deploy-time minimum copy count is 0, so the instances may go to zero too.
INFERENCE_COMPONENTS_TO_ZERO_CONDITION = "SagemakerInferenceComponentsScaleToZero"
RESOURCE_NAMES = (
    ENCRYPTION_KEY,
    SAGEMAKER_ROLE,
    SAGEMAKER_MODEL,
    SAGEMAKER_ENDPOINT_CONFIG,
    SAGEMAKER_ENDPOINT,
    SAGEMAKER_KEY_CONDITION,
    ALARM_TOPIC_CONDITION,
    MODEL_SECURITY_GROUP,
    ASYNC_SUCCESS_TOPIC,
    ASYNC_ERROR_TOPIC,
    DATA_BUCKET,
    DATA_BUCKET_POLICY,
    RUNTIME_ENDPOINT,
    RUNTIME_ENDPOINT_SECURITY_GROUP,
    S3_ENDPOINT,
    SNS_ENDPOINT,
    SNS_ENDPOINT_SECURITY_GROUP,
    LAMBDA_ROLE,
    LAMBDA_POLICY,
    LAMBDA_FUNCTION,
    LAMBDA_LOG_GROUP,
    LAMBDA_LOG_POLICY,
    LAMBDA_SECURITY_GROUP,
    RUNTIME_ENDPOINT_INGRESS,
    INFERENCE_COMPONENTS_TO_ZERO_CONDITION,
)

# Outputs (exported as ``${AWS::StackName}-<ID>``): the SageMaker side's, then the client's.
OUTPUT_ENDPOINT_NAME = "SagemakerEndpointName"
OUTPUT_ENDPOINT_ARN = "SagemakerEndpointArn"
OUTPUT_MODEL_NAME = "SagemakerModelName"
OUTPUT_DATA_BUCKET_NAME = "SagemakerDataBucketName"
OUTPUT_ASYNC_SUCCESS_TOPIC_ARN = "AsyncSuccessTopicArn"
OUTPUT_ASYNC_ERROR_TOPIC_ARN = "AsyncErrorTopicArn"
OUTPUT_INFERENCE_COMPONENT_NAMES = "SagemakerInferenceComponentNames"
OUTPUT_FUNCTION_NAME = "LambdaFunctionName"
OUTPUT_FUNCTION_ARN = "LambdaFunctionArn"
OUTPUT_VPC_ID = "VpcId"
OUTPUT_NAMES = (
    OUTPUT_ENDPOINT_NAME,
    OUTPUT_ENDPOINT_ARN,
    OUTPUT_MODEL_NAME,
    OUTPUT_DATA_BUCKET_NAME,
    OUTPUT_ASYNC_SUCCESS_TOPIC_ARN,
    OUTPUT_ASYNC_ERROR_TOPIC_ARN,
    OUTPUT_INFERENCE_COMPONENT_NAMES,
    OUTPUT_FUNCTION_NAME,
    OUTPUT_FUNCTION_ARN,
    OUTPUT_VPC_ID,
)

# Names used by the core VPC builder; ``{n}`` is the 1-based subnet number.
VPC = "Vpc"
VPC_SUBNET = "VpcIsolatedSubnet{n}"
VPC_ROUTE_TABLE = "VpcIsolatedSubnet{n}RouteTable"
VPC_ROUTE_TABLE_ASSOCIATION = "VpcIsolatedSubnet{n}RouteTableAssociation"
VPC_FLOW_LOG = "VpcFlowLog"
VPC_FLOW_LOG_GROUP = "VpcFlowLogGroup"
VPC_FLOW_LOG_ROLE = "VpcFlowLogRole"
# Names used by the core autoscaling builder: the endpoint's logical ID, then the variant's name
# in PascalCase, so adding a variant never renames another variant's target.
SCALABLE_TARGET = "{endpoint}{variant}ScalableTarget"
SCALING_POLICY = "{endpoint}{variant}ScalingPolicy"
VPC_NAMES = (
    VPC,
    VPC_SUBNET,
    VPC_ROUTE_TABLE,
    VPC_ROUTE_TABLE_ASSOCIATION,
    VPC_FLOW_LOG,
    VPC_FLOW_LOG_GROUP,
    VPC_FLOW_LOG_ROLE,
)


def vpc_names(az_count: int) -> list[str]:
    """Every logical ID base the VPC builder uses for ``az_count`` subnets."""
    return [name.format(n=n) for name in VPC_NAMES for n in range(1, az_count + 1)]


# An async variant that may scale to zero: the step policy and alarm that start its first instance.
WAKE_FROM_ZERO_POLICY = "{endpoint}{variant}WakeFromZeroPolicy"
WAKE_FROM_ZERO_ALARM = "{endpoint}{variant}BacklogWithoutCapacityAlarm"


def is_valid_prefix(prefix: str) -> bool:
    """Tell whether ``prefix`` can start a CloudFormation logical ID (alphanumerics only)."""
    return bool(_PREFIX_PATTERN.fullmatch(prefix))


def prefix_problems(prefix: Any, names: Iterable[str], where: str = "id_prefix") -> list[Problem]:
    """Check a prefix against the logical IDs it will start.

    Args:
        prefix: The caller's prefix.
        names: Every ID the prefix will be put in front of (formatted, e.g. ``VpcFlowLog``).
        where: The prop name to report.

    Returns:
        One message per problem, naming ``where``.
    """
    if not isinstance(prefix, str) or not is_valid_prefix(prefix):
        return [Problem(where, f"{prefix!r} must contain only letters and digits")]
    longest = max(names, key=len, default="")
    if len(prefix) + len(longest) > MAX_LOGICAL_ID_LENGTH:
        room = MAX_LOGICAL_ID_LENGTH - len(longest)
        return [
            Problem(
                where,
                f"{len(prefix)} characters is too long: {prefix[:12]}...{longest} would exceed "
                f"CloudFormation's {MAX_LOGICAL_ID_LENGTH}-character logical IDs (at most "
                f"{room} characters)",
            )
        ]
    return []


@dataclass(frozen=True)
class LogicalIds:
    """Turns a base name into the logical ID of one pattern instance.

    Attributes:
        prefix: Prepended to every base name, so two instances fit one template. Default "".
    """

    prefix: str = ""

    def __call__(self, name: str, **fields: int) -> str:
        """Return the logical ID for ``name``, formatting ``{n}``-style fields first."""
        return self.prefix + (name.format(**fields) if fields else name)


def all_names(az_count: int) -> list[str]:
    """Every base logical ID (resources, Outputs, the VPC's for ``az_count`` subnets)."""
    return [*RESOURCE_NAMES, *OUTPUT_NAMES, *vpc_names(az_count)]
