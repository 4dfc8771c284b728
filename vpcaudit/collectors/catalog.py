"""Every collector, the dependencies between parts, and the IAM permissions they add up to.

Why one catalogue: the scheduler, ``vpcaudit iam-policy`` and the tests all read the same
declarations, so the policy a user is told to grant is exactly what the code calls.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from typing import Any

from vpcaudit.collectors import (
    account,
    cloudwatch,
    datasync,
    ec2_block_public_access,
    ec2_endpoints,
    ec2_interfaces,
    ec2_network,
    ec2_prefix_lists,
    ec2_routing,
    ec2_security,
    firehose,
    memorydb,
    mq,
    rds,
    redshift,
    resolver,
    route53,
    s3,
)
from vpcaudit.collectors.base import AnyCollector
from vpcaudit.snapshot.model import Part

COLLECTORS: dict[Part, AnyCollector] = {c.part: c for module in (
    ec2_network, ec2_routing, ec2_endpoints, ec2_prefix_lists, ec2_security, ec2_interfaces,
    ec2_block_public_access, redshift, memorydb, rds, datasync, mq, firehose, route53, resolver, s3, cloudwatch)
    for c in module.COLLECTORS}

# Operation names whose IAM action differs; None: the operation needs no permission at all.
IAM_ACTIONS: dict[str, str | None] = {
    "s3:ListBuckets": "s3:ListAllMyBuckets",
    "sts:GetCallerIdentity": None,
}


def default_parts() -> frozenset[Part]:
    """What ``collect`` gathers unless told otherwise: every part that is not opt-in."""
    return frozenset(p for p in Part if not p.opt_in)


def with_dependencies(parts: Iterable[Part]) -> frozenset[Part]:
    """``parts`` plus every part they need, transitively."""
    todo, seen = list(parts), set()
    while todo:
        part = todo.pop()
        if part not in seen:
            seen.add(part)
            todo.extend(COLLECTORS[part].needs)
    return frozenset(seen)


def declared_operations(parts: Collection[Part] | None = None) -> tuple[str, ...]:
    """Every ``service:Operation`` a collection of ``parts`` (default: non-opt-in) may call."""
    wanted = with_dependencies(default_parts() if parts is None else parts)
    ops = set(account.OPERATIONS)
    for part in wanted:
        ops.update(COLLECTORS[part].operations)
    return tuple(sorted(ops))


def collector_operations() -> frozenset[str]:
    """Every operation any collector declares: the allow-list of the collectors' clients. The
    read-only guard, ``vpcaudit iam-policy`` and the test of what a collection really calls all
    read these declarations, so declaring an operation is the one step that allows it."""
    return frozenset(declared_operations(frozenset(Part)))


def iam_policy(parts: Collection[Part] | None = None) -> dict[str, Any]:
    """The minimal read-only IAM policy for collecting ``parts``."""
    actions = sorted({action for op in declared_operations(parts)
                      if (action := IAM_ACTIONS.get(op, op)) is not None})
    return {"Version": "2012-10-17",
            "Statement": [{"Sid": "VpcauditReadOnlyCollection", "Effect": "Allow", "Action": actions,
                           "Resource": "*"}]}
