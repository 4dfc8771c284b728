"""terraform-aws-vpc's ipv6-dualstack example: every finding and its verdict (docs/precision.md)."""

from __future__ import annotations

from aws_layout import audit
from layouts import tf_vpc_ipv6_dualstack


def test_findings_and_verdicts() -> None:
    snapshot, ids = tf_vpc_ipv6_dualstack.build()
    # Right: S3 and DynamoDB over IPv4 pay NAT processing (SDKs use the IPv4 endpoints by
    # default; ::/0 through the egress-only gateway does not carry them); no flow log. The
    # database subnets with both default routes to the internet gateway are public, and each
    # private subnet uses its own AZ's NAT gateway: nothing to say there.
    assert audit(snapshot) == {("GWE002", ids["vpc"], "fail"), ("GWE003", ids["vpc"], "fail"),
                               ("MON001", ids["vpc"], "fail")}
