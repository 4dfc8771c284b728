"""Test pack rule needing flow logs: not evaluated wherever flow logs were not collected."""

from collections.abc import Iterator

from vpcaudit.engine.context import RuleContext
from vpcaudit.engine.rule import Finding, Severity, rule
from vpcaudit.snapshot.model import Part


@rule(id="TST003", name="vpc-without-flow-log", severity=Severity.MEDIUM, needs=[Part.VPCS, Part.FLOW_LOGS],
      references=["https://example.com/tst003"])
def vpc_without_flow_log(ctx: RuleContext) -> Iterator[Finding]:
    """A VPC with no flow log fails.

    ## Why it matters
    Exercises the runner's not-evaluated path through ``needs``.

    ## How to fix
    Add a flow log.
    """
    covered = {f.resource_id for f in ctx.region.flow_logs}
    for vpc in ctx.region.vpcs:
        if vpc.vpc_id not in covered:
            yield ctx.finding(ctx.ref("vpc", vpc.vpc_id, vpc.vpc_id), f"{vpc.vpc_id} has no flow log")
