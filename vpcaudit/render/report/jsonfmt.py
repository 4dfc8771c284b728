"""The JSON result: every field of the AuditResult, versioned, for pipelines and later diffs.

The shape is the dataclasses' own (one generic codec, so it cannot drift from the code) plus,
per finding, what is computed rather than stored: its ``fingerprint`` and its fix written out
as AWS CLI commands (``fix_cli``), Terraform (``fix_terraform``) and, for what it creates, a
CloudFormation template (``fix_cloudformation``). Keys are sorted and the
output is ASCII-only, so equal results give byte-equal files and hostile text (bidi controls)
cannot hide in a terminal. The shape is published as docs/result.schema.json (read as docs/result-json.md).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from vpcaudit.engine.parted import PartedAudit
from vpcaudit.engine.result import AuditResult
from vpcaudit.engine.rule import Finding
from vpcaudit.files import Chunk
from vpcaudit.network.paths import PathStep
from vpcaudit.render.base import Formatter
from vpcaudit.render.fix import cli, cloudformation, terraform
from vpcaudit.render.jsontext import report_writer
from vpcaudit.snapshot.codec import Prewritten, to_jsonable

# What each finding's JSON adds to its stored fields.
COMPUTED: dict[str, Callable[[Finding], str]] = {
    "fingerprint": lambda f: f.fingerprint,
    "fix_cli": lambda f: cli.script(f.fix, f.resource.region),
    "fix_terraform": lambda f: terraform.render(f.fix, f.resource.region),
    "fix_cloudformation": lambda f: cloudformation.template(f.fix),
}


def result_document(result: AuditResult) -> dict[str, Any]:
    """The result as plain JSON data, fingerprints and fix texts included."""
    data: dict[str, Any] = to_jsonable(result)
    for finding, item in zip(result.findings, data["findings"], strict=True):
        item.update((name, compute(finding)) for name, compute in COMPUTED.items())
    return data



# The same text as json.dumps(result_document(result), indent=2, sort_keys=True, ensure_ascii=True),
# written straight from the records (at organization scale the result is gigabytes).
# A path's steps name the same route tables and prefix lists for every subnet of a VPC.
_WRITER = report_writer(computed={Finding: COMPUTED}, repeated={PathStep: ("description",)})


def render_json(result: AuditResult) -> str:
    return _WRITER.dumps(result, end="\n")


def stream_json(result: AuditResult) -> Iterator[Chunk]:
    """``render_json``'s text as UTF-8 chunks, for writing to a file."""
    return _WRITER.stream(result, end="\n")


def write_run(items: Sequence[Any]) -> bytes:
    """The text of a run of one of the result's long lists (see :mod:`vpcaudit.engine.parted`),
    as ``render_json`` writes those items, each after its comma."""
    return _WRITER.items_text(items, 1).encode("utf-8")


def stream_parted(parted: PartedAudit) -> Iterator[Chunk]:
    """``stream_json``'s chunks for the audit ``parted`` describes: its outline's fields, and its
    long lists from the runs the workers wrote (copied, never read back here)."""
    document = dataclasses.replace(parted.outline, **{name: Prewritten(runs) for name, runs in parted.runs.items()})
    return _WRITER.stream(document, end="\n")


FORMATTER: Formatter[AuditResult] = Formatter("json", "result.json", render_json, stream_json)
