"""Lambda -> SageMaker endpoint: a function that invokes a real-time inference endpoint.

The plain-CloudFormation counterpart of the AWS Solutions Construct
``aws-lambda-sagemakerendpoint``: validate, build the VPC if asked, have ``core/hosting`` build
the SageMaker side, build the function with its environment variable and permission, then add
it all to the template at once. Nothing is added when anything fails.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, fields
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

from troposphere_patterns.core import ids as core_ids
from troposphere_patterns.core import network
from troposphere_patterns.core.addition import Addition, add_all
from troposphere_patterns.core.function_alarms import function_alarms
from troposphere_patterns.core.hosting import (
    EndpointReference,
    HostedEndpoint,
    Hosting,
    HostingContext,
    hosted_endpoint,
)
from troposphere_patterns.core.hosting.options import (
    AlarmMaker,
    Alarms,
    AsyncInference,
    Autoscaling,
    DataCapture,
    Rollout,
    Serverless,
)
from troposphere_patterns.core.iam_policies import account_principals_only
from troposphere_patterns.core.ids import LogicalIds, prefix_problems
from troposphere_patterns.core.kms_key import DEFAULT_DELETION_POLICY, encryption_key
from troposphere_patterns.core.lambda_function import (
    FunctionChoice,
    FunctionNetwork,
    variable_name_problem,
)
from troposphere_patterns.core.network import ExistingVpc, VpcChoice
from troposphere_patterns.core.overrides import plain, rejected
from troposphere_patterns.core.values import accepts, props_problems, type_problems
from troposphere_patterns.errors import PatternPropsError, Problem

DEFAULT_ENVIRONMENT_VARIABLE = "SAGEMAKER_ENDPOINT_NAME"
DELETION_POLICIES = ("Retain", "Delete")
# Set on functions the pattern creates when the variable is renamed, so the default handler
# still finds the endpoint: it names the variable that holds the endpoint's name.
ENVIRONMENT_VARIABLE_POINTER = "SAGEMAKER_ENDPOINT_ENV_VAR"
# How the private network's groups name what calls the endpoint.
CLIENT = network.Client("Lambda function", "function")
_MAPPING = (Mapping, "a mapping of CloudFormation property names")


class Outputs:
    """The Outputs' base IDs (exported as ``${AWS::StackName}-<ID>``: public API)."""

    FUNCTION_NAME = "LambdaFunctionName"
    FUNCTION_ARN = "LambdaFunctionArn"
    ENDPOINT_NAME = "SagemakerEndpointName"
    ENDPOINT_ARN = "SagemakerEndpointArn"
    MODEL_NAME = "SagemakerModelName"
    VPC_ID = "VpcId"


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

    existing_lambda_obj: awslambda.Function | None = accepts(
        awslambda.Function, "a troposphere awslambda.Function", default=None
    )
    lambda_function_props: Mapping[str, Any] | None = accepts(*_MAPPING, default=None)
    existing_sagemaker_endpoint_obj: sagemaker.Endpoint | str | AWSHelperFn | Parameter | None = (
        accepts(
            (sagemaker.Endpoint, str, AWSHelperFn, Parameter),
            "a troposphere sagemaker.Endpoint, an endpoint name or an intrinsic",
            default=None,
        )
    )
    model_props: Mapping[str, Any] | None = accepts(*_MAPPING, default=None)
    endpoint_config_props: Mapping[str, Any] | None = accepts(*_MAPPING, default=None)
    endpoint_props: Mapping[str, Any] | None = accepts(*_MAPPING, default=None)
    existing_vpc: ExistingVpc | None = accepts(ExistingVpc, "an ExistingVpc", default=None)
    vpc_props: Mapping[str, Any] | None = accepts(*_MAPPING, default=None)
    deploy_vpc: bool = accepts(bool, "a bool", default=False)
    sagemaker_environment_variable_name: str = accepts(
        str, "a str", default=DEFAULT_ENVIRONMENT_VARIABLE
    )
    id_prefix: str = accepts(str, "a str", default="")
    deletion_policy: str = accepts(str, "a str", default=DEFAULT_DELETION_POLICY)
    serverless: Serverless | None = accepts(Serverless, "a Serverless", default=None)
    autoscaling: Autoscaling | None = accepts(Autoscaling, "an Autoscaling", default=None)
    alarms: Alarms | None = accepts(
        (Alarms, type(None)), "an Alarms (or None)", default_factory=Alarms
    )
    rollout: Rollout | None = accepts(Rollout, "a Rollout, such as Rollout.canary()", default=None)
    data_capture: DataCapture | None = accepts(DataCapture, "a DataCapture", default=None)
    async_inference: AsyncInference | None = accepts(
        AsyncInference, "an AsyncInference", default=None
    )

    @cached_property
    def hosting(self) -> Hosting:
        """The SageMaker side's props and options, as ``core/hosting`` takes them."""
        return Hosting(**{f.name: getattr(self, f.name) for f in fields(Hosting)})

    @cached_property
    def vpc(self) -> VpcChoice:
        """Where the function (and a created model) run."""
        return VpcChoice(**{f.name: getattr(self, f.name) for f in fields(VpcChoice)})

    @cached_property
    def function(self) -> FunctionChoice:
        """The function: created from props, or the caller's."""
        return FunctionChoice(**{f.name: getattr(self, f.name) for f in fields(FunctionChoice)})


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


def validate(props: LambdaSagemakerEndpointProps) -> list[str]:
    """Return every problem with ``props``, each a :class:`Problem` naming the props involved.

    A field of the wrong type or holding a value that cannot be rendered is reported, and the
    rules that read it are skipped; every other rule still runs.
    """
    # list[str] only while core/hosting's rules (rules.py, endpoint.py, model_data.py,
    # options/autoscaling.py, serverless.py, rollout.py) return plain lines: list[Problem] then.
    found: list[str] = [*type_problems(props), *props_problems(props)]
    unusable = {problem.path[0] for problem in found if isinstance(problem, Problem)}
    in_vpc = props.deploy_vpc is True or props.existing_vpc is not None
    groups: tuple[tuple[type, Callable[[], Sequence[str]]], ...] = (
        (VpcChoice, props.vpc.problems),
        (FunctionChoice, lambda: props.function.problems(in_vpc=in_vpc)),
        (Hosting, lambda: props.hosting.problems(in_vpc=in_vpc)),
    )
    for owner, rules in groups:
        if not unusable & {f.name for f in fields(owner)}:
            found += rules()
    if "deletion_policy" not in unusable and props.deletion_policy not in DELETION_POLICIES:
        allowed = ", ".join(DELETION_POLICIES)
        found.append(
            Problem("deletion_policy", f"{props.deletion_policy!r} must be one of {allowed}")
        )
    if "id_prefix" not in unusable:
        found += prefix_problems(props.id_prefix, _logical_id_names())
    if "sagemaker_environment_variable_name" not in unusable:
        problem = variable_name_problem(
            props.sagemaker_environment_variable_name,
            "sagemaker_environment_variable_name",
            reserved=(ENVIRONMENT_VARIABLE_POINTER,),
        )
        found += [problem] if problem is not None else []
    return found


def _given(props: LambdaSagemakerEndpointProps, *names: str) -> tuple[str, ...]:
    """The fields among ``names`` that the caller gave (all of them when none was)."""
    return tuple(name for name in names if getattr(props, name) is not None) or names


def _logical_id_names() -> list[str]:
    """Every base logical ID an instance may use: the prefix goes in front of each."""
    outputs = [value for name, value in vars(Outputs).items() if name.isupper()]
    return [*core_ids.RESOURCE_NAMES, *outputs, *core_ids.vpc_names(network.MAX_AZ_COUNT)]


@dataclass(frozen=True)
class _Built:
    """Everything built for one instance, before any of it touches the template."""

    addition: Addition
    result: LambdaSagemakerEndpoint


def _build(props: LambdaSagemakerEndpointProps) -> _Built:
    ids = LogicalIds(props.id_prefix)
    key = encryption_key(ids(core_ids.ENCRYPTION_KEY), deletion_policy=props.deletion_policy)
    private = None
    with rejected(*_given(props, "vpc_props", "existing_vpc")):
        vpc = props.vpc.network(ids, kms_key_arn=key.arn, deletion_policy=props.deletion_policy)
        if vpc is not None:
            private = network.private_network(
                vpc,
                network.PrivateNetworkIds(
                    client_group=ids(core_ids.LAMBDA_SECURITY_GROUP),
                    runtime_group=ids(core_ids.RUNTIME_ENDPOINT_SECURITY_GROUP),
                    runtime_ingress=ids(core_ids.RUNTIME_ENDPOINT_INGRESS),
                ),
                CLIENT,
                shared_runtime_group_id=props.vpc.shared_runtime_group_id,
                s3_egress=props.hosting.client_uses_s3,
            )
    endpoints: list[BaseAWSObject] = []
    with rejected(*_given(props, "model_props", "endpoint_config_props", "endpoint_props")):
        hosted = hosted_endpoint(
            props.hosting, HostingContext(ids, key, private, props.deletion_policy)
        )
        if private is not None and private.creates_endpoints:
            endpoints = network.service_endpoints(
                private,
                ids,
                runtime_policy=account_principals_only(
                    hosted.runtime_actions, [hosted.endpoint.arn]
                ),
                s3_statements=hosted.gateway_s3_statements,
            )
    variable = props.sagemaker_environment_variable_name
    variables = {variable: hosted.endpoint.name, **hosted.client_environment}
    if variable != DEFAULT_ENVIRONMENT_VARIABLE and props.existing_lambda_obj is None:
        variables[ENVIRONMENT_VARIABLE_POINTER] = variable
    with rejected(*_given(props, "lambda_function_props", "existing_lambda_obj")):
        function = props.function.build(
            ids,
            kms_key_arn=key.arn,
            deletion_policy=props.deletion_policy,
            variables=variables,
            statements=hosted.client_statements,
            network=(
                FunctionNetwork(private.network.subnet_ids, Ref(private.client_group))
                if private is not None
                else None
            ),
            policy_name="InvokeSagemakerEndpoint",
        )
    alarms: tuple[cloudwatch.Alarm, ...] = ()
    conditions = dict(hosted.conditions)
    if props.alarms is not None:
        make = AlarmMaker(props.alarms, ids(core_ids.ALARM_TOPIC_CONDITION))
        alarms = function_alarms(make, function.function.title)
        conditions.update(make.conditions)
    uses_key = hosted.uses_key or props.existing_lambda_obj is None or props.deploy_vpc
    resources = (
        *(key.resources if uses_key else ()),
        *(private.resources if private is not None else ()),
        *hosted.resources,
        *endpoints,
        *function.resources,
        *alarms,
    )
    result = LambdaSagemakerEndpoint(
        lambda_function=function.function,
        sagemaker_endpoint=hosted.endpoint.endpoint or hosted.endpoint,
        sagemaker_endpoint_config=hosted.endpoint_config,
        sagemaker_model=hosted.model,
        vpc=private.network.vpc if private and private.network.vpc else props.existing_vpc,
        hosted=hosted,
        alarms=(*hosted.alarms, *alarms),
        key=key.key if uses_key else None,
    )
    attachment = function.attachment
    then = (attachment.apply,) if attachment is not None else ()
    built_from = {ids(base): _given(props, *names) for base, names in _BUILT_FROM.items()}
    return _Built(Addition(resources, conditions, then, built_from), result)


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
    add_all(template, built.addition, props.id_prefix)
    return built.result


def lambda_sagemakerendpoint(props: LambdaSagemakerEndpointProps) -> Template:
    """Return a new template holding one instance of the pattern and its Outputs.

    Outputs (exported as ``${AWS::StackName}-<OutputId>``): function name and ARN, endpoint
    name and ARN, model name (when created), VPC ID (when there is one); each alarm's name.

    Raises:
        PatternPropsError: Every problem with ``props``.
    """
    kind = "asynchronous" if props.async_inference else "real-time"
    template = Template(
        Description=f"Lambda function invoking a SageMaker {kind} endpoint (troposphere-patterns)"
    )
    result = add_lambda_sagemakerendpoint(template, props)
    ids = LogicalIds(props.id_prefix)
    endpoint, function = result.hosted.endpoint, result.lambda_function
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
