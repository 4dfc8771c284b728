"""The JSON result: golden file, fingerprints (the schema itself is checked in tests/meta/test_schemas.py)."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable

import pytest

from vpcaudit import render
from vpcaudit.engine.result import AuditResult
from vpcaudit.engine.resultfile import result_from_json
from vpcaudit.errors import UsageError


def test_json_matches_golden(sample: AuditResult, golden: Callable[[str, str], None]) -> None:
    golden("result.json", render.render(sample, "json"))


def test_json_is_the_full_result_with_fingerprints(sample: AuditResult) -> None:
    data = json.loads(render.render(sample, "json"))
    assert data["schema_version"] == "1.0"
    assert set(data) == {f.name for f in dataclasses.fields(AuditResult)}
    assert [f["fingerprint"] for f in data["findings"]] == [f.fingerprint for f in sample.findings]
    assert data["findings"][0]["evidence"]["endpoints"] == ["vpce-0ssm000000000001", "vpce-0sts000000000002"]
    assert data["topology"][0]["nat_gateways"][0]["availability_zone_ids"] == ["use1-az1"]


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
