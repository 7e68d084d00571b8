"""A Lambda function with its own role, log group and least-privilege policies."""

from __future__ import annotations

import math
import re
from collections.abc import Collection, Mapping, Sequence
from typing import TYPE_CHECKING, Any, ClassVar

from awacs.aws import Statement
from troposphere import (
    AWSHelperFn,
    BaseAWSObject,
    GetAtt,
    Join,
    PropsDictType,
    Ref,
    Split,
    Sub,
    awslambda,
    cloudwatch,
    iam,
    logs,
)

from troposphere_patterns.core import formats, iam_policies, values, waivers
from troposphere_patterns.core import ids as core_ids
from troposphere_patterns.core.deletion import DEFAULT_DELETION_POLICY
from troposphere_patterns.core.function_alarms import function_alarms
from troposphere_patterns.core.hosting.options.alarms import AlarmMaker
from troposphere_patterns.core.ids import LogicalIds
from troposphere_patterns.core.log_group import log_group
from troposphere_patterns.core.network import Placement
from troposphere_patterns.core.options import present
from troposphere_patterns.core.outputs import OutputRow
from troposphere_patterns.core.overrides import build, merge, plain
from troposphere_patterns.core.overrides import problems as property_problems
from troposphere_patterns.errors import Problem, parse_path
from troposphere_patterns.records import record

if TYPE_CHECKING:
    from troposphere_patterns.core.function_url import FunctionUrl

# The newest Python runtime that cfn-lint accepts for inline (ZipFile) code.
DEFAULT_RUNTIME = "python3.14"
DEFAULT_HANDLER = "index.handler"
# How long the default handler waits for the model (its environment variable). 70 s covers
# SageMaker's 60 s container limit for direct invocation and function URLs; behind API Gateway
# (29 s REST, 30 s HTTP APIs) set it below the gateway's limit (README, "Timeouts").
READ_TIMEOUT_VARIABLE = "SAGEMAKER_READ_TIMEOUT_SECONDS"
DEFAULT_READ_TIMEOUT_SECONDS = 70
# The function's Timeout is the read timeout plus this, and the other way round when only the
# Timeout is given: a connect (2 s), answering after a read timeout (3 s), an upload or a retry,
# so a slow model ends in the handler's clear 504 rather than a Lambda timeout.
TIMEOUT_MARGIN_SECONDS = 10
HANDLER_MARGIN_SECONDS = 5  # the least the handler needs beside its read timeout
MAX_TIMEOUT_SECONDS = 900  # Lambda's limit
DEFAULT_TIMEOUT_SECONDS = DEFAULT_READ_TIMEOUT_SECONDS + TIMEOUT_MARGIN_SECONDS
DEFAULT_MEMORY_MB = 256

DEFAULTS: Mapping[str, Any] = {
    "MemorySize": DEFAULT_MEMORY_MB,
    "TracingConfig": {"Mode": "Active"},
}
# Only a .zip package has a runtime and handler; an image brings its own and Lambda refuses both.
ZIP_DEFAULTS: Mapping[str, Any] = {"Runtime": DEFAULT_RUNTIME, "Handler": DEFAULT_HANDLER}
IMAGE_EXCLUDED = ("Runtime", "Handler", "Layers")
# The three ways to give code (AWS::Lambda::Function Code). That exactly one is given is
# troposphere's rule (validate_code, run when the props are checked), not repeated here.
CODE_SOURCES: Mapping[str, tuple[str, ...]] = {
    "ZipFile": ("ZipFile",),
    "S3Bucket+S3Key": ("S3Bucket", "S3Key"),
    "ImageUri": ("ImageUri",),
}
# Node.js SDK v2 reuses HTTP connections only when asked; v3 ignores it.
NODEJS_DEFAULT_VARIABLES: Mapping[str, str] = {"AWS_NODEJS_CONNECTION_REUSE_ENABLED": "1"}

# Keys Lambda sets itself and refuses in a function's configuration (the Lambda developer
# guide, "Defined runtime environment variables"); names starting with _ fail the pattern.
RESERVED_VARIABLES = frozenset(
    {
        "AWS_ACCESS_KEY",
        "AWS_ACCESS_KEY_ID",
        "AWS_DEFAULT_REGION",
        "AWS_EXECUTION_ENV",
        "AWS_LAMBDA_FUNCTION_MEMORY_SIZE",
        "AWS_LAMBDA_FUNCTION_NAME",
        "AWS_LAMBDA_FUNCTION_VERSION",
        "AWS_LAMBDA_INITIALIZATION_TYPE",
        "AWS_LAMBDA_LOG_GROUP_NAME",
        "AWS_LAMBDA_LOG_STREAM_NAME",
        "AWS_LAMBDA_RUNTIME_API",
        "AWS_REGION",
        "AWS_SECRET_ACCESS_KEY",
        "AWS_SECRET_KEY",
        "AWS_SECURITY_TOKEN",
        "AWS_SESSION_TOKEN",
        "LAMBDA_RUNTIME_DIR",
        "LAMBDA_TASK_ROOT",
    }
)


class _Environment(awslambda.Environment):  # type: ignore[misc]
    """troposphere's ``Environment`` without its variable-name validator.

    ``validate_variables_name`` matches a prefix (it admits ``AB-C`` and a trailing newline),
    knows 16 of Lambda's 18 reserved names and stops at the first bad one. Names are checked
    by :func:`variable_name_problem` alone, so a bad name gives one message.
    """

    props: PropsDictType = {  # noqa: RUF012 - troposphere's class-level property table
        **awslambda.Environment.props,
        "Variables": (dict, False),
    }


class CheckedFunction(awslambda.Function):  # type: ignore[misc]
    """``AWS::Lambda::Function`` as caller props are checked against (see ``_Environment``)."""

    props: PropsDictType = {  # noqa: RUF012 - troposphere's class-level property table
        **awslambda.Function.props,
        "Environment": (_Environment, False),
    }


@record
class FunctionBundle:
    """A function and what it needs.

    Attributes:
        function: The ``AWS::Lambda::Function``.
        role: Its execution role, or None when the caller gave ``Role``.
        policy: Grants the function waits for (``DependsOn``) before it is created.
        log_group: ``/aws/lambda/<function>``, encrypted, with retention.
        log_policy: Write access to that log group; separate because the log group's name
            depends on the function, so the function cannot wait for it.
    """

    function: awslambda.Function
    role: iam.Role | None
    policy: iam.PolicyType
    log_group: logs.LogGroup
    log_policy: iam.PolicyType

    @property
    def resources(self) -> tuple[BaseAWSObject, ...]:
        """Everything to add to a template."""
        head = (self.role,) if self.role is not None else ()
        return (*head, self.policy, self.function, self.log_group, self.log_policy)


def role_name(role_arn: Any) -> Any:
    """Return a value for ``AWS::IAM::Policy.Roles`` that names the role behind ``role_arn``.

    Args:
        role_arn: ``GetAtt <Role>.Arn`` of a role in the template, or a literal role ARN.

    Raises:
        ValueError: Any other value; an ARN known only at deploy time has no name to attach to.
    """
    if isinstance(role_arn, GetAtt):
        target, attribute = role_arn.data["Fn::GetAtt"]
        if attribute == "Arn":
            return Ref(target)
    elif isinstance(role_arn, str) and (match := formats.IAM_ROLE_ARN.match(role_arn)):
        return match["name"]
    raise ValueError(
        "the role must be GetAtt(<AWS::IAM::Role>, 'Arn') or a literal role ARN, so the "
        f"pattern can attach its policy to it; got {role_arn!r}"
    )


def variable_name_problem(name: Any, where: str, reserved: Collection[str] = ()) -> Problem | None:
    """Why ``name`` cannot be a Lambda environment variable's key, or None when it can.

    Args:
        name: The key.
        where: The prop to name in the message.
        reserved: Names the caller's code relies on, refused as well as Lambda's own.
    """
    problem = formats.LAMBDA_VARIABLE_NAME.problem(name, where)
    if problem is not None:
        return problem
    if name in RESERVED_VARIABLES or name in reserved:
        return Problem(
            where, f"{name!r} is reserved (Lambda or the pattern sets it); choose another"
        )
    return None


def is_image(props: Mapping[str, Any]) -> bool:
    """Tell whether plain function props describe a container-image function."""
    code = props.get("Code")
    return props.get("PackageType") == "Image" or (isinstance(code, Mapping) and "ImageUri" in code)


def function_props_problems(props: Mapping[str, Any], where: str, *, in_vpc: bool) -> list[Problem]:
    """Rules troposphere's property table does not hold, for plain function props.

    Args:
        props: The caller's ``AWS::Lambda::Function`` properties, as plain mappings.
        where: The prop name to report, e.g. ``"lambda_function_props"``.
        in_vpc: The pattern places the function in its VPC.

    Returns:
        One message per problem, each naming ``where.Key``.
    """
    found: list[Problem] = []
    code = props.get("Code")
    if code is None:
        found.append(Problem(f"{where}.Code", "required (the function's code)"))
    elif isinstance(code, Mapping):
        found += _code_problems(code, props.get("PackageType"), f"{where}.Code")
        found += present(_inline_runtime_problem(code, props.get("Runtime"), f"{where}.Runtime"))
    if is_image(props):
        found += [
            Problem(f"{where}.{name}", "not allowed with a container image (PackageType: Image)")
            for name in IMAGE_EXCLUDED
            if name in props
        ]
    if "Role" in props:
        try:
            role_name(props["Role"])
        except ValueError as error:
            found.append(Problem(f"{where}.Role", str(error)))
    found += timeout_problems(props, where)
    environment = props.get("Environment")
    variables = environment.get("Variables") if isinstance(environment, Mapping) else None
    if isinstance(variables, Mapping):
        named = (variable_name_problem(key, f"{where}.Environment.Variables") for key in variables)
        found += [problem for problem in named if problem is not None]
        found += values.string_map_problems(variables, f"{where}.Environment.Variables")
    caller_vpc = props.get("VpcConfig")
    if in_vpc and isinstance(caller_vpc, AWSHelperFn):
        found.append(
            Problem(
                f"{where}.VpcConfig",
                "the pattern places the function in its VPC, so it cannot be an intrinsic; give "
                "SecurityGroupIds (a list or an intrinsic) to add groups",
            )
        )
    elif in_vpc and isinstance(caller_vpc, Mapping) and "SubnetIds" in caller_vpc:
        found.append(
            Problem.line(
                (*parse_path(where), "VpcConfig", "SubnetIds", "deploy_vpc", "existing_vpc"),
                f"{where}.VpcConfig.SubnetIds with deploy_vpc/existing_vpc: the pattern places "
                "the function in its VPC's subnets (SecurityGroupIds alone are accepted and "
                "added to the pattern's)",
            )
        )
    return found


def existing_function_problems(
    function: awslambda.Function, where: str, *, in_vpc: bool
) -> list[Problem]:
    """What stops the pattern from adding its variable and permission to a caller's function.

    Args:
        function: The caller's function.
        where: The prop name to report, e.g. ``"existing_lambda_obj"``.
        in_vpc: The pattern places its resources in a VPC.
    """
    existing = plain(function.properties)
    found: list[Problem] = []
    try:
        role_name(existing.get("Role"))
    except ValueError as error:
        found.append(Problem(f"{where}.Role", str(error)))
    for name in ("Environment", "VpcConfig") if in_vpc else ("Environment",):
        if isinstance(existing.get(name), AWSHelperFn):
            found.append(
                Problem(
                    f"{where}.{name}",
                    "the pattern adds to it, so it must be a mapping or property object, not an "
                    "intrinsic",
                )
            )
    if in_vpc and "VpcConfig" not in existing:
        found.append(
            Problem.line(
                (*parse_path(where), "deploy_vpc", "existing_vpc"),
                f"{where} has no VpcConfig but deploy_vpc/existing_vpc is set: a function cannot "
                "be moved into a VPC by the pattern; give it a VpcConfig",
            )
        )
    return found


def _inline_runtime_problem(code: Mapping[str, Any], runtime: Any, where: str) -> Problem | None:
    """Inline code (``ZipFile``) runs only on a Python or Node.js runtime (cfn-lint E3677).

    Lambda writes the inline source to ``index.py`` or ``index.js``; any other runtime has no
    such file to run. A runtime known only at deploy time (an intrinsic) is the caller's to
    get right.
    """
    if "ZipFile" not in code or not isinstance(runtime, str):
        return None
    if re.fullmatch(r"(python|nodejs).*", runtime):
        return None
    return Problem(
        where,
        f"{runtime!r} cannot run inline code (Code.ZipFile): give a python* or nodejs* "
        "runtime, or the code as S3Bucket and S3Key",
    )


def _code_problems(code: Mapping[str, Any], package_type: Any, where: str) -> list[Problem]:
    """Whether the one code source fits ``PackageType`` (troposphere counts the sources)."""
    given = [source for source, keys in CODE_SOURCES.items() if any(key in code for key in keys)]
    if len(given) != 1 or not all(key in code for key in CODE_SOURCES[given[0]]):
        return []  # troposphere's validate_code names sources missing or given together
    source = given[0]
    if isinstance(package_type, str):
        image = source == "ImageUri"
        if image != (package_type == "Image"):
            needed = "Image" if image else "Zip (the default)"
            return [Problem(where, f"{source} needs PackageType {needed}, got {package_type!r}")]
    elif package_type is None and source == "ImageUri":
        return [Problem(where, "ImageUri needs PackageType: Image")]
    return []


def is_nodejs(runtime: Any) -> bool:
    """Tell whether a runtime value is a literal ``nodejs*`` runtime."""
    return isinstance(runtime, str) and runtime.startswith("nodejs")


def vpc_config(network: Placement, caller_group_ids: Any = None) -> dict[str, Any]:
    """The function's ``VpcConfig``: the caller's security groups followed by the pattern's."""
    own = network.security_group_id
    if caller_group_ids is None:
        groups: Any = [own]
    elif isinstance(caller_group_ids, AWSHelperFn):
        # A List<...> parameter cannot be concatenated directly; join then split.
        groups = Split(",", Join(",", [Join(",", caller_group_ids), own]))
    else:
        groups = [*caller_group_ids, own]
    return {"SubnetIds": network.subnet_ids, "SecurityGroupIds": groups}


def _number(value: Any) -> float | None:
    """A literal number of seconds (an int, or a variable's decimal text); None otherwise."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str) and re.fullmatch(r"\d+(\.\d+)?", value.strip()):
        return float(value)
    return None


def _read_timeout(props: Mapping[str, Any]) -> Any:
    environment = props.get("Environment")
    variables = environment.get("Variables") if isinstance(environment, Mapping) else None
    return variables.get(READ_TIMEOUT_VARIABLE) if isinstance(variables, Mapping) else None


def timeouts(props: Mapping[str, Any]) -> dict[str, Any]:
    """The function's ``Timeout`` and the handler's read timeout, the one following the other.

    Neither given: 70 s and 80 s. Only the read timeout (``Environment.Variables.``
    ``SAGEMAKER_READ_TIMEOUT_SECONDS``, a literal): ``Timeout`` is it plus 10 s, rounded up.
    Only a literal ``Timeout``: the read timeout is 10 s less (at least 1 s). Both, or an
    intrinsic: nothing (``timeout_problems`` checks them).

    Args:
        props: The caller's function properties.

    Returns:
        Default properties to merge under the caller's.
    """
    read, timeout = _read_timeout(props), props.get("Timeout")
    if read is None and timeout is None:
        read, timeout = DEFAULT_READ_TIMEOUT_SECONDS, DEFAULT_TIMEOUT_SECONDS
    elif timeout is None and (seconds := _number(read)) is not None:
        timeout = min(MAX_TIMEOUT_SECONDS, math.ceil(seconds) + TIMEOUT_MARGIN_SECONDS)
    elif read is None and (seconds := _number(timeout)) is not None:
        read = max(1, int(seconds) - TIMEOUT_MARGIN_SECONDS)
    defaults: dict[str, Any] = {"Timeout": timeout} if timeout is not None else {}
    if read is not None:
        defaults["Environment"] = {"Variables": {READ_TIMEOUT_VARIABLE: str(read)}}
    return defaults


def timeout_problems(props: Mapping[str, Any], where: str) -> list[Problem]:
    """A read timeout that is no number of seconds, or that leaves the handler no time.

    Args:
        props: The caller's function properties.
        where: The prop name to report, e.g. ``"lambda_function_props"``.
    """
    read, timeout = _read_timeout(props), props.get("Timeout")
    path = f"{where}.Environment.Variables.{READ_TIMEOUT_VARIABLE}"
    if read is None or isinstance(read, AWSHelperFn):
        if isinstance(read, AWSHelperFn) and timeout is None:
            return [Problem(path, "a deploy-time value: set Timeout too, above it")]
        return []
    seconds = _number(read)
    limit = MAX_TIMEOUT_SECONDS - HANDLER_MARGIN_SECONDS
    if seconds is None or not 1 <= seconds <= limit:
        return [Problem(path, f"seconds the handler waits for the model, 1-{limit}; got {read!r}")]
    least = seconds + HANDLER_MARGIN_SECONDS
    if (given := _number(timeout)) is not None and given < least:
        return [
            Problem(
                f"{where}.Timeout",
                f"{given:g} s leaves the handler no time to answer after its "
                f"{seconds:g} s read timeout: at least {least:g}",
            )
        ]
    return []


def _waived_checks(props: Mapping[str, Any], *, in_vpc: bool) -> list[str]:
    """The checkov checks this function waives: only those whose setting the caller left out."""
    checks = ["CKV_AWS_116"]  # synchronous invocation: a DLQ would never be used
    if "ReservedConcurrentExecutions" not in props:
        checks.append("CKV_AWS_115")
    if "KmsKeyArn" not in props:
        checks.append("CKV_AWS_173")
    if not in_vpc:
        checks.append("CKV_AWS_117")
    return checks


def lambda_function(
    ids: LogicalIds,
    *,
    function_props: Mapping[str, Any],
    kms_key_arn: Any,
    deletion_policy: str = DEFAULT_DELETION_POLICY,
    variables: Mapping[str, Any] | None = None,
    statements: Sequence[Statement] = (),
    network: Placement | None = None,
) -> FunctionBundle:
    """Build a traced function, its role and policies, and its encrypted log group.

    Args:
        ids: Logical IDs (``LambdaFunction``, its role, policies and log group in
            ``core/ids.py``; the role is not created when ``function_props`` has ``Role``).
        function_props: Caller's ``AWS::Lambda::Function`` properties, merged over the
            defaults (``python3.14``, ``index.handler``, 256 MB, active tracing, and the read
            timeout and ``Timeout`` of :func:`timeouts`: 70 s and 80 s).
        kms_key_arn: Key for the log group.
        deletion_policy: ``DeletionPolicy`` of the log group. Default ``Retain``.
        variables: Environment variables that win over the caller's.
        statements: Extra permissions for the function's policy.
        network: Put the function in a VPC.
    """
    function_id = ids(core_ids.LAMBDA_FUNCTION)
    caller = merge(function_props)
    defaults = merge(DEFAULTS, None if is_image(caller) else ZIP_DEFAULTS, timeouts(caller))
    if is_nodejs(caller.get("Runtime")):
        defaults = merge(defaults, {"Environment": {"Variables": dict(NODEJS_DEFAULT_VARIABLES)}})

    role = None
    if "Role" in caller:
        role_ref = role_name(caller["Role"])
    else:
        role = iam.Role(
            ids(core_ids.LAMBDA_ROLE),
            AssumeRolePolicyDocument=iam_policies.trust("lambda.amazonaws.com"),
        )
        role_ref = Ref(role)
        defaults["Role"] = GetAtt(role, "Arn")

    required: dict[str, Any] = {}
    if variables:
        required["Environment"] = {"Variables": dict(variables)}
    all_statements = [iam_policies.xray_write(), *statements]
    if network is not None:
        caller_vpc = caller.get("VpcConfig")
        caller_groups = caller_vpc.get("SecurityGroupIds") if isinstance(caller_vpc, dict) else None
        required["VpcConfig"] = vpc_config(network, caller_groups)
        all_statements += iam_policies.eni_manage()

    policy = iam.PolicyType(
        ids(core_ids.LAMBDA_POLICY),
        PolicyName="FunctionPermissions",
        PolicyDocument=iam_policies.document(*all_statements),
        Roles=[role_ref],
    )
    props = merge(defaults, caller, required)
    function = build(awslambda.Function, props, function_id)
    function.DependsOn = [policy.title]
    function.Metadata = waivers.checkov_metadata(_waived_checks(props, in_vpc=network is not None))
    if network is None:  # Control Tower's rule that a function runs in a VPC
        function.Metadata.update(waivers.guard_metadata(["CT.LAMBDA.PR.3"]))
    group = log_group(
        ids(core_ids.LAMBDA_LOG_GROUP),
        kms_key_arn=kms_key_arn,
        name=Sub(f"/aws/lambda/${{{function_id}}}"),
        deletion_policy=deletion_policy,
    )
    log_policy = iam.PolicyType(
        ids(core_ids.LAMBDA_LOG_POLICY),
        PolicyName="WriteOwnLogs",
        PolicyDocument=iam_policies.document(iam_policies.log_group_write(GetAtt(group, "Arn"))),
        Roles=[role_ref],
    )
    return FunctionBundle(function, role, policy, group, log_policy)


@record
class FunctionAttachment:
    """What a pattern changes on a function already in the caller's template.

    Attributes:
        function: The caller's function.
        policy: The policy the pattern attaches to its role; the function waits for it.
        properties: New values of its ``Environment`` (and ``VpcConfig`` in a VPC).
    """

    function: awslambda.Function
    policy: iam.PolicyType
    properties: Mapping[str, Any]

    def apply(self) -> None:
        """Change the function (only once everything else has been added)."""
        for name, value in self.properties.items():
            setattr(self.function, name, value)
        depends_on = getattr(self.function, "DependsOn", [])
        current = [depends_on] if isinstance(depends_on, str) else list(depends_on)
        self.function.DependsOn = [*current, self.policy.title]


def attach_to_function(
    function: awslambda.Function,
    *,
    policy_id: str,
    policy_name: str,
    variables: Mapping[str, Any],
    statements: Sequence[Statement],
    security_group_id: Any = None,
) -> FunctionAttachment:
    """Give a caller's function environment variables, a policy, and a security group.

    Args:
        function: The caller's function; its ``Role`` must be ``GetAtt(<Role>, "Arn")`` or a
            literal role ARN.
        policy_id: Logical ID of the policy on its role.
        policy_name: The policy's name (what it lets the function do).
        variables: Environment variables to set (merged over the function's own).
        statements: What its role may do for the pattern.
        security_group_id: A group to add to its ``VpcConfig`` (it must have one), or None.
    """
    current = merge(function.properties)
    environment = merge(current.get("Environment"), {"Variables": dict(variables)})
    properties: dict[str, Any] = {"Environment": build(awslambda.Environment, environment)}
    if security_group_id is not None:
        own = current["VpcConfig"]
        joined = vpc_config(
            Placement(own.get("SubnetIds"), security_group_id), own.get("SecurityGroupIds")
        )
        properties["VpcConfig"] = build(awslambda.VPCConfig, {**own, **joined})
    # Only what the statements grant: a function that has a VpcConfig has its ENI grants.
    policy = iam.PolicyType(
        policy_id,
        PolicyName=policy_name,
        PolicyDocument=iam_policies.document(*statements),
        Roles=[role_name(function.properties["Role"])],
    )
    return FunctionAttachment(function, policy, properties)


def function_outputs(
    function: awslambda.Function, ids: LogicalIds, url: FunctionUrl | None = None
) -> tuple[OutputRow, ...]:
    """A function's name and ARN, and its URL's address if ``url`` (the URL named by ``ids``)."""
    rows: tuple[OutputRow, ...] = (
        (core_ids.OUTPUT_FUNCTION_NAME, Ref(function), "Name of the Lambda function"),
        (core_ids.OUTPUT_FUNCTION_ARN, GetAtt(function, "Arn"), "ARN of the Lambda function"),
    )
    if url is not None:
        from troposphere_patterns.core.function_url import url_outputs  # only with a URL

        rows += url_outputs(url, ids)
    return rows


@record
class FunctionSide:
    """The function a pattern wired, and what that added.

    Attributes:
        function: The created function, or the caller's.
        attachment: What the pattern changes on the caller's function (applied last); None for
            a created function.
        resources: Everything to add to a template, its alarms included.
        alarms: The function's Errors and Throttles alarms, when asked for.
    """

    function: awslambda.Function
    attachment: FunctionAttachment | None
    resources: tuple[BaseAWSObject, ...]
    alarms: tuple[cloudwatch.Alarm, ...] = ()


@record(kw_only=True)
class FunctionChoice:
    """The function that calls a pattern's service: one the pattern creates, or the caller's.

    Attributes:
        existing_lambda_obj: A function in the caller's template. Default None.
        lambda_function_props: ``AWS::Lambda::Function`` properties of the function to create,
            merged over the defaults. Default None.
        function_url: An HTTPS URL in front of the function (``AWS_IAM`` auth). Default None.
    """

    # The props each resource is built from, to name them if troposphere refuses it late.
    BUILT_FROM: ClassVar[Mapping[str, tuple[str, ...]]] = {
        core_ids.LAMBDA_FUNCTION: ("lambda_function_props",),
        core_ids.LAMBDA_POLICY: ("lambda_function_props", "existing_lambda_obj"),
    }

    existing_lambda_obj: awslambda.Function | None = None
    lambda_function_props: Mapping[str, Any] | None = None
    function_url: FunctionUrl | None = None

    def problems(self, *, in_vpc: bool) -> list[Problem]:
        """One or the other, and each one's rules (``in_vpc``: the pattern uses a VPC)."""
        existing, props = self.existing_lambda_obj, self.lambda_function_props
        both = ("existing_lambda_obj", "lambda_function_props")
        found: list[Problem] = []
        if existing is not None and props is not None:
            found.append(
                Problem.line(
                    both, "existing_lambda_obj and lambda_function_props: give one or the other"
                )
            )
        if existing is None and props is None:
            found.append(
                Problem.line(
                    both, "neither existing_lambda_obj nor lambda_function_props: one is required"
                )
            )
        if props is not None:
            found += property_problems(CheckedFunction, props, "lambda_function_props")
            found += function_props_problems(merge(props), "lambda_function_props", in_vpc=in_vpc)
        if existing is not None:
            found += existing_function_problems(existing, "existing_lambda_obj", in_vpc=in_vpc)
            found += core_ids.named_after_problems(existing.title, "existing_lambda_obj")
        if self.function_url is not None:
            found += self.function_url.problems("function_url")
        return found

    def build(
        self,
        ids: LogicalIds,
        *,
        kms_key_arn: Any,
        deletion_policy: str,
        variables: Mapping[str, Any],
        statements: Sequence[Statement],
        network: Placement | None,
        policy_name: str,
        alarms: AlarmMaker | None = None,
    ) -> FunctionSide:
        """Create the function, or give the caller's the variables, grants and group.

        Args:
            ids: Logical IDs.
            kms_key_arn: The key of a created function's log group.
            deletion_policy: Of a created function's log group.
            variables: Environment variables to set.
            statements: What the function's role may do for the pattern.
            network: Subnets and the pattern's group (the caller's function keeps its subnets).
            policy_name: Names the policy attached to a caller's function's role.
            alarms: Builds the function's alarms; None for none.
        """
        if self.existing_lambda_obj is not None:
            attachment = attach_to_function(
                self.existing_lambda_obj,
                policy_id=ids(core_ids.LAMBDA_POLICY),
                policy_name=policy_name,
                variables=variables,
                statements=statements,
                security_group_id=network.security_group_id if network is not None else None,
            )
            function, resources = self.existing_lambda_obj, (attachment.policy,)
        else:
            if self.lambda_function_props is None:
                raise ValueError("problems() lets no choice through without a function")
            bundle = lambda_function(
                ids,
                function_props=self.lambda_function_props,
                kms_key_arn=kms_key_arn,
                deletion_policy=deletion_policy,
                variables=variables,
                statements=statements,
                network=network,
            )
            function, attachment, resources = bundle.function, None, bundle.resources
        watch = function_alarms(alarms, function.title) if alarms is not None else ()
        front: tuple[BaseAWSObject, ...] = ()
        if self.function_url is not None:
            from troposphere_patterns.core.function_url import function_url  # only with a URL

            front = function_url(self.function_url, ids, function)
        return FunctionSide(function, attachment, (*resources, *front, *watch), watch)
