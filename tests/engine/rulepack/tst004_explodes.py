"""Test pack rule that raises on a VPC tagged audit=explode: the runner must record an error."""

from collections.abc import Iterator

from vpcaudit.engine.context import RuleContext
from vpcaudit.engine.rule import Finding, Severity, rule
from vpcaudit.snapshot.model import Part
from vpcaudit.snapshot.resources import tag_value


@rule(id="TST004", name="explodes-on-tag", severity=Severity.INFO, needs=[Part.VPCS],
      references=["https://example.com/tst004"])
def explodes_on_tag(ctx: RuleContext) -> Iterator[Finding]:
    """Raises on a VPC tagged ``audit=explode``.

    ## Why it matters
    A broken rule must become an error result while the audit goes on.

    ## How to fix
    Nothing: this is a test.
    """
    for vpc in ctx.region.vpcs:
        if tag_value(vpc.tags, "audit") == "explode":
            raise RuntimeError(f"cannot judge {vpc.vpc_id}")
    yield from ()
