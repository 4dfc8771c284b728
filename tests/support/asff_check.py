"""Validate ASFF findings with botocore's own validator, against the Security Hub service model.

botocore ships the ``securityhub`` model that AWS generates from the service's API: its
``BatchImportFindings`` input shape is an independent statement of what ASFF accepts (required
attributes, types, enumerations, minimum lengths). ASFF's documented maximum lengths are not in
the model, so they are checked here too.
"""

from __future__ import annotations

from typing import Any

import botocore.session
from botocore.validate import ParamValidator

LIMITS = {"Title": 256, "Description": 1024}
MAX_PER_CALL = 100


def asff_errors(findings: list[dict[str, Any]]) -> list[str]:
    """Problems botocore (and ASFF's length limits) find in ``findings``; [] when valid."""
    model = botocore.session.get_session().get_service_model("securityhub")
    shape = model.operation_model("BatchImportFindings").input_shape
    problems: list[str] = []
    for start in range(0, len(findings), MAX_PER_CALL):
        report = ParamValidator().validate({"Findings": findings[start:start + MAX_PER_CALL]}, shape)
        if report.has_errors():
            problems.append(report.generate_report())
    for f in findings:
        problems += [f"{f.get('Id')}: {key} longer than {n}" for key, n in LIMITS.items() if len(f.get(key, "")) > n]
        text = f.get("Remediation", {}).get("Recommendation", {}).get("Text", "")
        if len(text) > 512:
            problems.append(f"{f.get('Id')}: Remediation.Recommendation.Text longer than 512")
        if f.get("SchemaVersion") != "2018-10-08":
            problems.append(f"{f.get('Id')}: SchemaVersion {f.get('SchemaVersion')!r}")
    return problems
