"""What NAT004 and NAT005 share: which NAT gateways traffic can reach, and what one bills idle."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from vpcaudit.network.view import NetworkView
    from vpcaudit.snapshot import resources as r


def billed_azs(nat: r.NatGateway) -> int:
    """A zonal NAT gateway bills one AZ; a regional one each AZ it has addresses in."""
    if nat.availability_mode != "regional":
        return 1
    return len({a.availability_zone_id or a.availability_zone for a in nat.addresses}) or 1


def tables_routing_to_nat(view: NetworkView) -> dict[str, tuple[r.RouteTable, ...]]:
    """NAT gateway id → the route tables with a route to it (one pass over the Region's tables)."""
    out: dict[str, list[r.RouteTable]] = {}
    for table in view.route_tables.values():
        for nat_id in {x.target_id for x in table.routes if x.target_kind == "nat" and x.target_id}:
            out.setdefault(nat_id, []).append(table)
    return {nat_id: tuple(sorted(tables, key=lambda t: t.route_table_id)) for nat_id, tables in out.items()}


def carries_traffic(view: NetworkView, table: r.RouteTable) -> bool:
    """Does traffic leave through ``table``: a subnet uses it, or an edge association does? The
    main table always may: a subnet created without a table of its own uses it."""
    return table.is_main or bool(view.implicit_subnets(table)) or any(
        a.gateway_id and a.state == "associated" for a in table.associations)
