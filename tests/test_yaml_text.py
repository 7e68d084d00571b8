"""The CLI's YAML: the same template as its JSON, written as people write CloudFormation YAML."""

from __future__ import annotations

import json
from typing import Any

import pytest
from cfnlint.decode.decode import decode_str

from tests.readme_modes import readme_modes
from tests.templates_helpers import cfn_lint
from troposphere_patterns import cli
from troposphere_patterns.cli import yaml_text

MODES = readme_modes()
PATTERN = "lambda-sagemakerendpoint"


def render(*args: str) -> str:
    return cli.render(cli.parser().parse_args([PATTERN, *args]))


def plain(value: Any) -> Any:
    """cfn-lint's decoded template as plain dicts, lists and scalars."""
    if isinstance(value, dict):
        return {str(key): plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [plain(item) for item in value]
    return str(value) if isinstance(value, str) else value


def decoded(text: str) -> Any:
    template, errors = decode_str(text)
    assert not errors, errors
    return plain(template)


@pytest.mark.parametrize("mode", sorted(MODES))
def test_yaml_is_the_json_template_and_lints_clean(mode: str) -> None:
    flags = MODES[mode]
    as_json, as_yaml = render(*flags), render(*flags, "--format", "yaml")
    assert decoded(as_yaml) == decoded(as_json) == json.loads(as_json)
    assert cfn_lint(as_yaml) == []


def test_yaml_reads_like_hand_written_cloudformation() -> None:
    text = render("--async", "--format", "yaml")
    lines = text.splitlines()
    sections = [line.split(":")[0] for line in lines if line and not line.startswith(" ")]
    assert sections == ["Description", "Parameters", "Conditions", "Resources", "Outputs"]
    # The handler is code in a literal block, not one escaped string.
    zip_file = next(i for i, line in enumerate(lines) if line.strip().startswith("ZipFile:"))
    assert lines[zip_file].endswith("ZipFile: |")
    assert lines[zip_file + 1].strip().startswith(('"""', "import", "from", "#"))
    assert "\\n" not in lines[zip_file + 1]
    # Short-form intrinsics, and a resource's Type first.
    assert "      Role: !GetAtt LambdaFunctionServiceRole.Arn" in lines
    assert any("!Sub ${AWS::StackName}-" in line for line in lines)
    assert any(line.strip().startswith("AlarmActions: !If [") for line in lines)
    assert not any(line.strip().startswith(("Ref:", "Fn::GetAtt:", "Fn::Sub:")) for line in lines)
    endpoint = lines.index("  SagemakerEndpoint:")
    assert lines[endpoint + 1] == "    Type: AWS::SageMaker::Endpoint"


@pytest.mark.parametrize(
    "value",
    [
        "code\n",
        "no final newline\nx",
        "two final newlines\n\n",
        "  indented first line\nx\n",
        "\n\nleading blank lines\n",
        "\ttab first\n",
        "a\n\n\nb\n",
        "windows\r\nline\n",
        "bell \x07 inside\nx",
        "",
        " ",
        "2012-10-17",
        "true",
        "no",
        "null",
        "1.0",
        "0x1F",
        "key: value",
        "a #comment",
        "- item",
        "!Ref X",
        "*alias",
        "it's",
        '"quoted"',
        "ends with colon:",
        "[a, b]",
        "a, b",
        "{x}",
        "arn:aws:s3:::bucket/*",
        "café",
        ".",
        "~",
    ],
)
@pytest.mark.parametrize("where", ["value", "list item", "flow list", "tag argument"])
def test_every_string_reads_back_as_itself(value: str, where: str) -> None:
    template: dict[str, Any] = {
        "value": {"K": value},
        "list item": {"K": [{"A": value}]},
        "flow list": {"K": [value, "b"]},
        "tag argument": {"K": {"Fn::Sub": value}, "L": {"Fn::Join": ["", [value]]}},
    }[where]
    assert decoded(yaml_text.dumps(template)) == template


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ({"Ref": "X"}, "K: !Ref X"),
        ({"Fn::GetAtt": ["Fn", "Arn"]}, "K: !GetAtt Fn.Arn"),
        ({"Fn::GetAtt": ["Fn", {"Ref": "Attr"}]}, "K: !GetAtt [Fn, !Ref Attr]"),
        ({"Fn::Select": [0, {"Fn::GetAZs": ""}]}, "K: !Select [0, !GetAZs '']"),
        ({"Fn::Base64": {"Fn::Sub": "x"}}, "K:\n  Fn::Base64: !Sub x"),  # no two tags on one node
        ({"Fn::GetAZs": {"Ref": "AWS::Region"}}, "K:\n  Fn::GetAZs: !Ref AWS::Region"),
        ({"Ref": ""}, "K:\n  Ref: ''"),
        ([1, True, None, 0.5], "K: [1, true, null, 0.5]"),
        ([1e-05, 2.5e20, 1.0], "K: [1.0e-05, 2.5e+20, 1.0]"),
        ({}, "K: {}"),
        ([], "K: []"),
        ([{"A": 1, "B": 2}], "K:\n  - A: 1\n    B: 2"),
    ],
)
def test_short_forms_where_yaml_allows_them(value: Any, expected: str) -> None:
    text = yaml_text.dumps({"K": value})
    assert text == expected + "\n"
    assert decoded(text) == {"K": value}


def test_a_long_list_opens_one_item_per_line() -> None:
    items = [f"s3:Action{i}" for i in range(20)]
    text = yaml_text.dumps({"K": items})
    assert text == "K:\n" + "".join(f"  - {item}\n" for item in items)
    assert all(len(line) <= yaml_text.WIDTH for line in text.splitlines())
