"""The endpoint plan: the config merged once, and one reading of its variants and containers."""

from __future__ import annotations

from troposphere import Ref

from tests.scenarios import IMAGE, variant
from troposphere_patterns import Serverless
from troposphere_patterns.core.hosting.plan import EndpointPlan, InstanceType


def test_variants_carry_their_paths_types_and_counts() -> None:
    config = {
        "ProductionVariants": [
            variant("A", "ml.m5.large", InitialInstanceCount=2),
            Ref("AnIntrinsicVariant"),
            {
                "VariantName": "B",
                "InstancePools": [{"InstanceType": "ml.g5.xlarge", "Priority": 1}],
            },
        ],
        "ShadowProductionVariants": [variant("S", "ml.m5d.large")],
    }
    plan = EndpointPlan.parse({}, config, None)
    a, b = plan.production
    [shadow] = plan.shadow
    assert (a.path, a.name, a.count, a.serverless) == (
        "endpoint_config_props.ProductionVariants[0]",
        "A",
        2,
        False,
    )
    assert b.path == "endpoint_config_props.ProductionVariants[2]"
    assert b.instance_types == (
        InstanceType(
            "endpoint_config_props.ProductionVariants[2].InstancePools[0].InstanceType",
            "ml.g5.xlarge",
        ),
    )
    assert shadow.shadow and shadow.path == "endpoint_config_props.ShadowProductionVariants[0]"
    assert plan.variant_entries == 4  # the intrinsic entry counts, but is not read
    assert plan.variant_names == ["A", "B"]
    assert not plan.key_fits  # the shadow's m5d and the pool's g5 have local NVMe storage


def test_defaults_apply_once_and_the_serverless_option_writes_the_variant() -> None:
    plan = EndpointPlan.parse({}, None, Serverless(max_concurrency=5))
    [only] = plan.production
    assert plan.serverless and only.serverless_config == {
        "MemorySizeInMB": 2048,
        "MaxConcurrency": 5,
    }
    assert only.instance_types == ()
    assert not EndpointPlan.parse({}, None, None).asynchronous
    assert EndpointPlan.parse({}, None, None, asynchronous=True).asynchronous


def test_a_malformed_model_has_one_answer_for_its_containers() -> None:
    model = {"PrimaryContainer": {"Image": IMAGE}, "Containers": [{"Image": IMAGE}, "x"]}
    plan = EndpointPlan.parse(model, None, None)
    assert [c.path for c in plan.containers] == [
        "model_props.PrimaryContainer",
        "model_props.Containers[0]",
    ]
