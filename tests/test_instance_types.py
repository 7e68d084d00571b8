"""Instance types: the generated table, and encryption and volume that fit each instance."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from troposphere import Parameter, Ref, Select, Split, Template

from tests.scenarios import IMAGE, variant
from tests.templates_helpers import NAMES, of_type
from troposphere_patterns import (
    LambdaSagemakerEndpointProps,
    add_lambda_sagemakerendpoint,
    lambda_sagemakerendpoint,
)
from troposphere_patterns.core.hosting import instance_types
from troposphere_patterns.core.hosting.instance_type_table import FAMILIES, INSTANCE_TYPES

ROOT = Path(__file__).parent.parent
SCRIPT = ROOT / "scripts" / "instance_types.py"


def generator() -> Any:
    spec = importlib.util.spec_from_file_location("instance_types_script", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_table_matches_the_pinned_botocore() -> None:
    result = subprocess.run(
        [sys.executable, str(SCRIPT), "--check"], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr


def test_table_holds_every_botocore_type_once() -> None:
    _, botocore_types = generator().botocore_instance_types()
    assert botocore_types == INSTANCE_TYPES
    assert len(INSTANCE_TYPES) == len(set(INSTANCE_TYPES)) == 277
    nvme = [t for t in INSTANCE_TYPES if instance_types.local_nvme(t)]
    assert len(nvme) == 103
    assert sum(f.local_nvme for f in FAMILIES.values()) == 25


@pytest.mark.parametrize(
    ("instance_type", "nvme", "accelerator", "burstable"),
    [
        ("ml.m5.large", False, None, False),
        ("ml.m5d.large", True, None, False),
        ("ml.g4dn.xlarge", True, "nvidia-gpu", False),  # "EBS-only" in the old CLI list
        ("ml.g5.2xlarge", True, "nvidia-gpu", False),
        ("ml.g7e.2xlarge", True, "nvidia-gpu", False),  # the SageMaker SDK's rule misses it
        ("ml.p6-b200.48xlarge", True, "nvidia-gpu", False),
        ("ml.trn2.48xlarge", True, "aws-trainium", False),
        ("ml.inf2.xlarge", False, "aws-inferentia", False),
        ("ml.p3.2xlarge", False, "nvidia-gpu", False),
        ("ml.t2.medium", False, None, True),  # a "d" in "medium" is not a "d" family
    ],
)
def test_families_say_what_each_type_allows(
    instance_type: str, nvme: bool, accelerator: str | None, burstable: bool
) -> None:
    family = instance_types.family(instance_type)
    assert family is not None
    assert (family.local_nvme, family.accelerator, family.burstable) == (
        nvme,
        accelerator,
        burstable,
    )
    assert instance_types.local_nvme(instance_type) is nvme
    assert instance_types.burstable(instance_type) is burstable


def test_generator_refuses_a_family_nobody_classified() -> None:
    with pytest.raises(SystemExit, match="zz9"):
        generator().render("9.9.9", ("ml.m5.large", "ml.zz9.large"))


def test_unknown_type_names_the_closest_known_ones() -> None:
    message = instance_types.unknown_problem("ml.g5.2xlarg", "where")
    assert message is not None
    assert "'ml.g5.2xlarg'" in message and "ml.g5.2xlarge" in message
    assert instance_types.unknown_problem("ml.g5.2xlarge", "where") is None


def test_the_package_never_imports_botocore() -> None:
    code = (
        "import sys, io, contextlib\n"
        "from troposphere_patterns import cli\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    cli.main(['lambda-sagemakerendpoint'])\n"
        "assert 'botocore' not in sys.modules\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


# ---------------------------------------------------------------- the key on the config


def render(config: dict[str, Any], **fields: Any) -> dict[str, Any]:
    props = LambdaSagemakerEndpointProps(
        model_props={"PrimaryContainer": {"Image": IMAGE}},
        lambda_function_props={"Code": {"ZipFile": "x"}},
        endpoint_config_props=config,
        **fields,
    )
    result: dict[str, Any] = lambda_sagemakerendpoint(props).to_dict()
    return result


def role_grants_key(template: dict[str, Any]) -> bool:
    statements = template["Resources"]["SagemakerRole"]["Properties"]["Policies"][0]
    return any(s.get("Sid") == "KeyUse" for s in statements["PolicyDocument"]["Statement"])


SERVERLESS = {"VariantName": "S", "ServerlessConfig": {"MemorySizeInMB": 2048, "MaxConcurrency": 5}}


@pytest.mark.parametrize(
    ("config", "keyed"),
    [
        ({"ProductionVariants": [variant("A", "ml.m5.large")]}, True),
        ({"ProductionVariants": [variant("A", "ml.inf2.xlarge")]}, True),
        ({"ProductionVariants": [variant("A", "ml.g5.xlarge")]}, False),
        (
            {"ProductionVariants": [variant("A", "ml.m5.large"), variant("B", "ml.r5d.large")]},
            False,
        ),
        (
            {
                "ProductionVariants": [variant("A", "ml.m5.large")],
                "ShadowProductionVariants": [variant("Shadow", "ml.g6.xlarge")],
            },
            False,
        ),
        (
            {
                "ProductionVariants": [
                    {
                        "VariantName": "Pools",
                        "InitialInstanceCount": 1,
                        "InstancePools": [
                            {"InstanceType": "ml.m5.xlarge", "Priority": 1},
                            {"InstanceType": "ml.p5.48xlarge", "Priority": 2},
                        ],
                    }
                ]
            },
            False,
        ),
        ({"ProductionVariants": [SERVERLESS]}, True),  # it encrypts SageMaker's image copy
    ],
)
def test_key_goes_on_the_config_only_when_every_instance_is_ebs_only(
    config: dict[str, Any], keyed: bool
) -> None:
    template = render(config)
    properties = template["Resources"]["SagemakerEndpointConfig"]["Properties"]
    assert ("KmsKeyId" in properties) is keyed
    assert role_grants_key(template) is keyed
    assert "Conditions" not in template


def test_callers_key_stays_where_the_instance_allows_it() -> None:
    key = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
    template = render({"KmsKeyId": key, "ProductionVariants": [variant("A", "ml.m6i.large")]})
    assert template["Resources"]["SagemakerEndpointConfig"]["Properties"]["KmsKeyId"] == key


def evaluate(condition: Any, parameters: dict[str, str]) -> Any:
    """Evaluate a condition of Fn::Not/Or/And/Equals, Fn::Select/Split/Join and Ref."""
    if not isinstance(condition, dict):
        return condition
    ((function, arguments),) = condition.items()
    if function == "Ref":
        return parameters[arguments]
    values = [evaluate(argument, parameters) for argument in arguments]
    operations = {
        "Fn::Select": lambda: values[1][int(values[0])],  # IndexError as CloudFormation fails
        "Fn::Split": lambda: values[1].split(values[0]),
        "Fn::Join": lambda: values[0].join(values[1]),
        "Fn::Not": lambda: not values[0],
        "Fn::Or": lambda: any(values),
        "Fn::And": lambda: all(values),
        "Fn::Equals": lambda: values[0] == values[1],
    }
    return operations[function]()


def test_deploy_time_type_decides_the_key_for_every_type_in_the_table() -> None:
    template = Template()
    instance_type = template.add_parameter(Parameter("Type", Type="String"))
    add_lambda_sagemakerendpoint(
        template,
        LambdaSagemakerEndpointProps(
            model_props={"PrimaryContainer": {"Image": IMAGE}},
            lambda_function_props={"Code": {"ZipFile": "x"}},
            endpoint_config_props={"ProductionVariants": [variant("A", Ref(instance_type))]},
            id_prefix="Gpu",
        ),
    )
    rendered = template.to_dict()
    key = rendered["Resources"]["GpuSagemakerEndpointConfig"]["Properties"]["KmsKeyId"]
    condition_name = key["Fn::If"][0]
    assert condition_name == "GpuSagemakerInstancesEbsOnly"
    assert key["Fn::If"][2] == {"Ref": "AWS::NoValue"}
    condition = rendered["Conditions"][condition_name]
    for name in INSTANCE_TYPES:
        ebs_only = evaluate(condition, {"Type": name})
        assert ebs_only is not instance_types.local_nvme(name), name


def test_two_deploy_time_types_both_decide_the_key() -> None:
    template = Template()
    first, second = (template.add_parameter(Parameter(n, Type="String")) for n in ("A", "B"))
    config = {"ProductionVariants": [variant("A", Ref(first)), variant("B", Ref(second))]}
    add_lambda_sagemakerendpoint(
        template,
        LambdaSagemakerEndpointProps(
            model_props={"PrimaryContainer": {"Image": IMAGE}},
            lambda_function_props={"Code": {"ZipFile": "x"}},
            endpoint_config_props=config,
        ),
    )
    condition = template.to_dict()["Conditions"]["SagemakerInstancesEbsOnly"]
    for a, b in [("ml.m5.large", "ml.c6i.xlarge"), ("ml.m5.large", "ml.g6e.xlarge")]:
        expected = not (instance_types.local_nvme(a) or instance_types.local_nvme(b))
        assert evaluate(condition, {"A": a, "B": b}) is expected, (a, b)
        assert evaluate(condition, {"A": b, "B": a}) is expected, (b, a)


@pytest.mark.parametrize("leave_out", [None, "burstable"])
def test_allowed_pattern_matches_the_table_exactly(leave_out: str | None) -> None:
    import re

    unwanted = instance_types.burstable if leave_out else (lambda instance_type: False)
    pattern = instance_types.allowed_pattern(instance_types.burstable if leave_out else None)
    names = [t.split(".", 2) for t in INSTANCE_TYPES]
    # allowed_pattern escapes nothing: every part must be literal in a regular expression.
    assert all(re.fullmatch(r"[a-z0-9-]+", part) for parts in names for part in parts)
    families = {name for _, name, _ in names}
    sizes = {size for _, _, size in names}
    wanted = {t for t in INSTANCE_TYPES if not unwanted(t)}
    # Every family with every size any family has: only the table's (wanted) types match.
    for name in families:
        for size in sizes:
            candidate = f"ml.{name}.{size}"
            assert bool(re.fullmatch(pattern, candidate)) is (candidate in wanted), candidate


def test_the_pattern_kept_with_the_table_is_the_tables() -> None:
    from troposphere_patterns.core.hosting import instance_type_table, type_patterns

    assert type_patterns.pattern_of(INSTANCE_TYPES) == instance_type_table.ALLOWED_PATTERN
    assert instance_types.allowed_pattern() == instance_type_table.ALLOWED_PATTERN
    everything = instance_types.allowed_pattern(lambda instance_type: False)
    assert everything == instance_type_table.ALLOWED_PATTERN


def test_an_intrinsic_the_condition_cannot_compare_needs_your_own_key() -> None:
    from troposphere_patterns import PatternPropsError

    chosen = Select(0, Split(",", "ml.g5.xlarge,ml.m5.large"))
    with pytest.raises(PatternPropsError, match=r"ProductionVariants\[0\].InstanceType: only"):
        render({"ProductionVariants": [variant("A", chosen)]})
    key = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
    template = render({"KmsKeyId": key, "ProductionVariants": [variant("A", chosen)]})
    assert template["Resources"]["SagemakerEndpointConfig"]["Properties"]["KmsKeyId"] == key


@pytest.mark.parametrize("name", NAMES)
def test_no_config_keys_a_type_with_local_nvme(name: str, template: dict[str, Any]) -> None:
    for logical_id, config in of_type(template, "AWS::SageMaker::EndpointConfig").items():
        properties = config["Properties"]
        types = [
            v.get("InstanceType")
            for kind in ("ProductionVariants", "ShadowProductionVariants")
            for v in properties.get(kind, [])
        ]
        literal_nvme = [t for t in types if isinstance(t, str) and instance_types.local_nvme(t)]
        key = properties.get("KmsKeyId")
        if literal_nvme:
            assert key is None, (logical_id, literal_nvme)
        if any(isinstance(t, dict) for t in types) and key is not None:
            assert "Fn::If" in key, logical_id
            assert key["Fn::If"][0] in template["Conditions"]


def test_guard_rule_exempts_exactly_the_nvme_families() -> None:
    import re

    rules = (ROOT / "security" / "guard" / "troposphere_patterns.guard").read_text()
    match = re.search(r"let local_nvme_type = /\^ml\\\.\((?P<families>[a-z0-9|-]+)\)\\\./", rules)
    assert match is not None
    nvme = {name for name, family in FAMILIES.items() if family.local_nvme}
    assert set(match["families"].split("|")) == nvme


@pytest.mark.parametrize(
    ("instance_type", "guarded"),
    [("ml.inf1.xlarge", False), ("ml.inf2.xlarge", True), ("ml.m5.large", True)],
)
def test_deployment_guardrails_exclude_inf1_only(instance_type: str, guarded: bool) -> None:
    assert instance_types.guardrails(instance_type) is guarded
    assert [name for name, family in FAMILIES.items() if not family.guardrails] == ["inf1"]
