"""Finding groups in every format: listed once, named by each finding that belongs to one.

COST001's pool of VPCs used to be repeated in the evidence of every COST001 finding; now the
result names the pool once (``AuditResult.groups``) and each finding refers to it
(``Finding.group``). Every report must still let a reader see which VPCs a finding is pooled
with, and group text (VPC names are tags) is attacker-controlled like any other.
"""

from __future__ import annotations

import csv
import io
import json

from html_tree import parse_html
from render_sample import GROUP, GROUP_ID, HOSTILE, grouped_result, sample_result

from vpcaudit import render
from vpcaudit.render.report.context import group_anchor


def test_json_lists_the_group_once_and_findings_refer_to_it() -> None:
    data = json.loads(render.render(grouped_result(), "json"))
    assert [g["group_id"] for g in data["groups"]] == [GROUP_ID]
    assert [m["resource_id"] for m in data["groups"][0]["members"]] == [m.resource_id for m in GROUP.members]
    assert [f["group"] for f in data["findings"] if f["rule_id"] == "COST001"] == [GROUP_ID, GROUP_ID]
    assert all(f["group"] is None for f in data["findings"] if f["rule_id"] != "COST001")


def test_html_lists_members_and_links_each_finding_to_its_group() -> None:
    doc = parse_html(render.render(grouped_result(), "html"))
    section = doc.find_id(group_anchor(GROUP_ID))
    assert [td.text() for tr in section.iter("tr") for td in tr.children if td.tag == "td"][:4] == [
        "111122223333", "vpc", "vpc-0prod000000000001", "prod"]
    links = [a.attrs.get("href") for a in doc.iter("a") if a.text() == GROUP_ID]
    assert links == [f"#{group_anchor(GROUP_ID)}"] * 2
    assert any(a.attrs.get("href") == "#groups" for a in doc.iter("a"))


def test_html_and_markdown_without_groups_have_no_groups_section() -> None:
    html = render.render(sample_result(), "html")
    md = render.render(sample_result(), "md")
    assert 'id="groups"' not in html and "## Groups" not in md


def test_markdown_lists_the_group_and_each_finding_names_it() -> None:
    text = render.render(grouped_result(), "md")
    groups = text.split("## Groups", 1)[1]
    assert "| 444455556666 | vpc | vpc-0other00000000003 |  |" in groups
    assert text.count(f"One of group {GROUP_ID}") == 2


def test_sarif_names_the_group_in_results_and_lists_it_once_in_the_run() -> None:
    run = json.loads(render.render(grouped_result(), "sarif"))["runs"][0]
    assert [g["id"] for g in run["properties"]["groups"]] == [GROUP_ID]
    assert len(run["properties"]["groups"][0]["members"]) == 3
    assert [r["properties"]["group"] for r in run["results"] if r["ruleId"] == "COST001"] == [GROUP_ID] * 2
    plain = json.loads(render.render(sample_result(), "sarif"))["runs"][0]
    assert "groups" not in plain["properties"] and all("group" not in r["properties"] for r in plain["results"])


def test_csv_has_the_group_column() -> None:
    rows = list(csv.DictReader(io.StringIO(render.render(grouped_result(), "csv"))))
    assert [r["group"] for r in rows if r["rule_id"] == "COST001"] == [GROUP_ID] * 2


def test_hostile_group_text_stays_text() -> None:
    hostile = grouped_result(HOSTILE)
    doc = parse_html(render.render(hostile, "html"))
    assert len(list(doc.iter("script"))) == 1  # ours
    assert "<script>alert(1)</script>" in doc.find_id(group_anchor(GROUP_ID)).text()
    md = render.render(hostile, "md").split("## Groups", 1)[1]
    assert "<script>" not in md and "\u202e" not in md
