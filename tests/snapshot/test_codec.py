"""The JSON codec behind snapshots and results: exact round trips, precise error paths."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from vpcaudit.engine.rule import Finding, ResourceRef, Severity, Status
from vpcaudit.files import atomic_write_text
from vpcaudit.snapshot.codec import DecodeError, from_jsonable, to_jsonable


def test_finding_with_list_and_null_evidence_round_trips() -> None:
    finding = Finding("SG001", "endpoint-sg-open-to-world", Severity.HIGH, Status.FAIL,
                      ResourceRef("111111111111", "us-east-1", "vpc-1", "security-group", "sg-1"), "open",
                      {"ports": ["443", "80"], "count": 2, "ratio": 0.5, "flag": True, "none": None}, 7.3)
    assert from_jsonable(Finding, json.loads(json.dumps(to_jsonable(finding)))) == finding


def test_decode_error_names_the_field() -> None:
    data = to_jsonable(ResourceRef("1", "us-east-1", None, "vpc", "vpc-1"))
    data["resource_id"] = 5
    with pytest.raises(DecodeError) as err:
        from_jsonable(ResourceRef, data)
    assert err.value.path == "$.resource_id" and "expected str" in err.value.problem


def test_atomic_write_honours_umask_and_leaves_no_temp_file(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        atomic_write_text(tmp_path / "report.html", "<p>ok</p>")
    finally:
        os.umask(old)
    assert oct((tmp_path / "report.html").stat().st_mode & 0o777) == "0o644"
    assert [p.name for p in tmp_path.iterdir()] == ["report.html"]
