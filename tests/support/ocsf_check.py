"""Validate OCSF events with py-ocsf-models, an independent implementation of the OCSF schema.

py-ocsf-models (pydantic models of OCSF 1.5) checks required attributes, types and enum ids. Its
models ignore attributes they do not define, so each event is also round-tripped: anything the
model dropped or changed is reported, so a misspelt attribute cannot pass unnoticed. The
``cloud`` profile's object is not on the model's Compliance Finding class and is validated with
the library's own ``Cloud`` model.
"""

from __future__ import annotations

from typing import Any

from py_ocsf_models.events.findings.compliance_finding import ComplianceFinding
from py_ocsf_models.objects.cloud import Cloud
from pydantic import ValidationError


def ocsf_errors(events: list[dict[str, Any]]) -> list[str]:
    problems: list[str] = []
    for event in events:
        body = {k: v for k, v in event.items() if k != "cloud"}
        try:
            model = ComplianceFinding.model_validate(body)
            Cloud.model_validate(event["cloud"])
        except (ValidationError, KeyError) as exc:
            problems.append(f"{event.get('finding_info', {}).get('uid')}: {exc}")
            continue
        back = model.model_dump(mode="json", exclude_unset=True)
        if back != body:
            problems.append(f"{event['finding_info']['uid']}: not all attributes are OCSF's: {_diff(body, back)}")
    return problems


def _diff(sent: Any, kept: Any, path: str = "") -> list[str]:
    if isinstance(sent, dict) and isinstance(kept, dict):
        out = [f"{path}.{k}" for k in sent if k not in kept]
        for k in sent:
            if k in kept:
                out += _diff(sent[k], kept[k], f"{path}.{k}")
        return out
    if isinstance(sent, list) and isinstance(kept, list) and len(sent) == len(kept):
        return [d for i, (a, b) in enumerate(zip(sent, kept, strict=True)) for d in _diff(a, b, f"{path}[{i}]")]
    return [] if sent == kept else [path]
