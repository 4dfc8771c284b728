"""The JSON result: every field of the AuditResult, versioned, for pipelines and later diffs.

The shape is the dataclasses' own (one generic codec, so it cannot drift from the code) plus,
per finding, what is computed rather than stored: its ``fingerprint`` and its fix written out
as AWS CLI commands (``fix_cli``), Terraform (``fix_terraform``) and, for what it creates, a
CloudFormation template (``fix_cloudformation``). Keys are sorted and the
output is ASCII-only, so equal results give byte-equal files and hostile text (bidi controls)
cannot hide in a terminal. The shape is published as docs/result.schema.json (read as docs/result-json.md).
"""

from __future__ import annotations

import json
from typing import Any

from vpcaudit.engine.result import AuditResult
from vpcaudit.render.base import Formatter
from vpcaudit.render.fix import cli, cloudformation, terraform
from vpcaudit.snapshot.codec import to_jsonable


def result_document(result: AuditResult) -> dict[str, Any]:
    """The result as plain JSON data, fingerprints included."""
    data: dict[str, Any] = to_jsonable(result)
    for finding, item in zip(result.findings, data["findings"], strict=True):
        item["fingerprint"] = finding.fingerprint
        item["fix_cli"] = cli.script(finding.fix, finding.resource.region)
        item["fix_terraform"] = terraform.render(finding.fix, finding.resource.region)
        item["fix_cloudformation"] = cloudformation.template(finding.fix)
    return data


def render_json(result: AuditResult) -> str:
    return json.dumps(result_document(result), indent=2, sort_keys=True, ensure_ascii=True) + "\n"


FORMATTER: Formatter[AuditResult] = Formatter("json", "result.json", render_json)
