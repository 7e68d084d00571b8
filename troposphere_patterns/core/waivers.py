"""Scanner findings the project waives on purpose, each with the reason a reviewer reads.

Every waiver written into a template comes from these tables (a test holds the line): a skip
lives in the resource's ``Metadata`` with its reason beside it, so anyone scanning the output
sees why. checkov reads its ``checkov.skip`` entries itself; for the AWS Control Tower cfn-guard
rules, ``security/scan.py`` leaves a rule out of a template's scan only when every resource the
rule reports on carries its ``cfn-guard.skip`` entry.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

# One plain sentence each: the reason a reviewer needs, and what to set to change it. They are
# written into every template that needs them, so they are kept short.
CHECKOV_WAIVERS: dict[str, str] = {
    "CKV_AWS_115": (
        "Reserved concurrency would take from the regional quota every function in the account "
        "shares; set ReservedConcurrentExecutions in lambda_function_props to reserve some."
    ),
    "CKV_AWS_116": (
        "Invoked synchronously: the caller gets the error, and a dead-letter queue only serves "
        "asynchronous invocations."
    ),
    "CKV_AWS_117": (
        "No VPC was chosen: the function calls SageMaker Runtime's HTTPS endpoint with "
        "IAM-signed requests."
    ),
    "CKV_AWS_370": (
        "Serverless endpoints support neither network isolation nor a VPC; use an "
        "instance-backed endpoint to isolate the model."
    ),
    "CKV_AWS_173": (
        "The environment holds no secret and Lambda encrypts it with an AWS-managed key; set "
        "KmsKeyArn in lambda_function_props to use your own."
    ),
    "CKV_AWS_18": (
        "Working data that expires: access logs need a target bucket without KMS encryption; audit "
        "reads and writes with CloudTrail S3 data events."
    ),
}

GUARD_WAIVERS: dict[str, str] = {
    "CT.CLOUDWATCH.PR.1": (
        "No alarm topic was given: the alarms change state and can roll a deployment back, but "
        "notify no one."
    ),
    "CT.LAMBDA.PR.2": (
        "The URL's caller is this account or a deploy-time value the rule cannot read, and the "
        "SourceAccount or SourceArn it asks for would refuse IAM-signed callers (auth AWS_IAM)."
    ),
    "CT.LAMBDA.PR.3": CHECKOV_WAIVERS["CKV_AWS_117"],
    "CT.S3.PR.2": CHECKOV_WAIVERS["CKV_AWS_18"],
    "CT.S3.PR.9": (
        "Object Lock would keep expiring working data past its lifecycle and block its deletion; "
        "versioning keeps an overwritten object a day."
    ),
}


def checkov_metadata(check_ids: Iterable[str]) -> dict[str, Any]:
    """Return resource ``Metadata`` that skips the given checkov checks, with their reasons.

    Raises:
        KeyError: A check that is not on the allow-list.
    """
    skips = [{"id": check, "comment": CHECKOV_WAIVERS[check]} for check in sorted(check_ids)]
    return {"checkov": {"skip": skips}}


def guard_metadata(rule_ids: Iterable[str]) -> dict[str, Any]:
    """Return resource ``Metadata`` that waives the given Control Tower rules, with reasons.

    Raises:
        KeyError: A rule that is not on the allow-list.
    """
    skips = [{"id": rule, "comment": GUARD_WAIVERS[rule]} for rule in sorted(rule_ids)]
    return {"cfn-guard": {"skip": skips}}
