"""The per-VPC Mermaid diagram of the Markdown report (GitHub and GitLab render ```mermaid blocks).

Same picture as the HTML report's SVG: one subgraph per AZ with its subnets, NAT gateways and
endpoint ENIs, VPC-wide things outside, subnet → NAT lines labelled when cross-AZ. Node ids
are generated (``n0``, ``az1``…), never AWS strings, and every label is quoted with Mermaid's
entity codes for the characters that could end a label, a statement or the code fence.
"""

from __future__ import annotations

import re

from vpcaudit.facts.topology import VpcTopology
from vpcaudit.network.paths import TrafficPath
from vpcaudit.render.text import MdText, strip_bidi

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]+")
# Written as Mermaid's numeric entity codes (#60; for <): they could end a label, a statement or the fence.
_SPECIAL = re.compile(r"[#\"<>`&;|\[\]{}()]")

_CLASSES = (
    "classDef public fill:#e3f4e8,stroke:#1e7b3a",
    "classDef private fill:#e4ecfb,stroke:#2456b3,stroke-dasharray:4 2",
    "classDef nat fill:#fff1d6,stroke:#a8610b",
    "classDef eni fill:#f1e6fa,stroke:#7a3aa8",
    "classDef wide fill:#f2f2f2,stroke:#555555",
)


def label(text: str) -> str:
    """A quoted Mermaid label that cannot break out of its node, line or code block."""
    text = _CONTROL.sub(" ", strip_bidi(text))
    return '"' + _SPECIAL.sub(lambda m: f"#{ord(m.group(0))};", text) + '"'


def diagram(topology: VpcTopology, paths: tuple[TrafficPath, ...] = ()) -> MdText:
    """A ``flowchart`` of one VPC, as the text inside a ```mermaid fence."""
    lines = ["flowchart TB"]
    ids: dict[str, str] = {}

    def node(key: str, text: str, cls: str, indent: str = "  ") -> None:
        ids[key] = f"n{len(ids)}"
        lines.append(f"{indent}{ids[key]}[{label(text)}]:::{cls}")

    for igw in topology.internet_gateway_ids:
        node(igw, f"Internet gateway {igw}", "wide")
    for nat in topology.nat_gateways:
        if nat.regional:
            node(nat.nat_gateway_id, f"NAT regional {nat.connectivity} {nat.nat_gateway_id}", "nat")
    for ep in topology.endpoints:
        if ep.endpoint_type == "Gateway" or not ep.availability_zone_ids:
            node(ep.endpoint_id, f"{ep.endpoint_type} endpoint {ep.service} {ep.endpoint_id}", "wide")
    azs = sorted({s.availability_zone_id for s in topology.subnets}
                 | {az for n in topology.nat_gateways if not n.regional for az in n.availability_zone_ids}
                 | {az for e in topology.endpoints if e.endpoint_type != "Gateway" for az in e.availability_zone_ids})
    for i, az in enumerate(azs):
        lines.append(f"  subgraph az{i}[{label('AZ ' + az)}]")
        for s in sorted((s for s in topology.subnets if s.availability_zone_id == az),
                        key=lambda s: (not s.public, s.name or "", s.subnet_id)):
            kind = "public" if s.public else "private"
            node(s.subnet_id, " ".join(x for x in (kind.upper(), s.name or "", s.subnet_id, s.cidr) if x), kind, "    ")
        for nat in sorted(topology.nat_gateways, key=lambda n: n.nat_gateway_id):
            if not nat.regional and az in nat.availability_zone_ids:
                node(nat.nat_gateway_id, f"NAT {nat.connectivity} {nat.nat_gateway_id}", "nat", "    ")
        for ep in sorted(topology.endpoints, key=lambda e: (e.service, e.endpoint_id)):
            if ep.endpoint_type != "Gateway" and az in ep.availability_zone_ids:
                node(f"{ep.endpoint_id}@{az}", f"ENI {ep.service} {ep.endpoint_id}", "eni", "    ")
        lines.append("  end")
    for p in sorted(paths, key=lambda p: p.subnet_id):
        if p.destination == "internet" and p.kind == "nat" and p.target_id in ids and p.subnet_id in ids:
            arrow = "-. cross-AZ .->" if p.cross_az else "-->"
            lines.append(f"  {ids[p.subnet_id]} {arrow} {ids[p.target_id]}")
    lines.extend(f"  {c}" for c in _CLASSES)
    return MdText("\n".join(lines))
