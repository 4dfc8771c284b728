"""The Amazon EKS sample VPC with public and private subnets (us-west-2).

https://s3.us-west-2.amazonaws.com/amazon-eks/cloudformation/2020-10-29/amazon-eks-vpc-private-subnets.yaml,
the IPv4 template the EKS user guide's "Create an Amazon VPC for your Amazon EKS cluster" links
(https://github.com/awsdocs/amazon-eks-user-guide/blob/2ef9e386c918fb0273527207d6af9d3d19ef4621/latest/ug/networking/creating-a-vpc.adoc);
its text as vendored in
https://github.com/ayushishrotriya/EKS-cluster/blob/1a17f307e9545879195d8fe9d4be559a6c98dd27/amazon-eks-vpc-private-subnets.yaml
(Description "Amazon EKS Sample VPC - Private and Public subnets"; the copy whose resources and
defaults the other public copies share).

Default parameters, stack named ``my-eks-vpc-stack`` as in the user guide: VPC 192.168.0.0/16
(``EnableDnsSupport`` and ``EnableDnsHostnames`` true, Name ``<stack>-VPC``), an internet
gateway, public subnets 192.168.0.0/18 and 192.168.64.0/18 in the Region's first two AZs
(``Fn::GetAZs`` 0 and 1; ``MapPublicIpOnLaunch: true``, tagged ``kubernetes.io/role/elb``) on
one route table ("Public Subnets") sending 0.0.0.0/0 to the internet gateway, a NAT gateway in
each, private subnets 192.168.128.0/18 and 192.168.192.0/18 (tagged
``kubernetes.io/role/internal-elb``) each on its own route table ("Private Subnet AZ1" / "AZ2")
sending 0.0.0.0/0 to its AZ's NAT gateway, and ``ControlPlaneSecurityGroup`` ("Cluster
communication with worker nodes": no inbound rule, CloudFormation's default allow-all egress).
No endpoints, no NACLs (the default NACL stays), no flow log, no IPv6. The main route table,
default NACL and default security group are AWS's. Nothing runs in it.

``build(cluster=True)`` puts it to use the way the EKS user guide's getting-started does, which
the template itself does not: a cluster on all four subnets with ``ControlPlaneSecurityGroup``
as its additional group, whose control plane places its cross-account ENIs in the private
subnets ("Amazon EKS <cluster>", the cluster security group EKS creates and the additional
group), and a managed node group with a node per private subnet (the cluster security group),
each with a VPC CNI secondary ENI for pods (``aws-K8S-<instance>``).
"""

from __future__ import annotations

from dataclasses import replace

from aws_layout import AwsRegionBuilder

from vpcaudit.snapshot.model import Snapshot

STACK = "my-eks-vpc-stack"
CLUSTER = "my-cluster"


def build(*, cluster: bool = False) -> tuple[Snapshot, dict[str, str]]:
    b = AwsRegionBuilder("123456789012", "us-west-2", ("usw2-az2", "usw2-az1"))
    vpc = b.vpc("192.168.0.0/16", name=f"{STACK}-VPC")
    igw = b.igw(vpc)  # InternetGateway: no tags in the template
    public_rt = b.route_table(vpc, routes={"0.0.0.0/0": igw}, name="Public Subnets")
    b.tag(public_rt, {"Network": "Public"})
    control_plane_sg = b.security_group(vpc, name=f"{STACK}-ControlPlaneSecurityGroup-1A2B3C4D5E6F7")
    b.groups[control_plane_sg] = replace(b.groups[control_plane_sg],
                                         description="Cluster communication with worker nodes")
    ids: dict[str, str] = {"vpc": vpc, "igw": igw, "public_rt": public_rt, "control_plane_sg": control_plane_sg}
    for az, (public_cidr, private_cidr) in enumerate(
            (("192.168.0.0/18", "192.168.128.0/18"), ("192.168.64.0/18", "192.168.192.0/18")), start=1):
        public = b.subnet(vpc, public_cidr, az=az, name=f"{STACK}-PublicSubnet0{az}")
        b.subnets[public] = replace(b.subnets[public], map_public_ip_on_launch=True)
        b.tag(public, {"kubernetes.io/role/elb": "1"})
        b.associate(public_rt, public)
        nat = b.nat(public)
        b.tag(nat, {"Name": f"{STACK}-NatGatewayAZ{az}"})
        private = b.subnet(vpc, private_cidr, az=az, name=f"{STACK}-PrivateSubnet0{az}")
        b.tag(private, {"kubernetes.io/role/internal-elb": "1"})
        private_rt = b.route_table(vpc, subnets=[private], routes={"0.0.0.0/0": nat}, name=f"Private Subnet AZ{az}")
        b.tag(private_rt, {"Network": f"Private0{az}"})
        ids |= {f"public{az}": public, f"nat{az}": nat, f"private{az}": private, f"private{az}_rt": private_rt}
    if cluster:
        ids |= _cluster(b, vpc, [ids["private1"], ids["private2"]], control_plane_sg)
    return b.snapshot(), ids


def _cluster(b: AwsRegionBuilder, vpc: str, private: list[str], control_plane_sg: str) -> dict[str, str]:
    """An EKS cluster and a managed node group in the private subnets, as EKS creates them."""
    cluster_sg = b.security_group(vpc, name=f"eks-cluster-sg-{CLUSTER}-1234567890",
                                  ingress=[("-1", None, None, "self")])
    ids = {"cluster_sg": cluster_sg}
    for az, subnet in enumerate(private, start=1):
        ids[f"control_plane_eni{az}"] = b.workload(subnet, groups=[cluster_sg, control_plane_sg],
                                                   description=f"Amazon EKS {CLUSTER}")
        ids[f"node{az}"] = b.workload(subnet, groups=[cluster_sg])  # the node's primary ENI
        b.workload(subnet, groups=[cluster_sg], description=f"aws-K8S-i-0a1b2c3d4e5f6071{az}")  # VPC CNI
    return ids
