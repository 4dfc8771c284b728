"""Security-group evaluation: which TCP ports a rule opens, and to or from whom.

Security groups only allow, and an ENI's groups are unioned, so every question the SG rules
ask reduces to "does *some* rule of these groups allow TCP port P from (or to) this peer?".
A rule's peer is a CIDR, a referenced security group or a prefix list; a prefix list this
snapshot does not hold makes the answer *unknown* (``None``), never "no": the rules then
report not evaluated instead of a finding built on a guess.

Routing questions the SG rules share (is a CIDR reached through a transit gateway, peering,
Cloud WAN or a virtual private gateway from the endpoint's subnets?) live here too, because
only the SG rules ask them: a source CIDR "outside the VPC" is legitimate exactly when remote
clients are routed to the VPC.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from vpcaudit.network.dns import vpcs_served_through_zones
from vpcaudit.network.routing import Network, cidr_facts, parse_network
from vpcaudit.network.view import kinds_not_calling
from vpcaudit.snapshot import resources as r

if TYPE_CHECKING:
    from vpcaudit.network.view import ManagedKind, NetworkView

ALL_PORTS = (0, 65535)
# Route targets that bring other networks (peered VPCs, TGW spokes, VPN, Direct Connect) to a VPC.
REMOTE_KINDS = frozenset({"tgw", "pcx", "vgw", "cloudwan"})

_ANY = frozenset({"-1", "all"})
_TCP = frozenset({"tcp", "6"})
_UDP = frozenset({"udp", "17"})
DNS_PORT = 53


# -- what a rule opens ------------------------------------------------------------------------

def tcp_range(rule: r.SecurityGroupRule) -> tuple[int, int] | None:
    """The TCP ports a rule opens (all traffic opens every port), or None when it opens no TCP."""
    if rule.ip_protocol in _ANY:
        return ALL_PORTS
    if rule.ip_protocol not in _TCP:
        return None
    if rule.from_port is None or rule.to_port is None:
        return ALL_PORTS
    return rule.from_port, rule.to_port


def allows_tcp(rule: r.SecurityGroupRule, ports: Iterable[int]) -> bool:
    """Does the rule open TCP on at least one of ``ports``?"""
    span = tcp_range(rule)
    return span is not None and any(span[0] <= p <= span[1] for p in ports)


def allows_dns(rule: r.SecurityGroupRule) -> bool:
    """Does the rule open port 53 over TCP or UDP (a DNS server's, such as a Resolver endpoint's)?"""
    if rule.ip_protocol in _ANY:
        return True
    if rule.ip_protocol not in _TCP | _UDP:
        return False
    return rule.from_port is None or rule.to_port is None or rule.from_port <= DNS_PORT <= rule.to_port


def opens_beyond(rule: r.SecurityGroupRule, ports: frozenset[int]) -> bool:
    """Does the rule open anything besides TCP ``ports``? (All traffic, other TCP ports, any UDP.)

    ICMP and port-less protocols are not counted: they open no port a service could listen on.
    """
    if rule.ip_protocol in _ANY or rule.ip_protocol in _UDP:
        return True
    span = tcp_range(rule)
    if span is None:
        return False
    inside = sum(1 for p in ports if span[0] <= p <= span[1])
    return span[1] - span[0] + 1 > inside


def opens_non_tcp(rule: r.SecurityGroupRule) -> bool:
    """Does the rule open ports of a protocol other than TCP (all traffic, any UDP)? Counted as
    :func:`opens_beyond` counts them: ICMP and port-less protocols open no port."""
    return rule.ip_protocol in _ANY or rule.ip_protocol in _UDP


def describe_ports(rule: r.SecurityGroupRule) -> str:
    """'all traffic', 'TCP 443', 'TCP 1024-65535', 'UDP 53', 'icmp' — how the console says it."""
    if rule.ip_protocol in _ANY:
        return "all traffic"
    name = "TCP" if rule.ip_protocol in _TCP else "UDP" if rule.ip_protocol in _UDP else rule.ip_protocol
    if rule.ip_protocol not in _TCP | _UDP:
        return name
    low, high = (rule.from_port, rule.to_port) if rule.from_port is not None and rule.to_port is not None \
        else ALL_PORTS
    return f"{name} {low}" if low == high else f"{name} {low}-{high}"


def peer_label(rule: r.SecurityGroupRule) -> str:
    """The rule's source (ingress) or destination (egress) as AWS shows it."""
    return rule.cidr_ipv4 or rule.cidr_ipv6 or rule.prefix_list_id or rule.referenced_group_id or "?"


def rule_cidr(rule: r.SecurityGroupRule) -> str | None:
    return rule.cidr_ipv4 or rule.cidr_ipv6


def ingress(group: r.SecurityGroup) -> tuple[r.SecurityGroupRule, ...]:
    return tuple(x for x in group.rules if not x.is_egress)


def egress(group: r.SecurityGroup) -> tuple[r.SecurityGroupRule, ...]:
    return tuple(x for x in group.rules if x.is_egress)


def format_ports(ports: Iterable[int]) -> str:
    """'TCP 443', 'TCP 22/443' or, with three or more consecutive ports, 'TCP 443/1024-1064'."""
    runs: list[list[int]] = []
    for port in sorted(set(ports)):
        if runs and port == runs[-1][-1] + 1:
            runs[-1].append(port)
        else:
            runs.append([port])
    return "TCP " + "/".join(f"{run[0]}-{run[-1]}" if len(run) > 2 else "/".join(map(str, run)) for run in runs)


def configured_ports_note(view: NetworkView, endpoints: Iterable[r.VpcEndpoint]) -> str:
    """`` (configured for <service> in service-ports; the service publishes no port)`` when the
    ports a finding judges by are the user's word, not the service's (a PrivateLink service's, set
    with ``service-ports``); "" otherwise. A reader must be able to tell an assumption from a fact."""
    configured = sorted({(info.name, info.ports) for e in endpoints if (info := view.service(e)).ports_configured})
    if not configured:
        return ""
    if len(configured) == 1:
        return f" (configured for {configured[0][0]} in service-ports; the service publishes no port)"
    each = ", ".join(f"{format_ports(ports)} for {name}" for name, ports in configured)
    return f" ({each}: configured in service-ports; those services publish no port)"


# -- whom a rule covers -----------------------------------------------------------------------

def overlaps(cidr: str, others: Iterable[str]) -> bool:
    """Do ``cidr`` and any of ``others`` share at least one address (same address family)?"""
    facts = cidr_facts(cidr)
    if facts is None:
        return False
    _, version, first, last, _, _ = facts
    # Two CIDR blocks of a family share an address when their spans meet: compared as integers,
    # remembered by the text, rather than through the ipaddress objects' Python methods.
    return any(o is not None and o[1] == version and o[2] <= last and first <= o[3]
               for o in map(cidr_facts, others))


def covered_by(cidr: str, others: Iterable[str]) -> bool:
    """Is every address of ``cidr`` inside ``others`` taken together (same address family)? Two
    halves cover their whole; a rule to part of a range does not cover the range."""
    net = parse_network(cidr)
    if net is None:
        return False
    inner = [o for other in others if (o := parse_network(other)) is not None and o.version == net.version]
    return not _uncovered(net, inner)


def is_world(cidr: str | None) -> bool:
    net = parse_network(cidr) if cidr else None
    return net is not None and net.prefixlen == 0


@dataclass(frozen=True, slots=True)
class Peer:
    """The other side of a connection: its CIDRs (an address is a /32 or /128) and its groups."""

    cidrs: tuple[str, ...]
    group_ids: frozenset[str] = frozenset()


def covers(view: NetworkView, rule: r.SecurityGroupRule, peer: Peer) -> bool | None:
    """Does the rule's CIDR, group reference or prefix list cover at least part of ``peer``?

    None when the rule names a prefix list this snapshot does not hold.
    """
    cidr = rule_cidr(rule)
    if cidr:
        return overlaps(cidr, peer.cidrs)
    if rule.referenced_group_id:
        return rule.referenced_group_id in peer.group_ids
    if rule.prefix_list_id:
        cidrs = view.prefix_list_cidrs(rule.prefix_list_id)
        if cidrs is None:
            return None
        return any(overlaps(c, peer.cidrs) for c in cidrs)
    return False


def group_allows(view: NetworkView, group: r.SecurityGroup, *, outbound: bool, ports: Iterable[int] | None,
                 peer: Peer) -> bool | None:
    """Does some rule of ``group`` (one direction) allow TCP on one of ``ports`` with ``peer``?
    ``ports`` None: on any TCP port, for a destination whose port is not collected (a VPC Lattice
    endpoint's), where every TCP rule may be the right one.

    True as soon as one rule does; None when no rule does but one names an unknown prefix list.
    A group without rules of that direction allows nothing.
    """
    wanted = None if ports is None else tuple(ports)
    unknown = False
    for rule in egress(group) if outbound else ingress(group):
        if not (tcp_range(rule) is not None if wanted is None else allows_tcp(rule, wanted)):
            continue
        verdict = covers(view, rule, peer)
        if verdict:
            return True
        unknown = unknown or verdict is None
    return None if unknown else False


# IPv4 space no internet client connects from: private (RFC 1918) and shared (RFC 6598, carrier-grade
# NAT) addresses are not routed on the internet, and a client reaching a public address through an
# internet gateway arrives with its own public source address.
NON_INTERNET_IPV4 = ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10")


def admits_internet(view: NetworkView, endpoint: r.VpcEndpoint) -> bool | None:
    """Does some ingress rule of the endpoint's groups open a TCP port to an IPv4 source reaching
    beyond private and shared space and the VPC's own blocks — a client on the internet, reaching
    the endpoint's public IPv4 addresses? A group reference admits its members only, whose
    addresses are private.

    True as soon as one rule does; None when none does but a group or a prefix list is not collected.
    """
    own = tuple(c for c in view.vpc_cidrs(endpoint.vpc_id) if cidr_family(c) == 4)
    unknown = False
    for group_id in endpoint.group_ids:
        group = view.security_groups.get(group_id)
        if group is None:
            unknown = True
            continue
        for rule in ingress(group):
            if tcp_range(rule) is None or rule.referenced_group_id:
                continue
            cidrs = (rule.cidr_ipv4,) if rule.cidr_ipv4 else (
                view.prefix_list_cidrs(rule.prefix_list_id) if rule.prefix_list_id else ())
            if cidrs is None:
                unknown = True
            elif any(cidr_family(c) == 4 and not covered_by(c, (*NON_INTERNET_IPV4, *own)) for c in cidrs):
                return True
    return None if unknown else False


def workload_groups(view: NetworkView) -> frozenset[str]:
    """Groups attached to at least one workload ENI anywhere in the region (peered VPCs included)."""
    return view.memo(_groups_of_workloads, frozenset())


def client_groups(view: NetworkView, endpoint: r.VpcEndpoint) -> frozenset[str]:
    """Groups attached to at least one workload ENI, anywhere in the region, that may call the
    endpoint's service (``NetworkView.may_call``: a DB instance's or Redshift cluster's interface
    only for the services its engine calls). One answer per set of managed kinds left out — a
    handful per Region — each worked out once."""
    return view.memo(_groups_of_workloads, kinds_not_calling(view.called_service(endpoint)))


def _groups_of_workloads(view: NetworkView, left_out: frozenset[str]) -> frozenset[str]:
    """Groups of the region's workload ENIs but those of the managed kinds ``left_out``."""
    return frozenset(g for kind, groups in view.memo(_workload_groups_by_kind).items()
                     if kind is None or not kind.among(left_out) for g in groups)


def _workload_groups_by_kind(view: NetworkView) -> dict[ManagedKind | None, frozenset[str]]:
    """Managed kind (None for ordinary workloads) → groups of the region's workload ENIs of that
    kind: worked out once, whichever kinds an endpoint's service leaves out."""
    out: dict[ManagedKind | None, set[str]] = {}
    for eni in view.interfaces.values():
        if view.is_workload(eni):
            out.setdefault(view.managed_kind_of(eni), set()).update(eni.group_ids)
    return {k: frozenset(v) for k, v in out.items()}


def clients_of_endpoint(view: NetworkView, endpoint: r.VpcEndpoint) -> tuple[str, ...]:
    """VPCs of this view with workload ENIs that may call the endpoint's service
    (``NetworkView.may_call``) and can reach ``endpoint``: its own VPC, and VPCs whose client
    subnets route to one of its subnets through a transit gateway, peering, Cloud WAN or VGW.

    Empty means nobody a security group could block exists yet (a network stack deployed before
    its workloads; only a DB instance, whose engine calls no such service). Networks beyond this
    account and Region are not visible here.
    """
    service = view.called_service(endpoint)
    found = [endpoint.vpc_id] if view.client_enis(endpoint.vpc_id, service) else []
    targets = view.endpoint_subnet_cidrs(endpoint)
    for vpc_id in sorted(view.vpcs):
        if vpc_id == endpoint.vpc_id:
            continue
        if any(routing is not None and routing.remote
               for subnet in view.client_subnets(vpc_id, service) for cidr in targets
               for routing in (cidr_routing(view, subnet.subnet_id, cidr),)):
            found.append(vpc_id)
    return tuple(found)


def remote_clients_of_endpoint(view: NetworkView, endpoint: r.VpcEndpoint, accounts: Mapping[tuple[str, str], str],
                               scope_view: Callable[[str, str], NetworkView | None]) -> tuple[tuple[str, str], ...]:
    """(account, VPC) of other scanned accounts that hold clients of ``endpoint``: the centralized
    endpoint pattern, where private hosted zones answering for the service's names (a record
    aliasing one of the endpoint's DNS names) are associated with other accounts' VPCs, whose
    client subnets route to the endpoint's subnets through a transit gateway, peering, Cloud WAN or
    VGW (:func:`clients_of_endpoint`'s test, asked in that account's view). ``accounts`` gives
    the scanned account holding a VPC (:func:`vpcaudit.network.dns.vpc_accounts`), ``scope_view``
    that account's view of the Region. A VPC of an account not scanned is not seen."""
    region = view.region_name
    spokes = sorted({(accounts[key], vpc_id) for key in vpcs_served_through_zones(view, endpoint)
                     for vpc_id, vpc_region in (key,) if vpc_id not in view.vpcs and vpc_region == region
                     and key in accounts and accounts[key] != view.account_id})
    service, targets = view.called_service(endpoint), view.endpoint_subnet_cidrs(endpoint)
    found = []
    for account_id, vpc_id in spokes:
        remote = scope_view(account_id, region)
        if remote is not None and any(
                routing is not None and routing.remote
                for subnet in remote.client_subnets(vpc_id, service) for cidr in targets
                for routing in (cidr_routing(remote, subnet.subnet_id, cidr),)):
            found.append((account_id, vpc_id))
    return tuple(found)


def endpoints_by_group(view: NetworkView) -> dict[str, tuple[r.VpcEndpoint, ...]]:
    """Security group id → the interface endpoints carrying it (ended endpoints left out), sorted."""
    out: dict[str, list[r.VpcEndpoint]] = {}
    for endpoint in sorted(view.endpoints.values(), key=lambda e: e.vpc_endpoint_id):
        if endpoint.endpoint_type != "Interface" or view.endpoint_ended(endpoint):
            continue
        for group_id in endpoint.group_ids:
            out.setdefault(group_id, []).append(endpoint)
    return {g: tuple(eps) for g, eps in sorted(out.items())}


# An interface endpoint's IpAddressType → the address families its network interfaces have.
_ENDPOINT_FAMILIES = {"ipv4": frozenset({4}), "ipv6": frozenset({6}), "dualstack": frozenset({4, 6})}


def endpoint_families(endpoint: r.VpcEndpoint) -> frozenset[int]:
    """IP versions the endpoint has addresses in: ``ipv6`` endpoints (in IPv6-only subnets) have
    no IPv4 address, so no IPv4 rule admits anyone to them, and ``ipv4`` ones none in IPv6. An
    endpoint recorded without a type is taken to have both (nothing is ruled out on a guess)."""
    return _ENDPOINT_FAMILIES.get((endpoint.ip_address_type or "").lower(), frozenset({4, 6}))  # Lattice's: IPV4


def cidr_family(cidr: str) -> int | None:
    """4 or 6 for a CIDR, None for text that is not one."""
    net = parse_network(cidr)
    return None if net is None else net.version


def endpoint_label(view: NetworkView, endpoint: r.VpcEndpoint) -> str:
    """'vpce-0abc (ssm)': the id and the service key (or PrivateLink service name) readers look for;
    a VPC Lattice endpoint, which names no service, by what it reaches."""
    what = view.service(endpoint).key or _LATTICE_LABELS.get(endpoint.endpoint_type, endpoint.endpoint_type)
    return f"{endpoint.vpc_endpoint_id} ({what})"


_LATTICE_LABELS = {"Resource": "VPC Lattice resource", "ServiceNetwork": "VPC Lattice service network"}
# VPC Lattice's endpoints: their port is the resource configuration's, or the service network's
# services', none of which the snapshot holds.
LATTICE_PORTS = {"Resource": "the resource configuration's port", "ServiceNetwork": "the services' ports"}
LATTICE_TYPES = frozenset(LATTICE_PORTS)


def endpoint_peer(view: NetworkView, endpoint: r.VpcEndpoint) -> Peer:
    """An endpoint as a destination: its ENI addresses and its groups.

    An address outside its ENI's subnet (moto hands endpoint ENIs random addresses; AWS always
    assigns from the subnet) is replaced by that subnet's CIDR; without ENI records, the
    endpoint's subnet CIDRs stand in.
    """
    addresses: list[str] = []
    for eni_id in endpoint.network_interface_ids:
        eni = view.interfaces.get(eni_id)
        if eni is None:
            continue
        subnet = view.subnets.get(eni.subnet_id)
        subnet_cidrs = ((subnet.cidr_block,) if subnet and subnet.cidr_block else ()) + (
            subnet.ipv6_cidr_blocks if subnet else ())
        hosts = [f"{ip}/32" for ip in eni.private_ip_addresses] + [f"{ip}/128" for ip in eni.ipv6_addresses if ip]
        addresses += [_within(host, subnet_cidrs) for host in hosts]
    if not addresses:
        addresses = list(view.endpoint_subnet_cidrs(endpoint))
    return Peer(tuple(dict.fromkeys(addresses)), frozenset(endpoint.group_ids))


def _within(host: str, subnet_cidrs: tuple[str, ...]) -> str:
    """``host``, or its subnet's CIDR of the same family when the address lies outside it."""
    same_family = [c for c in subnet_cidrs if (":" in c) == (":" in host)]
    return host if not same_family or overlaps(host, same_family) else same_family[0]


# -- routing of remote networks ---------------------------------------------------------------

def remote_routes(view: NetworkView, vpc_id: str) -> tuple[tuple[str, r.Route], ...]:
    """Active routes of the VPC's route tables to peering, TGW, Cloud WAN or a VGW (VPN / DX)."""
    return tuple((t.route_table_id, route) for t in view.route_tables_of(vpc_id) for route in t.routes
                 if route.target_kind in REMOTE_KINDS and route.state == "active")


@dataclass(frozen=True, slots=True)
class CidrRouting:
    """Where the parts of one CIDR go from one subnet's route table."""

    remote: tuple[str, ...]  # parts delivered to a TGW, peering, Cloud WAN or VGW
    local: tuple[str, ...]  # parts inside the VPC (local route)
    elsewhere: tuple[str, ...]  # parts that go anywhere else, or nowhere ("10.0.0.0/8 → nat nat-1")
    unresolved_prefix_lists: tuple[str, ...]  # prefix-list routes whose CIDRs are unknown


def routed_beyond_vpc(view: NetworkView, endpoint: r.VpcEndpoint, cidr: str) -> bool:
    """Is part of ``cidr`` routed from one of the endpoint's subnets to a remote network (a transit
    gateway, peering, Cloud WAN, a VGW): remote clients of the endpoint?"""
    for subnet_id in endpoint.subnet_ids:
        routing = cidr_routing(view, subnet_id, cidr)
        if routing is not None and routing.remote:
            return True
    return False


def cidr_routing(view: NetworkView, subnet_id: str, cidr: str) -> CidrRouting | None:
    """Resolve every part of ``cidr`` from the subnet's effective route table (None: no table)."""
    table = view.effective_route_table(subnet_id)
    target = parse_network(cidr)
    if table is None or target is None:
        return None
    index = view.route_index(table)
    outcomes = index.resolve_all(cidr)
    inner = [parse_network(o.cidr) for o in outcomes[1:]]
    uncovered = _uncovered(target, [n for n in inner if n is not None])
    remote: list[str] = []
    local: list[str] = []
    elsewhere: list[str] = []
    for i, outcome in enumerate(outcomes):
        if i == 0 and not uncovered:
            continue
        part = _left_over(outcome.cidr, uncovered, [o.cidr for o in outcomes[1:]]) if i == 0 else outcome.cidr
        if outcome.delivers and outcome.kind in REMOTE_KINDS:
            remote.append(part)
        elif outcome.delivers and outcome.kind == "local":
            local.append(part)
        else:
            where = f"{outcome.kind} {outcome.target_id}" if outcome.target_id else outcome.kind
            elsewhere.append(f"{part} → {where}" + ("" if outcome.delivers or outcome.kind == "none"
                                                      else " (delivers nothing)"))
    return CidrRouting(tuple(remote), tuple(local), tuple(elsewhere), index.unresolved_prefix_lists)


def _left_over(cidr: str, uncovered: list[Network], carved: list[str]) -> str:
    """What the covering route of ``cidr`` carries once the more specific routes (``carved``) took
    their parts: those parts when few (10.0.0.0/14 over a VPC of three /16s leaves 10.3.0.0/16,
    not the whole /14), else the CIDR "except" the carve-outs."""
    if not carved:
        return cidr
    parts = list(ipaddress.collapse_addresses(uncovered))  # type: ignore[arg-type]
    return ", ".join(map(str, parts)) if len(parts) <= 2 else f"{cidr} except {', '.join(carved)}"


def _uncovered(net: Network, inner: list[Network]) -> list[Network]:
    """The parts of ``net`` that none of the ``inner`` networks cover."""
    rest = [net]
    for sub in inner:
        nxt: list[Network] = []
        for part in rest:
            if part.subnet_of(sub):  # type: ignore[arg-type]
                continue
            if sub.subnet_of(part):  # type: ignore[arg-type]
                nxt.extend(part.address_exclude(sub))  # type: ignore[arg-type]
            else:
                nxt.append(part)
        rest = nxt
    return rest
