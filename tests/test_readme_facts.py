"""What the README says of AWS matches its sources, and says what is unverified."""

from __future__ import annotations

import gzip
import json
import re
from pathlib import Path

import botocore

from troposphere_patterns.cli import lambda_sagemakerendpoint as cli_pattern
from troposphere_patterns.core.hosting.options.data_capture import DataCapture

README = (Path(__file__).parent.parent / "README.md").read_text()


def section(title: str) -> str:
    """The README's text from the heading ``title`` to the next heading of any level."""
    start = README.index(f"\n{title}\n")
    following = re.search(r"\n#{2,3} ", README[start + len(title) + 2 :])
    end = start + len(title) + 2 + following.start() if following else len(README)
    return README[start:end]


def plain_text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_the_kms_quote_is_botocores_current_text() -> None:
    model = Path(botocore.__file__).parent / "data" / "sagemaker" / "2017-07-24"
    with gzip.open(model / "service-2.json.gz") as file:
        shapes = json.load(file)["shapes"]
    text = plain_text(shapes["CreateEndpointConfigInput"]["members"]["KmsKeyId"]["documentation"])
    encryption = " ".join(section("## Encryption and the instance type").split())
    [quote] = re.findall(r'"(If any of the models[^"]+)"', encryption)
    assert quote in text
    assert f"botocore {botocore.__version__}" in encryption


def test_data_capture_is_request_and_response_capture_not_a_model_monitor_feed() -> None:
    [mode] = [m for m in cli_pattern.COMMAND_LINE.modes if m.flag == "--data-capture"]
    assert "Model Monitor" not in mode.help
    assert "Model Monitor" not in (DataCapture.__doc__ or "").splitlines()[0]
    capture = section("### Data capture of requests and responses")
    assert "closed it to new customers" in capture


def test_the_rollout_section_says_what_is_unverified_and_what_the_role_needs() -> None:
    rollouts = " ".join(section("### Rollouts that roll back").split())
    # 3: the execution role reads the alarms; a caller's own role must too.
    assert "cloudwatch:DescribeAlarms" in rollouts and "ExecutionRoleArn" in rollouts
    # 7: whether CloudFormation notices a SageMaker-side rollback is undocumented.
    assert "hashicorp/terraform-provider-aws#48997" in rollouts
    # 8: alarms that do not exist yet when the endpoint is created, and the way out.
    assert "deploy the alarms first" in rollouts
    # 13: scaling is blocked during an update, for as long as the presets run.
    assert "is blocked while the update operation is in progress" in rollouts
    assert "70, 80 or 85 minutes" in rollouts
