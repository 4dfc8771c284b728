"""NACL evaluation: ascending rule number, first match wins, partial CIDR overlaps, port runs."""

from __future__ import annotations

import pytest
from builders import nacl_entry

from vpcaudit.network.nacl import PortVerdict, denied_ports
from vpcaudit.snapshot import resources as r

STAR_IN = r.NaclEntry(32767, False, "-1", "deny", "0.0.0.0/0", None, None, None)
STAR_OUT = r.NaclEntry(32767, True, "-1", "deny", "0.0.0.0/0", None, None, None)
STAR_IN_V6 = r.NaclEntry(32767, False, "-1", "deny", None, "::/0", None, None)


def _acl(*entries: r.NaclEntry) -> r.NetworkAcl:
    return r.NetworkAcl("acl-1", "vpc-1", "111111111111", False, (*entries, STAR_IN, STAR_OUT), (), ())


def _v6(number: int, action: str, cidr: str, *, ports: tuple[int, int] | None = None) -> r.NaclEntry:
    low, high = ports if ports else (None, None)
    return r.NaclEntry(number, False, "6", action, None, cidr, low, high)


def _denied(acl: r.NetworkAcl, peer: str, low: int, high: int, *, egress: bool = False) -> tuple[PortVerdict, ...]:
    return denied_ports(acl, egress=egress, peer_cidr=peer, low=low, high=high)


def test_rules_are_evaluated_in_ascending_number_not_list_order() -> None:
    acl = _acl(nacl_entry(200, "deny", "0.0.0.0/0", ports=(443, 443)),
               nacl_entry(100, "allow", "10.0.0.0/16", ports=(443, 443)))
    assert _denied(acl, "10.0.1.0/24", 443, 443) == ()


def test_first_match_wins_over_a_later_allow() -> None:
    acl = _acl(nacl_entry(90, "deny", "10.0.1.0/24", ports=(443, 443)),
               nacl_entry(100, "allow", "0.0.0.0/0", protocol="-1"))
    assert _denied(acl, "10.0.1.0/24", 443, 443) == (PortVerdict(443, 443, 90, False),)
    # A peer the deny does not cover is allowed by rule 100.
    assert _denied(acl, "10.0.2.0/24", 443, 443) == ()


def test_only_listed_ports_match_and_the_rest_hits_the_default_deny() -> None:
    acl = _acl(nacl_entry(100, "allow", "0.0.0.0/0", ports=(443, 443)))
    assert _denied(acl, "10.0.1.0/24", 442, 444) == (PortVerdict(442, 442, None, False),
                                                      PortVerdict(444, 444, None, False))


def test_deny_covering_part_of_the_peer_is_a_partial_deny() -> None:
    acl = _acl(nacl_entry(100, "deny", "10.0.1.128/25", ports=(443, 443)),
               nacl_entry(200, "allow", "0.0.0.0/0", protocol="-1"))
    assert _denied(acl, "10.0.1.0/24", 443, 443) == (PortVerdict(443, 443, 100, True),)


def test_allow_covering_part_of_the_peer_leaves_the_rest_to_later_rules() -> None:
    acl = _acl(nacl_entry(100, "allow", "10.0.1.0/25", ports=(443, 443)))
    # The upper half of the /24 falls through to the implicit deny.
    assert _denied(acl, "10.0.1.0/24", 443, 443) == (PortVerdict(443, 443, None, True),)
    acl = _acl(nacl_entry(100, "allow", "10.0.1.0/25", ports=(443, 443)),
               nacl_entry(110, "allow", "10.0.1.128/25", ports=(443, 443)))
    assert _denied(acl, "10.0.1.0/24", 443, 443) == ()


def test_allowed_part_is_not_denied_by_a_later_deny() -> None:
    acl = _acl(nacl_entry(100, "allow", "10.0.1.0/25", ports=(443, 443)),
               nacl_entry(200, "deny", "10.0.1.0/24", ports=(443, 443)))
    assert _denied(acl, "10.0.1.0/24", 443, 443) == (PortVerdict(443, 443, 200, True),)
    assert _denied(acl, "10.0.1.0/26", 443, 443) == ()


def test_peer_inside_an_entry_is_decided_whole() -> None:
    acl = _acl(nacl_entry(100, "deny", "10.0.0.0/16", ports=(443, 443)),
               nacl_entry(200, "allow", "0.0.0.0/0", protocol="-1"))
    assert _denied(acl, "10.0.1.0/24", 443, 443) == (PortVerdict(443, 443, 100, False),)


def test_ephemeral_range_reports_runs_of_denied_ports() -> None:
    acl = _acl(nacl_entry(100, "allow", "0.0.0.0/0", egress=True, ports=(32768, 65535)))
    assert _denied(acl, "10.0.1.0/24", 1024, 65535, egress=True) == (PortVerdict(1024, 32767, None, False),)


def test_ephemeral_range_with_a_deny_hole_in_the_middle() -> None:
    acl = _acl(nacl_entry(100, "deny", "0.0.0.0/0", egress=True, ports=(40000, 40010)),
               nacl_entry(200, "allow", "0.0.0.0/0", egress=True, ports=(1024, 65535)))
    assert _denied(acl, "10.0.1.0/24", 1024, 65535, egress=True) == (PortVerdict(40000, 40010, 100, False),)


def test_directions_are_independent() -> None:
    acl = _acl(nacl_entry(100, "allow", "0.0.0.0/0", protocol="-1"))  # inbound only
    assert _denied(acl, "10.0.1.0/24", 443, 443) == ()
    assert _denied(acl, "10.0.1.0/24", 443, 443, egress=True) == (PortVerdict(443, 443, None, False),)


def test_other_protocols_do_not_match_tcp() -> None:
    acl = _acl(nacl_entry(90, "deny", "0.0.0.0/0", protocol="17", ports=(443, 443)),
               nacl_entry(95, "deny", "0.0.0.0/0", protocol="1"),
               nacl_entry(100, "allow", "0.0.0.0/0", ports=(443, 443)))
    assert _denied(acl, "10.0.1.0/24", 443, 443) == ()


def test_ipv6_peers_match_only_ipv6_entries() -> None:
    acl = _acl(nacl_entry(100, "allow", "0.0.0.0/0", protocol="-1"))
    assert _denied(acl, "2600:1f18::/64", 443, 443) == (PortVerdict(443, 443, None, False),)
    acl = r.NetworkAcl("acl-6", "vpc-1", "111111111111", False,
                       (_v6(100, "allow", "::/0", ports=(443, 443)), STAR_IN_V6), (), ())
    assert _denied(acl, "2600:1f18::/64", 443, 443) == ()
    assert _denied(acl, "10.0.1.0/24", 443, 443) == (PortVerdict(443, 443, None, False),)


def test_a_custom_nacl_without_rules_denies_everything() -> None:
    acl = _acl()
    assert _denied(acl, "10.0.1.0/24", 1024, 65535) == (PortVerdict(1024, 65535, None, False),)


def test_explicit_star_entry_is_the_default_deny() -> None:
    acl = r.NetworkAcl("acl-1", "vpc-1", "111111111111", False, (STAR_IN,), (), ())
    (verdict,) = _denied(acl, "10.0.1.0/24", 443, 443)
    assert verdict.rule_number is None
    assert verdict.describe() == "TCP 443 denied for the range by the default deny rule (*)"


def test_describe_names_rule_and_partial_range() -> None:
    assert PortVerdict(1024, 32767, 90, True).describe() == "TCP 1024-32767 denied for part of the range by rule 90"


@pytest.mark.parametrize("peer", ["not-a-cidr", ""])
def test_unparseable_peer_yields_nothing(peer: str) -> None:
    assert _denied(_acl(), peer, 443, 443) == ()


def test_peer_denied_in_pieces_is_denied_whole_not_partially() -> None:
    # Rule 100 denies half of the /24, rule 200 the rest: no address is allowed.
    acl = _acl(nacl_entry(100, "deny", "10.0.1.0/25", ports=(443, 443)),
               nacl_entry(200, "deny", "10.0.0.0/16", ports=(443, 443)),
               nacl_entry(300, "allow", "0.0.0.0/0", protocol="-1"))
    assert _denied(acl, "10.0.1.0/24", 443, 443) == (PortVerdict(443, 443, 100, False),)


def test_explicit_deny_plus_default_deny_is_a_whole_deny() -> None:
    # A custom NACL denying half the peer explicitly and the rest by '*': still nothing allowed.
    acl = _acl(nacl_entry(100, "deny", "10.0.1.0/25", ports=(443, 443)))
    assert _denied(acl, "10.0.1.0/24", 443, 443) == (PortVerdict(443, 443, 100, False),)
