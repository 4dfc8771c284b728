"""Amazon EKS with the Amazon VPC CNI's custom networking: pods in subnets of a secondary CIDR block (us-west-2).

Sources, read as code:

- The EKS User Guide, "Deploy Pods in alternate subnets with custom networking" and its tutorial
  "Customize the secondary network interface in Amazon EKS nodes"
  (https://docs.aws.amazon.com/eks/latest/userguide/cni-custom-network.html and
  ``cni-custom-network-tutorial.html``; source
  https://github.com/awsdocs/amazon-eks-user-guide/blob/0cc5a7608f9d1162d052bf2a61eddebc3352139f/latest/ug/networking/cni-custom-network-tutorial.adoc).
  Its steps: associate another CIDR block with the cluster's VPC, create one subnet of it in each
  AZ of the node subnets, set ``AWS_VPC_K8S_CNI_CUSTOM_NETWORK_CFG=true``, one ``ENIConfig`` per AZ
  (named after it, ``ENI_CONFIG_LABEL_DEF=topology.kubernetes.io/zone``) naming that subnet and a
  security group, then nodes in the original subnets. "By default, your new subnets are implicitly
  associated with your VPC's main route table"; and, the fact this layout turns on:
  "``AWS_VPC_K8S_CNI_EXTERNALSNAT=false`` is a default setting … traffic that is destined for IP
  addresses that aren't within one of the CIDR blocks associated with your VPC use the security
  groups and subnets of your node's primary network interface. The subnets and security groups
  defined in your ``ENIConfigs`` … aren't used for this traffic." Traffic to the VPC's own
  addresses (an interface endpoint's among them) leaves from the pod's address through the
  secondary interface, with the ENIConfig's group.
- EKS Blueprints for Terraform, ``examples/vpc-cni-custom-networking`` as last published whole,
  https://github.com/aws-ia/terraform-aws-eks-blueprints/blob/4de99b403326cf82a1387d05f95f56ca2ba289a7/examples/vpc-cni-custom-networking/main.tf
  (2023-08-20; ``main.tf`` last changed in b9e8476, 2023-07-19, "Remove cluster security group from
  EniConfig"; the next commit, 8aa4515, reduced the example to ``docs/snippets/vpc-cni-custom-networking.md``,
  which keeps the same VPC, add-on and ``ENIConfig`` code). It pins ``terraform-aws-modules/vpc/aws``
  ``~> 5.0`` and ``terraform-aws-modules/eks/aws`` ``~> 19.16``; defaults read at v5.21.0 and
  v19.21.0 (2cb1fac, 2023-12-11).
- The EKS Best Practices Guide, "Custom Networking"
  (https://github.com/aws/aws-eks-best-practices/blob/1251d3f42b0bc3f1ca9b6b4fe3f2c34ad2fe5ed4/content/networking/custom-networking/index.md):
  "the primary ENI is used to handle source network translation and route Pods traffic outside the
  node"; it recommends a /16 of the CG-NAT space, 100.64.0.0/16 in its example
  (``secondary_cidr=CG_NAT_CIDR``).

Built as the example plans it, cluster ``vpc-cni-custom-networking`` (``basename(path.cwd)``):
VPC 10.0.0.0/16 (DNS support and hostnames on) with the secondary block 10.99.0.0/16; in
us-west-2a-c, six private subnets on the module's one private route table (``single_nat_gateway``:
``nat_gateway_count`` 1), 0.0.0.0/0 to the one NAT gateway — the node subnets
``cidrsubnet(10.0.0.0/16, 4, k)`` (10.0.0.0/20, 10.0.16.0/20, 10.0.32.0/20) and the pod subnets
``cidrsubnet(10.99.0.0/16, 2, k)`` (10.99.0.0/18, 10.99.64.0/18, 10.99.128.0/18), all tagged
``kubernetes.io/role/internal-elb``; public subnets 10.0.48.0/24-10.0.50.0/24 on one table to the
internet gateway (``kubernetes.io/role/elb``), the NAT gateway in the first; intra subnets
10.0.52.0/24-10.0.54.0/24 on one table with the local routes only, for the control plane
(``control_plane_subnet_ids``); the module-managed main route table, default group (no rules) and
default NACL; no flow log. The EKS module's three groups as in the fully-private layout (same
module rules at v19.21.0). ENIConfig ``securityGroups`` is ``module.eks.node_security_group_id``.

Network interfaces, as DescribeNetworkInterfaces reports them: the control plane's two in the
intra subnets (``Amazon EKS vpc-cni-custom-networking``, EKS's cluster group and the module's,
typed ``interface``, not requester-managed, as the fully-private layout has them); node group
``initial`` (``desired_size = 2``, m5.large) in the node subnets of us-west-2a and us-west-2c (the
README's node is 10.0.34.74, in the third): per node its primary interface (node group, empty
description, attached to the instance) and, with prefix delegation and ``WARM_PREFIX_TARGET = 1``,
the one secondary interface the CNI attaches at start — in the pod subnet of the node's AZ, with
the ENIConfig's groups, described ``aws-K8S-<instance id>``, tagged as the CNI tags it. Its /28
prefix is not recorded (the snapshot keeps addresses, not ``Ipv4Prefixes``).

Put to use (``endpoints``), which the example is not: the ``vpc_endpoints`` block of the same
repository's ``patterns/fully-private-cluster`` (head 98d0eb4, 2026-04-08) — its S3 gateway endpoint
on ``module.vpc.private_route_table_ids`` and its eleven interface endpoints (the services of
``layouts.eks_blueprints_private``), private DNS on, AWS's default policy — in the node subnets
(``slice(module.vpc.private_subnets, 0, 3)``: an interface endpoint takes one subnet per AZ, so the
block's ``module.vpc.private_subnets`` would be refused), behind the group
``vpc-cni-custom-networking-vpc-endpoints-…`` admitting TCP 443 from:

- ``"all_blocks"``: ``concat([module.vpc.vpc_cidr_block], module.vpc.vpc_secondary_cidr_blocks)``;
  the EKS private-clusters page: "the VPC interface endpoint security group must allow the CIDR
  for the subnets".
- ``"vpc_cidr_block"`` (near miss): the block as copied, ``module.vpc.vpc_cidr_block``, the primary
  block alone.
- ``"node_sg"``: ``module.eks.node_security_group_id``, the page's alternative ("or you must add the
  created node security group").

Near misses and alternatives:

- ``pod_routes``: ``"private"`` (the example), ``"own"`` (the pod subnets on a route table of their
  own sending 0.0.0.0/0 to the NAT gateway, not in ``private_route_table_ids``, so without the S3
  route), ``"main"`` (left on the main route table, as the tutorial's new subnets are: local
  routes only, not routed to the NAT gateway at all).
- ``pod_group``: ``"node"`` (the example's ENIConfig), ``"pods"`` (a group of their own, as the
  tutorial allows for production — "the ID of an existing security group that you want to use
  for each ENIConfig" — assumed: all traffic from itself and the node group, all traffic out), or
  ``"pods_primary_egress"`` (that group sending only to ``module.vpc.vpc_cidr_block``).

Assumed where the sources are silent: this account's AZ IDs and account id (those of the
fully-private layout); two control-plane interfaces (EKS creates 2-4), in the first two intra
subnets; the ``"own"`` pod route table created beside the module (an ``aws_route_table`` of its
own; the module has no such table), named ``vpc-cni-custom-networking-pods``.

Left out (no rule reads them): the cluster, its add-ons, KMS key and log group, IAM roles, the
launch template and Auto Scaling group, the ENIConfig objects themselves (Kubernetes, not EC2),
the Region's default VPC (the example does not manage it), Terraform's timestamp suffixes
(replaced by a fixed one).
"""

from __future__ import annotations

from dataclasses import replace

from aws_layout import AwsRegionBuilder

from layouts.eks_blueprints_private import (
    ACCOUNT,
    AZ_IDS,
    DEFAULT_ENTRIES,
    INTERFACE_SERVICES,
    _rules,
    cidrsubnet,
    eks_module_groups,
    terraform_group,
)
from layouts.tf_vpc_module import module_defaults
from vpcaudit.snapshot.model import Snapshot

REGION = "us-west-2"
NAME = "vpc-cni-custom-networking"  # basename(path.cwd)
TAGS = {"Blueprint": NAME, "GithubRepo": "github.com/aws-ia/terraform-aws-eks-blueprints"}
VPC_CIDR = "10.0.0.0/16"
SECONDARY_CIDR = "10.99.0.0/16"  # local.secondary_vpc_cidr
CG_NAT_CIDR = "100.64.0.0/16"  # the Best Practices Guide's example block
ANY4 = "0.0.0.0/0"
AZS = ("us-west-2a", "us-west-2b", "us-west-2c")
NODE_AZS = (1, 3)  # the node group's two nodes (assumed; the README's node is in the third AZ)
TF_SUFFIX = "20230820000000000000000001"  # the unique suffix Terraform appends to a name_prefix
EKS_ROLE_ID = "AROAZQ3DPKG5EXAMPLE02"  # the cluster IAM role's unique id (RequesterId "<id>:AmazonEKS")


def build(*, secondary_cidr: str = SECONDARY_CIDR, endpoints: str | None = None, pod_routes: str = "private",
          pod_group: str = "node") -> tuple[Snapshot, dict[str, str]]:
    """``endpoints``: None (the example) or the endpoint group's source (``"all_blocks"``,
    ``"vpc_cidr_block"`` or ``"node_sg"``);
    ``pod_routes``: ``"private"``, ``"own"`` or ``"main"``; ``pod_group``: ``"node"``, ``"pods"`` or
    ``"pods_primary_egress"`` (see the module docstring)."""
    b = AwsRegionBuilder(ACCOUNT, REGION, AZ_IDS)
    for key in ("ec2", "sts"):
        # DescribeVpcEndpointServices: not offered in usw2-az4 (as in the fully-private layout).
        b.service(key, azs=(1, 2, 3))
    vpc = b.vpc(VPC_CIDR, name=NAME, dns_support=True, dns_hostnames=True, extra_cidrs=(secondary_cidr,))
    b.tag(vpc, TAGS)
    main_rt, default_sg, default_acl = module_defaults(b, vpc, DEFAULT_ENTRIES)
    for resource in (main_rt, default_sg, default_acl):
        b.tag(resource, {"Name": f"{NAME}-default", **TAGS})
    ids = {"vpc": vpc, "main_rt": main_rt, "default_sg": default_sg, "default_acl": default_acl}
    ids |= _subnets(b, vpc, secondary_cidr, pod_routes)
    ids |= _cluster(b, vpc, ids, pod_group)
    if endpoints is not None:
        ids |= _endpoints(b, vpc, ids, secondary_cidr, endpoints)
    return b.snapshot(), ids


def _subnets(b: AwsRegionBuilder, vpc: str, secondary_cidr: str, pod_routes: str) -> dict[str, str]:
    """The module's public, private (nodes, then pods) and intra subnets and their route tables."""
    igw = b.igw(vpc)
    b.tag(igw, {"Name": NAME, **TAGS})
    public_rt = b.route_table(vpc, routes={ANY4: igw}, name=f"{NAME}-public")
    private_rt = b.route_table(vpc, name=f"{NAME}-private")
    intra_rt = b.route_table(vpc, name=f"{NAME}-intra")
    ids = {"igw": igw, "public_rt": public_rt, "private_rt": private_rt, "intra_rt": intra_rt}
    for k, az in enumerate(AZS):
        public = ids[f"public{k + 1}"] = b.subnet(vpc, cidrsubnet(VPC_CIDR, 8, k + 48), az=k + 1,
                                                  name=f"{NAME}-public-{az}")
        b.tag(public, {**TAGS, "kubernetes.io/role/elb": "1"})
        b.associate(public_rt, public)
        intra = ids[f"intra{k + 1}"] = b.subnet(vpc, cidrsubnet(VPC_CIDR, 8, k + 52), az=k + 1,
                                                name=f"{NAME}-intra-{az}")
        b.associate(intra_rt, intra)
    ids["nat"] = b.nat(ids["public1"])
    b.tag(ids["nat"], {"Name": f"{NAME}-{AZS[0]}", **TAGS})
    b.route(private_rt, ANY4, ids["nat"])
    if pod_routes == "own":
        ids["pods_rt"] = b.route_table(vpc, routes={ANY4: ids["nat"]}, name=f"{NAME}-pods")
    for kind, prefix, newbits in (("node_subnet", VPC_CIDR, 4), ("pod_subnet", secondary_cidr, 2)):
        for k, az in enumerate(AZS):
            subnet = ids[f"{kind}{k + 1}"] = b.subnet(vpc, cidrsubnet(prefix, newbits, k), az=k + 1,
                                                      name=f"{NAME}-private-{az}")
            b.tag(subnet, {**TAGS, "kubernetes.io/role/internal-elb": "1"})
            if kind == "node_subnet" or pod_routes == "private":
                b.associate(private_rt, subnet)
            elif pod_routes == "own":
                b.associate(ids["pods_rt"], subnet)
    for resource in (public_rt, private_rt, intra_rt, *(ids[f"intra{k}"] for k in (1, 2, 3))):
        b.tag(resource, TAGS)
    return ids


def _group(b: AwsRegionBuilder, vpc: str, name: str, description: str, tags: dict[str, str]) -> str:
    return terraform_group(b, vpc, name, description, {**TAGS, **tags})


def _cluster(b: AwsRegionBuilder, vpc: str, ids: dict[str, str], pod_group: str) -> dict[str, str]:
    """The EKS module's groups, the control plane's interfaces, the nodes' and the CNI's."""
    added = eks_module_groups(b, vpc, name=NAME, tf_suffix=TF_SUFFIX, tags=TAGS,
                              eks_egress=[("-1", None, None, ANY4)], node_egress=(ANY4,))
    eks_sg, cluster_sg, node_sg = added["eks_sg"], added["cluster_sg"], added["node_sg"]
    eni_config_sg = node_sg
    if pod_group != "node":
        eni_config_sg = added["pods_sg"] = _group(b, vpc, f"{NAME}-pods", "Pods on custom networking",
                                                  {"Name": f"{NAME}-pods"})
        egress_to = ANY4 if pod_group == "pods" else VPC_CIDR  # module.vpc.vpc_cidr_block
        _rules(b, eni_config_sg, [(False, "-1", None, None, "self", "Pod to pod"),
                                  (False, "-1", None, None, node_sg, "Nodes to pods"),
                                  (True, "-1", None, None, egress_to, "Pods out")])
    for n in (1, 2):
        # DescribeNetworkInterfaces (botocore's NetworkInterface), as the fully-private layout has them.
        added[f"control_plane{n}"] = b.workload(ids[f"intra{n}"], groups=[eks_sg, cluster_sg],
                                                description=f"Amazon EKS {NAME}",
                                                requester_id=f"{EKS_ROLE_ID}:AmazonEKS")
    for n, az in enumerate(NODE_AZS, start=1):
        instance = f"i-0{n}8c4e2a6b0d9f1e3"  # 17 hex digits
        # The node's primary interface (created with the instance: not requester-managed, no description) ...
        added[f"node{n}"] = b.workload(ids[f"node_subnet{az}"], groups=[node_sg])
        b.enis[added[f"node{n}"]] = replace(b.enis[added[f"node{n}"]], instance_id=instance)
        # ... and the CNI's secondary interface, in the ENIConfig's subnet with its groups.
        added[f"node{n}_cni"] = b.workload(ids[f"pod_subnet{az}"], groups=[eni_config_sg],
                                           description=f"aws-K8S-{instance}")
        b.enis[added[f"node{n}_cni"]] = replace(b.enis[added[f"node{n}_cni"]], instance_id=instance)
        b.tag(added[f"node{n}_cni"], {"eks:eni:owner": "amazon-vpc-cni", "node.k8s.amazonaws.com/instance_id": instance,
                                      "cluster.k8s.amazonaws.com/name": NAME})
    return added


def _endpoints(b: AwsRegionBuilder, vpc: str, ids: dict[str, str], secondary_cidr: str,
               source: str) -> dict[str, str]:
    """The fully-private pattern's ``module.vpc_endpoints``, in the node subnets, admitting ``source``."""
    endpoint_sg = _group(b, vpc, f"{NAME}-vpc-endpoints-{TF_SUFFIX}", "VPC endpoint security group",
                         {"Name": f"{NAME}-vpc-endpoints-"})
    sources = {"all_blocks": [VPC_CIDR, secondary_cidr], "vpc_cidr_block": [VPC_CIDR],
               "node_sg": [ids["node_sg"]]}[source]
    description = "HTTPS from nodes" if source == "node_sg" else "HTTPS from VPC"
    _rules(b, endpoint_sg, [(False, "tcp", 443, 443, s, description) for s in sources])
    added = {"endpoint_sg": endpoint_sg}
    added["s3"] = b.gateway_endpoint(vpc, "s3", route_tables=[ids["private_rt"]])
    b.tag(added["s3"], {**TAGS, "Name": f"{NAME}-s3"})
    for service in INTERFACE_SERVICES:
        added[service] = b.interface_endpoint(vpc, service, subnets=[ids[f"node_subnet{k}"] for k in (1, 2, 3)],
                                              groups=[endpoint_sg])
        b.tag(added[service], {**TAGS, "Name": f"{NAME}-{service}"})
    return added
