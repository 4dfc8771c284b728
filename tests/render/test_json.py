"""The JSON result: golden file, fingerprints, every field documented in docs/result-json.md."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable
from pathlib import Path

import pytest

from vpcaudit import render
from vpcaudit.engine import result as result_module
from vpcaudit.engine.remedy import FixStep
from vpcaudit.engine.result import AuditResult
from vpcaudit.engine.resultfile import result_from_json
from vpcaudit.engine.rule import Finding, ResourceRef
from vpcaudit.errors import UsageError
from vpcaudit.facts import costs, summaries, topology
from vpcaudit.network.paths import PathGap, PathStep, TrafficPath

DOC = Path(__file__).parents[2] / "docs" / "result-json.md"


def test_json_matches_golden(sample: AuditResult, golden: Callable[[str, str], None]) -> None:
    golden("result.json", render.render(sample, "json"))


def test_json_is_the_full_result_with_fingerprints(sample: AuditResult) -> None:
    data = json.loads(render.render(sample, "json"))
    assert data["schema_version"] == "1.0"
    assert set(data) == {f.name for f in dataclasses.fields(AuditResult)}
    assert [f["fingerprint"] for f in data["findings"]] == [f.fingerprint for f in sample.findings]
    assert data["findings"][0]["evidence"]["endpoints"] == ["vpce-0ssm000000000001", "vpce-0sts000000000002"]
    assert data["topology"][0]["nat_gateways"][0]["availability_zone_ids"] == ["use1-az1"]


def _documented_records() -> list[type]:
    records = [AuditResult, Finding, ResourceRef, TrafficPath, PathStep, PathGap, FixStep]
    for module in (result_module, costs, summaries, topology):
        records += [obj for obj in vars(module).values() if isinstance(obj, type) and dataclasses.is_dataclass(obj)
                    and obj.__module__ == module.__name__ and obj not in records]
    return records


def test_every_field_is_documented() -> None:
    doc = DOC.read_text(encoding="utf-8")
    missing = [f"{cls.__name__}.{f.name}" for cls in _documented_records() for f in dataclasses.fields(cls)
               if f"`{f.name}`" not in doc]
    assert missing == [], f"describe these fields in {DOC}"
    assert all(f"`{name}`" in doc for name in ("fingerprint", "fix_cli", "fix_terraform"))
    assert '{"new_id": label}' in doc and '{"placeholder": text}' in doc


def test_a_written_result_reads_back_equal_fix_steps_included(sample: AuditResult) -> None:
    """`vpcaudit fix` plans from the JSON the audit wrote: nothing may be lost on the way."""
    text = render.render(sample, "json")
    assert result_from_json(text) == sample
    assert any(f.fix for f in result_from_json(text).findings)


def test_a_result_of_another_major_version_or_no_result_is_refused() -> None:
    for text, problem in (('{"schema_version": "2.0", "findings": []}', "schema_version is '2.0'"),
                          ('{"accounts": []}', "not a vpcaudit audit result"),
                          ("{", "not valid JSON"),
                          ('{"schema_version": "1.0", "findings": [{"rule_id": 1}]}', "field '$.")):
        with pytest.raises(UsageError, match=problem.replace("$", "\\$").replace(".", "\\.")) as caught:
            result_from_json(text, "r.json")
        assert caught.value.setting == "result" and caught.value.message.startswith("r.json: ")
