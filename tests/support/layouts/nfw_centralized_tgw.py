"""Centralized inspection: AWS Network Firewall in an inspection VPC behind a transit gateway (us-east-1).

https://github.com/aws-samples/aws-network-firewall-terraform/tree/480d42f99d1929c678facee0c5a8b8957adddf43/centralized_architecture/two_az
(``inspection_vpc.tf``, ``spoke_vpcs.tf``, ``transit_gateway.tf``, ``vpc_endpoints.tf``,
``instances.tf``, ``firewall.tf``, ``variables.tf``), the centralized model of
https://aws.amazon.com/blogs/networking-and-content-delivery/deployment-models-for-aws-network-firewall/
which the sample's README links.

As the sample builds it with its defaults (us-east-1a and us-east-1b, ``nfw-centralized``):

- Inspection VPC 100.64.0.0/16 (DNS support and hostnames on), per AZ a firewall subnet
  (100.64.0.16/28, 100.64.0.32/28), a transit gateway subnet (100.64.0.48/28, 100.64.0.64/28)
  and a public subnet (100.64.1.0/24, 100.64.2.0/24) with a NAT gateway; one route table per
  subnet: the transit gateway subnet sends 0.0.0.0/0 to its AZ's firewall endpoint, the
  firewall subnet sends 0.0.0.0/0 to its AZ's NAT gateway and 10.0.0.0/8 to the transit
  gateway, the public subnet sends 0.0.0.0/0 to the internet gateway and 10.0.0.0/8 back to
  its AZ's firewall endpoint. One firewall with a subnet mapping per firewall subnet: one
  endpoint per AZ, as DescribeVpcEndpoints reports Network Firewall's
  (``AwsRegionBuilder.firewall_endpoint``).
- Spoke A 10.1.0.0/16 and spoke B 10.2.0.0/16, each with per AZ a workload subnet
  (10.x.1.0/24, 10.x.2.0/24) whose own route table sends 0.0.0.0/0 to the transit gateway, and
  a transit gateway subnet (10.x.0.0/28, 10.x.0.16/28) whose own route table has the local
  route only; an EC2 instance per workload subnet in a group admitting ICMP from 10.0.0.0/8
  and 100.64.0.0/16 (egress all); ssm, ec2messages and ssmmessages interface endpoints in the
  workload subnets, private DNS on, default policy, behind a group admitting TCP 443 from the
  spoke's CIDR. Terraform's ``aws_security_group`` removes AWS's default egress rule when the
  resource declares none, so the endpoint groups have no egress rule.
- The transit gateway's attachments (appliance mode on the inspection VPC's) and route tables
  (spokes: 0.0.0.0/0 to the inspection attachment; inspection: the spokes' propagated CIDRs)
  are not part of a VPC snapshot: the snapshot model has neither
  ``DescribeTransitGatewayAttachments`` nor ``SearchTransitGatewayRoutes``. What the snapshot
  shows of them is the attachments' requester-managed ENIs in the transit gateway subnets.
- No VPC flow log (the sample logs the firewall's flow and alert records to CloudWatch Logs,
  which a VPC snapshot does not hold); no gateway endpoint; the default NACLs.

``build(single_nat=True)`` is a near miss the sample does not make: both firewall route tables
send 0.0.0.0/0 to the first AZ's NAT gateway, the second NAT gateway removed (a common way to
halve the NAT bill). ``build(spoke_gateway_endpoints=True)`` adds S3 and DynamoDB gateway
endpoints on each spoke's workload route tables, where the egress findings point.
"""

from __future__ import annotations

from aws_layout import AwsRegionBuilder

from vpcaudit.snapshot.model import Snapshot

PROJECT = "nfw-centralized"
TGW = "tgw-03c9e8d1f5a7b6420"
ANY4, INTERNAL = "0.0.0.0/0", "10.0.0.0/8"
INSPECTION_CIDR = "100.64.0.0/16"


def build(*, single_nat: bool = False, spoke_gateway_endpoints: bool = False) -> tuple[Snapshot, dict[str, str]]:
    b = AwsRegionBuilder("111122223333", "us-east-1", ("use1-az1", "use1-az2"))
    ids: dict[str, str] = {}
    inspection = b.vpc(INSPECTION_CIDR, name=f"inspection-egress-{PROJECT}")
    igw = b.igw(inspection)
    b.tag(igw, {"Name": f"inspection-igw-{PROJECT}"})
    ids |= {"inspection": inspection, "igw": igw}
    tgw_subnets = []
    for az in (1, 2):
        firewall = b.subnet(inspection, f"100.64.0.{16 * az}/28", az=az, name=f"inspection-firewall-{az}-{PROJECT}")
        attach = b.subnet(inspection, f"100.64.0.{16 * (az + 2)}/28", az=az, name=f"inspection-tgw-{az}-{PROJECT}")
        public = b.subnet(inspection, f"100.64.{az}.0/24", az=az, name=f"inspection-public-{az}-{PROJECT}")
        tgw_subnets.append(attach)
        ids |= {f"firewall{az}": firewall, f"tgw_subnet{az}": attach, f"public{az}": public,
                f"endpoint{az}": b.firewall_endpoint(inspection, firewall)}
        if az == 1 or not single_nat:
            ids[f"nat{az}"] = b.nat(public)
            b.tag(ids[f"nat{az}"], {"Name": f"inspection-natgw-{az}-{PROJECT}"})
    for az in (1, 2):
        endpoint = ids[f"endpoint{az}"]
        nat = ids["nat1"] if single_nat else ids[f"nat{az}"]
        ids[f"firewall_rt{az}"] = b.route_table(inspection, subnets=[ids[f"firewall{az}"]],
                                                routes={ANY4: nat, INTERNAL: TGW},
                                                name=f"inspection-firewall-rt-{az}-{PROJECT}")
        ids[f"tgw_rt{az}"] = b.route_table(inspection, subnets=[ids[f"tgw_subnet{az}"]], routes={ANY4: endpoint},
                                           name=f"inspection-tgw-rt-{az}-{PROJECT}")
        ids[f"public_rt{az}"] = b.route_table(inspection, subnets=[ids[f"public{az}"]],
                                              routes={ANY4: igw, INTERNAL: endpoint},
                                              name=f"inspection-public-rt-{az}-{PROJECT}")
    b.tgw_attachment(inspection, TGW, tgw_subnets)
    for n, letter in ((1, "a"), (2, "b")):
        spoke = b.vpc(f"10.{n}.0.0/16", name=f"spoke-{letter}-{PROJECT}")
        workload_subnets, attach_subnets, workload_rts = [], [], []
        for az in (1, 2):
            workload = b.subnet(spoke, f"10.{n}.{az}.0/24", az=az, name=f"spoke-{letter}-workload-{az}-{PROJECT}")
            attach = b.subnet(spoke, f"10.{n}.0.{16 * (az - 1)}/28", az=az, name=f"spoke-{letter}-tgw-{az}-{PROJECT}")
            workload_rts.append(b.route_table(spoke, subnets=[workload], routes={ANY4: TGW},
                                              name=f"spoke-{letter}-workload-rt-{az}-{PROJECT}"))
            b.route_table(spoke, subnets=[attach], name=f"spoke-{letter}-tgw-rt-{az}-{PROJECT}")
            workload_subnets.append(workload)
            attach_subnets.append(attach)
            ids[f"spoke{n}_workload{az}"] = workload
        b.tgw_attachment(spoke, TGW, attach_subnets)
        instances = b.security_group(spoke, name=f"spoke-{letter}-workload-sg-{PROJECT}",
                                     ingress=[("icmp", -1, -1, INTERNAL), ("icmp", -1, -1, INSPECTION_CIDR)])
        for subnet in workload_subnets:
            b.workload(subnet, groups=[instances], description="Primary network interface")
        endpoints_sg = b.security_group(spoke, name=f"spoke-{letter}-endpoints-sg-{PROJECT}",
                                        ingress=[("tcp", 443, 443, f"10.{n}.0.0/16")], egress=[])
        for key in ("ssm", "ec2messages", "ssmmessages"):
            endpoint = b.interface_endpoint(spoke, key, subnets=workload_subnets, groups=[endpoints_sg])
            b.tag(endpoint, {"Name": f"spoke-{letter}-{key}-endpoint-{PROJECT}"})
            ids[f"spoke{n}_{key}"] = endpoint
        if spoke_gateway_endpoints:
            for key in ("s3", "dynamodb"):
                ids[f"spoke{n}_{key}"] = b.gateway_endpoint(spoke, key, route_tables=workload_rts)
        ids |= {f"spoke{n}": spoke, f"spoke{n}_endpoints_sg": endpoints_sg}
    return b.snapshot(), ids
