"""CSV, JUnit XML and the terminal summary, read back the way their consumers read them."""

from __future__ import annotations

import csv
import io
import xml.etree.ElementTree as ET

from vpcaudit import render
from vpcaudit.engine.result import AuditResult
from vpcaudit.render.report.csvfmt import COLUMNS


def test_csv_has_one_row_per_finding_of_every_status(sample: AuditResult) -> None:
    rows = list(csv.DictReader(io.StringIO(render.render(sample, "csv"), newline="")))
    assert len(rows) == len(sample.findings)
    assert {r["status"] for r in rows} == {"fail", "suppressed", "not_evaluated", "error"}
    gwe = next(r for r in rows if r["rule_id"] == "GWE002")
    assert gwe["monthly_cost_usd"] == "45.00" and gwe["vpc_id"] == "vpc-0prod000000000001"
    assert list(rows[0]) == list(COLUMNS)


def test_junit_has_one_case_per_rule_and_scope(sample: AuditResult) -> None:
    root = ET.fromstring(render.render(sample, "junit"))
    cases = list(root.iter("testcase"))
    assert len(cases) == len(sample.scopes) == int(root.attrib["tests"])
    assert (root.attrib["failures"], root.attrib["errors"], root.attrib["skipped"]) == ("5", "1", "1")
    by_name = {(c.attrib["classname"], c.attrib["name"]): c for c in cases}
    nat = by_name[("vpcaudit.111122223333.us-east-1", "NAT002 nat-gateway-cross-az-route")]
    failure = nat.find("failure")
    assert failure is not None and failure.attrib["type"] == "medium"
    assert "subnet-0privb00000000002" in (failure.text or "")
    idle = by_name[("vpcaudit.111122223333.us-east-1", "IFE006 interface-endpoint-idle")]
    assert idle.find("skipped") is not None
    mon = by_name[("vpcaudit.111122223333.us-east-1", "MON001 vpc-flow-logs-disabled")]
    assert mon.find("failure") is None and "suppressed" in (mon.findtext("system-out") or "")
    suites = {s.attrib["name"]: s.attrib for s in root.iter("testsuite")}
    assert suites["vpcaudit 111122223333/eu-west-1"]["errors"] == "1"


def test_summary_table_counts_and_lists_failures_worst_first(sample: AuditResult) -> None:
    text = render.summary_table(sample)
    lines = text.splitlines()
    total = next(line for line in lines if line.startswith("total"))
    assert total.split() == ["total", "5", "1", "1", "1"]
    rules = [line.split()[1] for line in lines if line.split()[:1] in (["high"], ["medium"]) and len(line.split()) > 5]
    assert rules == ["DNS002", "POL004", "SG001", "GWE002", "NAT002"]
    assert "2 rule scope(s) not evaluated or errored" in text
    assert render.render(sample, "table") == text
