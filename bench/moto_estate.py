"""Seed a moto server with a sizeable, realistic estate, through the public API like an operator would.

Per VPC: six subnets (a public and a private one in each of 3 AZs), an internet gateway and a
public route table, one NAT gateway (so two AZs route across to it), a private route table per
AZ, an S3 gateway endpoint on two VPCs of three, an endpoint security group, three interface
endpoints (ssm, ssmmessages, logs) in the private subnets, one instance (a workload ENI), a
flow log on every other VPC, and a private hosted zone every tenth VPC. Seeding runs on a few
threads; moto's own default VPC comes on top of the ``vpcs`` seeded.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

import boto3

AMI = "ami-12c6146b"  # one of moto's built-in images
INTERFACE_SERVICES = ("ssm", "ssmmessages", "logs")


def client(service: str, url: str, region: str) -> Any:
    return boto3.session.Session(region_name=region).client(service, endpoint_url=url)


def seed_region(url: str, region: str, vpcs: int, *, sg_rules: int = 12, first: int = 0) -> list[str]:
    """Seed ``vpcs`` VPCs in ``region``; returns their ids."""
    s3 = client("s3", url, region)
    bucket = f"flow-logs-{region}"
    config = {} if region == "us-east-1" else {"CreateBucketConfiguration": {"LocationConstraint": region}}
    if bucket not in {b["Name"] for b in s3.list_buckets().get("Buckets", [])}:
        s3.create_bucket(Bucket=bucket, **config)
    zones = [z["ZoneName"] for z in client("ec2", url, region).describe_availability_zones()["AvailabilityZones"]]
    azs = [zones[z % len(zones)] for z in range(3)]  # us-west-1 has two AZs: its third subnet pair shares one
    with ThreadPoolExecutor(6) as pool:
        ids = list(pool.map(lambda i: _seed_vpc(url, region, first + i, bucket, sg_rules, azs), range(vpcs)))
    r53 = client("route53", url, region)
    for n, vpc in enumerate(ids[::10]):
        r53.create_hosted_zone(Name=f"zone{first + n}.{region}.internal", CallerReference=f"{region}-{first + n}",
                               HostedZoneConfig={"PrivateZone": True}, VPC={"VPCRegion": region, "VPCId": vpc})
    return ids


def _seed_vpc(url: str, region: str, i: int, bucket: str, sg_rules: int, azs: list[str]) -> str:
    ec2 = client("ec2", url, region)
    base = f"10.{i % 250}"
    vpc = ec2.create_vpc(CidrBlock=f"{base}.0.0/16")["Vpc"]["VpcId"]
    public = [ec2.create_subnet(VpcId=vpc, CidrBlock=f"{base}.{z}.0/24",
                                AvailabilityZone=azs[z])["Subnet"]["SubnetId"] for z in range(3)]
    private = [ec2.create_subnet(VpcId=vpc, CidrBlock=f"{base}.{10 + z}.0/24",
                                 AvailabilityZone=azs[z])["Subnet"]["SubnetId"] for z in range(3)]
    igw = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
    ec2.attach_internet_gateway(InternetGatewayId=igw, VpcId=vpc)
    public_rt = ec2.create_route_table(VpcId=vpc)["RouteTable"]["RouteTableId"]
    ec2.create_route(RouteTableId=public_rt, DestinationCidrBlock="0.0.0.0/0", GatewayId=igw)
    for subnet in public:
        ec2.associate_route_table(RouteTableId=public_rt, SubnetId=subnet)
    allocation = ec2.allocate_address(Domain="vpc")["AllocationId"]
    nat = ec2.create_nat_gateway(SubnetId=public[0], AllocationId=allocation)["NatGateway"]["NatGatewayId"]
    private_rts = []
    for subnet in private:
        rt = ec2.create_route_table(VpcId=vpc)["RouteTable"]["RouteTableId"]
        ec2.create_route(RouteTableId=rt, DestinationCidrBlock="0.0.0.0/0", NatGatewayId=nat)
        ec2.associate_route_table(RouteTableId=rt, SubnetId=subnet)
        private_rts.append(rt)
    if i % 3:
        ec2.create_vpc_endpoint(VpcId=vpc, ServiceName=f"com.amazonaws.{region}.s3",
                                VpcEndpointType="Gateway", RouteTableIds=private_rts)
    sg = ec2.create_security_group(GroupName=f"endpoints-{i}", Description="endpoints",
                                   VpcId=vpc)["GroupId"]
    ec2.authorize_security_group_ingress(GroupId=sg, IpPermissions=[
        {"IpProtocol": "tcp", "FromPort": 443 + k, "ToPort": 443 + k, "IpRanges": [{"CidrIp": f"{base}.0.0/16"}]}
        for k in range(sg_rules)])
    for service in INTERFACE_SERVICES:
        ec2.create_vpc_endpoint(VpcId=vpc, ServiceName=f"com.amazonaws.{region}.{service}",
                                VpcEndpointType="Interface", SubnetIds=private, SecurityGroupIds=[sg])
    ec2.run_instances(ImageId=AMI, MinCount=1, MaxCount=1, SubnetId=private[i % 3])
    if i % 2 == 0:
        ec2.create_flow_logs(ResourceIds=[vpc], ResourceType="VPC", TrafficType="ALL",
                             LogDestinationType="s3", LogDestination=f"arn:aws:s3:::{bucket}")
    return str(vpc)
