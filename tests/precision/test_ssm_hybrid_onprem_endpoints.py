"""On-premises servers managed by Systems Manager (hybrid activations) through a VPC holding only
the Systems Manager interface endpoints and a Route 53 Resolver inbound endpoint, reached over a
virtual private gateway (Systems Manager User Guide, Route 53 Developer Guide): every finding and
its verdict (docs/precision.md)."""

from __future__ import annotations

from functools import cache

from aws_layout import audit, audit_result, region_view, severities
from layouts import ssm_hybrid_onprem_endpoints
from layouts.ssm_hybrid_onprem_endpoints import ON_PREMISES, SERVICES, VPC_CIDR

from vpcaudit.snapshot.model import Snapshot

Triples = set[tuple[str, str, str]]
Built = tuple[Snapshot, dict[str, str]]
VPC_ONLY = {"endpoint_sources": (VPC_CIDR,)}
NO_INBOUND_RESOLVER = {"inbound_resolver": False}
NO_PROPAGATION = {"propagation": False}
SSM_FORGOTTEN = {"services": tuple(s for s in SERVICES if s != "ssm")}
POLICY_SERVICES = ("ssm", "kms", "logs", "s3")  # ssmmessages and ec2messages take no endpoint policy


@cache
def _built(**options: object) -> Built:
    """One snapshot per variant: several tests read the same one."""
    return ssm_hybrid_onprem_endpoints.build(**options)  # type: ignore[arg-type]


def _flow_log(ids: dict[str, str]) -> Triples:
    """Right, medium: nothing in the layout creates a flow log, and the VPC's only traffic — the
    data center's agents on TCP 443 and its DNS forwarders on port 53 — is what a flow log of
    the endpoints' interfaces would show."""
    return {("MON001", ids["vpc"], "fail")}


def _default_policies(ids: dict[str, str], services: tuple[str, ...] = SERVICES) -> Triples:
    """Right (advice), medium: ssm, kms, logs and s3 keep AWS's default full-access policy (the
    guide gives example policies and leaves the default in place)."""
    return {("POL001", ids[key], "fail") for key in POLICY_SERVICES if key in services}


def _s3_gateway_advice(ids: dict[str, str]) -> Triples:
    """Right (advice), low, by the catalogue's stand-in rule: GWE004 on the S3 interface endpoint,
    whose private DNS answers every resolver with no S3 gateway endpoint in the VPC. Its fix —
    create the gateway endpoint (free) and limit private DNS to inbound Resolver endpoints — is
    AWS's own set-up for S3 from on premises (the S3 User Guide's "Private DNS" and the Storage
    blog's Figure 1) and takes nothing from the on-premises clients. But its message speaks of
    "in-VPC clients", and the VPC has none: its subnets hold only the endpoints' and the Resolver
    endpoint's interfaces. The doubt recorded on the hybrid DNS layout's hub — an endpoints-only
    subnet cannot be told from a workload subnet still empty — holds here too (see "Noticed and
    left alone")."""
    return {("GWE004", ids["s3"], "fail")}


def _baseline(ids: dict[str, str]) -> Triples:
    return _flow_log(ids) | _default_policies(ids) | _s3_gateway_advice(ids)


def test_the_snapshot_is_the_layout() -> None:
    """The builder against the pages: one table for both endpoint subnets, propagating the
    gateway and holding its route to the data center; six interface endpoints in both AZs,
    private DNS on (S3's for every resolver); the inbound Resolver endpoint's interfaces
    requester-managed, described as AWS describes them, in their group; and no workload: every
    interface of the VPC is an endpoint's, so the network model sees no client in the VPC."""
    snapshot, ids = _built()
    region = snapshot.accounts[0].regions[0]
    view = region_view(snapshot)
    [table] = [t for t in region.route_tables if t.route_table_id == ids["route_table"]]
    assert table.propagating_vgws == (ids["vgw"],)
    assert [(r.destination, r.target_id, r.origin) for r in table.routes if r.target_kind != "local"] == [
        (ON_PREMISES, ids["vgw"], "EnableVgwRoutePropagation")]
    endpoints = {e.vpc_endpoint_id: e for e in region.vpc_endpoints}
    assert {(len(endpoints[ids[k]].subnet_ids), endpoints[ids[k]].private_dns_enabled) for k in SERVICES} == {(2, True)}
    assert endpoints[ids["s3"]].private_dns_only_for_inbound_resolver_endpoint is False
    enis = [view.interfaces[ids[f"resolver_eni{n}"]] for n in (1, 2)]
    assert [(e.subnet_id, e.interface_type, e.requester_managed, e.group_ids) for e in enis] == [
        (ids[f"subnet{n}"], "interface", True, (ids["resolver_sg"],)) for n in (1, 2)]
    assert all(e.description.startswith(f"Route 53 Resolver: {ids['resolver']}:rni-0") for e in enis)
    assert not view.has_workloads(ids["vpc"])
    assert region.internet_gateways == () and region.nat_gateways == ()


def test_findings_and_verdicts() -> None:
    """The canonical form: MON001, POL001 × 4, GWE004. Silent, rightly: SG003 and SG004 (TCP 443
    from 192.168.0.0/16, routed from both endpoint subnets to the virtual private gateway: remote
    clients, the case SG003 counts, as on the Backup gateway layout); SG001/SG002/SG005/SG006
    (no world source, 443 only, no workload, no client in the VPC to strand); IFE001 (two AZs);
    IFE002 (no client AZ in the VPC; the data center reaches both); IFE003 (the Session Manager
    bundle complete, kms and logs included); DNS003 (private DNS on everywhere); DNS001/DNS002;
    GWE001-GWE003 (no gateway endpoint, no NAT gateway, no internet route: nothing pays NAT or
    transit processing); NAT rules; RT001 (the propagated route is active); ACL001 (default
    NACL). The Resolver endpoint's interfaces are judged as no client of anything."""
    snapshot, ids = _built()
    assert audit(snapshot) == _baseline(ids)
    levels = severities(snapshot)
    assert levels[("GWE004", ids["s3"], "")] == "low"
    assert {levels[("POL001", ids[k], "")] for k in POLICY_SERVICES} == {"medium"}
    [advice] = [f for f in audit_result(snapshot).findings if f.rule_id == "GWE004"]
    assert [s.action for s in advice.fix] == ["ec2:CreateVpcEndpoint", "ec2:ModifyVpcEndpoint"]
    assert advice.fix[1].parameters["DnsOptions"] == {"PrivateDnsOnlyForInboundResolverEndpoint": True}


def test_near_miss_endpoint_group_admits_the_vpc_only() -> None:
    """The endpoints' group admitting TCP 443 from 10.20.0.0/16 only, as the EC2 recipe does ("must
    allow incoming connections on port 443 from the private subnet of the managed instance"): the
    agents in the data center resolve every service name to the endpoints through the inbound
    endpoint, whose group admits their DNS, and then are refused on 443 — registration, Run
    Command and sessions all time out. The VPC holds no one the group admits: six endpoints (about
    $87/month) serve nobody. A gap, pinned: the audit is the canonical one. SG003 is silent by its
    revised rule (a range of the VPC holding no workload is no finding while the VPC has no
    client); SG004 has nothing too broad to report. The snapshot does carry the signals — a
    VPC with no workload, a route from the endpoint subnets to a VGW for 192.168.0.0/16, and an
    inbound Resolver endpoint admitting port 53 from that range while the endpoints' private DNS
    answers it — so SG003 could take such a range for clients (see "Noticed and left alone")."""
    snapshot, ids = _built(**VPC_ONLY)
    assert audit(snapshot) == _baseline(ids)
    group = next(g for g in snapshot.accounts[0].regions[0].security_groups if g.group_id == ids["endpoint_sg"])
    assert {(x.from_port, x.cidr_ipv4) for x in group.rules if not x.is_egress} == {(443, VPC_CIDR)}
    resolver = next(g for g in snapshot.accounts[0].regions[0].security_groups if g.group_id == ids["resolver_sg"])
    assert {x.cidr_ipv4 for x in resolver.rules if not x.is_egress} == {ON_PREMISES}


def test_near_miss_no_inbound_resolver_endpoint() -> None:
    """No inbound Resolver endpoint: the data center cannot reach the VPC's resolver (forwarding
    to the +2 address from on premises "is not supported"), so it resolves
    ``ssm.us-east-1.amazonaws.com`` and the rest publicly and the agents leave through the data
    center's internet egress, or fail without one; the six endpoints, private DNS on, answer
    nobody. A gap, pinned, in part: the audit is the canonical one. The silence is defensible for
    one set-up the snapshot cannot see — agents configured with each endpoint's ``vpce-…`` DNS
    name, which resolves publicly to its private addresses (assumed: SSM Agent's configuration
    file takes an endpoint per service; not checked against AWS's pages) — but a reviewer would
    want the question asked: private DNS on in a VPC with no client of its own and no inbound
    Resolver endpoint (nor a Route 53 Profile or shared rule reaching the names) helps nobody."""
    snapshot, ids = _built(**NO_INBOUND_RESOLVER)
    assert audit(snapshot) == _baseline(ids)
    assert "resolver" not in ids
    assert not [e for e in snapshot.accounts[0].regions[0].network_interfaces
                if e.description.startswith("Route 53 Resolver")]


def test_near_miss_route_propagation_off() -> None:
    """Route propagation never enabled on the endpoints' table: no route to 192.168.0.0/16, so the
    endpoints' replies to the agents have nowhere to go. SG003 on all six endpoints, high, and
    SG004 on their group, low — right, as on the Backup gateway and DynamoDB layouts: the
    admitted range "contains no client … not routed … to a TGW, peering, Cloud WAN or VGW". Both
    fixes are misdirected, as noted there: they admit 10.20.0.0/16 (where nobody is) and SG004
    revokes the data center's rule, where the fix is EnableVgwRoutePropagation on the table. The
    inbound Resolver endpoint's replies are cut off too, which nothing reports (no rule reads a
    Resolver endpoint's reachability)."""
    snapshot, ids = _built(**NO_PROPAGATION)
    unreachable = {("SG003", ids[k], "fail") for k in SERVICES}
    assert audit(snapshot) == _baseline(ids) | unreachable | {("SG004", ids["endpoint_sg"], "fail")}
    levels = severities(snapshot)
    assert {levels[("SG003", ids[k], "")] for k in SERVICES} == {"high"}
    assert levels[("SG004", ids["endpoint_sg"], "")] == "low"
    finding = next(f for f in audit_result(snapshot).findings
                   if f.rule_id == "SG003" and f.resource.resource_id == ids["ssm"])
    assert f"TCP 443 is allowed only from {ON_PREMISES}, which contains no client" in finding.message
    assert {s.parameters["IpPermissions"][0]["IpRanges"][0]["CidrIp"] for s in finding.fix} == {VPC_CIDR}


def test_near_miss_ssm_endpoint_forgotten() -> None:
    """``ssm`` forgotten, the rest in place. IFE003 ``session-manager:required``, medium — right:
    ``ssm`` is the endpoint every managed node registers and reports through
    (``ssm:RegisterManagedInstance``, ``ssm:UpdateInstanceInformation``), and the guide lists it
    first. With no workload, the private subnets stand in for clients and the message says the
    feature "will be broken for the first workload placed there" — wrong in its reason here: the
    clients are the data center's agents, today, whose ``ssm`` name the inbound endpoint answers
    publicly, so they either leave through the data center's internet egress or fail. Which, the
    snapshot cannot tell, so medium — the level of clients with some egress — is the right
    severity; a message naming the routed remote range would be better (see "Noticed and left
    alone"). The finding proposes no fix (the stand-in form gives none), where creating the
    missing endpoint is the whole remedy. POL001 on ssm goes with it."""
    snapshot, ids = _built(**SSM_FORGOTTEN)
    services = SSM_FORGOTTEN["services"]
    bundle = ("IFE003", ids["vpc"], "fail")
    assert audit(snapshot) == _flow_log(ids) | _default_policies(ids, services) | _s3_gateway_advice(ids) | {bundle}
    assert severities(snapshot)[(*bundle[:2], "session-manager:required")] == "medium"
    finding = next(f for f in audit_result(snapshot).findings if f.rule_id == "IFE003")
    assert "is missing ssm" in finding.message and "first workload placed there" in finding.message
    assert finding.fix == ()
