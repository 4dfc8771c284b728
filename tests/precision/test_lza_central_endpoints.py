"""The Landing Zone Accelerator on AWS sample network (central ``Network-Endpoints`` VPC, private
hosted zones for the ``useCentralEndpoints`` VPCs, the ``Network-Main`` transit gateway) in two
accounts: every finding and its verdict (docs/precision.md)."""

from __future__ import annotations

from functools import cache

from aws_layout import audit, audit_result, severities
from layouts import lza_central_endpoints
from layouts.lza_central_endpoints import ENDPOINTS_CIDR, NETWORK_ACCOUNT, SERVICES, SHARED_ACCOUNT

from vpcaudit.snapshot.model import Snapshot

Triples = set[tuple[str, str, str]]
Built = tuple[Snapshot, dict[str, str]]
ENDPOINTS_BLOCK_ONLY = {"allowed_cidrs": (ENDPOINTS_CIDR,)}
NO_APP_ROUTE = {"app_route": False}
NOT_ASSOCIATED = {"associate_shared": False}
POLICY_SERVICES = tuple(k for k in SERVICES if k not in ("ssmmessages", "ec2messages"))


@cache
def _built(**options: object) -> Built:
    """One snapshot per variant: several tests read the same one."""
    return lza_central_endpoints.build(**options)  # type: ignore[arg-type]


def _gateway_endpoints(snapshot: Snapshot) -> set[str]:
    return {e.vpc_endpoint_id for a in snapshot.accounts for reg in a.regions for e in reg.vpc_endpoints
            if e.endpoint_type == "Gateway"}


def _default_policies(snapshot: Snapshot, ids: dict[str, str]) -> Triples:
    """Right (advice), medium: the ``Default`` policy of the sample (Allow ``*`` on ``*`` to ``*``)
    on the four interface endpoints that take a policy and on the six S3/DynamoDB gateway endpoints
    of the three VPCs. The file ships the policy as a starting point; AWS's default endpoint policy
    "allows full access" and a custom one is how to narrow it."""
    return ({("POL001", ids[k], "fail") for k in POLICY_SERVICES}
            | {("POL001", e, "fail") for e in _gateway_endpoints(snapshot)})


def _open_endpoint_group(ids: dict[str, str]) -> Triples:
    """Right (advice), high: ``interface_ep_https_sg`` admits TCP 443 from 0.0.0.0/0, the
    accelerator's default when ``allowedCidrs`` is not set. The VPC has no internet gateway, so the
    exposure is every network the transit gateway routes to the endpoints (the hub's 0.0.0.0/0 →
    transit gateway, and any VPN or Direct Connect attachment); the accelerator suppresses its own
    cdk-nag check for it, and ``allowedCidrs`` (e.g. 10.0.0.0/8) narrows it."""
    return {("SG001", ids["endpoint_sg"], "fail")}


def _canonical(snapshot: Snapshot, ids: dict[str, str]) -> Triples:
    return _default_policies(snapshot, ids) | _open_endpoint_group(ids)


def test_accounts_zones_and_the_endpoint_group() -> None:
    """Two accounts; six zones named ``<service>.us-east-1.amazonaws.com`` owned by the Network
    account with the three ``useCentralEndpoints``/hub VPCs, listed without records by the
    SharedServices account; the endpoints with private DNS off in one group egressing only to
    127.0.0.1/32."""
    snapshot, ids = _built()
    network, shared = snapshot.accounts
    assert (network.account_id, shared.account_id) == (NETWORK_ACCOUNT, SHARED_ACCOUNT)
    (region,) = network.regions
    endpoints = {e.vpc_endpoint_id: e for e in region.vpc_endpoints}
    zones = {z.hosted_zone_id: z for z in region.hosted_zones}
    for key in SERVICES:
        endpoint = endpoints[ids[key]]
        assert not endpoint.private_dns_enabled and endpoint.group_ids == (ids["endpoint_sg"],)
        zone = zones[ids[f"zone-{key}"]]
        assert zone.name == f"{key}.us-east-1.amazonaws.com"
        assert zone.record_sets[0].alias_dns_name == endpoint.dns_entries[0].dns_name
        assert {a.vpc_id for a in zone.vpcs} == {ids["endpoints_vpc"], ids["inspection_vpc"], ids["shared_vpc"]}
    (group,) = [g for g in region.security_groups if g.group_id == ids["endpoint_sg"]]
    assert {(x.is_egress, x.cidr_ipv4, x.from_port) for x in group.rules} == {
        (False, "0.0.0.0/0", 443), (True, "127.0.0.1/32", None)}
    assert {(z.hosted_zone_id, z.record_sets_collected) for z in shared.regions[0].hosted_zones} == {
        (ids[f"zone-{k}"], False) for k in SERVICES}


def test_findings_and_verdicts() -> None:
    """The canonical form. Silent, rightly: MON001 (``vpcFlowLogs`` on every VPC), DNS003 (the zones
    answer every endpoint's name in all three VPCs), DNS004 (every record aliases a live endpoint),
    SG003 (443 from 0.0.0.0/0 admits the SharedServices instances), IFE001/IFE002 (both AZs),
    IFE003/GWE002/GWE003 on the workload-less hub and inspection VPCs (their endpoints serve other
    VPCs; ``Session Manager`` has ssm, ssmmessages, ec2messages and kms), GWE001 (every subnet table
    has the S3 and DynamoDB routes), COST001, NAT rules (none), RT001, ACL001."""
    snapshot, ids = _built()
    assert audit(snapshot) == _canonical(snapshot, ids)


def test_the_workload_less_hub_is_left_alone() -> None:
    """No IFE003, GWE002 or GWE003 finding on any VPC of the Network account: neither VPC runs a
    workload, and the hub's endpoints are reached through the zones by the SharedServices VPC."""
    snapshot, ids = _built()
    network_vpcs = {ids["endpoints_vpc"], ids["inspection_vpc"]}
    assert not {k for k in severities(snapshot) if k[0] in ("IFE003", "GWE002", "GWE003") and k[1] in network_vpcs}
    assert not {f for f in audit(snapshot) if f[1] in network_vpcs}


def test_near_miss_endpoint_group_admits_the_endpoints_block_only() -> None:
    """``allowedCidrs: [10.1.0.0/22]``. Right, high: SG003 on each of the six endpoints. The
    endpoints VPC holds no client; the SharedServices instances (10.4.0.0/16) resolve the names
    through the Network account's zones and reach the endpoints through the transit gateway, and
    the group refuses them. SG003 follows the zones to that VPC of the other account and names it.
    SG001 is gone with the open rule."""
    snapshot, ids = _built(**ENDPOINTS_BLOCK_ONLY)
    expected = _default_policies(snapshot, ids) | {("SG003", ids[k], "fail") for k in SERVICES}
    assert audit(snapshot) == expected
    findings = [f for f in audit_result(snapshot).findings if f.rule_id == "SG003"]
    assert {f.severity.value for f in findings} == {"high"}
    assert all(f.evidence["remote_client_vpcs"] == [f"{SHARED_ACCOUNT}/{ids['shared_vpc']}"] for f in findings)


def test_near_miss_app_table_without_the_transit_gateway_route() -> None:
    """``SharedServices-App-A`` without 0.0.0.0/0 → transit gateway. A gap, pinned: the zones send
    that subnet's instance to 10.1.x addresses it has no route to, so its ssm/logs/kms calls time
    out (the B subnet is fine). Nothing compares a zone's alias target with the querying subnet's
    routes. The audit is the canonical one."""
    snapshot, ids = _built(**NO_APP_ROUTE)
    assert audit(snapshot) == _canonical(snapshot, ids)
    tables = {t.route_table_id: t for t in snapshot.accounts[1].regions[0].route_tables}
    assert not any(x.destination == "0.0.0.0/0" for x in tables[ids["shared_rt_a"]].routes)
    assert any(x.destination == "0.0.0.0/0" for x in tables[ids["shared_rt_b"]].routes)


def test_near_miss_zones_not_associated_with_the_shared_services_vpc() -> None:
    """The zones associated with the Network account's VPCs only. A gap, pinned: the SharedServices
    instances resolve ``ssm.us-east-1.amazonaws.com`` etc. to public addresses and send them to the
    transit gateway, behind which no VPC of the file has an internet path, so every call fails.
    DNS003 looks only at VPCs the zones reach, and nothing asks which VPCs route to a hub with
    private DNS off but get no zone. The audit is the canonical one."""
    snapshot, ids = _built(**NOT_ASSOCIATED)
    assert audit(snapshot) == _canonical(snapshot, ids)
    assert not snapshot.accounts[1].regions[0].hosted_zones
