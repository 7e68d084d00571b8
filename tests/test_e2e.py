"""End to end: every template deployed with the real AWS CLI into moto's CloudFormation.

Run with ``pytest -m e2e``. One moto server (127.0.0.1, a free port) serves the session; the
AWS CLI and boto3 reach it with fake keys, and nothing can reach AWS (see tests/e2e_support.py).

The cases are the CLI's renders made in this session (default, --deploy-vpc, --existing-vpc,
--existing-endpoint, and the default as YAML) and each committed ``templates/*.json`` that is not
byte for byte one of them. A committed file that is (the usual case) is not deployed again: it
is checked as that render, and one test per file asserts its bytes are the session's render's
(or, for a file that differs, that it was deployed as its own case). Each case
deploys a *main* stack that the read-only checks inspect; each of the four rendered modes also
deploys a *lifecycle* stack that is updated and then deleted, so no check depends on the order
tests run in. All deploys, and the deploys that must be refused, run at once in threads.

moto models much of AWS, not all: where it does not (README's testing section lists the gaps),
nothing is asserted and moto is not patched. Templates are deployed exactly as rendered or
committed.
"""

from __future__ import annotations

import ast
import contextlib
import io
import json
import os
import re
import subprocess
import sys
import time
import traceback
import types
import uuid
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from tests.e2e_support import (
    ACCOUNT,
    PARTITION,
    PROXY_VARS,
    REGION,
    ROOT,
    AwsCli,
    CliResult,
    LocalAws,
    aws_fixture,  # noqa: F401 - registers the "aws" fixture
    moto_server_fixture,  # noqa: F401 - registers the "moto_server" fixture
    parse_template,
    uses_fn_cidr,
)
from tests.templates_helpers import scenario
from troposphere_patterns import cli as pattern_cli
from troposphere_patterns.core.hosting.instance_types import local_nvme

pytestmark = pytest.mark.e2e

IMAGE = f"{ACCOUNT}.dkr.ecr.{REGION}.amazonaws.com/linear-learner:1"
# The model update a rollout case makes: a new image of the same model.
NEW_IMAGE = f"{ACCOUNT}.dkr.ecr.{REGION}.amazonaws.com/linear-learner:2"
MODEL_DATA = "s3://e2e-models/linear-learner/model.tar.gz"
MODEL = {"ModelImageUri": IMAGE, "ModelDataUrl": MODEL_DATA}
# What the role policies must name for IMAGE and MODEL_DATA.
ARTIFACT_ARN = "arn:aws:s3:::e2e-models/linear-learner/model.tar.gz"
REPOSITORY_ARN = f"arn:aws:ecr:{REGION}:{ACCOUNT}:repository/linear-learner*"
# The update moves to a GPU type with local NVMe storage: the new config drops the key. moto
# 5.2.5 knows 68 hosting instance types (up to g4dn, p3, inf1) and refuses the newer ones.
INSTANCE_TYPE, NEW_INSTANCE_TYPE, MOTO_GPU = "ml.m5.large", "ml.g4dn.xlarge", "ml.g4dn.2xlarge"
# Cases deployed on another instance type than INSTANCE_TYPE.
INSTANCE_TYPE_OF = {"default-gpu": "ml.g4dn.xlarge"}
# A GPU LLM from an uncompressed S3 prefix (a golden scenario: no Parameters), on MOTO_GPU.
LLM = "gpu_llm"
JSON = "application/json"
WORKERS = 6
NOT_FOUND = {"ResourceNotFoundException", "NoSuchEntity", "InvalidGroup.NotFound"}
# A named IAM resource needs CAPABILITY_NAMED_IAM, which moto does not check.
IAM_NAMES = {
    "AWS::IAM::Role": "RoleName",
    "AWS::IAM::ManagedPolicy": "ManagedPolicyName",
    "AWS::IAM::User": "UserName",
    "AWS::IAM::Group": "GroupName",
    "AWS::IAM::InstanceProfile": "InstanceProfileName",
}

ALARMS_GAP = "moto 5.2.5 has no CloudFormation model for AWS::CloudWatch::Alarm"

PATTERN = "lambda-sagemakerendpoint"
# Renders made by the CLI in this session: case id -> flags.
RENDERS: dict[str, tuple[str, ...]] = {
    "default": (),
    "deploy-vpc": ("--deploy-vpc",),
    "existing-vpc": ("--existing-vpc",),
    "existing-endpoint": ("--existing-endpoint",),
    "default-yaml": ("--format", "yaml"),
    "default-gpu": (),
    "async": ("--async",),
    "async-deploy-vpc": ("--async", "--deploy-vpc"),
    "async-autoscaling": ("--async", "--autoscaling"),
    "rollout-data-capture": ("--rollout", "canary", "--data-capture"),
    "serverless": ("--serverless",),
    "autoscaling": ("--autoscaling",),
}
LIFECYCLE = ("default", "deploy-vpc", "existing-vpc", "existing-endpoint", "rollout-data-capture")
# Cases whose alarms notify an SNS topic (the AlarmTopicArn Parameter); the others leave it empty.
WITH_ALARM_TOPIC = {"rollout-data-capture"}
# The --inference-components template: moto 5.2.5 cannot create its stack (see COMPONENTS_GAP),
# so it is checked by the tests at the end of this file, not as a case of the generic ones.
COMPONENTS_TEMPLATE = ROOT / "templates" / "lambda-sagemakerendpoint-inference-components.json"
COMMITTED = sorted(p for p in (ROOT / "templates").glob("*.json") if p != COMPONENTS_TEMPLATE)

# Values for the --serverless and --autoscaling Parameters (not their defaults, so the stack
# shows they arrived).
SERVERLESS = {"ServerlessMemorySizeInMB": "3072", "ServerlessMaxConcurrency": "10"}
SCALING = {"AutoscalingMinCapacity": "1", "AutoscalingMaxCapacity": "3"}
# moto 5.2.5's CloudFormation skips these types (no resource, no status): the scaling test
# registers the template's target and policy through the Application Auto Scaling API instead
# (and the async wake-up alarm through CloudWatch's); the bucket policy is a strict xfail
# (test_async_bucket_is_private_expiring_and_tls_only).
SKIPPED_BY_MOTO = {
    "AWS::ApplicationAutoScaling::ScalableTarget",
    "AWS::ApplicationAutoScaling::ScalingPolicy",
    # Nor these: not created, and Outputs that refer to them are dropped.
    "AWS::CloudWatch::Alarm",
    "AWS::S3::BucketPolicy",
}
# The serverless variant scaled on provisioned concurrency, as a golden scenario renders it.
PROVISIONED = "serverless_provisioned_concurrency_autoscaling"

# Deploys that must be refused: name -> (case whose render is used, parameters).
REFUSED = {
    "missing-model-data-url": ("default", {"ModelImageUri": IMAGE}),
    # Each value below breaks only the template's constraint, not what the service accepts.
    "instance-type-not-allowed": ("default", {**MODEL, "InstanceType": "ml.m4.large"}),
    # Not a constraint: a real type that moto 5.2.5's SageMaker does not know (strict xfail).
    "g5-on-moto": ("default", {**MODEL, "InstanceType": "ml.g5.xlarge"}),
    "endpoint-name-invalid": ("existing-endpoint", {"EndpointName": "My_Endpoint"}),
}


@dataclass(frozen=True)
class Case:
    id: str
    vpc: str  # "none", "deploy" (the stack makes one) or "existing" (parameters name one)
    existing_endpoint: bool
    asynchronous: bool = False
    flags: tuple[str, ...] = ()
    committed: Path | None = None

    @property
    def slug(self) -> str:
        return re.sub(r"[^a-z0-9]+", "-", self.id.lower()).strip("-")

    @property
    def lifecycle(self) -> bool:
        return self.id in LIFECYCLE


def _render_case(case_id: str, flags: tuple[str, ...]) -> Case:
    vpc = (
        "deploy" if "--deploy-vpc" in flags else "existing" if "--existing-vpc" in flags else "none"
    )
    return Case(case_id, vpc, "--existing-endpoint" in flags, "--async" in flags, flags=flags)


def _committed_case(path: Path) -> Case:
    try:
        template = json.loads(path.read_text())
        params, resources = template.get("Parameters", {}), template.get("Resources", {})
        kinds = {r.get("Type") for r in resources.values()}
        asynchronous = "AsyncInferenceConfig" in json.dumps(resources)
    except (OSError, ValueError, AttributeError):
        params, kinds, asynchronous = {}, set(), False  # the deploy test reports what is wrong
    vpc = "existing" if "VpcId" in params else "deploy" if "AWS::EC2::VPC" in kinds else "none"
    name = f"templates/{path.name}"
    return Case(name, vpc, "EndpointName" in params, asynchronous, committed=path)


def _renders_in_process() -> dict[str, bytes]:
    """What the CLI writes for each render, made in-process now, to choose the cases.

    Only this choice rests on it: the test of each committed file compares it with the CLI's
    render made in the session. A render that fails here is reported by that render's fixture
    (every committed file is then its own case), not as an error that stops collection.
    """
    parse = pattern_cli.parser().parse_args
    try:
        with contextlib.redirect_stderr(io.StringIO()):  # as the CLI's main() does
            return {
                case_id: pattern_cli.render(parse([PATTERN, *flags])).encode()
                for case_id, flags in RENDERS.items()
            }
    except Exception:
        return {}


def _same_bytes_as(path: Path, renders: dict[str, bytes]) -> str | None:
    """The render case whose bytes this committed file has, if any."""
    try:
        data = path.read_bytes()
    except OSError:
        return None  # the deploy test of its own case reports what is wrong with the file
    return next((case_id for case_id, text in renders.items() if text == data), None)


_RENDERED_NOW = _renders_in_process()
# A committed file with a render's very bytes -> that render's case id, else None.
TWIN = {path: _same_bytes_as(path, _RENDERED_NOW) for path in COMMITTED}
CASES = [_render_case(i, f) for i, f in RENDERS.items()] + [
    _committed_case(path) for path, twin in TWIN.items() if twin is None
]
BY_ID = {case.id: case for case in CASES}
ALL = list(BY_ID)
MAKES_ENDPOINT = [case.id for case in CASES if not case.existing_endpoint]
USES_ENDPOINT = [case.id for case in CASES if case.existing_endpoint]
IN_VPC = [case.id for case in CASES if case.vpc != "none"]
MAKES_VPC = [case.id for case in CASES if case.vpc == "deploy"]
ASYNC = [case.id for case in CASES if case.asynchronous]
REAL_TIME = [case.id for case in CASES if not case.asynchronous]


# --------------------------------------------------------------------------- records


@dataclass
class Network:
    vpc: str
    subnets: list[str]
    route_tables: list[str]


@dataclass
class Stack:
    name: str
    template: Path
    params: dict[str, str]
    network: Network | None = None  # the existing VPC the parameters name
    deploy: CliResult | None = None
    resources: dict[str, str] = field(default_factory=dict)  # logical id -> physical id
    deployed_template: dict[str, Any] | None = None  # GetTemplate
    function_config: dict[str, Any] | None = None  # GetFunctionConfiguration
    error: str | None = None

    def require(self) -> Stack:
        assert self.deploy is not None and self.deploy.returncode == 0, str(self.deploy)
        assert self.error is None, self.error
        return self


@dataclass
class Deployment:
    case: Case
    template: dict[str, Any]  # as deployed
    endpoint: str | None  # the existing endpoint the parameters name
    spare_endpoint: str | None  # the existing endpoint the update switches to
    main: Stack
    lifecycle: Stack | None

    @property
    def kinds(self) -> dict[str, str]:
        return {lid: res["Type"] for lid, res in self.template["Resources"].items()}

    def of_type(self, resources: dict[str, str], kind: str) -> list[str]:
        """Physical ids of the resources of one type, in logical-id order."""
        return [resources[lid] for lid, k in sorted(self.kinds.items()) if k == kind]

    def endpoint_name(self, resources: dict[str, str], params: dict[str, str]) -> str:
        """The endpoint a stack's function must call."""
        if self.case.existing_endpoint:
            return params["EndpointName"]
        return arn_name(resources["SagemakerEndpoint"])

    def endpoint_arn(self, resources: dict[str, str], params: dict[str, str]) -> str:
        """The ARN a stack's grants must name: SageMaker writes the name in lower case."""
        name = self.endpoint_name(resources, params)
        return endpoint_arn(name.lower() if self.case.existing_endpoint else name)

    def network_of(self, stack: Stack) -> Network:
        """The VPC, subnets and route tables a stack's resources must use."""
        if stack.network is not None:
            return stack.network
        return Network(
            stack.resources["Vpc"],
            self.of_type(stack.resources, "AWS::EC2::Subnet"),
            self.of_type(stack.resources, "AWS::EC2::RouteTable"),
        )


@dataclass
class Lab:
    deployments: dict[str, Deployment]
    refused: dict[str, CliResult]  # REFUSED name -> the deploy's result
    llm: Any  # the LLM golden's deploy: a CliResult, or the exception it raised


@dataclass
class Update:
    params: dict[str, str]
    result: CliResult | None = None
    status: str | None = None
    parameters: dict[str, str] = field(default_factory=dict)
    resources: dict[str, str] = field(default_factory=dict)
    endpoint_config: dict[str, Any] | None = None
    old_config_gone: bool | None = None
    model_image: str | None = None
    # The chain a request follows after the update: endpoint -> its config -> the config's model.
    served_config: str | None = None
    served_model: str | None = None
    function_config: dict[str, Any] | None = None
    invoke_resources: set[str] = field(default_factory=set)
    error: str | None = None


@dataclass
class Deletion:
    resources: dict[str, str]
    delete: CliResult | None = None
    wait: CliResult | None = None
    error: str | None = None


# --------------------------------------------------------------------------- helpers


def arn_name(arn: str) -> str:
    return arn.rsplit("/", 1)[-1]


def key_arn(key_id: str) -> str:
    return f"arn:{PARTITION}:kms:{REGION}:{ACCOUNT}:key/{key_id}"


def endpoint_arn(name: str) -> str:
    return f"arn:{PARTITION}:sagemaker:{REGION}:{ACCOUNT}:endpoint/{name}"


def as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def statements_of(document: Any) -> list[dict[str, Any]]:
    """A policy's statements, with Action and Resource as lists."""
    if isinstance(document, str):
        try:
            document = json.loads(document)
        except ValueError:  # moto 5.2.5 keeps some policies set by CloudFormation as a repr
            document = ast.literal_eval(document)
    return [
        {**s, "Action": as_list(s.get("Action", [])), "Resource": as_list(s.get("Resource", []))}
        for s in as_list(document["Statement"])
    ]


def role_statements(server: LocalAws, role: str) -> list[dict[str, Any]]:
    """Every statement of the role's inline policies."""
    iam = server.client("iam")
    return [
        statement
        for name in iam.list_role_policies(RoleName=role)["PolicyNames"]
        for statement in statements_of(
            iam.get_role_policy(RoleName=role, PolicyName=name)["PolicyDocument"]
        )
    ]


def resources_for(statements: Iterable[dict[str, Any]], action: str) -> set[str]:
    return {r for s in statements if action in s["Action"] for r in s["Resource"]}


def invoke_action(case: Case) -> str:
    """The one SageMaker Runtime action a case's function is granted."""
    return "sagemaker:InvokeEndpointAsync" if case.asynchronous else "sagemaker:InvokeEndpoint"


def async_objects(stack: Stack, prefix: str) -> str:
    """The ARN of every object under one async prefix of the stack's bucket."""
    return f"arn:{PARTITION}:s3:::{stack.resources['SagemakerDataBucket']}/{prefix}/*"


def trusted_services(role: dict[str, Any]) -> set[str]:
    trust = role["AssumeRolePolicyDocument"]["Statement"]
    return {p for s in trust for p in as_list(s["Principal"]["Service"])}


def stack_resources(server: LocalAws, name: str) -> dict[str, str]:
    found = server.client("cloudformation").describe_stack_resources(StackName=name)
    # moto gap: a resource of a type it skips (SKIPPED_BY_MOTO) is listed without a logical id.
    return {
        r["LogicalResourceId"]: r.get("PhysicalResourceId")
        for r in found["StackResources"]
        if "LogicalResourceId" in r
    }


def gone(call: Callable[[], Any]) -> bool:
    """True when the describe call says its resource does not exist (other errors raise)."""
    try:
        call()
    except ClientError as error:
        code, message = error.response["Error"]["Code"], error.response["Error"]["Message"]
        if code in NOT_FOUND or re.search(
            r"does not exist|could not find|not found", message, re.I
        ):
            return True
        raise
    return False


def in_parallel(jobs: dict[str, Callable[[], Any]]) -> dict[str, Any]:
    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        futures = {key: pool.submit(job) for key, job in jobs.items()}
        return {key: future.result() for key, future in futures.items()}


def _guarded(record: Any, work: Callable[[], None]) -> Any:
    """Run work; an exception lands in record.error (one case must not sink the others)."""
    try:
        work()
    except Exception:
        record.error = traceback.format_exc()
    return record


def _create_network(server: LocalAws, second_octet: int) -> Network:
    """A private VPC like one a user already has: two subnets, each with a route table."""
    ec2 = server.client("ec2")
    vpc = ec2.create_vpc(CidrBlock=f"10.{second_octet}.0.0/16")["Vpc"]["VpcId"]
    subnets, tables = [], []
    for index, zone in enumerate(("a", "b")):
        subnet = ec2.create_subnet(
            VpcId=vpc, CidrBlock=f"10.{second_octet}.{index}.0/24", AvailabilityZone=REGION + zone
        )["Subnet"]["SubnetId"]
        table = ec2.create_route_table(VpcId=vpc)["RouteTable"]["RouteTableId"]
        ec2.associate_route_table(RouteTableId=table, SubnetId=subnet)
        subnets.append(subnet)
        tables.append(table)
    return Network(vpc, subnets, tables)


def _create_endpoint(server: LocalAws, name: str) -> str:
    """An endpoint made outside the stacks, as a user's existing one is."""
    sagemaker = server.client("sagemaker")
    sagemaker.create_model(
        ModelName=f"{name}-model",
        ExecutionRoleArn=f"arn:{PARTITION}:iam::{ACCOUNT}:role/e2e-existing-model",
        PrimaryContainer={"Image": IMAGE, "ModelDataUrl": MODEL_DATA},
    )
    variant = {
        "VariantName": "AllTraffic",
        "ModelName": f"{name}-model",
        "InitialInstanceCount": 1,
        "InstanceType": INSTANCE_TYPE,
    }
    sagemaker.create_endpoint_config(EndpointConfigName=f"{name}-cfg", ProductionVariants=[variant])
    sagemaker.create_endpoint(EndpointName=name, EndpointConfigName=f"{name}-cfg")
    return name


def _parameters(
    template: dict[str, Any],
    network: Network | None,
    endpoint: str | None,
    instance_type: str,
    topic: str | None = None,
) -> dict[str, str]:
    """Values for the parameters this template declares (and only those)."""
    values = {
        **MODEL,
        **SERVERLESS,
        **SCALING,
        "InstanceType": instance_type,
        "EndpointName": endpoint or "",
    }
    # An async template scales to zero by default: deploy it with that default.
    if template.get("Parameters", {}).get("AutoscalingMinCapacity", {}).get("Default") == 0:
        del values["AutoscalingMinCapacity"]
    if topic is not None:
        values["AlarmTopicArn"] = topic
    if network is not None:
        values["VpcId"] = network.vpc
        values["SubnetIds"] = ",".join(network.subnets)
        values["RouteTableIds"] = ",".join(network.route_tables)
    return {name: values[name] for name in template.get("Parameters", {}) if name in values}


def _deploy(server: LocalAws, cli: AwsCli, stack: Stack, fetch: bool) -> Stack:
    def work() -> None:
        stack.deploy = cli.deploy(stack.template, stack.name, stack.params)
        if stack.deploy.returncode != 0:
            return
        stack.resources = stack_resources(server, stack.name)
        if fetch:  # what the functional check runs: the deployed code and environment
            body = server.client("cloudformation").get_template(StackName=stack.name)
            stack.deployed_template = parse_template(body["TemplateBody"])
            stack.function_config = server.client("lambda").get_function_configuration(
                FunctionName=stack.resources["LambdaFunction"]
            )

    return _guarded(stack, work)


def _update(server: LocalAws, cli: AwsCli, deployment: Deployment) -> Update:
    stack = deployment.lifecycle
    assert stack is not None
    params = dict(stack.params)
    if deployment.case.id in WITH_ALARM_TOPIC:  # a rollout case: a new model image goes out
        params["ModelImageUri"] = NEW_IMAGE
    elif "InstanceType" in params:
        params["InstanceType"] = NEW_INSTANCE_TYPE
    if "EndpointName" in params and deployment.spare_endpoint:
        params["EndpointName"] = deployment.spare_endpoint
    update = Update(params)

    def work() -> None:
        update.result = cli.deploy(stack.template, stack.name, params)
        if update.result.returncode != 0:
            return
        [described] = server.client("cloudformation").describe_stacks(StackName=stack.name)[
            "Stacks"
        ]
        update.status = described["StackStatus"]
        update.parameters = {
            p["ParameterKey"]: p["ParameterValue"] for p in described["Parameters"]
        }
        update.resources = resources = stack_resources(server, stack.name)
        update.function_config = server.client("lambda").get_function_configuration(
            FunctionName=resources["LambdaFunction"]
        )
        statements = role_statements(server, resources["LambdaFunctionServiceRole"])
        update.invoke_resources = resources_for(statements, "sagemaker:InvokeEndpoint")
        if "SagemakerEndpointConfig" in resources:
            sagemaker = server.client("sagemaker")
            new = arn_name(resources["SagemakerEndpointConfig"])
            old = arn_name(stack.resources["SagemakerEndpointConfig"])
            update.endpoint_config = sagemaker.describe_endpoint_config(EndpointConfigName=new)
            update.model_image = sagemaker.describe_model(
                ModelName=arn_name(resources["SagemakerModel"])
            )["PrimaryContainer"]["Image"]
            endpoint_name = arn_name(resources["SagemakerEndpoint"])
            update.served_config = sagemaker.describe_endpoint(EndpointName=endpoint_name)[
                "EndpointConfigName"
            ]
            [served] = update.endpoint_config["ProductionVariants"]
            update.served_model = served["ModelName"]
            if new != old:
                update.old_config_gone = gone(
                    lambda: sagemaker.describe_endpoint_config(EndpointConfigName=old)
                )

    return _guarded(update, work)


def _delete(cli: AwsCli, stack: Stack, update: Update) -> Deletion:
    deletion = Deletion(update.resources or stack.resources)

    def work() -> None:
        deletion.delete = cli.run("cloudformation", "delete-stack", "--stack-name", stack.name)
        if deletion.delete.returncode == 0:
            deletion.wait = cli.run(
                "cloudformation", "wait", "stack-delete-complete", "--stack-name", stack.name
            )

    return _guarded(deletion, work)


# --------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="session")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The CLI's renders, made now: case id -> file."""
    folder = tmp_path_factory.mktemp("renders")

    def render(case: Case) -> Path:
        out = folder / f"{case.slug}.{'yaml' if 'yaml' in case.flags else 'json'}"
        command = [sys.executable, "-m", "troposphere_patterns", PATTERN]
        command += [*case.flags, "-o", str(out)]
        proc = subprocess.run(
            command, cwd=ROOT, capture_output=True, text=True, timeout=120, check=False
        )
        assert proc.returncode == 0, f"{command} failed: {proc.stderr}"
        return out

    renders = [case for case in CASES if case.committed is None]
    return in_parallel({case.id: (lambda c=case: render(c)) for case in renders})


@pytest.fixture(scope="session")
def lab(rendered: dict[str, Path], moto_server: LocalAws, aws: AwsCli) -> Lab:
    """Every case deployed, and every deploy that must be refused tried, all at once."""
    octets = iter(range(1, 250))
    deployments: dict[str, Deployment] = {}
    for case in CASES:
        source = case.committed or rendered[case.id]
        template = parse_template(source.read_text())
        endpoint = spare = None
        if case.existing_endpoint:
            # Mixed case: the function must get the name as written, the grant its lower case.
            endpoint = _create_endpoint(moto_server, f"{case.slug}-Existing-PROD")
            spare = _create_endpoint(moto_server, f"{case.slug}-Spare")

        topic = None
        if case.id in WITH_ALARM_TOPIC:
            sns = moto_server.client("sns")
            topic = sns.create_topic(Name=f"e2e-{case.slug}-alarms")["TopicArn"]
        stacks = []
        for name in (f"e2e-{case.slug}", f"e2e-{case.slug}-lc")[: 2 if case.lifecycle else 1]:
            network = _create_network(moto_server, next(octets)) if case.vpc == "existing" else None
            instance_type = INSTANCE_TYPE_OF.get(case.id, INSTANCE_TYPE)
            params = _parameters(template, network, endpoint, instance_type, topic)
            stacks.append(Stack(name, source, params, network))
        main, lifecycle = stacks[0], stacks[1] if case.lifecycle else None
        deployments[case.id] = Deployment(case, template, endpoint, spare, main, lifecycle)

    jobs: dict[str, Callable[[], Any]] = {}
    for case_id, deployment in deployments.items():
        jobs[case_id] = lambda s=deployment.main: _deploy(moto_server, aws, s, True)
        if deployment.lifecycle is not None:
            jobs[f"{case_id} lc"] = lambda s=deployment.lifecycle: _deploy(
                moto_server, aws, s, False
            )
    for name, (case_id, params) in REFUSED.items():
        jobs[name] = lambda n=name, c=case_id, p=params: aws.deploy(rendered[c], f"e2e-{n}", p)
    llm = scenario(LLM)
    for variant in llm["Resources"]["SagemakerEndpointConfig"]["Properties"]["ProductionVariants"]:
        variant["InstanceType"] = MOTO_GPU
    llm_file = rendered["default"].parent / "gpu-llm.json"
    llm_file.write_text(json.dumps(llm))
    jobs["gpu-llm"] = lambda: aws.deploy(llm_file, "e2e-gpu-llm", {})
    results = in_parallel(jobs)
    refused = {name: results[name] for name in REFUSED}
    return Lab(deployments, refused, results["gpu-llm"])


@pytest.fixture(scope="session")
def updated(lab: Lab, moto_server: LocalAws, aws: AwsCli) -> dict[str, Update]:
    """Each lifecycle stack redeployed with a changed parameter."""
    jobs = {}
    for case_id in LIFECYCLE:
        stack = lab.deployments[case_id].lifecycle
        assert stack is not None
        if stack.error is None and stack.deploy is not None and stack.deploy.returncode == 0:
            jobs[case_id] = lambda d=lab.deployments[case_id]: _update(moto_server, aws, d)
    return in_parallel(jobs)


@pytest.fixture(scope="session")
def deleted(lab: Lab, updated: dict[str, Update], aws: AwsCli) -> dict[str, Deletion]:
    """Each lifecycle stack deleted, after its update."""
    jobs = {}
    for case_id, update in updated.items():
        stack = lab.deployments[case_id].lifecycle
        assert stack is not None
        jobs[case_id] = lambda s=stack, u=update: _delete(aws, s, u)
    return in_parallel(jobs)


def deployed(lab: Lab, case_id: str) -> tuple[Deployment, Stack]:
    deployment = lab.deployments[case_id]
    if uses_fn_cidr(deployment.template):
        assert deployment.main.deploy is not None and deployment.main.deploy.returncode == 0, (
            f"moto 5.2.5 has no Fn::Cidr, which this template uses:\n{deployment.main.deploy}"
        )
    return deployment, deployment.main.require()


# --------------------------------------------------------------------------- create


@pytest.mark.parametrize("case_id", ALL)
def test_deploy_reaches_create_complete(
    case_id: str,
    lab: Lab,
    moto_server: LocalAws,
) -> None:
    deployment, stack = deployed(lab, case_id)
    assert "Successfully created/updated stack" in stack.deploy.stdout  # type: ignore[union-attr]
    cloudformation = moto_server.client("cloudformation")
    [described] = cloudformation.describe_stacks(StackName=stack.name)["Stacks"]
    assert described["StackStatus"] == "CREATE_COMPLETE"
    given = {p["ParameterKey"]: p["ParameterValue"] for p in described["Parameters"]}
    declared = deployment.template["Parameters"]
    assert set(given) == set(declared)
    # moto gap: list parameters come back as a Python list's repr, so only the rest compare.
    lists = {n for n, spec in declared.items() if spec["Type"].startswith(("List<", "Comma"))}
    assert {n: v for n, v in given.items() if n not in lists} == {
        n: str(stack.params.get(n, spec.get("Default")))  # parameter values are strings
        for n, spec in declared.items()
        if n not in lists
    }
    # CAPABILITY_IAM, never CAPABILITY_NAMED_IAM, is enough: no IAM resource has a fixed name.
    resources = deployment.template["Resources"]
    assert not [
        lid for lid, r in resources.items() if IAM_NAMES.get(r["Type"]) in r.get("Properties", {})
    ]
    summaries = cloudformation.list_stack_resources(StackName=stack.name)["StackResourceSummaries"]
    statuses = {s["LogicalResourceId"]: s["ResourceStatus"] for s in summaries}
    # moto gap: Application Auto Scaling resources are skipped, each listed with an empty
    # logical id (test_scaling_target_and_policy_... registers them through the API instead).
    modelled = [lid for lid, kind in deployment.kinds.items() if kind not in SKIPPED_BY_MOTO]
    skipped = len(deployment.kinds) - len(modelled)
    assert [s["LogicalResourceId"] for s in summaries].count("") == skipped
    statuses.pop("", None)
    assert statuses == dict.fromkeys(modelled, "CREATE_COMPLETE")


@pytest.mark.parametrize("path", COMMITTED, ids=lambda path: f"templates/{path.name}")
def test_committed_template_is_deployed_as_its_render_or_as_itself(
    path: Path, rendered: dict[str, Path], lab: Lab
) -> None:
    """Every committed file is deployed and checked, once: as the render it repeats, or alone."""
    twin = TWIN[path]
    if twin is None:  # not a render's bytes: its own case, which every check covers
        deployment, _ = deployed(lab, f"templates/{path.name}")
        assert deployment.case.committed == path
    else:
        assert path.read_bytes() == rendered[twin].read_bytes(), (
            f"templates/{path.name} is not byte for byte the CLI's {twin!r} render"
        )
        deployed(lab, twin)


@pytest.mark.parametrize("case_id", MAKES_ENDPOINT)
def test_endpoint_serves_the_model_on_the_chosen_instance_type_encrypted(
    case_id: str,
    lab: Lab,
    moto_server: LocalAws,
) -> None:
    _, stack = deployed(lab, case_id)
    sagemaker = moto_server.client("sagemaker")
    name = arn_name(stack.resources["SagemakerEndpoint"])
    endpoint = sagemaker.describe_endpoint(EndpointName=name)
    assert endpoint["EndpointStatus"] == "InService"
    assert endpoint["EndpointArn"] == stack.resources["SagemakerEndpoint"] == endpoint_arn(name)
    assert endpoint["EndpointConfigName"] == arn_name(stack.resources["SagemakerEndpointConfig"])
    config = sagemaker.describe_endpoint_config(EndpointConfigName=endpoint["EndpointConfigName"])
    [variant] = config["ProductionVariants"]
    assert variant["ModelName"] == arn_name(stack.resources["SagemakerModel"])
    if "InstanceType" not in stack.params:  # serverless: no instances, the key on the config
        assert "InstanceType" not in variant and "InitialInstanceCount" not in variant
        assert variant["ServerlessConfig"] == {
            "MemorySizeInMB": int(stack.params["ServerlessMemorySizeInMB"]),
            "MaxConcurrency": int(stack.params["ServerlessMaxConcurrency"]),
        }
        assert config["KmsKeyId"] == key_arn(stack.resources["EncryptionKey"])
        return
    chosen = stack.params["InstanceType"]
    assert chosen == INSTANCE_TYPE_OF.get(case_id, INSTANCE_TYPE)
    if local_nvme(chosen):  # encrypted in hardware: the template's condition drops the key
        assert "KmsKeyId" not in config
    else:
        assert config["KmsKeyId"] == key_arn(stack.resources["EncryptionKey"])
    assert variant["InstanceType"] == chosen
    assert variant["InitialInstanceCount"] >= 1


@pytest.mark.parametrize("case_id", MAKES_ENDPOINT)
def test_model_runs_the_given_image_and_artifact_with_a_role_to_fetch_only_them(
    case_id: str,
    lab: Lab,
    moto_server: LocalAws,
) -> None:
    deployment, stack = deployed(lab, case_id)
    model = moto_server.client("sagemaker").describe_model(
        ModelName=arn_name(stack.resources["SagemakerModel"])
    )
    assert model["PrimaryContainer"]["Image"] == IMAGE
    assert model["PrimaryContainer"]["ModelDataUrl"] == MODEL_DATA
    role = moto_server.client("iam").get_role(RoleName=stack.resources["SagemakerRole"])["Role"]
    assert model["ExecutionRoleArn"] == role["Arn"]
    assert trusted_services(role) == {"sagemaker.amazonaws.com"}
    statements = role_statements(moto_server, role["RoleName"])
    inputs = {async_objects(stack, "async-input")} if deployment.case.asynchronous else set()
    assert resources_for(statements, "s3:GetObject") == {ARTIFACT_ARN, *inputs}
    assert resources_for(statements, "ecr:BatchGetImage") == {REPOSITORY_ARN}
    if deployment.case.vpc != "none":
        network = deployment.network_of(stack)
        assert sorted(model["VpcConfig"]["Subnets"]) == sorted(network.subnets)
        assert model["VpcConfig"]["SecurityGroupIds"] == [
            stack.resources["SagemakerModelSecurityGroup"]
        ]
    else:
        assert not model.get("VpcConfig")


@pytest.mark.parametrize("case_id", USES_ENDPOINT)
def test_existing_endpoint_is_used_not_created(
    case_id: str,
    lab: Lab,
    moto_server: LocalAws,
) -> None:
    deployment, stack = deployed(lab, case_id)
    assert not [k for k in deployment.kinds.values() if k.startswith("AWS::SageMaker::")]
    assert stack.params["EndpointName"] == deployment.endpoint
    sagemaker = moto_server.client("sagemaker")
    names = {e["EndpointName"] for e in sagemaker.list_endpoints()["Endpoints"]}
    assert deployment.endpoint in names
    assert not [n for n in names if n.startswith(stack.name)], "the stack made an endpoint"
    models = {m["ModelName"] for m in sagemaker.list_models()["Models"]}
    assert not [n for n in models if n.startswith(stack.name)], "the stack made a model"


@pytest.mark.parametrize("case_id", ALL)
def test_function_is_configured_with_the_endpoint_name(
    case_id: str,
    lab: Lab,
    moto_server: LocalAws,
) -> None:
    deployment, stack = deployed(lab, case_id)
    config = stack.function_config
    assert config is not None
    assert config["FunctionName"] == stack.resources["LambdaFunction"]
    endpoint = deployment.endpoint_name(stack.resources, stack.params)
    assert config["Environment"]["Variables"]["SAGEMAKER_ENDPOINT_NAME"] == endpoint
    iam = moto_server.client("iam")
    role = iam.get_role(RoleName=stack.resources["LambdaFunctionServiceRole"])["Role"]
    assert config["Role"] == role["Arn"]
    assert config["Handler"] == "index.handler"
    assert config["Runtime"].startswith("python3.")
    assert config["Timeout"] > 3  # more than Lambda's default: room for the model to answer
    if deployment.case.vpc != "none":
        network = deployment.network_of(stack)
        assert sorted(config["VpcConfig"]["SubnetIds"]) == sorted(network.subnets)
        assert config["VpcConfig"]["SecurityGroupIds"] == [stack.resources["LambdaSecurityGroup"]]
    else:
        assert not config.get("VpcConfig", {}).get("SubnetIds")


@pytest.mark.parametrize("case_id", ALL)
def test_function_role_may_invoke_only_its_endpoint_and_write_only_its_logs(
    case_id: str,
    lab: Lab,
    moto_server: LocalAws,
) -> None:
    deployment, stack = deployed(lab, case_id)
    iam = moto_server.client("iam")
    role = iam.get_role(RoleName=stack.resources["LambdaFunctionServiceRole"])["Role"]
    assert trusted_services(role) == {"lambda.amazonaws.com"}
    assert not iam.list_attached_role_policies(RoleName=role["RoleName"])["AttachedPolicies"]
    statements = role_statements(moto_server, role["RoleName"])
    arn = deployment.endpoint_arn(stack.resources, stack.params)
    invoke = invoke_action(deployment.case)
    assert resources_for(statements, invoke) == {arn}
    sagemaker = {a for s in statements for a in s["Action"] if a.startswith("sagemaker:")}
    assert sagemaker == {invoke}
    assert not [s for s in statements if {"*", "sagemaker:*"} & set(s["Action"])]
    log_group = stack.resources["LambdaFunctionLogGroup"]
    assert log_group == f"/aws/lambda/{stack.resources['LambdaFunction']}"
    assert resources_for(statements, "logs:PutLogEvents") == {
        f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:{log_group}"
    }


@pytest.mark.parametrize("case_id", ALL)
def test_logs_are_kept_a_year_and_the_key_rotates(
    case_id: str,
    lab: Lab,
    moto_server: LocalAws,
) -> None:
    deployment, stack = deployed(lab, case_id)
    logs = moto_server.client("logs")
    groups = [lid for lid, kind in deployment.kinds.items() if kind == "AWS::Logs::LogGroup"]
    assert "LambdaFunctionLogGroup" in groups
    for logical_id in groups:
        name = stack.resources[logical_id]
        found = logs.describe_log_groups(logGroupNamePrefix=name)["logGroups"]
        [group] = [g for g in found if g["logGroupName"] == name]
        assert group["retentionInDays"] >= 365, logical_id
    key = stack.resources["EncryptionKey"]
    kms = moto_server.client("kms")
    assert kms.get_key_rotation_status(KeyId=key)["KeyRotationEnabled"] is True
    assert key in {k["KeyId"] for k in kms.list_keys()["Keys"]}


@pytest.mark.parametrize("case_id", IN_VPC)
def test_vpc_endpoints_reach_only_this_endpoint_and_artifact(
    case_id: str,
    lab: Lab,
    moto_server: LocalAws,
) -> None:
    deployment, stack = deployed(lab, case_id)
    network = deployment.network_of(stack)
    ec2 = moto_server.client("ec2")
    ids = deployment.of_type(stack.resources, "AWS::EC2::VPCEndpoint")
    found = {
        e["ServiceName"]: e for e in ec2.describe_vpc_endpoints(VpcEndpointIds=ids)["VpcEndpoints"]
    }
    runtime = found.pop(f"com.amazonaws.{REGION}.sagemaker.runtime")
    s3 = found.pop(f"com.amazonaws.{REGION}.s3")
    if deployment.case.asynchronous:  # SageMaker notifies the topics from the model's subnets
        sns = found.pop(f"com.amazonaws.{REGION}.sns")
        assert (sns["VpcEndpointType"], sns["VpcId"]) == ("Interface", network.vpc)
        statements = statements_of(sns["PolicyDocument"])
        topics = {stack.resources[t] for t in ("AsyncSuccessTopic", "AsyncErrorTopic")}
        assert resources_for(statements, "sns:Publish") == topics
        assert {a for s in statements for a in s["Action"]} == {"sns:Publish"}
    assert not found
    assert runtime["VpcEndpointType"] == "Interface"
    assert runtime["VpcId"] == network.vpc
    assert sorted(runtime["SubnetIds"]) == sorted(network.subnets)
    group_id = stack.resources["SagemakerRuntimeVpcEndpointSecurityGroup"]
    assert [g["GroupId"] for g in runtime["Groups"]] == [group_id]
    assert runtime["PrivateDnsEnabled"] is True
    arn = deployment.endpoint_arn(stack.resources, stack.params)
    statements = statements_of(runtime["PolicyDocument"])
    invoke = invoke_action(deployment.case)
    assert resources_for(statements, invoke) == {arn}
    assert {a for s in statements for a in s["Action"]} == {invoke}
    assert s3["VpcEndpointType"] == "Gateway"
    assert s3["VpcId"] == network.vpc
    assert sorted(s3["RouteTableIds"]) == sorted(network.route_tables)
    statements = statements_of(s3["PolicyDocument"])
    if deployment.case.asynchronous:  # payloads and results pass the gateway too
        prefixes = ("async-input", "async-output", "async-failure")
        objects = {async_objects(stack, prefix) for prefix in prefixes}
        assert resources_for(statements, "s3:GetObject") == {ARTIFACT_ARN, *objects}
        assert resources_for(statements, "s3:PutObject") == objects
        # SageMaker abandons the multipart uploads of its results, never the caller's input.
        results = {async_objects(stack, prefix) for prefix in ("async-output", "async-failure")}
        assert resources_for(statements, "s3:AbortMultipartUpload") == results
        assert {a for s in statements for a in s["Action"]} == {
            "s3:GetObject",
            "s3:PutObject",
            "s3:AbortMultipartUpload",
        }
    else:
        assert resources_for(statements, "s3:GetObject") == {ARTIFACT_ARN}
        assert {a for s in statements for a in s["Action"]} == {"s3:GetObject"}
    # The gateway's route is in each subnet's route table.
    for table in ec2.describe_route_tables(RouteTableIds=network.route_tables)["RouteTables"]:
        assert s3["VpcEndpointId"] in {r.get("GatewayId") for r in table["Routes"]}
    # Only the function reaches the runtime endpoint, and only on HTTPS.
    [group] = ec2.describe_security_groups(GroupIds=[group_id])["SecurityGroups"]
    assert group["VpcId"] == network.vpc
    rules = [
        (p["IpProtocol"], p.get("FromPort"), p.get("ToPort"), p["IpRanges"], p["UserIdGroupPairs"])
        for p in group["IpPermissions"]
    ]
    [(protocol, low, high, ranges, pairs)] = rules
    assert (protocol, low, high, ranges) == ("tcp", 443, 443, [])
    assert [p["GroupId"] for p in pairs] == [stack.resources["LambdaSecurityGroup"]]


@pytest.mark.parametrize("case_id", MAKES_VPC)
def test_made_vpc_is_isolated_and_its_traffic_logged(
    case_id: str,
    lab: Lab,
    moto_server: LocalAws,
) -> None:
    deployment, stack = deployed(lab, case_id)
    network = deployment.network_of(stack)
    ec2 = moto_server.client("ec2")
    subnets = ec2.describe_subnets(SubnetIds=network.subnets)["Subnets"]
    assert len(subnets) >= 2
    assert len({s["AvailabilityZone"] for s in subnets}) == len(subnets)
    assert {s["VpcId"] for s in subnets} == {network.vpc}
    assert not [s for s in subnets if s["MapPublicIpOnLaunch"]]
    attached = [{"Name": "attachment.vpc-id", "Values": [network.vpc]}]
    assert not ec2.describe_internet_gateways(Filters=attached)["InternetGateways"]
    in_vpc = [{"Name": "vpc-id", "Values": [network.vpc]}]
    assert not ec2.describe_nat_gateways(Filters=in_vpc)["NatGateways"]
    for table in ec2.describe_route_tables(RouteTableIds=network.route_tables)["RouteTables"]:
        assert not [r for r in table["Routes"] if r.get("DestinationCidrBlock") == "0.0.0.0/0"]
    on_vpc = [{"Name": "resource-id", "Values": [network.vpc]}]
    [flow_log] = ec2.describe_flow_logs(Filters=on_vpc)["FlowLogs"]
    assert flow_log["TrafficType"] == "ALL"
    assert flow_log["LogDestinationType"] == "cloud-watch-logs"
    assert flow_log["LogGroupName"] == stack.resources["VpcFlowLogGroup"]
    role = moto_server.client("iam").get_role(RoleName=stack.resources["VpcFlowLogRole"])["Role"]
    assert flow_log["DeliverLogsPermissionArn"] == role["Arn"]
    assert trusted_services(role) == {"vpc-flow-logs.amazonaws.com"}


# --------------------------------------------------------------------------- the code runs


@dataclass
class LambdaContext:
    timeout_s: float
    aws_request_id: str = "e2e00000-0000-4000-8000-000000000001"
    started: float = field(default_factory=time.monotonic)

    def get_remaining_time_in_millis(self) -> int:
        return int((self.timeout_s - (time.monotonic() - self.started)) * 1000)


def deployed_code(
    deployment: Deployment, stack: Stack, server: LocalAws, monkeypatch: pytest.MonkeyPatch
) -> types.ModuleType:
    """The stack's deployed handler, loaded as Lambda would, in the environment moto resolved."""
    assert stack.deployed_template is not None and stack.function_config is not None
    code = stack.deployed_template["Resources"]["LambdaFunction"]["Properties"]["Code"]["ZipFile"]
    assert isinstance(code, str)
    # What Lambda gives the code: the function's environment, plus a region and keys (fake
    # here); every AWS call goes to the local server, any other host fails.
    for name in list(os.environ):
        if name.startswith("AWS_") or name.upper() in PROXY_VARS:
            monkeypatch.delenv(name)
    for name, value in server.env.items():
        if name.startswith("AWS_") or name.upper() in PROXY_VARS:
            monkeypatch.setenv(name, value)
    for name, value in stack.function_config["Environment"]["Variables"].items():
        monkeypatch.setenv(name, value)
    monkeypatch.setattr(boto3, "DEFAULT_SESSION", None)  # no session cached by other tests
    module = types.ModuleType(f"e2e_index_{deployment.case.slug.replace('-', '_')}")
    module.__file__ = "index.py"
    monkeypatch.setitem(sys.modules, module.__name__, module)
    exec(compile(code, "index.py", "exec"), module.__dict__)
    return module


@pytest.mark.parametrize("case_id", REAL_TIME)
def test_deployed_code_answers_with_its_endpoints_prediction(
    case_id: str,
    lab: Lab,
    moto_server: LocalAws,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    deployment, stack = deployed(lab, case_id)
    module = deployed_code(deployment, stack, moto_server, monkeypatch)
    assert stack.function_config is not None
    payload = {"instances": [[5.1, 3.5, 1.4, 0.2]], "case": case_id}
    prediction = {"predictions": [{"label": "setosa", "score": 0.97}], "case": case_id}
    seeded = {"Body": json.dumps(prediction), "ContentType": JSON}
    moto_server.seed(
        {**seeded, "InvokedProductionVariant": "AllTraffic"}, account_id=ACCOUNT, region=REGION
    )
    endpoint = deployment.endpoint_name(stack.resources, stack.params)
    # moto answers any endpoint name, so the server's access log tells which one was called.
    invocations = f"/endpoints/{endpoint}/invocations"
    before = moto_server.answered("POST", invocations)
    try:
        answer = module.handler(payload, LambdaContext(stack.function_config["Timeout"]))
        calls = moto_server.answered("POST", invocations) - before
    finally:
        # The same request again: moto gives back the result it gave the function only if the
        # function sent this very payload (and if the function never called, this takes the
        # seeded result off the queue, so the next test starts clean).
        again = moto_server.client("sagemaker-runtime").invoke_endpoint(
            EndpointName=endpoint, Body=json.dumps(payload), ContentType=JSON, Accept=JSON
        )
    assert answer == prediction
    assert calls == 1, f"the function called {endpoint} {calls} times"
    assert json.loads(again["Body"].read()) == prediction, "the function sent another payload"


@pytest.mark.parametrize("case_id", ASYNC)
def test_async_endpoint_writes_to_the_stacks_bucket_and_notifies_its_topics(
    case_id: str,
    lab: Lab,
    moto_server: LocalAws,
) -> None:
    _deployment, stack = deployed(lab, case_id)
    bucket, key = stack.resources["SagemakerDataBucket"], stack.resources["EncryptionKey"]
    topics = {stack.resources["AsyncSuccessTopic"], stack.resources["AsyncErrorTopic"]}
    sagemaker = moto_server.client("sagemaker")
    config = sagemaker.describe_endpoint_config(
        EndpointConfigName=arn_name(stack.resources["SagemakerEndpointConfig"])
    )
    assert config["AsyncInferenceConfig"]["OutputConfig"] == {
        "S3OutputPath": f"s3://{bucket}/async-output",
        "S3FailurePath": f"s3://{bucket}/async-failure",
        "KmsKeyId": key_arn(key),
        "NotificationConfig": {
            "SuccessTopic": stack.resources["AsyncSuccessTopic"],
            "ErrorTopic": stack.resources["AsyncErrorTopic"],
        },
    }
    sns = moto_server.client("sns")
    for topic in topics:
        attributes = sns.get_topic_attributes(TopicArn=topic)["Attributes"]
        assert attributes["KmsMasterKeyId"] == key_arn(key)
    s3 = moto_server.client("s3")
    [rule] = s3.get_bucket_encryption(Bucket=bucket)["ServerSideEncryptionConfiguration"]["Rules"]
    assert rule["ApplyServerSideEncryptionByDefault"] == {
        "SSEAlgorithm": "aws:kms",
        "KMSMasterKeyID": key_arn(key),
    }
    # SageMaker reads the input and writes results and failures; the function the other way.
    prefixes = {
        p: async_objects(stack, p) for p in ("async-input", "async-output", "async-failure")
    }
    results = {prefixes["async-output"], prefixes["async-failure"]}
    model_role = role_statements(moto_server, stack.resources["SagemakerRole"])
    assert resources_for(model_role, "s3:PutObject") == results
    assert resources_for(model_role, "sns:Publish") == topics
    function_role = role_statements(moto_server, stack.resources["LambdaFunctionServiceRole"])
    assert resources_for(function_role, "s3:PutObject") == {prefixes["async-input"]}
    assert resources_for(function_role, "s3:GetObject") == results
    assert resources_for(function_role, "sns:Publish") == set()


@pytest.mark.xfail(
    strict=True,
    reason="moto 5.2.5's CloudFormation makes the bucket with its encryption only: no public "
    "access block, lifecycle rule or bucket policy (README: moto gaps)",
)
@pytest.mark.parametrize("case_id", ASYNC)
def test_async_bucket_is_private_expiring_and_tls_only(
    case_id: str, lab: Lab, moto_server: LocalAws
) -> None:
    _, stack = deployed(lab, case_id)
    bucket, s3 = stack.resources["SagemakerDataBucket"], moto_server.client("s3")
    blocked = s3.get_public_access_block(Bucket=bucket)["PublicAccessBlockConfiguration"]
    assert set(blocked.values()) == {True}
    [rule] = s3.get_bucket_lifecycle_configuration(Bucket=bucket)["Rules"]
    assert rule["Expiration"]["Days"] > 0
    assert "aws:SecureTransport" in s3.get_bucket_policy(Bucket=bucket)["Policy"]


def status_request(inference_id: str) -> dict[str, Any]:
    """A function URL GET asking for one inference's result."""
    return {
        "version": "2.0",
        "rawPath": "/predict",
        "rawQueryString": f"inferenceId={inference_id}",
        "queryStringParameters": {"inferenceId": inference_id},
        "headers": {},
        "requestContext": {
            "domainName": "e2e.lambda-url.us-east-1.on.aws",
            "http": {"method": "GET", "path": "/predict"},
            "requestId": "e2e-status",
        },
        "isBase64Encoded": False,
    }


@pytest.mark.parametrize("case_id", ASYNC)
def test_deployed_async_code_queues_the_request_then_answers_with_the_result(
    case_id: str,
    lab: Lab,
    moto_server: LocalAws,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    deployment, stack = deployed(lab, case_id)
    module = deployed_code(deployment, stack, moto_server, monkeypatch)
    assert stack.function_config is not None
    timeout = stack.function_config["Timeout"]
    bucket = stack.resources["SagemakerDataBucket"]
    named: list[str] = []

    def as_sagemaker_names_results(parsed: dict[str, Any], **_: Any) -> None:
        """moto puts results at s3://<its own bucket>/response.json; SageMaker puts them under
        the config's S3OutputPath as <uuid>.out, which is what the handler holds it to."""
        assert parsed["OutputLocation"].endswith("/response.json")  # moto's, unchanged
        named.append(str(uuid.uuid4()))
        parsed["OutputLocation"] = f"s3://{bucket}/async-output/{named[-1]}.out"
        parsed["FailureLocation"] = f"s3://{bucket}/async-failure/{named[-1]}-error.out"

    module.CLIENTS["sagemaker-runtime"].meta.events.register(
        "after-call.sagemaker-runtime.InvokeEndpointAsync", as_sagemaker_names_results
    )
    s3 = moto_server.client("s3")
    endpoint = deployment.endpoint_name(stack.resources, stack.params)
    queued = f"/endpoints/{endpoint}/async-invocations"

    def submit(payload: dict[str, Any]) -> dict[str, Any]:
        event = {**status_request(""), "body": json.dumps(payload), "headers": {"accept": JSON}}
        del event["queryStringParameters"]
        before = moto_server.answered("POST", queued)
        response = module.handler(event, LambdaContext(timeout))
        assert response["statusCode"] == 202, response
        assert moto_server.answered("POST", queued) - before == 1
        accepted: dict[str, Any] = json.loads(response["body"])
        return accepted

    payload = {"audio": "s3-sized payloads go here", "case": case_id}
    accepted = submit(payload)
    inference_id = accepted["inferenceId"]
    assert inference_id == named[-1]  # the name SageMaker gave the result
    assert accepted["outputLocation"] == f"s3://{bucket}/async-output/{inference_id}.out"
    assert accepted["failureLocation"] == f"s3://{bucket}/async-failure/{inference_id}-error.out"
    [key] = [
        item["Key"] for item in s3.list_objects_v2(Bucket=bucket, Prefix="async-input/")["Contents"]
    ]
    stored = s3.get_object(Bucket=bucket, Key=key)
    assert json.loads(stored["Body"].read()) == payload
    assert stored["ContentType"] == JSON
    assert stored["ServerSideEncryption"] == "aws:kms"  # the bucket's key, by default
    assert stored["SSEKMSKeyId"] == key_arn(stack.resources["EncryptionKey"])

    pending = module.handler(status_request(inference_id), LambdaContext(timeout))
    assert (pending["statusCode"], json.loads(pending["body"])) == (
        202,
        {"inferenceId": inference_id, "status": "InProgress"},
    )
    # moto runs no model: the test writes the result where SageMaker writes it.
    prediction = {"transcript": "hello", "case": case_id}
    s3.put_object(
        Bucket=bucket,
        Key=f"async-output/{inference_id}.out",
        Body=json.dumps(prediction).encode(),
        ContentType=JSON,
    )
    done = module.handler(status_request(inference_id), LambdaContext(timeout))
    assert done["statusCode"] == 200
    assert json.loads(done["body"]) == prediction

    failing = submit({"audio": "corrupt"})["inferenceId"]
    s3.put_object(
        Bucket=bucket, Key=f"async-failure/{failing}-error.out", Body=b"could not decode audio"
    )
    failed = module.handler(status_request(failing), LambdaContext(timeout))
    assert failed["statusCode"] == 502
    assert json.loads(failed["body"])["message"] == "could not decode audio"


# --------------------------------------------------------------------------- operations


def alarms_as_deployed(deployment: Deployment, stack: Stack) -> dict[str, dict[str, Any]]:
    """The template's alarms with the stack's values in: names, dimensions, actions."""
    topic = stack.params.get("AlarmTopicArn", "")

    def value(node: Any) -> Any:
        if isinstance(node, dict) and "Fn::Sub" in node:
            return node["Fn::Sub"].replace("${AWS::StackName}", stack.name)
        if isinstance(node, dict) and "Fn::GetAtt" in node:  # the endpoint's name
            return arn_name(stack.resources[node["Fn::GetAtt"][0]])
        if isinstance(node, dict) and "Ref" in node:  # the function's name
            return stack.resources[node["Ref"]]
        return node

    alarms = {}
    for logical_id, resource in deployment.template["Resources"].items():
        if resource["Type"] != "AWS::CloudWatch::Alarm":
            continue
        properties = dict(resource["Properties"])
        if properties["MetricName"] == "HasBacklogWithoutCapacity":
            continue  # runs a scaling policy: test_async_scaling_goes_to_zero_... puts it
        properties["AlarmName"] = value(properties["AlarmName"])
        properties["Dimensions"] = [
            {"Name": d["Name"], "Value": value(d["Value"])} for d in properties["Dimensions"]
        ]
        actions = properties.pop("AlarmActions", None)
        if isinstance(actions, dict):  # Fn::If on the AlarmTopicArn Parameter being set
            actions = [topic] if topic else None
        if actions:
            properties["AlarmActions"] = actions
        alarms[logical_id] = properties
    return alarms


@pytest.mark.parametrize("case_id", ALL)
def test_alarms_watch_the_stacks_endpoint_variant_and_function(
    case_id: str, lab: Lab, moto_server: LocalAws
) -> None:
    """CloudWatch (moto models its API) takes each alarm as the template defines it.

    Put under a ``check-`` name: the names the stack gives its alarms stay for the stack.
    """
    deployment, stack = deployed(lab, case_id)
    alarms = alarms_as_deployed(deployment, stack)
    metrics = {p["MetricName"] for p in alarms.values()}
    assert {"Errors", "Throttles"} <= metrics
    if not deployment.case.existing_endpoint:
        assert {"Invocation5XXErrors", "Invocation4XXErrors", "ModelLatency"} <= metrics
    cloudwatch = moto_server.client("cloudwatch")
    for properties in alarms.values():
        cloudwatch.put_metric_alarm(
            **{**properties, "AlarmName": f"check-{properties['AlarmName']}"}
        )
    names = [f"check-{p['AlarmName']}" for p in alarms.values()]
    described = {
        a["AlarmName"]: a for a in cloudwatch.describe_alarms(AlarmNames=names)["MetricAlarms"]
    }
    assert set(described) == set(names)
    endpoint = stack.resources.get("SagemakerEndpoint")
    for logical_id, properties in alarms.items():
        alarm = described[f"check-{properties['AlarmName']}"]
        assert alarm["AlarmName"] == f"check-{stack.name}-{logical_id}"
        dimensions = {d["Name"]: d["Value"] for d in alarm["Dimensions"]}
        if alarm["MetricName"] == "ApproximateAgeOfOldestRequest":  # an async endpoint's queue
            assert dimensions == {"EndpointName": arn_name(endpoint)}
        elif alarm["Namespace"] == "AWS/SageMaker":
            assert dimensions == {"EndpointName": arn_name(endpoint), "VariantName": "AllTraffic"}
        else:
            assert dimensions == {"FunctionName": stack.resources["LambdaFunction"]}
        topic = stack.params.get("AlarmTopicArn")
        assert alarm.get("AlarmActions", []) == ([topic] if topic else [])
        if alarm["MetricName"] == "ModelLatency" and deployment.case.asynchronous:
            # Async jobs take minutes: a listed statistic against the 900 s invocation timeout.
            assert alarm["Statistic"] == "Maximum"
            assert alarm["Threshold"] == 900_000_000
        elif alarm["MetricName"] == "ModelLatency":
            assert alarm["ExtendedStatistic"] == "p99"
            assert alarm["Threshold"] == 1_000_000  # 1 s, in microseconds


@pytest.mark.parametrize("case_id", ALL)
@pytest.mark.xfail(strict=True, reason=ALARMS_GAP)
def test_the_stack_creates_its_alarms(case_id: str, lab: Lab, moto_server: LocalAws) -> None:
    """Fails while moto lacks the model; passes (and so fails, strict) once it has it."""
    deployment, stack = deployed(lab, case_id)
    alarms = alarms_as_deployed(deployment, stack)
    cloudwatch = moto_server.client("cloudwatch")
    found = cloudwatch.describe_alarms(AlarmNamePrefix=f"{stack.name}-")["MetricAlarms"]
    expected = {f"{stack.name}-{logical_id}" for logical_id in alarms}
    assert expected <= {a["AlarmName"] for a in found}


def test_rollout_rolls_back_on_the_alarms_the_stack_names(lab: Lab) -> None:
    deployment, stack = deployed(lab, "rollout-data-capture")
    endpoint = deployment.template["Resources"]["SagemakerEndpoint"]["Properties"]
    config = endpoint["DeploymentConfig"]
    routing = config["BlueGreenUpdatePolicy"]["TrafficRoutingConfiguration"]
    assert routing["Type"] == "CANARY"
    rollback = {
        a["AlarmName"]["Fn::Sub"].replace("${AWS::StackName}", stack.name)
        for a in config["AutoRollbackConfiguration"]["Alarms"]
    }
    alarms = alarms_as_deployed(deployment, stack)
    on_endpoint = {p["AlarmName"] for p in alarms.values() if p["Namespace"] == "AWS/SageMaker"}
    assert rollback == on_endpoint
    assert "EndpointName" not in endpoint  # a generated name: CloudFormation can replace it


def test_data_capture_writes_to_its_prefix_of_the_stacks_bucket(
    lab: Lab, moto_server: LocalAws
) -> None:
    _, stack = deployed(lab, "rollout-data-capture")
    bucket = stack.resources["SagemakerDataBucket"]
    sagemaker = moto_server.client("sagemaker")
    config = sagemaker.describe_endpoint_config(
        EndpointConfigName=arn_name(stack.resources["SagemakerEndpointConfig"])
    )
    capture = config["DataCaptureConfig"]
    assert capture["DestinationS3Uri"] == f"s3://{bucket}/data-capture/"
    assert capture["InitialSamplingPercentage"] == 20
    assert capture["EnableCapture"] is True
    assert capture["KmsKeyId"] == key_arn(stack.resources["EncryptionKey"])
    assert [o["CaptureMode"] for o in capture["CaptureOptions"]] == ["Input", "Output"]
    [variant] = config["ProductionVariants"]
    assert variant["InitialInstanceCount"] == 2  # a 10% canary is one of two instances
    s3 = moto_server.client("s3")
    [rule] = s3.get_bucket_encryption(Bucket=bucket)["ServerSideEncryptionConfiguration"]["Rules"]
    assert rule["ApplyServerSideEncryptionByDefault"]["SSEAlgorithm"] == "aws:kms"
    assert rule["ApplyServerSideEncryptionByDefault"]["KMSMasterKeyID"] == key_arn(
        stack.resources["EncryptionKey"]
    )
    statements = role_statements(moto_server, stack.resources["SagemakerRole"])
    assert resources_for(statements, "s3:PutObject") == {
        f"arn:{PARTITION}:s3:::{bucket}/data-capture/*"
    }


# --------------------------------------------------------------------------- update, delete


@pytest.mark.parametrize("case_id", LIFECYCLE)
def test_update_with_a_changed_parameter_reaches_update_complete(
    case_id: str, lab: Lab, updated: dict[str, Update]
) -> None:
    deployment = lab.deployments[case_id]
    assert deployment.lifecycle is not None
    deployment.lifecycle.require()
    update = updated[case_id]
    assert update.result is not None and update.result.returncode == 0, str(update.result)
    assert update.error is None, update.error
    assert update.status == "UPDATE_COMPLETE"
    changed = {k: v for k, v in update.params.items() if deployment.lifecycle.params[k] != v}
    assert changed, "the update changes a parameter"
    assert {k: update.parameters[k] for k in changed} == changed
    assert update.function_config is not None
    endpoint = deployment.endpoint_name(update.resources, update.params)
    assert update.function_config["Environment"]["Variables"]["SAGEMAKER_ENDPOINT_NAME"] == endpoint
    assert update.invoke_resources == {deployment.endpoint_arn(update.resources, update.params)}
    if "InstanceType" in changed:  # a new config (a config cannot change), on the new type
        assert update.endpoint_config is not None
        [variant] = update.endpoint_config["ProductionVariants"]
        assert variant["InstanceType"] == NEW_INSTANCE_TYPE
        assert local_nvme(NEW_INSTANCE_TYPE)
        assert "KmsKeyId" not in update.endpoint_config
        assert update.old_config_gone in (None, True), "the replaced config was left behind"
    if "EndpointName" in changed:
        assert endpoint == deployment.spare_endpoint
    if "ModelImageUri" in changed:  # a new model, in a new config, behind the same endpoint
        assert update.model_image == NEW_IMAGE
        assert (
            update.resources["SagemakerEndpoint"]
            == deployment.lifecycle.resources["SagemakerEndpoint"]
        )
        assert (
            update.resources["SagemakerModel"] != deployment.lifecycle.resources["SagemakerModel"]
        )
        # Behind the endpoint: it now serves the stack's config (whose model is checked below).
        assert update.served_config == arn_name(update.resources["SagemakerEndpointConfig"])
        assert update.old_config_gone in (None, True), "the replaced config was left behind"


@pytest.mark.xfail(
    strict=True,
    reason="moto 5.2.5: after a new ModelImageUri the endpoint's config still names the first "
    "model (the template's variant names GetAtt SagemakerModel.ModelName)",
)
def test_after_a_new_model_the_endpoint_serves_it(lab: Lab, updated: dict[str, Update]) -> None:
    case_id = "rollout-data-capture"  # the case whose update changes ModelImageUri
    deployment = lab.deployments[case_id]
    assert deployment.lifecycle is not None
    deployment.lifecycle.require()
    update = updated[case_id]
    assert update.status == "UPDATE_COMPLETE"
    assert update.params["ModelImageUri"] != deployment.lifecycle.params["ModelImageUri"]
    assert update.served_model == arn_name(update.resources["SagemakerModel"])


@pytest.mark.parametrize("case_id", LIFECYCLE)
def test_delete_removes_what_the_stack_made_and_keeps_the_rest(
    case_id: str,
    lab: Lab,
    deleted: dict[str, Deletion],
    moto_server: LocalAws,
) -> None:
    deployment = lab.deployments[case_id]
    stack = deployment.lifecycle
    assert stack is not None
    deletion = deleted[case_id]
    assert deletion.error is None, deletion.error
    assert deletion.delete is not None
    # moto gap: a stack's RouteTable, VPCEndpoint and FlowLog outlive it, so deleting the VPC
    # fails with DependencyViolation; everything else is deleted all the same.
    vpc_gap = (
        deployment.case.vpc == "deploy"
        and deletion.delete.returncode != 0
        and "DependencyViolation" in deletion.delete.stderr
        and "has dependencies" in deletion.delete.stderr
    )
    if not vpc_gap:
        assert deletion.delete.returncode == 0, str(deletion.delete)
        assert deletion.wait is not None and deletion.wait.returncode == 0, str(deletion.wait)
    cloudformation = moto_server.client("cloudformation")
    assert gone(lambda: cloudformation.describe_stacks(StackName=stack.name))
    resources = deletion.resources
    lambda_ = moto_server.client("lambda")
    assert gone(lambda: lambda_.get_function(FunctionName=resources["LambdaFunction"]))
    sagemaker, iam, ec2 = (moto_server.client(s) for s in ("sagemaker", "iam", "ec2"))
    describe: dict[str, Callable[[str], Any]] = {
        "AWS::SageMaker::Model": lambda p: sagemaker.describe_model(ModelName=arn_name(p)),
        "AWS::SageMaker::EndpointConfig": lambda p: sagemaker.describe_endpoint_config(
            EndpointConfigName=arn_name(p)
        ),
        "AWS::SageMaker::Endpoint": lambda p: sagemaker.describe_endpoint(EndpointName=arn_name(p)),
        "AWS::IAM::Role": lambda p: iam.get_role(RoleName=p),
        "AWS::EC2::SecurityGroup": lambda p: ec2.describe_security_groups(GroupIds=[p]),
    }
    for logical_id, kind in deployment.kinds.items():
        if kind in describe:
            physical = resources[logical_id]
            assert gone(lambda k=kind, p=physical: describe[k](p)), f"{logical_id} is still there"
    # Kept on purpose (DeletionPolicy Retain): the key and the logs.
    kms, logs = moto_server.client("kms"), moto_server.client("logs")
    assert kms.get_key_rotation_status(KeyId=resources["EncryptionKey"])["KeyRotationEnabled"]
    for logical_id, kind in deployment.kinds.items():
        if kind == "AWS::Logs::LogGroup":
            name = resources[logical_id]
            found = logs.describe_log_groups(logGroupNamePrefix=name)["logGroups"]
            assert name in {g["logGroupName"] for g in found}, logical_id
    # What the stack did not make stays.
    for name in filter(None, (deployment.endpoint, deployment.spare_endpoint)):
        assert sagemaker.describe_endpoint(EndpointName=name)["EndpointStatus"] == "InService"
    if stack.network is not None:
        assert ec2.describe_vpcs(VpcIds=[stack.network.vpc])["Vpcs"]
        assert len(ec2.describe_subnets(SubnetIds=stack.network.subnets)["Subnets"]) == 2
    if vpc_gap:
        pytest.xfail("moto 5.2.5 keeps a stack's RouteTable, VPCEndpoint, FlowLog: the VPC stays")


# --------------------------------------------------------------------------- bad input


def _no_trace_of(server: LocalAws, stack: str) -> None:
    """Nothing was made: at most an empty stack that never got past review."""
    cloudformation = server.client("cloudformation")
    found = None
    if not gone(lambda: cloudformation.describe_stacks(StackName=stack)):
        [found] = cloudformation.describe_stacks(StackName=stack)[
            "Stacks"
        ]  # moto gap: the stack its change set was for stays, empty
        assert found["StackStatus"] == "REVIEW_IN_PROGRESS"
        assert not cloudformation.describe_stack_resources(StackName=stack)["StackResources"]
    functions = server.client("lambda").list_functions()["Functions"]
    assert not [f for f in functions if f["FunctionName"].startswith(f"{stack}-")]
    roles = server.client("iam").list_roles()["Roles"]
    assert not [r for r in roles if r["RoleName"].startswith(f"{stack}-")]


def test_missing_required_parameter_is_refused(
    lab: Lab,
    moto_server: LocalAws,
) -> None:
    result = lab.refused["missing-model-data-url"]
    assert result.returncode != 0, str(result)
    assert "Missing parameter ModelDataUrl" in result.stderr, str(result)
    _no_trace_of(moto_server, "e2e-missing-model-data-url")


CONSTRAINT_GAP = pytest.mark.xfail(
    strict=True,
    raises=AssertionError,
    reason="moto 5.2.5 does not check a parameter's AllowedValues or AllowedPattern",
)


@pytest.mark.parametrize(
    ("attempt", "parameter"),
    [
        pytest.param("instance-type-not-allowed", "InstanceType", marks=CONSTRAINT_GAP),
        pytest.param("endpoint-name-invalid", "EndpointName", marks=CONSTRAINT_GAP),
    ],
)
def test_parameter_breaking_its_constraint_is_refused(
    attempt: str,
    parameter: str,
    lab: Lab,
    moto_server: LocalAws,
) -> None:
    result = lab.refused[attempt]
    assert result.returncode != 0, str(result)
    assert parameter in result.stderr, str(result)
    _no_trace_of(moto_server, f"e2e-{attempt}")


def test_real_aws_is_out_of_reach(aws: AwsCli) -> None:
    result = aws.run(
        "sts",
        "get-caller-identity",
        "--endpoint-url",
        f"https://sts.{REGION}.amazonaws.com",
        extra_env={"AWS_MAX_ATTEMPTS": "1", "AWS_RETRY_MODE": "standard"},
    )
    assert result.returncode != 0, str(result)
    assert "proxy" in result.stderr.lower(), str(result)
    assert result.seconds < 15


def test_two_instances_share_one_vpc_and_its_runtime_endpoint(
    moto_server: LocalAws, aws: AwsCli, tmp_path: Path
) -> None:
    """A landing-zone VPC with a central SageMaker Runtime endpoint: two stacks use it."""
    network = _create_network(moto_server, 250)
    ec2 = moto_server.client("ec2")
    central = ec2.create_security_group(
        GroupName="central-sagemaker-runtime",
        Description="Central SageMaker Runtime endpoint",
        VpcId=network.vpc,
    )["GroupId"]
    ec2.create_vpc_endpoint(
        VpcId=network.vpc,
        ServiceName=f"com.amazonaws.{REGION}.sagemaker.runtime",
        VpcEndpointType="Interface",
        SubnetIds=network.subnets,
        SecurityGroupIds=[central],
        PrivateDnsEnabled=True,
    )
    props = tmp_path / "shared.yaml"
    props.write_text(
        "existing_vpc:\n"
        "  create_vpc_endpoints: false\n"
        f"  runtime_endpoint_security_group_id: {central}\n"
    )
    template = tmp_path / "shared.json"
    command = [sys.executable, "-m", "troposphere_patterns", PATTERN, "--existing-vpc"]
    command += ["--props", str(props), "-o", str(template)]
    rendered = subprocess.run(command, capture_output=True, text=True, check=False)
    assert rendered.returncode == 0, rendered.stderr
    params = _parameters(parse_template(template.read_text()), network, None, INSTANCE_TYPE)
    stacks = [Stack(f"e2e-shared-{name}", template, params, network) for name in ("a", "b")]
    in_parallel({s.name: (lambda s=s: _deploy(moto_server, aws, s, True)) for s in stacks})

    function_groups = []
    for stack in stacks:
        stack.require()
        assert "AWS::EC2::VPCEndpoint" not in {
            r["Type"] for r in parse_template(template.read_text())["Resources"].values()
        }
        assert stack.function_config is not None
        vpc_config = stack.function_config["VpcConfig"]
        assert sorted(vpc_config["SubnetIds"]) == sorted(network.subnets)
        assert vpc_config["SecurityGroupIds"] == [stack.resources["LambdaSecurityGroup"]]
        function_groups.append(stack.resources["LambdaSecurityGroup"])
    # The VPC still has only its central endpoint, which now admits both functions on 443.
    endpoints = ec2.describe_vpc_endpoints(Filters=[{"Name": "vpc-id", "Values": [network.vpc]}])
    assert [e["Groups"][0]["GroupId"] for e in endpoints["VpcEndpoints"]] == [central]
    [group] = ec2.describe_security_groups(GroupIds=[central])["SecurityGroups"]
    sources = {
        pair["GroupId"]
        for permission in group["IpPermissions"]
        if (permission["IpProtocol"], permission.get("FromPort"), permission.get("ToPort"))
        == ("tcp", 443, 443)
        for pair in permission["UserIdGroupPairs"]
    }
    assert sources == set(function_groups)


def test_gpu_llm_from_an_s3_prefix_deploys_with_exact_grants_and_no_key(
    lab: Lab, moto_server: LocalAws
) -> None:
    result = lab.llm
    assert not isinstance(result, BaseException), repr(result)
    assert result.returncode == 0, str(result)
    resources = stack_resources(moto_server, "e2e-gpu-llm")
    golden = scenario(LLM)["Resources"]
    sagemaker = moto_server.client("sagemaker")
    model = sagemaker.describe_model(ModelName=arn_name(resources["SagemakerModel"]))
    expected = golden["SagemakerModel"]["Properties"]["PrimaryContainer"]["ModelDataSource"]
    assert model["PrimaryContainer"]["ModelDataSource"] == expected
    assert "ModelDataUrl" not in model["PrimaryContainer"]
    config = sagemaker.describe_endpoint_config(
        EndpointConfigName=arn_name(resources["SagemakerEndpointConfig"])
    )
    assert "KmsKeyId" not in config
    [variant] = config["ProductionVariants"]
    assert variant["InstanceType"] == MOTO_GPU
    statements = role_statements(moto_server, resources["SagemakerRole"])
    assert resources_for(statements, "s3:GetObject") == {
        "arn:aws:s3:::my-models/llama-3-8b-instruct/*"
    }
    [listing] = [s for s in statements if "s3:ListBucket" in as_list(s["Action"])]
    assert as_list(listing["Resource"]) == ["arn:aws:s3:::my-models"]
    assert listing["Condition"] == {"StringLike": {"s3:prefix": ["llama-3-8b-instruct/*"]}}
    assert resources_for(statements, "kms:Decrypt") == set()


@pytest.mark.xfail(
    strict=True,
    raises=AssertionError,
    reason="moto 5.2.5's SageMaker refuses instance types newer than g4dn, p3 and inf1",
)
def test_a_current_gpu_type_deploys(lab: Lab) -> None:
    result = lab.refused["g5-on-moto"]
    assert result.returncode == 0, str(result)


# --------------------------------------------------------------------------- autoscaling


def _register(
    server: LocalAws, template: dict[str, Any], endpoint: str, params: dict[str, str]
) -> str:
    """Register a template's one scalable target and policy as CloudFormation would; its id."""
    resources = template["Resources"]
    [target] = [r["Properties"] for r in resources.values() if r["Type"].endswith("ScalableTarget")]
    [policy] = [r["Properties"] for r in resources.values() if r["Type"].endswith("ScalingPolicy")]
    pattern, names = target["ResourceId"]["Fn::Sub"]
    assert names == {"EndpointName": {"Fn::GetAtt": ["SagemakerEndpoint", "EndpointName"]}}
    resource_id = pattern.replace("${EndpointName}", endpoint)

    def value(item: Any) -> int:
        return int(params[item["Ref"]]) if isinstance(item, dict) else int(item)

    scaling = server.client("application-autoscaling")
    where = {
        "ServiceNamespace": target["ServiceNamespace"],
        "ResourceId": resource_id,
        "ScalableDimension": target["ScalableDimension"],
    }
    scaling.register_scalable_target(
        **where, MinCapacity=value(target["MinCapacity"]), MaxCapacity=value(target["MaxCapacity"])
    )
    scaling.put_scaling_policy(
        **where,
        PolicyName=policy["PolicyName"],
        PolicyType=policy["PolicyType"],
        TargetTrackingScalingPolicyConfiguration=policy["TargetTrackingScalingPolicyConfiguration"],
    )
    return resource_id


def test_scaling_target_and_policy_are_accepted_for_the_deployed_variant(
    lab: Lab, moto_server: LocalAws
) -> None:
    deployment, stack = deployed(lab, "autoscaling")
    name = arn_name(stack.resources["SagemakerEndpoint"])
    described = moto_server.client("sagemaker").describe_endpoint(EndpointName=name)
    [variant] = described["ProductionVariants"]
    resource_id = _register(moto_server, deployment.template, name, stack.params)
    assert resource_id == f"endpoint/{name}/variant/{variant['VariantName']}"
    scaling = moto_server.client("application-autoscaling")
    [target] = scaling.describe_scalable_targets(
        ServiceNamespace="sagemaker", ResourceIds=[resource_id]
    )["ScalableTargets"]
    assert target["ScalableDimension"] == "sagemaker:variant:DesiredInstanceCount"
    assert (target["MinCapacity"], target["MaxCapacity"]) == (1, 3)
    [policy] = scaling.describe_scaling_policies(
        ServiceNamespace="sagemaker", ResourceId=resource_id
    )["ScalingPolicies"]
    tracking = policy["TargetTrackingScalingPolicyConfiguration"]
    assert tracking["PredefinedMetricSpecification"] == {
        "PredefinedMetricType": "SageMakerVariantInvocationsPerInstance"
    }
    assert (tracking["ScaleInCooldown"], tracking["ScaleOutCooldown"]) == (300, 60)
    # The endpoint keeps the scaled count across config updates.
    resources = deployment.template["Resources"]
    assert resources["SagemakerEndpoint"]["Properties"]["RetainAllVariantProperties"] is True
    # No burstable type to deploy on: SageMaker cannot scale them.
    pattern = deployment.template["Parameters"]["InstanceType"]["AllowedPattern"]
    assert re.fullmatch(pattern, INSTANCE_TYPE) and not re.fullmatch(pattern, "ml.t2.medium")


@pytest.mark.xfail(
    strict=True,
    raises=ClientError,
    reason="moto 5.2.5's Application Auto Scaling does not know "
    "sagemaker:variant:DesiredProvisionedConcurrency",
)
def test_provisioned_concurrency_target_is_accepted(lab: Lab, moto_server: LocalAws) -> None:
    _, stack = deployed(lab, "serverless")
    name = arn_name(stack.resources["SagemakerEndpoint"])
    template = scenario(PROVISIONED)
    resource_id = _register(moto_server, template, name, {})
    scaling = moto_server.client("application-autoscaling")
    [target] = scaling.describe_scalable_targets(
        ServiceNamespace="sagemaker", ResourceIds=[resource_id]
    )["ScalableTargets"]
    assert target["ScalableDimension"] == "sagemaker:variant:DesiredProvisionedConcurrency"


def test_async_scaling_goes_to_zero_and_an_alarm_wakes_it(lab: Lab, moto_server: LocalAws) -> None:
    """The async render's target, policies and alarm, registered as CloudFormation would."""
    deployment, stack = deployed(lab, "async-autoscaling")
    resources = deployment.template["Resources"]

    def of(kind: str) -> dict[str, dict[str, Any]]:
        return {lid: r["Properties"] for lid, r in resources.items() if r["Type"] == kind}

    [target] = of("AWS::ApplicationAutoScaling::ScalableTarget").values()
    [(alarm_id, alarm)] = [
        (lid, a)
        for lid, a in of("AWS::CloudWatch::Alarm").items()
        if a["MetricName"] == "HasBacklogWithoutCapacity"
    ]
    name = arn_name(stack.resources["SagemakerEndpoint"])
    resolved = json.dumps(name)

    def resolve(value: Any) -> Any:  # the endpoint's name where the template takes it
        text = json.dumps(value)
        return json.loads(
            text.replace('{"Fn::GetAtt": ["SagemakerEndpoint", "EndpointName"]}', resolved)
        )

    assert "AutoscalingMinCapacity" not in stack.params  # the template's default
    assert deployment.template["Parameters"]["AutoscalingMinCapacity"]["Default"] == 0
    where = {
        "ServiceNamespace": "sagemaker",
        "ResourceId": target["ResourceId"]["Fn::Sub"][0].replace("${EndpointName}", name),
        "ScalableDimension": target["ScalableDimension"],
    }
    scaling = moto_server.client("application-autoscaling")
    scaling.register_scalable_target(
        **where, MinCapacity=0, MaxCapacity=int(stack.params["AutoscalingMaxCapacity"])
    )
    arns = {}
    for logical_id, policy in of("AWS::ApplicationAutoScaling::ScalingPolicy").items():
        kind = next(k for k in policy if k.endswith("PolicyConfiguration"))
        arns[logical_id] = scaling.put_scaling_policy(
            **where,
            PolicyName=policy["PolicyName"],
            PolicyType=policy["PolicyType"],
            **{kind: resolve(policy[kind])},
        )["PolicyARN"]
    [registered] = scaling.describe_scalable_targets(
        ServiceNamespace="sagemaker", ResourceIds=[where["ResourceId"]]
    )["ScalableTargets"]
    assert registered["MinCapacity"] == 0
    described = scaling.describe_scaling_policies(
        ServiceNamespace="sagemaker", ResourceId=where["ResourceId"]
    )["ScalingPolicies"]
    by_type = {p["PolicyType"]: p for p in described}
    tracking = by_type["TargetTrackingScaling"]["TargetTrackingScalingPolicyConfiguration"]
    assert tracking["CustomizedMetricSpecification"] == {
        "MetricName": "ApproximateBacklogSizePerInstance",
        "Namespace": "AWS/SageMaker",
        "Dimensions": [{"Name": "EndpointName", "Value": name}],
        "Statistic": "Average",
    }
    step = by_type["StepScaling"]["StepScalingPolicyConfiguration"]
    assert step["AdjustmentType"] == "ChangeInCapacity"
    assert [a["ScalingAdjustment"] for a in step["StepAdjustments"]] == [1]
    # The alarm runs the step policy when requests queue with no instance.
    [action] = alarm["AlarmActions"]
    cloudwatch = moto_server.client("cloudwatch")
    fields = {
        k: v
        for k, v in resolve(alarm).items()
        if k not in ("AlarmName", "AlarmActions", "AlarmDescription")
    }
    alarm_name = f"{stack.name}-{alarm_id}"
    cloudwatch.put_metric_alarm(AlarmName=alarm_name, AlarmActions=[arns[action["Ref"]]], **fields)
    [put] = cloudwatch.describe_alarms(AlarmNames=[alarm_name])["MetricAlarms"]
    assert put["AlarmActions"] == [arns[action["Ref"]]]
    assert (put["MetricName"], put["Threshold"]) == ("HasBacklogWithoutCapacity", 1.0)
    assert put["Dimensions"] == [{"Name": "EndpointName", "Value": name}]


# --------------------------------------------------------------------------- inference components

COMPONENTS_GAP = (
    "moto 5.2.5 has no AWS::SageMaker::InferenceComponent (no CloudFormation model, no "
    "CreateInferenceComponent) and its EndpointConfig model requires a ModelName in every "
    "variant, which an endpoint of inference components must not have"
)
# The component's Parameters, deployed with values other than their defaults.
COMPONENT_PARAMETERS = {
    "ComponentAccelerators": "1",
    "ComponentMemoryMb": "4096",
    "ComponentMinCopies": "0",
    "ComponentMaxCopies": "3",
}


@dataclass
class ComponentsDeploy:
    template: dict[str, Any]
    validated: CliResult
    deploy: CliResult
    stack: str


@pytest.fixture(scope="session")
def components_deploy(
    tmp_path_factory: pytest.TempPathFactory, moto_server: LocalAws, aws: AwsCli
) -> ComponentsDeploy:
    """The CLI's --inference-components render, validated and deployed as the README says."""
    out = tmp_path_factory.mktemp("components") / "inference-components.json"
    command = [sys.executable, "-m", "troposphere_patterns", PATTERN, "--inference-components"]
    proc = subprocess.run(
        [*command, "-o", str(out)], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert proc.returncode == 0, proc.stderr
    template = parse_template(out.read_text())
    moto_server.client("s3").put_object(
        Bucket="e2e-templates", Key="ic.json", Body=out.read_bytes()
    )
    validated = aws.run(
        "cloudformation",
        "validate-template",
        "--template-url",
        "https://e2e-templates.s3.amazonaws.com/ic.json",
    )
    params = {**MODEL, **COMPONENT_PARAMETERS, "InstanceType": MOTO_GPU}
    deploy = aws.deploy(out, "e2e-inference-components", params)
    return ComponentsDeploy(template, validated, deploy, "e2e-inference-components")


def test_committed_components_template_is_the_clis_render(
    components_deploy: ComponentsDeploy,
) -> None:
    assert json.loads(COMPONENTS_TEMPLATE.read_text()) == components_deploy.template


def test_components_template_is_valid_cloudformation(
    components_deploy: ComponentsDeploy,
) -> None:
    """moto's CloudFormation reads the whole template (from S3: it is over the inline limit).

    moto 5.2.5's ValidateTemplate reports no Parameters, so only the Description is compared.
    """
    result = components_deploy.validated
    assert result.returncode == 0, result
    reported = json.loads(result.stdout)
    assert reported["Description"] == components_deploy.template["Description"]


def test_components_stack_is_refused_by_moto_at_its_endpoint_config(
    components_deploy: ComponentsDeploy, moto_server: LocalAws
) -> None:
    """What moto shows: the stack stops at the EndpointConfig, and no endpoint is left behind.

    moto's CreateEndpointConfig reads every variant's ModelName; the component shape has none.
    """
    deploy = components_deploy.deploy
    assert deploy.returncode != 0
    assert "SagemakerEndpointConfig" in deploy.stderr
    sagemaker = moto_server.client("sagemaker")
    assert not [
        e
        for e in sagemaker.list_endpoints()["Endpoints"]
        if "inference-components" in e["EndpointName"]
    ]
    with pytest.raises(ClientError):
        sagemaker.create_endpoint_config(
            EndpointConfigName="e2e-component-shape",
            ProductionVariants=[
                {"VariantName": "AllTraffic", "InstanceType": MOTO_GPU, "InitialInstanceCount": 1}
            ],
        )


@pytest.mark.xfail(strict=True, reason=COMPONENTS_GAP)
def test_components_stack_creates_its_component_on_its_endpoint(
    components_deploy: ComponentsDeploy, moto_server: LocalAws
) -> None:
    """The stack completes and SageMaker describes the component it named, on its endpoint.

    A CREATE_COMPLETE listing of the component would not do: moto lists resource types it does
    not model as created. The component must be there under its name.
    """
    assert components_deploy.deploy.returncode == 0, components_deploy.deploy
    cloudformation = moto_server.client("cloudformation")
    outputs = cloudformation.describe_stacks(StackName=components_deploy.stack)["Stacks"][0]
    names = {o["OutputKey"]: o["OutputValue"] for o in outputs.get("Outputs", [])}
    [name] = names["SagemakerInferenceComponentNames"].split(",")
    sagemaker = moto_server.client("sagemaker")
    described = sagemaker.describe_inference_component(InferenceComponentName=name)
    assert described["EndpointName"] == names["SagemakerEndpointName"]
    assert described["RuntimeConfig"]["DesiredCopyCount"] == 1
