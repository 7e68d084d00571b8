"""Application Auto Scaling for SageMaker endpoint variants: a target and a policy per variant.

Each scaled variant gets an ``AWS::ApplicationAutoScaling::ScalableTarget`` on
``endpoint/<name>/variant/<variant>`` and a target-tracking ``ScalingPolicy``. What scales, and on
which metric, depends on how the variant is hosted, a :class:`ScalingMode`: instance variants
scale their instance count on invocations per instance; serverless variants with provisioned
concurrency scale that concurrency on its utilization (the only metric that dimension accepts);
asynchronous endpoints scale their instances on the queue (async endpoints publish no
invocations metric). A mode also says how low the minimum may go: real-time variants keep at
least one instance, async ones may stop all of them, and then an alarm on
``HasBacklogWithoutCapacity`` starts the first one when a request queues (target tracking
cannot: with no instance there is no backlog per instance to track).

No ``RoleARN``: Application Auto Scaling uses (and creates on first use) its service-linked role
``AWSServiceRoleForApplicationAutoScaling_SageMakerEndpoint``. The target names the endpoint
through ``GetAtt``, so CloudFormation registers it only once the endpoint is InService (the
variant does not exist before). With scaling on, the Endpoint sets
``RetainAllVariantProperties``: a config update then keeps the scaled instance count instead of
resetting it to ``InitialInstanceCount``. Changing a scaled variant's instance type fails while
the variant is registered (SageMaker developer guide, endpoint-scaling-update).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from troposphere import GetAtt, Ref, Sub

from troposphere_patterns.core import formats
from troposphere_patterns.core import ids as logical_ids
from troposphere_patterns.core.hosting import instance_types
from troposphere_patterns.core.options import bounds_problems, deploy_time, integer, number
from troposphere_patterns.core.overrides import build
from troposphere_patterns.core.values import Value
from troposphere_patterns.errors import Problem
from troposphere_patterns.records import record

if TYPE_CHECKING:
    from troposphere import applicationautoscaling, cloudwatch, sagemaker

    from troposphere_patterns.core.hosting.plan import EndpointPlan

SERVICE_NAMESPACE = "sagemaker"
POLICY_TYPE = "TargetTrackingScaling"
DEFAULT_MIN_CAPACITY = 1
DEFAULT_SCALE_IN_COOLDOWN = 300
DEFAULT_SCALE_OUT_COOLDOWN = 60
# The Endpoint properties scaling needs: keep the scaled count across config updates.
ENDPOINT_PROPERTIES: Mapping[str, Any] = {"RetainAllVariantProperties": True}

# (endpoint name, variant name) -> a CustomizedMetricSpecification.
CustomizedMetric = Callable[[Any, str], dict[str, Any]]


@record(kw_only=True)
class ScalingMode:
    """What scales for one way of hosting a variant, and on which metric.

    Attributes:
        name: For messages, e.g. ``instance variants``.
        dimension: The ``ScalableDimension``.
        metric_name: The metric: one of Application Auto Scaling's predefined metric types,
            or the name of a customized one. It also names the policy.
        default_target: The target value when the option gives none.
        lowest_min: The lowest ``min_capacity`` the mode allows.
        highest_target: The highest target value, for a utilization (a fraction); None if none.
        customized_metric: For a metric that is not predefined: builds its
            ``CustomizedMetricSpecification``. None for a predefined metric.
        wakes_from_zero: At zero capacity, a step policy and its alarm add the first instance.
    """

    name: str
    dimension: str
    metric_name: str
    default_target: float
    lowest_min: int = 1
    highest_target: float | None = None
    customized_metric: CustomizedMetric | None = None
    wakes_from_zero: bool = False

    def metric(self, endpoint_name: Any, variant: str) -> dict[str, Any]:
        """The policy's metric specification for one variant."""
        if self.customized_metric is not None:
            spec = self.customized_metric(endpoint_name, variant)
            return {"CustomizedMetricSpecification": spec}
        return {"PredefinedMetricSpecification": {"PredefinedMetricType": self.metric_name}}


INSTANCES = ScalingMode(
    name="instance variants",
    dimension="sagemaker:variant:DesiredInstanceCount",
    metric_name="SageMakerVariantInvocationsPerInstance",
    # Invocations per instance per minute, as in the SageMaker developer guide's example; the
    # right value is a load test's sustainable requests per second x 60 x a safety factor.
    default_target=70.0,
)
PROVISIONED_CONCURRENCY = ScalingMode(
    name="Serverless Inference provisioned concurrency",
    dimension="sagemaker:variant:DesiredProvisionedConcurrency",
    metric_name="SageMakerVariantProvisionedConcurrencyUtilization",
    # A fraction of the warm copies in use. Requests beyond them are still served on demand
    # (with a cold start) up to MaxConcurrency, so the warm pool may run fairly full.
    default_target=0.7,
    highest_target=1.0,
)
# Concurrent requests per model copy, published every 10 seconds, counting requests queued in
# the container and a streamed response until its last token: GPU and LLM variants, whose
# requests last seconds, scale out on it in seconds (SageMaker developer guide,
# endpoint-auto-scaling-add-code-define, "high-resolution predefined metric"). Published for
# real-time instance variants only: serverless variants scale provisioned concurrency, whose
# dimension takes only its utilization, and asynchronous endpoints queue requests outside the
# container and scale on that queue.
CONCURRENCY_METRIC = "SageMakerVariantConcurrentRequestsPerModelHighResolution"
CONCURRENCY = ScalingMode(
    name="instance variants scaled on concurrency",
    dimension="sagemaker:variant:DesiredInstanceCount",
    metric_name=CONCURRENCY_METRIC,
    # The developer guide's example adds instances above 5 concurrent requests per model; the
    # right value is the concurrency one copy serves within its latency goal (a load test).
    default_target=5.0,
)
# What Autoscaling.metric may name for instance variants (None: the endpoint's default).
INSTANCE_METRICS = (INSTANCES.metric_name, CONCURRENCY_METRIC)
ASYNC_NAMESPACE = "AWS/SageMaker"


def _endpoint_metric(metric_name: str) -> CustomizedMetric:
    def spec(endpoint_name: Any, variant: str) -> dict[str, Any]:
        # Async queue metrics are per endpoint, not per variant.
        return {
            "MetricName": metric_name,
            "Namespace": ASYNC_NAMESPACE,
            "Dimensions": [{"Name": "EndpointName", "Value": endpoint_name}],
            "Statistic": "Average",
        }

    return spec


ASYNC_BACKLOG = ScalingMode(
    name="asynchronous endpoints",
    dimension="sagemaker:variant:DesiredInstanceCount",
    metric_name="ApproximateBacklogSizePerInstance",
    # Queued requests per instance: a few keep every instance busy and the queue short.
    default_target=5.0,
    lowest_min=0,
    customized_metric=_endpoint_metric("ApproximateBacklogSizePerInstance"),
    wakes_from_zero=True,
)
# The first instance after zero: one more whenever requests queue with no instance to take them.
WAKE_METRIC = "HasBacklogWithoutCapacity"
WAKE_PERIOD_SECONDS = 60
WAKE_EVALUATION_PERIODS = 2
# The wake policy's own cooldown: the first instance takes minutes to start (the instance,
# then the model's download and load), and the alarm stays in ALARM until it serves. The
# 60 s scale-out cooldown would add a second instance while the first one starts.
WAKE_COOLDOWN_SECONDS = 600


@record(kw_only=True)
class Autoscaling:
    """Scale each variant of the endpoint between a minimum and a maximum, on a target metric.

    Values may be literals or intrinsics (a ``Ref`` to a Parameter).

    Attributes:
        max_capacity: The most instances (or warm copies, for serverless provisioned
            concurrency) a variant scales to: the cost ceiling. Required.
        min_capacity: The fewest, at least 1 for a real-time endpoint. Default 1.
        target_value: The metric's target per variant: invocations per instance per minute for
            instance variants (default 70), the fraction of provisioned concurrency in use for
            serverless (default 0.7). Default None (the mode's default).
        scale_in_cooldown: Seconds after a scale-in before the next one. Default 300.
        scale_out_cooldown: Seconds after a scale-out before the next one; short, so spikes are
            met quickly. Default 60.
        metric: The predefined metric instance variants of a real-time endpoint scale on:
            ``SageMakerVariantInvocationsPerInstance`` or
            ``SageMakerVariantConcurrentRequestsPerModelHighResolution`` (concurrent requests
            per model copy, high resolution: recommended for GPU and LLM variants, target
            default 5). Default None: invocations per instance (async endpoints: their queue;
            serverless: provisioned concurrency utilization).
    """

    max_capacity: Value
    min_capacity: Value = DEFAULT_MIN_CAPACITY
    target_value: Value | None = None
    scale_in_cooldown: Value = DEFAULT_SCALE_IN_COOLDOWN
    scale_out_cooldown: Value = DEFAULT_SCALE_OUT_COOLDOWN
    metric: str | None = None

    def target(self, mode: ScalingMode) -> Value:
        """The target value under ``mode``."""
        return mode.default_target if self.target_value is None else self.target_value

    def problems(self, mode: ScalingMode, where: str = "autoscaling") -> list[Problem]:
        """What is wrong with the values under ``mode``, each naming its field."""
        low = self.min_capacity
        zero = " (a real-time endpoint cannot scale to zero)" if low == 0 else ""
        found = bounds_problems(
            low,
            self.max_capacity,
            f"{where}.min_capacity",
            f"{where}.max_capacity",
            lowest=mode.lowest_min,
            low_note=f" for {mode.name}{zero}",
        )
        target = self.target(mode)
        if not deploy_time(target) and (
            not number(target)
            or target <= 0
            or (mode.highest_target is not None and target > mode.highest_target)
        ):
            limit = f" and at most {mode.highest_target}" if mode.highest_target else ""
            found.append(
                Problem(
                    f"{where}.target_value",
                    f"{target!r} must be a number above 0{limit} for {mode.name} "
                    f"({mode.metric_name})",
                )
            )
        for name in ("scale_in_cooldown", "scale_out_cooldown"):
            value = getattr(self, name)
            if not deploy_time(value) and (not integer(value) or value < 0):
                found.append(
                    Problem(f"{where}.{name}", f"{value!r} must be a whole number of seconds")
                )
        return found


@record
class ScaledVariant:
    """A variant to scale.

    Attributes:
        name: The variant's name (a literal: it goes into the logical IDs).
        mode: How it scales.
    """

    name: str
    mode: ScalingMode


def scaled_variants(
    option: Autoscaling, plan: EndpointPlan
) -> tuple[list[ScaledVariant], list[Problem]]:
    """The production variants of the endpoint to scale, and the problems found.

    Instance variants scale their count (on the queue, for an asynchronous endpoint); a
    serverless variant scales its provisioned concurrency, and without any it has nothing to
    scale. Burstable instances (the table's burstable families) cannot autoscale. Shadow
    variants keep their count.
    """
    instance_mode, found = _instance_mode(option, plan)
    scaled: list[ScaledVariant] = []
    for variant in plan.production:
        # Literal, distinct names: the hosting rules' named_variants (the target carries it).
        path, name = variant.path, variant.name
        serverless = variant.serverless_config
        if isinstance(serverless, Mapping):
            warm, most = serverless.get("ProvisionedConcurrency"), serverless.get("MaxConcurrency")
            if option.metric is not None:
                found.append(
                    Problem.line(
                        ("autoscaling", "metric"),
                        f"autoscaling.metric {option.metric!r} with {path}, a Serverless "
                        "Inference variant: its provisioned concurrency scales only on "
                        f"{PROVISIONED_CONCURRENCY.metric_name}; drop autoscaling.metric",
                    )
                )
            if warm is None:
                found.append(
                    Problem.line(
                        ("autoscaling",),
                        f"autoscaling with {path}, a Serverless Inference variant without "
                        "provisioned concurrency: SageMaker already scales it per request and "
                        "there is nothing to scale; give it provisioned concurrency "
                        "(serverless.provisioned_concurrency or its "
                        "ServerlessConfig.ProvisionedConcurrency) or drop autoscaling",
                    )
                )
                continue
            high = option.max_capacity
            if integer(high) and integer(most) and high > most:
                found.append(
                    Problem(
                        "autoscaling.max_capacity",
                        f"{high} is more than {path}.ServerlessConfig.MaxConcurrency ({most}); "
                        "provisioned concurrency cannot exceed it",
                    )
                )
            scaled.append(ScaledVariant(name, PROVISIONED_CONCURRENCY))
            continue
        for instance_type in variant.instance_types:
            value = instance_type.value
            if isinstance(value, str) and instance_types.burstable(value):
                found.append(
                    Problem.line(
                        ("autoscaling",),
                        f"autoscaling with {instance_type.path} {value!r}: SageMaker cannot "
                        "autoscale burstable (T2) instances; choose another type or drop "
                        "autoscaling",
                    )
                )
        scaled.append(ScaledVariant(name, instance_mode))
    for mode in {variant.mode.name: variant.mode for variant in scaled}.values():
        found += option.problems(mode)
    return scaled, found


def _instance_mode(option: Autoscaling, plan: EndpointPlan) -> tuple[ScalingMode, list[Problem]]:
    """How instance variants scale: the endpoint's default, or the metric the option names."""
    default = ASYNC_BACKLOG if plan.asynchronous else INSTANCES
    metric = option.metric
    if metric is None or metric == default.metric_name:
        return default, []
    if metric not in INSTANCE_METRICS:
        return default, [
            Problem(
                "autoscaling.metric",
                f"{metric!r} is not one of {', '.join(INSTANCE_METRICS)}",
            )
        ]
    if plan.asynchronous:
        return default, [
            Problem.line(
                ("autoscaling", "metric"),
                f"autoscaling.metric {metric!r} on an asynchronous endpoint: it queues requests "
                f"outside the container and scales on that queue ({default.metric_name}); drop "
                "autoscaling.metric",
            )
        ]
    return (CONCURRENCY if metric == CONCURRENCY_METRIC else INSTANCES), []


def endpoint_problems(
    endpoint_props: Mapping[str, Any], where: str = "endpoint_props"
) -> list[Problem]:
    """Endpoint properties that would undo scaling."""
    if endpoint_props.get("RetainAllVariantProperties") is False:
        return [
            Problem(
                f"{where}.RetainAllVariantProperties",
                "False with autoscaling: every config update would reset the scaled instance "
                "count to InitialInstanceCount",
            )
        ]
    return []


@record
class ScalingBundle:
    """The scaling resources of one endpoint.

    Attributes:
        targets: One ``ScalableTarget`` per scaled variant.
        policies: One target-tracking ``ScalingPolicy`` per target, and a step policy per
            target that may scale to zero (async endpoints).
        alarms: The ``HasBacklogWithoutCapacity`` alarm that runs each step policy.
    """

    targets: tuple[applicationautoscaling.ScalableTarget, ...]
    policies: tuple[applicationautoscaling.ScalingPolicy, ...]
    alarms: tuple[cloudwatch.Alarm, ...] = ()

    @property
    def resources(self) -> tuple[Any, ...]:
        """Everything to add to a template."""
        return (*self.targets, *self.policies, *self.alarms)


def endpoint_scaling(
    option: Autoscaling, variants: Sequence[ScaledVariant], endpoint: sagemaker.Endpoint
) -> ScalingBundle:
    """Build a scalable target and a target-tracking policy for each variant.

    Args:
        option: The limits, target and cooldowns (checked with :meth:`Autoscaling.problems`).
        variants: What to scale, from :func:`scaled_variants`.
        endpoint: The endpoint; its logical ID starts the resources' IDs, which then carry the
            variant's name, so adding a variant never renames another's target (a replaced
            target with the same ResourceId would be deregistered by the old one's deletion).
    """
    from troposphere import applicationautoscaling  # loaded only by a template that scales

    name = GetAtt(endpoint, "EndpointName")
    targets, policies, alarms = [], [], []
    for variant in variants:
        mode = variant.mode
        names = {"endpoint": endpoint.title, "variant": formats.variant_id(variant.name)}
        resource_id = f"endpoint/${{EndpointName}}/variant/{variant.name}"
        target = build(
            applicationautoscaling.ScalableTarget,
            {
                "ServiceNamespace": SERVICE_NAMESPACE,
                "ScalableDimension": mode.dimension,
                "ResourceId": Sub(resource_id, EndpointName=name),
                "MinCapacity": option.min_capacity,
                "MaxCapacity": option.max_capacity,
            },
            logical_ids.SCALABLE_TARGET.format(**names),
        )
        configuration = {
            "TargetValue": option.target(mode),
            "ScaleInCooldown": option.scale_in_cooldown,
            "ScaleOutCooldown": option.scale_out_cooldown,
            **mode.metric(name, variant.name),
        }
        policy = build(
            applicationautoscaling.ScalingPolicy,
            {
                "PolicyName": f"{variant.name}-{mode.metric_name}",
                "PolicyType": POLICY_TYPE,
                "ScalingTargetId": Ref(target),
                "TargetTrackingScalingPolicyConfiguration": configuration,
            },
            logical_ids.SCALING_POLICY.format(**names),
        )
        targets.append(target)
        policies.append(policy)
        low = option.min_capacity
        if mode.wakes_from_zero and (low == 0 or deploy_time(low)):
            wake, alarm = _wake_from_zero(option, variant, target, name, names)
            policies.append(wake)
            alarms.append(alarm)
    return ScalingBundle(tuple(targets), tuple(policies), tuple(alarms))


def _wake_from_zero(
    option: Autoscaling,
    variant: ScaledVariant,
    target: applicationautoscaling.ScalableTarget,
    endpoint_name: Any,
    names: Mapping[str, str],
) -> tuple[applicationautoscaling.ScalingPolicy, cloudwatch.Alarm]:
    """A step policy adding one instance, run by an alarm on requests queued without any."""
    return step_up_on_alarm(
        target,
        policy_title=logical_ids.WAKE_FROM_ZERO_POLICY.format(**names),
        policy_name=f"{variant.name}-{WAKE_METRIC}",
        cooldown=WAKE_COOLDOWN_SECONDS,
        aggregation="Average",
        alarm_title=logical_ids.WAKE_FROM_ZERO_ALARM.format(**names),
        alarm={
            "AlarmDescription": "Requests are queued and no instance runs: start one",
            "Namespace": ASYNC_NAMESPACE,
            "MetricName": WAKE_METRIC,
            "Dimensions": [{"Name": "EndpointName", "Value": endpoint_name}],
            "Statistic": "Average",
            "EvaluationPeriods": WAKE_EVALUATION_PERIODS,
            "DatapointsToAlarm": WAKE_EVALUATION_PERIODS,
        },
    )


def step_up_on_alarm(
    target: applicationautoscaling.ScalableTarget,
    *,
    policy_title: str,
    policy_name: str,
    cooldown: Value,
    aggregation: str,
    alarm_title: str,
    alarm: Mapping[str, Any],
) -> tuple[applicationautoscaling.ScalingPolicy, cloudwatch.Alarm]:
    """Wake from zero: a step policy adding one to ``target``, run by an alarm at 1 or more.

    Target tracking never leaves zero, so an endpoint variant and an inference component that
    may scale to zero both get this pair.

    Args:
        target: The scalable target.
        policy_title: The step policy's logical ID.
        policy_name: Its ``PolicyName``.
        cooldown: Seconds before another step: at least a cold start, or it adds a second
            instance or copy while the first one loads.
        aggregation: The policy's ``MetricAggregationType``.
        alarm_title: The alarm's logical ID (its name: the stack's name, then this ID).
        alarm: The alarm's description, metric, dimensions, statistic and periods.
    """
    from troposphere import applicationautoscaling, cloudwatch

    policy = build(
        applicationautoscaling.ScalingPolicy,
        {
            "PolicyName": policy_name,
            "PolicyType": "StepScaling",
            "ScalingTargetId": Ref(target),
            "StepScalingPolicyConfiguration": {
                "AdjustmentType": "ChangeInCapacity",
                "Cooldown": cooldown,
                "MetricAggregationType": aggregation,
                "StepAdjustments": [{"MetricIntervalLowerBound": 0, "ScalingAdjustment": 1}],
            },
        },
        policy_title,
    )
    step = build(
        cloudwatch.Alarm,
        {
            "AlarmName": Sub(f"${{AWS::StackName}}-{alarm_title}"),
            "Period": WAKE_PERIOD_SECONDS,
            **alarm,
            "Threshold": 1,
            "ComparisonOperator": "GreaterThanOrEqualToThreshold",
            # No data while busy or idle with capacity: keep the alarm's state.
            "TreatMissingData": "missing",
            "AlarmActions": [Ref(policy)],  # a scaling policy's Ref is its ARN
        },
        alarm_title,
    )
    return policy, step
