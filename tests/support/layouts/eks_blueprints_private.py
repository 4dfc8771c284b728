"""EKS Blueprints for Terraform, pattern ``fully-private-cluster`` (us-west-2).

https://github.com/aws-ia/terraform-aws-eks-blueprints/blob/98d0eb4069e787210848eeefcb2b9ba8e52706e7/patterns/fully-private-cluster/main.tf
(the repository's head, 2026-04-08; the pattern's ``main.tf`` last changed in c423360, 2025-06-19),
with its ``README.md``, ``versions.tf`` and the repository's ``docs/getting-started.md``. The
pattern pins ``terraform-aws-modules/vpc/aws`` ``~> 5.0``, its ``modules/vpc-endpoints`` ``~> 5.1``
and ``terraform-aws-modules/eks/aws`` ``~> 20.11``; ``terraform init`` takes the newest release of
each range, so every default below is read at those tags:

- terraform-aws-vpc v5.21.0 (7c1f791efd61f326ed6102d564d1a65d1eceedf0): ``main.tf``,
  ``variables.tf``, ``modules/vpc-endpoints/main.tf`` and ``variables.tf`` (the submodule's
  defaults are the same at v6.6.0 but for the ``region`` argument v6 adds);
- terraform-aws-eks v20.37.2 (8a0efdbbc84180a26e0bacfd2b6fcfceac53b3b6): ``main.tf``,
  ``node_groups.tf``, ``variables.tf``, ``modules/eks-managed-node-group/main.tf``.

``local.name`` is ``basename(path.cwd)``, ``fully-private-cluster``; every resource carries
``local.tags`` (``Blueprint``, ``GithubRepo``). What the network audit sees:

- VPC 10.0.0.0/16 (``local.vpc_cidr``), DNS support and hostnames on (the module's defaults).
  ``azs`` is the first three of the Region's AZs not needing opt-in (``us-west-2a``-``c``);
  ``private_subnets`` is ``cidrsubnet("10.0.0.0/16", 4, k)`` for k = 0, 1, 2: 10.0.0.0/20,
  10.0.16.0/20, 10.0.32.0/20, named ``<name>-private-<az>``, tagged
  ``kubernetes.io/role/internal-elb = 1``. No public subnet, so no internet gateway
  (``create_igw`` needs public subnets); ``enable_nat_gateway = false``. ``nat_gateway_count`` is
  ``max_subnet_length`` (3: neither ``single_nat_gateway`` nor ``one_nat_gateway_per_az``), so
  three private route tables, one per subnet, named ``<name>-private-<az>``, local route only.
  The module manages the main route table (no routes), the default group (no rules) and the
  default NACL (100 allow all IPv4, 101 allow all IPv6; AWS's IPv4 ``*`` entry only, the VPC
  having no IPv6 block), which every subnet keeps. No flow log (``enable_flow_log`` false).
- ``manage_default_vpc = true``: ``aws_default_vpc`` adopts the Region's default VPC (and creates
  one where none exists), sets its DNS support and hostnames on (``default_vpc_enable_dns_*``
  default true) and tags it ``Name = default`` plus ``local.tags``; nothing else of it changes.
  Built as AWS creates a default VPC: 172.31.0.0/16, a default /20 subnet in each of the Region's
  four AZs (``MapPublicIpOnLaunch``), an internet gateway, the main route table sending 0.0.0.0/0
  to it, AWS's default group and NACL. Which /20 AWS gives which AZ varies; assumed in AZ order.
- ``vpc_endpoints``: a security group (``name_prefix`` ``<name>-vpc-endpoints-``, description
  "VPC endpoint security group", Name tag the prefix) with one rule, ``ingress_https``: the
  submodule's defaults TCP 443, from ``module.vpc.vpc_cidr_block`` (10.0.0.0/16), "HTTPS from
  VPC"; no egress rule (``aws_security_group`` removes the one AWS adds, and the pattern declares
  none). The S3 gateway endpoint on ``module.vpc.private_route_table_ids`` (the three tables);
  interface endpoints for autoscaling, ecr.api, ecr.dkr, ec2, ec2messages, elasticloadbalancing,
  sts, kms, logs, ssm and ssmmessages in the three private subnets, that group,
  ``private_dns_enabled = true``; no ``policy`` (AWS's default full access), no
  ``ip_address_type`` or ``dns_options`` (AWS's defaults for IPv4 subnets: ``ipv4``). Name tag
  ``<name>-<service>`` (the pattern's ``tags`` override the submodule's ``replace(key, ".", "-")``).
- ``eks``: ``cluster_endpoint_private_access`` true and ``cluster_endpoint_public_access`` false
  (the module's defaults), control plane ENIs in ``module.vpc.private_subnets``. Three groups:

  - EKS's own cluster security group, ``eks-cluster-sg-<name>-<id>`` (sec-group-reqs: inbound all
    traffic from itself, outbound all traffic to 0.0.0.0/0; tags ``kubernetes.io/cluster/<name>``,
    ``aws:eks:cluster-name``, Name, and ``local.tags`` through the module's
    ``aws_ec2_tag.cluster_primary_security_group``);
  - the module's cluster group (``name_prefix`` ``<name>-cluster-``, "EKS cluster security
    group"): ``ingress_nodes_443``, TCP 443 from the node group, "Node groups to cluster API"; no
    egress rule;
  - the module's node group (``name_prefix`` ``<name>-node-``, "EKS node shared security group"):
    TCP 443, 10250, 4443, 6443, 8443, 9443 from the cluster group, TCP and UDP 53 and TCP
    1025-65535 from itself, all traffic out to 0.0.0.0/0 (``node_security_group_rules`` and the
    recommended rules, ``node_security_group_enable_recommended_rules`` defaulting to true).

  The control plane's cross-account ENIs carry EKS's cluster group and the module's cluster group
  (``vpc_config.security_group_ids``): "Amazon EKS also associates the security groups that you
  specify to the network interfaces that it creates for your cluster" (EKS User Guide,
  sec-group-reqs, "2–4 elastic network interfaces"); two here, in the first two private subnets.
  The EKS User Guide (network-reqs, at awsdocs/amazon-eks-user-guide
  101184ecc138f7f661b484f2cabac7022b726a6b) says "Each Amazon EKS created network interface has
  the text ``Amazon EKS cluster-name`` in its description" and calls them "requester-managed
  network interfaces"; the one DescribeNetworkInterfaces output published for them,
  https://github.com/liwenwu-amazon/reinvent2018-NET410/blob/04bb5cbe2be5746093f29dea10e3001ea5334494/eks-cni-demo/README.md
  (AWS's re:Invent 2018 NET410 workshop), shows InterfaceType ``interface``, Description ``Amazon
  EKS <cluster>``, RequesterManaged **false**, RequesterId the cluster role's id with session
  ``AmazonEKS``, attached to an instance of an EKS-owned account. The layout takes the API output,
  assumed unchanged since; ``control_plane_requester_managed=True`` builds the guide's wording
  instead. Either way the network model counts these ENIs as workloads (its exceptions for
  requester-managed interfaces name EFS mount targets and load balancers only).
- The managed node group ``initial`` (``desired_size = 3``, m5.large) in the three private
  subnets, one node per AZ (the README's ``kubectl get nodes`` shows 10.0.9.147, 10.0.19.90,
  10.0.44.110). The module's launch template sets ``vpc_security_group_ids`` to the node group
  alone (``attach_cluster_primary_security_group`` defaults to false), and "If you specify custom
  security groups in the launch template ... Amazon EKS doesn't add the cluster security group"
  (EKS User Guide, launch-templates). Per node: its primary ENI (``interface``, not
  requester-managed, empty description) and the secondary ENI the VPC CNI attaches
  (Description ``aws-K8S-<instance id>``, the primary ENI's groups, tags ``eks:eni:owner``,
  ``node.k8s.amazonaws.com/instance_id``, ``cluster.k8s.amazonaws.com/name``).

Variants: ``nodes=0`` is the moment between the cluster and its node group (the module creates
the node group once the cluster is active, after ``dataplane_wait_duration``;
``module.vpc_endpoints`` depends only on ``module.vpc``, so a plain ``terraform apply`` creates it
while the cluster is being created); ``cluster=False`` the network alone;
``endpoints=False`` the state after the repository's getting-started steps ``terraform apply
-target="module.vpc"`` and ``-target="module.eks"``, before the final ``terraform apply`` creates
``module.vpc_endpoints`` (``module.eks`` does not depend on it). Near misses: ``leave_out``
(services dropped from the pattern's list), ``private_dns=False`` (the endpoints' map without
``private_dns_enabled = true``: ``aws_vpc_endpoint`` then leaves private DNS off), and
``endpoint_source="node_sg"`` (the endpoint group admitting 443 from ``module.eks.node_security_group_id``
instead of the VPC CIDR, the alternative the EKS private-clusters page gives). Hardened:
``restrict_control_plane_egress`` (the cluster security group without its outbound rule, as the EKS
User Guide allows).

Left out (no rule reads them): the EKS cluster itself, its KMS key and log group, IAM roles, the
launch template and Auto Scaling group, Terraform's timestamp suffixes (replaced by fixed ones).
"""

from __future__ import annotations

import ipaddress
import itertools
from collections.abc import Iterable
from dataclasses import replace

from aws_layout import AwsRegionBuilder
from builders import Rule

from layouts.tf_vpc_module import module_defaults
from vpcaudit.snapshot import resources as r
from vpcaudit.snapshot.model import Snapshot

ACCOUNT = "111122223333"
REGION = "us-west-2"
NAME = "fully-private-cluster"
TAGS = {"Blueprint": NAME, "GithubRepo": "github.com/aws-ia/terraform-aws-eks-blueprints"}
# This account's AZ IDs of us-west-2a-d (the pattern takes the first three; the default VPC has all four).
AZ_IDS = ("usw2-az2", "usw2-az1", "usw2-az3", "usw2-az4")
VPC_CIDR = "10.0.0.0/16"
# for service in toset([...]): the pattern's interface endpoints, in its order.
INTERFACE_SERVICES = ("autoscaling", "ecr.api", "ecr.dkr", "ec2", "ec2messages", "elasticloadbalancing", "sts",
                      "kms", "logs", "ssm", "ssmmessages")
TF_SUFFIX = "20250101000000000000000001"  # the unique suffix Terraform appends to a name_prefix
EKS_ROLE_ID = "AROAZQ3DPKG5EXAMPLE01"  # the cluster IAM role's unique id (RequesterId "<id>:AmazonEKS")
ANY4, ANY6 = "0.0.0.0/0", "::/0"
# default_network_acl_ingress / _egress (100 IPv4, 101 IPv6), then AWS's IPv4 '*' deny (no IPv6 block).
DEFAULT_ENTRIES = tuple(
    r.NaclEntry(number, egress, "-1", action, cidr if ":" not in cidr else None, cidr if ":" in cidr else None,
                None, None)
    for egress in (False, True)
    for number, action, cidr in ((100, "allow", ANY4), (101, "allow", ANY6), (32767, "deny", ANY4)))


def cidrsubnet(prefix: str, newbits: int, netnum: int) -> str:
    """Terraform's ``cidrsubnet``: the ``netnum``-th block of ``newbits`` more bits within ``prefix``."""
    network = ipaddress.ip_network(prefix)
    return str(next(itertools.islice(network.subnets(prefixlen_diff=newbits), netnum, None)))


def private_subnet_cidrs() -> list[str]:
    """``[for k, v in local.azs : cidrsubnet(local.vpc_cidr, 4, k)]`` over the three AZs."""
    return [cidrsubnet(VPC_CIDR, 4, k) for k in range(3)]


def build(*, cluster: bool = True, nodes: int = 3, endpoints: bool = True, leave_out: Iterable[str] = (),
          private_dns: bool = True, endpoint_source: str = "vpc", control_plane_requester_managed: bool = False,
          restrict_control_plane_egress: bool = False) -> tuple[Snapshot, dict[str, str]]:
    """``nodes``: running nodes of the ``initial`` node group (3: ``desired_size``; 0: none yet);
    ``endpoint_source``: ``"vpc"`` (the pattern) or ``"node_sg"`` (the module's node group);
    ``control_plane_requester_managed``: RequesterManaged of the cross-account ENIs (false as the
    NET410 workshop shows them; true to show that the findings do not depend on it);
    ``restrict_control_plane_egress``: the cluster security group without its outbound rule (see
    ``_cluster``)."""
    b = AwsRegionBuilder(ACCOUNT, REGION, AZ_IDS)
    ids = network(b)
    vpc = ids["vpc"]
    if cluster:
        ids |= _cluster(b, vpc, ids, nodes, control_plane_requester_managed, restrict_control_plane_egress)
    if endpoints:
        ids |= _endpoints(b, vpc, ids, leave_out=set(leave_out), private_dns=private_dns,
                          endpoint_source=endpoint_source)
    return b.snapshot(), ids


def network(b: AwsRegionBuilder) -> dict[str, str]:
    """The pattern's network, which the layouts built on it share: the ec2 and sts endpoint
    services, the Region's default VPC, and the cluster's VPC (``ids["vpc"]``) with the VPC
    module's defaults and three private subnets, each on a local-only table of its own."""
    for key in ("ec2", "sts"):
        # DescribeVpcEndpointServices: not offered in usw2-az4 (as in eksctl's test data for us-west-2).
        b.service(key, azs=(1, 2, 3))
    ids = _default_vpc(b)
    vpc = ids["vpc"] = b.vpc(VPC_CIDR, name=NAME, dns_support=True, dns_hostnames=True)
    b.tag(vpc, TAGS)
    main_rt, default_sg, default_acl = module_defaults(b, vpc, DEFAULT_ENTRIES)
    for resource in (main_rt, default_sg, default_acl):
        b.tag(resource, {"Name": f"{NAME}-default", **TAGS})
    ids |= {"main_rt": main_rt, "default_sg": default_sg, "default_acl": default_acl}
    for k, cidr in enumerate(private_subnet_cidrs()):
        az = f"{REGION}{'abc'[k]}"
        subnet = ids[f"private{k + 1}"] = b.subnet(vpc, cidr, az=k + 1, name=f"{NAME}-private-{az}")
        b.tag(subnet, {**TAGS, "kubernetes.io/role/internal-elb": "1"})
        table = ids[f"private{k + 1}_rt"] = b.route_table(vpc, subnets=[subnet], name=f"{NAME}-private-{az}")
        b.tag(table, TAGS)
    return ids


def _default_vpc(b: AwsRegionBuilder) -> dict[str, str]:
    """The Region's default VPC as AWS creates it, tagged by ``aws_default_vpc``."""
    vpc = b.vpc("172.31.0.0/16", is_default=True, dns_support=True, dns_hostnames=True)
    b.tag(vpc, {"Name": "default", **TAGS})
    igw = b.igw(vpc)
    b.route(b.main_route_table(vpc), ANY4, igw)
    subnets = {}
    for az in range(1, 5):
        subnet = b.subnet(vpc, f"172.31.{16 * (az - 1)}.0/20", az=az)
        # Subnet.DefaultForAz and MapPublicIpOnLaunch true (botocore's ec2 model); the snapshot keeps the latter.
        b.subnets[subnet] = replace(b.subnets[subnet], map_public_ip_on_launch=True)
        subnets[f"default_subnet{az}"] = subnet
    return {"default_vpc": vpc, "default_igw": igw, **subnets}


def terraform_group(b: AwsRegionBuilder, vpc: str, name: str, description: str, tags: dict[str, str]) -> str:
    """An ``aws_security_group``: no rule of its own (Terraform revokes AWS's default egress rule)."""
    group = b.security_group(vpc, name=name, egress=[])
    b.groups[group] = replace(b.groups[group], description=description)
    b.tag(group, tags)
    return group


def _group(b: AwsRegionBuilder, vpc: str, name: str, description: str, tags: dict[str, str]) -> str:
    return terraform_group(b, vpc, name, description, {**TAGS, **tags})


def _rules(b: AwsRegionBuilder, group: str, rules: list[tuple[bool, str, int | None, int | None, str, str]]) -> None:
    """``aws_security_group_rule`` resources: (egress, protocol, from, to, source, description)."""
    for egress, protocol, low, high, source, description in rules:
        spec = (protocol, low, high, source)
        b.authorize(group, ingress=[] if egress else [spec], egress=[spec] if egress else [])
        last = b.groups[group].rules[-1]
        b.groups[group] = replace(b.groups[group], rules=(*b.groups[group].rules[:-1],
                                                          replace(last, description=description)))


def eks_module_groups(b: AwsRegionBuilder, vpc: str, *, name: str, tf_suffix: str, tags: dict[str, str],
                      eks_egress: list[Rule], node_egress: tuple[str, ...]) -> dict[str, str]:
    """The three groups of a terraform-aws-eks cluster: EKS's own cluster group (all traffic from
    itself, ``eks_egress`` out) and the module's cluster and node groups with the module's default
    rules (v19 to v21 alike), the node group sending everything to each of ``node_egress``."""
    eks_name = f"eks-cluster-sg-{name}-1234567890"
    eks_sg = b.security_group(vpc, name=eks_name, ingress=[("-1", None, None, "self")], egress=eks_egress)
    b.groups[eks_sg] = replace(b.groups[eks_sg], description=(
        "EKS created security group applied to ENI that is attached to EKS Control Plane master nodes, as well as "
        "any managed workloads."))
    b.tag(eks_sg, {"Name": eks_name, f"kubernetes.io/cluster/{name}": "owned", "aws:eks:cluster-name": name, **tags})
    cluster_sg = terraform_group(b, vpc, f"{name}-cluster-{tf_suffix}", "EKS cluster security group",
                                 {**tags, "Name": f"{name}-cluster"})
    node_sg = terraform_group(b, vpc, f"{name}-node-{tf_suffix}", "EKS node shared security group",
                              {**tags, "Name": f"{name}-node", f"kubernetes.io/cluster/{name}": "owned"})
    _rules(b, cluster_sg, [(False, "tcp", 443, 443, node_sg, "Node groups to cluster API")])
    _rules(b, node_sg, [
        (False, "tcp", 443, 443, cluster_sg, "Cluster API to node groups"),
        (False, "tcp", 10250, 10250, cluster_sg, "Cluster API to node kubelets"),
        (False, "tcp", 53, 53, "self", "Node to node CoreDNS"),
        (False, "udp", 53, 53, "self", "Node to node CoreDNS UDP"),
        (False, "tcp", 1025, 65535, "self", "Node to node ingress on ephemeral ports"),
        (False, "tcp", 4443, 4443, cluster_sg, "Cluster API to node 4443/tcp webhook"),
        (False, "tcp", 6443, 6443, cluster_sg, "Cluster API to node 6443/tcp webhook"),
        (False, "tcp", 8443, 8443, cluster_sg, "Cluster API to node 8443/tcp webhook"),
        (False, "tcp", 9443, 9443, cluster_sg, "Cluster API to node 9443/tcp webhook"),
        *((True, "-1", None, None, cidr, "Allow all egress") for cidr in node_egress),
    ])
    return {"eks_sg": eks_sg, "cluster_sg": cluster_sg, "node_sg": node_sg}


def _cluster(b: AwsRegionBuilder, vpc: str, ids: dict[str, str], nodes: int, control_plane_requester_managed: bool,
             restrict_control_plane_egress: bool) -> dict[str, str]:
    """The EKS cluster's three groups, its cross-account ENIs and the node group's nodes.

    ``restrict_control_plane_egress``: the hardening the EKS User Guide allows (sec-group-reqs, "If
    your cluster doesn't need the outbound rule, you can remove it ... you must still have the minimum
    rules"): EKS's cluster group keeps only the minimum outbound rules, TCP 443, TCP 10250 and TCP and
    UDP 53 to the cluster security group; since this pattern's nodes are in the node group, not in
    that group, the module's ``cluster_security_group_additional_rules`` give the module's cluster
    group egress to the node group on each port the node group admits from it."""
    egress = ([(protocol, low, low, "self") for protocol, low in (("tcp", 443), ("tcp", 10250), ("tcp", 53),
                                                                  ("udp", 53))]
              if restrict_control_plane_egress else [("-1", None, None, ANY4)])
    added = eks_module_groups(b, vpc, name=NAME, tf_suffix=TF_SUFFIX, tags=TAGS, eks_egress=egress, node_egress=(ANY4,))
    cluster_sg, node_sg = added["cluster_sg"], added["node_sg"]
    if restrict_control_plane_egress:
        _rules(b, cluster_sg, [(True, "tcp", port, port, node_sg, f"Cluster API to node groups on {port}")
                               for port in (443, 10250, 4443, 6443, 8443, 9443)])
    eks_sg = added["eks_sg"]
    for n in (1, 2):
        # DescribeNetworkInterfaces (botocore's ec2 model, NetworkInterface), as the NET410 workshop shows it:
        # InterfaceType "interface", RequesterManaged false, RequesterId "<role id>:AmazonEKS".
        added[f"control_plane{n}"] = b.workload(ids[f"private{n}"], groups=[eks_sg, cluster_sg],
                                                requester_managed=control_plane_requester_managed,
                                                description=f"Amazon EKS {NAME}",
                                                requester_id=f"{EKS_ROLE_ID}:AmazonEKS")
    for n in range(1, nodes + 1):
        subnet = ids[f"private{(n - 1) % 3 + 1}"]
        instance = f"i-0{n}3f5a7c9e1b2d4f6"  # 17 hex digits
        # The node's primary ENI (created with the instance: not requester-managed, no description) ...
        added[f"node{n}"] = b.workload(subnet, groups=[node_sg])
        b.enis[added[f"node{n}"]] = replace(b.enis[added[f"node{n}"]], instance_id=instance)
        # ... and the VPC CNI's secondary ENI (ipamd: "aws-K8S-" + instance id, the primary ENI's groups).
        added[f"node{n}_cni"] = b.workload(subnet, groups=[node_sg], description=f"aws-K8S-{instance}")
        b.enis[added[f"node{n}_cni"]] = replace(b.enis[added[f"node{n}_cni"]], instance_id=instance)
        b.tag(added[f"node{n}_cni"], {"eks:eni:owner": "amazon-vpc-cni", "node.k8s.amazonaws.com/instance_id": instance,
                                      "cluster.k8s.amazonaws.com/name": NAME})
    return added


def _endpoints(b: AwsRegionBuilder, vpc: str, ids: dict[str, str], *, leave_out: set[str], private_dns: bool,
               endpoint_source: str) -> dict[str, str]:
    """``module.vpc_endpoints``: its group, the S3 gateway endpoint and the interface endpoints."""
    endpoint_sg = _group(b, vpc, f"{NAME}-vpc-endpoints-{TF_SUFFIX}", "VPC endpoint security group",
                         {"Name": f"{NAME}-vpc-endpoints-"})
    source = VPC_CIDR if endpoint_source == "vpc" else ids["node_sg"]  # module.eks.node_security_group_id
    description = "HTTPS from VPC" if endpoint_source == "vpc" else "HTTPS from nodes"
    _rules(b, endpoint_sg, [(False, "tcp", 443, 443, source, description)])
    added = {"endpoint_sg": endpoint_sg}
    if "s3" not in leave_out:
        added["s3"] = b.gateway_endpoint(vpc, "s3", route_tables=[ids[f"private{k}_rt"] for k in (1, 2, 3)])
        b.tag(added["s3"], {**TAGS, "Name": f"{NAME}-s3"})
    subnets = [ids[f"private{k}"] for k in (1, 2, 3)]
    for service in INTERFACE_SERVICES:
        if service in leave_out:
            continue
        # DescribeVpcEndpoints (botocore's ec2 model, VpcEndpoint): PrivateDnsEnabled as given, IpAddressType
        # and DnsOptions.DnsRecordIpType "ipv4", PolicyDocument AWS's default full access.
        added[service] = b.interface_endpoint(vpc, service, subnets=subnets, groups=[endpoint_sg],
                                              private_dns=private_dns)
        b.tag(added[service], {**TAGS, "Name": f"{NAME}-{service}"})
    return added
