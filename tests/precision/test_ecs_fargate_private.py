"""ECS on Fargate behind ECR / S3 / Logs endpoints, without NAT: every finding and its verdict (docs/precision.md)."""

from __future__ import annotations

import pytest
from aws_layout import audit
from layouts import ecs_fargate_private


def _advice(ids: dict[str, str]) -> set[tuple[str, str, str]]:
    """Right, as advice: default full-access endpoint policies, no flow log."""
    return {*(("POL001", ids[e], "fail") for e in ("ecr.dkr", "ecr.api", "logs", "s3")), ("MON001", ids["vpc"], "fail")}


@pytest.mark.parametrize("tasks", [0, 2], ids=["network stack before the service", "service running"])
def test_findings_and_verdicts(tasks: int) -> None:
    """Before the service runs, the endpoints admit HTTPS from the (empty) task group: nobody is
    blocked yet, so no SG003 — it used to report three high findings on this correct layout."""
    snapshot, ids = ecs_fargate_private.build(tasks)
    assert audit(snapshot) == _advice(ids)


def test_tasks_outside_the_admitted_group_are_blocked() -> None:
    snapshot, ids = ecs_fargate_private.build(2, tasks_in_default_group=True)
    blocked = {("SG003", ids[e], "fail") for e in ("ecr.dkr", "ecr.api", "logs")}
    assert audit(snapshot) == _advice(ids) | blocked
