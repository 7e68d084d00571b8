"""Named prop sets rendered into golden templates: the configurations users deploy."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from troposphere import GetAtt, Parameter, Ref, Sub, Template, awslambda, iam, logs, sagemaker

from troposphere_patterns import (
    Alarms,
    AsyncInference,
    Autoscaling,
    DataCapture,
    ExistingVpc,
    FunctionUrl,
    InferenceComponent,
    LambdaSagemakerEndpointProps,
    Rollout,
    Serverless,
    add_lambda_sagemakerendpoint,
    lambda_sagemakerendpoint,
)
from troposphere_patterns.core.waivers import checkov_metadata, guard_metadata

IMAGE = "123456789012.dkr.ecr.us-east-1.amazonaws.com/linear-learner:1"
AWS_OWNED_IMAGE = "763104351884.dkr.ecr.us-east-1.amazonaws.com/pytorch-inference:2.3-cpu-py311"
MODEL_DATA = "s3://my-models/linear-learner/model.tar.gz"
CODE = {"ZipFile": "def handler(event, context):\n    return event\n"}
MODEL = {"PrimaryContainer": {"Image": IMAGE, "ModelDataUrl": MODEL_DATA}}
EXISTING_VPC = ExistingVpc(
    vpc_id="vpc-0a1b2c3d4e5f60718",
    subnet_ids=["subnet-0a1b2c3d4e5f60718", "subnet-1a1b2c3d4e5f60718"],
    route_table_ids=["rtb-0a1b2c3d4e5f60718", "rtb-1a1b2c3d4e5f60718"],
)
RUNTIME_ENDPOINT_GROUP = "sg-0f1e2d3c4b5a69788"  # a landing zone's SageMaker Runtime endpoint
CALLER_ROLE_ARN = "arn:aws:iam::123456789012:role/CallerSagemakerRole"
CALLER_KEY_ARN = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
CALLER_TOPIC_ARN = "arn:aws:sns:us-east-1:123456789012:transcripts-done"
ALARM_TOPIC_ARN = "arn:aws:sns:us-east-1:123456789012:ml-alarms"
# Literal ARNs that scenarios pass in: the only "arn:aws:" strings a template may hold.
CALLER_ARNS = {CALLER_ROLE_ARN, CALLER_KEY_ARN, CALLER_TOPIC_ARN, ALARM_TOPIC_ARN}


# An LLM served by the Hugging Face TGI container from uncompressed weights under an S3 prefix.
LLM_IMAGE = (
    "763104351884.dkr.ecr.us-east-1.amazonaws.com/"
    "huggingface-pytorch-tgi-inference:2.4.0-tgi2.3.1-gpu-py311-cu124-ubuntu22.04"
)
LLM_MODEL = {
    "PrimaryContainer": {
        "Image": LLM_IMAGE,
        "ModelDataSource": {
            "S3DataSource": {
                "S3Uri": "s3://my-models/llama-3-8b-instruct/",
                "S3DataType": "S3Prefix",
                "CompressionType": "None",
            }
        },
        "Environment": {"HF_MODEL_ID": "/opt/ml/model", "SM_NUM_GPUS": "1"},
    },
    # TGI downloads nothing at run time: the weights come from S3 before it starts.
    "EnableNetworkIsolation": True,
}
LLM_CONFIG = {
    "ProductionVariants": [
        {
            "VariantName": "AllTraffic",
            "InitialInstanceCount": 1,
            "InstanceType": "ml.g5.2xlarge",
            # 16 GB of weights to download, then loaded onto the GPU before the health check.
            "ModelDataDownloadTimeoutInSeconds": 1200,
            "ContainerStartupHealthCheckTimeoutInSeconds": 900,
            # A request lasts seconds: send the next one to the instance with the fewest.
            "RoutingConfig": {"RoutingStrategy": "LEAST_OUTSTANDING_REQUESTS"},
        }
    ]
}

# A multi-model endpoint: every model.tar.gz under the prefix, loaded on first request.
MULTI_MODEL = {
    "PrimaryContainer": {
        "Image": IMAGE,
        "Mode": "MultiModel",
        "ModelDataUrl": "s3://my-models/fraud/",
    }
}


# An LMI (vLLM) image built on CUDA 13: its host needs the CUDA 13 AMI, which the pattern sets.
CUDA13_IMAGE = "763104351884.dkr.ecr.us-east-1.amazonaws.com/djl-inference:0.35.0-lmi17.0.0-cu130"
# Capacity fallback: g6e first, g5 when g6e is short; scaled on concurrent requests per copy.
POOLED_CONFIG = {
    "ProductionVariants": [
        {
            "VariantName": "AllTraffic",
            "InitialInstanceCount": 1,
            "InstancePools": [
                {"InstanceType": "ml.g6e.2xlarge", "Priority": 1},
                {"InstanceType": "ml.g5.2xlarge", "Priority": 2},
            ],
            "VariantInstanceProvisionTimeoutInSeconds": 1800,
            "RoutingConfig": {"RoutingStrategy": "LEAST_OUTSTANDING_REQUESTS"},
            "ModelDataDownloadTimeoutInSeconds": 1200,
            "ContainerStartupHealthCheckTimeoutInSeconds": 900,
        }
    ]
}
# Gated weights from JumpStart's regional cache: the EULA accepted, the bucket per region.
GATED_LLM_MODEL = {
    "PrimaryContainer": {
        "Image": LLM_IMAGE,
        "ModelDataSource": {
            "S3DataSource": {
                "S3Uri": Sub(
                    "s3://jumpstart-cache-prod-${AWS::Region}/meta-textgeneration/"
                    "meta-textgeneration-llama-3-8b-instruct/artifacts/inference-prepack/v1.0.0/"
                ),
                "S3DataType": "S3Prefix",
                "CompressionType": "None",
                "ModelAccessConfig": {"AcceptEula": True},
            }
        },
        "Environment": {"HF_MODEL_ID": "/opt/ml/model", "SM_NUM_GPUS": "1"},
    },
}


# Two LLMs and a LoRA adapter on one 4-GPU instance type (inference components).
GPU_CONFIG = {
    "ProductionVariants": [
        {"VariantName": "AllTraffic", "InitialInstanceCount": 1, "InstanceType": "ml.g6.12xlarge"}
    ]
}


def llm_model(path: str) -> dict[str, Any]:
    """A TGI model whose uncompressed weights are under ``s3://my-models/<path>/``."""
    source = {
        "S3Uri": f"s3://my-models/{path}/",
        "S3DataType": "S3Prefix",
        "CompressionType": "None",
    }
    return {"PrimaryContainer": {"Image": LLM_IMAGE, "ModelDataSource": {"S3DataSource": source}}}


def chat_component(**overrides: Any) -> InferenceComponent:
    fields: dict[str, Any] = {
        "name": "chat",
        "model_props": llm_model("llama-3-8b-instruct"),
        "accelerators": 2,
        "memory_mb": 32768,
        "max_copies": 2,
    }
    return InferenceComponent(**{**fields, **overrides})


def code_component(**overrides: Any) -> InferenceComponent:
    fields: dict[str, Any] = {
        "name": "code",
        "model_props": llm_model("qwen-coder-7b"),
        "accelerators": 1,
        "memory_mb": 16384,
        "max_copies": 2,
        "scaling_metric": "invocations",
    }
    return InferenceComponent(**{**fields, **overrides})


SQL_ADAPTER = InferenceComponent(
    name="chat-sql", base="chat", artifact_url="s3://my-models/adapters/chat-sql.tar.gz"
)


def components_props(
    *components: InferenceComponent, **overrides: Any
) -> LambdaSagemakerEndpointProps:
    """Props hosting ``components`` (no top-level model) on the GPU config."""
    fields: dict[str, Any] = {
        "model_props": None,
        "endpoint_config_props": GPU_CONFIG,
        "inference_components": components or (chat_component(),),
    }
    return props(**{**fields, **overrides})


def variant(name: str, instance_type: str, **extra: Any) -> dict[str, Any]:
    return {"VariantName": name, "InitialInstanceCount": 1, "InstanceType": instance_type, **extra}


def _instance_type_parameter() -> Template:
    template = Template()
    instance_type = template.add_parameter(
        Parameter("InstanceType", Type="String", Default="ml.g5.xlarge")
    )
    add_lambda_sagemakerendpoint(
        template,
        props(endpoint_config_props={"ProductionVariants": [variant("A", Ref(instance_type))]}),
    )
    return template


def props(**overrides: Any) -> LambdaSagemakerEndpointProps:
    fields: dict[str, Any] = {"model_props": MODEL, "lambda_function_props": {"Code": CODE}}
    fields.update(overrides)
    return LambdaSagemakerEndpointProps(**fields)


def _existing_endpoint() -> Template:
    template = Template()
    endpoint = template.add_resource(
        sagemaker.Endpoint("CallerEndpoint", EndpointConfigName="caller-endpoint-config")
    )
    add_lambda_sagemakerendpoint(
        template, props(model_props=None, existing_sagemaker_endpoint_obj=endpoint)
    )
    return template


def caller_function(template: Template, *, in_vpc: bool = False) -> awslambda.Function:
    role = template.add_resource(
        iam.Role(
            "CallerRole",
            AssumeRolePolicyDocument={
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Effect": "Allow",
                        "Principal": {"Service": ["lambda.amazonaws.com"]},
                        "Action": ["sts:AssumeRole"],
                    }
                ],
            },
        )
    )
    function = template.add_resource(
        awslambda.Function(
            "CallerFunction",
            Runtime="python3.14",
            Handler="index.handler",
            Code=awslambda.Code(ZipFile=CODE["ZipFile"]),
            Role=GetAtt(role, "Arn"),
            MemorySize=512,
            Timeout=30,
            TracingConfig=awslambda.TracingConfig(Mode="Active"),
            Environment=awslambda.Environment(Variables={"LOG_LEVEL": "INFO"}),
            Metadata={
                **checkov_metadata(
                    ["CKV_AWS_115", "CKV_AWS_116", "CKV_AWS_173"]
                    + ([] if in_vpc else ["CKV_AWS_117"])
                ),
                **({} if in_vpc else guard_metadata(["CT.LAMBDA.PR.3"])),
            },
        )
    )
    if in_vpc:
        function.VpcConfig = awslambda.VPCConfig(
            SubnetIds=EXISTING_VPC.subnet_ids, SecurityGroupIds=["sg-0a1b2c3d4e5f60718"]
        )
    template.add_resource(
        logs.LogGroup(
            "CallerFunctionLogGroup",
            LogGroupName=Sub("/aws/lambda/${CallerFunction}"),
            RetentionInDays=365,
            KmsKeyId=CALLER_KEY_ARN,
            DeletionPolicy="Retain",
            UpdateReplacePolicy="Retain",
        )
    )
    return function


def _existing_function() -> Template:
    template = Template()
    function = caller_function(template)
    add_lambda_sagemakerendpoint(
        template, props(lambda_function_props=None, existing_lambda_obj=function)
    )
    return template


def _existing_function_existing_vpc() -> Template:
    template = Template()
    function = caller_function(template, in_vpc=True)
    add_lambda_sagemakerendpoint(
        template,
        props(lambda_function_props=None, existing_lambda_obj=function, existing_vpc=EXISTING_VPC),
    )
    return template


def _existing_vpc_parameters() -> Template:
    template = Template()
    vpc_id = template.add_parameter(Parameter("VpcId", Type="AWS::EC2::VPC::Id"))
    subnets = template.add_parameter(Parameter("SubnetIds", Type="List<AWS::EC2::Subnet::Id>"))
    tables = template.add_parameter(Parameter("RouteTableIds", Type="CommaDelimitedList"))
    add_lambda_sagemakerendpoint(
        template,
        props(
            existing_vpc=ExistingVpc(
                vpc_id=vpc_id, subnet_ids=Ref(subnets), route_table_ids=Ref(tables)
            )
        ),
    )
    return template


def _async_existing_function() -> Template:
    template = Template()
    function = caller_function(template)
    add_lambda_sagemakerendpoint(
        template,
        props(
            lambda_function_props=None,
            existing_lambda_obj=function,
            async_inference=AsyncInference(error_topic=False),
        ),
    )
    return template


def _shared_vpc_endpoints_two_instances() -> Template:
    """Two instances in a landing-zone VPC whose central SageMaker Runtime endpoint they share."""
    template = Template()
    shared = ExistingVpc(
        vpc_id=EXISTING_VPC.vpc_id,
        subnet_ids=EXISTING_VPC.subnet_ids,
        create_vpc_endpoints=False,
        runtime_endpoint_security_group_id=RUNTIME_ENDPOINT_GROUP,
    )
    for prefix in ("Fraud", "Churn"):
        add_lambda_sagemakerendpoint(template, props(existing_vpc=shared, id_prefix=prefix))
    return template


def _two_instances() -> Template:
    template = Template()
    for prefix in ("Fraud", "Churn"):
        add_lambda_sagemakerendpoint(template, props(deploy_vpc=True, id_prefix=prefix))
    return template


SCENARIOS: dict[str, Callable[[], Template]] = {
    "default": lambda: lambda_sagemakerendpoint(props()),
    "deploy_vpc": lambda: lambda_sagemakerendpoint(props(deploy_vpc=True)),
    "deploy_vpc_three_azs": lambda: lambda_sagemakerendpoint(
        props(deploy_vpc=True, vpc_props={"CidrBlock": "10.20.0.0/20", "MaxAzs": 3})
    ),
    "existing_vpc": lambda: lambda_sagemakerendpoint(props(existing_vpc=EXISTING_VPC)),
    "existing_vpc_parameters": _existing_vpc_parameters,
    "existing_endpoint": _existing_endpoint,
    "existing_endpoint_by_name": lambda: lambda_sagemakerendpoint(
        props(model_props=None, existing_sagemaker_endpoint_obj="fraud-detector")
    ),
    "existing_function": _existing_function,
    "existing_function_existing_vpc": _existing_function_existing_vpc,
    "caller_role_key_env_var": lambda: lambda_sagemakerendpoint(
        props(
            model_props={
                **MODEL,
                "ExecutionRoleArn": CALLER_ROLE_ARN,
            },
            endpoint_config_props={"KmsKeyId": CALLER_KEY_ARN},
            sagemaker_environment_variable_name="FRAUD_ENDPOINT",
        )
    ),
    "aws_owned_image_two_variants": lambda: lambda_sagemakerendpoint(
        props(
            model_props={
                "PrimaryContainer": {"Image": AWS_OWNED_IMAGE, "ModelDataUrl": MODEL_DATA}
            },
            endpoint_config_props={
                "ProductionVariants": [
                    {
                        "VariantName": "Blue",
                        "InitialInstanceCount": 1,
                        "InstanceType": "ml.c5.large",
                    },
                    {
                        "VariantName": "Green",
                        "InitialInstanceCount": 1,
                        "InstanceType": "ml.c5.large",
                    },
                ]
            },
        )
    ),
    "nodejs_runtime": lambda: lambda_sagemakerendpoint(
        props(
            lambda_function_props={
                "Runtime": "nodejs22.x",
                "Code": {"ZipFile": "exports.handler = async (event) => event;\n"},
                "MemorySize": 512,
            }
        )
    ),
    "two_instances_deploy_vpc": _two_instances,
    "gpu_llm": lambda: lambda_sagemakerendpoint(
        props(model_props=LLM_MODEL, endpoint_config_props=LLM_CONFIG)
    ),
    "gpu_llm_deploy_vpc": lambda: lambda_sagemakerendpoint(
        props(model_props=LLM_MODEL, endpoint_config_props=LLM_CONFIG, deploy_vpc=True)
    ),
    # One NVMe variant is enough to keep the key off the whole config.
    "mixed_nvme_and_ebs_variants": lambda: lambda_sagemakerendpoint(
        props(
            endpoint_config_props={
                "ProductionVariants": [
                    variant("Cpu", "ml.m5.xlarge", VolumeSizeInGB=64, InitialVariantWeight=0.9),
                    variant("Gpu", "ml.g4dn.xlarge", InitialVariantWeight=0.1),
                ]
            }
        )
    ),
    "inferentia": lambda: lambda_sagemakerendpoint(
        props(
            endpoint_config_props={
                "ProductionVariants": [variant("AllTraffic", "ml.inf2.xlarge", VolumeSizeInGB=100)]
            }
        )
    ),
    "instance_type_parameter": _instance_type_parameter,
    # Model Monitor's input from a private endpoint: the S3 gateway lets the capture through.
    "data_capture_deploy_vpc": lambda: lambda_sagemakerendpoint(
        props(deploy_vpc=True, data_capture=DataCapture(sampling_percentage=50))
    ),
    # A model update goes to 10% of the new fleet first and rolls back if an alarm goes off;
    # autoscaling keeps at least the two instances a 10% canary needs.
    "canary_rollout_autoscaling": lambda: lambda_sagemakerendpoint(
        props(
            endpoint_config_props={
                "ProductionVariants": [variant("AllTraffic", "ml.m5.large", InitialInstanceCount=2)]
            },
            rollout=Rollout.canary(percent=10, wait_seconds=600),
            alarms=Alarms(topic=ALARM_TOPIC_ARN),
            autoscaling=Autoscaling(min_capacity=2, max_capacity=6),
        )
    ),
    # Spiky, low-volume traffic: nothing runs (or is billed) between requests.
    "serverless": lambda: lambda_sagemakerendpoint(props(serverless=Serverless())),
    # The function stays in the VPC and reaches the endpoint through SageMaker Runtime's
    # interface endpoint; the model runs outside it (no model group, no S3 gateway).
    "serverless_deploy_vpc": lambda: lambda_sagemakerendpoint(
        props(serverless=Serverless(memory_size_in_mb=4096, max_concurrency=50), deploy_vpc=True)
    ),
    # The same rules for a ServerlessConfig written into the config by hand.
    "serverless_config_in_endpoint_config_props": lambda: lambda_sagemakerendpoint(
        props(
            endpoint_config_props={
                "ProductionVariants": [
                    {
                        "VariantName": "Serverless",
                        "ServerlessConfig": {"MemorySizeInMB": 1024, "MaxConcurrency": 10},
                    }
                ]
            },
            existing_vpc=EXISTING_VPC,
        )
    ),
    # Warm copies for the steady base, scaled with the traffic; bursts beyond them on demand.
    "serverless_provisioned_concurrency_autoscaling": lambda: lambda_sagemakerendpoint(
        props(
            serverless=Serverless(max_concurrency=50, provisioned_concurrency=5),
            autoscaling=Autoscaling(min_capacity=2, max_capacity=20, target_value=0.6),
        )
    ),
    "two_autoscaled_variants": lambda: lambda_sagemakerendpoint(
        props(
            endpoint_config_props={
                "ProductionVariants": [
                    variant("Blue", "ml.c5.xlarge", InitialVariantWeight=0.9),
                    variant("green-v2", "ml.c5.xlarge", InitialVariantWeight=0.1),
                ]
            },
            autoscaling=Autoscaling(max_capacity=8, target_value=300.0, scale_in_cooldown=600),
        )
    ),
    "inference_pipeline": lambda: lambda_sagemakerendpoint(
        props(
            model_props={
                "Containers": [
                    {"Image": AWS_OWNED_IMAGE, "ModelDataUrl": "s3://my-models/preprocess.tar.gz"},
                    {"Image": IMAGE, "ModelDataUrl": MODEL_DATA},
                ],
                "InferenceExecutionConfig": {"Mode": "Serial"},
            },
            deploy_vpc=True,
        )
    ),
    # Requests, results and failures in the pattern's bucket, both topics created.
    "async": lambda: lambda_sagemakerendpoint(props(async_inference=AsyncInference())),
    "async_existing_vpc": lambda: lambda_sagemakerendpoint(
        props(
            async_inference=AsyncInference(max_concurrent_invocations_per_instance=2),
            existing_vpc=EXISTING_VPC,
        )
    ),
    "async_existing_function": _async_existing_function,
    # Scales on the queue down to no instance; an alarm starts the first when requests queue.
    "async_autoscaling_to_zero": lambda: lambda_sagemakerendpoint(
        props(
            async_inference=AsyncInference(),
            autoscaling=Autoscaling(min_capacity=0, max_capacity=4),
        )
    ),
    # The caller's own bucket prefixes and topic, no error notification, in a private VPC.
    "async_caller_paths_deploy_vpc": lambda: lambda_sagemakerendpoint(
        props(
            async_inference=AsyncInference(
                input_path="s3://speech-jobs/requests/",
                output_path="s3://speech-jobs/transcripts",
                failure_path="s3://speech-jobs/failures",
                success_topic=CALLER_TOPIC_ARN,
                error_topic=False,
                max_concurrent_invocations_per_instance=4,
            ),
            deploy_vpc=True,
        )
    ),
    "shared_vpc_endpoints_two_instances": _shared_vpc_endpoints_two_instances,
    "pooled_concurrency_scaling": lambda: lambda_sagemakerendpoint(
        props(
            model_props={
                "PrimaryContainer": {**LLM_MODEL["PrimaryContainer"], "Image": CUDA13_IMAGE}
            },
            endpoint_config_props=POOLED_CONFIG,
            autoscaling=Autoscaling(
                max_capacity=4,
                metric="SageMakerVariantConcurrentRequestsPerModelHighResolution",
            ),
        )
    ),
    "gated_llm_model_data_source": lambda: lambda_sagemakerendpoint(
        props(
            model_props=GATED_LLM_MODEL,
            endpoint_config_props=LLM_CONFIG,
        )
    ),
    # An async endpoint's rollout: jobs take minutes, so its latency alarm does not roll back.
    "async_rollout": lambda: lambda_sagemakerendpoint(
        props(async_inference=AsyncInference(), rollout=Rollout.all_at_once())
    ),
    # Many models behind one endpoint; the function may call two of them only.
    "multi_model_target_models": lambda: lambda_sagemakerendpoint(
        props(model_props=MULTI_MODEL, target_models=("fraud-v1.tar.gz", "fraud-v2.tar.gz"))
    ),
    # An HTTPS front door taking SigV4-signed requests from one role.
    "function_url": lambda: lambda_sagemakerendpoint(
        props(function_url=FunctionUrl(principal=CALLER_ROLE_ARN))
    ),
    # The default caller: this account, whose identity policies choose the roles and users.
    "function_url_this_account": lambda: lambda_sagemakerendpoint(
        props(function_url=FunctionUrl())
    ),
    # Two LLMs and a LoRA adapter on one GPU endpoint, each model with its own copies and
    # scaling (one on concurrent requests, one on invocations), at least one copy each.
    "inference_components_two_models_adapter": lambda: lambda_sagemakerendpoint(
        components_props(chat_component(), code_component(), SQL_ADAPTER)
    ),
    # Idle at night: every component may go to 0 copies, so the instances go to 0 too; the
    # first request wakes a copy. Updates roll copy batch by copy batch, watched.
    "inference_components_scale_to_zero": lambda: lambda_sagemakerendpoint(
        components_props(
            chat_component(min_copies=0),
            code_component(min_copies=0),
            SQL_ADAPTER,
            rollout=Rollout.rolling(batch_percent=50, wait_seconds=300),
            alarms=Alarms(topic=ALARM_TOPIC_ARN),
        )
    ),
    # In a private VPC: the config and each model join it; the grants reach the components.
    "inference_components_deploy_vpc": lambda: lambda_sagemakerendpoint(
        components_props(chat_component(), deploy_vpc=True)
    ),
}
