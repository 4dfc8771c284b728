"""VPC endpoints of every type and the region's endpoint services (EC2).

Endpoints come from one region-wide listing (ENI ids, subnets, groups, policy, DNS options are
all in it). Endpoint services — AWS's and the PrivateLink services visible to this account —
give owner, types, AZs, private DNS names and policy support, which the rules need to tell an
AWS service from a PrivateLink one and to know where a service is offered.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from vpcaudit.aws.paging import items
from vpcaudit.collectors.base import Collector, Scope
from vpcaudit.snapshot import resources as r
from vpcaudit.snapshot.model import Part


def fetch_vpc_endpoints(scope: Scope, _: Mapping[Part, Any]) -> tuple[r.VpcEndpoint, ...]:
    return tuple(r.VpcEndpoint.from_api(i)
                 for i in items(scope.client("ec2"), "DescribeVpcEndpoints", "VpcEndpoints"))


def fetch_endpoint_services(scope: Scope, _: Mapping[Part, Any]) -> tuple[r.EndpointService, ...]:
    details = items(scope.client("ec2"), "DescribeVpcEndpointServices", "ServiceDetails")
    # A service can be listed once per service Region; keep one record per name.
    by_name = {d["ServiceName"]: r.EndpointService.from_api(d) for d in details}
    return tuple(by_name.values())


COLLECTORS = (
    Collector(Part.VPC_ENDPOINTS, ("ec2:DescribeVpcEndpoints",), fetch_vpc_endpoints),
    Collector(Part.ENDPOINT_SERVICES, ("ec2:DescribeVpcEndpointServices",), fetch_endpoint_services),
)
