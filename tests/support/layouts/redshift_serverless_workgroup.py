"""An Amazon Redshift Serverless workgroup with enhanced VPC routing in private subnets of three
AZs, loading from Amazon S3 through an S3 gateway endpoint, with clients in the same VPC (us-east-1).

Sources:

- the Amazon Redshift Management Guide as last published in its source repository
  (https://github.com/awsdocs/amazon-redshift-management-guide/tree/0a83a47ef86aa7bf06461bf9052ff61b026bd1c5/doc_source,
  the last commit before the repository was emptied): ``serverless-known-issues.md`` (9cda985,
  2023-04-24): "You must have at least three subnets, and they must span across three Availability
  Zones", and free IP addresses per subnet that scale with the base RPUs (32 RPUs: 13);
  ``serverless-connecting.md`` (9cda985): the workgroup listens on 5431-5455 or 8191-8215, "The
  default is 5439"; its name ``<workgroup>.<account>.<region>.redshift-serverless.amazonaws.com``;
  ``enhanced-vpc-enabling-cluster.md`` and ``enhanced-vpc-working-with-endpoints.md``: enhanced VPC
  routing is turned on "when you create or modify a Amazon Redshift Serverless workgroup"; "If you
  attach an Amazon S3 VPC endpoint, the VPC endpoint is used only for access to Amazon S3 buckets in
  the same AWS Region"; DNS resolution and hostnames on; "All clusters and workgroups in subnets
  associated with the specified route tables automatically use that endpoint";
  ``enhanced-vpc-routing.md``: "COPY and UNLOAD commands might fail unless you configure your VPC
  correctly";
- the current pages (read 2026-12-06): "Considerations when using Amazon Redshift Serverless"
  (https://docs.aws.amazon.com/redshift/latest/mgmt/serverless-usage-considerations.html): two AZs
  for a workgroup without enhanced VPC routing (EVR), three with it ("When using EVR, you must have
  at least three subnets, and they must span across three or more Availability Zones"); without
  EVR three free IP addresses per subnet whatever the RPUs, with EVR the per-RPU table still
  applies; "Turning on enhanced VPC routing"
  (https://docs.aws.amazon.com/redshift/latest/mgmt/enhanced-vpc-enabling-cluster.html): "To access
  buckets in another AWS Region … or to access other AWS services, make your cluster or Serverless
  workgroup publicly accessible or use a … NAT gateway";
- botocore's redshift-serverless model (2021-04-21), ``Workgroup``: ``enhancedVpcRouting`` ("forces
  Amazon Redshift Serverless to route traffic through your VPC"), ``subnetIds``,
  ``securityGroupIds``, ``port``, ``baseCapacity`` and ``endpoint`` (``Endpoint``: ``address``,
  ``port``, ``vpcEndpoints`` — each ``VpcEndpoint`` a ``vpcEndpointId``, ``vpcId`` and
  ``networkInterfaces``, "Also known as an interface endpoint", each with ``subnetId``,
  ``privateIpAddress``, ``availabilityZone``); the Terraform AWS provider's
  ``aws_redshiftserverless_workgroup`` (``enhanced_vpc_routing``, ``subnet_ids``,
  ``security_group_ids``, ``base_capacity``), as public examples set it.

Built: VPC 10.0.0.0/16 ``redshift-serverless``, DNS support and hostnames on; private subnets
10.0.1-3.0/24 in us-east-1a, b, c (AZ IDs use1-az1, az2, az4 assumed) on one route table
``redshift-serverless-private`` (local route only: no internet gateway, no NAT gateway); the default
NACL. Groups: ``redshift-serverless-workgroup`` — TCP 5439 from the clients' group, AWS's default
egress; the clients' group (``analytics-loader`` for a Lambda function, ``sql-client`` for an
instance) — no ingress, AWS's default egress. The workgroup (base capacity 8 RPUs,
``enhancedVpcRouting`` true, ``publiclyAccessible`` false) in the three subnets with the workgroup's
group. The canonical form has the guide's S3 gateway endpoint (AWS's default policy) on the private
table. The Lambda function ``analytics-loader`` (its client, running COPY through the Redshift
driver) in the three subnets: one interface per subnet, as the Lambda layouts model them — typed
``lambda``, requester-managed, described ``AWS Lambda VPC ENI-<function>-<uuid>``. No flow log.

What DescribeNetworkInterfaces and DescribeVpcEndpoints report of the workgroup. AWS documents
neither; assumed:

- the workgroup's endpoint (``Endpoint.vpcEndpoints``): an Interface VPC endpoint of this account
  to an endpoint service Redshift owns (``com.amazonaws.vpce.<region>.vpce-svc-…``, not in this
  account's DescribeVpcEndpointServices), listed by DescribeVpcEndpoints (a public walkthrough of a
  new workgroup saw it there beside the Redshift-managed endpoints), one network interface in the
  first subnet (``Endpoint.vpcEndpoints[].networkInterfaces`` lists one per endpoint in the public
  examples) with the workgroup's groups, private DNS off (the address is Redshift's name), no policy
  document. Its interface as every interface endpoint's: InterfaceType ``vpc_endpoint``,
  RequesterManaged true, Description ``VPC Endpoint Interface <vpce-id>``;
- with EVR on, the workgroup's compute puts interfaces in the workgroup's subnets (what the per-RPU
  free-address table counts; without EVR only the endpoint's addresses are needed). Assumed: one
  per subnet, InterfaceType ``interface``, RequesterManaged true, no RequesterId recorded, in the
  workgroup's groups, attached to no instance of the account, no tags, and described
  ``RedshiftNetworkInterface`` like a provisioned cluster's nodes (``compute_description``; ""
  builds the other reading, an undescribed interface). ``evr=False``: no such interfaces.

The snapshot records no workgroup: vpcaudit collects provisioned clusters (DescribeClusters), not
Serverless workgroups (ListWorkgroups), so the compute interfaces match no cluster.

Near misses: ``s3_endpoint=False`` — EVR on, no S3 endpoint and no NAT gateway: COPY from S3
cannot leave the VPC; ``admits_clients=False`` — the workgroup's group admits TCP 5439 from itself
only (not from the clients' group); ``clients="instance"`` with ``services`` — a SQL client
instance in the second subnet reached with Session Manager (``ssm``, ``ssmmessages``,
``ec2messages`` in the three subnets, private DNS on, behind a group admitting TCP 443 from
``sql-client`` only), Systems Manager being nothing Redshift calls.
"""

from __future__ import annotations

from dataclasses import replace

from aws_layout import AwsRegionBuilder

from vpcaudit.snapshot.model import Snapshot

ACCOUNT = "123456789012"
REGION = "us-east-1"
AZ_IDS = ("use1-az1", "use1-az2", "use1-az4")  # this account's us-east-1a, b, c (assumed)
NAME = "redshift-serverless"
VPC_CIDR = "10.0.0.0/16"
PORT = 5439  # the workgroup's default port
FUNCTION = "analytics-loader"
REDSHIFT_DESCRIPTION = "RedshiftNetworkInterface"  # the compute interfaces' description (assumed)
SESSION_MANAGER = ("ssm", "ssmmessages", "ec2messages")
ALL_OUT = ("-1", None, None, "0.0.0.0/0")


def build(*, evr: bool = True, s3_endpoint: bool = True, admits_clients: bool = True, clients: str = "lambda",
          services: tuple[str, ...] = (), endpoint_azs: tuple[int, ...] = (1, 2, 3),
          compute_description: str = REDSHIFT_DESCRIPTION) -> tuple[Snapshot, dict[str, str]]:
    """``evr``: enhanced VPC routing (the compute interfaces with it); ``s3_endpoint``: the S3
    gateway endpoint on the private table; ``admits_clients``: the workgroup's group admits TCP 5439
    from the clients' group (else from itself only); ``clients``: "lambda" or "instance";
    ``services``: interface endpoints admitting TCP 443 from the clients' group only, in the
    subnets of ``endpoint_azs`` (by AZ number);
    ``compute_description``: the compute interfaces' Description (module docstring)."""
    b = AwsRegionBuilder(ACCOUNT, REGION, AZ_IDS)
    vpc = b.vpc(VPC_CIDR, name=NAME, dns_support=True, dns_hostnames=True)
    ids: dict[str, str] = {"vpc": vpc}
    for k in (1, 2, 3):
        ids[f"private{k}"] = b.subnet(vpc, f"10.0.{k}.0/24", az=k, name=f"{NAME}-private-{REGION}{'abc'[k - 1]}")
    private = [ids[f"private{k}"] for k in (1, 2, 3)]
    ids["private_rt"] = b.route_table(vpc, subnets=private, name=f"{NAME}-private")

    client_sg = ids["client_sg"] = b.security_group(vpc, name=FUNCTION if clients == "lambda" else "sql-client",
                                                    egress=[ALL_OUT])
    source = client_sg if admits_clients else "self"
    workgroup_sg = ids["workgroup_sg"] = b.security_group(vpc, name=f"{NAME}-workgroup",
                                                          ingress=[("tcp", PORT, PORT, source)], egress=[ALL_OUT])

    # The workgroup's endpoint: an endpoint service Redshift owns, one interface, the workgroup's group.
    ids["workgroup_endpoint"] = b.interface_endpoint(
        vpc, "redshift-serverless", subnets=[ids["private1"]], groups=[workgroup_sg], private_dns=False, policy=None,
        service_name=f"com.amazonaws.vpce.{REGION}.{b.new_id('vpce-svc')}")
    if evr:
        for k in (1, 2, 3):
            ids[f"compute{k}"] = b.workload(ids[f"private{k}"], groups=[workgroup_sg], requester_managed=True,
                                            description=compute_description)
    if s3_endpoint:
        ids["s3"] = b.gateway_endpoint(vpc, "s3", route_tables=[ids["private_rt"]])

    if clients == "lambda":
        for k in (1, 2, 3):
            ids[f"lambda{k}"] = b.workload(
                ids[f"private{k}"], groups=[client_sg], interface_type="lambda", requester_managed=True,
                description=f"AWS Lambda VPC ENI-{FUNCTION}-4b7e2c1a-9d3f-4e6a-8c05-1f2e3d4c5b6{k}")
    else:
        ids["instance"] = b.workload(ids["private2"], groups=[client_sg])
        b.enis[ids["instance"]] = replace(b.enis[ids["instance"]], instance_id=b.new_id("i"))
    if services:
        ids["endpoint_sg"] = b.security_group(vpc, name=f"{NAME}-vpc-endpoints", ingress=[("tcp", 443, 443, client_sg)])
        for key in services:
            ids[key] = b.interface_endpoint(vpc, key, subnets=[ids[f"private{k}"] for k in endpoint_azs],
                                            groups=[ids["endpoint_sg"]])
    return b.snapshot(), ids
