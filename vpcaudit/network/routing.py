"""Route resolution as docs/network-model.md defines it (and AWS documents route priority).

- A prefix-list route counts as one route per entry CIDR of the list.
- Longest prefix wins; on equal length a static route beats a prefix-list route, which beats a
  propagated route. Two prefix-list routes of equal length to different targets: AWS picks
  arbitrarily, so the outcome is *ambiguous* — never a guess.
- A route whose state is not ``active`` matches but delivers nothing.
- For a whole CIDR (one entry of a service's prefix list), more specific routes inside it carve
  parts of it away; if those parts go elsewhere the outcome for the service is *split*.
"""

from __future__ import annotations

import ipaddress
import operator
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import lru_cache

from vpcaudit.snapshot.bulk import slot_init
from vpcaudit.snapshot.resources import Route, RouteTable

Network = ipaddress.IPv4Network | ipaddress.IPv6Network

# Tie-break rank on equal prefix length: higher wins.
_STATIC, _PREFIX_LIST, _PROPAGATED = 3, 2, 1
_KIND_LABELS = {_STATIC: "static", _PREFIX_LIST: "prefix-list", _PROPAGATED: "propagated"}


# Distinct CIDR strings of one audit repeat endlessly (every subnet × every prefix-list entry ×
# every rule asking); parsed networks are immutable, so they are shared. Bounded, so an audit of
# any size keeps this cache small.
PARSE_CACHE_SIZE = 1 << 16


@lru_cache(maxsize=PARSE_CACHE_SIZE)
def parse_network(cidr: str) -> Network | None:
    try:
        return ipaddress.ip_network(cidr, strict=False)
    except ValueError:
        return None


@lru_cache(maxsize=PARSE_CACHE_SIZE)
def network_text(network: Network) -> str:
    """The network as AWS writes it (``str``, shared like the parsed networks it names)."""
    return str(network)


def _span(network: Network) -> tuple[int, int, int]:
    """(version, first address, last address) as integers: containment without object calls."""
    first = int(network.network_address)
    return network.version, first, first | int(network.hostmask)


# A CIDR text's network, version, first and last address, prefix length and text as AWS writes it.
CidrFacts = tuple[Network, int, int, int, int, str]


@lru_cache(maxsize=PARSE_CACHE_SIZE)
def cidr_facts(cidr: str) -> CidrFacts | None:
    """What resolution reads of a CIDR text (None if it is none), remembered by the text: every
    route table holds and resolves the same prefix-list entries, and deriving these from a parsed
    network (or hashing one) runs Python code each time."""
    network = parse_network(cidr)
    if network is None:
        return None
    version, first, last = _span(network)
    return network, version, first, last, network.prefixlen, network_text(network)


@slot_init
@dataclass(frozen=True, slots=True)
class Candidate:
    """One route (or one CIDR of a prefix-list route) that could carry traffic."""

    route: Route
    network: Network
    # Derived once (RouteIndex.build, from :func:`cidr_facts`, remembered by the text: a table holds
    # the same prefix-list entries as every other): resolution compares them for every destination.
    version: int = field(compare=False, repr=False)
    first: int = field(compare=False, repr=False)  # first and last address, as integers
    last: int = field(compare=False, repr=False)
    prefixlen: int = field(compare=False, repr=False)
    rank: int = field(compare=False, repr=False)
    text: str = field(compare=False, repr=False)  # the network as AWS writes it

    @property
    def kind_label(self) -> str:
        return _KIND_LABELS[self.rank]

    def describe(self) -> str:
        via = f" (prefix list {self.route.destination})" if self.route.destination_type == "prefix_list" else ""
        return (f"{self.text}{via} → {self.route.target_kind} {self.route.target_id} "
                f"[{self.kind_label}, {self.route.state}]")


@slot_init
@dataclass(frozen=True, slots=True)
class Outcome:
    """Where one destination CIDR goes from one route table."""

    cidr: str
    kind: str  # target kind of the winning route, or "none" (no route), "ambiguous"
    target_id: str | None
    delivers: bool  # False for no route, non-active routes and ambiguous outcomes
    winner: Candidate | None
    contenders: tuple[Candidate, ...]  # every route covering the CIDR, most specific first
    note: str = ""  # why no single route carries it (no route, ambiguous, not a CIDR)
    # ``reason``, once written: a cache, not part of the outcome.
    _reason: str | None = field(default=None, init=False, compare=False, repr=False)

    @property
    def key(self) -> tuple[str, str | None, bool]:
        return (self.kind, self.target_id, self.delivers)

    @property
    def reason(self) -> str:
        """Why the CIDR goes where it goes, in words. Written when first asked: a service's prefix
        list is resolved CIDR by CIDR for every route table, and most outcomes are one of several
        alike that only their first is described (:meth:`RouteIndex.distinct_outcomes`). Then
        kept: the outcome is shared by every subnet of its table, whose paths each describe it."""
        if self._reason is None:
            object.__setattr__(self, "_reason", self._explain())  # frozen: set the cache past it
        return self._reason  # type: ignore[return-value]

    def _explain(self) -> str:
        winner = self.winner
        if winner is None:
            return self.note
        longest = [c for c in self.contenders if c.prefixlen == winner.prefixlen]
        reason = _why(winner, longest, self.contenders)
        if not self.delivers:
            reason += f"; the route is {winner.route.state}, so it delivers nothing"
        return reason


# The index's order of candidates, most specific first (reversed): longer prefix, then higher rank.
_SPECIFICITY = operator.attrgetter("prefixlen", "rank")

PrefixListLookup = Callable[[str], tuple[str, ...] | None]
# (first, last address, candidate) of an index's candidates of one IP version, in the index's order.
Spans = tuple[tuple[int, int, Candidate], ...]


# Built for every route table: slot_init fills its slots faster than a frozen dataclass does.
@slot_init
@dataclass(frozen=True, slots=True)
class RouteIndex:
    """A route table expanded into per-CIDR candidates; ``unresolved`` lists unknown prefix lists."""

    table: RouteTable
    candidates: tuple[Candidate, ...]  # most specific first, the higher rank first on equal length
    unresolved_prefix_lists: tuple[str, ...]
    # The candidates by IP version, with their first and last addresses: every resolution of every
    # prefix-list entry scans them, and reading two integers from a tuple beats three slots.
    _spans: dict[int, Spans] = field(compare=False, repr=False)
    # Outcomes by CIDR: paths and rules resolve the same prefix-list entries for every subnet
    # sharing this table.
    _resolved: dict[str, Outcome] = field(default_factory=dict, compare=False, repr=False)
    _resolved_all: dict[str, tuple[Outcome, ...]] = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def build(cls, table: RouteTable, prefix_list_cidrs: PrefixListLookup) -> RouteIndex:
        candidates: list[Candidate] = []
        unresolved: list[str] = []
        for route in table.routes:
            if route.destination_type == "prefix_list":
                cidrs = prefix_list_cidrs(route.destination)
                if cidrs is None:
                    unresolved.append(route.destination)
                    continue
            else:
                cidrs = (route.destination,)
            rank = _rank(route)  # once per route: a prefix-list route has a candidate per entry
            for cidr in cidrs:
                facts = cidr_facts(cidr)
                if facts is not None:
                    network, version, first, last, prefixlen, text = facts
                    candidates.append(Candidate(route, network, version, first, last, prefixlen, rank, text))
        # Most specific first, then static before prefix-list before propagated (a stable sort, whose
        # reverse keeps the table's order among equals): every resolution reads them in this order.
        candidates.sort(key=_SPECIFICITY, reverse=True)
        spans: dict[int, list[tuple[int, int, Candidate]]] = {}
        for c in candidates:
            spans.setdefault(c.version, []).append((c.first, c.last, c))
        return cls(table, tuple(candidates), tuple(unresolved), {v: tuple(s) for v, s in spans.items()})

    def resolve(self, cidr: str) -> Outcome:
        """The route that carries the whole of ``cidr`` (the longest prefix containing it)."""
        outcome = self._resolved.get(cidr)
        if outcome is None:
            outcome = self._resolved[cidr] = self._resolve(cidr)
        return outcome

    def _resolve(self, cidr: str) -> Outcome:
        facts = cidr_facts(cidr)
        if facts is None:
            return Outcome(cidr, "none", None, False, None, (), f"{cidr} is not a CIDR")
        _, version, first, last, _, _ = facts
        matching = tuple([c for c_first, c_last, c in self._spans.get(version, ())
                          if c_first <= first and last <= c_last])
        return self._outcome(cidr, matching)

    def _outcome(self, cidr: str, matching: tuple[Candidate, ...]) -> Outcome:
        """Where ``cidr`` goes, ``matching`` being the candidates covering it in the index's order:
        most specific first, the higher rank first on equal length, so the first of them wins."""
        if not matching:
            reason = f"no route in {self.table.route_table_id} covers {cidr}"
            return Outcome(cidr, "none", None, False, None, (), reason)
        winner = matching[0]
        ambiguity = _ambiguity(matching)
        if ambiguity:
            return Outcome(cidr, "ambiguous", None, False, None, matching, ambiguity)
        return Outcome(cidr, winner.route.target_kind, winner.route.target_id, winner.route.state == "active", winner,
                       matching)

    def resolve_all(self, cidr: str) -> tuple[Outcome, ...]:
        """Outcomes for every part of ``cidr``: the covering route plus more specific carve-outs.

        A CIDR whose addresses are all carved away by more specific routes has no outcome of its
        own: reporting it would invent a path no packet takes (e.g. a prefix-list CIDR split into
        two halves that both go to the NAT gateway is not "partly via the endpoint").
        """
        outcomes = self._resolved_all.get(cidr)
        if outcomes is None:
            outcomes = self._resolved_all[cidr] = self._resolve_all(cidr)
        return outcomes

    def distinct_outcomes(self, cidrs: Iterable[str]) -> tuple[Outcome, ...]:
        """One outcome per (kind, target, delivers) of every part of every CIDR (:meth:`resolve_all`),
        first seen first. A CIDR carried whole like one seen already adds nothing, so its outcome is not made:
        a service's prefix list is resolved for every route table, and most of its entries go
        where the first one goes."""
        seen: dict[tuple[str, str | None, bool], Outcome] = {}
        for cidr in cidrs:
            outcomes = self._resolved_all.get(cidr)
            facts = cidr_facts(cidr) if outcomes is None else None
            if facts is not None:
                covering, inside = self._scan(facts)
                if not inside:
                    if _key(covering) in seen:
                        continue  # resolve_all would make it when asked
                    outcomes = self._resolved_all[cidr] = (self._carried_whole(facts[5], covering),)
                else:
                    outcomes = self._resolved_all[cidr] = self._carved(facts, inside)
            elif outcomes is None:
                outcomes = self.resolve_all(cidr)
            for outcome in outcomes:
                seen.setdefault((outcome.kind, outcome.target_id, outcome.delivers), outcome)
        return tuple(seen.values())

    def _resolve_all(self, cidr: str) -> tuple[Outcome, ...]:
        facts = cidr_facts(cidr)
        if facts is None:
            return (self.resolve(cidr),)
        covering, inside = self._scan(facts)
        if not inside:
            return (self._carried_whole(facts[5], covering),)
        return self._carved(facts, inside)

    def _scan(self, facts: CidrFacts) -> tuple[list[Candidate], dict[tuple[int, int], Candidate]]:
        """One pass (every table resolves every prefix-list entry): the candidates covering the
        CIDR, and the strictly more specific ones inside it, one per network (its span names it
        within a version)."""
        _, version, first, last, _, _ = facts
        covering: list[Candidate] = []
        inside: dict[tuple[int, int], Candidate] = {}
        for c_first, c_last, c in self._spans.get(version, ()):
            if c_first <= first and last <= c_last:
                covering.append(c)
            elif first <= c_first and c_last <= last:
                inside[(c_first, c_last)] = c
        return covering, inside

    def _carried_whole(self, text: str, covering: list[Candidate]) -> Outcome:
        """Nothing more specific inside: the covering route carries all of it."""
        outcome = self._resolved.get(text)
        if outcome is None:
            outcome = self._resolved[text] = self._outcome(text, tuple(covering))
        return outcome

    def _carved(self, facts: CidrFacts, inside: dict[tuple[int, int], Candidate]) -> tuple[Outcome, ...]:
        """The outcomes of the parts of a CIDR that more specific routes carve up."""
        target, _, _, _, _, text = facts
        ordered = sorted(inside.values(), key=lambda c: (c.first, c.prefixlen))  # by address, then length
        inner = [c.network for c in ordered]
        parts = [(target, text), *((c.network, c.text) for c in ordered)]
        return tuple(self.resolve(net_text) for net, net_text in parts if _has_uncovered_part(net, inner))

    def default_route(self, ipv6: bool = False) -> Route | None:
        """The route that carries ``0.0.0.0/0`` (or ``::/0``): a static one beats a prefix-list
        entry, which beats a propagated one (AWS route priority). None when there is none or
        when equal-ranked routes lead to different targets (see :meth:`resolve`)."""
        winner = self.resolve("::/0" if ipv6 else "0.0.0.0/0").winner
        return winner.route if winner is not None else None


def _ambiguity(matching: tuple[Candidate, ...] | list[Candidate]) -> str:
    """Why the winner of ``matching`` (non-empty, in the index's order) is no single route: equal
    routes to different targets; "" when it is one."""
    winner = matching[0]
    # The winner's equals lead ``matching`` (its order); most often there are none, and no tie.
    if len(matching) < 2 or matching[1].prefixlen != winner.prefixlen or matching[1].rank != winner.rank:
        return ""
    top = [c for c in matching if c.prefixlen == winner.prefixlen and c.rank == winner.rank]
    targets = {(c.route.target_kind, c.route.target_id) for c in top}
    if len(targets) < 2:
        return ""
    listed = ", ".join(sorted(f"{k} {t}" for k, t in targets))
    return (f"{len(top)} {winner.kind_label} routes of /{winner.prefixlen} lead to different targets "
            f"({listed}); AWS picks one arbitrarily")


def _key(matching: list[Candidate]) -> tuple[str, str | None, bool]:
    """The ``Outcome.key`` of the outcome of ``matching`` (:meth:`RouteIndex._outcome`), without it."""
    if not matching:
        return "none", None, False
    if _ambiguity(matching):
        return "ambiguous", None, False
    route = matching[0].route
    return route.target_kind, route.target_id, route.state == "active"


def _has_uncovered_part(net: Network, inner: list[Network]) -> bool:
    """Is some address of ``net`` not inside a strictly more specific network of ``inner``?"""
    remaining: list[Network] = [net]
    for child in inner:
        if child == net or child.version != net.version or not child.subnet_of(net):  # type: ignore[arg-type]
            continue
        pieces: list[Network] = []
        for part in remaining:
            if child.subnet_of(part):  # type: ignore[arg-type]
                pieces.extend(part.address_exclude(child))  # type: ignore[arg-type]
            elif not part.subnet_of(child):  # type: ignore[arg-type]
                pieces.append(part)
        remaining = pieces
        if not remaining:
            return False
    return True


def _rank(route: Route) -> int:
    """The route's tie-break rank on equal prefix length."""
    if route.origin == "EnableVgwRoutePropagation":
        return _PROPAGATED
    return _PREFIX_LIST if route.destination_type == "prefix_list" else _STATIC


def _why(winner: Candidate, longest: list[Candidate], matching: list[Candidate]) -> str:
    # ``prefixlen``, the network's own read once (an ipaddress property): every outcome explained.
    shorter = [c for c in matching if c.prefixlen < winner.prefixlen]
    parts = [f"{winner.describe()} wins"]
    if shorter:
        parts.append(f"its /{winner.prefixlen} is longer than "
                     + ", ".join(sorted({f'/{c.prefixlen} ({c.route.target_kind})' for c in shorter})))
    beaten = [c for c in longest if c is not winner and c.rank < winner.rank]
    if beaten:
        parts.append(f"a {winner.kind_label} route beats "
                     + ", ".join(sorted({c.kind_label for c in beaten})) + " routes of equal length")
    return "; ".join(parts)
