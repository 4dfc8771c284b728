"""The read-only guard: refuse any AWS operation the collectors do not declare, before it is sent.

Why a botocore hook rather than discipline: vpcaudit runs with whatever credentials the user
has, often an administrator's. The hook sits on ``before-parameter-build`` — the first event of
every API call, before the request is serialised, signed or sent — on every client the factory
creates, and the factory is the only way collectors get clients. A collector bug can then at
worst raise :class:`ReadOnlyViolation`; it can never write.

Why an allow-list of operations rather than "anything named Describe/List/Get": reads are not
harmless by name — ``secretsmanager:GetSecretValue``, ``ec2:GetPasswordData`` or
``redshift:GetClusterCredentials`` read secrets, and some ``Get*`` operations change state. So a
client allows exactly the operations it is given: for the collectors' clients, the ones the
collectors declare (:func:`vpcaudit.collectors.catalog.collector_operations`, the same list
``vpcaudit iam-policy`` prints), plus what botocore itself issues on such a client
(:data:`BOTOCORE_INTERNAL`). Declaring an operation beside the collector that calls it is the
one step that allows it. As a second fence, an allow-list may name only read operations
(``Describe*``, ``List*``, ``Get*``) and ``sts:AssumeRole`` (:data:`ROLE_ASSUMPTION`): a
writer (to S3, to Security Hub) needs a module and a client of its own, never this factory.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from vpcaudit.errors import ReadOnlyViolation

READ_PREFIXES = ("Describe", "List", "Get")
# Operations botocore issues by itself on a client vpcaudit made, without any collector asking:
# S3's region redirector calls HeadBucket on the same client to find a bucket's region when a
# request went to the wrong region and the error does not say which is right. (The others it
# can issue do not arise here: S3 Express CreateSession is only for directory buckets, which
# ListBuckets never returns; endpoint discovery's DescribeEndpoints is used by none of the
# collected services. Both stay refused.)
BOTOCORE_INTERNAL = frozenset({"s3:HeadBucket"})
# sts:AssumeRole only mints temporary credentials for a role; it changes nothing in the target
# account. Only the client that assumes the roles of a many-account collection may call it
# (vpcaudit.aws.accounts), never the clients collectors get.
ROLE_ASSUMPTION = frozenset({"sts:AssumeRole"})


def check_allow_list(operations: Iterable[str]) -> frozenset[str]:
    """``operations`` (``service:Operation``) as a guard's allow-list; ValueError if one of them
    is not a read by name and not :data:`ROLE_ASSUMPTION`."""
    allowed = frozenset(operations)
    malformed = sorted(op for op in allowed if op.count(":") != 1)
    writes = sorted(op for op in allowed - ROLE_ASSUMPTION
                    if not op.partition(":")[2].startswith(READ_PREFIXES))
    if malformed or writes:
        raise ValueError(f"not on the read-only guard's allow-list: {', '.join(malformed + writes)}")
    return allowed


def is_allowed(service: str, operation: str, allowed: frozenset[str]) -> bool:
    """True when ``service:operation`` (``ec2``, ``DescribeVpcs``) may be called by a client whose
    allow-list is ``allowed``."""
    name = f"{service}:{operation}"
    return name in allowed or name in BOTOCORE_INTERNAL


def install(events: Any, service: str, allowed: frozenset[str]) -> None:
    """Register the guard on one client's event emitter (``client.meta.events``)."""
    checked = check_allow_list(allowed)

    def refuse_undeclared(model: Any, **_: Any) -> None:
        if not is_allowed(service, model.name, checked):
            raise ReadOnlyViolation(f"vpcaudit is read-only: refused {service}:{model.name} before sending it "
                                    "(not an operation this client is allowed)")

    # First handler of the most specific node: nothing registered later can act before it.
    events.register_first("before-parameter-build.*.*", refuse_undeclared, unique_id="vpcaudit-read-only-guard")
