"""SARIF 2.1.0: valid against the official schema, stable fingerprints, suppressions kept."""

from __future__ import annotations

import json
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
