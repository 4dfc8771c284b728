"""terraform-aws-modules/terraform-aws-vpc v6.6.0, ``examples/complete`` (eu-west-1).

https://github.com/terraform-aws-modules/terraform-aws-vpc/blob/v6.6.0/examples/complete/main.tf

The module's choices as the example sets them: six subnet tiers in three AZs, one NAT gateway
(``single_nat_gateway``) and one private route table shared by the private, database,
ElastiCache and Redshift subnets, an intra route table without a default route, a VPN gateway
without route propagation (no route names it, so the snapshot holds
nothing of it), a custom DHCP options set, the AWS default security group, NACL and
main route table left unmanaged, no flow log. The ``vpc-endpoints`` submodule adds an S3
interface endpoint (no subnets given), a DynamoDB gateway endpoint on every route table, ECS,
ECR API/DKR and RDS interface endpoints in the private subnets behind one security group
admitting 443 from the VPC CIDR (the RDS endpoint also carries a group admitting 5432). Terraform
removes the default egress rule of the groups it creates. No workloads: the network stack alone.
"""

from __future__ import annotations

import json

from aws_layout import AwsRegionBuilder

from vpcaudit.snapshot.model import Snapshot

NAME = "ex-complete"
TAGS = {"Example": NAME, "GithubRepo": "terraform-aws-vpc", "GithubOrg": "terraform-aws-modules"}


def _deny_outside_vpc(action: str, vpc_id: str, key: str) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": [{
        "Sid": "", "Effect": "Deny", "Action": action, "Resource": "*", "Principal": "*",
        "Condition": {"StringNotEquals": {key: vpc_id}}}]})


def build() -> tuple[Snapshot, dict[str, str]]:
    b = AwsRegionBuilder("123456789012", "eu-west-1", ("euw1-az3", "euw1-az1", "euw1-az2"))
    vpc = b.vpc("10.0.0.0/16", name=NAME)
    b.tag(vpc, TAGS)
    b.dhcp_options(vpc, ["127.0.0.1", "10.10.0.2"], "service.consul")
    igw = b.igw(vpc)
    b.tag(igw, {"Name": NAME, **TAGS})
    tiers = {"public": 4, "private": 0, "database": 8, "elasticache": 12, "redshift": 16, "intra": 20}
    names = {"private": ["Private Subnet One", "Private Subnet Two"], "database": ["DB Subnet One"],
             "elasticache": ["Elasticache Subnet One", "Elasticache Subnet Two"],
             "redshift": ["Redshift Subnet One", "Redshift Subnet Two", "Redshift Subnet Three"]}
    subnets: dict[str, list[str]] = {}
    for tier, offset in tiers.items():
        subnets[tier] = []
        for i in range(3):
            given = names.get(tier, [])
            name = given[i] if i < len(given) else f"{NAME}-{tier}-eu-west-1{'abc'[i]}"
            subnet = b.subnet(vpc, f"10.0.{offset + i}.0/24", az=i + 1, name=name)
            b.tag(subnet, TAGS)
            subnets[tier].append(subnet)
    nat = b.nat(subnets["public"][0])
    public_rt = b.route_table(vpc, subnets=subnets["public"], routes={"0.0.0.0/0": igw}, name=f"{NAME}-public")
    private_rt = b.route_table(vpc, name=f"{NAME}-private",
                               subnets=subnets["private"] + subnets["database"] + subnets["elasticache"]
                               + subnets["redshift"], routes={"0.0.0.0/0": nat})
    intra_rt = b.route_table(vpc, subnets=subnets["intra"], name=f"{NAME}-intra")

    endpoint_sg = b.security_group(vpc, name=f"{NAME}-vpc-endpoints-", ingress=[("tcp", 443, 443, "10.0.0.0/16")],
                                   egress=[])
    rds_sg = b.security_group(vpc, name=f"{NAME}-rds", ingress=[("tcp", 5432, 5432, "10.0.0.0/16")], egress=[])
    s3 = b.interface_endpoint(vpc, "s3", subnets=[], groups=[endpoint_sg], inbound_only=False)
    dynamodb = b.gateway_endpoint(vpc, "dynamodb", route_tables=[intra_rt, private_rt, public_rt],
                                  policy=_deny_outside_vpc("dynamodb:*", vpc, "aws:sourceVpc"))
    generic = _deny_outside_vpc("*", vpc, "aws:SourceVpc")
    private = subnets["private"]
    ecs = b.interface_endpoint(vpc, "ecs", subnets=private, groups=[endpoint_sg])
    ecr_api = b.interface_endpoint(vpc, "ecr.api", subnets=private, groups=[endpoint_sg], policy=generic)
    ecr_dkr = b.interface_endpoint(vpc, "ecr.dkr", subnets=private, groups=[endpoint_sg], policy=generic)
    rds = b.interface_endpoint(vpc, "rds", subnets=private, groups=[endpoint_sg, rds_sg])
    for key, endpoint in (("s3", s3), ("dynamodb", dynamodb), ("ecs", ecs), ("ecr-api", ecr_api),
                          ("ecr-dkr", ecr_dkr), ("rds", rds)):
        b.tag(endpoint, {**TAGS, "Project": "Secret", "Endpoint": "true", "Name": key})
    ids = {"vpc": vpc, "nat": nat, "public_rt": public_rt, "private_rt": private_rt, "intra_rt": intra_rt,
           "endpoint_sg": endpoint_sg, "rds_sg": rds_sg, "s3": s3, "dynamodb": dynamodb, "ecs": ecs,
           "ecr_api": ecr_api, "ecr_dkr": ecr_dkr, "rds": rds}
    ids |= {f"{tier}{i + 1}": s for tier, ss in subnets.items() for i, s in enumerate(ss)}
    return b.snapshot(), ids
