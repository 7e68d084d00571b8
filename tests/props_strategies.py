"""Hypothesis strategies for pattern props, valid and hostile, from troposphere's own tables.

Valid props start from a working base (a model, a function) and add optional properties drawn
from ``cls.props`` of the troposphere class: each value follows the property's troposphere type
(property objects become mappings or the objects themselves, lists become lists) and its leaves
are intrinsics (``Ref`` of a Parameter of the matching CloudFormation type, ``Sub``, ``If``) or
literals known to satisfy the provider schema, so every valid draw deploys as far as cfn-lint
can tell. Hostile props take a valid draw and replace one value, anywhere in it, with something
a careless or malicious caller could pass (a set, bytes, a date, NaN, a deep or shared
structure, a non-string key, a wrong type, a name ending in a newline ...).
"""

from __future__ import annotations

import dataclasses
import math
import os
from collections.abc import Mapping
from dataclasses import fields
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from hypothesis import strategies as st
from troposphere import (
    AWSHelperFn,
    BaseAWSObject,
    Equals,
    If,
    Parameter,
    Ref,
    Sub,
    Tags,
    Template,
    awslambda,
    ec2,
    is_aws_object_subclass,
    sagemaker,
)
from troposphere.validators import boolean, double, integer

from tests.scenarios import CALLER_KEY_ARN, CALLER_ROLE_ARN, CODE, IMAGE, MODEL_DATA
from troposphere_patterns import (
    Alarms,
    Autoscaling,
    DataCapture,
    ExistingVpc,
    LambdaSagemakerEndpointProps,
    Rollout,
    Serverless,
)
from troposphere_patterns.core.hosting.instance_type_table import INSTANCE_TYPES
from troposphere_patterns.core.hosting.instance_types import burstable, local_nvme
from troposphere_patterns.core.values import MAX_DEPTH


def examples(test: int, fuzz: int) -> int:
    """The number of examples a test runs: ``test`` in ``make test``, ``fuzz`` in ``make fuzz``.

    ``make test`` runs a small fixed set that keeps the whole suite within a few minutes on two
    cores; ``make fuzz`` (HYPOTHESIS_PROFILE=fuzz) the full count, freshly drawn.
    """
    return fuzz if os.environ.get("HYPOTHESIS_PROFILE") == "fuzz" else test


TEXT = Parameter("FuzzText", Type="String")
NUMBER = Parameter("FuzzNumber", Type="Number")
LIST = Parameter("FuzzList", Type="CommaDelimitedList")
SUBNETS = Parameter("FuzzSubnets", Type="List<AWS::EC2::Subnet::Id>")
CONDITION = "FuzzCondition"
NO_VALUE = Ref("AWS::NoValue")


def caller_template() -> Template:
    """The caller's template: the Parameters and Condition that drawn intrinsics refer to."""
    template = Template()
    for parameter in (TEXT, NUMBER, LIST, SUBNETS):
        template.add_parameter(parameter)
    template.add_condition(CONDITION, Equals(Ref(TEXT), "prod"))
    return template


# Literals the provider schemas accept, per (class, property); anything else is an intrinsic.
_LITERALS: dict[tuple[type[BaseAWSObject], str], st.SearchStrategy[Any]] = {
    (awslambda.Function, "MemorySize"): st.integers(128, 10240),
    (awslambda.Function, "Timeout"): st.integers(1, 900),
    (awslambda.Function, "Description"): st.text(
        st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), max_size=40
    ),
    (awslambda.Function, "Architectures"): st.sampled_from([["x86_64"], ["arm64"]]),
    (awslambda.Function, "ReservedConcurrentExecutions"): st.integers(0, 100),
    (awslambda.Function, "KmsKeyArn"): st.just(CALLER_KEY_ARN),
    (awslambda.EphemeralStorage, "Size"): st.integers(512, 10240),
    (awslambda.TracingConfig, "Mode"): st.sampled_from(["Active", "PassThrough"]),
    (sagemaker.Model, "EnableNetworkIsolation"): st.booleans(),
    (sagemaker.Model, "ExecutionRoleArn"): st.just(CALLER_ROLE_ARN),
    (sagemaker.EndpointConfig, "KmsKeyId"): st.just(CALLER_KEY_ARN),
    (sagemaker.ProductionVariant, "InitialInstanceCount"): st.integers(1, 3),
    (sagemaker.ProductionVariant, "InitialVariantWeight"): st.floats(0.1, 1.0),
    (sagemaker.ProductionVariant, "InstanceType"): st.one_of(
        st.sampled_from(INSTANCE_TYPES), st.just(Ref(TEXT))
    ),
    (ec2.VPC, "CidrBlock"): st.sampled_from(["10.0.0.0/16", "10.20.0.0/20", "172.16.0.0/16"]),
}

# Properties a valid draw leaves alone: the pattern sets them, they need resources or settings
# the draw cannot know (a file system needs a VPC and an access point, SnapStart a Java runtime,
# an image config a container image), or they only take values from a short list that a
# Parameter of type String cannot promise.
_SKIP: dict[type[BaseAWSObject], set[str]] = {
    awslambda.Function: {
        "Code",
        "Role",
        "PackageType",
        "Runtime",
        "Handler",
        "VpcConfig",
        "FileSystemConfigs",
        "SnapStart",
        "ImageConfig",
        "CapacityProviderConfig",
        "FunctionScalingConfig",
        "PublishToLatestPublished",
        "TenancyConfig",
        "DurableConfig",
        "RecursiveLoop",
        "Layers",
        "LoggingConfig",
        "RuntimeManagementConfig",
        "Environment",
    },
    sagemaker.Model: {"PrimaryContainer", "Containers", "VpcConfig", "InferenceExecutionConfig"},
    sagemaker.EndpointConfig: {
        "ProductionVariants",
        "ShadowProductionVariants",
        "AsyncInferenceConfig",
        "DataCaptureConfig",
        "ExplainerConfig",
        "MetricsConfig",
        "VpcConfig",
        "ExecutionRoleArn",
        "EnableNetworkIsolation",
    },
    sagemaker.Endpoint: {
        "EndpointConfigName",
        "DeploymentConfig",
        "ExcludeRetainedVariantProperties",
        "RetainDeploymentConfig",
        "RetainAllVariantProperties",
    },
    ec2.VPC: {
        "Ipv4IpamPoolId",
        "Ipv4NetmaskLength",
        "EnableDnsHostnames",
        "EnableDnsSupport",
        "InstanceTenancy",
        "VpcEncryptionControl",
    },
}

# A VPC needs one of CidrBlock and Ipv4IpamPoolId: an If must not drop the only one given.
_NEVER_DROPPED = {"CidrBlock"}
# The tag value pattern of the provider schemas: letters, spaces, digits and _.:/=+-@.
TAG_VALUES = st.text(
    st.characters(categories=("L", "Z", "N"), include_characters="_.:/=+-@"), max_size=12
)
TAG_KEYS = st.from_regex(r"[A-Za-z][A-Za-z0-9_.:/=+@-]{0,20}", fullmatch=True).filter(
    lambda key: not key.lower().startswith("aws:")
)
VARIABLE_NAMES = st.from_regex(r"[A-Z][A-Z0-9_]{1,20}", fullmatch=True).filter(
    lambda name: not name.startswith(("AWS_", "LAMBDA_", "SAGEMAKER_ENDPOINT"))
)
TEXT_VALUES = st.one_of(
    st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=20),
    st.just(Ref(TEXT)),
    st.just(Sub("${FuzzText}-x")),
)


def tags() -> st.SearchStrategy[Any]:
    """Tags as callers write them: a mapping, a list of Key/Value pairs, or ``Tags``."""
    pairs = st.dictionaries(TAG_KEYS, TAG_VALUES, max_size=3)
    return st.one_of(
        pairs,
        pairs.map(lambda tags: [{"Key": k, "Value": v} for k, v in tags.items()]),
        pairs.map(lambda tags: Tags(tags)),
    )


def _leaf(
    cls: type[BaseAWSObject], key: str, expected: Any, *, required: bool = False
) -> st.SearchStrategy[Any]:
    # An If may drop an optional property (AWS::NoValue), never a required one.
    if (cls, key) in _LITERALS:
        literal = _LITERALS[(cls, key)]
        if required or key in _NEVER_DROPPED:
            return st.one_of(literal, st.tuples(literal, literal).map(lambda v: If(CONDITION, *v)))
        return st.one_of(literal, literal.map(lambda value: If(CONDITION, value, NO_VALUE)))
    if expected is str:
        dropped = Ref(TEXT) if required else NO_VALUE
        return st.sampled_from([Ref(TEXT), Sub("${FuzzText}"), If(CONDITION, Ref(TEXT), dropped)])
    if expected in (integer, double):
        return st.just(Ref(NUMBER))
    if expected is boolean:
        return st.booleans()
    if isinstance(expected, list) and expected[0] is str:
        return st.sampled_from([Ref(LIST), [Ref(TEXT)]])
    return st.nothing()


def table_props(cls: type[BaseAWSObject], *, depth: int = 0) -> st.SearchStrategy[dict[str, Any]]:
    """Optional properties of ``cls``, each valued by its troposphere type."""
    choices: dict[str, st.SearchStrategy[Any]] = {}
    for key, (expected, required) in sorted(cls.props.items()):
        if key in _SKIP.get(cls, set()) or required:
            continue
        if key == "Tags":
            choices[key] = tags()
        elif is_aws_object_subclass(expected) and depth < 2:
            choices[key] = _property_object(expected, depth + 1)
        else:
            leaf = _leaf(cls, key, expected)
            if not leaf.is_empty:
                choices[key] = leaf
    if not choices:
        return st.just({})
    return st.fixed_dictionaries({}, optional=choices)


def _property_object(cls: type[BaseAWSObject], depth: int) -> st.SearchStrategy[Any]:
    """A property value: a mapping, the troposphere object itself, or an ``If`` of either."""
    required = {
        key: _leaf(cls, key, expected, required=True)
        for key, (expected, req) in cls.props.items()
        if req
    }
    if any(strategy.is_empty for strategy in required.values()):
        return st.nothing()
    mapping = st.fixed_dictionaries(required).flatmap(
        lambda given: table_props(cls, depth=depth).map(lambda extra: {**given, **extra})
    )
    return st.one_of(
        mapping,
        mapping.map(lambda props: _object(cls, props)),
        mapping.map(lambda props: If(CONDITION, props, NO_VALUE)),
    )


def _object(cls: type[BaseAWSObject], props: Mapping[str, Any]) -> Any:
    return cls(**props)


_COUNT = _LITERALS[(sagemaker.ProductionVariant, "InitialInstanceCount")]


def variants() -> st.SearchStrategy[list[dict[str, Any]]]:
    """Production variants with distinct names."""
    variant = st.fixed_dictionaries(
        {
            "InstanceType": _LITERALS[(sagemaker.ProductionVariant, "InstanceType")],
            "InitialInstanceCount": _LITERALS[
                (sagemaker.ProductionVariant, "InitialInstanceCount")
            ],
        },
        optional={
            "InitialVariantWeight": _LITERALS[(sagemaker.ProductionVariant, "InitialVariantWeight")]
        },
    )
    return st.lists(variant, min_size=1, max_size=2).map(
        lambda found: [{**v, "VariantName": f"Variant{n}"} for n, v in enumerate(found)]
    )


def function_props() -> st.SearchStrategy[dict[str, Any]]:
    """``lambda_function_props``: zip, S3 or image code, plus drawn optional properties."""
    zip_code = st.fixed_dictionaries(
        {"Code": st.sampled_from([CODE, awslambda.Code(**CODE)])},
        optional={"Runtime": st.sampled_from(["python3.13", "python3.14", "nodejs22.x"])},
    )
    s3_code = st.just({"Code": {"S3Bucket": Ref(TEXT), "S3Key": "function.zip"}})
    image_code = st.just({"Code": {"ImageUri": IMAGE}, "PackageType": "Image"})
    environment = st.dictionaries(VARIABLE_NAMES, TEXT_VALUES, max_size=3).map(
        lambda variables: {"Environment": {"Variables": variables}} if variables else {}
    )
    return st.builds(
        lambda code, env, extra: {**extra, **env, **code},
        st.one_of(zip_code, s3_code, image_code),
        environment,
        table_props(awslambda.Function),
    )


def model_props() -> st.SearchStrategy[dict[str, Any]]:
    """``model_props``: a container (mapping or ``ContainerDefinition``) plus drawn extras."""
    container = st.fixed_dictionaries(
        {"Image": st.sampled_from([IMAGE, Ref(TEXT)])},
        optional={
            "ModelDataUrl": st.sampled_from([MODEL_DATA, Ref(TEXT)]),
            "Environment": st.dictionaries(VARIABLE_NAMES, TEXT_VALUES, max_size=2),
        },
    )
    one = st.tuples(container, st.booleans()).map(
        lambda drawn: sagemaker.ContainerDefinition(**drawn[0]) if drawn[1] else drawn[0]
    )
    containers = st.one_of(
        one.map(lambda primary: {"PrimaryContainer": primary}),
        st.lists(one, min_size=1, max_size=3).map(lambda listed: {"Containers": listed}),
    )
    return st.builds(
        lambda given, extra: {**extra, **given}, containers, table_props(sagemaker.Model)
    )


def existing_vpc() -> st.SearchStrategy[ExistingVpc]:
    """The option type ``ExistingVpc``, with literal IDs or Parameters."""
    ids = st.sampled_from(
        [["subnet-0a1b2c3d4e5f60718"], ["subnet-0a1b2c3d4e5f60718", "subnet-1a1b2c3d4e5f60718"]]
    )
    return st.builds(
        ExistingVpc,
        vpc_id=st.sampled_from(["vpc-0a1b2c3d4e5f60718", Ref(TEXT)]),
        subnet_ids=st.one_of(ids, st.just(Ref(SUBNETS))),
        route_table_ids=st.sampled_from([["rtb-0a1b2c3d4e5f60718"], Ref(LIST)]),
    )


def serverless() -> st.SearchStrategy[Serverless]:
    """The option type ``Serverless``: memory, concurrency, maybe provisioned concurrency."""
    return st.integers(1, 200).flatmap(
        lambda most: st.builds(
            Serverless,
            memory_size_in_mb=st.sampled_from([1024, 2048, 3072, 4096, 5120, 6144]),
            max_concurrency=st.just(most),
            provisioned_concurrency=st.one_of(st.none(), st.integers(1, most)),
        )
    )


def autoscaling() -> st.SearchStrategy[Autoscaling]:
    """The option type ``Autoscaling``: capacities, the mode's default target, cooldowns."""
    return st.integers(1, 4).flatmap(
        lambda low: st.builds(
            Autoscaling,
            max_capacity=st.integers(low, 8),
            min_capacity=st.just(low),
            scale_in_cooldown=st.integers(0, 3600),
            scale_out_cooldown=st.integers(0, 3600),
        )
    )


TOPIC = "arn:aws:sns:us-east-1:123456789012:alerts"
ALARMS = st.one_of(st.none(), st.builds(Alarms, topic=st.sampled_from([None, TOPIC, Ref(TEXT)])))
ROLLOUTS = st.one_of(
    st.builds(Rollout.canary, percent=st.integers(1, 50)),
    st.builds(Rollout.linear, step_percent=st.integers(10, 50)),
    st.builds(Rollout.all_at_once),
)
DATA_CAPTURE = st.builds(DataCapture, sampling_percentage=st.integers(1, 100))


@st.composite
def valid_fields(draw: st.DrawFn) -> dict[str, Any]:
    """Keyword arguments for ``LambdaSagemakerEndpointProps`` that must build and lint clean."""
    fields: dict[str, Any] = {"lambda_function_props": draw(function_props())}
    fields["alarms"] = draw(ALARMS)
    if draw(st.booleans()):
        fields["model_props"] = draw(model_props())
        config = draw(table_props(sagemaker.EndpointConfig))
        if draw(st.booleans()):
            config["ProductionVariants"] = draw(variants())
            if any(
                isinstance(v["InstanceType"], str) and local_nvme(v["InstanceType"])
                for v in config["ProductionVariants"]
            ):
                # Local NVMe storage is encrypted in hardware; the pattern refuses a KmsKeyId there.
                config.pop("KmsKeyId", None)
        if config:
            fields["endpoint_config_props"] = config
        endpoint = draw(table_props(sagemaker.Endpoint))
        if endpoint:
            fields["endpoint_props"] = endpoint
        hosting = draw(st.sampled_from(["instances", "serverless"]))
        if hosting == "serverless":
            # A serverless variant replaces the instance-backed ones, has no volume key, and runs
            # one container (no inference pipeline) without network isolation.
            fields["serverless"] = draw(serverless())
            model = fields["model_props"]
            model.pop("EnableNetworkIsolation", None)
            if "Containers" in model:
                primary = model.pop("Containers")[0]
                fields["model_props"] = {**model, "PrimaryContainer": primary}
            config.pop("ProductionVariants", None)
            config.pop("KmsKeyId", None)
            fields["endpoint_config_props"] = config or None
        # SageMaker cannot autoscale burstable (T2) instances.
        types = [v["InstanceType"] for v in config.get("ProductionVariants", [])]
        burstables = any(isinstance(t, str) and burstable(t) for t in types)
        scales = (hosting == "instances" and not burstables) or (
            hosting == "serverless" and fields["serverless"].provisioned_concurrency
        )
        if scales and draw(st.booleans()):
            scaling = draw(autoscaling())
            if hosting == "serverless":  # provisioned concurrency stays within MaxConcurrency
                most = fields["serverless"].max_concurrency
                scaling = dataclasses.replace(
                    scaling,
                    max_capacity=min(scaling.max_capacity, most),
                    min_capacity=min(scaling.min_capacity, most),
                )
            fields["autoscaling"] = scaling
        if hosting == "instances" and draw(st.booleans()):
            fields["data_capture"] = draw(DATA_CAPTURE)
        variants_given = "ProductionVariants" in (fields.get("endpoint_config_props") or {})
        if hosting == "instances" and variants_given and fields["alarms"] and draw(st.booleans()):
            # A rollout rolls back on the alarms, and shifts at most half of a variant's
            # instances at a time: two at least.
            fields["rollout"] = draw(ROLLOUTS)
            for variant in fields["endpoint_config_props"]["ProductionVariants"]:
                variant["InitialInstanceCount"] = max(2, variant["InitialInstanceCount"])
    else:
        fields["existing_sagemaker_endpoint_obj"] = draw(
            st.sampled_from(["fraud-detector", Ref(TEXT)])
        )
    network = draw(st.sampled_from(["none", "deploy", "existing"]))
    if network == "deploy":
        fields["deploy_vpc"] = True
        vpc_props = draw(table_props(ec2.VPC))
        if draw(st.booleans()):
            vpc_props["MaxAzs"] = draw(st.integers(1, 3))
        if vpc_props:
            fields["vpc_props"] = vpc_props
    elif network == "existing":
        fields["existing_vpc"] = draw(existing_vpc())
    if draw(st.booleans()):
        fields["sagemaker_environment_variable_name"] = draw(VARIABLE_NAMES)
    fields["id_prefix"] = draw(st.from_regex(r"[A-Za-z0-9]{0,12}", fullmatch=True))
    fields["deletion_policy"] = draw(st.sampled_from(["Retain", "Delete"]))
    return fields


def _deep(depth: int) -> dict[str, Any]:
    value: dict[str, Any] = {"Leaf": "x"}
    for _ in range(depth):
        value = {"Nested": value}
    return value


def _shared(levels: int) -> list[Any]:
    value: list[Any] = ["x"] * 8
    for _ in range(levels):
        value = [value] * 8
    return value


class _Opaque:
    """An object nothing knows how to render."""


# Values no CloudFormation property can hold, or that no rule should let through.
UNSHARED_HOSTILE_VALUES: st.SearchStrategy[Any] = st.one_of(
    st.sampled_from(
        [
            {"a", "b"},
            frozenset({1}),
            b"bytes",
            bytearray(b"x"),
            date(2024, 1, 1),
            datetime(2024, 1, 1, 12, 30),
            math.nan,
            math.inf,
            -math.inf,
            Decimal("1.5"),
            complex(1, 2),
            None,
            _Opaque(),
            {1: "int key"},
            {("tuple",): "key"},
            {date(2024, 1, 1): "date key"},
            "trailing newline\n",
            "lone \ud800 surrogate",
            [],
            {},
            "",
            -1,
            10**30,
            True,
            awslambda.Function("NotAValue", Code=awslambda.Code(ZipFile="x"), Role="r"),
        ]
    ),
    st.integers(MAX_DEPTH - 2, MAX_DEPTH + 40).map(_deep),
    st.text(max_size=5),
    st.floats(),
)
# Plus structures that share themselves: millions of values once expanded, a few objects here.
# Not in props files: there they are the alias-bomb class the CLI must refuse while reading.
HOSTILE_VALUES: st.SearchStrategy[Any] = st.one_of(
    UNSHARED_HOSTILE_VALUES, st.integers(4, 7).map(_shared)
)

# Wrong values for the top-level fields, including names that must be matched whole.
HOSTILE_FIELDS: dict[str, st.SearchStrategy[Any]] = {
    "id_prefix": st.one_of(
        st.sampled_from(["A\n", "a-b", "A" * 240, None, 7, "Ünïcode"]), st.text(max_size=8)
    ),
    "sagemaker_environment_variable_name": st.one_of(
        st.sampled_from(
            [
                "SAGEMAKER_ENDPOINT_ENV_VAR",
                "BAD-NAME",
                "NAME\n",
                "_HANDLER",
                "AWS_LAMBDA_RUNTIME_API",
                "A",
                None,
                3,
            ]
        ),
        st.text(max_size=8),
    ),
    "deletion_policy": st.one_of(st.sampled_from(["Snapshot", "retain", None, 1]), st.text()),
    "deploy_vpc": st.sampled_from(["yes", 1, None]),
    "existing_sagemaker_endpoint_obj": st.one_of(
        st.sampled_from([42, ["x"], {"Name": "x"}, "fraud-detector\n", "-x", "a" * 64]),
        st.text(max_size=8),
    ),
    "existing_vpc": st.sampled_from([{"vpc_id": "vpc-1"}, "vpc-1"]),
    "serverless": st.one_of(
        st.sampled_from([{"memory_size_in_mb": 2048}, 3]),
        st.builds(Serverless, memory_size_in_mb=UNSHARED_HOSTILE_VALUES),
        st.builds(Serverless, max_concurrency=st.integers(-5, 500)),
    ),
    "alarms": st.one_of(
        st.sampled_from([{"topic": TOPIC}, "on"]),
        st.builds(Alarms, topic=UNSHARED_HOSTILE_VALUES),
        st.builds(Alarms, period_seconds=st.integers(-60, 200)),
    ),
    "rollout": st.one_of(
        st.sampled_from(["canary", 1]), st.builds(Rollout.canary, percent=st.integers(-10, 150))
    ),
    "data_capture": st.one_of(
        st.sampled_from([True, {"sampling_percentage": 5}]),
        st.builds(DataCapture, sampling_percentage=st.integers(-5, 150)),
        st.builds(DataCapture, destination=UNSHARED_HOSTILE_VALUES),
    ),
    "autoscaling": st.one_of(
        st.sampled_from([{"max_capacity": 2}, 4]),
        st.builds(Autoscaling, max_capacity=UNSHARED_HOSTILE_VALUES),
        st.builds(Autoscaling, max_capacity=st.integers(-2, 3), min_capacity=st.integers(-2, 3)),
    ),
    "lambda_function_props": st.sampled_from(["code", ["Code"], 1]),
    "model_props": st.sampled_from(["s3://model", [MODEL_DATA]]),
    "vpc_props": st.sampled_from(
        [{"MaxAzs": math.inf}, {"MaxAzs": 0}, {"CidrBlock": "10.0.0.0/8\n"}]
    ),
}


def _paths(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every place inside plain mappings and lists where a value could be replaced."""
    found = [path] if path else []
    if isinstance(value, Mapping) and not isinstance(value, AWSHelperFn):
        for key, item in value.items():
            found += _paths(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += _paths(item, (*path, index))
    return found


def _replace(value: Any, path: tuple[Any, ...], new: Any) -> Any:
    if not path:
        return new
    head, rest = path[0], path[1:]
    if isinstance(value, Mapping):
        return {**value, head: _replace(value[head], rest, new)}
    copy = list(value)
    copy[head] = _replace(copy[head], rest, new)
    return copy


@st.composite
def hostile_fields(draw: st.DrawFn) -> dict[str, Any]:
    """A valid draw with one value replaced: inside a props mapping, a key, or a whole field."""
    fields = draw(valid_fields())
    how = draw(st.sampled_from(["value", "key", "field"]))
    mappings = sorted(name for name, value in fields.items() if isinstance(value, dict))
    if how == "field":
        name = draw(st.sampled_from(sorted(HOSTILE_FIELDS)))
        fields[name] = draw(HOSTILE_FIELDS[name])
        return fields
    name = draw(st.sampled_from(mappings))
    paths = _paths(fields[name])
    if how == "key" or not paths:
        parent = draw(st.sampled_from([(), *[p for p in paths if _is_mapping(fields[name], p)]]))
        key = draw(st.one_of(st.text(max_size=12), st.integers(), st.sampled_from([None, 1.5])))
        target = _get(fields[name], parent)
        fields[name] = _replace(fields[name], parent, {**target, key: draw(HOSTILE_VALUES)})
        return fields
    path = draw(st.sampled_from(paths))
    fields[name] = _replace(fields[name], path, draw(HOSTILE_VALUES))
    return fields


def _get(value: Any, path: tuple[Any, ...]) -> Any:
    for step in path:
        value = value[step]
    return value


def _is_mapping(value: Any, path: tuple[Any, ...]) -> bool:
    target = _get(value, path)
    return isinstance(target, Mapping) and not isinstance(target, AWSHelperFn)


FIELD_NAMES = tuple(field.name for field in fields(LambdaSagemakerEndpointProps))
