"""Lambda -> SageMaker endpoint: a function that invokes a real-time inference endpoint.

The plain-CloudFormation ``aws-lambda-sagemakerendpoint`` construct: validate, build the VPC if
asked, have ``core/hosting`` build the SageMaker side, build the function with its variable and
grants, then add it all to the template at once. Nothing is added when anything fails.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cached_property, partial
from typing import TYPE_CHECKING, Any

from troposphere import AWSHelperFn, Parameter, Template, awslambda, cloudwatch, kms, sagemaker

from troposphere_patterns.core import (
    checks,
    deletion,
    hosting,
    kms_key,
    lambda_function,
    network,
    outputs,
    overrides,
)
from troposphere_patterns.core import ids as core_ids
from troposphere_patterns.core.addition import Addition, add_all
from troposphere_patterns.core.hosting import Hosting, options
from troposphere_patterns.core.lambda_function import FunctionChoice
from troposphere_patterns.core.network import ExistingVpc, VpcChoice
from troposphere_patterns.core.values import accepts
from troposphere_patterns.errors import PatternPropsError, Problem
from troposphere_patterns.lazy import TypeRef
from troposphere_patterns.records import record

if TYPE_CHECKING:  # troposphere.ec2 loads only for a VPC (core/network.py), a URL's module with it
    from troposphere import ec2

    from troposphere_patterns.core.function_url import FunctionUrl

DEFAULT_ENVIRONMENT_VARIABLE = "SAGEMAKER_ENDPOINT_NAME"
# Set on functions the pattern creates when the variable is renamed, so the default handler
# still finds the endpoint: it names the variable that holds the endpoint's name.
ENVIRONMENT_VARIABLE_POINTER = "SAGEMAKER_ENDPOINT_ENV_VAR"
CLIENT = network.Client("Lambda function", "function")  # as the private network's groups say
_FUNCTION = (awslambda.Function, "a troposphere awslambda.Function")
_MAPPING = (Mapping, "a mapping of CloudFormation property names")
_ENDPOINT = (
    (sagemaker.Endpoint, str, AWSHelperFn, Parameter),
    "a troposphere sagemaker.Endpoint, an endpoint name or an intrinsic",
)
_PREFIX_READS = ("id_prefix", "endpoint_config_props", "serverless")
_option = partial(TypeRef, options.__name__)  # an option's module loads only when it is given
_URL = TypeRef("troposphere_patterns.core.function_url", "FunctionUrl")


@record(kw_only=True)
class LambdaSagemakerEndpointProps:
    """What to build. Every field is optional; values may be literals or intrinsics.

    Attributes:
        existing_lambda_obj: The caller's function; it gets the variable and the grants.
        lambda_function_props: ``AWS::Lambda::Function`` properties merged over the defaults
            (``python3.14``, ``index.handler``, 80 s, 256 MB, active tracing). Needs ``Code``.
        existing_sagemaker_endpoint_obj: Invoke this endpoint instead of creating one: an
            ``AWS::SageMaker::Endpoint``, or its name (literal or intrinsic).
        model_props: ``AWS::SageMaker::Model`` properties, required without an existing
            endpoint or components; ``ExecutionRoleArn`` given = no role is created.
        endpoint_config_props: Merged over the EndpointConfig defaults (one ``AllTraffic``
            variant, ``ml.m5.large``, the pattern's key; ``KmsKeyId`` given = your key).
        endpoint_props: Merged over the Endpoint defaults.
        existing_vpc: Place the function and model in this VPC.
        vpc_props: ``AWS::EC2::VPC`` properties (plus ``MaxAzs``, default 2) for ``deploy_vpc``.
        deploy_vpc: Create a private, isolated VPC for the pattern.
        sagemaker_environment_variable_name: The variable holding the endpoint's name.
        id_prefix: Prepended to every logical ID the pattern creates.
        deletion_policy: ``DeletionPolicy`` of the key, the log groups and the bucket
            (``Retain``, the default: data outlives the stack; or ``Delete``).
        serverless: A serverless endpoint (:class:`Serverless`): no instances, no model VPC.
        autoscaling: Scale each production variant (:class:`Autoscaling`).
        alarms: Alarms on the endpoint and the function (:class:`Alarms`, default no actions).
        rollout: Stepped updates that roll back on those alarms (:class:`Rollout`).
        data_capture: Capture requests and responses (:class:`DataCapture`).
        async_inference: An asynchronous endpoint (:class:`AsyncInference`).
        function_url: An HTTPS URL for the function, SigV4 only (:class:`FunctionUrl`).
        target_models: The only models of a multi-model endpoint the function may call.
        inference_components: Models and adapters hosted as inference components
            (:class:`InferenceComponent`, no ``model_props``).
    """

    existing_lambda_obj: awslambda.Function | None = accepts(*_FUNCTION, default=None)
    lambda_function_props: Mapping[str, Any] | None = accepts(*_MAPPING, default=None)
    existing_sagemaker_endpoint_obj: sagemaker.Endpoint | str | AWSHelperFn | Parameter | None = (
        accepts(*_ENDPOINT, default=None)
    )
    model_props: Mapping[str, Any] | None = accepts(*_MAPPING, default=None)
    endpoint_config_props: Mapping[str, Any] | None = accepts(*_MAPPING, default=None)
    endpoint_props: Mapping[str, Any] | None = accepts(*_MAPPING, default=None)
    existing_vpc: ExistingVpc | None = accepts(ExistingVpc, default=None)
    vpc_props: Mapping[str, Any] | None = accepts(*_MAPPING, default=None)
    deploy_vpc: bool = accepts(bool, default=False)
    sagemaker_environment_variable_name: str = accepts(str, default=DEFAULT_ENVIRONMENT_VARIABLE)
    id_prefix: str = accepts(str, default="")
    deletion_policy: str = accepts(str, default=deletion.DEFAULT_DELETION_POLICY)
    serverless: options.Serverless | None = accepts(_option("Serverless"), default=None)
    autoscaling: options.Autoscaling | None = accepts(_option("Autoscaling"), default=None)
    alarms: options.Alarms | None = accepts(
        (options.Alarms, type(None)), "an Alarms (or None)", default_factory=options.Alarms
    )
    rollout: options.Rollout | None = accepts(
        _option("Rollout"), "a Rollout, such as Rollout.canary()", default=None
    )
    data_capture: options.DataCapture | None = accepts(_option("DataCapture"), default=None)
    async_inference: options.AsyncInference | None = accepts(
        _option("AsyncInference"), default=None
    )
    function_url: FunctionUrl | None = accepts(_URL, default=None)
    target_models: tuple[str, ...] | list[str] | None = accepts(
        (tuple, list), "a list of model names", default=None
    )
    inference_components: tuple[options.InferenceComponent, ...] | None = accepts(
        (tuple, list), "a list of InferenceComponent", default=None
    )

    @cached_property
    def hosting(self) -> Hosting:
        """The SageMaker side's props and options, as ``core/hosting`` takes them."""
        return checks.part(self, Hosting)

    @cached_property
    def vpc(self) -> VpcChoice:
        """Where the function (and a created model) run."""
        return checks.part(self, VpcChoice)

    @cached_property
    def function(self) -> FunctionChoice:
        """The function: created from props, or the caller's."""
        return checks.part(self, FunctionChoice)


@record
class LambdaSagemakerEndpoint:
    """What the pattern added (the construct's pattern properties).

    Attributes:
        lambda_function: The function, created or the caller's.
        hosted: Everything the SageMaker side created and granted (:class:`HostedEndpoint`).
        vpc: The created ``AWS::EC2::VPC``, the caller's :class:`ExistingVpc`, or None.
        alarms: The CloudWatch alarms created (the endpoint's, then the function's).
        key: The pattern's KMS key, when anything uses it; None otherwise.
    """

    lambda_function: awslambda.Function
    hosted: hosting.HostedEndpoint
    vpc: ec2.VPC | ExistingVpc | None = None
    alarms: tuple[cloudwatch.Alarm, ...] = ()
    key: kms.Key | None = None

    @property
    def sagemaker_endpoint(self) -> sagemaker.Endpoint | hosting.EndpointReference:
        """The created ``AWS::SageMaker::Endpoint``, the caller's, or an EndpointReference."""
        return self.hosted.endpoint.endpoint or self.hosted.endpoint

    @property
    def sagemaker_endpoint_config(self) -> sagemaker.EndpointConfig | None:
        """The created EndpointConfig; None with an existing endpoint."""
        return self.hosted.endpoint_config

    @property
    def sagemaker_model(self) -> sagemaker.Model | None:
        """The created Model; None with an existing endpoint."""
        return self.hosted.model


def _id_names(props: LambdaSagemakerEndpointProps) -> list[str]:
    """Every ID a prefix starts; they depend on the variants, so it runs once those are usable."""
    hosted = props.hosting
    return core_ids.all_names(network.MAX_AZ_COUNT, hosted.variant_ids, hosted.component_ids)


def validate(props: LambdaSagemakerEndpointProps) -> list[Problem]:
    """Return every problem with ``props``, each naming the props involved (see ``checked``)."""
    in_vpc = props.vpc.in_vpc
    reserved = (ENVIRONMENT_VARIABLE_POINTER,)
    return checks.checked(
        props,
        [
            (checks.fields_of(VpcChoice), props.vpc.problems),
            (checks.fields_of(FunctionChoice), lambda: props.function.problems(in_vpc=in_vpc)),
            (checks.fields_of(Hosting), lambda: props.hosting.problems(in_vpc=in_vpc)),
            (_PREFIX_READS, lambda: core_ids.prefix_problems(props.id_prefix, _id_names(props))),
        ],
        deletion_policy=deletion.problems,
        sagemaker_environment_variable_name=lambda name, where: (
            lambda_function.variable_name_problem(name, where, reserved=reserved)
        ),
    )


def _build(props: LambdaSagemakerEndpointProps) -> tuple[Addition, LambdaSagemakerEndpoint]:
    """Everything for one instance, before any of it touches the template."""
    ids, policy = core_ids.LogicalIds(props.id_prefix), props.deletion_policy
    key = kms_key.encryption_key(ids(core_ids.ENCRYPTION_KEY), deletion_policy=policy)
    with overrides.rejected(*checks.given(props, "vpc_props", "existing_vpc")):
        private = props.vpc.private_network(
            ids,
            network.PrivateNetworkIds.named(ids, client_group=core_ids.LAMBDA_SECURITY_GROUP),
            CLIENT,
            kms_key_arn=key.arn,
            deletion_policy=policy,
            s3_egress=props.hosting.client_uses_s3,
        )
    with overrides.rejected(
        *checks.given(props, "model_props", "endpoint_config_props", "endpoint_props")
    ):
        context = hosting.HostingContext(ids, key, private, policy)
        hosted = hosting.hosted_endpoint(props.hosting, context)
        endpoints = hosted.service_endpoints(private, ids)
    variable = props.sagemaker_environment_variable_name
    variables = {variable: hosted.endpoint.name, **hosted.client_environment}
    if variable != DEFAULT_ENVIRONMENT_VARIABLE and props.existing_lambda_obj is None:
        variables[ENVIRONMENT_VARIABLE_POINTER] = variable
    topic_condition = ids(core_ids.ALARM_TOPIC_CONDITION)
    make = options.AlarmMaker(props.alarms, topic_condition) if props.alarms is not None else None
    with overrides.rejected(*checks.given(props, "lambda_function_props", "existing_lambda_obj")):
        function = props.function.build(
            ids,
            kms_key_arn=key.arn,
            deletion_policy=policy,
            variables=variables,
            statements=hosted.client_statements,
            network=private.client_placement if private is not None else None,
            policy_name="InvokeSagemakerEndpoint",
            alarms=make,
        )
    conditions = {**hosted.conditions, **(make.conditions if make else {})}
    uses_key = hosted.uses_key or props.existing_lambda_obj is None or props.deploy_vpc
    resources = (
        *(key.resources if uses_key else ()),
        *(private.resources if private is not None else ()),
        *hosted.resources,
        *endpoints,
        *function.resources,
    )
    result = LambdaSagemakerEndpoint(
        function.function,
        hosted,
        vpc=private.network.vpc if private and private.network.vpc else props.existing_vpc,
        alarms=(*hosted.alarms, *function.alarms),
        key=key.key if uses_key else None,
    )
    then = (function.attachment.apply,) if function.attachment is not None else ()
    owners = {**VpcChoice.BUILT_FROM, **Hosting.BUILT_FROM, **FunctionChoice.BUILT_FROM}
    built_from = {ids(base): checks.given(props, *names) for base, names in owners.items()}
    return Addition(resources, conditions, then, built_from), result


def add_lambda_sagemakerendpoint(
    template: Template, props: LambdaSagemakerEndpointProps
) -> LambdaSagemakerEndpoint:
    """Add one instance of the pattern (``props``) to the caller's ``template``.

    Everything is validated and built first; the template (and an existing function) is changed
    only when all of it succeeded. Returns the pattern properties (LambdaSagemakerEndpoint).

    Raises:
        PatternPropsError: Every problem with ``props``, or logical IDs already taken.
        TemplateLimitError: The template would hold more than 500 resources; nothing is added.
    """
    if found := validate(props):
        raise PatternPropsError(found)
    addition, result = _build(props)
    add_all(template, addition, props.id_prefix)
    return result


def lambda_sagemakerendpoint(props: LambdaSagemakerEndpointProps) -> Template:
    """Return a new template holding one instance of the pattern and its Outputs.

    Outputs, exported as ``${AWS::StackName}-<OutputId>``: the function's, the SageMaker side's
    (:attr:`HostedEndpoint.outputs`) and the VPC's ID; each alarm's name, not exported.

    Raises:
        PatternPropsError: Every problem with ``props``.
    """
    kind = "asynchronous" if props.async_inference else "real-time"
    template = Template(
        Description=f"Lambda function invoking a SageMaker {kind} endpoint (troposphere-patterns)"
    )
    result, ids = (
        add_lambda_sagemakerendpoint(template, props),
        core_ids.LogicalIds(props.id_prefix),
    )
    rows = (
        *lambda_function.function_outputs(result.lambda_function, ids, props.function_url),
        *result.hosted.outputs,
        *network.vpc_outputs(result.vpc),
    )
    outputs.add_outputs(template, ids, rows, result.alarms)
    return template
