"""CloudWatch Synthetics canaries in a VPC, as their Lambda interfaces show them.

Why a module: a canary configured for a VPC runs as a Lambda function that CloudWatch Synthetics
creates and names ``cwsyn-<canary name>-<id>`` (the API's ``EngineArn``, e.g.
``function:cwsyn-my-canary-dc5015c2-db17-4cb5-afb1-EXAMPLE991:8``; the execution role's log group
``/aws/lambda/cwsyn-<canary name>-*``, "Required roles and permissions for canaries"). Lambda
describes the function's network interfaces ``AWS Lambda VPC ENI-<function>-<uuid>``, so the
snapshot shows which interfaces are a canary's without collecting Synthetics itself. Those
interfaces are the clients of what the running canary calls: CloudWatch (its metrics) and S3 (its
artifacts), which a canary without internet access reaches only through endpoints (CloudWatch
User Guide, "Running a canary on a VPC").
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from vpcaudit.network.view import NetworkView
    from vpcaudit.snapshot import resources as r

# Lambda's description of a function's interface, for a function Synthetics created.
CANARY_INTERFACE_PREFIX = "AWS Lambda VPC ENI-cwsyn-"


def is_canary_interface(eni: r.NetworkInterface) -> bool:
    """An interface Lambda manages for a canary's function. Requester-managed only: an interface
    someone created by hand with that description is no canary's."""
    return eni.requester_managed and eni.description.startswith(CANARY_INTERFACE_PREFIX)


def canary_interfaces(view: NetworkView, vpc_id: str) -> tuple[r.NetworkInterface, ...]:
    """The workload interfaces of the VPC's canaries, in interface-id order."""
    return tuple(eni for eni in view.workload_enis(vpc_id) if is_canary_interface(eni))
