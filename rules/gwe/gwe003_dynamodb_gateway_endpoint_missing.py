"""GWE003 dynamodb-gateway-endpoint-missing."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from vpcaudit.engine.rule import Finding, Severity, rule
from vpcaudit.rules.gwe._missing import NEEDS, missing_gateway_endpoint

if TYPE_CHECKING:
    from vpcaudit.engine.context import RuleContext


@rule(id="GWE003", name="dynamodb-gateway-endpoint-missing", severity=Severity.LOW, needs=NEEDS,
      references=(
          "https://docs.aws.amazon.com/vpc/latest/privatelink/vpc-endpoints-ddb.html",
          "https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/privatelink-interface-endpoints.html",
          "https://aws.amazon.com/vpc/pricing/",
          "https://docs.aws.amazon.com/cli/latest/reference/ec2/create-vpc-endpoint.html",
      ),
      seeds=("000", "001"))
def dynamodb_gateway_endpoint_missing(ctx: RuleContext) -> Iterator[Finding]:
    """A VPC has private subnets whose IPv4 egress class is `nat`, `tgw` or `cloudwan`, and no
    DynamoDB gateway endpoint. One finding per VPC, listing the subnets and where their traffic
    leaves.

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
    DynamoDB calls from those subnets pay NAT gateway data processing ($0.045/GB) or transit
    data processing, and depend on the NAT gateway or transit path being up. A DynamoDB gateway
    endpoint is free, keeps the traffic on the AWS network and lets an endpoint policy restrict
    which tables the VPC can reach. It must live in the VPC whose route tables use it.

    ## How to fix
    Create the endpoint on the route tables of the private subnets:

    ```
    aws ec2 create-vpc-endpoint --vpc-id <vpc-id> --vpc-endpoint-type Gateway \\
        --service-name com.amazonaws.<region>.dynamodb --route-table-ids <rtb-id> <rtb-id>
    ```
    """
    yield from missing_gateway_endpoint(ctx, "dynamodb", "DynamoDB")
