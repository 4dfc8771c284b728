"""Amazon EKS Hybrid Nodes: an EKS cluster whose nodes run on premises, its VPC reached over a
transit gateway (or a virtual private gateway), the remote node and pod networks routed to the
gateway and admitted on TCP 443 by the cluster's additional security group (us-west-2).

Sources:

- the EKS User Guide (current pages, read 2026-12-06; as archived in awsdocs/amazon-eks-user-guide
  at 4d52b4d05e3478582e7d10a73cbd9ba9194dd5f7, ``latest/ug/nodes/``):
  "Prepare networking for hybrid nodes"
  (https://docs.aws.amazon.com/eks/latest/userguide/hybrid-nodes-networking.html,
  ``hybrid-nodes-networking.adoc``): node and pod CIDRs in RFC 1918 ranges, overlapping neither
  each other nor the VPC; "You must configure routes in your VPC routing table for your on-premises
  node and optionally pod CIDRs", to "the gateway you are using for your hybrid network
  connectivity, which is commonly a virtual private gateway (VGW) or transit gateway (TGW)"; the
  VPC "must have DNS hostname and DNS resolution support"; at least 2 subnets in 2 AZs for the
  cluster's interfaces; the transit gateway attachment made with ``create-transit-gateway-vpc-attachment
  --subnet-ids SUBNET_ID1 SUBNET_ID2`` (the cluster subnets); one custom route table with
  ``create-route --destination-cidr-block REMOTE_NODE_CIDR --transit-gateway-id TGW_ID`` and the
  same for ``REMOTE_POD_CIDR`` ("If you are using ... a virtual private gateway (VGW) replace
  ``--transit-gateway-id`` with ``--gateway-id``"), associated with both subnets; the cluster
  security group table: inbound TCP 443 from the remote node CIDRs (kubelet to API server) and
  from the remote pod CIDRs (pods, "when the CNI is not using NAT"), outbound 10250 to the node
  CIDRs and webhook ports to the pod CIDRs; the group made with ``create-security-group
  --description "security group for hybrid nodes"`` (AWS's default all-traffic egress, which the
  page says may be narrowed to the table) and ``authorize-security-group-ingress`` TCP 443 from
  ``REMOTE_NODE_CIDR`` and ``REMOTE_POD_CIDR``, "passed when you create your Amazon EKS cluster";
  the control plane's interfaces "have a description of the format ``Amazon EKS your-cluster-name``";
- "Prerequisite setup for hybrid nodes"
  (https://docs.aws.amazon.com/eks/latest/userguide/hybrid-nodes-prereqs.html,
  ``hybrid-nodes-prereqs.adoc``): the route table example (VPC 10.226.0.0/16 ``local``,
  ``REMOTE_NODE_CIDR`` and ``REMOTE_POD_CIDR`` to ``tgw-…``); EKS's own ``eks-cluster-sg-<name>-<id>``
  cannot have its inbound rules altered, so "You must add an additional security group" with the
  two 443 rules; the pod CIDR is required when the CNI does not masquerade pod traffic or when
  webhooks run on hybrid nodes; public or private endpoint access, not both ("Public and Private"
  resolves to public addresses for hosts outside the VPC);
- "Create an Amazon EKS cluster with hybrid nodes" (``hybrid-nodes-cluster-create.adoc``): the CLI
  form ``--resources-vpc-config subnetIds=SUBNET1_ID,SUBNET2_ID,securityGroupIds=SG_ID,
  endpointPrivateAccess=true,endpointPublicAccess=false`` and ``--remote-network-config
  '{"remoteNodeNetworks":[{"cidrs":[...]}],"remotePodNetworks":[{"cidrs":[...]}]}'``;
- "Cluster API server endpoint" (``cluster-endpoint.adoc``): with public access off "The cluster's
  API server endpoint is resolved by public DNS servers to a private IP address from the VPC", and a
  connected network needs the control plane's group to admit 443 from it — so a private-only
  cluster needs no Route 53 Resolver inbound endpoint for on-premises nodes to find it;
- the EKS API's ``RemoteNodeNetwork`` (https://docs.aws.amazon.com/eks/latest/APIReference/API_RemoteNodeNetwork.html):
  each block "must have a route to the VPC that uses the VPC CIDR blocks, not public IPs or
  Elastic IPs";
- cross-checked against terraform-aws-modules/terraform-aws-eks v21.19.0
  (bef29c4d9523523e57fe898643fde2895106b339), ``examples/eks-hybrid-nodes``: ``remote_network_config``
  with ``remote_node_networks`` and ``remote_pod_networks``, and ``security_group_additional_rules``
  admitting all traffic from the remote network's block (172.16.0.0/16, node and pod halves). That
  example stands in for on-premises with an EC2 VPC in another Region joined by VPC peering
  ("AWS EC2 instances are not supported for EKS Hybrid nodes"), so it is not the layout built here.

Built (``build()``), the guide's CLI form: VPC 10.226.0.0/16 (the prereqs page's), DNS support and
hostnames on; ``cluster1`` 10.226.1.0/24 (us-west-2a) and ``cluster2`` 10.226.2.0/24 (us-west-2b;
AZ IDs usw2-az2, usw2-az1 assumed) on one custom table ``hybrid-nodes`` (local route; the remote node
network 10.80.0.0/16 and the remote pod network 10.85.0.0/16, both assumed, to the transit gateway,
``Origin: CreateRoute``, ``State: active``); the main table with the local route only; AWS's default
group and NACL. The transit gateway's VPC attachment in both subnets (one ``transit_gateway``
interface each, requester-managed, described ``Network Interface for Transit Gateway Attachment
<id>``, as ``AwsRegionBuilder.tgw_attachment`` models it). Groups: ``hybrid-nodes-cluster`` ("security
group for hybrid nodes": TCP 443 from each remote CIDR, AWS's default egress) and EKS's
``eks-cluster-sg-hybrid-cluster-<id>`` (all traffic from itself, all out; EKS User Guide
sec-group-reqs). The cluster ``hybrid-cluster``, private endpoint only. Its two cross-account
interfaces, one per subnet, as the EKS Blueprints layout models them after the published
DescribeNetworkInterfaces output (AWS's re:Invent 2018 NET410 workshop): ``InterfaceType``
``interface``, RequesterManaged false, RequesterId ``<cluster role id>:AmazonEKS``,
described ``Amazon EKS hybrid-cluster``, no tags, in EKS's group and ``hybrid-nodes-cluster``, on no
instance of this account (assumed, as there). No node in the VPC, no NAT, internet gateway or
endpoint: the hybrid nodes reach the other AWS services (SSM hybrid activations, ECR, S3) from
on premises (assumed), and the transit gateway's own route tables, its VPN or Direct Connect
attachment and the on-premises router are not in the snapshot (it collects none of them). The
cluster's ``RemoteNetworkConfig`` is not collected either.

Other form: ``gateway="vgw"`` — a virtual private gateway attached to the VPC instead
(``attach-vpn-gateway``), the two routes to it by ``--gateway-id`` (static: ``Origin: CreateRoute``),
no attachment interfaces.

Near misses:

- ``admit_pod_cidr=False``: the additional group admits 443 from the node CIDR only (the pod rule
  forgotten, or the group made before pods were routable);
- ``routed=("pod",)``: the table lacks the remote node network's route (the guide's "optionally pod"
  read the wrong way round);
- ``stale_gateway=True``: the node CIDR's route still targets the transit gateway the VPC was
  attached to before (its attachment deleted), so DescribeRouteTables reports it ``blackhole``.
"""

from __future__ import annotations

from dataclasses import replace

from aws_layout import AwsRegionBuilder

from vpcaudit.snapshot.model import Snapshot

ACCOUNT = "111122223333"
REGION = "us-west-2"
AZ_IDS = ("usw2-az2", "usw2-az1")  # this account's us-west-2a and b (assumed)
CLUSTER = "hybrid-cluster"
VPC_CIDR = "10.226.0.0/16"
REMOTE_NODE_CIDR = "10.80.0.0/16"  # assumed: the on-premises node network
REMOTE_POD_CIDR = "10.85.0.0/16"  # assumed: the CNI's (Cilium or Calico) pod network on premises
TGW = "tgw-0a1b2c3d4e5f60718"  # the transit gateway (assumed; not in the snapshot)
OLD_TGW = "tgw-09f8e7d6c5b4a3921"  # the one the VPC was attached to before (stale_gateway)
EKS_ROLE_ID = "AROAZQ3DPKG5EXAMPLE02"  # the cluster IAM role's unique id (RequesterId "<id>:AmazonEKS")
HTTPS = 443


def build(*, gateway: str = "tgw", admit_pod_cidr: bool = True, routed: tuple[str, ...] = ("node", "pod"),
          stale_gateway: bool = False) -> tuple[Snapshot, dict[str, str]]:
    """``gateway``: ``"tgw"`` (the guide's example) or ``"vgw"``; ``admit_pod_cidr``: whether the
    additional group admits 443 from the pod CIDR; ``routed``: the remote networks the table routes
    to the gateway; ``stale_gateway``: the node route to a former transit gateway (module docstring)."""
    b = AwsRegionBuilder(ACCOUNT, REGION, AZ_IDS)
    vpc = b.vpc(VPC_CIDR, name="hybrid-nodes", dns_support=True, dns_hostnames=True)
    ids = {"vpc": vpc, "main_rt": b.main_route_table(vpc), "default_sg": b.default_group(vpc)}
    subnets = [b.subnet(vpc, f"10.226.{k}.0/24", az=k, name=f"cluster{k}") for k in (1, 2)]
    ids |= {f"cluster{k}": subnet for k, subnet in enumerate(subnets, start=1)}
    if gateway == "tgw":
        target = ids["tgw"] = TGW
        ids["tgw_attachment"] = b.tgw_attachment(vpc, TGW, subnets)
    else:
        target = ids["vgw"] = b.new_id("vgw")
    table = ids["hybrid_rt"] = b.route_table(vpc, subnets=subnets, name="hybrid-nodes")
    for key, cidr in (("node", REMOTE_NODE_CIDR), ("pod", REMOTE_POD_CIDR)):
        if key == "node" and stale_gateway:
            b.route(table, cidr, OLD_TGW, state="blackhole")
        elif key in routed:
            b.route(table, cidr, target)

    sources = [REMOTE_NODE_CIDR, REMOTE_POD_CIDR] if admit_pod_cidr else [REMOTE_NODE_CIDR]
    hybrid_sg = ids["hybrid_sg"] = b.security_group(vpc, name="hybrid-nodes-cluster", ingress=[
        ("tcp", HTTPS, HTTPS, cidr) for cidr in sources])
    b.groups[hybrid_sg] = replace(b.groups[hybrid_sg], description="security group for hybrid nodes")
    eks_name = f"eks-cluster-sg-{CLUSTER}-1234567890"
    eks_sg = ids["eks_sg"] = b.security_group(vpc, name=eks_name, ingress=[("-1", None, None, "self")])
    b.groups[eks_sg] = replace(b.groups[eks_sg], description=(
        "EKS created security group applied to ENI that is attached to EKS Control Plane master nodes, as well as "
        "any managed workloads."))
    b.tag(eks_sg, {"Name": eks_name, f"kubernetes.io/cluster/{CLUSTER}": "owned", "aws:eks:cluster-name": CLUSTER})
    for k, subnet in enumerate(subnets, start=1):
        ids[f"control_plane{k}"] = b.workload(subnet, groups=[eks_sg, hybrid_sg], description=f"Amazon EKS {CLUSTER}",
                                              requester_id=f"{EKS_ROLE_ID}:AmazonEKS")
    return b.snapshot(), ids
