"""The topology pictures: AZ columns, public/private told apart in words, cross-AZ NAT lines marked."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from render_sample import HOSTILE, TOPOLOGY, hostile_result, sample_result

from vpcaudit.facts.topology import TopologyNat, VpcTopology
from vpcaudit.render.report.mermaid import diagram, label
from vpcaudit.render.report.svg import COL_GAP, COL_W, MARGIN, topology_svg

NS = "{http://www.w3.org/2000/svg}"


def _svg(topology: VpcTopology = TOPOLOGY, hostile: bool = False) -> ET.Element:
    paths = (hostile_result() if hostile else sample_result()).paths
    return ET.fromstring(str(topology_svg(topology, paths)))


def _boxes(svg: ET.Element) -> list[tuple[float, list[str]]]:
    """Each box as (x, its text lines)."""
    out = []
    for group in svg.iter(f"{NS}g"):
        rect = group.find(f"{NS}rect")
        assert rect is not None
        out.append((float(rect.attrib["x"]), [t.text or "" for t in group.iter(f"{NS}text")]))
    return out


def _columns_of(svg: ET.Element, first_line: str) -> list[float]:
    return sorted(x for x, lines in _boxes(svg) if lines[0] == first_line)


def test_azs_are_columns_holding_their_subnets_nat_and_enis() -> None:
    svg = _svg()
    az1, az2 = (MARGIN + i * (COL_W + COL_GAP) for i in range(2))
    assert _columns_of(svg, "PUBLIC · public-a") == [az1]
    assert _columns_of(svg, "PRIVATE · private-a") == [az1]
    assert _columns_of(svg, "PRIVATE · private-b") == [az2]
    assert _columns_of(svg, "NAT · public · available") == [az1]
    assert _columns_of(svg, "ENI · ssm") == [az1]
    assert _columns_of(svg, "ENI · sts") == [az1, az2]  # one box per AZ holding an endpoint ENI
    assert ["Internet gateway", "igw-0a00000000000001"] in [lines for _, lines in _boxes(svg)]


def test_cross_az_nat_line_is_dashed_and_labelled() -> None:
    svg = _svg()
    lines = [p for p in svg.iter(f"{NS}polyline")]
    assert len(lines) == 2  # private-a → NAT (same AZ), private-b → NAT (cross-AZ)
    cross = [p for p in lines if "cross-az" in p.attrib["class"]]
    assert len(cross) == 1 and cross[0].attrib["stroke-dasharray"]
    assert "cross-AZ" in [t.text for t in svg.iter(f"{NS}text")]


def test_regional_nat_sits_in_the_vpc_wide_band() -> None:
    topology = VpcTopology("1", "r", "vpc-1", TOPOLOGY.subnets,
                           (TopologyNat("nat-r", None, ("use1-az1", "use1-az2"), "public", regional=True),))
    assert _columns_of(_svg(topology), "NAT · regional · public") == [MARGIN]
    assert "AZ use1-az1" in [t.text for t in _svg(topology).iter(f"{NS}text")]


def test_hostile_labels_are_text() -> None:
    svg_text = str(topology_svg(hostile_result().topology[0], hostile_result().paths))
    root = ET.fromstring(svg_text)  # still well-formed XML
    assert not [e for e in root.iter() if e.tag.removeprefix(NS) in ("script", "foreignObject")]
    assert "<script>" not in svg_text and "\u202e" not in svg_text


def test_empty_vpc_says_so() -> None:
    texts = [t.text for t in _svg(VpcTopology("1", "r", "vpc-1")).iter(f"{NS}text")]
    assert "No subnets were collected for this VPC." in texts


def test_mermaid_groups_by_az_and_labels_cross_az() -> None:
    text = diagram(TOPOLOGY, sample_result().paths)
    lines = text.splitlines()
    assert lines[0] == "flowchart TB"
    assert sum(1 for line in lines if line.strip().startswith("subgraph")) == 2
    assert '  n6 -. cross-AZ .-> n3' in lines and "  n2 --> n3" in lines


def test_mermaid_labels_cannot_break_out() -> None:
    quoted = label(HOSTILE)
    assert quoted.startswith('"') and quoted.endswith('"') and '"' not in quoted[1:-1]
    assert not set(quoted[1:-1]) & set("<>`|[]()\n\u202e")
