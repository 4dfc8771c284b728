"""An AWS Elastic Disaster Recovery staging area subnet with private connectivity: replication
servers receiving replication on TCP 1500 over a VPN and reaching DRS, EC2 and S3 through VPC
endpoints, with no internet path (us-east-1).

The source: the AWS Elastic Disaster Recovery User Guide, "Elastic Disaster Recovery network
requirements" (https://docs.aws.amazon.com/drs/latest/userguide/Network-Requirements.html, the
current page; the guide has no public source repository, so no commit): "Communication over TCP
Port 1500: Between the Source Machines and the staging area Subnet"; over TCP 443 the DRS
endpoint "drs.<region>.amazonaws.com"; "The staging area subnet should have access to S3"; "Agent
installation and replication server components require Amazon S3 bucket for service
functionality"; "Ensure the relevant VPC endpoint policy includes access to all the required
Amazon S3 buckets", with an example policy "for replicating to us-east-1" granting
``s3:GetObject`` on the DRS buckets (``aws-drs-clients-``, ``aws-drs-clients-hashes-``,
``aws-drs-internal-``, ``aws-drs-internal-hashes-``, ``aws-elastic-disaster-recovery-`` and
``aws-elastic-disaster-recovery-hashes-<REGION>``; the page's policy is modelled on those six,
as far as it could be read); and, for the staging area subnet, communication with DRS, EC2 and S3
over TCP 443. Which endpoints a staging subnet without internet access needs is spelled out by
AWS's sibling service on the same replication engine, "Rehost servers over private networks with
Application Migration Service", Architecture
(https://docs.aws.amazon.com/prescriptive-guidance/latest/rehost-servers-over-private-networks-mgn/architecture.html):
"configure the following VPC endpoints in staging subnets for replication servers: VPC gateway
endpoint to communicate with Amazon S3; VPC interface endpoints to communicate with Application
Migration Service and Amazon EC2" — for DRS, ``drs`` and ``ec2``. AWS's own deployable guidance
(aws-solutions-library-samples/guidance-for-disaster-recovery-of-vmware-workloads-using-aws-elastic-disaster-recovery-service,
``deployment/DRSPrivateBaseTemplate.yaml`` at 017bf8bee7e9b5adce93ab6958157ddd9f582be9) builds
the same three (``DrsEndpoint``, ``EC2Endpoint``, ``S3GatewayEndpoint`` on the private table),
``DataPlaneRouting: PRIVATE_IP``, ``CreatePublicIP: False``, a VPN to on-premises, and endpoint
and staging groups admitting TCP 443 from the VPC and TCP 1500 from on-premises.

Built, in us-east-1 (us-east-1a, b assumed use1-az1, az2):

- VPC 10.10.0.0/16 ``drs-staging``, DNS support and hostnames on (private DNS needs both); the
  staging area subnet 10.10.1.0/24 in us-east-1a, on its own table ``drs-staging-private``: the
  local route, the on-premises network 192.168.0.0/16 to a virtual private gateway (the VPN over
  which "Use private IP for data replication" carries TCP 1500), the S3 endpoint's prefix list.
  No internet gateway, no NAT gateway: the no-internet case.
  The VPC's main table, default group and allow-all default NACL as AWS creates them. No flow log.
- Replication server settings as the private-connectivity case asks: staging subnet above,
  ``dataPlaneRouting`` PRIVATE_IP, ``createPublicIP`` false, ``associateDefaultSecurityGroup``
  true: DRS creates and attaches its default replication server group, which admits TCP 1500
  (assumed from 0.0.0.0/0, the group DRS creates; its egress all traffic, as every new group).
- Two replication servers as DRS launches them: EC2 instances of this account (t3.small, the
  default type) in the staging subnet, each with one primary interface — InterfaceType
  ``interface``, not requester-managed, no description, the DRS group, no public address. DRS
  tags the instances (``AWSElasticDisasterRecoveryManaged``; Name "AWS Elastic Disaster Recovery
  Replication Server"); interface tags are not what the snapshot records, so the interfaces look
  like any instance's: the network model takes them for workloads, as it should — they call the
  DRS, EC2 and S3 APIs from the VPC.
- Interface endpoints ``drs`` and ``ec2`` in the staging subnet, private DNS on, AWS's default
  full-access policy, behind ``drs-staging-endpoints`` (TCP 443 from the VPC, egress all); an S3
  gateway endpoint on the staging table with the guide's DRS-buckets policy.

Near misses: ``s3_on_staging_table=False`` (the S3 gateway endpoint created on the VPC's main
table only, the staging subnet's own table left out); ``endpoints_source="other-group"`` (the
endpoints' group admitting TCP 443 from a group of recovery instances, not from the VPC: the
replication servers, on the DRS group, are refused).

Left out: the recovery (launched) instances and conversion servers, the EBS staging volumes and
snapshots, IAM roles and instance profiles, the VPN connection and customer gateway (not in the
snapshot's model beyond the gateway the route names), Route 53 Resolver inbound endpoint for the
source servers' DNS.
"""

from __future__ import annotations

import json

from aws_layout import AwsRegionBuilder

from vpcaudit.snapshot.model import Snapshot

ACCOUNT = "123456789012"
REGION = "us-east-1"
AZ_IDS = ("use1-az1", "use1-az2")  # this account's us-east-1a, b (assumed)
NAME = "drs-staging"
VPC_CIDR = "10.10.0.0/16"
STAGING_CIDR = "10.10.1.0/24"
ON_PREMISES = "192.168.0.0/16"  # the source servers' network, over the VPN (assumed)
REPLICATION_PORT = 1500
DRS_GROUP_NAME = "AWS Elastic Disaster Recovery default Replication Server Security Group"
# The guide's S3 bucket list: the replication servers read their software from these.
DRS_BUCKETS = tuple(f"{prefix}-{REGION}" for prefix in (
    "aws-drs-clients", "aws-drs-clients-hashes", "aws-drs-internal", "aws-drs-internal-hashes",
    "aws-elastic-disaster-recovery", "aws-elastic-disaster-recovery-hashes"))
REPLICATION_SERVERS = 2


def drs_buckets_policy() -> str:
    """The Network requirements page's S3 endpoint policy "for replicating to us-east-1"."""
    return json.dumps({"Version": "2008-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "s3:GetObject",
        "Resource": [f"arn:aws:s3:::{bucket}/*" for bucket in DRS_BUCKETS]}]})


def build(*, s3_on_staging_table: bool = True, endpoints_source: str = "vpc") -> tuple[Snapshot, dict[str, str]]:
    """The staging area (module docstring). ``s3_on_staging_table``: False puts the S3 gateway
    endpoint on the main table only; ``endpoints_source``: "vpc" or "other-group" (TCP 443 on the
    endpoints' group admitted from a recovery instances' group only)."""
    b = AwsRegionBuilder(ACCOUNT, REGION, AZ_IDS)
    vpc = b.vpc(VPC_CIDR, name=NAME, dns_support=True, dns_hostnames=True)
    ids = {"vpc": vpc, "main_rt": b.main_route_table(vpc), "default_sg": b.default_group(vpc)}
    ids["staging"] = b.subnet(vpc, STAGING_CIDR, az=1, name=f"{NAME}-staging-area")
    ids["vgw"] = b.new_id("vgw")
    ids["staging_rt"] = b.route_table(vpc, subnets=[ids["staging"]], routes={ON_PREMISES: ids["vgw"]},
                                      name=f"{NAME}-private")
    ids["drs_sg"] = b.security_group(vpc, name=DRS_GROUP_NAME,
                                     ingress=[("tcp", REPLICATION_PORT, REPLICATION_PORT, "0.0.0.0/0")])
    ids["recovery_sg"] = b.security_group(vpc, name=f"{NAME}-recovery-instances",
                                          ingress=[("tcp", 443, 443, ON_PREMISES)])
    source = VPC_CIDR if endpoints_source == "vpc" else ids["recovery_sg"]
    ids["endpoints_sg"] = b.security_group(vpc, name=f"{NAME}-endpoints", ingress=[("tcp", 443, 443, source)])
    for key in ("drs", "ec2"):
        ids[key] = b.interface_endpoint(vpc, key, subnets=[ids["staging"]], groups=[ids["endpoints_sg"]],
                                        private_dns=True)
    table = ids["staging_rt"] if s3_on_staging_table else ids["main_rt"]
    ids["s3"] = b.gateway_endpoint(vpc, "s3", route_tables=[table], policy=drs_buckets_policy())
    for k in range(1, REPLICATION_SERVERS + 1):
        ids[f"replication_server{k}"] = b.workload(ids["staging"], groups=[ids["drs_sg"]])
    return b.snapshot(), ids
