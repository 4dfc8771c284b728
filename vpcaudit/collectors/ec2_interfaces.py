"""Network interfaces and flow logs (EC2).

ENIs tell the rules where workloads run (client AZs) and which plumbing sits where; flow logs
whether a VPC or its subnets are monitored. Both are single region-wide listings.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from vpcaudit.aws.paging import items
from vpcaudit.collectors.base import Collector, Scope
from vpcaudit.snapshot import resources as r
from vpcaudit.snapshot.model import Part


def fetch_network_interfaces(scope: Scope, _: Mapping[Part, Any]) -> tuple[r.NetworkInterface, ...]:
    return tuple(r.NetworkInterface.from_api(i)
                 for i in items(scope.client("ec2"), "DescribeNetworkInterfaces", "NetworkInterfaces"))


def fetch_flow_logs(scope: Scope, _: Mapping[Part, Any]) -> tuple[r.FlowLog, ...]:
    return tuple(r.FlowLog.from_api(i) for i in items(scope.client("ec2"), "DescribeFlowLogs", "FlowLogs"))


COLLECTORS = (
    Collector(Part.NETWORK_INTERFACES, ("ec2:DescribeNetworkInterfaces",), fetch_network_interfaces),
    Collector(Part.FLOW_LOGS, ("ec2:DescribeFlowLogs",), fetch_flow_logs),
)
