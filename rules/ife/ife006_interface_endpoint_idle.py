"""IFE006 interface-endpoint-idle."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from vpcaudit.engine.remedy import Phase, step
from vpcaudit.engine.rule import Finding, Severity, evidence_dict, rule
from vpcaudit.snapshot.model import Part

if TYPE_CHECKING:
    from vpcaudit.engine.context import RuleContext

NAMESPACE = "AWS/PrivateLinkEndpoints"
METRIC = "BytesProcessed"


@rule(id="IFE006", name="interface-endpoint-idle", severity=Severity.LOW,
      needs=(Part.VPC_ENDPOINTS, Part.METRICS),
      references=(
          "https://docs.aws.amazon.com/vpc/latest/privatelink/privatelink-cloudwatch-metrics.html",
          "https://aws.amazon.com/privatelink/pricing/",
          "https://docs.aws.amazon.com/cli/latest/reference/ec2/delete-vpc-endpoints.html",
      ),
      seeds=("000",))
def interface_endpoint_idle(ctx: RuleContext) -> Iterator[Finding]:
    """With CloudWatch metrics collected (`--with metrics`): an available interface endpoint's
    `AWS/PrivateLinkEndpoints` `BytesProcessed` is 0 over the look-back window (default 14
    days). Shows its monthly cost.

    An endpoint whose metric was not collected is not evaluated. Endpoints that are not
    available are IFE004's.

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
    """
    view = ctx.view
    metrics = {m.resource_id: m for m in ctx.region.metrics if m.namespace == NAMESPACE and m.metric_name == METRIC}
    for endpoint in sorted(view.endpoints.values(), key=lambda e: e.vpc_endpoint_id):
        if endpoint.endpoint_type != "Interface" or endpoint.state.lower() != "available":
            continue
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
        dns = (f"; with private DNS on, any remaining client of {view.service(endpoint).key} falls back to its "
               "default route once it is deleted" if endpoint.private_dns_enabled else "")
        yield ctx.finding(
            ref,
            f"Interface endpoint {endpoint.vpc_endpoint_id} ({endpoint.service_name}, {azs} AZ(s)) processed no bytes "
            f"in the last {metric.window_days} days but costs ~{ctx.cost.money(monthly)}/month{dns}.",
            evidence=evidence_dict(window_days=metric.window_days, days_with_data=metric.datapoints,
                                   service_name=endpoint.service_name, az_count=azs),
            monthly_cost_usd=monthly,
            fix=[step("ec2:DeleteVpcEndpoints", {"VpcEndpointIds": [endpoint.vpc_endpoint_id]},
                      endpoint.vpc_endpoint_id, Phase.DELETE,
                      f"Delete idle interface endpoint {endpoint.vpc_endpoint_id} ({endpoint.service_name})",
                      decision=f"{metric.window_days} quiet days may miss monthly jobs or incident-only use (Session "
                               "Manager): confirm over a longer window that nothing uses it")])
