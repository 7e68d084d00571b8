"""Day-2 operations: alarms by default, rollouts that roll back on them."""

from __future__ import annotations

from typing import Any

import pytest
from troposphere import Parameter, Template

from tests.scenarios import props, variant
from tests.templates_helpers import NAMES, of_type
from troposphere_patterns import (
    Alarms,
    DataCapture,
    Rollout,
    add_lambda_sagemakerendpoint,
    lambda_sagemakerendpoint,
)

TOPIC = "arn:aws:sns:us-east-1:123456789012:ml-alarms"
TWO = {"ProductionVariants": [variant("AllTraffic", "ml.m5.large", InitialInstanceCount=2)]}
ENDPOINT_NAME = {"Fn::GetAtt": ["SagemakerEndpoint", "EndpointName"]}


def render(**fields: Any) -> dict[str, Any]:
    return lambda_sagemakerendpoint(props(**fields)).to_dict()


def alarms_of(template: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {k: v["Properties"] for k, v in of_type(template, "AWS::CloudWatch::Alarm").items()}


def dimensions(alarm: dict[str, Any]) -> dict[str, Any]:
    return {d["Name"]: d["Value"] for d in alarm["Dimensions"]}


def test_default_watches_the_variant_and_the_function_with_exact_metrics() -> None:
    alarms = alarms_of(render())
    watched = {
        (a["Namespace"], a["MetricName"], a.get("Statistic") or a["ExtendedStatistic"])
        for a in alarms.values()
    }
    assert watched == {
        ("AWS/SageMaker", "Invocation5XXErrors", "Sum"),
        ("AWS/SageMaker", "ModelLatency", "p99"),
        ("AWS/SageMaker", "Invocation4XXErrors", "Average"),
        ("AWS/Lambda", "Errors", "Sum"),
        ("AWS/Lambda", "Throttles", "Sum"),
    }
    for alarm in alarms.values():
        if alarm["Namespace"] == "AWS/SageMaker":
            assert dimensions(alarm) == {"EndpointName": ENDPOINT_NAME, "VariantName": "AllTraffic"}
        else:
            assert dimensions(alarm) == {"FunctionName": {"Ref": "LambdaFunction"}}
        assert "AlarmActions" not in alarm  # no topic: no actions
        assert alarm["TreatMissingData"] == "notBreaching"  # no traffic is not an outage


def test_thresholds_come_from_the_fields_latency_in_microseconds() -> None:
    alarms = alarms_of(render(alarms=Alarms(latency_p99_ms=250, client_error_rate=0.1)))
    latency = alarms["SagemakerEndpointAllTrafficModelLatencyAlarm"]
    assert latency["Threshold"] == 250_000  # SageMaker reports ModelLatency in microseconds
    assert alarms["SagemakerEndpointAllTrafficInvocation4XXErrorsAlarm"]["Threshold"] == 0.1
    assert alarms["LambdaFunctionThrottlesAlarm"]["Threshold"] == 1


def test_alarm_names_are_the_stack_name_and_logical_id_and_are_outputs() -> None:
    template = render()
    alarms = alarms_of(template)
    assert len(alarms) == 5
    for logical_id, alarm in alarms.items():
        assert alarm["AlarmName"] == {"Fn::Sub": f"${{AWS::StackName}}-{logical_id}"}
        assert template["Outputs"][f"{logical_id}Name"]["Value"] == {"Ref": logical_id}


def test_a_topic_gets_every_alarm_action() -> None:
    alarms = alarms_of(render(alarms=Alarms(topic=TOPIC)))
    assert {str(a["AlarmActions"]) for a in alarms.values()} == {str([TOPIC])}


def test_a_topic_parameter_left_empty_means_no_actions() -> None:
    template = Template()
    topic = template.add_parameter(Parameter("AlarmTopicArn", Type="String", Default=""))
    add_lambda_sagemakerendpoint(template, props(alarms=Alarms(topic=topic), id_prefix="Fraud"))
    rendered = template.to_dict()
    assert rendered["Conditions"]["FraudAlarmTopicGiven"] == {
        "Fn::Not": [{"Fn::Equals": [{"Ref": "AlarmTopicArn"}, ""]}]
    }
    for alarm in alarms_of(rendered).values():
        assert alarm["AlarmActions"] == {
            "Fn::If": ["FraudAlarmTopicGiven", [{"Ref": "AlarmTopicArn"}], {"Ref": "AWS::NoValue"}]
        }


def test_alarms_none_opts_out() -> None:
    template = render(alarms=None)
    assert alarms_of(template) == {}
    assert not [name for name in template["Outputs"] if name.endswith("AlarmName")]


def test_each_variant_has_its_own_alarms() -> None:
    config = {
        "ProductionVariants": [variant("blue", "ml.c5.large"), variant("green-2", "ml.c5.large")]
    }
    alarms = alarms_of(render(endpoint_config_props=config))
    on_variants = {
        logical_id: dimensions(a)["VariantName"]
        for logical_id, a in alarms.items()
        if a["Namespace"] == "AWS/SageMaker"
    }
    assert len(on_variants) == 6
    assert on_variants["SagemakerEndpointBlueModelLatencyAlarm"] == "blue"
    assert on_variants["SagemakerEndpointGreen2Invocation5XXErrorsAlarm"] == "green-2"


def test_an_existing_endpoint_gets_only_the_function_alarms() -> None:
    alarms = alarms_of(render(model_props=None, existing_sagemaker_endpoint_obj="fraud-detector"))
    assert {a["Namespace"] for a in alarms.values()} == {"AWS/Lambda"}


def test_canary_rolls_back_on_the_endpoint_alarms_by_name_without_a_cycle() -> None:
    template = render(
        rollout=Rollout.canary(percent=10, wait_seconds=600), endpoint_config_props=TWO
    )
    endpoint = template["Resources"]["SagemakerEndpoint"]
    config = endpoint["Properties"]["DeploymentConfig"]
    assert config["BlueGreenUpdatePolicy"] == {
        "TrafficRoutingConfiguration": {
            "Type": "CANARY",
            "CanarySize": {"Type": "CAPACITY_PERCENT", "Value": 10},
            "WaitIntervalInSeconds": 600,
        },
        "TerminationWaitInSeconds": 0,
        "MaximumExecutionTimeoutInSeconds": 600 + 3600,
    }
    rollback = [a["AlarmName"] for a in config["AutoRollbackConfiguration"]["Alarms"]]
    alarms = alarms_of(template)
    on_endpoint = [a["AlarmName"] for a in alarms.values() if a["Namespace"] == "AWS/SageMaker"]
    assert sorted(map(str, rollback)) == sorted(map(str, on_endpoint))
    # The endpoint names its alarms by Sub of the stack name, never Ref/GetAtt (a cycle), and
    # keeps a generated name so CloudFormation can still replace it.
    assert "Ref" not in str(config) and "GetAtt" not in str(config)
    assert "EndpointName" not in endpoint["Properties"]
    assert "DependsOn" not in endpoint


@pytest.mark.parametrize(
    ("rollout", "policy", "expected"),
    [
        (
            Rollout.linear(step_percent=25, wait_seconds=300),
            "BlueGreenUpdatePolicy",
            {
                "TrafficRoutingConfiguration": {
                    "Type": "LINEAR",
                    "LinearStepSize": {"Type": "CAPACITY_PERCENT", "Value": 25},
                    "WaitIntervalInSeconds": 300,
                },
                "TerminationWaitInSeconds": 0,
                "MaximumExecutionTimeoutInSeconds": 4 * 300 + 3600,
            },
        ),
        (
            Rollout.all_at_once(wait_seconds=120, termination_wait_seconds=300),
            "BlueGreenUpdatePolicy",
            {
                "TrafficRoutingConfiguration": {
                    "Type": "ALL_AT_ONCE",
                    "WaitIntervalInSeconds": 120,
                },
                "TerminationWaitInSeconds": 300,
                "MaximumExecutionTimeoutInSeconds": 120 + 300 + 3600,
            },
        ),
        (
            Rollout.rolling(
                batch_percent=50, wait_seconds=60, maximum_execution_timeout_seconds=900
            ),
            "RollingUpdatePolicy",
            {
                "MaximumBatchSize": {"Type": "CAPACITY_PERCENT", "Value": 50},
                "WaitIntervalInSeconds": 60,
                "MaximumExecutionTimeoutInSeconds": 900,
            },
        ),
    ],
    ids=["linear", "all-at-once", "rolling"],
)
def test_each_preset_becomes_its_update_policy(
    rollout: Rollout, policy: str, expected: dict[str, Any]
) -> None:
    template = render(rollout=rollout, endpoint_config_props=TWO)
    config = template["Resources"]["SagemakerEndpoint"]["Properties"]["DeploymentConfig"]
    assert set(config) == {policy, "AutoRollbackConfiguration"}
    assert config[policy] == expected
    assert len(config["AutoRollbackConfiguration"]["Alarms"]) == 3


def test_a_long_rollout_gets_the_longest_timeout_that_still_exceeds_its_waits() -> None:
    rollout = Rollout.linear(step_percent=10, wait_seconds=2400)  # 24,000 s of waits
    assert rollout.problems() == []
    assert rollout.timeout_seconds == 27_600
    assert Rollout.linear(step_percent=10, wait_seconds=2800).timeout_seconds == 28_800


@pytest.mark.parametrize("name", NAMES)
def test_every_alarm_watches_this_template_and_every_rollback_alarm_exists(
    name: str, template: dict[str, Any]
) -> None:
    alarms = alarms_of(template)
    resources = template["Resources"]
    for logical_id, alarm in alarms.items():
        assert alarm["AlarmName"] == {"Fn::Sub": f"${{AWS::StackName}}-{logical_id}"}
        watched = dimensions(alarm)
        if "FunctionName" in watched:
            assert resources[watched["FunctionName"]["Ref"]]["Type"] == "AWS::Lambda::Function"
        elif "InferenceComponentName" in watched:  # the very name a component of this stack has
            assert watched["InferenceComponentName"] in [
                c["Properties"]["InferenceComponentName"]
                for c in of_type(template, "AWS::SageMaker::InferenceComponent").values()
            ]
        else:
            [endpoint_id, attribute] = watched["EndpointName"]["Fn::GetAtt"]
            assert (resources[endpoint_id]["Type"], attribute) == (
                "AWS::SageMaker::Endpoint",
                "EndpointName",
            )
    names = {str(alarm["AlarmName"]) for alarm in alarms.values()}
    updated = [
        *of_type(template, "AWS::SageMaker::Endpoint").values(),
        *of_type(template, "AWS::SageMaker::InferenceComponent").values(),
    ]
    for endpoint in updated:
        config = endpoint["Properties"].get("DeploymentConfig", {})
        for alarm in config.get("AutoRollbackConfiguration", {}).get("Alarms", []):
            assert str(alarm["AlarmName"]) in names
    # Every function the pattern wires has its two alarms.
    functions = {
        dimensions(a)["FunctionName"]["Ref"]
        for a in alarms.values()
        if a["Namespace"] == "AWS/Lambda"
    }
    assert functions == set(of_type(template, "AWS::Lambda::Function"))


def test_rollout_option_checks_name_its_own_fields() -> None:
    assert Rollout.canary(percent=0, wait_seconds=-1).problems("ops") == [
        "ops.wait_seconds: -1 is outside 0-3600",
        "ops.percent: 0 is outside 1-50",
    ]
    assert Alarms(evaluation_periods=0).problems() == [
        "alarms.evaluation_periods: 0 is outside 1-1440"
    ]


# --------------------------------------------------------------------------- data capture


def sagemaker_statements(template: dict[str, Any]) -> dict[str, dict[str, Any]]:
    policy = template["Resources"]["SagemakerRole"]["Properties"]["Policies"][0]
    return {s["Sid"]: s for s in policy["PolicyDocument"]["Statement"]}


def test_capture_goes_to_one_prefix_of_the_pattern_bucket_which_the_role_may_write() -> None:
    template = render(data_capture=DataCapture())
    config = template["Resources"]["SagemakerEndpointConfig"]["Properties"]["DataCaptureConfig"]
    assert config == {
        "EnableCapture": True,
        "InitialSamplingPercentage": 20,
        "DestinationS3Uri": {"Fn::Sub": "s3://${SagemakerDataBucket}/data-capture/"},
        "KmsKeyId": {"Fn::GetAtt": ["EncryptionKey", "Arn"]},
        "CaptureOptions": [{"CaptureMode": "Input"}, {"CaptureMode": "Output"}],
        "CaptureContentTypeHeader": {
            "JsonContentTypes": ["application/json"],
            "CsvContentTypes": ["text/csv"],
        },
    }
    assert template["Resources"]["SagemakerDataBucket"]["Type"] == "AWS::S3::Bucket"
    statements = sagemaker_statements(template)
    assert statements["DataCaptureWrite"]["Action"] == ["s3:PutObject"]
    assert statements["DataCaptureWrite"]["Resource"] == [
        {"Fn::Sub": "${SagemakerDataBucket.Arn}/data-capture/*"}
    ]
    assert statements["DataCaptureKeyUse"]["Resource"] == [{"Fn::GetAtt": ["EncryptionKey", "Arn"]}]
    # Nothing else of the role touches S3 objects but the model artifact read.
    writes = [s for s in statements.values() if any(a.startswith("s3:Put") for a in s["Action"])]
    assert [s["Sid"] for s in writes] == ["DataCaptureWrite"]


def test_capture_into_the_callers_uri_makes_no_bucket() -> None:
    option = DataCapture(
        destination="s3://ml-monitoring/fraud/", sampling_percentage=5, capture=("Input",)
    )
    template = render(data_capture=option)
    config = template["Resources"]["SagemakerEndpointConfig"]["Properties"]["DataCaptureConfig"]
    assert config["DestinationS3Uri"] == "s3://ml-monitoring/fraud/"
    assert config["InitialSamplingPercentage"] == 5
    assert config["CaptureOptions"] == [{"CaptureMode": "Input"}]
    assert not of_type(template, "AWS::S3::Bucket")
    assert sagemaker_statements(template)["DataCaptureWrite"]["Resource"] == [
        {"Fn::Sub": "arn:${AWS::Partition}:s3:::ml-monitoring/fraud/*"}
    ]


def test_capture_on_an_nvme_type_still_gets_its_key() -> None:
    config = {"ProductionVariants": [variant("AllTraffic", "ml.g5.xlarge")]}
    template = render(data_capture=DataCapture(), endpoint_config_props=config)
    endpoint_config = template["Resources"]["SagemakerEndpointConfig"]["Properties"]
    assert "KmsKeyId" not in endpoint_config  # the volume is NVMe, encrypted in hardware
    assert "DataCaptureKeyUse" in sagemaker_statements(template)


def test_a_callers_endpoint_config_data_capture_is_built_as_cloudformation_defines_it() -> None:
    # troposphere 4.11.1's own class for this property is the batch-transform one.
    caller = {
        "EnableCapture": True,
        "InitialSamplingPercentage": 10,
        "DestinationS3Uri": "s3://ml-monitoring/own/",
        "CaptureOptions": [{"CaptureMode": "InputAndOutput"}],
    }
    template = render(endpoint_config_props={"DataCaptureConfig": caller})
    properties = template["Resources"]["SagemakerEndpointConfig"]["Properties"]
    assert properties["DataCaptureConfig"] == caller


def test_an_async_endpoint_also_watches_the_age_of_its_oldest_request() -> None:
    from troposphere_patterns import AsyncInference

    template = render(async_inference=AsyncInference(), rollout=Rollout.all_at_once(600))
    alarm = alarms_of(template)["SagemakerEndpointOldestRequestAlarm"]
    assert (alarm["Namespace"], alarm["MetricName"], alarm["Statistic"]) == (
        "AWS/SageMaker",
        "ApproximateAgeOfOldestRequest",
        "Maximum",
    )
    assert dimensions(alarm) == {
        "EndpointName": {"Fn::GetAtt": ["SagemakerEndpoint", "EndpointName"]}
    }
    assert alarm["Threshold"] == 900
    rollback = template["Resources"]["SagemakerEndpoint"]["Properties"]["DeploymentConfig"][
        "AutoRollbackConfiguration"
    ]["Alarms"]
    names = {a["AlarmName"]["Fn::Sub"] for a in rollback}
    assert "${AWS::StackName}-SagemakerEndpointOldestRequestAlarm" not in names  # load, not a fault
    assert "SagemakerEndpointOldestRequestAlarm" not in alarms_of(render())


def test_what_the_options_create_is_exported_and_returned() -> None:
    from troposphere_patterns import AsyncInference

    fields = {"async_inference": AsyncInference(), "id_prefix": "Jobs"}
    outputs = render(**fields)["Outputs"]
    for output, ref in (
        ("JobsAsyncSuccessTopicArn", "JobsAsyncSuccessTopic"),
        ("JobsAsyncErrorTopicArn", "JobsAsyncErrorTopic"),
        ("JobsSagemakerDataBucketName", "JobsSagemakerDataBucket"),
    ):
        assert outputs[output]["Value"] == {"Ref": ref}
        assert outputs[output]["Export"] == {"Name": {"Fn::Sub": f"${{AWS::StackName}}-{output}"}}
    result = add_lambda_sagemakerendpoint(Template(), props(**fields))
    assert {t.title for t in result.hosted.topics} == {
        "JobsAsyncSuccessTopic",
        "JobsAsyncErrorTopic",
    }
    assert result.hosted.bucket is not None and result.hosted.bucket.bucket.title == (
        "JobsSagemakerDataBucket"
    )
    assert result.key is not None and result.key.title == "JobsEncryptionKey"
    assert result.hosted.role is not None and result.hosted.role.title == "JobsSagemakerRole"
    # A topic given by the caller is neither created nor exported.
    given = AsyncInference(
        success_topic="arn:aws:sns:us-east-1:123456789012:done", error_topic=False
    )
    outputs = render(async_inference=given)["Outputs"]
    assert "AsyncSuccessTopicArn" not in outputs and "AsyncErrorTopicArn" not in outputs


def test_the_result_names_the_alarms_a_rollout_watches() -> None:
    template = Template()
    result = add_lambda_sagemakerendpoint(
        template, props(rollout=Rollout.canary(percent=10), endpoint_config_props=TWO)
    )
    rendered = template.to_dict()
    watched = rendered["Resources"]["SagemakerEndpoint"]["Properties"]["DeploymentConfig"][
        "AutoRollbackConfiguration"
    ]["Alarms"]
    names = [name.to_dict() for name in result.hosted.rollback_alarm_names]
    assert [{"Fn::Sub": alarm["AlarmName"]["Fn::Sub"]} for alarm in watched] == names
    assert len(names) == 3  # the variant's 5xx, latency and 4xx alarms, not the function's


def test_async_latency_alarm_fits_jobs_of_minutes_and_rolls_back_only_when_chosen() -> None:
    from troposphere_patterns import AsyncInference

    def latency_and_rollback(alarms: Alarms) -> tuple[dict[str, Any], list[str]]:
        template = render(
            async_inference=AsyncInference(), rollout=Rollout.all_at_once(), alarms=alarms
        )
        latency = alarms_of(template)["SagemakerEndpointAllTrafficModelLatencyAlarm"]
        config = template["Resources"]["SagemakerEndpoint"]["Properties"]["DeploymentConfig"]
        names = [a["AlarmName"]["Fn::Sub"] for a in config["AutoRollbackConfiguration"]["Alarms"]]
        return latency, names

    latency, names = latency_and_rollback(Alarms())
    # The default invocation timeout (900 s), as a listed statistic, in microseconds.
    assert (latency["Statistic"], latency["Threshold"]) == ("Maximum", 900_000_000)
    assert "ExtendedStatistic" not in latency
    assert not [n for n in names if n.endswith("ModelLatencyAlarm")]
    assert len(names) == 2
    latency, names = latency_and_rollback(Alarms(latency_p99_ms=120_000))
    assert latency["Threshold"] == 120_000_000
    assert "${AWS::StackName}-SagemakerEndpointAllTrafficModelLatencyAlarm" in names


def test_real_time_latency_alarm_keeps_p99_at_one_second() -> None:
    latency = alarms_of(render())["SagemakerEndpointAllTrafficModelLatencyAlarm"]
    assert (latency["ExtendedStatistic"], latency["Threshold"]) == ("p99", 1_000_000)
