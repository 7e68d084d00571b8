"""Inference components: what a caller relies on beyond the goldens (names, clients, order)."""

from __future__ import annotations

import json
from typing import Any

from troposphere import Parameter, Ref, Template

from tests.scenarios import (
    SQL_ADAPTER,
    caller_function,
    chat_component,
    code_component,
    components_props,
)
from tests.templates_helpers import cfn_lint, of_type
from troposphere_patterns import add_lambda_sagemakerendpoint, lambda_sagemakerendpoint
from troposphere_patterns.core.hosting.components import ENVIRONMENT_VARIABLE


def rendered(**fields: Any) -> dict[str, Any]:
    components = fields.pop("components", (chat_component(), code_component(), SQL_ADAPTER))
    template: dict[str, Any] = lambda_sagemakerendpoint(
        components_props(*components, **fields)
    ).to_dict()
    return template


def stems(names: Any) -> list[str]:
    return [name["Fn::Sub"][0].removesuffix("-${StackIdSuffix}") for name in names]


def test_a_function_of_yours_gets_the_component_names_and_may_invoke_each() -> None:
    template = Template()
    function = caller_function(template)
    result = add_lambda_sagemakerendpoint(
        template,
        components_props(
            chat_component(), SQL_ADAPTER, lambda_function_props=None, existing_lambda_obj=function
        ),
    )
    body = template.to_dict()
    variables = body["Resources"]["CallerFunction"]["Properties"]["Environment"]["Variables"]
    assert stems(variables[ENVIRONMENT_VARIABLE]["Fn::Join"][1]) == ["chat", "chat-sql"]
    assert variables["LOG_LEVEL"] == "INFO"  # the caller's own variables stay
    assert (
        result.hosted.client_environment[ENVIRONMENT_VARIABLE].to_dict()
        == (variables[ENVIRONMENT_VARIABLE])
    )
    [statement] = [
        s
        for p in of_type(body, "AWS::IAM::Policy").values()
        for s in p["Properties"]["PolicyDocument"]["Statement"]
        if "sagemaker:InvokeEndpoint" in s["Action"]
    ]
    assert statement["Resource"] == [
        {"Ref": "SagemakerEndpoint"},
        {"Ref": "SagemakerInferenceComponentChat"},
        {"Ref": "SagemakerInferenceComponentChatSql"},
    ]
    assert [m for m in cfn_lint(json.dumps(body)) if m.rule.id.startswith("E")] == []


def test_the_id_prefix_starts_the_names_so_two_instances_share_a_stack() -> None:
    template = rendered(id_prefix="Blue", components=(chat_component(),))
    [component] = of_type(template, "AWS::SageMaker::InferenceComponent").values()
    assert stems([component["Properties"]["InferenceComponentName"]]) == ["blue-chat"]
    assert "BlueSagemakerInferenceComponentChat" in template["Resources"]


def test_the_instances_stay_when_one_component_keeps_a_copy_and_go_when_none_does() -> None:
    def minimum(*components: Any) -> Any:
        template = rendered(components=components)
        [variant] = template["Resources"]["SagemakerEndpointConfig"]["Properties"][
            "ProductionVariants"
        ]
        return variant["ManagedInstanceScaling"]["MinInstanceCount"]

    assert minimum(chat_component(min_copies=0), code_component()) == 1
    assert minimum(chat_component(min_copies=0), code_component(min_copies=0), SQL_ADAPTER) == 0


def test_a_deploy_time_minimum_decides_the_instances_by_condition_and_keeps_the_wake_pair() -> None:
    low = Parameter("ChatMinCopies", Type="Number", MinValue=0)
    template = rendered(components=(chat_component(min_copies=Ref(low)),))
    assert template["Conditions"]["SagemakerInferenceComponentsScaleToZero"] == {
        "Fn::Equals": [{"Ref": "ChatMinCopies"}, 0]
    }
    assert "SagemakerInferenceComponentChatWakePolicy" in template["Resources"]
    alarm = template["Resources"]["SagemakerInferenceComponentChatNoCapacityAlarm"]["Properties"]
    assert (alarm["Statistic"], alarm["Period"], alarm["Threshold"]) == ("Sum", 60, 1)
    assert alarm["ComparisonOperator"] == "GreaterThanOrEqualToThreshold"


def test_the_wake_policy_cooldown_is_its_own_value_covering_the_cold_start() -> None:
    template = rendered(
        components=(chat_component(min_copies=0, wake_cooldown_seconds=900, scale_out_cooldown=30),)
    )
    wake = template["Resources"]["SagemakerInferenceComponentChatWakePolicy"]["Properties"]
    step = wake["StepScalingPolicyConfiguration"]
    assert step["Cooldown"] == 900
    assert step["MetricAggregationType"] == "Maximum"
    assert step["StepAdjustments"] == [{"MetricIntervalLowerBound": 0, "ScalingAdjustment": 1}]


def test_an_adapters_weights_are_granted_to_the_role_and_read_by_no_model() -> None:
    template = rendered()
    role = template["Resources"]["SagemakerRole"]["Properties"]
    granted = json.dumps(role["Policies"])
    assert "my-models/adapters/chat-sql.tar.gz" in granted
    adapter = template["Resources"]["SagemakerInferenceComponentChatSql"]
    assert adapter["Properties"]["Specification"]["Container"] == {
        "ArtifactUrl": "s3://my-models/adapters/chat-sql.tar.gz"
    }
    assert "SagemakerInferenceComponentChatSqlModel" not in template["Resources"]


def test_instance_pools_take_per_type_specifications_over_the_components_model() -> None:
    pools = [{"InstanceType": "ml.g6.12xlarge"}, {"InstanceType": "ml.g5.12xlarge"}]
    template = rendered(components=(chat_component(component_props={"Specifications": pools}),))
    component = template["Resources"]["SagemakerInferenceComponentChat"]["Properties"]
    assert "Specification" not in component
    for entry, pool in zip(component["Specifications"], pools, strict=True):
        assert entry["InstanceType"] == pool["InstanceType"]
        assert entry["ModelName"] == {
            "Fn::GetAtt": ["SagemakerInferenceComponentChatModel", "ModelName"]
        }
        assert entry["ComputeResourceRequirements"]["NumberOfAcceleratorDevicesRequired"] == 2
