"""An Amazon MemoryDB cluster (Valkey) in the database subnets of three AZs, used by application
instances in the private subnets of the same VPC, with a MemoryDB API interface endpoint (eu-west-1).

Sources:

- the cluster: terraform-aws-modules/terraform-aws-memory-db ``examples/valkey`` at 7a994d3
  (https://github.com/terraform-aws-modules/terraform-aws-memory-db/blob/7a994d3a06a800e79253027f652bb80bb29a850f/examples/valkey/main.tf,
  2025-11-05, the repository's head, one commit after v3.0.0), with the module's ``main.tf`` at the
  same commit. That commit renamed ``examples/complete`` to ``examples/redis``; ``examples/valkey``
  has the same shape with ``engine = "valkey"``, ``engine_version = "7.3"`` and the
  ``memorydb_valkey7`` parameter family. Its ``vpc`` is terraform-aws-vpc ``~> 6.0`` and its group
  terraform-aws-security-group ``~> 5.0`` (``redis-tcp``: TCP 6379);
- the MemoryDB Developer Guide (current pages, read 2026-12-06): "Access Patterns for Accessing a
  MemoryDB Cluster in an Amazon VPC"
  (https://docs.aws.amazon.com/memorydb/latest/devguide/memorydb-vpc-accessing.html: a group for
  the cluster allowing TCP on the cluster's port, 6379 by default, from the group of the EC2
  instances in the same VPC), "Understanding MemoryDB and VPCs"
  (https://docs.aws.amazon.com/memorydb/latest/devguide/vpcs.mdb.html: the nodes take private
  addresses from the subnets' ranges), "MemoryDB API and interface VPC endpoints (AWS PrivateLink)"
  (https://docs.aws.amazon.com/memorydb/latest/devguide/memorydb-privatelink.html: an interface
  endpoint for the MemoryDB API, private DNS resolving ``memorydb.<Region>.amazonaws.com`` to it,
  the endpoint name ``<vpce id>.memorydb.<Region>.vpce.amazonaws.com``, endpoint policies supported,
  full access by default), "Snapshot and restore" (snapshots "are written to Amazon S3" by the
  service) and "Exporting a snapshot" (``CopySnapshot`` ``TargetBucket``: "be sure MemoryDB has the
  needed permissions to this S3 bucket"), and "Authenticating with IAM" (the client signs its token
  itself, MemoryDB validates it);
- the endpoint's service name, ``com.amazonaws.<region>.memory-db``, as public Terraform code
  creating it spells it (assumed: the guide's page names the DNS names, not the service name).

What the audit sees of the example (``local.name`` is ``"ex-${basename(path.cwd)}"``, ``ex-valkey``;
``local.tags`` carries ``Name``, merged after the VPC module's own):

- VPC 10.0.0.0/16, DNS support and hostnames on; private subnets ``cidrsubnet(vpc_cidr, 4, k)``
  (10.0.0.0/20, 10.0.16.0/20, 10.0.32.0/20) and database subnets ``cidrsubnet(vpc_cidr, 8, k + 48)``
  (10.0.48-50.0/24) in the Region's first three AZs (AZ IDs euw1-az1, az2, az3, assumed). No public
  subnet, so no internet gateway; ``enable_nat_gateway`` false, so three private route tables with
  the local route alone (``nat_gateway_count`` is the longest subnet list), database subnet ``k`` on
  private table ``k`` (``create_database_subnet_route_table`` defaults to false). The module's main
  route table, its default group emptied (``manage_default_security_group`` with empty rule lists),
  its allow-all default NACL. No flow log. The RDS DB subnet group and the MemoryDB subnet group of
  the database subnets have no network presence.
- ``module.security_group``: ``ex-valkey-<suffix>`` (``use_name_prefix`` defaults to true),
  "Security group for ex-valkey", ingress ``redis-tcp`` (TCP 6379) from the three private subnets'
  CIDRs (``ingress_cidr_blocks = module.vpc.private_subnets_cidr_blocks``), egress ``all-all`` to
  10.0.0.0/16.
- ``module.memory_db``: ``num_shards = 2``, ``num_replicas_per_shard = 2`` (six nodes), port 6379
  (``var.port`` unset: the API's default), ``tls_enabled``, the group above, and its subnet group
  ``ex-valkey-subnet-group`` of ``module.vpc.database_subnets``.

What DescribeNetworkInterfaces reports of the nodes (botocore's ec2 model, ``NetworkInterface``):
botocore's ``NetworkInterfaceType`` has no MemoryDB type, so each node's interface is typed
``interface``; one per node, in the cluster's group, attached to no instance of the account, with
a private address of its subnet. AWS documents neither their description nor their requester, and
no public dump of one was found. Assumed (``node_description="memorydb"``): RequesterManaged true,
RequesterId ``amazon-memorydb``, Description ``MemoryDB <cluster>-<shard>-<node>``
(``ex-valkey-0001-001``: a node name is numeric, "The combination of cluster name, shard name and
node name uniquely identifies every node", MemoryDB API ``Node``), no tags.
``node_description="elasticache"`` builds the other reading, the ElastiCache form
(``ElastiCache ex-valkey-0001-001``), should MemoryDB share ElastiCache's provisioning. Placement:
node ``k`` of shard ``s`` in the database subnet of AZ number ``(s + k) mod 3 + 1`` (assumed, each
shard across the three AZs).

What DescribeClusters and DescribeSubnetGroups report (botocore's memorydb model, ``Cluster`` and
``SubnetGroup``), as the snapshot records them: the cluster ``ex-valkey`` with ``SubnetGroupName``
``ex-valkey-subnet-group`` and ``SecurityGroups``, the group above; that subnet group with the VPC's
``VpcId`` and ``Subnets``, the database subnets the nodes are in (with ``node_azs``, those
subnets only). Nothing in them names a node's interface: a node's ``Endpoint`` is a DNS name, so
an interface is the cluster's by being in one of those subnets with exactly its groups, on no
instance (``NetworkView.memorydb_clusters_of``) — under either reading of the interfaces above.
``clusters_collected=False``: the part not collected (DescribeClusters or DescribeSubnetGroups
denied, or a snapshot written before it was collected).

Put to use (the canonical form; the example builds no client): one application instance per
private subnet (assumed), in a group ``ex-valkey-app`` with no ingress and AWS's default egress,
connecting as ``valkey-admin-user`` with IAM authentication (a token signed locally). The VPC has
no way out, so the operators' calls to the MemoryDB API from those instances (``DescribeClusters``
for the cluster endpoint, ``CreateSnapshot`` before a release; assumed) go to a ``memory-db``
interface endpoint in the private subnets, private DNS on, behind ``ex-valkey-vpc-endpoints``
admitting TCP 443 from 10.0.0.0/16 (as terraform-aws-vpc's ``vpc-endpoints`` examples make it),
no policy document (AWS's default full access).

Near misses: ``cluster_ingress="world"`` (the cluster's group admits 6379 from 0.0.0.0/0 instead
of the private subnets); ``port=6380`` (the cluster created on another port, ``redis-tcp`` still
6379: the instances are refused); ``node_azs=(1,)`` (a subnet group of the first database subnet
alone: the six nodes in one AZ); ``endpoint_source="cluster-sg"`` (the endpoint's group admits 443
only from the cluster's group, a reading of "let the cluster reach its API": the instances, the
only callers, are refused).
"""

from __future__ import annotations

from dataclasses import replace

from aws_layout import AwsRegionBuilder

from layouts.eks_blueprints_private import DEFAULT_ENTRIES
from layouts.tf_vpc_module import module_defaults
from vpcaudit.snapshot import resources as r
from vpcaudit.snapshot.model import Part, Snapshot

ACCOUNT = "123456789012"
REGION = "eu-west-1"
NAME = "ex-valkey"  # "ex-${basename(path.cwd)}"
TAGS = {"Name": NAME, "Example": NAME, "Repository": "https://github.com/terraform-aws-modules/terraform-aws-memory-db"}
AZ_IDS = ("euw1-az1", "euw1-az2", "euw1-az3")  # this account's eu-west-1a, b, c (assumed)
VPC_CIDR = "10.0.0.0/16"
PRIVATE_CIDRS = ("10.0.0.0/20", "10.0.16.0/20", "10.0.32.0/20")  # cidrsubnet(vpc_cidr, 4, k)
DATABASE_CIDRS = ("10.0.48.0/24", "10.0.49.0/24", "10.0.50.0/24")  # cidrsubnet(vpc_cidr, 8, k + 48)
REDIS_TCP = 6379  # terraform-aws-security-group's redis-tcp rule; MemoryDB's default port
SHARDS, NODES_PER_SHARD = 2, 3  # num_shards; num_replicas_per_shard + the primary
TF_SUFFIX = "20260101000000000000000001"  # the unique suffix Terraform appends to a name_prefix
NODE_REQUESTER_ID = "amazon-memorydb"  # assumed
SUBNET_GROUP = f"{NAME}-subnet-group"  # subnet_group_name
SERVICE = "memory-db"
ANY = "0.0.0.0/0"
DESCRIPTIONS = {"memorydb": "MemoryDB", "elasticache": "ElastiCache"}


def nodes() -> list[tuple[str, int]]:
    """The cluster's nodes, ``(<cluster>-<shard>-<node>, AZ number)``: node ``k`` of shard ``s`` in AZ
    number ``(s + k) mod 3 + 1`` (assumed placement)."""
    return [(f"{NAME}-{s:04d}-{k:03d}", (s + k) % 3 + 1)
            for s in range(1, SHARDS + 1) for k in range(1, NODES_PER_SHARD + 1)]


def build(*, apps: bool = True, cluster_ingress: str = "private", port: int = REDIS_TCP,
          node_azs: tuple[int, ...] = (1, 2, 3), endpoint_source: str = "vpc",
          node_description: str = "memorydb", clusters_collected: bool = True) -> tuple[Snapshot, dict[str, str]]:
    """``apps``: False is the example as published (no instance, no endpoint). ``cluster_ingress``:
    "private" (6379 from the private subnets) or "world" (from 0.0.0.0/0). ``port``: the port the
    cluster was created on (not in the snapshot: the group still admits 6379). ``node_azs``: the AZ
    numbers of the subnet group's database subnets (the nodes spread over them). ``endpoint_source``:
    "vpc" (443 from 10.0.0.0/16) or "cluster-sg" (443 from the cluster's group).
    ``node_description``: "memorydb" or "elasticache" (module docstring). ``clusters_collected``:
    False for the MemoryDB part not collected."""
    del port  # a MemoryDB setting: EC2 reports nothing of it
    b = AwsRegionBuilder(ACCOUNT, REGION, AZ_IDS)
    vpc = b.vpc(VPC_CIDR, name=NAME, dns_support=True, dns_hostnames=True)
    main_rt, default_sg, default_acl = module_defaults(b, vpc, DEFAULT_ENTRIES)
    ids: dict[str, str] = {"vpc": vpc, "main_rt": main_rt, "default_sg": default_sg, "default_acl": default_acl}
    for k in range(1, 4):
        ids[f"private{k}"] = b.subnet(vpc, PRIVATE_CIDRS[k - 1], az=k)
        ids[f"database{k}"] = b.subnet(vpc, DATABASE_CIDRS[k - 1], az=k)
        ids[f"private_rt{k}"] = b.route_table(vpc, subnets=[ids[f"private{k}"], ids[f"database{k}"]])
    for resource in ids.values():
        b.tag(resource, TAGS)

    sources = [ANY] if cluster_ingress == "world" else list(PRIVATE_CIDRS)
    cluster_sg = ids["cluster_sg"] = b.security_group(
        vpc, name=f"{NAME}-{TF_SUFFIX}", ingress=[("tcp", REDIS_TCP, REDIS_TCP, s) for s in sources],
        egress=[("-1", None, None, VPC_CIDR)])
    b.groups[cluster_sg] = replace(b.groups[cluster_sg], description=f"Security group for {NAME}")
    b.tag(cluster_sg, TAGS)
    for n, (node, az) in enumerate(nodes(), start=1):
        subnet = ids[f"database{node_azs[(az - 1) % len(node_azs)]}"]
        ids[f"node{n}"] = b.workload(subnet, groups=[cluster_sg], requester_managed=True,
                                     requester_id=NODE_REQUESTER_ID,
                                     description=f"{DESCRIPTIONS[node_description]} {node}")
    b.memorydb_cluster(NAME, [ids[f"database{k}"] for k in node_azs], groups=[cluster_sg], subnet_group=SUBNET_GROUP)
    if apps:
        ids |= _apps(b, vpc, [ids[f"private{k}"] for k in range(1, 4)])
        ids |= _endpoint(b, vpc, [ids[f"private{k}"] for k in range(1, 4)],
                         cluster_sg if endpoint_source == "cluster-sg" else VPC_CIDR)
    return b.snapshot(missing=() if clusters_collected else [Part.MEMORYDB_CLUSTERS]), ids


def _apps(b: AwsRegionBuilder, vpc: str, subnets: list[str]) -> dict[str, str]:
    """The instances' group (no ingress, AWS's default egress) and one instance per subnet."""
    out = {"app_sg": b.security_group(vpc, name=f"{NAME}-app", egress=[("-1", None, None, ANY)])}
    for n, subnet in enumerate(subnets, start=1):
        eni = out[f"app{n}"] = b.workload(subnet, groups=[out["app_sg"]])
        b.enis[eni] = replace(b.enis[eni], instance_id=b.new_id("i"))
    return out


def _endpoint(b: AwsRegionBuilder, vpc: str, subnets: list[str], source: str) -> dict[str, str]:
    """The ``memory-db`` endpoint (private DNS for ``memorydb.<region>.amazonaws.com``, the guide's
    names) and its group admitting TCP 443 from ``source``."""
    b.service(SERVICE, dns_names=(f"memorydb.{b.region}.amazonaws.com",))
    group = b.security_group(vpc, name=f"{NAME}-vpc-endpoints-{TF_SUFFIX[:-1]}2",
                             ingress=[("tcp", 443, 443, source)], egress=[])
    b.tag(group, TAGS)
    endpoint = b.interface_endpoint(vpc, SERVICE, subnets=subnets, groups=[group])
    b.endpoints[endpoint] = replace(b.endpoints[endpoint], dns_entries=(
        r.DnsEntry(f"{endpoint}.memorydb.{b.region}.vpce.amazonaws.com", "Z7HUB22UULQXV"),))
    b.tag(endpoint, TAGS)
    return {"endpoint_sg": group, "memorydb_endpoint": endpoint}
