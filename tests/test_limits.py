"""CloudFormation limits: 500 resources, 1 MB body from S3, 51,200 bytes inline.

The unit tests exercise ``troposphere_patterns.core.limits`` at the boundaries. The
integration tests exercise the wiring: ``add_lambda_sagemakerendpoint`` refusing to push a
template past 500 resources, and the CLI refusing a body over 1 MB and warning (exit 0) when
``aws cloudformation deploy`` would need ``--s3-bucket``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from troposphere import Template, cloudformation

from tests.scenarios import props
from troposphere_patterns import (
    AsyncInference,
    Autoscaling,
    PatternPropsError,
    TemplateLimitError,
    add_lambda_sagemakerendpoint,
    cli,
    lambda_sagemakerendpoint,
)
from troposphere_patterns.core import ids, limits


def json_body(size: int, *, compact: bool = False, char: str = "x") -> str:
    """A JSON body of exactly ``size`` UTF-8 bytes (indented, or already minified)."""

    def dump(description: str) -> str:
        if compact:
            return json.dumps(
                {"Description": description}, separators=(",", ":"), ensure_ascii=False
            )
        return json.dumps({"Description": description}, indent=1, ensure_ascii=False)

    pad, rest = divmod(size - len(dump("").encode("utf-8")), len(char.encode("utf-8")))
    text = dump(char * pad + "y" * rest)
    assert len(text.encode("utf-8")) == size
    return text


def airy_json_body(min_size: int) -> str:
    """A JSON body over ``min_size`` bytes as written whose compact form is ~10x smaller."""
    count = min_size // 20 + 1
    text = json.dumps({"Metadata": {"Items": [0] * count}}, indent=20)
    assert len(text.encode("utf-8")) > min_size
    return text


def fillers(template: Template, count: int) -> None:
    for index in range(count):
        template.add_resource(cloudformation.WaitConditionHandle(f"Filler{index}"))


# --------------------------------------------------------------------------- resource count


@pytest.mark.parametrize(("count", "adding"), [(0, 0), (500, 0), (490, 10), (0, 500), (499, 1)])
def test_resource_count_up_to_500_passes(count: int, adding: int) -> None:
    limits.check_resource_count(count, adding)


def test_501_resources_are_refused_naming_count_and_limit() -> None:
    with pytest.raises(TemplateLimitError) as caught:
        limits.check_resource_count(501)
    message = str(caught.value)
    assert "501 resources" in message
    assert "at most 500" in message


def test_adding_past_500_names_the_total_and_what_is_added() -> None:
    with pytest.raises(TemplateLimitError) as caught:
        limits.check_resource_count(500, 12)
    message = str(caught.value)
    assert "would hold 512 resources" in message
    assert "12 being added" in message
    assert "at most 500 per template" in message


def test_one_past_the_limit_by_adding_is_refused() -> None:
    with pytest.raises(TemplateLimitError, match="would hold 501 resources"):
        limits.check_resource_count(491, 10)


def test_template_limit_error_is_a_value_error() -> None:
    with pytest.raises(ValueError):
        limits.check_resource_count(600)


def test_negative_counts_are_a_programming_error_not_a_limit() -> None:
    with pytest.raises(ValueError) as caught:
        limits.check_resource_count(10, -1)
    assert not isinstance(caught.value, TemplateLimitError)


# --------------------------------------------------------------------------- body size (1 MB)


def test_body_of_exactly_1_mb_passes() -> None:
    limits.check_body_size(json_body(1_048_576))


def test_body_one_byte_over_1_mb_is_refused_naming_size_and_limit() -> None:
    with pytest.raises(TemplateLimitError) as caught:
        limits.check_body_size(json_body(1_048_577, compact=True))
    message = str(caught.value)
    assert "1,048,577 bytes" in message
    assert "1,048,576 bytes" in message
    assert "would fit" not in message


def test_body_size_counts_utf8_bytes_not_characters() -> None:
    text = json_body(1_048_578, char="é")
    assert len(text) <= 1_048_576 < len(text.encode("utf-8"))
    with pytest.raises(TemplateLimitError, match="1,048,578 bytes"):
        limits.check_body_size(text)


def test_over_1_mb_says_when_minified_json_would_fit() -> None:
    text = airy_json_body(1_048_576)
    assert limits.minified_size(json.loads(text)) <= 1_048_576
    with pytest.raises(TemplateLimitError, match=r"minified JSON would be [0-9,]+ bytes and fit"):
        limits.check_body_size(text)


def test_yaml_body_over_1_mb_is_refused() -> None:
    text = "Description: " + "x" * 1_048_576 + "\n"
    with pytest.raises(TemplateLimitError, match="1 MB"):
        limits.check_body_size(text)


# --------------------------------------------------------------------------- inline (51,200)


def test_body_of_exactly_51200_bytes_needs_no_warning() -> None:
    assert limits.inline_deploy_warning(json_body(51_200)) is None


def test_body_of_51201_bytes_warns_about_s3_bucket() -> None:
    warning = limits.inline_deploy_warning(json_body(51_201, compact=True))
    assert warning is not None
    assert "51,201 bytes" in warning
    assert "51,200 bytes" in warning
    assert "aws cloudformation deploy" in warning
    assert "--s3-bucket" in warning
    assert "would not fit" in warning  # already compact: minifying cannot help


def test_inline_warning_counts_utf8_bytes() -> None:
    text = json_body(51_202, char="é")
    assert len(text) <= 51_200
    warning = limits.inline_deploy_warning(text)
    assert warning is not None
    assert "51,202 bytes" in warning


def test_inline_warning_says_when_minified_json_would_fit() -> None:
    text = airy_json_body(51_200)
    minified = limits.minified_size(json.loads(text))
    assert minified <= 51_200
    warning = limits.inline_deploy_warning(text)
    assert warning is not None
    assert f"minified JSON (--minify) would be {minified:,} bytes and would fit inline" in warning


def test_yaml_body_warning_makes_no_minified_claim() -> None:
    warning = limits.inline_deploy_warning("Description: " + "x" * 51_200 + "\n")
    assert warning is not None
    assert "--s3-bucket" in warning
    assert "minified" not in warning


# --------------------------------------------------------------------------- minified size


def test_minified_size_is_the_compact_json_of_a_rendered_template() -> None:
    template = lambda_sagemakerendpoint(props())
    written = template.to_json()
    compact = json.dumps(json.loads(written), separators=(",", ":"))
    assert limits.minified_size(template.to_dict()) == len(compact.encode("utf-8"))
    assert limits.minified_size(json.loads(written)) < limits.body_size(written)


def test_minified_size_counts_non_ascii_as_utf8() -> None:
    assert limits.minified_size({"Description": "é"}) == len('{"Description":"é"}'.encode())


# --------------------------------------------------------------------------- library wiring


def instance_size(**fields: object) -> int:
    """How many resources one instance of the pattern adds."""
    return len(lambda_sagemakerendpoint(props(**fields)).resources)


@pytest.mark.parametrize("deploy_vpc", [False, True])
def test_adding_instances_stops_at_500_resources(deploy_vpc: bool) -> None:
    template = Template()
    for index in range(500 // instance_size(deploy_vpc=deploy_vpc)):
        add_lambda_sagemakerendpoint(template, props(id_prefix=f"P{index}", deploy_vpc=deploy_vpc))
    held = len(template.resources)
    assert held <= 500
    before = template.to_json()

    with pytest.raises(TemplateLimitError) as caught:
        add_lambda_sagemakerendpoint(template, props(id_prefix="Extra", deploy_vpc=deploy_vpc))

    message = str(caught.value)
    assert "500" in message
    assert f"{held} already" in message
    assert template.to_json() == before  # nothing of the refused instance was added


def test_an_instance_that_lands_exactly_on_500_is_accepted() -> None:
    template = Template()
    fillers(template, 500 - instance_size())
    add_lambda_sagemakerendpoint(template, props())
    assert len(template.resources) == 500


def test_an_instance_that_would_make_501_is_refused() -> None:
    template = Template()
    fillers(template, 501 - instance_size())
    with pytest.raises(TemplateLimitError, match="would hold 501 resources"):
        add_lambda_sagemakerendpoint(template, props())
    assert len(template.resources) == 501 - instance_size()


# --------------------------------------------------------------------------- CLI wiring


def fake_render(monkeypatch: pytest.MonkeyPatch, text: str) -> None:
    monkeypatch.setattr(cli, "render", lambda args, sources=None: text)


def test_cli_warns_on_stderr_and_exits_0_when_too_big_for_inline_deploy(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    text = airy_json_body(60_000)
    fake_render(monkeypatch, text)

    assert cli.main(["lambda-sagemakerendpoint"]) == 0

    out, err = capsys.readouterr()
    assert out.rstrip("\n") == text
    assert "--s3-bucket" in err
    assert "51,200" in err
    assert "would fit inline" in err


def test_cli_warns_when_writing_a_too_big_file(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    text = json_body(51_201)
    fake_render(monkeypatch, text)
    target = tmp_path / "out.json"

    assert cli.main(["lambda-sagemakerendpoint", "-o", str(target)]) == 0

    assert target.read_text(encoding="utf-8") == text
    assert "--s3-bucket" in capsys.readouterr().err


def test_cli_stays_quiet_for_a_body_that_fits_inline(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    fake_render(monkeypatch, json_body(51_199))

    assert cli.main(["lambda-sagemakerendpoint"]) == 0

    assert capsys.readouterr().err == ""


def test_cli_refuses_a_body_over_1_mb_with_exit_2_and_no_output(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    fake_render(monkeypatch, json_body(1_048_577, compact=True))
    target = tmp_path / "out.json"

    assert cli.main(["lambda-sagemakerendpoint", "-o", str(target)]) == cli.EXIT_USAGE

    out, err = capsys.readouterr()
    assert out == ""
    assert "error" in err
    assert "1,048,576" in err
    assert not target.exists()


def test_cli_default_render_fits_inline(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["lambda-sagemakerendpoint"]) == 0
    out, err = capsys.readouterr()
    assert len(out.encode("utf-8")) <= limits.MAX_BODY_BYTES_INLINE
    assert err == ""


@pytest.mark.parametrize(
    "mode", [[], ["--deploy-vpc"], ["--existing-vpc"], ["--existing-endpoint"]]
)
def test_every_mode_deploys_inline_readable_or_minified(
    capsys: pytest.CaptureFixture[str], mode: list[str]
) -> None:
    assert cli.main(["lambda-sagemakerendpoint", *mode]) == 0
    readable, warning = capsys.readouterr()
    assert cli.main(["lambda-sagemakerendpoint", *mode, "--minify"]) == 0
    minified, quiet = capsys.readouterr()
    assert json.loads(minified) == json.loads(readable)
    assert len(minified.encode("utf-8")) <= limits.MAX_BODY_BYTES_INLINE
    assert quiet == ""
    fits = len(readable.encode("utf-8")) <= limits.MAX_BODY_BYTES_INLINE
    assert ("--minify" in warning) is not fits


def test_minify_is_json_only(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["lambda-sagemakerendpoint", "--format", "yaml", "--minify"]) == 2
    assert "--minify" in capsys.readouterr().err


def test_minify_with_a_yaml_output_names_the_output_not_a_format_flag(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    out = tmp_path / "x.yaml"
    assert cli.main(["lambda-sagemakerendpoint", "--minify", "-o", str(out)]) == 2
    err = capsys.readouterr().err
    assert f"-o {out} asks for YAML" in err
    assert "--format yaml" not in err
    assert not out.exists()


def test_minified_body_over_the_inline_limit_does_not_suggest_minify(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    # The largest combination (private async, scaled, rolled out, behind a URL; 50.8 KB
    # minified) with a caller's own tags on the endpoint: over the limit even minified.
    modes = ["--async", "--deploy-vpc", "--autoscaling", "--function-url", "--rollout", "rolling"]
    tags = [{"Key": f"cost-centre-{n}", "Value": "x" * 200} for n in range(10)]
    (tmp_path / "tags.json").write_text(json.dumps({"endpoint_props": {"Tags": tags}}))
    args = ["lambda-sagemakerendpoint", *modes, "--props", str(tmp_path / "tags.json"), "--minify"]
    assert cli.main(args) == 0
    out, err = capsys.readouterr()
    assert len(out.encode("utf-8")) > limits.MAX_BODY_BYTES_INLINE
    assert "--s3-bucket" in err
    assert "it is minified already" in err
    assert "(--minify) would be" not in err


# 255 - len("x-SagemakerEndpointAllTrafficBacklogWithoutCapacityAlarm"): an alarm's name is
# ${AWS::StackName}-<its ID>, and a stack name has at least one character.
LONGEST_PREFIX = 199


def test_the_longest_prefix_keeps_every_id_and_output_of_the_largest_template_in_255() -> None:
    def render(prefix: str) -> dict[str, Any]:
        fields = {"async_inference": AsyncInference(), "deploy_vpc": True}
        scaling = Autoscaling(min_capacity=0, max_capacity=2)
        return lambda_sagemakerendpoint(
            props(**fields, autoscaling=scaling, id_prefix=prefix)
        ).to_dict()

    body = render("P" * LONGEST_PREFIX)
    names = [*body["Resources"], *body["Outputs"], *body.get("Conditions", {})]
    assert max(len(name) for name in names) <= ids.MAX_LOGICAL_ID_LENGTH
    alarms = [n for n, r in body["Resources"].items() if r["Type"] == "AWS::CloudWatch::Alarm"]
    # ${AWS::StackName}-<alarm ID> still fits 255 with a one-character stack name.
    assert max(len(f"x-{alarm}") for alarm in alarms) == ids.MAX_ALARM_NAME_LENGTH
    with pytest.raises(PatternPropsError, match=f"at most {LONGEST_PREFIX} characters"):
        render("P" * (LONGEST_PREFIX + 1))


def test_cli_warns_when_alarm_names_leave_a_stack_name_under_128_characters(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert cli.main(["lambda-sagemakerendpoint", "--minify", "--id-prefix", "A" * 75]) == 0
    assert capsys.readouterr().err == ""  # 75 + 51 + "-" leaves exactly 128
    assert cli.main(["lambda-sagemakerendpoint", "--minify", "--id-prefix", "A" * 76]) == 0
    err = capsys.readouterr().err
    assert "warning: alarm names are ${AWS::StackName}-<logical ID>" in err
    assert "(127 characters) leaves 127 for the stack name" in err
