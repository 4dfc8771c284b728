"""An EKS cluster whose pods all run on AWS Fargate, in private subnets without internet access (us-west-2).

The cluster is EKS Blueprints for Terraform's ``fargate-serverless`` pattern,
https://github.com/aws-ia/terraform-aws-eks-blueprints/blob/98d0eb4069e787210848eeefcb2b9ba8e52706e7/patterns/fargate-serverless/main.tf
(the repository's head, 2026-04-08; ``main.tf`` last changed in e6c38b1, 2024-09-27): terraform-aws-eks
``~> 20.11`` with ``create_cluster_security_group = false`` and ``create_node_security_group = false``
("Fargate profiles use the cluster primary security group so these are not utilized"), no node group,
two Fargate profiles (``app_wildcard`` for ``app-*``, ``kube_system``) on ``module.vpc.private_subnets``,
CoreDNS with ``computeType = "Fargate"``, the AWS Load Balancer Controller and Fargate Fluent Bit logging
to CloudWatch. Its network is made private as the EKS User Guide asks of a cluster "that doesn't have
outbound internet access" (awsdocs/amazon-eks-user-guide 4d52b4d05e3478582e7d10a73cbd9ba9194dd5f7,
2024-12-18: ``latest/ug/clusters/private-clusters.adoc``, ``nodes/fargate.adoc``,
``nodes/fargate-getting-started.adoc``), the way the same repository's ``fully-private-cluster``
pattern does it (see :mod:`layouts.eks_blueprints_private`): no public subnets, no NAT gateway, endpoint
private access only, and ``terraform-aws-modules/vpc`` ``modules/vpc-endpoints`` with one group admitting
TCP 443 from the VPC CIDR. What the audit sees:

- VPC 10.0.0.0/16, DNS support and hostnames on ("DNS resolution and DNS hostnames must be enabled for
  your VPC", fargate.adoc); three private subnets ``cidrsubnet("10.0.0.0/16", 4, k)`` in us-west-2a-c,
  tagged ``kubernetes.io/role/internal-elb``, one route table each with the local route only (the
  pattern's ``public_subnets``, ``enable_nat_gateway`` and ``single_nat_gateway`` dropped: "Pods that
  run on Fargate are only supported on private subnets ... For clusters without outbound internet
  access, see private-clusters"). The module's main route table, default group and default NACL as in
  :mod:`layouts.eks_blueprints_private`; no flow log.
- Endpoints, from the private-clusters page's table for what these pods use: ``ecr.api``, ``ecr.dkr``
  and the S3 gateway endpoint ("for pulling container images": CoreDNS, kube-proxy and the controller
  come from EKS's ECR repositories, and the page asks the application images be copied to ECR too),
  ``sts`` ("required when using IAM roles for service accounts": the Load Balancer Controller's role),
  ``elasticloadbalancing`` and ``ec2`` (the controller manages load balancers and reads subnets and
  groups), ``logs`` (Fargate Fluent Bit's ``flb_log_cw``). Private DNS on, no policy, in the three
  subnets, the endpoints' group with one rule, TCP 443 from 10.0.0.0/16, and no egress rule.
- EKS's cluster security group ``eks-cluster-sg-<name>-<id>`` (inbound all from itself, outbound all),
  the only group of the control plane's two cross-account interfaces (``vpc_config.security_group_ids``
  is empty without the module's cluster group; "Amazon EKS <cluster>", RequesterId ``<role id>:AmazonEKS``,
  as in :mod:`layouts.eks_blueprints_private`), in the first two subnets.
- One interface per running pod: "Each Pod that runs on Fargate has its own isolation boundary. They
  don't share ... elastic network interface with another Pod" (fargate.adoc), and "Pods that are running
  on Fargate are automatically configured to use the cluster security group" (fargate-getting-started).
  Seven pods: CoreDNS's two replicas and the Load Balancer Controller's two (``kube-system``), the
  sample app's three (``app-2048``), spread over the three subnets. ASSUMED, because AWS documents none
  of it: DescribeNetworkInterfaces reports a Fargate pod's interface typed ``interface``,
  requester-managed (created by the ``AWSServiceRoleForAmazonEKSForFargate`` service-linked role, whose
  policy "create[s] and delete[s] elastic network interfaces"), attached (kubernetes/cloud-provider-aws
  ``pkg/providers/v1/variant/fargate`` finds a Fargate node's interface by ``attachment.status`` attached
  and its private address) to an instance of no instance id in this account, and with a description
  unknown here: ``pod_description`` (default empty) sets it. No rule reads RequesterId for these.

Variants: ``pods=0`` (the Fargate profiles exist, nothing scheduled yet); near misses ``leave_out``
(services dropped), ``endpoint_source="cluster_sg"`` (the endpoints' group admitting 443 from the
cluster security group, which every Fargate pod carries, instead of the VPC CIDR) and, with it,
``app_pod_group=True`` (security groups for pods: a ``SecurityGroupPolicy`` gives the ``app-2048``
pods a group of their own without the cluster security group; "Can assign different VPC security
groups to individual Pods: Yes" for Fargate, fargate.adoc).

Left out (no rule reads them): the cluster, its IAM roles and OIDC provider, the Fargate profiles
themselves, the load balancers the controller would create (the sample Service is a NodePort).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from aws_layout import AwsRegionBuilder

from layouts.eks_blueprints_private import DEFAULT_ENTRIES, cidrsubnet, terraform_group
from layouts.tf_vpc_module import module_defaults
from vpcaudit.snapshot.model import Snapshot

ACCOUNT = "111122223333"
REGION = "us-west-2"
NAME = "fargate-serverless"
TAGS = {"Blueprint": NAME, "GithubRepo": "github.com/aws-ia/terraform-aws-eks-blueprints"}
AZ_IDS = ("usw2-az2", "usw2-az1", "usw2-az3")
VPC_CIDR = "10.0.0.0/16"
INTERFACE_SERVICES = ("ecr.api", "ecr.dkr", "ec2", "elasticloadbalancing", "sts", "logs")
TF_SUFFIX = "20250101000000000000000001"
EKS_ROLE_ID = "AROAZQ3DPKG5EXAMPLE02"
# The pods Fargate runs, as (key, namespace): kube_system's profile, then app_wildcard's.
PODS = (("coredns1", "kube-system"), ("coredns2", "kube-system"), ("lbc1", "kube-system"), ("lbc2", "kube-system"),
        ("app1", "app-2048"), ("app2", "app-2048"), ("app3", "app-2048"))


def build(*, pods: bool = True, leave_out: Iterable[str] = (), endpoint_source: str = "vpc",
          app_pod_group: bool = False, pod_description: str = "") -> tuple[Snapshot, dict[str, str]]:
    """``endpoint_source``: ``"vpc"`` (the CIDR, as the pattern's module does) or ``"cluster_sg"``;
    ``app_pod_group``: the app pods in a group of their own (security groups for pods);
    ``pod_description``: the Description of a Fargate pod's interface (undocumented)."""
    b = AwsRegionBuilder(ACCOUNT, REGION, AZ_IDS)
    vpc = b.vpc(VPC_CIDR, name=NAME, dns_support=True, dns_hostnames=True)
    b.tag(vpc, TAGS)
    main_rt, default_sg, default_acl = module_defaults(b, vpc, DEFAULT_ENTRIES)
    ids = {"vpc": vpc, "main_rt": main_rt, "default_sg": default_sg, "default_acl": default_acl}
    for k in range(3):
        az = f"{REGION}{'abc'[k]}"
        subnet = ids[f"private{k + 1}"] = b.subnet(vpc, cidrsubnet(VPC_CIDR, 4, k), az=k + 1,
                                                   name=f"{NAME}-private-{az}")
        b.tag(subnet, {**TAGS, "kubernetes.io/role/internal-elb": "1"})
        ids[f"private{k + 1}_rt"] = b.route_table(vpc, subnets=[subnet], name=f"{NAME}-private-{az}")
    ids |= _cluster(b, vpc, ids, pods=pods, app_pod_group=app_pod_group, pod_description=pod_description)
    ids |= _endpoints(b, vpc, ids, leave_out=set(leave_out), endpoint_source=endpoint_source)
    return b.snapshot(), ids


def _cluster(b: AwsRegionBuilder, vpc: str, ids: dict[str, str], *, pods: bool, app_pod_group: bool,
             pod_description: str) -> dict[str, str]:
    """EKS's cluster security group, the control plane's interfaces and one interface per Fargate pod."""
    eks_name = f"eks-cluster-sg-{NAME}-1234567890"
    eks_sg = b.security_group(vpc, name=eks_name, ingress=[("-1", None, None, "self")])
    b.groups[eks_sg] = replace(b.groups[eks_sg], description=(
        "EKS created security group applied to ENI that is attached to EKS Control Plane master nodes, as well as "
        "any managed workloads."))
    b.tag(eks_sg, {"Name": eks_name, f"kubernetes.io/cluster/{NAME}": "owned", "aws:eks:cluster-name": NAME, **TAGS})
    added = {"eks_sg": eks_sg}
    for n in (1, 2):
        added[f"control_plane{n}"] = b.workload(ids[f"private{n}"], groups=[eks_sg], description=f"Amazon EKS {NAME}",
                                                requester_id=f"{EKS_ROLE_ID}:AmazonEKS")
    if app_pod_group:
        # A SecurityGroupPolicy's group for app-2048: HTTP from the VPC (the controller's IP targets), all out.
        added["app_sg"] = b.security_group(vpc, name=f"{NAME}-app-2048", ingress=[("tcp", 80, 80, VPC_CIDR)])
    if not pods:
        return added
    for n, (key, namespace) in enumerate(PODS):
        group = added["app_sg"] if app_pod_group and namespace.startswith("app-") else eks_sg
        added[key] = b.workload(ids[f"private{n % 3 + 1}"], groups=[group], requester_managed=True,
                                description=pod_description)
    return added


def _endpoints(b: AwsRegionBuilder, vpc: str, ids: dict[str, str], *, leave_out: set[str],
               endpoint_source: str) -> dict[str, str]:
    """``modules/vpc-endpoints``: its group, the S3 gateway endpoint and the interface endpoints."""
    endpoint_sg = terraform_group(b, vpc, f"{NAME}-vpc-endpoints-{TF_SUFFIX}", "VPC endpoint security group",
                                  {**TAGS, "Name": f"{NAME}-vpc-endpoints-"})
    source = VPC_CIDR if endpoint_source == "vpc" else ids["eks_sg"]
    b.authorize(endpoint_sg, ingress=[("tcp", 443, 443, source)])
    added = {"endpoint_sg": endpoint_sg}
    tables = [ids[f"private{k}_rt"] for k in (1, 2, 3)]
    if "s3" not in leave_out:
        added["s3"] = b.gateway_endpoint(vpc, "s3", route_tables=tables)
        b.tag(added["s3"], {**TAGS, "Name": f"{NAME}-s3"})
    subnets = [ids[f"private{k}"] for k in (1, 2, 3)]
    for service in INTERFACE_SERVICES:
        if service not in leave_out:
            added[service] = b.interface_endpoint(vpc, service, subnets=subnets, groups=[endpoint_sg],
                                                  private_dns=True)
            b.tag(added[service], {**TAGS, "Name": f"{NAME}-{service}"})
    return added
