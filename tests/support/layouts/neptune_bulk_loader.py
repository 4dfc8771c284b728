"""An Amazon Neptune DB cluster in private subnets loading data from Amazon S3 with the Neptune
bulk loader, called on port 8182 by an EC2 client in the VPC (us-east-1).

The guide: the Amazon Neptune User Guide, "Using the Amazon Neptune bulk loader to ingest data"
(https://docs.aws.amazon.com/neptune/latest/userguide/bulk-load.html): "Create an Amazon S3 VPC
endpoint. Start the Neptune loader by sending a request via HTTP to the Neptune DB instance. The
Neptune DB instance assumes the IAM role to load the data from the bucket"; "Prerequisites: IAM
role and Amazon S3 access" / "Creating the Amazon S3 VPC Endpoint"
(https://docs.aws.amazon.com/neptune/latest/userguide/bulk-load-tutorial-vpc.html, as stored
2025): "The Neptune loader requires a VPC endpoint of type Gateway for Amazon S3", and "Select the
check box next to the route tables that are associated with the subnets related to your cluster.
If you only have one route table, you must select that box"; "Example: Loading Data into a
Neptune DB Instance" (bulk-load-data.html): the steps run "from an Amazon Elastic Compute Cloud
(Amazon EC2) instance in the same Amazon Virtual Private Cloud (VPC) as your Neptune DB
instance", with ``curl -X POST https://your-neptune-endpoint:port/loader``; "Chaining IAM roles
in Amazon Neptune" (bulk-load-tutorial-chain-roles.html): "The Neptune loader requires a VPC
endpoint for AWS STS when you are chaining IAM roles to privately access AWS STS APIs through
private IP addresses".

The template: AWS's Neptune CloudFormation quick start, whose nested ``neptune-base-stack.json``
(https://s3.amazonaws.com/aws-neptune-customer-samples/v2/cloudformation-templates/neptune-base-stack.json,
linked from the guide's "Creating an Amazon Neptune cluster using AWS CloudFormation") builds the
network, read as committed verbatim in
https://github.com/CloudWanderer-io/neptune-quickstart/blob/61c171a7a5dd7123e04ee0db5d1935a70c6f2c9f/neptune-base-stack.json
(2021-10-31, that repository's initial commit), and ``neptune-ec2-client.json`` (the client
instance), read in
https://github.com/ykoon-git/aws/blob/f1e16154d7b5feae3cc32c04b5a7054ac6fa2621/neptune-ec2-client.json
(2021-10-04). As declared there: VPC 172.30.0.0/16 with DNS support and hostnames on; an
internet gateway; private subnets ``Subnet1``-``Subnet3`` 172.30.1-3.0/24, each on its own
``PrivateRouteTable<n>`` with 0.0.0.0/0 to a NAT gateway in the public subnet of its AZ; public
subnets ``Subnet4``-``Subnet6`` 172.30.4-6.0/24 (MapPublicIpOnLaunch) on ``PublicRouteTable``
(0.0.0.0/0 to the internet gateway); ``VPCS3Endpoint``, a gateway endpoint on the public and
the three private route tables, policy ``s3:*`` on ``*`` for ``*``; ``NeptuneSG`` ("Allow
Access"): TCP 22 and TCP 8182 (``DBClusterPort``) from 0.0.0.0/0, no egress declared (AWS's
allow-all egress rule); the DB subnet group on the three private subnets; the cluster on the
VPC's default group and ``NeptuneSG``; one DB instance (``DBReplicaIdentifierSuffix`` empty: no
replica); the role ``NeptuneLoadFromS3Role`` (trusted by ``rds.amazonaws.com``) attached to the
cluster; the client ``NeptuneEC2ClientInstance`` in ``PublicSubnet1`` (``Subnet4``) on
``NeptuneSG``. No flow log, the default NACL.

Network interfaces as DescribeNetworkInterfaces reports them (botocore's ec2 model,
``NetworkInterface``):

- the DB instance's, placed by Neptune in ``Subnet1`` (assumed): InterfaceType ``interface``,
  RequesterManaged true, RequesterId ``amazon-rds``, Description ``RDSNetworkInterface``, both
  cluster groups. Assumed: AWS documents no field of it. Neptune runs on RDS's control plane
  ("Neptune's control plane is based on that of the RDS control plane", a Neptune engineer in
  hashicorp/terraform-provider-aws#29172, 2023-09-14; its API is served at RDS's endpoint,
  getmoto/moto#5983; the loader's role is assumed by ``rds.amazonaws.com``, as the template
  declares), and public ENI inventories label requester-managed interfaces described
  ``RDSNetworkInterface`` as Neptune's. ``db_requester=None`` builds the other reading (not
  requester-managed, no RequesterId);
- the client instance's primary interface: not requester-managed, attached to its instance,
  with the public address ``MapPublicIpOnLaunch`` gives it;
- the NAT gateways' (``AwsRegionBuilder.nat``) and, with ``sts_endpoint``, the STS endpoint's.

What DescribeDBInstances reports (botocore's rds model, ``DBInstance``; the operation "can also
return information for Amazon Neptune DB instances"), as the snapshot records it: the one instance,
``DBInstanceIdentifier`` ``neptune-test-instance`` (assumed: the template's identifier is not at
hand), ``Engine`` ``neptune``, ``DBSubnetGroup`` with the VPC and the three private subnets, and
``VpcSecurityGroups`` the cluster's groups. With it the network model reads the interface as a
Neptune instance's, a client of S3 and STS (the loader's) and SageMaker (Neptune ML's), and of no
other AWS service. ``instances_collected=False``: DescribeDBInstances denied, the part not
collected — every engine's services count, as before the instances were collected.

Near misses: ``s3_endpoint="public-only"`` (the gateway endpoint on the public route table alone,
the client's, not the cluster subnets') and ``s3_endpoint=None`` (no endpoint);
``db_group="vpc-egress"`` (the cluster on a group of its own admitting 8182 from ``NeptuneSG``,
egress to the VPC's CIDR only); ``client_port=False`` (``NeptuneSG`` without its 8182 rule: the
client is refused by the cluster); ``db_group="s3-egress"`` with ``sts_endpoint=True`` (the
cluster's own group letting out TCP 443 to S3's prefix list only, as SG005's fix writes it, and an
``sts`` interface endpoint for chained roles: the loader cannot reach STS).
"""

from __future__ import annotations

import json
from dataclasses import replace

from aws_layout import AwsRegionBuilder

from vpcaudit.snapshot.model import Part, Snapshot

ACCOUNT = "123456789012"
REGION = "us-east-1"
ENV = "test"  # the Env parameter's default
PORT = 8182  # DBClusterPort's default
VPC_CIDR = "172.30.0.0/16"
RDS_REQUESTER_ID = "amazon-rds"
DB_DESCRIPTION = "RDSNetworkInterface"
CLIENT_PUBLIC_IP = "3.91.20.17"  # assigned at launch (MapPublicIpOnLaunch); any public address
DB_INSTANCE_ID = f"neptune-{ENV}-instance"  # DescribeDBInstances' DBInstanceIdentifier (assumed)


def endpoint_policy() -> str:
    """``VPCS3Endpoint``'s PolicyDocument, as DescribeVpcEndpoints returns it (a JSON string)."""
    return json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": "*", "Action": ["s3:*"], "Resource": ["*"]}]})


def build(*, s3_endpoint: str | None = "all", db_group: str = "as-published", client_port: bool = True,
          sts_endpoint: bool = False, db_requester: str | None = RDS_REQUESTER_ID,
          instances_collected: bool = True) -> tuple[Snapshot, dict[str, str]]:
    """``s3_endpoint``: "all" (the public and the three private route tables), "public-only" or
    None; ``db_group``: "as-published" (the default group and ``NeptuneSG``), "vpc-egress" or
    "s3-egress" (a group of the cluster's own, egress to the VPC CIDR or 443 to S3's prefix list);
    ``instances_collected``: False for DescribeDBInstances denied."""
    b = AwsRegionBuilder(ACCOUNT, REGION, ("use1-az1", "use1-az2", "use1-az4"))
    name = f"Neptune-{ENV}"
    vpc = b.vpc(VPC_CIDR, name=name, dns_support=True, dns_hostnames=True)
    ids: dict[str, str] = {"vpc": vpc, "igw": b.igw(vpc)}
    ids["public_rt"] = b.route_table(vpc, routes={"0.0.0.0/0": ids["igw"]}, name=f"{name}-public")
    private_tables = []
    for az in (1, 2, 3):
        ids[f"private{az}"] = b.subnet(vpc, f"172.30.{az}.0/24", az=az)
        ids[f"public{az}"] = b.subnet(vpc, f"172.30.{az + 3}.0/24", az=az)
        b.subnets[ids[f"public{az}"]] = replace(b.subnets[ids[f"public{az}"]], map_public_ip_on_launch=True)
        b.associate(ids["public_rt"], ids[f"public{az}"])
        ids[f"nat{az}"] = b.nat(ids[f"public{az}"])
        ids[f"private_rt{az}"] = b.route_table(vpc, subnets=[ids[f"private{az}"]],
                                               routes={"0.0.0.0/0": ids[f"nat{az}"]})
        private_tables.append(ids[f"private_rt{az}"])
    if s3_endpoint is not None:
        tables = [ids["public_rt"], *private_tables] if s3_endpoint == "all" else [ids["public_rt"]]
        ids["s3"] = b.gateway_endpoint(vpc, "s3", route_tables=tables, policy=endpoint_policy())
    ids["s3_pl"] = next(p for p, pl in b.prefix_lists.items() if pl.prefix_list_name == f"com.amazonaws.{REGION}.s3")

    # NeptuneSG: SSH and the cluster port from anywhere; no SecurityGroupEgress, so AWS's rule.
    ingress = [("tcp", 22, 22, "0.0.0.0/0")] + ([("tcp", PORT, PORT, "0.0.0.0/0")] if client_port else [])
    ids["neptune_sg"] = b.security_group(vpc, name=f"{name}-NeptuneSG", ingress=ingress)
    ids["default_sg"] = b.default_group(vpc)
    if db_group == "as-published":
        db_groups = [ids["default_sg"], ids["neptune_sg"]]
    else:
        egress = ([("-1", None, None, VPC_CIDR)] if db_group == "vpc-egress"
                  else [("tcp", 443, 443, ids["s3_pl"])])
        ids["db_sg"] = b.security_group(vpc, name=f"{name}-db", egress=egress,
                                        ingress=[("tcp", PORT, PORT, ids["neptune_sg"])])
        db_groups = [ids["db_sg"]]
    if sts_endpoint:
        # The guide's STS endpoint for chained roles: Interface, private DNS on, the cluster's
        # subnets, a group admitting 443 from the VPC.
        ids["sts_sg"] = b.security_group(vpc, name="sts-endpoint", ingress=[("tcp", 443, 443, VPC_CIDR)])
        ids["sts"] = b.interface_endpoint(vpc, "sts", subnets=[ids[f"private{az}"] for az in (1, 2, 3)],
                                          groups=[ids["sts_sg"]])

    # The DB instance (the cluster's VpcSecurityGroupIds), in the first private subnet (assumed).
    ids["db_eni"] = b.workload(ids["private1"], groups=db_groups, requester_managed=db_requester is not None,
                               requester_id=db_requester, description=DB_DESCRIPTION)
    # The instance as DescribeDBInstances reports it: the DB subnet group on the three private subnets.
    b.db_instance(DB_INSTANCE_ID, "neptune", vpc, subnets=[ids[f"private{az}"] for az in (1, 2, 3)], groups=db_groups)
    # NeptuneEC2ClientInstance: PublicSubnet1, NeptuneSG, a public address.
    ids["client_eni"] = b.workload(ids["public1"], groups=[ids["neptune_sg"]])
    b.enis[ids["client_eni"]] = replace(b.enis[ids["client_eni"]], instance_id=b.new_id("i"),
                                        public_ip_addresses=(CLIENT_PUBLIC_IP,))
    return b.snapshot(missing=() if instances_collected else [Part.DB_INSTANCES]), ids
