"""A SageMaker real-time endpoint: execution role, Model, EndpointConfig and Endpoint."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from awacs.aws import Statement
from troposphere import AWSHelperFn, BaseAWSObject, GetAtt, Ref, iam, sagemaker

from troposphere_patterns.core import iam_policies
from troposphere_patterns.core.overrides import build, merge, plain

DEFAULT_INSTANCE_TYPE = "ml.m5.large"
DEFAULT_VARIANT_NAME = "AllTraffic"

MODEL_DEFAULTS: Mapping[str, Any] = {
    # The container gets no network: it cannot leak data or fetch code at run time.
    "EnableNetworkIsolation": True,
}


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
    """

    role: iam.Role | None
    model: sagemaker.Model
    endpoint_config: sagemaker.EndpointConfig
    endpoint: sagemaker.Endpoint

    @property
    def resources(self) -> tuple[BaseAWSObject, ...]:
        """Everything to add to a template."""
        head = (self.role,) if self.role is not None else ()
        return (*head, self.model, self.endpoint_config, self.endpoint)


def execution_role_statements(
    primary_container: Mapping[str, Any], *, kms_key_arn: Any = None, in_vpc: bool = False
) -> list[Statement]:
    """What a hosting execution role needs for this container, and nothing more.

    Args:
        primary_container: The model's ``PrimaryContainer`` (``Image``, ``ModelDataUrl``).
        kms_key_arn: The key the endpoint's volume is encrypted with, if the pattern made it.
        in_vpc: The model runs in a VPC (adds the ENI actions).

    Raises:
        ValueError: A literal image URI or model data URL that cannot be parsed.
    """
    statements = [iam_policies.sagemaker_logs(), iam_policies.sagemaker_metrics()]
    if "Image" in primary_container:
        repository = iam_policies.ecr_repository_arn(primary_container["Image"])
        statements += iam_policies.ecr_pull(repository)
    if "ModelDataUrl" in primary_container:
        statements.append(
            iam_policies.s3_read([iam_policies.s3_object_arn(primary_container["ModelDataUrl"])])
        )
    if kms_key_arn is not None:
        statements += iam_policies.kms_use(kms_key_arn)
    if in_vpc:
        statements += iam_policies.eni_manage(permissions=True)
    return statements


def sagemaker_endpoint(
    *,
    role_id: str,
    model_id: str,
    endpoint_config_id: str,
    endpoint_id: str,
    model_props: Mapping[str, Any],
    endpoint_config_props: Mapping[str, Any] | None = None,
    endpoint_props: Mapping[str, Any] | None = None,
    kms_key_arn: Any = None,
    network: ModelNetwork | None = None,
) -> SagemakerEndpointBundle:
    """Build a model, its endpoint config and endpoint, and (unless given) the execution role.

    No fixed names by default: a named Model/EndpointConfig/Endpoint blocks CloudFormation from
    replacing it.

    Args:
        role_id: Logical ID of the execution role.
        model_id: Logical ID of the model.
        endpoint_config_id: Logical ID of the endpoint config.
        endpoint_id: Logical ID of the endpoint.
        model_props: ``AWS::SageMaker::Model`` properties; ``PrimaryContainer`` required.
            ``ExecutionRoleArn`` given means no role is created.
        endpoint_config_props: Merged over the defaults (one ``AllTraffic`` variant on
            ``ml.m5.large``, volume encrypted with ``kms_key_arn``). Every variant that names no
            model gets this model.
        endpoint_props: Merged over the endpoint defaults.
        kms_key_arn: Key for the endpoint's volume, also granted to the created role; None when
            the caller names its own ``KmsKeyId``.
        network: Put the model in a VPC.
    """
    model_props = merge(model_props)
    config_defaults: dict[str, Any] = {"ProductionVariants": [default_variant()]}
    if kms_key_arn is not None:
        config_defaults["KmsKeyId"] = kms_key_arn
    config_props = merge(config_defaults, endpoint_config_props)

    role = None
    required: dict[str, Any] = {}
    if "ExecutionRoleArn" not in model_props:
        statements = execution_role_statements(
            model_props["PrimaryContainer"],
            kms_key_arn=kms_key_arn,
            in_vpc=network is not None,
        )
        role = iam.Role(
            role_id,
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
    model = build(sagemaker.Model, merge(MODEL_DEFAULTS, model_props, required), model_id)

    model_name = GetAtt(model, "ModelName")
    variants = config_props["ProductionVariants"]
    if isinstance(variants, list):
        # The construct drops the model from a caller's variants; re-inject it.
        config_props["ProductionVariants"] = [
            {**variant, "ModelName": model_name}
            if isinstance(variant, dict) and "ModelName" not in variant
            else variant
            for variant in variants
        ]
    config = build(sagemaker.EndpointConfig, config_props, endpoint_config_id)
    endpoint = build(
        sagemaker.Endpoint,
        merge(endpoint_props, {"EndpointConfigName": GetAtt(config, "EndpointConfigName")}),
        endpoint_id,
    )
    return SagemakerEndpointBundle(role, model, config, endpoint)
