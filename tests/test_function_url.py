"""The function URL: AWS_IAM only, both permissions a signed request needs, its Output."""

from __future__ import annotations

from typing import Any

from troposphere import Parameter, Template

from tests.scenarios import CALLER_ROLE_ARN, caller_function, props
from tests.templates_helpers import cfn_lint, of_type
from troposphere_patterns import FunctionUrl, add_lambda_sagemakerendpoint, lambda_sagemakerendpoint


def _permissions(template: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Each Lambda permission's properties, by its action."""
    return {
        resource["Properties"]["Action"]: resource["Properties"]
        for resource in of_type(template, "AWS::Lambda::Permission").values()
    }


def test_the_caller_s_function_gets_the_url_and_both_permissions() -> None:
    template = Template()
    function = caller_function(template)
    add_lambda_sagemakerendpoint(
        template,
        props(
            lambda_function_props=None,
            existing_lambda_obj=function,
            function_url=FunctionUrl(principal=CALLER_ROLE_ARN),
        ),
    )
    body = template.to_dict()
    [url] = of_type(body, "AWS::Lambda::Url").values()
    arn = {"Fn::GetAtt": ["CallerFunction", "Arn"]}
    assert url["Properties"] == {
        "AuthType": "AWS_IAM",
        "InvokeMode": "BUFFERED",
        "TargetFunctionArn": arn,
    }
    granted = _permissions(body)
    assert set(granted) == {"lambda:InvokeFunctionUrl", "lambda:InvokeFunction"}
    assert all(
        p["FunctionName"] == arn and p["Principal"] == CALLER_ROLE_ARN for p in granted.values()
    )
    assert granted["lambda:InvokeFunctionUrl"]["FunctionUrlAuthType"] == "AWS_IAM"
    # InvokeFunction only through the URL: the role gains no direct Invoke call.
    assert granted["lambda:InvokeFunction"]["InvokedViaFunctionUrl"] is True
    assert "Outputs" not in body  # add_ leaves Outputs to the caller
    # A literal principal is what CT.LAMBDA.PR.2 reads: nothing to waive.
    assert not any("Metadata" in r for r in of_type(body, "AWS::Lambda::Permission").values())


def test_a_deploy_time_principal_and_a_prefix() -> None:
    caller = Parameter("UrlCaller", Type="String")
    template = lambda_sagemakerendpoint(
        props(function_url=FunctionUrl(principal=caller), id_prefix="Fraud")
    ).to_dict()
    assert set(of_type(template, "AWS::Lambda::Url")) == {"FraudLambdaFunctionUrl"}
    assert {p["Principal"]["Ref"] for p in _permissions(template).values()} == {"UrlCaller"}
    # An intrinsic principal is neither an account ID nor an ARN to CT.LAMBDA.PR.2: waived.
    for permission in of_type(template, "AWS::Lambda::Permission").values():
        [skip] = permission["Metadata"]["cfn-guard"]["skip"]
        assert skip["id"] == "CT.LAMBDA.PR.2"
    output = template["Outputs"]["FraudLambdaFunctionHttpsUrl"]
    assert output["Value"] == {"Fn::GetAtt": ["FraudLambdaFunctionUrl", "FunctionUrl"]}
    assert output["Export"]["Name"] == {"Fn::Sub": "${AWS::StackName}-FraudLambdaFunctionHttpsUrl"}


def test_no_url_without_the_option_and_the_url_template_lints_clean() -> None:
    plain = lambda_sagemakerendpoint(props()).to_dict()
    assert not of_type(plain, "AWS::Lambda::Url") and not of_type(plain, "AWS::Lambda::Permission")
    fronted = lambda_sagemakerendpoint(props(function_url=FunctionUrl()))
    assert [m.rule.id for m in cfn_lint(fronted.to_json())] == []
