"""The VPC User Guide's example "VPC with servers in private subnets and NAT": every finding and
its verdict (docs/precision.md)."""

from __future__ import annotations

from aws_layout import audit, severities
from layouts import vpc_guide_private_nat

Triples = set[tuple[str, str, str]]


def _advice(ids: dict[str, str]) -> Triples:
    """Right, as advice. GWE003 (low): the wizard offers only the S3 gateway endpoint, so DynamoDB
    traffic from both private subnets leaves through their AZ's NAT gateway and pays its data
    processing, where a DynamoDB gateway endpoint is free. MON001: the wizard creates no flow log."""
    return {("GWE003", ids["vpc"], "fail"), ("MON001", ids["vpc"], "fail")}


def _published(ids: dict[str, str]) -> Triples:
    """Right, as advice: the S3 gateway endpoint keeps the default full-access policy (POL001)."""
    return _advice(ids) | {("POL001", ids["s3"], "fail")}


def test_findings_and_verdicts_as_published() -> None:
    snapshot, ids = vpc_guide_private_nat.build()
    # Silent, rightly: each private subnet sends 0.0.0.0/0 to the NAT gateway of its own AZ, which
    # sits in a public subnet (no NAT001-NAT003); both private route tables carry the S3 prefix-list
    # route (no GWE001, no GWE002); DNS hostnames are off as the page asks, but no endpoint with
    # private DNS and no private hosted zone relies on them (no DNS002); no interface endpoint for
    # the endpoint rules to judge; the default NACL allows everything.
    assert audit(snapshot) == _published(ids)
    levels = severities(snapshot)
    assert [levels[(rule, ids[key], "")] for rule, key in (("GWE003", "vpc"), ("MON001", "vpc"), ("POL001", "s3"))] \
        == ["low", "medium", "medium"]


def test_the_vpc_alone_before_the_application() -> None:
    """"Create the VPC" without "Deploy your application": the same findings. The load balancer's
    and the servers' ENIs change nothing, rightly: the NAT and gateway-endpoint rules read routes,
    and without an interface endpoint no rule has a client to judge."""
    snapshot, ids = vpc_guide_private_nat.build(servers=False)
    assert audit(snapshot) == _published(ids)


def test_dual_stack_form() -> None:
    """The page's route tables with IPv6: ::/0 to the internet gateway (public) and to the
    egress-only internet gateway (private). The same findings, rightly: the private subnets' IPv4
    traffic still leaves through the NAT gateways (SDKs call the IPv4 service endpoints by
    default), and ::/0 through an egress-only gateway pays no NAT processing."""
    snapshot, ids = vpc_guide_private_nat.build(ipv6=True)
    assert audit(snapshot) == _published(ids)


def test_near_miss_one_nat_gateway_for_both_zones() -> None:
    """Near miss, the wizard's "In 1 AZ": both private route tables send 0.0.0.0/0 to the NAT
    gateway in us-east-1a. Right: private subnet 2 crosses AZs to it (NAT002) and its AZ has no NAT
    gateway of its own (NAT003) — the page chooses "1 per AZ to improve resiliency", and AWS
    recommends a NAT gateway per AZ used by the AZ's own resources (NAT gateway basics)."""
    snapshot, ids = vpc_guide_private_nat.build(nat_gateways="one")
    assert "nat2" not in ids
    assert audit(snapshot) == _published(ids) | {("NAT002", ids["private2"], "fail"), ("NAT003", ids["vpc"], "fail")}
    levels = severities(snapshot)
    assert (levels[("NAT002", ids["private2"], "")], levels[("NAT003", ids["vpc"], "use1-az4")]) == ("medium", "medium")


def test_near_miss_s3_endpoint_on_one_private_route_table() -> None:
    """Near miss: the S3 gateway endpoint associated with the first private route table only.
    Right: the servers of private subnet 2 send S3 traffic to their NAT gateway, paying its data
    processing, outside the endpoint policy (GWE001, medium, per subnet and service). GWE002 stays
    silent: the VPC has an S3 gateway endpoint, and the catalogue leaves the missing route to
    GWE001."""
    snapshot, ids = vpc_guide_private_nat.build(s3_route_tables="first")
    assert audit(snapshot) == _published(ids) | {("GWE001", ids["private2"], "fail")}
    assert severities(snapshot)[("GWE001", ids["private2"], "s3")] == "medium"


def test_without_the_s3_endpoint() -> None:
    """The page's "If you choose None": right, S3 traffic from both private subnets pays NAT
    processing where the gateway endpoint is free (GWE002, medium). The page's "Otherwise,
    instances in your private subnet can't access Amazon S3" does not hold here: the NAT gateways
    carry it (docs/precision.md, "Noticed and left alone")."""
    snapshot, ids = vpc_guide_private_nat.build(s3_route_tables="none")
    assert "s3" not in ids
    assert audit(snapshot) == _advice(ids) | {("GWE002", ids["vpc"], "fail")}
    assert severities(snapshot)[("GWE002", ids["vpc"], "")] == "medium"


def test_put_to_use_with_session_manager_endpoints() -> None:
    """Session Manager for the private servers. Right, as advice: the ssm endpoint keeps the
    default policy (POL001; ssmmessages and ec2messages support none), and no kms / logs
    endpoints (IFE003, info). No SG003 (the endpoint group admits HTTPS from the servers' group,
    which the servers carry), no SG005 on the servers' group (egress to anywhere), no IFE001 /
    IFE002 (endpoint ENIs in both AZs), no DNS002 (hostnames back on). No SG005 on the load
    balancer's group either (rule wrong, fixed in the network model): its egress is the Elastic
    Load Balancing guide's recommended listener and health check ports to the servers' group, and
    a load balancer node calls no Systems Manager endpoint — ENIs requested by ``amazon-elb`` are
    not workloads."""
    snapshot, ids = vpc_guide_private_nat.build(session_manager=True)
    advice = {("POL001", ids["ssm"], "fail"), ("IFE003", ids["vpc"], "fail")}
    assert audit(snapshot) == _published(ids) | advice
    assert severities(snapshot)[("IFE003", ids["vpc"], "session-manager:optional")] == "info"
