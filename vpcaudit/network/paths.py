"""Traffic paths: for each subnet and destination, where the traffic actually goes, and why.

Destinations: ``s3`` and ``dynamodb`` (resolved per CIDR of their AWS-managed prefix list, so a
more specific route or a missing gateway-endpoint route shows up as NAT / split / none), every
AWS service with an interface endpoint in the VPC (private DNS decides whether the default
hostname reaches the endpoint), and ``internet`` (the subnet's IPv4 default route, or its IPv6
one when it has no IPv4 CIDR). Each path carries human-readable steps: ``vpcaudit path`` prints
them and the report shows the matrix.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from vpcaudit.network.routing import Outcome, parse_network
from vpcaudit.snapshot import resources as r
from vpcaudit.snapshot.bulk import pickled_as_arguments, slot_init
from vpcaudit.snapshot.model import Part, RegionSnapshot, State

if TYPE_CHECKING:
    from vpcaudit.network.view import Egress, NetworkView

@pickled_as_arguments
@slot_init
@dataclass(frozen=True, slots=True)
class PathStep:
    description: str


@pickled_as_arguments
@slot_init
@dataclass(frozen=True, slots=True)
class TrafficPath:
    """Where traffic from one subnet to one destination goes (rules issue: traffic paths)."""

    account_id: str
    region: str
    vpc_id: str
    subnet_id: str
    subnet_name: str | None
    availability_zone_id: str
    destination: str  # s3 | dynamodb | <service key> | internet
    # gateway-endpoint | interface-endpoint | nat | nat-instance | appliance | igw | tgw | pcx | vgw |
    # cloudwan | eigw | private-nat | firewall | local | none | ambiguous | split | unknown | other
    kind: str
    target_id: str | None
    cross_az: bool = False
    via_nat: bool = False
    detail: str = ""
    steps: tuple[PathStep, ...] = ()



# Services reached through gateway endpoints: S3 and DynamoDB, and S3 Express One Zone's
# directory buckets (`com.amazonaws.<region>.s3express`, "Networking for directory buckets").
GATEWAY_SERVICES = ("s3", "dynamodb", "s3express")
# Drawn for every VPC (its workloads may call them whatever it has); S3 Express One Zone only for a
# VPC with an endpoint for it, the sign it uses directory buckets.
ALWAYS_DRAWN = ("s3", "dynamodb")

# The parts traffic paths are computed from — one definition for the report (which paths are
# drawn, and on what assumptions) and for the diff (which paths can be compared). Without a
# required part no path is drawn: "no route" would be a guess. Without an assumed part paths are
# drawn on the stated assumption, and the report says so.
PATH_REQUIRED: tuple[Part, ...] = (Part.VPCS, Part.SUBNETS, Part.ROUTE_TABLES, Part.PREFIX_LISTS, Part.NAT_GATEWAYS,
                                   Part.VPC_ENDPOINTS)
PATH_ASSUMED: dict[Part, str] = {
    Part.VPC_ATTRIBUTES: "paths assume DNS support and DNS hostnames are on",
    Part.ENDPOINT_SERVICES: "paths take service names and hostnames from the endpoints alone",
    Part.BLOCK_PUBLIC_ACCESS: "paths assume VPC Block Public Access blocks nothing",
}
PATH_PARTS: frozenset[Part] = frozenset(PATH_REQUIRED) | frozenset(PATH_ASSUMED)
NO_PATHS = "no traffic paths drawn"


@dataclass(frozen=True, slots=True)
class PathGap:
    """A path input that was not collected in one (account, region), and what that does to its paths."""

    account_id: str
    region: str
    part: Part
    state: State
    consequence: str  # NO_PATHS, or the assumption the paths are drawn on


def path_gaps(account_id: str, region: RegionSnapshot) -> tuple[PathGap, ...]:
    """Every path input of ``region`` that is not collected, required ones first."""
    missing = [(part, region.state_of(part)) for part in (*PATH_REQUIRED, *PATH_ASSUMED)]
    return tuple(PathGap(account_id, region.region, part, status.state, PATH_ASSUMED.get(part, NO_PATHS))
                 for part, status in missing if status.state is not State.OK)


def draws_paths(gaps: tuple[PathGap, ...]) -> bool:
    """Paths are drawn unless a required input is missing."""
    return all(gap.part not in PATH_REQUIRED for gap in gaps)

# Route target kind → path kind shown to users.
_TARGET_TO_PATH = {"vpce": "gateway-endpoint", "nat": "nat", "igw": "igw", "tgw": "tgw", "pcx": "pcx",
                   "vgw": "vgw", "cloudwan": "cloudwan", "eigw": "eigw", "instance": "nat-instance",
                   "eni": "appliance", "local": "local", "none": "none", "ambiguous": "ambiguous",
                   "lgw": "local-gateway", "carrier": "carrier-gateway"}


def destinations(view: NetworkView, vpc_id: str) -> tuple[str, ...]:
    """s3, dynamodb (and s3express where the VPC has an endpoint for it), every AWS service key
    with an interface endpoint in the VPC, internet."""
    endpoint_keys = {view.service(e).key for e in view.endpoints_of(vpc_id) if view.is_aws_service_endpoint(e)}
    gateway = tuple(k for k in GATEWAY_SERVICES if k in ALWAYS_DRAWN or k in endpoint_keys)
    keys = sorted({view.service(e).key for e in view.endpoints_of(vpc_id, "Interface")
                   if view.is_aws_service_endpoint(e)} - set(GATEWAY_SERVICES))
    return (*gateway, *keys, "internet")


def traffic_paths(view: NetworkView) -> list[TrafficPath]:
    """Every subnet × destination path of the Region.

    Paths of one Region repeat most of their steps (a subnet's route table for every
    destination, a prefix list's routes for every subnet of a table): equal steps are one
    shared object (:func:`_path_steps`), which keeps the result — where paths are most of the
    weight — small.
    """
    paths = []
    for vpc_id in sorted(view.vpcs):
        vpc_destinations = destinations(view, vpc_id)
        for subnet in view.subnets_of(vpc_id):
            origin = _Origin.of(view, subnet)  # the same for each of the subnet's destinations
            for destination in vpc_destinations:
                paths.append(_path(view, origin, destination))
    return paths


def path_for(view: NetworkView, subnet: r.Subnet, destination: str) -> TrafficPath:
    """The path from ``subnet`` to ``destination`` with the steps that decided it."""
    return _path(view, _Origin.of(view, subnet), destination)


def _path_steps(view: NetworkView) -> dict[str, PathStep]:
    """The view's path steps by text, filled as paths are drawn: one object per text (a view's memo
    holds it, so steps worked out once per VPC or route table are shared as they are made)."""
    return {}


def _shared(view: NetworkView, steps: list[PathStep]) -> tuple[PathStep, ...]:
    """``steps``, each the view's one step of its text."""
    shared = view.memo(_path_steps)
    return tuple([shared.setdefault(s.description, s) for s in steps])


# What ``_internet`` and ``_gateway_way`` add to a path (shared steps) and answer: (kind, target, detail).
_Way = tuple[tuple[PathStep, ...], tuple[str, str | None, str]]


# Built for every subnet: slot_init fills its slots faster than a frozen dataclass does.
@slot_init
@dataclass(frozen=True, slots=True)
class _Origin:
    """What every path of one subnet starts from: the subnet, its name, its route-table step and
    its address families."""

    subnet: r.Subnet
    name: str | None
    table_step: PathStep
    families: tuple[bool, bool]  # NetworkView.address_families
    ipv6: bool  # an IPv6-only subnet's traffic takes ::/0; any other's, 0.0.0.0/0
    shared: dict[str, PathStep]  # the view's steps by text (_path_steps)
    # The subnet's way to the internet by address family (IPv6?): every destination reached by
    # public names takes it, so it is worked out once per subnet rather than once per destination.
    internet: dict[bool, _Way] = field(default_factory=dict)

    @classmethod
    def of(cls, view: NetworkView, subnet: r.Subnet) -> _Origin:
        shared = view.memo(_path_steps)
        step = PathStep(_table_step(view, subnet))
        step = shared.setdefault(step.description, step)
        has_v4, has_v6 = families = view.address_families(subnet.subnet_id)
        return cls(subnet, view.name_of(subnet.tags), step, families, has_v6 and not has_v4, shared)

    def share(self, step: PathStep) -> PathStep:
        """The view's one step of ``step``'s text."""
        return self.shared.setdefault(step.description, step)

    def to_internet(self, view: NetworkView, steps: list[PathStep], ipv6: bool) -> tuple[str, str | None, str]:
        """:func:`_internet` from this subnet: its steps added to ``steps``, and its answer."""
        known = self.internet.get(ipv6)
        if known is None:
            added: list[PathStep] = []
            answer = _internet(view, self.subnet, added, ipv6=ipv6)
            known = self.internet[ipv6] = (_shared(view, added), answer)
        steps.extend(known[0])
        return known[1]


def _path(view: NetworkView, origin: _Origin, destination: str) -> TrafficPath:
    """Every step added to the path is the view's shared one (:func:`_path_steps`)."""
    subnet = origin.subnet
    steps = [origin.table_step]
    ipv6 = origin.ipv6
    if destination == "internet":
        kind, target, detail = origin.to_internet(view, steps, ipv6)
    elif destination in GATEWAY_SERVICES:
        kind, target, detail = _gateway_service(view, origin, destination, steps)
    else:
        kind, target, detail = _interface_service(view, origin, destination, steps)
    cross_az = _crosses_az(view, subnet, kind, target, destination, ipv6=ipv6)
    if cross_az:
        steps.append(origin.share(PathStep(f"the path through {target} leaves {subnet.availability_zone_id}: "
                                           "traffic crosses AZs")))
    # By position, in field order: built for every subnet x destination, and keywords cost more.
    return TrafficPath(
        view.account_id, view.region_name, subnet.vpc_id, subnet.subnet_id, origin.name,
        subnet.availability_zone_id, destination, kind, target, cross_az, kind in ("nat", "nat-instance"), detail,
        tuple(steps))


def _table_step(view: NetworkView, subnet: r.Subnet) -> str:
    table = view.effective_route_table(subnet.subnet_id)
    if table is None:
        return f"{subnet.subnet_id} has no route table (none explicit and no main table collected)"
    how = "the VPC's main route table (no explicit association)" if view.uses_main_table(subnet.subnet_id) \
        else "its explicitly associated route table"
    return f"{subnet.subnet_id} ({subnet.availability_zone_id}) uses {table.route_table_id}, {how}"


def _describe_outcome(view: NetworkView, outcome: Outcome) -> str:
    if outcome.kind == "vpce":
        endpoint = view.endpoints.get(outcome.target_id or "")
        what = f"gateway endpoint for {view.service(endpoint).key}" if endpoint else "a VPC endpoint"
        return f"{outcome.target_id} ({what})"
    if outcome.kind == "nat":
        nat = view.nat_gateways.get(outcome.target_id or "")
        where = f" in {view.az_id_of(nat.subnet_id)}" if nat and nat.subnet_id else ""
        mode = f"{nat.connectivity_type} {nat.availability_mode} NAT gateway" if nat else "NAT gateway"
        return f"{outcome.target_id} ({mode}{where})"
    return f"{outcome.kind} {outcome.target_id or ''}".strip()


def _outcome_path(view: NetworkView, outcomes: Sequence[Outcome]) -> tuple[str, str | None]:
    if len(outcomes) > 1:
        return "split", None
    outcome = outcomes[0]
    if outcome.kind == "ambiguous":
        return "ambiguous", None
    if not outcome.delivers:
        return "none", outcome.target_id
    kind = _TARGET_TO_PATH.get(outcome.kind, "other")
    if outcome.kind == "vpce":
        endpoint = view.endpoints.get(outcome.target_id or "")
        if endpoint is not None and endpoint.endpoint_type == "GatewayLoadBalancer":
            kind = "firewall"
    if kind == "nat":
        nat = view.nat_gateways.get(outcome.target_id or "")
        if nat is not None and nat.connectivity_type == "private":
            kind = "private-nat"
    return kind, outcome.target_id


def resolve_service(view: NetworkView, subnet: r.Subnet,
                    service_key: str) -> tuple[tuple[Outcome, ...], str | None]:
    """Distinct per-CIDR outcomes for a gateway-endpoint service's prefix list, or an error text.

    Once per (subnet, service) and view: the traffic paths, GWE001 and IFE003 all ask."""
    return view.memo(_resolve_service, subnet.subnet_id, service_key)


def _resolve_service(view: NetworkView, subnet_id: str, service_key: str) -> tuple[tuple[Outcome, ...], str | None]:
    table = view.effective_route_table(subnet_id)
    if table is None:
        return (), "no route table"
    cidrs = view.memo(_service_cidrs, service_key, view.address_families(subnet_id))
    if cidrs is None:
        return (), f"the AWS-managed prefix list of {service_key} was not collected"
    # Subnets of one table and address family resolve the same CIDRs: once per table (whose
    # index, cached by its id, is built here from the subnet's table).
    view.route_index(table)
    return view.memo(_resolve_cidrs, table.route_table_id, cidrs), None


def _service_cidrs(view: NetworkView, service_key: str, families: tuple[bool, bool]) -> tuple[str, ...] | None:
    """The CIDRs of the service's prefix list (:func:`family_cidrs`) that subnets of the address
    families resolve; None when the list was not collected. Once per view: every subnet asks."""
    prefix_list = view.service_prefix_list(service_key)
    return None if prefix_list is None else family_cidrs(families, prefix_list.cidrs)


def _resolve_cidrs(view: NetworkView, route_table_id: str, cidrs: tuple[str, ...]) -> tuple[Outcome, ...]:
    index = view.route_index(view.route_tables[route_table_id])  # built by the caller: cached by id
    return index.distinct_outcomes(cidrs)


def family_cidrs(families: tuple[bool, bool], cidrs: tuple[str, ...]) -> tuple[str, ...]:
    """The CIDRs of the address families (IPv4, IPv6) a subnet has: an IPv6-only subnet sends no
    IPv4 packet, so the IPv4 entries of a service's prefix list say nothing about where its
    traffic goes (it reaches the service over IPv6); see ``NetworkView.address_families``."""
    v4, v6 = families
    if v4 and v6:
        return cidrs
    return tuple(c for c in cidrs if (net := parse_network(c)) is not None and net.version == (4 if v4 else 6))


def _gateway_service(view: NetworkView, origin: _Origin, service: str,
                     steps: list[PathStep]) -> tuple[str, str | None, str]:
    subnet = origin.subnet
    outcomes, error = resolve_service(view, subnet, service)
    if error:
        steps.append(origin.share(PathStep(f"cannot resolve {service}: {error}")))
        return "unknown", None, error
    if not outcomes:
        prefix_list = view.service_prefix_list(service)
        assert prefix_list is not None
        steps.append(origin.share(PathStep(
            f"{subnet.subnet_id} has no IPv4 address and {service}'s prefix list {prefix_list.prefix_list_id} has no "
            f"IPv6 CIDR: {service} traffic uses the dual-stack names over IPv6 and follows the ::/0 route")))
        return origin.to_internet(view, steps, True)
    table = view.effective_route_table(subnet.subnet_id)
    assert table is not None  # resolve_service found it
    added, answer = view.memo(_gateway_way, subnet.vpc_id, service, table.route_table_id, origin.families)
    steps.extend(added)
    return answer


def _gateway_way(view: NetworkView, vpc_id: str, service: str, route_table_id: str,
                 families: tuple[bool, bool]) -> _Way:
    """The steps and answer of a gateway service's path from the subnets of one route table and
    address families, whose CIDRs resolve alike (:func:`_resolve_service`): once for all of them."""
    prefix_list = view.service_prefix_list(service)
    assert prefix_list is not None
    outcomes = view.memo(_resolve_cidrs, route_table_id, view.memo(_service_cidrs, service, families))
    steps = [PathStep(f"{service} is {len(prefix_list.cidrs)} CIDR(s) of prefix list "
                      f"{prefix_list.prefix_list_id} ({prefix_list.prefix_list_name})")]
    for outcome in outcomes:
        steps.append(PathStep(f"{outcome.cidr}: {outcome.reason} → {_describe_outcome(view, outcome)}"))
    interface = view.memo(_interface_endpoint_serving, vpc_id, service, True)
    if interface is not None:
        steps.append(PathStep(f"private DNS of interface endpoint {interface.vpc_endpoint_id} answers {service} "
                              "names inside the VPC, so SDK traffic goes to it rather than to the routes above"))
        return _shared(view, steps), ("interface-endpoint", interface.vpc_endpoint_id,
                                      "interface endpoint via private DNS")
    kind, target = _outcome_path(view, outcomes)
    detail = ", ".join(sorted({_describe_outcome(view, o) for o in outcomes})) if kind == "split" else ""
    onward = view.beyond_private_nat(target) if kind == "private-nat" and target else None
    if onward is not None:
        detail = _through_private_nat(target or "", onward, steps)
    return _shared(view, steps), (kind, target, detail)


def gateway_endpoint_prefix_list(view: NetworkView, subnet: r.Subnet, endpoint: r.VpcEndpoint) -> str | None:
    """The prefix list by whose route ``subnet``'s calls to the gateway endpoint's service (s3,
    dynamodb) reach ``endpoint``; None when none of them do.

    As the subnet's path to the service has it: none do when an interface endpoint's private DNS
    answers the service's names in the VPC (SDK traffic goes there), else those of the prefix
    list's CIDRs its route table delivers to ``endpoint`` (:func:`resolve_service`; some are
    enough: the others take another path, which is not this endpoint's). When the service's
    prefix list was not collected, an active route of the subnet's table from a prefix list to
    ``endpoint`` stands for it (whether more specific routes carve part of it away is unknown).
    Once per (subnet, endpoint) and view.
    """
    return view.memo(_gateway_endpoint_prefix_list, subnet.subnet_id, endpoint.vpc_endpoint_id)


def _gateway_endpoint_prefix_list(view: NetworkView, subnet_id: str, endpoint_id: str) -> str | None:
    subnet, endpoint = view.subnets[subnet_id], view.endpoints[endpoint_id]
    key = view.service(endpoint).key
    if view.memo(_interface_endpoint_serving, subnet.vpc_id, key, True) is not None:
        return None
    outcomes, error = resolve_service(view, subnet, key)
    prefix_list = view.service_prefix_list(key)
    if not error and prefix_list is not None:
        reached = any(o.delivers and o.kind == "vpce" and o.target_id == endpoint_id for o in outcomes)
        return prefix_list.prefix_list_id if reached else None
    table = view.effective_route_table(subnet_id)
    return next((route.destination for route in (table.routes if table else ())
                 if route.destination_type == "prefix_list" and route.target_id == endpoint_id
                 and route.state == "active"), None)


def _through_private_nat(nat_id: str, onward: Egress, steps: list[PathStep]) -> str:
    """The step a private NAT gateway adds when its subnet sends the traffic on, and the path's detail."""
    firewalls = f"firewall endpoint(s) {', '.join(onward.hops)}, then " if onward.hops else ""
    where = f"{firewalls}{onward.klass} {onward.target_id or ''}".rstrip()
    steps.append(PathStep(f"private NAT gateway {nat_id} sends it on by its subnet's route table "
                          f"{onward.route_table_id}: {where}"))
    return f"then {where}"


def _interface_endpoint_serving(view: NetworkView, vpc_id: str, key: str, in_vpc: bool) -> r.VpcEndpoint | None:
    """The interface endpoint whose private DNS answers ``key`` names for clients in the VPC."""
    for endpoint in view.endpoints_of(vpc_id, "Interface"):
        if endpoint.state.lower() not in ("available", "partial"):
            continue  # a pending endpoint's private DNS names do not exist yet: clients resolve publicly
        info = view.service(endpoint)
        if not info.is_aws_service or info.key != key or not view.private_dns_effective(endpoint):
            continue
        if in_vpc and view.private_dns_inbound_only(endpoint):
            continue  # S3 "inbound only" private DNS: in-VPC clients use the gateway endpoint
        return endpoint
    return None


def _interface_service(view: NetworkView, origin: _Origin, key: str,
                       steps: list[PathStep]) -> tuple[str, str | None, str]:
    endpoint, step = view.memo(_interface_way, origin.subnet.vpc_id, key)
    steps.append(step)  # the view's shared step: made once per VPC and service
    if endpoint is not None:
        return "interface-endpoint", endpoint.vpc_endpoint_id, "private DNS"
    kind, target, detail = origin.to_internet(view, steps, origin.ipv6)
    why = step.description
    return kind, target, why if not detail else f"{why}; {detail}"


def _interface_way(view: NetworkView, vpc_id: str, key: str) -> tuple[r.VpcEndpoint | None, PathStep]:
    """The interface endpoint whose private DNS takes ``key``'s names for the VPC's clients (None:
    they resolve to public addresses), and the step that says why. Once per VPC and service:
    every subnet's path asks, and finding it reads every interface endpoint of the VPC."""
    endpoint = view.memo(_interface_endpoint_serving, vpc_id, key, False)
    if endpoint is not None:
        return endpoint, _shared(view, [PathStep(f"private DNS of {endpoint.vpc_endpoint_id} resolves the {key} "
                                                 "hostnames to its ENIs; traffic stays in the VPC (local route)")])[0]
    candidates = [e for e in view.endpoints_of(vpc_id, "Interface") if view.service(e).key == key]
    if not candidates:
        why = f"no usable interface endpoint for {key}"
    elif candidates[0].state.lower() not in ("available", "partial"):
        why = (f"{candidates[0].vpc_endpoint_id} is {candidates[0].state}, so its private DNS names are not active; "
               "the default hostname resolves to public addresses")
    else:
        why = (f"{candidates[0].vpc_endpoint_id} exists but its private DNS is off or cannot work "
               "(VPC DNS attributes); the default hostname resolves to public addresses")
    return None, _shared(view, [PathStep(why)])[0]


def _internet(view: NetworkView, subnet: r.Subnet, steps: list[PathStep], *,
              ipv6: bool = False) -> tuple[str, str | None, str]:
    table = view.effective_route_table(subnet.subnet_id)
    if table is None and view.is_shared_from_other_account(subnet):
        why = f"{subnet.subnet_id} is shared by account {subnet.owner_id}, whose route tables are not visible here"
        steps.append(PathStep(why))
        return "unknown", None, why
    if table is None:
        return "none", None, "no route table"
    default = "::/0" if ipv6 else "0.0.0.0/0"
    outcome = view.route_index(table).resolve(default)
    steps.append(PathStep(f"{default}: {outcome.reason} → {_describe_outcome(view, outcome)}"))
    egress = view.egress(subnet.subnet_id, ipv6=ipv6)
    if egress.private_nat is not None:
        return "private-nat", egress.private_nat, _through_private_nat(egress.private_nat, egress, steps)
    if egress.hops:
        steps.append(PathStep(f"through firewall endpoint(s) {', '.join(egress.hops)}, then {egress.klass} "
                              f"{egress.target_id or ''}".rstrip()))
        return "firewall", egress.hops[0], f"then {egress.klass} {egress.target_id or ''}".rstrip()
    if egress.detail:
        steps.append(PathStep(egress.detail))
    kind, target = _outcome_path(view, [outcome])
    if egress.klass == "none" and kind == "igw":
        return "none", target, egress.detail
    return kind, target, egress.detail


def _crosses_az(view: NetworkView, subnet: r.Subnet, kind: str, target: str | None, destination: str, *,
                ipv6: bool = False) -> bool:
    """Does the path leave the subnet's AZ? For NAT gateways this is NAT002's test, reached
    directly or through firewall endpoints: a public zonal NAT gateway whose AZ ID is known and
    differs (regional and private NAT gateways, and unknown AZs, are never called cross-AZ)."""
    az = subnet.availability_zone_id
    if kind == "firewall" and target:
        egress = view.egress(subnet.subnet_id, ipv6=ipv6)
        if egress.hops[:1] != (target,) or egress.klass != "nat":
            return False
        kind, target = "nat", egress.target_id
    if kind == "nat" and target:
        nat = view.nat_gateways.get(target)
        if nat is None or nat.connectivity_type != "public" or nat.availability_mode == "regional":
            return False
        nat_az = view.nat_az_id(nat)
        return nat_az is not None and nat_az != az
    if kind == "interface-endpoint" and target and destination != "internet":
        endpoint = view.endpoints.get(target)
        return endpoint is not None and az not in view.endpoint_az_ids(endpoint)
    return False
