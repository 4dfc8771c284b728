"""terraform-aws-vpc's ipv6-only example: every finding and its verdict (docs/precision.md)."""

from __future__ import annotations

from aws_layout import audit, audit_result
from layouts import tf_vpc_ipv6_only


def test_findings_and_verdicts() -> None:
    snapshot, ids = tf_vpc_ipv6_only.build()
    # Right: no flow log. IPv6-only subnets send no IPv4 packet, so the public route table's
    # 0.0.0.0/0 makes nothing public that has no IPv4, and the private subnets' ::/0 through the
    # egress-only gateway pays no NAT processing: no gateway-endpoint or NAT finding.
    assert audit(snapshot) == {("MON001", ids["vpc"], "fail")}


def test_an_ipv6_kms_endpoint_open_to_the_vpcs_ipv6_block_is_fine() -> None:
    snapshot, ids = tf_vpc_ipv6_only.build(kms_from=f"{tf_vpc_ipv6_only.V6}::/56")
    # Right (advice): the default full-access policy, and no flow log.
    assert audit(snapshot) == {("MON001", ids["vpc"], "fail"), ("POL001", ids["kms"], "fail")}


def test_an_ipv6_kms_endpoint_open_to_the_vpcs_ipv4_block_only_blocks_every_client() -> None:
    """The near miss: the group admits 443 from 10.0.0.0/16 (the module's ``vpc_cidr_block``
    output, the usual source), and the endpoint, in IPv6-only subnets, has no IPv4 address."""
    snapshot, ids = tf_vpc_ipv6_only.build(kms_from="10.0.0.0/16")
    assert audit(snapshot) == {("MON001", ids["vpc"], "fail"), ("POL001", ids["kms"], "fail"),
                               ("SG003", ids["kms"], "fail")}
    [sg003] = [f for f in audit_result(snapshot).findings if f.rule_id == "SG003"]
    assert "allowed only from 10.0.0.0/16, and the endpoint has IPv6 addresses only" in sg003.message
