"""Amazon EKS security groups for Pods: the EKS Workshop's ``securitygroups-for-pods`` module on the
workshop cluster, with the interface endpoints of the EKS private-clusters page added (us-west-2).

Sources:

- the EKS User Guide, "Assign security groups to individual Pods"
  (https://docs.aws.amazon.com/eks/latest/userguide/security-groups-for-pods.html; awsdocs/amazon-eks-user-guide
  ``latest/ug/networking/security-groups-for-pods.adoc`` at ee606ae9c93585273d475fa1227f1af02e967785),
  its "Configure" page (``security-groups-pods-deployment.adoc`` at 390223ef50785e42bd70f41d6d5216d8261b1627)
  and its ``SecurityGroupPolicy`` page (``sg-pods-example-deployment.adoc`` at
  a6d0846dfa0325403f3078b372c6a69d8e10a948): with ``ENABLE_POD_ENI=true`` the VPC resource controller
  "creates and attaches one special network interface called a trunk network interface with the
  description ``aws-k8s-trunk-eni``"; for a Pod a ``SecurityGroupPolicy`` selects it creates "a
  branch network interface with a description of ``aws-k8s-branch-eni`` and associates the security
  groups to it". The Pod's groups "must allow inbound communication from the security group
  applied to your nodes (for ``kubelet``) over any ports that you've configured probes for" and
  "outbound communication over TCP and UDP ports 53" to CoreDNS's group, which must admit them.
  With ``POD_SECURITY_GROUP_ENFORCING_MODE=strict`` (the default) "source NAT is disabled for
  outbound traffic from Pods with assigned security groups so that outbound security group rules
  are applied"; with ``standard``, "Pod traffic destined for outside of the VPC is translated to
  the IP address of the instance's primary network interface", whose groups then apply.
- aws-samples/eks-workshop-v2: the cluster, ``cluster/terraform/vpc.tf`` (37d91b5130ef46bca7ea4a7a1238242801dfa73f),
  ``eks.tf`` (6ceb52f28575a48fc9b4b6b5b8a50c4db63688aa), ``variables.tf`` (b3e973a447748d9658c1b6359b986b4b3e8051c2):
  VPC ``var.vpc_cidr`` 10.42.0.0/16, three AZs, public subnets ``cidrsubnet(cidr, 3, k)``, private
  ``cidrsubnet(cidr, 3, k + 3)``, ``single_nat_gateway = true``, ``enable_dns_hostnames``, the
  default NACL, route table and group managed (the group without rules); terraform-aws-eks ``~>
  19.16`` with ``create_cluster_security_group = false`` and ``create_node_security_group = false``
  (so the nodes carry EKS's cluster security group alone), the ``vpc-cni`` add-on with
  ``ENABLE_POD_ENI = "true"``, ``ENABLE_PREFIX_DELEGATION = "true"``,
  ``POD_SECURITY_GROUP_ENFORCING_MODE = "standard"``; managed node group ``default``, three m5.large
  (trunking-compatible). The module, ``manifests/modules/networking/securitygroups-for-pods``:
  ``.workshop/terraform/main.tf`` (611623b7dff89caf6db870258c7844d92d0f0a8f) adds TCP and UDP 53 from the
  VPC's block to the cluster security group; ``preprovision/main.tf``
  (b96726cf5ab2dc850136cc5f32d38d3af8a1ee18) the catalog's MySQL instance (``db.t4g.micro``, private
  subnets) behind ``<cluster>-catalog-rds`` (TCP 3306 from the Pods' group only, no egress rule:
  terraform-aws-modules/security-group 5.3.0 with no ``egress_rules``) and the Pods' group
  ``<cluster>-catalog`` ("Applied to catalog application pods": TCP 8080 from the VPC's block, all
  traffic out); ``sg/policy.yaml`` (68159b0919c06a8f02a8a3f8dea629205b9652f4) the ``SecurityGroupPolicy``
  ``catalog-rds-access`` giving the catalog's service Pods that group.
- aws/amazon-vpc-resource-controller-k8s ``pkg/provider/branch/trunk/trunk.go``
  (07fa1fcfeaa04efb2c8e1471716b7669cab7f815) and ``pkg/config`` (the tag keys): the trunk is created
  and attached to the instance at a free device index with InterfaceType ``trunk`` and "the
  instance's current security groups"; a branch is created with ``CreateNetworkInterface`` in the
  node's subnet with the Pod's groups, tagged ``vpcresources.k8s.aws/vlan-id`` and
  ``vpcresources.k8s.aws/trunk-eni-id`` (a "workaround, as describe trunk association is not
  supported with assumed role"), then associated with the trunk (EC2
  ``AssociateTrunkInterface``; botocore's ``TrunkInterfaceAssociation``: BranchInterfaceId,
  TrunkInterfaceId, InterfaceProtocol VLAN, VlanId).

The interface endpoints are not in the workshop, which reaches AWS through its NAT gateway. Added
(assumed), after the EKS User Guide's private-clusters page
(https://docs.aws.amazon.com/eks/latest/userguide/private-clusters.html, current page, read
2026-12-06), which lists the endpoints a cluster's nodes and Pods use: ``sts`` (IAM roles for
service accounts), ``ecr.api`` and ``ecr.dkr`` (image pulls) in the three private subnets, private
DNS on, AWS's default policy, behind one group ``eks-workshop-vpc-endpoints`` admitting TCP 443 from
10.42.0.0/16 (as EKS Blueprints' ``fully-private-cluster`` writes it), no egress rule; the S3
gateway endpoint on the private route table.

What DescribeNetworkInterfaces shows (botocore's ec2 model, ``NetworkInterface``), assumed where
no source says:

- a node's primary interface: ``interface``, the cluster security group, attached to its
  instance; the VPC CNI's secondary interface as ``eks_blueprints_private`` models it
  (``aws-K8S-<instance id>``);
- the trunk: InterfaceType ``trunk`` (the enum's value), Description ``aws-k8s-trunk-eni`` (the
  guide), the node's groups (the controller), attached to the node's instance (so InstanceId
  set), not requester-managed (the cluster role's ``AmazonEKSVPCResourceController`` policy
  creates it; assumed), tags ``eks:eni:owner = eks-vpc-resource-controller`` and
  ``kubernetes.io/cluster/<name> = owned`` (the controller's config keys; assumed on the trunk);
- a branch: InterfaceType ``branch``, Description ``aws-k8s-branch-eni``, the Pod's groups alone,
  no ``Attachment`` (it is associated with the trunk, not attached to an instance: InstanceId
  absent; EC2 documents the association through DescribeTrunkInterfaceAssociations, not in the
  interface), Status ``in-use`` (assumed), not requester-managed (assumed), the two
  ``vpcresources.k8s.aws/`` tags and the owner and cluster tags (assumed);
- the control plane's two interfaces, ``Amazon EKS eks-workshop``, in the cluster security group;
- the DB instance's, requester-managed by ``amazon-rds``, ``RDSNetworkInterface``, in
  ``private1`` (single-AZ: the RDS module's ``multi_az`` defaults to false).

One catalog Pod (assumed; the module's deployment is the workshop's catalog component) runs on the
node in ``private1``.

Near misses: ``endpoint_source="cluster_sg"`` — the endpoints' group admits 443 from the cluster
security group (the nodes' group) instead of the VPC's block; ``pod_egress="dns_and_mysql"`` — the
Pods' group keeps only the guide's required egress (TCP and UDP 53 to the cluster security group,
which runs CoreDNS) and TCP 3306 to the database's group, no 443; ``enforcing_mode`` only names
which of the guide's modes the verdicts assume (the snapshot holds no CNI setting).
"""

from __future__ import annotations

from dataclasses import replace

from aws_layout import AwsRegionBuilder

from layouts.eks_blueprints_private import DEFAULT_ENTRIES, cidrsubnet
from layouts.tf_vpc_module import module_defaults
from vpcaudit.snapshot.model import Snapshot

ACCOUNT = "111122223333"
REGION = "us-west-2"
NAME = "eks-workshop"
AZ_IDS = ("usw2-az2", "usw2-az1", "usw2-az3")  # this account's us-west-2a-c (assumed)
VPC_CIDR = "10.42.0.0/16"
TAGS = {"created-by": "eks-workshop-v2", "env": NAME}
INTERFACE_SERVICES = ("sts", "ecr.api", "ecr.dkr")
TRUNK_DESCRIPTION = "aws-k8s-trunk-eni"
BRANCH_DESCRIPTION = "aws-k8s-branch-eni"
CONTROLLER_TAGS = {"eks:eni:owner": "eks-vpc-resource-controller", f"kubernetes.io/cluster/{NAME}": "owned"}
ANY4 = "0.0.0.0/0"


def build(*, endpoint_source: str = "vpc", pod_egress: str = "all", nodes: int = 3, pods: int = 1
          ) -> tuple[Snapshot, dict[str, str]]:
    """``endpoint_source``: ``"vpc"`` (443 from the VPC's block) or ``"cluster_sg"`` (from the nodes'
    group); ``pod_egress``: ``"all"`` (the module) or ``"dns_and_mysql"`` (the guide's DNS rules and
    the database's port only); ``pods``: catalog Pods with a branch interface (0: before the
    ``SecurityGroupPolicy``)."""
    b = AwsRegionBuilder(ACCOUNT, REGION, AZ_IDS)
    vpc = b.vpc(VPC_CIDR, name=NAME, dns_support=True, dns_hostnames=True)
    b.tag(vpc, TAGS)
    main_rt, default_sg, default_acl = module_defaults(b, vpc, DEFAULT_ENTRIES)
    ids = {"vpc": vpc, "main_rt": main_rt, "default_sg": default_sg, "default_acl": default_acl}
    for k in range(3):
        az = f"{REGION}{'abc'[k]}"
        ids[f"public{k + 1}"] = b.subnet(vpc, cidrsubnet(VPC_CIDR, 3, k), az=k + 1, name=f"{NAME}-SubnetPublic-{az}")
        ids[f"private{k + 1}"] = b.subnet(vpc, cidrsubnet(VPC_CIDR, 3, k + 3), az=k + 1,
                                          name=f"{NAME}-SubnetPrivate-{az}")
    private = [ids[f"private{k}"] for k in (1, 2, 3)]
    ids["igw"] = b.igw(vpc)
    ids["nat"] = b.nat(ids["public1"])
    ids["public_rt"] = b.route_table(vpc, subnets=[ids[f"public{k}"] for k in (1, 2, 3)],
                                     routes={ANY4: ids["igw"]}, name=f"{NAME}-public")
    ids["private_rt"] = b.route_table(vpc, subnets=private, routes={ANY4: ids["nat"]}, name=f"{NAME}-private")

    # EKS's cluster security group (the only one: the module creates neither of its own), with the
    # module's DNS rules from the VPC's block.
    cluster_sg = ids["cluster_sg"] = b.security_group(
        vpc, name=f"eks-cluster-sg-{NAME}-1234567890",
        ingress=[("-1", None, None, "self"), ("udp", 53, 53, VPC_CIDR), ("tcp", 53, 53, VPC_CIDR)],
        egress=[("-1", None, None, ANY4)])
    pod_out = ([("-1", None, None, ANY4)] if pod_egress == "all" else
               [("tcp", 53, 53, cluster_sg), ("udp", 53, 53, cluster_sg)])
    pod_sg = ids["pod_sg"] = b.security_group(vpc, name=f"{NAME}-catalog", ingress=[("tcp", 8080, 8080, VPC_CIDR)],
                                              egress=pod_out)
    rds_sg = ids["rds_sg"] = b.security_group(vpc, name=f"{NAME}-catalog-rds", ingress=[("tcp", 3306, 3306, pod_sg)],
                                              egress=[])
    if pod_egress != "all":
        b.authorize(pod_sg, egress=[("tcp", 3306, 3306, rds_sg)])

    for n in (1, 2):
        ids[f"control_plane{n}"] = b.workload(ids[f"private{n}"], groups=[cluster_sg], description=f"Amazon EKS {NAME}")
    for n in range(1, nodes + 1):
        subnet = private[(n - 1) % 3]
        instance = f"i-0{n}7c2e9a4b6d8f1e3"  # 17 hex digits
        ids[f"node{n}"] = b.workload(subnet, groups=[cluster_sg])
        ids[f"node{n}_cni"] = b.workload(subnet, groups=[cluster_sg], description=f"aws-K8S-{instance}")
        b.tag(ids[f"node{n}_cni"], {"eks:eni:owner": "amazon-vpc-cni", "node.k8s.amazonaws.com/instance_id": instance,
                                    "cluster.k8s.amazonaws.com/name": NAME})
        ids[f"node{n}_trunk"] = b.workload(subnet, groups=[cluster_sg], interface_type="trunk",
                                           description=TRUNK_DESCRIPTION)
        b.tag(ids[f"node{n}_trunk"], CONTROLLER_TAGS)
        for key in ("", "_cni", "_trunk"):
            b.enis[ids[f"node{n}{key}"]] = replace(b.enis[ids[f"node{n}{key}"]], instance_id=instance)
    for p in range(1, pods + 1):
        branch = ids[f"pod{p}"] = b.workload(private[(p - 1) % 3], groups=[pod_sg], interface_type="branch",
                                             description=BRANCH_DESCRIPTION)
        b.tag(branch, {"vpcresources.k8s.aws/vlan-id": str(p),
                       "vpcresources.k8s.aws/trunk-eni-id": ids[f"node{(p - 1) % 3 + 1}_trunk"], **CONTROLLER_TAGS})
    ids["db"] = b.workload(private[0], groups=[rds_sg], requester_managed=True, requester_id="amazon-rds",
                           description="RDSNetworkInterface")

    source = VPC_CIDR if endpoint_source == "vpc" else cluster_sg
    endpoint_sg = ids["endpoint_sg"] = b.security_group(vpc, name=f"{NAME}-vpc-endpoints",
                                                        ingress=[("tcp", 443, 443, source)], egress=[])
    ids["s3"] = b.gateway_endpoint(vpc, "s3", route_tables=[ids["private_rt"]])
    for service in INTERFACE_SERVICES:
        ids[service] = b.interface_endpoint(vpc, service, subnets=private, groups=[endpoint_sg])
    return b.snapshot(), ids
