"""The read-only guard: refuse any AWS operation that could change something, before it is sent.

Why a botocore hook rather than discipline: vpcaudit runs with whatever credentials the user
has, often an administrator's. The hook sits on ``before-parameter-build`` — the first event of
every API call, before the request is serialised, signed or sent — on every client the factory
creates, and the factory is the only way collectors get clients. A collector bug can then at
worst raise :class:`ReadOnlyViolation`; it can never write.
"""

from __future__ import annotations

from typing import Any

from vpcaudit.errors import ReadOnlyViolation

READ_ONLY_PREFIXES = ("Describe", "List", "Get")
# Read-only operations outside the prefixes above that botocore itself may issue for us:
# S3's region redirector calls HeadBucket to find a bucket's region when an error lacks it.
EXTRA_ALLOWED = frozenset({"s3:HeadBucket"})
# sts:AssumeRole only mints temporary credentials for a role; it changes nothing in the target
# account. It is allowed on the one client that assumes the roles of a many-account collection
# (vpcaudit.aws.accounts), never on the clients collectors get, so a collector cannot call it.
ROLE_ASSUMPTION = frozenset({"sts:AssumeRole"})


def is_read_only(service: str, operation: str, allow: frozenset[str] = frozenset()) -> bool:
    """True when ``service:operation`` may be called (``operation`` is the API name, e.g.
    ``DescribeVpcs``); ``allow`` adds operations this particular client may call."""
    name = f"{service}:{operation}"
    return operation.startswith(READ_ONLY_PREFIXES) or name in EXTRA_ALLOWED or name in allow


def install(events: Any, service: str, allow: frozenset[str] = frozenset()) -> None:
    """Register the guard on one client's event emitter (``client.meta.events``); ``allow`` may
    only name operations of this module's explicit allow-list (:data:`ROLE_ASSUMPTION`)."""
    if not allow <= ROLE_ASSUMPTION:
        raise ValueError(f"not on the read-only guard's allow-list: {', '.join(sorted(allow - ROLE_ASSUMPTION))}")

    def refuse_writes(model: Any, **_: Any) -> None:
        if not is_read_only(service, model.name, allow):
            raise ReadOnlyViolation(f"vpcaudit is read-only: refused {service}:{model.name} before sending it")

    # First handler of the most specific node: nothing registered later can act before it.
    events.register_first("before-parameter-build.*.*", refuse_writes, unique_id="vpcaudit-read-only-guard")
