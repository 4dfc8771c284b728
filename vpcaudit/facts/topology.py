"""Per-VPC placement facts for the report's topology picture, taken from the NetworkView.

The picture (AZs as columns: subnets, NAT gateways, endpoint ENIs) must agree with the
findings, so its public/private colouring and AZ placement come from the same view the rules
use rather than from a second reading of the snapshot in a template.
"""

from __future__ import annotations

from dataclasses import dataclass

from vpcaudit.network.view import NetworkView
from vpcaudit.snapshot import resources as r
from vpcaudit.snapshot.bulk import pickled_as_arguments, slot_init


# Built for every subnet, NAT gateway and endpoint of the audit: slot_init fills their slots faster
# than a frozen dataclass does.
@pickled_as_arguments
@slot_init
@dataclass(frozen=True, slots=True)
class TopologySubnet:
    """A subnet as the report's topology picture draws it: its AZ column and public/private style."""

    subnet_id: str
    name: str | None
    availability_zone_id: str
    cidr: str
    public: bool  # egress class igw ("Public subnet" in docs/network-model.md)


@pickled_as_arguments
@slot_init
@dataclass(frozen=True, slots=True)
class TopologyNat:
    """Where a NAT gateway sits: paths name NAT targets but not the AZ or subnet they live in."""

    nat_gateway_id: str
    subnet_id: str | None  # None for a regional NAT gateway
    availability_zone_ids: tuple[str, ...]  # one for zonal; the AZs of its addresses for regional
    connectivity: str  # public | private
    regional: bool = False
    state: str = "available"


@pickled_as_arguments
@slot_init
@dataclass(frozen=True, slots=True)
class TopologyEndpoint:
    """A VPC endpoint and the AZs of its network interfaces (none for gateway endpoints)."""

    endpoint_id: str
    service: str  # service key (s3, ssm, ecr.api) or the full service name of a PrivateLink service
    endpoint_type: str  # Interface | Gateway | GatewayLoadBalancer | Resource | ServiceNetwork
    availability_zone_ids: tuple[str, ...] = ()
    state: str = "available"


@pickled_as_arguments
@slot_init
@dataclass(frozen=True, slots=True)
class VpcTopology:
    """What the per-VPC topology picture needs beyond the paths: subnets, NAT and endpoint placement."""

    account_id: str
    region: str
    vpc_id: str
    subnets: tuple[TopologySubnet, ...] = ()
    nat_gateways: tuple[TopologyNat, ...] = ()
    endpoints: tuple[TopologyEndpoint, ...] = ()
    internet_gateway_ids: tuple[str, ...] = ()



def vpc_topologies(view: NetworkView) -> list[VpcTopology]:
    return [_topology(view, vpc) for vpc in sorted(view.vpcs.values(), key=lambda v: v.vpc_id)]


def _topology(view: NetworkView, vpc: r.Vpc) -> VpcTopology:
    # Lists, not generators, turned into tuples: built for every subnet and endpoint of the audit.
    subnets = tuple([
        TopologySubnet(s.subnet_id, view.name_of(s.tags), s.availability_zone_id or s.availability_zone,
                       s.cidr_block or ", ".join(s.ipv6_cidr_blocks), view.is_public(s.subnet_id))
        for s in view.subnets_of(vpc.vpc_id)])
    nats = tuple([
        TopologyNat(n.nat_gateway_id, n.subnet_id, _nat_azs(view, n), n.connectivity_type,
                    n.availability_mode == "regional", n.state)
        for n in view.nat_gateways_of(vpc.vpc_id)])
    endpoints = tuple([
        TopologyEndpoint(e.vpc_endpoint_id, _service_label(view, e), e.endpoint_type,
                         tuple(sorted(view.endpoint_az_ids(e))), e.state)
        for e in view.endpoints_of(vpc.vpc_id)])
    igws = tuple([g.gateway_id for g in view.internet_gateways_of(vpc.vpc_id)])
    return VpcTopology(view.account_id, view.region_name, vpc.vpc_id, subnets, nats, endpoints, igws)


def _nat_azs(view: NetworkView, nat: r.NatGateway) -> tuple[str, ...]:
    if nat.subnet_id:
        az = view.az_id_of(nat.subnet_id)
        return (az,) if az else ()
    return tuple(sorted({a.availability_zone_id or a.availability_zone or "" for a in nat.addresses} - {""}))


def _service_label(view: NetworkView, endpoint: r.VpcEndpoint) -> str:
    info = view.service(endpoint)
    return info.key if info.is_aws_service else endpoint.service_name
