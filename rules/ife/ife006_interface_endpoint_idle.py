"""IFE006 interface-endpoint-idle."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from vpcaudit.engine.remedy import FixStep, Phase, step
from vpcaudit.engine.rule import Finding, Severity, evidence_dict, rule
from vpcaudit.network.view import msk_connection_cluster
from vpcaudit.rules._sorted import endpoints_by_id
from vpcaudit.rules.ife._msk import delete_msk_connection
from vpcaudit.snapshot.model import Part

if TYPE_CHECKING:
    from vpcaudit.engine.context import RuleContext
    from vpcaudit.network.view import NetworkView
    from vpcaudit.snapshot import resources as r

NAMESPACE = "AWS/PrivateLinkEndpoints"
METRIC = "BytesProcessed"


@rule(id="IFE006", name="interface-endpoint-idle", severity=Severity.LOW,
      needs=(Part.VPC_ENDPOINTS, Part.METRICS),
      references=(
          "https://docs.aws.amazon.com/vpc/latest/privatelink/privatelink-cloudwatch-metrics.html",
          "https://aws.amazon.com/privatelink/pricing/",
          "https://docs.aws.amazon.com/cli/latest/reference/ec2/delete-vpc-endpoints.html",
          "https://docs.aws.amazon.com/msk/latest/developerguide/mvpc-cross-account-delete-connection.html",
          "https://docs.aws.amazon.com/msk/latest/developerguide/slr-permissions.html",
          "https://docs.aws.amazon.com/cli/latest/reference/kafka/delete-vpc-connection.html",
          "https://docs.aws.amazon.com/msk/1.0/apireference/clusters-clusterarn-bootstrap-brokers.html",
      ),
      seeds=("000",))
def interface_endpoint_idle(ctx: RuleContext) -> Iterator[Finding]:
    """With CloudWatch metrics collected (`--with metrics`): an available interface endpoint's
    `AWS/PrivateLinkEndpoints` `BytesProcessed` is 0 over the look-back window (default 14
    days). Shows its monthly cost.

    An endpoint whose metric was not collected is not evaluated. Endpoints that are not
    available are IFE004's. An endpoint its service manages (`RequesterManaged`, "Indicates
    whether the endpoint is being managed by its service": an ElastiCache Serverless cache's, for
    one) is not judged: "Management of the service VPC endpoints using the VPC endpoint API is
    restricted", and it goes with the resource it serves — except an MSK managed VPC connection's
    (below), whose connection its owner deletes. With private DNS on, the message warns that a remaining client of
    the service falls back to its default route once the endpoint is deleted; for an endpoint of
    an Amazon MSK managed VPC connection (below), that a remaining client of the connection loses
    its path to the cluster: it bootstraps from the broker names MSK gives the connection
    (GetBootstrapBrokers' `BootstrapBrokerStringVpcConnectivity…`), which reach the cluster
    only through this endpoint.

    ## Why it matters
    An interface endpoint bills about $7.30 per AZ per month whether or not it carries traffic;
    a set of idle endpoints across accounts and Regions adds up quickly. The seed guidance is to
    review unused endpoints regularly. Idle endpoints usually belong to a workload that moved,
    or were created "just in case" by a VPC template.

    ## How to fix
    Confirm over a longer window that nothing uses it (an endpoint used monthly, e.g. by a batch
    job or by Session Manager during incidents, may look idle over two weeks), then delete it:

    ```
    aws cloudwatch get-metric-statistics --namespace AWS/PrivateLinkEndpoints \\
        --metric-name BytesProcessed --statistics Sum --period 86400 \\
        --start-time <90-days-ago> --end-time <now> \\
        --dimensions Name="VPC Endpoint Id",Value=<vpce-id> Name="VPC Id",Value=<vpc-id> \\
        Name="Endpoint Type",Value=Interface Name="Service Name",Value=<service-name>
    aws ec2 delete-vpc-endpoints --vpc-endpoint-ids <vpce-id>
    ```

    An endpoint tagged `AWSMSKManaged: true` with a `ClusterArn` belongs to an Amazon MSK
    managed VPC connection (multi-VPC private connectivity): MSK creates and manages it, and
    the connection is what its owner deletes ("Once a VPC connection is deleted, it no longer
    incurs cost"), which removes the endpoint. The fix deletes the connection instead; the tags
    name its cluster, not the connection, so look its ARN up first:

    ```
    aws kafka list-vpc-connections --output text --query \\
        "VpcConnections[?VpcId=='<vpc-id>' && TargetClusterArn=='<cluster-arn>'].VpcConnectionArn"
    aws kafka delete-vpc-connection --arn <vpc-connection-arn>
    ```
    """
    view = ctx.view
    metrics = {m.resource_id: m for m in ctx.region.metrics if m.namespace == NAMESPACE and m.metric_name == METRIC}
    for endpoint in endpoints_by_id(view):
        if endpoint.endpoint_type != "Interface" or endpoint.state.lower() != "available":
            continue
        if endpoint.requester_managed and msk_connection_cluster(endpoint) is None:
            continue  # managed by its service (RequesterManaged): it goes with the resource it serves
        ref = ctx.ref("vpc-endpoint", endpoint.vpc_endpoint_id, endpoint.vpc_id, view.name_of(endpoint.tags))
        metric = metrics.get(endpoint.vpc_endpoint_id)
        if metric is None:
            yield ctx.not_evaluated(ref, f"Interface endpoint {endpoint.vpc_endpoint_id}: {NAMESPACE} {METRIC} "
                                         "was not collected")
            continue
        if metric.total > 0:
            continue
        azs = len(endpoint.subnet_ids)
        monthly = ctx.cost.interface_endpoint_month(azs)
        cluster = msk_connection_cluster(endpoint)
        yield ctx.finding(
            ref,
            f"Interface endpoint {endpoint.vpc_endpoint_id} ({endpoint.service_name}, {azs} AZ(s)) processed no bytes "
            f"in the last {metric.window_days} days but costs ~{ctx.cost.money(monthly)}/month"
            f"{_once_deleted(view, endpoint, cluster)}.",
            evidence=evidence_dict(window_days=metric.window_days, days_with_data=metric.datapoints,
                                   service_name=endpoint.service_name, az_count=azs),
            monthly_cost_usd=monthly,
            fix=[_delete(endpoint, cluster, metric.window_days, view.region_name)])


def _once_deleted(view: NetworkView, endpoint: r.VpcEndpoint, cluster: str | None) -> str:
    """What a client still using the endpoint is left with once the fix runs. A client of an MSK
    managed VPC connection bootstraps from the broker names MSK gives the connection
    (GetBootstrapBrokers' ``BootstrapBrokerStringVpcConnectivity…``), which reach the cluster
    only through this endpoint: it has no path left, private DNS or not. A client of any other
    endpoint with private DNS on falls back to its default route."""
    if cluster is not None:
        return (f"; it belongs to an Amazon MSK managed VPC connection to cluster {cluster}, and any remaining client "
                "of the connection loses its path to the cluster once the connection is deleted")
    if endpoint.private_dns_enabled:
        return (f"; with private DNS on, any remaining client of {view.service(endpoint).key} falls back to its "
                "default route once it is deleted")
    return ""


def _delete(endpoint: r.VpcEndpoint, cluster: str | None, window_days: int, region: str) -> FixStep:
    """Delete what bills for the idle endpoint: the endpoint itself, or the Amazon MSK managed VPC
    connection to ``cluster`` it belongs to."""
    if cluster is not None:
        return delete_msk_connection(
            endpoint, cluster, region, what=f"idle interface endpoint {endpoint.vpc_endpoint_id}",
            confirm=f"{window_days} quiet days may miss consumers that run monthly or on demand: confirm over a "
                    f"longer window that no client in {endpoint.vpc_id} uses the connection")
    return step("ec2:DeleteVpcEndpoints", {"VpcEndpointIds": [endpoint.vpc_endpoint_id]},
                endpoint.vpc_endpoint_id, Phase.DELETE,
                f"Delete idle interface endpoint {endpoint.vpc_endpoint_id} ({endpoint.service_name})",
                decision=f"{window_days} quiet days may miss monthly jobs or incident-only use (Session Manager): "
                         "confirm over a longer window that nothing uses it")

