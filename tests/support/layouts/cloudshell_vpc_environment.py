"""An AWS CloudShell VPC environment in a private subnet, reaching the internet and AWS APIs
through NAT gateways or through VPC endpoints (us-east-1).

Sources: the AWS CloudShell User Guide (current pages, read 2026-12-06):

- "Using AWS CloudShell in Amazon VPC"
  (https://docs.aws.amazon.com/cloudshell/latest/userguide/using-cshell-in-vpc.html): for each VPC
  environment one assigns a VPC, a subnet and up to five security groups, and CloudShell "inherits
  the network configuration of the VPC"; at most two VPC environments per IAM principal; storage
  is ephemeral, deleted when the session ends; public IP addresses are not allocated to VPC
  environments, so one in a public subnet routed to an internet gateway has no internet access,
  while one in a private subnet with NAT has; and, for "the underlying compute host", AWS "might
  provision network access" to S3 and to the endpoints ssmmessages, logs, kms, execute-api,
  ecs-telemetry, ecs-agent, ecs, ecr.dkr, ecr.api and CodeCatalyst's — "You cannot restrict access
  to these endpoints by modifying your VPC configuration" (the host's own traffic does not depend
  on the customer's VPC);
- "Creating a CloudShell VPC environment" (creating-vpc-environment.html): the console's
  **Name**, **Virtual private cloud (VPC)**, **Subnet** (one) and **Security group** (one to five);
  the environment's IP address shows in the prompt;
- "Required IAM permissions for creating and using CloudShell VPC environments"
  (aws-cloudshell-vpc-permissions-1.html): the user's own role needs ``ec2:CreateNetworkInterface``
  (on the subnet and groups, and on the interface only with the tag key ``ManagedByCloudShell``),
  ``ec2:CreateTags`` with ``ec2:CreateAction`` ``CreateNetworkInterface``,
  ``ec2:CreateNetworkInterfacePermission`` and (recommended) ``ec2:DeleteNetworkInterface`` on
  interfaces with ``aws:ResourceTag/ManagedByCloudShell`` equal to ``""``, each with
  ``aws:CalledVia`` ``cloudshell.amazonaws.com``; "ENIs created for CloudShell VPC environments
  are tagged with ManagedByCloudShell key", and without the delete permission "you must manually
  clean up the ENI resource after every CloudShell VPC environment use" (also the guide's
  troubleshooting page, "The ENI used by AWS CloudShell for my VPC environment is not cleaned up");
- botocore 1.44.18's ec2 model (``NetworkInterfaceType``, ``RequesterId``: "The alias or Amazon
  Web Services account ID of the principal or service that created the network interface").

AWS publishes no template; the guide names no endpoint for the shell's own use. Built as its pages
ask, with these assumptions. The NAT form (``form="nat"``, "private subnets configured with NAT"):
VPC 10.0.0.0/16 named ``cloudshell``, DNS support and hostnames on; an internet gateway; public
subnets 10.0.0.0/24 (use1-az1) and 10.0.10.0/24 (use1-az2) on ``cloudshell-public`` (0.0.0.0/0 to
the internet gateway, public IP on launch), a NAT gateway in each; private subnets 10.0.1.0/24 and
10.0.11.0/24, each on its own table sending 0.0.0.0/0 to its AZ's NAT gateway. The endpoint form
(``form="endpoints"``): no internet gateway and no NAT gateway, the two private subnets on one
table ``cloudshell-private`` (local route only), and the endpoints a user of the shell reaches for
first — ``sts`` (``aws sts get-caller-identity``) and ``ec2`` interface endpoints in both private
subnets with private DNS behind ``cloudshell-endpoints`` (TCP 443 from 10.0.0.0/16), and the S3
gateway endpoint on the private table, all with AWS's default full access. In both, the
environment's one group ``cloudshell-env``: no ingress, AWS's default egress; the environment in
the first private subnet. No flow log, the default NACL.

The environment's interface (``environment=True``: a session running), as DescribeNetworkInterfaces
is assumed to report it — AWS documents only the tag and who creates it. The user's own principal
creates it through CloudShell (the policy's ``aws:CalledVia``) and lets CloudShell attach it to its
host (``CreateNetworkInterfacePermission``). Assumed, as for CodeBuild's build interfaces: typed
``interface``, not requester-managed (a principal of the account created it), ``RequesterId`` the
signed-in role session's ID (``REQUESTER_ID``), an empty description, the tag ``ManagedByCloudShell``
with the empty value (the documented policies test ``aws:ResourceTag/ManagedByCloudShell`` against
``""``), attached to no instance of the account (the host is CloudShell's), ``in-use``, no public
address (none is allocated), the environment's group. The network model counts it as a workload:
the AWS CLI run in the shell calls AWS APIs from it. Between sessions the VPC holds no workload.

Near misses: ``form="isolated"`` (the endpoint form without any endpoint: no NAT, no endpoint);
``env_egress="none"`` (``cloudshell-env`` with AWS's default egress removed); ``dns_hostnames=False``
(the VPC's DNS hostnames off, its DNS support on); ``subnet="public"`` (the NAT form with the
environment in the first public subnet, routed to the internet gateway).
"""

from __future__ import annotations

from dataclasses import replace

from aws_layout import AwsRegionBuilder

from vpcaudit.snapshot import resources as r
from vpcaudit.snapshot.model import Snapshot

ACCOUNT = "123456789012"
REGION = "us-east-1"
NAME = "cloudshell"
VPC_CIDR = "10.0.0.0/16"
PUBLIC_CIDRS = ("10.0.0.0/24", "10.0.10.0/24")
PRIVATE_CIDRS = ("10.0.1.0/24", "10.0.11.0/24")
INTERFACE_SERVICES = ("sts", "ec2")
CLOUDSHELL_TAG = "ManagedByCloudShell"
# Assumed (see the module docstring): the signed-in user's role session, which creates the interface.
REQUESTER_ID = "AROAEXAMPLECONSOLEUSR:jdoe"


def build(*, form: str = "nat", environment: bool = True, env_egress: str = "default",
          dns_hostnames: bool = True, subnet: str = "private") -> tuple[Snapshot, dict[str, str]]:
    """``form``: "nat", "endpoints" or "isolated" (no NAT, no endpoint). ``environment``: a session
    running. ``env_egress``: "default" (AWS's all-traffic rule) or "none". ``dns_hostnames``: the
    VPC attribute. ``subnet``: "private" or "public" (the NAT form's first public subnet)."""
    b = AwsRegionBuilder(ACCOUNT, REGION, ("use1-az1", "use1-az2"))
    vpc = b.vpc(VPC_CIDR, name=NAME, dns_support=True, dns_hostnames=dns_hostnames)
    ids: dict[str, str] = {"vpc": vpc, "main_rt": b.main_route_table(vpc)}
    private = [b.subnet(vpc, cidr, az=az, name=f"{NAME}-private-{az}")
               for az, cidr in enumerate(PRIVATE_CIDRS, start=1)]
    ids["private1"], ids["private2"] = private
    if form == "nat":
        igw = ids["igw"] = b.igw(vpc)
        public_rt = ids["public_rt"] = b.route_table(vpc, routes={"0.0.0.0/0": igw}, name=f"{NAME}-public")
        for az, (pub_cidr, priv) in enumerate(zip(PUBLIC_CIDRS, private, strict=True), start=1):
            pub = ids[f"public{az}"] = b.subnet(vpc, pub_cidr, az=az, name=f"{NAME}-public-{az}")
            b.subnets[pub] = replace(b.subnets[pub], map_public_ip_on_launch=True)
            b.associate(public_rt, pub)
            nat = ids[f"nat{az}"] = b.nat(pub)
            ids[f"private_rt{az}"] = b.route_table(vpc, subnets=[priv], routes={"0.0.0.0/0": nat},
                                                   name=f"{NAME}-private-{az}")
    else:
        private_rt = ids["private_rt"] = b.route_table(vpc, subnets=private, name=f"{NAME}-private")
        if form == "endpoints":
            endpoint_sg = ids["endpoint_sg"] = b.security_group(vpc, name=f"{NAME}-endpoints",
                                                                ingress=[("tcp", 443, 443, VPC_CIDR)])
            for key in INTERFACE_SERVICES:
                ids[key] = b.interface_endpoint(vpc, key, subnets=private, groups=[endpoint_sg])
            ids["s3"] = b.gateway_endpoint(vpc, "s3", route_tables=[private_rt])

    egress = [("-1", None, None, "0.0.0.0/0")] if env_egress == "default" else []
    env_sg = ids["env_sg"] = b.security_group(vpc, name=f"{NAME}-env", egress=egress)

    if environment:
        # The environment's interface (assumed fields: see the module docstring).
        where = ids["public1"] if subnet == "public" else ids["private1"]
        eni = ids["env_eni"] = b.workload(where, groups=[env_sg], requester_id=REQUESTER_ID)
        b.enis[eni] = replace(b.enis[eni], tags=(r.Tag(CLOUDSHELL_TAG, ""),))
    return b.snapshot(), ids
