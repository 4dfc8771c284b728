"""The report's cost table: what the NAT gateways and interface endpoints of a region cost.

Fixed monthly costs come from the resources themselves (a NAT gateway is billed per hour, an
interface endpoint per hour *per AZ* it has a network interface in). Data charges are shown
only where CloudWatch metrics were collected (``--with metrics``): an estimate from real
traffic, never a guess. Prices come from :class:`CostModel`, so a pricing file changes
the table and the cost rules alike.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from vpcaudit.network.view import NetworkView
from vpcaudit.pricing import HOURS_PER_MONTH, CostModel
from vpcaudit.snapshot import resources as r
from vpcaudit.snapshot.bulk import pickled_as_arguments, slot_init
from vpcaudit.snapshot.model import Part


@pickled_as_arguments
@slot_init
@dataclass(frozen=True, slots=True)
class CostLine:
    account_id: str
    region: str
    vpc_id: str
    item: str  # nat-gateway | interface-endpoint
    resource_id: str
    description: str
    az_count: int
    monthly_fixed_usd: float
    monthly_data_usd: float | None = None  # only where metrics were collected
    currency: str = "USD"  # of both amounts: the Region's price table (CNY in China)



BYTES_PER_GB = 1024**3
DAYS_PER_MONTH = HOURS_PER_MONTH / 24
NAT_NAMESPACE = "AWS/NATGateway"
# Bytes a NAT gateway processes: what clients send out plus what comes back to them.
NAT_PROCESSED_METRICS = ("BytesInFromSource", "BytesInFromDestination")
ENDPOINT_NAMESPACE = "AWS/PrivateLinkEndpoints"
ENDPOINT_PROCESSED_METRIC = "BytesProcessed"
_BILLED_NAT_STATES = frozenset({"available", "pending"})
_UNBILLED_ENDPOINT_STATES = frozenset({"deleted"})


def monthly_gb(metrics: Iterable[r.ResourceMetric]) -> float | None:
    """Metric totals over their look-back window, scaled to a 730-hour month, in GB."""
    items = list(metrics)
    if not items:
        return None
    per_day = sum(m.total / max(m.window_days, 1) for m in items)
    return per_day * DAYS_PER_MONTH / BYTES_PER_GB


def cost_lines(view: NetworkView, model: CostModel) -> list[CostLine]:
    """NAT gateway and interface endpoint cost lines of one (account, region)."""
    region = view.region
    with_metrics = region.has(Part.METRICS)
    metrics: dict[tuple[str, str], list[r.ResourceMetric]] = {}
    for m in region.metrics:
        metrics.setdefault((m.resource_id, m.namespace), []).append(m)
    lines = [_nat_line(view, nat, model, metrics if with_metrics else None)
             for nat in sorted(region.nat_gateways, key=lambda n: n.nat_gateway_id)
             if nat.state.lower() in _BILLED_NAT_STATES]
    lines += _endpoint_lines(view, model, metrics if with_metrics else None)
    return lines


def _nat_line(view: NetworkView, nat: r.NatGateway, model: CostModel,
              metrics: dict[tuple[str, str], list[r.ResourceMetric]] | None) -> CostLine:
    if nat.subnet_id:
        az_ids = {view.az_id_of(nat.subnet_id) or "unknown AZ"}
    else:  # regional NAT gateway: present in the AZs of its addresses
        az_ids = {a.availability_zone_id or a.availability_zone or "unknown AZ" for a in nat.addresses} or {"regional"}
    data = None
    if metrics is not None:
        used = [m for m in metrics.get((nat.nat_gateway_id, NAT_NAMESPACE), ())
                if m.metric_name in NAT_PROCESSED_METRICS]
        gb = monthly_gb(used)
        data = model.nat_data_cost(gb) if gb is not None else None
    where = ", ".join(sorted(az_ids))
    kind = "regional" if nat.availability_mode == "regional" else "zonal"
    return CostLine(view.account_id, view.region_name, nat.vpc_id, "nat-gateway", nat.nat_gateway_id,
                    f"{nat.connectivity_type} {kind} NAT gateway in {where}", len(az_ids),
                    round(model.nat_gateway_month() * len(az_ids), 2), data, model.currency)


def _endpoint_lines(view: NetworkView, model: CostModel,
                    metrics: dict[tuple[str, str], list[r.ResourceMetric]] | None) -> list[CostLine]:
    """Interface endpoints; data is tiered on the region's total, then shared out by traffic."""
    endpoints = [e for e in sorted(view.region.vpc_endpoints, key=lambda e: e.vpc_endpoint_id)
                 if e.endpoint_type == "Interface" and e.state.lower() not in _UNBILLED_ENDPOINT_STATES]
    volumes: dict[str, float] = {}
    if metrics is not None:
        for e in endpoints:
            gb = monthly_gb(m for m in metrics.get((e.vpc_endpoint_id, ENDPOINT_NAMESPACE), ())
                            if m.metric_name == ENDPOINT_PROCESSED_METRIC)
            if gb is not None:
                volumes[e.vpc_endpoint_id] = gb
    total_gb = sum(volumes.values())
    total_cost = model.interface_data_cost(total_gb)
    lines = []
    for e in endpoints:
        azs = view.endpoint_az_ids(e) or frozenset(e.subnet_ids)
        data = None
        if e.vpc_endpoint_id in volumes:
            share = volumes[e.vpc_endpoint_id] / total_gb if total_gb else 0.0
            data = round(total_cost * share, 2)
        lines.append(CostLine(view.account_id, view.region_name, e.vpc_id, "interface-endpoint", e.vpc_endpoint_id,
                              f"interface endpoint {e.service_name} in {len(azs)} AZ(s)", len(azs),
                              model.interface_endpoint_month(len(azs)), data, model.currency))
    return lines
