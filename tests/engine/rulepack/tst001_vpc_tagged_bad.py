"""Test pack rule: a VPC tagged audit=bad fails (high)."""

from collections.abc import Iterator

from vpcaudit.engine.context import RuleContext
from vpcaudit.engine.rule import Finding, Severity, rule
from vpcaudit.snapshot.model import Part
from vpcaudit.snapshot.resources import tag_value


@rule(id="TST001", name="vpc-tagged-bad", severity=Severity.HIGH, needs=[Part.VPCS],
      references=["https://example.com/tst001"])
def vpc_tagged_bad(ctx: RuleContext) -> Iterator[Finding]:
    """A VPC tagged ``audit=bad`` fails.

    ## Why it matters
    The engine tests need a rule whose outcome a snapshot controls.

    ## How to fix
    Remove the tag.
    """
    for vpc in ctx.region.vpcs:
        if tag_value(vpc.tags, "audit") == "bad":
            yield ctx.finding(ctx.ref("vpc", vpc.vpc_id, vpc.vpc_id), f"{vpc.vpc_id} is tagged audit=bad")
