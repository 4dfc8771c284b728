"""GWE002 s3-gateway-endpoint-missing."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from vpcaudit.engine.rule import Finding, Severity, rule
from vpcaudit.rules.gwe._missing import NEEDS, missing_gateway_endpoint

if TYPE_CHECKING:
    from vpcaudit.engine.context import RuleContext


@rule(id="GWE002", name="s3-gateway-endpoint-missing", severity=Severity.MEDIUM, needs=NEEDS,
      references=(
          "https://docs.aws.amazon.com/vpc/latest/privatelink/vpc-endpoints-s3.html",
          "https://docs.aws.amazon.com/AmazonS3/latest/userguide/privatelink-interface-endpoints.html",
          "https://aws.amazon.com/vpc/pricing/",
          "https://docs.aws.amazon.com/cli/latest/reference/ec2/create-vpc-endpoint.html",
      ),
      seeds=("000", "001"))
def s3_gateway_endpoint_missing(ctx: RuleContext) -> Iterator[Finding]:
    """A VPC has private subnets whose IPv4 egress class is `nat`, `tgw` or `cloudwan`, and no
    S3 gateway endpoint. One finding per VPC, listing the subnets and where their traffic leaves.

    Subnets behind a private NAT gateway count when the NAT gateway's own subnet routes to a
    transit gateway or Cloud WAN (docs/network-model.md, egress class).

    Advisory: a default VPC without workload network interfaces is skipped, and so is a VPC
    without workloads whose interface endpoints answer other VPCs through private hosted zones (a
    centralized-endpoint hub: the spokes' traffic cannot use a gateway endpoint of another VPC). Private subnets that
    are isolated, or leave through a virtual private gateway, are not counted, nor are
    forwarding subnets: transit gateway attachment subnets (a central egress VPC's) and firewall
    subnets holding only Network Firewall or Gateway Load Balancer endpoints (a central
    inspection VPC's). What they forward arrived through the transit gateway, which a gateway
    endpoint cannot serve, or comes from this VPC's own subnets, which are counted themselves.

    ## Why it matters
    Without a gateway endpoint, every request and every byte to S3 from those subnets goes
    through a NAT gateway ($0.045/GB processed) or a transit gateway / Cloud WAN attachment
    (data processing per GB), and S3 traffic is often the bulk of a VPC's egress (logs, backups,
    container image layers). An S3 gateway endpoint costs nothing and keeps the traffic on the
    AWS network. It must be created in the VPC whose route tables use it: spoke VPCs cannot
    reach a gateway endpoint of a central VPC through a transit gateway or peering.

    ## How to fix
    Create the endpoint on the route tables of the private subnets (and the public ones: it is
    free there too):

    ```
    aws ec2 create-vpc-endpoint --vpc-id <vpc-id> --vpc-endpoint-type Gateway \\
        --service-name com.amazonaws.<region>.s3 --route-table-ids <rtb-id> <rtb-id>
    ```

    Then scope its policy to your buckets or organisation (see POL001/POL002).
    """
    yield from missing_gateway_endpoint(ctx, "s3", "S3")
