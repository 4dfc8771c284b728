"""Amazon EMR on EC2: a cluster in a private subnet (us-east-1).

The Amazon EMR Management Guide's "Configure networking in a VPC for Amazon EMR"
(https://docs.aws.amazon.com/emr/latest/ManagementGuide/emr-plan-vpc-subnet.html), "Amazon VPC
options", private subnets (https://docs.aws.amazon.com/emr/latest/ManagementGuide/emr-clusters-in-a-vpc.html#emr-vpc-private-subnet),
"Set up a VPC to host clusters" (emr-vpc-host-job-flows.html), "Launch clusters into a VPC"
(emr-vpc-launching-job-flows.html), "Sample policies for private subnets that access Amazon S3"
(formerly "Minimum Amazon S3 policy for private subnet",
https://docs.aws.amazon.com/emr/latest/ManagementGuide/private-subnet-iampolicy.html) and "Working
with Amazon EMR-managed security groups" (https://docs.aws.amazon.com/emr/latest/ManagementGuide/emr-man-sec-groups.html).
The text of the setup pages as last published in the guide's source repository,
https://github.com/awsdocs/amazon-emr-management-guide/tree/551e34b4cd5616b2d0fb0762302bceb1bd65ba01/doc_source
(``emr-clusters-in-a-vpc.md`` and ``emr-vpc-host-job-flows.md`` last changed in bc1e6cc, 2022-01-24;
``emr-vpc-launching-job-flows.md`` in 208572d, 2021-11-18; ``private-subnet-iampolicy.md`` in a6c2a61,
2021-09-17; ``emr-man-sec-groups.md`` in 93c7ac9, 2021-08-23, whose tables that commit leaves out;
551e34b is the last commit before the repository's content was removed and it was archived). The
pages have changed since; the current ones (the same URLs, with the release notes of
``emr-spark-8.0.0``) are used for the security groups' rules and the S3 buckets, which the archived
pages do not give in full, and are quoted where they differ.

What the guide asks of the network for a cluster in a private subnet, Amazon EMR 5.30.0 to 7.x (the
releases whose groups have the service access group's 9443 and 8443 rules; EMR 8.0 replaces them
with an interface endpoint, left out here):

- "At a minimum, you must provide a route to Amazon S3 for the buckets required by Amazon EMR"; "we
  recommend that you also set up VPC endpoints for Amazon S3"; a NAT instance or gateway only "To
  access AWS services that do not provide a VPC endpoint"; "If you use EMRFS features, you need to
  have an Amazon S3 VPC endpoint and a route from your private subnet to DynamoDB". The archived
  page's picture of a cluster in a private subnet says "The only communication outside the subnet is
  to Amazon EMR" — so the canonical form is a private subnet whose route table holds the S3 gateway
  endpoint and nothing else, no internet gateway, no NAT (``nat=True`` adds the NAT form the page
  shows second: a NAT gateway in a public subnet).
- "Verify that Enable DNS hostnames is checked" and a DHCP options set with ``domain-name``
  ``ec2.internal`` (us-east-1) and ``AmazonProvidedDNS`` (emr-vpc-host-job-flows.md): the Region's
  default set is exactly that.
- The S3 gateway endpoint's policy: "By default, a gateway endpoint for Amazon S3 allows access to
  all buckets. You can create a VPC endpoint policy to restrict access to specific buckets; if you
  do, you will need to add policy statements allowing access to the specific S3 buckets required by
  Amazon EMR" (current private-subnet-iampolicy page). Built with the default (full access);
  ``s3_policy`` gives another document, e.g. :data:`GUIDE_S3_POLICY`.

The guide creates no VPC. Built as the VPC console's "VPC and more" wizard does it with the choices
the pages ask for (as the Glue layout does): Name tag auto-generation ``emr``, 10.0.0.0/16, one AZ
(us-east-1a: a cluster's instance groups launch in one subnet), no public subnet, one private
subnet 10.0.128.0/20 on a route table of its own, NAT gateways None, "S3 Gateway" on that table
(the wizard's default, with the default full-access policy), DNS hostnames and resolution on. No
flow log, the default NACL and default group.

The managed security groups, as EMR creates them in a VPC without them
(``ElasticMapReduce-Master-Private``, ``ElasticMapReduce-Slave-Private``,
``ElasticMapReduce-ServiceAccess``; the current page calls the first two ``-Primary-Private`` and
``-Core-Private`` and says legacy names remain for the security groups), with the current page's
default rules for 5.30.0 to 7.x:

- Master-Private, inbound: All ICMP-IPv4, All TCP, All UDP from itself and from Slave-Private; TCP
  8443 from ServiceAccess ("allows the cluster manager to communicate with the primary node");
  outbound: all traffic to 0.0.0.0/0.
- Slave-Private, inbound: the same from itself and Master-Private, TCP 8443 from ServiceAccess;
  outbound: all traffic to 0.0.0.0/0.
- ServiceAccess, inbound: TCP 9443 from Master-Private; outbound: TCP 8443 to Master-Private and to
  Slave-Private, nothing else (EMR revokes the rule CreateSecurityGroup adds).

The page also lists outbound TCP 9443 and 443 to ServiceAccess on Master-Private as "a minimum
requirement" "If the above All traffic default outbound rule is removed"; EMR does not add them
beside that rule. The names, descriptions (``Master group for Elastic MapReduce created on
<timestamp>``…), the tag ``for-use-with-amazon-emr-managed-policies`` and exactly these rules are
those of groups EMR created in a customer VPC on 2023-10-07 and exported as published (a public
Terraform export of an account's VPC, ``ElasticMapReduce-ServiceAccess`` with ingress 9443 from the
master group and egress 8443 to both node groups only).

``cluster=True`` adds a running cluster launched as the launch page's CLI example does it
(``aws emr create-cluster … --instance-count 3``: one primary and two core instances, all in the
subnet), release 7.x (AL2023). Each instance's primary network interface as
DescribeNetworkInterfaces reports an EC2 instance's (botocore's ec2 model, NetworkInterface):
InterfaceType ``interface``, RequesterManaged false, an empty Description, the instance's id in
``Attachment``, the managed group of its role. And the cluster manager's interface: "To manage the
cluster on a VPC, Amazon EMR attaches a network device to the master node and manages it through
this device. You can view this device using ... DescribeInstances. If you modify this device in
any way, the cluster may fail" (launch page); "this security group is attached to an ENI in your
subnet" (the groups page, ServiceAccess, 7.x and earlier). What DescribeNetworkInterfaces reports
for it is not documented; assumed: InterfaceType ``interface``, RequesterManaged true, no
RequesterId recorded, an empty Description, attached to the primary instance, carrying
ServiceAccess alone. The network model counts all four as workloads.

``interface_endpoints`` puts the VPC to a use the pages allow: the EMR API from inside the VPC
through an ``elasticmapreduce`` interface endpoint ("Connect to Amazon EMR using an interface VPC
endpoint", interface-vpc-endpoint.html: "To use Amazon EMR through your VPC, you must connect from
an instance that is inside the VPC"), private DNS on, no policy, behind a group admitting TCP 443
from ``endpoint_source`` ("vpc": the VPC's block; "default": the VPC's default group, which no EMR
instance carries — the near miss).

Near misses: ``s3_route_table="main"`` (the S3 gateway endpoint on the VPC's main route table, which
serves no subnet here), ``s3_policy`` (the guide's example policy, with or without its EMR
repository statement, or the replacement POL001's fix proposes), ``endpoint_source="default"``.
"""

from __future__ import annotations

import json
from dataclasses import replace

from aws_layout import AwsRegionBuilder

from vpcaudit.snapshot.model import Snapshot

ACCOUNT = "123456789012"
REGION = "us-east-1"
PROJECT = "emr"  # the wizard's Name tag auto-generation
CREATED = "2026-01-01T00:00:00.000Z"  # the groups' description timestamp
MANAGED_TAG = {"for-use-with-amazon-emr-managed-policies": "true"}
LOG_BUCKET = f"aws-logs-{ACCOUNT}-{REGION}"  # the console's default log location (LogUri)
# The buckets the current "Sample policies for private subnets that access Amazon S3" page requires
# for EMR 7.x in us-east-1 (AL2023; the EMR repository bucket for 5.22.0 and later; the system logs
# bucket, named without a Region in us-east-1; persistent application UIs, 5.25.0 and later).
AL2023_REPO_BUCKET = f"al2023-repos-{REGION}-de612dc2"
EMR_REPO_BUCKET = f"repo.{REGION}.emr.amazonaws.com"
SYSTEM_LOGS_BUCKET = "aws157-logs-prod"
APP_UI_BUCKET = f"prod.{REGION}.appinfo.src"


def guide_s3_policy(*, emr_repository: bool = True) -> str:
    """The page's "Example policy" for EMR 7.x in us-east-1: its statements and Sids, the AL2023 bucket
    for 7.x, without the 8.0 instance data buckets, the log bucket the console's default LogUri names
    (``emr_repository=False``: the ``EmrRepositoryAccess`` statement left out)."""
    statements = [
        {"Sid": "AmazonLinux2023AMIRepositoryAccess", "Effect": "Allow", "Principal": "*",
         "Action": ["s3:GetObject"], "Resource": [f"arn:aws:s3:::{AL2023_REPO_BUCKET}/*"]},
        {"Sid": "EmrRepositoryAccess", "Effect": "Allow", "Principal": "*", "Action": ["s3:GetObject"],
         "Resource": [f"arn:aws:s3:::{EMR_REPO_BUCKET}/*"]},
        {"Sid": "EnableClusterLogs", "Effect": "Allow", "Principal": "*", "Action": ["s3:Put*"],
         "Resource": [f"arn:aws:s3:::{SYSTEM_LOGS_BUCKET}/*", f"arn:aws:s3:::{LOG_BUCKET}/*"]},
        {"Sid": "EnableApplicationHistory", "Effect": "Allow", "Principal": "*",
         "Action": ["s3:Put*", "s3:Get*", "s3:Create*", "s3:Abort*", "s3:List*"],
         "Resource": [f"arn:aws:s3:::{APP_UI_BUCKET}/*"]}]
    if not emr_repository:
        statements = [s for s in statements if s["Sid"] != "EmrRepositoryAccess"]
    return json.dumps({"Version": "2012-10-17", "Statement": statements})


GUIDE_S3_POLICY = guide_s3_policy()
ALL_ICMP, ALL_TCP, ALL_UDP = ("icmp", -1, -1), ("tcp", 0, 65535), ("udp", 0, 65535)


def build(*, cluster: bool = False, nat: bool = False, s3_route_table: str = "private",
          s3_policy: str | None = None, interface_endpoints: bool = False,
          endpoint_source: str = "vpc") -> tuple[Snapshot, dict[str, str]]:
    """``s3_route_table``: "private" or "main"; ``s3_policy``: a policy document (None: AWS's default
    full access); ``endpoint_source``: "vpc" or "default"."""
    b = AwsRegionBuilder(ACCOUNT, REGION, ("use1-az1",))
    # DescribeVpcAttribute: EnableDnsSupport and EnableDnsHostnames true (the wizard's defaults, the
    # guide's "Verify that Enable DNS hostnames is checked").
    vpc = b.vpc("10.0.0.0/16", name=f"{PROJECT}-vpc", dns_support=True, dns_hostnames=True)
    private = b.subnet(vpc, "10.0.128.0/20", az=1, name=f"{PROJECT}-subnet-private1-us-east-1a")
    ids: dict[str, str] = {"vpc": vpc, "private": private, "main_route_table": b.main_route_table(vpc)}
    table = ids["route_table"] = b.route_table(vpc, subnets=[private], name=f"{PROJECT}-rtb-private1-us-east-1a")
    if nat:
        ids["igw"] = b.igw(vpc)
        public = ids["public"] = b.subnet(vpc, "10.0.0.0/20", az=1, name=f"{PROJECT}-subnet-public1-us-east-1a")
        ids["public_route_table"] = b.route_table(vpc, subnets=[public], routes={"0.0.0.0/0": ids["igw"]},
                                                  name=f"{PROJECT}-rtb-public")
        ids["nat"] = b.nat(public)
        b.route(table, "0.0.0.0/0", ids["nat"])
    s3_tables = [table] if s3_route_table == "private" else [ids["main_route_table"]]
    # DescribeVpcEndpoints: VpcEndpointType Gateway, RouteTableIds, PolicyDocument (AWS's default
    # full-access document unless one is given).
    ids["s3"] = b.gateway_endpoint(vpc, "s3", route_tables=s3_tables,
                                   **({"policy": s3_policy} if s3_policy is not None else {}))
    ids |= _managed_groups(b, vpc)
    if cluster:
        ids |= _cluster(b, private, ids)
    if interface_endpoints:
        b.service("elasticmapreduce")
        source = "10.0.0.0/16" if endpoint_source == "vpc" else b.default_group(vpc)
        endpoint_sg = ids["endpoint_sg"] = b.security_group(vpc, name=f"{PROJECT}-endpoints",
                                                            ingress=[("tcp", 443, 443, source)])
        ids["elasticmapreduce"] = b.interface_endpoint(vpc, "elasticmapreduce", subnets=[private],
                                                       groups=[endpoint_sg], policy=None)
    return b.snapshot(), ids


def _managed_groups(b: AwsRegionBuilder, vpc: str) -> dict[str, str]:
    """The three EMR-managed groups with their default rules (see the module docstring). Created
    empty, then authorized, as two groups referencing each other must be
    (DescribeSecurityGroupRules: one rule per protocol and source)."""
    master = b.security_group(vpc, name="ElasticMapReduce-Master-Private", egress=[])
    slave = b.security_group(vpc, name="ElasticMapReduce-Slave-Private", egress=[])
    service = b.security_group(vpc, name="ElasticMapReduce-ServiceAccess", egress=[])
    for group, role in ((master, "Master"), (slave, "Slave"), (service, "Service access")):
        description = f"{role} group for Elastic MapReduce created on {CREATED}"
        b.groups[group] = replace(b.groups[group], description=description)
        b.tag(group, MANAGED_TAG)
    everything = (ALL_ICMP, ALL_TCP, ALL_UDP)
    for group, other in ((master, slave), (slave, master)):
        b.authorize(group, ingress=[(*spec, source) for source in (group, other) for spec in everything]
                    + [("tcp", 8443, 8443, service)], egress=[("-1", None, None, "0.0.0.0/0")])
    b.authorize(service, ingress=[("tcp", 9443, 9443, master)],
                egress=[("tcp", 8443, 8443, master), ("tcp", 8443, 8443, slave)])
    return {"master_sg": master, "slave_sg": slave, "service_sg": service}


def _cluster(b: AwsRegionBuilder, subnet: str, ids: dict[str, str]) -> dict[str, str]:
    """One primary and two core instances, and the cluster manager's interface on the primary
    instance (see the module docstring for what is documented and what is assumed)."""
    out: dict[str, str] = {}
    for role, group in (("master", ids["master_sg"]), ("core1", ids["slave_sg"]), ("core2", ids["slave_sg"])):
        instance = out[f"{role}_instance"] = b.new_id("i")
        eni = out[role] = b.workload(subnet, groups=[group])
        b.enis[eni] = replace(b.enis[eni], instance_id=instance)
    manager = out["service_eni"] = b.workload(subnet, groups=[ids["service_sg"]], requester_managed=True)
    b.enis[manager] = replace(b.enis[manager], instance_id=out["master_instance"])
    return out
