"""Lay an Architecture out with networkx and draw it as SVG with matplotlib.

The layout is a layered one, as AWS diagrams and dependency graphs are read: networkx orders the
reference graph (a resource sits above what it references, the caller on top), each group gets
its own columns so that a VPC or subnet box holds its members and nothing else, and rows are
filled up to a width that stays readable at README width. Output is deterministic (fixed hash
salt, no date, DejaVu Sans, which ships with matplotlib), so a committed picture can be compared
with a fresh render byte for byte.
"""

from __future__ import annotations

import io
import itertools
import math
import re
from collections.abc import Sequence
from contextlib import AbstractContextManager
from typing import Any

import matplotlib
import networkx as nx
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.lines import Line2D
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch
from matplotlib.path import Path
from matplotlib.textpath import TextToPath

from troposphere_patterns.diagram.architecture import CALLER, CLOUD, Architecture, Group, Node
from troposphere_patterns.records import record

# Sizes in inches (matplotlib's unit); SVG width is in points, 72 to the inch.
NODE_WIDTH = 1.3
COLUMN_GAP = 0.26
ROW_GAP = 0.42
LINE_HEIGHT = 0.145
NODE_PADDING = 0.07
GROUP_PADDING = 0.1  # between a group's members and its border
GROUP_STEP = 0.2  # extra padding per group nested inside (room for the inner label)
LABEL_HEIGHT = 0.2
MARGIN = 0.2
WAYPOINT_WIDTH = 0.16  # room a line takes where it passes a row
WAYPOINT_ROOM = 0.8  # at most this much per band and row for all the lines passing it
LEGEND_HEIGHT = 0.45
MIN_WIDTH = 3.6  # the legend's two columns
GROUP_LABEL_SIZE = 8
# Columns a row may hold across all groups: about 9.5 inches, README width at 1:1.
MAX_COLUMNS = 5
ID_SIZE = 8
TYPE_SIZE = 7
FONT = "DejaVu Sans"

# Fill and border per category, after the AWS Architecture Icons' category colours.
COLOURS = {
    "compute": ("#FDEBDD", "#ED7100"),
    "ml": ("#D9F4EE", "#01A88D"),
    "security": ("#FBE1E5", "#DD344C"),
    "network": ("#EEE5FF", "#8C4FFF"),
    "management": ("#FCE1EF", "#E7157B"),
    "storage": ("#EAF3D9", "#7AA116"),
    "integration": ("#FCE1EF", "#B0084D"),
    "external": ("#FFFFFF", "#545B64"),
    "caller": ("#FFFFFF", "#232F3E"),
    "other": ("#F2F3F3", "#7D8998"),
}
GROUP_COLOURS = {
    "cloud": ("#FFFFFF", "#232F3E", "solid"),
    "vpc": ("#FAF7FF", "#8C4FFF", "solid"),
    "subnets": ("#EAF7F7", "#00A4A6", "dashed"),
}
RUNTIME = "#D45B07"
EDGE = "#7D8998"
EDGE_STYLES: dict[str, Any] = {
    "reference": "solid",
    "sub": (0, (5, 2.5)),
    "depends_on": (0, (1, 2)),
}

_WORD = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z0-9]+|[^A-Za-z0-9]+|[A-Z]")


@record
class Route:
    """One drawn reference: points in inches from the top left, start to end."""

    source: str
    target: str
    style: str  # an Edge style, or "runtime"
    points: tuple[tuple[float, float], ...]  # start, then (top, bottom) per row passed, end
    downward: bool  # False: a reference back up (a cycle), drawn as a plain arc


@record
class Layout:
    """Where each node, group box and line sits, in inches from the top left."""

    width: float
    height: float
    node_height: float
    centres: dict[str, tuple[float, float]]
    boxes: dict[str, tuple[float, float, float, float]]  # group -> left, top, right, bottom
    lines: dict[str, tuple[list[str], list[str]]]  # node -> (ID lines, type lines)
    routes: tuple[Route, ...]


def _text_width(text: str, size: float, bold: bool = False) -> float:
    prop = FontProperties(family=FONT, size=size, weight="bold" if bold else "normal")
    width, _, _ = TextToPath().get_text_width_height_descent(text, prop, ismath=False)
    return float(width) / 72


def wrap(text: str, size: float, width: float, bold: bool = False) -> list[str]:
    """Break a CamelCase or ``::`` name between words so each line fits ``width`` inches."""
    lines: list[str] = []
    words: list[str] = []
    for word in _WORD.findall(text):
        if words and word.isupper() and words[-1][-1:].isdigit():
            words[-1] += word  # "Invocation5" + "XX": 5XX is one word
        else:
            words.append(word)
    for word in words:
        if lines and (word == "::" or _text_width(lines[-1] + word, size, bold) <= width):
            lines[-1] += word  # "EC2::" stays together; the break comes after it
        else:
            lines.append(word)
    return lines or [text]


def _bands(arch: Architecture) -> list[str]:
    """Groups in column order: the cloud's own nodes, then each VPC's subnets, then the VPC."""
    order: list[str] = []

    def visit(group: Group) -> None:
        for child in sorted(arch.subgroups(group.id), key=lambda g: (g.kind != "subnets", g.id)):
            visit(child)
        order.append(group.id)

    for child in arch.subgroups(CLOUD):
        visit(child)
    return [group for group in [CLOUD, *order] if arch.members(group)]


def _capacities(sizes: Sequence[int]) -> list[int]:
    """Nodes per row in each band: one at least, the rest shared in proportion to band size."""
    total = sum(sizes)
    caps = [max(1, min(size, math.floor(MAX_COLUMNS * size / total))) for size in sizes]
    while sum(caps) < MAX_COLUMNS and any(c < n for c, n in zip(caps, sizes, strict=True)):
        index = max(
            (i for i, size in enumerate(sizes) if caps[i] < size),
            key=lambda i: (sizes[i] / caps[i], -i),
        )
        caps[index] += 1
    return caps


def _rows(graph: nx.DiGraph, band_of: dict[str, int], caps: Sequence[int]) -> dict[str, int]:
    """Row of each node, 0 at the bottom: above everything it references, rows capped per band."""
    condensed = nx.condensation(graph)
    members = nx.get_node_attributes(condensed, "members")
    order = list(nx.lexicographical_topological_sort(condensed, key=lambda c: min(members[c])))
    row: dict[str, int] = {}
    used: dict[tuple[int, int], int] = {}
    for component in reversed(order):
        below = [
            row[target]
            for source in members[component]
            for target in graph.successors(source)
            if target in row
        ]
        base = max(below, default=-1) + 1
        for node in sorted(members[component]):
            level = base
            while used.get((level, band_of[node]), 0) >= caps[band_of[node]]:
                level += 1
            used[(level, band_of[node])] = used.get((level, band_of[node]), 0) + 1
            row[node] = level
    return row


class _Grid:
    """Rows of nodes and of waypoints of the lines that pass rows, ordered by barycentres."""

    def __init__(self, row: dict[str, int], band: dict[str, int], chains: list[list[str]]):
        self.row, self.band = row, band
        self.graph = nx.Graph()
        self.graph.add_nodes_from(sorted(row))
        for chain in chains:
            nx.add_path(self.graph, chain)
        self.cells: dict[tuple[int, int], list[str]] = {}
        for item in sorted(row, key=lambda i: (_is_waypoint(i), i)):
            self.cells.setdefault((row[item], band[item]), []).append(item)
        self.size: dict[str, float] = {}
        for items in self.cells.values():
            waypoints = sum(1 for i in items if _is_waypoint(i))
            # Many lines through one row bundle closer rather than widen the picture.
            squeeze = min(WAYPOINT_WIDTH, WAYPOINT_ROOM / waypoints) if waypoints else 0.0
            for item in items:
                self.size[item] = squeeze if _is_waypoint(item) else NODE_WIDTH + COLUMN_GAP
        bands = max(band.values(), default=0) + 1
        self.widths = [0.0] * bands
        for (_, b), items in self.cells.items():
            self.widths[b] = max(self.widths[b], sum(self.size[i] for i in items))
        self.left = [0.0] * bands
        self.x: dict[str, float] = {}

    def place(self) -> None:
        """Positions from the current order, each row centred in its band."""
        for (_, b), items in self.cells.items():
            x = self.left[b] + (self.widths[b] - sum(self.size[i] for i in items)) / 2
            for item in items:
                self.x[item] = x + self.size[item] / 2
                x += self.size[item]

    def sweep(self, times: int) -> None:
        """Order each row by the mean position of its neighbours in other rows."""
        self.place()
        top = max(self.row.values(), default=0)
        for turn in range(times):
            for level in range(top, -1, -1) if turn % 2 == 0 else range(top + 1):
                for (cell_row, _), items in sorted(self.cells.items()):
                    if cell_row == level:
                        items.sort(key=lambda i: (self._centre(i), self.x[i], i))
                self.place()

    def _centre(self, item: str) -> float:
        others = [self.x[n] for n in self.graph.neighbors(item) if self.row[n] != self.row[item]]
        return sum(others) / len(others) if others else self.x[item]


def _is_waypoint(item: str) -> bool:
    return "#" in item


def layout(arch: Architecture) -> Layout:
    """Place every node, group box and line."""
    bands = _bands(arch)
    band_index = {group: index for index, group in enumerate(bands)}
    band = {node.id: band_index[node.group] for node in arch.nodes if node.group is not None}
    calling = CALLER in {node.id for node in arch.nodes}
    lines_of = [(e.source, e.target, e.style) for e in arch.plain_edges]
    lines_of += [(a, b, "runtime") for a, b in arch.runtime_path]
    graph = nx.DiGraph()
    graph.add_nodes_from(sorted(band))
    graph.add_edges_from((a, b) for a, b, _ in lines_of if CALLER not in (a, b))
    sizes = [sum(1 for n in graph if band[n] == b) for b in range(len(bands))]
    row = _rows(graph, band, _capacities(sizes))
    top_row = max(row.values(), default=0)
    if calling:
        # On top, in the columns of the first function it calls: its line comes straight down.
        row[CALLER] = top_row + 1
        band[CALLER] = next(band[b] for a, b in arch.runtime_path if a == CALLER)
    chains = []
    for source, target, _ in lines_of:
        chain = [source]
        for level in range(row[source] - 1, row[target], -1):
            waypoint = f"{source}>{target}#{level}"
            row[waypoint], band[waypoint] = level, band[source]
            chain.append(waypoint)
        chains.append([*chain, target])
    grid = _Grid(row, band, chains)

    depth = _depths(arch)
    spans = _group_spans(arch, bands)
    for group in arch.groups:
        first, last = spans.get(group.id, (-1, -2))
        if first == last:  # a box one band wide is at least as wide as its label
            label = _text_width(group.label, GROUP_LABEL_SIZE, bold=True) + 0.2
            grid.widths[first] = max(grid.widths[first], label + COLUMN_GAP)
    for index in range(1, len(bands)):
        # Room between two bands for every box border that runs between them.
        closing = [depth[g] for g, (_, last) in spans.items() if last == index - 1]
        opening = [depth[g] for g, (first, _) in spans.items() if first == index]
        gap = _padding(max(closing, default=-1)) + _padding(max(opening, default=-1))
        grid.left[index] = grid.left[index - 1] + grid.widths[index - 1] + gap
    grid.sweep(8)

    lines = {
        node.id: (
            wrap(node.label, ID_SIZE, NODE_WIDTH - 2 * NODE_PADDING, bold=True),
            wrap(node.short_type, TYPE_SIZE, NODE_WIDTH - 2 * NODE_PADDING),
        )
        for node in arch.nodes
    }
    node_height = max(len(a) + len(b) for a, b in lines.values()) * LINE_HEIGHT + 2 * NODE_PADDING
    row_height = node_height + ROW_GAP
    outer = _padding(depth[CLOUD]) + LABEL_HEIGHT
    caller_room = node_height + ROW_GAP if calling else 0.0
    origin_x = MARGIN + _padding(depth[CLOUD]) - COLUMN_GAP / 2
    origin_y = MARGIN + LABEL_HEIGHT + outer + node_height / 2 + caller_room
    centres = {
        item: (origin_x + grid.x[item], origin_y + (top_row - row[item]) * row_height)
        for item in row
    }
    if calling:
        centres[CALLER] = (centres[CALLER][0], MARGIN + LABEL_HEIGHT + node_height / 2)
    extents = [
        (origin_x + grid.left[b] + COLUMN_GAP / 2, origin_x + grid.left[b] + grid.widths[b])
        for b in range(len(bands))
    ]
    boxes = _boxes(arch, bands, extents, centres, node_height, depth)
    routes = _routes(chains, lines_of, centres, row, node_height)
    right = max(max(box[2] for box in boxes.values()) + MARGIN, MIN_WIDTH)
    bottom = max(box[3] for box in boxes.values()) + MARGIN + LEGEND_HEIGHT
    nodes = {n.id: centres[n.id] for n in arch.nodes}
    return Layout(right, bottom, node_height, nodes, boxes, lines, routes)


def _routes(
    chains: list[list[str]],
    lines_of: list[tuple[str, str, str]],
    centres: dict[str, tuple[float, float]],
    row: dict[str, int],
    node_height: float,
) -> tuple[Route, ...]:
    """Lines leave a node's bottom and enter a node's top, spread along the border."""
    leaving: dict[str, list[int]] = {}
    entering: dict[str, list[int]] = {}
    for index, chain in enumerate(chains):
        leaving.setdefault(chain[0], []).append(index)
        entering.setdefault(chain[-1], []).append(index)
    offset: dict[tuple[int, int], float] = {}
    for end, ports in ((0, leaving), (-1, entering)):
        for indices in ports.values():
            near = 1 if end == 0 else -2
            indices.sort(key=lambda i: (centres[chains[i][near]][0], i))
            spacing = min(0.14, 0.7 * NODE_WIDTH / len(indices))
            for rank, index in enumerate(indices):
                offset[(index, end)] = (rank - (len(indices) - 1) / 2) * spacing
    routes = []
    for index, (chain, (source, target, style)) in enumerate(zip(chains, lines_of, strict=True)):
        (xs, ys), (xt, yt) = centres[source], centres[target]
        if row[source] <= row[target]:
            routes.append(Route(source, target, style, ((xs, ys), (xt, yt)), False))
            continue
        points = [(xs + offset[(index, 0)], ys + node_height / 2)]
        for waypoint in chain[1:-1]:  # straight through a row, beside its nodes
            x, y = centres[waypoint]
            points += [(x, y - node_height / 2), (x, y + node_height / 2)]
        points.append((xt + offset[(index, -1)], yt - node_height / 2))
        routes.append(Route(source, target, style, tuple(points), True))
    return tuple(routes)


def _depths(arch: Architecture) -> dict[str, int]:
    """Levels of groups nested inside each group (0: none)."""
    depth: dict[str, int] = {}

    def visit(group_id: str) -> int:
        depth[group_id] = max((visit(g.id) + 1 for g in arch.subgroups(group_id)), default=0)
        return depth[group_id]

    visit(CLOUD)
    return depth


def _padding(depth: int) -> float:
    return 0.0 if depth < 0 else GROUP_PADDING + GROUP_STEP * depth


def _group_spans(arch: Architecture, bands: Sequence[str]) -> dict[str, tuple[int, int]]:
    spans = {}
    for group in arch.groups:
        inside = [i for i, band in enumerate(bands) if band in arch.inside(group.id)]
        if inside:
            spans[group.id] = (min(inside), max(inside))
    return spans


def _boxes(
    arch: Architecture,
    bands: Sequence[str],
    extents: Sequence[tuple[float, float]],
    centres: dict[str, tuple[float, float]],
    node_height: float,
    depth: dict[str, int],
) -> dict[str, tuple[float, float, float, float]]:
    """A box spans its bands' columns and its members' rows, padded for the boxes inside."""
    boxes = {}
    for group in arch.groups:
        inside = arch.inside(group.id)
        ys = [centres[n.id][1] for n in arch.nodes if n.group in inside]
        columns = [extents[i] for i, band in enumerate(bands) if band in inside]
        if not ys or not columns:
            continue
        pad = _padding(depth[group.id])
        boxes[group.id] = (
            min(left for left, _ in columns) - pad,
            min(ys) - node_height / 2 - pad - LABEL_HEIGHT,
            max(right for _, right in columns) - COLUMN_GAP / 2 + pad,
            max(ys) + node_height / 2 + pad,
        )
    return boxes


def _gid(*parts: str) -> str:
    return "-".join(re.sub(r"[^A-Za-z0-9_.-]", "-", part) for part in parts)


def _draw_node(ax: Axes, node: Node, geometry: Layout, emphasised: bool) -> FancyBboxPatch:
    x, y = geometry.centres[node.id]
    fill, border = COLOURS[node.category]
    h = geometry.node_height
    patch = FancyBboxPatch(
        (x - NODE_WIDTH / 2, geometry.height - y - h / 2),
        NODE_WIDTH,
        h,
        boxstyle="round,pad=0,rounding_size=0.06",
        facecolor=fill,
        edgecolor=RUNTIME if emphasised else border,
        linewidth=2.2 if emphasised else 1.1,
        linestyle="dashed" if node.category == "external" else "solid",
        zorder=3,
    )
    patch.set_gid(_gid("node", node.id))
    ax.add_patch(patch)
    id_lines, type_lines = geometry.lines[node.id]
    top = geometry.height - y + (len(id_lines) + len(type_lines)) * LINE_HEIGHT / 2
    label = ax.text(
        x,
        top - len(id_lines) * LINE_HEIGHT / 2,
        "\n".join(id_lines),
        ha="center",
        va="center",
        fontsize=ID_SIZE,
        fontweight="bold",
        color="#16191F",
        linespacing=1.25,
        zorder=4,
    )
    label.set_gid(_gid("label", node.id))
    kind = ax.text(
        x,
        top - (len(id_lines) + len(type_lines) / 2) * LINE_HEIGHT,
        "\n".join(type_lines),
        ha="center",
        va="center",
        fontsize=TYPE_SIZE,
        color="#414D5C",
        linespacing=1.25,
        zorder=4,
    )
    kind.set_gid(_gid("type", node.id))
    return patch


def figure(arch: Architecture) -> Figure:
    """The picture as a matplotlib Figure (SVG or PNG by ``savefig``)."""
    geometry = layout(arch)
    fig = Figure(figsize=(geometry.width, geometry.height))
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_xlim(0, geometry.width)
    ax.set_ylim(0, geometry.height)
    ax.set_axis_off()
    height = geometry.height
    depth = _depths(arch)
    # Outer boxes first, so that inner ones are drawn over them.
    for group in sorted(arch.groups, key=lambda g: (-depth[g.id], g.id)):
        if group.id not in geometry.boxes:
            continue
        left, top, right, bottom = geometry.boxes[group.id]
        fill, border, style = GROUP_COLOURS[group.kind]
        box = FancyBboxPatch(
            (left, height - bottom),
            right - left,
            bottom - top,
            boxstyle="square,pad=0",
            facecolor=fill,
            edgecolor=border,
            linewidth=1.2,
            linestyle=style,
            zorder=1,
        )
        box.set_gid(_gid("group", group.id))
        ax.add_patch(box)
        text = ax.text(
            left + 0.08,
            height - top - 0.05,
            group.label,
            ha="left",
            va="top",
            fontsize=GROUP_LABEL_SIZE,
            fontweight="bold",
            color=border,
            # Over the lines, on the box's own colour, so that a line never crosses the words.
            bbox={"boxstyle": "square,pad=0.15", "facecolor": fill, "edgecolor": "none"},
            zorder=6,
        )
        text.set_gid(_gid("grouplabel", group.id))
    patches = {
        node.id: _draw_node(ax, node, geometry, node.id in arch.runtime_nodes)
        for node in arch.nodes
        if node.id in geometry.centres
    }
    for route in sorted(geometry.routes, key=lambda r: r.style == "runtime"):
        _draw_route(ax, route, patches, height)
    ax.text(MARGIN, height - MARGIN, arch.name, ha="left", va="top", fontsize=9, color="#16191F")
    _legend(ax, geometry, hidden=len(arch.hidden_edges))
    return fig


def _draw_route(ax: Axes, route: Route, patches: dict[str, FancyBboxPatch], height: float) -> None:
    runtime = route.style == "runtime"
    style = dict(
        arrowstyle="-|>",
        mutation_scale=9 if runtime else 7,
        color=RUNTIME if runtime else EDGE,
        linewidth=2.0 if runtime else 0.8,
        linestyle="solid" if runtime else EDGE_STYLES[route.style],
        zorder=2.8 if runtime else 2.5,
    )
    points = [(x, height - y) for x, y in route.points]
    if route.downward:
        # Curves in the gaps between rows, vertical at both ends; straight lines through rows.
        vertices, codes = [points[0]], [Path.MOVETO]
        for index, ((x0, y0), (x1, y1)) in enumerate(itertools.pairwise(points)):
            if index % 2:
                vertices.append((x1, y1))
                codes.append(Path.LINETO)
            else:
                middle = (y0 + y1) / 2
                vertices += [(x0, middle), (x1, middle), (x1, y1)]
                codes += [Path.CURVE4] * 3
        arrow = FancyArrowPatch(path=Path(vertices, codes), **style)  # type: ignore[arg-type]
    else:
        arrow = FancyArrowPatch(
            points[0],
            points[-1],
            patchA=patches[route.source],
            patchB=patches[route.target],
            connectionstyle="arc3,rad=0.3",
            **style,  # type: ignore[arg-type]
        )
    arrow.set_gid(_gid("path" if runtime else "edge", route.source, route.target))
    ax.add_patch(arrow)


def _legend(ax: Axes, geometry: Layout, hidden: int = 0) -> None:
    handles = [
        Line2D([], [], color=RUNTIME, linewidth=2.0, label="runtime path"),
        Line2D([], [], color=EDGE, linewidth=0.8, label="Ref / GetAtt"),
        Line2D([], [], color=EDGE, linewidth=0.8, linestyle=EDGE_STYLES["sub"], label="Fn::Sub"),
        Line2D(
            [],
            [],
            color=EDGE,
            linewidth=0.8,
            linestyle=EDGE_STYLES["depends_on"],
            label="DependsOn",
        ),
    ]
    columns = 4 if geometry.width >= 6 else 2
    legend = ax.legend(
        handles=handles,
        loc="lower left",
        bbox_to_anchor=(MARGIN / geometry.width, 0.1 / geometry.height),
        ncols=columns,
        frameon=False,
        fontsize=7,
        handlelength=2.6,
        borderaxespad=0,
        columnspacing=1.6,
    )
    legend.set_gid("legend")
    if hidden:
        note = ax.text(
            geometry.width - MARGIN,
            0.1 + 0.05,
            f"{hidden} IAM and KMS references not drawn (diagram --all-references)",
            ha="right",
            va="bottom",
            fontsize=6.5,
            color="#545B64",
        )
        note.set_gid("hidden-references")


def _settings() -> AbstractContextManager[None]:
    """Settings that make the output the same on every run and machine."""
    return matplotlib.rc_context(
        {
            "svg.hashsalt": "troposphere-patterns",
            "svg.fonttype": "none",  # text stays text: searchable, and labels tests can read
            "font.family": [FONT, "sans-serif"],
            "path.simplify": False,
        }
    )


def render_svg(arch: Architecture) -> str:
    """The picture as a self-contained SVG document (text as text, fonts named, no links)."""
    with _settings():
        buffer = io.StringIO()
        figure(arch).savefig(
            buffer, format="svg", metadata={"Date": None, "Creator": "troposphere-patterns"}
        )
    return buffer.getvalue()


def render_png(arch: Architecture, dpi: int = 110) -> bytes:
    """The same figure as PNG, for a look without an SVG viewer."""
    with _settings():
        buffer = io.BytesIO()
        figure(arch).savefig(buffer, format="png", dpi=dpi, metadata={"Software": None})
    return buffer.getvalue()
