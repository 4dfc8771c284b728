"""CloudWatch traffic of interface endpoints and NAT gateways over a look-back window (opt-in).

Why ``GetMetricData``: it takes up to 500 metric queries per call, so a region's whole fleet
costs one call per 500 metrics (plus pages when there are many data points), instead of one
``GetMetricStatistics`` per metric. Each metric is summed per day (Period 86400, a multiple of
the hour that CloudWatch requires for data older than 63 days) and stored as one
:class:`ResourceMetric` with the total and the number of days that had data.

Metrics queried, with the dimension sets AWS publishes them under:

* ``AWS/PrivateLinkEndpoints BytesProcessed`` — ``Endpoint Type``, ``Service Name``,
  ``VPC Endpoint Id``, ``VPC Id`` — for interface endpoints (gateway endpoints publish none);
* ``AWS/NATGateway`` ``BytesOutToDestination``, ``BytesInFromSource`` (idle check) and
  ``BytesInFromDestination`` (with ``BytesInFromSource``, the bytes AWS bills as processed) —
  ``NatGatewayId``.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from vpcaudit.aws.paging import pages
from vpcaudit.collectors.base import Collector, Scope
from vpcaudit.snapshot import resources as r
from vpcaudit.snapshot.model import Part

ENDPOINT_NAMESPACE = "AWS/PrivateLinkEndpoints"
ENDPOINT_METRICS = ("BytesProcessed",)
NAT_NAMESPACE = "AWS/NATGateway"
NAT_METRICS = ("BytesOutToDestination", "BytesInFromSource", "BytesInFromDestination")
MAX_QUERIES_PER_CALL = 500
PERIOD_S = 86_400


@dataclass(frozen=True)
class MetricQuery:
    resource_id: str
    namespace: str
    metric_name: str
    dimensions: tuple[tuple[str, str], ...]

    def to_api(self, query_id: str) -> r.Api:
        return {"Id": query_id, "ReturnData": True, "MetricStat": {
            "Metric": {"Namespace": self.namespace, "MetricName": self.metric_name,
                       "Dimensions": [{"Name": k, "Value": v} for k, v in self.dimensions]},
            "Period": PERIOD_S, "Stat": "Sum"}}


def metric_queries(nat_gateways: tuple[r.NatGateway, ...],
                   endpoints: tuple[r.VpcEndpoint, ...]) -> list[MetricQuery]:
    """What to ask CloudWatch for (pure): every NAT gateway and interface endpoint not deleted."""
    queries = [MetricQuery(nat.nat_gateway_id, NAT_NAMESPACE, name, (("NatGatewayId", nat.nat_gateway_id),))
               for nat in nat_gateways if nat.state.lower() != "deleted" for name in NAT_METRICS]
    queries += [MetricQuery(ep.vpc_endpoint_id, ENDPOINT_NAMESPACE, name, (
                    ("Endpoint Type", ep.endpoint_type), ("Service Name", ep.service_name),
                    ("VPC Endpoint Id", ep.vpc_endpoint_id), ("VPC Id", ep.vpc_id)))
                for ep in endpoints if ep.endpoint_type == "Interface" and ep.state.lower() != "deleted"
                for name in ENDPOINT_METRICS]
    return queries


def fetch_metrics(scope: Scope, inputs: Mapping[Part, Any]) -> tuple[r.ResourceMetric, ...]:
    queries = metric_queries(inputs[Part.NAT_GATEWAYS], inputs[Part.VPC_ENDPOINTS])
    end = scope.now.replace(minute=0, second=0, microsecond=0)
    start = end - dt.timedelta(days=scope.metrics_days)
    cloudwatch = scope.client("cloudwatch")

    def run_batch(offset: int) -> dict[int, list[float]]:
        batch = [q.to_api(f"q{offset + i}") for i, q in enumerate(queries[offset:offset + MAX_QUERIES_PER_CALL])]
        values: dict[int, list[float]] = defaultdict(list)
        for page in pages(cloudwatch, "GetMetricData", MetricDataQueries=batch, StartTime=start, EndTime=end):
            for result in page.get("MetricDataResults", []):
                values[int(result["Id"][1:])].extend(float(v) for v in result.get("Values", []))
        return values

    values: dict[int, list[float]] = {}
    for batch_values in scope.map(run_batch, range(0, len(queries), MAX_QUERIES_PER_CALL)):
        values.update(batch_values)
    return tuple(r.ResourceMetric(q.resource_id, q.namespace, q.metric_name, float(sum(values.get(i, ()))),
                                  len(values.get(i, ())), scope.metrics_days)
                 for i, q in enumerate(queries))


COLLECTORS = (
    Collector(Part.METRICS, ("cloudwatch:GetMetricData",), fetch_metrics,
              needs=(Part.NAT_GATEWAYS, Part.VPC_ENDPOINTS)),
)
