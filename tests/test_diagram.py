"""`troposphere-patterns diagram`: pictures of templates, as a reviewer reads them.

Expectations come from the templates themselves (types and properties), not from the drawing
code, and the SVG is checked the way a reader sees it: which box sits inside which, what is
emphasised, what text is shown, that nothing overlaps, and that a real renderer draws it.
"""

from __future__ import annotations

import io
import json
import re
import subprocess
import sys
import textwrap
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import cairosvg
import pytest
from PIL import Image

from troposphere_patterns import cli
from troposphere_patterns.diagram import drawing
from troposphere_patterns.diagram.architecture import read_file
from troposphere_patterns.diagram.drawing import render_svg
from troposphere_patterns.diagram.mermaid import markdown

ROOT = Path(__file__).parent.parent
TEMPLATES = sorted((ROOT / "templates").glob("*.json"))
DIAGRAMS = ROOT / "docs" / "diagrams"
SVG = "{http://www.w3.org/2000/svg}"
RUNTIME = "#d45b07"
README_WIDTH_PX = 880

Box = tuple[float, float, float, float]


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "troposphere_patterns", *args],
        capture_output=True,
        text=True,
        check=False,
    )


def bbox(element: ET.Element) -> Box:
    numbers: list[float] = []
    for path in element.iter(f"{SVG}path"):
        numbers += [float(n) for n in re.findall(r"-?\d+(?:\.\d+)?", path.get("d", ""))]
    xs, ys = numbers[0::2], numbers[1::2]
    return min(xs), min(ys), max(xs), max(ys)


def inside(inner: Box, outer: Box) -> bool:
    return (
        outer[0] <= inner[0]
        and outer[1] <= inner[1]
        and inner[2] <= outer[2]
        and inner[3] <= outer[3]
    )


def overlap(a: Box, b: Box) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


class Picture:
    """An SVG as drawn: boxes by id, texts by id."""

    def __init__(self, text: str) -> None:
        self.root = ET.fromstring(text)
        self.groups = {g.get("id", ""): g for g in self.root.iter(f"{SVG}g")}

    def box(self, gid: str) -> Box:
        return bbox(self.groups[gid])

    def ids(self, prefix: str) -> set[str]:
        return {gid.removeprefix(prefix) for gid in self.groups if gid.startswith(prefix)}

    def text(self, gid: str) -> str:
        return "".join(t.text or "" for t in self.groups[gid].iter(f"{SVG}text"))

    def stroke(self, gid: str) -> str:
        return next(iter(self.groups[gid].iter(f"{SVG}path"))).get("style", "")


def load(path: Path) -> dict[str, Any]:
    return dict(json.loads(path.read_text()))


def subnet_placed(resource: dict[str, Any]) -> bool:
    props = resource.get("Properties", {})
    return bool(
        props.get("VpcConfig", {}).get("SubnetIds")
        or props.get("VpcConfig", {}).get("Subnets")
        or props.get("SubnetIds")
    )


@pytest.fixture(scope="module", params=TEMPLATES, ids=lambda p: p.stem)
def drawn(request: pytest.FixtureRequest) -> tuple[dict[str, Any], Picture, str]:
    path: Path = request.param
    svg = render_svg(read_file(path))
    return load(path), Picture(svg), svg


def test_every_template_has_a_picture() -> None:
    assert TEMPLATES, "templates/ is empty"
    expected = {f"{p.stem}.svg" for p in TEMPLATES} | {f"{p.stem}.md" for p in TEMPLATES}
    found = {p.name for p in DIAGRAMS.iterdir()} if DIAGRAMS.exists() else set()
    assert found == expected, "docs/diagrams/ is out of step with templates/: run `make diagrams`"


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: p.stem)
def test_committed_pictures_match_a_fresh_render(path: Path) -> None:
    arch = read_file(path)
    svg, mermaid = DIAGRAMS / f"{path.stem}.svg", DIAGRAMS / f"{path.stem}.md"
    assert svg.exists() and svg.read_text() == render_svg(arch), f"{svg} is stale: make diagrams"
    assert mermaid.read_text() == markdown(arch), f"{mermaid} is stale: make diagrams"


def test_every_resource_is_a_labelled_node_with_its_short_type(
    drawn: tuple[dict[str, Any], Picture, str],
) -> None:
    template, picture, _ = drawn
    resources = template["Resources"]
    assert set(resources) <= picture.ids("node-")
    for name, resource in resources.items():
        assert picture.text(f"label-{name}") == name
        assert picture.text(f"type-{name}") == resource["Type"].removeprefix("AWS::")


def test_boxes_hold_what_aws_draws_inside_them(
    drawn: tuple[dict[str, Any], Picture, str],
) -> None:
    template, picture, _ = drawn
    resources = template["Resources"]
    cloud = picture.box("group-cloud")
    assert "AWS Cloud" in picture.text("grouplabel-cloud")
    assert not overlap(picture.box("node-_caller"), cloud), "the caller sits outside the cloud"
    vpcs = sorted(picture.ids("group-vpc-"))
    has_vpc = any(r["Type"] == "AWS::EC2::VPC" for r in resources.values()) or any(
        p["Type"] == "AWS::EC2::VPC::Id" for p in template.get("Parameters", {}).values()
    )
    assert len(vpcs) == (1 if has_vpc else 0)
    for name in resources:
        assert inside(picture.box(f"node-{name}"), cloud), name
    if not has_vpc:
        return
    vpc, subnets = picture.box(f"group-vpc-{vpcs[0]}"), picture.box(f"group-subnets-{vpcs[0]}")
    assert inside(subnets, vpc)
    assert picture.text(f"grouplabel-vpc-{vpcs[0]}").startswith("VPC")
    assert picture.text(f"grouplabel-subnets-{vpcs[0]}").startswith("Subnets")
    for name, resource in resources.items():
        node, kind = picture.box(f"node-{name}"), resource["Type"]
        if subnet_placed(resource) or kind == "AWS::EC2::Subnet":
            assert inside(node, subnets), f"{name} belongs in the subnets box"
        elif kind in ("AWS::EC2::SecurityGroup", "AWS::EC2::RouteTable", "AWS::EC2::VPC"):
            assert inside(node, vpc) and not overlap(node, subnets), f"{name}: VPC, not subnet"
        elif kind.startswith(("AWS::IAM::", "AWS::KMS::", "AWS::Logs::", "AWS::SageMaker::E")):
            assert not overlap(node, vpc), f"{name} sits outside the VPC"


def test_the_runtime_path_is_emphasised_from_caller_to_model(
    drawn: tuple[dict[str, Any], Picture, str],
) -> None:
    template, picture, _ = drawn
    resources = template["Resources"]
    steps = [("_caller", "LambdaFunction")]
    if "SagemakerEndpoint" in resources:
        if "SagemakerRuntimeVpcEndpoint" in resources:
            steps += [
                ("LambdaFunction", "SagemakerRuntimeVpcEndpoint"),
                ("SagemakerRuntimeVpcEndpoint", "SagemakerEndpoint"),
            ]
        else:
            steps.append(("LambdaFunction", "SagemakerEndpoint"))
        steps.append(("SagemakerEndpoint", "SagemakerEndpointConfig"))
        components = sorted(
            k for k, r in resources.items() if r["Type"] == "AWS::SageMaker::InferenceComponent"
        )
        if components:  # the endpoint serves its components, each its own model
            for component in components:
                steps.append(("SagemakerEndpoint", component))
                if "ModelName" in resources[component]["Properties"]["Specification"]:
                    steps.append((component, f"{component}Model"))
        else:
            steps.append(("SagemakerEndpointConfig", "SagemakerModel"))
        config = resources["SagemakerEndpointConfig"]["Properties"]
        if "AsyncInferenceConfig" in config:  # through the bucket, notices to the topics
            steps += [
                ("LambdaFunction", "SagemakerDataBucket"),
                ("SagemakerEndpointConfig", "SagemakerDataBucket"),
                ("SagemakerEndpointConfig", "AsyncSuccessTopic"),
                ("SagemakerEndpointConfig", "AsyncErrorTopic"),
            ]
    else:  # an existing endpoint: the function's endpoint-name parameter stands for it
        steps.append(("LambdaFunction", "EndpointName"))
        assert "Parameter" in picture.text("type-EndpointName")
    assert picture.ids("path-") == {f"{a}-{b}" for a, b in steps}
    for a, b in steps:
        style = picture.stroke(f"path-{a}-{b}")
        assert RUNTIME in style and "stroke-width: 2" in style
    for edge in picture.ids("edge-"):
        assert RUNTIME not in picture.stroke(f"edge-{edge}")


def test_references_are_drawn_by_kind(drawn: tuple[dict[str, Any], Picture, str]) -> None:
    template, picture, _ = drawn
    edges = picture.ids("edge-") | picture.ids("path-")
    sub = picture.stroke("edge-LambdaFunctionLogGroup-LambdaFunction")  # /aws/lambda/${...}
    solid = picture.stroke("edge-LambdaFunctionErrorsAlarm-LambdaFunction")  # Ref
    assert "stroke-dasharray" in sub and "stroke-dasharray" not in solid
    if "Vpc" in template["Resources"]:  # the VPC box says what references to Vpc would
        assert not any(edge.endswith("-Vpc") for edge in edges)


def _security(template: dict[str, Any], name: str) -> bool:
    kind = template["Resources"].get(name, {}).get("Type", "")
    return bool(kind.startswith(("AWS::IAM::", "AWS::KMS::")))


def test_iam_and_kms_references_are_left_out_and_counted(
    drawn: tuple[dict[str, Any], Picture, str],
) -> None:
    template, picture, _ = drawn
    for edge in picture.ids("edge-"):
        source, target = edge.split("-", 1)
        assert not _security(template, source) and not _security(template, target), edge
    assert "IAM and KMS references not drawn" in picture.text("hidden-references")
    assert "--all-references" in picture.text("hidden-references")


def test_all_references_draws_iam_and_kms_by_kind() -> None:
    path = ROOT / "templates" / "lambda-sagemakerendpoint.json"
    picture = Picture(render_svg(read_file(path, all_references=True)))
    edges = picture.ids("edge-")
    assert "LambdaFunction-LambdaFunctionServiceRole" in edges  # Role: GetAtt
    assert "LambdaFunctionServiceRolePolicy-LambdaFunctionServiceRole" in edges  # Roles: Ref
    depends = picture.stroke("edge-LambdaFunction-LambdaFunctionServiceRolePolicy")
    solid = picture.stroke("edge-LambdaFunction-LambdaFunctionServiceRole")
    assert "stroke-dasharray" in depends and "stroke-dasharray" not in solid
    assert "hidden-references" not in picture.groups
    default = Picture(render_svg(read_file(path)))
    assert len(edges) > len(default.ids("edge-"))


def test_readable_at_readme_width(drawn: tuple[dict[str, Any], Picture, str]) -> None:
    _, picture, svg = drawn
    nodes = [picture.box(f"node-{n}") for n in picture.ids("node-")]
    for index, a in enumerate(nodes):
        for b in nodes[index + 1 :]:
            assert not overlap(a, b), "two nodes overlap"
    width_pt = float(picture.root.get("width", "0").removesuffix("pt"))
    scale = min(1.0, README_WIDTH_PX / (width_pt * 4 / 3))
    sizes = [float(s) for s in re.findall(r"font-size: ([\d.]+)px", svg)]
    assert min(sizes) * 4 / 3 * scale >= 7, "text smaller than 7 px at README width"
    assert "<dc:date>" not in svg, "a date would make every render differ"
    # Self-contained: no images, and every link (clip paths) points inside the file.
    assert not list(picture.root.iter(f"{SVG}image"))
    links = [v for e in picture.root.iter() for k, v in e.attrib.items() if k.endswith("href")]
    links += re.findall(r"url\(([^)]*)\)", svg)
    assert all(link.startswith("#") for link in links), links


def test_a_real_renderer_draws_the_svg(drawn: tuple[dict[str, Any], Picture, str]) -> None:
    _, _, svg = drawn
    png = cairosvg.svg2png(bytestring=svg.encode(), output_width=README_WIDTH_PX)
    image = Image.open(io.BytesIO(png)).convert("RGB")
    assert image.width == README_WIDTH_PX and image.height > 300
    colours = image.getcolors(maxcolors=1 << 20) or []
    orange = sum(n for n, (r, g, b) in colours if r > 190 and 70 < g < 110 and b < 40)
    ink = sum(n for n, (r, g, b) in colours if r + g + b < 200)
    assert orange > 500, "the runtime path is not visible"
    assert ink > 2000, "no text or outlines rendered"


YAML_TEMPLATE = """\
AWSTemplateFormatVersion: "2010-09-09"
Parameters:
  Stage: {Type: String}
Resources:
  Network:
    Type: AWS::EC2::VPC
    Properties: {CidrBlock: 10.1.0.0/16}
  Private:
    Type: AWS::EC2::Subnet
    Properties:
      VpcId: !Ref Network
      CidrBlock: !Select [0, !Cidr [!GetAtt Network.CidrBlock, 2, 8]]
  Firewall:
    Type: AWS::EC2::SecurityGroup
    Properties: {GroupDescription: x, VpcId: !Ref Network}
  Worker:
    Type: AWS::EC2::Instance
    Properties:
      SubnetId: !Ref Private
      SecurityGroupIds: [!GetAtt Firewall.GroupId]
      UserData: !Base64 {"Fn::Sub": "echo ${Bucket} ${AWS::Region} ${!Literal}"}
  Bucket:
    Type: AWS::S3::Bucket
  Notifier:
    Type: Custom::Notifier
    DependsOn: [Worker]
    Properties:
      ServiceToken: !Sub
        - "arn:${AWS::Partition}:lambda:${AWS::Region}:${AWS::AccountId}:function:${Name}"
        - Name: !If [IsProd, !Ref Stage, !Ref Bucket]
  Queue:
    Type: AWS::SQS::Queue
    Condition: IsProd
Conditions:
  IsProd: !Equals [!Ref Stage, prod]
"""


def test_any_yaml_template_with_short_form_tags(tmp_path: Path) -> None:
    path = tmp_path / "stack.yaml"
    path.write_text(YAML_TEMPLATE)
    arch = read_file(path)
    edges = {(e.source, e.target): e.kinds for e in arch.edges}
    assert edges[("Worker", "Firewall")] == {"GetAtt"}
    assert edges[("Worker", "Bucket")] == {"Sub"}  # ${AWS::Region} and ${!Literal} are not
    assert edges[("Notifier", "Worker")] == {"DependsOn"}
    assert edges[("Notifier", "Bucket")] == {"Ref"}  # inside !If inside !Sub's variables
    assert ("Private", "Network") in edges and ("Notifier", "Stage") not in edges
    group = {n.id: n.group for n in arch.nodes}
    assert group["Worker"] == group["Private"] == "subnets:Network"
    assert group["Firewall"] == group["Network"] == "vpc:Network"
    assert group["Bucket"] == group["Notifier"] == group["Queue"] == "cloud"
    assert arch.node("Notifier").short_type == "Custom::Notifier"
    assert arch.node("Notifier").category == "other"  # an unknown type: a plain, generic node
    assert arch.runtime_path == ()  # no function, no caller
    picture = Picture(render_svg(arch))
    assert picture.text("grouplabel-vpc-Network") == "VPC 10.1.0.0/16"
    assert inside(picture.box("node-Worker"), picture.box("group-subnets-Network"))
    assert not overlap(picture.box("node-Bucket"), picture.box("group-vpc-Network"))
    assert "node-_caller" not in picture.groups


def test_cli_writes_svg_and_mermaid_by_the_output_extension(tmp_path: Path) -> None:
    template = str(ROOT / "templates" / "lambda-sagemakerendpoint-deploy-vpc.json")
    for name in ("out.svg", "out.md", "out.mmd"):
        assert cli.main(["diagram", template, "-o", str(tmp_path / name)]) == 0
    svg = (tmp_path / "out.svg").read_text()
    assert ET.fromstring(svg).tag == f"{SVG}svg"
    fenced, plain = (tmp_path / "out.md").read_text(), (tmp_path / "out.mmd").read_text()
    assert fenced == f"```mermaid\n{plain}```\n"
    assert plain.startswith("flowchart TB\n")
    for line in (
        'subgraph g_vpc_Vpc["VPC 10.0.0.0/16"]',
        'subgraph g_subnets_Vpc["Subnets"]',
        "caller ==> LambdaFunction",
        "LambdaFunction ==> SagemakerRuntimeVpcEndpoint",
        "SagemakerEndpointConfig ==> SagemakerModel",
        "LambdaFunctionLogGroup -->|Sub| LambdaFunction",
        "%% 13 IAM and KMS references not drawn (diagram --all-references)",
    ):
        assert line in plain
    assert "-.->|DependsOn| LambdaFunctionServiceRolePolicy" not in plain
    every = run("diagram", template, "--format", "mermaid", "--all-references")
    assert every.returncode == 0
    assert "LambdaFunction -.->|DependsOn| LambdaFunctionServiceRolePolicy" in every.stdout
    assert "not drawn" not in every.stdout
    result = run("diagram", template)
    assert result.returncode == 0 and result.stdout == svg
    result = run("diagram", template, "--format", "mermaid")
    assert result.returncode == 0 and result.stdout == plain


@pytest.mark.parametrize(
    ("content", "name", "fragment"),
    [
        ("{not json", "broken.json", "does not parse as JSON/YAML"),
        ("Resources: [unclosed", "broken.yaml", "does not parse as JSON/YAML"),
        ("AWSTemplateFormatVersion: '2010-09-09'\n", "empty.yaml", "no Resources mapping"),
        ('{"Resources": {"A": {"Properties": {}}}}', "untyped.json", "resource A has no Type"),
        ("- just\n- a list\n", "list.yaml", "the top level is not a mapping"),
    ],
)
def test_a_template_that_does_not_parse_is_exit_2_naming_the_file(
    tmp_path: Path, content: str, name: str, fragment: str
) -> None:
    path = tmp_path / name
    path.write_text(content)
    out = tmp_path / "out.svg"
    out.write_text("previous picture")
    result = run("diagram", str(path), "-o", str(out))
    assert result.returncode == 2
    assert str(path) in result.stderr and fragment in result.stderr
    assert out.read_text() == "previous picture"


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["-o", "out.png"], "cannot tell the format from '.png'"),
        (["-o", "out.svg", "--format", "mermaid"], "the extension says svg, --format says mermaid"),
        (["-o", "missing-dir/out.svg"], "-o missing-dir/out.svg"),
    ],
)
def test_bad_output_options_are_exit_2(args: list[str], fragment: str) -> None:
    result = run("diagram", str(TEMPLATES[0]), *args)
    assert result.returncode == 2 and fragment in result.stderr


def test_a_missing_template_is_exit_2() -> None:
    result = run("diagram", "no-such-template.yaml")
    assert result.returncode == 2 and "no-such-template.yaml: cannot read" in result.stderr


CHECK_IMPORTS = textwrap.dedent(
    """
    import sys
    {setup}
    from troposphere_patterns import cli
    status = cli.main({argv!r})
    loaded = {{m.split(".")[0] for m, module in sys.modules.items() if module is not None}}
    heavy = sorted(loaded & {{"networkx", "matplotlib"}})
    print(status, heavy, file=sys.stderr)
    """
)


def imports(argv: list[str], setup: str = "") -> subprocess.CompletedProcess[str]:
    code = CHECK_IMPORTS.format(setup=setup, argv=argv)
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)


def test_the_drawing_stack_loads_only_for_svg(tmp_path: Path) -> None:
    template = str(TEMPLATES[0])
    assert imports(["lambda-sagemakerendpoint", "-o", str(tmp_path / "t.json")]).stderr.endswith(
        "0 []\n"
    )
    assert imports(["diagram", template, "--format", "mermaid"]).stderr.endswith("0 []\n")
    assert "0 ['matplotlib', 'networkx']" in imports(["diagram", template]).stderr


def test_svg_without_the_extra_says_what_to_install() -> None:
    # A None entry in sys.modules makes the import fail, as when the extra is not installed.
    result = imports(["diagram", str(TEMPLATES[0])], setup="sys.modules['matplotlib'] = None")
    assert result.stderr.rstrip().endswith("2 []")
    assert "pip install 'troposphere-patterns[diagram]'" in result.stderr
    assert "--format mermaid" in result.stderr


ODD_TEMPLATES = {
    # A reference cycle (CloudFormation refuses it; the picture still draws it) and no Properties.
    "cycle.json": {
        "Resources": {
            "Topic": {"Type": "AWS::SNS::Topic", "Properties": {"X": {"Ref": "Queue"}}},
            "Queue": {"Type": "AWS::SQS::Queue", "Properties": {"Y": {"Fn::GetAtt": "Topic.Arn"}}},
            "Bucket": {"Type": "AWS::S3::Bucket", "Properties": None},
        }
    },
    # Subnets given as a parameter, with no VPC anywhere: a subnets box of its own.
    "subnets.json": {
        "Parameters": {"PrivateSubnets": {"Type": "List<AWS::EC2::Subnet::Id>"}},
        "Resources": {
            "Handler": {
                "Type": "AWS::Lambda::Function",
                "Properties": {"VpcConfig": {"SubnetIds": {"Ref": "PrivateSubnets"}}},
            }
        },
    },
}


@pytest.mark.parametrize("name", sorted(ODD_TEMPLATES))
def test_odd_templates_still_draw_every_resource_apart(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_text(json.dumps(ODD_TEMPLATES[name]))
    picture = Picture(render_svg(read_file(path)))
    nodes = {n: picture.box(f"node-{n}") for n in ODD_TEMPLATES[name]["Resources"]}
    cloud = picture.box("group-cloud")
    assert all(inside(box, cloud) for box in nodes.values())
    boxes = list(nodes.values())
    assert not any(overlap(a, b) for i, a in enumerate(boxes) for b in boxes[i + 1 :])
    if name == "cycle.json":
        assert {"Topic-Queue", "Queue-Topic"} <= picture.ids("edge-")
    else:
        subnets = picture.box("group-subnets-PrivateSubnets")
        assert picture.text("grouplabel-subnets-PrivateSubnets") == (
            "Subnets (parameter PrivateSubnets)"
        )
        assert inside(nodes["Handler"], subnets) and inside(subnets, cloud)
        assert picture.ids("path-") == {"_caller-Handler"}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (  # a logical ID, as node labels draw it (bold)
            "SagemakerEndpointAllTrafficInvocation5XXErrorsAlarm",
            ["Sagemaker", "EndpointAllTraffic", "Invocation5XX", "ErrorsAlarm"],
        ),
        (
            "VpcIsolatedSubnet1RouteTableAssociation",
            ["VpcIsolated", "Subnet1Route", "TableAssociation"],
        ),
        ("SageMaker::EndpointConfig", ["SageMaker::", "EndpointConfig"]),
    ],
)
def test_labels_break_between_words(text: str, expected: list[str]) -> None:
    width = drawing.NODE_WIDTH - 2 * drawing.NODE_PADDING
    lines = drawing.wrap(text, drawing.ID_SIZE, width, bold=True)
    assert lines == expected
    assert "".join(lines) == text
