"""GPU fleets: the AMI chosen from the CUDA tag, pools, concurrency scaling, gated weights."""

from __future__ import annotations

import json
from typing import Any

import pytest
from troposphere import Parameter, Ref, Sub, Template

from tests.scenarios import IMAGE, LLM_MODEL, props
from tests.templates_helpers import cfn_lint, of_type
from troposphere_patterns import Autoscaling, lambda_sagemakerendpoint
from troposphere_patterns.core.hosting.gpu_fleet import cuda_version
from troposphere_patterns.core.hosting.instance_type_table import INFERENCE_AMIS

REPO = "763104351884.dkr.ecr.us-east-1.amazonaws.com/djl-inference"
CUDA13 = REPO + ":0.35.0-lmi17.0.0-cu130"
CUDA13_AMI = "al2023-ami-sagemaker-inference-gpu-4-1"
CONCURRENCY = "SageMakerVariantConcurrentRequestsPerModelHighResolution"
POOLS = [
    {"InstanceType": "ml.g6e.2xlarge", "Priority": 1},
    {"InstanceType": "ml.g5.2xlarge", "Priority": 2},
]


@pytest.mark.parametrize(
    ("image", "expected"),
    [
        (REPO + ":2.6.0-gpu-py312-cu124-ubuntu22.04-sagemaker", ("cu124", (12, 4))),
        (CUDA13, ("cu130", (13, 0))),
        (REPO + ":cu118", ("cu118", (11, 8))),
        (REPO + ":2.3-cpu-py311", None),  # no CUDA word
        (REPO + ":1-cuda124", None),  # not the DLC form
        (REPO + "@sha256:" + "0" * 64, None),  # a digest names no version
        (REPO, None),  # no tag
        (Ref("Image"), None),  # decided at deploy time
    ],
)
def test_the_cuda_version_is_read_from_the_tag_only(image: Any, expected: Any) -> None:
    assert cuda_version(image) == expected


def test_botocore_lists_one_cuda_13_ami() -> None:
    assert INFERENCE_AMIS[CUDA13_AMI] == (13, 0)
    assert INFERENCE_AMIS["al2-ami-sagemaker-inference-gpu-3-1"] == (12, 4)


def _config(image: str, *variants: dict[str, Any]) -> dict[str, Any]:
    template = lambda_sagemakerendpoint(
        props(
            model_props={"PrimaryContainer": {"Image": image}},
            endpoint_config_props={"ProductionVariants": list(variants)},
        )
    ).to_dict()
    (config,) = of_type(template, "AWS::SageMaker::EndpointConfig").values()
    return config


def _variant(name: str, **fields: Any) -> dict[str, Any]:
    return {"VariantName": name, "InitialInstanceCount": 1, **fields}


def test_a_cuda_13_image_gets_the_cuda_13_ami_and_the_metadata_says_why() -> None:
    config = _config(
        CUDA13,
        _variant("Pooled", InstancePools=POOLS),
        _variant("Single", InstanceType="ml.g6.xlarge"),
    )
    amis = [v.get("InferenceAmiVersion") for v in config["Properties"]["ProductionVariants"]]
    assert amis == [CUDA13_AMI, CUDA13_AMI]
    chosen = config["Metadata"]["troposphere-patterns"]["InferenceAmiVersion"]
    assert chosen["Pooled"]["Chosen"] == CUDA13_AMI
    assert "cu130 (CUDA 13.0) in model_props.PrimaryContainer.Image" in chosen["Pooled"]["Because"]


@pytest.mark.parametrize(
    ("image", "fields"),
    [
        pytest.param(CUDA13, {"InstanceType": "ml.m5.xlarge"}, id="CPU instance"),
        pytest.param(CUDA13, {"InstanceType": Ref("InstanceType")}, id="type at deploy time"),
        pytest.param(
            REPO + ":0.33.0-lmi15.0.0-cu128", {"InstanceType": "ml.g5.xlarge"}, id="CUDA 12"
        ),
        pytest.param(REPO + ":latest", {"InstanceType": "ml.g5.xlarge"}, id="unknown tag"),
    ],
)
def test_no_ami_is_chosen_unless_a_gpu_variant_runs_a_cuda_13_image(
    image: str, fields: dict[str, Any]
) -> None:
    config = _config(image, _variant("A", **fields))
    assert "InferenceAmiVersion" not in config["Properties"]["ProductionVariants"][0]
    assert "Metadata" not in config


def test_a_shadow_variant_on_gpus_gets_the_ami_too() -> None:
    template = lambda_sagemakerendpoint(
        props(
            model_props={"PrimaryContainer": {"Image": CUDA13}},
            endpoint_config_props={
                "ProductionVariants": [_variant("Live", InstanceType="ml.g6.xlarge")],
                "ShadowProductionVariants": [_variant("Shadow", InstanceType="ml.g6e.xlarge")],
            },
        )
    ).to_dict()
    (config,) = of_type(template, "AWS::SageMaker::EndpointConfig").values()
    (shadow,) = config["Properties"]["ShadowProductionVariants"]
    assert shadow["InferenceAmiVersion"] == CUDA13_AMI
    assert set(config["Metadata"]["troposphere-patterns"]["InferenceAmiVersion"]) == {
        "Live",
        "Shadow",
    }


def test_a_pool_serving_another_model_leaves_the_ami_to_the_caller() -> None:
    pools = [{**POOLS[0], "ModelNameOverride": "llama-on-g6e"}, POOLS[1]]
    config = _config(CUDA13, _variant("A", InstancePools=pools))
    assert "InferenceAmiVersion" not in config["Properties"]["ProductionVariants"][0]


def test_a_cpu_variant_needs_no_ami_for_a_cuda_version_none_carries() -> None:
    config = _config(REPO + ":2.9-gpu-cu140", _variant("A", InstanceType="ml.m5.xlarge"))
    assert "InferenceAmiVersion" not in config["Properties"]["ProductionVariants"][0]


def test_an_ami_the_caller_chose_is_kept() -> None:
    config = _config(
        CUDA13, _variant("A", InstanceType="ml.g6.xlarge", InferenceAmiVersion=CUDA13_AMI)
    )
    assert config["Properties"]["ProductionVariants"][0]["InferenceAmiVersion"] == CUDA13_AMI
    assert "Metadata" not in config


def test_an_ami_given_as_an_intrinsic_passes_unchecked() -> None:
    ami = Ref(Parameter("Ami", Type="String"))
    config = _config(CUDA13, _variant("A", InstanceType="ml.g6.xlarge", InferenceAmiVersion=ami))
    assert config["Properties"]["ProductionVariants"][0]["InferenceAmiVersion"] == {"Ref": "Ami"}


def test_a_pooled_variant_scales_on_concurrency_per_model_copy() -> None:
    template = lambda_sagemakerendpoint(
        props(
            model_props=LLM_MODEL,
            endpoint_config_props={
                "ProductionVariants": [_variant("AllTraffic", InstancePools=POOLS)]
            },
            autoscaling=Autoscaling(max_capacity=4, metric=CONCURRENCY),
        )
    ).to_dict()
    (target,) = of_type(template, "AWS::ApplicationAutoScaling::ScalableTarget").values()
    assert target["Properties"]["ScalableDimension"] == "sagemaker:variant:DesiredInstanceCount"
    (policy,) = of_type(template, "AWS::ApplicationAutoScaling::ScalingPolicy").values()
    configuration = policy["Properties"]["TargetTrackingScalingPolicyConfiguration"]
    assert configuration["PredefinedMetricSpecification"] == {"PredefinedMetricType": CONCURRENCY}
    assert configuration["TargetValue"] == 5.0
    assert [str(m) for m in cfn_lint(json.dumps(template))] == []


def test_invocations_stay_the_default_scaling_metric() -> None:
    template = lambda_sagemakerendpoint(props(autoscaling=Autoscaling(max_capacity=2))).to_dict()
    (policy,) = of_type(template, "AWS::ApplicationAutoScaling::ScalingPolicy").values()
    metric = policy["Properties"]["TargetTrackingScalingPolicyConfiguration"]
    assert metric["PredefinedMetricSpecification"]["PredefinedMetricType"] == (
        "SageMakerVariantInvocationsPerInstance"
    )


def _weights_statements(uri: Any) -> tuple[Template, list[dict[str, Any]]]:
    source = {"S3DataSource": {"S3Uri": uri, "S3DataType": "S3Prefix", "CompressionType": "None"}}
    template = lambda_sagemakerendpoint(
        props(model_props={"PrimaryContainer": {"Image": IMAGE, "ModelDataSource": source}})
    )
    role = template.to_dict()["Resources"]["SagemakerRole"]["Properties"]
    statements = role["Policies"][0]["PolicyDocument"]["Statement"]
    return template, [s for s in statements if s["Sid"].startswith("ModelArtifact")]


def test_weights_under_a_sub_prefix_with_the_region_in_the_bucket_are_granted_exactly() -> None:
    uri = Sub("s3://jumpstart-cache-prod-${AWS::Region}/meta-llama-3-8b/artifacts/v1.0.0/")
    _, (read, listing) = _weights_statements(uri)
    bucket = "arn:${AWS::Partition}:s3:::jumpstart-cache-prod-${AWS::Region}"
    assert read["Resource"] == [{"Fn::Sub": bucket + "/meta-llama-3-8b/artifacts/v1.0.0/*"}]
    assert listing["Resource"] == [{"Fn::Sub": bucket}]
    assert listing["Condition"] == {
        "StringLike": {"s3:prefix": ["meta-llama-3-8b/artifacts/v1.0.0/*"]}
    }


def test_weights_under_a_parameter_are_read_under_it_and_listed_under_its_first_segment() -> None:
    weights = Parameter("Weights", Type="String")
    template, (read, listing) = _weights_statements(Ref(weights))
    path = {"Fn::Select": [1, {"Fn::Split": ["s3://", {"Ref": "Weights"}]}]}
    assert read["Resource"] == [
        {"Fn::Sub": ["arn:${AWS::Partition}:s3:::${Path}*", {"Path": path}]}
    ]
    first = {"Fn::Select": [1, {"Fn::Split": ["/", path]}]}
    assert listing["Condition"] == {
        "StringLike": {"s3:prefix": [{"Fn::Sub": ["${First}*", {"First": first}]}]}
    }
    template.add_parameter(weights)
    assert [str(m) for m in cfn_lint(template.to_json())] == []


def test_gated_weights_carry_the_eula_acceptance() -> None:
    source = {
        "S3DataSource": {
            "S3Uri": "s3://my-models/llama-3-8b-instruct/",
            "S3DataType": "S3Prefix",
            "CompressionType": "None",
            "ModelAccessConfig": {"AcceptEula": True},
        }
    }
    template = lambda_sagemakerendpoint(
        props(model_props={"PrimaryContainer": {"Image": IMAGE, "ModelDataSource": source}})
    ).to_dict()
    (model,) = of_type(template, "AWS::SageMaker::Model").values()
    s3 = model["Properties"]["PrimaryContainer"]["ModelDataSource"]["S3DataSource"]
    assert s3["ModelAccessConfig"] == {"AcceptEula": True}


def test_the_ami_table_is_botocores_enum_with_its_documented_cuda_versions() -> None:
    import gzip
    import re
    from pathlib import Path

    import botocore

    model = Path(botocore.__file__).parent / "data/sagemaker/2017-07-24/service-2.json.gz"
    with gzip.open(model, "rt", encoding="utf-8") as stream:
        shapes = json.load(stream)["shapes"]
    assert list(INFERENCE_AMIS) == shapes["ProductionVariantInferenceAmiVersion"]["enum"]
    text = shapes["ProductionVariant"]["members"]["InferenceAmiVersion"]["documentation"]
    for ami, cuda in INFERENCE_AMIS.items():
        described = re.search(rf"<dt>{re.escape(ami)}</dt>\s*<dd>(.*?)</dd>", text, re.S)
        assert described is not None, ami
        shown = f"CUDA version: {cuda[0]}.{cuda[1]}" if cuda else "Neuron driver"
        assert shown in described[1], ami
