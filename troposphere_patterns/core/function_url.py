"""An HTTPS front door for a function: a Lambda function URL that only signed requests pass.

The URL's ``AuthType`` is always ``AWS_IAM``: a caller signs each request with SigV4 (service
``lambda``) and IAM decides, from the caller's identity policy and the function's resource
policy, whether it may call. Since October 2025 a new function URL needs both
``lambda:InvokeFunctionUrl`` and ``lambda:InvokeFunction`` in that resource policy (Lambda
Developer Guide, "Control access to Lambda function URLs"); the second is granted only through
the URL (``InvokedViaFunctionUrl``), so the principal gains no direct ``Invoke`` call.

A public URL (``AuthType: NONE``) is not offered: anyone on the internet could then spend the
endpoint's capacity. Put API Gateway or CloudFront (with their own authorizers) in front instead.

The function's ``Timeout`` (90 s by default) bounds a request through the URL; a real-time
endpoint answers within SageMaker's 60 s, an asynchronous one at once with where the result goes.
"""

from __future__ import annotations

from troposphere import AWSHelperFn, BaseAWSObject, GetAtt, Parameter, Ref, awslambda

from troposphere_patterns.core import actions, formats
from troposphere_patterns.core import ids as core_ids
from troposphere_patterns.core.ids import LogicalIds
from troposphere_patterns.core.options import deploy_time
from troposphere_patterns.core.outputs import OutputRow
from troposphere_patterns.core.values import Value
from troposphere_patterns.core.waivers import guard_metadata
from troposphere_patterns.errors import Problem
from troposphere_patterns.records import record

AUTH_TYPE = "AWS_IAM"
# Buffered: the handler returns one response (streaming needs a streaming handler).
INVOKE_MODE = "BUFFERED"


@record(kw_only=True)
class FunctionUrl:
    """Give the function an HTTPS URL that takes SigV4-signed requests (``AWS_IAM`` auth).

    Attributes:
        principal: Who may call the URL: an account ID, an IAM role or user ARN, or an
            intrinsic. Default None: this account (``AWS::AccountId``), whose identity
            policies then decide which of its roles and users may call.
    """

    principal: Value | None = None

    def problems(self, where: str = "function_url") -> list[Problem]:
        """Every problem with the fields, each naming ``<where>.<field>``."""
        principal = self.principal
        if principal is None or deploy_time(principal):
            return []
        if formats.ACCOUNT_ID.match(principal) or formats.IAM_PRINCIPAL_ARN.match(principal):
            return []
        return [
            Problem(
                f"{where}.principal",
                f"{principal!r} is not an account ID or an IAM role or user ARN "
                "(123456789012, arn:PARTITION:iam::ACCOUNT:role/NAME)",
            )
        ]

    @property
    def caller(self) -> Value | AWSHelperFn:
        """The principal the resource policy names (this account by default)."""
        if self.principal is None:
            return Ref("AWS::AccountId")
        # troposphere takes a Parameter's Ref here, not the Parameter.
        return Ref(self.principal) if isinstance(self.principal, Parameter) else self.principal


def function_url(
    option: FunctionUrl, ids: LogicalIds, function: awslambda.Function
) -> tuple[BaseAWSObject, ...]:
    """The URL and the resource policy statements a signed request needs.

    Args:
        option: Who may call.
        ids: Logical IDs.
        function: The function behind the URL (created, or the caller's).
    """
    arn = GetAtt(function, "Arn")
    url = awslambda.Url(
        ids(core_ids.LAMBDA_FUNCTION_URL),
        AuthType=AUTH_TYPE,
        InvokeMode=INVOKE_MODE,
        TargetFunctionArn=arn,
    )
    # CT.LAMBDA.PR.2 recognises only literal account IDs and IAM ARNs (core/waivers.py).
    literal = isinstance(option.caller, str)
    waived = {} if literal else {"Metadata": guard_metadata(["CT.LAMBDA.PR.2"])}
    through_url = awslambda.Permission(
        ids(core_ids.LAMBDA_FUNCTION_URL_PERMISSION),
        Action=actions.awslambda.InvokeFunctionUrl.JSONrepr(),
        FunctionName=arn,
        FunctionUrlAuthType=AUTH_TYPE,
        Principal=option.caller,
        **waived,
    )
    invoke = awslambda.Permission(
        ids(core_ids.LAMBDA_FUNCTION_URL_INVOKE_PERMISSION),
        Action=actions.awslambda.InvokeFunction.JSONrepr(),
        FunctionName=arn,
        InvokedViaFunctionUrl=True,
        Principal=option.caller,
        **waived,
    )
    return url, through_url, invoke


def url_outputs(option: FunctionUrl | None, ids: LogicalIds) -> tuple[OutputRow, ...]:
    """The URL, as a template exports it (nothing without the option)."""
    if option is None:
        return ()
    url = GetAtt(ids(core_ids.LAMBDA_FUNCTION_URL), "FunctionUrl")
    return ((core_ids.OUTPUT_FUNCTION_URL, url, "HTTPS URL of the function (SigV4, AWS_IAM)"),)
