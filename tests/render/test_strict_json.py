"""Every JSON vpcaudit writes is strict JSON: NaN and Infinity are not JSON, and most parsers reject them.

Inputs are validated so that no such number can reach an output; should one ever get through
(a bug, a third-party rule), rendering fails loudly instead of writing a file a pipeline cannot
parse. Checked for every format that emits JSON: the result, SARIF, the diff, the snapshot and
the Lambda handler's log line.
"""

from __future__ import annotations

import dataclasses
import json
import math
from collections.abc import Callable
from typing import Any

import pytest
from builders import RegionBuilder, standard_vpc
from render_sample import sample_result

from vpcaudit import api, lambda_handler
from vpcaudit.engine.diff import CostTotals

NAN = float("nan")


def _reject_constant(name: str) -> Any:
    raise ValueError(f"not strict JSON: {name}")


def strict_loads(text: str) -> Any:
    return json.loads(text, parse_constant=_reject_constant)


def result_with_nan() -> api.AuditResult:
    result = sample_result()
    first = dataclasses.replace(result.findings[0], monthly_cost_usd=NAN,
                                evidence={**result.findings[0].evidence, "ratio": NAN})
    return dataclasses.replace(result, findings=(first, *result.findings[1:]))


def diff_with_nan() -> api.AuditDiff:
    b = RegionBuilder()
    standard_vpc(b)
    d = api.diff(b.snapshot(), b.snapshot())
    return dataclasses.replace(d, cost_before=CostTotals(NAN, None))


def snapshot_with_nan() -> api.Snapshot:
    b = RegionBuilder()
    standard_vpc(b)
    return dataclasses.replace(b.snapshot(), options={"metrics_days": math.inf})


RENDERERS: dict[str, Callable[[], str]] = {
    "result json": lambda: api.render(result_with_nan(), "json"),
    "sarif": lambda: api.render(result_with_nan(), "sarif"),
    "asff": lambda: api.render(result_with_nan(), "asff"),
    "ocsf": lambda: api.render(result_with_nan(), "ocsf"),
    "diff json": lambda: api.render(diff_with_nan(), "json"),
    "snapshot": lambda: api.render(snapshot_with_nan(), "json"),
    "lambda log line": lambda: lambda_handler._log({"summary": {"duration_seconds": NAN}}),  # type: ignore[func-returns-value]
}


@pytest.mark.parametrize("name", sorted(RENDERERS))
def test_a_non_finite_number_never_reaches_a_json_output(name: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(ValueError, match="Out of range float values are not JSON compliant"):
        RENDERERS[name]()
    assert "NaN" not in capsys.readouterr().out


@pytest.mark.parametrize("fmt", ["json", "sarif", "asff", "ocsf"])
def test_the_report_formats_that_emit_json_parse_strictly(fmt: str) -> None:
    assert strict_loads(api.render(sample_result(), fmt))
