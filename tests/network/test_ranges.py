"""AddressRanges answers exactly what walking every network would, for both families."""

from __future__ import annotations

import ipaddress
import random

from vpcaudit.network.ranges import AddressRanges


def test_holds_matches_walking_every_network() -> None:
    rng = random.Random(7)
    networks = [ipaddress.ip_network(f"10.{rng.randrange(4)}.{rng.randrange(256)}.0/{rng.choice((16, 20, 24, 28))}",
                                     strict=False) for _ in range(200)]
    networks += [ipaddress.ip_network("2600:1f18:aa00::/56"), ipaddress.ip_network("2600:1f18:aa00:10::/64")]
    ranges = AddressRanges.of(networks)
    probes = [ipaddress.ip_address(f"10.{rng.randrange(5)}.{rng.randrange(256)}.{rng.randrange(256)}")
              for _ in range(2000)]
    probes += [ipaddress.ip_address(a) for a in ("2600:1f18:aa00:ff::1", "2600:1f18:aa01::1", "::1", "0.0.0.0")]
    for address in probes:
        expected = any(address in network for network in networks)
        assert ranges.holds(address.version, int(address)) is expected, address


def test_adjacent_and_nested_blocks_merge() -> None:
    ranges = AddressRanges.of(ipaddress.ip_network(c) for c in ("10.0.0.0/24", "10.0.1.0/24", "10.0.0.128/25"))
    assert ranges.starts[4] == (int(ipaddress.ip_address("10.0.0.0")),)
    assert ranges.ends[4] == (int(ipaddress.ip_address("10.0.1.255")),)
    assert not ranges.holds(4, int(ipaddress.ip_address("10.0.2.0")))
    assert not ranges.holds(6, 1)


def test_no_networks_hold_nothing() -> None:
    assert not AddressRanges.of(()).holds(4, int(ipaddress.ip_address("10.0.0.1")))
