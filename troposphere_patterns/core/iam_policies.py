"""IAM statement factories: awacs actions, partition-correct ARNs, least privilege.

``Resource: "*"`` appears only for actions that accept nothing else, each with the reason beside
it; :data:`WILDCARD_ACTIONS` lists them so tests can hold the line.
"""

from __future__ import annotations

import json
import string
from collections.abc import Sequence
from typing import Any

from awacs.aws import (
    Action,
    Allow,
    Bool,
    Condition,
    PolicyDocument,
    Principal,
    Statement,
    StringEquals,
    StringLike,
)
from troposphere import AWSHelperFn, Select, Split, Sub, iam

from troposphere_patterns.core import actions, formats
from troposphere_patterns.core.encoding import encoded

POLICY_VERSION = "2012-10-17"

# Actions that IAM only accepts with Resource "*", and why. Nothing else may use "*".
WILDCARD_ACTIONS: dict[str, str] = {
    "xray:PutTraceSegments": "X-Ray trace uploads have no resource type",
    "xray:PutTelemetryRecords": "X-Ray telemetry uploads have no resource type",
    "ec2:DescribeNetworkInterfaces": "EC2 Describe* actions have no resource-level permissions",
    "ec2:DescribeSubnets": "EC2 Describe* actions have no resource-level permissions",
    "ec2:DescribeSecurityGroups": "EC2 Describe* actions have no resource-level permissions",
    "ec2:DescribeVpcs": "EC2 Describe* actions have no resource-level permissions",
    "ec2:DescribeDhcpOptions": "EC2 Describe* actions have no resource-level permissions",
    "ecr:GetAuthorizationToken": "the registry token is account-wide, not per repository",
    "cloudwatch:PutMetricData": "metrics have no ARN; scoped by a namespace condition instead",
}


def arn(
    service: str, resource: str, *, region: bool = True, account: bool = True, **values: Any
) -> Sub:
    """Return a partition-correct ARN in this stack's region and account.

    Args:
        service: The ARN's service field, e.g. ``"logs"``.
        resource: The ARN's resource field; may use ``${...}`` substitutions.
        region: Include ``${AWS::Region}``. Default True.
        account: Include ``${AWS::AccountId}``. Default True.
        **values: Variables for ``${Name}`` placeholders in ``resource`` (``Fn::Sub`` map).
    """
    region_part = "${AWS::Region}" if region else ""
    account_part = "${AWS::AccountId}" if account else ""
    text = f"arn:${{AWS::Partition}}:{service}:{region_part}:{account_part}:{resource}"
    return Sub(text, **values) if values else Sub(text)


def lower_case(value: Any) -> Any:
    """``value`` in lower case (ASCII letters), also when it is only known at deploy time.

    CloudFormation has no lower-case function, so for an intrinsic each upper-case letter is
    replaced in turn: ``Fn::Join`` of ``Fn::Split`` on that letter, 26 nested pairs. Meant for
    names of ASCII letters, digits and hyphens (SageMaker endpoint names), whose ARNs AWS
    writes in lower case while IAM compares ARNs case-sensitively.

    Args:
        value: A literal string or an intrinsic that resolves to one.
    """
    if not isinstance(value, AWSHelperFn):
        return str(value).lower()
    # Built as plain JSON inside one object: troposphere re-encodes nested intrinsic objects
    # once per level, which for 52 levels costs more than rendering the rest of the template.
    chain: Any = value.to_dict()
    for letter in string.ascii_uppercase:
        chain = {"Fn::Join": [letter.lower(), {"Fn::Split": [letter, chain]}]}
    return _Intrinsic(chain)


class _Intrinsic(AWSHelperFn):  # type: ignore[misc]  # troposphere is untyped here
    """An intrinsic function given as the JSON CloudFormation reads."""

    def __init__(self, data: dict[str, Any]) -> None:
        self.data = data


def ecr_repository_arn(image: Any) -> Any:
    """Return the ARN of the ECR repository an image URI points at.

    The image's own account and region are used, so AWS-owned framework images in another
    account work. For a URI only known at deploy time (an intrinsic), the repository is cut out
    with ``Fn::Split``: its first path segment followed by ``*`` (covers nested repository
    names), in the image's account and region, the three put in place by one ``Fn::Sub``.

    Args:
        image: ``ACCOUNT.dkr.ecr.REGION.amazonaws.com/REPO[:TAG|@DIGEST]`` or an intrinsic.

    Raises:
        ValueError: A literal that is not an ECR image URI.
    """
    if isinstance(image, AWSHelperFn):
        host = Split(".", image)
        after_host = Select(1, Split("/", image))
        repository = Select(0, Split("@", Select(0, Split(":", after_host))))
        return Sub(
            "arn:${AWS::Partition}:ecr:${Region}:${Account}:repository/${Repository}*",
            Region=Select(3, host),
            Account=Select(0, host),
            Repository=repository,
        )
    match = formats.ECR_IMAGE_URI.match(str(image))
    if not match:
        raise ValueError(formats.ECR_IMAGE_URI.refusal(image))
    region, account, repository = match["region"], match["account"], match["repository"]
    return Sub(f"arn:${{AWS::Partition}}:ecr:{region}:{account}:repository/{repository}")


def s3_object_arn(url: Any) -> Any:
    """Return the ARN of the S3 object at ``s3://bucket/key`` (literal or intrinsic).

    Raises:
        ValueError: A literal that is not an ``s3://bucket/key`` URL.
    """
    if isinstance(url, AWSHelperFn):
        return Sub("arn:${AWS::Partition}:s3:::${Path}", Path=Select(1, Split("s3://", url)))
    match = formats.S3_OBJECT_URI.match(str(url))
    if not match:
        raise ValueError(formats.S3_OBJECT_URI.refusal(url))
    return Sub(f"arn:${{AWS::Partition}}:s3:::{match['bucket']}/{match['key']}")


def document(*statements: Statement) -> PolicyDocument:
    """Wrap statements in a policy document."""
    return PolicyDocument(Version=POLICY_VERSION, Statement=list(statements))


def trust(service: str) -> PolicyDocument:
    """Trust policy letting an AWS service (``lambda.amazonaws.com``, ...) assume a role."""
    return document(
        Statement(
            Effect=Allow,
            Principal=Principal("Service", [service]),
            Action=[Action("sts", "AssumeRole")],
        )
    )


def service_role(
    logical_id: str, service: str, policy_name: str, statements: Sequence[Statement]
) -> iam.Role:
    """A role that one AWS service assumes, with one inline policy of ``statements``.

    Args:
        logical_id: The role's logical ID.
        service: The service principal, e.g. ``sagemaker.amazonaws.com``.
        policy_name: The inline policy's name.
        statements: What the role may do; those another one covers are left out
            (:func:`uncovered`).
    """
    return iam.Role(
        logical_id,
        AssumeRolePolicyDocument=trust(service),
        Policies=[
            iam.Policy(PolicyName=policy_name, PolicyDocument=document(*uncovered(statements)))
        ],
    )


def xray_write() -> Statement:
    """Upload X-Ray traces (active tracing)."""
    return Statement(
        Sid="XRayWrite",
        Effect=Allow,
        Action=[actions.xray.PutTraceSegments, actions.xray.PutTelemetryRecords],
        Resource=["*"],  # X-Ray puts take no resource
    )


def log_group_write(log_group_arn: Any) -> Statement:
    """Write log streams and events to one log group (``GetAtt LogGroup.Arn`` ends in ``:*``)."""
    return Statement(
        Sid="WriteOwnLogGroup",
        Effect=Allow,
        Action=[actions.logs.CreateLogStream, actions.logs.PutLogEvents],
        Resource=[log_group_arn],
    )


# Write to a log group's streams (creating them), as the services that deliver logs do.
_STREAM_WRITE = (
    actions.logs.CreateLogStream,
    actions.logs.PutLogEvents,
    actions.logs.DescribeLogStreams,
)


def sagemaker_logs() -> Statement:
    """CloudWatch Logs under ``/aws/sagemaker/``, as a hosting execution role needs."""
    return Statement(
        Sid="SagemakerLogs",
        Effect=Allow,
        Action=[actions.logs.CreateLogGroup, *_STREAM_WRITE],
        Resource=[arn("logs", "log-group:/aws/sagemaker/*")],
    )


def sagemaker_metrics() -> Statement:
    """Put metrics, limited by condition to SageMaker's namespaces."""
    return Statement(
        Sid="SagemakerMetrics",
        Effect=Allow,
        Action=[actions.cloudwatch.PutMetricData],
        Resource=["*"],  # metrics have no ARN; the condition scopes the namespace
        Condition=Condition(StringLike("cloudwatch:namespace", "/aws/sagemaker/*")),
    )


def ecr_pull(*repository_arns: Any) -> list[Statement]:
    """Pull images: the account-wide token plus layer reads on their repositories."""
    return [
        Statement(
            Sid="EcrToken",
            Effect=Allow,
            Action=[actions.ecr.GetAuthorizationToken],
            Resource=["*"],  # the registry token is account-wide
        ),
        Statement(
            Sid="EcrPull",
            Effect=Allow,
            Action=[
                actions.ecr.BatchCheckLayerAvailability,
                actions.ecr.BatchGetImage,
                actions.ecr.GetDownloadUrlForLayer,
            ],
            Resource=list(repository_arns),
        ),
    ]


def s3_read(object_arns: Sequence[Any]) -> Statement:
    """Read the named S3 objects (the model artifacts)."""
    return Statement(
        Sid="ModelArtifactRead",
        Effect=Allow,
        Action=[actions.s3.GetObject],
        Resource=list(object_arns),
    )


def s3_prefix_list(bucket_arn: Any, prefix: Any, sid: str = "ModelArtifactList") -> Statement:
    """List one prefix of a bucket (SageMaker lists an uncompressed model's files first)."""
    return Statement(
        Sid=sid,
        Effect=Allow,
        Action=[actions.s3.ListBucket],
        Resource=[bucket_arn],
        Condition=Condition(StringLike("s3:prefix", [prefix])),
    )


def kms_use(key_arn: Any) -> list[Statement]:
    """Use one KMS key for data, and create grants on it only on behalf of AWS services."""
    return [
        Statement(
            Sid="KeyUse",
            Effect=Allow,
            Action=[actions.kms.Decrypt, actions.kms.GenerateDataKey, actions.kms.DescribeKey],
            Resource=[key_arn],
        ),
        Statement(
            Sid="KeyGrantForAwsResource",
            Effect=Allow,
            Action=[actions.kms.CreateGrant],
            Resource=[key_arn],
            Condition=Condition(Bool("kms:GrantIsForAWSResource", "true")),
        ),
    ]


def describe_alarms(alarm_arns: Sequence[Any]) -> Statement:
    """Read the named alarms, as SageMaker does with a rollout's auto-rollback alarms.

    "Ensure that your IAM execution role has permission to perform the
    cloudwatch:DescribeAlarms action on the auto-rollback alarms you specify"
    (SageMaker developer guide, deployment-guardrails-configuration). Scoped to the alarms'
    ARNs: only composite alarms need ``*``, and these are metric alarms.
    """
    return Statement(
        Sid="DescribeRollbackAlarms",
        Effect=Allow,
        Action=[actions.cloudwatch.DescribeAlarms],
        Resource=list(alarm_arns),
    )


def invoke_endpoint(
    endpoint_arn: Any, *component_arns: Any, target_models: Sequence[str] | None = None
) -> Statement:
    """Invoke one SageMaker endpoint (``Ref`` of an ``AWS::SageMaker::Endpoint`` is its ARN).

    Args:
        endpoint_arn: The endpoint's ARN.
        *component_arns: Its inference components' ARNs (``Ref`` of each): a request naming a
            component is authorized against the endpoint and that component.
        target_models: Only these models of a multi-model endpoint (the ``sagemaker:TargetModel``
            condition key); None: any request the endpoint takes. Default None.
    """
    pinned = (
        {"Condition": Condition(StringEquals("sagemaker:TargetModel", list(target_models)))}
        if target_models
        else {}
    )
    return Statement(
        Sid="InvokeEndpoint",
        Effect=Allow,
        Action=[actions.sagemaker.InvokeEndpoint],
        Resource=[endpoint_arn, *component_arns],
        **pinned,
    )


def eni_manage(*, permissions: bool = False) -> list[Statement]:
    """Create and delete the ENIs a VPC-attached Lambda function or SageMaker model needs.

    Create is scoped to network-interface, subnet and security-group ARNs (the action takes all
    three); delete and IP assignment to network interfaces; only ``Describe*`` gets ``*``.

    Args:
        permissions: Also allow the ENI permission actions SageMaker uses. Default False.
    """
    interfaces = arn("ec2", "network-interface/*")
    create_resources = [interfaces, arn("ec2", "subnet/*"), arn("ec2", "security-group/*")]
    interface_actions = [
        actions.ec2.DeleteNetworkInterface,
        actions.ec2.AssignPrivateIpAddresses,
        actions.ec2.UnassignPrivateIpAddresses,
    ]
    describe = [
        actions.ec2.DescribeNetworkInterfaces,
        actions.ec2.DescribeSubnets,
        actions.ec2.DescribeSecurityGroups,
        actions.ec2.DescribeVpcs,
    ]
    if permissions:
        interface_actions += [
            actions.ec2.CreateNetworkInterfacePermission,
            actions.ec2.DeleteNetworkInterfacePermission,
        ]
        describe.append(actions.ec2.DescribeDhcpOptions)
    return [
        Statement(
            Sid="EniCreate",
            Effect=Allow,
            Action=[actions.ec2.CreateNetworkInterface],
            Resource=create_resources,
        ),
        Statement(Sid="EniManage", Effect=Allow, Action=interface_actions, Resource=[interfaces]),
        Statement(
            Sid="EniDescribe",
            Effect=Allow,
            Action=describe,
            Resource=["*"],  # EC2 Describe* has no resource-level permissions
        ),
    ]


def account_principals_only(actions: Sequence[Action], resources: Sequence[Any]) -> PolicyDocument:
    """A VPC endpoint policy: the named actions, for principals of this account only."""
    return for_account_principals(
        [Statement(Effect=Allow, Action=list(actions), Resource=list(resources))]
    )


def for_account_principals(statements: Sequence[Statement]) -> PolicyDocument:
    """A VPC endpoint policy granting these role statements to principals of this account only.

    Each statement keeps its actions, resources and conditions, and gains ``Principal: *`` under
    an ``aws:PrincipalAccount`` condition; statements are first :func:`merged` (the roles that
    need them often grant the same objects apart: the policy says it once).
    """
    account = StringEquals("aws:PrincipalAccount", Sub("${AWS::AccountId}"))
    granted = []
    for statement in merged(statements):
        fields = dict(statement.properties)
        condition = fields.pop("Condition", None)
        extra = list(condition.conditions) if condition is not None else []
        granted.append(
            Statement(
                **fields, Principal=Principal("AWS", "*"), Condition=Condition([account, *extra])
            )
        )
    return document(*granted)


def merged(statements: Sequence[Statement]) -> list[Statement]:
    """Return the statements with those that can say the same grant as one merged.

    Two statements alike in all but ``Action``, ``Resource`` and ``Sid`` merge when they have the
    same actions (the union of their resources) or the same resources (the union of their
    actions): either way the merged statement grants exactly what the two did, nothing more.
    Merged statements take the place of the first and keep a ``Sid`` only when all had the same
    one; others stay as they are. Statements another one covers go first (:func:`uncovered`).

    Args:
        statements: Statements with ``Action`` and ``Resource`` lists.

    Returns:
        The statements, as few as that allows, in the order of their first occurrence.
    """
    result = [dict(statement.properties) for statement in uncovered(statements)]
    # Each statement's JSON keys, worked out once and kept up to date as statements merge.
    rests = [_rest(fields) for fields in result]
    grants = [{key: _keys(fields, key) for key in _GRANT} for fields in result]
    changed = True
    while changed:
        changed = False
        for i, first in enumerate(result):
            for j in range(i + 1, len(result)):
                if rests[i] != rests[j]:
                    continue
                if not any(grants[i][key] == grants[j][key] for key in _GRANT):
                    continue
                second = result[j]
                for key in _GRANT:  # the one that differs gains the other's items
                    known = grants[i][key]
                    first[key] = [*first[key], *(v for v in second[key] if _key(v) not in known)]
                    grants[i][key] = known | grants[j][key]
                if first.get("Sid") != second.get("Sid"):
                    first.pop("Sid", None)
                del result[j], rests[j], grants[j]
                changed = True
                break
            if changed:
                break
    return [Statement(**fields) for fields in result]


def uncovered(statements: Sequence[Statement]) -> list[Statement]:
    """Return the statements without those another one grants already, in their order.

    A statement is left out when another, alike in all but ``Action``, ``Resource`` and ``Sid``,
    has all its actions and all its resources (of two equal statements, the first stays): the
    policy grants exactly the same without it.
    """
    # Each statement's JSON keys are worked out once, not once per pair compared.
    fields = [dict(statement.properties) for statement in statements]
    rests = [_rest(each) for each in fields]
    grants = [tuple(_keys(each, key) for key in _GRANT) for each in fields]
    kept = []
    for i, grant in enumerate(grants):
        covering = (
            j
            for j, other in enumerate(grants)
            if j != i
            and rests[j] == rests[i]
            and all(mine <= theirs for mine, theirs in zip(grant, other, strict=True))
            # Of two equal statements the first covers the second, not both each other.
            and (j < i or grant != other)
        )
        if next(covering, None) is None:
            kept.append(statements[i])
    return kept


_GRANT = ("Action", "Resource")


def _key(value: Any) -> str:
    """A value as policy JSON, for comparing awacs and troposphere objects."""
    return _CANONICAL_JSON(encoded(value))


# json.dumps(value, sort_keys=True) without making an encoder for each of a run's ~120 values.
_CANONICAL_JSON = json.JSONEncoder(sort_keys=True).encode


def _keys(fields: dict[str, Any], key: str) -> set[str]:
    return {_key(value) for value in fields[key]}


def _rest(fields: dict[str, Any]) -> str:
    """What two statements must share to merge: all but their grant and Sid."""
    return _key({k: v for k, v in fields.items() if k not in (*_GRANT, "Sid")})


def flow_log_write(log_group_arn: Any) -> Statement:
    """Deliver VPC flow logs to one log group."""
    return Statement(
        Sid="DeliverFlowLogs", Effect=Allow, Action=list(_STREAM_WRITE), Resource=[log_group_arn]
    )
