"""An Amazon CloudWatch Synthetics canary in a VPC's private subnets without internet access,
monitoring an internal endpoint (us-east-1).

The Amazon CloudWatch User Guide's "Running a canary on a VPC"
(https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Synthetics_Canaries_VPC.html)
and "Using CloudWatch and CloudWatch Synthetics with interface VPC endpoints"
(cloudwatch-and-interface-VPC.html), as last published in the guide's source repository
(https://github.com/awsdocs/amazon-cloudwatch-user-guide/tree/20a560c12498bb7fdbd1325e1c1415367dc601bf/doc_source,
``CloudWatch_Synthetics_Canaries_VPC.md`` and ``cloudwatch-and-interface-VPC.md``); the current
pages say the same and name the endpoints outright. The VPC page: "To run a canary on a VPC, you
must have both the DNS Resolution and DNS hostnames options enabled on the VPC"; "When you run a
canary on a VPC endpoint, you must provide a way for it to send its metrics to CloudWatch and its
artifacts to Amazon S3"; without internet access, "If you want to keep your VPC private, you can
configure the canary to send its data to CloudWatch and Amazon S3 through private VPC endpoints.
If you have not already done so, you must create a VPC endpoint for CloudWatch
(com.amazonaws.region.monitoring) and a gateway endpoint for Amazon S3". The endpoints page:
"create an interface VPC endpoint for CloudWatch. The service name to choose is
``com.amazonaws.region.monitoring``", and for Synthetics "The service name to choose is
``com.amazonaws.region.synthetics``"; "If you don't attach a policy when you create an endpoint,
we attach a default policy for you that allows full access to the service". The Knowledge Center's
"cloudwatch-fix-failing-canary-in-vpc": "Creating a canary in a VPC also creates an AWS Lambda
function with an elastic network interface in the specified VPC subnets … the canary must have
access to the following endpoints: Amazon S3 endpoint, CloudWatch Monitoring endpoint", and the
canary's security group must allow outbound traffic to port 443 for them.

No template is published with the guide: built from its requirements, every value assumed. VPC
10.0.0.0/16 with DNS support and hostnames on; private subnets 10.0.1.0/24 and 10.0.2.0/24 in the
Region's first two AZs, each on a route table of its own with no route beyond the VPC (no internet
gateway, no NAT); the S3 gateway endpoint on both tables; ``monitoring`` and ``synthetics``
interface endpoints with private DNS (the console's default) in both subnets behind
``canary-endpoints``, which admits TCP 443 from the canary's group; every endpoint with AWS's
default full-access policy. The canary ``orders-api-check`` gets ``canary-sg``: no ingress (nothing
calls a canary), AWS's default egress. The ``synthetics`` endpoint serves the Synthetics API from
the VPC (a pipeline updating the canary, say); the running canary itself needs only ``monitoring``
and S3, by the VPC page. The canary's logs leave through Lambda's own service, not its VPC
interfaces, so no ``logs`` endpoint is needed.

The monitored endpoint: an internal Application Load Balancer ``orders-internal`` in both private
subnets, ``orders-alb-sg`` admitting TCP 443 from ``canary-sg``; its nodes' interfaces as
DescribeNetworkInterfaces reports them (InterfaceType ``interface``, requester-managed, RequesterId
``amazon-elb``, Description ``ELB app/<name>/<id>``).

The running canary is its Lambda function ``cwsyn-<canary>-<uuid>`` (the guide's EngineArn example:
``function:cwsyn-my-canary-dc5015c2-db17-4cb5-afb1-EXAMPLE991:8``), whose Hyperplane ENIs are
represented as in ``lambda_vpc_private``: requester-managed, InterfaceType ``lambda``, described
``AWS Lambda VPC ENI-<function>-<uuid>``, one per subnet, carrying the canary's group.

Near misses: ``s3_endpoint=False`` (no S3 gateway endpoint at all); ``s3_tables=(1,)`` (the S3
gateway endpoint on the first subnet's table only: the second subnet was added later);
``canary_egress="vpc"`` (the canary's group sending TCP 443 to the VPC's block alone, "for the
endpoints"); ``monitoring=False`` (no CloudWatch endpoint);
``synthetics_private_dns=False`` (private DNS off on ``synthetics``).
"""

from __future__ import annotations

from functools import cache

from aws_layout import AwsRegionBuilder

from vpcaudit.snapshot.model import Snapshot

ACCOUNT = "123456789012"
REGION = "us-east-1"
VPC_CIDR = "10.0.0.0/16"
SUBNET_CIDRS = ("10.0.1.0/24", "10.0.2.0/24")
CANARY = "orders-api-check"  # the canary's name (assumed)
FUNCTION = f"cwsyn-{CANARY}-3f6b1c2e-8d4a-4e7b-9c1f-2a5d7e9b0c14"  # the Lambda function Synthetics creates
ALB = "orders-internal"  # the monitored internal load balancer (assumed)
ALB_ID = "7c3e9a1b5d2f4e60"
HTTPS = 443


@cache
def build(*, s3_endpoint: bool = True, s3_tables: tuple[int, ...] = (1, 2), canary_egress: str = "default",
          monitoring: bool = True, synthetics_private_dns: bool = True) -> tuple[Snapshot, dict[str, str]]:
    """``s3_endpoint``: the S3 gateway endpoint exists. ``s3_tables``: the AZs (1, 2) whose route
    tables it is on.
    ``canary_egress``: "default" (AWS's all-traffic rule) or "vpc" (TCP 443 to the VPC's block).
    ``monitoring``: the CloudWatch interface endpoint exists. ``synthetics_private_dns``: private
    DNS on the Synthetics endpoint."""
    b = AwsRegionBuilder(ACCOUNT, REGION, ("use1-az1", "use1-az2"))
    # Not in the builder's catalogue; PrivateDnsNames synthetics.<region>.amazonaws.com.
    b.service("synthetics")
    vpc = b.vpc(VPC_CIDR, name="canary-vpc", dns_support=True, dns_hostnames=True)
    ids: dict[str, str] = {"vpc": vpc}
    subnets = []
    for az, cidr in enumerate(SUBNET_CIDRS, start=1):
        subnet = ids[f"subnet{az}"] = b.subnet(vpc, cidr, az=az, name=f"canary-private-{az}")
        ids[f"rt{az}"] = b.route_table(vpc, subnets=[subnet], name=f"canary-private-{az}")
        subnets.append(subnet)

    egress = [("-1", None, None, "0.0.0.0/0")] if canary_egress == "default" else [("tcp", HTTPS, HTTPS, VPC_CIDR)]
    canary_sg = ids["canary_sg"] = b.security_group(vpc, name="canary-sg", egress=egress)
    endpoint_sg = ids["endpoint_sg"] = b.security_group(vpc, name="canary-endpoints",
                                                        ingress=[("tcp", HTTPS, HTTPS, canary_sg)])
    if s3_endpoint:
        ids["s3"] = b.gateway_endpoint(vpc, "s3", route_tables=[ids[f"rt{az}"] for az in s3_tables])
    if monitoring:
        ids["monitoring"] = b.interface_endpoint(vpc, "monitoring", subnets=subnets, groups=[endpoint_sg])
    ids["synthetics"] = b.interface_endpoint(vpc, "synthetics", subnets=subnets, groups=[endpoint_sg],
                                             private_dns=synthetics_private_dns)

    # The monitored internal load balancer: its nodes' interfaces, one per subnet.
    alb_sg = ids["alb_sg"] = b.security_group(vpc, name="orders-alb-sg", ingress=[("tcp", HTTPS, HTTPS, canary_sg)])
    for az, subnet in enumerate(subnets, start=1):
        ids[f"alb_eni{az}"] = b.workload(subnet, groups=[alb_sg], requester_managed=True, requester_id="amazon-elb",
                                         description=f"ELB app/{ALB}/{ALB_ID}")
    # The canary's Lambda Hyperplane ENIs, one per subnet.
    for az, subnet in enumerate(subnets, start=1):
        ids[f"canary_eni{az}"] = b.workload(
            subnet, groups=[canary_sg], interface_type="lambda", requester_managed=True,
            description=f"AWS Lambda VPC ENI-{FUNCTION}-b2d4f6a8-1c3e-4a5b-8d7f-9e0a1b2c3d4{az}")
    return b.snapshot(), ids
