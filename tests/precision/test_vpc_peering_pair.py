"""Two VPCs peered together with routes to the whole peer VPC (Amazon VPC Peering Guide), interface
endpoints in one of them: every finding and its verdict (docs/precision.md)."""

from __future__ import annotations

from functools import cache

import pytest
from aws_layout import audit, region_view, severities
from layouts import vpc_peering_pair
from layouts.vpc_peering_pair import CIDR_A, CIDR_B, SERVICES

from vpcaudit.network.secgroups import clients_of_endpoint

Triples = set[tuple[str, str, str]]
build = cache(vpc_peering_pair.build)


def _flow_logs(ids: dict[str, str]) -> Triples:
    """Right, medium: the guide creates no flow log in either VPC."""
    return {("MON001", ids["vpc_a"], "fail"), ("MON001", ids["vpc_b"], "fail")}


def _default_endpoint_policies(ids: dict[str, str]) -> Triples:
    """Right (advice), medium: ssm, logs and sts keep AWS's default full-access policy
    (ssmmessages and ec2messages support none)."""
    return {("POL001", ids[key], "fail") for key in ("ssm", "logs", "sts")}


def _session_manager_kms(ids: dict[str, str]) -> Triples:
    """Right (advice), info: Session Manager's endpoints without kms, needed only when sessions
    are encrypted with a KMS key."""
    return {("IFE003", ids["vpc_a"], "fail")}


def _baseline(ids: dict[str, str]) -> Triples:
    return _flow_logs(ids) | _default_endpoint_policies(ids) | _session_manager_kms(ids)


def _strands_own_vpc(ids: dict[str, str]) -> Triples:
    """SG006 on every endpoint of VPC A: its groups admit only VPC B while private DNS sends A's
    own workloads to the endpoints, which refuse them."""
    return {("SG006", ids[key], "fail") for key in SERVICES}


def test_the_snapshot_is_the_guide() -> None:
    """Each route table of each VPC sends the peer VPC's whole CIDR to the one peering connection
    ("Two VPCs peered together"), both VPCs have DNS support and hostnames (the DNS resolution
    option's requirement), and the endpoints' group admits 443 from A's CIDR and B's app group."""
    snapshot, ids = build()
    region = snapshot.accounts[0].regions[0]
    tables = {t.route_table_id: t for t in region.route_tables}
    for table, peer in ((ids["rt_a"], CIDR_B), (ids["rt_b1"], CIDR_A), (ids["rt_b2"], CIDR_A)):
        assert [(x.destination, x.target_kind, x.target_id) for x in tables[table].routes
                if x.target_kind != "local"] == [(peer, "pcx", ids["pcx"])]
    assert {(v.cidr_blocks, v.enable_dns_support, v.enable_dns_hostnames) for v in region.vpcs} \
        == {((CIDR_A,), True, True), ((CIDR_B,), True, True)}
    group = next(g for g in region.security_groups if g.group_id == ids["endpoint_sg"])
    assert sorted((x.cidr_ipv4 or x.referenced_group_id or "") for x in group.rules if not x.is_egress) \
        == sorted([CIDR_A, ids["app_b"]])
    assert all(e.private_dns_enabled for e in region.vpc_endpoints)


def test_findings_and_verdicts_of_the_guide() -> None:
    """MON001 × 2, POL001 × 3 (medium), IFE003 (info). Silent, rightly: SG003 (443 from A's CIDR
    and from B's app group, a group the Peering Guide lets a rule reference in the same Region,
    carried by workloads that reach the endpoints over the peering), SG004 (no CIDR beyond A),
    SG006 (A's workloads admitted by its CIDR), DNS rules (private DNS answers in A, where its
    hidden zone is; B's workloads use the endpoint-specific names), GWE002/GWE003 (no NAT
    gateway whose processing a gateway endpoint would save), IFE001/IFE002 (two AZs)."""
    snapshot, ids = build()
    assert audit(snapshot) == _baseline(ids)
    assert severities(snapshot)[("IFE003", ids["vpc_a"], "session-manager:optional")] == "info"


def test_peered_vpc_workloads_are_clients_of_the_endpoints() -> None:
    """Right: vpcaudit counts VPC B as a client VPC of A's endpoints, because B's workload subnets
    route the endpoints' subnets to a peering connection. AWS documents interface endpoints as
    reachable over VPC peering (S3's PrivateLink page: "directly accessible from applications …
    in a different AWS Region over VPC peering"), by address or by the endpoint-specific names,
    which are public; only the private DNS name stays in the endpoint's VPC."""
    snapshot, ids = build()
    view = region_view(snapshot)
    for key in SERVICES:
        assert clients_of_endpoint(view, view.endpoints[ids[key]]) == (ids["vpc_a"], ids["vpc_b"])


def test_the_peer_cidr_form() -> None:
    """B admitted by its CIDR instead of its group: the same findings. Silent, rightly: SG004 —
    10.1.0.0/16 is routed from the endpoints' subnets to the peering, a centralized endpoint's
    intended clients."""
    snapshot, ids = build(endpoint_sources="peer-cidr")
    assert audit(snapshot) == _baseline(ids)


def test_near_miss_endpoints_admit_only_their_own_vpc() -> None:
    """The endpoints' group admits 443 from A's CIDR only, while B is meant to use them. A gap,
    pinned: B's calls are refused, but whether B's workloads call A's endpoints at all (by
    endpoint-specific names or addresses, since the private DNS name does not resolve in B) is
    not in the snapshot; a route to the whole peer VPC is there for "each others' resources", not
    for the endpoints in particular, and SG006 judges the endpoint's own VPC only."""
    snapshot, ids = build(endpoint_sources="none")
    assert audit(snapshot) == _baseline(ids)


@pytest.mark.parametrize("sources", ["peer-group", "peer-cidr"])
def test_near_miss_no_return_route_in_the_shared_services_vpc(sources: str) -> None:
    """A's route table lacks B's CIDR: B's requests reach the endpoints, the replies find no route
    back ("you must add a route to the route tables associated with the subnets for both
    instances", Update your route tables). With B's group admitted: a gap, pinned — no rule checks
    that a peering's routes come back, and vpcaudit still counts B as a client (it follows B's
    route only). With B's CIDR admitted: SG004 (low), Right — the rule says exactly that
    10.1.0.0/16 is "not routed from the endpoint subnets to a … peering"; its fix, revoking the
    rule, waits for a decision that should be "add the route" here."""
    snapshot, ids = build(endpoint_sources=sources, return_route=False)
    expected = _baseline(ids) | ({("SG004", ids["endpoint_sg"], "fail")} if sources == "peer-cidr" else set())
    assert audit(snapshot) == expected
    view = region_view(snapshot)
    assert clients_of_endpoint(view, view.endpoints[ids["ssm"]]) == (ids["vpc_a"], ids["vpc_b"])


def test_near_miss_one_of_b_s_route_tables_left_without_the_peering_route() -> None:
    """B's second-AZ table lacks the route to A: its workloads cannot reach A at all. A gap,
    pinned: vpcaudit counts B a client VPC as soon as one client subnet routes to the endpoints,
    and no rule compares a peered VPC's route tables with each other."""
    snapshot, ids = build(b_tables_routed=(1,))
    assert audit(snapshot) == _baseline(ids)


def test_near_miss_only_the_peer_cidr_admitted_strands_the_own_vpc() -> None:
    """The endpoints' group admits B's CIDR and not A's: SG006 (medium) on every endpoint, Right —
    private DNS sends A's workloads to the endpoints, which refuse them."""
    snapshot, ids = build(endpoint_sources="peer-cidr", own_cidr=False)
    assert audit(snapshot) == _baseline(ids) | _strands_own_vpc(ids)


def test_near_miss_only_the_peer_group_admitted_strands_the_own_vpc() -> None:
    """The endpoints' group admits B's app group (referenced across the peering, as the Peering
    Guide shows) and not A's CIDR: A's workloads are refused exactly as with B's CIDR, and SG006
    fires on every endpoint — right. Rule wrong, fixed: its "only remote clients admitted" case
    looked only at admitted CIDRs routed beyond the VPC and took any admitted group for a choice;
    a group of another VPC now counts as remote ("allows traffic to flow to and from instances
    that are associated with the referenced security group in the peered VPC")."""
    snapshot, ids = build(own_cidr=False)
    assert audit(snapshot) == _baseline(ids) | _strands_own_vpc(ids)
