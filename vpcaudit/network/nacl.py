"""Network ACL evaluation: entries in ascending rule number, first match wins, per direction.

A client subnet is a CIDR, not an address: an entry that covers only part of it decides only
for that part, so evaluation tracks which part of the source is still undecided. The answer is
the set of ports (within the asked range) denied for at least part of the CIDR.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

from vpcaudit.network.routing import Network, parse_network
from vpcaudit.snapshot.resources import NaclEntry, NetworkAcl

TCP = "6"


@dataclass(frozen=True, slots=True)
class PortVerdict:
    """Ports ``low``–``high`` are denied (for ``partial`` sources: for part of the CIDR)."""

    low: int
    high: int
    rule_number: int | None  # None: the implicit final deny (*)
    partial: bool

    def describe(self) -> str:
        ports = str(self.low) if self.low == self.high else f"{self.low}-{self.high}"
        rule = "the default deny rule (*)" if self.rule_number is None else f"rule {self.rule_number}"
        part = "part of " if self.partial else ""
        return f"TCP {ports} denied for {part}the range by {rule}"


def _entry_matches_protocol(entry: NaclEntry, protocol: str) -> bool:
    return entry.protocol in ("-1", "all") or entry.protocol == protocol


def _entry_ports(entry: NaclEntry) -> tuple[int, int]:
    if entry.protocol in ("-1", "all") or entry.port_from is None or entry.port_to is None:
        return 0, 65535
    return entry.port_from, entry.port_to


def _entry_network(entry: NaclEntry, version: int) -> Network | None:
    cidr = entry.cidr_block if version == 4 else entry.ipv6_cidr_block
    return parse_network(cidr) if cidr else None


# An entry as a port is decided by it: its lowest and highest port, its network, whether it
# denies, and its rule number.
_Rule = tuple[int, int, Network, bool, int]


def _rules(acl: NetworkAcl, egress: bool, protocol: str, version: int) -> list[_Rule]:
    """The entries that can decide a port for a peer of the IP version, in ascending rule number
    (the implicit '*' entry is left to :func:`_decide`): worked out once per question, not once
    per run of ports."""
    rules: list[_Rule] = []
    for entry in sorted((e for e in acl.entries if e.egress == egress), key=lambda e: e.rule_number):
        if entry.rule_number >= 32767 or not _entry_matches_protocol(entry, protocol):
            continue
        net = _entry_network(entry, version)
        if net is not None:
            low, high = _entry_ports(entry)
            rules.append((low, high, net, entry.rule_action == "deny", entry.rule_number))
    return rules


def _decide(rules: list[_Rule], port: int, peer: Network) -> tuple[str, int | None, bool]:
    """(action, first deny rule number, partial) for one port and a peer CIDR (``rules``: :func:`_rules`).

    Each address of the peer is decided by the first matching entry; addresses no entry
    matches hit the implicit final deny. The peer is denied when any address is; ``partial``
    means some other address of it is allowed (a peer denied in pieces is denied whole).
    """
    remaining: list[Network] = [peer]
    allowed_some = False
    denied_some = False
    deny_rule: int | None = None
    for low, high, net, deny, rule_number in rules:
        if not low <= port <= high:
            continue
        still: list[Network] = []
        for part in remaining:
            if part.subnet_of(net):  # type: ignore[arg-type]
                decided = True
            elif net.subnet_of(part):  # type: ignore[arg-type]
                decided = True
                still.extend(part.address_exclude(net))  # type: ignore[arg-type]
            else:
                decided = False
                still.append(part)
            if not decided:
                continue
            if deny:
                denied_some = True
                deny_rule = rule_number if deny_rule is None else deny_rule
            else:
                allowed_some = True
        remaining = still
        if not remaining:
            break
    if remaining:
        denied_some = True  # the implicit final deny (*)
    if not denied_some:
        return "allow", None, False
    return "deny", deny_rule, allowed_some


def denied_ports(acl: NetworkAcl, *, egress: bool, peer_cidr: str, low: int, high: int,
                 protocol: str = TCP) -> tuple[PortVerdict, ...]:
    """Contiguous runs of ports in [low, high] that ``acl`` denies towards/from ``peer_cidr``."""
    peer = parse_network(peer_cidr)
    if peer is None:
        return ()
    cuts = {low, high + 1}
    for entry in acl.entries:
        if entry.egress != egress:
            continue
        e_low, e_high = _entry_ports(entry)
        for edge in (e_low, e_high + 1):
            if low < edge <= high:
                cuts.add(edge)
    points = sorted(cuts)
    rules = _rules(acl, egress, protocol, peer.version)
    verdicts: list[PortVerdict] = []
    for start, end in itertools.pairwise(points):
        action, rule_number, partial = _decide(rules, start, peer)
        if action != "deny":
            continue
        last = verdicts[-1] if verdicts else None
        if last and last.high == start - 1 and last.rule_number == rule_number and last.partial == partial:
            verdicts[-1] = PortVerdict(last.low, end - 1, rule_number, partial)
        else:
            verdicts.append(PortVerdict(start, end - 1, rule_number, partial))
    return tuple(verdicts)

