"""Invariants that still hold (and still fail) if goldens are regenerated carelessly."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from troposphere import GetAtt

from tests.scenarios import CALLER_ARNS, CODE, MODEL, props
from tests.templates_helpers import NAMES, of_type, scenario, template_named
from troposphere_patterns import lambda_sagemakerendpoint
from troposphere_patterns.core import formats, ids
from troposphere_patterns.core.iam_policies import WILDCARD_ACTIONS


def strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield key
            yield from strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from strings(item)


def statements(template: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    for logical_id, resource in template["Resources"].items():
        properties = resource.get("Properties", {})
        documents = [properties.get("PolicyDocument"), properties.get("KeyPolicy")]
        documents += [policy["PolicyDocument"] for policy in properties.get("Policies", [])]
        for document in documents:
            if isinstance(document, dict):
                for statement in document["Statement"]:
                    yield logical_id, statement


@pytest.mark.parametrize("name", NAMES)
def test_no_hard_coded_partition(name: str, template: dict[str, Any]) -> None:
    offending = [s for s in strings(template) if "arn:aws:" in s and s not in CALLER_ARNS]
    assert offending == []


@pytest.mark.parametrize("name", NAMES)
def test_wildcard_resources_only_on_the_allow_list(name: str, template: dict[str, Any]) -> None:
    for logical_id, statement in statements(template):
        resources = statement.get("Resource", [])
        resources = resources if isinstance(resources, list) else [resources]
        if "*" not in resources:
            continue
        if logical_id in of_type(template, "AWS::KMS::Key"):
            continue  # in a key policy "*" means the key itself
        actions = statement["Action"]
        actions = actions if isinstance(actions, list) else [actions]
        assert set(actions) <= set(WILDCARD_ACTIONS), (logical_id, statement)


def is_async(template: dict[str, Any]) -> bool:
    configs = of_type(template, "AWS::SageMaker::EndpointConfig").values()
    return any("AsyncInferenceConfig" in config["Properties"] for config in configs)


def invokes(statement: dict[str, Any]) -> bool:
    return bool(
        {"sagemaker:InvokeEndpoint", "sagemaker:InvokeEndpointAsync"} & set(statement["Action"])
    )


@pytest.mark.parametrize("name", NAMES)
def test_invoke_permission_is_on_the_endpoint_arn(name: str, template: dict[str, Any]) -> None:
    invoke = [s for _, s in statements(template) if invokes(s)]
    assert invoke, "no statement grants sagemaker:InvokeEndpoint or InvokeEndpointAsync"
    # An async endpoint is only ever invoked asynchronously, a real-time one synchronously.
    wanted = "sagemaker:InvokeEndpointAsync" if is_async(template) else "sagemaker:InvokeEndpoint"
    assert {action for s in invoke for action in s["Action"]} == {wanted}
    endpoints = of_type(template, "AWS::SageMaker::Endpoint")
    # An endpoint of inference components: the endpoint and each of its components, no more.
    components = [{"Ref": c} for c in of_type(template, "AWS::SageMaker::InferenceComponent")]
    for statement in invoke:
        resource, *rest = statement["Resource"]
        assert rest == components
        if endpoints:
            assert resource in [{"Ref": logical_id} for logical_id in endpoints]
        else:
            assert ":endpoint/" in json.dumps(resource)


@pytest.mark.parametrize("name", NAMES)
def test_keys_rotate_and_are_retained(name: str, template: dict[str, Any]) -> None:
    keys = of_type(template, "AWS::KMS::Key")
    assert keys
    for key in keys.values():
        assert key["Properties"]["EnableKeyRotation"] is True
        assert key["DeletionPolicy"] == key["UpdateReplacePolicy"] == "Retain"
        policy = json.dumps(key["Properties"]["KeyPolicy"])
        assert '"kms:*"' not in policy
        assert "kms:GrantIsForAWSResource" in policy
        assert "kms:EncryptionContext:aws:logs:arn" in policy


@pytest.mark.parametrize("name", NAMES)
def test_env_var_holds_the_name_of_the_endpoint_it_may_invoke(
    name: str, template: dict[str, Any]
) -> None:
    functions = of_type(template, "AWS::Lambda::Function")
    assert functions
    for function in functions.values():
        # The invoke grants on this function's own role, not anywhere in the template.
        role = {"Ref": function["Properties"]["Role"]["Fn::GetAtt"][0]}
        invoked = json.dumps(
            [
                statement["Resource"]
                for policy in of_type(template, "AWS::IAM::Policy").values()
                if role in policy["Properties"]["Roles"]
                for statement in policy["Properties"]["PolicyDocument"]["Statement"]
                if invokes(statement)
            ]
        )
        variables = function["Properties"]["Environment"]["Variables"]
        value = variables[variables.get("SAGEMAKER_ENDPOINT_ENV_VAR", "SAGEMAKER_ENDPOINT_NAME")]
        if isinstance(value, dict) and "Fn::GetAtt" in value:
            endpoint, attribute = value["Fn::GetAtt"]
            assert template["Resources"][endpoint]["Type"] == "AWS::SageMaker::Endpoint"
            assert attribute == "EndpointName"
            assert json.dumps({"Ref": endpoint}) in invoked
        else:
            # An endpoint given by name: the invoke grant's ARN is built from that same name.
            assert (value if isinstance(value, str) else json.dumps(value)) in invoked


@pytest.mark.parametrize("name", NAMES)
def test_pattern_functions_are_traced_with_retained_logs(
    name: str, template: dict[str, Any]
) -> None:
    groups = of_type(template, "AWS::Logs::LogGroup")
    for logical_id, function in of_type(template, "AWS::Lambda::Function").items():
        if logical_id.startswith("Caller"):
            continue
        assert function["Properties"]["TracingConfig"] == {"Mode": "Active"}
        group = next(
            g
            for g in groups.values()
            if g["Properties"].get("LogGroupName") == {"Fn::Sub": f"/aws/lambda/${{{logical_id}}}"}
        )
        assert group["Properties"]["RetentionInDays"] >= 365
        assert "KmsKeyId" in group["Properties"]


@pytest.mark.parametrize("name", NAMES)
def test_no_fixed_names_on_sagemaker_resources(name: str, template: dict[str, Any]) -> None:
    for kind, key in [
        ("AWS::SageMaker::Model", "ModelName"),
        ("AWS::SageMaker::EndpointConfig", "EndpointConfigName"),
        ("AWS::SageMaker::Endpoint", "EndpointName"),
    ]:
        for logical_id, resource in of_type(template, kind).items():
            if not logical_id.startswith("Caller"):
                assert key not in resource.get("Properties", {})


@pytest.mark.parametrize("name", NAMES)
def test_every_security_group_declares_egress(name: str, template: dict[str, Any]) -> None:
    for group in of_type(template, "AWS::EC2::SecurityGroup").values():
        egress = group["Properties"]["SecurityGroupEgress"]
        assert egress
        for rule in egress:
            assert rule["IpProtocol"] != "-1"


def test_model_network_isolation_is_on_by_default_and_can_be_turned_off() -> None:
    (model,) = of_type(scenario("default"), "AWS::SageMaker::Model").values()
    assert model["Properties"]["EnableNetworkIsolation"] is True
    template = lambda_sagemakerendpoint(
        props(model_props={**MODEL, "EnableNetworkIsolation": False})
    ).to_dict()
    (model,) = of_type(template, "AWS::SageMaker::Model").values()
    assert model["Properties"]["EnableNetworkIsolation"] is False


@pytest.mark.parametrize(
    ("given", "timeout", "read"),
    [
        ({}, 80, "70"),  # direct invocation, function URLs: SageMaker's 60 s and a margin
        ({"Environment": {"Variables": {"SAGEMAKER_READ_TIMEOUT_SECONDS": "25"}}}, 35, "25"),
        ({"Timeout": 40}, 40, "30"),
        (
            {"Timeout": 29, "Environment": {"Variables": {"SAGEMAKER_READ_TIMEOUT_SECONDS": "20"}}},
            29,
            "20",
        ),
    ],
)
def test_the_functions_timeout_follows_the_handlers_read_timeout(
    given: dict[str, Any], timeout: int, read: str
) -> None:
    template = lambda_sagemakerendpoint(
        props(lambda_function_props={"Code": CODE, **given})
    ).to_dict()
    function = template["Resources"]["LambdaFunction"]["Properties"]
    assert function["Timeout"] == timeout
    variables = function["Environment"]["Variables"]
    assert variables["SAGEMAKER_READ_TIMEOUT_SECONDS"] == read
    assert "SAGEMAKER_ENDPOINT_NAME" in variables  # the pattern's own beside it


def test_caller_overrides_appear_in_the_output() -> None:
    template = lambda_sagemakerendpoint(
        props(
            lambda_function_props={"Code": CODE, "MemorySize": 1024, "Timeout": 30},
            model_props={**MODEL, "Tags": {"team": "fraud"}},
            endpoint_config_props={
                "ProductionVariants": [
                    {
                        "VariantName": "Main",
                        "InitialInstanceCount": 2,
                        "InstanceType": "ml.c5.xlarge",
                    }
                ]
            },
            endpoint_props={"Tags": [{"Key": "stage", "Value": "prod"}]},
            vpc_props={"CidrBlock": "172.16.0.0/16"},
            deploy_vpc=True,
        )
    ).to_dict()
    resources = template["Resources"]
    function = resources["LambdaFunction"]["Properties"]
    assert (function["MemorySize"], function["Timeout"]) == (1024, 30)
    assert function["TracingConfig"] == {"Mode": "Active"}  # defaults kept beside overrides
    assert resources["SagemakerModel"]["Properties"]["Tags"] == [{"Key": "team", "Value": "fraud"}]
    assert resources["SagemakerEndpoint"]["Properties"]["Tags"] == [
        {"Key": "stage", "Value": "prod"}
    ]
    (variant,) = resources["SagemakerEndpointConfig"]["Properties"]["ProductionVariants"]
    assert (variant["VariantName"], variant["InitialInstanceCount"]) == ("Main", 2)
    assert variant["InstanceType"] == "ml.c5.xlarge"
    assert resources["Vpc"]["Properties"]["CidrBlock"] == "172.16.0.0/16"
    assert resources["Vpc"]["Properties"]["EnableDnsHostnames"] is True


def test_model_name_is_reinjected_into_caller_variants() -> None:
    template = scenario("aws_owned_image_two_variants")
    variants = template["Resources"]["SagemakerEndpointConfig"]["Properties"]["ProductionVariants"]
    assert [v["VariantName"] for v in variants] == ["Blue", "Green"]
    assert all(v["ModelName"] == {"Fn::GetAtt": ["SagemakerModel", "ModelName"]} for v in variants)


def test_required_env_var_wins_over_a_caller_variable_of_the_same_name() -> None:
    template = lambda_sagemakerendpoint(
        props(
            lambda_function_props={
                "Code": CODE,
                "Environment": {"Variables": {"SAGEMAKER_ENDPOINT_NAME": "stale", "KEEP": "me"}},
            }
        )
    ).to_dict()
    variables = template["Resources"]["LambdaFunction"]["Properties"]["Environment"]["Variables"]
    assert variables == {
        "SAGEMAKER_ENDPOINT_NAME": {"Fn::GetAtt": ["SagemakerEndpoint", "EndpointName"]},
        "KEEP": "me",
        "SAGEMAKER_READ_TIMEOUT_SECONDS": "70",  # a default, under the caller's
    }


def test_caller_role_leaves_no_pattern_role_behind() -> None:
    role_arn = {"Fn::GetAtt": ["MyRole", "Arn"]}
    template = lambda_sagemakerendpoint(
        props(lambda_function_props={"Code": CODE, "Role": GetAtt("MyRole", "Arn")})
    ).to_dict()
    resources = template["Resources"]
    assert "LambdaFunctionServiceRole" not in resources
    assert resources["LambdaFunction"]["Properties"]["Role"] == role_arn
    assert resources["LambdaFunctionServiceRolePolicy"]["Properties"]["Roles"] == [
        {"Ref": "MyRole"}
    ]


def test_ecr_and_s3_grants_are_scoped_to_the_inputs() -> None:
    template = scenario("aws_owned_image_two_variants")
    role = template["Resources"]["SagemakerRole"]["Properties"]["Policies"][0]["PolicyDocument"]
    by_sid = {statement["Sid"]: statement for statement in role["Statement"]}
    assert by_sid["EcrPull"]["Resource"] == [
        {"Fn::Sub": "arn:${AWS::Partition}:ecr:us-east-1:763104351884:repository/pytorch-inference"}
    ]
    assert by_sid["ModelArtifactRead"]["Resource"] == [
        {"Fn::Sub": "arn:${AWS::Partition}:s3:::my-models/linear-learner/model.tar.gz"}
    ]


def test_two_instances_share_no_logical_id() -> None:
    template = scenario("two_instances_deploy_vpc")
    resources = template["Resources"]
    fraud = {k for k in resources if k.startswith("Fraud")}
    churn = {k for k in resources if k.startswith("Churn")}
    assert fraud and churn and len(fraud) == len(churn)
    assert fraud | churn == set(resources)


def test_deletion_policy_delete_reaches_the_key_and_every_log_group() -> None:
    template = lambda_sagemakerendpoint(props(deploy_vpc=True, deletion_policy="Delete")).to_dict()
    stateful = {
        **of_type(template, "AWS::KMS::Key"),
        **of_type(template, "AWS::Logs::LogGroup"),
    }
    assert len(stateful) == 3
    for resource in stateful.values():
        assert resource["DeletionPolicy"] == resource["UpdateReplacePolicy"] == "Delete"


@pytest.mark.parametrize("name", NAMES)
def test_each_scaled_variant_has_one_target_on_its_endpoint_and_one_policy(
    name: str, template: dict[str, Any]
) -> None:
    targets = of_type(template, "AWS::ApplicationAutoScaling::ScalableTarget")
    every = of_type(template, "AWS::ApplicationAutoScaling::ScalingPolicy")
    policies = {k: p for k, p in every.items() if p["Properties"]["PolicyType"] != "StepScaling"}
    assert sorted(p["Properties"]["ScalingTargetId"]["Ref"] for p in policies.values()) == sorted(
        targets
    )
    # A step policy only wakes what may stop every instance (an async variant, or an inference
    # component at 0 copies), run by its alarm.
    alarms = of_type(template, "AWS::CloudWatch::Alarm").values()
    for step_id, step in every.items():
        if step_id in policies:
            continue
        target = targets[step["Properties"]["ScalingTargetId"]["Ref"]]["Properties"]
        assert target["MinCapacity"] == 0 or isinstance(target["MinCapacity"], dict)
        [alarm] = [a for a in alarms if a["Properties"].get("AlarmActions") == [{"Ref": step_id}]]
        if target["ScalableDimension"] == "sagemaker:inference-component:DesiredCopyCount":
            assert alarm["Properties"]["MetricName"] == "NoCapacityInvocationFailures"
        else:
            assert is_async(template)
            assert alarm["Properties"]["MetricName"] == "HasBacklogWithoutCapacity"
    variant_targets = {
        k: t
        for k, t in targets.items()
        if t["Properties"]["ScalableDimension"].startswith("sagemaker:variant:")
    }
    for endpoint_id, endpoint in of_type(template, "AWS::SageMaker::Endpoint").items():
        mine = {
            k: t["Properties"]
            for k, t in variant_targets.items()
            if t["Properties"]["ResourceId"]["Fn::Sub"][1]["EndpointName"]
            == {"Fn::GetAtt": [endpoint_id, "EndpointName"]}  # registered once it is InService
        }
        if not mine:
            assert "RetainAllVariantProperties" not in endpoint["Properties"]
            continue
        assert endpoint["Properties"]["RetainAllVariantProperties"] is True
        config_id = endpoint["Properties"]["EndpointConfigName"]["Fn::GetAtt"][0]
        variants = template["Resources"][config_id]["Properties"]["ProductionVariants"]
        expected = {
            f"endpoint/${{EndpointName}}/variant/{v['VariantName']}": (
                "sagemaker:variant:DesiredProvisionedConcurrency"
                if "ServerlessConfig" in v
                else "sagemaker:variant:DesiredInstanceCount"
            )
            for v in variants
        }
        assert {
            t["ResourceId"]["Fn::Sub"][0]: t["ScalableDimension"] for t in mine.values()
        } == expected
        assert {t["ServiceNamespace"] for t in mine.values()} == {"sagemaker"}
        assert not [t for t in mine.values() if "RoleARN" in t]  # the service-linked role


# The async templates, by name: known without rendering anything (a test checks the names).
ASYNC = [name for name in NAMES if "async" in name]


def test_async_names_are_exactly_the_async_templates() -> None:
    assert [name for name in NAMES if is_async(template_named(name))] == ASYNC


def grants_of(template: dict[str, Any], role_id: str) -> dict[str, list[str]]:
    """Action -> resources (as text) over the role's own policies and the policies on it.

    A bucket's ``${Bucket.Arn}`` is written as the ARN it resolves to,
    ``arn:${AWS::Partition}:s3:::${Bucket}``: the same grant either way.
    """
    buckets = [i for i, r in template["Resources"].items() if r["Type"] == "AWS::S3::Bucket"]

    def text(resource: Any) -> str:
        found = as_text(resource)
        for bucket in buckets:
            found = found.replace(
                f"${{{bucket}.Arn}}", f"arn:${{AWS::Partition}}:s3:::${{{bucket}}}"
            )
        return found

    documents = []
    for logical_id, resource in template["Resources"].items():
        properties = resource.get("Properties", {})
        if logical_id == role_id:
            documents += [policy["PolicyDocument"] for policy in properties.get("Policies", [])]
        elif resource["Type"] == "AWS::IAM::Policy" and {"Ref": role_id} in properties["Roles"]:
            documents.append(properties["PolicyDocument"])
    found: dict[str, list[str]] = {}
    for document in documents:
        for statement in document["Statement"]:
            for action in statement["Action"]:
                found.setdefault(action, []).extend(map(text, statement["Resource"]))
    return found


def as_text(value: Any) -> str:
    """A literal, the template string of an Fn::Sub without variables, or any other intrinsic
    (an Fn::Sub with variables too) as JSON."""
    if isinstance(value, dict):
        return value["Fn::Sub"] if isinstance(value.get("Fn::Sub"), str) else json.dumps(value)
    return str(value)


def objects_under(path: str) -> str:
    """The object grant for an async path: ``s3://b/p`` -> ``arn:...:s3:::b/p/*``."""
    return "arn:${AWS::Partition}:s3:::" + path.removeprefix("s3://") + "/*"


@pytest.mark.parametrize("name", ASYNC)
def test_async_grants_are_exactly_the_paths_each_side_uses(
    name: str, template: dict[str, Any]
) -> None:
    [config] = of_type(template, "AWS::SageMaker::EndpointConfig").values()
    output = config["Properties"]["AsyncInferenceConfig"]["OutputConfig"]
    results = sorted(
        objects_under(as_text(output[key])) for key in ("S3OutputPath", "S3FailurePath")
    )
    topics = sorted(as_text(t) for t in output.get("NotificationConfig", {}).values())
    [model] = of_type(template, "AWS::SageMaker::Model").values()
    sagemaker = grants_of(template, model["Properties"]["ExecutionRoleArn"]["Fn::GetAtt"][0])
    assert sorted(sagemaker["s3:PutObject"]) == results
    # AWS's async prerequisite policy: SageMaker aborts its own multipart uploads of results.
    assert sorted(sagemaker["s3:AbortMultipartUpload"]) == results
    assert sorted(sagemaker.get("sns:Publish", [])) == topics
    for logical_id, function in of_type(template, "AWS::Lambda::Function").items():
        role_id = function["Properties"]["Role"]["Fn::GetAtt"][0]
        grants = grants_of(template, role_id)
        variables = function["Properties"]["Environment"]["Variables"]
        if "SAGEMAKER_ASYNC_INPUT_LOCATION" not in variables:
            continue  # the caller's function: the pattern sets its variables on commit
        # The function reads where SageMaker writes, and writes where SageMaker reads.
        assert as_text(variables["SAGEMAKER_ASYNC_OUTPUT_LOCATION"]) == as_text(
            output["S3OutputPath"]
        )
        assert as_text(variables["SAGEMAKER_ASYNC_FAILURE_LOCATION"]) == as_text(
            output["S3FailurePath"]
        )
        inputs = [objects_under(as_text(variables["SAGEMAKER_ASYNC_INPUT_LOCATION"]))]
        assert grants["s3:PutObject"] == inputs, logical_id
        assert sorted(grants["s3:GetObject"]) == results, logical_id
        assert set(inputs) <= set(sagemaker["s3:GetObject"])
        assert "sns:Publish" not in grants


@pytest.mark.parametrize("name", NAMES)
def test_each_inference_component_scales_by_its_own_name_after_it_exists(
    name: str, template: dict[str, Any]
) -> None:
    components = of_type(template, "AWS::SageMaker::InferenceComponent")
    targets = {
        k: t
        for k, t in of_type(template, "AWS::ApplicationAutoScaling::ScalableTarget").items()
        if t["Properties"]["ScalableDimension"] == "sagemaker:inference-component:DesiredCopyCount"
    }
    models = [k for k, c in components.items() if "ModelName" in c["Properties"]["Specification"]]
    # One target per component with a model (adapters run in their base's copies), on the very
    # name the component is created with, registered after it and deregistered before it goes.
    assert sorted(t["DependsOn"][0] for t in targets.values()) == sorted(models)
    for target in targets.values():
        component = components[target["DependsOn"][0]]["Properties"]
        text, variables = component["InferenceComponentName"]["Fn::Sub"]
        assert target["Properties"]["ResourceId"] == {
            "Fn::Sub": [f"inference-component/{text}", variables]
        }
        assert component["EndpointName"]["Fn::GetAtt"][1] == "EndpointName"
    for component in components.values():
        base = component["Properties"]["Specification"].get("BaseInferenceComponentName")
        if base is not None:
            [base_id] = [
                k
                for k, c in components.items()
                if c["Properties"]["InferenceComponentName"] == base
            ]
            assert component["DependsOn"] == [base_id]
    # The instances go to zero only when every component's copies may.
    for config in of_type(template, "AWS::SageMaker::EndpointConfig").values():
        for variant in config["Properties"]["ProductionVariants"]:
            scaling = variant.get("ManagedInstanceScaling")
            if scaling is None:
                continue
            assert components and "ModelName" not in variant
            minimums = [t["Properties"]["MinCapacity"] for t in targets.values()]
            if scaling["MinInstanceCount"] == 0:
                assert minimums and all(m == 0 for m in minimums)


# The statistics AWS lists for ModelLatency (SageMaker developer guide, monitoring-cloudwatch).
LISTED_STATISTICS = {"Average", "Sum", "Minimum", "Maximum", "SampleCount"}


@pytest.mark.parametrize("name", NAMES)
def test_model_latency_alarms_fit_the_endpoint_kind(name: str, template: dict[str, Any]) -> None:
    latency = [
        a["Properties"]
        for a in of_type(template, "AWS::CloudWatch::Alarm").values()
        if a["Properties"]["MetricName"] == "ModelLatency"
    ]
    for alarm in latency:
        if is_async(template):
            # Jobs of minutes: a listed statistic, and a threshold in the job's range.
            assert alarm["Statistic"] in LISTED_STATISTICS
            assert "ExtendedStatistic" not in alarm
            assert alarm["Threshold"] >= 60 * 1_000_000  # microseconds
        else:
            assert alarm["ExtendedStatistic"] == "p99"  # known to work on real-time endpoints


@pytest.mark.parametrize("name", NAMES)
def test_rollback_alarms_are_readable_by_the_execution_role(
    name: str, template: dict[str, Any]
) -> None:
    for endpoint in of_type(template, "AWS::SageMaker::Endpoint").values():
        rollback = (
            endpoint["Properties"].get("DeploymentConfig", {}).get("AutoRollbackConfiguration")
        )
        if rollback is None:
            continue
        names = sorted(as_text(a["AlarmName"]) for a in rollback["Alarms"])
        if is_async(template):  # an async job's latency is not a broken model
            assert not [n for n in names if n.endswith("ModelLatencyAlarm")]
        config_id = endpoint["Properties"]["EndpointConfigName"]["Fn::GetAtt"][0]
        [model_id] = {
            v["ModelName"]["Fn::GetAtt"][0]
            for v in template["Resources"][config_id]["Properties"]["ProductionVariants"]
        }
        role = template["Resources"][model_id]["Properties"]["ExecutionRoleArn"]
        if "Fn::GetAtt" not in role:
            continue  # the caller's role: the README says what it needs
        grants = grants_of(template, role["Fn::GetAtt"][0])
        prefix = "arn:${AWS::Partition}:cloudwatch:${AWS::Region}:${AWS::AccountId}:alarm:"
        assert sorted(grants["cloudwatch:DescribeAlarms"]) == [prefix + n for n in names]
    # Inference components roll out each on its own alarms, read with the config's role.
    components = of_type(template, "AWS::SageMaker::InferenceComponent").values()
    watched = sorted(
        as_text(a["AlarmName"])
        for c in components
        for a in c["Properties"]
        .get("DeploymentConfig", {})
        .get("AutoRollbackConfiguration", {})
        .get("Alarms", [])
    )
    if watched:
        [config] = of_type(template, "AWS::SageMaker::EndpointConfig").values()
        role = config["Properties"]["ExecutionRoleArn"]["Fn::GetAtt"][0]
        prefix = "arn:${AWS::Partition}:cloudwatch:${AWS::Region}:${AWS::AccountId}:alarm:"
        assert sorted(grants_of(template, role)["cloudwatch:DescribeAlarms"]) == [
            prefix + n for n in watched
        ]


@pytest.mark.parametrize("name", NAMES)
def test_a_wake_from_zero_waits_out_a_cold_start(name: str, template: dict[str, Any]) -> None:
    policies = of_type(template, "AWS::ApplicationAutoScaling::ScalingPolicy").values()
    for policy in policies:
        step = policy["Properties"].get("StepScalingPolicyConfiguration")
        if step is not None:
            # An instance takes minutes to start: the next step waits that long.
            assert step["Cooldown"] >= 600


@pytest.mark.parametrize("name", ASYNC)
def test_a_private_async_model_publishes_only_to_its_topics_through_sns_endpoint(
    name: str, template: dict[str, Any]
) -> None:
    [config] = of_type(template, "AWS::SageMaker::EndpointConfig").values()
    notification = config["Properties"]["AsyncInferenceConfig"]["OutputConfig"].get(
        "NotificationConfig", {}
    )
    [model] = of_type(template, "AWS::SageMaker::Model").values()
    vpc = model["Properties"].get("VpcConfig")
    endpoints = of_type(template, "AWS::EC2::VPCEndpoint")
    creates_endpoints = any(
        e["Properties"]["ServiceName"]
        == {"Fn::Sub": "com.amazonaws.${AWS::Region}.sagemaker.runtime"}
        for e in endpoints.values()
    )
    sns = [
        e["Properties"]
        for e in endpoints.values()
        if e["Properties"]["ServiceName"] == {"Fn::Sub": "com.amazonaws.${AWS::Region}.sns"}
    ]
    if vpc is None or not notification or not creates_endpoints:
        assert sns == []
        return
    [endpoint] = sns
    [statement] = endpoint["PolicyDocument"]["Statement"]
    assert statement["Action"] == ["sns:Publish"]
    assert sorted(map(as_text, statement["Resource"])) == sorted(
        map(as_text, notification.values())
    )
    [group_id] = [g["Ref"] for g in endpoint["SecurityGroupIds"]]
    group = template["Resources"][group_id]["Properties"]
    assert [r["SourceSecurityGroupId"] for r in group["SecurityGroupIngress"]] == vpc[
        "SecurityGroupIds"
    ]


@pytest.mark.parametrize("name", NAMES)
def test_every_alarm_scaling_and_output_id_counts_against_the_prefix_limit(
    name: str, template: dict[str, Any]
) -> None:
    """The ``id_prefix`` limit measures every ID the pattern makes (``ids.all_names``)."""
    configs = of_type(template, "AWS::SageMaker::EndpointConfig").values()
    listed = [v for c in configs for v in c["Properties"].get("ProductionVariants", [])]
    named = [formats.variant_id(v["VariantName"]) for v in listed]
    components = [
        logical_id.split(ids.INFERENCE_COMPONENT.format(component=""), 1)[1]
        for logical_id in of_type(template, "AWS::SageMaker::InferenceComponent")
    ]
    counted = set(ids.all_names(3, named or [ids.DEFAULT_VARIANT_ID], components))
    # A caller's function names its alarms after itself, without the prefix.
    for function in of_type(template, "AWS::Lambda::Function"):
        alarms = [alarm.format(function=function) for alarm in ids.FUNCTION_ALARMS]
        counted |= {*alarms, *(ids.ALARM_OUTPUT.format(alarm=alarm) for alarm in alarms)}
    made = [
        *of_type(template, "AWS::CloudWatch::Alarm"),
        *of_type(template, "AWS::ApplicationAutoScaling::ScalableTarget"),
        *of_type(template, "AWS::ApplicationAutoScaling::ScalingPolicy"),
        *template.get("Outputs", {}),
    ]
    assert made
    for logical_id in made:
        assert any(logical_id.endswith(base) for base in counted), logical_id
