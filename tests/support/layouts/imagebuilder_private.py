"""An EC2 Image Builder pipeline building in private subnets without internet access (us-east-1).

The EC2 Image Builder User Guide, as last published in its source repository
(https://github.com/awsdocs/ec2-image-builder-user-guide/tree/9687bbd2b71556953af98c9823ee9db24717d0bf/doc_source,
the last commit with content before the repository was archived, 2023-05-19; the current pages say the
same):

- ``troubleshooting.md`` (last changed 1237fce, 2023-04-04), "Build times out while verifying the
  Systems Manager Agent availability": "If you are building in a private subnet, make sure that you
  have set up PrivateLink endpoints for Systems Manager, Image Builder, and, if you want logging,
  Amazon S3/CloudWatch"; the instance profile needs ``AmazonSSMManagedInstanceCore``.
- ``vpc-interface-endpoints.md`` (last changed 050ec06, 2022-10-19): the service name
  ``com.amazonaws.<region>.imagebuilder``, private DNS for ``imagebuilder.<region>.amazonaws.com``; "If
  you use a VPC endpoint for Amazon S3 in your environment, you'll need to ensure that your S3 VPC
  endpoint policy allows Image Builder to access" ``ec2imagebuilder-toe-<region>-prod`` (AWSTOE) and
  ``ec2imagebuilder-managed-resources-<region>-prod/components`` (managed components).
- ``create-infra-config.md``: the infrastructure configuration names the subnet and security groups
  the build and test instances launch with, and an optional S3 bucket for the logs.

AWS's data perimeter policy examples
(https://github.com/aws-samples/data-perimeter-policy-examples/blob/007f7e272f597e226fb426e4a97524d2b0d013f3/vpc_endpoint_policies/README.md)
add that the two buckets' reads are "unauthenticated and [pass] through the Amazon S3 VPC endpoint".

The guide gives no template; built as its pages ask, with these assumptions: a VPC 10.0.0.0/16 named
``imagebuilder``, DNS support and hostnames on (private DNS needs both); no internet gateway and no NAT
gateway; private subnets 10.0.1.0/24 (use1-az1) and 10.0.2.0/24 (use1-az2) on one route table
``imagebuilder-private`` (local route only); interface endpoints ``ssm``, ``ssmmessages``,
``ec2messages`` (Systems Manager, as its own setup page lists them), ``imagebuilder`` and ``logs`` (the
guide's CloudWatch logging) in both subnets, private DNS on, behind ``imagebuilder-endpoints``
admitting TCP 443 from 10.0.0.0/16; the S3 gateway endpoint (components, AWSTOE, the log bucket) on
the private table; every endpoint with AWS's default full access (which admits the guide's two
buckets). The infrastructure configuration's group ``imagebuilder-instance``: no ingress (the SSM
Agent connects out), AWS's default egress.

The build (or test) instance's primary network interface (``build=True``), as
DescribeNetworkInterfaces reports an EC2 instance's: typed ``interface``, not requester-managed, no
RequesterId, an empty description, the infrastructure configuration's group, in the first subnet
(the configuration names one subnet). Image Builder launches one instance at a time per build and
terminates it afterwards (``terminateInstanceOnFailure`` default true): between builds the VPC holds
no workload.

Near misses: ``ec2messages=False`` (the Systems Manager endpoint an engineer leaves out);
``imagebuilder_endpoint=False`` (the troubleshooting page's Image Builder endpoint left out);
``instance_egress="vpc-cidr"`` (the instance group sending TCP 443 to 10.0.0.0/16 only, which
reaches the interface endpoints but not the S3 gateway endpoint's prefix list);
``endpoint_source="admin-group"`` (the endpoints' group admitting 443 from an ``admin`` group instead
of the VPC or the instance group); ``ssm_private_dns=False`` (private DNS off on the ssm endpoint).
"""

from __future__ import annotations

from aws_layout import AwsRegionBuilder

from vpcaudit.snapshot.model import Snapshot

ACCOUNT = "123456789012"
REGION = "us-east-1"
NAME = "imagebuilder"
VPC_CIDR = "10.0.0.0/16"
PRIVATE_CIDRS = ("10.0.1.0/24", "10.0.2.0/24")
INTERFACE_SERVICES = ("ssm", "ssmmessages", "ec2messages", "imagebuilder", "logs")
# The AWS-owned buckets a build reads anonymously through the S3 endpoint (the guide's names, prod).
AWSTOE_BUCKET = f"ec2imagebuilder-toe-{REGION}-prod"
MANAGED_RESOURCES_BUCKET = f"ec2imagebuilder-managed-resources-{REGION}-prod"


def build(*, build: bool = True, ec2messages: bool = True, imagebuilder_endpoint: bool = True,
          instance_egress: str = "default", endpoint_source: str = "vpc",
          ssm_private_dns: bool = True) -> tuple[Snapshot, dict[str, str]]:
    """``build``: a build instance running. ``ec2messages``, ``imagebuilder_endpoint``: those
    endpoints present. ``instance_egress``: "default" (AWS's all-traffic rule) or "vpc-cidr" (TCP 443 to the VPC).
    ``endpoint_source``: "vpc" (443 from the VPC's block) or "admin-group" (443 from another group).
    ``ssm_private_dns``: private DNS on the ssm endpoint."""
    b = AwsRegionBuilder(ACCOUNT, REGION, ("use1-az1", "use1-az2"))
    vpc = b.vpc(VPC_CIDR, name=NAME, dns_support=True, dns_hostnames=True)
    ids: dict[str, str] = {"vpc": vpc, "main_rt": b.main_route_table(vpc)}
    private = [b.subnet(vpc, cidr, az=az, name=f"{NAME}-private-{az}")
               for az, cidr in enumerate(PRIVATE_CIDRS, start=1)]
    ids["private1"], ids["private2"] = private
    ids["private_rt"] = b.route_table(vpc, subnets=private, name=f"{NAME}-private")

    egress = [("-1", None, None, "0.0.0.0/0")] if instance_egress == "default" else [("tcp", 443, 443, VPC_CIDR)]
    ids["instance_sg"] = b.security_group(vpc, name=f"{NAME}-instance", egress=egress)
    if endpoint_source == "vpc":
        source = VPC_CIDR
    else:
        source = ids["admin_sg"] = b.security_group(vpc, name="admin")
    ids["endpoint_sg"] = b.security_group(vpc, name=f"{NAME}-endpoints", ingress=[("tcp", 443, 443, source)])

    b.service("imagebuilder")  # not in the builder's catalogue: DescribeVpcEndpointServices lists it
    for key in INTERFACE_SERVICES:
        if (key == "ec2messages" and not ec2messages) or (key == "imagebuilder" and not imagebuilder_endpoint):
            continue
        ids[key] = b.interface_endpoint(vpc, key, subnets=private, groups=[ids["endpoint_sg"]],
                                        private_dns=ssm_private_dns or key != "ssm")
    ids["s3"] = b.gateway_endpoint(vpc, "s3", route_tables=[ids["private_rt"]])

    if build:
        # The build instance's primary interface (assumed fields: see the module docstring).
        ids["build_eni"] = b.workload(ids["private1"], groups=[ids["instance_sg"]])
    return b.snapshot(), ids
