"""An AWS Backup gateway on premises, reaching an AWS Backup gateway interface VPC endpoint over a
Site-to-Site VPN (the AWS Backup Developer Guide's "AWS Backup through VPC endpoints" and "Configure
your infrastructure to use Backup gateway"): every finding and its verdict (docs/precision.md)."""

from __future__ import annotations

from functools import cache

from aws_layout import audit, audit_result, region_view, severities
from layouts import backup_gateway_vpc_endpoint
from layouts.backup_gateway_vpc_endpoint import ENDPOINT_PORTS, ON_PREMISES, SERVICE_NAME

from vpcaudit.network.secgroups import routed_beyond_vpc
from vpcaudit.snapshot.model import Snapshot

Triples = set[tuple[str, str, str]]
Built = tuple[Snapshot, dict[str, str]]
ENDPOINT_443_ONLY = {"endpoint_ingress": "443"}
PRIVATE_DNS_OFF = {"private_dns": False}
UNPROPAGATED = {"propagation": False}


@cache
def _built(**options: object) -> Built:
    """One snapshot per variant: several tests read the same one."""
    return backup_gateway_vpc_endpoint.build(**options)  # type: ignore[arg-type]


def _flow_log(ids: dict[str, str]) -> Triples:
    """Right, medium: the guide creates no flow log, and the VPC exists to carry a remote
    appliance's traffic, which only a flow log would show."""
    return {("MON001", ids["vpc"], "fail")}


def _default_endpoint_policy(ids: dict[str, str]) -> Triples:
    """Right (advice), medium: the endpoint keeps AWS's default full access ("By default, full
    access to Backup operations is allowed through the endpoint"); the guide leaves it so."""
    return {("POL001", ids["backup_gateway"], "fail")}


def _usual(ids: dict[str, str]) -> Triples:
    return _flow_log(ids) | _default_endpoint_policy(ids)


def test_the_snapshot_is_the_guide() -> None:
    """The builder against the guide: the backup-gateway endpoint in two subnets, private DNS on,
    its group allowing the six TCP ports from the on-premises range, which both tables route to the
    VGW (propagated); the VPC holds no workload, so the gateway's range is the endpoint's only
    source of clients, and it is remote."""
    snapshot, ids = _built()
    region = snapshot.accounts[0].regions[0]
    endpoint = next(e for e in region.vpc_endpoints if e.vpc_endpoint_id == ids["backup_gateway"])
    assert (endpoint.service_name, endpoint.endpoint_type, endpoint.private_dns_enabled, endpoint.subnet_ids,
            endpoint.group_ids) == (SERVICE_NAME, "Interface", True, tuple(sorted((ids["subnet1"], ids["subnet2"]))),
                                    (ids["endpoint_sg"],))
    group = next(g for g in region.security_groups if g.group_id == ids["endpoint_sg"])
    assert sorted((x.ip_protocol, x.from_port, x.to_port, x.cidr_ipv4) for x in group.rules if not x.is_egress) \
        == [("tcp", p, p, ON_PREMISES) for p in ENDPOINT_PORTS]
    for key in ("route_table1", "route_table2"):
        table = next(t for t in region.route_tables if t.route_table_id == ids[key])
        assert table.propagating_vgws == (ids["vgw"],)
        assert [(x.destination, x.target_id, x.origin) for x in table.routes if x.target_kind != "local"] \
            == [(ON_PREMISES, ids["vgw"], "EnableVgwRoutePropagation")]
    view = region_view(snapshot)
    assert not list(view.workload_enis(ids["vpc"]))
    assert routed_beyond_vpc(view, endpoint, ON_PREMISES)


def test_findings_and_verdicts() -> None:
    """The guide's layout: MON001 and POL001 alone. Silent, rightly: SG001 (no world source), SG002
    (TCP 1026, 1027, 1028, 1031 and 2222 are the guide's ports for the backup-gateway endpoint — it
    called them extra, "the endpoint service(s) use only TCP 443", rule wrong, fixed: the guide says
    the six "must be allowed in the security group when creating a VPC endpoint for backup
    Gateway"), SG003 (each of the gateway's ports is admitted from the on-premises range, routed to
    the VGW from both endpoint subnets), SG004 (that range is routed here), SG005 (no workload in
    the VPC; the gateway has no security group), IFE001 (two AZs), IFE002 (no client in the VPC),
    DNS003 (private DNS on), the NAT and GWE rules (no NAT gateway, no S3 or DynamoDB client),
    ACL001 (default NACL), RT001 (no blackhole)."""
    snapshot, ids = _built()
    assert audit(snapshot) == _usual(ids)


def test_near_miss_endpoint_admitting_443_only() -> None:
    """The endpoint's group admitting TCP 443 alone from on premises, as for any other AWS
    service's endpoint: the gateway reaches the endpoint on 443, but its other connections, on the
    ports the guide says "must be allowed", time out. Right: SG003 (high), naming TCP 1026-1028 and
    1031 (2222 left out as for Storage Gateway: the guide gives it no use, and AWS Support's access
    to a gateway is for troubleshooting only). It stayed silent, seeing 443 open (rule wrong,
    fixed: ``backup-gateway``'s ports are each required, as Storage Gateway's)."""
    snapshot, ids = _built(**ENDPOINT_443_ONLY)
    assert audit(snapshot) == _usual(ids) | {("SG003", ids["backup_gateway"], "fail")}
    assert severities(snapshot)[("SG003", ids["backup_gateway"], "")] == "high"
    (finding,) = [f for f in audit_result(snapshot).findings if f.rule_id == "SG003"]
    assert "on TCP 1026-1028/1031" in finding.message


def test_near_miss_private_dns_off() -> None:
    """Private DNS cleared, as the Storage Gateway and DataSync guides set their appliances'
    endpoints (the Backup guide sets nothing). Right, info: DNS003 says private DNS plays no part —
    the endpoint's one client, the gateway, is told the endpoint's DNS name
    (``GatewayDetails.VpcEndpoint``), and the VPC holds no SDK caller. It was medium, "SDKs using
    the default hostname bypass the endpoint" (rule wrong, fixed)."""
    snapshot, ids = _built(**PRIVATE_DNS_OFF)
    assert audit(snapshot) == _usual(ids) | {("DNS003", ids["backup_gateway"], "fail")}
    assert severities(snapshot)[("DNS003", ids["backup_gateway"], "")] == "info"


def test_near_miss_route_propagation_off() -> None:
    """VGW route propagation left off on both tables: the endpoint's subnets have no route to
    192.168.0.0/16, so its replies to the gateway go nowhere. Right: SG003 (high) — the group admits
    only a range that "contains no client (… not routed from the endpoint subnets to a TGW, peering,
    Cloud WAN or VGW)" — and SG004 (low) on the same unrouted range. Both fixes offer the VPC's
    CIDR, which holds no client here: the route is what is missing, and nothing says so (left
    alone)."""
    snapshot, ids = _built(**UNPROPAGATED)
    assert audit(snapshot) == _usual(ids) | {("SG003", ids["backup_gateway"], "fail"),
                                             ("SG004", ids["endpoint_sg"], "fail")}
    (finding,) = [f for f in audit_result(snapshot).findings if f.rule_id == "SG003"]
    assert finding.severity.value == "high"
    assert "192.168.0.0/16, which contains no client" in finding.message
