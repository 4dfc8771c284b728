"""AWS Glue jobs reaching an Amazon RDS for MySQL database in a VPC through a JDBC connection (us-east-1).

The AWS Glue Developer Guide's "Setting up network access to data stores"
(https://docs.aws.amazon.com/glue/latest/dg/start-connecting.html), "Amazon VPC endpoints for
Amazon S3" (https://docs.aws.amazon.com/glue/latest/dg/vpc-endpoints-s3.html), "Setting up a VPC to
connect to JDBC data stores" (https://docs.aws.amazon.com/glue/latest/dg/setup-vpc-for-glue-access.html),
"Connecting to a JDBC data store in a VPC" (https://docs.aws.amazon.com/glue/latest/dg/connection-JDBC-VPC.html)
and "Setting up DNS in your VPC" (set-up-vpc-dns.html); their text as last published in the guide's
source repository, https://github.com/awsdocs/aws-glue-developer-guide/tree/c4620efebace335848b16d6990339cfbb0df48bf/doc_source
(``start-connecting.md``, ``vpc-endpoints-s3.md``, ``setup-vpc-for-glue-access.md``,
``connection-JDBC-VPC.md``, ``set-up-vpc-dns.md``, ``glue-troubleshooting-errors.md``,
``populate-with-cloudformation-templates.md``, ``create-service-policy.md``; all last changed in
0393535a530fd36e505ee977773778e7f479c4dc, 2021-06-18; c4620ef is the last commit before the
repository's content was removed and it was archived).

What the guide asks of the network, and how the layout meets it:

- "To access Amazon S3 from within your VPC, a VPC endpoint is required. If your job needs to
  access both VPC resources and the public internet, the VPC needs to have a Network Address
  Translation (NAT) gateway" (start-connecting.md); "you don't need an internet gateway, a NAT
  device, or a virtual private gateway in your VPC", and the endpoint is "of type Gateway"
  (vpc-endpoints-s3.md). A job reading an RDS table into S3 needs no public internet, so the
  canonical form is private subnets, the S3 gateway endpoint on their route tables and no NAT.
  (connection-JDBC-VPC.md also says "AWS Glue requires internet access" and, in an "Important"
  box, to put the data store only in "private subnets that have internet access through a NAT";
  the two pages disagree, and the layout follows the pages that describe the setup.)
- ``enableDnsHostnames`` and ``enableDnsSupport`` true (set-up-vpc-dns.md, connection-JDBC-VPC.md).
- "a security group with a self-referencing inbound rule for all TCP ports": Type All TCP,
  Protocol TCP, all ports, Source the group itself, added to the RDS instance's own group
  (setup-vpc-for-glue-access.md, "To set up access for Amazon RDS data stores"); outbound "Either
  open outbound traffic to all ports" (kept: the rule AWS adds to a new group). The connection's
  security groups are "The security groups that are associated with your data store"
  (connection-JDBC-VPC.md), and its subnet "The subnet in the VPC that contains your data store".

The guide creates no VPC. The layout takes the VPC console's "VPC and more" wizard (as the VPC
User Guide layout does) with the choices the Glue pages ask for: Name tag auto-generation
``project`` (the default), 10.0.0.0/16, two AZs (us-east-1a, us-east-1b), no public subnet, two
private subnets, NAT gateways None, VPC endpoints "S3 Gateway" (the default, with the default
full-access policy), DNS hostnames and DNS resolution on (the defaults). Assumed where the wizard's
output without public subnets is not documented, as it builds private subnets beside public ones:
the CIDRs 10.0.128.0/20 and 10.0.144.0/20, a route table of its own per private subnet (local
route, and the S3 prefix-list route), no internet gateway; none of the findings depends on the
CIDRs. No flow log, the default NACL and default security group.

The database is the guide's sample connection's (populate-with-cloudformation-templates.md, "Sample
AWS CloudFormation Template for an AWS Glue Connection": ``ConnectionType: JDBC``, an Amazon RDS
MySQL database ``devdb`` on port 3306, one security group, one subnet) created with the RDS
console's defaults where the guide is silent: identifier ``database-1``, Single-AZ (the Dev/Test
template), a DB subnet group of both private subnets, the instance in us-east-1a. Its security
group ``database-1-sg`` (assumed name; the guide's steps take whichever group the instance has,
"the **Security Groups** name you will access from AWS Glue") holds the guide's All TCP
self-reference and AWS's default egress. The instance's ENI as DescribeNetworkInterfaces reports
RDS's (botocore's ec2 model, NetworkInterface): InterfaceType ``interface``, RequesterManaged true,
RequesterId ``amazon-rds``, Description ``RDSNetworkInterface``, the instance's groups. The network
model counts it as a workload, and as a client only of the AWS services a DB engine calls from the
VPC (S3, Lambda, Glue for Aurora PostgreSQL's analytics…; not CloudWatch or Secrets Manager:
``NetworkView.may_call``). The Glue connection (``PhysicalConnectionRequirements``: ``SubnetId`` the
instance's subnet, ``AvailabilityZone`` us-east-1a, ``SecurityGroupIdList`` the instance's group)
is Data Catalog metadata only: no snapshot part records it.

``job_running=True`` adds what a run of the guide's sample JDBC job (``cfn-job-JDBC-to-S3-1``,
``AllocatedCapacity: 5``, role ``AWSGlueServiceRoleGA``) puts into the VPC: "AWS Glue sets up
elastic network interfaces ... Each elastic network interface is assigned a private IP address from
the IP address range within the subnet you specified. No public IP addresses are assigned. Security
groups specified in the AWS Glue connection are applied on each of the elastic network interfaces"
(start-connecting.md); "AWS Glue creates an elastic network interface (with the prefix Glue_) in
your account ... You can't delete this network interface as long as it's attached to AWS Glue"
(connection-JDBC-VPC.md). One ENI per DPU, five, in the connection's subnet
(https://repost.aws/knowledge-center/glue-test-connection-failed: the subnet's free IP addresses
"must be greater than the number of data processing units (DPUs) specified for the job"). What
DescribeNetworkInterfaces reports for them is not documented; assumed: InterfaceType ``interface``
(the type CreateNetworkInterface gives without an ``InterfaceType``), RequesterManaged false and no
RequesterId recorded (the job's own role creates them — AWSGlueServiceRole grants
``ec2:CreateNetworkInterface`` and ``ec2:DeleteNetworkInterface`` (create-service-policy.md), and
Glue's calls run as the role's session ``GlueJobRunnerSession``, as CloudTrail records them in the
Lake Formation developer guide's examples — and the owner can delete them once detached, which a
requester-managed ENI never allows), Description ``Attached to Glue using role: <role ARN>`` (what
public ENI inventories match Glue's ENIs on; the guide's ``Glue_`` prefix is not said to be the
description's), no tags (the role may tag them ``aws-glue-service-resource``, value undocumented).
With those fields the network model counts them as workloads, as it does Lambda's and Fargate's.

``groups="two"`` is the other common reading (the same knowledge-center article: "One of the
security groups associated with the connection must have a self-referencing inbound rule that's
open to all TCP ports"): the connection in a group of its own, ``glue-connection-sg`` (All TCP
from itself, AWS's default egress), and the instance's group admitting MySQL (TCP 3306) from it.

``endpoints=True`` adds the interface endpoints a job in this VPC calls through it when there is
no NAT: ``glue`` and ``monitoring`` (the job parameter ``--disable-proxy-v2`` routes "calls to
services such as Amazon S3, CloudWatch, and AWS Glue through your VPC"; CloudWatch Logs keeps
Glue's proxy: https://docs.aws.amazon.com/glue/latest/dg/connection-VPC-disable-proxy.html) and
``secretsmanager`` (a connection whose credentials are a Secrets Manager secret, which the guide
recommends: "Depending on your network setup, you might also need to create a VPC endpoint",
https://docs.aws.amazon.com/glue/latest/dg/connection-properties-secrets-manager.html). Each with
private DNS in both private subnets, no policy (AWS's default) and the connection's group — the
group that already carries the All TCP self-reference, so the job's ENIs reach them on 443 through
it.

Near misses: ``s3_route_tables="other"`` (the S3 endpoint on the second private subnet's route
table only, not the connection subnet's: Glue refuses the run, "Could not find S3 endpoint or NAT
gateway for subnetId in VPC", glue-troubleshooting-errors.md), ``self_reference=False`` (the group
without the All TCP rule: "Inbound rule in security group required"), ``dns_hostnames=False`` (DNS
hostnames cleared: "If you are using the Amazon provided DNS, the value of enableDnsHostnames must
be set to true", under "No private DNS for network interface found", same page), ``left_out``
(one of the three interface endpoints missing, e.g. ``secretsmanager`` for a Secrets
Manager-based connection with no NAT).
"""

from __future__ import annotations

from aws_layout import AwsRegionBuilder

from vpcaudit.snapshot.model import Snapshot

ACCOUNT = "123456789012"
REGION = "us-east-1"
NAME = "project"  # the wizard's default for "Name tag auto-generation"
DB_INSTANCE = "database-1"  # the RDS console's default DB instance identifier
MYSQL_PORT = 3306  # the guide's sample JDBC URL: jdbc:mysql://…:3306/devdb
GLUE_ROLE = f"arn:aws:iam::{ACCOUNT}:role/AWSGlueServiceRoleGA"  # the sample job's role
DPUS = 5  # the sample job's AllocatedCapacity
# The interface endpoints a no-NAT job calls through the VPC (module docstring), in that order.
INTERFACE_ENDPOINTS = ("glue", "monitoring", "secretsmanager")
# Per AZ: the private subnet CIDR (the wizard's for 10.0.0.0/16 and two AZs; assumed without public subnets).
PRIVATE_CIDRS = ("10.0.128.0/20", "10.0.144.0/20")
ALL_TCP = ("tcp", 0, 65535, "self")  # the guide's rule: Type All TCP, Source the group itself


def build(*, job_running: bool = False, groups: str = "one", self_reference: bool = True,
          s3_route_tables: str = "both", dns_hostnames: bool = True, endpoints: bool = False,
          left_out: str | None = None) -> tuple[Snapshot, dict[str, str]]:
    """``groups``: "one" (the instance's group is the connection's, as the guide's RDS steps) or
    "two"; ``s3_route_tables``: "both" (the wizard) or "other" (the second subnet's table only)."""
    b = AwsRegionBuilder(ACCOUNT, REGION, ("use1-az2", "use1-az4"))
    # DescribeVpcAttribute: enableDnsSupport and enableDnsHostnames true (the wizard's defaults,
    # and the guide's requirement), or hostnames cleared in the near miss.
    vpc = b.vpc("10.0.0.0/16", name=f"{NAME}-vpc", dns_support=True, dns_hostnames=dns_hostnames)
    ids: dict[str, str] = {"vpc": vpc}
    tables: list[str] = []
    for az, cidr in enumerate(PRIVATE_CIDRS, start=1):
        az_name = b.azs[az - 1][0]
        subnet = b.subnet(vpc, cidr, az=az, name=f"{NAME}-subnet-private{az}-{az_name}")
        # One route table per private subnet, the local route only until the endpoint adds its own.
        table = b.route_table(vpc, subnets=[subnet], name=f"{NAME}-rtb-private{az}-{az_name}")
        tables.append(table)
        ids |= {f"private{az}": subnet, f"private_rt{az}": table}
    # DescribeVpcEndpoints: VpcEndpointType Gateway, RouteTableIds the chosen tables (each gets the
    # com.amazonaws.us-east-1.s3 prefix-list route), PolicyDocument AWS's default full access.
    ids["s3"] = b.gateway_endpoint(vpc, "s3", route_tables=tables if s3_route_tables == "both" else tables[1:])
    b.tag(ids["s3"], {"Name": f"{NAME}-vpce-s3"})

    # Security groups (DescribeSecurityGroupRules): CreateSecurityGroup adds the all-traffic egress
    # rule; the guide's inbound rule is IpProtocol "tcp", FromPort 0, ToPort 65535,
    # ReferencedGroupInfo the group itself.
    self_rule = [ALL_TCP] if self_reference else []
    if groups == "one":
        db_sg = connection_sg = b.security_group(vpc, name=f"{DB_INSTANCE}-sg", ingress=self_rule)
    else:
        connection_sg = b.security_group(vpc, name="glue-connection-sg", ingress=self_rule)
        db_sg = b.security_group(vpc, name=f"{DB_INSTANCE}-sg",
                                 ingress=[("tcp", MYSQL_PORT, MYSQL_PORT, connection_sg)])
    ids |= {"db_sg": db_sg, "connection_sg": connection_sg}
    # The DB instance's ENI in the connection's subnet: requester-managed by amazon-rds, described
    # "RDSNetworkInterface", InterfaceType "interface", the instance's VPC security groups.
    ids["rds_eni"] = b.workload(ids["private1"], groups=[db_sg], requester_managed=True,
                                requester_id="amazon-rds", description="RDSNetworkInterface")

    if endpoints:
        subnets = [ids["private1"], ids["private2"]]
        for key in INTERFACE_ENDPOINTS:
            if key == left_out:
                continue
            # DescribeVpcEndpoints: VpcEndpointType Interface, PrivateDnsEnabled true, one ENI per
            # subnet (InterfaceType vpc_endpoint, requester-managed), Groups the connection's group,
            # IpAddressType ipv4, PolicyDocument AWS's default.
            ids[key] = b.interface_endpoint(vpc, key, subnets=subnets, groups=[connection_sg])
    if job_running:
        ids |= _job_run(b, ids["private1"], connection_sg)
    return b.snapshot(), ids


def _job_run(b: AwsRegionBuilder, subnet: str, connection_sg: str) -> dict[str, str]:
    """The ENIs a run of the sample job attaches in the connection's subnet (fields assumed where
    the guide is silent: see the module docstring)."""
    ids: dict[str, str] = {}
    for n in range(1, DPUS + 1):
        # DescribeNetworkInterfaces (botocore's ec2 model, NetworkInterface): InterfaceType
        # "interface", RequesterManaged false, RequesterId not recorded, Description naming the
        # job's role, the connection's SecurityGroupIdList, a private address of the subnet, Status
        # in-use, no Attachment.InstanceId (attached to Glue's Spark environment, not to an
        # instance of this account).
        ids[f"glue_eni{n}"] = b.workload(subnet, groups=[connection_sg],
                                         description=f"Attached to Glue using role: {GLUE_ROLE}")
    return ids
