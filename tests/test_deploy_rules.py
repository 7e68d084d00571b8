"""Deploy-time Parameters that must agree: the template's Rules, evaluated as CloudFormation does.

CloudFormation evaluates a template's ``Rules`` before it creates anything; a tiny evaluator of
the rule functions the templates use (``Fn::And``, ``Fn::Or``, ``Fn::Not``, ``Fn::Equals``,
``Fn::Contains``, ``Ref``) runs each rule's ``Fn::Assert`` on good and bad values here.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.templates_helpers import cfn_lint
from troposphere_patterns import cli
from troposphere_patterns.core import deploy_rules


def evaluate(node: Any, values: dict[str, str]) -> Any:
    """A rule function's value for the Parameter values given (strings, as CloudFormation has)."""
    if isinstance(node, list):
        return [evaluate(item, values) for item in node]
    if not isinstance(node, dict):
        return node
    [(function, argument)] = node.items()
    if function == "Ref":
        return values[argument]
    args = evaluate(argument, values)
    if function == "Fn::And":
        assert 2 <= len(args) <= 10, "Fn::And takes two to ten conditions"
        return all(args)
    if function == "Fn::Or":
        assert 2 <= len(args) <= 10, "Fn::Or takes two to ten conditions"
        return any(args)
    if function == "Fn::Not":
        [value] = args
        return not value
    if function == "Fn::Equals":
        left, right = args
        return left == right
    if function == "Fn::Contains":
        listed, value = args
        return value in listed
    raise AssertionError(f"{function} is not a rule function this evaluator knows")


def holds(rule: dict[str, Any], values: dict[str, str]) -> list[str]:
    """The descriptions of the rule's assertions that fail for ``values`` (none: it holds)."""
    if "RuleCondition" in rule and not evaluate(rule["RuleCondition"], values):
        return []
    return [a["AssertDescription"] for a in rule["Assertions"] if not evaluate(a["Assert"], values)]


def render(capsys: pytest.CaptureFixture[str], *args: str) -> dict[str, Any]:
    assert cli.main(["lambda-sagemakerendpoint", *args]) == 0
    template: dict[str, Any] = json.loads(capsys.readouterr().out)
    return template


def test_min_above_max_capacity_is_stopped_before_anything_is_created(
    capsys: pytest.CaptureFixture[str],
) -> None:
    template = render(capsys, "--autoscaling")
    rule = template["Rules"]["AutoscalingCapacities"]
    below = deploy_rules.ENUMERATED_BELOW
    for low in range(0, below + 3):
        for high in range(1, below + 3):
            failed = holds(
                rule, {"AutoscalingMinCapacity": str(low), "AutoscalingMaxCapacity": str(high)}
            )
            # Written out for maxima below the bound; above it the stack's resource refuses.
            expected = ["AutoscalingMinCapacity must not exceed AutoscalingMaxCapacity"]
            assert failed == (expected if low > high and high < below else []), (low, high)


def test_serverless_scaling_ceiling_is_checked_against_max_concurrency(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "warm.yaml"
    path.write_text("serverless: {provisioned_concurrency: 2}\n")
    template = render(capsys, "--serverless", "--autoscaling", "--props", str(path))
    rules = template["Rules"]
    assert set(rules) == {"AutoscalingCapacities", "ServerlessScalingCeiling"}
    good = {
        "AutoscalingMinCapacity": "1",
        "AutoscalingMaxCapacity": "4",
        "ServerlessMaxConcurrency": "4",
    }
    assert [holds(rule, good) for rule in rules.values()] == [[], []]
    bad = {**good, "ServerlessMaxConcurrency": "3"}
    assert holds(rules["ServerlessScalingCeiling"], bad) == [
        "AutoscalingMaxCapacity (warm copies of the serverless endpoint) must not exceed "
        "ServerlessMaxConcurrency"
    ]
    parameters = template["Parameters"]
    # The provisioned copies are at most MaxConcurrency: its floor follows them.
    assert parameters["ServerlessMaxConcurrency"]["MinValue"] == 2
    # Scaled provisioned concurrency stays within SageMaker's concurrency range.
    assert parameters["AutoscalingMaxCapacity"]["MaxValue"] == 200


def test_serverless_literal_max_concurrency_caps_the_scaling_parameter(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "warm.yaml"
    path.write_text("serverless: {provisioned_concurrency: 2, max_concurrency: 8}\n")
    template = render(capsys, "--serverless", "--autoscaling", "--props", str(path))
    assert template["Parameters"]["AutoscalingMaxCapacity"]["MaxValue"] == 8
    assert set(template["Rules"]) == {"AutoscalingCapacities"}


def test_templates_without_paired_parameters_have_no_rules(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert "Rules" not in render(capsys)
    assert "Rules" not in render(capsys, "--serverless")


@pytest.mark.parametrize("rollout", ["canary", "linear", "rolling"])
@pytest.mark.parametrize("asynchronous", [False, True])
def test_a_stepped_rollout_raises_the_minimum_capacity_parameter(
    capsys: pytest.CaptureFixture[str], rollout: str, asynchronous: bool
) -> None:
    args = ["--autoscaling", "--rollout", rollout, *(["--async"] if asynchronous else [])]
    low = render(capsys, *args)["Parameters"]["AutoscalingMinCapacity"]
    # At one instance (or none) any step is the whole variant; SageMaker takes at most half.
    assert (low["MinValue"], low["Default"]) == (2, 2)


def test_an_all_at_once_rollout_keeps_the_minimum_capacity(
    capsys: pytest.CaptureFixture[str],
) -> None:
    parameters = render(capsys, "--autoscaling", "--rollout", "all-at-once")["Parameters"]
    low = parameters["AutoscalingMinCapacity"]
    assert (low["MinValue"], low["Default"]) == (1, 1)


def test_cfn_lint_accepts_the_rules(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "warm.yaml"
    path.write_text("serverless: {provisioned_concurrency: 2}\n")
    template = render(capsys, "--serverless", "--autoscaling", "--props", str(path))
    assert template["Rules"]
    assert [str(m) for m in cfn_lint(json.dumps(template))] == []


@pytest.mark.parametrize(
    "text",
    [
        "alarms: {latency_p99_ms: 30000}\n",
        "alarms: {latency_p99_ms: 30000, topic: !Ref AlarmTopicArn}\n",
    ],
)
def test_a_props_file_changes_thresholds_and_keeps_the_topic_optional(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str
) -> None:
    path = tmp_path / "alarms.yaml"
    path.write_text(text)
    template = render(capsys, "--props", str(path))
    assert template["Parameters"]["AlarmTopicArn"]["Default"] == ""
    alarms = [r for r in template["Resources"].values() if r["Type"] == "AWS::CloudWatch::Alarm"]
    assert alarms
    for alarm in alarms:
        # Never an unconditional action on a topic that may be empty at deploy time.
        assert alarm["Properties"]["AlarmActions"] == {
            "Fn::If": ["AlarmTopicGiven", [{"Ref": "AlarmTopicArn"}], {"Ref": "AWS::NoValue"}]
        }
    latency = template["Resources"]["SagemakerEndpointAllTrafficModelLatencyAlarm"]
    assert latency["Properties"]["Threshold"] == 30_000_000
