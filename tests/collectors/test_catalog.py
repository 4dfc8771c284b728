"""The catalogue: every part has a collector, dependencies close, declarations are read-only."""

from __future__ import annotations

import boto3

from vpcaudit.aws.guard import check_allow_list, is_allowed
from vpcaudit.collectors.catalog import (
    COLLECTORS,
    collector_operations,
    declared_operations,
    default_parts,
    with_dependencies,
)
from vpcaudit.collectors.run import collect_snapshot
from vpcaudit.snapshot.model import Part, State


def test_every_part_has_exactly_one_collector() -> None:
    assert set(COLLECTORS) == set(Part)


def test_dependencies_are_added() -> None:
    assert with_dependencies({Part.HOSTED_ZONES}) == {Part.HOSTED_ZONES, Part.VPCS}
    assert with_dependencies({Part.METRICS}) == {Part.METRICS, Part.NAT_GATEWAYS, Part.VPC_ENDPOINTS}
    assert Part.BUCKET_POLICIES not in default_parts() and Part.METRICS not in default_parts()


def test_the_guard_allows_exactly_the_declared_operations() -> None:
    """Declaration, IAM policy and guard are one list: declaring an operation is what allows it."""
    allowed = collector_operations()
    assert allowed == set(declared_operations(set(Part)))
    assert check_allow_list(allowed) == allowed  # all of them reads by name: no write can be declared
    for op in allowed:
        service, name = op.split(":")
        assert is_allowed(service, name, allowed), op


def test_a_part_pulls_in_what_it_needs_and_nothing_else(session: boto3.session.Session) -> None:
    outcome = collect_snapshot(session, ["us-east-1"], {Part.VPC_ATTRIBUTES})
    (region,) = outcome.snapshot.accounts[0].regions
    collected = {s.part for s in region.status if s.state is State.OK}
    assert collected == {Part.VPCS, Part.VPC_ATTRIBUTES}
    assert region.state_of(Part.SUBNETS).message == "not requested"
    assert all(v.enable_dns_support is not None for v in region.vpcs)
    assert set(outcome.calls) == {"sts:GetCallerIdentity", "ec2:DescribeRegions", "ec2:DescribeVpcs",
                                  "ec2:DescribeVpcAttribute"}
