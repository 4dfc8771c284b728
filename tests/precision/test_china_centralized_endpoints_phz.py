"""Centralized interface endpoints in a hub VPC of a network account, shared with a spoke VPC of a
workload account through a transit gateway and private hosted zones, in the AWS China (Beijing)
Region (the Chinese VPC endpoint guide's cross-account pattern): every finding and its verdict
(docs/precision.md)."""

from __future__ import annotations

from dataclasses import replace
from functools import cache

from aws_layout import audit, audit_result, severities
from layouts import china_centralized_endpoints_phz
from layouts.china_centralized_endpoints_phz import (
    NETWORK_ACCOUNT,
    REGION,
    SERVICES,
    WORKLOAD_ACCOUNT,
    service_name,
    zone_and_record,
)

from vpcaudit.engine.rule import Status
from vpcaudit.snapshot.model import Snapshot

Triples = set[tuple[str, str, str]]
Built = tuple[Snapshot, dict[str, str]]
COMMERCIAL_SUFFIX = {"zone_suffix": "amazonaws.com"}
NO_SPOKE_ROUTE = {"spoke_route": False}
HUB_BLOCK_ONLY = {"endpoint_source": "hub"}
HUB_PRIVATE_DNS = {"hub_private_dns": True}
POLICY_SERVICES = tuple(k for k in SERVICES if k not in ("ssmmessages", "ec2messages"))


@cache
def _built(**options: object) -> Built:
    """One snapshot per variant: several tests read the same one."""
    return china_centralized_endpoints_phz.build(**options)  # type: ignore[arg-type]


def _flow_logs(ids: dict[str, str]) -> Triples:
    """Right, medium: neither account creates a flow log; the guide sets none up."""
    return {("MON001", ids["hub"], "fail"), ("MON001", ids["spoke"], "fail")}


def _default_policies(ids: dict[str, str]) -> Triples:
    """Right (advice), medium: the hub's ``sts``/``ecr.api``/``ecr.dkr``/``ssm``/``logs`` endpoints and
    the spoke's S3 gateway endpoint keep the default full-access policy. The guide names endpoint
    policies as a control and sets none; ``ssmmessages``/``ec2messages`` take no policy."""
    return {("POL001", ids[k], "fail") for k in (*POLICY_SERVICES, "s3_gateway")}


def _hub_bundles(ids: dict[str, str]) -> Triples:
    """IFE003 on the hub VPC: ``session-manager:optional`` (info): Right (advice), no ``kms``
    endpoint for Session Manager encryption with a KMS key. ``ecr:required`` (medium) was rule wrong,
    fixed (``test_the_ecr_bundle_asks_the_hub_for_no_s3_gateway_endpoint``): the S3 gateway endpoint
    the ECR clients need is the spoke's, which exists; one in the hub would serve nobody."""
    return {("IFE003", ids["hub"], "fail")}


def _canonical(ids: dict[str, str]) -> Triples:
    return _flow_logs(ids) | _default_policies(ids) | _hub_bundles(ids)


def test_china_names_zones_and_accounts() -> None:
    """The hub endpoints carry cn-north-1's names (``cn.com.amazonaws.`` for sts and ECR,
    ``com.amazonaws.`` for the Systems Manager services and logs) and ``vpce.amazonaws.com.cn`` DNS
    names; each zone is named as the service's China name, aliases the endpoint's Regional name and is
    held by the network account with both VPCs, listed without records by the workload account."""
    snapshot, ids = _built()
    network, workload = snapshot.accounts
    assert (network.account_id, workload.account_id) == ("111122223333", "444455556666")
    (hub_region,) = network.regions
    endpoints = {e.vpc_endpoint_id: e for e in hub_region.vpc_endpoints}
    assert endpoints[ids["sts"]].service_name == f"cn.com.amazonaws.{REGION}.sts"
    assert endpoints[ids["ecr.dkr"]].service_name == f"cn.com.amazonaws.{REGION}.ecr.dkr"
    assert endpoints[ids["ssm"]].service_name == f"com.amazonaws.{REGION}.ssm"
    zones = {z.hosted_zone_id: z for z in hub_region.hosted_zones}
    for key in SERVICES:
        endpoint = endpoints[ids[key]]
        assert endpoint.service_name == service_name(key) and not endpoint.private_dns_enabled
        zone = zones[ids[f"zone-{key}"]]
        name, record = zone_and_record(key)
        assert name.endswith(".cn-north-1.amazonaws.com.cn") and zone.name == name
        (rs,) = zone.record_sets
        assert (rs.name, rs.alias_dns_name) == (record, endpoint.dns_entries[0].dns_name)
        assert rs.alias_dns_name.endswith(".vpce.amazonaws.com.cn")
        assert {a.vpc_id for a in zone.vpcs} == {ids["hub"], ids["spoke"]}
    assert zone_and_record("ecr.dkr") == ("dkr.ecr.cn-north-1.amazonaws.com.cn",
                                          "*.dkr.ecr.cn-north-1.amazonaws.com.cn")
    assert {(z.hosted_zone_id, z.record_sets_collected) for z in workload.regions[0].hosted_zones} == {
        (ids[f"zone-{k}"], False) for k in SERVICES}
    assert {f.resource.partition for f in audit_result(snapshot).findings} == {"aws-cn"}


def test_findings_and_verdicts() -> None:
    """The canonical form. Silent, rightly: DNS003 (the zones answer every service name in the hub
    and, joined from the owner's copy, in the spoke), DNS004 (every record aliases a live endpoint),
    SG003/SG004 (443 from the hub's and the spoke's blocks, the spoke's routed to the transit gateway),
    IFE001/IFE002 (both AZs), GWE001 (the spoke's table has the S3 route), COST001 (one VPC runs
    interface endpoints), NAT rules (none), RT001, ACL001."""
    snapshot, ids = _built()
    assert audit(snapshot) == _canonical(ids)


def test_severities_of_the_hub_bundles() -> None:
    """The one IFE003 finding behind the triple, by discriminator: the optional advice."""
    snapshot, ids = _built()
    found = {k: v for k, v in severities(snapshot).items() if k[0] == "IFE003"}
    assert found == {("IFE003", ids["hub"], "session-manager:optional"): "info"}


def test_no_cost_figure_and_the_kms_fix_priced_in_cny() -> None:
    """No finding carries a monthly cost (no COST001, no IFE001). The one priced step, IFE003's
    optional ``kms`` endpoint in the hub, names the China service and quotes CNY."""
    snapshot, _ = _built()
    findings = audit_result(snapshot).findings
    assert all(f.monthly_cost_usd is None for f in findings)
    (optional,) = [f for f in findings if f.rule_id == "IFE003" and f.discriminator == "session-manager:optional"]
    (create,) = [s for s in optional.fix if s.action == "ec2:CreateVpcEndpoint"]
    assert create.parameters["ServiceName"] == f"com.amazonaws.{REGION}.kms"
    assert "$" not in create.description and "CN¥51.83/month per AZ" in create.description


def test_the_ecr_bundle_asks_the_hub_for_no_s3_gateway_endpoint() -> None:
    """Rule was wrong, fixed: IFE003 ``ecr:required`` found no workload in the hub and assumed every
    private subnet a client. The hub's endpoints are centralized: the scan's zones alias them and are
    associated with the spoke, whose table has the S3 gateway endpoint. A gateway endpoint in the hub
    would serve no one, since transit gateway traffic cannot use it ("You can't extend a gateway
    endpoint out of the VPC in which it was created"). Only the optional-bundle advice on the hub."""
    snapshot, ids = _built()
    assert ("IFE003", ids["hub"], "ecr:required") not in severities(snapshot)


def test_a_hub_serving_no_other_vpc_is_still_asked_for_the_s3_gateway_endpoint() -> None:
    """The other side: the hub's endpoints with private DNS on and no zone carrying their names to
    the spoke (the near miss below) serve no other VPC through a zone, so the hub's private subnets
    stand in for clients as in any VPC without workloads: ``ecr:required``, medium, as before."""
    snapshot, ids = _built(**HUB_PRIVATE_DNS)
    assert severities(snapshot)[("IFE003", ids["hub"], "ecr:required")] == "medium"


def test_near_miss_zones_named_with_the_commercial_suffix() -> None:
    """Zones ``sts.cn-north-1.amazonaws.com`` etc., the guide's printed names. Right, medium: DNS003
    on each of the seven hub endpoints. ``sts.cn-north-1.amazonaws.com.cn`` and the rest resolve to
    public addresses, and the spoke has no route out, so every call fails. DNS004 stays silent: the
    zones answer no name of the Region's catalogue."""
    snapshot, ids = _built(**COMMERCIAL_SUFFIX)
    assert audit(snapshot) == _canonical(ids) | {("DNS003", ids[k], "fail") for k in SERVICES}
    messages = [f.message for f in audit_result(snapshot).findings if f.rule_id == "DNS003"]
    assert all(".cn-north-1.amazonaws.com.cn resolves to the public service addresses" in m for m in messages)


def test_near_miss_spoke_without_the_route_to_the_hub() -> None:
    """``app-private`` without 10.100.0.0/16 → transit gateway. A gap, pinned: the zones send the
    spoke's calls to the hub's addresses, which the spoke cannot reach, so every call times out.
    Nothing compares a zone's alias target with the querying VPC's routes. The audit is the
    canonical one."""
    snapshot, ids = _built(**NO_SPOKE_ROUTE)
    assert audit(snapshot) == _canonical(ids)
    assert _hub_routes(snapshot, ids) == []
    assert _hub_routes(_built()[0], _built()[1]) == ["tgw"]


def _hub_routes(snapshot: Snapshot, ids: dict[str, str]) -> list[str]:
    """The target kinds of the spoke table's routes to the hub's block."""
    (table,) = [t for t in snapshot.accounts[1].regions[0].route_tables if t.route_table_id == ids["spoke_rt"]]
    return [route.target_kind for route in table.routes if route.destination == "10.100.0.0/16"]


def test_near_miss_hub_private_dns_on_and_no_zone() -> None:
    """Private DNS left on at the hub: the zones' creation is refused (ConflictingDomainExists), so
    none exists. A gap, pinned: the spoke resolves every service name publicly and has no route out.
    The endpoints answer only their own VPC, which has no client. The audit is the canonical one:
    with private DNS on, DNS003 has nothing to say, and nothing else checks the spoke."""
    snapshot, ids = _built(**HUB_PRIVATE_DNS)
    assert audit(snapshot) == _canonical(ids)
    assert not any(reg.hosted_zones for a in snapshot.accounts for reg in a.regions)


def test_near_miss_endpoint_group_admits_the_hub_block_only() -> None:
    """``central-endpoints`` admitting 443 from 10.100.0.0/16 only. Rule was wrong, fixed: the
    spoke's instances reach the hub's endpoints from 10.1.0.0/16 through the transit gateway, and
    the group refuses them. The hub has no workload, so its block holds no client; SG003 found no
    client "yet" because it looked only at the VPCs of the endpoint's own account. It now follows
    the hub's zones for the endpoint's names to the spoke VPCs of other scanned accounts they are
    associated with: SG003 on each of the seven endpoints, high, naming the spoke, as the
    single-account build gets (``test_the_same_near_miss_in_one_account``)."""
    snapshot, ids = _built(**HUB_BLOCK_ONLY)
    assert audit(snapshot) == _canonical(ids) | {("SG003", ids[k], "fail") for k in SERVICES}
    findings = [f for f in audit_result(snapshot).findings if f.rule_id == "SG003"]
    assert {f.severity.value for f in findings} == {"high"}
    assert all(f.evidence["remote_client_vpcs"] == [f"{WORKLOAD_ACCOUNT}/{ids['spoke']}"] for f in findings)
    assert all(f"clients in {ids['spoke']} (account {WORKLOAD_ACCOUNT}) resolve its names" in f.message
               for f in findings)


def test_the_same_near_miss_without_the_spoke_account_scanned() -> None:
    """The other side: a snapshot of the network account alone holds no client of the hub's
    endpoints (the spoke's account was not scanned): nobody seen is refused, SG003 silent as for a
    network stack deployed before its workloads."""
    snapshot, _ = _built(**HUB_BLOCK_ONLY)
    alone = replace(snapshot, accounts=tuple(a for a in snapshot.accounts if a.account_id == NETWORK_ACCOUNT))
    assert not {f for f in audit(alone) if f[0] == "SG003"}


def test_the_same_near_miss_in_one_account() -> None:
    """The hub-block-only group with hub and spoke in one account: SG003 fires on every endpoint,
    high. Only the account boundary silences it."""
    snapshot, ids = _built(**HUB_BLOCK_ONLY, one_account=True)
    sg003 = {(f.resource.resource_id, f.severity.value) for f in audit_result(snapshot).findings
             if f.rule_id == "SG003" and f.status is Status.FAIL}
    assert sg003 == {(ids[k], "high") for k in SERVICES}
