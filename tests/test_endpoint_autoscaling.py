"""The options as a library user builds them: other scaling modes, Parameter objects."""

from __future__ import annotations

from typing import Any

from troposphere import Parameter, Template, sagemaker

from tests.scenarios import props
from troposphere_patterns import Autoscaling, Serverless, add_lambda_sagemakerendpoint
from troposphere_patterns.core.endpoint_autoscaling import (
    INSTANCES,
    ScaledVariant,
    ScalingMode,
    endpoint_scaling,
)


def backlog(endpoint_name: Any, variant: str) -> dict[str, Any]:
    return {
        "MetricName": "ApproximateBacklogSizePerInstance",
        "Namespace": "AWS/SageMaker",
        "Dimensions": [{"Name": "EndpointName", "Value": endpoint_name}],
        "Statistic": "Average",
    }


# A mode that may scale to zero, on a metric that is not one of the predefined ones.
QUEUE = ScalingMode(
    name="queued variants",
    dimension="sagemaker:variant:DesiredInstanceCount",
    metric_name="ApproximateBacklogSizePerInstance",
    default_target=5.0,
    lowest_min=0,
    customized_metric=backlog,
)


def test_a_mode_chooses_the_metric_and_how_low_the_minimum_goes() -> None:
    option = Autoscaling(min_capacity=0, max_capacity=2)
    assert option.problems(QUEUE) == []
    assert option.problems(INSTANCES) == [
        "autoscaling.min_capacity: 0 must be an integer of at least 1 for instance variants "
        "(a real-time endpoint cannot scale to zero)"
    ]
    endpoint = sagemaker.Endpoint("QueueEndpoint", EndpointConfigName="cfg")
    bundle = endpoint_scaling(option, [ScaledVariant("AllTraffic", QUEUE)], endpoint)
    [policy] = bundle.policies
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
