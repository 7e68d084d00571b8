"""Props validation: one row per rule; every problem reported at once; template untouched."""

from __future__ import annotations

import json
import math
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import pytest
from troposphere import (
    Equals,
    GetAtt,
    If,
    Parameter,
    Ref,
    Select,
    Split,
    Sub,
    Template,
    awslambda,
    iam,
    sagemaker,
)

from tests.props_strategies import FIELD_NAMES
from tests.scenarios import (
    CALLER_KEY_ARN,
    CALLER_ROLE_ARN,
    CODE,
    GPU_CONFIG,
    IMAGE,
    MODEL,
    MODEL_DATA,
    MULTI_MODEL,
    SQL_ADAPTER,
    caller_function,
    chat_component,
    code_component,
    props,
    variant,
)
from tests.templates_helpers import cfn_lint, of_type
from troposphere_patterns import (
    Alarms,
    AsyncInference,
    Autoscaling,
    DataCapture,
    ExistingVpc,
    FunctionUrl,
    InferenceComponent,
    PatternPropsError,
    Rollout,
    Serverless,
    add_lambda_sagemakerendpoint,
    lambda_sagemakerendpoint,
)
from troposphere_patterns.core import values
from troposphere_patterns.core.addition import Addition, add_all
from troposphere_patterns.core.values import MAX_CHARACTERS, MAX_DEPTH, MAX_NODES
from troposphere_patterns.errors import Problem
from troposphere_patterns.patterns import lambda_sagemakerendpoint as pattern

VPC = ExistingVpc(vpc_id="vpc-1", subnet_ids=["subnet-1"], route_table_ids=["rtb-1"])
ENDPOINT = sagemaker.Endpoint("CallerEndpoint", EndpointConfigName="cfg")
FUNCTION_NO_VPC = awslambda.Function(
    "CallerFunction",
    Runtime="python3.14",
    Handler="index.handler",
    Code=awslambda.Code(ZipFile="x"),
    Role=GetAtt("CallerRole", "Arn"),
)

DATED = {"Environment": {"Variables": {"MODEL_VERSION": date(2024, 1, 1)}}}
NO_VALUE = Ref("AWS::NoValue")
IPAM = {"Ipv4IpamPoolId": "ipam-pool-0123456789abcdef0", "Ipv4NetmaskLength": 20}
IMAGE_FUNCTION = {"Code": {"ImageUri": IMAGE}, "PackageType": "Image"}
CONTAINER = {"Image": IMAGE, "ModelDataUrl": MODEL_DATA}
MODEL_VPC = {"Subnets": ["subnet-0a1b2c3d4e5f60718"], "SecurityGroupIds": ["sg-0a1b2c3d4e5f60718"]}
LAYERS = Parameter("Layers", Type="CommaDelimitedList")
GROUPS = Parameter("Groups", Type="List<AWS::EC2::SecurityGroup::Id>")
LOW = Parameter("Low", Type="Number", MinValue=2, Default=3)
VPC_IDS = ExistingVpc(
    vpc_id="vpc-0a1b2c3d4e5f60718",
    subnet_ids=["subnet-0a1b2c3d4e5f60718"],
    route_table_ids=["rtb-0a1b2c3d4e5f60718"],
)


def nested(depth: int) -> dict[str, Any]:
    value: dict[str, Any] = {}
    for _ in range(depth):
        value = {"a": value}
    return value


CYCLE: dict[str, Any] = {}
CYCLE["self"] = CYCLE
# Twelve levels of ten references to one list: 10**12 values if expanded, a few objects here.
BOMB: list[Any] = ["x"] * 10
for _ in range(12):
    BOMB = [BOMB] * 10

GPU = variant("A", "ml.g5.xlarge")
# Two instances: the smallest variant a canary, linear step or rolling batch fits.
TWO = {"ProductionVariants": [variant("AllTraffic", "ml.m5.large", InitialInstanceCount=2)]}


SERVERLESS_VARIANT = {
    "VariantName": "AllTraffic",
    "ServerlessConfig": {"MemorySizeInMB": 2048, "MaxConcurrency": 10},
}
WARM = Serverless(max_concurrency=10, provisioned_concurrency=2)
SCALING = Autoscaling(max_capacity=4)


def components(*given: InferenceComponent, **fields: Any) -> dict[str, Any]:
    """Props fields hosting ``given`` (default: the chat component) on the GPU config."""
    return {
        "model_props": None,
        "endpoint_config_props": GPU_CONFIG,
        "inference_components": list(given or (chat_component(),)),
        **fields,
    }


def gpu_variant(**extra: Any) -> dict[str, Any]:
    return {"ProductionVariants": [variant("AllTraffic", "ml.g6.12xlarge", **extra)]}


def serverless_config(**variant: Any) -> dict[str, Any]:
    return {"endpoint_config_props": {"ProductionVariants": [{**SERVERLESS_VARIANT, **variant}]}}


def prefix(uri: Any) -> dict[str, Any]:
    return {"S3DataSource": {"S3Uri": uri, "S3DataType": "S3Prefix", "CompressionType": "None"}}


def READ(seconds: Any) -> dict[str, Any]:  # noqa: N802 (reads as the variable it sets)
    """The handler's read timeout variable set to ``seconds``."""
    return {"SAGEMAKER_READ_TIMEOUT_SECONDS": seconds}


IMAGE_REPO = "763104351884.dkr.ecr.us-east-1.amazonaws.com/djl-inference"
CUDA12_IMAGE = IMAGE_REPO + ":0.33.0-lmi15.0.0-cu128"
CUDA13_IMAGE = IMAGE_REPO + ":0.35.0-lmi17.0.0-cu130"
RESERVATION_ARN = "arn:aws:sagemaker:us-east-1:123456789012:training-plan/p5-week"
SIZES = ("xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge", "16xlarge")
CONCURRENCY_METRIC = "SageMakerVariantConcurrentRequestsPerModelHighResolution"
CONCURRENCY_SCALING = Autoscaling(max_capacity=4, metric=CONCURRENCY_METRIC)
GPU_POOLED = {"VariantName": "AllTraffic", "InitialInstanceCount": 1}


def pool(instance_type: str, priority: int) -> dict[str, Any]:
    return {"InstanceType": instance_type, "Priority": priority}


def gpu_config(**fields: Any) -> dict[str, Any]:
    """One variant on two GPU pools, with ``fields`` over it."""
    pools = [pool("ml.g6e.2xlarge", 1), pool("ml.g5.2xlarge", 2)]
    return {
        "endpoint_config_props": {
            "ProductionVariants": [{**GPU_POOLED, "InstancePools": pools, **fields}]
        }
    }


def reserved(arn: str) -> dict[str, Any]:
    return {
        **variant("A", "ml.p5.48xlarge"),
        "CapacityReservationConfig": {
            "CapacityReservationPreference": "capacity-reservations-only",
            "MlReservationArn": arn,
        },
    }


def gated(accept: Any) -> dict[str, Any]:
    source = prefix("s3://my-models/llama-3-8b-instruct/")
    source["S3DataSource"]["ModelAccessConfig"] = {"AcceptEula": accept}
    return source


RULES: list[tuple[str, dict[str, Any], str]] = [
    (
        "1 existing_vpc + deploy_vpc",
        {"existing_vpc": VPC, "deploy_vpc": True},
        "existing_vpc and deploy_vpc",
    ),
    (
        "1 existing_vpc + vpc_props",
        {"existing_vpc": VPC, "vpc_props": {"CidrBlock": "10.1.0.0/16"}},
        "existing_vpc and vpc_props",
    ),
    (
        "2 function twice",
        {"existing_lambda_obj": FUNCTION_NO_VPC},
        "existing_lambda_obj and lambda_function_props",
    ),
    (
        "2 no function",
        {"lambda_function_props": None},
        "neither existing_lambda_obj nor lambda_function_props",
    ),
    (
        "3 endpoint twice",
        {"model_props": None, "existing_sagemaker_endpoint_obj": ENDPOINT, "endpoint_props": {}},
        "existing_sagemaker_endpoint_obj and endpoint_props",
    ),
    (
        "3 no endpoint, no model",
        {"model_props": None},
        "neither existing_sagemaker_endpoint_obj nor model_props",
    ),
    (
        "4 no PrimaryContainer",
        {"model_props": {"EnableNetworkIsolation": True}},
        "model_props.PrimaryContainer: required",
    ),
    (
        "4 unknown model key",
        {"model_props": {**MODEL, "Imagee": "x"}},
        "model_props.Imagee: unknown property of AWS::SageMaker::Model",
    ),
    (
        "4 unknown function key",
        {"lambda_function_props": {"Code": CODE, "Memory": 512}},
        "lambda_function_props.Memory: unknown property",
    ),
    (
        "4 unknown nested key",
        {"endpoint_config_props": {"ProductionVariants": [{"VariantNam": "x"}]}},
        "endpoint_config_props.ProductionVariants",
    ),
    (
        "4 unknown endpoint key",
        {"endpoint_props": {"Name": "x"}},
        "endpoint_props.Name: unknown property",
    ),
    (
        "4 unknown vpc key",
        {"deploy_vpc": True, "vpc_props": {"Cidr": "10.0.0.0/16"}},
        "vpc_props.Cidr: unknown property",
    ),
    (
        "4 wrong type",
        {"lambda_function_props": {"Code": CODE, "MemorySize": "big"}},
        "lambda_function_props.MemorySize: 'big' is not a valid integer",
    ),
    (
        "4 bad image",
        {"model_props": {"PrimaryContainer": {"Image": "nginx:latest"}}},
        "model_props.PrimaryContainer.Image: 'nginx:latest' is not an ECR image URI",
    ),
    (
        "4 bad model data",
        {
            "model_props": {
                "PrimaryContainer": {
                    "Image": MODEL["PrimaryContainer"]["Image"],
                    "ModelDataUrl": "https://x/y",
                }
            }
        },
        "is not an S3 object URL",
    ),
    (
        "4 bad MaxAzs",
        {"deploy_vpc": True, "vpc_props": {"MaxAzs": 9}},
        "vpc_props.MaxAzs: must be an integer from 1 to 6",
    ),
    (
        "4 CIDR too small",
        {"deploy_vpc": True, "vpc_props": {"CidrBlock": "10.0.0.0/28"}},
        "vpc_props.CidrBlock: 10.0.0.0/28 cannot hold 2 subnets",
    ),
    (
        "5 caller subnets in a VPC",
        {
            "deploy_vpc": True,
            "lambda_function_props": {"Code": CODE, "VpcConfig": {"SubnetIds": ["subnet-9"]}},
        },
        "lambda_function_props.VpcConfig.SubnetIds with deploy_vpc/existing_vpc",
    ),
    (
        "6 existing function without VpcConfig",
        {
            "lambda_function_props": None,
            "existing_lambda_obj": FUNCTION_NO_VPC,
            "existing_vpc": VPC,
        },
        "existing_lambda_obj has no VpcConfig",
    ),
    (
        "8 shared VPC endpoints without their group",
        {"existing_vpc": ExistingVpc("vpc-1", ["subnet-1"], create_vpc_endpoints=False)},
        "existing_vpc.create_vpc_endpoints=False needs existing_vpc.runtime_endpoint_security",
    ),
    (
        "8 endpoint group beside the pattern's own endpoints",
        {
            "existing_vpc": ExistingVpc(
                "vpc-1", ["subnet-1"], ["rtb-1"], runtime_endpoint_security_group_id="sg-1"
            )
        },
        "existing_vpc.runtime_endpoint_security_group_id: only with create_vpc_endpoints=False",
    ),
    (
        "8 pattern's endpoints without route tables",
        {"existing_vpc": ExistingVpc("vpc-1", ["subnet-1"])},
        "existing_vpc.route_table_ids: required unless create_vpc_endpoints is False",
    ),
    (
        "7 vpc_props without deploy_vpc",
        {"vpc_props": {"CidrBlock": "10.1.0.0/16"}},
        "vpc_props without deploy_vpc=True",
    ),
    (
        "7 model_props with existing endpoint",
        {"existing_sagemaker_endpoint_obj": ENDPOINT},
        "model_props with existing_sagemaker_endpoint_obj",
    ),
    (
        "7 endpoint_config_props with existing endpoint",
        {
            "model_props": None,
            "existing_sagemaker_endpoint_obj": ENDPOINT,
            "endpoint_config_props": {"KmsKeyId": "k"},
        },
        "endpoint_config_props with existing_sagemaker_endpoint_obj",
    ),
    (
        "8 id_prefix",
        {"id_prefix": "my-prefix"},
        "id_prefix: 'my-prefix' must contain only letters and digits",
    ),
    (
        "8 env var name",
        {"sagemaker_environment_variable_name": "1BAD"},
        "sagemaker_environment_variable_name: '1BAD' is not a valid Lambda environment",
    ),
    (
        "8 reserved env var name",
        {"sagemaker_environment_variable_name": "AWS_REGION"},
        "sagemaker_environment_variable_name: 'AWS_REGION'",
    ),
    (
        "deletion_policy",
        {"deletion_policy": "Snapshot"},
        "deletion_policy: 'Snapshot' must be one of Retain, Delete",
    ),
    (
        "function needs code",
        {"lambda_function_props": {"MemorySize": 512}},
        "lambda_function_props.Code: required",
    ),
    # Values that cannot be rendered to CloudFormation JSON, named by their dotted path.
    (
        "9 set value",
        {"lambda_function_props": {"Code": CODE, "Environment": {"Variables": {"TAGS": {"a"}}}}},
        "lambda_function_props.Environment.Variables.TAGS: a set ({'a'}) cannot be rendered",
    ),
    (
        "9 bytes value",
        {"lambda_function_props": {"Code": {"ZipFile": b"print(1)"}}},
        "lambda_function_props.Code.ZipFile: bytes (b'print(1)') cannot be rendered",
    ),
    (
        "9 date from YAML",
        {"lambda_function_props": {"Code": CODE, "Environment": {"Variables": {"V": 1}}} | DATED},
        "lambda_function_props.Environment.Variables.MODEL_VERSION: a date (2024-01-01) cannot",
    ),
    (
        "9 datetime in a list",
        {"endpoint_props": {"Tags": [{"Key": "at", "Value": datetime(2024, 1, 1, 12, 0)}]}},
        "endpoint_props.Tags[0].Value: a datetime (2024-01-01T12:00:00) cannot be rendered",
    ),
    (
        "9 NaN",
        {"lambda_function_props": {"Code": CODE, "MemorySize": math.nan}},
        "lambda_function_props.MemorySize: nan is not a number JSON can hold",
    ),
    (
        "9 infinity in an integer field",
        {"lambda_function_props": {"Code": CODE, "Timeout": math.inf}},
        "lambda_function_props.Timeout: inf is not a number JSON can hold",
    ),
    (
        "9 non-string key",
        {"model_props": {**MODEL, "Tags": {1: "one"}}},
        "model_props.Tags: the key 1 (int) is not a string",
    ),
    (
        "9 arbitrary object",
        {"lambda_function_props": {"Code": CODE, "Description": Decimal("1.5")}},
        "lambda_function_props.Description: Decimal('1.5') (a decimal.Decimal) cannot be rendered",
    ),
    (
        "9 null inside props",
        {"lambda_function_props": {"Code": CODE, "Description": None}},
        "lambda_function_props.Description: null is not allowed",
    ),
    (
        "9 lone surrogate (JSON \\ud800)",
        {"lambda_function_props": {"Code": CODE, "Description": "bad \ud800"}},
        "lambda_function_props.Description: 'bad \\ud800'... is not valid Unicode text",
    ),
    (
        "9 resource object as a value",
        {
            "lambda_function_props": {
                "Code": CODE,
                "Role": iam.Role("R", AssumeRolePolicyDocument={}),
            }
        },
        "lambda_function_props.Role: a Role resource (R) cannot be a property value; use Ref(R)",
    ),
    (
        "9 inside an intrinsic",
        {"lambda_function_props": {"Code": CODE, "Description": Sub("${V}", V=b"x")}},
        "lambda_function_props.Description.Fn::Sub[1].V: bytes",
    ),
    (
        "9 nested too deep",
        {"model_props": {**MODEL, "Tags": nested(70)}},
        f"model_props.Tags{'.a' * (MAX_DEPTH - 1)}: nested deeper than {MAX_DEPTH} levels",
    ),
    (
        "9 a cycle",
        {"endpoint_props": {"Tags": CYCLE}},
        f"endpoint_props.Tags{'.self' * (MAX_DEPTH - 1)}: nested deeper than {MAX_DEPTH} levels",
    ),
    (
        "9 too many values (shared structure that would expand)",
        {"endpoint_props": {"Tags": BOMB}},
        f"more than {MAX_NODES:,} values in all (the limit)",
    ),
    (
        "9 too much text",
        {"lambda_function_props": {"Code": {"ZipFile": "x" * (MAX_CHARACTERS + 1)}}},
        "lambda_function_props.Code.ZipFile: the props hold more than 1,048,576 characters",
    ),
    # Rules that named nothing or surfaced only while building.
    (
        "10 required nested property",
        {"endpoint_config_props": {"ProductionVariants": [{"InstanceType": "ml.m5.large"}]}},
        "endpoint_config_props.ProductionVariants: Resource VariantName required",
    ),
    (
        "10 PrimaryContainer as an intrinsic",
        {"model_props": {"PrimaryContainer": If("C", MODEL["PrimaryContainer"], {})}},
        "model_props.PrimaryContainer: must be a mapping or a ContainerDefinition",
    ),
    (
        "10 model VpcConfig in the pattern's VPC",
        {"deploy_vpc": True, "model_props": {**MODEL, "VpcConfig": If("C", {}, NO_VALUE)}},
        "model_props.VpcConfig with deploy_vpc/existing_vpc",
    ),
    (
        "10 function VpcConfig intrinsic in the pattern's VPC",
        {
            "existing_vpc": VPC,
            "lambda_function_props": {"Code": CODE, "VpcConfig": If("C", {}, NO_VALUE)},
        },
        "lambda_function_props.VpcConfig: the pattern places the function in its VPC",
    ),
    (
        "10 existing function's Environment as an intrinsic",
        {
            "lambda_function_props": None,
            "existing_lambda_obj": awslambda.Function(
                "F", **FUNCTION_NO_VPC.properties, Environment=If("C", {}, NO_VALUE)
            ),
        },
        "existing_lambda_obj.Environment: the pattern adds to it",
    ),
    # Code and package type.
    (
        "11 ImageUri without PackageType",
        {"lambda_function_props": {"Code": {"ImageUri": IMAGE}}},
        "lambda_function_props.Code: ImageUri needs PackageType: Image",
    ),
    (
        "11 read timeout not a number",
        {"lambda_function_props": {"Code": CODE, "Environment": {"Variables": READ("soon")}}},
        "lambda_function_props.Environment.Variables.SAGEMAKER_READ_TIMEOUT_SECONDS: seconds "
        "the handler waits for the model, 1-895; got 'soon'",
    ),
    (
        "11 read timeout over Lambda's limit",
        {"lambda_function_props": {"Code": CODE, "Environment": {"Variables": READ("896")}}},
        "SAGEMAKER_READ_TIMEOUT_SECONDS: seconds the handler waits for the model, 1-895",
    ),
    (
        "11 Timeout leaves the handler no time",
        {
            "lambda_function_props": {
                "Code": CODE,
                "Timeout": 29,
                "Environment": {"Variables": READ("25")},
            }
        },
        "lambda_function_props.Timeout: 29 s leaves the handler no time to answer after its "
        "25 s read timeout: at least 30",
    ),
    (
        "11 deploy-time read timeout without Timeout",
        {
            "lambda_function_props": {
                "Code": CODE,
                "Environment": {"Variables": READ(Ref("ReadTimeout"))},
            }
        },
        "SAGEMAKER_READ_TIMEOUT_SECONDS: a deploy-time value: set Timeout too, above it",
    ),
    (
        "11 ZipFile with PackageType Image",
        {"lambda_function_props": {"Code": CODE, "PackageType": "Image"}},
        "lambda_function_props.Code: ZipFile needs PackageType Zip (the default), got 'Image'",
    ),
    (
        "11 Runtime with an image",
        {"lambda_function_props": {**IMAGE_FUNCTION, "Runtime": "python3.14"}},
        "lambda_function_props.Runtime: not allowed with a container image",
    ),
    # IPAM-allocated VPCs.
    (
        "12 CidrBlock and an IPAM pool",
        {"deploy_vpc": True, "vpc_props": {**IPAM, "CidrBlock": "10.0.0.0/16"}},
        "vpc_props: give CidrBlock or Ipv4IpamPoolId, not both",
    ),
    (
        "12 IPAM netmask too narrow",
        {"deploy_vpc": True, "vpc_props": {**IPAM, "Ipv4NetmaskLength": 24}},
        "vpc_props.Ipv4NetmaskLength: /24 cannot hold 2 subnets of /24 (give 16 to 23)",
    ),
    # Names and anchored patterns.
    (
        "13 id_prefix too long for a logical ID",
        {"id_prefix": "A" * 220},
        "id_prefix: 220 characters is too long",
    ),
    (
        "13 id_prefix ending in a newline",
        {"id_prefix": "A\n"},
        "id_prefix: 'A\\n' must contain only letters and digits",
    ),
    (
        "13 env var name is the pointer's own",
        {"sagemaker_environment_variable_name": "SAGEMAKER_ENDPOINT_ENV_VAR"},
        "sagemaker_environment_variable_name: 'SAGEMAKER_ENDPOINT_ENV_VAR' is reserved",
    ),
    (
        "13 env var name with a dash",
        {"sagemaker_environment_variable_name": "BAD-NAME"},
        "sagemaker_environment_variable_name: 'BAD-NAME' is not a valid Lambda environment",
    ),
    (
        "13 env var name ending in a newline",
        {"sagemaker_environment_variable_name": "NAME\n"},
        "sagemaker_environment_variable_name: 'NAME\\n' is not a valid Lambda environment",
    ),
    (
        "13 env var name reserved by Lambda, not by troposphere",
        {"sagemaker_environment_variable_name": "AWS_LAMBDA_RUNTIME_API"},
        "sagemaker_environment_variable_name: 'AWS_LAMBDA_RUNTIME_API' is reserved",
    ),
    (
        "13 caller's variable name with a dash",
        {"lambda_function_props": {"Code": CODE, "Environment": {"Variables": {"A-B": "x"}}}},
        "lambda_function_props.Environment.Variables: 'A-B' is not a valid Lambda environment",
    ),
    (
        "13 image URI ending in a newline",
        {"model_props": {"PrimaryContainer": {"Image": IMAGE + "\n"}}},
        "model_props.PrimaryContainer.Image: '" + IMAGE + "\\n' is not an ECR image URI",
    ),
    (
        "13 S3 URL ending in a newline",
        {"model_props": {"PrimaryContainer": {"Image": IMAGE, "ModelDataUrl": MODEL_DATA + "\n"}}},
        "is not an S3 object URL",
    ),
    (
        "13 role ARN ending in a newline",
        {"lambda_function_props": {"Code": CODE, "Role": CALLER_ROLE_ARN + "\n"}},
        "lambda_function_props.Role: the role must be GetAtt",
    ),
    (
        "role we cannot attach to",
        {"lambda_function_props": {"Code": CODE, "Role": Ref(Parameter("RoleArn", Type="String"))}},
        "lambda_function_props.Role: the role must be GetAtt",
    ),
    (
        "9 unknown instance type",
        {"endpoint_config_props": {"ProductionVariants": [variant("A", "ml.g5.2xlarg")]}},
        "endpoint_config_props.ProductionVariants[0].InstanceType: 'ml.g5.2xlarg' is not a "
        "SageMaker hosting instance type (277 are known; closest: ml.g5.2xlarge",
    ),
    (
        "9 unknown shadow instance type",
        {
            "endpoint_config_props": {
                "ShadowProductionVariants": [variant("S", "ml.m5.larg")],
            }
        },
        "endpoint_config_props.ShadowProductionVariants[0].InstanceType: 'ml.m5.larg'",
    ),
    (
        "9 caller key beside NVMe",
        {"endpoint_config_props": {"KmsKeyId": "k", "ProductionVariants": [GPU]}},
        "endpoint_config_props.KmsKeyId with endpoint_config_props.ProductionVariants[0]"
        ".InstanceType 'ml.g5.xlarge': that type has local NVMe storage, encrypted in hardware, "
        'and a KmsKeyId beside it "does not encrypt instance local storage"',
    ),
    (
        "9 caller key beside an NVMe instance pool",
        {
            "endpoint_config_props": {
                "KmsKeyId": "k",
                "ProductionVariants": [
                    {
                        "VariantName": "A",
                        "InitialInstanceCount": 1,
                        "InstancePools": [{"InstanceType": "ml.g6.xlarge", "Priority": 1}],
                    }
                ],
            }
        },
        "endpoint_config_props.KmsKeyId with endpoint_config_props.ProductionVariants[0]"
        ".InstancePools[0].InstanceType 'ml.g6.xlarge'",
    ),
    (
        "9 volume size on NVMe",
        {"endpoint_config_props": {"ProductionVariants": [{**GPU, "VolumeSizeInGB": 100}]}},
        "endpoint_config_props.ProductionVariants[0].VolumeSizeInGB with InstanceType "
        "'ml.g5.xlarge': that type has local NVMe storage",
    ),
    (
        "9 volume size too big",
        {
            "endpoint_config_props": {
                "ProductionVariants": [variant("A", "ml.m5.large", VolumeSizeInGB=513)]
            }
        },
        "endpoint_config_props.ProductionVariants[0].VolumeSizeInGB: 513 is outside 1-512",
    ),
    (
        "9 volume size zero",
        {
            "endpoint_config_props": {
                "ProductionVariants": [variant("A", "ml.m5.large", VolumeSizeInGB=0)]
            }
        },
        "VolumeSizeInGB: 0 is outside 1-512",
    ),
    (
        "9 download timeout too short",
        {
            "endpoint_config_props": {
                "ProductionVariants": [{**GPU, "ModelDataDownloadTimeoutInSeconds": 59}]
            }
        },
        "ProductionVariants[0].ModelDataDownloadTimeoutInSeconds: 59 is outside 60-3600",
    ),
    (
        "9 health check timeout too long",
        {
            "endpoint_config_props": {
                "ProductionVariants": [{**GPU, "ContainerStartupHealthCheckTimeoutInSeconds": 3601}]
            }
        },
        "ProductionVariants[0].ContainerStartupHealthCheckTimeoutInSeconds: 3601 is outside "
        "60-3600",
    ),
    (
        "9 instance type intrinsic a condition cannot compare",
        {
            "endpoint_config_props": {
                "ProductionVariants": [variant("A", Select(0, Split(",", "ml.m5.large,x")))]
            }
        },
        "ProductionVariants[0].InstanceType: only a literal, a Ref or an Fn::FindInMap",
    ),
    (
        "9 malformed S3 prefix",
        {"model_props": {"PrimaryContainer": {"Image": IMAGE, "ModelDataSource": prefix("s3:/x")}}},
        "model_props.PrimaryContainer.ModelDataSource.S3DataSource.S3Uri: 's3:/x' is not an S3 "
        "prefix URI",
    ),
    (
        "9 S3 prefix from a Fn::Sub that is no S3 URI",
        {
            "model_props": {
                "PrimaryContainer": {
                    "Image": IMAGE,
                    "ModelDataSource": prefix(Sub("s3:/models-${AWS::Region}/w/")),
                }
            }
        },
        "S3DataSource.S3Uri: 's3:/models-${AWS::Region}/w/' is not an S3 prefix URI",
    ),
    (
        "9 ModelDataUrl and ModelDataSource",
        {
            "model_props": {
                "PrimaryContainer": {
                    "Image": IMAGE,
                    "ModelDataUrl": "s3://my-models/m.tar.gz",
                    "ModelDataSource": prefix("s3://my-models/weights/"),
                }
            }
        },
        "model_props.PrimaryContainer.ModelDataUrl and "
        "model_props.PrimaryContainer.ModelDataSource: give one or the other",
    ),
    (
        "9 PrimaryContainer and Containers",
        {"model_props": {"PrimaryContainer": {"Image": IMAGE}, "Containers": [{"Image": IMAGE}]}},
        "model_props.PrimaryContainer and model_props.Containers: give one or the other",
    ),
    (
        "9 no container",
        {"model_props": {"EnableNetworkIsolation": True}},
        "model_props.PrimaryContainer: required (or Containers)",
    ),
    (
        "9 bad image in a pipeline",
        {"model_props": {"Containers": [{"Image": IMAGE}, {"Image": "nginx:latest"}]}},
        "model_props.Containers[1].Image: 'nginx:latest' is not an ECR image URI",
    ),
    (
        "9 bad data in a pipeline",
        {"model_props": {"Containers": [{"Image": IMAGE, "ModelDataUrl": "s3://x"}]}},
        "model_props.Containers[0].ModelDataUrl: 's3://x' is not an S3 object URL",
    ),
    (
        "10 async output path not an S3 URI",
        {"async_inference": AsyncInference(output_path="my-bucket/results")},
        "async_inference.output_path: 'my-bucket/results' is not an S3 prefix URI",
    ),
    (
        "10 async failure path over https",
        {"async_inference": AsyncInference(failure_path="https://my-bucket.s3.amazonaws.com/f")},
        "async_inference.failure_path: 'https://my-bucket.s3.amazonaws.com/f' is not an S3 prefix",
    ),
    (
        "10 async input path not a string",
        {"async_inference": AsyncInference(input_path=42)},
        "async_inference.input_path: 42 is not an S3 prefix URI",
    ),
    (
        "10 async topic not an SNS ARN",
        {"async_inference": AsyncInference(success_topic="jobs-done")},
        "async_inference.success_topic: 'jobs-done' is not an SNS topic ARN",
    ),
    (
        "10 async topic is an SQS ARN",
        {"async_inference": AsyncInference(error_topic="arn:aws:sqs:us-east-1:123456789012:q")},
        "async_inference.error_topic: 'arn:aws:sqs:us-east-1:123456789012:q' is not an SNS",
    ),
    (
        "10 async topic True",
        {"async_inference": AsyncInference(error_topic=True)},
        "async_inference.error_topic: True is not an SNS topic ARN (arn:PARTITION:sns:",
    ),
    (
        "10 async concurrency out of range",
        {"async_inference": AsyncInference(max_concurrent_invocations_per_instance=1001)},
        "async_inference.max_concurrent_invocations_per_instance: 1001 must be an integer from 1",
    ),
    (
        "10 async concurrency a bool",
        {"async_inference": AsyncInference(max_concurrent_invocations_per_instance=True)},
        "async_inference.max_concurrent_invocations_per_instance: True must be an integer",
    ),
    (
        "10 async with an existing endpoint",
        {
            "async_inference": AsyncInference(),
            "model_props": None,
            "existing_sagemaker_endpoint_obj": "fraud",
        },
        "async_inference with existing_sagemaker_endpoint_obj: the pattern configures",
    ),
    (
        "10 async with serverless",
        {"async_inference": AsyncInference(), "serverless": Serverless()},
        "async_inference with serverless: async endpoints run on instances",
    ),
    (
        "10 async autoscaling below zero",
        {
            "async_inference": AsyncInference(),
            "autoscaling": Autoscaling(min_capacity=-1, max_capacity=2),
        },
        "autoscaling.min_capacity: -1 must be an integer of at least 0 for asynchronous",
    ),
    (
        "10 real-time autoscaling to zero, still refused",
        {"autoscaling": Autoscaling(min_capacity=0, max_capacity=2)},
        "autoscaling.min_capacity: 0 must be an integer of at least 1 for instance variants",
    ),
    (
        "10 async and the caller's AsyncInferenceConfig",
        {
            "async_inference": AsyncInference(),
            "endpoint_config_props": {
                "AsyncInferenceConfig": {"OutputConfig": {"S3OutputPath": "s3://b/o"}}
            },
        },
        "endpoint_config_props.AsyncInferenceConfig with async_inference: give one or the other",
    ),
    (
        "10 async on a serverless variant",
        {
            "async_inference": AsyncInference(),
            "endpoint_config_props": {
                "ProductionVariants": [
                    {
                        "VariantName": "AllTraffic",
                        "ServerlessConfig": {"MemorySizeInMB": 2048, "MaxConcurrency": 5},
                    }
                ]
            },
        },
        "endpoint_config_props.ProductionVariants[0].ServerlessConfig with async_inference",
    ),
    (
        "12 async queue age threshold",
        {"alarms": Alarms(oldest_request_seconds=0)},
        "alarms.oldest_request_seconds: 0 is outside 1-86400",
    ),
    (
        "12 latency threshold",
        {"alarms": Alarms(latency_p99_ms=0)},
        "alarms.latency_p99_ms: 0 is outside 1-3.6e+06",
    ),
    (
        "12 4xx rate is a share",
        {"alarms": Alarms(client_error_rate=5)},
        "alarms.client_error_rate: 5 is outside 0.0001-1",
    ),
    (
        "12 threshold type",
        {"alarms": Alarms(server_errors="many")},
        "alarms.server_errors: 'many' must be a number",
    ),
    (
        "12 datapoints over periods",
        {"alarms": Alarms(datapoints_to_alarm=6)},
        "alarms.datapoints_to_alarm: 6 is more than evaluation_periods (5)",
    ),
    (
        "12 period",
        {"alarms": Alarms(period_seconds=90)},
        "alarms.period_seconds: 90 is not a multiple of 60",
    ),
    (
        "12 a day of periods",
        {"alarms": Alarms(period_seconds=3600, evaluation_periods=25, datapoints_to_alarm=1)},
        "alarms.evaluation_periods: 25 periods of 3600 s exceed the day",
    ),
    (
        "12 topic",
        {"alarms": Alarms(topic="ml-alarms")},
        "alarms.topic: 'ml-alarms' is not an SNS topic ARN",
    ),
    (
        "12 variants alarms cannot tell apart",
        {
            "endpoint_config_props": {
                "ProductionVariants": [
                    variant("blue-a", "ml.m5.large"),
                    variant("blueA", "ml.m5.large"),
                ]
            }
        },
        "endpoint_config_props.ProductionVariants[1].VariantName: 'blueA' and 'blue-a' give the "
        "same logical IDs (BlueA)",
    ),
    (
        "12 a variant name alarms cannot read",
        {"endpoint_config_props": {"ProductionVariants": [variant(Ref("Name"), "ml.m5.large")]}},
        'endpoint_config_props.ProductionVariants[0].VariantName: {"Ref": "Name"} must be a '
        "literal variant name: alarms name their resources and logical IDs after it",
    ),
    (
        "12 canary over half",
        {"rollout": Rollout.canary(percent=60), "endpoint_config_props": TWO},
        "rollout.percent: 60 is outside 1-50",
    ),
    (
        "12 canary on one instance",
        {"rollout": Rollout.canary()},
        "rollout.percent: variant 'AllTraffic' has 1 instance and 10% of them is 1, more than "
        "half; give it at least 2 instances",
    ),
    (
        "12 canary over half of 3 instances",
        {
            "rollout": Rollout.canary(percent=50),
            "endpoint_config_props": {
                "ProductionVariants": [variant("A", "ml.m5.large", InitialInstanceCount=3)]
            },
        },
        "rollout.percent: variant 'A' has 3 instances and 50% of them is 2, more than half; give "
        "it at least 4 instances",
    ),
    (
        "12 linear step",
        {"rollout": Rollout.linear(step_percent=5), "endpoint_config_props": TWO},
        "rollout.percent: 5 is outside 10-50",
    ),
    (
        "12 wait",
        {"rollout": Rollout.canary(wait_seconds=3601), "endpoint_config_props": TWO},
        "rollout.wait_seconds: 3601 is outside 0-3600",
    ),
    (
        "12 waits exceed the timeout",
        {
            "rollout": Rollout.canary(
                wait_seconds=900,
                termination_wait_seconds=600,
                maximum_execution_timeout_seconds=1200,
            ),
            "endpoint_config_props": TWO,
        },
        "rollout.maximum_execution_timeout_seconds: 1200 s does not exceed the rollout's total "
        "wait of 1500 s",
    ),
    (
        "12 linear waits exceed the longest timeout",
        {
            "rollout": Rollout.linear(step_percent=10, wait_seconds=3600),
            "endpoint_config_props": TWO,
        },
        "rollout.maximum_execution_timeout_seconds: 28800 s does not exceed the rollout's total "
        "wait of 36000 s (10 x 3600 s + 0 s)",
    ),
    (
        "12 timeout range",
        {
            "rollout": Rollout.all_at_once(maximum_execution_timeout_seconds=300),
            "endpoint_config_props": TWO,
        },
        "rollout.maximum_execution_timeout_seconds: 300 is outside 600-28800",
    ),
    (
        "12 all at once has no step",
        {"rollout": Rollout(strategy="ALL_AT_ONCE", percent=10)},
        "rollout.percent: ALL_AT_ONCE moves all traffic at once",
    ),
    (
        "12 unknown strategy",
        {"rollout": Rollout(strategy="BIG_BANG")},
        "rollout.strategy: 'BIG_BANG' must be one of CANARY, LINEAR, ALL_AT_ONCE, ROLLING",
    ),
    (
        "12 rolling keeps no old fleet",
        {"rollout": Rollout.rolling(termination_wait_seconds=60), "endpoint_config_props": TWO},
        "rollout.termination_wait_seconds: a rolling update keeps no old fleet",
    ),
    (
        "12 rolling on several variants",
        {
            "rollout": Rollout.rolling(batch_percent=50),
            "endpoint_config_props": {
                "ProductionVariants": [
                    variant("A", "ml.m5.large", InitialInstanceCount=2),
                    variant("B", "ml.m5.large", InitialInstanceCount=2),
                ]
            },
        },
        "rollout: a rolling update serves one variant and this endpoint has 2",
    ),
    (
        "12 rollout without alarms",
        {"rollout": Rollout.all_at_once(), "alarms": None},
        "rollout with alarms=None: a rollout rolls back on the endpoint's alarms",
    ),
    (
        "12 more rollback alarms than SageMaker takes",
        {
            "rollout": Rollout.all_at_once(),
            "endpoint_config_props": {
                "ProductionVariants": [variant(name, "ml.m5.large") for name in "ABCD"]
            },
        },
        "rollout: 4 variants give 12 rollback alarms and SageMaker takes at most 10",
    ),
    (
        "12 rollout of an existing endpoint",
        {
            "model_props": None,
            "existing_sagemaker_endpoint_obj": ENDPOINT,
            "rollout": Rollout.canary(),
        },
        "rollout with existing_sagemaker_endpoint_obj: the pattern makes no endpoint",
    ),
    (
        "12 rollout and a caller DeploymentConfig",
        {
            "rollout": Rollout.all_at_once(),
            "endpoint_props": {"DeploymentConfig": {"RollingUpdatePolicy": {}}},
        },
        "rollout and endpoint_props.DeploymentConfig: give one or the other",
    ),
    (
        "20.10 canary on serverless",
        {"rollout": Rollout.canary(), "serverless": Serverless()},
        "rollout: a canary rollout sizes its steps in instances and Serverless Inference variant "
        "'AllTraffic' has none",
    ),
    (
        "20.10 linear on serverless",
        {"rollout": Rollout.linear(), "serverless": Serverless()},
        "rollout: a linear rollout sizes its steps in instances",
    ),
    (
        "20.11 data capture on an async endpoint",
        {"data_capture": DataCapture(), "async_inference": AsyncInference()},
        "data_capture with async_inference: SageMaker documents data capture for real-time "
        "endpoints only",
    ),
    (
        "20.11 a DataCaptureConfig on an async endpoint",
        {
            "endpoint_config_props": {
                "DataCaptureConfig": {
                    "InitialSamplingPercentage": 10,
                    "DestinationS3Uri": "s3://my-bucket/capture",
                    "CaptureOptions": [{"CaptureMode": "Input"}],
                }
            },
            "async_inference": AsyncInference(output_path="s3://my-bucket/out"),
        },
        "endpoint_config_props.DataCaptureConfig with async_inference",
    ),
    (
        "12 rolling on serverless",
        {"rollout": Rollout.rolling(), "serverless": Serverless()},
        "rollout: a rolling update replaces instances and Serverless Inference variant "
        "'AllTraffic' has none",
    ),
    (
        "12 canary below half of the autoscaling minimum",
        {
            "rollout": Rollout.canary(),
            "endpoint_config_props": TWO,
            "autoscaling": Autoscaling(min_capacity=1, max_capacity=4),
        },
        "rollout.percent: variant 'AllTraffic' may scale to 1 instance and 10% of them is 1, more "
        "than half; give it at least 2 instances (autoscaling.min_capacity)",
    ),
    (
        "20.1 canary with a minimum capacity Parameter that allows 1",
        {
            "rollout": Rollout.canary(),
            "endpoint_config_props": TWO,
            "autoscaling": Autoscaling(
                min_capacity=Parameter("Low", Type="Number", MinValue=1, Default=2),
                max_capacity=4,
            ),
        },
        "autoscaling.min_capacity: Parameter Low's MinValue is 1; a canary rollout of 10% steps "
        "needs every variant at 2 instances or more",
    ),
    (
        "20.1 linear with a minimum capacity Parameter without MinValue",
        {
            "rollout": Rollout.linear(),
            "endpoint_config_props": TWO,
            "autoscaling": Autoscaling(
                min_capacity=Parameter("Low", Type="Number", Default=2), max_capacity=4
            ),
        },
        "autoscaling.min_capacity: Parameter Low's MinValue has none",
    ),
    (
        "20.1 rolling with a minimum capacity Parameter defaulting to 1",
        {
            "rollout": Rollout.rolling(),
            "endpoint_config_props": TWO,
            "autoscaling": Autoscaling(
                min_capacity=Parameter("Low", Type="Number", MinValue=2, Default=1),
                max_capacity=4,
            ),
        },
        "autoscaling.min_capacity: Parameter Low's Default is 1",
    ),
    (
        "12 rollout on Inf1",
        {
            "rollout": Rollout.all_at_once(),
            "endpoint_config_props": {"ProductionVariants": [variant("A", "ml.inf1.xlarge")]},
        },
        "rollout with ml.inf1.xlarge: SageMaker's deployment guardrails exclude Inf1",
    ),
    (
        "12 rollout on an Inf1 instance pool",
        {
            "rollout": Rollout.all_at_once(),
            "endpoint_config_props": {
                "ProductionVariants": [
                    {
                        "VariantName": "A",
                        "InitialInstanceCount": 1,
                        "InstancePools": [{"InstanceType": "ml.inf1.2xlarge", "Priority": 1}],
                    }
                ]
            },
        },
        "rollout with ml.inf1.2xlarge: SageMaker's deployment guardrails exclude Inf1",
    ),
    (
        "12 serverless reads Containers beside a PrimaryContainer",
        {
            "serverless": Serverless(),
            "model_props": {
                "PrimaryContainer": {"Image": IMAGE},
                "Containers": [{"Image": IMAGE, "Mode": "MultiModel"}],
            },
        },
        "model_props.Containers[0].Mode 'MultiModel' with serverless",
    ),
    (
        "12 capture on serverless",
        {"data_capture": DataCapture(), "serverless": Serverless()},
        "data_capture with Serverless Inference variant 'AllTraffic': serverless endpoints do "
        "not support data capture",
    ),
    (
        "12 sampling over 100",
        {"data_capture": DataCapture(sampling_percentage=101)},
        "data_capture.sampling_percentage: 101 is outside 0-100",
    ),
    (
        "12 sampling below 0",
        {"data_capture": DataCapture(sampling_percentage=-1)},
        "data_capture.sampling_percentage: -1 is outside 0-100",
    ),
    (
        "12 capture modes",
        {"data_capture": DataCapture(capture=("Everything",))},
        "data_capture.capture: ('Everything',) must name Input, Output or both",
    ),
    (
        "12 capture destination",
        {"data_capture": DataCapture(destination="my-bucket/capture")},
        "data_capture.destination: 'my-bucket/capture' is not an S3 prefix URI",
    ),
    (
        "12 content type",
        {"data_capture": DataCapture(json_content_types=("json",))},
        "data_capture.json_content_types: 'json' is not a content type",
    ),
    (
        "12 capture of an existing endpoint",
        {
            "model_props": None,
            "existing_sagemaker_endpoint_obj": ENDPOINT,
            "data_capture": DataCapture(),
        },
        "data_capture with existing_sagemaker_endpoint_obj: the pattern makes no endpoint",
    ),
    (
        "12 capture twice",
        {
            "data_capture": DataCapture(),
            "endpoint_config_props": {
                "DataCaptureConfig": {
                    "DestinationS3Uri": "s3://b/p",
                    "InitialSamplingPercentage": 5,
                    "CaptureOptions": [{"CaptureMode": "Input"}],
                }
            },
        },
        "data_capture and endpoint_config_props.DataCaptureConfig: give one",
    ),
    (
        "12 caller capture config checked against the endpoint-config schema",
        {"endpoint_config_props": {"DataCaptureConfig": {"EnableCapture": True, "Sample": 5}}},
        "endpoint_config_props.DataCaptureConfig",
    ),
    (
        "10 serverless memory size",
        {"serverless": Serverless(memory_size_in_mb=1500)},
        "serverless.memory_size_in_mb: 1500 must be one of 1024, 2048, 3072, 4096, 5120, 6144",
    ),
    (
        "10 serverless memory size required",
        {"serverless": Serverless(memory_size_in_mb=None)},
        "serverless.memory_size_in_mb: required",
    ),
    (
        "10 serverless concurrency above 200",
        {"serverless": Serverless(max_concurrency=201)},
        "serverless.max_concurrency: 201 must be an integer from 1 to 200",
    ),
    (
        "10 serverless concurrency not an integer",
        {"serverless": Serverless(max_concurrency="10")},
        "serverless.max_concurrency: '10' must be an integer from 1 to 200",
    ),
    (
        "10 serverless provisioned concurrency zero",
        {"serverless": Serverless(provisioned_concurrency=0)},
        "serverless.provisioned_concurrency: 0 must be an integer from 1 to 200",
    ),
    (
        "10 serverless provisioned above the maximum",
        {"serverless": Serverless(max_concurrency=5, provisioned_concurrency=6)},
        "serverless.provisioned_concurrency: 6 is more than serverless.max_concurrency (5)",
    ),
    (
        "10 serverless beside the caller's variants",
        {"serverless": Serverless(), "endpoint_config_props": {"ProductionVariants": [GPU]}},
        "serverless with endpoint_config_props.ProductionVariants: serverless writes the "
        "endpoint's one variant",
    ),
    (
        "10 ServerlessConfig memory size, same rule",
        serverless_config(ServerlessConfig={"MemorySizeInMB": 512, "MaxConcurrency": 10}),
        "endpoint_config_props.ProductionVariants[0].ServerlessConfig.MemorySizeInMB: 512 must "
        "be one of",
    ),
    (
        "10 ServerlessConfig provisioned above the maximum, same rule",
        serverless_config(
            ServerlessConfig={
                "MemorySizeInMB": 1024,
                "MaxConcurrency": 2,
                "ProvisionedConcurrency": 3,
            }
        ),
        "ServerlessConfig.ProvisionedConcurrency: 3 is more than endpoint_config_props."
        "ProductionVariants[0].ServerlessConfig.MaxConcurrency (2)",
    ),
    (
        "10 instance type beside ServerlessConfig",
        serverless_config(InstanceType="ml.m5.large"),
        "endpoint_config_props.ProductionVariants[0].InstanceType beside ServerlessConfig",
    ),
    (
        "10 instance count beside ServerlessConfig",
        serverless_config(InitialInstanceCount=1),
        "ProductionVariants[0].InitialInstanceCount beside ServerlessConfig",
    ),
    (
        "10 serverless with several variants",
        {
            "endpoint_config_props": {
                "ProductionVariants": [
                    SERVERLESS_VARIANT,
                    {**SERVERLESS_VARIANT, "VariantName": "B"},
                ]
            }
        },
        "endpoint_config_props: a Serverless Inference endpoint has exactly one variant (2 given",
    ),
    (
        "10 serverless with a shadow variant",
        {
            "serverless": Serverless(),
            "endpoint_config_props": {"ShadowProductionVariants": [variant("S", "ml.m5.large")]},
        },
        "a Serverless Inference endpoint has exactly one variant (2 given, shadow variants "
        "included)",
    ),
    (
        "10 serverless with data capture",
        {
            "serverless": Serverless(),
            "endpoint_config_props": {
                "DataCaptureConfig": {
                    "CaptureOptions": [{"CaptureMode": "Input"}],
                    "DestinationS3Uri": "s3://captures/x",
                    "InitialSamplingPercentage": 20,
                }
            },
        },
        "endpoint_config_props.DataCaptureConfig with serverless: Serverless Inference does not "
        "support it",
    ),
    (
        "10 serverless with network isolation forced on",
        {"serverless": Serverless(), "model_props": {**MODEL, "EnableNetworkIsolation": True}},
        "model_props.EnableNetworkIsolation with serverless: Serverless Inference does not",
    ),
    (
        "10 ServerlessConfig with network isolation forced on",
        {**serverless_config(), "model_props": {**MODEL, "EnableNetworkIsolation": True}},
        "model_props.EnableNetworkIsolation with the ServerlessConfig of endpoint_config_props."
        "ProductionVariants[0]",
    ),
    (
        "10 serverless with a model VPC config",
        {
            "serverless": Serverless(),
            "model_props": {
                **MODEL,
                "VpcConfig": {"Subnets": ["subnet-1"], "SecurityGroupIds": ["sg-1"]},
            },
        },
        "model_props.VpcConfig with serverless",
    ),
    (
        "10 serverless with an inference pipeline",
        {
            "serverless": Serverless(),
            "model_props": {"Containers": [{"Image": IMAGE}, {"Image": IMAGE}]},
        },
        "model_props.Containers (an inference pipeline) with serverless",
    ),
    (
        "10 serverless from a private registry",
        {
            "serverless": Serverless(),
            "model_props": {
                "PrimaryContainer": {"Image": IMAGE, "ImageConfig": {"RepositoryAccessMode": "Vpc"}}
            },
        },
        "model_props.PrimaryContainer.ImageConfig.RepositoryAccessMode 'Vpc' (a private "
        "registry) with serverless",
    ),
    (
        "10 serverless multi-model",
        {
            "serverless": Serverless(),
            "model_props": {"PrimaryContainer": {"Image": IMAGE, "Mode": "MultiModel"}},
        },
        "model_props.PrimaryContainer.Mode 'MultiModel' with serverless",
    ),
    (
        "10 serverless with a rolling update",
        {
            "serverless": Serverless(),
            "endpoint_props": {
                "DeploymentConfig": {
                    "RollingUpdatePolicy": {
                        "MaximumBatchSize": {"Type": "CAPACITY_PERCENT", "Value": 50},
                        "WaitIntervalInSeconds": 300,
                    }
                }
            },
        },
        "endpoint_props.DeploymentConfig.RollingUpdatePolicy with serverless",
    ),
    (
        "10 serverless with an existing endpoint",
        {
            "model_props": None,
            "existing_sagemaker_endpoint_obj": ENDPOINT,
            "serverless": Serverless(),
        },
        "serverless with existing_sagemaker_endpoint_obj: no model or endpoint config is created",
    ),
    (
        "10 autoscaling a real-time endpoint to zero",
        {"autoscaling": Autoscaling(min_capacity=0, max_capacity=2)},
        "autoscaling.min_capacity: 0 must be an integer of at least 1 for instance variants (a "
        "real-time endpoint cannot scale to zero)",
    ),
    (
        "10 autoscaling min above max",
        {"autoscaling": Autoscaling(min_capacity=3, max_capacity=2)},
        "autoscaling.min_capacity: 3 is above autoscaling.max_capacity (2)",
    ),
    (
        "10 autoscaling max below one",
        {"autoscaling": Autoscaling(max_capacity=0)},
        "autoscaling.max_capacity: 0 must be an integer of at least 1",
    ),
    (
        "10 autoscaling target not positive",
        {"autoscaling": Autoscaling(max_capacity=2, target_value=0)},
        "autoscaling.target_value: 0 must be a number above 0 for instance variants "
        "(SageMakerVariantInvocationsPerInstance)",
    ),
    (
        "10 autoscaling utilization above one",
        {"serverless": WARM, "autoscaling": Autoscaling(max_capacity=4, target_value=70)},
        "autoscaling.target_value: 70 must be a number above 0 and at most 1.0 for Serverless "
        "Inference provisioned concurrency",
    ),
    (
        "10 autoscaling cooldown",
        {"autoscaling": Autoscaling(max_capacity=2, scale_in_cooldown=-1)},
        "autoscaling.scale_in_cooldown: -1 must be a whole number of seconds",
    ),
    (
        "10 autoscaling a burstable type",
        {
            "autoscaling": SCALING,
            "endpoint_config_props": {"ProductionVariants": [variant("A", "ml.t2.medium")]},
        },
        "autoscaling with endpoint_config_props.ProductionVariants[0].InstanceType "
        "'ml.t2.medium': SageMaker cannot autoscale burstable (T2) instances",
    ),
    (
        "10 autoscaling a burstable instance pool",
        {
            "autoscaling": SCALING,
            "endpoint_config_props": {
                "ProductionVariants": [
                    {
                        "VariantName": "A",
                        "InitialInstanceCount": 1,
                        "InstancePools": [{"InstanceType": "ml.t2.large", "Priority": 1}],
                    }
                ]
            },
        },
        "ProductionVariants[0].InstancePools[0].InstanceType 'ml.t2.large': SageMaker cannot",
    ),
    (
        "10 autoscaling serverless without provisioned concurrency",
        {"serverless": Serverless(), "autoscaling": SCALING},
        "autoscaling with endpoint_config_props.ProductionVariants[0], a Serverless Inference "
        "variant without provisioned concurrency",
    ),
    (
        "10 autoscaling provisioned concurrency past the serverless maximum",
        {"serverless": WARM, "autoscaling": Autoscaling(max_capacity=11)},
        "autoscaling.max_capacity: 11 is more than endpoint_config_props.ProductionVariants[0]."
        "ServerlessConfig.MaxConcurrency (10)",
    ),
    (
        "10 autoscaling a variant name from an intrinsic",
        {
            "autoscaling": SCALING,
            "endpoint_config_props": {
                "ProductionVariants": [
                    {
                        **variant("A", "ml.m5.large"),
                        "VariantName": Ref(Parameter("V", Type="String")),
                    }
                ]
            },
        },
        'endpoint_config_props.ProductionVariants[0].VariantName: {"Ref": "V"} must be a literal',
    ),
    (
        "10 autoscaling variant names that give the same IDs",
        {
            "autoscaling": SCALING,
            "endpoint_config_props": {
                "ProductionVariants": [
                    variant("blue", "ml.m5.large"),
                    variant("Blue", "ml.m5.large"),
                ]
            },
        },
        "ProductionVariants[1].VariantName: 'Blue' and 'blue' give the same logical IDs (Blue)",
    ),
    (
        "10 autoscaling with variant properties reset",
        {"autoscaling": SCALING, "endpoint_props": {"RetainAllVariantProperties": False}},
        "endpoint_props.RetainAllVariantProperties: False with autoscaling",
    ),
    (
        "10 autoscaling an existing endpoint",
        {"model_props": None, "existing_sagemaker_endpoint_obj": ENDPOINT, "autoscaling": SCALING},
        "autoscaling with existing_sagemaker_endpoint_obj: no model or endpoint config is created",
    ),
]


TOPIC = "arn:aws:sns:us-east-1:123456789012:"

# One mistake, one message: each of these gave none or two before the formats were written once.
ONE_MESSAGE: list[tuple[str, dict[str, Any], str]] = [
    (
        "12 variant names alike as IDs, with alarms and autoscaling",
        {
            "autoscaling": Autoscaling(max_capacity=2),
            "endpoint_config_props": {
                "ProductionVariants": [
                    variant("blue-a", "ml.m5.large"),
                    variant("blueA", "ml.m5.large"),
                ]
            },
        },
        "endpoint_config_props.ProductionVariants[1].VariantName: 'blueA' and 'blue-a' give the "
        "same logical IDs (BlueA)",
    ),
    (
        "11 inline code on a runtime that cannot run it",
        {"lambda_function_props": {"Code": CODE, "Runtime": "java21"}},
        "lambda_function_props.Runtime: 'java21' cannot run inline code (Code.ZipFile)",
    ),
    (
        "12 topic with a trailing newline",
        {"alarms": Alarms(topic=TOPIC + "topic\n")},
        f"alarms.topic: {TOPIC + 'topic' + chr(10)!r} is not an SNS topic ARN",
    ),
    (
        "12 topic name with a dot",
        {"alarms": Alarms(topic=TOPIC + "my.topic")},
        f"alarms.topic: '{TOPIC}my.topic' is not an SNS topic ARN",
    ),
    (
        "12 FIFO topic",
        {"alarms": Alarms(topic=TOPIC + "alarms.fifo")},
        f"alarms.topic: '{TOPIC}alarms.fifo' is a FIFO topic",
    ),
    (
        "10 async topic name with a dot",
        {"async_inference": AsyncInference(success_topic=TOPIC + "my.topic")},
        f"async_inference.success_topic: '{TOPIC}my.topic' is not an SNS topic ARN",
    ),
    (
        "10 async success topic with a trailing newline",
        {"async_inference": AsyncInference(success_topic=TOPIC + "topic\n")},
        f"async_inference.success_topic: {TOPIC + 'topic' + chr(10)!r} is not an SNS topic ARN",
    ),
    (
        "10 async error topic with a trailing newline",
        {"async_inference": AsyncInference(error_topic=TOPIC + "topic\n")},
        f"async_inference.error_topic: {TOPIC + 'topic' + chr(10)!r} is not an SNS topic ARN",
    ),
    (
        "12 capture destination with a trailing newline",
        {"data_capture": DataCapture(destination="s3://my-bucket/prefix\n")},
        "data_capture.destination: 's3://my-bucket/prefix\\n' is not an S3 prefix URI",
    ),
    (
        "12 capture content type with a trailing newline",
        {"data_capture": DataCapture(json_content_types=("application/json\n",))},
        "data_capture.json_content_types: 'application/json\\n' is not a content type",
    ),
    (
        "10 async path with a trailing newline",
        {"async_inference": AsyncInference(output_path="s3://my-bucket/results\n")},
        "async_inference.output_path: 's3://my-bucket/results\\n' is not an S3 prefix URI",
    ),
    (
        "9 S3 prefix with a trailing newline",
        {
            "model_props": {
                "PrimaryContainer": {
                    "Image": IMAGE,
                    "ModelDataSource": prefix("s3://my-models/w/\n"),
                }
            }
        },
        "model_props.PrimaryContainer.ModelDataSource.S3DataSource.S3Uri: "
        "'s3://my-models/w/\\n' is not an S3 prefix URI",
    ),
    (
        "12 variant name with an underscore",
        {"endpoint_config_props": {"ProductionVariants": [variant("blue_v2", "ml.m5.large")]}},
        "endpoint_config_props.ProductionVariants[0].VariantName: 'blue_v2' is not a SageMaker "
        "variant name",
    ),
    (
        "12 variant name with an underscore, autoscaled",
        {
            "endpoint_config_props": {"ProductionVariants": [variant("blue_v2", "ml.m5.large")]},
            "autoscaling": Autoscaling(max_capacity=2),
        },
        "endpoint_config_props.ProductionVariants[0].VariantName: 'blue_v2' is not a SageMaker "
        "variant name",
    ),
    (
        "12 variant name longer than 63",
        {
            "endpoint_config_props": {
                "ProductionVariants": [variant("a-" * 31 + "bc", "ml.m5.large")]
            }
        },
        "endpoint_config_props.ProductionVariants[0].VariantName: 'a-a-",
    ),
    (
        "12 shadow variant name with a trailing newline",
        {
            "endpoint_config_props": {
                "ProductionVariants": [variant("blue", "ml.m5.large")],
                "ShadowProductionVariants": [variant("green\n", "ml.m5.large")],
            }
        },
        "endpoint_config_props.ShadowProductionVariants[0].VariantName: 'green\\n' is not a "
        "SageMaker variant name",
    ),
    # 19: inference components.
    (
        "19 components with serverless",
        components(serverless=Serverless()),
        "inference_components with serverless: Serverless Inference hosts no inference components",
    ),
    (
        "19 components with async inference",
        components(async_inference=AsyncInference()),
        "inference_components with async_inference: InvokeEndpointAsync takes no",
    ),
    (
        "19 a variant with a model and components",
        components(endpoint_config_props=gpu_variant(ModelName="my-model")),
        "endpoint_config_props.ProductionVariants[0].ModelName with inference_components: a "
        "variant hosts a model or components, not both",
    ),
    (
        "19 ManagedInstanceScaling without components",
        {
            "endpoint_config_props": gpu_variant(
                ManagedInstanceScaling={"Status": "ENABLED", "MinInstanceCount": 0}
            )
        },
        "endpoint_config_props.ProductionVariants[0].ManagedInstanceScaling without "
        "inference_components",
    ),
    (
        "19 more accelerators than the instance type has",
        components(chat_component(accelerators=8)),
        "inference_components[0].accelerators: 8 per copy, and "
        "endpoint_config_props.ProductionVariants[0].InstanceType 'ml.g6.12xlarge' has 4",
    ),
    (
        "19 accelerators on a type without any",
        components(
            chat_component(accelerators=1),
            endpoint_config_props={"ProductionVariants": [variant("AllTraffic", "ml.m5.xlarge")]},
        ),
        "inference_components[0].accelerators: 1 per copy, and "
        "endpoint_config_props.ProductionVariants[0].InstanceType 'ml.m5.xlarge' has 0",
    ),
    (
        "19 component container Environment over 16 entries",
        components(
            chat_component(
                component_props={
                    "Specification": {
                        "Container": {"Environment": {f"V{i}": "x" for i in range(17)}}
                    }
                }
            )
        ),
        "inference_components[0].component_props.Specification.Container.Environment: 17 "
        "entries: a component's container takes at most 16",
    ),
    (
        "19 copies 0 at creation",
        components(chat_component(copies=0, min_copies=0)),
        "inference_components[0].copies: 0: SageMaker creates a component with at least 1 copy",
    ),
    (
        "19 adapter with compute requirements",
        components(
            chat_component(),
            InferenceComponent(
                name="sql", base="chat", artifact_url="s3://my-models/sql.tar.gz", accelerators=1
            ),
        ),
        "inference_components[1].accelerators: an adapter (base 'chat') runs in its base's "
        "copies with its base's compute",
    ),
    (
        "19 adapter with ComputeResourceRequirements in component_props",
        components(
            chat_component(),
            InferenceComponent(
                name="sql",
                base="chat",
                artifact_url="s3://my-models/sql.tar.gz",
                component_props={
                    "Specification": {
                        "ComputeResourceRequirements": {"MinMemoryRequiredInMb": 1024}
                    }
                },
            ),
        ),
        "inference_components[1].component_props.Specification.ComputeResourceRequirements: an "
        "adapter uses its base's ('chat') compute",
    ),
    (
        "19 adapter whose base is not a component of the endpoint",
        components(
            chat_component(),
            InferenceComponent(name="sql", base="llama", artifact_url="s3://my-models/sql.tar.gz"),
        ),
        "inference_components[1].base: 'llama' is not a component of this endpoint (its "
        "components: 'chat')",
    ),
    (
        "19 adapter based on an adapter",
        components(
            chat_component(),
            SQL_ADAPTER,
            InferenceComponent(
                name="sql2", base="chat-sql", artifact_url="s3://my-models/s.tar.gz"
            ),
        ),
        "inference_components[2].base: 'chat-sql' is itself an adapter",
    ),
    (
        "19 one Specifications entry",
        components(
            chat_component(component_props={"Specifications": [{"InstanceType": "ml.g6.12xlarge"}]})
        ),
        "inference_components[0].component_props.Specifications: 1 entries: CloudFormation takes "
        "2 to 5",
    ),
    (
        "19 SchedulingConfig without its zone balance",
        components(
            chat_component(
                component_props={
                    "Specification": {"SchedulingConfig": {"PlacementStrategy": "SPREAD"}}
                }
            )
        ),
        "inference_components[0].component_props.Specification: Resource "
        "AvailabilityZoneBalance required",
    ),
    (
        "19 min_copies above max_copies",
        components(chat_component(min_copies=3, max_copies=2)),
        "inference_components[0].min_copies: 3 is above inference_components[0].max_copies (2)",
    ),
    (
        "19 model_props beside components",
        components(model_props=MODEL),
        "inference_components with model_props: each component has its own model_props",
    ),
    (
        "19 variant autoscaling beside components",
        components(autoscaling=Autoscaling(max_capacity=2)),
        "inference_components with autoscaling: each component scales its copies",
    ),
    (
        "19 a canary rollout of components",
        components(rollout=Rollout.canary()),
        "inference_components with a CANARY rollout: components update copy batch by copy batch",
    ),
    (
        "19 MinInstanceCount 0 while a component keeps a copy",
        components(
            endpoint_config_props=gpu_variant(
                ManagedInstanceScaling={
                    "Status": "ENABLED",
                    "MinInstanceCount": 0,
                    "MaxInstanceCount": 2,
                }
            )
        ),
        "ManagedInstanceScaling.MinInstanceCount: 0 while component 'chat' keeps at least one copy",
    ),
    (
        "19 two components of one name in different case",
        components(chat_component(), code_component(name="Chat")),
        "inference_components[1].name: 'Chat' and 'chat' give the same component name",
    ),
    (
        "19 component name with an underscore",
        components(chat_component(name="chat_v2")),
        "inference_components[0].name: 'chat_v2' is not a component name",
    ),
    (
        "19 component without memory_mb",
        components(chat_component(memory_mb=None)),
        "inference_components[0].memory_mb: required: the memory each copy reserves",
    ),
    (
        "19 component without a model",
        components(chat_component(model_props=None)),
        "inference_components[0].model_props: required: the component's model",
    ),
    (
        "19 adapter without artifact_url",
        components(chat_component(), InferenceComponent(name="sql", base="chat")),
        "inference_components[1].artifact_url: required for an adapter",
    ),
    (
        "19 unknown scaling metric",
        components(chat_component(scaling_metric="gpu")),
        "inference_components[0].scaling_metric: 'gpu' must be one of concurrent_requests, "
        "invocations",
    ),
    (
        "19 components on two variants",
        components(
            endpoint_config_props={
                "ProductionVariants": [
                    variant("a", "ml.g6.12xlarge"),
                    variant("b", "ml.g6.12xlarge"),
                ]
            }
        ),
        "endpoint_config_props.ProductionVariants: inference_components run on one production "
        "variant",
    ),
    (
        "19 components with an existing endpoint",
        {
            "model_props": None,
            "existing_sagemaker_endpoint_obj": "my-endpoint",
            "inference_components": [chat_component()],
        },
        "inference_components with existing_sagemaker_endpoint_obj: no model or endpoint config",
    ),
    (
        "19 components not a list of InferenceComponent",
        components(inference_components=[{"name": "chat"}]),
        "inference_components[0]: must be an InferenceComponent, not dict",
    ),
    (
        "19 component model_props not a mapping",
        components(chat_component(model_props="llama")),
        "inference_components[0].model_props: must be a mapping of AWS::SageMaker::Model "
        "properties, not str",
    ),
    (
        "19 rollout of components without alarms",
        components(rollout=Rollout.rolling(), alarms=None),
        "rollout with alarms=None: a component's rollout rolls back on its alarms",
    ),
    # Code sources are troposphere's rule (validate_code); variable names the project's.
    (
        "11 Code with two sources",
        {"lambda_function_props": {"Code": {**CODE, "S3Bucket": "b", "S3Key": "k.zip"}}},
        "lambda_function_props.Code: You can't specify both 'S3Bucket' and 'ZipFile'",
    ),
    (
        "11 Code with ZipFile and ImageUri",
        {"lambda_function_props": {"Code": {"ZipFile": "x", "ImageUri": IMAGE}}},
        "lambda_function_props.Code: You can't specify both 'ImageUri' and 'ZipFile'",
    ),
    (
        "11 Code with none",
        {"lambda_function_props": {"Code": {"S3ObjectVersion": "1"}}},
        "lambda_function_props.Code: You must specify a bucket location",
    ),
    (
        "11 S3Bucket without S3Key",
        {"lambda_function_props": {"Code": {"S3Bucket": "b"}}},
        "lambda_function_props.Code: You must specify a bucket location (both the 'S3Bucket' and "
        "'S3Key' properties)",
    ),
    (
        "13 caller's variable name with a dash after two letters",
        {"lambda_function_props": {"Code": CODE, "Environment": {"Variables": {"AB-C": "1"}}}},
        "lambda_function_props.Environment.Variables: 'AB-C' is not a valid Lambda environment",
    ),
    (
        "13 caller's variable name Lambda reserves",
        {
            "lambda_function_props": {
                "Code": CODE,
                "Environment": {"Variables": {"AWS_REGION": "x"}},
            }
        },
        "lambda_function_props.Environment.Variables: 'AWS_REGION' is reserved",
    ),
    (
        "23 one-letter variable name, reported once",
        {"sagemaker_environment_variable_name": "A"},
        "sagemaker_environment_variable_name: 'A' is not a valid Lambda environment variable",
    ),
    # Pinned target models: a multi-model endpoint's, each a name the function can list.
    (
        "23 target_models on a single-model endpoint",
        {"target_models": ["a.tar.gz"]},
        "target_models without a model_props container in Mode 'MultiModel': only a "
        "multi-model endpoint takes a target model",
    ),
    (
        "23 target_models empty",
        {"model_props": MULTI_MODEL, "target_models": []},
        "target_models: [] must be a non-empty list of model names",
    ),
    (
        "23 target model with a comma",
        {"model_props": MULTI_MODEL, "target_models": ["a.tar.gz,b.tar.gz"]},
        "target_models[0]: 'a.tar.gz,b.tar.gz' is not a multi-model endpoint's target model",
    ),
    (
        "23 target model starting with a space",
        {"model_props": MULTI_MODEL, "target_models": [" a.tar.gz"]},
        "target_models[0]: ' a.tar.gz' is not a multi-model endpoint's target model",
    ),
    (
        "23 target model over 1024 characters",
        {"model_props": MULTI_MODEL, "target_models": ["m" * 1025]},
        "target_models[0]: 'mmmm",
    ),
    (
        "23 target model not a string",
        {"model_props": MULTI_MODEL, "target_models": [7]},
        "target_models[0]: 7 is not a multi-model endpoint's target model",
    ),
    (
        "23 target models over Lambda's environment",
        {"model_props": MULTI_MODEL, "target_models": ["m" * 1000] * 4},
        "target_models: the names take over 3072 characters together",
    ),
    (
        "23 target_models with async_inference",
        {
            "model_props": MULTI_MODEL,
            "async_inference": AsyncInference(),
            "target_models": ["a.tar.gz"],
        },
        "target_models with async_inference: asynchronous endpoints take no target model",
    ),
    (
        "23 target_models a string",
        {"model_props": MULTI_MODEL, "target_models": "a.tar.gz"},
        "target_models: must be a list of model names, not 'a.tar.gz'",
    ),
    # The function URL's principal: an account or an IAM principal.
    (
        "23 function_url principal not an account or IAM ARN",
        {"function_url": FunctionUrl(principal="lambda.amazonaws.com")},
        "function_url.principal: 'lambda.amazonaws.com' is not an account ID or an IAM role",
    ),
    (
        "23 function_url principal a short account ID",
        {"function_url": FunctionUrl(principal="12345678901")},
        "function_url.principal: '12345678901' is not an account ID",
    ),
    (
        "23 function_url not a FunctionUrl",
        {"function_url": True},
        "function_url: must be a FunctionUrl, not True",
    ),
    # Every ID the pattern can create counts: an alarm's Output is the longest.
    (
        "23 id_prefix one over what the alarms' names leave",
        {"id_prefix": "A" * 200},
        "id_prefix: 200 characters is too long: ${AWS::StackName}-AAAAAAAAAAAA...Sagemaker"
        "EndpointAllTrafficBacklogWithoutCapacityAlarm would exceed CloudWatch's 255-character "
        "alarm names (at most 199 characters)",
    ),
    (
        "23 caller's function ID too long for the alarms named after it",
        {
            "lambda_function_props": None,
            "existing_lambda_obj": awslambda.Function(
                "F" * 238,
                Runtime="python3.14",
                Handler="index.handler",
                Code=awslambda.Code(ZipFile="x"),
                Role=GetAtt("CallerRole", "Arn"),
            ),
        },
        "existing_lambda_obj: its logical ID FFFFFFFFFFFF... (238 characters) is too long: the "
        "function's alarms and their Outputs are named after it (FFFFFFFFFFFF...Throttles"
        "AlarmName) and must fit 255 characters (at most 237 characters)",
    ),
    (
        "23 id_prefix counts a long variant's alarm Outputs",
        {
            "id_prefix": "A" * 150,
            "endpoint_config_props": {"ProductionVariants": [variant("b" * 63, "ml.m5.large")]},
        },
        "id_prefix: 150 characters is too long",
    ),
]
ONE_MESSAGE += [
    (
        "21 pools beside an instance type",
        gpu_config(InstanceType="ml.g5.xlarge"),
        "ProductionVariants[0].InstancePools and endpoint_config_props.ProductionVariants[0]."
        "InstanceType: give one or the other",
    ),
    (
        "21 pool priority out of range",
        gpu_config(InstancePools=[pool("ml.g6e.xlarge", 6)]),
        "InstancePools[0].Priority: 6 is outside 1-5",
    ),
    (
        "21 pool priorities repeat",
        gpu_config(InstancePools=[pool("ml.g6e.xlarge", 1), pool("ml.g5.xlarge", 1)]),
        "InstancePools[1].Priority: 1 is also endpoint_config_props.ProductionVariants[0]."
        "InstancePools[0]'s",
    ),
    (
        "21 pool type not a hosting type",
        gpu_config(InstancePools=[pool("ml.g6e.xlarg", 1)]),
        "InstancePools[0].InstanceType: 'ml.g6e.xlarg' is not a SageMaker hosting instance type",
    ),
    (
        "21 pools as an intrinsic",
        gpu_config(InstancePools=Ref("Pools")),
        "ProductionVariants[0].InstancePools: must be a list, not Ref",
    ),
    (
        "21 volume size beside an NVMe pool type",
        gpu_config(
            InstancePools=[pool("ml.m5.xlarge", 1), pool("ml.g5.xlarge", 2)], VolumeSizeInGB=30
        ),
        "VolumeSizeInGB with InstancePools[1].InstanceType 'ml.g5.xlarge': that type has local "
        "NVMe storage",
    ),
    (
        "21 caller's key beside an NVMe pool type",
        {
            "endpoint_config_props": {
                "KmsKeyId": CALLER_KEY_ARN,
                "ProductionVariants": [
                    {
                        **GPU_POOLED,
                        "InstancePools": [pool("ml.m5.xlarge", 1), pool("ml.g6.xlarge", 2)],
                    }
                ],
            }
        },
        "KmsKeyId with endpoint_config_props.ProductionVariants[0].InstancePools[1].InstanceType "
        "'ml.g6.xlarge': that type has local NVMe storage",
    ),
    (
        "21 provision timeout below 300",
        gpu_config(VariantInstanceProvisionTimeoutInSeconds=60),
        "VariantInstanceProvisionTimeoutInSeconds: 60 is outside 300-3600",
    ),
    (
        "21 capacity reservation ARN malformed",
        {"endpoint_config_props": {"ProductionVariants": [reserved("arn:aws:sagemaker:x")]}},
        "CapacityReservationConfig.MlReservationArn: 'arn:aws:sagemaker:x' is not an ML capacity "
        "reservation ARN",
    ),
    (
        "21 capacity reservation with pools",
        gpu_config(CapacityReservationConfig={"MlReservationArn": RESERVATION_ARN}),
        "CapacityReservationConfig with endpoint_config_props.ProductionVariants[0].InstancePools:"
        " a reservation holds one instance type",
    ),
    (
        "21 capacity reservation preference unknown",
        {
            "endpoint_config_props": {
                "ProductionVariants": [
                    {
                        **variant("A", "ml.p5.48xlarge"),
                        "CapacityReservationConfig": {"CapacityReservationPreference": "open"},
                    }
                ]
            }
        },
        "CapacityReservationPreference: 'open' is not 'capacity-reservations-only'",
    ),
    (
        "21 routing strategy unknown",
        gpu_config(RoutingConfig={"RoutingStrategy": "ROUND_ROBIN"}),
        "RoutingConfig.RoutingStrategy: 'ROUND_ROBIN' is not one of LEAST_OUTSTANDING_REQUESTS,",
    ),
    (
        "21 prefix-aware routing without its numbers",
        gpu_config(RoutingConfig={"RoutingStrategy": "PREFIX_AWARE"}),
        "RoutingConfig.PrefixAwareRoutingConfig: required with PREFIX_AWARE",
    ),
    (
        "21 prefix-aware routing without a concurrency threshold",
        gpu_config(
            RoutingConfig={
                "RoutingStrategy": "PREFIX_AWARE",
                "PrefixAwareRoutingConfig": {"PrefixLength": 2048},
            }
        ),
        "PrefixAwareRoutingConfig.ConcurrencyThreshold: required with PREFIX_AWARE (1-1024)",
    ),
    (
        "21 prefix-aware prefix length out of range",
        gpu_config(
            RoutingConfig={
                "RoutingStrategy": "PREFIX_AWARE",
                "PrefixAwareRoutingConfig": {"PrefixLength": 512, "ConcurrencyThreshold": 8},
            }
        ),
        "PrefixAwareRoutingConfig.PrefixLength: 512 is outside 1024-65536",
    ),
    (
        "21 prefix-aware numbers with another strategy",
        gpu_config(
            RoutingConfig={
                "RoutingStrategy": "RANDOM",
                "PrefixAwareRoutingConfig": {"PrefixLength": 2048, "ConcurrencyThreshold": 8},
            }
        ),
        "PrefixAwareRoutingConfig with RoutingStrategy 'RANDOM': it applies only to PREFIX_AWARE",
    ),
    (
        "21 metrics publish frequency not offered",
        {"endpoint_config_props": {"MetricsConfig": {"MetricPublishFrequencyInSeconds": 15}}},
        "MetricsConfig.MetricPublishFrequencyInSeconds: 15 is not one of 10, 30, 60,",
    ),
    (
        "21 AMI unknown",
        gpu_config(InferenceAmiVersion="al2-ami-sagemaker-inference-gpu-9"),
        "InferenceAmiVersion: 'al2-ami-sagemaker-inference-gpu-9' is not an InferenceAmiVersion",
    ),
    (
        "21 CUDA 13 image on a CUDA 12 AMI",
        {
            "model_props": {"PrimaryContainer": {"Image": CUDA13_IMAGE}},
            **gpu_config(InferenceAmiVersion="al2-ami-sagemaker-inference-gpu-3-1"),
        },
        "'al2-ami-sagemaker-inference-gpu-3-1' with cu130 (CUDA 13.0) in model_props."
        "PrimaryContainer.Image: its driver carries CUDA 12.4, older than the image's; use "
        "'al2023-ami-sagemaker-inference-gpu-4-1'",
    ),
    (
        "21 CUDA 12 image on the CUDA 13 AMI",
        {
            "model_props": {"PrimaryContainer": {"Image": CUDA12_IMAGE}},
            **gpu_config(InferenceAmiVersion="al2023-ami-sagemaker-inference-gpu-4-1"),
        },
        "a CUDA 13 AMI does not run CUDA 12 images",
    ),
    (
        "21 CUDA image on the Neuron AMI",
        {
            "model_props": {"PrimaryContainer": {"Image": CUDA12_IMAGE}},
            **gpu_config(InferenceAmiVersion="al2-ami-sagemaker-inference-neuron-2"),
        },
        "a Neuron AMI has no CUDA driver",
    ),
    (
        "21 images on two CUDA major versions",
        {
            "model_props": {
                "Containers": [{"Image": CUDA12_IMAGE}, {"Image": CUDA13_IMAGE}],
            }
        },
        "one host driver cannot run both",
    ),
    (
        "21 CUDA version no AMI carries",
        {
            "model_props": {"PrimaryContainer": {"Image": IMAGE_REPO + ":2.9-gpu-cu140"}},
            **gpu_config(),
        },
        "no InferenceAmiVersion SageMaker knows carries CUDA 14",
    ),
    (
        "21 concurrency scaling on an asynchronous endpoint",
        {"async_inference": AsyncInference(), "autoscaling": CONCURRENCY_SCALING},
        "autoscaling.metric 'SageMakerVariantConcurrentRequestsPerModelHighResolution' on an "
        "asynchronous endpoint",
    ),
    (
        "21 concurrency scaling on a serverless variant",
        {
            "serverless": WARM,
            "autoscaling": Autoscaling(max_capacity=4, metric=CONCURRENCY_METRIC),
        },
        "a Serverless Inference variant: its provisioned concurrency scales only on "
        "SageMakerVariantProvisionedConcurrencyUtilization",
    ),
    (
        "21 scaling metric unknown",
        {"autoscaling": Autoscaling(max_capacity=4, metric="CPUUtilization")},
        "autoscaling.metric: 'CPUUtilization' is not one of SageMakerVariantInvocations",
    ),
    (
        "21 burstable pool with autoscaling",
        {
            **gpu_config(InstancePools=[pool("ml.m5.large", 1), pool("ml.t2.medium", 2)]),
            "autoscaling": SCALING,
        },
        "autoscaling with endpoint_config_props.ProductionVariants[0].InstancePools[1]."
        "InstanceType 'ml.t2.medium': SageMaker cannot autoscale burstable",
    ),
    (
        "21 Inf1 pool with a rollout",
        {
            **gpu_config(
                InitialInstanceCount=2,
                InstancePools=[pool("ml.inf2.xlarge", 1), pool("ml.inf1.xlarge", 2)],
            ),
            "rollout": Rollout.canary(),
        },
        "with ml.inf1.xlarge: SageMaker's deployment guardrails exclude Inf1",
    ),
    (
        "21 EULA acceptance false",
        {"model_props": {"PrimaryContainer": {"Image": IMAGE, "ModelDataSource": gated(False)}}},
        "ModelAccessConfig.AcceptEula: False must be true to accept the model's EULA",
    ),
]
RULES += [
    (
        "21 six pools",
        gpu_config(
            InstancePools=[pool(f"ml.g5.{size}", n) for n, size in enumerate(SIZES, start=1)]
        ),
        "ProductionVariants[0].InstancePools: 6 pools: give 1 to 5",
    ),
    (
        "21 pool without a priority",
        gpu_config(InstancePools=[{"InstanceType": "ml.g6e.xlarge"}]),
        "InstancePools[0].Priority: required (1-5)",
    ),
    (
        "21 EULA acceptance beside a ModelDataUrl",
        {
            "model_props": {
                "PrimaryContainer": {**CONTAINER, "ModelAccessConfig": {"AcceptEula": True}}
            }
        },
        "model_props.PrimaryContainer.ModelAccessConfig: goes in ModelDataSource.S3DataSource."
        "ModelAccessConfig",
    ),
]
ALL_RULES = [*RULES, *ONE_MESSAGE]


@pytest.mark.parametrize(
    ("fields", "fragment"), [r[1:] for r in ALL_RULES], ids=[r[0] for r in ALL_RULES]
)
def test_rule(fields: dict[str, Any], fragment: str) -> None:
    template = Template()
    template.add_resource(sagemaker.Endpoint("Untouched", EndpointConfigName="cfg"))
    before = json.dumps(template.to_dict(), sort_keys=True)
    with pytest.raises(PatternPropsError) as raised:
        add_lambda_sagemakerendpoint(template, props(**fields))
    assert fragment in str(raised.value)
    assert json.dumps(template.to_dict(), sort_keys=True) == before


@pytest.mark.parametrize(
    ("fields", "fragment"), [r[1:] for r in ONE_MESSAGE], ids=[r[0] for r in ONE_MESSAGE]
)
def test_one_mistake_gives_one_message(fields: dict[str, Any], fragment: str) -> None:
    with pytest.raises(PatternPropsError) as raised:
        lambda_sagemakerendpoint(props(**fields))
    assert len(raised.value.problems) == 1, raised.value.problems
    assert fragment in raised.value.problems[0]


@pytest.mark.parametrize(
    ("fields", "fragment"), [r[1:] for r in ALL_RULES], ids=[r[0] for r in ALL_RULES]
)
def test_every_problem_carries_a_path_starting_with_a_props_field(
    fields: dict[str, Any], fragment: str
) -> None:
    with pytest.raises(PatternPropsError) as raised:
        lambda_sagemakerendpoint(props(**fields))
    for problem in raised.value.problems:
        assert isinstance(problem, Problem), f"a plain str: {problem}"
        assert problem.path, problem
        assert problem.path[0] in FIELD_NAMES, f"{problem.path} does not start with a field"


def test_every_problem_is_reported_at_once() -> None:
    with pytest.raises(PatternPropsError) as raised:
        lambda_sagemakerendpoint(
            props(
                existing_vpc=VPC,
                deploy_vpc=True,
                id_prefix="a-b",
                model_props={"Foo": 1},
                sagemaker_environment_variable_name="x y",
            )
        )
    problems = raised.value.problems
    assert len(problems) == 5
    for name in (
        "existing_vpc",
        "id_prefix",
        "model_props.Foo",
        "model_props.PrimaryContainer",
        "sagemaker_environment_variable_name",
    ):
        assert any(p.startswith(name) for p in problems), name
    assert isinstance(raised.value, ValueError)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("model_props", "s3://model"),
        ("lambda_function_props", ["Code"]),
        ("existing_vpc", {"vpc_id": "vpc-1"}),
        ("deploy_vpc", "yes"),
        ("existing_lambda_obj", {"Runtime": "python3.14"}),
        ("existing_sagemaker_endpoint_obj", 42),
        ("id_prefix", 7),
        ("id_prefix", None),
        ("sagemaker_environment_variable_name", None),
        ("deletion_policy", None),
        ("deploy_vpc", None),
        ("async_inference", {"output_path": "s3://b/o"}),
        ("alarms", {"topic": "arn:aws:sns:us-east-1:123456789012:t"}),
        ("rollout", "canary"),
        ("data_capture", True),
        ("serverless", {"memory_size_in_mb": 2048}),
        ("autoscaling", 4),
    ],
)
def test_wrong_python_type_is_a_problem_naming_the_field(field: str, value: Any) -> None:
    with pytest.raises(PatternPropsError) as raised:
        lambda_sagemakerendpoint(props(**{field: value}))
    wrong = [p for p in raised.value.problems if p.path == (field,)]
    assert len(wrong) == 1, raised.value.problems
    assert wrong[0].startswith(f"{field}: must be ")


def test_duplicate_id_prefix_leaves_the_template_untouched() -> None:
    template = Template()
    add_lambda_sagemakerendpoint(template, props(id_prefix="Fraud"))
    before = json.dumps(template.to_dict(), sort_keys=True)
    with pytest.raises(PatternPropsError, match="id_prefix: 'Fraud' gives logical IDs already"):
        add_lambda_sagemakerendpoint(template, props(id_prefix="Fraud", deploy_vpc=True))
    assert json.dumps(template.to_dict(), sort_keys=True) == before


def test_troposphere_error_part_way_leaves_the_template_and_function_untouched() -> None:
    # ProductionVariants without VariantName passes the per-key check but fails troposphere's
    # required-property check, which only runs when rendering.
    template = Template()
    function = caller_function(template)
    before = json.dumps(template.to_dict(), sort_keys=True)
    with pytest.raises(PatternPropsError, match="VariantName"):
        add_lambda_sagemakerendpoint(
            template,
            props(
                lambda_function_props=None,
                existing_lambda_obj=function,
                endpoint_config_props={"ProductionVariants": [{"InstanceType": "ml.m5.large"}]},
            ),
        )
    assert json.dumps(template.to_dict(), sort_keys=True) == before


def test_a_bug_in_a_builder_is_a_traceback_not_a_problem_with_the_props(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Inside the step that names model_props if troposphere refuses a value: our own KeyError
    # there must not be reported as the caller's mistake.
    def broken(*_: Any) -> Any:
        raise KeyError("ProductionVariants")

    monkeypatch.setattr(pattern.hosting, "hosted_endpoint", broken)
    template = Template()
    with pytest.raises(KeyError, match="ProductionVariants"):
        add_lambda_sagemakerendpoint(template, props())
    assert template.to_dict()["Resources"] == {}


def test_an_unrenderable_resource_not_built_from_props_is_a_bug() -> None:
    template = Template()
    unrenderable = sagemaker.Endpoint("SagemakerEndpoint")  # EndpointConfigName missing
    with pytest.raises(ValueError, match="EndpointConfigName") as raised:
        add_all(template, Addition((unrenderable,)), "")
    assert not isinstance(raised.value, PatternPropsError)
    assert template.to_dict()["Resources"] == {}


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"vpc_id": 7}, "existing_vpc.vpc_id: must be"),
        ({"subnet_ids": "subnet-1,subnet-2"}, "existing_vpc.subnet_ids: must be a non-empty list"),
        ({"route_table_ids": []}, "existing_vpc.route_table_ids: must be a non-empty list"),
        ({"subnet_ids": [1, 2]}, "existing_vpc.subnet_ids: must be a non-empty list of IDs"),
        ({"create_vpc_endpoints": "no"}, "existing_vpc.create_vpc_endpoints: must be a bool"),
        (
            {"runtime_endpoint_security_group_id": ["sg-1"]},
            "existing_vpc.runtime_endpoint_security_group_id: must be a security group ID",
        ),
    ],
)
def test_existing_vpc_wrong_types_name_the_field(fields: dict[str, Any], message: str) -> None:
    values: dict[str, Any] = {
        "vpc_id": "vpc-1",
        "subnet_ids": ["subnet-1"],
        "route_table_ids": ["rtb-1"],
        **fields,
    }
    with pytest.raises(PatternPropsError, match=message):
        lambda_sagemakerendpoint(props(existing_vpc=ExistingVpc(**values)))


def _lint_errors(template: Template) -> list[str]:
    return [str(match) for match in cfn_lint(template.to_json())]


def _resource(template: Template, kind: str) -> dict[str, Any]:
    resources = template.to_dict()["Resources"]
    (found,) = [resource for resource in resources.values() if resource["Type"] == kind]
    return dict(found["Properties"])


def _with_condition(**fields: Any) -> Template:
    template = Template()
    add_lambda_sagemakerendpoint(template, props(**fields))
    if '{"Fn::If": ["C",' in json.dumps(template.to_dict()):
        template.add_parameter(Parameter("Stage", Type="String", AllowedValues=["dev", "prod"]))
        template.add_condition("C", Equals(Ref("Stage"), "prod"))
    return template


def test_image_function_gets_no_runtime_or_handler() -> None:
    template = lambda_sagemakerendpoint(props(lambda_function_props=IMAGE_FUNCTION))
    function = _resource(template, "AWS::Lambda::Function")
    assert function["Code"] == {"ImageUri": IMAGE}
    assert "Runtime" not in function and "Handler" not in function
    assert _lint_errors(template) == []


def test_ipam_vpc_gets_no_default_cidr_and_cuts_subnets_at_deploy_time() -> None:
    template = lambda_sagemakerendpoint(props(deploy_vpc=True, vpc_props=IPAM))
    vpc = _resource(template, "AWS::EC2::VPC")
    assert "CidrBlock" not in vpc and vpc["Ipv4IpamPoolId"] == IPAM["Ipv4IpamPoolId"]
    subnets = list(of_type(template.to_dict(), "AWS::EC2::Subnet").values())
    assert subnets
    assert all("Fn::Cidr" in json.dumps(subnet["Properties"]["CidrBlock"]) for subnet in subnets)
    assert _lint_errors(template) == []


@pytest.mark.parametrize(
    "fields",
    [
        pytest.param(
            {"model_props": {**MODEL, "VpcConfig": If("C", MODEL_VPC, Ref("AWS::NoValue"))}},
            id="If for the model's VpcConfig",
        ),
        pytest.param(
            {
                "rollout": Rollout.canary(),
                "endpoint_config_props": TWO,
                "autoscaling": Autoscaling(min_capacity=LOW, max_capacity=6),
            },
            id="canary with a minimum capacity Parameter of at least 2",
        ),
        pytest.param(
            {
                "deploy_vpc": True,
                "model_props": {"PrimaryContainer": sagemaker.ContainerDefinition(**CONTAINER)},
            },
            id="ContainerDefinition object as PrimaryContainer in a VPC",
        ),
        pytest.param(
            {"lambda_function_props": {"Code": CODE, "Layers": Ref(LAYERS)}},
            id="Ref of a List parameter where a list goes",
        ),
        pytest.param(
            {"lambda_function_props": {"Code": CODE, "MemorySize": If("C", 1024, 512)}},
            id="If for a scalar",
        ),
        pytest.param(
            {"lambda_function_props": {"Code": awslambda.Code(S3Bucket="b-1", S3Key="f.zip")}},
            id="S3 code as a troposphere object",
        ),
        pytest.param(
            {
                "existing_vpc": VPC_IDS,
                "lambda_function_props": {
                    "Code": CODE,
                    "VpcConfig": {"SecurityGroupIds": Ref(GROUPS)},
                },
            },
            id="Ref of a List parameter for the function's extra groups",
        ),
    ],
)
def test_cloudformation_valid_intrinsics_and_objects_are_accepted(fields: dict[str, Any]) -> None:
    template = _with_condition(**fields)
    for parameter in (LAYERS, GROUPS, LOW):
        if json.dumps(Ref(parameter).to_dict()) in json.dumps(template.to_dict()):
            template.add_parameter(parameter)
    assert _lint_errors(template) == []


@pytest.mark.parametrize(
    "function",
    [
        pytest.param({"Code": CODE, "Runtime": "nodejs22.x"}, id="inline code on Node.js"),
        pytest.param(
            {"Code": CODE, "Runtime": If("C", "python3.13", "python3.12")},
            id="inline code on a runtime known at deploy time",
        ),
        pytest.param(
            {
                "Code": {"S3Bucket": "b-1", "S3Key": "f.zip"},
                "Runtime": "java21",
                "Handler": "example.Handler::handleRequest",
            },
            id="S3 code on Java",
        ),
    ],
)
def test_a_runtime_that_can_run_the_code_is_accepted(function: dict[str, Any]) -> None:
    assert _lint_errors(_with_condition(lambda_function_props=function)) == []


def test_values_at_the_depth_limit_are_accepted_one_more_is_not() -> None:
    assert values.problems({"p": nested(MAX_DEPTH)}) == []
    assert values.problems({"p": nested(MAX_DEPTH + 1)}) != []


def test_a_config_nested_past_the_recursion_limit_is_one_problem_not_a_traceback() -> None:
    # The prefix check reads the variants; it waits until the config is known to be usable.
    deep = nested(3000)
    with pytest.raises(PatternPropsError) as raised:
        lambda_sagemakerendpoint(props(endpoint_config_props={"Tags": deep}, id_prefix="Fraud"))
    [problem] = raised.value.problems
    assert problem.startswith("endpoint_config_props.Tags.")


def test_the_catch_all_names_the_props_a_resource_came_from() -> None:
    template = Template()
    before = json.dumps(template.to_dict(), sort_keys=True)
    unrenderable = sagemaker.Endpoint("SagemakerEndpoint")  # EndpointConfigName missing
    addition = Addition((unrenderable,), built_from={"SagemakerEndpoint": ("endpoint_props",)})
    with pytest.raises(PatternPropsError, match=r"^invalid props .*\n  - endpoint_props: rejected"):
        add_all(template, addition, "")
    assert json.dumps(template.to_dict(), sort_keys=True) == before


@pytest.mark.parametrize(
    ("fields", "path"),
    [
        (
            {"endpoint_config_props": {"ProductionVariants": [variant("A", "ml.m5.huge")]}},
            ("endpoint_config_props", "ProductionVariants", 0, "InstanceType"),
        ),
        (
            {"autoscaling": Autoscaling(max_capacity=2, scale_in_cooldown=-1)},
            ("autoscaling", "scale_in_cooldown"),
        ),
        ({"serverless": Serverless(max_concurrency=0)}, ("serverless", "max_concurrency")),
        (
            {"rollout": Rollout.canary(percent=60), "endpoint_config_props": TWO},
            ("rollout", "percent"),
        ),
        ({"model_props": {"Containers": {"Image": IMAGE}}}, ("model_props", "Containers")),
        ({"model_props": {"Containers": Ref("Containers")}}, ("model_props", "Containers")),
        (
            {
                "rollout": Rollout.all_at_once(),
                "endpoint_config_props": {"ProductionVariants": [variant("A", "ml.inf1.xlarge")]},
            },
            ("rollout",),
        ),
    ],
    ids=[
        "instance type",
        "autoscaling",
        "serverless",
        "rollout",
        "containers",
        "intrinsic containers",
        "inf1",
    ],
)
def test_hosting_problems_carry_the_path_they_name(
    fields: dict[str, Any], path: tuple[str | int, ...]
) -> None:
    with pytest.raises(PatternPropsError) as raised:
        lambda_sagemakerendpoint(props(**fields))
    assert [p.path for p in raised.value.problems] == [path], raised.value.problems
