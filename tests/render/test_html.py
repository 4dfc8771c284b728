"""The HTML report's structure: every section, every finding, self-contained, readable without script."""

from __future__ import annotations

import base64
import hashlib
import re

import pytest
from html_tree import Node, parse_html

from vpcaudit import render
from vpcaudit.engine.result import AuditResult
from vpcaudit.engine.rule import Status
from vpcaudit.render.fix import cloudformation

SECTIONS = ("report-header", "summary", "summary-severity", "summary-vpc", "findings", "findings-table", "network",
            "costs", "cost-table", "not-evaluated", "incomplete-scopes", "incomplete-findings", "suppressed",
            "suppressed-table", "expired-suppressions", "rules")


@pytest.fixture
def doc(sample: AuditResult) -> Node:
    return parse_html(render.render(sample, "html"))


def _by_id(doc: Node, element_id: str) -> Node:
    node = doc.find_id(element_id)
    assert node is not None, f"no element with id {element_id!r}"
    return node


def test_every_section_is_there(doc: Node) -> None:
    for section in SECTIONS:
        _by_id(doc, section)


def test_header_names_accounts_regions_time_and_versions(doc: Node) -> None:
    header = _by_id(doc, "report-header").text()
    for fact in ("111122223333", "eu-west-1, us-east-1", "2025-01-02T03:04:05+00:00", "vpcaudit 0.1.0",
                 "result schema 1.0", "vpcaudit 0.1.0"):
        assert fact in header


def test_every_finding_is_findable_by_fingerprint(sample: AuditResult, doc: Node) -> None:
    for f in sample.findings:
        node = _by_id(doc, f"f-{f.fingerprint}")
        assert f.message in node.text()
        if f.status is Status.FAIL:
            assert node.tag == "article" and node.attrs["data-severity"] == f.severity.value
            row = next(n for n in _by_id(doc, "findings-table").iter("tr")
                       if n.attrs.get("data-fingerprint") == f.fingerprint)
            assert row.attrs["data-rule"] == f.rule_id
    table_rows = [n for n in _by_id(doc, "findings-table").iter("tr") if "data-fingerprint" in n.attrs]
    assert len(table_rows) == len(sample.failures)
    suppressed = _by_id(doc, "suppressed-table").text()
    assert "Flow logs go to the central account" in suppressed and "2030-01-01" in suppressed


def test_findings_are_grouped_by_vpc_then_rule_with_why_fix_and_references(doc: Node) -> None:
    vpc = _by_id(doc, "findings-vpc-111122223333-us-east-1-vpc-0prod000000000001")
    groups = [n for n in vpc.iter("section") if "rule-group" in n.attrs.get("class", "")]
    assert [g.attrs["data-rule"] for g in groups] == ["DNS002", "SG001", "GWE002", "NAT002"]  # worst first
    nat = groups[3]
    pre = [n.text() for n in nat.iter("pre")]
    assert any("aws ec2 replace-route --route-table-id <rtb-id>" in p for p in pre)  # ready-to-paste CLI
    assert "Cross-AZ data charges" in nat.text()
    links = [a.attrs["href"] for a in nat.iter("a")]
    assert links == ["https://docs.aws.amazon.com/vpc/latest/userguide/nat-gateway-basics.html"]
    gwe = groups[2]
    assert [a.attrs["href"] for a in gwe.iter("a")] == [
        "https://docs.aws.amazon.com/vpc/latest/privatelink/vpc-endpoints-s3.html"]
    assert "javascript:alert(1)" in gwe.text()  # a non-http reference is shown, never linked
    _by_id(doc, "findings-region-111122223333-us-east-1")  # the region-wide bucket-policy finding


def test_summary_counts_and_costs(doc: Node) -> None:
    severity = _by_id(doc, "summary-severity")
    total = next(n for n in severity.iter("tr") if n.attrs.get("class") == "total")
    assert [c.text() for c in total.children] == ["Total", "5", "1", "1", "1"]
    vpc_rows = {r.attrs.get("data-vpc"): [c.text() for c in r.children] for r in _by_id(doc, "summary-vpc").iter("tr")}
    prod = vpc_rows["vpc-111122223333-us-east-1-vpc-0prod000000000001"]
    assert prod[4:] == ["0", "2", "2", "0", "0", "4", "$54.75", "$12.50"]
    costs = _by_id(doc, "cost-table").text()
    assert "not collected" in costs and "$32.85" in costs and "$54.75" in costs


def test_traffic_matrix_marks_cross_az_and_nat_in_words(doc: Node) -> None:
    matrix = _by_id(doc, "paths-vpc-111122223333-us-east-1-vpc-0prod000000000001")
    header = [c.text() for c in next(matrix.iter("thead")).iter("th")]
    assert header == ["Subnet", "AZ", "s3", "ssm", "internet"]
    rows = list(next(matrix.iter("tbody")).iter("tr"))
    assert len(rows) == 3
    private_b = next(r for r in rows if "private-b" in r.text())
    internet = [c for c in private_b.children if c.tag == "td"][-1]
    assert {"cross-az", "via-nat"} <= set(internet.attrs["class"].split())
    assert "cross-AZ" in internet.text() and "via NAT" in internet.text()


def test_topology_is_inline_svg_per_vpc(doc: Node) -> None:
    figures = [n for n in doc.iter("figure") if "topology" in n.attrs.get("class", "")]
    assert len(figures) == 2  # prod and shared; the region-wide group has no picture
    prod_svg = next(figures[0].iter("svg"))
    labels = [t.text() for t in prod_svg.iter("text")]
    assert "AZ use1-az1" in labels and "AZ use1-az2" in labels and "cross-AZ" in labels
    assert "drawn from the traffic paths only" in figures[1].text()


def test_not_evaluated_lists_scopes_and_findings(doc: Node) -> None:
    scopes = _by_id(doc, "incomplete-scopes").text()
    assert "not collected: metrics skipped" in scopes and "KeyError" in scopes
    assert "Metrics were not collected" in _by_id(doc, "incomplete-findings").text()
    assert "NAT001 subnet-0old" in _by_id(doc, "suppressed").text()


def test_self_contained_with_a_csp_that_pins_the_only_script(sample: AuditResult) -> None:
    text = render.render(sample, "html")
    doc = parse_html(text)
    csp = next(n for n in doc.iter("meta") if n.attrs.get("http-equiv") == "Content-Security-Policy")
    policy = dict(part.strip().split(" ", 1) for part in (csp.attrs["content"] or "").split(";"))
    assert policy["default-src"] == "'none'" and policy["img-src"] == "data:"
    script = next(doc.iter("script")).text()
    digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
    assert policy["script-src"] == f"'sha256-{digest}'"
    assert not [n for n in doc.iter() if "src" in n.attrs or n.tag in ("link", "iframe", "object", "embed", "img")]
    hrefs = [n.attrs["href"] or "" for n in doc.iter("a")]
    assert all(h.startswith("#") or h.startswith("https://docs.aws.amazon.com/") for h in hrefs)
    assert not re.search(r"url\(|@import|@font-face", next(doc.iter("style")).text())


def test_readable_without_script(doc: Node) -> None:
    form = _by_id(doc, "filters")
    assert "hidden" in form.attrs  # the script reveals the filters; without it nothing is missing
    options = [o.attrs["value"] for o in _by_id(doc, "filter-severity").iter("option")]
    assert options == ["", "high", "medium"]
    assert not [n for n in doc.iter() if "hidden" in n.attrs and n is not form]


def test_fix_this_one_holds_copy_ready_commands_without_script(doc: Node, sample: AuditResult) -> None:
    """A native <details> per failing finding with steps: the step list, the AWS CLI and the Terraform
    as <pre> text, readable and copyable with script off (nothing in it is hidden by the filter script)."""
    with_fix = [f for f in sample.failures if f.fix]
    assert with_fix
    for finding in with_fix:
        details = _by_id(doc, f"fix-{finding.fingerprint}")
        assert details.tag == "details" and "hidden" not in details.attrs
        assert len(list(details.iter("li"))) == len(finding.fix)
        [cli, hcl, *cfn] = [p.text() for p in details.iter("pre")]
        assert len(cfn) == (1 if cloudformation.template(finding.fix) else 0)
        assert cli.startswith("aws ") or cli.startswith("# ") or "=$(aws " in cli
        assert hcl
    nat = next(f for f in with_fix if f.rule_id == "NAT002")
    cli = next(_by_id(doc, f"fix-{nat.fingerprint}").iter("pre")).text()
    assert cli.splitlines() == [
        "eip_nat_vpc_0prod000000000001_use1_az2=$(aws ec2 allocate-address --region us-east-1 --domain vpc "
        "--query AllocationId --output text)",
        "nat_vpc_0prod000000000001_use1_az2=$(aws ec2 create-nat-gateway --region us-east-1 --subnet-id "
        'subnet-0pubb000000000002 --allocation-id "${eip_nat_vpc_0prod000000000001_use1_az2}" '
        "--query NatGateway.NatGatewayId --output text)",
        "aws ec2 replace-route --region us-east-1 --route-table-id rtb-0privb00000000002 --destination-cidr-block "
        '0.0.0.0/0 --nat-gateway-id "${nat_vpc_0prod000000000001_use1_az2}"']
    for finding in sample.findings:
        if not (finding.fix and finding.status is Status.FAIL):
            assert doc.find_id(f"fix-{finding.fingerprint}") is None
