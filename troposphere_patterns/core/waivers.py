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

CHECKOV_WAIVERS: dict[str, str] = {
    "CKV_AWS_115": (
        "No reserved concurrency by default: it is carved out of the account's regional "
        "concurrency quota (1,000 unless raised) and takes capacity from every other function; "
        "set ReservedConcurrentExecutions in lambda_function_props to cap this one."
    ),
    "CKV_AWS_116": (
        "Invoked synchronously (API Gateway, function URL or Invoke): the caller receives the "
        "error, and a dead-letter queue only applies to asynchronous invocations."
    ),
    "CKV_AWS_117": (
        "The caller chose no VPC (neither deploy_vpc nor existing_vpc): the function reaches "
        "SageMaker Runtime's HTTPS endpoint with IAM-signed requests."
    ),
    "CKV_AWS_370": (
        "A serverless endpoint: SageMaker Serverless Inference does not support network "
        "isolation or a VPC for the model, so the container is not isolated; use an "
        "instance-backed endpoint where the model must run without network access."
    ),
    "CKV_AWS_173": (
        "The environment holds only the endpoint's name, no secret, and Lambda encrypts it at "
        "rest with an AWS-managed key; a customer key adds a KMS call to every cold start. Set "
        "KmsKeyArn in lambda_function_props to use your own key."
    ),
    "CKV_AWS_18": (
        "Working data that expires (async payloads and results, captured requests): S3 server "
        "access logs need a target bucket without KMS encryption; record reads and writes with "
        "CloudTrail S3 data events where they are audited."
    ),
}

GUARD_WAIVERS: dict[str, str] = {
    "CT.CLOUDWATCH.PR.1": (
        "The caller gave the alarms no topic (Alarms(topic=...)): they change state, show in "
        "the console and can roll a deployment back, but notify no one."
    ),
    "CT.LAMBDA.PR.2": (
        "The function URL's caller is this account or a deploy-time value, an intrinsic the "
        "rule reads as neither an account ID nor an IAM ARN: it asks for SourceAccount or "
        "SourceArn, conditions meant for service principals that would refuse the signed IAM "
        "callers. The permission names no service and FunctionUrlAuthType is AWS_IAM."
    ),
    "CT.LAMBDA.PR.3": CHECKOV_WAIVERS["CKV_AWS_117"],
    "CT.S3.PR.2": CHECKOV_WAIVERS["CKV_AWS_18"],
    "CT.S3.PR.9": (
        "Object Lock would keep working data past its lifecycle expiry and stop the stack's "
        "owner from deleting it; versioning keeps an overwritten object for a day."
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
