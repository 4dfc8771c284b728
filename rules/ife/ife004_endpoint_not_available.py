"""IFE004 endpoint-not-available."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from vpcaudit.engine.remedy import FixStep, Phase, placeholder, step
from vpcaudit.engine.rule import Finding, Severity, evidence_dict, rule
from vpcaudit.network.view import msk_connection_cluster
from vpcaudit.rules._sorted import endpoints_by_id
from vpcaudit.rules.ife._msk import delete_msk_connection
from vpcaudit.snapshot.model import Part

if TYPE_CHECKING:
    from vpcaudit.engine.context import RuleContext
    from vpcaudit.snapshot import resources as r

# Lower-cased endpoint state → (severity, what it means for traffic and cost).
STATES: dict[str, tuple[Severity, str]] = {
    "failed": (Severity.HIGH, "its creation failed: it carries no traffic"),
    "rejected": (Severity.HIGH, "the service provider rejected the connection: it carries no traffic"),
    "expired": (Severity.HIGH, "the connection request expired before the service provider accepted it: it carries "
                               "no traffic"),
    "partial": (Severity.HIGH, "it is only partially available: some of its subnets or network interfaces did not "
                               "come up"),
    "pendingacceptance": (Severity.MEDIUM, "it waits for the service provider to accept the connection and carries "
                                           "no traffic until then"),
    "pending": (Severity.MEDIUM, "it is still being created and carries no traffic yet"),
    "deleting": (Severity.INFO, "it is being deleted: routes, DNS records or clients still pointing at it are stale"),
    "deleted": (Severity.INFO, "it was deleted: routes, DNS records or clients still pointing at it are stale"),
}
# States in which an interface endpoint no longer bills.
_UNBILLED = frozenset({"deleting", "deleted"})


@rule(id="IFE004", name="endpoint-not-available", severity=Severity.HIGH,
      needs=(Part.VPC_ENDPOINTS,),
      references=(
          "https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_VpcEndpoint.html",
          "https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_AcceptVpcEndpointConnections.html",
          "https://aws.amazon.com/privatelink/pricing/",
          "https://docs.aws.amazon.com/cli/latest/reference/ec2/delete-vpc-endpoints.html",
          "https://docs.aws.amazon.com/msk/latest/developerguide/mvpc-cross-account-reject-connection.html",
          "https://docs.aws.amazon.com/msk/latest/developerguide/mvpc-cross-account-delete-connection.html",
          "https://docs.aws.amazon.com/cli/latest/reference/kafka/delete-vpc-connection.html",
      ))
def endpoint_not_available(ctx: RuleContext) -> Iterator[Finding]:
    """A VPC endpoint is not `Available`. High when its state is `Failed`, `Rejected`,
    `Expired` or `Partial` (it does not work, and an interface endpoint keeps billing hourly
    while it exists); medium when `PendingAcceptance` or `Pending`; info when `Deleting` or
    `Deleted`. States are compared case-insensitively; an unknown state is not evaluated.

    ## Why it matters
    Clients configured for the endpoint — by private DNS, by route, by its endpoint-specific
    names — get nothing through it, and an interface endpoint is billed about $7.30 per AZ per
    month in every state until it is deleted. Endpoints to PrivateLink services stay in
    `PendingAcceptance` until the provider accepts them, and a rejected or expired request
    never recovers on its own.

    ## How to fix
    Find out why (the `FailureReason` / `LastError` fields), then recreate the endpoint, ask the
    service provider to accept the connection, or delete it:

    ```
    aws ec2 describe-vpc-endpoints --vpc-endpoint-ids <vpce-id> \\
        --query "VpcEndpoints[].[State,FailureReason,LastError]"
    aws ec2 delete-vpc-endpoints --vpc-endpoint-ids <vpce-id>
    ```

    The provider accepts a pending connection with:

    ```
    aws ec2 accept-vpc-endpoint-connections --service-id <vpce-svc-id> --vpc-endpoint-ids <vpce-id>
    ```

    An endpoint tagged `AWSMSKManaged: true` with a `ClusterArn` belongs to an Amazon MSK
    managed VPC connection (multi-VPC private connectivity), which MSK creates and manages: "A
    rejected connection still incurs cost until its deleted by the connection owner", and MSK
    has no call that accepts a rejected one again. The fix for such an endpoint in a state that
    does not recover deletes the connection instead, which removes the endpoint; the tags name
    its cluster, not the connection, so look its ARN up first:

    ```
    aws kafka list-vpc-connections --output text --query \\
        "VpcConnections[?VpcId=='<vpc-id>' && TargetClusterArn=='<cluster-arn>'].VpcConnectionArn"
    aws kafka delete-vpc-connection --arn <vpc-connection-arn>
    ```
    """
    view = ctx.view
    for endpoint in endpoints_by_id(view):
        state = endpoint.state.lower()
        if state == "available":
            continue
        ref = ctx.ref("vpc-endpoint", endpoint.vpc_endpoint_id, endpoint.vpc_id, view.name_of(endpoint.tags))
        what = f"{endpoint.endpoint_type} endpoint {endpoint.vpc_endpoint_id} ({endpoint.service_name})"
        if state not in STATES:
            yield ctx.not_evaluated(ref, f"{what} is in state {endpoint.state!r}, which vpcaudit does not know")
            continue
        severity, meaning = STATES[state]
        billed = endpoint.endpoint_type == "Interface" and state not in _UNBILLED
        cost = ctx.cost.interface_endpoint_month(len(endpoint.subnet_ids)) if billed else None
        bill = f"; it still bills ~{ctx.cost.money(cost)}/month while it exists" if cost else ""
        yield ctx.finding(
            ref, f"{what} is {endpoint.state}: {meaning}{bill}.", severity=severity,
            evidence=evidence_dict(state=endpoint.state, endpoint_type=endpoint.endpoint_type,
                                   service_name=endpoint.service_name, subnet_ids=endpoint.subnet_ids or None),
            monthly_cost_usd=cost, fix=_fix(ctx, endpoint, state))


# States whose endpoint never recovers on its own: find out why, then recreate or delete it.
_BROKEN = frozenset({"failed", "rejected", "expired", "partial"})


def _fix(ctx: RuleContext, endpoint: r.VpcEndpoint, state: str) -> list[FixStep]:
    if state in _BROKEN:
        return [_delete(endpoint, ctx.view.region_name)]
    if state == "pendingacceptance":
        details = ctx.view.services.get(endpoint.service_name)
        service_id = details.service_id if details and details.service_id else placeholder("vpce-svc id")
        return [step("ec2:AcceptVpcEndpointConnections",
                     {"ServiceId": service_id, "VpcEndpointIds": [endpoint.vpc_endpoint_id]},
                     endpoint.vpc_endpoint_id, Phase.MODIFY,
                     f"Accept the connection of {endpoint.vpc_endpoint_id} to {endpoint.service_name}",
                     decision="the service provider runs this, in the provider's account, once it agrees")]
    return []


def _delete(endpoint: r.VpcEndpoint, region: str) -> FixStep:
    """Delete what bills for the broken endpoint: the endpoint itself, or the Amazon MSK managed VPC
    connection it belongs to ("A rejected connection still incurs cost until its deleted by the
    connection owner"; MSK has no call that accepts a rejected one again)."""
    what = f"{endpoint.endpoint_type} endpoint {endpoint.vpc_endpoint_id} ({endpoint.state})"
    cluster = msk_connection_cluster(endpoint)
    if cluster is not None:
        return delete_msk_connection(
            endpoint, cluster, region, what=what,
            confirm=f"read FailureReason / LastError first: if a client in {endpoint.vpc_id} still needs the cluster, "
                    "it needs a new connection (MSK has no call that accepts a rejected one again; ask the cluster's "
                    "owner)")
    return step("ec2:DeleteVpcEndpoints", {"VpcEndpointIds": [endpoint.vpc_endpoint_id]},
                endpoint.vpc_endpoint_id, Phase.DELETE, f"Delete {what}",
                decision="read FailureReason / LastError first: recreate the endpoint, ask the service provider, "
                         "or delete it if nothing needs it")
