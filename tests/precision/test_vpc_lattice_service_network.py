"""Amazon VPC Lattice: the Lattice Blueprints' centralized VPC endpoints behind a resource gateway,
reached through a service-network VPC association, a service-network endpoint and a resource
endpoint: every finding and its verdict (docs/precision.md)."""

from __future__ import annotations

from functools import cache

from aws_layout import audit, region_view, severities
from layouts import vpc_lattice_service_network as lattice
from layouts.vpc_lattice_service_network import LATTICE_CIDRS, REGION, SERVICES, VPC_CIDR

from vpcaudit.network.secgroups import endpoints_by_group
from vpcaudit.snapshot.model import Snapshot

Triples = set[tuple[str, str, str]]
VPCS = ("endpoints_vpc", "consumer_vpc", "sn_vpc", "resource_vpc")


@cache
def _built(**options: object) -> tuple[Snapshot, dict[str, str]]:
    """Each variant built once: the builder is deterministic and the snapshot immutable."""
    return lattice.build(**options)  # type: ignore[arg-type]


def _flow_logs(ids: dict[str, str]) -> Triples:
    """Right, medium: neither the sample nor the endpoint consumers create a flow log."""
    return {("MON001", ids[vpc], "fail") for vpc in VPCS}


def _hub_private_dns_off(ids: dict[str, str]) -> Triples:
    """DNS003 on the four endpoints of the endpoints VPC, medium: wrong for this layout, and no rule
    can tell from the snapshot. The sample turns private DNS off on purpose (``private_dns =
    false``): each endpoint is the DNS target of a resource configuration (its first DNS name), and
    the consumers' default hostnames reach it through the service network's private DNS and the
    resource gateway, none of which is collected. Nothing in the endpoints VPC calls the services
    (its only interfaces are the endpoints' and the resource gateway's), and turning private DNS on,
    the fix, is harmless. A gap, pinned: the finding would go with VPC Lattice's resource
    configurations in the snapshot (see "Noticed and left alone")."""
    return {("DNS003", ids[key], "fail") for key in SERVICES}


def _session_manager_bundle(ids: dict[str, str]) -> Triples:
    """IFE003 on the endpoints VPC, info: right (advice). The sample centralizes ssm, ssmmessages
    and ec2messages without kms and logs, which Session Manager needs only for KMS-encrypted
    sessions and session logs; a consumer would need them as resource configurations too."""
    return {("IFE003", ids["endpoints_vpc"], "fail")}


def _default_endpoint_policies(ids: dict[str, str]) -> Triples:
    """POL001 on ssm and sts, medium: right (advice). AWS's default full access, and the service
    network's ``auth_type`` is NONE, so no Lattice auth policy stands in front of the endpoints
    either. ssmmessages and ec2messages take no endpoint policy: rightly silent."""
    return {("POL001", ids[key], "fail") for key in ("ssm", "sts")}


def _baseline(ids: dict[str, str]) -> Triples:
    return _flow_logs(ids) | _hub_private_dns_off(ids) | _session_manager_bundle(ids) | _default_endpoint_policies(ids)


def test_the_snapshot_is_the_sample_and_the_endpoint_consumers() -> None:
    """The builder against the sample: four VPCs of 10.0.0.0/16 with /56s, private subnets on
    local-only tables, the hub's four interface endpoints with private DNS off behind the group
    admitting 443 from the resource gateway's, the association's group with no egress; the two
    Lattice endpoints as DescribeVpcEndpoints reports them, and the Lattice prefix lists."""
    snapshot, ids = _built()
    region = snapshot.accounts[0].regions[0]
    vpcs = {v.vpc_id: v for v in region.vpcs}
    assert [(vpcs[ids[v]].cidr_blocks, len(vpcs[ids[v]].ipv6_cidr_blocks)) for v in VPCS] == [((VPC_CIDR,), 1)] * 4
    assert all(v.enable_dns_support and v.enable_dns_hostnames for v in region.vpcs)
    assert all(route.target_kind == "local" for table in region.route_tables for route in table.routes)
    assert sorted((s.cidr_block, s.availability_zone_id) for s in region.subnets if s.vpc_id == ids["endpoints_vpc"]) \
        == [("10.0.0.0/24", "use1-az1"), ("10.0.1.0/24", "use1-az2"), ("10.0.2.0/24", "use1-az1"),
            ("10.0.3.0/24", "use1-az2")]
    endpoints = {e.vpc_endpoint_id: e for e in region.vpc_endpoints}
    for key in SERVICES:
        endpoint = endpoints[ids[key]]
        assert (endpoint.endpoint_type, endpoint.service_name, endpoint.private_dns_enabled, endpoint.group_ids) \
            == ("Interface", f"com.amazonaws.{REGION}.{key}", False, (ids["endpoint_sg"],))
    groups = {g.group_id: g for g in region.security_groups}
    hub_rules = groups[ids["endpoint_sg"]].rules
    assert [(x.is_egress, x.ip_protocol, x.from_port, x.referenced_group_id, x.cidr_ipv4) for x in hub_rules] \
        == [(False, "tcp", 443, ids["rgw_sg"], None), (True, "-1", None, None, VPC_CIDR)]
    assert [(x.is_egress, x.from_port, x.to_port, x.cidr_ipv4) for x in groups[ids["rgw_sg"]].rules] \
        == [(True, 0, 65535, VPC_CIDR)]
    assert [(x.is_egress, x.from_port, x.referenced_group_id) for x in groups[ids["consumer_lattice_sg"]].rules] \
        == [(False, 443, ids["consumer_instance_sg"])]
    for key, kind, entries in (("sn_endpoint", "ServiceNetwork", 0), ("resource_endpoint", "Resource", 1)):
        endpoint = endpoints[ids[key]]
        assert (endpoint.endpoint_type, endpoint.service_name, endpoint.policy_document, endpoint.ip_address_type,
                endpoint.private_dns_enabled, len(endpoint.subnet_ids), len(endpoint.network_interface_ids),
                len(endpoint.dns_entries)) == (kind, "", None, "IPV4", True, 2, 2, entries)
    assert "" not in {s.service_name for s in region.endpoint_services}
    lists = {p.prefix_list_name: p for p in region.prefix_lists}
    assert lists[f"com.amazonaws.{REGION}.vpc-lattice"].cidrs == LATTICE_CIDRS
    assert lists[f"com.amazonaws.{REGION}.vpc-lattice"].aws_managed
    view = region_view(snapshot)
    assert [e.network_interface_id for e in view.workload_enis(ids["consumer_vpc"])] \
        == sorted([ids["consumer_instance1"], ids["consumer_instance2"]])


def test_findings_and_verdicts_of_the_sample() -> None:
    """MON001 × 4, DNS003 × 4 (a gap, pinned), IFE003 (info), POL001 × 2. Silent, rightly: every
    rule on the association (not collected, and it needs none), IFE001/IFE002 (both Lattice
    endpoints in both client AZs), SG001-SG006 (the endpoints VPC's groups admit 443 from the
    resource gateway's group only; the Lattice endpoints' groups 443 from the instances'),
    DNS001/DNS002 (both attributes on everywhere), DNS004 (no customer zone), GWE002/GWE003 (no
    NAT), NAT rules, ACL001."""
    snapshot, ids = _built()
    assert audit(snapshot) == _baseline(ids)
    levels = severities(snapshot)
    assert {levels[("DNS003", ids[key], "")] for key in SERVICES} == {"medium"}
    assert levels[("IFE003", ids["endpoints_vpc"], "session-manager:optional")] == "info"


def test_lattice_endpoints_are_no_aws_service_endpoints() -> None:
    """The network model's reading of the two Lattice endpoints: no AWS service (``called_service``
    None: any workload may call a service network or a resource, a DB instance included), no
    known port, no policy scope, not among the security-group rules' interface endpoints. Right:
    ``PolicyDocument`` is for "Interface and gateway endpoints" only (CreateVpcEndpoint), and the
    ports are the service network's listeners and resource configurations', not collected."""
    snapshot, ids = _built()
    view = region_view(snapshot)
    for key in ("sn_endpoint", "resource_endpoint"):
        endpoint = view.endpoints[ids[key]]
        assert not view.is_aws_service_endpoint(endpoint)
        assert view.called_service(endpoint) is None
        assert view.service(endpoint).ports == ()
        assert all(endpoint not in eps for eps in endpoints_by_group(view).values())


def test_no_verdict_depends_on_the_resource_gateways_interfaces() -> None:
    """Without the resource gateway's interfaces (their DescribeNetworkInterfaces form is not
    documented): the same findings. SG003 stays silent on the hub's endpoints either way — with
    them, the gateway's group carries workloads; without, the endpoints VPC has no client."""
    snapshot, ids = _built(gateway_enis=False)
    assert audit(snapshot) == _baseline(ids)


def test_near_miss_clients_sending_only_to_the_vpc_block_goes_unreported() -> None:
    """The instances' groups sending only TCP 443 to 10.0.0.0/16: the association's consumers
    cannot reach the service network, whose addresses are the link-local and non-routable ones of
    the ``vpc-lattice`` prefix list ("The client's security group rules control outbound traffic to
    VPC Lattice", Lattice User Guide, security groups): SSM and STS calls time out. A gap, pinned: the
    snapshot holds no service-network VPC association, so nothing tells that the VPC needs the
    prefix list. The endpoint consumers are fine (their endpoints have addresses in the VPC):
    rightly silent there."""
    snapshot, ids = _built(client_egress="vpc-cidr")
    assert audit(snapshot) == _baseline(ids)


def test_near_miss_clients_sending_only_to_the_lattice_prefix_list() -> None:
    """The instances' groups sending only TCP 443 to the ``vpc-lattice`` prefix list — the rule the
    association needs, kept where an endpoint connects the VPC: SG005 on the service-network
    endpoint consumers' and the resource endpoint consumers' groups. A service-network endpoint
    "requires a contiguous /28 block of IPv4 addresses" in its subnets (PrivateLink Guide,
    service-network endpoints) and a resource endpoint's interfaces are in its subnets: clients
    send to those VPC addresses, not to the prefix list, and these groups let no TCP port out to
    them, whatever port the service network listens on. Rightly silent on the association's
    consumers, for whom that rule is the right one. Rule wrong, fixed: SG005 judged AWS-service
    interface endpoints alone; it now judges these two on any TCP port (theirs is not collected),
    and its fix leaves the port to be filled in."""
    snapshot, ids = _built(client_egress="lattice-prefix-list")
    assert audit(snapshot) == _baseline(ids) | {("SG005", ids["sn_instance_sg"], "fail"),
                                                ("SG005", ids["resource_instance_sg"], "fail")}


def test_near_miss_resource_endpoint_in_one_az() -> None:
    """The resource endpoint given one subnet: IFE001 and IFE002 not evaluated. Right: one AZ
    carries every client and the second AZ's instances cross AZs, but a resource endpoint is in no
    DescribeVpcEndpointServices answer, and where it can have interfaces depends on the AZs VPC
    Lattice serves and the resource gateway's ("At least one Availability Zone of the VPC endpoint
    and the resource gateway have to overlap", PrivateLink Guide, resource gateways), none of which
    the snapshot holds."""
    snapshot, ids = _built(resource_endpoint_azs=1)
    assert audit(snapshot) == _baseline(ids) | {("IFE001", ids["resource_endpoint"], "not_evaluated"),
                                                ("IFE002", ids["resource_endpoint"], "not_evaluated")}


def test_near_miss_resource_endpoint_in_the_default_group() -> None:
    """The resource endpoint created without ``--security-group-ids``, as the CLI reference's
    example does: "If this parameter is not specified, we use the default security group for the
    VPC" (CreateVpcEndpoint, for Interface, Resource and ServiceNetwork endpoints). The default group
    admits only its members; the instances carry their own group: SG003 on the endpoint — every STS
    call times out, whatever port the resource configuration uses. Rule wrong, fixed: SG003 judged
    Interface endpoints alone."""
    snapshot, ids = _built(resource_endpoint_groups="default")
    assert audit(snapshot) == _baseline(ids) | {("SG003", ids["resource_endpoint"], "fail")}


def test_near_miss_hub_zone_left_beside_the_service_network_endpoint() -> None:
    """The service-network endpoint's VPC keeps ``ssm.us-east-1.amazonaws.com`` from a hub-and-spoke
    past, its apex aliased to the endpoints VPC's ssm endpoint: DNS004 on the zone. The zone is
    associated with the VPC, and Route 53 associates no second zone of the same name with it
    ("The VPC that you specified is already associated with another hosted zone that has the same
    name", ConflictingDomainExists), so it is what Resolver consults for the name rather than the
    endpoint's private DNS. It answers with the hub endpoint's 10.0.x.x addresses, inside this
    VPC's own 10.0.0.0/16: the local route keeps them in the VPC (no peering can join overlapping
    blocks), so SSM is unreachable from the instances. DNS003 on the hub's ssm endpoint is
    unchanged (the zone is not associated with the hub). Rule wrong, fixed: DNS004 took a record
    naming a live endpoint as good wherever the endpoint was; an endpoint of another VPC whose
    addresses lie inside the querying VPC's own blocks is now a wrong answer."""
    snapshot, ids = _built(hub_zone=True)
    assert audit(snapshot) == _baseline(ids) | {("DNS004", ids["hub_zone"], "fail")}
