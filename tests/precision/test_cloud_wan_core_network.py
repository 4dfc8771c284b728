"""AWS Cloud WAN hub and spokes (aws-samples/aws-cloud-wan-blueprints centralized outbound,
aws-ia/terraform-aws-cloudwan egress and shared-services VPCs, the whitepaper's centralized
interface endpoints with private hosted zones): every finding and its verdict (docs/precision.md)."""

from __future__ import annotations

from dataclasses import replace
from functools import cache

from aws_layout import audit, audit_result, region_view, severities
from layouts import cloud_wan_core_network
from layouts.cloud_wan_core_network import CORE_NETWORK_ARN, SERVICES, SHARED_CIDR

from vpcaudit.network.dns import vpcs_served_through_zones
from vpcaudit.snapshot.model import Snapshot

Triples = set[tuple[str, str, str]]
Built = tuple[Snapshot, dict[str, str]]
DEV_WITHOUT_ROUTE = {"dev_core_network_route": False}
SHARED_BLOCK_ONLY = {"endpoint_source": "shared"}
ONE_EGRESS_NAT = {"egress_nat_azs": (1,)}
POLICY_SERVICES = tuple(k for k in SERVICES if k not in ("ssmmessages", "ec2messages"))
VPCS = ("prod", "dev", "egress", "shared")


@cache
def _built(**options: object) -> Built:
    """One snapshot per variant: several tests read the same one."""
    return cloud_wan_core_network.build(**options)  # type: ignore[arg-type]


def _flow_logs(ids: dict[str, str]) -> Triples:
    """Right, medium: neither the blueprint nor the module (``vpc_flow_logs`` defaults to ``none``)
    creates a flow log in any of the four VPCs."""
    return {("MON001", ids[key], "fail") for key in VPCS}


def _default_policies(ids: dict[str, str]) -> Triples:
    """Right (advice), medium: the ``ssm``/``kms``/``logs``/``sts`` endpoints keep the default
    full-access policy; ``ssmmessages``/``ec2messages`` take none."""
    return {("POL001", ids[k], "fail") for k in POLICY_SERVICES}


def _spoke_gateway_endpoints(ids: dict[str, str], spokes: tuple[str, ...] = ("prod", "dev")) -> Triples:
    """Right (advice), medium (S3) and low (DynamoDB): the workload subnets' S3 and DynamoDB traffic
    follows 0.0.0.0/0 to the core network, pays Cloud WAN data processing there and the egress
    VPC's NAT gateway processing after it. A gateway endpoint in each spoke would keep it in the
    VPC for free; one elsewhere cannot serve it (PrivateLink guide, gateway endpoints)."""
    return {(rule, ids[key], "fail") for key in spokes for rule in ("GWE002", "GWE003")}


def _hub_gateway_endpoints(ids: dict[str, str]) -> Triples:
    """Rule was wrong, fixed (now silent): GWE002/GWE003, medium and low, on ``shared-services``. Its ``vpc_endpoints``
    subnets hold only the interface endpoints' interfaces (which take calls and make none) and
    follow 0.0.0.0/0 to the core network, so they count as paying private subnets. No workload
    there sends S3 or DynamoDB traffic, and the spokes' traffic arriving over Cloud WAN could
    never use a gateway endpoint of this VPC: it would serve nobody
    (``test_gateway_endpoints_are_not_asked_of_the_endpoint_hub``)."""
    return {("GWE002", ids["shared"], "fail"), ("GWE003", ids["shared"], "fail")}


def _canonical(ids: dict[str, str]) -> Triples:
    return _flow_logs(ids) | _default_policies(ids) | _spoke_gateway_endpoints(ids)


def test_core_network_routes_as_describe_route_tables_lists_them() -> None:
    """Every route to the core network carries ``CoreNetworkArn`` (botocore's ``Route``): target
    kind ``cloudwan``. The workload subnets and the shared-services endpoint subnets have egress
    class ``cloudwan`` (internet egress assumed beyond the VPC); the egress VPC's attachment
    subnets leave through their AZ's NAT gateway and are forwarding subnets, as are the spokes'."""
    snapshot, ids = _built()
    view = region_view(snapshot)
    cloudwan = {(t.vpc_id, route.destination) for t in snapshot.accounts[0].regions[0].route_tables
                for route in t.routes if route.target_kind == "cloudwan" and route.target_id == CORE_NETWORK_ARN}
    assert cloudwan == {(ids["prod"], "0.0.0.0/0"), (ids["dev"], "0.0.0.0/0"), (ids["shared"], "0.0.0.0/0"),
                        (ids["egress"], "10.0.0.0/8")}
    assert {view.egress(ids[f"{k}_workload{az}"]).klass for k in ("prod", "dev") for az in (1, 2)} == {"cloudwan"}
    assert {view.egress(ids[f"endpoints{az}"]).klass for az in (1, 2)} == {"cloudwan"}
    assert [view.egress(ids[f"egress_cnw{az}"]).target_id for az in (1, 2)] == [ids["nat1"], ids["nat2"]]
    attachment_subnets = {ids[f"{k}_cnw{az}"] for k in VPCS for az in (1, 2)}
    assert attachment_subnets <= view.forwarding_subnet_ids


def test_the_zones_carry_the_endpoint_names_to_both_spokes() -> None:
    """Each endpoint's Regional name is aliased in a zone associated with ``prod`` and ``dev``."""
    snapshot, ids = _built()
    view = region_view(snapshot)
    for key in SERVICES:
        endpoint = view.endpoints[ids[key]]
        assert not endpoint.private_dns_enabled
        assert {vpc for vpc, _ in vpcs_served_through_zones(view, endpoint)} == {ids["prod"], ids["dev"]}


def test_findings_and_verdicts() -> None:
    """The canonical form: MON001 ×4, POL001 ×4, GWE002/GWE003 on both spokes.
    Silent, rightly: SG001-SG006 (443 from 10.0.0.0/8, all of it routed to the core network from
    the endpoint subnets), DNS003/DNS004 (the zones answer every name in all three VPCs), IFE001/
    IFE002 (two AZs), IFE003 (Session Manager's bundle with ``kms`` is complete), NAT002/NAT003 (a
    NAT gateway per AZ in the egress VPC; the spokes leave through Cloud WAN), GWE001, RT001,
    ACL001, COST001 (one VPC runs interface endpoints)."""
    snapshot, ids = _built()
    assert audit(snapshot) == _canonical(ids)


def test_severities_of_the_gateway_endpoint_advice() -> None:
    """S3 medium, DynamoDB low, on each spoke whose private subnets pay Cloud WAN."""
    snapshot, ids = _built()
    found = {(rule, resource): sev for (rule, resource, _), sev in severities(snapshot).items()
             if rule in ("GWE002", "GWE003")}
    assert found == {(rule, ids[key]): sev for key in ("prod", "dev")
                     for rule, sev in (("GWE002", "medium"), ("GWE003", "low"))}
    message = next(f.message for f in audit_result(snapshot).findings
                   if f.rule_id == "GWE002" and f.resource.resource_id == ids["prod"])
    assert f"Cloud WAN core network {CORE_NETWORK_ARN}" in message


def test_gateway_endpoints_are_not_asked_of_the_endpoint_hub() -> None:
    """Rule was wrong, fixed. ``shared-services`` has no workload: its only interfaces are its
    endpoints' and the attachment's. Its endpoints answer ``prod`` and ``dev`` through private
    hosted zones, whose S3 and DynamoDB traffic cannot use a gateway endpoint of another VPC ("You
    can't extend a gateway endpoint out of the VPC in which it was created"). GWE002/GWE003 now
    leave such a hub alone, as IFE003 does for its S3 gateway member; the spokes keep theirs."""
    snapshot, ids = _built()
    assert not _hub_gateway_endpoints(ids) & audit(snapshot)


def test_a_hub_with_a_workload_of_its_own_is_asked_as_any_vpc() -> None:
    """The other side: the same hub with one workload of its own (an instance in an endpoint
    subnet) pays for its S3 and DynamoDB traffic like any VPC: GWE002/GWE003 on it again."""
    snapshot, ids = _built()
    region = next(r for a in snapshot.accounts for r in a.regions if any(v.vpc_id == ids["shared"] for v in r.vpcs))
    subnet = next(s for s in region.subnets if s.vpc_id == ids["shared"] and
                  any(e.vpc_id == ids["shared"] and s.subnet_id in e.subnet_ids for e in region.vpc_endpoints))
    eni = replace(next(e for e in region.network_interfaces if e.subnet_id == subnet.subnet_id),
                  network_interface_id="eni-0hub0own0workload", interface_type="interface", requester_managed=False,
                  requester_id=None, description="", instance_id="i-0hub0own0instance")
    grown = replace(region, network_interfaces=(*region.network_interfaces, eni))
    accounts = tuple(replace(a, regions=tuple(grown if r is region else r for r in a.regions))
                     for a in snapshot.accounts)
    assert _hub_gateway_endpoints(ids) <= audit(replace(snapshot, accounts=accounts))


def test_near_miss_dev_without_the_core_network_route() -> None:
    """``dev``'s workload tables without 0.0.0.0/0 → core network. GWE002/GWE003 leave ``dev``,
    rightly: it has no paid egress any more. A gap, pinned: the zones associated with ``dev`` send
    its SSM, KMS, Logs and STS calls to ``shared-services`` addresses it cannot reach, so the
    instances drop out of Systems Manager; nothing compares a zone's alias target with the
    querying VPC's routes, though both are in the snapshot."""
    snapshot, ids = _built(**DEV_WITHOUT_ROUTE)
    assert audit(snapshot) == _canonical(ids) - _spoke_gateway_endpoints(ids, ("dev",))
    view = region_view(snapshot)
    assert {view.egress(ids[f"dev_workload{az}"]).klass for az in (1, 2)} == {"none"}
    assert {vpc for vpc, _ in vpcs_served_through_zones(view, view.endpoints[ids["ssm"]])} == {ids["prod"], ids["dev"]}


def test_near_miss_endpoint_group_admits_the_shared_services_block_only() -> None:
    """``central-endpoints`` admitting 443 from 10.100.1.0/24 only. Right, high: SG003 on each of
    the six endpoints. The spokes' instances connect from 10.10.0.0/24 and 10.10.1.0/24 over
    Cloud WAN and are refused; the shared-services block holds no client."""
    snapshot, ids = _built(**SHARED_BLOCK_ONLY)
    assert audit(snapshot) == _canonical(ids) | {("SG003", ids[k], "fail") for k in SERVICES}
    findings = [f for f in audit_result(snapshot).findings if f.rule_id == "SG003"]
    assert {f.severity.value for f in findings} == {"high"}
    assert all(f"allowed only from {SHARED_CIDR}" in f.message for f in findings)


def test_near_miss_egress_nat_gateway_in_one_az() -> None:
    """The egress VPC's NAT gateway in us-east-1a only (the module's ``single_az``). Right (advice),
    medium: NAT002 on the us-east-1b attachment subnet, whose 0.0.0.0/0 crosses to us-east-1a,
    and NAT003 on the egress VPC for us-east-1b. Every spoke's internet and S3 traffic entering
    in us-east-1b pays cross-AZ transfer and stops with us-east-1a."""
    snapshot, ids = _built(**ONE_EGRESS_NAT)
    assert audit(snapshot) == _canonical(ids) | {("NAT002", ids["egress_cnw2"], "fail"),
                                                 ("NAT003", ids["egress"], "fail")}
    assert severities(snapshot)[("NAT003", ids["egress"], "use1-az2")] == "medium"
