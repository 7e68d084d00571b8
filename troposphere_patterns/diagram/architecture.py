"""A CloudFormation template read as an architecture: resources, groups, references, runtime path.

Works on any template, not only the ones this project renders: unknown resource types become
plain nodes, and only what the template itself says (types, properties, references) is used.
"""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import field
from pathlib import Path
from typing import Any

import yaml

from troposphere_patterns.records import record

CLOUD = "cloud"
# Not a valid logical ID (those are alphanumeric), so it cannot collide with a resource.
CALLER = "_caller"

VPC = "AWS::EC2::VPC"
SUBNET = "AWS::EC2::Subnet"
SECURITY_GROUP = "AWS::EC2::SecurityGroup"
VPC_ENDPOINT = "AWS::EC2::VPCEndpoint"
ENDPOINT = "AWS::SageMaker::Endpoint"
ENDPOINT_CONFIG = "AWS::SageMaker::EndpointConfig"
MODEL = "AWS::SageMaker::Model"
BUCKET = "AWS::S3::Bucket"
TOPIC = "AWS::SNS::Topic"
# Categories whose references say who may do what or what is encrypted with which key, not
# where a request goes: hidden by default (``all_references`` draws them).
REFERENCE_CATEGORIES = frozenset({"security"})
INFERENCE_COMPONENT = "AWS::SageMaker::InferenceComponent"
FUNCTION_TYPES = frozenset({"AWS::Lambda::Function", "AWS::Serverless::Function"})
# Parameter types that stand for a VPC or subnets outside the template (SSM-typed ones too).
VPC_PARAMETER = "AWS::EC2::VPC::Id"
SUBNET_PARAMETER = "AWS::EC2::Subnet::Id"
# Resources drawn where the resource one property names sits: a rule beside its security group,
# a route beside its table, a flow log with the VPC or subnet it watches.
ATTACHED_TO = {
    "AWS::EC2::SecurityGroupIngress": "GroupId",
    "AWS::EC2::SecurityGroupEgress": "GroupId",
    "AWS::EC2::Route": "RouteTableId",
    "AWS::EC2::FlowLog": "ResourceId",
    "AWS::EC2::NetworkAclEntry": "NetworkAclId",
}
# CloudFormation's own pseudo parameters never name a resource.
_SUB_NAME = re.compile(r"\$\{(?!!)\s*([^}\s]+)\s*\}")

# Service -> category, for colours; anything else is "other". Categories follow the groups of
# the AWS Architecture Icons.
CATEGORIES = {
    "Lambda": "compute",
    "Serverless": "compute",
    "EC2": "compute",
    "SageMaker": "ml",
    "IAM": "security",
    "KMS": "security",
    "SecretsManager": "security",
    "Logs": "management",
    "CloudWatch": "management",
    "ApplicationAutoScaling": "management",
    "S3": "storage",
    "SNS": "integration",
    "SQS": "integration",
    "Events": "integration",
    "ApiGateway": "integration",
    "ApiGatewayV2": "integration",
}
NETWORK_TYPE = re.compile(
    r"^AWS::EC2::(VPC|Subnet|SecurityGroup|RouteTable|Route|VPCEndpoint|FlowLog|NatGateway|"
    r"InternetGateway|VPCGatewayAttachment|NetworkAcl|EIP|TransitGateway)"
)

# Nodes that are no resource of the template: their type -> (type shown, category).
NOT_RESOURCES = {
    "Caller": ("client or service", "caller"),
    "Parameter": ("Parameter (outside the template)", "external"),
}


class TemplateError(ValueError):
    """The file is not a CloudFormation template; the message names the file."""


class _TemplateLoader(yaml.SafeLoader):
    """YAML with CloudFormation's short-form tags (``!Ref``, ``!GetAtt``, ``!Sub``, ...)."""


def _short_form(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> dict[str, Any]:
    value: Any
    if isinstance(node, yaml.ScalarNode):
        value = loader.construct_scalar(node)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = loader.construct_mapping(node, deep=True)  # type: ignore[arg-type]
    if suffix in ("Ref", "Condition"):
        return {suffix: value}
    if suffix == "GetAtt" and isinstance(value, str):
        value = value.split(".", 1)
    return {f"Fn::{suffix}": value}


_TemplateLoader.add_multi_constructor("!", _short_form)


def load_template(path: Path) -> dict[str, Any]:
    """Read a template file: JSON for ``.json``, YAML (short-form tags included) otherwise.

    Raises:
        TemplateError: the file cannot be read, does not parse, or is not a template; the
            message starts with the file's name.
    """
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise TemplateError(f"{path}: cannot read: {error.strerror}") from error
    except UnicodeDecodeError as error:
        raise TemplateError(f"{path}: not UTF-8 text") from error
    try:
        if path.suffix.lower() == ".json":
            data = json.loads(text)
        else:
            data = yaml.load(text, Loader=_TemplateLoader)  # a SafeLoader subclass
    except (json.JSONDecodeError, yaml.YAMLError) as error:
        raise TemplateError(f"{path}: does not parse as JSON/YAML: {error}") from error
    problem = _template_problem(data)
    if problem:
        raise TemplateError(f"{path}: not a CloudFormation template: {problem}")
    return dict(data)


def _template_problem(data: Any) -> str | None:
    if not isinstance(data, Mapping):
        return "the top level is not a mapping"
    resources = data.get("Resources")
    if not isinstance(resources, Mapping) or not resources:
        return "no Resources mapping"
    for name, resource in resources.items():
        if not isinstance(name, str):
            return f"resource name {name!r} is not a string"
        if not isinstance(resource, Mapping) or not isinstance(resource.get("Type"), str):
            return f"resource {name} has no Type"
        depends = resource.get("DependsOn", [])
        if not isinstance(depends, str) and not (
            isinstance(depends, list) and all(isinstance(item, str) for item in depends)
        ):
            return f"resource {name}: DependsOn must be a name or a list of names"
    parameters = data.get("Parameters", {})
    if not isinstance(parameters, Mapping):
        return "Parameters is not a mapping"
    return None


@record
class Reference:
    """One reference from a resource: what it names, how, and under which property keys."""

    target: str
    kind: str  # "Ref", "GetAtt", "Sub" or "DependsOn"
    path: tuple[str, ...]


def references(value: Any, path: tuple[str, ...] = ()) -> Iterator[Reference]:
    """Every ``Ref``, ``Fn::GetAtt`` and ``Fn::Sub`` name inside a property value."""
    if isinstance(value, Mapping):
        if len(value) == 1:
            ((key, argument),) = value.items()
            if key == "Ref" and isinstance(argument, str):
                yield Reference(argument, "Ref", path)
                return
            if key == "Fn::GetAtt":
                name = argument if isinstance(argument, str) else None
                if isinstance(argument, list) and argument and isinstance(argument[0], str):
                    name = argument[0]
                    yield from references(argument[1:], path)  # an attribute given by !Ref
                if name is not None:
                    yield Reference(name.split(".", 1)[0], "GetAtt", path)
                    return
            if key == "Fn::Sub":
                yield from _sub_references(argument, path)
                return
        for key, item in value.items():
            yield from references(item, (*path, str(key)))
    elif isinstance(value, list):
        for item in value:
            yield from references(item, path)


def _sub_references(argument: Any, path: tuple[str, ...]) -> Iterator[Reference]:
    text, variables = argument, {}
    if isinstance(argument, list) and len(argument) == 2 and isinstance(argument[1], Mapping):
        text, variables = argument
        yield from references(dict(variables), path)
    if not isinstance(text, str):
        return
    for name in _SUB_NAME.findall(text):
        base = name.split(".", 1)[0]
        if name not in variables and base not in variables:
            yield Reference(base, "Sub", path)


def _properties(resource: Mapping[str, Any]) -> Mapping[str, Any]:
    properties = resource.get("Properties")
    return properties if isinstance(properties, Mapping) else {}


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, Mapping):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


@record
class Node:
    """A box in the picture: a resource, a parameter a function is configured with, the caller."""

    id: str
    type: str  # the CloudFormation type, "Parameter" or "Caller"
    group: str | None  # the innermost group; None only for the caller, outside the cloud

    @property
    def label(self) -> str:
        """The name shown: the logical ID (or "Caller")."""
        return "Caller" if self.id == CALLER else self.id

    @property
    def short_type(self) -> str:
        """The type without its ``AWS::`` prefix, e.g. ``Lambda::Function``."""
        if self.type in NOT_RESOURCES:
            return NOT_RESOURCES[self.type][0]
        return self.type.removeprefix("AWS::")

    @property
    def category(self) -> str:
        """The service category that picks the node's colour."""
        if self.type in NOT_RESOURCES:
            return NOT_RESOURCES[self.type][1]
        if NETWORK_TYPE.match(self.type):
            return "network"
        parts = self.type.split("::")
        return CATEGORIES.get(parts[1], "other") if len(parts) > 2 else "other"


@record
class Group:
    """A box around nodes: the AWS Cloud, a VPC, a VPC's subnets."""

    id: str
    label: str
    kind: str  # "cloud", "vpc" or "subnets"
    parent: str | None
    anchors: frozenset[str] = frozenset()  # the resources the box stands for (VPC, subnets)


@record
class Edge:
    """``source`` references ``target``, in one or more ways."""

    source: str
    target: str
    kinds: frozenset[str]

    @property
    def style(self) -> str:
        """The strongest kind: ``reference`` (Ref/GetAtt), ``sub`` or ``depends_on``."""
        if self.kinds & {"Ref", "GetAtt"}:
            return "reference"
        return "sub" if "Sub" in self.kinds else "depends_on"


@record
class Architecture:
    """What a picture of a template shows, independent of how it is drawn."""

    name: str
    nodes: tuple[Node, ...]
    groups: tuple[Group, ...]
    edges: tuple[Edge, ...]
    runtime_path: tuple[tuple[str, str], ...]
    all_references: bool = False
    _by_id: dict[str, Node] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_id", {node.id: node for node in self.nodes})

    def node(self, node_id: str) -> Node:
        """The node with this ID."""
        return self._by_id[node_id]

    @property
    def plain_edges(self) -> tuple[Edge, ...]:
        """References a picture draws as lines.

        Left out: steps of the runtime path (drawn emphasised), references from inside a
        box to the VPC or subnets that the box itself stands for (the box already says so),
        and, unless ``all_references``, those from or to IAM and KMS (:attr:`hidden_edges`):
        every resource has a role or a key, and their lines would hide the rest.
        """
        path, hidden = set(self.runtime_path), set(self.hidden_edges)
        return tuple(
            edge
            for edge in self.edges
            if (edge.source, edge.target) not in path
            and edge not in hidden
            and not self._contained(edge)
        )

    @property
    def hidden_edges(self) -> tuple[Edge, ...]:
        """References to or from IAM and KMS resources that a default picture leaves out."""
        if self.all_references:
            return ()
        path = set(self.runtime_path)
        return tuple(
            edge
            for edge in self.edges
            if (edge.source, edge.target) not in path
            and REFERENCE_CATEGORIES
            & {self.node(edge.source).category, self.node(edge.target).category}
        )

    def _contained(self, edge: Edge) -> bool:
        for group in self.groups:
            if edge.target in group.anchors:
                return self.node(edge.source).group in self.inside(group.id)
        return False

    def inside(self, group_id: str) -> frozenset[str]:
        """A group and every group nested in it."""
        found = {group_id}
        for child in self.subgroups(group_id):
            found |= self.inside(child.id)
        return frozenset(found)

    @property
    def runtime_nodes(self) -> frozenset[str]:
        """Nodes on the runtime path."""
        return frozenset(node for pair in self.runtime_path for node in pair)

    def members(self, group_id: str) -> tuple[Node, ...]:
        """Nodes directly in a group."""
        return tuple(node for node in self.nodes if node.group == group_id)

    def subgroups(self, group_id: str | None) -> tuple[Group, ...]:
        """Groups directly inside a group (``None``: the top level)."""
        return tuple(group for group in self.groups if group.parent == group_id)


class _Reader:
    """Turns one loaded template into an Architecture."""

    def __init__(self, template: Mapping[str, Any]) -> None:
        self.resources: dict[str, Mapping[str, Any]] = dict(template["Resources"])
        self.parameters = {
            name: str(spec.get("Type", "")) if isinstance(spec, Mapping) else ""
            for name, spec in dict(template.get("Parameters") or {}).items()
        }
        self.refs: dict[str, list[Reference]] = {}
        for name, resource in self.resources.items():
            found = list(references(_properties(resource)))
            depends = resource.get("DependsOn", [])
            for target in [depends] if isinstance(depends, str) else depends:
                found.append(Reference(target, "DependsOn", ("DependsOn",)))
            self.refs[name] = found
        self.vpcs = {n for n, r in self.resources.items() if r["Type"] == VPC} | {
            n for n, t in self.parameters.items() if VPC_PARAMETER in t
        }
        self.subnets = {n for n, r in self.resources.items() if r["Type"] == SUBNET} | {
            n for n, t in self.parameters.items() if SUBNET_PARAMETER in t
        }
        self.placed: dict[str, str] = {}
        self.group_labels: dict[str, tuple[str, str, str]] = {}  # id -> (label, kind, parent)
        self.subnet_parameters: dict[str, set[str]] = {}

    def type_of(self, name: str) -> str | None:
        resource = self.resources.get(name)
        return str(resource["Type"]) if resource is not None else None

    def _targets(self, name: str, pool: set[str], key: str) -> list[str]:
        """Names in ``pool`` that ``name`` references under a property key containing ``key``."""
        return sorted(
            {
                ref.target
                for ref in self.refs.get(name, [])
                if ref.target in pool and any(key in part.lower() for part in ref.path)
            }
        )

    def _vpc_group(self, vpc: str) -> str:
        group = f"vpc:{vpc}"
        if vpc in self.resources:
            cidr = _properties(self.resources[vpc]).get("CidrBlock")
            label = f"VPC {cidr}" if isinstance(cidr, str) else "VPC"
        else:
            label = f"VPC (parameter {vpc})"
        self.group_labels.setdefault(group, (label, "vpc", CLOUD))
        return group

    def _subnets_group(self, vpc: str | None, subnet: str) -> str:
        """The group of a VPC's subnets (of a subnet parameter whose VPC is unknown)."""
        group = f"subnets:{vpc or subnet}"
        parent = self._vpc_group(vpc) if vpc else CLOUD
        self.group_labels.setdefault(group, ("Subnets", "subnets", parent))
        if subnet in self.parameters:
            self.subnet_parameters.setdefault(group, set()).add(subnet)
        return group

    def _vpc_of(self, name: str, subnet: str) -> str | None:
        """The VPC that ``subnet``, as used by resource ``name``, belongs to."""
        if subnet in self.resources:
            owners = self._targets(subnet, self.vpcs, "vpc")
            return owners[0] if owners else None
        owners = self._targets(name, self.vpcs, "vpc")
        for group in self._targets(name, set(self.resources), "securitygroup"):
            if self.type_of(group) == SECURITY_GROUP:
                owners += self._targets(group, self.vpcs, "vpc")
        if owners:
            return sorted(owners)[0]
        return next(iter(self.vpcs)) if len(self.vpcs) == 1 else None

    def place(self, name: str, seen: frozenset[str] = frozenset()) -> str:
        """The innermost group a resource (or a VPC/subnet parameter) is drawn in."""
        if name in self.placed:
            return self.placed[name]
        if name in self.vpcs:
            group = self._vpc_group(name)
        elif name in self.subnets:
            group = self._subnets_group(self._vpc_of(name, name), name)
        else:
            group = self._place_resource(name, seen | {name})
        self.placed[name] = group
        return group

    def _place_resource(self, name: str, seen: frozenset[str]) -> str:
        kind = self.type_of(name) or ""
        if kind in ATTACHED_TO:
            owner = [
                ref.target
                for ref in self.refs[name]
                if ref.path[:1] == (ATTACHED_TO[kind],) and ref.target not in seen
            ]
            if owner and (owner[0] in self.resources or owner[0] in self.vpcs | self.subnets):
                return self.place(owner[0], seen)
        subnets = self._targets(name, self.subnets, "subnet")
        if subnets:
            return self._subnets_group(self._vpc_of(name, subnets[0]), subnets[0])
        vpcs = self._targets(name, self.vpcs, "vpc")
        return self._vpc_group(vpcs[0]) if vpcs else CLOUD

    def _environment_parameters(self, name: str) -> list[str]:
        """Parameters a function's environment variables name: things it calls, outside."""
        return sorted(
            {
                ref.target
                for ref in self.refs[name]
                if ref.path[:2] == ("Environment", "Variables")
                and ref.target in self.parameters
                and ref.target not in self.vpcs | self.subnets
            }
        )

    def _referenced(self, name: str, kind: str, under: str | None = None) -> list[str]:
        """Resources of type ``kind`` that ``name`` references (under one property, if given)."""
        return sorted(
            {
                ref.target
                for ref in self.refs.get(name, [])
                if ref.kind != "DependsOn"
                and self.type_of(ref.target) == kind
                and (under is None or ref.path[:1] == (under,))
            }
        )

    def _vpc_ancestor(self, group: str) -> str | None:
        while group != CLOUD:
            _, kind, parent = self.group_labels[group]
            if kind == "vpc":
                return group
            group = parent
        return None

    def runtime_path(self) -> list[tuple[str, str]]:
        """Caller to function, [SageMaker Runtime VPC endpoint], endpoint, config and model.

        An endpoint of inference components: endpoint to each component (which names the
        endpoint) and on to its model.
        """
        runtime_endpoints = sorted(
            name
            for name, resource in self.resources.items()
            if resource["Type"] == VPC_ENDPOINT
            and any(
                text.endswith(("sagemaker.runtime", "runtime.sagemaker"))
                for text in _strings(_properties(resource).get("ServiceName"))
            )
        )
        pairs: list[tuple[str, str]] = []
        for function in sorted(n for n, r in self.resources.items() if r["Type"] in FUNCTION_TYPES):
            pairs.append((CALLER, function))
            targets = self._referenced(function, ENDPOINT) or self._environment_parameters(function)
            vpc = self._vpc_ancestor(self.place(function))
            hops = [
                e for e in runtime_endpoints if vpc and self._vpc_ancestor(self.place(e)) == vpc
            ]
            source = function
            if hops and targets:
                pairs.append((function, hops[0]))
                source = hops[0]
            # Async: the function puts each request in the bucket, then queues it.
            pairs.extend((function, b) for b in self._referenced(function, BUCKET, "Environment"))
            for target in targets:
                pairs.append((source, target))
                for config in self._referenced(target, ENDPOINT_CONFIG):
                    pairs.append((target, config))
                    pairs.extend((config, model) for model in self._referenced(config, MODEL))
                    # Async: results and failures go to the bucket, notices to the topics.
                    for kind in (BUCKET, TOPIC):
                        outputs = self._referenced(config, kind, "AsyncInferenceConfig")
                        pairs.extend((config, output) for output in outputs)
                for component in self._referencing(target, INFERENCE_COMPONENT):
                    pairs.append((target, component))
                    pairs.extend((component, m) for m in self._referenced(component, MODEL))
        return list(dict.fromkeys(pairs))

    def _referencing(self, name: str, kind: str) -> list[str]:
        """Resources of ``kind`` that reference ``name`` (not by DependsOn)."""
        return sorted(
            source
            for source, refs in self.refs.items()
            if self.type_of(source) == kind
            and any(ref.target == name and ref.kind != "DependsOn" for ref in refs)
        )

    def read(self, name: str) -> Architecture:
        nodes = [
            Node(n, str(self.resources[n]["Type"]), self.place(n)) for n in sorted(self.resources)
        ]
        functions = [n for n in sorted(self.resources) if self.type_of(n) in FUNCTION_TYPES]
        external = sorted({p for f in functions for p in self._environment_parameters(f)})
        nodes += [Node(p, "Parameter", CLOUD) for p in external]
        path = self.runtime_path()
        if functions:
            nodes.append(Node(CALLER, "Caller", None))
        shown = {node.id for node in nodes}
        kinds: dict[tuple[str, str], set[str]] = {}
        for source in sorted(self.resources):
            for ref in self.refs[source]:
                if ref.target in shown and ref.target != source:
                    kinds.setdefault((source, ref.target), set()).add(ref.kind)
        edges = tuple(Edge(s, t, frozenset(k)) for (s, t), k in sorted(kinds.items()))
        groups = [Group(CLOUD, "AWS Cloud", "cloud", None)]
        occupied = {node.group for node in nodes}
        for group, (label, kind, parent) in sorted(self.group_labels.items()):
            children = {g for g, (_, _, p) in self.group_labels.items() if p == group}
            if group not in occupied and not children & occupied:
                continue
            if group in self.subnet_parameters:
                label += f" (parameter {', '.join(sorted(self.subnet_parameters[group]))})"
            anchors = frozenset(
                n
                for n in self.vpcs | self.subnets
                if n in self.resources and self.place(n) == group
            )
            if kind == "subnets":
                anchors -= self.vpcs
            groups.append(Group(group, label, kind, parent, anchors))
        return Architecture(name, tuple(nodes), tuple(groups), edges, tuple(path))


def read_architecture(
    template: Mapping[str, Any], name: str, *, all_references: bool = False
) -> Architecture:
    """The architecture of a loaded template; ``name`` titles the picture.

    Args:
        template: The loaded template.
        name: Titles the picture.
        all_references: Draw the references to and from IAM and KMS too. Default False.
    """
    arch = _Reader(template).read(name)
    return dataclasses.replace(arch, all_references=all_references)


def read_file(path: Path, *, all_references: bool = False) -> Architecture:
    """Load and read a template file (see ``load_template`` for the errors)."""
    return read_architecture(load_template(path), path.name, all_references=all_references)


__all__: Sequence[str] = (
    "CALLER",
    "CLOUD",
    "Architecture",
    "Edge",
    "Group",
    "Node",
    "TemplateError",
    "load_template",
    "read_architecture",
    "read_file",
)
