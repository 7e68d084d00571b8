"""Scanner waivers: only allow-listed checks, each with its reason, only where they apply."""

from __future__ import annotations

from typing import Any

import pytest

from tests.scenarios import CODE, props
from tests.templates_helpers import NAMES, of_type, template_named
from troposphere_patterns import lambda_sagemakerendpoint
from troposphere_patterns.core.waivers import CHECKOV_WAIVERS, GUARD_WAIVERS


def skips(resource: dict[str, Any], scanner: str = "checkov") -> dict[str, str]:
    entries = resource.get("Metadata", {}).get(scanner, {}).get("skip", [])
    return {entry["id"]: entry["comment"] for entry in entries}


@pytest.mark.parametrize("name", NAMES)
def test_every_guard_skip_is_allow_listed_and_only_where_it_applies(
    name: str, template: dict[str, Any]
) -> None:
    for logical_id, resource in template["Resources"].items():
        waived = skips(resource, "cfn-guard")
        for rule, comment in waived.items():
            assert comment == GUARD_WAIVERS[rule], (logical_id, rule)
        if resource["Type"] == "AWS::Lambda::Function":
            in_vpc = "VpcConfig" in resource["Properties"]
            assert set(waived) == (set() if in_vpc else {"CT.LAMBDA.PR.3"}), logical_id
        elif resource["Type"] == "AWS::CloudWatch::Alarm":
            acts = "AlarmActions" in resource["Properties"]
            assert set(waived) == (set() if acts else {"CT.CLOUDWATCH.PR.1"}), logical_id
        elif resource["Type"] == "AWS::Lambda::Permission":  # a function URL's caller
            literal = isinstance(resource["Properties"]["Principal"], str)
            assert set(waived) == (set() if literal else {"CT.LAMBDA.PR.2"}), logical_id
        elif resource["Type"] == "AWS::S3::Bucket":
            assert set(waived) == {"CT.S3.PR.2", "CT.S3.PR.9"}, logical_id
            assert "LoggingConfiguration" not in resource["Properties"]
            assert "ObjectLockEnabled" not in resource["Properties"]
        else:
            assert waived == {}, logical_id


# Each waiver is written through checkov_metadata()/guard_metadata(), which refuse an ID off the
# allow-list and always write its reason, so per-skip checks of ID and reason hold by
# construction. What can drift is the allow-list itself: an entry that no template needs any
# more is a waiver nobody reviews. Both ways, over every scenario and committed template:
def test_the_allow_lists_are_exactly_the_waivers_in_use() -> None:
    tables = {"checkov": CHECKOV_WAIVERS, "cfn-guard": GUARD_WAIVERS}
    used: dict[str, set[str]] = {scanner: set() for scanner in tables}
    for name in NAMES:
        for logical_id, resource in template_named(name)["Resources"].items():
            for scanner, table in tables.items():
                for check, comment in skips(resource, scanner).items():
                    assert comment == table.get(check), (name, logical_id, check)
                    used[scanner].add(check)
    assert used == {scanner: set(table) for scanner, table in tables.items()}


@pytest.mark.parametrize("name", NAMES)
def test_skips_only_where_the_setting_is_absent(name: str, template: dict[str, Any]) -> None:
    for logical_id, function in of_type(template, "AWS::Lambda::Function").items():
        waived = set(skips(function))
        properties = function["Properties"]
        assert ("CKV_AWS_117" in waived) == ("VpcConfig" not in properties), logical_id
        assert ("CKV_AWS_115" in waived) == ("ReservedConcurrentExecutions" not in properties), (
            logical_id
        )
        assert ("CKV_AWS_173" in waived) == ("KmsKeyArn" not in properties), logical_id
    serverless_configs = [
        config
        for config in of_type(template, "AWS::SageMaker::EndpointConfig").values()
        if any("ServerlessConfig" in v for v in config["Properties"]["ProductionVariants"])
    ]
    for logical_id, model in of_type(template, "AWS::SageMaker::Model").items():
        # Serverless endpoints cannot isolate their model; every other model stays isolated.
        isolated = model["Properties"].get("EnableNetworkIsolation") is True
        assert set(skips(model)) == (set() if isolated else {"CKV_AWS_370"}), logical_id
        assert isolated != bool(serverless_configs), logical_id
    for logical_id, bucket in of_type(template, "AWS::S3::Bucket").items():
        assert set(skips(bucket)) == {"CKV_AWS_18"}, logical_id
        assert "LoggingConfiguration" not in bucket["Properties"]
    waivable = ("AWS::Lambda::Function", "AWS::SageMaker::Model", "AWS::S3::Bucket")
    others = [
        logical_id
        for logical_id, resource in template["Resources"].items()
        if skips(resource) and resource["Type"] not in waivable
    ]
    assert others == []


def test_setting_concurrency_and_key_drops_their_waivers() -> None:
    key = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
    template = lambda_sagemakerendpoint(
        props(
            lambda_function_props={
                "Code": CODE,
                "ReservedConcurrentExecutions": 20,
                "KmsKeyArn": key,
            },
            deploy_vpc=True,
        )
    ).to_dict()
    assert set(skips(template["Resources"]["LambdaFunction"])) == {"CKV_AWS_116"}


@pytest.mark.parametrize("check", [*CHECKOV_WAIVERS, *GUARD_WAIVERS])
def test_each_reason_is_one_plain_sentence(check: str) -> None:
    # Written into every template that needs it, within the 51,200 bytes of an inline deploy.
    reason = {**CHECKOV_WAIVERS, **GUARD_WAIVERS}[check]
    assert reason.endswith(".") and ". " not in reason and "\n" not in reason, reason
    assert len(reason) <= 200, f"{check}: {len(reason)} characters"
