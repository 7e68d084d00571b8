"""Pinned target models: the grant's condition key and the handler's variable, for any endpoint."""

from __future__ import annotations

from typing import Any

import pytest
from troposphere import Parameter, Ref

from tests.scenarios import MULTI_MODEL, props
from troposphere_patterns import lambda_sagemakerendpoint

PINNED = ["fraud-v1.tar.gz", "fraud-v2.tar.gz"]


def _invoke_and_variables(fields: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    resources = lambda_sagemakerendpoint(props(**fields)).to_dict()["Resources"]
    policy = resources["LambdaFunctionServiceRolePolicy"]["Properties"]["PolicyDocument"]
    invoke = next(s for s in policy["Statement"] if s["Sid"] == "InvokeEndpoint")
    variables = resources["LambdaFunction"]["Properties"]["Environment"]["Variables"]
    return invoke, variables


@pytest.mark.parametrize(
    "fields",
    [
        {"model_props": MULTI_MODEL},
        # An existing endpoint's mode is unknown here: the pin is the caller's word.
        {"model_props": None, "existing_sagemaker_endpoint_obj": "fraud-mme"},
        # A mode chosen at deploy time may be MultiModel.
        {
            "model_props": {
                "PrimaryContainer": {
                    **MULTI_MODEL["PrimaryContainer"],
                    "Mode": Ref(Parameter("Mode", Type="String")),
                }
            }
        },
    ],
    ids=["created", "existing", "deploy-time mode"],
)
def test_the_grant_and_the_variable_name_the_same_models(fields: dict[str, Any]) -> None:
    invoke, variables = _invoke_and_variables({**fields, "target_models": PINNED})
    assert invoke["Action"] == ["sagemaker:InvokeEndpoint"]
    assert invoke["Condition"] == {"StringEquals": {"sagemaker:TargetModel": PINNED}}
    assert variables["SAGEMAKER_TARGET_MODELS"].split(",") == PINNED


def test_without_a_pin_any_model_and_no_variable() -> None:
    invoke, variables = _invoke_and_variables({"model_props": MULTI_MODEL})
    assert "Condition" not in invoke
    assert "SAGEMAKER_TARGET_MODELS" not in variables
