"""Ports of PrivateLink services, as the user knows them (``[service-ports]`` in vpcaudit.toml).

Why a setting: a PrivateLink endpoint service (``com.amazonaws.vpce.<region>.vpce-svc-…``)
publishes no port — DescribeVpcEndpointServices has no field for it, and the listener that
decides it belongs to the provider's load balancer, in the provider's account. So the rules
that judge an endpoint's security groups on its service port (SG002, SG003 …) cannot judge
such an endpoint, and say so on every run. The consumer learns the port from the provider; said
once here, it reaches the network view, which gives it to the endpoints of that service whose
port is otherwise unknown (never to an AWS service, whose ports are documented).

Entries arrive as a table ``{"com.amazonaws.vpce.us-east-1.vpce-svc-0abc": [8443]}`` (TOML, an
event) or as ``SERVICE=PORT`` strings (flags, an environment variable; several ports of one
service are several entries). Kept as ``SERVICE=PORT`` entries until validated, as severity
overrides are, so a file's table can stand as the default of the repeatable flag.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from vpcaudit.errors import UsageError
from vpcaudit.network.services import ServicePorts, parse_service_name
from vpcaudit.snapshot.model import AccountSnapshot, Part
from vpcaudit.snapshot.shard import Fold

SETTING = "service_ports"
EXAMPLE = "com.amazonaws.vpce.us-east-1.vpce-svc-0123456789abcdef0=8443"
MAX_PORT = 65535


def service_port_entries(raw: Any) -> list[str]:
    """Every shape the setting arrives in, as ``SERVICE=PORT`` entries: a table of service name →
    a port or a list of ports, ``"SERVICE=PORT,SERVICE=PORT"``, or repeated ``SERVICE=PORT``."""
    if raw is None:
        return []
    if isinstance(raw, Mapping):
        return [f"{name}={port}" for name, ports in raw.items()
                for port in (ports if isinstance(ports, list) else [ports])]
    values = [raw] if isinstance(raw, str) else raw
    if not isinstance(values, Iterable) or not all(isinstance(v, str) for v in values):
        raise UsageError(f"expected SERVICE=PORT entries or a table of service name = ports, got {raw!r}", SETTING)
    return [part.strip() for value in values for part in value.split(",") if part.strip()]


def parse_service_ports(raw: Any) -> dict[str, tuple[int, ...]]:
    """``{"com.amazonaws.vpce.…": [8443]}`` or ``["com.amazonaws.vpce.…=8443"]`` → service name →
    its ports, sorted; a UsageError naming the entry otherwise."""
    found: dict[str, set[int]] = {}
    for entry in service_port_entries(raw):
        name, sep, port = (part.strip() for part in entry.rpartition("="))
        if not sep or not name:
            raise UsageError(f"{entry!r} is not SERVICE=PORT (e.g. {EXAMPLE})", SETTING)
        if parse_service_name(name).family != "privatelink":
            raise UsageError(f"{name!r} is not a PrivateLink service name (com.amazonaws.vpce.<region>.vpce-svc-…, "
                             "as the endpoint's ServiceName shows it); an AWS service's ports are known", SETTING)
        found.setdefault(name, set()).add(_port(name, port))
    return {name: tuple(sorted(ports)) for name, ports in found.items()}


def service_port_echo(ports: ServicePorts) -> str:
    """The setting as the result records it: ``SERVICE=PORT`` entries, the flag's own form."""
    return ",".join(f"{name}={port}" for name, values in sorted(ports.items()) for port in values)


def _port(name: str, text: str) -> int:
    value = int(text) if text.isascii() and text.isdigit() else 0
    if not 1 <= value <= MAX_PORT:
        raise UsageError(f"{name}: expected a TCP port from 1 to {MAX_PORT}, got {text!r}", SETTING)
    return value


def _connected_part(accounts: Sequence[AccountSnapshot]) -> frozenset[str] | None:
    """The services the accounts' endpoints connect to; None where no Region's endpoints were collected."""
    regions = [region for account in accounts for region in account.regions if region.has(Part.VPC_ENDPOINTS)]
    if not regions:
        return None
    return frozenset(endpoint.service_name for region in regions for endpoint in region.vpc_endpoints)


def _unused_whole(parts: Sequence[frozenset[str] | None], ports: ServicePorts) -> list[str]:
    collected = [part for part in parts if part is not None]
    if not collected:
        return []
    connected = frozenset().union(*collected)
    return sorted(name for name in ports if name not in connected)


# unused_service_ports(snapshot, ports): the configured services no VPC endpoint of the snapshot
# connects to, by name: a typo or a stale entry judges nothing, and the endpoints it was meant for
# stay "not evaluated" without saying why. Empty where no Region's endpoints were collected
# (nothing can be told).
unused_service_ports: Fold[frozenset[str] | None, list[str]] = Fold(
    "service_ports.connected", _connected_part, _unused_whole)
