"""Centralized egress through a transit gateway, rebuilt in the AWS China (Ningxia) Region,
cn-northwest-1: spokes reach the internet through a transit gateway and an egress VPC's NAT
gateways, and reach S3 and DynamoDB through gateway endpoints of their own.

Sources:

- AWS whitepaper "Building a Scalable and Secure Multi-VPC AWS Network Infrastructure",
  "Centralized egress to internet",
  https://docs.aws.amazon.com/whitepapers/latest/building-scalable-secure-multi-vpc-network-infrastructure/centralized-egress-to-internet.html
  (as read for the commercial rebuild, ``layouts.central_egress``): an egress VPC with a NAT gateway
  in a public subnet of each AZ
  and an internet gateway; spoke VPCs whose private subnets send 0.0.0.0/0 to the transit gateway;
  the egress VPC's transit gateway attachment subnets send 0.0.0.0/0 to the NAT gateway of their own
  AZ (a NAT gateway per AZ, so that losing one AZ does not cut off the other's egress and traffic does
  not cross AZs); the public subnets send the spokes' ranges back to the transit gateway. Its page
  "Centralized access to VPC private endpoints" (same whitepaper, as read for that rebuild) adds
  that a gateway endpoint cannot be reached from outside its VPC, so S3 and DynamoDB gateway
  endpoints belong in each spoke. The commercial rebuild is ``layouts.central_egress``.
- AWS Transit Gateway guide, "Example: Centralized outbound routing to the internet",
  https://docs.aws.amazon.com/vpc/latest/tgw/transit-gateway-nat-igw.html (as read for that rebuild)
  and the China copy of its attachments page,
  https://docs.amazonaws.cn/vpc/latest/tgw/tgw-vpc-attachments.html (current page, read 2026-12-07):
  one attachment subnet per AZ; a spoke's traffic reaches the transit gateway only through the
  attachment's subnet in its own AZ.
- The China specifics: docs.amazonaws.cn "Amazon VPC" China differences page
  (https://docs.amazonaws.cn/en_us/aws/latest/userguide/vpc.html, current page, read 2026-12-07); the
  gateway endpoint service names ``com.amazonaws.cn-northwest-1.s3`` and ``…dynamodb`` (no ``cn.``
  prefix) as aws/aws-cdk ``packages/aws-cdk-lib/aws-ec2/lib/vpc-endpoint.ts`` at
  5785d5948a7eb3b8280fbb21d59bd44d9a6a13aa records them (``GatewayVpcEndpointAwsService``, no China
  exception) and the China blog's ``describe-vpc-endpoint-services`` output lists them (see
  ``layouts.china_s3_endpoints_hands_on``); the Region's catalogue is ``china_eks_private_cluster``'s.
  Prices: the China Regions bill in CNY (https://www.amazonaws.cn/en/pricing/); vpcaudit's
  ``price_table._CHINA`` converts the us-east-1 figures at 7.1 CNY/USD, an order of magnitude only.
  ICP: AWS China's ICP page (https://www.amazonaws.cn/en/support/icp/) concerns domain names served
  to the public from China, an inbound matter; no AWS page found sets a VPC-level condition on
  outbound NAT egress, and nothing of it is in a VPC snapshot (assumed, not modelled).
- No public aws-samples repository or AWS China blog post building this layout in a China Region was
  found (aws-samples/aws-transit-gateway-egress-vpc-demo builds it in a commercial Region); this is
  the whitepaper's design under the China Region's names.

What was built (assumptions stated). Account ``111122223333``; AZs cn-northwest-1a/b with AZ IDs
``cnnw1-az1``/``cnnw1-az2`` (assumed in order); the transit gateway and its route tables (spokes'
0.0.0.0/0 to the egress attachment, the egress route table propagating the spokes) are not part of a
VPC snapshot, so only the attachment ENIs appear.

- Egress VPC 10.10.0.0/16: an internet gateway; public subnets 10.10.1.0/24 and 10.10.2.0/24 on one
  table (0.0.0.0/0 to the internet gateway, 10.0.0.0/8 to the transit gateway), a public NAT gateway
  in each; /28 attachment subnets 10.10.255.0 and 10.10.255.16, each on its own table sending
  0.0.0.0/0 to its AZ's NAT gateway. No workload, no endpoint.
- Spokes 10.1.0.0/16 and 10.2.0.0/16: private /24 subnets per AZ and /28 attachment subnets, all on
  one table whose only route beyond the VPC is 0.0.0.0/0 to the transit gateway, plus the prefix-list
  routes of an S3 and a DynamoDB gateway endpoint (``com.amazonaws.cn-northwest-1.<svc>``, AWS's
  default full-access policy — the console's default, assumed left as is). Group ``app`` (no ingress,
  default egress); one instance per private subnet.
- A flow log on every VPC.
- Service-managed interfaces as DescribeNetworkInterfaces shows them (InterfaceType per botocore's
  ``NetworkInterfaceType``): each NAT gateway's ``natGateway``, RequesterManaged true, Description
  ``Interface for NAT Gateway <nat id>``, its Elastic IP, no group, no tags; each transit gateway
  attachment's ``transit_gateway``, RequesterManaged true, Description ``Network Interface for
  Transit Gateway Attachment <tgw-attach id>``, no group, no tags; instances ``interface``,
  RequesterManaged false, ``Primary network interface``, attached to an instance.

Near misses: ``shared_nat=True`` (one NAT gateway, in AZ 1, for both attachment subnets);
``spoke2_s3=False`` (spoke 2 without its S3 gateway endpoint); ``crossed_attachment=True`` (the AZ-2
attachment subnet routed to the AZ-1 NAT gateway, both NAT gateways still present).
"""

from __future__ import annotations

from aws_layout import AwsRegionBuilder

from layouts.china_eks_private_cluster import REGION, _china_catalogue
from vpcaudit.snapshot.model import Snapshot

ACCOUNT = "111122223333"
AZ_IDS = ("cnnw1-az1", "cnnw1-az2")
TGW = "tgw-0c4e2a1b9d8f70635"


def build(*, shared_nat: bool = False, spoke2_s3: bool = True,
          crossed_attachment: bool = False) -> tuple[Snapshot, dict[str, str]]:
    """The layout and its near misses (module docstring)."""
    b = AwsRegionBuilder(ACCOUNT, REGION, AZ_IDS)
    _china_catalogue(b)
    egress = b.vpc("10.10.0.0/16", name="egress")
    igw = b.igw(egress)
    public_rt = b.route_table(egress, routes={"0.0.0.0/0": igw, "10.0.0.0/8": TGW}, name="egress-public")
    ids: dict[str, str] = {"egress": egress, "igw": igw, "public_rt": public_rt}
    for az in (1, 2):
        public = ids[f"public{az}"] = b.subnet(egress, f"10.10.{az}.0/24", az=az, name=f"egress-public-{az}")
        b.associate(public_rt, public)
        if az == 1 or not shared_nat:
            ids[f"nat{az}"] = b.nat(public)
    attach = []
    for az in (1, 2):
        subnet = ids[f"attach{az}"] = b.subnet(egress, f"10.10.255.{16 * (az - 1)}/28", az=az,
                                               name=f"egress-tgw-attach-{az}")
        nat = ids["nat1"] if shared_nat or (crossed_attachment and az == 2) else ids[f"nat{az}"]
        ids[f"attach{az}_rt"] = b.route_table(egress, subnets=[subnet], routes={"0.0.0.0/0": nat},
                                              name=f"egress-tgw-attach-{az}")
        attach.append(subnet)
    ids["egress_attachment"] = b.tgw_attachment(egress, TGW, attach)
    for n in (1, 2):
        spoke = ids[f"spoke{n}"] = b.vpc(f"10.{n}.0.0/16", name=f"spoke-{n}")
        private = [b.subnet(spoke, f"10.{n}.{az}.0/24", az=az, name=f"spoke-{n}-private-{az}") for az in (1, 2)]
        spoke_attach = [b.subnet(spoke, f"10.{n}.255.{16 * (az - 1)}/28", az=az, name=f"spoke-{n}-tgw-{az}")
                        for az in (1, 2)]
        table = ids[f"spoke{n}_rt"] = b.route_table(spoke, subnets=private + spoke_attach,
                                                    routes={"0.0.0.0/0": TGW}, name=f"spoke-{n}")
        b.tgw_attachment(spoke, TGW, spoke_attach)
        if n == 1 or spoke2_s3:
            ids[f"spoke{n}_s3"] = b.gateway_endpoint(spoke, "s3", route_tables=[table])
        ids[f"spoke{n}_dynamodb"] = b.gateway_endpoint(spoke, "dynamodb", route_tables=[table])
        app = b.security_group(spoke, name="app")
        for k, subnet in enumerate(private, 1):
            ids[f"spoke{n}_private{k}"] = subnet
            ids[f"spoke{n}_app{k}"] = b.workload(subnet, groups=[app], description="Primary network interface")
    for vpc in b.vpcs:
        b.flow_log(vpc)
    return b.snapshot(), ids
