"""The allow entries ACL001's fix proposes: exact where few, one covering entry where the NACL's
quota would not hold them, numbered before the denies they must win over.

Why a module of its own: planning entries (merging peers, AWS's quota of rules per NACL and
direction, the range a covering entry widens to, rule numbers unique across a rule run) is a
job apart from finding what a NACL denies, and larger than the rule itself.
"""

from __future__ import annotations

import ipaddress
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from vpcaudit.engine.remedy import FixStep, Phase, step
from vpcaudit.network.routing import Network, parse_network

if TYPE_CHECKING:
    from vpcaudit.network.view import NetworkView
    from vpcaudit.snapshot import resources as r

MAX_LISTED = 6
_HIGHEST_RULE_NUMBER = 32766  # AWS: 1-32766 for the entries you add
# Amazon VPC quotas, "Rules per network ACL": per direction, 20 by default and at most 40; the
# '*' entries do not count.
DEFAULT_QUOTA, MAX_QUOTA = 20, 40
# Exact entries one port range of one NACL direction may take before the fix proposes one covering
# entry instead: a fifth of the default quota, which leaves room for the entries the NACL already
# has and for the other port range a shared NACL can need in the same direction (a service port
# and replies). Past four, the peers are usually a tier spread over AZs, which one range describes
# better than a list a reviewer has to check subnet by subnet.
MAX_EXACT = 4


@dataclass(frozen=True, slots=True)
class Allow:
    """The allow entry that would cure a problem for one peer subnet: direction, peer CIDR, TCP
    port range, the lowest number of the deny entries it must come before, and whose subnet the
    peer is ("client" or "endpoint")."""

    acl_id: str
    egress: bool
    peer: str
    low: int
    high: int
    before: int
    peer_role: str

    @property
    def network(self) -> Network:
        return ipaddress.ip_network(self.peer, strict=False)


@dataclass(frozen=True, slots=True)
class _Entry:
    """One allow entry a fix proposes, and the number it must stay below."""

    acl_id: str
    egress: bool
    cidr: Network
    low: int
    high: int
    before: int


class Entries:
    """The allow entries of a finding's fix: as few as cure it exactly, or one covering entry
    when exact ones would crowd the NACL's quota, numbered once per rule run.

    Plans and numbers are memoised, so two findings needing the same entries get the same steps
    and findings never claim one rule number for different entries.
    """

    def __init__(self, view: NetworkView, acls: dict[str, r.NetworkAcl]) -> None:
        self.view = view
        self.acls = acls
        self._plans: dict[frozenset[Allow], tuple[FixStep, ...]] = {}
        self._numbers: dict[_Entry, int | None] = {}  # one rule number per entry, however many findings need it
        self._taken: dict[tuple[str, bool], set[int]] = defaultdict(set)
        self._proposed: dict[tuple[str, bool], int] = defaultdict(int)

    def fix(self, allows: Iterable[Allow]) -> list[FixStep]:
        """CreateNetworkAclEntry steps, planned per NACL, direction, port range and address family."""
        groups: dict[tuple[str, bool, int, int, int], set[Allow]] = defaultdict(set)
        for allow in allows:
            groups[(allow.acl_id, allow.egress, allow.low, allow.high, allow.network.version)].add(allow)
        return [s for group in groups.values() for s in self._plan(frozenset(group))]

    def _plan(self, group: frozenset[Allow]) -> tuple[FixStep, ...]:
        if group not in self._plans:
            self._plans[group] = tuple(self._steps(sorted(group, key=lambda a: a.network)))
        return self._plans[group]

    def _steps(self, group: Sequence[Allow]) -> Iterator[FixStep]:
        """Exact entries while they are few and fit the quota; else one entry for the smallest
        range inside the VPC that holds every peer, whose extra addresses need a decision."""
        first = group[0]
        exact = [self._entry(group, net) for net in ipaddress.collapse_addresses(a.network for a in group)]
        quota = _Quota(self.acls[first.acl_id], first.egress, self._proposed[(first.acl_id, first.egress)])
        new_exact = [e for e in exact if e not in self._numbers]
        fits = quota.fits(len(new_exact))
        cover = self._cover(first.acl_id, [e.cidr for e in exact]) if len(exact) > 1 else None
        if cover is None or (fits and len(exact) <= MAX_EXACT):
            decision = None if fits else f"{quota.exceeded(len(new_exact))}: {quota.advice}"
            if decision and len(exact) > 1:
                decision += (f"; no single range inside one of the VPC's CIDR blocks holds every "
                             f"{first.peer_role} subnet")
            for entry in exact:
                yield self._step(entry, group, decision)
            return
        entry = self._entry(group, cover)
        why = (f"the {count(len(group), first.peer_role + ' subnet')} need {len(exact)} entries even merged, "
               f"more than {MAX_EXACT}" if fits else quota.exceeded(len(new_exact)))
        decision = _widening(entry, exact, first, why) + ("" if fits else f", which need room: {quota.advice}")
        if not quota.fits(0 if entry in self._numbers else 1):
            decision += f"; even this one entry does not fit: {quota.exceeded(1)}: {quota.advice}"
        yield self._step(entry, group, decision)

    def _entry(self, group: Sequence[Allow], net: Network) -> _Entry:
        """The entry for ``net``, numbered before the lowest deny of the peers it holds."""
        first = group[0]
        before = min(a.before for a in group if a.network.subnet_of(net))  # type: ignore[arg-type]
        return _Entry(first.acl_id, first.egress, net, first.low, first.high, before)

    def _cover(self, acl_id: str, nets: list[Network]) -> Network | None:
        """The smallest single CIDR holding ``nets``, when it lies inside one of the VPC's own
        blocks (a VPC that was not collected offers none)."""
        cover = _supernet(nets)
        vpc = self.view.vpcs.get(self.acls[acl_id].vpc_id)
        blocks = [parse_network(b) for b in (vpc.cidr_blocks + vpc.ipv6_cidr_blocks)] if vpc else []
        return cover if any(b and b.version == cover.version and cover.subnet_of(b)  # type: ignore[arg-type]
                            for b in blocks) else None

    def _step(self, entry: _Entry, group: Sequence[Allow], decision: str | None) -> FixStep:
        number = self._number(entry)
        family = "Ipv6CidrBlock" if entry.cidr.version == 6 else "CidrBlock"
        ports = str(entry.low) if entry.low == entry.high else f"{entry.low}-{entry.high}"
        peers = sum(1 for a in group if a.network.subnet_of(entry.cidr))  # type: ignore[arg-type]
        if number is None:
            renumber = f"no free rule number below {entry.before}: renumber the entries first"
            decision = f"{decision}; {renumber}" if decision else renumber
        return step(
            "ec2:CreateNetworkAclEntry",
            {"NetworkAclId": entry.acl_id, "RuleNumber": number, "Protocol": "6", "RuleAction": "allow",
             "Egress": entry.egress, family: str(entry.cidr), "PortRange": {"From": entry.low, "To": entry.high}},
            entry.acl_id, Phase.CREATE,
            f"Allow TCP {ports} {'to' if entry.egress else 'from'} {entry.cidr} "
            f"({'outbound' if entry.egress else 'inbound'}, {count(peers, group[0].peer_role + ' subnet')}) "
            f"in {entry.acl_id}" + (f" as rule {number}, before rule {entry.before}" if number else ""),
            decision=decision)

    def _number(self, entry: _Entry) -> int | None:
        if entry not in self._numbers:
            acl = self.acls[entry.acl_id]
            taken = self._taken[(entry.acl_id, entry.egress)]
            taken |= {e.rule_number for e in acl.entries if e.egress == entry.egress}
            chosen = next((n for n in range(min(entry.before, _HIGHEST_RULE_NUMBER + 1) - 1, 0, -1)
                           if n not in taken), None)
            if chosen is not None:
                taken.add(chosen)
            self._numbers[entry] = chosen
            self._proposed[(entry.acl_id, entry.egress)] += 1
        return self._numbers[entry]


@dataclass(frozen=True, slots=True)
class _Quota:
    """Room for new entries in one direction of a NACL: its own entries (not the '*' ones) and
    those this run's fixes already propose count against AWS's quota. A NACL already past the
    default shows the account's quota was raised, so the most AWS allows is assumed."""

    acl: r.NetworkAcl
    egress: bool
    proposed: int

    @property
    def existing(self) -> int:
        return sum(1 for e in self.acl.entries if e.egress == self.egress and e.rule_number <= _HIGHEST_RULE_NUMBER)

    @property
    def limit(self) -> int:
        return DEFAULT_QUOTA if self.existing <= DEFAULT_QUOTA else MAX_QUOTA

    def fits(self, new: int) -> bool:
        return self.existing + self.proposed + new <= self.limit

    @property
    def advice(self) -> str:
        return ("request a quota increase (up to 40) or remove entries first" if self.limit < MAX_QUOTA
                else "remove entries first (40 is the most AWS allows)")

    def exceeded(self, new: int) -> str:
        direction = "outbound" if self.egress else "inbound"
        held = f"{self.existing} existing" + (f" and {self.proposed} other proposed" if self.proposed else "")
        return (f"{count(new, 'new entry', 'new entries')} and the {held} {direction} entries of "
                f"{self.acl.network_acl_id} would exceed the quota of {self.limit} rules per network ACL and "
                "direction")


def _widening(entry: _Entry, exact: list[_Entry], first: Allow, why: str) -> str:
    """The decision a covering entry needs: what it admits beyond the peers, and the exact alternative."""
    extra = [str(n) for n in _outside(entry.cidr, [e.cidr for e in exact])]
    return (f"{why}, so this is one entry for {entry.cidr}, the smallest range inside the VPC's CIDR blocks that "
            f"holds every {first.peer_role} subnet; it also admits {listed(extra)}, where no {first.peer_role} "
            f"subnet is. The alternative is the exact entries {', '.join(str(e.cidr) for e in exact)}")


def _supernet(nets: list[Network]) -> Network:
    """The smallest CIDR holding every one of ``nets`` (one address family)."""
    low = min(int(n.network_address) for n in nets)
    high = max(int(n.broadcast_address) for n in nets)
    free_bits = (low ^ high).bit_length()
    return type(nets[0])((low >> free_bits << free_bits, nets[0].max_prefixlen - free_bits))


def _outside(cover: Network, nets: list[Network]) -> list[Network]:
    """The parts of ``cover`` that none of ``nets`` (disjoint, inside it) holds."""
    rest = [cover]
    for net in nets:
        rest = [piece for part in rest if not part.subnet_of(net)  # type: ignore[arg-type]
                for piece in (part.address_exclude(net) if net.subnet_of(part) else [part])]  # type: ignore[arg-type]
    return list(ipaddress.collapse_addresses(rest))


def listed(items: list[str]) -> str:
    return ", ".join(items[:MAX_LISTED]) + (", …" if len(items) > MAX_LISTED else "")


def count(n: int, singular: str, plural: str | None = None) -> str:
    return f"{n} {singular if n == 1 else plural or singular + 's'}"
