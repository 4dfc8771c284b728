"""Check fix steps against botocore's service models: every step a rule builds is a valid request.

Why here and automatic: rule tests build findings through :mod:`rulecheck`, which passes every
step through :func:`check_steps`, so each rule test case also proves that its steps name a real
operation, use only its parameters with the right types, carry every required one, say
truthfully whether the operation takes ``DryRun``, and point ``output`` at a field the response
has. A value a person must choose (a placeholder) or an id created by an earlier step stands in
as a value of the member's type.
"""

from __future__ import annotations

from functools import cache
from typing import Any

import botocore.session
from botocore.model import OperationModel, Shape, StructureShape
from botocore.validate import validate_parameters

from vpcaudit.engine.remedy import FixStep, is_new_id, is_placeholder
from vpcaudit.engine.rule import Finding
from vpcaudit.render.fix import cli, cloudformation, terraform

_SAMPLE = {"string": "x", "integer": 1, "long": 1, "boolean": True, "timestamp": "2026-01-01T00:00:00Z"}


@cache
def _operation(action: str) -> OperationModel:
    service, operation = action.split(":", 1)
    return botocore.session.get_session().get_service_model(service).operation_model(operation)


def _stand_in(value: Any, shape: Shape) -> Any:
    if is_new_id(value) or is_placeholder(value):
        return _SAMPLE.get(shape.type_name, "x")
    if isinstance(shape, StructureShape) and isinstance(value, dict):
        return {k: _stand_in(v, shape.members[k]) if k in shape.members else v for k, v in value.items()}
    if shape.type_name == "list" and isinstance(value, list):
        return [_stand_in(v, shape.member) for v in value]  # type: ignore[attr-defined]
    return value


def check_step(fix: FixStep, region: str = "us-east-1") -> None:
    operation = _operation(fix.action)
    shape = operation.input_shape
    assert shape is not None
    validate_parameters(_stand_in(fix.parameters, shape), shape)
    assert fix.dry_run == ("DryRun" in shape.members), f"{fix.action}: dry_run says {fix.dry_run}"
    if fix.output:
        node: Shape | None = operation.output_shape
        for key in fix.output.split("."):
            assert isinstance(node, StructureShape) and key in node.members, f"{fix.action}: no {fix.output}"
            node = node.members[key]
    assert fix.description and (fix.decision is None or fix.decision.strip())
    cli.command(fix, region)
    terraform.render([fix], region)
    cloudformation.template([fix])


def check_steps(found: list[Finding]) -> None:
    for finding in found:
        for fix in finding.fix:
            check_step(fix, finding.resource.region)
