"""Test pack rule: a VPC tagged audit=meh fails (low)."""

from collections.abc import Iterator

from vpcaudit.engine.context import RuleContext
from vpcaudit.engine.rule import Finding, Severity, rule
from vpcaudit.snapshot.model import Part
from vpcaudit.snapshot.resources import tag_value


@rule(id="TST002", name="vpc-tagged-meh", severity=Severity.LOW, needs=[Part.VPCS],
      references=["https://example.com/tst002"])
def vpc_tagged_meh(ctx: RuleContext) -> Iterator[Finding]:
    """A VPC tagged ``audit=meh`` fails with low severity.

    ## Why it matters
    Lets tests check --fail-on and --min-severity against a low finding.

    ## How to fix
    Remove the tag.
    """
    for vpc in ctx.region.vpcs:
        if tag_value(vpc.tags, "audit") == "meh":
            yield ctx.finding(ctx.ref("vpc", vpc.vpc_id, vpc.vpc_id), f"{vpc.vpc_id} is tagged audit=meh")
