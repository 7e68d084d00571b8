"""A SageMaker real-time endpoint: execution role, Model, EndpointConfig and Endpoint."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import field
from typing import TYPE_CHECKING, Any

from awacs.aws import Statement
from troposphere import AWSHelperFn, BaseAWSObject, GetAtt, If, NoValue, Ref, iam, sagemaker

from troposphere_patterns.core import formats, iam_policies, values, waivers
from troposphere_patterns.core import ids as core_ids
from troposphere_patterns.core.hosting import gpu_fleet, instance_types, model_data
from troposphere_patterns.core.hosting.model_data import Container
from troposphere_patterns.core.hosting.options import serverless as serverless_inference
from troposphere_patterns.core.hosting.options.serverless import Serverless
from troposphere_patterns.core.hosting.plan import (
    CONFIG_WHERE,
    MODEL_WHERE,
    PRODUCTION,
    VARIANT_LISTS,
    EndpointPlan,
    Variant,
)
from troposphere_patterns.core.hosting.types import EndpointConfig
from troposphere_patterns.core.ids import LogicalIds
from troposphere_patterns.core.options import number
from troposphere_patterns.core.overrides import build, merge, plain
from troposphere_patterns.errors import Problem, parse_path
from troposphere_patterns.records import record

if TYPE_CHECKING:  # autoscaling.py (and Application Auto Scaling) loads only when used
    from troposphere_patterns.core.hosting.options.autoscaling import Autoscaling

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
# An endpoint of inference components: its containers (adapters' too) get no network either.
COMPONENT_CONFIG_DEFAULTS: Mapping[str, Any] = {"EnableNetworkIsolation": True}


@record
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


@record
class ModelNetwork:
    """Where a VPC-attached model runs.

    Attributes:
        subnet_ids: Subnets, a list or an intrinsic.
        security_group_id: The model's security group.
    """

    subnet_ids: Any
    security_group_id: Any


@record
class SagemakerEndpointBundle:
    """The SageMaker side of a pattern.

    Attributes:
        role: The execution role, or None when the caller gave ``ExecutionRoleArn``.
        model: The ``AWS::SageMaker::Model``; None with inference components (each has its own).
        endpoint_config: The ``AWS::SageMaker::EndpointConfig``.
        endpoint: The ``AWS::SageMaker::Endpoint``.
        conditions: Conditions the resources use (the deploy-time key placement).
        scaling: The variants' scalable targets and policies, when scaling was asked for.
    """

    role: iam.Role | None
    model: sagemaker.Model | None
    endpoint_config: sagemaker.EndpointConfig
    endpoint: sagemaker.Endpoint
    conditions: Mapping[str, Any] = field(default_factory=dict)
    scaling: tuple[BaseAWSObject, ...] = ()

    @property
    def resources(self) -> tuple[BaseAWSObject, ...]:
        """Everything to add to a template."""
        head = (self.role,) if self.role is not None else ()
        model = (self.model,) if self.model is not None else ()
        return (*head, *model, self.endpoint_config, self.endpoint, *self.scaling)


def execution_role_statements(
    containers: Sequence[Container], *, kms_key_arn: Any = None, in_vpc: bool = False
) -> list[Statement]:
    """What a hosting execution role needs for this model, and nothing more.

    Args:
        containers: The model's containers: every one's image and S3 data is granted (call
            after :func:`model_data.problems` found none).
        kms_key_arn: The key the endpoint's volume is encrypted with, if the pattern made it.
        in_vpc: The model runs in a VPC (adds the ENI actions).
    """
    statements = [iam_policies.sagemaker_logs(), iam_policies.sagemaker_metrics()]
    repositories: dict[str, Any] = {}
    for _, image in model_data.images(containers):
        repository = iam_policies.ecr_repository_arn(image)
        repositories.setdefault(repr(repository.to_dict()), repository)
    if repositories:
        statements += iam_policies.ecr_pull(*repositories.values())
    statements += model_data.read_statements(model_data.s3_reads(containers))
    if kms_key_arn is not None:
        statements += iam_policies.kms_use(kms_key_arn)
    if in_vpc:
        statements += iam_policies.eni_manage(permissions=True)
    return statements


def endpoint_name_problems(endpoint: Any, where: str) -> list[Problem]:
    """Check a literal endpoint name (objects and intrinsics are the caller's to get right)."""
    if not isinstance(endpoint, str) or formats.ENDPOINT_NAME.match(endpoint):
        return []
    return [Problem(where, formats.ENDPOINT_NAME.refusal(endpoint))]


def model_props_problems(plan: EndpointPlan, *, in_vpc: bool) -> list[Problem]:
    """Rules troposphere's property table does not hold, for the plan's model.

    Args:
        plan: The model's plain properties and its containers.
        in_vpc: The pattern places the model in its VPC.
    """
    model, where = plan.model, MODEL_WHERE
    found = model_data.problems(model, plan.containers, where)
    for container in plan.containers:
        found += values.string_map_problems(
            container.props.get("Environment"), f"{container.path}.Environment"
        )
    if in_vpc and "VpcConfig" in model:
        found.append(
            Problem.line(
                (*parse_path(f"{where}.VpcConfig"), "deploy_vpc", "existing_vpc"),
                f"{where}.VpcConfig with deploy_vpc/existing_vpc: the pattern places the model "
                "in its VPC's subnets with its own security group",
            )
        )
    return found


def endpoint_config_problems(plan: EndpointPlan) -> list[Problem]:
    """Rules CreateEndpointConfig enforces at deploy time, checked on literal values now.

    Unknown instance types (with the closest known ones), a ``KmsKeyId`` or ``VolumeSizeInGB``
    beside a type with local NVMe storage, volume sizes and timeouts out of range. Instance
    types given as a ``Ref`` or ``Fn::FindInMap`` are left to the template's own Condition.
    """
    found: list[Problem] = []
    where = CONFIG_WHERE
    for given in plan.instance_types:
        path, instance_type = given.path, given.value
        if isinstance(instance_type, AWSHelperFn):
            if not instance_types.deploy_time(instance_type) and not plan.caller_key:
                found.append(
                    Problem(
                        path,
                        "only a literal, a Ref or an Fn::FindInMap can be matched against the "
                        "instance-storage Condition at deploy time; give one of those, or your "
                        f"own {where}.KmsKeyId",
                    )
                )
            continue
        problem = instance_types.unknown_problem(instance_type, path)
        if problem is not None:
            found.append(problem)
        elif plan.caller_key and instance_types.local_nvme(instance_type):
            # Still refused although SageMaker now ignores the key there (it used to fail the
            # call): a key that encrypts nothing would read as encryption the caller has not got.
            found.append(
                Problem.line(
                    parse_path(f"{where}.KmsKeyId"),
                    f"{where}.KmsKeyId with {path} {instance_type!r}: that type has local NVMe "
                    'storage, encrypted in hardware, and a KmsKeyId beside it "does not encrypt '
                    'instance local storage" (CreateEndpointConfig); drop KmsKeyId or choose an '
                    "EBS-only type",
                )
            )
    for variant in plan.variants:
        found += _variant_problems(variant)
        found += gpu_fleet.variant_problems(variant)
    return found + gpu_fleet.config_problems(plan.config, where) + gpu_fleet.driver_problems(plan)


def _variant_problems(variant: Variant) -> list[Problem]:
    found: list[Problem] = []
    path, props, name = variant.path, variant.props, variant.name
    if isinstance(name, str) and not formats.VARIANT_NAME.match(name):
        # An intrinsic is the caller's to get right.
        found.append(Problem(f"{path}.VariantName", formats.VARIANT_NAME.refusal(name)))
    # Every type the variant may run on: its InstanceType or each of its InstancePools.
    nvme = [
        t
        for t in variant.instance_types
        if isinstance(t.value, str) and instance_types.local_nvme(t.value)
    ]
    if "VolumeSizeInGB" in props and nvme:
        named = nvme[0].path.removeprefix(f"{path}.")  # InstanceType, InstancePools[n]...
        found.append(
            Problem.line(
                parse_path(f"{path}.VolumeSizeInGB"),
                f"{path}.VolumeSizeInGB with {named} {nvme[0].value!r}: that type has "
                "local NVMe storage and no EBS volume to size; drop VolumeSizeInGB",
            )
        )
    for key, (low, high) in {"VolumeSizeInGB": VOLUME_SIZE_GB, **TIMEOUTS_SECONDS}.items():
        value = props.get(key)
        if number(value) and not low <= value <= high:
            found.append(Problem(f"{path}.{key}", f"{value} is outside {low}-{high}"))
    return found


def volume_key(plan: EndpointPlan, key_arn: Any, condition_id: str) -> tuple[Any, Any]:
    """Where the config's ``KmsKeyId`` may go, given the instance types it runs on.

    Local NVMe storage is encrypted in hardware and has no EBS volume: the key goes on the
    config only when every instance-backed variant is EBS-only. Serverless variants take it
    (it encrypts SageMaker's copy of the image).

    Args:
        plan: The endpoint's instance types.
        key_arn: The key to place (the pattern's or the caller's).
        condition_id: Name for the deploy-time Condition, when one is needed.

    Returns:
        ``(KmsKeyId value or None, Condition expression or None)``: the value is the key, an
        ``Fn::If`` on the condition, or None when a literal type has local NVMe storage.
    """
    if not plan.key_fits:
        return None, None
    later = [t.value for t in plan.instance_types if instance_types.deploy_time(t.value)]
    if not later:
        return key_arn, None
    return If(condition_id, key_arn, NoValue), instance_types.all_ebs_only(later)


def hosting_problems(
    plan: EndpointPlan,
    *,
    endpoint_props: Mapping[str, Any] | None,
    serverless_option: Serverless | None,
    scaling: Autoscaling | None,
) -> list[Problem]:
    """The serverless and autoscaling rules, on what :func:`sagemaker_endpoint` would build.

    Messages name the props as ``model_props``, ``endpoint_config_props``, ``endpoint_props``,
    ``serverless`` and ``autoscaling``.
    """
    endpoint = plain(endpoint_props or {})
    found = serverless_inference.problems(serverless_option, plan, endpoint)
    if scaling is not None:
        from troposphere_patterns.core.hosting.options import autoscaling as endpoint_autoscaling

        found += endpoint_autoscaling.scaled_variants(scaling, plan)[1]
        found += endpoint_autoscaling.endpoint_problems(endpoint)
    return found


def sagemaker_endpoint(
    ids: LogicalIds,
    *,
    plan: EndpointPlan,
    required_config: Mapping[str, Any] | None = None,
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
        plan: The model and the EndpointConfig merged over its defaults. ``ExecutionRoleArn``
            in the model means no role is created. Every variant that names no model gets
            this model.
        required_config: EndpointConfig properties the options require
            (``AsyncInferenceConfig``, ``DataCaptureConfig``), laid over the plan's config.
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
    model_props = plan.model
    # The last layer: what the options require (the rules refused the caller's own).
    config_props = merge(plan.config, required_config)
    model_defaults = MODEL_DEFAULTS
    if serverless:
        if network is not None:
            raise ValueError("a serverless endpoint's model cannot run in a VPC")
        model_defaults = SERVERLESS_MODEL_DEFAULTS
    key_arn = config_props.get("KmsKeyId", kms_key_arn)
    conditions: dict[str, Any] = {}
    if key_arn is not None:
        key_condition = ids(core_ids.SAGEMAKER_KEY_CONDITION)
        placed, condition = volume_key(plan, key_arn, key_condition)
        config_props.pop("KmsKeyId", None)
        if placed is not None:
            config_props["KmsKeyId"] = placed
        else:
            kms_key_arn = None  # no volume to encrypt: the role needs no grant
        if condition is not None:
            conditions[key_condition] = condition
    role = None
    required: dict[str, Any] = {}
    # With inference components the config carries the role (and the VPC) the components' models
    # run with; without, the one model does.
    owner = config_props if plan.components else model_props
    if "ExecutionRoleArn" not in owner:
        statements = execution_role_statements(
            plan.containers, kms_key_arn=kms_key_arn, in_vpc=network is not None
        ) + list(role_statements)
        role = iam_policies.service_role(
            ids(core_ids.SAGEMAKER_ROLE), "sagemaker.amazonaws.com", "SagemakerHosting", statements
        )
        required["ExecutionRoleArn"] = GetAtt(role, "Arn")
    if network is not None:
        required["VpcConfig"] = {
            "Subnets": network.subnet_ids,
            "SecurityGroupIds": [network.security_group_id],
        }
    model = None
    if plan.components:
        config_props = merge(COMPONENT_CONFIG_DEFAULTS, config_props, required)
        condition = plan.scale_to_zero_condition
        instances = config_props[PRODUCTION][0].get("ManagedInstanceScaling", {})
        if condition is not None and "MinInstanceCount" not in instances:
            # Zero instances only when every deploy-time minimum copy count is 0.
            zero_condition = ids(core_ids.INFERENCE_COMPONENTS_TO_ZERO_CONDITION)
            conditions[zero_condition] = condition
            instances["MinInstanceCount"] = If(zero_condition, 0, 1)
    else:
        model = build(
            sagemaker.Model,
            merge(model_defaults, model_props, required),
            ids(core_ids.SAGEMAKER_MODEL),
        )
        if model_defaults is SERVERLESS_MODEL_DEFAULTS:
            model.Metadata = waivers.checkov_metadata(["CKV_AWS_370"])
        model_name = GetAtt(model, "ModelName")
        # The construct drops the model from a caller's variants; re-inject it.
        for name in VARIANT_LISTS:
            named = {
                variant.index: {**variant.props, "ModelName": model_name}
                for variant in plan.variants
                if variant.list_name == name and "ModelName" not in variant.props
            }
            if named:
                listed = config_props[name]
                config_props[name] = [named.get(i, entry) for i, entry in enumerate(listed)]
    # A CUDA 13 image and no AMI named: the AMI whose driver runs it (see gpu_fleet).
    chosen = gpu_fleet.chosen_amis(plan)
    for name, index in chosen:
        listed = list(config_props[name])
        listed[index] = {**listed[index], "InferenceAmiVersion": chosen[name, index][0]}
        config_props[name] = listed
    config = build(EndpointConfig, config_props, ids(core_ids.SAGEMAKER_ENDPOINT_CONFIG))
    if chosen:
        config.Metadata = gpu_fleet.ami_metadata(chosen, plan)
    required_endpoint = {"EndpointConfigName": GetAtt(config, "EndpointConfigName")}
    if scaling is not None:
        from troposphere_patterns.core.hosting.options import autoscaling as endpoint_autoscaling

        required_endpoint.update(endpoint_autoscaling.ENDPOINT_PROPERTIES)
    endpoint = build(
        sagemaker.Endpoint,
        merge(endpoint_props, required_endpoint),
        ids(core_ids.SAGEMAKER_ENDPOINT),
    )
    scaled: tuple[BaseAWSObject, ...] = ()
    if scaling is not None:
        variants, _ = endpoint_autoscaling.scaled_variants(scaling, plan)
        scaled = endpoint_autoscaling.endpoint_scaling(scaling, variants, endpoint).resources
    return SagemakerEndpointBundle(role, model, config, endpoint, conditions, scaled)
