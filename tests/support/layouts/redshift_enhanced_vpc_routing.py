"""An Amazon Redshift provisioned cluster with enhanced VPC routing in private subnets (us-east-1).

The template: terraform-aws-modules/terraform-aws-redshift ``examples/complete``, v7.1.0
(https://github.com/terraform-aws-modules/terraform-aws-redshift/tree/edd44edffdfc3c31e061abc9b652d6454347c20b/examples/complete,
2026-01-08; ``main.tf`` last changed in 26944312, 2025-11-16), with the module's ``main.tf`` and
``variables.tf`` at the same commit, its ``vpc`` from terraform-aws-modules/terraform-aws-vpc
``~> 6.0`` (v6.6.0, 82d1929e669efef4e2ad00611b8a68e7a56e049c) and its ``security_group`` from
terraform-aws-modules/terraform-aws-security-group ``//modules/redshift`` ``~> 5.0`` (v5.3.1,
3cf4e1a48a4649179e8ea27308daf0b551cb0bfa). A provisioned cluster, not a Serverless workgroup,
because that is what the Terraform Registry's Redshift module builds, and its complete example
turns ``enhanced_vpc_routing`` on in private subnets. Read with the Amazon
Redshift Management Guide, as last published in its source repository
(https://github.com/awsdocs/amazon-redshift-management-guide/tree/0a83a47ef86aa7bf06461bf9052ff61b026bd1c5/doc_source,
the last commit before the repository was emptied; ``enhanced-vpc-*.md`` last changed in
df47c78, 2022-12-13):

- ``enhanced-vpc-routing.md``: "Amazon Redshift forces all COPY and UNLOAD traffic between your
  cluster and your data repositories through your virtual private cloud"; "COPY and UNLOAD
  commands might fail unless you configure your VPC correctly. You must specifically create a
  network path"; the paths: a VPC endpoint ("For traffic to an Amazon S3 bucket in the same AWS
  Region as your cluster"), a NAT gateway ("an Amazon S3 bucket in another AWS Region … another
  service within the AWS network"), an internet gateway (the cluster then needs a public IP);
- ``enhanced-vpc-enabling-cluster.md``: DNS resolution and DNS hostnames on; "If you attach an
  Amazon S3 VPC endpoint, your cluster uses the VPC endpoint only for access to Amazon S3 buckets
  in the same AWS Region. To access buckets in another AWS Region … or to access other AWS
  services, make your cluster publicly accessible or use a … NAT gateway"; "Your VPC endpoint
  policies must allow access to any Amazon S3 buckets used with COPY, UNLOAD, or CREATE LIBRARY
  calls …, including access to any manifest files";
- ``enhanced-vpc-working-with-endpoints.md``: "Currently, Amazon Redshift supports VPC endpoints
  only for connecting to Amazon S3"; "All clusters and workgroups in subnets associated with the
  specified route tables automatically use that endpoint"; the example policy "that permits
  unloading data only to a specific Amazon S3 bucket in your account".

As published (``s3_endpoint=None``), the example gives the VPC no path to S3 at all. Built, in
us-east-1 (the example's Region is eu-west-1; names, CIDRs and verdicts do not depend on it):

- the VPC module: VPC 10.0.0.0/16 ``ex-complete`` (``"ex-${basename(path.cwd)}"``), DNS support
  and hostnames on (the module's defaults, as the guide requires); private subnets 10.0.0-2.0/24
  and Redshift subnets 10.0.10-12.0/24 in the Region's first three AZs, no public subnet, hence
  no internet gateway and no NAT gateway (``enable_nat_gateway`` false); three private route
  tables (``nat_gateway_count`` is the subnet count when neither ``single_nat_gateway`` nor
  ``one_nat_gateway_per_az`` is set), each with its AZ's private subnet and, since
  ``create_redshift_subnet_route_table`` is false, its AZ's Redshift subnet; no route beyond the
  VPC. The module's main route table, default group (no rules) and default NACL (allow all) as
  in the other terraform-aws-vpc layouts;
- ``module.security_group`` (the redshift submodule, ``name_prefix`` ``ex-complete-``): TCP 5439
  from 10.0.0.0/16 (``ingress_rules``), all traffic from itself (the submodule's
  ``auto_ingress_with_self``), all traffic out to 0.0.0.0/0 and ::/0 (``all-all`` with the
  default ``egress_cidr_blocks`` and ``egress_ipv6_cidr_blocks``). At v7.1.0 the example gives this
  group to the Redshift-managed VPC endpoint only; the cluster gets the group the module now
  creates by default (``create_security_group``, name prefix the cluster identifier) with no rule
  at all: the example passes no ``security_group_ingress_rules`` or ``_egress_rules``, and
  Terraform's ``aws_security_group`` revokes the egress rule AWS adds. Up to v6.2.0
  (b802a13a945951ea34823865f883a959397e2aea, 2025-10-29) the example gave its three clusters
  ``module.security_group`` (``vpc_security_group_ids``), and the module created no group:
  ``cluster_group="example"``;
- ``module.redshift`` (``ex-complete``): ra3.xlplus, three nodes, ``enhanced_vpc_routing``,
  ``availability_zone_relocation_enabled``, its own subnet group of the Redshift subnets;
  ``endpoint_access`` ``ex-complete-example`` with subnet group ``ex-complete-endpoint`` (the
  private subnets) and ``module.security_group``. The example's two other clusters in the same
  subnets (``module.with_cloudwatch_logging`` and ``module.default``: ra3.large, one node, each
  with its own rule-less group, enhanced VPC routing and relocation left at their defaults, off)
  are built as well. Audit logging (to S3 by the bucket policy's ``redshift.amazonaws.com``
  service principal, or to CloudWatch Logs), the managed master password in Secrets Manager, the
  KMS key and the snapshot copy are the service's own calls: the guide routes only COPY, UNLOAD
  and CREATE LIBRARY through the VPC, so none of them needs a path here.

What DescribeNetworkInterfaces reports (botocore's ec2 model, ``NetworkInterface``):

- a cluster's interfaces: InterfaceType ``interface``, RequesterManaged true, RequesterId
  ``amazon-redshift``, Description ``RedshiftNetworkInterface``, the cluster's groups. The
  description is what public ENI inventories (Cloud Custodian, among others) match Redshift on;
  the requester is what a public boto3 inventory script matches, among requester-managed
  interfaces, to call one Redshift's. AWS documents neither. ``requester=None`` builds the other
  reading (not requester-managed, no RequesterId). One interface per node, all in the first
  Redshift subnet (assumed: DescribeClusters' ``ClusterNodes`` gives each node, leader and
  compute, a private IP address of the cluster's subnet, and "Amazon Redshift can provision your
  cluster in one of the subnets");
- the Redshift-managed VPC endpoints. The service-linked role ``AWSServiceRoleForRedshift`` holds
  ``ec2:CreateVpcEndpoint``, the relocation page says to find the cluster's endpoint with
  ``describe-vpc-endpoints`` ("When you turn on relocation for your cluster, Amazon Redshift
  migrates your cluster to be behind a proxy"), and ``managing-cluster-cross-vpc.md`` says
  "Amazon Redshift chooses a subnet … for the network interface associated with the endpoint"
  and "You can't use the Amazon VPC console to manage Redshift-managed VPC endpoints". So two
  Interface endpoints of this account (as MWAA's, not requester-managed): the relocation endpoint,
  in the cluster's subnet with the cluster's groups (assumed: the cluster's VPC security groups
  admit its clients, who connect to it), and ``ex-complete-example``, in the first private subnet
  with ``module.security_group``; one ENI each, private DNS off (the addresses are Redshift's
  names), no policy document, each to an endpoint service Redshift owns
  (``com.amazonaws.vpce.<region>.vpce-svc-…``, assumed distinct and not in this account's
  DescribeVpcEndpointServices, as Network Firewall's and MWAA's).

What DescribeClusters reports (botocore's redshift model, ``Cluster``), as the snapshot records it:
each cluster's ``VpcId``; ``EnhancedVpcRouting``, true for ``ex-complete`` and false for the two
others (the default, "Default: false"); ``VpcSecurityGroups``, the group its interfaces carry; and
``ClusterNodes``, one per node (``ex-complete``: LEADER and COMPUTE-0 to 2; a single-node
cluster: SHARED) with the private address of that node's interface. The guide: "If enhanced VPC
routing is not turned on, Amazon Redshift routes traffic through the internet, including traffic
to other services within the AWS network" — so ``ex-complete-with-cloudwatch-logging`` and
``ex-complete-default`` use no endpoint of the VPC. ``clusters_collected=False``: DescribeClusters
denied, the part not collected; ``routed``: the clusters with enhanced VPC routing on.

The canonical form, ``s3_endpoint="cluster"``, adds what the guide requires: an S3 gateway
endpoint (AWS's default full-access policy) on every route table the Redshift subnets use (here
the three private tables). Near misses: ``s3_endpoint="private"`` with ``redshift_route_table``
(``create_redshift_subnet_route_table = true`` and the endpoint on
``module.vpc.private_route_table_ids`` only); ``s3_policy="one-bucket"`` (the guide's example,
UNLOAD to one bucket of this account and nothing else: COPY from the data bucket is refused);
``endpoint_access_group="vpc-default"`` (the Redshift-managed endpoint given
``module.vpc.default_security_group_id``, the module's rule-less default group).

Put to use (``services``): interface endpoints the Redshift developer guide asks for with
enhanced VPC routing and no NAT — ``secretsmanager`` for federated queries ("you might need to
configure an interface VPC endpoint for AWS Secrets Manager … communication between the Amazon
Redshift cluster in your VPC and AWS Secrets Manager is routed privately",
``getting-started-federated.md``) and ``glue`` for Redshift Spectrum's Data Catalog
(``spectrum-enhanced-vpc.md``: "you can configure an interface VPC endpoint for AWS Glue") — and
the Session Manager endpoints (``ssm``, ``ssmmessages``, ``ec2messages``) for a SQL client
instance reached with Session Manager, which Redshift never calls. From terraform-aws-vpc's
``vpc-endpoints`` submodule: private DNS on, in the private subnets (``endpoint_azs``: the AZs, by
number, of the private subnets they are in; all three unless said otherwise), behind a
group admitting TCP 443 from the VPC (``endpoint_source="vpc"``) or from the SQL client's group
(``endpoint_source="sql-client"``, a group no interface carries until the instance starts).
"""

from __future__ import annotations

import json

from aws_layout import AwsRegionBuilder

from layouts.eks_blueprints_private import ANY4, ANY6, DEFAULT_ENTRIES
from layouts.tf_vpc_module import module_defaults
from vpcaudit.snapshot.model import Part, Snapshot

ACCOUNT = "123456789012"
REGION = "us-east-1"
NAME = "ex-complete"  # "ex-${basename(path.cwd)}"
TAGS = {"Example": NAME, "GithubRepo": "terraform-aws-redshift", "GithubOrg": "terraform-aws-modules"}
AZ_IDS = ("use1-az1", "use1-az2", "use1-az4")  # this account's us-east-1a, b, c (assumed)
VPC_CIDR = "10.0.0.0/16"
REDSHIFT_PORT = 5439  # the module's default ``port``
TF_SUFFIX = "20260101000000000000000001"  # the unique suffix Terraform appends to a name_prefix
REDSHIFT_REQUESTER_ID = "amazon-redshift"
REDSHIFT_DESCRIPTION = "RedshiftNetworkInterface"
# The example's clusters: identifier → the roles of its nodes (DescribeClusters' ClusterNodes).
CLUSTERS = {NAME: ("LEADER", "COMPUTE-0", "COMPUTE-1", "COMPUTE-2"),
            f"{NAME}-with-cloudwatch-logging": ("SHARED",), f"{NAME}-default": ("SHARED",)}
# The clusters with enhanced VPC routing on: ``module.redshift`` sets ``enhanced_vpc_routing``.
ROUTED = (NAME,)
# The buckets of the one-bucket near miss (assumed names): UNLOAD's, which the policy names, and
# the one COPY reads, which it does not.
UNLOAD_BUCKET = "ex-complete-unload-123456789012"
DATA_BUCKET = "ex-complete-data-123456789012"
SERVICES = ("secretsmanager", "glue", "ssm", "ssmmessages", "ec2messages")


def one_bucket_policy() -> str:
    """The guide's kind of endpoint policy, "that permits unloading data only to a specific Amazon
    S3 bucket in your account": any principal may list, read and write that bucket, nothing else."""
    return json.dumps({"Version": "2012-10-17", "Statement": [{
        "Sid": "UnloadBucketOnly", "Effect": "Allow", "Principal": "*",
        "Action": ["s3:ListBucket", "s3:GetObject", "s3:PutObject"],
        "Resource": [f"arn:aws:s3:::{UNLOAD_BUCKET}", f"arn:aws:s3:::{UNLOAD_BUCKET}/*"]}]})


def build(*, cluster_group: str = "module", s3_endpoint: str | None = "cluster", redshift_route_table: bool = False,
          s3_policy: str = "default", endpoint_access_group: str = "example", services: tuple[str, ...] = (),
          endpoint_source: str = "vpc", endpoint_azs: tuple[int, ...] = (1, 2, 3),
          requester: str | None = REDSHIFT_REQUESTER_ID, clusters_collected: bool = True,
          routed: tuple[str, ...] = ROUTED) -> tuple[Snapshot, dict[str, str]]:
    """``cluster_group``: "module" (v7.1.0: the module's rule-less group) or "example" (v6.2.0:
    ``module.security_group``). ``s3_endpoint``: None (as published), "cluster" (on every table of
    the Redshift subnets) or "private" (on the private tables only). ``s3_policy``: "default" or
    "one-bucket". ``endpoint_access_group``: "example" or "vpc-default". ``services``,
    ``endpoint_source`` and ``endpoint_azs``: the interface endpoints put to use (module
    docstring). ``requester``: the clusters' interfaces' RequesterId, None for not requester-managed.
    ``clusters_collected``: False for DescribeClusters denied; ``routed``: the clusters with
    enhanced VPC routing on."""
    b = AwsRegionBuilder(ACCOUNT, REGION, AZ_IDS)
    vpc = b.vpc(VPC_CIDR, name=NAME, dns_support=True, dns_hostnames=True)
    b.tag(vpc, TAGS)
    main_rt, default_sg, default_acl = module_defaults(b, vpc, DEFAULT_ENTRIES)
    ids: dict[str, str] = {"vpc": vpc, "main_rt": main_rt, "default_sg": default_sg, "default_acl": default_acl}
    for resource in (main_rt, default_sg, default_acl):
        b.tag(resource, {"Name": f"{NAME}-default", **TAGS})
    for k in range(1, 4):
        az = f"{REGION}{'abc'[k - 1]}"
        ids[f"private{k}"] = b.subnet(vpc, f"10.0.{k - 1}.0/24", az=k, name=f"{NAME}-private-{az}")
        ids[f"redshift{k}"] = b.subnet(vpc, f"10.0.{k + 9}.0/24", az=k, name=f"{NAME}-redshift-{az}")
        members = [ids[f"private{k}"]] if redshift_route_table else [ids[f"private{k}"], ids[f"redshift{k}"]]
        ids[f"private_rt{k}"] = b.route_table(vpc, subnets=members, name=f"{NAME}-private-{az}")
    if redshift_route_table:
        ids["redshift_rt"] = b.route_table(vpc, subnets=[ids[f"redshift{k}"] for k in (1, 2, 3)],
                                           name=f"{NAME}-redshift")
    for key in [k for k in ids if k.startswith(("private", "redshift"))]:
        b.tag(ids[key], TAGS)

    example_sg = ids["example_sg"] = b.security_group(
        vpc, name=f"{NAME}-{TF_SUFFIX}",
        ingress=[("tcp", REDSHIFT_PORT, REDSHIFT_PORT, VPC_CIDR), ("-1", None, None, "self")],
        egress=[("-1", None, None, ANY4), ("-1", None, None, ANY6)])
    b.tag(example_sg, {"Name": NAME, **TAGS})
    ids |= _clusters(b, ids, cluster_group, requester, routed)
    ids |= _redshift_endpoints(b, ids, endpoint_access_group)
    if s3_endpoint is not None:
        tables = [ids[f"private_rt{k}"] for k in (1, 2, 3)]
        if s3_endpoint == "cluster" and redshift_route_table:
            tables.append(ids["redshift_rt"])
        ids["s3"] = b.gateway_endpoint(vpc, "s3", route_tables=tables,
                                       **({"policy": one_bucket_policy()} if s3_policy == "one-bucket" else {}))
    if services:
        ids |= _interface_endpoints(b, vpc, ids, services, endpoint_source, endpoint_azs)
    return b.snapshot(missing=() if clusters_collected else [Part.REDSHIFT_CLUSTERS]), ids


def _clusters(b: AwsRegionBuilder, ids: dict[str, str], cluster_group: str, requester: str | None,
              routed: tuple[str, ...]) -> dict[str, str]:
    """Each cluster's group (the module's, rule-less) and one interface per node in the first
    Redshift subnet, carrying that group or, with ``cluster_group="example"``,
    ``module.security_group``; and the cluster as DescribeClusters reports it, enhanced VPC routing
    on for those ``routed``."""
    out: dict[str, str] = {}
    for n, (cluster, nodes) in enumerate(CLUSTERS.items()):
        group = b.security_group(ids["vpc"], name=f"{cluster}-{TF_SUFFIX[:-1]}{n + 2}", egress=[])
        b.tag(group, {"Name": cluster, **TAGS})
        out[f"{cluster}_sg"] = group
        groups = [ids["example_sg"]] if cluster_group == "example" else [group]
        for m, _role in enumerate(nodes, start=1):
            out[f"{cluster}_eni{m}"] = b.workload(ids["redshift1"], groups=groups,
                                                 requester_managed=requester is not None,
                                                 requester_id=requester, description=REDSHIFT_DESCRIPTION)
        b.redshift_cluster(cluster, ids["vpc"], enhanced_vpc_routing=cluster in routed, groups=groups,
                           nodes=[out[f"{cluster}_eni{m}"] for m in range(1, len(nodes) + 1)])
    return out


def _redshift_endpoints(b: AwsRegionBuilder, ids: dict[str, str], endpoint_access_group: str) -> dict[str, str]:
    """``module.redshift``'s relocation endpoint and ``ex-complete-example``: Interface endpoints of
    endpoint services Redshift owns, one ENI each, private DNS off, no policy document."""
    cluster_groups = list(b.enis[ids[f"{NAME}_eni1"]].group_ids)
    access_groups = [ids["example_sg"] if endpoint_access_group == "example" else ids["default_sg"]]
    out: dict[str, str] = {}
    for key, subnet, groups in (("relocation", ids["redshift1"], cluster_groups),
                                ("endpoint_access", ids["private1"], access_groups)):
        service = f"com.amazonaws.vpce.{REGION}.{b.new_id('vpce-svc')}"
        out[key] = b.interface_endpoint(ids["vpc"], key, subnets=[subnet], groups=groups, private_dns=False,
                                        policy=None, service_name=service)
    return out


def _interface_endpoints(b: AwsRegionBuilder, vpc: str, ids: dict[str, str], services: tuple[str, ...],
                         endpoint_source: str, endpoint_azs: tuple[int, ...]) -> dict[str, str]:
    """The interface endpoints put to use, behind one group admitting TCP 443 from the VPC or from
    the SQL client's group."""
    out: dict[str, str] = {}
    source = VPC_CIDR
    if endpoint_source == "sql-client":
        source = out["sql_client_sg"] = b.security_group(vpc, name="sql-client")
    out["endpoint_sg"] = b.security_group(vpc, name=f"{NAME}-vpc-endpoints-{TF_SUFFIX}",
                                          ingress=[("tcp", 443, 443, source)])
    for key in services:
        out[key] = b.interface_endpoint(vpc, key, subnets=[ids[f"private{k}"] for k in endpoint_azs],
                                        groups=[out["endpoint_sg"]])
    return out
