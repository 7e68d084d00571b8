"""``core.encoding``: troposphere's encoding in one walk, with the same result and checks."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from awacs.aws import Allow, PolicyDocument, Principal, Statement
from troposphere import GetAtt, If, Join, Ref, Sub, Tags, Template, encode_to_dict, iam, sagemaker

from tests.readme_modes import readme_modes
from tests.scenarios import SCENARIOS
from tests.templates_helpers import SCENARIO_NAMES
from troposphere_patterns import cli
from troposphere_patterns.core.encoding import check, encoded, template_body


@pytest.mark.parametrize("name", SCENARIO_NAMES)
def test_every_scenario_encodes_as_troposphere_encodes_it(name: str) -> None:
    template = SCENARIOS[name]()
    assert template_body(template) == template.to_dict()


@pytest.mark.parametrize("mode", list(readme_modes().values()), ids=list(readme_modes()))
def test_every_readme_mode_encodes_as_troposphere_encodes_it(mode: list[str]) -> None:
    command = cli.COMMAND_LINES["lambda-sagemakerendpoint"]
    args = cli.parser().parse_args(["lambda-sagemakerendpoint", *mode])
    params = command.parameters_for(vars(args))
    props = command.with_parameters(cli.build_props(command, args, params, cli.Sources()), params)
    template = command.render(props)
    assert template_body(template) == template.to_dict()


def test_objects_helpers_tags_and_awacs_policies_encode_alike() -> None:
    role = iam.Role(
        "Role",
        AssumeRolePolicyDocument=PolicyDocument(
            Statement=[
                Statement(
                    Effect=Allow,
                    Action=[],
                    Principal=Principal("Service", ["sagemaker.amazonaws.com"]),
                )
            ]
        ),
        Tags=Tags(team="ml") + Tags({"cost": Ref("Centre")}),
        DependsOn=["Other"],
        Condition="Wanted",
    )
    model = sagemaker.Model(
        "Model",
        ExecutionRoleArn=GetAtt(role, "Arn"),
        PrimaryContainer=sagemaker.ContainerDefinition(
            Image=If("Cond", Sub("${AWS::AccountId}.dkr"), Join("", ["a", Ref("B")]))
        ),
    )
    values: list[Any] = [role, model, (1, 2.5, None, True), {"Fn::Sub": ["${X}", {"X": Ref(role)}]}]
    for value in values:
        assert encoded(value) == encode_to_dict(value)
    empty = Template()
    assert template_body(empty) == empty.to_dict()


def unnamed_variant() -> sagemaker.EndpointConfig:
    """A config whose variant lacks its required VariantName."""
    return sagemaker.EndpointConfig("Config", ProductionVariants=[sagemaker.ProductionVariant()])


def assert_refused_alike(ours: Callable[[Any], Any], value: Any) -> None:
    """``ours`` refuses ``value`` with troposphere's own message."""
    with pytest.raises(ValueError) as theirs_refusal:
        encode_to_dict(value)
    with pytest.raises(ValueError) as our_refusal:
        ours(value)
    assert str(our_refusal.value) == str(theirs_refusal.value)


def test_a_missing_required_property_is_refused_as_troposphere_refuses_it() -> None:
    broken = sagemaker.Endpoint("Endpoint")  # EndpointConfigName is required
    assert_refused_alike(encoded, broken)
    assert_refused_alike(encoded, unnamed_variant())
    assert encoded(broken.no_validation()) == encode_to_dict(broken)


def test_check_refuses_what_encoding_refuses_and_passes_what_it_passes() -> None:
    for name in SCENARIO_NAMES[:8]:
        for resource in SCENARIOS[name]().resources.values():
            check(resource)  # every scenario's resources render
    broken = unnamed_variant()
    assert_refused_alike(check, broken)
    quiet = broken.no_validation()  # the config's own check only: its variant still refuses
    with pytest.raises(ValueError):
        encode_to_dict(quiet)
    with pytest.raises(ValueError):
        check(quiet)
