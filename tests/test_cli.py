"""The command line: stdout, files, formats, modes and errors, as a user runs it."""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from cfn_tools import load_yaml  # type: ignore[import-untyped]
from troposphere import Parameter

import troposphere_patterns
from troposphere_patterns import cli
from troposphere_patterns.cli.modes import CommandLine, Mode, Parameters


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "troposphere_patterns", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        check=False,
    )


def render(capsys: pytest.CaptureFixture[str], *args: str) -> dict[str, object]:
    assert cli.main(["lambda-sagemakerendpoint", *args]) == 0
    return json.loads(capsys.readouterr().out)


def test_default_prints_one_template_with_the_inlined_handler_and_parameters() -> None:
    result = run("lambda-sagemakerendpoint")
    assert result.returncode == 0, result.stderr
    template = json.loads(result.stdout)
    function = template["Resources"]["LambdaFunction"]["Properties"]
    # A real-time endpoint's template carries the real-time code only.
    assert function["Code"]["ZipFile"] == troposphere_patterns.handler_source(asynchronous=False)
    assert function["Runtime"] == "python3.14"
    parameters = template["Parameters"]
    assert set(parameters) == {"ModelImageUri", "ModelDataUrl", "InstanceType", "AlarmTopicArn"}
    assert parameters["InstanceType"]["Default"] == "ml.m5.large"
    assert re.fullmatch(parameters["InstanceType"]["AllowedPattern"], "ml.m5.large")
    assert set(template["Outputs"]) == {
        "LambdaFunctionName",
        "LambdaFunctionArn",
        "SagemakerEndpointName",
        "SagemakerEndpointArn",
        "SagemakerModelName",
        "SagemakerEndpointAllTrafficInvocation5XXErrorsAlarmName",
        "SagemakerEndpointAllTrafficModelLatencyAlarmName",
        "SagemakerEndpointAllTrafficInvocation4XXErrorsAlarmName",
        "LambdaFunctionErrorsAlarmName",
        "LambdaFunctionThrottlesAlarmName",
    }
    minified = json.dumps(template, separators=(",", ":"))
    assert len(minified.encode()) < 51_200


@pytest.mark.parametrize(
    ("value", "ok"),
    [
        ("123456789012.dkr.ecr.us-east-1.amazonaws.com/linear-learner:1", True),
        ("763104351884.dkr.ecr.eu-west-1.amazonaws.com/pytorch-inference:2.3-cpu-py311", True),
        ("123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn/team/model@sha256:" + "a" * 64, True),
        ("nginx:latest", False),
        ("123456789012.dkr.ecr.us-east-1.amazonaws.com", False),
    ],
)
def test_image_parameter_pattern_catches_typos(
    capsys: pytest.CaptureFixture[str], value: str, ok: bool
) -> None:
    import re

    pattern = render(capsys)["Parameters"]["ModelImageUri"]["AllowedPattern"]  # type: ignore[index]
    assert bool(re.match(pattern, value)) is ok


def test_yaml_format(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["lambda-sagemakerendpoint", "--format", "yaml"]) == 0
    out = capsys.readouterr().out
    assert out.lstrip().startswith(
        ("AWSTemplateFormatVersion", "Conditions", "Description", "Outputs", "Parameters")
    )
    assert load_yaml(out)["Resources"]["SagemakerEndpoint"]["Type"] == "AWS::SageMaker::Endpoint"


def test_output_file_is_written_and_stdout_stays_empty(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "out.json"
    assert cli.main(["lambda-sagemakerendpoint", "-o", str(target)]) == 0
    assert capsys.readouterr().out == ""
    assert "SagemakerEndpoint" in json.loads(target.read_text())["Resources"]
    assert [p.name for p in tmp_path.iterdir()] == ["out.json"]


def test_failed_run_leaves_an_existing_output_untouched(tmp_path: Path) -> None:
    target = tmp_path / "out.json"
    target.write_text("previous")
    result = run("lambda-sagemakerendpoint", "--id-prefix", "bad-prefix", "-o", str(target))
    assert result.returncode == 2
    assert target.read_text() == "previous"
    assert [p.name for p in tmp_path.iterdir()] == ["out.json"]


def test_write_is_atomic_when_the_write_itself_fails(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "out.json"
    target.write_text("previous")

    def broken_replace(src: str, dst: str) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", broken_replace)
    assert cli.main(["lambda-sagemakerendpoint", "-o", str(target)]) == 2
    assert target.read_text() == "previous"
    assert [p.name for p in tmp_path.iterdir()] == ["out.json"]


def test_deploy_vpc(capsys: pytest.CaptureFixture[str]) -> None:
    template = render(capsys, "--deploy-vpc")
    assert "Vpc" in template["Resources"]  # type: ignore[operator]
    assert "VpcId" in template["Outputs"]  # type: ignore[operator]


def test_existing_vpc_ids_are_parameters(capsys: pytest.CaptureFixture[str]) -> None:
    template = render(capsys, "--existing-vpc")
    parameters = template["Parameters"]
    assert parameters["VpcId"]["Type"] == "AWS::EC2::VPC::Id"  # type: ignore[index]
    assert parameters["SubnetIds"]["Type"] == "List<AWS::EC2::Subnet::Id>"  # type: ignore[index]
    function = template["Resources"]["LambdaFunction"]["Properties"]  # type: ignore[index]
    assert function["VpcConfig"]["SubnetIds"] == {"Ref": "SubnetIds"}
    assert "Vpc" not in template["Resources"]  # type: ignore[operator]


def test_existing_endpoint_name_is_a_parameter(capsys: pytest.CaptureFixture[str]) -> None:
    template = render(capsys, "--existing-endpoint")
    assert set(template["Parameters"]) == {"EndpointName", "AlarmTopicArn"}  # type: ignore[arg-type]
    resources = template["Resources"]
    assert not [r for r in resources.values() if r["Type"].startswith("AWS::SageMaker")]  # type: ignore[union-attr]
    variables = resources["LambdaFunction"]["Properties"]["Environment"]["Variables"]  # type: ignore[index]
    assert variables == {
        "SAGEMAKER_ENDPOINT_NAME": {"Ref": "EndpointName"},
        "SAGEMAKER_READ_TIMEOUT_SECONDS": "70",
    }


@pytest.mark.parametrize("network", [[], ["--deploy-vpc"], ["--existing-vpc"]])
def test_async_combines_with_every_network_mode(
    capsys: pytest.CaptureFixture[str], network: list[str]
) -> None:
    template = render(capsys, "--async", *network)
    resources = template["Resources"]
    config = resources["SagemakerEndpointConfig"]["Properties"]  # type: ignore[index]
    paths = config["AsyncInferenceConfig"]["OutputConfig"]
    assert paths["S3OutputPath"] == {"Fn::Sub": "s3://${SagemakerDataBucket}/async-output"}
    variables = resources["LambdaFunction"]["Properties"]["Environment"]["Variables"]  # type: ignore[index]
    assert variables["SAGEMAKER_ASYNC_OUTPUT_LOCATION"] == paths["S3OutputPath"]
    assert {"AsyncSuccessTopic", "AsyncErrorTopic", "SagemakerDataBucket"} <= set(resources)  # type: ignore[arg-type]
    assert ("S3GatewayVpcEndpoint" in resources) == bool(network)  # type: ignore[operator]


def test_async_fields_come_from_a_props_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "props.yaml"
    path.write_text(
        "async_inference:\n  error_topic: false\n  max_concurrent_invocations_per_instance: 4\n"
    )
    template = render(capsys, "--async", "--props", str(path))
    resources = template["Resources"]
    config = resources["SagemakerEndpointConfig"]["Properties"]["AsyncInferenceConfig"]  # type: ignore[index]
    assert config["ClientConfig"] == {"MaxConcurrentInvocationsPerInstance": 4}
    assert list(config["OutputConfig"]["NotificationConfig"]) == ["SuccessTopic"]
    assert "AsyncErrorTopic" not in resources  # type: ignore[operator]


def test_async_with_an_existing_endpoint_is_refused() -> None:
    result = run("lambda-sagemakerendpoint", "--async", "--existing-endpoint")
    assert result.returncode == 2
    assert "--async with --existing-endpoint: the pattern configures" in result.stderr
    assert result.stdout == ""


def test_serverless_mode_takes_memory_and_concurrency_as_constrained_parameters(
    capsys: pytest.CaptureFixture[str],
) -> None:
    template = render(capsys, "--serverless")
    parameters = template["Parameters"]
    assert set(parameters) == {  # type: ignore[arg-type]
        "ModelImageUri",
        "ModelDataUrl",
        "ServerlessMemorySizeInMB",
        "ServerlessMaxConcurrency",
        "AlarmTopicArn",
    }
    memory = parameters["ServerlessMemorySizeInMB"]  # type: ignore[index]
    assert memory["AllowedValues"] == [1024, 2048, 3072, 4096, 5120, 6144]
    assert memory["Default"] == 2048
    concurrency = parameters["ServerlessMaxConcurrency"]  # type: ignore[index]
    assert (concurrency["MinValue"], concurrency["MaxValue"], concurrency["Default"]) == (
        1,
        200,
        20,
    )
    resources = template["Resources"]
    [variant] = resources["SagemakerEndpointConfig"]["Properties"]["ProductionVariants"]  # type: ignore[index]
    assert variant["ServerlessConfig"] == {
        "MemorySizeInMB": {"Ref": "ServerlessMemorySizeInMB"},
        "MaxConcurrency": {"Ref": "ServerlessMaxConcurrency"},
    }
    assert "InstanceType" not in variant and "InitialInstanceCount" not in variant
    assert resources["SagemakerModel"]["Properties"]["EnableNetworkIsolation"] is False  # type: ignore[index]
    assert not [r for r in resources.values() if "ApplicationAutoScaling" in r["Type"]]  # type: ignore[union-attr]


def test_autoscaling_mode_scales_the_variant_and_drops_burstable_types(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from troposphere_patterns.core.hosting.instance_type_table import INSTANCE_TYPES

    template = render(capsys, "--autoscaling")
    parameters = template["Parameters"]
    pattern = parameters["InstanceType"]["AllowedPattern"]  # type: ignore[index]
    allowed = [t for t in INSTANCE_TYPES if re.fullmatch(pattern, t)]
    assert allowed == [t for t in INSTANCE_TYPES if not t.startswith("ml.t2.")]
    assert len(INSTANCE_TYPES) - len(allowed) == 4
    assert "burstable" in parameters["InstanceType"]["ConstraintDescription"]  # type: ignore[index]
    assert parameters["AutoscalingMinCapacity"]["Default"] == 1  # type: ignore[index]
    assert "Default" not in parameters["AutoscalingMaxCapacity"]  # type: ignore[index]  # the cost cap
    resources = template["Resources"]
    target = resources["SagemakerEndpointAllTrafficScalableTarget"]["Properties"]  # type: ignore[index]
    assert target["MinCapacity"] == {"Ref": "AutoscalingMinCapacity"}
    assert target["MaxCapacity"] == {"Ref": "AutoscalingMaxCapacity"}
    assert target["ScalableDimension"] == "sagemaker:variant:DesiredInstanceCount"
    policy = resources["SagemakerEndpointAllTrafficScalingPolicy"]["Properties"]  # type: ignore[index]
    assert policy["ScalingTargetId"] == {"Ref": "SagemakerEndpointAllTrafficScalableTarget"}
    assert resources["SagemakerEndpoint"]["Properties"]["RetainAllVariantProperties"] is True  # type: ignore[index]
    # The default mode keeps every type.
    pattern = render(capsys)["Parameters"]["InstanceType"]["AllowedPattern"]  # type: ignore[index]
    assert all(re.fullmatch(pattern, t) for t in INSTANCE_TYPES)


def test_serverless_autoscaling_scales_provisioned_concurrency_from_a_props_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "props.yaml"
    path.write_text("serverless: {provisioned_concurrency: 2}\nautoscaling: {target_value: 0.5}\n")
    template = render(capsys, "--serverless", "--autoscaling", "--props", str(path))
    resources = template["Resources"]
    [variant] = resources["SagemakerEndpointConfig"]["Properties"]["ProductionVariants"]  # type: ignore[index]
    assert variant["ServerlessConfig"]["ProvisionedConcurrency"] == 2
    assert variant["ServerlessConfig"]["MaxConcurrency"] == {"Ref": "ServerlessMaxConcurrency"}
    target = resources["SagemakerEndpointAllTrafficScalableTarget"]["Properties"]  # type: ignore[index]
    assert target["ScalableDimension"] == "sagemaker:variant:DesiredProvisionedConcurrency"
    policy = resources["SagemakerEndpointAllTrafficScalingPolicy"]["Properties"]  # type: ignore[index]
    tracking = policy["TargetTrackingScalingPolicyConfiguration"]
    assert tracking["TargetValue"] == 0.5
    assert tracking["PredefinedMetricSpecification"] == {
        "PredefinedMetricType": "SageMakerVariantProvisionedConcurrencyUtilization"
    }


def test_props_file_yaml_merges_over_the_defaults(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "props.yaml"
    path.write_text(
        yaml.safe_dump(
            {
                "lambda_function_props": {"MemorySize": 1024},
                "model_props": {"PrimaryContainer": {"Environment": {"SAGEMAKER_PROGRAM": "x.py"}}},
                "id_prefix": "Fraud",
            }
        )
    )
    template = render(capsys, "--props", str(path))
    resources = template["Resources"]
    assert resources["FraudLambdaFunction"]["Properties"]["MemorySize"] == 1024  # type: ignore[index]
    container = resources["FraudSagemakerModel"]["Properties"]["PrimaryContainer"]  # type: ignore[index]
    assert container["Image"] == {"Ref": "ModelImageUri"}
    assert container["Environment"] == {"SAGEMAKER_PROGRAM": "x.py"}


def test_props_file_json_literal_image_drops_the_unused_parameter(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "props.json"
    image = "123456789012.dkr.ecr.us-east-1.amazonaws.com/repo:1"
    path.write_text(json.dumps({"model_props": {"PrimaryContainer": {"Image": image}}}))
    template = render(capsys, "--props", str(path))
    assert "ModelImageUri" not in template["Parameters"]  # type: ignore[operator]


@pytest.mark.parametrize(
    "refused",
    ["ml.t2.48xlarge", "ml.g5", "ml.g5.xlarge ", "g5.xlarge", "ml.m5.large.x", "ml.m5.Large", ""],
)
def test_instance_type_parameter_allows_every_type_in_the_table_and_nothing_else(
    refused: str, capsys: pytest.CaptureFixture[str]
) -> None:
    from troposphere_patterns.core.hosting.instance_type_table import INSTANCE_TYPES

    template = render(capsys)
    parameter = template["Parameters"]["InstanceType"]  # type: ignore[index]
    # CloudFormation matches AllowedPattern against the whole value, as fullmatch does.
    assert [t for t in INSTANCE_TYPES if re.fullmatch(parameter["AllowedPattern"], t)] == list(
        INSTANCE_TYPES
    )
    assert not re.fullmatch(parameter["AllowedPattern"], refused)
    assert "AllowedValues" not in parameter
    assert "instance type" in parameter["ConstraintDescription"]
    key = template["Resources"]["SagemakerEndpointConfig"]["Properties"]["KmsKeyId"]  # type: ignore[index]
    assert key["Fn::If"][0] in template["Conditions"]  # type: ignore[operator]


def test_props_file_model_data_source_replaces_the_model_data_url_parameter(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = {
        "S3DataSource": {
            "S3Uri": "s3://my-models/llama/",
            "S3DataType": "S3Prefix",
            "CompressionType": "None",
        }
    }
    path = tmp_path / "llm.yaml"
    path.write_text(
        yaml.safe_dump({"model_props": {"PrimaryContainer": {"ModelDataSource": source}}})
    )
    template = render(capsys, "--props", str(path))
    container = template["Resources"]["SagemakerModel"]["Properties"]["PrimaryContainer"]  # type: ignore[index]
    assert container["ModelDataSource"] == source
    assert "ModelDataUrl" not in container
    assert set(template["Parameters"]) == {"ModelImageUri", "InstanceType", "AlarmTopicArn"}  # type: ignore[arg-type]


def test_props_file_containers_replace_the_primary_container(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    image = "123456789012.dkr.ecr.us-east-1.amazonaws.com/repo:1"
    containers = [
        {"Image": image, "ModelDataUrl": "s3://my-models/a.tar.gz"},
        {"Image": image, "ModelDataUrl": "s3://my-models/b.tar.gz"},
    ]
    path = tmp_path / "pipeline.json"
    path.write_text(json.dumps({"model_props": {"Containers": containers}}))
    template = render(capsys, "--props", str(path))
    model = template["Resources"]["SagemakerModel"]["Properties"]  # type: ignore[index]
    assert "PrimaryContainer" not in model
    assert model["Containers"] == containers
    assert set(template["Parameters"]) == {"InstanceType", "AlarmTopicArn"}  # type: ignore[arg-type]


def test_props_file_s3_code_replaces_the_inlined_handler(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = {"S3Bucket": "my-artifacts", "S3Key": "handler.zip"}
    path = tmp_path / "code.json"
    path.write_text(json.dumps({"lambda_function_props": {"Code": code}}))
    template = render(capsys, "--props", str(path))
    assert template["Resources"]["LambdaFunction"]["Properties"]["Code"] == code  # type: ignore[index]


def test_minified_json_is_the_same_template(capsys: pytest.CaptureFixture[str]) -> None:
    readable = render(capsys, "--deploy-vpc")
    assert cli.main(["lambda-sagemakerendpoint", "--deploy-vpc", "--minify"]) == 0
    out = capsys.readouterr().out
    assert json.loads(out) == readable
    assert out.count("\n") == 1


@pytest.mark.parametrize(
    ("args", "content", "message"),
    [
        (["--id-prefix", "my-prefix"], None, "--id-prefix: 'my-prefix' must contain only"),
        (["--env-var-name", "1X"], None, "--env-var-name: '1X' is not a valid"),
        (["--props", "PROPS"], "{not json", "--props PROPS: not valid JSON: line 1, column 2"),
        (
            ["--props", "PROPS"],
            '{"modelprops": {}}',
            "--props PROPS: modelprops: unknown props field; did you mean model_props?",
        ),
        (
            ["--props", "PROPS"],
            '{"lambda_function_props": {"Memory": 1}}',
            "--props PROPS: lambda_function_props.Memory: unknown property of "
            "AWS::Lambda::Function; did you mean MemorySize?",
        ),
        (
            ["--props", "PROPS"],
            '{"deploy_vpc": "yes"}',
            "--props PROPS: deploy_vpc: must be a bool",
        ),
        (
            ["--props", "PROPS"],
            '{"existing_vpc": {"vpc": "x"}}',
            "--props PROPS: existing_vpc.vpc: unknown key of existing_vpc; did you mean vpc_id?",
        ),
        (
            ["--props", "PROPS"],
            '{"existing_vpc": {"vpc_id": "vpc-1"}}',
            "--props PROPS: existing_vpc: needs subnet_ids",
        ),
        (
            ["--existing-endpoint", "--props", "PROPS"],
            '{"endpoint_props": {"Tags": [{"Key": "a", "Value": "b"}]}}',
            "--existing-endpoint and endpoint_props (--props PROPS): give one or the other",
        ),
        (
            ["--existing-endpoint", "--props", "PROPS"],
            '{"model_props": {"EnableNetworkIsolation": false}}',
            "--props PROPS: model_props with --existing-endpoint: no model",
        ),
        (
            ["--props", "/nonexistent/props.json"],
            None,
            "--props /nonexistent/props.json: cannot read it: No such file or directory",
        ),
        (["--format", "xml"], None, "--format"),
        (["--deploy-vpc", "--existing-vpc"], None, "not allowed with"),
        (["--serverless", "--autoscaling"], None, "a Serverless Inference variant without"),
        (["--serverless", "--existing-endpoint"], None, "--serverless with --existing-endpoint"),
        (
            ["--autoscaling", "--props", "PROPS"],
            '{"autoscaling": {"max": 2}}',
            "autoscaling.max: unknown key of autoscaling (known: max_capacity,",
        ),
        (
            ["--serverless", "--props", "PROPS"],
            '{"serverless": {"memory_size_in_mb": 1000}}',
            "serverless.memory_size_in_mb: 1000",
        ),
    ],
)
def test_bad_input_exits_2_with_a_message_naming_it(
    tmp_path: Path, args: list[str], content: str | None, message: str
) -> None:
    if content is not None:
        path = tmp_path / "props.json"
        path.write_text(content)
        args = [str(path) if a == "PROPS" else a for a in args]
        message = message.replace("PROPS", str(path))
    result = run("lambda-sagemakerendpoint", *args)
    assert result.returncode == 2
    assert message in result.stderr
    assert "existing_sagemaker_endpoint_obj" not in result.stderr
    assert "Traceback" not in result.stderr
    assert result.stdout == ""


def test_help_has_examples() -> None:
    result = run("lambda-sagemakerendpoint", "--help")
    assert result.returncode == 0
    assert "aws cloudformation deploy" in result.stdout
    assert "--deploy-vpc" in result.stdout


def test_console_script_is_installed() -> None:
    script = Path(sys.executable).parent / "troposphere-patterns"
    result = subprocess.run(
        [str(script), "lambda-sagemakerendpoint", "--existing-endpoint"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "LambdaFunction" in json.loads(result.stdout)["Resources"]


def test_installed_wheel_renders_with_its_handler_outside_the_checkout(tmp_path: Path) -> None:
    # Build from a clean copy (a stale build/ could hide a missing file) and run in a venv that
    # sees the wheel and the dependencies but not the editable install of this checkout.
    root = Path(__file__).parent.parent
    source = tmp_path / "source"
    skip = shutil.ignore_patterns(".venv*", ".git", "build", "*.egg-info", "__pycache__", ".*cache")
    shutil.copytree(root, source, ignore=skip)
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "-q"]
    build = [*pip, "wheel", "--no-deps", "--no-build-isolation", "-w", str(tmp_path), str(source)]
    subprocess.run(build, check=True, capture_output=True, cwd=tmp_path)
    (wheel,) = tmp_path.glob("troposphere_patterns-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        licenses = [n for n in archive.namelist() if n.endswith(".dist-info/licenses/LICENSE")]
        assert licenses, "the wheel carries no LICENSE"
        assert archive.read(licenses[0]) == (root / "LICENSE").read_bytes()
        # The derived handler texts ship too: an installed CLI serves them, not a re-derivation.
        kept = sorted(n for n in archive.namelist() if "/handler_src/inline/" in n)
        assert [n.rsplit("/", 1)[1] for n in kept] == sorted(
            p.name for p in (root / "handler_src" / "inline").glob("*.txt")
        )
    target = tmp_path / "site"
    install = [*pip, "install", "--no-deps", "--target", str(target), str(wheel)]
    subprocess.run(install, check=True, capture_output=True)
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    (site_packages,) = venv.glob("lib/python*/site-packages")
    # Lines of a .pth join sys.path; .pth files inside them (the editable finder) do not run.
    dev_site = next(p for p in map(Path, sys.path) if p.name == "site-packages" and p.is_dir())
    (site_packages / "deps.pth").write_text(f"{target}\n{dev_site}\n")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    python = str(venv / "bin" / "python")
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    loaded = subprocess.run(
        [python, "-c", "import troposphere_patterns.cli as c; print(c.__file__)"],
        capture_output=True,
        text=True,
        cwd=elsewhere,
        env=env,
        check=True,
    )
    assert loaded.stdout.startswith(str(target))
    result = subprocess.run(
        [python, "-m", "troposphere_patterns", "lambda-sagemakerendpoint"],
        capture_output=True,
        text=True,
        cwd=elsewhere,
        env=env,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    function = json.loads(result.stdout)["Resources"]["LambdaFunction"]["Properties"]
    assert function["Code"]["ZipFile"] == troposphere_patterns.handler_source(asynchronous=False)


def test_an_async_endpoint_from_a_flag_or_a_props_file_gets_the_async_code(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    props = tmp_path / "async.yaml"
    props.write_text("async_inference: {}\n")
    for args in (["--async"], ["--props", str(props)]):
        function = render(capsys, *args)["Resources"]["LambdaFunction"]  # type: ignore[index]
        code = function["Properties"]["Code"]["ZipFile"]
        assert code == troposphere_patterns.handler_source(asynchronous=True)


@pytest.mark.parametrize(
    ("name", "ok"),
    [
        ("Fraud-Scorer-PROD", True),
        ("fraud-scorer", True),
        ("A", True),
        ("a--b", True),
        ("x" * 63, True),
        ("x" * 64, False),
        ("-fraud", False),
        ("fraud-", False),
        ("fraud_scorer", False),
        ("fraud.scorer", False),
    ],
)
def test_endpoint_name_parameter_takes_any_valid_sagemaker_name(
    capsys: pytest.CaptureFixture[str], name: str, ok: bool
) -> None:
    import re

    parameter = render(capsys, "--existing-endpoint")["Parameters"]["EndpointName"]  # type: ignore[index]
    assert bool(re.match(parameter["AllowedPattern"], name)) is ok


def evaluate(node: object, values: dict[str, str]) -> object:
    """Resolve the intrinsics an ARN is built from, as CloudFormation would."""
    if isinstance(node, list):
        return [evaluate(item, values) for item in node]
    if not isinstance(node, dict):
        return node
    ((function, argument),) = node.items()
    if function == "Fn::Sub":
        text, variables = argument if isinstance(argument, list) else (argument, {})
        for key, value in {**values, **variables}.items():
            text = text.replace("${" + key + "}", str(evaluate(value, values)))
        return text
    argument = evaluate(argument, values)
    if function == "Ref":
        return values[argument]  # type: ignore[index]
    if function == "Fn::Join":
        delimiter, items = argument  # type: ignore[misc]
        return str(delimiter).join(items)
    if function == "Fn::Split":
        delimiter, text = argument  # type: ignore[misc]
        return str(text).split(delimiter)
    raise AssertionError(f"unexpected {function}")


def test_mixed_case_endpoint_name_keeps_its_case_and_the_grant_names_its_lower_case_arn(
    capsys: pytest.CaptureFixture[str],
) -> None:
    template = render(capsys, "--existing-endpoint")
    values = {
        "EndpointName": "Fraud-Scorer-PROD",
        "AWS::Partition": "aws",
        "AWS::Region": "us-east-1",
        "AWS::AccountId": "123456789012",
    }
    resources = template["Resources"]
    function = resources["LambdaFunction"]["Properties"]  # type: ignore[index]
    variable = function["Environment"]["Variables"]["SAGEMAKER_ENDPOINT_NAME"]
    assert evaluate(variable, values) == "Fraud-Scorer-PROD"
    policy = resources["LambdaFunctionServiceRolePolicy"]["Properties"]["PolicyDocument"]  # type: ignore[index]
    [invoke] = [s for s in policy["Statement"] if s["Action"] == ["sagemaker:InvokeEndpoint"]]
    expected = "arn:aws:sagemaker:us-east-1:123456789012:endpoint/fraud-scorer-prod"
    assert evaluate(invoke["Resource"], values) == [expected]
    output = template["Outputs"]["SagemakerEndpointArn"]["Value"]  # type: ignore[index]
    assert evaluate(output, values) == expected


def test_version_comes_from_the_package() -> None:
    from importlib.metadata import version

    import troposphere_patterns

    result = run("--version")
    assert result.returncode == 0
    assert result.stdout.strip() == f"troposphere-patterns {troposphere_patterns.__version__}"
    assert version("troposphere-patterns") == troposphere_patterns.__version__


def test_top_level_help_lists_every_mode_of_every_pattern() -> None:
    result = run("--help")
    assert result.returncode == 0
    top = cli.parser()
    commands = next(a for a in top._actions if isinstance(a, argparse._SubParsersAction))
    for name, command in commands.choices.items():
        assert name in result.stdout
        if name not in cli.COMMAND_LINES:
            continue  # a tool such as diagram, not a pattern
        modes = [g for g in command._action_groups if (g.title or "").startswith("modes")]
        flags = [a.option_strings[0] for group in modes for a in group._group_actions]
        assert {"--deploy-vpc", "--existing-vpc", "--existing-endpoint"} <= set(flags)
        for flag in flags:
            assert flag in result.stdout
    assert "%%" not in result.stdout
    assert "canary (10%, bakes 10 min)" in result.stdout
    # A flag wider than the column gets a line of its own; its description starts below it.
    assert "    --rollout {canary,linear,all-at-once,rolling}\n" + " " * 26 + "how a model" in (
        result.stdout
    )
    # Every description line fits the column and 96 characters.
    epilog = result.stdout.split("patterns and their modes")[1].split("exit status:")[0]
    assert max(len(line) for line in epilog.splitlines()) <= 96


# --------------------------------------------------------------------------- day-2 operations


def test_alarms_notify_the_topic_parameter_when_it_is_set(
    capsys: pytest.CaptureFixture[str],
) -> None:
    template = render(capsys)
    topic = template["Parameters"]["AlarmTopicArn"]  # type: ignore[index]
    assert topic["Default"] == ""
    alarms = [r for r in template["Resources"].values() if r["Type"] == "AWS::CloudWatch::Alarm"]  # type: ignore[union-attr]
    assert len(alarms) == 5
    for alarm in alarms:
        assert alarm["Properties"]["AlarmActions"] == {
            "Fn::If": ["AlarmTopicGiven", [{"Ref": "AlarmTopicArn"}], {"Ref": "AWS::NoValue"}]
        }


@pytest.mark.parametrize(
    ("choice", "policy", "instances"),
    [
        ("canary", "BlueGreenUpdatePolicy", 2),
        ("linear", "BlueGreenUpdatePolicy", 2),
        ("all-at-once", "BlueGreenUpdatePolicy", 1),
        ("rolling", "RollingUpdatePolicy", 2),
    ],
)
def test_rollout_choice_sets_the_update_policy(
    capsys: pytest.CaptureFixture[str], choice: str, policy: str, instances: int
) -> None:
    template = render(capsys, "--rollout", choice)
    resources = template["Resources"]
    config = resources["SagemakerEndpoint"]["Properties"]["DeploymentConfig"]  # type: ignore[index]
    assert set(config) == {policy, "AutoRollbackConfiguration"}
    assert len(config["AutoRollbackConfiguration"]["Alarms"]) == 3
    [variant] = resources["SagemakerEndpointConfig"]["Properties"]["ProductionVariants"]  # type: ignore[index]
    assert variant["InitialInstanceCount"] == instances
    assert variant["InstanceType"] == {"Ref": "InstanceType"}


def test_rollout_refuses_an_unknown_choice() -> None:
    result = run("lambda-sagemakerendpoint", "--rollout", "big-bang")
    assert result.returncode == 2
    assert "invalid choice: 'big-bang'" in result.stderr


def test_a_props_files_variants_win_over_the_rollout_and_are_checked(tmp_path: Path) -> None:
    path = tmp_path / "one.yaml"
    variant = {
        "VariantName": "AllTraffic",
        "InitialInstanceCount": 1,
        "InstanceType": "ml.m5.large",
    }
    path.write_text(yaml.safe_dump({"endpoint_config_props": {"ProductionVariants": [variant]}}))
    result = run("lambda-sagemakerendpoint", "--rollout", "canary", "--props", str(path))
    assert result.returncode == 2
    assert (
        "variant 'AllTraffic' has 1 instance and 10% of them is 1, more than half" in result.stderr
    )


def test_data_capture_flag_adds_the_bucket_and_the_capture(
    capsys: pytest.CaptureFixture[str],
) -> None:
    resources = render(capsys, "--data-capture")["Resources"]
    capture = resources["SagemakerEndpointConfig"]["Properties"]["DataCaptureConfig"]  # type: ignore[index]
    assert capture["DestinationS3Uri"] == {"Fn::Sub": "s3://${SagemakerDataBucket}/data-capture/"}
    assert resources["SagemakerDataBucket"]["Type"] == "AWS::S3::Bucket"  # type: ignore[index]


def test_a_props_file_turns_the_alarms_off(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "quiet.json"
    path.write_text(json.dumps({"alarms": None}))
    template = render(capsys, "--props", str(path))
    assert not [r for r in template["Resources"].values() if r["Type"] == "AWS::CloudWatch::Alarm"]  # type: ignore[union-attr]
    assert "AlarmTopicArn" not in template["Parameters"]  # type: ignore[operator]


def test_a_problem_names_the_flag_or_file_its_path_leads_to_not_words_of_its_text() -> None:
    from troposphere_patterns.errors import Problem
    from troposphere_patterns.patterns.lambda_sagemakerendpoint import (
        LambdaSagemakerEndpointProps,
    )

    sources = cli.Sources(
        files=[("p.yaml", {"vpc_props": {"CidrBlock": "10.1.0.0/16"}})],
        flags={"serverless": "--serverless", "existing_vpc": "--existing-vpc"},
        props_type=LambdaSagemakerEndpointProps,
    )
    variant = "endpoint_config_props.ProductionVariants[0]"
    assert sources.place(Problem(variant, "a serverless variant has no instances")) == (
        f"{variant}: a serverless variant has no instances"
    )
    assert sources.place(Problem("serverless.max_concurrency", "300 is outside 1-200")) == (
        "--serverless (serverless.max_concurrency): 300 is outside 1-200"
    )
    assert sources.place(
        Problem.line(("serverless", "autoscaling"), "serverless and autoscaling: x")
    ) == ("--serverless and autoscaling: x")
    assert sources.place(Problem("vpc_props.CidrBlock", "too small")) == (
        "--props p.yaml: vpc_props.CidrBlock: too small"
    )
    both = "existing_vpc and vpc_props: vpc_props only shape a VPC that deploy_vpc creates"
    assert sources.place(Problem.line(("existing_vpc", "vpc_props"), both)) == (
        "--existing-vpc and vpc_props (--props p.yaml): vpc_props only shape a VPC that "
        "deploy_vpc creates"
    )
    # The path decides, not the text: a field named in prose but not in the path stays.
    assert (
        sources.place(Problem("alarms.topic", "not serverless")) == "alarms.topic: not serverless"
    )


# --------------------------------------------------------------------------- error channel


def _with(monkeypatch: pytest.MonkeyPatch, **changes: object) -> CommandLine:
    """Replace the pattern's declaration for one test (fields of ``CommandLine``)."""
    command = dataclasses.replace(cli.COMMAND_LINES["lambda-sagemakerendpoint"], **changes)  # type: ignore[arg-type]
    monkeypatch.setitem(cli.COMMAND_LINES, command.name, command)
    return command


def _mode(command: CommandLine, flag: str, **changes: object) -> tuple[Mode, ...]:
    return tuple(
        dataclasses.replace(mode, **changes) if mode.flag == flag else mode  # type: ignore[arg-type]
        for mode in command.modes
    )


@pytest.mark.parametrize("error", [RuntimeError("boom"), TypeError("boom"), KeyError("boom")])
def test_an_internal_error_is_a_traceback_and_status_70_not_bad_input(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], error: Exception
) -> None:
    def broken(props: object) -> object:  # our bug, deep in the library
        raise error

    _with(monkeypatch, render=broken)
    assert cli.main(["lambda-sagemakerendpoint"]) == cli.EXIT_INTERNAL == 70
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith("Traceback (most recent call last):")
    assert f"{type(error).__name__}: " in captured.err
    assert captured.err.endswith(
        f"troposphere-patterns: error: internal error: this is a bug in troposphere-patterns "
        f"{troposphere_patterns.__version__}, not in your input; please report it with the "
        "traceback above\n"
    )


def test_an_internal_error_leaves_the_output_file_as_it_was(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    def broken(props: object) -> object:
        raise AttributeError("boom")

    _with(monkeypatch, render=broken)
    target = tmp_path / "out.json"
    target.write_text("before")
    assert cli.main(["lambda-sagemakerendpoint", "-o", str(target)]) == 70
    assert target.read_text() == "before"
    capsys.readouterr()


def test_help_documents_the_exit_statuses() -> None:
    for args in (["--help"], ["lambda-sagemakerendpoint", "--help"]):
        result = run(*args)
        assert result.returncode == 0
        assert "exit status:" in result.stdout
        assert "  2   bad input" in result.stdout
        assert "  70  a bug in troposphere-patterns" in result.stdout


# --------------------------------------------------------------------------- declarations


def test_the_front_door_reads_what_a_mode_sets_from_sets_without_building_its_layer(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    # A file that names an endpoint applies --existing-endpoint's drops (the default model and
    # config) because the mode declares sets=("existing_sagemaker_endpoint_obj",); the mode's
    # layer is built only when its flag is given.
    def never(params: object, value: object) -> dict[str, object]:
        raise AssertionError("the layer of a mode that was not chosen was built")

    command = cli.COMMAND_LINES["lambda-sagemakerendpoint"]
    _with(monkeypatch, modes=_mode(command, "--existing-endpoint", props=never))
    path = tmp_path / "p.yaml"
    path.write_text("existing_sagemaker_endpoint_obj: my-endpoint\n")
    resources = render(capsys, "--props", str(path))["Resources"]
    types = {r["Type"] for r in resources.values()}  # type: ignore[union-attr]
    assert "AWS::SageMaker::Model" not in types
    assert "AWS::SageMaker::EndpointConfig" not in types


def test_without_sets_a_file_applies_no_drops(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    command = cli.COMMAND_LINES["lambda-sagemakerendpoint"]
    _with(monkeypatch, modes=_mode(command, "--existing-endpoint", sets=()))
    path = tmp_path / "p.yaml"
    path.write_text("existing_sagemaker_endpoint_obj: my-endpoint\n")
    assert cli.main(["lambda-sagemakerendpoint", "--props", str(path)]) == 2
    assert "model_props with existing_sagemaker_endpoint_obj" in capsys.readouterr().err


def test_a_layer_that_sets_an_undeclared_field_is_a_bug(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    command = cli.COMMAND_LINES["lambda-sagemakerendpoint"]
    _with(monkeypatch, modes=_mode(command, "--deploy-vpc", sets=()))
    assert cli.main(["lambda-sagemakerendpoint", "--deploy-vpc"]) == 70
    assert "ValueError: --deploy-vpc sets deploy_vpc, not declared in its sets" in (
        capsys.readouterr().err
    )


@pytest.mark.parametrize("command", list(cli.COMMAND_LINES.values()), ids=lambda c: c.name)
def test_each_mode_sets_exactly_what_it_declares(command: CommandLine) -> None:
    params = command.parameters_for({})
    for mode in command.modes:
        values = mode.choices or (["VALUE"] if mode.takes_value else [True])
        set_by_some_value = set()
        for value in values:
            layer = mode.layer(params, value)  # raises on an undeclared field
            set_by_some_value |= set(layer)
        assert set_by_some_value == set(mode.sets), mode.flag


def test_a_declaration_naming_no_props_field_is_refused() -> None:
    command = cli.COMMAND_LINES["lambda-sagemakerendpoint"]
    with pytest.raises(ValueError, match="existing_vpcs: not fields of"):
        dataclasses.replace(command, library_only={"existing_vpcs": "typo"})
    with pytest.raises(ValueError, match="deploy_vcp: not fields of"):
        dataclasses.replace(command, modes=_mode(command, "--deploy-vpc", sets=("deploy_vcp",)))


def test_the_front_door_names_no_pattern() -> None:
    # A second pattern adds cli/<pattern>.py and an entry in cli/registry.py, nothing here.
    front_door = Path(cli.__file__).read_text().lower()
    for name in ("lambda_sagemakerendpoint", "existing_lambda_obj", "existingvpc", "handler_src"):
        assert name not in front_door, name


CONCURRENCY_METRIC = "SageMakerVariantConcurrentRequestsPerModelHighResolution"


def test_scale_on_concurrency_targets_concurrent_requests_per_model_copy(
    capsys: pytest.CaptureFixture[str],
) -> None:
    template = render(capsys, "--scale-on-concurrency")
    parameters = template["Parameters"]
    assert parameters["AutoscalingTargetConcurrency"]["Default"] == 5  # type: ignore[index]
    assert parameters["AutoscalingTargetConcurrency"]["MinValue"] == 1  # type: ignore[index]
    pattern = parameters["InstanceType"]["AllowedPattern"]  # type: ignore[index]
    assert re.fullmatch(pattern, "ml.g5.xlarge") and not re.fullmatch(pattern, "ml.t2.medium")
    policy = template["Resources"]["SagemakerEndpointAllTrafficScalingPolicy"]["Properties"]  # type: ignore[index]
    configuration = policy["TargetTrackingScalingPolicyConfiguration"]
    assert configuration["PredefinedMetricSpecification"] == {
        "PredefinedMetricType": CONCURRENCY_METRIC
    }
    assert configuration["TargetValue"] == {"Ref": "AutoscalingTargetConcurrency"}
    # --autoscaling alone keeps invocations per instance and has no concurrency Parameter.
    plain = render(capsys, "--autoscaling")
    assert "AutoscalingTargetConcurrency" not in plain["Parameters"]  # type: ignore[operator]


@pytest.mark.parametrize("other", ["--async", "--serverless"])
def test_scale_on_concurrency_is_refused_where_sagemaker_does_not_publish_it(other: str) -> None:
    result = run("lambda-sagemakerendpoint", "--scale-on-concurrency", other)
    assert result.returncode == 2, result.stderr
    assert "--scale-on-concurrency" in result.stderr
    assert result.stdout == ""


def test_model_data_prefix_is_a_parameter_in_place_of_the_model_data_url(
    capsys: pytest.CaptureFixture[str],
) -> None:
    import re

    template = render(capsys, "--model-data-prefix")
    container = template["Resources"]["SagemakerModel"]["Properties"]["PrimaryContainer"]  # type: ignore[index]
    assert container["ModelDataSource"]["S3DataSource"]["S3Uri"] == {"Ref": "ModelDataPrefix"}
    assert "ModelDataUrl" not in container
    assert "ModelDataUrl" not in template["Parameters"]  # type: ignore[operator]
    pattern = template["Parameters"]["ModelDataPrefix"]["AllowedPattern"]  # type: ignore[index]
    for value, ok in [
        ("s3://my-models/llama-3-8b-instruct/", True),
        ("s3://my-models/", True),
        ("s3://my-models", False),  # the grant cuts the prefix after the bucket's "/"
        ("https://my-models.s3.amazonaws.com/llama/", False),
    ]:
        assert (re.fullmatch(pattern, value) is not None) is ok, value


def test_the_readme_gpu_fleet_props_file_renders_two_pools_scaled_on_concurrency(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import re

    from tests.templates_helpers import cfn_lint

    readme = (Path(__file__).parent.parent / "README.md").read_text()
    (example,) = re.findall(r"`llm-fleet\.yaml`[^`]*?```yaml\n(.*?)```", readme, re.S)
    path = tmp_path / "llm-fleet.yaml"
    path.write_text(example)
    template = render(capsys, "--scale-on-concurrency", "--props", str(path))
    resources = template["Resources"]
    (variant,) = resources["SagemakerEndpointConfig"]["Properties"]["ProductionVariants"]  # type: ignore[index]
    assert [p["InstanceType"] for p in variant["InstancePools"]] == [
        "ml.g6e.2xlarge",
        "ml.g5.2xlarge",
    ]
    assert "InstanceType" not in variant
    # No instance type left to choose at deploy time, nor a maximum the file gives.
    assert set(template["Parameters"]) == {  # type: ignore[arg-type]
        "ModelImageUri",
        "AlarmTopicArn",
        "AutoscalingMinCapacity",
        "AutoscalingTargetConcurrency",
    }
    target = resources["SagemakerEndpointAllTrafficScalableTarget"]["Properties"]  # type: ignore[index]
    assert target["MaxCapacity"] == 4
    policy = resources["SagemakerEndpointAllTrafficScalingPolicy"]["Properties"]  # type: ignore[index]
    metric = policy["TargetTrackingScalingPolicyConfiguration"]["PredefinedMetricSpecification"]
    assert metric == {"PredefinedMetricType": CONCURRENCY_METRIC}
    model = resources["SagemakerModel"]["Properties"]["PrimaryContainer"]  # type: ignore[index]
    assert model["ModelDataSource"]["S3DataSource"]["ModelAccessConfig"] == {"AcceptEula": True}
    assert [str(m) for m in cfn_lint(json.dumps(template))] == []


def test_a_flag_and_a_props_file_setting_one_field_warn_naming_both(tmp_path: Path) -> None:
    props = tmp_path / "rollout.yaml"
    props.write_text("rollout: {strategy: ALL_AT_ONCE, wait_seconds: 300}\n")
    result = run("lambda-sagemakerendpoint", "--rollout", "canary", "--props", str(props))
    assert result.returncode == 0, result.stderr
    assert (
        f"warning: --rollout canary and --props {props} both set rollout: the file's rollout "
        "replaces the flag's"
    ) in result.stderr
    assert "both set endpoint_config_props" not in result.stderr
    deployment = json.loads(result.stdout)["Resources"]["SagemakerEndpoint"]["Properties"]
    assert (
        deployment["DeploymentConfig"]["BlueGreenUpdatePolicy"]["TrafficRoutingConfiguration"][
            "Type"
        ]
        == "ALL_AT_ONCE"
    )
    alone = run("lambda-sagemakerendpoint", "--rollout", "canary")
    assert "both set" not in alone.stderr
    # A file's mapping merges over a flag's mapping, as documented: nothing to warn of.
    props.write_text("autoscaling: {max_capacity: 6}\n")
    merged = run("lambda-sagemakerendpoint", "--autoscaling", "--props", str(props))
    assert merged.returncode == 0, merged.stderr
    assert "both set" not in merged.stderr


def test_function_url_flag_gives_a_signed_url_output_for_this_account(
    capsys: pytest.CaptureFixture[str],
) -> None:
    template = render(capsys, "--function-url")
    resources = template["Resources"]
    assert isinstance(resources, dict)
    url = resources["LambdaFunctionUrl"]["Properties"]
    assert url["AuthType"] == "AWS_IAM"
    assert url["TargetFunctionArn"] == {"Fn::GetAtt": ["LambdaFunction", "Arn"]}
    grants = {
        resources[name]["Properties"]["Action"]: resources[name]["Properties"]
        for name in ("LambdaFunctionUrlPermission", "LambdaFunctionUrlInvokePermission")
    }
    account = {"Ref": "AWS::AccountId"}
    assert grants["lambda:InvokeFunctionUrl"]["FunctionUrlAuthType"] == "AWS_IAM"
    assert grants["lambda:InvokeFunctionUrl"]["Principal"] == account
    # Since October 2025 a URL also needs InvokeFunction, granted through the URL only.
    assert grants["lambda:InvokeFunction"]["InvokedViaFunctionUrl"] is True
    assert grants["lambda:InvokeFunction"]["Principal"] == account
    outputs = template["Outputs"]
    assert isinstance(outputs, dict)
    assert outputs["LambdaFunctionHttpsUrl"]["Value"] == {
        "Fn::GetAtt": ["LambdaFunctionUrl", "FunctionUrl"]
    }
    default = render(capsys)
    assert not [name for name in default["Resources"] if "Url" in name]  # type: ignore[union-attr]


def test_target_models_from_a_props_file_pin_the_grant_and_the_environment(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    props = tmp_path / "mme.yaml"
    props.write_text(
        "model_props:\n  PrimaryContainer:\n    Mode: MultiModel\n"
        "    ModelDataUrl: s3://my-models/fraud/\n"
        "target_models: [fraud-v1.tar.gz, fraud-v2.tar.gz]\n"
    )
    template = render(capsys, "--props", str(props))
    resources = template["Resources"]
    assert isinstance(resources, dict)
    function = resources["LambdaFunction"]["Properties"]
    assert function["Environment"]["Variables"]["SAGEMAKER_TARGET_MODELS"] == (
        "fraud-v1.tar.gz,fraud-v2.tar.gz"
    )
    policy = resources["LambdaFunctionServiceRolePolicy"]["Properties"]["PolicyDocument"]
    invoke = next(s for s in policy["Statement"] if s["Sid"] == "InvokeEndpoint")
    assert invoke["Condition"] == {
        "StringEquals": {"sagemaker:TargetModel": ["fraud-v1.tar.gz", "fraud-v2.tar.gz"]}
    }
    props.write_text("target_models: [fraud-v1.tar.gz]\n")
    assert cli.main(["lambda-sagemakerendpoint", "--props", str(props)]) == 2
    assert "only a multi-model endpoint takes a target model" in capsys.readouterr().err


@pytest.mark.parametrize("flags", [[], ["--async", "--deploy-vpc"]], ids=["default", "async-vpc"])
def test_the_command_ends_without_teardown_yet_writes_everything_and_says_its_status(
    tmp_path: Path, flags: list[str]
) -> None:
    """``console()`` exits with ``os._exit``: block-buffered stdout, a warning and a status
    must all be out before it."""
    out = tmp_path / "stdout.json"
    with out.open("w") as stdout:
        done = subprocess.run(
            [sys.executable, "-m", "troposphere_patterns", "lambda-sagemakerendpoint", *flags],
            stdout=stdout,
            stderr=subprocess.PIPE,
            text=True,
            check=False,
        )
    assert done.returncode == 0, done.stderr
    args = cli.parser().parse_args(["lambda-sagemakerendpoint", *flags])
    assert out.read_text() == cli.render(args)
    refused = run("lambda-sagemakerendpoint", "--instance-type", "ml.nope")
    assert refused.returncode == cli.EXIT_USAGE and refused.stdout == ""
    assert "--instance-type" in refused.stderr


@pytest.mark.parametrize(
    "argv",
    [
        ["lambda-sagemakerendpoint"],
        ["lambda-sagemakerendpoint", "--async", "--deploy-vpc", "--id-prefix", "Ml"],
        ["lambda-sagemakerendpoint", "--rollout", "canary", "--format", "yaml", "-o", "x.yaml"],
    ],
)
def test_a_pattern_s_own_parser_reads_its_flags_as_the_whole_parser_does(argv: list[str]) -> None:
    assert cli.parser(argv[0]).parse_args(argv) == cli.parser().parse_args(argv)


def test_parameters_are_made_on_first_read_once_and_changed_only_before() -> None:
    made: list[str] = []

    def maker(name: str) -> Callable[[], Parameter]:
        def make() -> Parameter:
            made.append(name)
            return Parameter(name, Type="String")

        return make

    params = Parameters({"A": maker("A"), "B": maker("B")})
    params.change("A", lambda p: Parameter(p.title, Type="Number"))
    assert list(params) == ["A", "B"] and "B" in params and made == []
    first = params["A"]
    assert params["A"] is first and first.properties["Type"] == "Number" and made == ["A"]
    with pytest.raises(ValueError, match="A: changed after it was read"):
        params.change("A", lambda p: p)
