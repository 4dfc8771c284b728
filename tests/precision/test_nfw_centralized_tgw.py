"""Centralized inspection with AWS Network Firewall behind a transit gateway (aws-samples): every
finding and its verdict (docs/precision.md)."""

from __future__ import annotations

from aws_layout import audit, severities
from layouts import nfw_centralized_tgw

Triples = set[tuple[str, str, str]]


def _advice(ids: dict[str, str]) -> Triples:
    """Right, as advice. MON001 on all three VPCs: the sample logs the firewall's flow and alert
    records, which show only what passes the firewall — not the spokes' traffic to their own SSM
    endpoints, nor anything a VPC flow log records. POL001 on each spoke's ssm endpoint: the
    default full-access policy (ec2messages and ssmmessages support no endpoint policy).
    IFE003 (info) on each spoke: Session Manager without the optional kms and logs endpoints,
    which the sample does not need (no session encryption key, no session logging)."""
    return ({("MON001", ids[vpc], "fail") for vpc in ("inspection", "spoke1", "spoke2")}
            | {("POL001", ids[f"spoke{n}_ssm"], "fail") for n in (1, 2)}
            | {("IFE003", ids[f"spoke{n}"], "fail") for n in (1, 2)})


def _spoke_egress(ids: dict[str, str]) -> Triples:
    """Right: each spoke's workload subnets send 0.0.0.0/0 to the transit gateway, so their S3
    (medium) and DynamoDB (low) traffic pays transit gateway data processing, then — through the
    inspection VPC — the firewall's and the NAT gateway's. The transit gateway route tables that
    send it there are not in the snapshot, so the findings name the transit gateway and say that
    egress is assumed to continue beyond the VPC (e.g. through a central NAT); they cannot name
    the inspection VPC's firewall and NAT gateways. The fix is right either way: gateway
    endpoints in each spoke, since one in the inspection VPC could not serve traffic that arrives
    through a transit gateway."""
    return {(rule, ids[f"spoke{n}"], "fail") for rule in ("GWE002", "GWE003") for n in (1, 2)}


def test_findings_and_verdicts_as_published() -> None:
    snapshot, ids = nfw_centralized_tgw.build()
    # GWE002/GWE003 on the inspection VPC (before): rule wrong, fixed. Its firewall subnets send
    # 0.0.0.0/0 to the NAT gateways but hold only the firewall's endpoints: what they forward came
    # from the spokes through the transit gateway, which no gateway endpoint of the inspection VPC
    # can serve, and AWS reserves firewall subnets for Network Firewall alone.
    # Silent, rightly: NAT001-NAT003 (each AZ's transit gateway subnet → its firewall endpoint →
    # its firewall subnet → its own AZ's NAT gateway, in a public subnet); SG003/SG004 (443 from
    # each spoke's own CIDR, which holds the instances); SG005 (the instances' group sends
    # everything); DNS001/DNS002 (DNS support and hostnames on); IFE001/IFE002 (the SSM endpoints
    # in both workload subnets); the firewall endpoints are not judged as interface endpoints;
    # COST001 (two VPCs with endpoints, not three).
    assert audit(snapshot) == _advice(ids) | _spoke_egress(ids)
    levels = severities(snapshot)
    assert levels[("GWE002", ids["spoke1"], "")] == "medium"
    assert levels[("GWE003", ids["spoke1"], "")] == "low"
    assert levels[("IFE003", ids["spoke1"], "session-manager:optional")] == "info"


def test_one_nat_gateway_for_both_firewall_subnets() -> None:
    """Near miss: both firewall route tables send 0.0.0.0/0 to the first AZ's NAT gateway. Right:
    NAT002 on the second AZ's firewall subnet and on its transit gateway subnet, whose traffic
    reaches that NAT gateway through the second AZ's firewall endpoint — the spokes' traffic the
    transit gateway hands to the second AZ crosses AZs and stops when the first AZ is impaired;
    NAT003 for the second AZ. Both NAT002 findings have one cause, the second firewall subnet's
    route table (each names the subnet's own table)."""
    snapshot, ids = nfw_centralized_tgw.build(single_nat=True)
    nat = {("NAT002", ids["firewall2"], "fail"), ("NAT002", ids["tgw_subnet2"], "fail"),
           ("NAT003", ids["inspection"], "fail")}
    assert audit(snapshot) == _advice(ids) | _spoke_egress(ids) | nat


def test_gateway_endpoints_in_each_spoke() -> None:
    """With S3 and DynamoDB gateway endpoints on each spoke's workload route tables the egress
    findings go, rightly; POL001 (advice) on the four new endpoints' default policy. GWE001 stays
    silent: the spokes' transit gateway subnets forward traffic and need no prefix-list route."""
    snapshot, ids = nfw_centralized_tgw.build(spoke_gateway_endpoints=True)
    gateway = {("POL001", ids[f"spoke{n}_{key}"], "fail") for n in (1, 2) for key in ("s3", "dynamodb")}
    assert audit(snapshot) == _advice(ids) | gateway
