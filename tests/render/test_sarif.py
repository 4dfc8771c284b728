"""SARIF 2.1.0: valid against the official schema, stable fingerprints, suppressions kept."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from vpcaudit import render
from vpcaudit.engine.result import AuditResult
from vpcaudit.engine.rule import Status

SCHEMA = json.loads((Path(__file__).parents[1] / "data" / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))


def _sarif(result: AuditResult) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(render.render(result, "sarif"))
    return data


@pytest.mark.parametrize("which", ["sample", "hostile"])
def test_valid_against_the_sarif_schema(which: str, request: pytest.FixtureRequest) -> None:
    log = _sarif(request.getfixturevalue(which))
    jsonschema.Draft4Validator(SCHEMA).validate(log)
    assert log["version"] == "2.1.0"


def test_rules_carry_descriptions_help_level_and_security_severity(sample: AuditResult) -> None:
    rules = {r["id"]: r for r in _sarif(sample)["runs"][0]["tool"]["driver"]["rules"]}
    assert sorted(rules) == sorted(info.id for info in sample.rules)
    nat = rules["NAT002"]
    assert nat["name"] == "nat-gateway-cross-az-route"
    assert nat["defaultConfiguration"]["level"] == "warning"
    assert nat["properties"]["security-severity"] == "5.5"
    assert "aws ec2 replace-route" in nat["help"]["markdown"] and "aws ec2 replace-route" in nat["help"]["text"]
    assert nat["helpUri"].startswith("https://docs.aws.amazon.com/")
    assert rules["SG001"]["properties"]["security-severity"] == "8.0"


def test_results_locate_resources_and_keep_fingerprints(sample: AuditResult) -> None:
    run = _sarif(sample)["runs"][0]
    results = run["results"]
    assert len(results) == len(sample.findings)
    for item, finding in zip(results, sample.findings, strict=True):
        assert item["partialFingerprints"]["vpcauditFingerprint/v1"] == finding.fingerprint
        assert item["locations"][0]["logicalLocations"][0]["fullyQualifiedName"] == finding.resource.arn
        # GitHub code scanning needs a scheme-less, repository-relative physical location.
        uri = item["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        res = finding.resource
        assert uri == f"aws/{res.account_id}/{res.region}/{res.vpc_id or 'region'}/{res.resource_type}/" \
                      f"{res.resource_id}"
        assert run["tool"]["driver"]["rules"][item["ruleIndex"]]["id"] == finding.rule_id
        if finding.status is Status.SUPPRESSED:
            assert item["suppressions"] == [{"kind": "external", "status": "accepted",
                                             "justification": "Flow logs go to the central account "
                                                              "(expires 2030-01-01)"}]
        elif finding.status is Status.FAIL:
            assert item["kind"] == "fail" and "suppressions" not in item
        else:
            assert (item["kind"], item["level"]) == ("open", "none")
    notes = run["invocations"][0]["toolExecutionNotifications"]
    assert [n["associatedRule"]["id"] for n in notes] == ["IFE006", "SG001"]


def test_a_finding_with_steps_carries_one_fix_naming_them(sample: AuditResult) -> None:
    """§3.55: the description lists the steps (decisions marked); the schema-required artifact change
    inserts the AWS CLI commands into the resource's pseudo-artifact, the location the result names."""
    results = {r["partialFingerprints"]["vpcauditFingerprint/v1"]: r for r in _sarif(sample)["runs"][0]["results"]}
    for finding in sample.findings:
        item = results[finding.fingerprint]
        if not (finding.fix and finding.status is Status.FAIL):
            assert "fixes" not in item
            continue
        [fix] = item["fixes"]
        lines = fix["description"]["text"].splitlines()
        assert len(lines) == len(finding.fix)
        [change] = fix["artifactChanges"]
        assert change["artifactLocation"] == item["locations"][0]["physicalLocation"]["artifactLocation"]
        [replacement] = change["replacements"]
        assert replacement["deletedRegion"] == {"startLine": 1, "startColumn": 1, "endLine": 1, "endColumn": 1}
    sg = next(f for f in sample.failures if f.rule_id == "SG001")
    fix = results[sg.fingerprint]["fixes"][0]
    assert fix["description"]["text"] == (
        "1. Allow TCP 443 from 10.0.0.0/16 into sg-0open00000000001\n"
        "2. Revoke rule sgr-0world000000001 of sg-0open00000000001 (needs a decision: the VPC routes to a transit "
        "gateway: allow the remote CIDRs that use the endpoint first)")
    inserted = fix["artifactChanges"][0]["replacements"][0]["insertedContent"]["text"]
    assert inserted.startswith("aws ec2 authorize-security-group-ingress --region us-east-1 --group-id "
                               "sg-0open00000000001 ")
    assert "\n# aws ec2 revoke-security-group-ingress" in inserted


# -- plain-text messages (SARIF 2.1.0 §3.11.6) -------------------------------------------------

EMBEDDED = "see [exception](https://evil.example) and [here](0), path C:\\temp\\[x]"


def embedded_links(text: str) -> list[tuple[str, str]]:
    """The embedded links a viewer following SARIF 2.1.0 §3.11.6 finds in a plain-text message:
    ``[`` link text ``](`` destination ``)``, where ``\\``, ``[`` and ``]`` in the link text are
    escaped with a backslash."""
    found: list[tuple[str, str]] = []
    i = 0
    while i < len(text):
        if text[i] == "\\":
            i += 2
            continue
        if text[i] == "[":
            j, label = i + 1, []
            while j < len(text) and text[j] not in "[]":
                if text[j] == "\\" and j + 1 < len(text):
                    label.append(text[j + 1])
                    j += 2
                    continue
                label.append(text[j])
                j += 1
            if text.startswith("](", j) and ")" in text[j + 2:]:
                end = text.index(")", j + 2)
                found.append(("".join(label), text[j + 2:end]))
                i = end + 1
                continue
        i += 1
    return found


def test_the_parser_above_finds_embedded_links() -> None:
    assert embedded_links(EMBEDDED) == [("exception", "https://evil.example"), ("here", "0")]


def test_messages_cannot_carry_embedded_links(sample: AuditResult) -> None:
    """A bucket policy's statement id (AWS text) must not become a link in a SARIF viewer."""
    first = sample.findings[0]
    result = replace(sample, findings=(replace(first, message=EMBEDDED), *sample.findings[1:]),
                     scopes=tuple(replace(s, detail=EMBEDDED) for s in sample.scopes))
    run = _sarif(result)["runs"][0]
    texts = [run["results"][0]["message"]["text"]]
    texts += [n["message"]["text"] for n in run["invocations"][0]["toolExecutionNotifications"]]
    assert len(texts) > 1
    for text in texts:
        assert embedded_links(text) == [], text
    assert texts[0] == "see \\[exception\\](https://evil.example) and \\[here\\](0), path C:\\\\temp\\\\\\[x\\]"
