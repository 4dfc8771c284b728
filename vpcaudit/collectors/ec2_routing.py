"""Route tables, internet / egress-only internet gateways and NAT gateways (EC2).

One region-wide listing each; the route-table listing already carries every route (with its
target kind and state) and every explicit, main and edge association, so nothing is fetched
per table. NAT gateways recently deleted are kept: a route to one is a blackhole.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from vpcaudit.aws.paging import items
from vpcaudit.collectors.base import Collector, Scope
from vpcaudit.snapshot import resources as r
from vpcaudit.snapshot.model import Part


def fetch_route_tables(scope: Scope, _: Mapping[Part, Any]) -> tuple[r.RouteTable, ...]:
    return tuple(r.RouteTable.from_api(i)
                 for i in items(scope.client("ec2"), "DescribeRouteTables", "RouteTables"))


def fetch_internet_gateways(scope: Scope, _: Mapping[Part, Any]) -> tuple[r.InternetGateway, ...]:
    ec2 = scope.client("ec2")
    igws = items(ec2, "DescribeInternetGateways", "InternetGateways")
    eigws = items(ec2, "DescribeEgressOnlyInternetGateways", "EgressOnlyInternetGateways")
    return tuple(r.InternetGateway.from_api(i) for i in [*igws, *eigws])


def fetch_nat_gateways(scope: Scope, _: Mapping[Part, Any]) -> tuple[r.NatGateway, ...]:
    return tuple(r.NatGateway.from_api(i)
                 for i in items(scope.client("ec2"), "DescribeNatGateways", "NatGateways"))


COLLECTORS = (
    Collector(Part.ROUTE_TABLES, ("ec2:DescribeRouteTables",), fetch_route_tables),
    Collector(Part.INTERNET_GATEWAYS,
              ("ec2:DescribeInternetGateways", "ec2:DescribeEgressOnlyInternetGateways"),
              fetch_internet_gateways),
    Collector(Part.NAT_GATEWAYS, ("ec2:DescribeNatGateways",), fetch_nat_gateways),
)
