"""Logical IDs: one place that spells them, so renames are deliberate.

Logical IDs are public API. CloudFormation replaces a resource whose logical ID changes, so a
renamed ID deletes a live endpoint or VPC. Core builders name their resources from the
constants here; a pattern keeps only its Outputs' names.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from troposphere_patterns.errors import Problem
from troposphere_patterns.records import record

# CloudFormation logical IDs: alphanumeric, at most 255 characters (the template anatomy's
# Resources section). Matched whole: ``$`` would admit a trailing newline.
_PREFIX_PATTERN = r"[A-Za-z0-9]*"
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
# The function's HTTPS front door (core/function_url): the URL and its two resource policy
# statements (lambda:InvokeFunctionUrl, and lambda:InvokeFunction through the URL only).
LAMBDA_FUNCTION_URL = "LambdaFunctionUrl"
LAMBDA_FUNCTION_URL_PERMISSION = "LambdaFunctionUrlPermission"
LAMBDA_FUNCTION_URL_INVOKE_PERMISSION = "LambdaFunctionUrlInvokePermission"
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
    LAMBDA_FUNCTION_URL,
    LAMBDA_FUNCTION_URL_PERMISSION,
    LAMBDA_FUNCTION_URL_INVOKE_PERMISSION,
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
OUTPUT_FUNCTION_URL = "LambdaFunctionHttpsUrl"
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
    OUTPUT_FUNCTION_URL,
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
# The alarms' IDs, as core/hosting/options/alarms.py and core/function_alarms.py spell them
# (tests/test_invariants.py checks every rendered ID is among all_names): per variant, on an async
# endpoint's queue, on the function.
VARIANT_ALARMS = (
    "{endpoint}{variant}Invocation5XXErrorsAlarm",
    "{endpoint}{variant}ModelLatencyAlarm",
    "{endpoint}{variant}Invocation4XXErrorsAlarm",
)
QUEUE_ALARM = "{endpoint}OldestRequestAlarm"
FUNCTION_ALARMS = ("{function}ErrorsAlarm", "{function}ThrottlesAlarm")
# Each alarm's Output: its logical ID, then "Name" (core/outputs.py).
ALARM_OUTPUT = "{alarm}Name"
# The logical-ID part of the default variant's name, AllTraffic (core/hosting/plan.py).
DEFAULT_VARIANT_ID = "AllTraffic"
# An alarm's name is ``${AWS::StackName}-<its logical ID>`` (CloudWatch: at most 255
# characters); CloudFormation stack names are at most 128.
MAX_ALARM_NAME_LENGTH = 255
MAX_STACK_NAME_LENGTH = 128


def is_valid_prefix(prefix: str) -> bool:
    """Tell whether ``prefix`` can start a CloudFormation logical ID (alphanumerics only)."""
    return bool(re.fullmatch(_PREFIX_PATTERN, prefix))


def prefix_problems(prefix: Any, names: Iterable[str], where: str = "id_prefix") -> list[Problem]:
    """Check a prefix against the logical IDs it will start.

    An ID ending in ``Alarm`` is an alarm's, named ``${AWS::StackName}-<ID>`` (:func:`alarm_name`
    in core/hosting/options/alarms.py): with the prefix it must leave that name room for a
    one-character stack name and the hyphen.

    Args:
        prefix: The caller's prefix.
        names: Every ID the prefix will be put in front of (formatted, e.g. ``VpcFlowLog``).
        where: The prop name to report.

    Returns:
        One message per problem, naming ``where``.
    """
    if not isinstance(prefix, str) or not is_valid_prefix(prefix):
        return [Problem(where, f"{prefix!r} must contain only letters and digits")]
    names = list(names)
    longest = max(names, key=len, default="")
    alarm = max((n for n in names if n.endswith("Alarm")), key=len, default="")
    room = MAX_LOGICAL_ID_LENGTH - len(longest)
    alarm_room = MAX_ALARM_NAME_LENGTH - len("x-") - len(alarm)
    if len(prefix) <= min(room, alarm_room):
        return []
    if room <= alarm_room:
        exceeds = f"{prefix[:12]}...{longest} would exceed CloudFormation's "
        exceeds += f"{MAX_LOGICAL_ID_LENGTH}-character logical IDs"
    else:
        exceeds = f"${{AWS::StackName}}-{prefix[:12]}...{alarm} would exceed CloudWatch's "
        exceeds += f"{MAX_ALARM_NAME_LENGTH}-character alarm names"
    return [
        Problem(
            where,
            f"{len(prefix)} characters is too long: {exceeds} (at most "
            f"{min(room, alarm_room)} characters)",
        )
    ]


@record
class LogicalIds:
    """Turns a base name into the logical ID of one pattern instance.

    Attributes:
        prefix: Prepended to every base name, so two instances fit one template. Default "".
    """

    prefix: str = ""

    def __call__(self, name: str, **fields: int) -> str:
        """Return the logical ID for ``name``, formatting ``{n}``-style fields first."""
        return self.prefix + (name.format(**fields) if fields else name)


def variant_names(variant_ids: Iterable[str]) -> list[str]:
    """Every ID the pattern may name after a variant: scaling, alarms, their Outputs."""
    variant_ids = tuple(variant_ids)  # read once per kind of ID
    endpoint, function = SAGEMAKER_ENDPOINT, LAMBDA_FUNCTION
    per_variant = (SCALABLE_TARGET, SCALING_POLICY, WAKE_FROM_ZERO_POLICY)
    # Every alarm but the wake-from-zero one is an Output too: that one is scaling's own.
    output_alarms = [
        *(a.format(endpoint=endpoint, variant=v) for v in variant_ids for a in VARIANT_ALARMS),
        QUEUE_ALARM.format(endpoint=endpoint),
        *(a.format(function=function) for a in FUNCTION_ALARMS),
    ]
    return [
        *(name.format(endpoint=endpoint, variant=v) for v in variant_ids for name in per_variant),
        *(WAKE_FROM_ZERO_ALARM.format(endpoint=endpoint, variant=v) for v in variant_ids),
        *output_alarms,
        *(ALARM_OUTPUT.format(alarm=alarm) for alarm in output_alarms),
    ]


# The metrics each inference component's alarms watch (core/hosting/components.py).
COMPONENT_ALARM_METRICS = ("Invocation5XXErrors", "ModelLatency")


def component_names(component_ids: Iterable[str]) -> list[str]:
    """Every ID the pattern may name after an inference component, its alarms' Outputs too."""
    component_ids = tuple(component_ids)
    per_component = (
        INFERENCE_COMPONENT,
        INFERENCE_COMPONENT_MODEL,
        INFERENCE_COMPONENT_SCALABLE_TARGET,
        INFERENCE_COMPONENT_SCALING_POLICY,
        INFERENCE_COMPONENT_WAKE_POLICY,
        INFERENCE_COMPONENT_WAKE_ALARM,
    )
    alarms = [
        INFERENCE_COMPONENT_ALARM.format(component=c, metric=m)
        for c in component_ids
        for m in COMPONENT_ALARM_METRICS
    ]
    return [
        *(name.format(component=c) for c in component_ids for name in per_component),
        *alarms,
        *(ALARM_OUTPUT.format(alarm=alarm) for alarm in alarms),
    ]


def all_names(
    az_count: int,
    variant_ids: Iterable[str] = (DEFAULT_VARIANT_ID,),
    component_ids: Iterable[str] = (),
) -> list[str]:
    """Every base logical ID the pattern may create.

    Args:
        az_count: Subnets of a created VPC.
        variant_ids: The endpoint's variants, as logical IDs spell them (``formats.variant_id``).
            Default the default variant's.
        component_ids: The inference components, as logical IDs spell them. Default none.

    Returns:
        Resources, Outputs, the VPC's, and those named after a variant (scaling, alarms and the
        alarms' Outputs).
    """
    return [
        *RESOURCE_NAMES,
        *OUTPUT_NAMES,
        *vpc_names(az_count),
        *variant_names(variant_ids),
        *component_names(component_ids),
    ]


def named_after_problems(title: str, where: str) -> list[Problem]:
    """A caller's resource whose logical ID the pattern's own IDs start (its function's alarms).

    The alarms and their Outputs are named after the caller's function, without the prefix:
    ``<title>ThrottlesAlarmName`` must fit a logical ID, and the alarm's name
    ``${AWS::StackName}-<title>ThrottlesAlarm`` CloudWatch's 255 characters.

    Args:
        title: The caller's resource's logical ID.
        where: The props field that holds it.
    """
    suffixes = [alarm.format(function="") for alarm in FUNCTION_ALARMS]
    most = min(
        *(MAX_LOGICAL_ID_LENGTH - len(ALARM_OUTPUT.format(alarm=s)) for s in suffixes),
        *(MAX_ALARM_NAME_LENGTH - len("x-") - len(s) for s in suffixes),
    )
    if len(title) <= most:
        return []
    longest = ALARM_OUTPUT.format(alarm=max(suffixes, key=len))
    return [
        Problem(
            where,
            f"its logical ID {title[:12]}... ({len(title)} characters) is too long: the "
            f"function's alarms and their Outputs are named after it ({title[:12]}...{longest}) "
            f"and must fit 255 characters (at most {most} characters)",
        )
    ]


def alarm_name_warning(alarm_ids: Iterable[str]) -> str | None:
    """A warning when an alarm's name leaves a stack name fewer than its 128 characters.

    Args:
        alarm_ids: The template's alarms' logical IDs (prefix included).

    Returns:
        None when any stack name fits; else the longest ID and how long a stack name may be.
    """
    longest = max(alarm_ids, key=len, default="")
    room = MAX_ALARM_NAME_LENGTH - len("-") - len(longest)
    if not longest or room >= MAX_STACK_NAME_LENGTH:
        return None
    return (
        f"alarm names are ${{AWS::StackName}}-<logical ID>, at most {MAX_ALARM_NAME_LENGTH} "
        f"characters: {longest[:12]}... ({len(longest)} characters) leaves "
        f"{max(room, 0)} for the stack name (a shorter --id-prefix leaves more)"
    )
