"""Lambda -> SageMaker endpoint: a function that invokes a real-time inference endpoint.

The plain-CloudFormation counterpart of the AWS Solutions Construct
``aws-lambda-sagemakerendpoint``: validate, build the VPC if asked, build the SageMaker side,
build the function with its environment variable and permission, then add it all to the
template at once. Nothing is added when anything fails.
"""

from __future__ import annotations

import contextlib
import io
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import awacs.sagemaker
from troposphere import (
    AWSHelperFn,
    BaseAWSObject,
    Export,
    GetAtt,
    Output,
    Parameter,
    Ref,
    Sub,
    Template,
    awslambda,
    cloudwatch,
    ec2,
    sagemaker,
)

from troposphere_patterns.core import alarms as alarm_rules
from troposphere_patterns.core import data_capture as capture_rules
from troposphere_patterns.core import iam_policies, model_data, serverless_inference, vpc
from troposphere_patterns.core.addition import Addition, add_all
from troposphere_patterns.core.alarms import Alarms, AlarmsBundle, AlarmTargets
from troposphere_patterns.core.async_inference import (
    AsyncContext,
    AsyncInference,
    AsyncInferenceBundle,
    async_inference,
)
from troposphere_patterns.core.bucket import BucketIds, PatternBucket, pattern_bucket
from troposphere_patterns.core.data_capture import CaptureBundle, DataCapture, EndpointConfig
from troposphere_patterns.core.endpoint_autoscaling import Autoscaling
from troposphere_patterns.core.hosting import Hosting
from troposphere_patterns.core.ids import VPC, LogicalIds, prefix_problems, vpc_names
from troposphere_patterns.core.kms_key import DEFAULT_DELETION_POLICY, KeyBundle, encryption_key
from troposphere_patterns.core.lambda_function import (
    CheckedFunction,
    FunctionAttachment,
    FunctionBundle,
    FunctionNetwork,
    attach_to_function,
    existing_function_problems,
    function_props_problems,
    lambda_function,
    variable_name_problem,
)
from troposphere_patterns.core.overrides import merge, plain, problems, rejected
from troposphere_patterns.core.rollout import Rollout, deployment_config
from troposphere_patterns.core.sagemaker_endpoint import (
    EndpointReference,
    ModelNetwork,
    SagemakerEndpointBundle,
    SagemakerIds,
    config_with_defaults,
    endpoint_name_problems,
    production_variants,
    sagemaker_endpoint,
    volume_key,
)
from troposphere_patterns.core.serverless_inference import Serverless
from troposphere_patterns.core.values import check_field_types, props_problems
from troposphere_patterns.core.vpc import ExistingVpc, Network, PrivateNetwork
from troposphere_patterns.errors import PatternPropsError

DEFAULT_ENVIRONMENT_VARIABLE = "SAGEMAKER_ENDPOINT_NAME"
DELETION_POLICIES = ("Retain", "Delete")
# Set on functions the pattern creates when the variable is renamed, so the default handler
# still finds the endpoint: it names the variable that holds the endpoint's name.
ENVIRONMENT_VARIABLE_POINTER = "SAGEMAKER_ENDPOINT_ENV_VAR"


class Ids:
    """Base logical IDs of this pattern (public API: renaming one replaces a live resource)."""

    ENCRYPTION_KEY = "EncryptionKey"
    SAGEMAKER_ROLE = "SagemakerRole"
    SAGEMAKER_MODEL = "SagemakerModel"
    SAGEMAKER_ENDPOINT_CONFIG = "SagemakerEndpointConfig"
    SAGEMAKER_ENDPOINT = "SagemakerEndpoint"
    # Condition: every deploy-time instance type is EBS-only, so the config takes a key.
    SAGEMAKER_KEY_CONDITION = "SagemakerInstancesEbsOnly"
    # Condition: the alarm topic Parameter is not empty, so the alarms notify it.
    ALARM_TOPIC_CONDITION = "AlarmTopicGiven"
    LAMBDA_ROLE = "LambdaFunctionServiceRole"
    LAMBDA_POLICY = "LambdaFunctionServiceRolePolicy"
    LAMBDA_FUNCTION = "LambdaFunction"
    LAMBDA_LOG_GROUP = "LambdaFunctionLogGroup"
    LAMBDA_LOG_POLICY = "LambdaFunctionLogPolicy"
    LAMBDA_SECURITY_GROUP = "LambdaSecurityGroup"
    MODEL_SECURITY_GROUP = "SagemakerModelSecurityGroup"
    RUNTIME_ENDPOINT = "SagemakerRuntimeVpcEndpoint"
    RUNTIME_ENDPOINT_SECURITY_GROUP = "SagemakerRuntimeVpcEndpointSecurityGroup"
    RUNTIME_ENDPOINT_INGRESS = "SagemakerRuntimeVpcEndpointIngressFromLambda"
    S3_ENDPOINT = "S3GatewayVpcEndpoint"
    ASYNC_SUCCESS_TOPIC = "AsyncSuccessTopic"
    ASYNC_ERROR_TOPIC = "AsyncErrorTopic"
    DATA_BUCKET = "SagemakerDataBucket"
    DATA_BUCKET_POLICY = "SagemakerDataBucketPolicy"
    # Outputs
    OUT_FUNCTION_NAME = "LambdaFunctionName"
    OUT_FUNCTION_ARN = "LambdaFunctionArn"
    OUT_ENDPOINT_NAME = "SagemakerEndpointName"
    OUT_ENDPOINT_ARN = "SagemakerEndpointArn"
    OUT_MODEL_NAME = "SagemakerModelName"
    OUT_VPC_ID = "VpcId"


# The props mappings and the troposphere class each is checked against.
_PROPS_TABLES: tuple[tuple[str, type[BaseAWSObject]], ...] = (
    ("lambda_function_props", CheckedFunction),
    ("model_props", sagemaker.Model),
    ("endpoint_config_props", EndpointConfig),
    ("endpoint_props", sagemaker.Endpoint),
    ("vpc_props", ec2.VPC),
)


@dataclass(frozen=True, kw_only=True)
class LambdaSagemakerEndpointProps:
    """What to build. Every field is optional; values may be literals or intrinsics.

    Attributes:
        existing_lambda_obj: A function already in the caller's template; it gets the
            environment variable and the invoke permission. Default None.
        lambda_function_props: ``AWS::Lambda::Function`` properties merged over the defaults
            (``python3.14``, ``index.handler``, 90 s, 256 MB, active tracing). Needs ``Code``.
            Default None.
        existing_sagemaker_endpoint_obj: Use this endpoint instead of creating one: an
            ``AWS::SageMaker::Endpoint`` object, or the endpoint's name (literal, Parameter or
            intrinsic). Default None.
        model_props: ``AWS::SageMaker::Model`` properties; ``PrimaryContainer`` required when
            no existing endpoint is given. ``ExecutionRoleArn`` given = no role is created.
            Default None.
        endpoint_config_props: Merged over the EndpointConfig defaults (one ``AllTraffic``
            variant, ``ml.m5.large``, the pattern's key). ``KmsKeyId`` given = your key encrypts
            the volume. Default None.
        endpoint_props: Merged over the Endpoint defaults. Default None.
        existing_vpc: Place the function and model in this VPC. Default None.
        vpc_props: ``AWS::EC2::VPC`` properties (plus ``MaxAzs``, default 2) for the VPC that
            ``deploy_vpc`` creates. Default None.
        deploy_vpc: Create a private, isolated VPC for the pattern. Default False.
        sagemaker_environment_variable_name: The function's environment variable holding the
            endpoint's name. Default ``SAGEMAKER_ENDPOINT_NAME``.
        id_prefix: Prepended to every logical ID the pattern creates. Default "".
        deletion_policy: ``DeletionPolicy`` and ``UpdateReplacePolicy`` of the KMS key and the
            log groups: ``Retain`` keeps data readable after the stack is gone; ``Delete`` for
            throwaway stacks. Default ``Retain``.
        serverless: Make the endpoint serverless (:class:`Serverless`: memory 2048 MB, at most
            20 concurrent invocations, no provisioned concurrency by default): no instances, no
            model VPC or network isolation; the function may still sit in the VPC. Default None.
        autoscaling: Scale each variant (:class:`Autoscaling`: ``max_capacity`` required,
            ``min_capacity`` 1, cooldowns 300 s in and 60 s out, the target per mode): instance
            counts on invocations per instance, serverless provisioned concurrency on its
            utilization. Default None.
        alarms: CloudWatch alarms on the created endpoint's variants and the function; None
            for none. Default ``Alarms()`` (no actions).
        rollout: Model updates shift traffic step by step, rolling back on those alarms
            (``Rollout.canary(...)``, ...). Default None: all at once, unwatched.
        data_capture: Capture requests and responses for Model Monitor. Default None.
        async_inference: Host the model behind an asynchronous endpoint (requests and results
            through S3, notifications through SNS); the function gets the handler's async
            environment and grants. Default None: a real-time endpoint.
    """

    existing_lambda_obj: awslambda.Function | None = None
    lambda_function_props: Mapping[str, Any] | None = None
    existing_sagemaker_endpoint_obj: Any = None
    model_props: Mapping[str, Any] | None = None
    endpoint_config_props: Mapping[str, Any] | None = None
    endpoint_props: Mapping[str, Any] | None = None
    existing_vpc: ExistingVpc | None = None
    vpc_props: Mapping[str, Any] | None = None
    deploy_vpc: bool = False
    sagemaker_environment_variable_name: str = DEFAULT_ENVIRONMENT_VARIABLE
    id_prefix: str = ""
    deletion_policy: str = DEFAULT_DELETION_POLICY
    serverless: Serverless | None = None
    autoscaling: Autoscaling | None = None
    alarms: Alarms | None = field(default_factory=Alarms)
    rollout: Rollout | None = None
    data_capture: DataCapture | None = None
    async_inference: AsyncInference | None = None

    def __post_init__(self) -> None:
        expected: dict[str, tuple[type | tuple[type, ...], str]] = {
            "existing_lambda_obj": (awslambda.Function, "a troposphere awslambda.Function"),
            "existing_sagemaker_endpoint_obj": (
                (sagemaker.Endpoint, str, AWSHelperFn, Parameter),
                "a troposphere sagemaker.Endpoint, an endpoint name or an intrinsic",
            ),
            "existing_vpc": (ExistingVpc, "an ExistingVpc"),
            "deploy_vpc": (bool, "a bool"),
            "sagemaker_environment_variable_name": (str, "a str"),
            "id_prefix": (str, "a str"),
            "deletion_policy": (str, "a str"),
            "serverless": (Serverless, "a Serverless"),
            "autoscaling": (Autoscaling, "an Autoscaling"),
            "alarms": ((Alarms, type(None)), "an Alarms (or None)"),
            "rollout": (Rollout, "a Rollout, such as Rollout.canary()"),
            "data_capture": (DataCapture, "a DataCapture"),
            "async_inference": (AsyncInference, "an AsyncInference"),
        }
        for name, _ in _PROPS_TABLES:
            expected[name] = (Mapping, "a mapping of CloudFormation property names")
        check_field_types(self, expected)


@dataclass(frozen=True)
class LambdaSagemakerEndpoint:
    """What the pattern added (the construct's pattern properties).

    Attributes:
        lambda_function: The function, created or the caller's.
        sagemaker_endpoint: The created ``AWS::SageMaker::Endpoint``, the caller's, or an
            :class:`EndpointReference` when the endpoint was given by name.
        sagemaker_endpoint_config: The created EndpointConfig; None with an existing endpoint.
        sagemaker_model: The created Model; None with an existing endpoint.
        vpc: The created ``AWS::EC2::VPC``, the caller's :class:`ExistingVpc`, or None.
        alarms: The CloudWatch alarms created.
    """

    lambda_function: awslambda.Function
    sagemaker_endpoint: sagemaker.Endpoint | EndpointReference
    sagemaker_endpoint_config: sagemaker.EndpointConfig | None
    sagemaker_model: sagemaker.Model | None
    vpc: ec2.VPC | ExistingVpc | None
    alarms: tuple[cloudwatch.Alarm, ...] = ()


def _vpc_in_play(props: LambdaSagemakerEndpointProps) -> bool:
    return props.deploy_vpc or props.existing_vpc is not None


def validate(props: LambdaSagemakerEndpointProps) -> list[str]:
    """Return every problem with ``props``, each naming the props involved."""
    # Values first: what cannot be rendered, or is too deep or too large, is not walked again.
    unrenderable = props_problems(props)
    if unrenderable:
        return unrenderable
    found: list[str] = []
    in_vpc = _vpc_in_play(props)
    if props.existing_vpc is not None and props.deploy_vpc:
        found.append("existing_vpc and deploy_vpc=True: give one or the other")
    if props.existing_vpc is not None:
        found += props.existing_vpc.problems()
    if props.existing_vpc is not None and props.vpc_props is not None:
        found.append(
            "existing_vpc and vpc_props: vpc_props only shape a VPC that deploy_vpc creates"
        )
    elif props.vpc_props is not None and not props.deploy_vpc:
        found.append("vpc_props without deploy_vpc=True: no VPC would be created to apply them to")

    if props.existing_lambda_obj is not None and props.lambda_function_props is not None:
        found.append("existing_lambda_obj and lambda_function_props: give one or the other")
    if props.existing_lambda_obj is None and props.lambda_function_props is None:
        found.append("neither existing_lambda_obj nor lambda_function_props: one is required")

    existing_endpoint = props.existing_sagemaker_endpoint_obj is not None
    if existing_endpoint and props.endpoint_props is not None:
        found.append("existing_sagemaker_endpoint_obj and endpoint_props: give one or the other")
    if existing_endpoint:
        for name in ("model_props", "endpoint_config_props", "serverless", "autoscaling"):
            if getattr(props, name) is not None:
                found.append(
                    f"{name} with existing_sagemaker_endpoint_obj: no model or endpoint config "
                    "is created to apply them to"
                )
    elif props.model_props is None:
        found.append("neither existing_sagemaker_endpoint_obj nor model_props: one is required")
    found += endpoint_name_problems(
        props.existing_sagemaker_endpoint_obj, "existing_sagemaker_endpoint_obj"
    )

    # troposphere reports validator failures on stderr as well as in the exception.
    with contextlib.redirect_stderr(io.StringIO()):
        for name, cls in _PROPS_TABLES:
            value = getattr(props, name)
            if name == "vpc_props" and value is not None:
                found += vpc.vpc_props_problems(value, name)
                value = {k: v for k, v in value.items() if k != vpc.AZ_COUNT_KEY}
            if value is not None:
                found += problems(cls, value, name)

    hosting = Hosting(**{name: getattr(props, name) for name in _HOSTING_FIELDS})
    found += hosting.problems(existing_endpoint=existing_endpoint, in_vpc=in_vpc)
    if props.lambda_function_props is not None:
        function_props = merge(props.lambda_function_props)
        found += function_props_problems(function_props, "lambda_function_props", in_vpc=in_vpc)
    if props.existing_lambda_obj is not None:
        found += existing_function_problems(
            props.existing_lambda_obj, "existing_lambda_obj", in_vpc=in_vpc
        )

    if props.deletion_policy not in DELETION_POLICIES:
        found.append(
            f"deletion_policy: {props.deletion_policy!r} must be one of "
            + ", ".join(DELETION_POLICIES)
        )
    found += prefix_problems(props.id_prefix, _logical_id_names())
    problem = variable_name_problem(
        props.sagemaker_environment_variable_name,
        "sagemaker_environment_variable_name",
        reserved=(ENVIRONMENT_VARIABLE_POINTER,),
    )
    return [*found, problem] if problem is not None else found


def _given(props: LambdaSagemakerEndpointProps, *names: str) -> tuple[str, ...]:
    """The fields among ``names`` that the caller gave (all of them when none was)."""
    return tuple(name for name in names if getattr(props, name) is not None) or names


def _logical_id_names() -> list[str]:
    """Every base logical ID an instance may use: the prefix goes in front of each."""
    own = [value for name, value in vars(Ids).items() if name.isupper()]
    return own + vpc_names(vpc.MAX_AZ_COUNT)


_HOSTING_FIELDS = (
    "model_props",
    "endpoint_config_props",
    "endpoint_props",
    "serverless",
    "autoscaling",
    "alarms",
    "rollout",
    "data_capture",
    "async_inference",
)
_SAGEMAKER_FIELDS = ("model_props", "endpoint_config_props", "endpoint_props")
# The props each created resource is built from, to name them in the rare error troposphere
# raises only when rendering (validation should have caught it first).
_BUILT_FROM = {
    Ids.SAGEMAKER_MODEL: ("model_props",),
    Ids.SAGEMAKER_ENDPOINT_CONFIG: ("endpoint_config_props",),
    Ids.SAGEMAKER_ENDPOINT: ("endpoint_props",),
    Ids.LAMBDA_FUNCTION: ("lambda_function_props",),
    Ids.LAMBDA_POLICY: ("lambda_function_props", "existing_lambda_obj"),
    VPC: ("vpc_props",),
}


def _serverless_endpoint(props: LambdaSagemakerEndpointProps) -> bool:
    return serverless_inference.used(
        config_with_defaults(props.endpoint_config_props, props.serverless)
    )


@dataclass(frozen=True)
class _Built:
    """Everything built for one instance, before any of it touches the template."""

    resources: tuple[BaseAWSObject, ...]
    result: LambdaSagemakerEndpoint
    attachment: FunctionAttachment | None
    conditions: Mapping[str, Any]


def _build(props: LambdaSagemakerEndpointProps) -> _Built:
    ids = LogicalIds(props.id_prefix)
    creates_model = props.existing_sagemaker_endpoint_obj is None
    creates_function = props.existing_lambda_obj is None
    config_key_given = "KmsKeyId" in (props.endpoint_config_props or {})
    config = config_with_defaults(props.endpoint_config_props, props.serverless)
    config_takes_key = (
        creates_model and not config_key_given and volume_key(config, "", "")[0] is not None
    )
    # What the options store in the pattern's bucket, one prefix each.
    capture = props.data_capture
    bucket_prefixes = [capture_rules.PREFIX] if capture and capture.destination is None else []
    bucket_prefixes += props.async_inference.bucket_prefixes() if props.async_inference else []
    needs_key = config_takes_key or creates_function or props.deploy_vpc or capture is not None
    needs_key = needs_key or props.async_inference is not None
    key = encryption_key(ids(Ids.ENCRYPTION_KEY), deletion_policy=props.deletion_policy)
    resources: list[BaseAWSObject] = list(key.resources) if needs_key else []
    bucket = _data_bucket(props, ids, key, bucket_prefixes)
    if bucket is not None:
        resources += bucket.resources

    asynchronous = _async_side(props, ids, key, bucket, resources)
    with rejected(*_given(props, "vpc_props", "existing_vpc")):
        private = _private_network(props, ids, key, s3_egress=asynchronous is not None)
        resources += private.resources if private is not None else ()
    existing = props.existing_lambda_obj
    function_id = existing.title if existing is not None else ids(Ids.LAMBDA_FUNCTION)
    ops = _operations(props, ids, function_id, bucket, key)
    watch = ops.alarms
    sagemaker_bundle = None
    with rejected(*_given(props, *_SAGEMAKER_FIELDS, "existing_sagemaker_endpoint_obj")):
        if creates_model:
            sagemaker_bundle = _sagemaker_side(
                props, ids, None if config_key_given else key, private, resources, ops, asynchronous
            )
            endpoint = EndpointReference.of(sagemaker_bundle.endpoint)
        else:
            endpoint = EndpointReference.of(props.existing_sagemaker_endpoint_obj)
        if private is not None and private.creates_endpoints:
            model_in_vpc = creates_model and not _serverless_endpoint(props)
            resources += _vpc_endpoints(
                props, ids, private, endpoint, model_in_vpc, ops, asynchronous
            )
    with rejected(*_given(props, "lambda_function_props", "existing_lambda_obj")):
        function, attachment = _function_side(
            props, ids, key, private, endpoint, resources, asynchronous
        )
    resources += watch.alarms if watch is not None else ()
    vpc_result = private.network.vpc if private is not None else None
    result = LambdaSagemakerEndpoint(
        lambda_function=function,
        sagemaker_endpoint=endpoint.endpoint if endpoint.endpoint is not None else endpoint,
        sagemaker_endpoint_config=sagemaker_bundle.endpoint_config if sagemaker_bundle else None,
        sagemaker_model=sagemaker_bundle.model if sagemaker_bundle else None,
        vpc=vpc_result if vpc_result is not None else props.existing_vpc,
        alarms=watch.alarms if watch is not None else (),
    )
    conditions = {
        **(sagemaker_bundle.conditions if sagemaker_bundle else {}),
        **(watch.conditions if watch is not None else {}),
    }
    return _Built(tuple(resources), result, attachment, conditions)


def _async_side(
    props: LambdaSagemakerEndpointProps,
    ids: LogicalIds,
    key: KeyBundle,
    bucket: PatternBucket | None,
    resources: list[BaseAWSObject],
) -> AsyncInferenceBundle | None:
    """Async inference: its topics and grants, in the pattern's bucket unless given paths."""
    if props.async_inference is None:
        return None
    context = AsyncContext(
        success_topic_id=ids(Ids.ASYNC_SUCCESS_TOPIC),
        error_topic_id=ids(Ids.ASYNC_ERROR_TOPIC),
        endpoint_arn=Ref(ids(Ids.SAGEMAKER_ENDPOINT)),  # the endpoint, built later
        kms_key_arn=key.arn,
        bucket=bucket,
    )
    bundle = async_inference(props.async_inference, context)
    resources += bundle.resources
    return bundle


@dataclass(frozen=True)
class _Operations:
    """What the day-2 options add: alarms, and what they set on the endpoint and its role."""

    alarms: AlarmsBundle | None
    capture: CaptureBundle | None
    endpoint_props: dict[str, Any] | None  # the rollout's DeploymentConfig
    config_props: dict[str, Any] | None  # the DataCaptureConfig


def _operations(
    props: LambdaSagemakerEndpointProps,
    ids: LogicalIds,
    function_id: str,
    bucket: PatternBucket | None,
    key: KeyBundle,
) -> _Operations:
    """Alarms on the function and the created endpoint's variants; the endpoint's capture."""
    variants = production_variants(
        config_with_defaults(props.endpoint_config_props, props.serverless)
    )
    targets = AlarmTargets(  # no endpoint ID (an existing endpoint): no variant alarms
        endpoint_id=ids(Ids.SAGEMAKER_ENDPOINT)
        if not props.existing_sagemaker_endpoint_obj
        else None,
        variant_names=[variant["VariantName"] for variant in variants],
        function_id=function_id,
        topic_condition_id=ids(Ids.ALARM_TOPIC_CONDITION),
        asynchronous=props.async_inference is not None,
    )
    watch = alarm_rules.alarms(props.alarms, targets) if props.alarms is not None else None
    rollout = props.rollout and watch and deployment_config(props.rollout, watch.rollback_names)
    option = props.data_capture
    capture = capture_rules.data_capture(option, bucket=bucket, key_arn=key.arn) if option else None
    return _Operations(
        watch,
        capture,
        {"DeploymentConfig": rollout} if rollout else None,
        {"DataCaptureConfig": capture.config} if capture else None,
    )


def _data_bucket(
    props: LambdaSagemakerEndpointProps, ids: LogicalIds, key: KeyBundle, prefixes: list[str]
) -> PatternBucket | None:
    """The one bucket for what the options store (each under its prefix), if any does."""
    if not prefixes:
        return None
    bucket_ids = BucketIds(bucket=ids(Ids.DATA_BUCKET), policy=ids(Ids.DATA_BUCKET_POLICY))
    return pattern_bucket(bucket_ids, kms_key_arn=key.arn, deletion_policy=props.deletion_policy)


def _private_network(
    props: LambdaSagemakerEndpointProps, ids: LogicalIds, key: KeyBundle, *, s3_egress: bool
) -> PrivateNetwork | None:
    """The VPC (created or given) and the groups that let only the function reach the endpoint."""
    if props.deploy_vpc:
        network = vpc.isolated_vpc(
            ids,
            kms_key_arn=key.arn,
            overrides=props.vpc_props,
            deletion_policy=props.deletion_policy,
        )
    elif props.existing_vpc is not None:
        network = Network.existing(props.existing_vpc)
    else:
        return None
    existing = props.existing_vpc
    shared = (
        existing.runtime_endpoint_security_group_id
        if existing and not existing.create_vpc_endpoints
        else None
    )
    group_ids = vpc.PrivateNetworkIds(
        lambda_group=ids(Ids.LAMBDA_SECURITY_GROUP),
        runtime_group=ids(Ids.RUNTIME_ENDPOINT_SECURITY_GROUP),
        runtime_ingress=ids(Ids.RUNTIME_ENDPOINT_INGRESS),
    )
    return vpc.private_network(
        network, group_ids, shared_runtime_group_id=shared, s3_egress=s3_egress
    )


def _sagemaker_side(
    props: LambdaSagemakerEndpointProps,
    ids: LogicalIds,
    volume_key: KeyBundle | None,
    private: PrivateNetwork | None,
    resources: list[BaseAWSObject],
    ops: _Operations,
    asynchronous: AsyncInferenceBundle | None,
) -> SagemakerEndpointBundle:
    """Model, endpoint config and endpoint (and their role), in the VPC when there is one."""
    assert props.model_props is not None  # validated
    model_network = None
    if private is not None and not _serverless_endpoint(props):
        model_group = vpc.security_group(
            ids(Ids.MODEL_SECURITY_GROUP),
            vpc_id=private.network.vpc_id,
            description="SageMaker model: HTTPS out for the model download (S3 gateway)",
            egress=[vpc.https_to_s3("S3 through the gateway endpoint; no other route out")],
        )
        resources.append(model_group)
        model_network = ModelNetwork(private.network.subnet_ids, Ref(model_group))
    sagemaker_ids = SagemakerIds(
        role=ids(Ids.SAGEMAKER_ROLE),
        model=ids(Ids.SAGEMAKER_MODEL),
        endpoint_config=ids(Ids.SAGEMAKER_ENDPOINT_CONFIG),
        endpoint=ids(Ids.SAGEMAKER_ENDPOINT),
        key_condition=ids(Ids.SAGEMAKER_KEY_CONDITION),
    )
    config_props = props.endpoint_config_props
    if asynchronous is not None:
        config_props = merge(config_props, {"AsyncInferenceConfig": asynchronous.config})
    bundle = sagemaker_endpoint(
        sagemaker_ids,
        model_props=props.model_props,
        endpoint_config_props=merge(config_props, ops.config_props),
        endpoint_props=merge(props.endpoint_props, ops.endpoint_props),
        kms_key_arn=volume_key.arn if volume_key is not None else None,
        network=model_network,
        serverless_option=props.serverless,
        scaling=props.autoscaling,
        role_statements=[
            *(ops.capture.statements if ops.capture else ()),
            *(asynchronous.sagemaker_statements if asynchronous else ()),
        ],
    )
    resources += bundle.resources
    return bundle


def _vpc_endpoints(
    props: LambdaSagemakerEndpointProps,
    ids: LogicalIds,
    private: PrivateNetwork,
    endpoint: EndpointReference,
    model_in_vpc: bool,
    ops: _Operations,
    asynchronous: AsyncInferenceBundle | None,
) -> list[BaseAWSObject]:
    """SageMaker Runtime for the function; S3 for the model's download, captures, async data."""
    network, invoke = private.network, awacs.sagemaker.InvokeEndpoint
    endpoints: list[BaseAWSObject] = [
        vpc.interface_endpoint(
            ids(Ids.RUNTIME_ENDPOINT),
            vpc_id=network.vpc_id,
            service="sagemaker.runtime",
            subnet_ids=network.subnet_ids,
            security_group_ids=[private.runtime_group_id],
            policy=iam_policies.account_principals_only(
                [awacs.sagemaker.InvokeEndpointAsync if asynchronous else invoke], [endpoint.arn]
            ),
        )
    ]
    reads = model_data.s3_reads(plain(props.model_props or {}), "model_props")
    s3_statements = model_data.read_statements(reads) if model_in_vpc else []
    s3_statements += [ops.capture.write] if model_in_vpc and ops.capture else []
    s3_statements += asynchronous.s3_statements if asynchronous else []
    if s3_statements:
        endpoints.append(
            vpc.gateway_endpoint(
                ids(Ids.S3_ENDPOINT),
                vpc_id=network.vpc_id,
                service="s3",
                route_table_ids=network.route_table_ids,
                policy=iam_policies.for_account_principals(s3_statements),
            )
        )
    return endpoints


def _function_side(
    props: LambdaSagemakerEndpointProps,
    ids: LogicalIds,
    key: KeyBundle,
    private: PrivateNetwork | None,
    endpoint: EndpointReference,
    resources: list[BaseAWSObject],
    asynchronous: AsyncInferenceBundle | None,
) -> tuple[awslambda.Function, FunctionAttachment | None]:
    """The function that invokes the endpoint: created, or the caller's with its update."""
    variable = props.sagemaker_environment_variable_name
    variables: dict[str, Any] = {variable: endpoint.name}
    grants = [iam_policies.invoke_endpoint(endpoint.arn)]
    if asynchronous is not None:
        variables.update(asynchronous.variables)
        grants = asynchronous.function_statements
    if props.existing_lambda_obj is not None:
        function = props.existing_lambda_obj
        attachment = attach_to_function(
            function,
            policy_id=ids(Ids.LAMBDA_POLICY),
            variables=variables,
            statements=grants,
            security_group_id=Ref(private.lambda_group) if private is not None else None,
        )
        resources.append(attachment.policy)
        return function, attachment

    assert props.lambda_function_props is not None  # validated
    if variable != DEFAULT_ENVIRONMENT_VARIABLE:
        variables[ENVIRONMENT_VARIABLE_POINTER] = variable
    bundle: FunctionBundle = lambda_function(
        function_id=ids(Ids.LAMBDA_FUNCTION),
        role_id=ids(Ids.LAMBDA_ROLE),
        policy_id=ids(Ids.LAMBDA_POLICY),
        log_group_id=ids(Ids.LAMBDA_LOG_GROUP),
        log_policy_id=ids(Ids.LAMBDA_LOG_POLICY),
        function_props=props.lambda_function_props,
        kms_key_arn=key.arn,
        deletion_policy=props.deletion_policy,
        variables=variables,
        statements=grants,
        network=(
            FunctionNetwork(private.network.subnet_ids, Ref(private.lambda_group))
            if private is not None
            else None
        ),
    )
    resources += bundle.resources
    return bundle.function, None


def add_lambda_sagemakerendpoint(
    template: Template, props: LambdaSagemakerEndpointProps
) -> LambdaSagemakerEndpoint:
    """Add one instance of the pattern to ``template``.

    Everything is validated and built first; the template (and an existing function) is changed
    only when all of it succeeded.

    Args:
        template: The caller's template.
        props: What to build.

    Returns:
        The pattern properties: function, endpoint, endpoint config, model, VPC.

    Raises:
        PatternPropsError: Every problem with ``props``, or logical IDs already taken.
        TemplateLimitError: The template would hold more than 500 resources; nothing is added.
    """
    found = validate(props)
    if found:
        raise PatternPropsError(found)
    built = _build(props)
    then = (built.attachment.apply,) if built.attachment is not None else ()
    ids = LogicalIds(props.id_prefix)
    built_from = {ids(base): _given(props, *names) for base, names in _BUILT_FROM.items()}
    add_all(
        template, Addition(built.resources, built.conditions, then, built_from), props.id_prefix
    )
    return built.result


def lambda_sagemakerendpoint(props: LambdaSagemakerEndpointProps) -> Template:
    """Return a new template holding one instance of the pattern and its Outputs.

    Outputs (exported as ``${AWS::StackName}-<OutputId>``): function name and ARN, endpoint
    name and ARN, model name (when created), VPC ID (when there is one).

    Raises:
        PatternPropsError: Every problem with ``props``.
    """
    kind = "asynchronous" if props.async_inference else "real-time"
    template = Template(
        Description=f"Lambda function invoking a SageMaker {kind} endpoint (troposphere-patterns)"
    )
    result = add_lambda_sagemakerendpoint(template, props)
    ids = LogicalIds(props.id_prefix)
    endpoint = (
        EndpointReference.of(result.sagemaker_endpoint)
        if isinstance(result.sagemaker_endpoint, sagemaker.Endpoint)
        else result.sagemaker_endpoint
    )
    values: list[tuple[str, Any, str]] = [
        (Ids.OUT_FUNCTION_NAME, Ref(result.lambda_function), "Name of the Lambda function"),
        (
            Ids.OUT_FUNCTION_ARN,
            GetAtt(result.lambda_function, "Arn"),
            "ARN of the Lambda function",
        ),
        (Ids.OUT_ENDPOINT_NAME, endpoint.name, "Name of the SageMaker endpoint"),
        (Ids.OUT_ENDPOINT_ARN, endpoint.arn, "ARN of the SageMaker endpoint"),
    ]
    if result.sagemaker_model is not None:
        values.append(
            (
                Ids.OUT_MODEL_NAME,
                GetAtt(result.sagemaker_model, "ModelName"),
                "Name of the SageMaker model",
            )
        )
    if result.vpc is not None:
        vpc_id = Ref(result.vpc) if isinstance(result.vpc, ec2.VPC) else result.vpc.vpc_id
        values.append((Ids.OUT_VPC_ID, plain(vpc_id), "ID of the VPC"))
    for name, value, description in values:
        output_id = ids(name)
        template.add_output(
            Output(
                output_id,
                Description=description,
                Value=value,
                Export=Export(Sub(f"${{AWS::StackName}}-{output_id}")),
            )
        )
    # Not exported: an alarm's name is already ${AWS::StackName}-<its logical ID>.
    for alarm in result.alarms:
        template.add_output(
            Output(f"{alarm.title}Name", Description="Alarm name", Value=Ref(alarm))
        )
    return template
