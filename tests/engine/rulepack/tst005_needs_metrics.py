"""Test pack rule needing the opt-in metrics part."""

from collections.abc import Iterator

from vpcaudit.engine.context import RuleContext
from vpcaudit.engine.rule import Finding, Severity, rule
from vpcaudit.snapshot.model import Part


@rule(id="TST005", name="needs-metrics", severity=Severity.LOW, needs=[Part.VPCS, Part.METRICS],
      references=["https://example.com/tst005"])
def needs_metrics(ctx: RuleContext) -> Iterator[Finding]:
    """Fails for every metric with a zero total.

    ## Why it matters
    Exercises opt-in selection: without --with metrics this rule is set aside, not failed.

    ## How to fix
    Nothing: this is a test.
    """
    for metric in ctx.region.metrics:
        if metric.total == 0:
            yield ctx.finding(ctx.ref("metric", metric.resource_id), f"{metric.resource_id} idle")
