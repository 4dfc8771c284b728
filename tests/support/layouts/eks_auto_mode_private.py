"""An Amazon EKS Auto Mode cluster in private subnets without internet access (us-west-2).

The template: terraform-aws-modules/terraform-aws-eks v21.19.0, ``examples/eks-auto-mode``
(https://github.com/terraform-aws-modules/terraform-aws-eks/blob/bef29c4d9523523e57fe898643fde2895106b339/examples/eks-auto-mode/main.tf;
the tag's commit, 2026-04-27; the example's ``main.tf`` last changed in 990050b, 2026-01-13), with the
module's ``main.tf``, ``node_groups.tf`` and ``variables.tf`` at that commit, and its ``vpc`` from
terraform-aws-modules/terraform-aws-vpc ``~> 6.0`` (v6.6.0, 82d1929e669efef4e2ad00611b8a68e7a56e049c,
read as ``eks_blueprints_private`` and ``batch_fargate_private`` read it). Adapted to the EKS User
Guide's "Deploy private clusters with limited internet access"
(https://docs.aws.amazon.com/eks/latest/userguide/private-clusters.html; source
``latest/ug/clusters/private-clusters.adoc`` at awsdocs/amazon-eks-user-guide
101184ecc138f7f661b484f2cabac7022b726a6b). Read with, current pages read 2026-12-06:

- "Learn about VPC Networking and Load Balancing in EKS Auto Mode"
  (https://docs.aws.amazon.com/eks/latest/userguide/auto-networking.html): Auto Mode gives the node's
  primary network interface /28 IPv4 prefixes and, only when needed, a secondary interface in the
  node's subnet "with the same security groups as the primary interface"; pod and node addresses
  come from the same block; security groups per Pod and custom networking unsupported; nodes whose
  groups are not named ``eks-cluster-sg-*`` need more cluster-role permissions for load balancers
  (from which, assumed: the built-in ``default`` NodeClass gives its nodes EKS's cluster security
  group and nothing else);
- "Learn about Amazon EKS Auto Mode Managed instances" (automode-learn-instances.html): the nodes
  are EC2 managed instances "owned by EKS", visible in the account's EC2 console; "Amazon EKS Auto
  Mode node IAM role" (auto-create-node-role.html) and "Learn about identity and access in EKS Auto
  Mode" (auto-learn-iam.html): the node role carries ``AmazonEKSWorkerNodeMinimalPolicy``
  (``eks-auth:AssumeRoleForPodIdentity`` only) and ``AmazonEC2ContainerRegistryPullOnly`` — "The key
  permissions include assuming a Pod Identity Role, and pulling images from ECR"; "Amazon EKS Auto
  Mode" (automode.html): "You do not have to install the EKS Pod Identity Agent" — it is built in;
- the "Security Overview of Amazon EKS Auto Mode" whitepaper
  (https://docs.aws.amazon.com/whitepapers/latest/security-overview-amazon-eks-auto-mode/, first
  published 2025-09-18), "Amazon EKS control plane" and "EKS Auto Mode data plane": the components
  that scale compute and manage network interfaces and EBS volumes run "outside of the cluster",
  on AWS infrastructure; "ENI management is performed by a networking capability that is managed
  by AWS and hosted on AWS infrastructure";
- the AWS managed policies ``AmazonEKSComputePolicy`` (``ec2:CreateFleet``/``ec2:RunInstances``
  only with the request tags ``eks:eks-cluster-name``, ``eks:kubernetes-node-class-name`` and
  ``eks:kubernetes-node-pool-name``) and ``AmazonEKSNetworkingPolicy``
  (``ec2:CreateNetworkInterface`` only with the request tags ``eks:eks-cluster-name`` and
  ``eks:kubernetes-cni-node-name``) (AWS Managed Policy Reference, same date).

What was changed in the example, and why:

1. ``endpoint_public_access = true`` removed from ``module "eks"``: the module's defaults
   (``endpoint_private_access = true``, ``endpoint_public_access = false``) are what the guide
   requires ("endpoint private access enabled ... required for nodes to register").
2. ``public_subnets``, ``intra_subnets``, ``enable_nat_gateway = true`` and ``single_nat_gateway =
   true`` removed from ``module "vpc"``: no outbound internet access. Without ``single_nat_gateway``
   the module's private table count is ``max_subnet_length``, one table per private subnet, as in
   EKS Blueprints' ``fully-private-cluster``. Nothing in the example uses the intra subnets
   (neither cluster sets ``control_plane_subnet_ids``).
3. ``module "eks_auto_custom_node_pools"`` (a second cluster with no node pool) and ``module
   "disabled_eks"`` (``create = false``) removed: one cluster is the layout.
4. Added, as EKS Blueprints' ``fully-private-cluster`` adds it: ``module "vpc_endpoints"``
   (terraform-aws-vpc ``//modules/vpc-endpoints`` ``~> 6.0``) with a security group
   (``<name>-vpc-endpoints-`` prefix, "VPC endpoint security group", no egress rule) whose one rule,
   ``ingress_https``, is the submodule's default TCP 443 from
   ``module.eks.cluster_primary_security_group_id`` — EKS's cluster security group, which the Auto
   Mode nodes carry (the guide: "add the created node security group to the VPC interface endpoint
   security group"); the S3 gateway endpoint on ``module.vpc.private_route_table_ids``; interface
   endpoints for the guide's table as the nodes and workloads here use it — ec2, ecr.api, ecr.dkr,
   sts, eks, eks-auth, logs, elasticloadbalancing — in the three private subnets,
   ``private_dns_enabled = true``, no ``policy``.
5. ``deployment.yaml``'s image ``public.ecr.aws/eks-distro/kubernetes/pause:3.10`` copied into the
   account's private ECR and the Deployment pointed at it ("Your cluster must pull images from a
   container registry that's in your VPC"); ECR Public has no VPC endpoint. Not in the snapshot.

Built: VPC 10.0.0.0/16 ``ex-eks-auto-mode``, DNS support and hostnames on; private subnets
10.0.0.0/20, 10.0.16.0/20, 10.0.32.0/20 in us-west-2a-c (``cidrsubnet(vpc_cidr, 4, k)``, tagged
``kubernetes.io/role/internal-elb = 1``), each on its own table ``ex-eks-auto-mode-private-<az>``
with the local route and the S3 prefix-list route; the module's main table, rule-less default group
and allow-all default NACL (no IPv6 block); no internet gateway, no NAT gateway, no flow log.
The EKS module's three groups (``eks_blueprints_private.eks_module_groups``, plus v21's
``ingress_cluster_10251_webhook`` rule on the node group): EKS's cluster group
``eks-cluster-sg-ex-eks-auto-mode-…`` (all traffic from itself, all out), the module's cluster group
(443 from the node group) and node group (``create_node_security_group`` defaults to true even in
Auto Mode; no Auto Mode node carries it).

DescribeNetworkInterfaces (botocore's ec2 model, ``NetworkInterface``), per kind:

- the control plane's two cross-account interfaces, in the first two private subnets, exactly as
  ``eks_blueprints_private`` models them (InterfaceType ``interface``, Description ``Amazon EKS
  ex-eks-auto-mode``, RequesterManaged false, RequesterId ``<cluster role id>:AmazonEKS``, EKS's
  cluster group and the module's cluster group, attached to no instance of the account);
- each Auto Mode node's primary interface (assumed; AWS publishes no output for it): InterfaceType
  ``interface``, RequesterManaged false (the instance is the account's, launched by EKS's
  CreateFleet call), no RequesterId, empty Description (as for any interface RunInstances creates
  with the instance), Attachment ``InstanceId`` the node's instance with DeviceIndex 0, EKS's
  cluster group only (the ``default`` NodeClass), tags ``eks:eks-cluster-name``,
  ``eks:kubernetes-node-pool-name = general-purpose`` and ``eks:kubernetes-node-class-name =
  default`` (the request tags AmazonEKSComputePolicy requires; that the launch tags the interface as
  well as the instance is assumed — ``tagged_nodes=False`` builds them untagged, with the same
  findings). ``Operator`` (``OperatorResponse``: Managed true, Principal assumed
  ``eks.amazonaws.com``) marks an EC2 managed instance's resources; the snapshot does not keep it.
  One node per AZ (the ``inflate`` Deployment's three replicas each request one vCPU; where Auto
  Mode places them is assumed). No secondary interface: three pods fit the primary interface's
  prefixes (the page above).
- The Pod Identity agent, CoreDNS, kube-proxy and the node's networking run on the node (host
  network) or on AWS infrastructure: no interface of their own.

Variants: ``nodes=0`` is the cluster before ``kubectl apply -f deployment.yaml`` — Auto Mode launches
no node of the ``general-purpose`` pool until a pod is pending. Near misses: ``leave_out`` (interface
endpoints dropped from the list: ``eks-auth``, ``ecr.dkr``), ``s3_tables`` (the private tables the
S3 gateway endpoint is associated with, e.g. the first two only), ``endpoint_source="node_sg"`` (the
endpoint group admitting 443 from ``module.eks.node_security_group_id``, as the Blueprints layout's
near miss does, which Auto Mode nodes do not carry).

Left out (no rule reads them): the cluster itself, its IAM roles, KMS key and log group, access
entries, NodePools and NodeClasses, the instances' EBS volumes and launch templates.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from aws_layout import AwsRegionBuilder

from layouts import eks_blueprints_private as blueprints
from layouts.tf_vpc_module import module_defaults
from vpcaudit.snapshot.model import Snapshot

ACCOUNT = "111122223333"
REGION = "us-west-2"
NAME = "ex-eks-auto-mode"  # "ex-${basename(path.cwd)}"
TAGS = {"Test": NAME, "GithubRepo": "terraform-aws-eks", "GithubOrg": "terraform-aws-modules"}
AZ_IDS = ("usw2-az2", "usw2-az1", "usw2-az3")  # this account's us-west-2a-c (assumed)
VPC_CIDR = "10.0.0.0/16"
INTERFACE_SERVICES = ("ec2", "ecr.api", "ecr.dkr", "sts", "eks", "eks-auth", "logs", "elasticloadbalancing")
EKS_AUTH_DNS = f"eks-auth.{REGION}.api.aws"  # AWS General Reference, "Amazon EKS endpoints and quotas"
TF_SUFFIX = "20260427000000000000000001"  # the unique suffix Terraform appends to a name_prefix
EKS_ROLE_ID = "AROAZQ3DPKG5EXAMPLE02"  # the cluster IAM role's unique id (RequesterId "<id>:AmazonEKS")
NODE_TAGS = {"eks:eks-cluster-name": NAME, "eks:kubernetes-node-pool-name": "general-purpose",
             "eks:kubernetes-node-class-name": "default"}


def build(*, nodes: int = 3, leave_out: Iterable[str] = (), s3_tables: Iterable[int] = (1, 2, 3),
          endpoint_source: str = "cluster_sg", tagged_nodes: bool = True) -> tuple[Snapshot, dict[str, str]]:
    """``nodes``: running Auto Mode nodes (3: the Deployment's pods, one per AZ; 0: none yet);
    ``leave_out``: interface endpoint services dropped; ``s3_tables``: which private tables (1-3)
    the S3 gateway endpoint is associated with; ``endpoint_source``: ``"cluster_sg"`` (EKS's cluster
    group, the layout) or ``"node_sg"`` (the module's node group); ``tagged_nodes``: the nodes'
    interfaces carry Auto Mode's launch tags (assumed, module docstring)."""
    b = AwsRegionBuilder(ACCOUNT, REGION, AZ_IDS)
    # DescribeVpcEndpointServices (assumed): every AZ; eks-auth answers the EKS Auth API's api.aws name.
    b.service("eks-auth", dns_names=[EKS_AUTH_DNS])
    ids = _network(b)
    vpc = ids["vpc"]
    ids |= _cluster(b, vpc, ids, nodes, tagged_nodes)
    ids |= _endpoints(b, vpc, ids, leave_out=set(leave_out), s3_tables=tuple(s3_tables),
                      endpoint_source=endpoint_source)
    return b.snapshot(), ids


def _network(b: AwsRegionBuilder) -> dict[str, str]:
    """``module "vpc"`` without the public and intra subnets and the NAT gateway: three private
    subnets, each on a local-only table of its own."""
    vpc = b.vpc(VPC_CIDR, name=NAME, dns_support=True, dns_hostnames=True)
    b.tag(vpc, TAGS)
    main_rt, default_sg, default_acl = module_defaults(b, vpc, blueprints.DEFAULT_ENTRIES)
    for resource in (main_rt, default_sg, default_acl):
        b.tag(resource, {"Name": f"{NAME}-default", **TAGS})
    ids = {"vpc": vpc, "main_rt": main_rt, "default_sg": default_sg, "default_acl": default_acl}
    for k in range(3):
        az = f"{REGION}{'abc'[k]}"
        subnet = ids[f"private{k + 1}"] = b.subnet(vpc, blueprints.cidrsubnet(VPC_CIDR, 4, k), az=k + 1,
                                                   name=f"{NAME}-private-{az}")
        b.tag(subnet, {**TAGS, "kubernetes.io/role/internal-elb": "1"})
        table = ids[f"private{k + 1}_rt"] = b.route_table(vpc, subnets=[subnet], name=f"{NAME}-private-{az}")
        b.tag(table, TAGS)
    return ids


def _cluster(b: AwsRegionBuilder, vpc: str, ids: dict[str, str], nodes: int, tagged_nodes: bool) -> dict[str, str]:
    """The module's three groups, the control plane's interfaces and the Auto Mode nodes'."""
    added = blueprints.eks_module_groups(b, vpc, name=NAME, tf_suffix=TF_SUFFIX, tags=TAGS,
                                         eks_egress=[("-1", None, None, blueprints.ANY4)],
                                         node_egress=(blueprints.ANY4,))
    # v21's recommended rules add the metrics-server port (node_groups.tf, ingress_cluster_10251_webhook).
    blueprints._rules(b, added["node_sg"], [(False, "tcp", 10251, 10251, added["cluster_sg"],
                                            "Cluster API to node 10251/tcp webhook")])
    eks_sg = added["eks_sg"]
    for n in (1, 2):
        # As eks_blueprints_private (the NET410 workshop's output): "interface", not requester-managed.
        added[f"control_plane{n}"] = b.workload(ids[f"private{n}"], groups=[eks_sg, added["cluster_sg"]],
                                                description=f"Amazon EKS {NAME}",
                                                requester_id=f"{EKS_ROLE_ID}:AmazonEKS")
    for n in range(1, nodes + 1):
        instance = f"i-0{n}a7c3e5f9b1d2468"  # 17 hex digits
        # The node's primary interface (assumed, module docstring): the default NodeClass's cluster group.
        eni = added[f"node{n}"] = b.workload(ids[f"private{(n - 1) % 3 + 1}"], groups=[eks_sg])
        b.enis[eni] = replace(b.enis[eni], instance_id=instance)
        if tagged_nodes:
            b.tag(eni, NODE_TAGS)
    return added


def _endpoints(b: AwsRegionBuilder, vpc: str, ids: dict[str, str], *, leave_out: set[str],
               s3_tables: tuple[int, ...], endpoint_source: str) -> dict[str, str]:
    """``module "vpc_endpoints"``: its group, the S3 gateway endpoint and the interface endpoints."""
    endpoint_sg = blueprints.terraform_group(b, vpc, f"{NAME}-vpc-endpoints-{TF_SUFFIX}",
                                             "VPC endpoint security group",
                                             {**TAGS, "Name": f"{NAME}-vpc-endpoints-"})
    source = ids["eks_sg"] if endpoint_source == "cluster_sg" else ids["node_sg"]
    blueprints._rules(b, endpoint_sg, [(False, "tcp", 443, 443, source, "HTTPS from the cluster's nodes")])
    added = {"endpoint_sg": endpoint_sg}
    added["s3"] = b.gateway_endpoint(vpc, "s3", route_tables=[ids[f"private{k}_rt"] for k in s3_tables])
    b.tag(added["s3"], {**TAGS, "Name": f"{NAME}-s3"})
    subnets = [ids[f"private{k}"] for k in (1, 2, 3)]
    for service in INTERFACE_SERVICES:
        if service in leave_out:
            continue
        # DescribeVpcEndpoints (VpcEndpoint): PrivateDnsEnabled true, IpAddressType and DnsRecordIpType
        # "ipv4", PolicyDocument AWS's default full access.
        added[service] = b.interface_endpoint(vpc, service, subnets=subnets, groups=[endpoint_sg], private_dns=True)
        b.tag(added[service], {**TAGS, "Name": f"{NAME}-{service}"})
    return added
