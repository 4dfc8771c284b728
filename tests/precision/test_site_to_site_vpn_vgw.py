"""A VPC reached from on premises through a Site-to-Site VPN and a virtual private gateway, its
private route tables propagating the gateway's routes (terraform-aws-vpn-gateway's
complete-vpn-gateway example on terraform-aws-vpc): every finding and its verdict
(docs/precision.md)."""

from __future__ import annotations

from functools import cache

from aws_layout import audit, severities
from layouts import site_to_site_vpn_vgw
from layouts.site_to_site_vpn_vgw import ON_PREMISES

from vpcaudit.network.routing import Outcome
from vpcaudit.network.view import NetworkView
from vpcaudit.snapshot.model import Snapshot

Triples = set[tuple[str, str, str]]


@cache
def _build(*, unpropagated: int | None = None, stale_static_route: bool = False,
           endpoints: str | None = None) -> tuple[Snapshot, dict[str, str]]:
    return site_to_site_vpn_vgw.build(unpropagated=unpropagated, stale_static_route=stale_static_route,
                                      endpoints=endpoints)


def _on_premises_route(snapshot: Snapshot, subnet_id: str) -> Outcome:
    """Where the subnet's traffic to the on-premises range goes, as the network view resolves it."""
    account = snapshot.accounts[0]
    view = NetworkView.build(account, account.regions[0])
    table = view.effective_route_table(subnet_id)
    assert table is not None
    return view.route_index(table).resolve(ON_PREMISES)


def _flow_log(ids: dict[str, str]) -> Triples:
    """Right, medium: the example leaves ``enable_flow_log`` at false. The VPN's own tunnel logs
    (the example sends both tunnels' to CloudWatch Logs) record IKE and IPsec negotiation, not the
    VPC's traffic."""
    return {("MON001", ids["vpc"], "fail")}


def _ssm_advice(ids: dict[str, str]) -> Triples:
    """Right (advice): the ``ssm`` endpoint keeps AWS's default full-access policy (POL001,
    medium; ``ssmmessages`` and ``ec2messages`` are listed, as the shared catalogue records them,
    without endpoint-policy support, so they are not named),
    and Session Manager runs without the optional ``kms`` and ``logs`` endpoints (IFE003, info:
    needed only for KMS-encrypted sessions and session logs in CloudWatch Logs)."""
    return {("POL001", ids["ssm"], "fail"), ("IFE003", ids["vpc"], "fail")}


def test_the_snapshot_is_the_example() -> None:
    """The builder against the example: three private tables, each listing the gateway under
    ``PropagatingVgws`` and holding its propagated route (``Origin: EnableVgwRoutePropagation``);
    the public table propagating nothing; no NAT gateway."""
    snapshot, ids = _build()
    region = snapshot.accounts[0].regions[0]
    tables = {t.route_table_id: t for t in region.route_tables}
    for i in (1, 2, 3):
        table = tables[ids[f"private_rt{i}"]]
        assert table.propagating_vgws == (ids["vgw"],)
        assert [(r.destination, r.target_id, r.origin) for r in table.routes if r.target_kind != "local"] == [
            (ON_PREMISES, ids["vgw"], "EnableVgwRoutePropagation")]
    assert tables[ids["public_rt"]].propagating_vgws == ()
    assert region.nat_gateways == ()


def test_findings_and_verdicts_as_published() -> None:
    """As published, the flow log alone. Silent, rightly: no NAT gateway, so no subnet pays NAT
    processing for S3 or DynamoDB (no GWE002/GWE003) and no NAT rule applies; no endpoint; the
    propagated routes are active and their target is judged by state (RT001 silent)."""
    snapshot, ids = _build()
    assert audit(snapshot) == _flow_log(ids)


def test_propagated_routes_reach_the_gateway() -> None:
    """The network model resolves each private subnet's on-premises traffic to the gateway through
    the propagated route, and leaves the private subnets without internet egress (a propagated
    route to a range is no default route)."""
    snapshot, ids = _build()
    for i in (1, 2, 3):
        outcome = _on_premises_route(snapshot, ids[f"private{i}"])
        assert (outcome.kind, outcome.target_id, outcome.delivers) == ("vgw", ids["vgw"], True)
        assert outcome.winner is not None and outcome.winner.kind_label == "propagated"


def test_propagation_off_on_one_private_table() -> None:
    """Near miss: ``vpc_subnet_route_table_count`` one short, so private table 3 propagates
    nothing and the instance in private subnet 3 cannot reach 192.168.0.0/16 (no route covers
    it). A gap, pinned: no rule says so. The snapshot records ``PropagatingVgws`` of every table,
    but not the virtual private gateway, its attachment or the VPN, and whether a subnet is meant
    to reach on premises is the owner's intent; a table propagating nothing while its siblings of
    the same VPC propagate a gateway is a signal a rule could report (see docs/precision.md)."""
    snapshot, ids = _build(unpropagated=3)
    assert audit(snapshot) == _flow_log(ids)
    outcome = _on_premises_route(snapshot, ids["private3"])
    assert (outcome.kind, outcome.delivers) == ("none", False)
    assert _on_premises_route(snapshot, ids["private1"]).delivers


def test_static_route_to_a_deleted_gateway() -> None:
    """Near miss: private table 1 keeps a static route to 192.168.0.0/16 through the replaced
    gateway, reported ``blackhole``. Right, medium (a route to a range, not a default route): the
    static route outranks the new gateway's propagated route of the same prefix, so subnet 1's
    on-premises traffic is dropped (VPC User Guide, route priority: "If the destination of a
    propagated route is identical to the destination of a static route, the static route takes
    priority"; API Route: "The blackhole state indicates that the route's target isn't
    available"). Subnets 2 and 3 still reach on premises."""
    snapshot, ids = _build(stale_static_route=True)
    blackhole = ("RT001", ids["private_rt1"], "fail")
    assert audit(snapshot) == _flow_log(ids) | {blackhole}
    assert severities(snapshot)[(*blackhole[:2], f"{ON_PREMISES}→{ids['old_vgw']}")] == "medium"
    outcome = _on_premises_route(snapshot, ids["private1"])
    assert (outcome.target_id, outcome.delivers) == (ids["old_vgw"], False)
    assert _on_premises_route(snapshot, ids["private2"]).target_id == ids["vgw"]


def test_ssm_endpoints_for_on_premises_managed_nodes() -> None:
    """The example extended for hybrid managed nodes: SSM endpoints admitting HTTPS from the VPC
    and the on-premises range, an inbound Resolver endpoint. Only advice. Silent, rightly: SG004
    (the on-premises range is routed from the endpoints' subnets to the gateway, so it holds
    clients), SG003 (the instances get in), DNS003 (private DNS on), IFE001/IFE002 (three AZs),
    and the Resolver endpoint's interfaces are no workloads."""
    snapshot, ids = _build(endpoints="on_premises")
    assert audit(snapshot) == _flow_log(ids) | _ssm_advice(ids)
    assert severities(snapshot)[("IFE003", ids["vpc"], "session-manager:optional")] == "info"


def test_endpoint_group_admitting_the_vpc_only() -> None:
    """Near miss: the endpoint group admits HTTPS from 10.10.0.0/16 only, while the on-premises
    servers resolve the services' names through the inbound Resolver endpoint (whose group admits
    DNS from 192.168.0.0/16) and get the endpoints' addresses: their connections time out. A gap,
    pinned: the findings are those of the correct group. SG003 is satisfied by the VPC's
    instances; which names the on-premises DNS servers forward, and whether on-premises servers
    call Systems Manager at all, is not in the snapshot (the inbound endpoint may be there for a
    private hosted zone alone)."""
    snapshot, ids = _build(endpoints="vpc_only")
    assert audit(snapshot) == _flow_log(ids) | _ssm_advice(ids)
