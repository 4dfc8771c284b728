"""Two weeks of CloudWatch traffic for the demo estate, so ``--with metrics`` has something to read.

Without traffic every NAT gateway and interface endpoint would look idle (IFE006, NAT004), the
good VPC included, and the report's data-charge column would stay empty. Datapoints are put
under the namespaces, metric names and dimension sets AWS publishes them with, one daily sum per
day of the look-back window. Like the rest of the estate this writes to moto only.

The story the numbers tell: prod's NAT gateway carries the whole VPC's traffic (its other AZs
pay cross-AZ on top); prod's sts endpoint has private DNS off, so SDKs go to the public sts
hostname and the endpoint processes nothing — idle, yet billed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from vpcaudit.demo.estate import Estate, VpcIds

GB = 1024 ** 3
DAYS = 14
ENDPOINT_GB_PER_DAY = 1.0
# (BytesOutToDestination, BytesInFromSource, BytesInFromDestination) per day, per NAT gateway.
NAT_GB_PER_DAY: dict[str, tuple[float, float, float]] = {
    "prod": (8.0, 8.0, 40.0), "dev": (0.5, 0.5, 2.0), "good": (1.0, 1.0, 4.0)}
IDLE_ENDPOINTS: dict[str, tuple[str, ...]] = {"prod": ("sts",)}
MAX_DATUMS_PER_CALL = 1000


def seed_traffic(cloudwatch: Any, estate: Estate, now: dt.datetime | None = None) -> None:
    """Put daily sums for the last :data:`DAYS` days, ending an hour before ``now``."""
    end = (now or dt.datetime.now(dt.timezone.utc)).replace(minute=0, second=0, microsecond=0)
    days = [end - dt.timedelta(days=k, hours=1) for k in range(DAYS)]
    for namespace, datums in (("AWS/NATGateway", list(_nat_datums(estate, days))),
                              ("AWS/PrivateLinkEndpoints", list(_endpoint_datums(estate, days)))):
        for start in range(0, len(datums), MAX_DATUMS_PER_CALL):
            cloudwatch.put_metric_data(Namespace=namespace, MetricData=datums[start:start + MAX_DATUMS_PER_CALL])


def _datum(name: str, dimensions: dict[str, str], day: dt.datetime, gigabytes: float) -> dict[str, Any]:
    return {"MetricName": name, "Dimensions": [{"Name": k, "Value": v} for k, v in dimensions.items()],
            "Timestamp": day, "Value": gigabytes * GB, "Unit": "Bytes"}


def _nat_datums(estate: Estate, days: list[dt.datetime]) -> Iterator[dict[str, Any]]:
    for vpc in estate.vpcs:
        volumes = dict(zip(("BytesOutToDestination", "BytesInFromSource", "BytesInFromDestination"),
                           NAT_GB_PER_DAY[vpc.name], strict=True))
        for nat in vpc.nat_gateway_ids:
            for name, gigabytes in volumes.items():
                yield from (_datum(name, {"NatGatewayId": nat}, day, gigabytes) for day in days)


def _endpoint_datums(estate: Estate, days: list[dt.datetime]) -> Iterator[dict[str, Any]]:
    for vpc in estate.vpcs:
        for key, endpoint in _busy_endpoints(vpc):
            dimensions = {"Endpoint Type": "Interface", "Service Name": f"com.amazonaws.{estate.region}.{key}",
                          "VPC Endpoint Id": endpoint, "VPC Id": vpc.vpc_id}
            yield from (_datum("BytesProcessed", dimensions, day, ENDPOINT_GB_PER_DAY) for day in days)


def _busy_endpoints(vpc: VpcIds) -> Iterator[tuple[str, str]]:
    """Interface endpoints that carry traffic: all but the VPC's idle ones (which publish nothing,
    as CloudWatch publishes no datapoint for a day without traffic)."""
    idle = IDLE_ENDPOINTS.get(vpc.name, ())
    yield from ((key, endpoint) for key, endpoint in vpc.interface_endpoint_ids.items() if key not in idle)
