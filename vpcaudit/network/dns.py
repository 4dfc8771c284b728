"""Who answers a hostname for clients in a VPC, and whether that answer reaches an endpoint.

Route 53 Resolver in a VPC answers a name from the most specific of: an interface endpoint's
private DNS zone, a private hosted zone associated with the VPC, or a Resolver rule associated
with the VPC (a FORWARD rule sends the query elsewhere; a SYSTEM rule cancels a less specific
forward). On equal names a forwarding rule wins over a private zone. Nothing matching: the
public answer. DNS003 (is the default hostname of an endpoint with private DNS off served some
other way?) and DNS004 (does a customer zone shadow an AWS service name?) both ask exactly this,
so the answer is computed here once.

A record "points to an endpoint" when an A/AAAA value is an address of an endpoint's network
interfaces, or an alias/CNAME names an endpoint's DNS name (``vpce-….<svc>.<region>.vpce.…``).
What cannot be checked from the snapshot — an address outside every scanned VPC, an endpoint
not in the snapshot — is *unknown*, never "stale". Asked for the clients of one VPC, an answer
pointing at another VPC's endpoint whose addresses lie inside that VPC's own CIDR blocks is
*local*: the local route covers each whole block of the VPC and the most specific route wins,
and no peering connection joins overlapping blocks, so the traffic never leaves the VPC.

Where a FORWARD rule sends a name can be followed as far as the snapshot goes: a target that is an
address of an inbound Resolver endpoint of a scanned VPC hands the query to Route 53 Resolver in
that VPC, which answers with that VPC's endpoints, zones and rules ("The inbound endpoint sends the
query to Route 53 Resolver at the VPC +2"); any other target (on premises, an address no collected
interface holds) answers outside every snapshot.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from vpcaudit.network.ranges import AddressRanges
from vpcaudit.network.routing import Network, parse_network
from vpcaudit.network.services import covers, hostname_matches, normalise, parse_service_name
from vpcaudit.network.view import ENDED_ENDPOINT_STATES, NetworkView
from vpcaudit.snapshot import resources as r
from vpcaudit.snapshot.bulk import slot_init
from vpcaudit.snapshot.model import AccountSnapshot, Part, Snapshot
from vpcaudit.snapshot.shard import Fold

ANSWER_TYPES = frozenset({"A", "AAAA", "CNAME"})
# How Route 53 Resolver describes an inbound endpoint's interfaces (outbound ones are rslvr-out-).
INBOUND_RESOLVER_INTERFACE = re.compile(r"Route 53 Resolver: (rslvr-in-[0-9a-f]+):rni-[0-9a-f]+")
# Association states in which a Resolver rule applies to the VPC's queries.
ACTIVE_RULE_STATES = frozenset({"COMPLETE", "CREATING"})
_VPCE_ID = re.compile(r"^(?:\*\.)?(vpce-[0-9a-f]+)(?:-[a-z0-9]+)*\.", re.IGNORECASE)


class HostnameIndex:
    """Hostnames by every domain that covers them, so a zone finds the names it answers without
    testing a Region's whole service catalogue (hundreds of names) against every zone."""

    def __init__(self, hostnames: tuple[str, ...]) -> None:
        self._all = hostnames
        under: dict[str, list[str]] = {}
        for hostname in hostnames:
            domain = normalise(hostname).removeprefix("*.")
            while True:  # the name, then each domain above it: sliced at each dot, not joined anew
                names = under.get(domain)
                if names is None:
                    under[domain] = [hostname]
                else:
                    names.append(hostname)
                dot = domain.find(".")
                if dot < 0:
                    break
                domain = domain[dot + 1:]
        self._under = {domain: tuple(names) for domain, names in under.items()}

    def covered_by(self, domain: str) -> tuple[str, ...]:
        """The hostnames ``covers(domain, hostname)`` holds for, in the order given."""
        zone = normalise(domain)
        return self._under.get(zone, ()) if zone else self._all


def _depth(domain: str) -> int:
    zone = normalise(domain)
    return zone.count(".") + 1 if zone else 0


# Built for every endpoint and zone of every VPC, and every name looked up: slot_init fills its
# slots faster than a frozen dataclass does.
@slot_init
@dataclass(frozen=True, slots=True)
class Authority:
    """What answers one hostname for one VPC."""

    kind: str  # endpoint | zone | forward | public
    name: str  # the matching zone / rule domain / endpoint private DNS name ("" for public)
    endpoint: r.VpcEndpoint | None = None
    zone: r.HostedZone | None = None
    rule: r.ResolverRuleAssociation | None = None

    def describe(self) -> str:
        if self.kind == "endpoint" and self.endpoint is not None:
            return f"the private DNS of interface endpoint {self.endpoint.vpc_endpoint_id}"
        if self.kind == "zone" and self.zone is not None:
            return f"private hosted zone {self.zone.hosted_zone_id} ({self.zone.name})"
        if self.kind == "forward" and self.rule is not None:
            return f"Resolver rule {self.rule.resolver_rule_id} forwarding {self.rule.domain_name or '.'}"
        return "public DNS"


# Endpoint types whose clients find them by name (a private DNS zone associated with the VPC).
NAMED_ENDPOINT_TYPES = frozenset({"Interface", "Resource", "ServiceNetwork"})


def named_endpoints(view: NetworkView, vpc_id: str) -> tuple[r.VpcEndpoint, ...]:
    """The VPC's live interface, Resource and ServiceNetwork endpoints: the ones DNS leads clients to."""
    return tuple(e for e in view.endpoints_of(vpc_id)
                 if e.endpoint_type in NAMED_ENDPOINT_TYPES and not view.endpoint_ended(e))


def private_dns_names(view: NetworkView, endpoint: r.VpcEndpoint) -> tuple[str, ...]:
    """The zone names an endpoint's private DNS answers for in-VPC clients (none when it is off).

    S3's "inbound-only" private DNS leaves in-VPC clients on the gateway endpoint, so it answers
    nothing for them.
    """
    if not endpoint.private_dns_enabled or view.endpoint_ended(endpoint) or view.private_dns_inbound_only(endpoint):
        return ()
    return tuple(normalise(h).removeprefix("*.") for h in view.service(endpoint).hostnames)


@slot_init
@dataclass(frozen=True, slots=True)
class VpcResolver:
    """What Route 53 Resolver consults for one VPC, gathered once so many names can be looked up."""

    local: tuple[tuple[str, Authority], ...]  # (zone name, endpoint private DNS or private hosted zone)
    rules: tuple[r.ResolverRuleAssociation, ...]

    @classmethod
    def of(cls, view: NetworkView, vpc_id: str) -> VpcResolver:
        local = [(name, Authority("endpoint", name, endpoint=e))
                 for e in view.endpoints_of(vpc_id) for name in private_dns_names(view, e)]
        local += [(normalise(z.name), Authority("zone", normalise(z.name), zone=z))
                  for z in view.hosted_zones_of(vpc_id)]
        rules = tuple(a for a in view.resolver_rules_of(vpc_id) if a.status.upper() in ACTIVE_RULE_STATES)
        return cls(tuple(local), rules)

    def authority(self, hostname: str) -> Authority:
        """The most specific answerer of ``hostname`` (see module doc)."""
        best_local = max(((_depth(name), a) for name, a in self.local if covers(name, hostname)),
                         key=lambda c: c[0], default=None)
        best_rule = max((a for a in self.rules if covers(a.domain_name, hostname)),
                        key=lambda a: _depth(a.domain_name), default=None)
        if best_rule is not None and best_rule.rule_type.upper() == "FORWARD" and (
                best_local is None or _depth(best_rule.domain_name) >= best_local[0]):
            return Authority("forward", normalise(best_rule.domain_name), rule=best_rule)
        if best_local is not None:
            return best_local[1]
        return Authority("public", "")


def authority(view: NetworkView, vpc_id: str, hostname: str) -> Authority:
    """The most specific answerer of ``hostname`` for clients in ``vpc_id`` (one-off lookup)."""
    return VpcResolver.of(view, vpc_id).authority(hostname)


def answering_records(zone: r.HostedZone, hostname: str) -> tuple[r.RecordSet, ...]:
    """A/AAAA/CNAME records of ``zone`` that answer ``hostname`` (exact name first, else wildcards)."""
    host = normalise(hostname)
    candidates = [rs for rs in zone.record_sets if rs.record_type.upper() in ANSWER_TYPES]
    exact = tuple(rs for rs in candidates if normalise(rs.name) == host)
    if exact:
        return exact
    return tuple(rs for rs in candidates
                 if normalise(rs.name).startswith("*.") and hostname_matches(rs.name, host))


@slot_init
@dataclass(frozen=True, slots=True)
class QueryingVpc:
    """The VPC whose clients resolve a record: its id and its own CIDR blocks, IPv4 and IPv6."""

    vpc_id: str
    blocks: tuple[Network, ...]

    @classmethod
    def of(cls, view: NetworkView, vpc_id: str) -> QueryingVpc:
        return cls(vpc_id, tuple(n for n in map(parse_network, view.vpc_cidrs(vpc_id)) if n is not None))

    def holds(self, address: str) -> bool:
        """Does ``address`` lie inside one of the VPC's own blocks (the local route's)?"""
        return bool(self.blocks_holding((address,)))

    def blocks_holding(self, addresses: tuple[str, ...]) -> tuple[str, ...]:
        """The VPC's own blocks that hold at least one of ``addresses``."""
        ips = [ipaddress.ip_address(a) for a in addresses]
        return tuple(str(block) for block in self.blocks if any(ip in block for ip in ips))


# The address families a record of each type answers with (a CNAME: whatever its target has).
_RECORD_FAMILIES = {"A": frozenset({4}), "AAAA": frozenset({6}), "CNAME": frozenset({4, 6})}


@dataclass(frozen=True, slots=True)
class EndpointTargets:
    """Every interface endpoint a DNS record could point to, across a whole snapshot."""

    addresses: dict[str, str]  # ENI address → endpoint id
    dns_names: dict[str, str]  # endpoint DNS name (normalised, no "*.") → endpoint id
    live_ids: frozenset[str]
    ended_ids: frozenset[str]
    scanned_networks: AddressRanges  # every scanned VPC's blocks
    vpc_of: dict[str, str]  # live endpoint id → its VPC id
    addresses_of: dict[str, tuple[str, ...]]  # live endpoint id → its ENI addresses

    def verdicts(self, record: r.RecordSet, querying: QueryingVpc | None = None) -> list[tuple[str, str]]:
        """One ("endpoint" | "local" | "stale" | "unknown", endpoint id or target) per value or
        alias of the record; "local" only when asked for the clients of ``querying`` (module doc)."""
        is_cname = record.record_type.upper() == "CNAME"
        outcomes = [] if is_cname else [self._kept_local(self._value(v), (v,), querying) for v in record.values]
        names = [record.alias_dns_name] if record.alias_dns_name else []
        if is_cname:
            names += list(record.values)
        return outcomes + [self._kept_local(outcome, self._answered(record, outcome[1]), querying)
                           for outcome in map(self._name, names)]

    def endpoint_ids(self, record: r.RecordSet) -> frozenset[str]:
        """The live endpoints the record points to."""
        return frozenset(target for verdict, target in self.verdicts(record) if verdict == "endpoint")

    def classify(self, record: r.RecordSet, querying: QueryingVpc | None = None) -> tuple[str, str]:
        """("endpoint" | "local" | "stale" | "unknown", the endpoint id or the target that decided it).

        One endpoint value makes the record reach an endpoint; otherwise one value we cannot
        check makes it unknown; a record whose every value is checked and wrong is local when one
        value names an endpoint the clients of ``querying`` cannot leave their VPC for, else stale.
        """
        outcomes = self.verdicts(record, querying)
        for wanted in ("endpoint", "unknown", "local"):
            hit = next((o for o in outcomes if o[0] == wanted), None)
            if hit is not None:
                return hit
        return outcomes[0] if outcomes else ("stale", "no value")

    def _answered(self, record: r.RecordSet, endpoint_id: str) -> tuple[str, ...]:
        """The endpoint's addresses a record naming it answers with: IPv4 for A, IPv6 for AAAA."""
        families = _RECORD_FAMILIES.get(record.record_type.upper(), frozenset({4, 6}))
        return tuple(a for a in self.addresses_of.get(endpoint_id, ())
                     if (host := parse_network(a)) is not None and host.version in families)

    def _kept_local(self, outcome: tuple[str, str], answers: tuple[str, ...],
                    querying: QueryingVpc | None) -> tuple[str, str]:
        """An endpoint outcome turned "local" when the endpoint is another VPC's than ``querying``
        and every address answered for it lies inside ``querying``'s own blocks."""
        verdict, endpoint_id = outcome
        if (verdict != "endpoint" or querying is None or self.vpc_of.get(endpoint_id) == querying.vpc_id
                or not answers or not all(querying.holds(a) for a in answers)):
            return outcome
        return "local", endpoint_id

    def _value(self, value: str) -> tuple[str, str]:
        if value in self.addresses:
            return "endpoint", self.addresses[value]
        try:
            address = ipaddress.ip_address(value)
        except ValueError:
            return "unknown", value
        if not address.is_private or self.scanned_networks.holds(address.version, int(address)):
            return "stale", value  # endpoint ENIs are private; a scanned VPC would list the endpoint
        return "unknown", value

    def _name(self, name: str) -> tuple[str, str]:
        host = normalise(name).removeprefix("*.")
        endpoint_id = self.dns_names.get(host)
        if endpoint_id is None:
            match = _VPCE_ID.match(host)
            endpoint_id = match.group(1).lower() if match else None
        if endpoint_id in self.live_ids:
            return "endpoint", endpoint_id
        if endpoint_id in self.ended_ids:
            return "stale", endpoint_id
        return "unknown", host


@dataclass(frozen=True, slots=True)
class _TargetsPart:
    """Some accounts' share of :func:`endpoint_targets`: each endpoint as (id, ended, VPC id, its
    interfaces' addresses, its DNS names), and the VPC blocks, in the snapshot's order."""

    endpoints: tuple[tuple[str, bool, str, tuple[str, ...], tuple[str, ...]], ...]
    networks: tuple[Network, ...]


def _targets_part(accounts: Sequence[AccountSnapshot]) -> _TargetsPart:
    endpoints = []
    networks: list[Network] = []
    for account in accounts:
        for region in account.regions:
            if not (region.has(Part.VPC_ENDPOINTS) and region.has(Part.NETWORK_INTERFACES)):
                continue
            ips = {i.network_interface_id: (*i.private_ip_addresses, *i.ipv6_addresses)
                   for i in region.network_interfaces}
            for endpoint in region.vpc_endpoints:
                if endpoint.state.lower() in ENDED_ENDPOINT_STATES:
                    endpoints.append((endpoint.vpc_endpoint_id, True, endpoint.vpc_id, (), ()))
                    continue
                endpoints.append((endpoint.vpc_endpoint_id, False, endpoint.vpc_id,
                                  tuple(a for eni in endpoint.network_interface_ids for a in ips.get(eni, ())),
                                  tuple(normalise(e.dns_name).removeprefix("*.") for e in endpoint.dns_entries)))
            if region.has(Part.VPCS):
                networks += [n for n in (parse_network(c) for v in region.vpcs
                                         for c in (*v.cidr_blocks, *v.ipv6_cidr_blocks)) if n is not None]
    return _TargetsPart(tuple(endpoints), tuple(networks))


def _targets_whole(parts: Sequence[_TargetsPart]) -> EndpointTargets:
    addresses: dict[str, str] = {}
    dns_names: dict[str, str] = {}
    live: set[str] = set()
    ended: set[str] = set()
    vpc_of: dict[str, str] = {}
    addresses_of: dict[str, tuple[str, ...]] = {}
    for part in parts:
        for eid, is_ended, vpc_id, ips, names in part.endpoints:
            (ended if is_ended else live).add(eid)
            if is_ended:
                continue
            vpc_of[eid] = vpc_id
            addresses_of[eid] = ips
            addresses.update(dict.fromkeys(ips, eid))
            dns_names.update(dict.fromkeys(names, eid))
    networks = [n for part in parts for n in part.networks]
    return EndpointTargets(addresses, dns_names, frozenset(live), frozenset(ended), AddressRanges.of(networks), vpc_of,
                           addresses_of)


# endpoint_targets(snapshot): addresses and DNS names of every endpoint in the snapshot, and the
# VPC CIDRs scanned with ENIs.
endpoint_targets: Fold[_TargetsPart, EndpointTargets] = Fold("dns.endpoint_targets", _targets_part, _targets_whole)


@dataclass(frozen=True, slots=True)
class InboundEndpoint:
    """An inbound Route 53 Resolver endpoint, as its interfaces show it (the snapshot holds no
    Resolver endpoint records): its id and where it is. A query it receives is answered by Resolver
    in its VPC, with that VPC's endpoints, private hosted zones and Resolver rules."""

    endpoint_id: str  # rslvr-in-…
    account_id: str
    region: str
    vpc_id: str


def canonical_address(address: str) -> str:
    """One spelling per address, so an IPv6 target written ``2001:DB8:0::10`` finds ``2001:db8::10``."""
    try:
        return str(ipaddress.ip_address(address.strip()))
    except ValueError:
        return address.strip().lower()


def _inbound_part(accounts: Sequence[AccountSnapshot]) -> tuple[tuple[tuple[str, ...], InboundEndpoint], ...]:
    found = []
    for account in accounts:
        for region in account.regions:
            if not region.has(Part.NETWORK_INTERFACES):
                continue
            for eni in region.network_interfaces:
                match = INBOUND_RESOLVER_INTERFACE.fullmatch(eni.description)
                if match:
                    endpoint = InboundEndpoint(match.group(1), account.account_id, region.region, eni.vpc_id)
                    found.append((tuple(map(canonical_address, (*eni.private_ip_addresses, *eni.ipv6_addresses))),
                                  endpoint))
    return tuple(found)


def _inbound_whole(parts: Sequence[tuple[tuple[tuple[str, ...], InboundEndpoint], ...]]) -> dict[str, InboundEndpoint]:
    out: dict[str, InboundEndpoint] = {}
    for part in parts:
        for addresses, endpoint in part:
            out.update(dict.fromkeys(addresses, endpoint))
    return out


# inbound_endpoints_by_address(snapshot): every address (IPv4 and IPv6, canonical) of an inbound
# Resolver endpoint's interfaces in the snapshot: interfaces described
# ``Route 53 Resolver: rslvr-in-…:rni-…``, in the Regions whose network interfaces were collected.
inbound_endpoints_by_address: Fold[Any, dict[str, InboundEndpoint]] = Fold(
    "dns.inbound_endpoints", _inbound_part, _inbound_whole)


@dataclass(frozen=True, slots=True)
class ForwardTargets:
    """A FORWARD rule's targets as far as the snapshot can follow them: those that are addresses of
    an inbound Resolver endpoint of a scanned VPC, by endpoint, and the others (on premises, or any
    address no collected inbound endpoint holds), whose answer no snapshot shows."""

    inbound: tuple[tuple[InboundEndpoint, tuple[r.ResolverTarget, ...]], ...]
    elsewhere: tuple[r.ResolverTarget, ...]


def forward_targets(targets: tuple[r.ResolverTarget, ...],
                    inbound: Mapping[str, InboundEndpoint]) -> ForwardTargets:
    """``targets`` split by where they lead (see :class:`ForwardTargets`), in the order given."""
    by_endpoint: dict[InboundEndpoint, list[r.ResolverTarget]] = {}
    elsewhere = []
    for target in targets:
        endpoint = inbound.get(canonical_address(target.address))
        if endpoint is None:
            elsewhere.append(target)
        else:
            by_endpoint.setdefault(endpoint, []).append(target)
    return ForwardTargets(tuple((e, tuple(ts)) for e, ts in by_endpoint.items()), tuple(elsewhere))


@dataclass(frozen=True, slots=True)
class RuleAssociations:
    """Where each Resolver rule applies across the snapshot: the VPCs a rule is associated with
    (COMPLETE or CREATING), by Region and rule id — a rule shared through AWS RAM keeps its id in
    every account that associates it — and the (account, Region) scopes whose associations were
    collected: any other scope cannot show whether a rule applies in its VPCs."""

    vpcs_of: Mapping[tuple[str, str], frozenset[str]]  # (Region, rule id) → VPC ids
    collected: frozenset[tuple[str, str]]  # (account id, Region)

    def applies(self, region: str, rule_id: str, vpc_id: str) -> bool:
        return vpc_id in self.vpcs_of.get((region, rule_id), frozenset())

    def known_in(self, account_id: str, region: str) -> bool:
        return (account_id, region) in self.collected


def _associations_part(accounts: Sequence[AccountSnapshot]) -> tuple[tuple[tuple[str, str], ...],
                                                                       tuple[tuple[str, str, str], ...]]:
    collected = []
    active = []
    for account in accounts:
        for region in account.regions:
            if not region.has(Part.RESOLVER_RULES):
                continue
            collected.append((account.account_id, region.region))
            active += [(region.region, association.resolver_rule_id, association.vpc_id)
                       for association in region.resolver_rules if association.status.upper() in ACTIVE_RULE_STATES]
    return tuple(collected), tuple(active)


def _associations_whole(parts: Sequence[tuple[tuple[tuple[str, str], ...], tuple[tuple[str, str, str], ...]]]
                        ) -> RuleAssociations:
    vpcs_of: dict[tuple[str, str], set[str]] = {}
    for _, active in parts:
        for region, rule_id, vpc_id in active:
            vpcs_of.setdefault((region, rule_id), set()).add(vpc_id)
    return RuleAssociations({key: frozenset(vpcs) for key, vpcs in vpcs_of.items()},
                            frozenset(scope for collected, _ in parts for scope in collected))


# resolver_rule_associations(snapshot): the active Resolver rule associations of every scope of the
# snapshot (see RuleAssociations).
resolver_rule_associations: Fold[Any, RuleAssociations] = Fold(
    "dns.resolver_rule_associations", _associations_part, _associations_whole)


class ScopeViews:
    """Network views of the snapshot's (account, Region) scopes, each built on first use as the
    runner builds a scope's (with the zones other accounts hold for its VPCs): for a rule that
    follows a query into another scope, such as a forward to a hub account's inbound endpoint."""

    def __init__(self, snapshot: Snapshot) -> None:
        self._snapshot = snapshot
        self._views: dict[tuple[str, str], NetworkView | None] = {}
        self._zones_elsewhere: dict[tuple[str, str], dict[str, tuple[r.HostedZone, ...]]] | None = None

    def get(self, account_id: str, region_name: str) -> NetworkView | None:
        """The scope's view; None when the snapshot has no such scope."""
        key = (account_id, region_name)
        if key not in self._views:
            account = self._snapshot.account(account_id)
            region = account.region(region_name) if account else None
            if account is None or region is None:
                self._views[key] = None
            else:
                if self._zones_elsewhere is None:
                    self._zones_elsewhere = zones_held_elsewhere(self._snapshot)
                self._views[key] = NetworkView.build(account, region, self._zones_elsewhere.get(key))
        return self._views[key]


def vpcs_served_through_zones(view: NetworkView, endpoint: r.VpcEndpoint) -> tuple[tuple[str, str], ...]:
    """(VPC id, Region) of the VPCs besides the endpoint's own that a private hosted zone of this
    view answers the endpoint's names for: a record aliasing one of its DNS names, in a zone
    associated with them — the spokes of the centralized-endpoint pattern, where a hub's endpoints
    have private DNS off and zones named for the services carry the names to every VPC."""
    names = {e.dns_name.lower().rstrip(".").removeprefix("*.") for e in endpoint.dns_entries}
    return tuple(sorted({(a.vpc_id, a.vpc_region) for zone in view.region.hosted_zones
                         if any(record.alias_dns_name
                                and record.alias_dns_name.lower().rstrip(".").removeprefix("*.") in names
                                for record in zone.record_sets)
                         for a in zone.vpcs if a.vpc_id != endpoint.vpc_id}))


def _vpc_accounts_part(accounts: Sequence[AccountSnapshot]) -> tuple[tuple[tuple[str, str], str, bool], ...]:
    """Each VPC listed, as ((VPC id, Region), the listing account, whether that account owns it)."""
    return tuple(((vpc.vpc_id, region.region), account.account_id,
                  (vpc.owner_id or account.account_id) == account.account_id)
                 for account in accounts for region in account.regions for vpc in region.vpcs)


def _vpc_accounts_whole(parts: Sequence[tuple[tuple[tuple[str, str], str, bool], ...]]) -> dict[tuple[str, str], str]:
    out: dict[tuple[str, str], str] = {}
    for part in parts:
        for key, account_id, owns in part:
            if key not in out or owns:
                out[key] = account_id
    return out


# vpc_accounts(snapshot): (VPC id, Region) → the scanned account whose view holds the VPC and its
# workloads: the one listing it as its own (the owner, for a VPC another account shares into), else
# the first that lists it. For a rule that follows a zone's association from one account's VPC to another's.
vpc_accounts: Fold[Any, dict[tuple[str, str], str]] = Fold("dns.vpc_accounts", _vpc_accounts_part, _vpc_accounts_whole)


@dataclass(frozen=True, slots=True)
class _ZonesPart:
    """Some accounts' share of :func:`zones_held_elsewhere`: who owns each VPC they list, and their
    zones associated with any VPC (with the account holding each), in the snapshot's order."""

    owners: tuple[tuple[tuple[str, str], str], ...]  # ((VPC id, Region), owner account id)
    zones: tuple[tuple[str, r.HostedZone], ...]  # (holding account id, zone)


def _zones_part(accounts: Sequence[AccountSnapshot]) -> _ZonesPart:
    return _ZonesPart(
        tuple(((vpc.vpc_id, region.region), vpc.owner_id or account.account_id)
              for account in accounts for region in account.regions for vpc in region.vpcs),
        tuple((account.account_id, zone) for account in accounts for region in account.regions
              for zone in region.hosted_zones if zone.vpcs))


def _zones_whole(parts: Sequence[_ZonesPart]) -> dict[tuple[str, str], dict[str, tuple[r.HostedZone, ...]]]:
    owner_of = dict(item for part in parts for item in part.owners)
    out: dict[tuple[str, str], dict[str, dict[str, r.HostedZone]]] = {}
    for part in parts:
        for account_id, zone in part.zones:
            for association in zone.vpcs:
                owner = owner_of.get((association.vpc_id, association.vpc_region))
                if owner is None or owner == account_id:
                    continue
                held = out.setdefault((owner, association.vpc_region), {}).setdefault(association.vpc_id, {})
                if zone.record_sets_collected or zone.hosted_zone_id not in held:  # the owner's copy wins
                    held[zone.hosted_zone_id] = zone
    return {scope: {vpc: tuple(zones.values()) for vpc, zones in by_vpc.items()} for scope, by_vpc in out.items()}


# zones_held_elsewhere(snapshot): (account id, Region) → VPC id → the private hosted zones another
# account of the snapshot holds associated with that VPC.
#
# An account that owns a zone records every VPC it is associated with (other accounts' too,
# vpcaudit.collectors.route53); an account reading its own zones instead of asking per VPC cannot
# see zones others share with it. Joining the owners' associations to the VPCs' own accounts gives
# every spoke its hub's zones — the centralized-endpoint pattern, where the zones decide which
# endpoint a service name reaches.
zones_held_elsewhere: Fold[_ZonesPart, dict[tuple[str, str], dict[str, tuple[r.HostedZone, ...]]]] = Fold(
    "dns.zones_held_elsewhere", _zones_part, _zones_whole)


def _records_part(accounts: Sequence[AccountSnapshot]) -> tuple[tuple[str, tuple[r.RecordSet, ...]], ...]:
    return tuple((zone.hosted_zone_id, zone.record_sets) for account in accounts for region in account.regions
                 for zone in region.hosted_zones if zone.record_sets_collected)


# readable_zone_records(snapshot): hosted zone id → its record sets, from whichever account of the
# snapshot could read them. Route 53 lets only a zone's owner list its records, so an account whose
# VPC is associated with a zone shared by another account (the centralized-endpoint pattern) holds
# the zone without them; in an organization scan the owner's copy has them.
readable_zone_records: Fold[Any, dict[str, tuple[r.RecordSet, ...]]] = Fold(
    "dns.readable_zone_records", _records_part, lambda parts: dict(item for part in parts for item in part))


# Catalogue hostnames by (id of the catalogue, Region), with the catalogue held so its id stays its
# own: a loaded snapshot keeps one catalogue per Region for all its accounts, so DNS004 reads each
# once instead of once per account-Region. Bounded: emptied when full.
_CATALOGUE_HOSTNAMES: dict[tuple[int, str], tuple[tuple[r.EndpointService, ...], frozenset[str]]] = {}
CATALOGUES_REMEMBERED = 256


def _catalogue_hostnames(catalogue: tuple[r.EndpointService, ...], region_name: str) -> frozenset[str]:
    """The default hostnames of the catalogue's AWS services of ``region_name``."""
    key = (id(catalogue), region_name)
    held = _CATALOGUE_HOSTNAMES.get(key)
    if held is None or held[0] is not catalogue:
        names: set[str] = set()
        for service in {s.service_name: s for s in catalogue}.values():  # the view's services: the last wins
            parsed = parse_service_name(service.service_name)
            region = service.service_region or parsed.region
            if service.owner == "amazon" and region == region_name:
                names.update(normalise(n) for n in service.private_dns_names)
        if len(_CATALOGUE_HOSTNAMES) >= CATALOGUES_REMEMBERED:
            _CATALOGUE_HOSTNAMES.clear()
        held = _CATALOGUE_HOSTNAMES[key] = (catalogue, frozenset(names))
    return held[1]


def service_hostnames(view: NetworkView) -> tuple[str, ...]:
    """Default hostnames of the AWS services of the view's Region (DescribeVpcEndpointServices).

    Services of other Regions (cross-Region PrivateLink) and PrivateLink services (their names
    are their owners' domains) are left out; endpoints whose service details are missing add
    the hostname assumed from their key.
    """
    names = set(_catalogue_hostnames(view.region.endpoint_services, view.region_name))
    for endpoint in view.endpoints.values():
        info = view.service(endpoint)
        if info.is_aws_service and not info.details_known and info.region == view.region_name:
            names.update(normalise(n) for n in info.hostnames)
    return tuple(sorted(names))
