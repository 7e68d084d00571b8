"""The SageMaker side of a pattern, built in one call from the hosting props and options.

:func:`hosted_endpoint` takes a validated :class:`Hosting` and a small :class:`HostingContext`
(logical IDs, the key, the private network if any, the deletion policy) and returns a
:class:`HostedEndpoint`: every resource and condition of the hosting side, the endpoint to
invoke, and what a client of the endpoint needs (its grants, the environment its code reads,
the S3 statements a VPC's gateway endpoint must let through). It never builds the client.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import field
from typing import TYPE_CHECKING, Any

from awacs.aws import Action, Statement
from troposphere import BaseAWSObject, GetAtt, Join, Ref, Sub, cloudwatch, iam, sagemaker

from troposphere_patterns.core import actions, iam_policies, network
from troposphere_patterns.core import ids as core_ids
from troposphere_patterns.core.deletion import DEFAULT_DELETION_POLICY
from troposphere_patterns.core.hosting import model_data, target_models
from troposphere_patterns.core.hosting.endpoint import (
    EndpointReference,
    ModelNetwork,
    sagemaker_endpoint,
)
from troposphere_patterns.core.hosting.options.alarms import (
    AlarmMaker,
    AlarmsBundle,
    endpoint_alarms,
)
from troposphere_patterns.core.hosting.rules import Hosting
from troposphere_patterns.core.ids import LogicalIds
from troposphere_patterns.core.kms_key import KeyBundle
from troposphere_patterns.core.network import PrivateNetwork
from troposphere_patterns.core.outputs import OutputRow
from troposphere_patterns.core.overrides import merge
from troposphere_patterns.records import record

# An option's module (and the bucket's) loads only when a template uses it: see build().
if TYPE_CHECKING:
    from troposphere import sns

    from troposphere_patterns.core.bucket import PatternBucket
    from troposphere_patterns.core.hosting.options.async_inference import AsyncInferenceBundle
    from troposphere_patterns.core.hosting.options.data_capture import CaptureBundle


@record
class ComponentsBundle:
    """The components' resources, and what refers to them.

    Attributes:
        resources: Models, components, scalable targets, policies, wake alarms, alarms.
        names: Each component's ``InferenceComponentName`` (an ``Fn::Sub``), in order.
        arns: Each component's ARN (its ``Ref``), in order.
        alarms: The per-component alarms (errors, latency), also in ``resources``.
        rollback_names: The alarms a component's rollout watches, every component's.
        environment: What a client's code reads: the components' names, comma-separated.

    Built by ``core/hosting/components.py``, which loads only for a template with components;
    the empty bundle stands for none.
    """

    resources: tuple[BaseAWSObject, ...] = ()
    names: tuple[Any, ...] = ()
    arns: tuple[Any, ...] = ()
    alarms: tuple[cloudwatch.Alarm, ...] = ()
    rollback_names: tuple[Any, ...] = ()
    environment: Mapping[str, Any] = field(default_factory=dict)


@record
class HostingContext:
    """What a pattern hands the hosting side.

    Attributes:
        ids: Logical IDs of this instance of the pattern.
        key: The pattern's key; the pattern adds it to the template when anything uses it
            (:attr:`HostedEndpoint.uses_key` for the hosting side).
        network: The private network the model joins, or None.
        deletion_policy: Of the pattern's bucket. Default ``Retain``.
    """

    ids: LogicalIds
    key: KeyBundle
    network: PrivateNetwork | None = None
    deletion_policy: str = DEFAULT_DELETION_POLICY


@record
class HostedEndpoint:
    """The SageMaker side, built.

    Attributes:
        endpoint: The endpoint to invoke: the created one, or the caller's.
        resources: Everything the hosting side adds to a template.
        conditions: The Conditions those resources use.
        role: The created execution role; None for a caller's role or an existing endpoint.
        model: The created Model; None with an existing endpoint.
        endpoint_config: The created EndpointConfig; None with an existing endpoint.
        bucket: The pattern's bucket, when an option stores data in it.
        topics: The SNS topics created (async results and failures).
        alarms: The alarms on the endpoint's variants (and on its queue).
        rollback_alarm_names: The alarms a rollout watches.
        client_statements: What a client's role needs to use the endpoint.
        client_environment: Environment a client's code reads (async paths; the inference
            components' names in ``SAGEMAKER_INFERENCE_COMPONENTS``), beside the endpoint's
            name, which the pattern puts under the variable it chooses.
        runtime_actions: What the SageMaker Runtime VPC endpoint must let a client call.
        gateway_s3_statements: What the S3 gateway VPC endpoint must let through (model data
            downloads, captures and async payloads); empty without a private network.
        component_arns: The inference components' ARNs (``Ref`` of each), invoked beside the
            endpoint.
        uses_key: The hosting side uses the pattern's key (volume, bucket, topics, captures).
        outputs: What a template exports of it: the endpoint's name and ARN, the model's name,
            the bucket's name and the created topics' ARNs.
    """

    endpoint: EndpointReference
    resources: tuple[BaseAWSObject, ...] = ()
    conditions: Mapping[str, Any] = field(default_factory=dict)
    role: iam.Role | None = None
    model: sagemaker.Model | None = None
    endpoint_config: sagemaker.EndpointConfig | None = None
    bucket: PatternBucket | None = None
    topics: tuple[sns.Topic, ...] = ()
    alarms: tuple[cloudwatch.Alarm, ...] = ()
    rollback_alarm_names: tuple[Sub, ...] = ()
    client_statements: tuple[Statement, ...] = ()
    client_environment: Mapping[str, Any] = field(default_factory=dict)
    runtime_actions: tuple[Action, ...] = (actions.sagemaker.InvokeEndpoint,)
    gateway_s3_statements: tuple[Statement, ...] = ()
    component_arns: tuple[Any, ...] = ()
    uses_key: bool = False
    outputs: tuple[OutputRow, ...] = ()

    def service_endpoints(
        self, private: PrivateNetwork | None, ids: LogicalIds
    ) -> list[BaseAWSObject]:
        """The VPC endpoints a private network needs for this endpoint, if the pattern makes them.

        SageMaker Runtime, open to this account's principals for this endpoint only; S3, for
        what may pass the gateway (:attr:`gateway_s3_statements`).
        """
        if private is None or not private.creates_endpoints:
            return []
        return network.service_endpoints(
            private,
            ids,
            runtime_policy=iam_policies.account_principals_only(
                self.runtime_actions, [self.endpoint.arn, *self.component_arns]
            ),
            s3_statements=self.gateway_s3_statements,
        )


def hosted_endpoint(hosting: Hosting, context: HostingContext) -> HostedEndpoint:
    """Build the SageMaker side: an existing endpoint's reference, or everything to host one.

    Args:
        hosting: The validated props and options (:meth:`Hosting.problems` found none).
        context: Logical IDs, the key, the network, the deletion policy.
    """
    if not hosting.creates_endpoint:
        endpoint = EndpointReference.of(hosting.existing_sagemaker_endpoint_obj)
        pinned = hosting.target_models
        return HostedEndpoint(
            endpoint,
            client_statements=(iam_policies.invoke_endpoint(endpoint.arn, target_models=pinned),),
            client_environment=target_models.environment(pinned),
            outputs=_endpoint_outputs(endpoint),
        )
    return _Builder(hosting, context).build()


def _endpoint_outputs(endpoint: EndpointReference) -> tuple[OutputRow, ...]:
    return (
        (core_ids.OUTPUT_ENDPOINT_NAME, endpoint.name, "Name of the SageMaker endpoint"),
        (core_ids.OUTPUT_ENDPOINT_ARN, endpoint.arn, "ARN of the SageMaker endpoint"),
    )


@record
class _Builder:
    hosting: Hosting
    context: HostingContext

    def build(self) -> HostedEndpoint:
        hosting, ids, key = self.hosting, self.context.ids, self.context.key
        plan = hosting.plan
        bucket = self._bucket()
        asynchronous = self._async(bucket)
        capture = None
        if hosting.data_capture is not None:
            from troposphere_patterns.core.hosting.options.data_capture import data_capture

            capture = data_capture(hosting.data_capture, bucket=bucket, key_arn=key.arn)
        make = (
            AlarmMaker(hosting.alarms, ids(core_ids.ALARM_TOPIC_CONDITION))
            if hosting.alarms is not None
            else None
        )
        components = bool(hosting.components)
        if components:  # their builder loads only for a template that has some
            from troposphere_patterns.core.hosting import components as parts
        watch = (
            endpoint_alarms(
                make,
                ids(core_ids.SAGEMAKER_ENDPOINT),
                plan.variant_names,
                asynchronous=asynchronous is not None,
            )
            if make is not None and not components  # components have their own alarms
            else AlarmsBundle((), ())
        )
        model_group, model_network = self._model_network()
        required_config = {
            **({"AsyncInferenceConfig": asynchronous.config} if asynchronous else {}),
            **({"DataCaptureConfig": capture.config} if capture else {}),
        }
        rollout = None
        if hosting.rollout is not None and make is not None and not components:
            from troposphere_patterns.core.hosting.options.rollout import deployment_config

            rollout = deployment_config(hosting.rollout, watch.rollback_names)
        side = sagemaker_endpoint(
            ids,
            plan=plan,
            required_config=required_config,
            endpoint_props=merge(
                hosting.endpoint_props, {"DeploymentConfig": rollout} if rollout else None
            ),
            kms_key_arn=None if plan.caller_key else key.arn,
            network=model_network,
            serverless=plan.serverless,
            scaling=hosting.autoscaling,
            role_statements=[
                *(capture.statements if capture else ()),
                *(asynchronous.sagemaker_statements if asynchronous else ()),
                # SageMaker reads a rollout's alarms with the execution role.
                *((iam_policies.describe_alarms(watch.rollback_arns),) if rollout else ()),
                *(
                    (iam_policies.describe_alarms(parts.rollback_alarm_arns(plan, ids)),)
                    if components and hosting.rollout is not None and make is not None
                    else ()
                ),
            ],
        )
        endpoint = EndpointReference.of(side.endpoint)
        hosted = (
            parts.inference_components(
                plan,
                parts.ComponentContext(
                    ids, side.endpoint, side.endpoint_config, make, hosting.rollout
                ),
            )
            if components
            else ComponentsBundle()
        )
        resources: list[BaseAWSObject] = [
            *(bucket.resources if bucket else ()),
            *(asynchronous.resources if asynchronous else ()),
            *((model_group,) if model_group is not None else ()),
            *self._notification_endpoint(model_group, asynchronous),
            *side.resources,
            *watch.alarms,
            *hosted.resources,
        ]
        return HostedEndpoint(
            endpoint,
            resources=tuple(resources),
            conditions={**side.conditions, **(make.conditions if make else {})},
            role=side.role,
            model=side.model,
            endpoint_config=side.endpoint_config,
            bucket=bucket,
            topics=asynchronous.topics if asynchronous else (),
            alarms=(*watch.alarms, *hosted.alarms),
            rollback_alarm_names=(*watch.rollback_names, *hosted.rollback_names),
            client_statements=(
                tuple(asynchronous.client_statements)
                if asynchronous
                else (
                    iam_policies.invoke_endpoint(
                        endpoint.arn, *hosted.arns, target_models=hosting.target_models
                    ),
                )
            ),
            client_environment=(
                asynchronous.client_environment
                if asynchronous
                else {
                    **target_models.environment(hosting.target_models),
                    **hosted.environment,
                }
            ),
            component_arns=hosted.arns,
            runtime_actions=(
                (actions.sagemaker.InvokeEndpointAsync,)
                if asynchronous
                else (actions.sagemaker.InvokeEndpoint,)
            ),
            gateway_s3_statements=self._gateway_s3(model_network, capture, asynchronous),
            uses_key=(plan.takes_pattern_key or capture is not None or asynchronous is not None),
            outputs=self._outputs(endpoint, side.model, bucket, asynchronous, hosted.names),
        )

    def _outputs(
        self,
        endpoint: EndpointReference,
        model: sagemaker.Model | None,
        bucket: PatternBucket | None,
        asynchronous: AsyncInferenceBundle | None,
        component_names: tuple[Any, ...] = (),
    ) -> tuple[OutputRow, ...]:
        """The endpoint's name and ARN, the model's (or components') names, bucket, topics."""
        rows = list(_endpoint_outputs(endpoint))
        if model is not None:
            model_name = GetAtt(model, "ModelName")
            rows.append((core_ids.OUTPUT_MODEL_NAME, model_name, "Name of the SageMaker model"))
        if component_names:
            rows.append(
                (
                    core_ids.OUTPUT_INFERENCE_COMPONENT_NAMES,
                    Join(",", list(component_names)),
                    "Names of the endpoint's inference components, comma-separated",
                )
            )
        if bucket is not None:
            name = Ref(bucket.bucket)
            rows.append((core_ids.OUTPUT_DATA_BUCKET_NAME, name, "Bucket of the SageMaker data"))
        created = {topic.title: topic for topic in (asynchronous.topics if asynchronous else ())}
        for base, output, what in (
            (core_ids.ASYNC_SUCCESS_TOPIC, core_ids.OUTPUT_ASYNC_SUCCESS_TOPIC_ARN, "results"),
            (core_ids.ASYNC_ERROR_TOPIC, core_ids.OUTPUT_ASYNC_ERROR_TOPIC_ARN, "failures"),
        ):
            topic = created.get(self.context.ids(base))
            if topic is not None:  # a topic's Ref is its ARN
                rows.append((output, Ref(topic), f"SNS topic notified of async {what}"))
        return tuple(rows)

    def _bucket(self) -> PatternBucket | None:
        """The one bucket for what the options store (each under its prefix), if any does."""
        if not self.hosting.bucket_prefixes():
            return None
        from troposphere_patterns.core.bucket import BucketIds, pattern_bucket

        ids = self.context.ids
        return pattern_bucket(
            BucketIds(bucket=ids(core_ids.DATA_BUCKET), policy=ids(core_ids.DATA_BUCKET_POLICY)),
            kms_key_arn=self.context.key.arn,
            deletion_policy=self.context.deletion_policy,
        )

    def _async(self, bucket: PatternBucket | None) -> AsyncInferenceBundle | None:
        """Async inference: its topics and grants, in the pattern's bucket unless given paths."""
        option = self.hosting.async_inference
        if option is None:
            return None
        from troposphere_patterns.core.hosting.options.async_inference import (
            AsyncContext,
            async_inference,
        )

        ids = self.context.ids
        context = AsyncContext(
            success_topic_id=ids(core_ids.ASYNC_SUCCESS_TOPIC),
            error_topic_id=ids(core_ids.ASYNC_ERROR_TOPIC),
            endpoint_arn=Ref(ids(core_ids.SAGEMAKER_ENDPOINT)),  # the endpoint, built later
            kms_key_arn=self.context.key.arn,
            bucket=bucket,
        )
        return async_inference(option, context)

    def _model_network(self) -> tuple[BaseAWSObject | None, ModelNetwork | None]:
        """The model's group and subnets in the private network (a serverless model has none)."""
        private = self.context.network
        if private is None or self.hosting.plan.serverless:
            return None, None
        group = network.security_group(
            self.context.ids(core_ids.MODEL_SECURITY_GROUP),
            vpc_id=private.network.vpc_id,
            description="SageMaker model: HTTPS out for the model download (S3 gateway)",
            egress=[network.https_to_s3("S3 through the gateway endpoint; no other route out")],
        )
        return group, ModelNetwork(private.network.subnet_ids, Ref(group))

    def _notification_endpoint(
        self, model_group: BaseAWSObject | None, asynchronous: AsyncInferenceBundle | None
    ) -> list[BaseAWSObject]:
        """An SNS endpoint for the async notifications, when the model is in the private network."""
        private = self.context.network
        if (
            private is None
            or not private.creates_endpoints
            or model_group is None
            or asynchronous is None
            or not asynchronous.notification_topics
        ):
            return []
        return network.notification_endpoint(
            private,
            self.context.ids,
            topic_arns=asynchronous.notification_topics,
            from_group_id=Ref(model_group),
        )

    def _gateway_s3(
        self,
        model_network: ModelNetwork | None,
        capture: CaptureBundle | None,
        asynchronous: AsyncInferenceBundle | None,
    ) -> tuple[Statement, ...]:
        """What the S3 gateway endpoint lets through: the model's reads and writes, async data."""
        if self.context.network is None:
            return ()
        statements: list[Statement] = []
        if model_network is not None:
            reads = model_data.s3_reads(self.hosting.plan.containers)
            statements += model_data.read_statements(reads)
            statements += [capture.write] if capture else []
        statements += asynchronous.s3_statements if asynchronous else []
        return tuple(statements)
