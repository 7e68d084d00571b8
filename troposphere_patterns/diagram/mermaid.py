"""An Architecture as a Mermaid flowchart, for Markdown that GitHub renders.

Plain text: needs nothing beyond the standard library, so it works without the ``diagram`` extra.
"""

from __future__ import annotations

from troposphere_patterns.diagram.architecture import CALLER, CLOUD, Architecture

# Fill and border per category, the same colours as the SVG.
CLASSES = {
    "compute": "fill:#FDEBDD,stroke:#ED7100",
    "ml": "fill:#D9F4EE,stroke:#01A88D",
    "security": "fill:#FBE1E5,stroke:#DD344C",
    "network": "fill:#EEE5FF,stroke:#8C4FFF",
    "management": "fill:#FCE1EF,stroke:#E7157B",
    "storage": "fill:#EAF3D9,stroke:#7AA116",
    "integration": "fill:#FCE1EF,stroke:#B0084D",
    "external": "fill:#FFFFFF,stroke:#545B64,stroke-dasharray:4 3",
    "caller": "fill:#FFFFFF,stroke:#232F3E",
    "other": "fill:#F2F3F3,stroke:#7D8998",
}
GROUP_STYLES = {
    "cloud": "fill:#FFFFFF,stroke:#232F3E",
    "vpc": "fill:#FAF7FF,stroke:#8C4FFF",
    "subnets": "fill:#EAF7F7,stroke:#00A4A6,stroke-dasharray:5 3",
}
RUNTIME_LINK = "stroke:#D45B07,stroke-width:3px"
# Words Mermaid reads as syntax wherever they stand as a node ID.
RESERVED = frozenset({"end", "graph", "subgraph", "flowchart", "style", "class", "classdef"})


def _key(node_id: str) -> str:
    if node_id == CALLER:
        return "caller"
    return f"{node_id}_" if node_id.lower() in RESERVED or node_id == "caller" else node_id


def _group_key(group_id: str) -> str:
    return "g_" + "".join(c if c.isalnum() else "_" for c in group_id)


def _text(value: str) -> str:
    return value.replace('"', "#quot;").replace("<", "#lt;").replace(">", "#gt;")


def render_mermaid(arch: Architecture) -> str:
    """Mermaid ``flowchart`` text: subgraphs for the boxes, thick lines for the runtime path."""
    out = ["flowchart TB"]
    runtime = arch.runtime_nodes

    def emit(group_id: str, indent: str) -> None:
        for child in sorted(arch.subgroups(group_id), key=lambda g: g.id):
            out.append(f'{indent}subgraph {_group_key(child.id)}["{_text(child.label)}"]')
            emit(child.id, indent + "  ")
            out.append(f"{indent}end")
        for node in arch.members(group_id):
            out.append(f"{indent}{_shape(node.id, node.label, node.short_type)}")

    out.append(f'  subgraph {_group_key(CLOUD)}["AWS Cloud"]')
    emit(CLOUD, "    ")
    out.append("  end")
    for node in arch.nodes:
        if node.group is None:
            out.append(f"  {_shape(node.id, node.label, node.short_type)}")
    links = 0
    for source, target in arch.runtime_path:
        out.append(f"  {_key(source)} ==> {_key(target)}")
        links += 1
    for edge in arch.plain_edges:
        arrow = {"reference": "-->", "sub": "-->|Sub|", "depends_on": "-.->|DependsOn|"}
        out.append(f"  {_key(edge.source)} {arrow[edge.style]} {_key(edge.target)}")
    if arch.hidden_edges:
        count = len(arch.hidden_edges)
        out.append(f"  %% {count} IAM and KMS references not drawn (diagram --all-references)")
    if links:
        out.append(f"  linkStyle {','.join(str(i) for i in range(links))} {RUNTIME_LINK}")
    for category, style in CLASSES.items():
        members = [_key(n.id) for n in arch.nodes if n.category == category]
        if members:
            out.append(f"  classDef {category} {style}")
            out.append(f"  class {','.join(members)} {category}")
    if runtime:
        out.append("  classDef runtime stroke:#D45B07,stroke-width:3px")
        out.append(f"  class {','.join(_key(n) for n in sorted(runtime))} runtime")
    for group in arch.groups:
        out.append(f"  style {_group_key(group.id)} {GROUP_STYLES[group.kind]}")
    return "\n".join(out) + "\n"


def _shape(node_id: str, label: str, short_type: str) -> str:
    text = f"<b>{_text(label)}</b><br/>{_text(short_type)}"
    if node_id == CALLER:
        return f'{_key(node_id)}(["{text}"])'
    return f'{_key(node_id)}["{text}"]'


def markdown(arch: Architecture) -> str:
    """The flowchart in a fenced ``mermaid`` block, ready to paste into a README or PR."""
    return f"```mermaid\n{render_mermaid(arch)}```\n"
