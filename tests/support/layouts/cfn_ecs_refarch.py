"""AWS's ECS reference architecture VPC (CloudFormation), with its ECS cluster (us-east-1).

https://github.com/aws-samples/ecs-refarch-cloudformation/blob/master/infrastructure/vpc.yaml
https://github.com/aws-samples/ecs-refarch-cloudformation/blob/master/infrastructure/security-groups.yaml
https://github.com/aws-samples/ecs-refarch-cloudformation/blob/master/infrastructure/ecs-cluster.yaml

The VPC every AWS CloudFormation sample of "public and private subnets in two AZs" builds:
10.192.0.0/16, a public and a private subnet per AZ, an internet gateway, one NAT gateway per
AZ and a private route table per AZ sending 0.0.0.0/0 to its own AZ's NAT gateway; no VPC
endpoints, no flow log. The cluster: four ECS container instances in the private subnets
(group ECS-Hosts, all traffic from the load balancer group) and an internet-facing
Application Load Balancer in the public subnets (group LoadBalancers, all traffic from
anywhere), whose ENIs AWS creates as requester-managed interfaces.
"""

from __future__ import annotations

from aws_layout import AwsRegionBuilder

from vpcaudit.snapshot.model import Snapshot

ENV = "ecs-refarch"


def build() -> tuple[Snapshot, dict[str, str]]:
    b = AwsRegionBuilder("123456789012", "us-east-1", ("use1-az4", "use1-az6"))
    vpc = b.vpc("10.192.0.0/16", name=ENV)
    igw = b.igw(vpc)
    b.tag(igw, {"Name": ENV})
    public_rt = b.route_table(vpc, routes={"0.0.0.0/0": igw}, name=f"{ENV} Public Routes")
    lb_sg = b.security_group(vpc, name=f"{ENV}-LoadBalancers", ingress=[("-1", None, None, "0.0.0.0/0")])
    host_sg = b.security_group(vpc, name=f"{ENV}-ECS-Hosts", ingress=[("-1", None, None, lb_sg)])
    ids: dict[str, str] = {"vpc": vpc, "igw": igw, "public_rt": public_rt, "lb_sg": lb_sg, "host_sg": host_sg}
    for az in (1, 2):
        public = b.subnet(vpc, f"10.192.{9 + az}.0/24", az=az, name=f"{ENV} Public Subnet (AZ{az})")
        private = b.subnet(vpc, f"10.192.{19 + az}.0/24", az=az, name=f"{ENV} Private Subnet (AZ{az})")
        b.associate(public_rt, public)
        nat = b.nat(public)
        private_rt = b.route_table(vpc, subnets=[private], routes={"0.0.0.0/0": nat},
                                   name=f"{ENV} Private Routes (AZ{az})")
        b.workload(public, groups=[lb_sg], requester_managed=True, description=f"ELB app/{ENV}/50dc6c495c0c9188")
        for _ in range(2):
            b.workload(private, groups=[host_sg], description="Primary network interface")
        ids |= {f"public{az}": public, f"private{az}": private, f"nat{az}": nat, f"private_rt{az}": private_rt}
    return b.snapshot(), ids
