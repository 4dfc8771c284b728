"""The JSON diff, for pipelines: every field of the AuditDiff, versioned, plus the headline numbers.

The shape is the dataclasses' own (the generic codec, as for result.json: the rules' metadata
included, so the file stands alone, and ``plan`` for ``vpcaudit plan``), with each finding's
``fingerprint`` (computed, not stored) and a ``summary`` of the counts and of whether coverage
got worse, so a pipeline can branch without re-deriving the exit code's reasons. Sorted keys and
ASCII-only output, like result.json; the shape is published as docs/diff.schema.json.
"""

from __future__ import annotations

from typing import Any

from vpcaudit.change.model import COUNTS
from vpcaudit.engine.diff import AuditDiff
from vpcaudit.engine.rule import Finding
from vpcaudit.render.base import Formatter
from vpcaudit.render.jsontext import report_writer
from vpcaudit.snapshot.codec import to_jsonable

_FINDING_LISTS = ("new", "resolved", "not_rechecked", "no_baseline")


def diff_document(d: AuditDiff) -> dict[str, Any]:
    """The diff as plain JSON data, fingerprints and summary included."""
    data: dict[str, Any] = to_jsonable(d)
    for name in _FINDING_LISTS:
        _fingerprint(getattr(d, name), data[name])
    for change, item in zip(d.changed, data["changed"], strict=True):
        item["fingerprint"] = change.after.fingerprint
    # A diff of two snapshots has no plan: its plan counts are null, never missing.
    data["summary"] = {**{f"plan_{k}": None for k in COUNTS}, **d.counts(), "coverage_worse": d.coverage_worse}
    return data


def _fingerprint(findings: tuple[Finding, ...], items: list[dict[str, Any]]) -> None:
    for finding, item in zip(findings, items, strict=True):
        item["fingerprint"] = finding.fingerprint


_WRITER = report_writer()


def render_diff_json(d: AuditDiff) -> str:
    return _WRITER.dumps(diff_document(d), end="\n")


FORMATTER: Formatter[AuditDiff] = Formatter("json", "diff.json", render_diff_json)
