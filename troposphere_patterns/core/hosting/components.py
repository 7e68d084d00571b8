"""Inference components: what the endpoint allows of them, and their resources.

Per component (:class:`InferenceComponent`): its ``AWS::SageMaker::Model`` (not for an adapter),
the ``AWS::SageMaker::InferenceComponent``, a scalable target on
``sagemaker:inference-component:DesiredCopyCount`` with its target-tracking policy and, when it
may reach 0 copies, the wake-up pair target tracking cannot give (it never leaves zero): a step
policy adding one copy, run by an alarm on the component's ``NoCapacityInvocationFailures``
(SageMaker developer guide, endpoint-auto-scaling-zero-instances). Alarms on the component's own
dimension watch its errors and latency, and a rollout updates it copy batch by copy batch,
rolling back on them.

Names: each component is named ``<stem>-<12 hex digits of the stack's ID>``
(:func:`formats.component_stem`): at most 63 characters, unique in the account and region, and
the same across stack updates. ``Fn::GetAtt <component>.InferenceComponentName`` does not exist,
so the scalable target, the alarms, the adapters and the client all use this one name, built
the same way. ``Ref`` of a component is its ARN (the grant).

Order: the component names the endpoint through ``GetAtt`` (created after it, deleted before
it: an endpoint with components cannot be deleted), the scalable target depends on the
component (registered after it, deregistered before it is deleted), an adapter on its base.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from troposphere import (
    BaseAWSObject,
    GetAtt,
    Join,
    Ref,
    Select,
    Split,
    Sub,
    applicationautoscaling,
    cloudwatch,
    sagemaker,
)

from troposphere_patterns.core import formats, values
from troposphere_patterns.core import ids as core_ids
from troposphere_patterns.core.hosting import accelerators, instance_types, model_data
from troposphere_patterns.core.hosting.build import ComponentsBundle
from troposphere_patterns.core.hosting.endpoint import MODEL_DEFAULTS
from troposphere_patterns.core.hosting.options.alarms import (
    SAGEMAKER_NAMESPACE,
    AlarmMaker,
    alarm_arn,
    alarm_name,
    dimension,
    latency_watch,
)
from troposphere_patterns.core.hosting.options.autoscaling import step_up_on_alarm
from troposphere_patterns.core.hosting.options.inference_components import InferenceComponent
from troposphere_patterns.core.hosting.plan import COMPONENTS_WHERE, CONFIG_WHERE, EndpointPlan
from troposphere_patterns.core.ids import LogicalIds
from troposphere_patterns.core.options import integer
from troposphere_patterns.core.overrides import build, merge, plain
from troposphere_patterns.core.overrides import problems as property_problems
from troposphere_patterns.errors import Problem, parse_path
from troposphere_patterns.records import record

if TYPE_CHECKING:  # rollout.py loads only for a template with a rollout
    from troposphere_patterns.core.hosting.options.rollout import Rollout

# The client's environment: the components' names, comma-separated, in the order given.
ENVIRONMENT_VARIABLE = "SAGEMAKER_INFERENCE_COMPONENTS"
SCALABLE_DIMENSION = "sagemaker:inference-component:DesiredCopyCount"
# The metric that says a request found no copy (the component is at zero): the wake-up signal.
NO_CAPACITY_METRIC = "NoCapacityInvocationFailures"
# CloudFormation's Specifications: one entry per instance type of the variant's pools.
SPECIFICATIONS = (2, 5)
# Specification.Container.Environment, as CloudFormation's schema limits it (maxProperties).
MAX_CONTAINER_ENVIRONMENT = 16


def component_name(prefix: str, component: InferenceComponent, *, before: str = "") -> Sub:
    """The component's ``InferenceComponentName``: its stem, then 12 hex digits of the stack ID.

    The stack's ID (``arn:...:stack/<name>/<uuid>``) ends in a random UUID whose last group is
    12 hex digits: lower case, like the stem, and fixed for the stack's life.

    Args:
        prefix: The pattern instance's logical ID prefix (two instances in one stack differ).
        component: The component.
        before: Text in front of the name (``inference-component/`` for a scaling ResourceId).
    """
    stack_uuid = Select(2, Split("/", Ref("AWS::StackId")))
    suffix = Select(4, Split("-", stack_uuid))
    stem = formats.component_stem(prefix, component.name)
    return Sub(f"{before}{stem}-${{StackIdSuffix}}", StackIdSuffix=suffix)


def _part(component: InferenceComponent) -> str:
    return formats.variant_id(component.name)


# --------------------------------------------------------------------------- rules


def valid_components(given: Any) -> tuple[InferenceComponent, ...]:
    """The entries of the ``inference_components`` field that are components."""
    if not isinstance(given, list | tuple):
        return ()
    return tuple(c for c in given if isinstance(c, InferenceComponent))


def shape_problems(given: Any, where: str = COMPONENTS_WHERE) -> list[Problem]:
    """The field is a non-empty list of :class:`InferenceComponent`, each right on its own."""
    if not isinstance(given, list | tuple) or not given:
        return [Problem(where, "must be a non-empty list of InferenceComponent")]
    found: list[Problem] = []
    for index, component in enumerate(given):
        at = f"{where}[{index}]"
        if not isinstance(component, InferenceComponent):
            found.append(
                Problem(at, f"must be an InferenceComponent, not {type(component).__name__}")
            )
            continue
        found += component.problems(at)
        found += values.problems(
            {
                f"{at}.model_props": component.model_props,
                f"{at}.component_props": component.component_props,
            }
        )
        found += _model_problems(component, at)
        found += _component_props_problems(component, at)
    return found + _name_problems(given, where)


def _model_problems(component: InferenceComponent, where: str) -> list[Problem]:
    if not isinstance(component.model_props, Mapping):
        return []
    at = f"{where}.model_props"
    found = property_problems(sagemaker.Model, component.model_props, at)
    model = plain(component.model_props)
    containers = model_data.containers(model, at)
    found += model_data.problems(model, containers, at)
    for container in containers:
        found += values.string_map_problems(
            container.props.get("Environment"), f"{container.path}.Environment"
        )
    return found


def _component_props_problems(component: InferenceComponent, where: str) -> list[Problem]:
    """The CloudFormation-only rules of ``AWS::SageMaker::InferenceComponent``'s properties.

    troposphere's table already requires both of ``SchedulingConfig``'s ``PlacementStrategy``
    and ``AvailabilityZoneBalance`` (the API requires only the first), and names the path.
    """
    props = component.component_props
    if not isinstance(props, Mapping):
        return []
    at = f"{where}.component_props"
    found = property_problems(sagemaker.InferenceComponent, props, at)
    props = plain(props)
    for owned in ("EndpointName", "InferenceComponentName", "VariantName", "RuntimeConfig"):
        if owned in props:
            found.append(
                Problem(
                    f"{at}.{owned}",
                    "set by the pattern (the endpoint, the component's stable name, its copies)",
                )
            )
    specs = props.get("Specifications")
    entries: list[tuple[str, Any]] = []
    if "Specification" in props:
        entries.append((f"{at}.Specification", props["Specification"]))
    if specs is not None:
        if "Specification" in props:
            found.append(
                Problem.line(
                    parse_path(f"{at}.Specifications"),
                    f"{at}.Specification and {at}.Specifications: give one or the other",
                )
            )
        if component.adapter:
            found.append(
                Problem(
                    f"{at}.Specifications",
                    "an adapter takes the singular Specification only (its base's compute)",
                )
            )
        if isinstance(specs, list | tuple):
            low, high = SPECIFICATIONS
            if not low <= len(specs) <= high:
                found.append(
                    Problem(
                        f"{at}.Specifications",
                        f"{len(specs)} entries: CloudFormation takes {low} to {high} (one per "
                        "instance type of the variant's InstancePools); use Specification for "
                        "one",
                    )
                )
            entries += [(f"{at}.Specifications[{i}]", s) for i, s in enumerate(specs)]
    for path, spec in entries:
        if not isinstance(spec, Mapping):
            continue
        found += _specification_problems(component, spec, path)
    return found


def _specification_problems(
    component: InferenceComponent, spec: Mapping[str, Any], path: str
) -> list[Problem]:
    found: list[Problem] = []
    container = spec.get("Container")
    environment = container.get("Environment") if isinstance(container, Mapping) else None
    if isinstance(environment, Mapping) and len(environment) > MAX_CONTAINER_ENVIRONMENT:
        found.append(
            Problem(
                f"{path}.Container.Environment",
                f"{len(environment)} entries: a component's container takes at most "
                f"{MAX_CONTAINER_ENVIRONMENT} (put more in the model's own container)",
            )
        )
    if component.adapter and "ComputeResourceRequirements" in spec:
        found.append(
            Problem(
                f"{path}.ComputeResourceRequirements",
                f"an adapter uses its base's ({component.base!r}) compute; drop it",
            )
        )
    return found


def _name_problems(given: Sequence[Any], where: str) -> list[Problem]:
    """No two components alike as names (case-insensitive) or logical IDs; bases exist."""
    components = [(i, c) for i, c in enumerate(given) if isinstance(c, InferenceComponent)]
    found: list[Problem] = []
    seen: dict[str, str] = {}
    by_name = {c.name: c for _, c in components}
    for index, component in components:
        name = component.name
        if not isinstance(name, str) or not formats.COMPONENT_SHORT_NAME.match(name):
            continue
        key = name.lower()
        if key in seen or formats.variant_id(name) in seen:
            found.append(
                Problem(
                    f"{where}[{index}].name",
                    f"{name!r} and {seen.get(key, seen.get(formats.variant_id(name)))!r} give "
                    "the same component name or logical IDs; rename one",
                )
            )
        seen.setdefault(key, name)
        seen.setdefault(formats.variant_id(name), name)
        base = component.base
        if base is None:
            continue
        target = by_name.get(base)
        if target is None:
            known = ", ".join(repr(c.name) for _, c in components if not c.adapter) or "none"
            found.append(
                Problem(
                    f"{where}[{index}].base",
                    f"{base!r} is not a component of this endpoint (its components: {known})",
                )
            )
        elif target.adapter:
            found.append(
                Problem(
                    f"{where}[{index}].base",
                    f"{base!r} is itself an adapter; an adapter's base is a component with a model",
                )
            )
    if components and all(c.adapter for _, c in components):
        found.append(Problem(where, "only adapters: give the component they are based on"))
    return found


def endpoint_problems(
    plan: EndpointPlan,
    *,
    model_props: Any,
    serverless: Any,
    asynchronous: Any,
    autoscaling: Any,
    rollout: Rollout | None,
    where: str = COMPONENTS_WHERE,
) -> list[Problem]:
    """What the endpoint allows of its components, on the plan (components parsed in)."""
    found: list[Problem] = []
    path = parse_path(where)
    for name, given, why in (
        ("model_props", model_props, "each component has its own model_props"),
        ("serverless", serverless, "Serverless Inference hosts no inference components"),
        (
            "async_inference",
            asynchronous,
            "InvokeEndpointAsync takes no InferenceComponentName",
        ),
        (
            "autoscaling",
            autoscaling,
            "each component scales its copies (min_copies, max_copies) and the instances "
            "follow them (ManagedInstanceScaling)",
        ),
    ):
        if given is not None:
            found.append(Problem.line((*path, name), f"{where} with {name}: {why}"))
    if rollout is not None:
        from troposphere_patterns.core.hosting.options.rollout import ROLLING

        if rollout.strategy != ROLLING:
            found.append(
                Problem.line(
                    (*path, "rollout"),
                    f"{where} with a {rollout.strategy} rollout: components update copy batch "
                    "by copy batch; use Rollout.rolling()",
                )
            )
    if len(plan.production) != 1 or plan.variant_entries != 1:
        found.append(
            Problem(
                f"{CONFIG_WHERE}.ProductionVariants",
                f"{where} run on one production variant (and no shadow variant); this config has "
                f"{plan.variant_entries}",
            )
        )
    for variant in plan.variants:
        if "ModelName" in variant.props:
            found.append(
                Problem.line(
                    (*parse_path(f"{variant.path}.ModelName"), *path),
                    f"{variant.path}.ModelName with {where}: a variant hosts a model or "
                    'components, not both (SageMaker: "Inference Components are not supported '
                    'in this Endpoint")',
                )
            )
        if variant.serverless:
            found.append(
                Problem.line(
                    (*parse_path(f"{variant.path}.ServerlessConfig"), *path),
                    f"{variant.path}.ServerlessConfig with {where}: Serverless Inference hosts no "
                    "inference components",
                )
            )
        found += _instance_scaling_problems(plan, variant.path, variant.props, where)
        found += _accelerator_problems(plan, variant.instance_types, where)
    return found


def _instance_scaling_problems(
    plan: EndpointPlan, path: str, props: Mapping[str, Any], where: str
) -> list[Problem]:
    scaling = props.get("ManagedInstanceScaling")
    if not isinstance(scaling, Mapping):
        return []
    found: list[Problem] = []
    at = f"{path}.ManagedInstanceScaling"
    if "MaxInstanceCount" not in scaling:
        found.append(
            Problem(
                f"{at}.MaxInstanceCount",
                f"required when a max_copies of {where} is known only at deploy time (the "
                "pattern sums the literal ones)",
            )
        )
    low = scaling.get("MinInstanceCount")
    if low == 0 and integer(low) and plan.instances_to_zero is False:
        keeps = next(c.name for c in plan.components if not c.adapter and not c.may_reach_zero)
        found.append(
            Problem(
                f"{at}.MinInstanceCount",
                f"0 while component {keeps!r} keeps at least one copy (min_copies): the "
                "instances can go to zero only when every component can",
            )
        )
    return found


def _accelerator_problems(plan: EndpointPlan, types: Sequence[Any], where: str) -> list[Problem]:
    found: list[Problem] = []
    for index, component in enumerate(plan.components):
        wanted = component.accelerators
        if component.adapter or wanted is None or not integer(wanted):
            continue
        for given in types:
            instance_type = given.value
            if not isinstance(instance_type, str):
                continue
            family = instance_types.family(instance_type)
            has = accelerators.devices(instance_type)
            if family is not None and family.accelerator is None:
                has = 0
            if has is not None and wanted > has:
                found.append(
                    Problem(
                        f"{where}[{index}].accelerators",
                        f"{wanted} per copy, and {given.path} {instance_type!r} has {has}: no "
                        "copy could be placed; choose a larger type or fewer accelerators",
                    )
                )
    return found


# --------------------------------------------------------------------------- build


@record
class ComponentContext:
    """What the components are built against.

    Attributes:
        ids: Logical IDs of the pattern instance.
        endpoint: The ``AWS::SageMaker::Endpoint``.
        config: The ``AWS::SageMaker::EndpointConfig`` (its role and VPC go on the models).
        make: Builds the alarms, or None for none.
        rollout: Updates the components copy batch by copy batch, or None.
    """

    ids: LogicalIds
    endpoint: sagemaker.Endpoint
    config: sagemaker.EndpointConfig
    make: AlarmMaker | None = None
    rollout: Rollout | None = None


def inference_components(plan: EndpointPlan, context: ComponentContext) -> ComponentsBundle:
    """Build every component of the plan (checked: shape_problems, endpoint_problems)."""
    ids = context.ids
    names = {c.name: component_name(ids.prefix, c) for c in plan.components}
    built: dict[str, sagemaker.InferenceComponent] = {}
    resources: list[BaseAWSObject] = []
    alarms: list[cloudwatch.Alarm] = []
    rollback: list[Any] = []
    # Bases first: an adapter depends on its base.
    ordered = sorted(plan.components, key=lambda c: c.adapter)
    for component in ordered:
        part = _part(component)
        watched = _component_alarms(context.make, ids, component, names[component.name])
        resource, model = _component(plan, context, component, names, built, watched)
        built[component.name] = resource
        resources += [*((model,) if model is not None else ()), resource]
        if not component.adapter:
            resources += _scaling(ids, component, resource, names[component.name], part)
        alarms += watched
        rollback += [alarm_name(a.title) for a in watched]
    return ComponentsBundle(
        resources=(*resources, *alarms),
        names=tuple(names[c.name] for c in plan.components),
        arns=tuple(Ref(built[c.name]) for c in plan.components),
        alarms=tuple(alarms),
        rollback_names=tuple(rollback),
        environment={ENVIRONMENT_VARIABLE: Join(",", [names[c.name] for c in plan.components])},
    )


def _component(
    plan: EndpointPlan,
    context: ComponentContext,
    component: InferenceComponent,
    names: Mapping[str, Any],
    built: Mapping[str, sagemaker.InferenceComponent],
    watched: Sequence[cloudwatch.Alarm],
) -> tuple[sagemaker.InferenceComponent, sagemaker.Model | None]:
    ids, part = context.ids, _part(component)
    model = None
    specification: dict[str, Any]
    depends: list[str] = []
    if component.adapter:
        base = built[str(component.base)]
        specification = {
            "BaseInferenceComponentName": names[str(component.base)],
            "Container": {"ArtifactUrl": component.artifact_url},
        }
        depends.append(base.title)
    else:
        model = _model(context, component, part)
        requirements: dict[str, Any] = {"MinMemoryRequiredInMb": component.memory_mb}
        if component.accelerators is not None:
            requirements["NumberOfAcceleratorDevicesRequired"] = component.accelerators
        if component.cpu_cores is not None:
            requirements["NumberOfCpuCoresRequired"] = component.cpu_cores
        specification = {
            "ModelName": GetAtt(model, "ModelName"),
            "ComputeResourceRequirements": requirements,
        }
    props: dict[str, Any] = {
        "EndpointName": GetAtt(context.endpoint, "EndpointName"),
        "InferenceComponentName": names[component.name],
        "VariantName": plan.production[0].name,
        "Specification": specification,
    }
    if not component.adapter:
        props["RuntimeConfig"] = {"CopyCount": component.initial_copies}
        if context.rollout is not None and watched:
            props["DeploymentConfig"] = deployment_config(context.rollout, watched)
    caller = plain(component.component_props or {})
    if "Specifications" in caller:
        # Per instance type: the pattern's model and reservation are each entry's defaults.
        caller["Specifications"] = [
            merge(specification, entry) if isinstance(entry, Mapping) else entry
            for entry in caller["Specifications"]
        ]
        props.pop("Specification")
    resource = build(
        sagemaker.InferenceComponent,
        merge(props, caller),
        ids(core_ids.INFERENCE_COMPONENT.format(component=part)),
    )
    if depends:
        resource.DependsOn = depends
    return resource, model


def _model(context: ComponentContext, component: InferenceComponent, part: str) -> sagemaker.Model:
    """The component's model, with the config's role and VPC unless it names its own."""
    config = context.config.properties
    required: dict[str, Any] = {}
    model_props = plain(component.model_props or {})
    if "ExecutionRoleArn" not in model_props:
        required["ExecutionRoleArn"] = config["ExecutionRoleArn"]
    if "VpcConfig" in config:
        required["VpcConfig"] = config["VpcConfig"]
    return build(
        sagemaker.Model,
        merge(MODEL_DEFAULTS, model_props, required),
        context.ids(core_ids.INFERENCE_COMPONENT_MODEL.format(component=part)),
    )


def deployment_config(rollout: Rollout, watched: Sequence[cloudwatch.Alarm]) -> dict[str, Any]:
    """A component's rolling update: ``percent`` of its copies at a time, rolled back on alarms."""
    return {
        "RollingUpdatePolicy": {
            "MaximumBatchSize": {"Type": "CAPACITY_PERCENT", "Value": rollout.percent},
            "WaitIntervalInSeconds": rollout.wait_seconds,
            "MaximumExecutionTimeoutInSeconds": rollout.timeout_seconds,
        },
        "AutoRollbackConfiguration": {
            "Alarms": [{"AlarmName": alarm_name(a.title)} for a in watched]
        },
    }


def _scaling(
    ids: LogicalIds,
    component: InferenceComponent,
    resource: sagemaker.InferenceComponent,
    name: Any,
    part: str,
) -> list[BaseAWSObject]:
    """The scalable target and target tracking; the wake-up pair when it may reach zero."""
    target = build(
        applicationautoscaling.ScalableTarget,
        {
            "ServiceNamespace": "sagemaker",
            "ScalableDimension": SCALABLE_DIMENSION,
            "ResourceId": component_name(ids.prefix, component, before="inference-component/"),
            "MinCapacity": component.lowest,
            "MaxCapacity": component.highest,
        },
        ids(core_ids.INFERENCE_COMPONENT_SCALABLE_TARGET.format(component=part)),
    )
    # Registered once the component exists, deregistered before it is deleted.
    target.DependsOn = [resource.title]
    policy = build(
        applicationautoscaling.ScalingPolicy,
        {
            "PolicyName": f"{component.name}-{component.metric_type}",
            "PolicyType": "TargetTrackingScaling",
            "ScalingTargetId": Ref(target),
            "TargetTrackingScalingPolicyConfiguration": {
                "TargetValue": component.target,
                "ScaleInCooldown": component.scale_in_cooldown,
                "ScaleOutCooldown": component.scale_out_cooldown,
                "PredefinedMetricSpecification": {"PredefinedMetricType": component.metric_type},
            },
        },
        ids(core_ids.INFERENCE_COMPONENT_SCALING_POLICY.format(component=part)),
    )
    found: list[BaseAWSObject] = [target, policy]
    if component.may_reach_zero:
        found += _wake(ids, component, target, name, part)
    return found


def _wake(
    ids: LogicalIds,
    component: InferenceComponent,
    target: applicationautoscaling.ScalableTarget,
    name: Any,
    part: str,
) -> list[BaseAWSObject]:
    """Target tracking never leaves zero: one copy more on the first request that found none."""
    policy, alarm = step_up_on_alarm(
        target,
        policy_title=ids(core_ids.INFERENCE_COMPONENT_WAKE_POLICY.format(component=part)),
        policy_name=f"{component.name}-{NO_CAPACITY_METRIC}",
        # Covers the cold start: no second copy while the first one loads.
        cooldown=component.wake_cooldown_seconds,
        aggregation="Maximum",
        alarm_title=ids(core_ids.INFERENCE_COMPONENT_WAKE_ALARM.format(component=part)),
        alarm={
            "AlarmDescription": f"{component.name}: a request found no copy; start one",
            "Namespace": SAGEMAKER_NAMESPACE,
            "MetricName": NO_CAPACITY_METRIC,
            "Dimensions": [{"Name": "InferenceComponentName", "Value": name}],
            "Statistic": "Sum",
            # One failed request wakes it (AWS's example, GreaterThanThreshold 1, needs two).
            "EvaluationPeriods": 1,
            "DatapointsToAlarm": 1,
        },
    )
    return [policy, alarm]


WATCHED_METRICS = ("Invocation5XXErrors", "ModelLatency")


def _alarm_id(ids: LogicalIds, component: InferenceComponent, metric: str) -> str:
    return ids(core_ids.INFERENCE_COMPONENT_ALARM.format(component=_part(component), metric=metric))


def rollback_alarm_arns(plan: EndpointPlan, ids: LogicalIds) -> tuple[Any, ...]:
    """The ARNs of the alarms components' rollouts watch (SageMaker reads them with the role)."""
    return tuple(
        alarm_arn(_alarm_id(ids, c, metric))
        for c in plan.components
        if not c.adapter
        for metric in WATCHED_METRICS
    )


def _component_alarms(
    make: AlarmMaker | None, ids: LogicalIds, component: InferenceComponent, name: Any
) -> list[cloudwatch.Alarm]:
    """Errors and p99 latency on the component's own dimension (not for adapters).

    SageMaker publishes invocation metrics per component in ``AWS/SageMaker`` with the dimension
    ``InferenceComponentName``: the developer guide's monitoring-cloudwatch page has a section
    "SageMaker AI inference component metrics" (cloudwatch-metrics-inference-component), and its
    enhanced-metrics page puts components' invocation metrics in ``AWS/SageMaker`` (both seen
    with the search tool, 2026-12). That these two metric names are among them was not read
    from the page itself: an alarm on a metric never published stays at OK (missing data).
    """
    if make is None or component.adapter:
        return []
    option = make.option
    on = {
        "Namespace": SAGEMAKER_NAMESPACE,
        "Dimensions": [dimension("InferenceComponentName", name)],
    }
    return [
        make(
            _alarm_id(ids, component, "Invocation5XXErrors"),
            {
                **on,
                "AlarmDescription": f"{component.name}: the model failed requests (5xx)",
                "MetricName": "Invocation5XXErrors",
                "Statistic": "Sum",
                "ComparisonOperator": "GreaterThanOrEqualToThreshold",
                "Threshold": option.server_errors,
            },
        ),
        make(
            _alarm_id(ids, component, "ModelLatency"),
            {**on, **latency_watch(option, component.name, asynchronous=False)},
        ),
    ]
