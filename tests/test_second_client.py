"""core/ serves a client that is not a Lambda function: a second pattern reuses it unchanged.

An API Gateway -> SageMaker pattern would host the endpoint with ``core/hosting`` and the
private network with ``core/network``, then give its own execution role the client's grants.
Built here from ``core/`` alone, the result holds nothing of the Lambda pattern.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from troposphere import GetAtt, Output, Template, iam

from tests.scenarios import MODEL
from tests.templates_helpers import cfn_lint
from troposphere_patterns.core import ids as core_ids
from troposphere_patterns.core import network
from troposphere_patterns.core.hosting import Hosting, HostingContext, hosted_endpoint
from troposphere_patterns.core.hosting.options import Alarms, AsyncInference, DataCapture
from troposphere_patterns.core.iam_policies import account_principals_only, document, trust
from troposphere_patterns.core.ids import LogicalIds
from troposphere_patterns.core.kms_key import encryption_key

GATEWAY = network.Client("API Gateway", "gateway")


def _api_gateway_side(hosting: Hosting) -> dict[str, Any]:
    """What a second pattern's wiring would be: about a dozen lines."""
    ids = LogicalIds("Api")
    key = encryption_key(ids(core_ids.ENCRYPTION_KEY))
    vpc = network.VpcChoice(deploy_vpc=True).network(
        ids, kms_key_arn=key.arn, deletion_policy="Delete"
    )
    assert vpc is not None
    private = network.private_network(
        vpc,
        network.PrivateNetworkIds("ApiGatewayGroup", "RuntimeGroup", "RuntimeIngress"),
        GATEWAY,
        s3_egress=hosting.client_uses_s3,
    )
    assert hosting.problems(in_vpc=True) == []
    hosted = hosted_endpoint(hosting, HostingContext(ids, key, private, "Delete"))
    role = iam.Role(
        "ApiGatewayRole",
        AssumeRolePolicyDocument=trust("apigateway.amazonaws.com"),
        Policies=[
            iam.Policy(
                PolicyName="InvokeEndpoint", PolicyDocument=document(*hosted.client_statements)
            )
        ],
    )
    template = Template()
    for resource in (
        *key.resources,
        *private.resources,
        *hosted.resources,
        *network.service_endpoints(
            private,
            ids,
            runtime_policy=account_principals_only(hosted.runtime_actions, [hosted.endpoint.arn]),
            s3_statements=hosted.gateway_s3_statements,
        ),
        role,
    ):
        template.add_resource(resource)
    for name, condition in hosted.conditions.items():
        template.add_condition(name, condition)
    template.add_output(Output("RoleArn", Value=GetAtt(role, "Arn")))
    rendered: dict[str, Any] = template.to_dict()
    return rendered


@pytest.mark.parametrize(
    "hosting",
    [
        Hosting(model_props=MODEL, alarms=Alarms()),
        Hosting(model_props=MODEL, alarms=Alarms(), async_inference=AsyncInference()),
        Hosting(model_props=MODEL, data_capture=DataCapture()),
    ],
    ids=["real-time", "async", "capture"],
)
def test_a_non_lambda_client_gets_no_lambda_resource_grant_or_wording(hosting: Hosting) -> None:
    rendered = _api_gateway_side(hosting)
    types = {resource["Type"] for resource in rendered["Resources"].values()}
    assert "AWS::SageMaker::Endpoint" in types
    assert not [t for t in types if t.startswith("AWS::Lambda::")]
    text = json.dumps(rendered)
    for word in ("Lambda", "lambda", "function"):
        assert word not in text, word
    # The groups name the client they were given.
    descriptions = [
        resource["Properties"]["GroupDescription"]
        for resource in rendered["Resources"].values()
        if resource["Type"] == "AWS::EC2::SecurityGroup"
    ]
    assert "API Gateway: HTTPS to the SageMaker Runtime VPC endpoint only" in descriptions or (
        "API Gateway: HTTPS to the SageMaker Runtime VPC endpoint and S3" in descriptions
    )
    assert [str(match) for match in cfn_lint(text)] == []


def test_the_client_grant_is_exactly_the_invocation_of_that_endpoint() -> None:
    rendered = _api_gateway_side(Hosting(model_props=MODEL))
    policy = rendered["Resources"]["ApiGatewayRole"]["Properties"]["Policies"][0]
    statements = policy["PolicyDocument"]["Statement"]
    assert [s["Action"] for s in statements] == [["sagemaker:InvokeEndpoint"]]
    assert statements[0]["Resource"] == [{"Ref": "ApiSagemakerEndpoint"}]
