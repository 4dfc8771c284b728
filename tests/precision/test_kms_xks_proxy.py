"""An AWS KMS external key store with VPC endpoint service connectivity — the XKS proxy on two
instances behind an internal Network Load Balancer in two AZs, published as an endpoint service
with a verified private DNS name (AWS KMS Developer Guide, "Configure VPC endpoint service
connectivity"): every finding and its verdict (docs/precision.md)."""

from __future__ import annotations

from functools import cache

from aws_layout import audit, region_view, severities
from layouts import kms_xks_proxy
from layouts.kms_xks_proxy import (
    ACCOUNT,
    DATACENTER,
    ELB_REQUESTER,
    NLB_DESCRIPTION,
    PING_PORT,
    PRIVATE_DNS_NAME,
    SERVICE_ID,
    SERVICE_NAME,
    XKS_PORT,
    service_detail,
)

from vpcaudit.snapshot import resources as r
from vpcaudit.snapshot.model import Snapshot

Triples = set[tuple[str, str, str]]
Ids = dict[str, str]
ONE_AZ = {"nlb_azs": (1,)}
UNVERIFIED = {"dns_state": "pendingVerification"}
PROXY_ADMITS_DATACENTER = {"proxy_source": "datacenter"}


@cache
def _built(**variant: object) -> tuple[Snapshot, Ids]:
    """One snapshot per variant: several tests read the same one."""
    return kms_xks_proxy.build(**variant)  # type: ignore[arg-type]


def _service(snapshot: Snapshot) -> r.EndpointService:
    (service,) = [s for s in snapshot.accounts[0].regions[0].endpoint_services if s.service_name == SERVICE_NAME]
    return service


def _ingress(snapshot: Snapshot, group_id: str) -> set[tuple[str, int | None, str | None]]:
    (group,) = [g for g in snapshot.accounts[0].regions[0].security_groups if g.group_id == group_id]
    return {(x.ip_protocol, x.from_port, x.cidr_ipv4 or x.referenced_group_id) for x in group.rules if not x.is_egress}


def _flow_log(ids: Ids) -> Triples:
    """Right, medium: neither the guide nor the sample creates a flow log, and the VPC carries every
    request KMS makes to the proxy and every call the proxy makes to the key manager."""
    return {("MON001", ids["vpc"], "fail")}


def test_the_snapshot_is_the_guides_layout() -> None:
    """The builder against the guide: two private subnets in two AZs, no internet or NAT gateway and
    no VPC endpoint ("None are required"), the data centre reached through the VGW; the load
    balancer's interfaces in both subnets as DescribeNetworkInterfaces reports them; ``xks-proxy``
    admits 443 and the ping port from the load balancer's group only; the endpoint service listed
    to its owner with its private DNS name in both AZs."""
    snapshot, ids = _built()
    region = snapshot.accounts[0].regions[0]
    assert not region.internet_gateways and not region.nat_gateways and not region.vpc_endpoints
    assert {(x.destination, x.target_id) for t in region.route_tables for x in t.routes
            if x.target_id == ids["vgw"]} == {(DATACENTER, ids["vgw"])}
    view = region_view(snapshot)
    for k in (1, 2):
        eni = view.interfaces[ids[f"nlb_eni{k}"]]
        assert (eni.interface_type, eni.requester_managed, eni.requester_id, eni.description, eni.group_ids,
                eni.instance_id, eni.subnet_id) == ("network_load_balancer", True, ELB_REQUESTER, NLB_DESCRIPTION,
                                                    (ids["nlb_sg"],), None, ids[f"private{k}"])
    assert _ingress(snapshot, ids["nlb_sg"]) == set()
    assert _ingress(snapshot, ids["proxy_sg"]) == {("tcp", XKS_PORT, ids["nlb_sg"]), ("tcp", PING_PORT, ids["nlb_sg"])}
    service = _service(snapshot)
    assert (service.service_id, service.owner, service.service_types, service.private_dns_names,
            service.availability_zone_ids, service.vpc_endpoint_policy_supported) == (
        SERVICE_ID, ACCOUNT, ("Interface",), (PRIVATE_DNS_NAME,), ("use1-az1", "use1-az2"), False)


def test_the_load_balancers_interfaces_are_no_workload() -> None:
    """The load balancer's nodes forward KMS's connections to the proxies and call no AWS service:
    the workloads are the two proxy instances only. Right."""
    snapshot, ids = _built()
    view = region_view(snapshot)
    assert [e.network_interface_id for e in view.workload_enis(ids["vpc"])] == sorted([ids["proxy1"], ids["proxy2"]])
    assert not view.is_workload(view.interfaces[ids["nlb_eni1"]])


def test_findings_and_verdicts() -> None:
    """MON001 only. Silent, rightly: SG001-SG006, ACL001, IFE001-IFE006, POL001-POL006, DNS003
    (they judge VPC endpoints and their clients; KMS's interface endpoint lives in a KMS VPC, not
    here); GWE002/GWE003 and NAT001-NAT005 (no NAT gateway or internet path: the guide requires
    none, the proxy calls no AWS service); DNS001/DNS002 (both on, as the guide's table asks);
    RT001 (the VGW route is active). Nothing on the account's own endpoint service."""
    snapshot, ids = _built()
    assert audit(snapshot) == _flow_log(ids)
    assert severities(snapshot)[("MON001", ids["vpc"], "")] == "medium"


def test_the_snapshot_keeps_neither_acceptance_nor_verification() -> None:
    """What DescribeVpcEndpointServices tells the owner and the snapshot drops: ``AcceptanceRequired``
    and ``PrivateDnsNameVerificationState`` are in the very ``ServiceDetail`` collected, but
    ``EndpointService.from_api`` keeps neither, so a service requiring acceptance or with an
    unverified name is recorded like the guide's. Pinned so that a model change keeping them
    shows up here."""
    guide = r.EndpointService.from_api(service_detail((1, 2), "verified"))
    broken = service_detail((1, 2), "failed") | {"AcceptanceRequired": True}
    assert r.EndpointService.from_api(broken) == guide
    assert not {"acceptance_required", "private_dns_name_verification_state"} & set(r.EndpointService.__slots__)


def test_near_miss_load_balancer_in_one_az() -> None:
    """The load balancer mapped to use1-az1 only, so the endpoint service is offered there only. The
    guide maps it to "both of the availability zones (at least two)" and the API Reference makes
    it a hard error: connecting the key store fails with
    ``XKS_VPC_ENDPOINT_SERVICE_INVALID_CONFIGURATION`` (the load balancer must be "connected to at
    least two subnets, each in a different Availability Zone"). A gap, pinned: the audit is the
    canonical one, though the snapshot holds both the service's AZs (owned by this account) and
    the load balancer's interfaces; IFE001 judges interface endpoints, not endpoint services."""
    snapshot, ids = _built(**ONE_AZ)
    assert _service(snapshot).availability_zone_ids == ("use1-az1",)
    assert [i.subnet_id for i in snapshot.accounts[0].regions[0].network_interfaces
            if i.interface_type == "network_load_balancer"] == [ids["private1"]]
    assert audit(snapshot) == _flow_log(ids)


def test_near_miss_private_dns_name_not_verified() -> None:
    """No TXT record published: the name stays ``pendingVerification``, consumers "can use the
    private name only when the state is verified" (EC2 API Reference,
    ``PrivateDnsNameConfiguration``), and the key store's connection fails with
    ``XKS_VPC_ENDPOINT_SERVICE_INVALID_CONFIGURATION``. A gap, pinned: the snapshot is the
    canonical one to the byte (the state is dropped, see above), so is the audit."""
    snapshot, ids = _built(**UNVERIFIED)
    assert snapshot == _built()[0]
    assert audit(snapshot) == _flow_log(ids)


def test_near_miss_proxies_do_not_admit_the_load_balancer() -> None:
    """``xks-proxy`` admits 443 and 80 from the data centre's 192.168.0.0/16 instead of the load
    balancer's group: the nodes' health checks and forwarded connections are refused, every target
    is unhealthy, and KMS's requests fail (``XKS_PROXY_NOT_REACHABLE``). A gap, pinned: the audit
    is the canonical one. That the instances are the load balancer's targets, on which ports, is
    DescribeTargetGroups' and DescribeTargetHealth's, not collected; no rule judges a group no
    endpoint carries (as in ``privatelink_provider_nlb``)."""
    snapshot, ids = _built(**PROXY_ADMITS_DATACENTER)
    assert _ingress(snapshot, ids["proxy_sg"]) == {("tcp", XKS_PORT, DATACENTER), ("tcp", PING_PORT, DATACENTER)}
    assert audit(snapshot) == _flow_log(ids)
