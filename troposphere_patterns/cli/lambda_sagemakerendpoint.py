"""The Lambda -> SageMaker endpoint pattern on the command line: Parameters and modes as data.

The CLI's templates take the model and the deployment's choices as Parameters, so one JSON
deploys anywhere. Which Parameters a template keeps depends on what its props use.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import partial
from types import ModuleType
from typing import Any

from troposphere import Parameter, Ref, awslambda, sagemaker

from troposphere_patterns.cli.modes import CommandLine, Layer, Mode
from troposphere_patterns.core import deploy_rules, formats, network
from troposphere_patterns.core.deploy_rules import AtMost
from troposphere_patterns.core.hosting import instance_types
from troposphere_patterns.core.hosting import plan as endpoint_plan
from troposphere_patterns.core.hosting.options import serverless as serverless_inference
from troposphere_patterns.core.hosting.options.alarms import Alarms
from troposphere_patterns.core.hosting.types import EndpointConfig
from troposphere_patterns.core.options import integer
from troposphere_patterns.lazy import TypeRef
from troposphere_patterns.patterns.lambda_sagemakerendpoint import (
    LambdaSagemakerEndpointProps,
    lambda_sagemakerendpoint,
)

EXAMPLES = """\
examples:
  troposphere-patterns lambda-sagemakerendpoint > out.json
  troposphere-patterns lambda-sagemakerendpoint --deploy-vpc --format yaml -o out.yaml
  troposphere-patterns lambda-sagemakerendpoint --existing-vpc -o out.json
  troposphere-patterns lambda-sagemakerendpoint --existing-endpoint -o out.json
  troposphere-patterns lambda-sagemakerendpoint --async --deploy-vpc -o out.json
  troposphere-patterns lambda-sagemakerendpoint --rollout canary --data-capture -o out.json
  troposphere-patterns lambda-sagemakerendpoint --serverless -o out.json
  troposphere-patterns lambda-sagemakerendpoint --autoscaling -o out.json
  troposphere-patterns lambda-sagemakerendpoint --function-url -o out.json
  troposphere-patterns lambda-sagemakerendpoint --inference-components --rollout rolling -o out.json
  troposphere-patterns lambda-sagemakerendpoint --props base.yaml --props prod.yaml -o out.json

deploy:
  aws cloudformation deploy --template-file out.json --stack-name my-endpoint \\
    --capabilities CAPABILITY_IAM --parameter-overrides \\
    ModelImageUri=123456789012.dkr.ecr.us-east-1.amazonaws.com/linear-learner:1 \\
    ModelDataUrl=s3://my-bucket/model.tar.gz InstanceType=ml.g5.xlarge \\
    AlarmTopicArn=arn:aws:sns:us-east-1:123456789012:ml-alarms
"""


INSTANCE_TYPE_CONSTRAINT = "a SageMaker hosting instance type, such as ml.m5.large or ml.g5.xlarge"


def _scaling() -> ModuleType:
    """The autoscaling option's module, loaded only by a run whose template scales."""
    from troposphere_patterns.core.hosting.options import autoscaling

    return autoscaling


def parameters() -> dict[str, Callable[[], Parameter]]:
    """Every Parameter a mode may use, each made only when a run first reads it.

    See :class:`~troposphere_patterns.cli.modes.Parameters`; the template keeps those it
    references.
    """
    return {
        "ModelImageUri": lambda: Parameter(
            "ModelImageUri",
            Type="String",
            Description="ECR URI of the model's inference image",
            AllowedPattern=r"^\d{12}\.dkr\.ecr(-fips)?\.[a-z0-9-]+\.amazonaws\.com(\.cn)?/"
            r"[a-z0-9][a-z0-9._/-]*(:[\w.-]+|@sha256:[0-9a-f]{64})?$",
            ConstraintDescription="ACCOUNT.dkr.ecr.REGION.amazonaws.com/REPOSITORY[:TAG]",
        ),
        "ModelDataUrl": lambda: Parameter(
            "ModelDataUrl",
            Type="String",
            Description="S3 URL of the model artifact (model.tar.gz)",
            AllowedPattern=r"^s3://[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]/.+$",
            ConstraintDescription="s3://bucket/key",
        ),
        "ModelDataPrefix": lambda: Parameter(
            "ModelDataPrefix",
            Type="String",
            Description="S3 prefix of the model's uncompressed files (LLM weights), e.g. "
            "s3://my-models/llama-3-8b-instruct/",
            AllowedPattern=formats.S3_KEY_PREFIX_URI.allowed_pattern,
            ConstraintDescription=formats.S3_KEY_PREFIX_URI.shape,
        ),
        "InstanceType": lambda: Parameter(
            "InstanceType",
            Type="String",
            Description="Instance type of the endpoint (on types with local NVMe storage, "
            "encrypted in hardware, the template sets no KMS key: it would not encrypt that "
            "storage)",
            Default=endpoint_plan.DEFAULT_INSTANCE_TYPE,
            # The table as one pattern: 0.8 KB where the 277 AllowedValues took 4.9 KB of the
            # 51,200 bytes a template may have inline.
            AllowedPattern=instance_types.allowed_pattern(),
            ConstraintDescription=INSTANCE_TYPE_CONSTRAINT,
        ),
        "VpcId": lambda: Parameter(
            "VpcId", Type="AWS::EC2::VPC::Id", Description="VPC to place the pattern in"
        ),
        "SubnetIds": lambda: Parameter(
            "SubnetIds",
            Type="List<AWS::EC2::Subnet::Id>",
            Description="Private subnets for the function, the model and the VPC endpoint",
        ),
        "RouteTableIds": lambda: Parameter(
            "RouteTableIds",
            Type="CommaDelimitedList",
            Description="Route tables of those subnets, for the S3 gateway endpoint",
        ),
        "AlarmTopicArn": lambda: Parameter(
            "AlarmTopicArn",
            Type="String",
            Description="SNS topic the alarms notify; empty: the alarms only change state",
            Default="",
            AllowedPattern=r"^(arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256})?$",
            ConstraintDescription="empty, or arn:PARTITION:sns:REGION:ACCOUNT:TOPIC",
        ),
        "EndpointName": lambda: Parameter(
            "EndpointName",
            Type="String",
            Description="Name of the existing SageMaker endpoint to invoke (any case)",
            AllowedPattern=r"^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$",
            ConstraintDescription="a SageMaker endpoint name: up to 63 letters, digits and "
            "hyphens, starting and ending with a letter or digit",
        ),
        "ServerlessMemorySizeInMB": lambda: Parameter(
            "ServerlessMemorySizeInMB",
            Type="Number",
            Description="Memory of the serverless endpoint in MB (vCPUs grow with it)",
            Default=serverless_inference.DEFAULT_MEMORY_SIZE_MB,
            AllowedValues=list(serverless_inference.MEMORY_SIZES_MB),
        ),
        "ServerlessMaxConcurrency": lambda: Parameter(
            "ServerlessMaxConcurrency",
            Type="Number",
            Description="Invocations the serverless endpoint serves at once (more are throttled)",
            Default=serverless_inference.DEFAULT_MAX_CONCURRENCY,
            MinValue=serverless_inference.CONCURRENCY[0],
            MaxValue=serverless_inference.CONCURRENCY[1],
        ),
        "AutoscalingMinCapacity": lambda: Parameter(
            "AutoscalingMinCapacity",
            Type="Number",
            Description="Fewest instances (or warm serverless copies) per variant",
            Default=_scaling().DEFAULT_MIN_CAPACITY,
            MinValue=1,
        ),
        "ComponentAccelerators": lambda: Parameter(
            "ComponentAccelerators",
            Type="Number",
            Description="GPUs each copy of the inference component reserves (its tensor-parallel "
            "degree); at most the instance type's",
            Default=1,
            MinValue=1,
        ),
        "ComponentMemoryMb": lambda: Parameter(
            "ComponentMemoryMb",
            Type="Number",
            Description="Memory in MB each copy of the inference component reserves",
            Default=DEFAULT_COMPONENT_MEMORY_MB,
            MinValue=128,
        ),
        "ComponentMinCopies": lambda: Parameter(
            "ComponentMinCopies",
            Type="Number",
            Description="Fewest copies of the inference component; 0 scales it, and the "
            "instances, to zero while idle (the next request wakes it in minutes)",
            Default=1,
            MinValue=0,
        ),
        "ComponentMaxCopies": lambda: Parameter(
            "ComponentMaxCopies",
            Type="Number",
            Description="Most copies of the inference component, and of instances (the "
            "instances follow the copies): the cost ceiling",
            Default=2,
            MinValue=1,
        ),
        "AutoscalingTargetConcurrency": lambda: Parameter(
            "AutoscalingTargetConcurrency",
            Type="Number",
            Description="Concurrent requests per model copy that autoscaling keeps each "
            "instance at (streamed responses count until their last token)",
            Default=_scaling().CONCURRENCY.default_target,
            MinValue=1,
        ),
        "AutoscalingMaxCapacity": lambda: Parameter(
            "AutoscalingMaxCapacity",
            Type="Number",
            Description="Most instances (or warm serverless copies) per variant: the cost ceiling",
            MinValue=1,
        ),
    }


def base(params: Mapping[str, Parameter], handler: str | None) -> Layer:
    """The default template: the inlined handler, the model and instance type as Parameters."""
    return {
        # A mapping, so that a props file's alarms merge over it and keep the optional topic
        # (with_parameters gives the alarms the Parameter: actions only when it is set).
        "alarms": {"topic": Ref(params["AlarmTopicArn"])},
        "lambda_function_props": {"Code": {"ZipFile": handler}},
        "model_props": {
            "PrimaryContainer": {
                "Image": Ref(params["ModelImageUri"]),
                "ModelDataUrl": Ref(params["ModelDataUrl"]),
            }
        },
        "endpoint_config_props": {
            "ProductionVariants": [endpoint_plan.default_variant(Ref(params["InstanceType"]))]
        },
    }


# --rollout presets. Canary, linear and rolling steps are at most half of a variant's instances,
# so those run the default variant on two.
# Names of Rollout's preset constructors: rollout.py loads only when --rollout is given.
ROLLOUTS: dict[str, str] = {
    "canary": "canary",
    "linear": "linear",
    "all-at-once": "all_at_once",
    "rolling": "rolling",
}
STEPPED_INSTANCE_COUNT = 2


def _rollout(params: Mapping[str, Parameter], value: Any) -> Layer:
    from troposphere_patterns.core.hosting.options.rollout import Rollout

    rollout: Rollout = getattr(Rollout, ROLLOUTS[value])()
    if rollout.percent is None:
        return {"rollout": rollout}
    variant = endpoint_plan.default_variant(Ref(params["InstanceType"]))
    variant["InitialInstanceCount"] = STEPPED_INSTANCE_COUNT
    return {"rollout": rollout, "endpoint_config_props": {"ProductionVariants": [variant]}}


def _data_capture(params: Mapping[str, Parameter], value: Any) -> Layer:
    from troposphere_patterns.core.hosting.options.data_capture import DataCapture

    return {"data_capture": DataCapture()}


def _serverless(params: Mapping[str, Parameter], value: Any) -> Layer:
    option = {
        "memory_size_in_mb": Ref(params["ServerlessMemorySizeInMB"]),
        "max_concurrency": Ref(params["ServerlessMaxConcurrency"]),
    }
    return {"serverless": option}


def _autoscaling(params: Mapping[str, Parameter], value: Any) -> Layer:
    option = {
        "min_capacity": Ref(params["AutoscalingMinCapacity"]),
        "max_capacity": Ref(params["AutoscalingMaxCapacity"]),
    }
    return {"autoscaling": option}


def _concurrency_scaling(params: Mapping[str, Parameter], value: Any) -> Layer:
    option = {
        **_autoscaling(params, value)["autoscaling"],
        "metric": _scaling().CONCURRENCY_METRIC,
        "target_value": Ref(params["AutoscalingTargetConcurrency"]),
    }
    return {"autoscaling": option}


def _model_data_prefix(params: Mapping[str, Parameter], value: Any) -> Layer:
    source = {
        "S3DataSource": {
            "S3Uri": Ref(params["ModelDataPrefix"]),
            "S3DataType": "S3Prefix",
            "CompressionType": "None",
        }
    }
    return {"model_props": {"PrimaryContainer": {"ModelDataSource": source}}}


def _scalable_types(parameter: Parameter) -> Parameter:
    properties = {
        **parameter.properties,
        "AllowedPattern": instance_types.allowed_pattern(instance_types.burstable),
        "ConstraintDescription": f"{INSTANCE_TYPE_CONSTRAINT}, not a burstable ml.t2 type "
        "(SageMaker cannot autoscale them)",
    }
    return Parameter(parameter.title, **properties)


def _scale_to_zero(parameter: Parameter) -> Parameter:
    properties = {**parameter.properties, "Default": 0, "MinValue": 0}
    properties["Description"] = "Fewest instances; 0 stops them all while no request is queued"
    return Parameter(parameter.title, **properties)


# --inference-components: one GPU per copy fits every accelerated type; a small type as default.
DEFAULT_COMPONENT_INSTANCE_TYPE = "ml.g5.xlarge"
DEFAULT_COMPONENT_MEMORY_MB = 8192
COMPONENT_NAME = "llm"


def _accelerated(instance_type: Any) -> bool:
    known = instance_types.family(instance_type) if isinstance(instance_type, str) else None
    return known is not None and known.accelerator == "nvidia-gpu"


def _gpu_instance_type(parameter: Parameter) -> Parameter:
    properties = dict(parameter.properties)
    properties["AllowedPattern"] = instance_types.allowed_pattern(lambda t: not _accelerated(t))
    properties["ConstraintDescription"] = (
        "a SageMaker hosting instance type with NVIDIA GPUs, such as ml.g5.xlarge"
    )
    properties["Default"] = DEFAULT_COMPONENT_INSTANCE_TYPE
    properties["Description"] = "GPU instance type of the endpoint's instances"
    return Parameter(parameter.title, **properties)


def _inference_components(params: Mapping[str, Parameter], value: Any) -> Layer:
    # The base layer's model becomes the component's (the mode drops it from the endpoint); the
    # base's variant runs it, its instances following the copies.
    from troposphere_patterns.core.hosting.options.inference_components import (
        InferenceComponent,
    )

    model = base(params, None)["model_props"]
    component = InferenceComponent(
        name=COMPONENT_NAME,
        model_props=model,
        accelerators=Ref(params["ComponentAccelerators"]),
        memory_mb=Ref(params["ComponentMemoryMb"]),
        min_copies=Ref(params["ComponentMinCopies"]),
        max_copies=Ref(params["ComponentMaxCopies"]),
    )
    return {"inference_components": [component]}


def _existing_vpc(params: Mapping[str, Parameter], value: Any) -> Layer:
    # ExistingVpc's fields, so that a props file's existing_vpc merges over them.
    vpc = {
        "vpc_id": Ref(params["VpcId"]),
        "subnet_ids": Ref(params["SubnetIds"]),
        "route_table_ids": Ref(params["RouteTableIds"]),
    }
    return {"existing_vpc": vpc}


def fit_parameters(props: LambdaSagemakerEndpointProps, params: Mapping[str, Parameter]) -> None:
    """Raise the Parameters' bounds to what the props need, as the library's rules would.

    A stepped rollout starts from the scaled-in count (the endpoint retains it), so the
    minimum capacity's ``MinValue`` and ``Default`` become the fewest instances a step of at
    most half needs. A serverless variant's ``MaxConcurrency`` is at least its provisioned
    concurrency, and scaled provisioned concurrency stays within ``MaxConcurrency``.
    """
    scaling, rollout, serverless = props.autoscaling, props.rollout, props.serverless
    step = rollout.percent if rollout is not None and serverless is None else None
    # A Parameter is read only when its option is set: reading one makes it.
    if scaling is not None and integer(step):
        low = params["AutoscalingMinCapacity"]
        if scaling.min_capacity is low:
            from troposphere_patterns.core.hosting.options.rollout import fewest_instances

            _raise_bound(low, "MinValue", fewest_instances(step))
            low.properties["Description"] = (
                f"Fewest instances per variant; at least {fewest_instances(step)}, so that "
                "each step of the rollout is at most half of them"
            )
    if serverless is None:
        return
    warm = serverless.provisioned_concurrency
    most = params["ServerlessMaxConcurrency"]
    if serverless.max_concurrency is most and integer(warm):
        _raise_bound(most, "MinValue", warm)
    if scaling is not None:
        high = params["AutoscalingMaxCapacity"]
        if scaling.max_capacity is high:
            ceiling = serverless.max_concurrency
            lowest_high = serverless_inference.CONCURRENCY[1]
            high.properties["MaxValue"] = ceiling if integer(ceiling) else lowest_high


def _raise_bound(parameter: Parameter, key: str, least: int) -> None:
    """Raise a Number Parameter's ``key`` bound, and its ``Default``, to at least ``least``."""
    properties = parameter.properties
    properties[key] = max(int(properties.get(key, least)), least)
    if "Default" in properties:
        properties["Default"] = max(int(properties["Default"]), least)


# Pairs of Parameters that must agree, checked by the template's Rules before anything is made.
CROSS_CHECKS = {
    "AutoscalingCapacities": AtMost(
        "AutoscalingMinCapacity",
        "AutoscalingMaxCapacity",
        "AutoscalingMinCapacity must not exceed AutoscalingMaxCapacity",
    ),
    "ServerlessScalingCeiling": AtMost(
        "AutoscalingMaxCapacity",
        "ServerlessMaxConcurrency",
        "AutoscalingMaxCapacity (warm copies of the serverless endpoint) must not exceed "
        "ServerlessMaxConcurrency",
        lowest=1,
    ),
}


def rules(kept: Mapping[str, Parameter]) -> dict[str, Any]:
    """The template's Rules: each cross-check whose Parameters the template keeps."""
    return deploy_rules.rules(CROSS_CHECKS, kept)


_option = partial(TypeRef, "troposphere_patterns.core.hosting.options")

COMMAND_LINE = CommandLine(
    name="lambda-sagemakerendpoint",
    help="a Lambda function that invokes a SageMaker real-time endpoint",
    description="Render the Lambda -> SageMaker endpoint pattern as CloudFormation.",
    examples=EXAMPLES,
    props_type=LambdaSagemakerEndpointProps,
    render=lambda_sagemakerendpoint,
    parameters=parameters,
    base=base,
    handler="lambda_sagemakerendpoint",
    default_mode="a new endpoint (model, endpoint config, endpoint), no VPC",
    keys={
        "lambda_function_props": (awslambda.Function, ()),
        "model_props": (sagemaker.Model, ()),
        # troposphere's own class has the batch-transform DataCaptureConfig (core/data_capture).
        "endpoint_config_props": (EndpointConfig, ()),
        "endpoint_props": (sagemaker.Endpoint, ()),
        "vpc_props": (TypeRef("troposphere.ec2", "VPC"), (network.AZ_COUNT_KEY,)),
    },
    library_only={
        "existing_lambda_obj": "a function already in your template needs the library "
        "(a troposphere object), not a props file",
    },
    modes=(
        Mode(
            flag="--deploy-vpc",
            help="create a private VPC",
            sets=("deploy_vpc",),
            props=lambda params, value: {"deploy_vpc": True},
            group="network",
        ),
        Mode(
            flag="--existing-vpc",
            help="place the pattern in an existing VPC (VpcId, SubnetIds, RouteTableIds "
            "parameters)",
            sets=("existing_vpc",),
            props=_existing_vpc,
            group="network",
        ),
        Mode(
            flag="--rollout",
            help="how a model update shifts traffic, rolling back on the endpoint's alarms: "
            "canary (10%%, bakes 10 min), linear (20%% steps, 5 min each), all-at-once (bakes "
            "10 min), rolling (25%% batches, 5 min each); canary, linear and rolling run the "
            "variant on 2 instances",
            choices=tuple(ROLLOUTS),
            sets=("rollout", "endpoint_config_props"),
            props=_rollout,
        ),
        Mode(
            flag="--data-capture",
            help="capture 20%% of requests and responses, for your own analysis, into the "
            "data-capture/ prefix of a bucket the template creates",
            sets=("data_capture",),
            props=_data_capture,
        ),
        Mode(
            flag="--existing-endpoint",
            help="invoke an existing endpoint (EndpointName parameter) instead of creating one",
            sets=("existing_sagemaker_endpoint_obj",),
            props=lambda params, value: {
                "existing_sagemaker_endpoint_obj": Ref(params["EndpointName"])
            },
            drops=("model_props", "endpoint_config_props"),
        ),
        Mode(
            flag="--serverless",
            help="a serverless endpoint: no instances, billed per request "
            "(ServerlessMemorySizeInMB, ServerlessMaxConcurrency parameters)",
            sets=("serverless",),
            props=_serverless,
            drops=("endpoint_config_props",),
        ),
        Mode(
            flag="--autoscaling",
            help="scale each variant on its invocations (AutoscalingMinCapacity, "
            "AutoscalingMaxCapacity parameters; no burstable ml.t2 types)",
            sets=("autoscaling",),
            props=_autoscaling,
            parameter_changes={"InstanceType": _scalable_types},
        ),
        Mode(
            flag="--scale-on-concurrency",
            help="autoscaling on concurrent requests per model copy, a 10-second metric that "
            "counts streamed responses until their last token: for GPU and LLM endpoints "
            "(AutoscalingTargetConcurrency, AutoscalingMinCapacity, AutoscalingMaxCapacity "
            "parameters; implies --autoscaling; not with --async or --serverless)",
            sets=("autoscaling",),
            props=_concurrency_scaling,
            parameter_changes={"InstanceType": _scalable_types},
        ),
        Mode(
            flag="--model-data-prefix",
            help="load the model's uncompressed files (LLM weights) from an S3 prefix chosen "
            "at deploy time (ModelDataPrefix parameter) instead of a model.tar.gz",
            sets=("model_props",),
            group="model source",
            props=_model_data_prefix,
        ),
        Mode(
            flag="--async",
            help="an asynchronous endpoint: requests and results through the pattern's bucket, "
            "notifications through SNS topics",
            sets=("async_inference",),
            props=lambda params, value: {"async_inference": {}},
            # With --autoscaling an async endpoint scales to zero by default: no cost at rest.
            parameter_changes={"AutoscalingMinCapacity": _scale_to_zero},
        ),
        Mode(
            flag="--function-url",
            help="an HTTPS URL for the function (LambdaFunctionHttpsUrl output) that takes "
            "SigV4-signed requests (AWS_IAM auth) from this account's roles and users",
            sets=("function_url",),
            props=lambda params, value: {"function_url": {}},
        ),
        Mode(
            flag="--inference-components",
            help="host the model as an inference component on a GPU endpoint whose instances "
            "follow its copies and may go to zero (ComponentAccelerators, ComponentMemoryMb, "
            "ComponentMinCopies, ComponentMaxCopies parameters); with "
            "--rollout only rolling; several components and adapters: a props file's "
            "inference_components list",
            sets=("inference_components",),
            props=_inference_components,
            drops=("model_props",),
            # Its component is built from the ModelDataUrl Parameter; weights under a prefix
            # go in a props file's inference_components.
            group="model source",
            parameter_changes={"InstanceType": _gpu_instance_type},
        ),
        Mode(
            flag="--env-var-name",
            help="environment variable holding the endpoint name",
            metavar="NAME",
            sets=("sagemaker_environment_variable_name",),
            props=lambda params, value: {"sagemaker_environment_variable_name": value},
        ),
    ),
    options={
        # Each option's module loads only when a run gives it as a mapping (modes.TypeRef).
        "existing_vpc": TypeRef("troposphere_patterns.core.network", "ExistingVpc"),
        "serverless": _option("Serverless"),
        "autoscaling": _option("Autoscaling"),
        "alarms": Alarms,
        "rollout": _option("Rollout"),
        "data_capture": _option("DataCapture"),
        "async_inference": _option("AsyncInference"),
        "function_url": TypeRef("troposphere_patterns.core.function_url", "FunctionUrl"),
    },
    fit_parameters=fit_parameters,
    rules=rules,
    option_lists={"inference_components": _option("InferenceComponent")},
    alternatives=(
        ("model_props", (frozenset({"PrimaryContainer"}), frozenset({"Containers"}))),
        (
            "model_props.PrimaryContainer",
            (frozenset({"ModelDataUrl"}), frozenset({"ModelDataSource"})),
        ),
        (
            "lambda_function_props.Code",
            (
                frozenset({"ZipFile"}),
                frozenset({"S3Bucket", "S3Key", "S3ObjectVersion"}),
                frozenset({"ImageUri"}),
            ),
        ),
    ),
)
