"""Lambda -> SageMaker endpoint: a function that invokes a real-time inference endpoint.

The plain-CloudFormation counterpart of the AWS Solutions Construct
``aws-lambda-sagemakerendpoint``: validate, build the VPC if asked, have ``core/hosting`` build
the SageMaker side, build the function with its environment variable and permission, then add
it all to the template at once. Nothing is added when anything fails.
"""

from __future__ import annotations

import contextlib
import io
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from functools import cached_property
from typing import Any

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
    kms,
    sagemaker,
)

from troposphere_patterns.core import iam_policies
from troposphere_patterns.core import ids as core_ids
from troposphere_patterns.core import network as vpc
from troposphere_patterns.core.addition import Addition, add_all
from troposphere_patterns.core.function_alarms import function_alarms
from troposphere_patterns.core.hosting import (
    EndpointReference,
    HostedEndpoint,
    Hosting,
    HostingContext,
    hosted_endpoint,
)
from troposphere_patterns.core.hosting.options.alarms import AlarmMaker, Alarms
from troposphere_patterns.core.hosting.options.async_inference import AsyncInference
from troposphere_patterns.core.hosting.options.autoscaling import Autoscaling
from troposphere_patterns.core.hosting.options.data_capture import DataCapture
from troposphere_patterns.core.hosting.options.rollout import Rollout
from troposphere_patterns.core.hosting.options.serverless import Serverless
from troposphere_patterns.core.hosting.types import EndpointConfig
from troposphere_patterns.core.ids import LogicalIds, prefix_problems, vpc_names
from troposphere_patterns.core.kms_key import DEFAULT_DELETION_POLICY, KeyBundle, encryption_key
from troposphere_patterns.core.lambda_function import (
    FunctionAttachment,
    FunctionNetwork,
    attach_to_function,
    existing_function_problems,
    function_props_problems,
    lambda_function,
    variable_name_problem,
)
from troposphere_patterns.core.network import Client, ExistingVpc, PrivateNetwork
from troposphere_patterns.core.overrides import merge, plain, problems, rejected
from troposphere_patterns.core.values import check_field_types, props_problems
from troposphere_patterns.errors import PatternPropsError

DEFAULT_ENVIRONMENT_VARIABLE = "SAGEMAKER_ENDPOINT_NAME"
DELETION_POLICIES = ("Retain", "Delete")
# Set on functions the pattern creates when the variable is renamed, so the default handler
# still finds the endpoint: it names the variable that holds the endpoint's name.
ENVIRONMENT_VARIABLE_POINTER = "SAGEMAKER_ENDPOINT_ENV_VAR"
# How the private network's groups name what calls the endpoint.
CLIENT = Client("Lambda function", "function")


class Outputs:
    """The Outputs' base IDs (exported as ``${AWS::StackName}-<ID>``: public API)."""

    FUNCTION_NAME = "LambdaFunctionName"
    FUNCTION_ARN = "LambdaFunctionArn"
    ENDPOINT_NAME = "SagemakerEndpointName"
    ENDPOINT_ARN = "SagemakerEndpointArn"
    MODEL_NAME = "SagemakerModelName"
    VPC_ID = "VpcId"


# The props mappings and the troposphere class each is checked against.
_PROPS_TABLES: tuple[tuple[str, type[BaseAWSObject]], ...] = (
    ("lambda_function_props", awslambda.Function),
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

    @cached_property
    def hosting(self) -> Hosting:
        """The SageMaker side's props and options, as ``core/hosting`` takes them."""
        return Hosting(**{f.name: getattr(self, f.name) for f in fields(Hosting)})

    @property
    def in_vpc(self) -> bool:
        """The function (and a created model) run in a VPC, created or given."""
        return self.deploy_vpc or self.existing_vpc is not None


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
        hosted: Everything the SageMaker side created (role, bucket, topics, key use, ...).
        key: The pattern's KMS key, when anything uses it; None otherwise.
    """

    lambda_function: awslambda.Function
    sagemaker_endpoint: sagemaker.Endpoint | EndpointReference
    sagemaker_endpoint_config: sagemaker.EndpointConfig | None
    sagemaker_model: sagemaker.Model | None
    vpc: ec2.VPC | ExistingVpc | None
    hosted: HostedEndpoint
    alarms: tuple[cloudwatch.Alarm, ...] = ()
    key: kms.Key | None = None


def validate(props: LambdaSagemakerEndpointProps) -> list[str]:
    """Return every problem with ``props``, each naming the props involved."""
    # Values first: what cannot be rendered, or is too deep or too large, is not walked again.
    unrenderable = props_problems(props)
    if unrenderable:
        return unrenderable
    found: list[str] = []
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

    # troposphere reports validator failures on stderr as well as in the exception.
    with contextlib.redirect_stderr(io.StringIO()):
        for name, cls in _PROPS_TABLES:
            value = getattr(props, name)
            if name == "vpc_props" and value is not None:
                found += vpc.vpc_props_problems(value, name)
                value = {k: v for k, v in value.items() if k != vpc.AZ_COUNT_KEY}
            if value is not None:
                found += problems(cls, value, name)

    found += props.hosting.problems(in_vpc=props.in_vpc)
    if props.lambda_function_props is not None:
        function_props = merge(props.lambda_function_props)
        found += function_props_problems(
            function_props, "lambda_function_props", in_vpc=props.in_vpc
        )
    if props.existing_lambda_obj is not None:
        found += existing_function_problems(
            props.existing_lambda_obj, "existing_lambda_obj", in_vpc=props.in_vpc
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
    outputs = [value for name, value in vars(Outputs).items() if name.isupper()]
    return [*core_ids.RESOURCE_NAMES, *outputs, *vpc_names(vpc.MAX_AZ_COUNT)]


# The props each created resource is built from, to name them in the rare error troposphere
# raises only when rendering (validation should have caught it first).
_BUILT_FROM = {
    core_ids.SAGEMAKER_MODEL: ("model_props",),
    core_ids.SAGEMAKER_ENDPOINT_CONFIG: ("endpoint_config_props",),
    core_ids.SAGEMAKER_ENDPOINT: ("endpoint_props",),
    core_ids.LAMBDA_FUNCTION: ("lambda_function_props",),
    core_ids.LAMBDA_POLICY: ("lambda_function_props", "existing_lambda_obj"),
    core_ids.VPC: ("vpc_props",),
}
_SAGEMAKER_FIELDS = ("model_props", "endpoint_config_props", "endpoint_props")


@dataclass(frozen=True)
class _Built:
    """Everything built for one instance, before any of it touches the template."""

    resources: tuple[BaseAWSObject, ...]
    result: LambdaSagemakerEndpoint
    attachment: FunctionAttachment | None
    conditions: Mapping[str, Any]


def _build(props: LambdaSagemakerEndpointProps) -> _Built:
    ids = LogicalIds(props.id_prefix)
    key = encryption_key(ids(core_ids.ENCRYPTION_KEY), deletion_policy=props.deletion_policy)
    with rejected(*_given(props, "vpc_props", "existing_vpc")):
        private = _private_network(props, ids, key)
    context = HostingContext(ids, key, private, props.deletion_policy)
    with rejected(*_given(props, *_SAGEMAKER_FIELDS, "existing_sagemaker_endpoint_obj")):
        hosted = hosted_endpoint(props.hosting, context)
        endpoints = (
            vpc.service_endpoints(
                private,
                ids,
                runtime_policy=iam_policies.account_principals_only(
                    hosted.runtime_actions, [hosted.endpoint.arn]
                ),
                s3_statements=hosted.gateway_s3_statements,
            )
            if private is not None and private.creates_endpoints
            else []
        )
    with rejected(*_given(props, "lambda_function_props", "existing_lambda_obj")):
        function, attachment, function_resources = _function_side(props, ids, key, private, hosted)
    alarms: tuple[cloudwatch.Alarm, ...] = hosted.alarms
    conditions = dict(hosted.conditions)
    if props.alarms is not None:
        make = AlarmMaker(props.alarms, ids(core_ids.ALARM_TOPIC_CONDITION))
        alarms += function_alarms(make, function.title)
        conditions.update(make.conditions)
    uses_key = hosted.uses_key or props.existing_lambda_obj is None or props.deploy_vpc
    resources = (
        *(key.resources if uses_key else ()),
        *(private.resources if private is not None else ()),
        *hosted.resources,
        *endpoints,
        *function_resources,
        *alarms[len(hosted.alarms) :],
    )
    vpc_result = private.network.vpc if private is not None else None
    result = LambdaSagemakerEndpoint(
        lambda_function=function,
        sagemaker_endpoint=hosted.endpoint.endpoint or hosted.endpoint,
        sagemaker_endpoint_config=hosted.endpoint_config,
        sagemaker_model=hosted.model,
        vpc=vpc_result if vpc_result is not None else props.existing_vpc,
        alarms=alarms,
        hosted=hosted,
        key=key.key if uses_key else None,
    )
    return _Built(resources, result, attachment, conditions)


def _private_network(
    props: LambdaSagemakerEndpointProps, ids: LogicalIds, key: KeyBundle
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
        network = vpc.Network.existing(props.existing_vpc)
    else:
        return None
    existing = props.existing_vpc
    shared = (
        existing.runtime_endpoint_security_group_id
        if existing and not existing.create_vpc_endpoints
        else None
    )
    group_ids = vpc.PrivateNetworkIds(
        client_group=ids(core_ids.LAMBDA_SECURITY_GROUP),
        runtime_group=ids(core_ids.RUNTIME_ENDPOINT_SECURITY_GROUP),
        runtime_ingress=ids(core_ids.RUNTIME_ENDPOINT_INGRESS),
    )
    return vpc.private_network(
        network,
        group_ids,
        CLIENT,
        shared_runtime_group_id=shared,
        s3_egress=props.hosting.client_uses_s3,
    )


def _function_side(
    props: LambdaSagemakerEndpointProps,
    ids: LogicalIds,
    key: KeyBundle,
    private: PrivateNetwork | None,
    hosted: HostedEndpoint,
) -> tuple[awslambda.Function, FunctionAttachment | None, tuple[BaseAWSObject, ...]]:
    """The function that invokes the endpoint: created, or the caller's with its update."""
    variable = props.sagemaker_environment_variable_name
    variables: dict[str, Any] = {variable: hosted.endpoint.name, **hosted.client_environment}
    grants = list(hosted.client_statements)
    if props.existing_lambda_obj is not None:
        function = props.existing_lambda_obj
        attachment = attach_to_function(
            function,
            policy_id=ids(core_ids.LAMBDA_POLICY),
            policy_name="InvokeSagemakerEndpoint",
            variables=variables,
            statements=grants,
            security_group_id=Ref(private.client_group) if private is not None else None,
        )
        return function, attachment, (attachment.policy,)

    if props.lambda_function_props is None:
        raise ValueError("validate() lets no props through without a function")
    if variable != DEFAULT_ENVIRONMENT_VARIABLE:
        variables[ENVIRONMENT_VARIABLE_POINTER] = variable
    bundle = lambda_function(
        ids,
        function_props=props.lambda_function_props,
        kms_key_arn=key.arn,
        deletion_policy=props.deletion_policy,
        variables=variables,
        statements=grants,
        network=(
            FunctionNetwork(private.network.subnet_ids, Ref(private.client_group))
            if private is not None
            else None
        ),
    )
    return bundle.function, None, bundle.resources


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
        The pattern properties: function, endpoint, endpoint config, model, VPC, and what the
        SageMaker side created.

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
    endpoint = result.hosted.endpoint
    function = result.lambda_function
    values: list[tuple[str, Any, str, bool]] = [
        (Outputs.FUNCTION_NAME, Ref(function), "Name of the Lambda function", True),
        (Outputs.FUNCTION_ARN, GetAtt(function, "Arn"), "ARN of the Lambda function", True),
        (Outputs.ENDPOINT_NAME, endpoint.name, "Name of the SageMaker endpoint", True),
        (Outputs.ENDPOINT_ARN, endpoint.arn, "ARN of the SageMaker endpoint", True),
    ]
    if result.sagemaker_model is not None:
        model_name = GetAtt(result.sagemaker_model, "ModelName")
        values.append((Outputs.MODEL_NAME, model_name, "Name of the SageMaker model", True))
    if result.vpc is not None:
        vpc_id = Ref(result.vpc) if isinstance(result.vpc, ec2.VPC) else result.vpc.vpc_id
        values.append((Outputs.VPC_ID, plain(vpc_id), "ID of the VPC", True))
    # Not exported: an alarm's name is already ${AWS::StackName}-<its logical ID>.
    values += [(f"{a.title}Name", Ref(a), "Alarm name", False) for a in result.alarms]
    for name, value, description, exported in values:
        output_id = ids(name) if exported else name
        export = {"Export": Export(Sub(f"${{AWS::StackName}}-{output_id}"))} if exported else {}
        template.add_output(Output(output_id, Description=description, Value=value, **export))
    return template
