"""eksctl's fully-private EKS cluster (``privateCluster.enabled: true``) in us-west-2.

https://eksctl.io/usage/eks-private-cluster/
https://github.com/eksctl-io/eksctl/blob/main/pkg/cfn/builder/vpc_endpoint.go
https://github.com/eksctl-io/eksctl/blob/main/pkg/cfn/builder/testdata/vpc_private.json

The VPC eksctl generates: 192.168.0.0/16, a private /19 subnet in each of four AZs with its own
route table and no route beyond the VPC (no internet gateway, no NAT). The endpoints eksctl
requires: interface endpoints for ec2, ecr.api, ecr.dkr and sts with private DNS, each in the
subnets of the AZs where DescribeVpcEndpointServices offers it (ec2 and sts not in the fourth
AZ, as in eksctl's own test data), carrying the cluster's shared node security group (all
traffic from itself and from the EKS cluster security group); an S3 gateway endpoint on every
route table. The cluster: a managed node group with a node per AZ (the EKS cluster security
group), the control plane's cross-account ENIs, and VPC CNI pod ENIs on the nodes.
"""

from __future__ import annotations

from aws_layout import AwsRegionBuilder

from vpcaudit.snapshot.model import Snapshot

CLUSTER = "private-cluster"


def build() -> tuple[Snapshot, dict[str, str]]:
    b = AwsRegionBuilder("210987654321", "us-west-2", ("usw2-az2", "usw2-az1", "usw2-az3", "usw2-az4"))
    vpc = b.vpc("192.168.0.0/16", name=f"eksctl-{CLUSTER}-cluster/VPC")
    cluster_sg = b.security_group(vpc, name=f"eks-cluster-sg-{CLUSTER}-1234567890",
                                  ingress=[("-1", None, None, "self")])
    shared_sg = b.security_group(vpc, name=f"eksctl-{CLUSTER}-cluster-ClusterSharedNodeSecurityGroup",
                                 ingress=[("-1", None, None, "self"), ("-1", None, None, cluster_sg)])
    subnets, tables = [], []
    for az, letter in enumerate("ABCD", start=1):
        subnet = b.subnet(vpc, f"192.168.{96 + 32 * az}.0/19", az=az,
                          name=f"eksctl-{CLUSTER}-cluster/SubnetPrivateUSWEST2{letter}")
        b.tag(subnet, {"kubernetes.io/role/internal-elb": "1"})
        tables.append(b.route_table(vpc, subnets=[subnet],
                                    name=f"eksctl-{CLUSTER}-cluster/PrivateRouteTableUSWEST2{letter}"))
        subnets.append(subnet)
        b.workload(subnet, groups=[cluster_sg], description="")  # the managed node's primary ENI
        b.workload(subnet, groups=[cluster_sg], description="aws-K8S-i-0a1b2c3d4e5f60718")  # VPC CNI pods
    for subnet in subnets[:2]:
        b.workload(subnet, groups=[cluster_sg], description=f"Amazon EKS {CLUSTER}")  # control plane ENIs
    ids: dict[str, str] = {"vpc": vpc, "cluster_sg": cluster_sg, "shared_sg": shared_sg}
    for key in ("ec2", "sts"):  # not offered in the fourth AZ
        b.service(key, azs=(1, 2, 3))
    for key, where in (("ec2", subnets[:3]), ("ecr.api", subnets), ("ecr.dkr", subnets), ("sts", subnets[:3])):
        ids[key] = b.interface_endpoint(vpc, key, subnets=where, groups=[shared_sg])
        b.tag(ids[key], {"Name": f"eksctl-{CLUSTER}-cluster/VPCEndpoint{key.upper().replace('.', '')}"})
    ids["s3"] = b.gateway_endpoint(vpc, "s3", route_tables=tables)
    ids |= {f"subnet{i + 1}": s for i, s in enumerate(subnets)}
    return b.snapshot(), ids
