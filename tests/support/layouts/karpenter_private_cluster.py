"""Karpenter on an EKS cluster without internet access ("Private Clusters"), in us-west-2.

Sources:

- Karpenter's documentation, "Getting Started with Karpenter", section "Private Clusters"
  (https://karpenter.sh/docs/getting-started/getting-started-with-karpenter/#private-clusters;
  aws/karpenter-provider-aws ``website/content/en/v1.14/getting-started/getting-started-with-karpenter/_index.md``
  at 1d927085dd81a9df9301e613f371dac5b4d16bfe, 2026-08-21, the site's ``latest_release_version``
  1.14.1; ``docs/`` holds the same text). It installs Karpenter on an eksctl cluster with
  ``privateCluster.enabled: true`` and the Helm chart with ``settings.isolatedVPC=true``, and lists
  the endpoints Karpenter needs: ``ec2``, ``ecr.api``, ``ecr.dkr``, ``s3`` ("For pulling container
  images"), ``sts`` ("For IAM roles for service accounts"), ``ssm`` ("For resolving default AMIs"),
  ``sqs`` ("For accessing SQS if using interruption handling") and ``eks`` ("For Karpenter to
  discover the cluster endpoint"), to be added with ``aws ec2 create-vpc-endpoint ...
  --vpc-endpoint-type Interface --subnet-ids ${SUBNET_IDS} --security-group-ids
  ${SECURITY_GROUP_IDS}``. Its notes: the controller's images must come from a registry inside the
  VPC; IAM has no VPC endpoint, so ``spec.instanceProfile`` replaces ``spec.role``; the Price List
  Query API has no VPC endpoint, so Karpenter keeps the static price list shipped in its binary.
- The same repository at tag v1.14.1 (bde00654cd316fddb3dccfba3f5ac07039865429): ``reference/settings.md``
  (``ISOLATED_VPC`` "assume we can't reach AWS services which don't have a VPC endpoint", and it
  disables on-demand pricing look-ups; ``INTERRUPTION_QUEUE``: interruption handling is off
  unless set; ``CLUSTER_ENDPOINT``: when unset, found with DescribeCluster) and the code:
  ``pkg/operator/operator.go`` (at start-up ``CheckEC2Connectivity`` calls ``DescribeInstanceTypes``
  and the process exits on failure; ``ResolveClusterEndpoint`` calls EKS ``DescribeCluster``
  unless ``clusterEndpoint`` is set), ``pkg/providers/ssm/provider.go`` (AMI aliases resolved with
  SSM ``GetParameter``), ``pkg/controllers/controllers.go`` (the interruption controller, SQS
  ``ReceiveMessage``/``DeleteMessage``, only with an interruption queue), ``pkg/providers/launchtemplate/types.go``
  and ``pkg/utils/utils.go`` (the launch template tags the ``network-interface`` with
  ``kubernetes.io/cluster/<name>``, ``karpenter.sh/nodepool``, ``eks:eks-cluster-name`` and
  ``karpenter.k8s.aws/ec2nodeclass``). The getting-started scripts (``scripts/step02-create-cluster.sh``,
  ``step08-apply-helm-chart.sh``, ``step12-add-nodepool.sh``): cluster ``${USER}-karpenter-demo``
  tagged ``karpenter.sh/discovery``, a managed node group (m5.large, ``desiredCapacity: 2``) that
  runs the controller, ``settings.interruptionQueue=${CLUSTER_NAME}``, no ``clusterEndpoint``, and
  the ``default`` EC2NodeClass selecting subnets and security groups by ``karpenter.sh/discovery``.
- EKS User Guide, "Deploy private clusters with limited internet access"
  (https://docs.aws.amazon.com/eks/latest/userguide/private-clusters.html, current page, read
  2026-12-06; awsdocs/amazon-eks-user-guide ``latest/ug/clusters/private-clusters.adoc`` at
  101184ecc138f7f661b484f2cabac7022b726a6b): endpoint private access on; interface endpoints for
  what the Pods use, private DNS names recommended; "the VPC interface endpoint security group must
  allow the CIDR for the subnets, or you must add the created node security group to the VPC
  interface endpoint security group"; with the EKS optimized AMI the ``ec2`` endpoint; ``ssm`` in
  its table is "(Optional) ... required for the SSM Agent for node management tasks".

What was built (network audit's view):

- VPC 192.168.0.0/16 (eksctl's default), DNS support and hostnames on, three private /19 subnets in
  us-west-2a-c (192.168.96.0/19, .128.0/19, .160.0/19 — the blocks after the three public /19s
  eksctl plans by default; assumed), tagged ``kubernetes.io/role/internal-elb`` and
  ``karpenter.sh/discovery`` (the NodeClass's subnet selector), each on a route table of its own
  with the local route and the S3 gateway endpoint's prefix-list route. No internet gateway, no NAT.
- EKS's cluster security group ``eks-cluster-sg-<name>-<id>``: all traffic from itself, all out
  (EKS User Guide, sec-group-reqs), tagged ``karpenter.sh/discovery`` (the NodeClass's security
  group selector; how the tag reaches the group is assumed, the getting-started guide relies on
  it). Every node carries it and nothing else: eksctl's managed nodes take the cluster security
  group, and Karpenter's nodes take what the selector names.
- The endpoint group (``karpenter-demo-vpc-endpoints``, assumed name): TCP 443 from the cluster
  security group — the EKS page's "add the created node security group" option, which fills
  Karpenter's ``${SECURITY_GROUP_IDS}`` — and AWS's default egress rule (created with
  CreateSecurityGroup, nothing revoked). Interface endpoints ``ec2``, ``ecr.api``, ``ecr.dkr``,
  ``sts``, ``ssm``, ``sqs``, ``eks`` in the three subnets, that group, private DNS on, no policy
  (AWS's default full access); an S3 gateway endpoint on the three route tables. Unlike
  eksctl's own endpoints (``eksctl_private_cluster``), which carry eksctl's shared node group, the
  layout gives all of them the one endpoint group (assumed). No ``eks-auth``: the page's list has
  none, and its ``sts`` line means the controller runs with IRSA (see "Noticed").
- The control plane's two cross-account ENIs in the first two subnets, as in
  ``eks_blueprints_private``: InterfaceType ``interface``, RequesterManaged false, Description
  ``Amazon EKS <cluster>``, RequesterId ``<cluster role id>:AmazonEKS`` (the NET410 workshop's
  DescribeNetworkInterfaces output, assumed unchanged), carrying the cluster security group.
- Two managed nodes (the controller's two replicas, kept off Karpenter's nodes by the chart's
  ``karpenter.sh/nodepool DoesNotExist`` node affinity, ``charts/karpenter/values.yaml`` at v1.14.1)
  in us-west-2a and b, and three Karpenter-launched nodes, one per AZ. Per node the primary ENI
  (InterfaceType ``interface``, not requester-managed, empty description, attached to the instance;
  a Karpenter node's is tagged by its launch template as above) and the VPC CNI's secondary ENI
  (Description ``aws-K8S-<instance id>``, the primary ENI's groups, the ``eks:eni:owner`` and
  ``node.k8s.amazonaws.com/instance_id`` tags ipamd sets).

Near misses: ``leave_out`` drops endpoints from the page's list (``ssm``, ``sqs``, ``ec2``).

Left out (no rule reads them): the EKS cluster, IAM roles and the instance profile, the SQS
queue and its EventBridge rules, launch templates, the Auto Scaling group, eksctl's
ControlPlaneSecurityGroup and ClusterSharedNodeSecurityGroup (no node or endpoint carries them
here), the VPC's default group and NACL rules beyond AWS's defaults.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from aws_layout import AwsRegionBuilder

from vpcaudit.snapshot.model import Snapshot

ACCOUNT = "444455556666"
REGION = "us-west-2"
CLUSTER = "karpenter-demo"
AZ_IDS = ("usw2-az2", "usw2-az1", "usw2-az3")
VPC_CIDR = "192.168.0.0/16"
SUBNET_CIDRS = ("192.168.96.0/19", "192.168.128.0/19", "192.168.160.0/19")
DISCOVERY = {"karpenter.sh/discovery": CLUSTER}
# The Karpenter page's interface endpoints, in its order (s3 is the gateway endpoint).
INTERFACE_SERVICES = ("ec2", "ecr.api", "ecr.dkr", "sts", "ssm", "sqs", "eks")
EKS_ROLE_ID = "AROAXKARPENTEREXAMPL"  # the cluster IAM role's unique id (RequesterId "<id>:AmazonEKS")
MANAGED_NODES = 2  # managedNodeGroups[0].desiredCapacity
KARPENTER_NODES = 3  # one per AZ


def build(*, leave_out: Iterable[str] = ()) -> tuple[Snapshot, dict[str, str]]:
    """``leave_out``: endpoints of the page's list not created (``"s3"`` for the gateway endpoint)."""
    left_out = set(leave_out)
    b = AwsRegionBuilder(ACCOUNT, REGION, AZ_IDS)
    # DescribeVpcEndpointServices: com.amazonaws.us-west-2.eks is not in the builder's catalogue.
    b.service("eks", dns_names=[f"eks.{REGION}.amazonaws.com"])
    vpc = b.vpc(VPC_CIDR, name=f"eksctl-{CLUSTER}-cluster/VPC", dns_support=True, dns_hostnames=True)
    ids: dict[str, str] = {"vpc": vpc}
    for k, cidr in enumerate(SUBNET_CIDRS, start=1):
        letter = "ABC"[k - 1]
        subnet = ids[f"private{k}"] = b.subnet(vpc, cidr, az=k,
                                               name=f"eksctl-{CLUSTER}-cluster/SubnetPrivateUSWEST2{letter}")
        b.tag(subnet, {"kubernetes.io/role/internal-elb": "1", **DISCOVERY})
        ids[f"private{k}_rt"] = b.route_table(vpc, subnets=[subnet],
                                              name=f"eksctl-{CLUSTER}-cluster/PrivateRouteTableUSWEST2{letter}")
    cluster_sg = ids["cluster_sg"] = b.security_group(vpc, name=f"eks-cluster-sg-{CLUSTER}-1234567890",
                                                      ingress=[("-1", None, None, "self")])
    b.tag(cluster_sg, {f"kubernetes.io/cluster/{CLUSTER}": "owned", "aws:eks:cluster-name": CLUSTER, **DISCOVERY})
    for n in (1, 2):
        # DescribeNetworkInterfaces (botocore's ec2 model, NetworkInterface), as the NET410 workshop shows it.
        ids[f"control_plane{n}"] = b.workload(ids[f"private{n}"], groups=[cluster_sg],
                                              description=f"Amazon EKS {CLUSTER}",
                                              requester_id=f"{EKS_ROLE_ID}:AmazonEKS")
    karpenter_tags = {f"kubernetes.io/cluster/{CLUSTER}": "owned", "karpenter.sh/nodepool": "default",
                      "eks:eks-cluster-name": CLUSTER, "karpenter.k8s.aws/ec2nodeclass": "default"}
    nodes = [(f"managed{n}", n, {}) for n in range(1, MANAGED_NODES + 1)]
    nodes += [(f"karpenter{n}", n, karpenter_tags) for n in range(1, KARPENTER_NODES + 1)]
    for index, (key, az, tags) in enumerate(nodes, start=1):
        instance = f"i-0{index}7a9c1e3b5d2f4a6"  # 17 hex digits
        subnet = ids[f"private{az}"]
        primary = ids[key] = b.workload(subnet, groups=[cluster_sg])
        cni = ids[f"{key}_cni"] = b.workload(subnet, groups=[cluster_sg], description=f"aws-K8S-{instance}")
        for eni in (primary, cni):
            b.enis[eni] = replace(b.enis[eni], instance_id=instance)
        if tags:
            b.tag(primary, tags)
        b.tag(cni, {"eks:eni:owner": "amazon-vpc-cni", "node.k8s.amazonaws.com/instance_id": instance})
    endpoint_sg = ids["endpoint_sg"] = b.security_group(vpc, name=f"{CLUSTER}-vpc-endpoints",
                                                        ingress=[("tcp", 443, 443, cluster_sg)])
    subnets = [ids[f"private{k}"] for k in (1, 2, 3)]
    if "s3" not in left_out:
        ids["s3"] = b.gateway_endpoint(vpc, "s3", route_tables=[ids[f"private{k}_rt"] for k in (1, 2, 3)])
    for service in INTERFACE_SERVICES:
        if service in left_out:
            continue
        # DescribeVpcEndpoints (botocore's ec2 model, VpcEndpoint): PrivateDnsEnabled true, IpAddressType and
        # DnsOptions.DnsRecordIpType "ipv4", PolicyDocument AWS's default full access.
        ids[service] = b.interface_endpoint(vpc, service, subnets=subnets, groups=[endpoint_sg], private_dns=True)
    return b.snapshot(), ids

