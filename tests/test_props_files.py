"""--props files: layering, CloudFormation intrinsics, encodings, limits, and messages."""

from __future__ import annotations

import codecs
import json
import re
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import troposphere

from troposphere_patterns import cli
from troposphere_patterns.cli import props_files
from troposphere_patterns.core.hosting.instance_type_table import INSTANCE_TYPES

PATTERN = "lambda-sagemakerendpoint"


def write(tmp_path: Path, name: str, content: str | bytes) -> str:
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return str(path)


@dataclass
class Run:
    """Props files in a temporary folder, and the CLI run in-process on them."""

    tmp_path: Path
    capsys: pytest.CaptureFixture[str]

    def file(self, name: str, content: str | bytes) -> str:
        return write(self.tmp_path, name, content)

    def template(self, *args: str) -> dict[str, Any]:
        status = cli.main([PATTERN, *args])
        captured = self.capsys.readouterr()
        assert status == 0, captured.err
        template: dict[str, Any] = json.loads(captured.out)
        return template

    def refused(self, *args: str) -> str:
        status = cli.main([PATTERN, *args])
        captured = self.capsys.readouterr()
        assert status == 2, captured
        assert captured.out == ""
        assert "Traceback" not in captured.err
        assert captured.err.startswith("troposphere-patterns: error: ")
        return captured.err


@pytest.fixture
def run(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Run:
    return Run(tmp_path, capsys)


def function_of(template: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    properties: dict[str, Any] = template["Resources"][f"{prefix}LambdaFunction"]["Properties"]
    return properties


def variables_of(template: dict[str, Any]) -> dict[str, Any]:
    variables: dict[str, Any] = function_of(template)["Environment"]["Variables"]
    return variables


# --------------------------------------------------------------------------- layering


def test_repeated_props_files_merge_in_order(run: Run) -> None:
    base = run.file(
        "base.yaml",
        "lambda_function_props:\n"
        "  MemorySize: 512\n"
        "  Timeout: 60\n"
        "  Environment: {Variables: {LOG_LEVEL: INFO, TEAM: fraud}}\n"
        "id_prefix: Base\n",
    )
    prod = run.file(
        "prod.json",
        json.dumps(
            {
                "lambda_function_props": {
                    "MemorySize": 2048,
                    "Environment": {"Variables": {"LOG_LEVEL": "WARNING"}},
                },
                "id_prefix": "Prod",
            }
        ),
    )
    template = run.template("--props", base, "--props", prod)
    function = function_of(template, "Prod")
    assert function["MemorySize"] == 2048  # the later file wins
    assert function["Timeout"] == 60  # what only the base sets stays
    variables = function["Environment"]["Variables"]
    assert variables["LOG_LEVEL"] == "WARNING"
    assert variables["TEAM"] == "fraud"
    assert "ProdSagemakerEndpoint" in template["Resources"]


def test_value_flags_win_over_props_files(run: Run) -> None:
    path = run.file("p.yaml", "id_prefix: FromFile\n")
    template = run.template("--props", path, "--id-prefix", "FromFlag")
    assert "FromFlagLambdaFunction" in template["Resources"]


def test_a_props_file_can_extend_existing_vpc_mode(run: Run) -> None:
    path = run.file(
        "shared.yaml",
        "existing_vpc:\n"
        "  create_vpc_endpoints: false\n"
        "  runtime_endpoint_security_group_id: sg-0123456789abcdef0\n",
    )
    template = run.template("--existing-vpc", "--props", path)
    kinds = {resource["Type"] for resource in template["Resources"].values()}
    assert "AWS::EC2::VPCEndpoint" not in kinds
    # The mode's Parameters for the IDs stay; the route tables are no longer needed.
    assert set(template["Parameters"]) >= {"VpcId", "SubnetIds"}
    assert "RouteTableIds" not in template["Parameters"]
    ingress = template["Resources"]["SagemakerRuntimeVpcEndpointIngressFromLambda"]
    assert ingress["Properties"]["GroupId"] == "sg-0123456789abcdef0"


def test_an_endpoint_named_in_a_file_drops_the_modes_model(run: Run) -> None:
    path = run.file("p.yaml", "existing_sagemaker_endpoint_obj: Fraud-Scorer-PROD\n")
    template = run.template("--props", path)
    assert variables_of(template)["SAGEMAKER_ENDPOINT_NAME"] == "Fraud-Scorer-PROD"
    assert not [r for r in template["Resources"].values() if r["Type"].startswith("AWS::SageMaker")]
    assert "ModelImageUri" not in template.get("Parameters", {})


# --------------------------------------------------------------------------- intrinsics

# Each resolves in the command line's default template.
SHORT_AND_LONG: list[tuple[str, Any]] = [
    ("!Ref AWS::Region", {"Ref": "AWS::Region"}),
    ("!Ref ModelDataUrl", {"Ref": "ModelDataUrl"}),
    ("!GetAtt SagemakerRole.Arn", {"Fn::GetAtt": ["SagemakerRole", "Arn"]}),
    ("!GetAtt [SagemakerRole, Arn]", {"Fn::GetAtt": ["SagemakerRole", "Arn"]}),
    ("!Sub '${AWS::StackName}-x'", {"Fn::Sub": "${AWS::StackName}-x"}),
    (
        "!Sub ['${A}-x', {A: !Ref AWS::Region}]",
        {"Fn::Sub": ["${A}-x", {"A": {"Ref": "AWS::Region"}}]},
    ),
    (
        "!Join ['-', [a, !Ref AWS::Region]]",
        {"Fn::Join": ["-", ["a", {"Ref": "AWS::Region"}]]},
    ),
    ("!Select [0, !GetAZs '']", {"Fn::Select": [0, {"Fn::GetAZs": ""}]}),
    ("!Select [1, !Split [',', 'a,b']]", {"Fn::Select": [1, {"Fn::Split": [",", "a,b"]}]}),
    ("!Base64 text", {"Fn::Base64": "text"}),
    ("!ImportValue shared-name", {"Fn::ImportValue": "shared-name"}),
    (
        "!Select [0, !Cidr ['10.0.0.0/16', 2, 8]]",
        {"Fn::Select": [0, {"Fn::Cidr": ["10.0.0.0/16", 2, 8]}]},
    ),
]
# These need the template's Conditions or Mappings, which a props file cannot add: they are
# read, and the command line then refuses them by name.
NEED_SECTIONS: list[tuple[str, Any]] = [
    ("!If [IsProd, a, b]", {"Fn::If": ["IsProd", "a", "b"]}),
    (
        "!If [IsProd, !If [IsEu, a, b], c]",
        {"Fn::If": ["IsProd", {"Fn::If": ["IsEu", "a", "b"]}, "c"]},
    ),
    ("!FindInMap [M, K, V]", {"Fn::FindInMap": ["M", "K", "V"]}),
    (
        "!Equals [!Ref AWS::Region, us-east-1]",
        {"Fn::Equals": [{"Ref": "AWS::Region"}, "us-east-1"]},
    ),
    ("!Not [!Condition IsProd]", {"Fn::Not": [{"Condition": "IsProd"}]}),
    (
        "!And [!Condition A, !Condition B]",
        {"Fn::And": [{"Condition": "A"}, {"Condition": "B"}]},
    ),
    (
        "!Or [!Condition A, !Equals [a, b]]",
        {"Fn::Or": [{"Condition": "A"}, {"Fn::Equals": ["a", "b"]}]},
    ),
]
FORMS = ["short", "long-yaml", "long-json"]


def description_file(tmp_path: Path, form: str, short: str, long: Any) -> str:
    if form == "short":
        return write(tmp_path, "p.yaml", f"lambda_function_props:\n  Description: {short}\n")
    if form == "long-yaml":
        text = f"lambda_function_props:\n  Description: {json.dumps(long)}\n"
        return write(tmp_path, "p.yaml", text)
    body = json.dumps({"lambda_function_props": {"Description": long}})
    return write(tmp_path, "p.json", body)


@pytest.mark.parametrize(("short", "long"), SHORT_AND_LONG, ids=lambda v: str(v)[:30])
@pytest.mark.parametrize("form", FORMS)
def test_intrinsics_short_and_long_form_render_as_cloudformation(
    run: Run, short: str, long: Any, form: str
) -> None:
    path = description_file(run.tmp_path, form, short, long)
    assert function_of(run.template("--props", path))["Description"] == long


@pytest.mark.parametrize(
    ("short", "long"), SHORT_AND_LONG + NEED_SECTIONS, ids=lambda v: str(v)[:30]
)
@pytest.mark.parametrize("form", FORMS)
def test_every_intrinsic_is_read_as_troposphere_s(
    tmp_path: Path, short: str, long: Any, form: str
) -> None:
    path = description_file(tmp_path, form, short, long)
    value = props_files.read(path)["lambda_function_props"]["Description"]
    assert isinstance(value, troposphere.AWSHelperFn)
    assert value.to_dict() == long


# Intrinsics naming what the command line's template lacks (its own Conditions, no Mappings).
UNRESOLVED = [
    (
        "!If [IsProd, a, b]",
        "Fn::If names IsProd, which is not a condition of the template (the template's "
        "conditions are SagemakerInstancesEbsOnly, AlarmTopicGiven; a props file cannot add "
        "one: embed the library)",
    ),
    (
        "!FindInMap [Sizes, a, b]",
        "Fn::FindInMap names Sizes, which is not a mapping of the template (the command "
        "line's template has no mappings: embed the library)",
    ),
    (
        "!GetAtt SagemakerRol.Arn",
        "Fn::GetAtt names SagemakerRol, which is not a resource of the template; "
        "did you mean SagemakerRole?",
    ),
    (
        "!GetAtt ModelDataUrl.Arn",
        "Fn::GetAtt names ModelDataUrl, which is not a resource of the template",
    ),
    (
        "!Ref ModelDataURL",
        "Ref names ModelDataURL, which is not a parameter or resource of the template; "
        "did you mean ModelDataUrl?",
    ),
    (
        "!Sub '${AWS::Regio}-${SagemakerRole.Arn}-${!Literal}'",
        "Fn::Sub names AWS::Regio, which is not a parameter or resource of the template; "
        "did you mean AWS::Region?",
    ),
]


def test_a_reference_to_an_unprefixed_id_suggests_the_prefixed_one(run: Run) -> None:
    path = run.file(
        "p.yaml",
        "id_prefix: Fraud\n"
        "lambda_function_props:\n"
        "  Environment: {Variables: {ROLE: !GetAtt SagemakerRole.Arn}}\n",
    )
    error = run.refused("--props", path)
    assert "did you mean FraudSagemakerRole?" in error
    assert "lambda_function_props.Environment.Variables.ROLE: Fn::GetAtt" in error


def test_a_parameter_used_only_in_a_sub_string_is_kept(run: Run) -> None:
    path = run.file(
        "p.yaml",
        "model_props: {PrimaryContainer: {Environment: {TYPE: !Sub 'on ${InstanceType}'}}}\n"
        "endpoint_config_props:\n"
        "  ProductionVariants:\n"
        "    [{VariantName: A, InitialInstanceCount: 1, InstanceType: ml.c5.large}]\n",
    )
    template = run.template("--props", path)
    assert "InstanceType" in template["Parameters"]


def test_intrinsics_are_accepted_where_a_number_or_a_property_object_goes(run: Run) -> None:
    path = run.file(
        "p.yaml",
        "lambda_function_props:\n"
        "  MemorySize: !Select [1, [512, 2048]]\n"
        "  Timeout: {'Fn::Select': [0, [60]]}\n"
        "  TracingConfig: !Ref AWS::NoValue\n"
        "endpoint_config_props:\n"
        "  ProductionVariants:\n"
        "    - VariantName: AllTraffic\n"
        "      InitialInstanceCount: !Select [0, [2]]\n"
        "      InstanceType: !Ref InstanceType\n",
    )
    template = run.template("--props", path)
    function = function_of(template)
    assert function["MemorySize"] == {"Fn::Select": [1, [512, 2048]]}
    assert function["Timeout"] == {"Fn::Select": [0, [60]]}
    assert function["TracingConfig"] == {"Ref": "AWS::NoValue"}
    config = template["Resources"]["SagemakerEndpointConfig"]["Properties"]
    [variant] = config["ProductionVariants"]
    assert variant["InitialInstanceCount"] == {"Fn::Select": [0, [2]]}
    assert variant["InstanceType"] == {"Ref": "InstanceType"}
    assert "InstanceType" in template["Parameters"]  # the file's Ref keeps the Parameter


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (
            "!GetAtt NoDot",
            "Fn::GetAtt (!GetAtt) takes LogicalId.Attribute or [LogicalId, Attribute]",
        ),
        ("!Join [a, b, c]", "Fn::Join (!Join) takes [delimiter, [values]]"),
        ("!Join [!Ref X, [a]]", "Fn::Join (!Join) takes [delimiter, [values]]"),
        ("!If [A, b]", "Fn::If (!If) takes [condition name, value if true, value if false]"),
        ("!And [!Condition A]", "Fn::And (!And) takes a list of 2 to 10 conditions"),
        ("!Ref ''", "Ref (!Ref) takes a name"),
        ("!Reff X", "unknown tag !Reff; did you mean !Ref?"),
        ("{'Fn::Subb': x}", "unknown intrinsic Fn::Subb; did you mean Fn::Sub?"),
        ("!!binary aGVsbG8=", "the YAML tag !!binary is not supported here"),
        ("!!set {a: null}", "the YAML tag !!set is not supported here"),
        ("!!int twelve", "'twelve' is not a valid !!int"),
        *UNRESOLVED,
    ],
)
def test_a_bad_intrinsic_or_tag_names_the_file_and_field(
    run: Run, value: str, message: str
) -> None:
    path = run.file("p.yaml", f"lambda_function_props:\n  Description: {value}\n")
    error = run.refused("--props", path)
    assert f"--props {path}: lambda_function_props.Description: {message}" in error


# --------------------------------------------------------------------------- scalars


def test_yaml_scalars_are_read_as_json_reads_them(run: Run) -> None:
    path = run.file(
        "p.yaml",
        "lambda_function_props:\n"
        "  Environment:\n"
        "    Variables:\n"
        "      MODEL_VERSION: 2024-01-01\n"
        "      RELEASED: 2024-01-01T10:00:00Z\n"
        "      ENABLED: yes\n"
        "      MODE: off\n"
        "      HEX: 0x1F\n"
        "      OCTAL: 010\n"
        "      SEXAGESIMAL: 1:30\n"
        "      EMPTY: ''\n"
        "  MemorySize: 1024\n",
    )
    variables = variables_of(run.template("--props", path))
    assert variables["MODEL_VERSION"] == "2024-01-01"
    assert variables["RELEASED"] == "2024-01-01T10:00:00Z"
    assert variables["ENABLED"] == "yes"
    assert variables["MODE"] == "off"
    assert variables["HEX"] == "0x1F"
    assert variables["OCTAL"] == "010"
    assert variables["SEXAGESIMAL"] == "1:30"
    assert variables["EMPTY"] == ""


@pytest.mark.parametrize(
    ("name", "content", "shown"),
    [
        ("p.yaml", "lambda_function_props: {MemorySize: .inf}\n", "inf"),
        ("p.yaml", "lambda_function_props: {MemorySize: -.Inf}\n", "-inf"),
        ("p.yaml", "lambda_function_props: {MemorySize: .nan}\n", "nan"),
        ("p.json", '{"lambda_function_props": {"MemorySize": Infinity}}', "inf"),
        ("p.json", '{"lambda_function_props": {"MemorySize": -Infinity}}', "-inf"),
        ("p.json", '{"lambda_function_props": {"MemorySize": NaN}}', "nan"),
        ("p.json", '{"lambda_function_props": {"MemorySize": 1e999}}', "inf"),
    ],
)
def test_infinity_and_nan_are_refused_naming_the_field(
    run: Run, name: str, content: str, shown: str
) -> None:
    path = run.file(name, content)
    error = run.refused("--props", path)
    assert f"--props {path}: lambda_function_props.MemorySize: {shown} is not a finite" in error


@pytest.mark.parametrize(
    ("content", "where"),
    [
        ("lambda_function_props: {1: x}\n", "lambda_function_props"),
        (
            "lambda_function_props: {Environment: {Variables: {true: x}}}\n",
            "lambda_function_props.Environment.Variables",
        ),
        ("null: x\n", ""),
        ("? [a, b]\n: x\n", ""),
    ],
)
def test_non_string_keys_are_refused_naming_the_path(run: Run, content: str, where: str) -> None:
    path = run.file("p.yaml", content)
    error = run.refused("--props", path)
    assert f"--props {path}: {where + ': ' if where else ''}keys must be strings" in error


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("p.yaml", "lambda_function_props: {MemorySize: 1, MemorySize: 2}\n"),
        ("p.json", '{"lambda_function_props": {"MemorySize": 1, "MemorySize": 2}}'),
    ],
)
def test_duplicate_keys_are_refused(run: Run, name: str, content: str) -> None:
    path = run.file(name, content)
    error = run.refused("--props", path)
    assert f"--props {path}: lambda_function_props: duplicate key 'MemorySize'" in error


def test_anchors_aliases_and_merge_keys_work_within_the_limits(run: Run) -> None:
    path = run.file(
        "p.yaml",
        "lambda_function_props:\n"
        "  Environment:\n"
        "    Variables: &common {TEAM: fraud, LOG_LEVEL: INFO}\n"
        "model_props:\n"
        "  PrimaryContainer:\n"
        "    Environment:\n"
        "      <<: *common\n"
        "      LOG_LEVEL: DEBUG\n",
    )
    template = run.template("--props", path)
    assert variables_of(template)["TEAM"] == "fraud"
    container = template["Resources"]["SagemakerModel"]["Properties"]["PrimaryContainer"]
    assert container["Environment"] == {"TEAM": "fraud", "LOG_LEVEL": "DEBUG"}


# --------------------------------------------------------------------------- encodings


@pytest.mark.parametrize(
    ("name", "encode"),
    [
        ("p.json", lambda text: codecs.BOM_UTF8 + text.encode()),
        ("p.yaml", lambda text: codecs.BOM_UTF8 + text.encode()),
        ("p.json", lambda text: text.encode("utf-16")),  # PowerShell's "Unicode"
        ("p.yaml", lambda text: codecs.BOM_UTF16_BE + text.encode("utf-16-be")),
        ("p.yaml", lambda text: codecs.BOM_UTF32_LE + text.encode("utf-32-le")),
    ],
    ids=["utf8-bom-json", "utf8-bom-yaml", "utf16-json", "utf16be-yaml", "utf32-yaml"],
)
def test_byte_order_marks_are_read(run: Run, name: str, encode: Any) -> None:
    path = run.file(
        name,
        encode('{"id_prefix": "Bom", "lambda_function_props": {"Description": "caf\u00e9"}}'),
    )
    template = run.template("--props", path)
    assert function_of(template, "Bom")["Description"] == "caf\u00e9"


def test_latin1_bytes_are_refused_with_their_offset(run: Run) -> None:
    path = run.file("p.yaml", "id_prefix: Caf\xe9\n".encode("latin-1"))
    error = run.refused("--props", path)
    assert f"--props {path}: not UTF-8 text: byte 0xe9 at offset 14" in error


def test_utf16_without_a_bom_is_refused(run: Run) -> None:
    path = run.file("p.yaml", "id_prefix: A\n".encode("utf-16-le"))
    error = run.refused("--props", path)
    assert f"--props {path}: holds a NUL byte at offset 1" in error


# --------------------------------------------------------------------------- limits


def test_a_file_over_one_mib_is_refused_unread(run: Run) -> None:
    path = run.file("p.yaml", "# " + "x" * props_files.MAX_BYTES + "\n")
    assert "larger than 1,048,576 bytes" in run.refused("--props", path)


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("p.yaml", "lambda_function_props: " + "[" * 100_000 + "]" * 100_000 + "\n"),
        ("p.yaml", "a:\n" + "".join("  " * n + "- \n" for n in range(1, 80))),
        ("p.json", '{"a": ' + "[" * 200_000 + "]" * 200_000 + "}"),
        # Deep only through an alias: 40 levels used twice.
        ("p.yaml", "a: &a " + "[" * 40 + "]" * 40 + "\nb: " + "[" * 30 + "*a" + "]" * 30 + "\n"),
    ],
    ids=["yaml-flow", "yaml-block", "json", "yaml-alias"],
)
def test_deep_nesting_is_refused_before_it_is_read(run: Run, name: str, content: str) -> None:
    path = run.file(name, content)
    error = run.refused("--props", path)
    assert f"nested deeper than {props_files.MAX_DEPTH} levels" in error


def test_a_yaml_alias_bomb_is_refused_fast(run: Run) -> None:
    lines = ['l0: &l0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    lines += [f"l{n}: &l{n} [{', '.join([f'*l{n - 1}'] * 9)}]" for n in range(1, 10)]
    path = run.file("bomb.yaml", "\n".join(lines) + "\n")  # 9**10 values, ~800 bytes
    started = time.monotonic()
    error = run.refused("--props", path)
    assert time.monotonic() - started < 2
    assert "expands to more than 100,000 values" in error


@pytest.mark.parametrize(
    ("content", "line"),
    [
        ("&a [*a]\n", 1),
        ("lambda_function_props: &a {Environment: {Variables: *a}}\n", 1),
        # The anchor a second time: the alias names the value still open.
        ("x: &a [1]\ny: &a [*a]\n", 2),
    ],
)
def test_a_yaml_value_that_contains_itself_is_refused(run: Run, content: str, line: int) -> None:
    path = run.file("p.yaml", content)
    error = run.refused("--props", path)
    assert f"--props {path}: line {line}: the alias *a is inside the value &a names" in error


# --------------------------------------------------------------------------- messages


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("modelprops: {}\n", "modelprops: unknown props field; did you mean model_props?"),
        ("ID_PREFIX: A\n", "ID_PREFIX: unknown props field; did you mean id_prefix?"),
        (
            "lambda_function_props: {memorysize: 1}\n",
            "lambda_function_props.memorysize: unknown property of AWS::Lambda::Function; "
            "did you mean MemorySize?",
        ),
        (
            "lambda_function_props: {Environment: {Variabels: {}}}\n",
            "lambda_function_props.Environment.Variabels: unknown property of Environment; "
            "did you mean Variables?",
        ),
        (
            "model_props: {PrimaryContainer: {ModelDataURL: s3://b/k}}\n",
            "model_props.PrimaryContainer.ModelDataURL: unknown property of ContainerDefinition; "
            "did you mean ModelDataUrl?",
        ),
        (
            "endpoint_config_props: {ProductionVariants: [{}, {InstanceTyp: ml.m5.large}]}\n",
            "endpoint_config_props.ProductionVariants[1].InstanceTyp: unknown property of "
            "ProductionVariant; did you mean InstanceType?",
        ),
        (
            "vpc_props: {MaxAz: 2}\n",
            "vpc_props.MaxAz: unknown property of AWS::EC2::VPC; did you mean MaxAzs?",
        ),
        (
            "existing_vpc: {vpc_id: v, subnets: [s]}\n",
            "existing_vpc.subnets: unknown key of existing_vpc; did you mean subnet_ids?",
        ),
    ],
)
def test_a_misspelt_key_at_any_depth_gets_a_suggestion(
    run: Run, content: str, message: str
) -> None:
    path = run.file("p.yaml", content)
    assert f"--props {path}: {message}" in run.refused("--props", path)


def test_every_problem_in_every_file_is_reported_at_once(run: Run) -> None:
    first = run.file("a.yaml", "lambda_function_props: {MemorySise: 1, Timeut: 2}\n")
    second = run.file("b.json", "{not json")
    error = run.refused("--props", first, "--props", second)
    assert "3 problems" in error
    assert f"--props {first}: lambda_function_props.MemorySise" in error
    assert f"--props {first}: lambda_function_props.Timeut" in error
    assert f"--props {second}: not valid JSON" in error


def test_pattern_rules_are_reported_in_cli_terms(run: Run) -> None:
    path = run.file("p.yaml", "vpc_props: {CidrBlock: 10.1.0.0/16}\n")
    error = run.refused("--existing-vpc", "--props", path)
    assert f"--existing-vpc and vpc_props (--props {path})" in error
    assert "existing_vpc" not in error.replace("--existing-vpc", "")


def test_a_value_the_pattern_rejects_names_the_file_and_field(run: Run) -> None:
    path = run.file("p.yaml", "lambda_function_props: {MemorySize: lots}\n")
    error = run.refused("--props", path)
    assert f"--props {path}: lambda_function_props.MemorySize" in error


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("- a\n", "must hold a mapping of props fields, not a list"),
        ("", "must hold a mapping of props fields, not empty"),
        ("a: 1\n---\nb: 2\n", "not valid YAML: line 2, column 1: expected a single document"),
        ("a: [1\n", "not valid YAML: line 2, column 1:"),
        ("existing_lambda_obj: x\n", "existing_lambda_obj: a function already in your template"),
    ],
)
def test_a_file_that_holds_no_props_is_refused(run: Run, content: str, message: str) -> None:
    path = run.file("p.yaml", content)
    assert f"--props {path}: {message}" in run.refused("--props", path)


def test_every_option_mapping_is_checked_and_all_problems_are_named(run: Run) -> None:
    path = run.file(
        "p.yaml",
        "autoscaling: {min_capacity: 2}\n"
        "rollout: {percent: 5}\n"
        "existing_vpc: {vpc_id: vpc-1, subnet_ids: [subnet-1]}\n",
    )
    error = run.refused("--props", path)
    assert "2 problems:" in error
    assert f"--props {path}: autoscaling: needs max_capacity" in error
    assert f"--props {path}: rollout: needs strategy" in error


def test_an_option_field_of_the_wrong_type_is_named_with_the_other_problems(run: Run) -> None:
    path = run.file(
        "p.yaml",
        "existing_vpc: {vpc_id: 5, subnet_ids: [subnet-1], route_table_ids: [rtb-1]}\n"
        "deletion_policy: Keep\n",
    )
    error = run.refused("--props", path)
    assert "2 problems:" in error
    assert f"--props {path}: existing_vpc.vpc_id: must be a str or an intrinsic, not 5" in error
    assert f"--props {path}: deletion_policy: 'Keep' must be one of Retain, Delete" in error


def test_an_options_keys_are_its_types_fields(run: Run) -> None:
    # async_inference has no entry in the declaration's keys: the option's type gives them.
    path = run.file("p.yaml", "async_inference: {outptu_path: 's3://my-bucket/out/'}\n")
    error = run.refused("--async", "--props", path)
    assert f"--props {path}: async_inference.outptu_path: unknown key of async_inference" in error
    assert "did you mean output_path?" in error


def test_a_validator_failure_is_the_message_alone_without_troposphere_noise(run: Run) -> None:
    # troposphere writes "function validator ... threw exception" on sys.stderr before it
    # raises; nothing of it may reach the CLI's stderr.
    path = run.file("p.yaml", "lambda_function_props: {MemorySize: lots}\n")
    assert run.refused("--props", path) == (
        f"troposphere-patterns: error: --props {path}: lambda_function_props.MemorySize: "
        "'lots' is not a valid integer\n"
    )


def test_code_in_a_file_replaces_the_inlined_handler_whole(run: Run) -> None:
    path = run.file(
        "p.yaml", "lambda_function_props:\n  Code: {S3Bucket: my-code, S3Key: fn.zip}\n"
    )
    code = function_of(run.template("--props", path))["Code"]
    assert code == {"S3Bucket": "my-code", "S3Key": "fn.zip"}


def test_an_option_value_wins_over_props_files(run: Run) -> None:
    path = run.file("p.yaml", "sagemaker_environment_variable_name: FROM_FILE\n")
    variables = variables_of(run.template("--props", path, "--env-var-name", "FROM_FLAG"))
    assert "FROM_FLAG" in variables
    assert "FROM_FILE" not in variables


# --------------------------------------------------------------------------- inference components

TGI = "763104351884.dkr.ecr.us-east-1.amazonaws.com/huggingface-pytorch-tgi-inference:2.4.0-tgi"
COMPONENTS_FILE = f"""\
endpoint_config_props:
  ProductionVariants:
    - VariantName: AllTraffic
      InitialInstanceCount: 1
      InstanceType: ml.g6.12xlarge
inference_components:
  - name: chat
    model_props:
      PrimaryContainer: {{Image: "{TGI}", ModelDataUrl: "s3://my-models/chat.tar.gz"}}
    accelerators: 2
    memory_mb: 32768
    min_copies: 0
    max_copies: 2
  - name: code
    model_props:
      PrimaryContainer: {{Image: "{TGI}", ModelDataUrl: "s3://my-models/code.tar.gz"}}
    accelerators: 1
    memory_mb: 16384
    scaling_metric: invocations
  - name: chat-sql
    base: chat
    artifact_url: s3://my-models/adapters/sql.tar.gz
"""


def test_a_props_files_component_list_gives_several_components_and_an_adapter(run: Run) -> None:
    template = run.template("--props", run.file("c.yaml", COMPONENTS_FILE))
    resources = template["Resources"]
    kinds = {k: r["Type"] for k, r in resources.items()}
    components = sorted(k for k, t in kinds.items() if t == "AWS::SageMaker::InferenceComponent")
    assert components == [
        "SagemakerInferenceComponentChat",
        "SagemakerInferenceComponentChatSql",
        "SagemakerInferenceComponentCode",
    ]
    assert "SagemakerModel" not in resources  # the file's components replace the base's model
    adapter = resources["SagemakerInferenceComponentChatSql"]
    assert adapter["DependsOn"] == ["SagemakerInferenceComponentChat"]
    assert "RuntimeConfig" not in adapter["Properties"]
    # Only chat may reach zero copies: only chat gets the wake-up alarm, and code keeps an
    # instance.
    wake = [k for k in resources if k.endswith("NoCapacityAlarm")]
    assert wake == ["SagemakerInferenceComponentChatNoCapacityAlarm"]
    [variant] = resources["SagemakerEndpointConfig"]["Properties"]["ProductionVariants"]
    assert variant["ManagedInstanceScaling"]["MinInstanceCount"] == 1
    assert "ModelName" not in variant
    names = variables_of(template)["SAGEMAKER_INFERENCE_COMPONENTS"]["Fn::Join"][1]
    assert [n["Fn::Sub"][0] for n in names] == [
        "chat-${StackIdSuffix}",
        "code-${StackIdSuffix}",
        "chat-sql-${StackIdSuffix}",
    ]


def test_a_misspelt_component_field_is_named_with_a_suggestion(run: Run) -> None:
    text = COMPONENTS_FILE.replace("    memory_mb: 16384", "    memory_md: 16384")
    message = run.refused("--props", run.file("c.yaml", text))
    assert "inference_components[1].memory_md" in message
    assert "did you mean memory_mb?" in message


def test_the_components_flag_with_a_canary_rollout_is_refused(run: Run) -> None:
    message = run.refused("--inference-components", "--rollout", "canary")
    assert "--inference-components with a CANARY --rollout: components update copy" in message


def test_the_components_flag_in_a_vpc_with_a_rolling_rollout(run: Run) -> None:
    template = run.template("--inference-components", "--deploy-vpc", "--rollout", "rolling")
    resources = template["Resources"]
    config = resources["SagemakerEndpointConfig"]["Properties"]
    assert config["VpcConfig"]["SecurityGroupIds"] == [{"Ref": "SagemakerModelSecurityGroup"}]
    assert (
        resources["SagemakerInferenceComponentLlmModel"]["Properties"]["VpcConfig"]
        == (config["VpcConfig"])
    )
    [variant] = config["ProductionVariants"]
    scaling = variant["ManagedInstanceScaling"]
    # The instances follow the copies: zero when the minimum copies Parameter is 0.
    assert scaling["MaxInstanceCount"] == {"Ref": "ComponentMaxCopies"}
    assert scaling["MinInstanceCount"] == {
        "Fn::If": ["SagemakerInferenceComponentsScaleToZero", 0, 1]
    }
    assert template["Conditions"]["SagemakerInferenceComponentsScaleToZero"] == {
        "Fn::Equals": [{"Ref": "ComponentMinCopies"}, 0]
    }
    component = resources["SagemakerInferenceComponentLlm"]["Properties"]
    policy = component["DeploymentConfig"]["RollingUpdatePolicy"]
    assert policy["MaximumBatchSize"] == {"Type": "CAPACITY_PERCENT", "Value": 25}
    assert "DeploymentConfig" not in resources["SagemakerEndpoint"]["Properties"]
    instance_type = template["Parameters"]["InstanceType"]
    assert instance_type["Default"] == "ml.g5.xlarge"
    allowed = [t for t in INSTANCE_TYPES if re.fullmatch(instance_type["AllowedPattern"], t)]
    assert "ml.g5.xlarge" in allowed and "ml.p5.48xlarge" in allowed
    assert all(t.startswith(("ml.g", "ml.p")) for t in allowed)


def test_the_components_flag_and_a_model_data_prefix_exclude_each_other(run: Run) -> None:
    with pytest.raises(SystemExit) as raised:
        cli.main([PATTERN, "--inference-components", "--model-data-prefix"])
    assert raised.value.code == 2
    assert "not allowed with argument" in run.capsys.readouterr().err
