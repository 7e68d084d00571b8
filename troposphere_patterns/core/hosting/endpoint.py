"""A SageMaker real-time endpoint: execution role, Model, EndpointConfig and Endpoint."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from awacs.aws import Statement
from troposphere import AWSHelperFn, BaseAWSObject, GetAtt, If, NoValue, Ref, iam, sagemaker

from troposphere_patterns.core import formats, iam_policies, values, waivers
from troposphere_patterns.core import ids as core_ids
from troposphere_patterns.core.hosting import instance_types, model_data
from troposphere_patterns.core.hosting.options import autoscaling as endpoint_autoscaling
from troposphere_patterns.core.hosting.options import serverless as serverless_inference
from troposphere_patterns.core.hosting.options.autoscaling import Autoscaling
from troposphere_patterns.core.hosting.options.serverless import HostingProps, Serverless
from troposphere_patterns.core.hosting.types import EndpointConfig
from troposphere_patterns.core.ids import LogicalIds
from troposphere_patterns.core.options import collect
from troposphere_patterns.core.overrides import build, merge, plain

DEFAULT_INSTANCE_TYPE = "ml.m5.large"
DEFAULT_VARIANT_NAME = "AllTraffic"

VARIANT_LISTS = ("ProductionVariants", "ShadowProductionVariants")
VOLUME_SIZE_GB = (1, 512)
# Large models need these raised: the download of tens of GB of weights and a container that
# loads them onto GPUs before it answers its health check.
TIMEOUTS_SECONDS = {
    "ContainerStartupHealthCheckTimeoutInSeconds": (60, 3600),
    "ModelDataDownloadTimeoutInSeconds": (60, 3600),
}

MODEL_DEFAULTS: Mapping[str, Any] = {
    # The container gets no network: it cannot leak data or fetch code at run time.
    "EnableNetworkIsolation": True,
}
# Serverless endpoints refuse network isolation (and a VPC): SageMaker runs them on its own.
SERVERLESS_MODEL_DEFAULTS: Mapping[str, Any] = {"EnableNetworkIsolation": False}


def default_variant(instance_type: Any = DEFAULT_INSTANCE_TYPE) -> dict[str, Any]:
    """The one production variant an endpoint config gets unless the caller lists its own."""
    return {
        "VariantName": DEFAULT_VARIANT_NAME,
        "InitialInstanceCount": 1,
        "InitialVariantWeight": 1.0,
        "InstanceType": instance_type,
    }


@dataclass(frozen=True)
class EndpointReference:
    """An endpoint to invoke, however it was given.

    Attributes:
        name: The endpoint's name (``GetAtt Endpoint.EndpointName`` or a literal/intrinsic).
        arn: The endpoint's ARN (``Ref`` of an ``AWS::SageMaker::Endpoint``, or built from the
            name in lower case, as SageMaker writes it in ARNs, also for a name given as an
            intrinsic: see :func:`iam_policies.lower_case`).
        endpoint: The ``AWS::SageMaker::Endpoint`` when there is one in the template.
    """

    name: Any
    arn: Any
    endpoint: sagemaker.Endpoint | None = None

    @classmethod
    def of(cls, endpoint: sagemaker.Endpoint | Any) -> EndpointReference:
        """Refer to an ``AWS::SageMaker::Endpoint`` object, or to an endpoint by name."""
        if isinstance(endpoint, sagemaker.Endpoint):
            return cls(GetAtt(endpoint, "EndpointName"), Ref(endpoint), endpoint)
        endpoint = plain(endpoint)  # a Parameter becomes its Ref
        # The ARN carries the name in lower case, whatever case the endpoint was named in.
        lowered = iam_policies.lower_case(endpoint)
        if isinstance(endpoint, AWSHelperFn):
            return cls(endpoint, iam_policies.arn("sagemaker", "endpoint/${Name}", Name=lowered))
        return cls(endpoint, iam_policies.arn("sagemaker", f"endpoint/{lowered}"))


@dataclass(frozen=True)
class ModelNetwork:
    """Where a VPC-attached model runs.

    Attributes:
        subnet_ids: Subnets, a list or an intrinsic.
        security_group_id: The model's security group.
    """

    subnet_ids: Any
    security_group_id: Any


@dataclass(frozen=True)
class SagemakerEndpointBundle:
    """The SageMaker side of a pattern.

    Attributes:
        role: The execution role, or None when the caller gave ``ExecutionRoleArn``.
        model: The ``AWS::SageMaker::Model``.
        endpoint_config: The ``AWS::SageMaker::EndpointConfig``.
        endpoint: The ``AWS::SageMaker::Endpoint``.
        conditions: Conditions the resources use (the deploy-time key placement).
        scaling: The variants' scalable targets and policies, when scaling was asked for.
    """

    role: iam.Role | None
    model: sagemaker.Model
    endpoint_config: sagemaker.EndpointConfig
    endpoint: sagemaker.Endpoint
    conditions: Mapping[str, Any] = field(default_factory=dict)
    scaling: tuple[BaseAWSObject, ...] = ()

    @property
    def resources(self) -> tuple[BaseAWSObject, ...]:
        """Everything to add to a template."""
        head = (self.role,) if self.role is not None else ()
        return (*head, self.model, self.endpoint_config, self.endpoint, *self.scaling)


def execution_role_statements(
    model_props: Mapping[str, Any], *, kms_key_arn: Any = None, in_vpc: bool = False
) -> list[Statement]:
    """What a hosting execution role needs for this model, and nothing more.

    Args:
        model_props: The model's properties: every container's image and S3 data is granted
            (call after :func:`model_data.problems` found none).
        kms_key_arn: The key the endpoint's volume is encrypted with, if the pattern made it.
        in_vpc: The model runs in a VPC (adds the ENI actions).
    """
    statements = [iam_policies.sagemaker_logs(), iam_policies.sagemaker_metrics()]
    repositories: dict[str, Any] = {}
    for _, image in model_data.images(model_props, "model_props"):
        repository = iam_policies.ecr_repository_arn(image)
        repositories.setdefault(repr(repository.to_dict()), repository)
    if repositories:
        statements += iam_policies.ecr_pull(*repositories.values())
    statements += model_data.read_statements(model_data.s3_reads(model_props, "model_props"))
    if kms_key_arn is not None:
        statements += iam_policies.kms_use(kms_key_arn)
    if in_vpc:
        statements += iam_policies.eni_manage(permissions=True)
    return statements


def endpoint_name_problems(endpoint: Any, where: str) -> list[str]:
    """Check a literal endpoint name (objects and intrinsics are the caller's to get right)."""
    problem = formats.ENDPOINT_NAME.problem(endpoint, where) if isinstance(endpoint, str) else None
    return [problem] if problem is not None else []


def model_props_problems(model_props: Mapping[str, Any], where: str, *, in_vpc: bool) -> list[str]:
    """Rules troposphere's property table does not hold, for plain model props.

    Args:
        model_props: The caller's ``AWS::SageMaker::Model`` properties, as plain mappings.
        where: The prop name to report, e.g. ``"model_props"``.
        in_vpc: The pattern places the model in its VPC.
    """
    found = model_data.problems(model_props, where)
    for path, container in model_data.containers(model_props, where):
        found += values.string_map_problems(container.get("Environment"), f"{path}.Environment")
    if in_vpc and "VpcConfig" in model_props:
        found.append(
            f"{where}.VpcConfig with deploy_vpc/existing_vpc: the pattern places the model in "
            "its VPC's subnets with its own security group"
        )
    return found


def instance_backed(config_props: Mapping[str, Any], where: str) -> list[tuple[str, Any]]:
    """Every instance type the config runs on, with its path.

    Production and shadow variants and each of their ``InstancePools``; serverless variants
    have none.
    """
    found: list[tuple[str, Any]] = []
    for name in VARIANT_LISTS:
        variants = config_props.get(name)
        if not isinstance(variants, list | tuple):
            continue
        for index, variant in enumerate(variants):
            if not isinstance(variant, Mapping):
                continue
            path = f"{where}.{name}[{index}]"
            if "InstanceType" in variant:
                found.append((f"{path}.InstanceType", variant["InstanceType"]))
            pools = variant.get("InstancePools")
            for number, pool in enumerate(pools if isinstance(pools, list | tuple) else []):
                if isinstance(pool, Mapping) and "InstanceType" in pool:
                    found.append(
                        (f"{path}.InstancePools[{number}].InstanceType", pool["InstanceType"])
                    )
    return found


def production_variants(config_props: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """The config's production variants that are mappings (an intrinsic list gives none)."""
    variants = config_props.get("ProductionVariants")
    return [v for v in variants if isinstance(v, Mapping)] if isinstance(variants, list) else []


def endpoint_config_problems(config_props: Mapping[str, Any], where: str) -> list[str]:
    """Rules CreateEndpointConfig enforces at deploy time, checked on literal values now.

    Unknown instance types (with the closest known ones), a ``KmsKeyId`` or ``VolumeSizeInGB``
    beside a type with local NVMe storage, volume sizes and timeouts out of range. Instance
    types given as a ``Ref`` or ``Fn::FindInMap`` are left to the template's own Condition.
    """
    found: list[str] = []
    types = instance_backed(config_props, where)
    caller_key = "KmsKeyId" in config_props
    for path, instance_type in types:
        if isinstance(instance_type, AWSHelperFn):
            if not instance_types.deploy_time(instance_type) and not caller_key:
                found.append(
                    f"{path}: only a literal, a Ref or an Fn::FindInMap can be matched against "
                    "the instance-storage Condition at deploy time; give one of those, or your "
                    f"own {where}.KmsKeyId"
                )
            continue
        problem = instance_types.unknown_problem(instance_type, path)
        if problem is not None:
            found.append(problem)
        elif caller_key and instance_types.local_nvme(instance_type):
            found.append(
                f"{where}.KmsKeyId with {path} {instance_type!r}: that type has local NVMe "
                "storage, encrypted in hardware, and CreateEndpointConfig refuses a KmsKeyId "
                "beside it; drop KmsKeyId or choose an EBS-only type"
            )
    for name in VARIANT_LISTS:
        variants = config_props.get(name)
        for index, variant in enumerate(variants if isinstance(variants, list | tuple) else []):
            if isinstance(variant, Mapping):
                found += _variant_problems(variant, f"{where}.{name}[{index}]")
    return found


def _variant_problems(variant: Mapping[str, Any], path: str) -> list[str]:
    found: list[str] = []
    name = variant.get("VariantName")
    if isinstance(name, str):  # an intrinsic is the caller's to get right
        found += collect(formats.VARIANT_NAME.problem(name, f"{path}.VariantName"))
    instance_type = variant.get("InstanceType")
    nvme = isinstance(instance_type, str) and instance_types.local_nvme(instance_type)
    if "VolumeSizeInGB" in variant and nvme:
        found.append(
            f"{path}.VolumeSizeInGB with InstanceType {instance_type!r}: that type has "
            "local NVMe storage and no EBS volume to size; drop VolumeSizeInGB"
        )
    for name, (low, high) in {"VolumeSizeInGB": VOLUME_SIZE_GB, **TIMEOUTS_SECONDS}.items():
        value = variant.get(name)
        if (
            isinstance(value, int | float)
            and not isinstance(value, bool)
            and not low <= value <= high
        ):
            found.append(f"{path}.{name}: {value} is outside {low}-{high}")
    return found


def key_fits(config_props: Mapping[str, Any]) -> bool:
    """Tell whether a ``KmsKeyId`` may go on the config: no literal type has local NVMe storage.

    Types chosen at deploy time are decided by a Condition (:func:`volume_key`).
    """
    types = [t for _, t in instance_backed(config_props, "")]
    return not any(isinstance(t, str) and instance_types.local_nvme(t) for t in types)


def volume_key(config_props: Mapping[str, Any], key_arn: Any, condition_id: str) -> tuple[Any, Any]:
    """Where the config's ``KmsKeyId`` may go, given the instance types it runs on.

    Local NVMe storage is encrypted in hardware and has no EBS volume: the key goes on the
    config only when every instance-backed variant is EBS-only. Serverless variants take it
    (it encrypts SageMaker's copy of the image).

    Args:
        config_props: The merged EndpointConfig properties.
        key_arn: The key to place (the pattern's or the caller's).
        condition_id: Name for the deploy-time Condition, when one is needed.

    Returns:
        ``(KmsKeyId value or None, Condition expression or None)``: the value is the key, an
        ``Fn::If`` on the condition, or None when a literal type has local NVMe storage.
    """
    if not key_fits(config_props):
        return None, None
    types = [t for _, t in instance_backed(config_props, "")]
    later = [t for t in types if instance_types.deploy_time(t)]
    if not later:
        return key_arn, None
    return If(condition_id, key_arn, NoValue), instance_types.all_ebs_only(later)


def config_with_defaults(
    caller: Mapping[str, Any] | None, serverless_option: Serverless | None = None
) -> dict[str, Any]:
    """The caller's EndpointConfig properties over the default ``AllTraffic`` variant.

    With a :class:`Serverless` option the default variant is serverless.
    """
    variant = (
        default_variant()
        if serverless_option is None
        else serverless_option.variant(DEFAULT_VARIANT_NAME)
    )
    return merge({"ProductionVariants": [variant]}, caller)


def hosting_problems(
    *,
    model_props: Mapping[str, Any],
    endpoint_config_props: Mapping[str, Any] | None,
    endpoint_props: Mapping[str, Any] | None,
    serverless_option: Serverless | None,
    scaling: Autoscaling | None,
) -> list[str]:
    """The serverless and autoscaling rules, on what :func:`sagemaker_endpoint` would build.

    Messages name the props as ``model_props``, ``endpoint_config_props``, ``endpoint_props``,
    ``serverless`` and ``autoscaling``.
    """
    config = config_with_defaults(endpoint_config_props, serverless_option)
    hosting = HostingProps(
        config=config,
        model=plain(model_props),
        endpoint=plain(endpoint_props or {}),
        caller_config=plain(endpoint_config_props) if endpoint_config_props is not None else None,
    )
    found = serverless_inference.problems(serverless_option, hosting)
    if scaling is not None:
        found += endpoint_autoscaling.scaled_variants(scaling, config)[1]
        found += endpoint_autoscaling.endpoint_problems(hosting.endpoint)
    return found


def sagemaker_endpoint(
    ids: LogicalIds,
    *,
    model_props: Mapping[str, Any],
    config_props: Mapping[str, Any],
    endpoint_props: Mapping[str, Any] | None = None,
    kms_key_arn: Any = None,
    network: ModelNetwork | None = None,
    serverless: bool = False,
    scaling: Autoscaling | None = None,
    role_statements: Sequence[Statement] = (),
) -> SagemakerEndpointBundle:
    """Build a model, its endpoint config and endpoint, and (unless given) the execution role.

    No fixed names by default: a named Model/EndpointConfig/Endpoint blocks CloudFormation from
    replacing it.

    Args:
        ids: Logical IDs (``SagemakerRole``, ``SagemakerModel``, ... in ``core/ids.py``).
        model_props: ``AWS::SageMaker::Model`` properties; ``PrimaryContainer`` or
            ``Containers`` required. ``ExecutionRoleArn`` given means no role is created.
        config_props: The EndpointConfig's properties, merged over the defaults
            (:class:`EndpointPlan`). Every variant that names no model gets this model.
        endpoint_props: Merged over the endpoint defaults.
        kms_key_arn: The pattern's key for the endpoint's volume, also granted to the created
            role; None when the caller names its own ``KmsKeyId``. Either key goes on the config
            only where the instance types allow it (:func:`volume_key`).
        network: Put the model in a VPC (not for a serverless endpoint, which has no VPC).
        serverless: The endpoint is serverless: its model runs without network isolation.
        scaling: Scale each production variant (the Endpoint then retains the scaled counts
            across config updates).
        role_statements: More grants for the created execution role (what an option makes
            SageMaker write, such as captured data).

    Raises:
        ValueError: A network for a serverless endpoint.
    """
    model_props = merge(model_props)
    config_props = merge(config_props)
    model_defaults = MODEL_DEFAULTS
    if serverless:
        if network is not None:
            raise ValueError("a serverless endpoint's model cannot run in a VPC")
        model_defaults = SERVERLESS_MODEL_DEFAULTS
    key_arn = config_props.get("KmsKeyId", kms_key_arn)
    conditions: dict[str, Any] = {}
    if key_arn is not None:
        key_condition = ids(core_ids.SAGEMAKER_KEY_CONDITION)
        placed, condition = volume_key(config_props, key_arn, key_condition)
        config_props.pop("KmsKeyId", None)
        if placed is not None:
            config_props["KmsKeyId"] = placed
        else:
            kms_key_arn = None  # no volume to encrypt: the role needs no grant
        if condition is not None:
            conditions[key_condition] = condition
    role = None
    required: dict[str, Any] = {}
    if "ExecutionRoleArn" not in model_props:
        statements = execution_role_statements(
            model_props, kms_key_arn=kms_key_arn, in_vpc=network is not None
        ) + list(role_statements)
        role = iam.Role(
            ids(core_ids.SAGEMAKER_ROLE),
            AssumeRolePolicyDocument=iam_policies.trust("sagemaker.amazonaws.com"),
            Policies=[
                iam.Policy(
                    PolicyName="SagemakerHosting",
                    PolicyDocument=iam_policies.document(*statements),
                )
            ],
        )
        required["ExecutionRoleArn"] = GetAtt(role, "Arn")
    if network is not None:
        required["VpcConfig"] = {
            "Subnets": network.subnet_ids,
            "SecurityGroupIds": [network.security_group_id],
        }
    model = build(
        sagemaker.Model, merge(model_defaults, model_props, required), ids(core_ids.SAGEMAKER_MODEL)
    )
    if model_defaults is SERVERLESS_MODEL_DEFAULTS:
        model.Metadata = waivers.checkov_metadata(["CKV_AWS_370"])

    model_name = GetAtt(model, "ModelName")
    for name in VARIANT_LISTS:
        variants = config_props.get(name)
        if isinstance(variants, list):
            # The construct drops the model from a caller's variants; re-inject it.
            config_props[name] = [
                {**variant, "ModelName": model_name}
                if isinstance(variant, dict) and "ModelName" not in variant
                else variant
                for variant in variants
            ]
    config = build(EndpointConfig, config_props, ids(core_ids.SAGEMAKER_ENDPOINT_CONFIG))
    required_endpoint = {"EndpointConfigName": GetAtt(config, "EndpointConfigName")}
    if scaling is not None:
        required_endpoint.update(endpoint_autoscaling.ENDPOINT_PROPERTIES)
    endpoint = build(
        sagemaker.Endpoint,
        merge(endpoint_props, required_endpoint),
        ids(core_ids.SAGEMAKER_ENDPOINT),
    )
    scaled: tuple[BaseAWSObject, ...] = ()
    if scaling is not None:
        variants, _ = endpoint_autoscaling.scaled_variants(scaling, config_props)
        scaled = endpoint_autoscaling.endpoint_scaling(scaling, variants, endpoint).resources
    return SagemakerEndpointBundle(role, model, config, endpoint, conditions, scaled)
