"""The options as a library user builds them: other scaling modes, Parameter objects."""

from __future__ import annotations

from typing import Any

import pytest
from troposphere import Parameter, Template, sagemaker

from tests.scenarios import props
from troposphere_patterns import Autoscaling, Serverless, add_lambda_sagemakerendpoint
from troposphere_patterns.core.hosting.options.autoscaling import (
    ASYNC_BACKLOG,
    INSTANCES,
    ScaledVariant,
    endpoint_scaling,
    scaled_variants,
)
from troposphere_patterns.core.hosting.plan import EndpointPlan


def test_a_mode_chooses_the_metric_and_how_low_the_minimum_goes() -> None:
    option = Autoscaling(min_capacity=0, max_capacity=2)
    assert option.problems(ASYNC_BACKLOG) == []
    assert option.problems(INSTANCES) == [
        "autoscaling.min_capacity: 0 must be an integer of at least 1 for instance variants "
        "(a real-time endpoint cannot scale to zero)"
    ]
    endpoint = sagemaker.Endpoint("QueueEndpoint", EndpointConfigName="cfg")
    bundle = endpoint_scaling(option, [ScaledVariant("AllTraffic", ASYNC_BACKLOG)], endpoint)
    [policy, _] = bundle.policies  # target tracking, then the step policy that wakes it from 0
    tracking = policy.to_dict()["Properties"]["TargetTrackingScalingPolicyConfiguration"]
    assert tracking["TargetValue"] == 5.0
    assert "PredefinedMetricSpecification" not in tracking
    spec = tracking["CustomizedMetricSpecification"]
    assert spec["MetricName"] == "ApproximateBacklogSizePerInstance"
    assert spec["Dimensions"] == [
        {"Name": "EndpointName", "Value": {"Fn::GetAtt": ["QueueEndpoint", "EndpointName"]}}
    ]
    [target] = bundle.targets
    assert target.title == "QueueEndpointAllTrafficScalableTarget"
    assert target.to_dict()["Properties"]["MinCapacity"] == 0


def test_options_take_parameter_objects_as_their_refs() -> None:
    template = Template()
    memory = template.add_parameter(Parameter("Memory", Type="Number"))
    most = template.add_parameter(Parameter("Most", Type="Number"))
    add_lambda_sagemakerendpoint(
        template,
        props(
            serverless=Serverless(memory_size_in_mb=memory, provisioned_concurrency=2),
            autoscaling=Autoscaling(max_capacity=most, target_value=0.5),
        ),
    )
    resources = template.to_dict()["Resources"]
    [variant] = resources["SagemakerEndpointConfig"]["Properties"]["ProductionVariants"]
    assert variant["ServerlessConfig"]["MemorySizeInMB"] == {"Ref": "Memory"}
    target = resources["SagemakerEndpointAllTrafficScalableTarget"]["Properties"]
    assert target["MaxCapacity"] == {"Ref": "Most"}


def async_config() -> dict[str, Any]:
    variant = {"VariantName": "AllTraffic", "InstanceType": "ml.m5.large"}
    return {"ProductionVariants": [variant], "AsyncInferenceConfig": {"OutputConfig": {}}}


def plan(config: dict[str, Any], *, asynchronous: bool = False) -> EndpointPlan:
    return EndpointPlan.parse({}, config, None, asynchronous=asynchronous)


def test_an_async_config_scales_on_its_queue_and_may_stop_every_instance() -> None:
    option = Autoscaling(min_capacity=0, max_capacity=3)
    [variant], found = scaled_variants(option, plan(async_config()))
    assert found == []
    assert variant.mode is ASYNC_BACKLOG
    without_async = {"ProductionVariants": async_config()["ProductionVariants"]}
    [variant], found = scaled_variants(option, plan(without_async, asynchronous=True))
    assert variant.mode is ASYNC_BACKLOG  # the async_inference option queues requests too
    [variant], found = scaled_variants(option, plan(without_async))
    assert variant.mode is INSTANCES
    assert found == [
        "autoscaling.min_capacity: 0 must be an integer of at least 1 for instance variants "
        "(a real-time endpoint cannot scale to zero)"
    ]


@pytest.mark.parametrize(
    ("min_capacity", "wakes"),
    [(0, True), (Parameter("Min", Type="Number"), True), (1, False)],
    ids=["zero", "parameter", "one"],
)
def test_only_a_variant_that_may_reach_zero_gets_the_wake_up_alarm(
    min_capacity: Any, wakes: bool
) -> None:
    option = Autoscaling(min_capacity=min_capacity, max_capacity=3)
    variants, _ = scaled_variants(option, plan(async_config()))
    endpoint = sagemaker.Endpoint("Endpoint", EndpointConfigName="cfg")
    bundle = endpoint_scaling(option, variants, endpoint)
    kinds = sorted(p.properties["PolicyType"] for p in bundle.policies)
    assert kinds == (
        ["StepScaling", "TargetTrackingScaling"] if wakes else ["TargetTrackingScaling"]
    )
    assert [a.title for a in bundle.alarms] == (
        ["EndpointAllTrafficBacklogWithoutCapacityAlarm"] if wakes else []
    )
    if wakes:
        [alarm] = bundle.alarms
        step = next(p for p in bundle.policies if p.properties["PolicyType"] == "StepScaling")
        assert alarm.properties["AlarmActions"][0].to_dict() == {"Ref": step.title}
        assert alarm.properties["MetricName"] == "HasBacklogWithoutCapacity"
