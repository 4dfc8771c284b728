"""Attacker text in every field a report prints: no format may be broken or taken over by it.

The hostile result puts ``<script>alert(1)</script>``, ``</td>``, ``|``, backticks, a newline,
U+202E (right-to-left override) and Markdown syntax into tags, names, messages, evidence keys
and values, path details, cost descriptions, scope details, rule texts and suppression reasons.
"""

from __future__ import annotations

import csv
import io
import json
import re
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import fake_aws
import pytest
from html_tree import parse_html
from render_sample import HOSTILE

from vpcaudit import render
from vpcaudit.engine.fixplan import build_plan
from vpcaudit.engine.result import AuditResult
from vpcaudit.engine.rule import Status
from vpcaudit.render.env import environment
from vpcaudit.render.fix import FIX_FORMATS, cli, cloudformation
from vpcaudit.render.report.csvfmt import COLUMNS

# Every element the HTML template itself writes; anything else was injected.
TEMPLATE_TAGS = {"html", "head", "meta", "title", "style", "body", "header", "h1", "h2", "h3", "h4", "h5", "dl",
                 "dt", "dd", "nav", "ul", "ol", "li", "a", "main", "section", "table", "thead", "tbody", "tr", "th",
                 "td", "span", "p", "strong", "form", "label", "select", "option", "button", "output", "article",
                 "code", "pre", "div", "details", "summary", "figure", "figcaption", "caption", "br", "time",
                 "footer", "script", "svg", "g", "rect", "text", "polyline", "line"}
BIDI = re.compile("[\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]")


def test_environment_autoescapes_html_j2_templates_and_only_those() -> None:
    """The trap: select_autoescape() with its defaults does not escape *.html.j2."""
    env = environment()
    select = env.autoescape
    assert callable(select)
    assert (select("report.html.j2"), select("report.html"), select("report.md.j2")) == (True, True, False)


def test_html_has_no_injected_element_attribute_or_bidi_control(hostile: AuditResult) -> None:
    text = render.render(hostile, "html")
    doc = parse_html(text)
    tags = {n.tag for n in doc.iter()} - {"#document"}
    assert tags <= TEMPLATE_TAGS, tags - TEMPLATE_TAGS
    assert len(list(doc.iter("script"))) == 1  # ours, at the end of body
    assert all(not name.startswith("on") for n in doc.iter() for name in n.attrs)
    assert all(not (n.attrs.get("href") or "").lower().startswith("javascript:") for n in doc.iter("a"))
    assert not BIDI.search(text)
    assert "<script>alert(1)</script>" in doc.find_id("findings-table").text()  # shown as text, not run


def test_html_table_rows_keep_their_cells(hostile: AuditResult) -> None:
    doc = parse_html(render.render(hostile, "html"))
    table = doc.find_id("findings-table")
    rows = [tr for tr in table.iter("tr")]
    assert len(rows) == 1 + len(hostile.failures)
    assert {len([c for c in tr.children if c.tag in ("td", "th")]) for tr in rows} == {6}


def _table_rows(markdown: str) -> list[list[str]]:
    """Markdown tables as lists of cells, splitting on unescaped pipes only."""
    tables: list[list[str]] = []
    for line in markdown.splitlines():
        if line.startswith("|") and line.endswith("|"):
            tables.append(re.split(r"(?<!\\)\|", line)[1:-1])
    return tables


def test_markdown_tables_keep_their_column_count(hostile: AuditResult) -> None:
    text = render.render(hostile, "md")
    lines = text.splitlines()
    checked = 0
    for i, line in enumerate(lines):
        if re.fullmatch(r"\|(\s*:?-+:?\s*\|)+", line):  # a delimiter row: header above, body below
            width = len(_table_rows(line)[0])
            assert len(_table_rows(lines[i - 1])[0]) == width, lines[i - 1]
            for body in lines[i + 1:]:
                if not body.startswith("|"):
                    break
                assert len(_table_rows(body)[0]) == width, body
                checked += 1
    assert checked > 30


def test_markdown_escapes_every_interpolated_value(hostile: AuditResult) -> None:
    text = render.render(hostile, "md")
    assert not BIDI.search(text)
    # Fenced code (rule fix text, Mermaid) is literal in Markdown; its fence must outlast any backticks inside.
    fences = re.findall(r"^(`{3,})[^\n]*\n(.*?)^\1$", text, flags=re.S | re.M)
    assert fences and all(len(fence) > max(map(len, re.findall("`+", body)), default=0) for fence, body in fences)
    outside = re.sub(r"^(`{3,})[^\n]*\n.*?^\1$", "", text, flags=re.S | re.M)
    for raw in ("<script>", "</td>", "[a](b)", "*_"):  # in tables, <summary> lines and prose alike
        assert raw not in outside
    # Backticks are syntax only in rule texts (authored Markdown: code spans); values escape them.
    assert "\\`x\\`" in outside
    mermaid = "".join(body for fence, body in fences if "flowchart" in body)
    assert "<script>" not in mermaid and '"' not in mermaid.replace('["', "").replace('"]', "")


def test_csv_stays_one_row_per_finding_with_every_column(hostile: AuditResult) -> None:
    rows = list(csv.reader(io.StringIO(render.render(hostile, "csv"), newline="")))
    assert rows[0] == list(COLUMNS)
    assert len(rows) == 1 + len(hostile.findings)
    assert {len(r) for r in rows} == {len(COLUMNS)}
    message = COLUMNS.index("message")
    assert all(HOSTILE.replace("\u202e", "") in r[message] for r in rows[1:])  # bidi overrides removed


@pytest.mark.parametrize("cell", ["=HYPERLINK(\"http://x\")", "+1", "-1+2", "@SUM(A1)", "\tx", "\rx"])
def test_csv_cells_cannot_become_formulas(sample: AuditResult, cell: str) -> None:
    from dataclasses import replace

    result = replace(sample, findings=tuple(replace(f, message=cell, resource=replace(f.resource, name=cell))
                                            for f in sample.findings))
    rows = list(csv.reader(io.StringIO(render.render(result, "csv"), newline="")))
    for row in rows[1:]:
        assert row[COLUMNS.index("message")] == "'" + cell
        assert row[COLUMNS.index("resource_name")] == "'" + cell


def test_junit_parses_and_keeps_the_text(hostile: AuditResult) -> None:
    from dataclasses import replace

    with_controls = replace(hostile, findings=tuple(
        replace(f, message=f.message + " \x00\x1b[31m\x07 \ud800") for f in hostile.findings))
    root = ET.fromstring(render.render(with_controls, "junit").encode("utf-8"))
    failures = [e.text or "" for e in root.iter("failure")]
    assert failures and all("<script>alert(1)</script>" in t for t in failures if t.strip())
    assert int(root.get("tests", "0")) == len(hostile.scopes)


def test_sarif_and_json_stay_valid_and_exact(hostile: AuditResult) -> None:
    sarif = json.loads(render.render(hostile, "sarif"))
    messages = [r["message"]["text"] for r in sarif["runs"][0]["results"]]
    # Exact once a viewer reads SARIF's escapes of \\, [ and ] (§3.11.6), which keep AWS text link-free.
    assert [re.sub(r"\\([\\\[\]])", r"\1", m) for m in messages] == [f.message for f in hostile.findings]
    data = json.loads(render.render(hostile, "json"))
    assert [f["message"] for f in data["findings"]] == [f.message for f in hostile.findings]
    assert data["findings"][0]["resource"]["name"] == HOSTILE


def test_terminal_table_strips_control_sequences(sample: AuditResult) -> None:
    from dataclasses import replace

    result = replace(sample, findings=tuple(replace(f, message="\x1b]0;pwned\x07\x1b[2J" + f.message)
                                            for f in sample.findings))
    text = render.summary_table(result)
    assert "\x1b" not in text and "\x07" not in text
    assert len([f for f in result.findings if f.status is Status.FAIL]) == text.count("]0;pwned")


# -- remediation: hostile text in step descriptions, decisions and parameter values ------------------

PWNED = Path("/tmp/pwned")  # the file hostile values try to create through $(touch /tmp/pwned)


def _ready_values(result: AuditResult) -> list[str]:
    """Every string parameter value of the hostile result's ready steps (what a plan would send)."""
    return [v for f in result.failures for s in f.fix if s.ready
            for v in s.parameters.values() if isinstance(v, str)]


def test_each_findings_cli_sends_every_value_as_one_exact_word(hostile: AuditResult, tmp_path: Path) -> None:
    """Each finding's copy-ready commands, pasted into bash: the values arrive exactly, nothing runs."""
    PWNED.unlink(missing_ok=True)
    folder = fake_aws.install(tmp_path / "bin")
    for number, finding in enumerate(hostile.failures):
        text = cli.script(finding.fix, finding.resource.region)
        assert all(line.startswith("#") or "\n" not in line for line in text.splitlines())
        log = tmp_path / f"calls-{number}.jsonl"
        proc = subprocess.run(["bash", "-c", text], env=fake_aws.environment(folder, log), capture_output=True,
                              text=True, timeout=60, check=False)
        assert proc.returncode == 0, proc.stderr
        ready = [s for s in finding.fix if s.ready]
        assert len(fake_aws.calls(log)) == len(ready)
        for call, fix in zip(fake_aws.calls(log), ready, strict=True):
            for value in fix.parameters.values():
                if isinstance(value, str):
                    assert value in call
    assert not PWNED.exists()


def test_the_shell_plan_sends_hostile_values_as_data_and_runs_none_of_them(hostile: AuditResult,
                                                                           tmp_path: Path) -> None:
    PWNED.unlink(missing_ok=True)
    script = tmp_path / "fix-plan.sh"
    script.write_text(FIX_FORMATS.render(build_plan(hostile), "sh"), encoding="utf-8")
    log = tmp_path / "calls.jsonl"
    proc = subprocess.run(["bash", str(script)], env=fake_aws.environment(fake_aws.install(tmp_path / "bin"), log,
                                                                          FAKE_AWS_ACCOUNT="111122223333"),
                          capture_output=True, text=True, timeout=60, check=False)
    assert proc.returncode == 0, proc.stderr
    sent = [word for call in fake_aws.calls(log) for word in call]
    assert _ready_values(hostile) and all(value in sent for value in _ready_values(hostile))
    assert not PWNED.exists()
    assert "uid=" not in proc.stdout + proc.stderr  # `id` never ran


def test_comments_of_the_plans_never_end_early(hostile: AuditResult) -> None:
    """A newline in a message or decision would turn the rest of a comment into a command."""
    plan = build_plan(hostile)
    for fmt in ("sh", "terraform"):
        for line in FIX_FORMATS.render(plan, fmt).splitlines():
            assert "\u202e" not in line and "\x1b" not in line
            if "alert(1)" in line and "next" in line:
                assert line.lstrip().startswith("#") or "'" in line or '"' in line, line


def test_terraform_strings_hold_no_template_sequence(hostile: AuditResult) -> None:
    rendered = FIX_FORMATS.render(build_plan(hostile), "terraform")
    text = "\n".join(line for line in rendered.splitlines() if not line.lstrip().startswith("#"))
    assert re.search(r"(?<!\$)\$\{", text) is None and re.search(r"(?<!%)%\{", text) is None
    assert '$${x}%%{y}' in text


def test_markdown_fences_and_html_pre_hold_fix_text_inert(hostile: AuditResult) -> None:
    doc = parse_html(render.render(hostile, "html"))
    pres = [p.text() for p in doc.iter("pre") if "fix-cli" in (p.attrs.get("class") or "")]
    assert pres and any("$(touch /tmp/pwned)" in text for text in pres)
    md = render.render(hostile, "md")
    assert "```bash\n" in md and "<script>alert(1)</script>" not in re.sub(r"^(`{3,}).*?^\1$", "", md,
                                                                           flags=re.S | re.M)


def test_cloudformation_templates_stay_json_holding_the_exact_values(hostile: AuditResult) -> None:
    for finding in hostile.failures:
        text = cloudformation.template(finding.fix)
        if not text:
            continue
        resources = json.loads(text)["Resources"]
        assert all(re.fullmatch("[A-Za-z0-9]+", name) for name in resources)
        assert any(HOSTILE in value for value in _strings(resources))
        assert "\u202e" not in text and "\x1b" not in text  # escaped as \u202e by the JSON encoder


def _strings(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []
