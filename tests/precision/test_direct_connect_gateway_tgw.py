"""Two spoke VPCs reaching on premises over AWS Direct Connect through a transit gateway associated
with a Direct Connect gateway (aws-samples' aws-site-to-site-vpn-private-ip-vpn, Terraform),
Systems Manager endpoints in each spoke and an inbound Resolver endpoint for on-premises clients:
every finding and its verdict (docs/precision.md)."""

from __future__ import annotations

from functools import cache

from aws_layout import audit, region_view, severities
from layouts import direct_connect_gateway_tgw
from layouts.direct_connect_gateway_tgw import ON_PREMISES, SPOKES, TGW

from vpcaudit.network.routing import Outcome
from vpcaudit.snapshot.model import Snapshot

Triples = set[tuple[str, str, str]]
Built = tuple[Snapshot, dict[str, str]]
TWO_AZS = {"azs": 2}
SPOKE_B_UNROUTED = {"unrouted": "b"}
SPOKE_B_DETACHED = {"detached": "b"}
RESOLVER_ADMITS_VPC = {"resolver_sources": "vpc"}


@cache
def _built(**options: object) -> Built:
    """One snapshot per variant: several tests read the same one."""
    return direct_connect_gateway_tgw.build(**options)  # type: ignore[arg-type]


def _on_premises(snapshot: Snapshot, subnet_id: str) -> Outcome:
    """Where the subnet's traffic to the on-premises range goes, as the network view resolves it."""
    view = region_view(snapshot)
    table = view.effective_route_table(subnet_id)
    assert table is not None
    return view.route_index(table).resolve(ON_PREMISES)


def _endpoint_advice(ids: dict[str, str], spokes: tuple[str, ...] = ("a", "b")) -> Triples:
    """Right (advice): each spoke's ``ssm`` endpoint keeps AWS's default full-access policy (POL001,
    medium; ``ssmmessages`` and ``ec2messages`` are catalogued without policy support), and Session
    Manager runs without the optional ``kms`` and ``logs`` endpoints (IFE003, info: needed only
    for KMS-encrypted sessions and session logs in CloudWatch Logs)."""
    return {t for k in spokes for t in (("POL001", ids[f"{k}_ssm"], "fail"), ("IFE003", ids[f"spoke_{k}"], "fail"))}


def _open_endpoint_groups(ids: dict[str, str]) -> Triples:
    """Right, high while the spoke routes to the transit gateway: ``endpoints_sg`` admits TCP 443
    from 0.0.0.0/0 and the spoke's 0.0.0.0/0 route goes to the transit gateway, so every network
    behind it (the other spoke, and on premises over the transit VIF, whatever it advertises) may
    reach the endpoints. The clients are the VPC's instances and, through the inbound Resolver
    endpoint, on premises: the VPC's block and 192.168.0.0/16 would do."""
    return {("SG001", ids[f"{k}_endpoints_sg"], "fail") for k in ("a", "b")}


def _no_gateway_endpoints(ids: dict[str, str], spokes: tuple[str, ...] = ("a", "b")) -> Triples:
    """Right (advice), medium and low: with 0.0.0.0/0 to the transit gateway and no S3 or DynamoDB
    gateway endpoint, the spokes' S3 and DynamoDB traffic goes to the transit gateway (and pays its
    processing) — whose route table holds only the spokes and the VPN over Direct Connect, so it
    reaches the services only if on premises advertises a way to them. Gateway endpoints are free
    and give the instances (the SSM agent fetches from S3) a direct path."""
    return {t for k in spokes for t in (("GWE002", ids[f"spoke_{k}"], "fail"), ("GWE003", ids[f"spoke_{k}"], "fail"))}


def _baseline(ids: dict[str, str]) -> Triples:
    return _endpoint_advice(ids) | _open_endpoint_groups(ids) | _no_gateway_endpoints(ids)


def test_the_snapshot_is_the_sample() -> None:
    """The builder against the sample: each spoke's private table sends 0.0.0.0/0 to the transit
    gateway, so on premises resolves there; the transit gateway subnet's table has the local route
    only; one attachment interface per spoke; the Resolver endpoint's two interfaces are not
    workloads, the instances are."""
    snapshot, ids = _built()
    view = region_view(snapshot)
    for key in SPOKES:
        outcome = _on_premises(snapshot, ids[f"{key}_private1"])
        assert (outcome.kind, outcome.target_id, outcome.delivers) == ("tgw", TGW, True)
        tgw_table = view.effective_route_table(ids[f"{key}_tgw1"])
        assert tgw_table is not None and [r.target_kind for r in tgw_table.routes] == ["local"]
    enis = snapshot.accounts[0].regions[0].network_interfaces
    assert sorted(e.subnet_id for e in enis if e.interface_type == "transit_gateway") == sorted(
        [ids["a_tgw1"], ids["b_tgw1"]])
    assert [e.network_interface_id for e in view.workload_enis(ids["spoke_a"])] == [ids["a_instance1"]]


def test_findings_and_verdicts() -> None:
    """The sample as published (one AZ): SG001 × 2 (high), GWE002/GWE003 × 2, POL001 × 2, IFE003 ×
    2. Silent, rightly: MON001 (both flow logs), DNS001/DNS002 (attributes on), DNS003 (private DNS
    on), DNS005 (AmazonProvidedDNS), IFE001/IFE002 (each spoke has subnets in one AZ only, where
    its endpoints are), SG003 (0.0.0.0/0 admits the instances), SG005 (all out), NAT rules (none),
    ACL001 (default NACLs), RT001 (the transit gateway routes are active), COST001 (two VPCs,
    below its three); nothing on the attachment or Resolver interfaces as clients."""
    snapshot, ids = _built()
    assert audit(snapshot) == _baseline(ids)
    levels = severities(snapshot)
    assert {levels[("SG001", ids[f"{k}_endpoints_sg"], "")] for k in ("a", "b")} == {"high"}
    assert {levels[("GWE002", ids[f"spoke_{k}"], "")] for k in ("a", "b")} == {"medium"}
    assert {levels[("GWE003", ids[f"spoke_{k}"], "")] for k in ("a", "b")} == {"low"}


def test_two_azs_as_the_readme_advises() -> None:
    """``number_azs = 2`` ("To follow best practices"): the same findings; the endpoints span both
    AZs of each spoke, so IFE001/IFE002 stay silent, rightly."""
    snapshot, ids = _built(**TWO_AZS)
    assert audit(snapshot) == _baseline(ids)
    region = snapshot.accounts[0].regions[0]
    assert {len(e.subnet_ids) for e in region.vpc_endpoints} == {2}


def test_near_miss_spoke_table_without_the_transit_gateway_route() -> None:
    """``spoke-vpc-b``'s private table without its 0.0.0.0/0 route to the transit gateway: its
    instance reaches neither on premises nor the other spoke. GWE002/GWE003 on it go (nothing
    leaves the VPC to pay for), SG001 on its group drops to medium (nothing is routed in) — both
    right. A gap, pinned: nothing says the spoke lost on premises. The snapshot holds the
    transit gateway attachment's interfaces in ``spoke-vpc-b``, an attachment no route of the VPC
    uses, beside a sibling spoke of the same transit gateway that routes to it — a signal a rule
    could report, as for the VPN layout's unpropagated table."""
    snapshot, ids = _built(**SPOKE_B_UNROUTED)
    expected = _baseline(ids) - _no_gateway_endpoints(ids, ("b",))
    assert audit(snapshot) == expected
    assert severities(snapshot)[("SG001", ids["b_endpoints_sg"], "")] == "medium"
    outcome = _on_premises(snapshot, ids["b_private1"])
    assert (outcome.kind, outcome.delivers) == ("none", False)
    assert _on_premises(snapshot, ids["a_private1"]).delivers


def test_near_miss_route_left_after_the_attachment_was_deleted() -> None:
    """``spoke-vpc-b``'s attachment deleted, its 0.0.0.0/0 route to the transit gateway left
    behind, reported ``blackhole``: RT001, high — right. It is the table's default route, and
    every destination beyond the VPC, on premises included, is dropped (API ``Route``: "The
    blackhole state indicates that the route's target isn't available"). GWE002/GWE003 on the spoke
    go and SG001 drops to medium, as in the previous form."""
    snapshot, ids = _built(**SPOKE_B_DETACHED)
    blackhole = ("RT001", ids["b_private_rt1"], "fail")
    assert audit(snapshot) == _baseline(ids) - _no_gateway_endpoints(ids, ("b",)) | {blackhole}
    assert severities(snapshot)[(*blackhole[:2], f"0.0.0.0/0→{TGW}")] == "high"
    outcome = _on_premises(snapshot, ids["b_private1"])
    assert (outcome.target_id, outcome.delivers) == (TGW, False)
    enis = snapshot.accounts[0].regions[0].network_interfaces
    assert [e.subnet_id for e in enis if e.interface_type == "transit_gateway"] == [ids["a_tgw1"]]


def test_near_miss_inbound_resolver_group_does_not_admit_on_premises() -> None:
    """``resolver-inbound`` admitting TCP and UDP 53 from ``spoke-vpc-a``'s block only: the
    on-premises resolvers' forwarded queries are dropped, so on-premises clients cannot resolve
    the endpoints' names ("Inbound rules must allow TCP and UDP access on port 53", Route 53
    guide). A gap, pinned: the audit is the canonical one. No rule reads a Resolver endpoint's
    groups, and the snapshot holds no Resolver endpoint records (``ListResolverEndpoints``) nor
    any rule forwarding to it from on premises — only its interfaces, whose description tells
    an inbound endpoint. A rule could ask that an inbound endpoint's group admit port 53 from
    some source beyond the VPC's own blocks that the VPC routes to (a transit or virtual private
    gateway)."""
    snapshot, ids = _built(**RESOLVER_ADMITS_VPC)
    assert audit(snapshot) == _baseline(ids)
    group = next(g for g in snapshot.accounts[0].regions[0].security_groups if g.group_id == ids["resolver_sg"])
    assert {(x.ip_protocol, x.cidr_ipv4) for x in group.rules if not x.is_egress} == {
        ("tcp", SPOKES["a"][0]), ("udp", SPOKES["a"][0])}
