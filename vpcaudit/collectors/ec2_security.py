"""Security groups with their rules, and network ACLs with entries and associations (EC2).

Rules come from ``DescribeSecurityGroupRules`` (region-wide, paginated) rather than the nested
permissions of ``DescribeSecurityGroups``: each rule then has its own id, one CIDR / group /
prefix list per rule, and the join to its group happens here on ``GroupId``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from typing import Any

from vpcaudit.aws.paging import items
from vpcaudit.collectors.base import Collector, Scope
from vpcaudit.snapshot import resources as r
from vpcaudit.snapshot.model import Part


def join_rules(groups: list[r.Api], rules: list[r.Api]) -> tuple[r.SecurityGroup, ...]:
    """Attach each rule to its group (pure); a rule of an unlisted group is dropped."""
    by_group: dict[str, list[r.SecurityGroupRule]] = defaultdict(list)
    for rule in rules:
        parsed = r.SecurityGroupRule.from_api(rule)
        by_group[parsed.group_id].append(parsed)
    return tuple(r.SecurityGroup.from_api(g, tuple(by_group.get(g["GroupId"], ()))) for g in groups)


def fetch_security_groups(scope: Scope, _: Mapping[Part, Any]) -> tuple[r.SecurityGroup, ...]:
    ec2 = scope.client("ec2")
    groups = items(ec2, "DescribeSecurityGroups", "SecurityGroups")
    rules = items(ec2, "DescribeSecurityGroupRules", "SecurityGroupRules")
    return join_rules(groups, rules)


def fetch_network_acls(scope: Scope, _: Mapping[Part, Any]) -> tuple[r.NetworkAcl, ...]:
    return tuple(r.NetworkAcl.from_api(i) for i in items(scope.client("ec2"), "DescribeNetworkAcls", "NetworkAcls"))


COLLECTORS = (
    Collector(Part.SECURITY_GROUPS, ("ec2:DescribeSecurityGroups", "ec2:DescribeSecurityGroupRules"),
              fetch_security_groups),
    Collector(Part.NETWORK_ACLS, ("ec2:DescribeNetworkAcls",), fetch_network_acls),
)
