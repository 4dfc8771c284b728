"""The per-VPC topology picture: AZs as columns, subnets, NAT gateways and endpoint ENIs, as inline SVG.

Why our own drawing: the HTML report must work offline and as a mail attachment, so no
diagram library or CDN; and the picture only needs a fixed grid, which a few lines of layout
give exactly. The SVG is built with ElementTree, which escapes every text and attribute
value; labels are also stripped of bidi controls. Colour is never the only signal: boxes say
PUBLIC / PRIVATE / NAT / ENI in words and cross-AZ NAT paths are dashed *and* labelled.
Presentation attributes (not CSS) carry the styling, so the picture needs no stylesheet.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass

from markupsafe import Markup

from vpcaudit.facts.topology import VpcTopology
from vpcaudit.network.paths import TrafficPath
from vpcaudit.render.text import truncate, xml_safe

MARGIN = 12
COL_W = 236
COL_GAP = 18
BOX_W = COL_W - 22  # room on the right for the gutter that same-column NAT lines run in
HEADER_H = 26
SUBNET_H = 50
SMALL_H = 34
GAP = 8
BAND_BOX_W = 214
MIN_WIDTH = 640  # the legend's width
LANE_H = 16  # one horizontal lane per line that crosses AZs
FONT = "system-ui, -apple-system, 'Segoe UI', sans-serif"

# (fill, stroke) per box kind; dark enough text on every fill for print and low vision.
_STYLE = {
    "public": ("#e3f4e8", "#1e7b3a"),
    "private": ("#e4ecfb", "#2456b3"),
    "nat": ("#fff1d6", "#a8610b"),
    "eni": ("#f1e6fa", "#7a3aa8"),
    "vpc-wide": ("#f2f2f2", "#555555"),
    "az": ("#ffffff", "#333333"),
}


@dataclass(frozen=True, slots=True)
class _Box:
    key: str  # resource id the edges refer to
    kind: str
    lines: tuple[str, ...]
    title: str
    x: float
    y: float
    w: float
    h: float
    column: int  # -1 for the VPC-wide band

    @property
    def cy(self) -> float:
        return self.y + self.h / 2


def topology_svg(topology: VpcTopology, paths: tuple[TrafficPath, ...] = ()) -> Markup:
    """Inline SVG of one VPC; ``paths`` adds subnet → NAT gateway lines (dashed when cross-AZ)."""
    azs = sorted({s.availability_zone_id for s in topology.subnets}
                 | {az for n in topology.nat_gateways if not n.regional for az in n.availability_zone_ids}
                 | {az for e in topology.endpoints if e.endpoint_type != "Gateway" for az in e.availability_zone_ids})
    width = max(MARGIN * 2 + len(azs) * COL_W + max(len(azs) - 1, 0) * COL_GAP, MIN_WIDTH)
    band, y = _band(topology, width)
    boxes: list[_Box] = list(band)
    columns_bottom = y
    for col, az in enumerate(azs):
        col_boxes = _column(topology, az, col, y + HEADER_H + GAP)
        boxes.extend(col_boxes)
        columns_bottom = max(columns_bottom, (col_boxes[-1].y + col_boxes[-1].h) if col_boxes else y + HEADER_H)
    edges, lanes_bottom = _edges(boxes, paths, columns_bottom + GAP)
    legend_y = lanes_bottom + 2 * GAP
    height = legend_y + SMALL_H + MARGIN

    svg = ET.Element("svg", {
        "xmlns": "http://www.w3.org/2000/svg", "class": "topology", "role": "img",
        "viewBox": f"0 0 {width:g} {height:g}", "width": f"{width:g}", "height": f"{height:g}",
        "font-family": FONT, "font-size": "11"})
    ET.SubElement(svg, "title").text = xml_safe(
        f"Topology of {topology.vpc_id}: {len(azs)} AZ(s), {len(topology.subnets)} subnet(s), "
        f"{len(topology.nat_gateways)} NAT gateway(s), {len(topology.endpoints)} endpoint(s)")
    if not azs and not band:
        _text(svg, MARGIN, y + 16, "No subnets were collected for this VPC.")
    for col, az in enumerate(azs):
        x = MARGIN + col * (COL_W + COL_GAP)
        _rect(svg, x, y, BOX_W, HEADER_H, "az", f"Availability Zone {az}")
        _text(svg, x + 8, y + 17, f"AZ {az}", bold=True)
    for box in boxes:
        _draw_box(svg, box)
    for line in edges:
        svg.append(line)
    _legend(svg, legend_y)
    return Markup(ET.tostring(svg, encoding="unicode"))


def _band(topology: VpcTopology, width: float) -> tuple[list[_Box], float]:
    """VPC-wide things across the top: internet gateways, regional NAT, gateway endpoints."""
    items: list[tuple[str, str, tuple[str, ...], str]] = []
    for igw in topology.internet_gateway_ids:
        items.append((igw, "vpc-wide", ("Internet gateway", igw), f"Internet gateway {igw}"))
    for nat in topology.nat_gateways:
        if nat.regional:
            where = ", ".join(nat.availability_zone_ids) or "no AZ yet"
            items.append((nat.nat_gateway_id, "nat", (f"NAT · regional · {nat.connectivity}", nat.nat_gateway_id),
                          f"Regional {nat.connectivity} NAT gateway {nat.nat_gateway_id} ({nat.state}) in {where}"))
    for ep in topology.endpoints:
        if ep.endpoint_type == "Gateway" or not ep.availability_zone_ids:
            items.append((ep.endpoint_id, "vpc-wide", (f"{ep.endpoint_type} endpoint · {ep.service}", ep.endpoint_id),
                          f"{ep.endpoint_type} endpoint {ep.endpoint_id} for {ep.service} ({ep.state})"))
    if not items:
        return [], MARGIN
    per_row = max(int((width - 2 * MARGIN + GAP) // (BAND_BOX_W + GAP)), 1)
    boxes = []
    for i, (key, kind, lines, title) in enumerate(items):
        row, col = divmod(i, per_row)
        boxes.append(_Box(key, kind, lines, title, MARGIN + col * (BAND_BOX_W + GAP),
                          MARGIN + row * (SMALL_H + GAP), BAND_BOX_W, SMALL_H, -1))
    rows = (len(items) + per_row - 1) // per_row
    return boxes, MARGIN + rows * (SMALL_H + GAP) + GAP


def _column(topology: VpcTopology, az: str, col: int, top: float) -> list[_Box]:
    x = MARGIN + col * (COL_W + COL_GAP)
    boxes: list[_Box] = []
    y = top
    subnets = sorted((s for s in topology.subnets if s.availability_zone_id == az),
                     key=lambda s: (not s.public, s.name or "", s.subnet_id))
    for s in subnets:
        kind = "public" if s.public else "private"
        label = f"{kind.upper()} · {s.name}" if s.name else kind.upper()
        lines = (label, s.subnet_id, s.cidr) if s.cidr else (label, s.subnet_id)
        title = f"{kind} subnet {s.subnet_id}" + (f" ({s.name})" if s.name else "") + (f" {s.cidr}" if s.cidr else "")
        boxes.append(_Box(s.subnet_id, kind, lines, title, x, y, BOX_W, SUBNET_H, col))
        y += SUBNET_H + GAP
    for nat in sorted(topology.nat_gateways, key=lambda n: n.nat_gateway_id):
        if nat.regional or az not in nat.availability_zone_ids:
            continue
        boxes.append(_Box(nat.nat_gateway_id, "nat", (f"NAT · {nat.connectivity} · {nat.state}", nat.nat_gateway_id),
                          f"{nat.connectivity} NAT gateway {nat.nat_gateway_id} in subnet {nat.subnet_id or '?'}",
                          x, y, BOX_W, SMALL_H, col))
        y += SMALL_H + GAP
    for ep in sorted(topology.endpoints, key=lambda e: (e.service, e.endpoint_id)):
        if ep.endpoint_type == "Gateway" or az not in ep.availability_zone_ids:
            continue
        boxes.append(_Box(f"{ep.endpoint_id}@{az}", "eni", (f"ENI · {ep.service}", ep.endpoint_id),
                          f"{ep.endpoint_type} endpoint {ep.endpoint_id} for {ep.service}: network interface in {az}",
                          x, y, BOX_W, SMALL_H, col))
        y += SMALL_H + GAP
    return boxes


def _edges(boxes: list[_Box], paths: tuple[TrafficPath, ...], lanes_top: float) -> tuple[list[ET.Element], float]:
    """Private subnet → its internet NAT gateway, routed so no line crosses a box.

    Each line leaves the subnet into the gutter right of its column; within one column it runs
    down the gutter to the NAT gateway; across columns it drops to its own lane below all
    columns, runs across, and climbs the target column's gutter. Returns the lines and the y
    where the lanes end.
    """
    by_key = {b.key: b for b in boxes}
    pairs = [(p, by_key[p.subnet_id], by_key[p.target_id]) for p in sorted(paths, key=lambda p: p.subnet_id)
             if p.destination == "internet" and p.kind == "nat" and p.target_id
             and p.subnet_id in by_key and p.target_id in by_key]
    elements: list[ET.Element] = []
    lane = lanes_top
    for i, (p, src, dst) in enumerate(pairs):
        offset = 5 + (i % 4) * 4  # neighbouring lines in one gutter stay apart
        src_gutter, dst_gutter = src.x + src.w + offset, dst.x + dst.w + offset
        if src.column == dst.column:
            points = [(src.x + src.w, src.cy), (src_gutter, src.cy), (src_gutter, dst.cy), (dst.x + dst.w, dst.cy)]
        else:
            lane += LANE_H
            points = [(src.x + src.w, src.cy), (src_gutter, src.cy), (src_gutter, lane), (dst_gutter, lane),
                      (dst_gutter, dst.cy), (dst.x + dst.w, dst.cy)]
        colour = "#b3261e" if p.cross_az else "#a8610b"
        attrs = {"points": " ".join(f"{x:g},{y:g}" for x, y in points), "fill": "none", "stroke": colour,
                 "stroke-width": "2", "class": "edge cross-az" if p.cross_az else "edge"}
        if p.cross_az:
            attrs["stroke-dasharray"] = "6 4"
        line = ET.Element("polyline", attrs)
        ET.SubElement(line, "title").text = xml_safe(
            f"{p.subnet_id} → {p.target_id}: internet via NAT{', cross-AZ' if p.cross_az else ''}")
        elements.append(line)
        if p.cross_az and src.column != dst.column:
            label = _text_element((src_gutter + dst_gutter) / 2 - 24, lane - 4, "cross-AZ", bold=True)
            label.attrib.update({"fill": colour, "stroke": "#ffffff", "stroke-width": "3",
                                 "paint-order": "stroke"})  # a halo keeps it legible over lines
            elements.append(label)
    return elements, lane


def _legend(svg: ET.Element, y: float) -> None:
    x: float = MARGIN
    for kind, text in (("public", "PUBLIC subnet"), ("private", "PRIVATE subnet"), ("nat", "NAT gateway"),
                       ("eni", "endpoint ENI")):
        _rect(svg, x, y + 8, 14, 14, kind, text)
        _text(svg, x + 19, y + 19, text)
        x += 112
    line = ET.SubElement(svg, "line", {"x1": f"{x:g}", "y1": f"{y + 15:g}", "x2": f"{x + 30:g}", "y2": f"{y + 15:g}",
                                       "stroke": "#b3261e", "stroke-width": "2", "stroke-dasharray": "6 4"})
    ET.SubElement(line, "title").text = "cross-AZ path to a NAT gateway"
    _text(svg, x + 35, y + 19, "cross-AZ NAT path")


def _draw_box(svg: ET.Element, box: _Box) -> None:
    group = ET.SubElement(svg, "g", {"class": f"box {box.kind}"})
    ET.SubElement(group, "title").text = xml_safe(box.title)
    _rect(group, box.x, box.y, box.w, box.h, box.kind, None)
    max_chars = int(box.w // 6.4)
    for i, line in enumerate(box.lines):
        group.append(_text_element(box.x + 8, box.y + 15 + i * 14, truncate(line, max_chars), bold=i == 0))


def _rect(parent: ET.Element, x: float, y: float, w: float, h: float, kind: str, title: str | None) -> None:
    fill, stroke = _STYLE[kind]
    rect = ET.SubElement(parent, "rect", {"x": f"{x:g}", "y": f"{y:g}", "width": f"{w:g}", "height": f"{h:g}",
                                          "rx": "4", "fill": fill, "stroke": stroke, "stroke-width": "1.5"})
    if kind == "private":
        rect.set("stroke-dasharray", "4 2")  # private subnets differ by outline too, not by colour alone
    if title:
        ET.SubElement(rect, "title").text = xml_safe(title)


def _text(parent: ET.Element, x: float, y: float, text: str, bold: bool = False) -> None:
    parent.append(_text_element(x, y, text, bold))


def _text_element(x: float, y: float, text: str, bold: bool = False) -> ET.Element:
    element = ET.Element("text", {"x": f"{x:g}", "y": f"{y:g}", "fill": "#1a1a1a"})
    if bold:
        element.set("font-weight", "bold")
    element.text = xml_safe(text)
    return element
