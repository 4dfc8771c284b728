"""Centralized inspection with a Gateway Load Balancer, its appliances and a transit gateway
(aws-samples): every finding and its verdict (docs/precision.md)."""

from __future__ import annotations

from functools import cache

from aws_layout import audit, audit_result, region_view, severities
from layouts import gwlb_inspection_tgw

from vpcaudit.snapshot.model import Snapshot

Triples = set[tuple[str, str, str]]
Built = tuple[Snapshot, dict[str, str]]


@cache
def _build(**variant: object) -> Built:
    return gwlb_inspection_tgw.build(**variant)  # type: ignore[arg-type]


def _advice(ids: dict[str, str]) -> Triples:
    """Right, as advice. MON001 on all three VPCs: the sample creates no flow log, and the
    appliances' own iptables counters are no record of what the VPCs accepted or rejected."""
    return {("MON001", ids[vpc], "fail") for vpc in ("appliance", "spoke1", "spoke2")}


def _spoke_egress(ids: dict[str, str], spokes: tuple[int, ...] = (1, 2)) -> Triples:
    """Right: each spoke's application subnets send 0.0.0.0/0 to the transit gateway, so their S3
    (medium) and DynamoDB (low) traffic pays transit gateway processing, then the GWLB endpoint's
    and the NAT gateway's in the appliance VPC. The findings name the transit gateway and assume
    egress continues beyond it: its route tables are not in the snapshot. The fix — gateway
    endpoints in each spoke — is the only one ("Endpoint connections cannot be extended out of a
    VPC", gateway-endpoints), and it takes that traffic out of inspection, which the owner decides.
    The spokes' attachment subnets share the application route table but are forwarding subnets
    (their only interfaces are the attachment's) and are rightly not named."""
    return {(rule, ids[f"spoke{n}"], "fail") for rule in ("GWE002", "GWE003") for n in spokes}


def _appliance_egress(ids: dict[str, str]) -> Triples:
    """Right: the appliance subnets hold the appliances, instances that call AWS for their own
    management — ``aws ec2 describe-network-interfaces`` at boot, ``yum`` from the Amazon Linux
    repositories, which are S3 buckets — through their AZ's NAT gateway, so an S3 gateway endpoint
    on the appliance route tables saves NAT processing (GWE002, medium) and DynamoDB's (GWE003,
    low: nothing in the sample calls it). The findings name the appliance subnets only: the
    attachment subnets forward the spokes' traffic, which no gateway endpoint of this VPC serves,
    and the spokes' traffic the GWLB endpoints hand back to the appliance subnets comes from
    beyond the VPC just the same."""
    return {("GWE002", ids["appliance"], "fail"), ("GWE003", ids["appliance"], "fail")}


def test_findings_and_verdicts_as_published() -> None:
    snapshot, ids = _build()
    # Silent, rightly: NAT001-NAT003 (each AZ's attachment subnet → its GWLB endpoint → its
    # appliance subnet → its own AZ's NAT gateway, in a subnet routed to the internet gateway);
    # RT001 (every route's target is live); IFE001-IFE006, POL001-POL005, SG001-SG006 and DNS003
    # (the GWLB endpoints are no AWS service's endpoints: no policy, no private DNS, no group);
    # COST001 (no interface endpoint anywhere); DNS001/DNS002 (DNS support and hostnames on).
    assert audit(snapshot) == _advice(ids) | _spoke_egress(ids) | _appliance_egress(ids)
    levels = severities(snapshot)
    assert levels[("GWE002", ids["appliance"], "")] == "medium"
    assert levels[("GWE003", ids["appliance"], "")] == "low"


def test_appliance_subnets_and_interfaces_read_right() -> None:
    """The model reads the appliance VPC right. The attachment subnets forward (their only
    interfaces are the transit gateway attachment's); the appliance subnets do not: they hold the
    GWLB's interfaces (``gateway_load_balancer``, requester-managed by ``amazon-elb``: no
    workload, it only exchanges GENEVE with its targets inside the VPC), the GWLB endpoints'
    (``gateway_load_balancer_endpoint``: plumbing) and the appliances' own interfaces, which are
    workloads (they call EC2 and fetch packages). The attachment subnets' path to the internet is
    kind "firewall" through their own AZ's endpoint, then that AZ's NAT gateway, without crossing
    AZs; the appliance subnets' is their own AZ's NAT gateway."""
    snapshot, ids = _build()
    view = region_view(snapshot)
    attachments = {ids[f"attach{az}"] for az in (1, 2)} | {ids[f"spoke{n}_attach{az}"] for n in (1, 2) for az in (1, 2)}
    assert view.forwarding_subnet_ids == attachments
    workloads = {e.network_interface_id for e in view.workload_enis(ids["appliance"])}
    assert workloads == {ids["appliance_eni1"], ids["appliance_eni2"], ids["bastion_eni"]}
    paths = {(p.subnet_id, p.destination): p for p in view.traffic_paths()}
    for az in (1, 2):
        through = paths[(ids[f"attach{az}"], "internet")]
        assert (through.kind, through.target_id, through.cross_az) == ("firewall", ids[f"gwlbe{az}"], False)
        assert through.detail == f"then nat {ids[f'nat{az}']}"
        own = paths[(ids[f"appliance{az}"], "internet")]
        assert (own.kind, own.target_id, own.cross_az) == ("nat", ids[f"nat{az}"], False)


def test_spoke_without_its_default_route() -> None:
    """Near miss: spoke 2's application route table without its 0.0.0.0/0 route to the transit
    gateway (the transit gateway stack adds it, and ``AddRoute1Spoke2Vpc`` depends on spoke 1's
    attachment, not spoke 2's). Spoke 2's GWE002/GWE003 go, rightly: its application subnets now
    reach nothing beyond the VPC. A gap, pinned: no rule says the spoke lost its only way out (and
    its only way to the other spoke) — an isolated private subnet is a legitimate design, and the
    transit gateway route tables that would show spoke 2 is meant to be inspected are not in the
    snapshot."""
    snapshot, ids = _build(spoke2_default_route=False)
    assert audit(snapshot) == _advice(ids) | _spoke_egress(ids, spokes=(1,)) | _appliance_egress(ids)
    paths = {(p.subnet_id, p.destination): p.kind for p in region_view(snapshot).traffic_paths()}
    assert paths[(ids["spoke2_application1"], "internet")] == "none"


def test_attachment_subnet_routed_to_the_other_azs_endpoint() -> None:
    """Near miss: the second AZ's attachment route table sends 0.0.0.0/0 to the first AZ's GWLB
    endpoint. Right: NAT002 on the second attachment subnet — what the transit gateway hands to
    usw2-az2 (appliance mode keeps each flow there) is inspected and NATed in usw2-az1, paying
    cross-AZ transfer and stopping when usw2-az1 is impaired ("To keep traffic within the same
    Availability Zone, we recommend that you create a Gateway Load Balancer endpoint in each
    Availability Zone that you'll send traffic to", gateway-load-balancer-endpoints). Its fix is
    wrong: see the next test."""
    snapshot, ids = _build(attach2_endpoint=1)
    nat = {("NAT002", ids["attach2"], "fail")}
    assert audit(snapshot) == _advice(ids) | _spoke_egress(ids) | _appliance_egress(ids) | nat


def test_cross_az_endpoint_fixed_at_the_attachment_table() -> None:
    """Rule wrong, fixed: NAT002 said "Change the default route of <appliance route table 1> (the
    firewall subnet's table) to <nat2>" whenever the path had firewall hops. Here the NAT gateway
    is in the endpoint's AZ; the hop that crosses AZs is the attachment table's own route to the
    other AZ's GWLB endpoint. Following the advice would send the first AZ's appliances and every
    flow inspected in usw2-az1 to usw2-az2's NAT gateway — a new cross-AZ dependency — and leave
    the second AZ's traffic crossing to usw2-az1 for inspection. The fix is the subnet's own table:
    0.0.0.0/0 to the GWLB endpoint in usw2-az2, which already routes to that AZ's NAT gateway."""
    snapshot, ids = _build(attach2_endpoint=1)
    finding = next(f for f in audit_result(snapshot).findings
                   if f.rule_id == "NAT002" and f.resource.resource_id == ids["attach2"])
    (route,) = [s for s in finding.fix if s.action == "ec2:ReplaceRoute"]
    assert route.parameters == {"RouteTableId": ids["attach_rt2"], "DestinationCidrBlock": "0.0.0.0/0",
                                "VpcEndpointId": ids["gwlbe2"]}


def test_nat_return_route_bypasses_the_appliances() -> None:
    """Near miss: the NAT gateway route tables send the spokes' CIDRs straight to the transit
    gateway instead of back through their AZ's GWLB endpoint. Replies from the internet then
    skip the appliances, which see only one direction of each flow, so stateful inspection drops
    or cannot judge them (AWS's GWLB route-table diagrams: "Proper route table configuration
    maintains flow symmetry across all traffic patterns"). A gap, pinned: every rule judges a
    subnet's outbound route; none compares a NAT gateway's return route with the firewall hops
    that led its traffic there."""
    snapshot, ids = _build(nat_return="tgw")
    assert audit(snapshot) == _advice(ids) | _spoke_egress(ids) | _appliance_egress(ids)


def test_deleted_endpoint_leaves_blackholes() -> None:
    """Near miss: the second AZ's GWLB endpoint deleted (say, to move it to another subnet, which
    needs a new endpoint: "You can't change this subnet later on") with its routes left behind.
    Right: RT001 on the second attachment route table, high (its default route: everything the
    transit gateway hands to usw2-az2 is dropped), and on the second NAT gateway route table,
    medium (its two spoke routes: the replies to the spokes are dropped). The second attachment
    subnet's egress is gone, so NAT002 and the firewall path stay silent for it."""
    snapshot, ids = _build(gwlbe2_deleted=True)
    blackholes = {("RT001", ids["attach_rt2"], "fail"), ("RT001", ids["natgw_rt2"], "fail")}
    assert audit(snapshot) == _advice(ids) | _spoke_egress(ids) | _appliance_egress(ids) | blackholes
    levels = {(rule, resource): level for (rule, resource, _), level in severities(snapshot).items()
              if rule == "RT001"}
    assert levels == {("RT001", ids["attach_rt2"]): "high", ("RT001", ids["natgw_rt2"]): "medium"}
