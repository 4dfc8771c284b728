"""An Amazon EKS cluster with private-only API access in the China (Ningxia) Region, cn-northwest-1.

Sources:

- Amazon EKS User Guide, "Deploy private clusters with limited internet access",
  https://github.com/awsdocs/amazon-eks-user-guide/blob/101184ecc138f7f661b484f2cabac7022b726a6b/latest/ug/clusters/private-clusters.adoc
  and its China copy, https://docs.amazonaws.cn/en_us/eks/latest/userguide/private-clusters.html
  (current page, read 2026-12-07; its example cluster endpoint ends in ``amazonaws.com.cn``). What
  the page asks: endpoint private access on; interface endpoints for EC2 (the EKS optimized AMI
  sets the node's DNS name through the EC2 API), ECR (``ecr.api``, ``ecr.dkr`` and S3), Elastic
  Load Balancing (Application and Network Load Balancers), CloudWatch Logs (node and pod logs), STS
  (IAM roles for service accounts), and for Cluster Autoscaler "the AWS STS VPC endpoint and
  autoscaling VPC endpoint"; private DNS names enabled; and "If you create a managed node group, the
  VPC interface endpoint security group must allow the CIDR for the subnets, or you must add the
  created node security group to the VPC interface endpoint security group".
- Getting Started with Amazon Web Services in China, https://docs.amazonaws.cn/en_us/aws/latest/userguide/vpc.html
  and https://docs.amazonaws.cn/en_us/general/latest/gr/endpoints-Ningxia.html (current pages, read
  2026-12-07): the endpoint domain of both China Regions is ``amazonaws.com.cn``; the partition is
  ``aws-cn``.
- The China endpoint service names. AWS documents them only through DescribeVpcEndpointServices; the
  page's table keeps the ``com.amazonaws.region-code.*`` pattern. Taken from two public tables that
  record that call's output: aws/aws-cdk ``packages/aws-cdk-lib/aws-ec2/lib/vpc-endpoint.ts`` at
  5785d5948a7eb3b8280fbb21d59bd44d9a6a13aa (``getDefaultEndpointPrefix``: in cn-northwest-1
  ``autoscaling``, ``ec2``, ``ecr.api``, ``ecr.dkr``, ``monitoring``, ``rds``, ``sqs``, ``sts`` …
  are named ``cn.com.amazonaws.<region>.<svc>``; every service not listed, ``logs``,
  ``elasticloadbalancing``, ``ssm``, ``kms`` among them, ``com.amazonaws.<region>.<svc>``; the S3
  gateway service ``com.amazonaws.<region>.s3`` in every partition, ``GatewayVpcEndpointAwsService``)
  and eksctl-io/eksctl ``pkg/apis/eksctl.io/v1alpha5/endpoint_service.go`` at
  c1c88cffc8662d88a898b549a8f194b4e19e0795 (``EndpointServices``: ``RequiresChinaPrefix`` on ec2,
  ecr.api, ecr.dkr, sts and cloudformation; ``logs``, ``autoscaling`` and the S3 gateway without
  it; ``partitions.go`` gives ``aws-cn`` the prefix ``cn.com.amazonaws``). eksctl issues
  #2568 and #3081 (https://github.com/eksctl-io/eksctl/issues/2568, /3081) show the API's answer to a
  wrong prefix: ``InvalidServiceName: The Vpc Endpoint Service
  'com.amazonaws.cn-northwest-1.ecr.dkr' does not exist`` (and the same for
  ``cn.com.amazonaws.cn-northwest-1.s3``). The two tables disagree on ``autoscaling`` (eksctl gives
  it no China prefix); the CDK's table, which names the call it is kept from, is followed.
  #3081 is also the one public eksctl configuration of a private cluster in cn-northwest-1 found
  (``privateCluster.enabled``, ``additionalEndpointServices: [autoscaling]``, a managed node group
  with ``privateNetworking``); no public Terraform example for a China private cluster was found.

What was built (no template: assembled as the guide asks, with these assumptions). Account
``444455556666``; AZs cn-northwest-1a-c with AZ IDs ``cnnw1-az1``-``az3`` (the mapping varies by
account; assumed in order). The Region's catalogue (DescribeVpcEndpointServices) rebuilt with the
China names: ``ServiceName`` with the prefix above, ``PrivateDnsNames`` ``<svc>.cn-northwest-1.
amazonaws.com.cn`` (``api.ecr.…`` and ``*.dkr.ecr.…`` for ECR), ``BaseEndpointDnsNames``
``<svc>.cn-northwest-1.vpce.amazonaws.com.cn``, offered in all three AZs (assumed), owner ``amazon``;
the S3 and DynamoDB gateway services and AWS-managed prefix lists ``com.amazonaws.cn-northwest-1.s3``
/ ``.dynamodb`` (their CIDRs are placeholders, assumed: no rule reads the addresses).

- VPC 10.0.0.0/16 ``private-cn``, DNS support and hostnames on (private DNS needs both). Three
  private subnets, 10.0.0.0/19, 10.0.32.0/19, 10.0.64.0/19, one per AZ, tagged
  ``kubernetes.io/role/internal-elb = 1``, each on a route table of its own with the local route and
  the S3 gateway endpoint's prefix-list route; no internet gateway, no NAT gateway.
- ``vpce-private-cn``: admits TCP 443 from 10.0.0.0/16 (the guide's first option), AWS's default
  egress. Interface endpoints ``ec2``, ``ecr.api``, ``ecr.dkr``, ``sts``, ``autoscaling`` (China
  names), ``logs`` and ``elasticloadbalancing`` (commercial-style names, which are the China names
  of these two) in the three subnets, private DNS on, IpAddressType and DnsRecordIpType ``ipv4``,
  AWS's default full-access policy; DnsEntries in ``vpce.amazonaws.com.cn`` under a hosted zone id
  that is a placeholder (assumed; not published). The S3 gateway endpoint on the three tables.
- The cluster, created with the three subnets and no extra group: EKS's cluster security group
  ``eks-cluster-sg-private-cn-<id>`` (all traffic from itself, all out, per the guide's
  sec-group-reqs) plus TCP 443 from the node group so the nodes reach the API server. The control
  plane's two cross-account ENIs as the NET410 workshop's DescribeNetworkInterfaces output shows
  them (see ``eks_blueprints_private``): InterfaceType ``interface``, RequesterManaged false,
  Description ``Amazon EKS private-cn``, RequesterId ``<cluster role id>:AmazonEKS``, the cluster
  group only.
- A managed node group of three nodes, one per AZ, launched from a launch template naming a custom
  group ``private-cn-nodes`` (all traffic from itself, TCP 443 and 10250 from the cluster group, all
  out), so "Amazon EKS doesn't add the cluster security group" (launch-templates). Per node its
  primary ENI (``interface``, not requester-managed, empty description, on the instance) and the VPC
  CNI's secondary ENI (Description ``aws-K8S-<instance id>``, the same group, on the instance).
- Interface endpoint ENIs: InterfaceType ``vpc_endpoint``, RequesterManaged true, Description
  ``VPC Endpoint Interface <vpce id>``, the endpoint's group, on no instance.

Near misses: ``s3_route_tables=2`` (the S3 gateway endpoint associated with the first two node
tables only, so the third subnet's ECR layer downloads have no path); ``endpoint_source="cluster_sg"``
(the endpoints' group admitting TCP 443 from EKS's cluster group only, while the nodes carry
``private-cn-nodes``); ``wrong_prefix="ecr.dkr"`` (that endpoint requested under the other prefix,
``com.amazonaws.cn-northwest-1.ecr.dkr``: CreateVpcEndpoint answers InvalidServiceName, so the
account holds every endpoint but that one — an endpoint cannot exist under a name the Region's
catalogue does not list); the same for ``ec2`` and ``sts``, and for ``logs`` the reverse mistake
(``cn.com.amazonaws.cn-northwest-1.logs``, every name "fixed" to the China prefix).
"""

from __future__ import annotations

from dataclasses import replace

from aws_layout import CATALOGUE, AwsRegionBuilder

from vpcaudit.snapshot import resources as r
from vpcaudit.snapshot.model import Snapshot

ACCOUNT = "444455556666"
REGION = "cn-northwest-1"
AZ_IDS = ("cnnw1-az1", "cnnw1-az2", "cnnw1-az3")
NAME = "private-cn"
VPC_CIDR = "10.0.0.0/16"
SUFFIX = "amazonaws.com.cn"
# cn-northwest-1 services named cn.com.amazonaws.<region>.<svc> (aws-cdk getDefaultEndpointPrefix, at the
# commit cited above), restricted to the catalogue's services; every other one keeps com.amazonaws.
CHINA_PREFIXED = frozenset({"autoscaling", "ec2", "ecr.api", "ecr.dkr", "monitoring", "rds", "sqs", "sts"})
PRIVATE_DNS = {"ecr.api": f"api.ecr.{REGION}.{SUFFIX}", "ecr.dkr": f"*.dkr.ecr.{REGION}.{SUFFIX}"}
INTERFACE_SERVICES = ("ec2", "ecr.api", "ecr.dkr", "sts", "autoscaling", "logs", "elasticloadbalancing")
VPCE_ZONE_PLACEHOLDER = "ZPLACEHOLDERCNNW1"  # China's vpce hosted zone id: not published (assumed)
PLACEHOLDER_CIDRS = {"s3": ("198.18.0.0/20",), "dynamodb": ("198.18.16.0/22",)}  # assumed, see docstring
EKS_ROLE_ID = "AROAZQ3DPKG5EXAMPLE02"


def service_name(key: str) -> str:
    """The name DescribeVpcEndpointServices lists for an interface service in cn-northwest-1."""
    prefix = "cn.com.amazonaws" if key in CHINA_PREFIXED else "com.amazonaws"
    return f"{prefix}.{REGION}.{key}"


def _china_catalogue(b: AwsRegionBuilder) -> None:
    """Replace the commercial catalogue ``AwsRegionBuilder`` lists with cn-northwest-1's names."""
    b.services.clear()
    for key in CATALOGUE:
        name = b.service(key, name=service_name(key),
                         dns_names=[PRIVATE_DNS.get(key, f"{key}.{REGION}.{SUFFIX}")])
        b.services[name] = replace(b.services[name], base_endpoint_dns_names=(f"{key}.{REGION}.vpce.{SUFFIX}",))
    for key in ("s3", "dynamodb"):
        name = b.service(key, types=("Gateway",))  # com.amazonaws.cn-northwest-1.<key>, no private DNS
        b.services[name] = replace(b.services[name], base_endpoint_dns_names=())
    for pl_id, prefix_list in list(b.prefix_lists.items()):
        key = prefix_list.prefix_list_name.rsplit(".", 1)[-1]
        b.prefix_lists[pl_id] = replace(prefix_list, cidrs=PLACEHOLDER_CIDRS[key])


def build(*, s3_route_tables: int = 3, endpoint_source: str = "vpc",
          wrong_prefix: str | None = None) -> tuple[Snapshot, dict[str, str]]:
    """``s3_route_tables``: how many node tables (in AZ order) the S3 gateway endpoint is associated with;
    ``endpoint_source``: ``"vpc"`` (10.0.0.0/16) or ``"cluster_sg"`` (EKS's cluster group only);
    ``wrong_prefix``: an interface service requested under the prefix it does not carry in this Region
    (``com.amazonaws.`` for a ``cn.com.amazonaws.`` service or the reverse) — its endpoint is never
    created."""
    b = AwsRegionBuilder(ACCOUNT, REGION, AZ_IDS)
    _china_catalogue(b)
    vpc = b.vpc(VPC_CIDR, name=NAME, dns_support=True, dns_hostnames=True)
    ids: dict[str, str] = {"vpc": vpc}
    for k in (1, 2, 3):
        subnet = ids[f"private{k}"] = b.subnet(vpc, f"10.0.{32 * (k - 1)}.0/19", az=k,
                                               name=f"{NAME}-private-{REGION}{'abc'[k - 1]}")
        b.tag(subnet, {"kubernetes.io/role/internal-elb": "1"})
        ids[f"private{k}_rt"] = b.route_table(vpc, subnets=[subnet], name=f"{NAME}-private-{k}")
    _cluster(b, vpc, ids)
    _endpoints(b, vpc, ids, s3_route_tables, endpoint_source, wrong_prefix)
    return b.snapshot(), ids


def _cluster(b: AwsRegionBuilder, vpc: str, ids: dict[str, str]) -> None:
    eks_sg = ids["eks_sg"] = b.security_group(vpc, name=f"eks-cluster-sg-{NAME}-1234567890",
                                              ingress=[("-1", None, None, "self")])
    b.tag(eks_sg, {f"kubernetes.io/cluster/{NAME}": "owned", "aws:eks:cluster-name": NAME})
    node_sg = ids["node_sg"] = b.security_group(vpc, name=f"{NAME}-nodes", ingress=[
        ("-1", None, None, "self"), ("tcp", 443, 443, eks_sg), ("tcp", 10250, 10250, eks_sg)])
    b.authorize(eks_sg, ingress=[("tcp", 443, 443, node_sg)])
    for n in (1, 2):
        # DescribeNetworkInterfaces, as the NET410 workshop shows the control plane's interfaces.
        ids[f"control_plane{n}"] = b.workload(ids[f"private{n}"], groups=[eks_sg], description=f"Amazon EKS {NAME}",
                                              requester_id=f"{EKS_ROLE_ID}:AmazonEKS")
    for n in (1, 2, 3):
        instance = f"i-0{n}c4e6a8b0d2f4a6c8"  # 17 hex digits
        for role, description in (("node", ""), ("node_cni", f"aws-K8S-{instance}")):
            eni = ids[f"{role}{n}"] = b.workload(ids[f"private{n}"], groups=[node_sg], description=description)
            b.enis[eni] = replace(b.enis[eni], instance_id=instance)


def _endpoints(b: AwsRegionBuilder, vpc: str, ids: dict[str, str], s3_route_tables: int, endpoint_source: str,
               wrong_prefix: str | None) -> None:
    source = VPC_CIDR if endpoint_source == "vpc" else ids["eks_sg"]
    endpoint_sg = ids["endpoint_sg"] = b.security_group(vpc, name=f"vpce-{NAME}",
                                                        ingress=[("tcp", 443, 443, source)])
    tables = [ids[f"private{k}_rt"] for k in range(1, s3_route_tables + 1)]
    ids["s3"] = b.gateway_endpoint(vpc, "s3", route_tables=tables)
    subnets = [ids[f"private{k}"] for k in (1, 2, 3)]
    for key in INTERFACE_SERVICES:
        if key == wrong_prefix:
            continue  # InvalidServiceName: the name requested is not in the Region's catalogue
        endpoint = ids[key] = b.interface_endpoint(vpc, key, subnets=subnets, groups=[endpoint_sg],
                                                   service_name=service_name(key))
        regional = f"{endpoint}-0a1b2c3d.{key}.{REGION}.vpce.{SUFFIX}"
        zonal = [regional.replace(".", f"-{REGION}{letter}.", 1) for letter in "abc"]
        b.endpoints[endpoint] = replace(b.endpoints[endpoint], dns_entries=tuple(
            r.DnsEntry(dns, VPCE_ZONE_PLACEHOLDER) for dns in (regional, *zonal)))
        b.tag(endpoint, {"Name": f"{NAME}-{key}"})
