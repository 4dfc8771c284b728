"""The Amazon EFS CSI driver with dynamic provisioning on a private EKS cluster without internet
egress: EKS Blueprints' ``fully-private-cluster``, an EFS file system with a mount target in each
node subnet, and the ``elasticfilesystem`` interface endpoint the driver's controller calls
(us-west-2).

Sources:

- The driver, kubernetes-sigs/aws-efs-csi-driver at v3.4.1
  (3fcc6bdd7533a4cfd15643b31593f7ff154584c9, 2026-07-23):
  ``docs/efs-create-filesystem.md`` ("Create an Amazon EFS file system for Amazon EKS"): a security
  group created with ``aws ec2 create-security-group`` in the cluster's VPC, one inbound rule
  ``--protocol tcp --port 2049 --cidr <the VPC's CIDR>`` ("To further restrict access ... you can
  use the CIDR for your subnet instead of the VPC"), ``aws efs create-file-system``, then
  ``aws efs create-mount-target --security-groups <that group>`` "once for a subnet in each AZ that
  you had a node in"; ``docs/install.md`` (without outbound internet access, the sidecars' images
  from the Region's EKS ECR repositories); ``examples/kubernetes/efs/dynamic_provisioning``
  (``provisioningMode: efs-ap``: each PVC becomes an EFS access point); ``pkg/cloud/cloud.go`` (the
  controller calls the EFS API: CreateAccessPoint, DeleteAccessPoint, DescribeAccessPoints,
  DescribeFileSystems, DescribeMountTargets); the chart's ``node-daemonset.yaml``
  (``hostNetwork: true``: the node plugin's NFS connections leave from the node's own interface)
  and ``values.yaml`` (``controller.hostNetwork: false``: the controller's API calls leave from a
  pod address the VPC CNI assigns on the node's interfaces). The driver's docs name no VPC endpoint.
- EKS User Guide, read in its source, awsdocs/amazon-eks-user-guide at
  4d52b4d05e3478582e7d10a73cbd9ba9194dd5f7 (2024-12-18): "Store an elastic file system with Amazon
  EFS" (https://docs.aws.amazon.com/eks/latest/userguide/efs-csi.html, ``latest/ug/storage/efs-csi.adoc``:
  an IAM role for the ``efs-csi-controller-sa`` service account through IRSA with
  AmazonEFSCSIDriverPolicy, the add-on, the file system as the driver's page above creates it) and
  "Deploy private clusters with limited internet access"
  (https://docs.aws.amazon.com/eks/latest/userguide/private-clusters.html,
  ``latest/ug/clusters/private-clusters.adoc``): "Your cluster's VPC subnets must have a VPC interface
  endpoint for any AWS services that your Pods need access to"; IRSA needs the ``sts`` endpoint; its
  table lists ec2, ecr.api + ecr.dkr + s3, elasticloadbalancing, xray, logs, sts; private DNS names
  recommended; the endpoint group "must allow the CIDR for the subnets, or you must add the created
  node security group"; EFS volumes need the driver's images from the cluster's Region.
- EFS User Guide, current pages read 2026-12-07: "Using VPC security groups"
  (https://docs.aws.amazon.com/efs/latest/ug/network-access.html: the mount target's group must
  allow inbound NFS "from each EC2 instance on which you want to mount the file system", each
  instance's group outbound to the mount target on the NFS port); "Security considerations for
  network access" (https://docs.aws.amazon.com/efs/latest/ug/sg-information.html: TCP 2049, by CIDR
  or by security group); "Managing file system network accessibility"
  (https://docs.aws.amazon.com/efs/latest/ug/manage-fs-access.html: "At a minimum, you should
  create a mount target in each Availability Zone from which you want to access the file system");
  "Working with interface VPC endpoints in Amazon EFS"
  (https://docs.aws.amazon.com/efs/latest/ug/efs-vpc-endpoints.html:
  ``com.amazonaws.region.elasticfilesystem`` "for Amazon EFS API operations", endpoint policies
  supported); the API reference's CreateMountTarget
  (https://docs.aws.amazon.com/efs/latest/ug/API_CreateMountTarget.html: the interface is
  described ``Mount target fsmt-id for file system fs-id``, ``requesterManaged`` true,
  ``requesterId`` ``EFS``).

The network and cluster are EKS Blueprints' ``fully-private-cluster`` exactly as
``eks_blueprints_private`` builds it (its module docstring holds the sources: terraform-aws-eks-
blueprints 98d0eb4, terraform-aws-vpc v5.21.0, terraform-aws-eks v20.37.2): the adopted default
VPC; VPC 10.0.0.0/16 with three private /20s in us-west-2a-c, one local-only table each; the
endpoint group (TCP 443 from 10.0.0.0/16, no egress); the S3 gateway endpoint and eleven interface
endpoints (autoscaling, ecr.api, ecr.dkr, ec2, ec2messages, elasticloadbalancing, sts, kms, logs,
ssm, ssmmessages), private DNS on, no policy; EKS's cluster group and the module's cluster and node
groups; the control plane's two cross-account interfaces; three nodes (one per AZ), each with its
primary interface and a VPC CNI secondary interface, in the node group only (all traffic out).

Added, as the pages above ask:

- ``aws-efs-csi-driver`` as an EKS add-on with an IRSA role (the pattern's ``sts`` endpoint serves
  it). No interface of its own: the node plugin runs in the host network, the controller on the pod
  network (pod addresses on the nodes' interfaces, already built).
- The file system's group (``create-security-group``: AWS's default egress rule kept), name and
  description assumed (``efs-csi-mount-targets``), one inbound rule TCP 2049 from ``nfs_source``:
  ``"vpc"`` (10.0.0.0/16, the driver's page), ``"node_sg"`` (the module's node group, the EFS guide's
  least-privilege form) or ``"eks_sg"`` (EKS's cluster security group — near miss: the module's
  launch template gives the nodes the node group alone).
- A mount target in each private subnet of ``mount_target_azs`` (the nodes are in all three).
- ``"elasticfilesystem"`` appended to the pattern's ``toset([...])`` (``efs_endpoint``), so the module
  creates it like the others: three subnets, the endpoint group, ``private_dns_enabled = true``, no
  ``policy``, Name ``<name>-elasticfilesystem``. ``efs_private_dns=False``: the same endpoint with
  ``private_dns_enabled`` left at the provider's default, false (near miss).

Assumed (no output published):

- A mount target's interface as DescribeNetworkInterfaces reports it (botocore 1.44.18's ec2 model,
  ``NetworkInterface``): InterfaceType ``interface`` (``NetworkInterfaceType`` has no EFS value),
  RequesterManaged true and RequesterId ``EFS`` (CreateMountTarget), the mount target's groups, no
  tags, no instance of the account (Status ``in-use``). Description: public dumps of accounts'
  interfaces show ``EFS mount target for fs-… (fsmt-…)`` while CreateMountTarget documents
  ``Mount target fsmt-… for file system fs-…`` (as in ``lambda_efs_vpc``); ``description`` chooses
  (``"observed"``, the default, or ``"documented"``).
- DescribeVpcEndpointServices for ``com.amazonaws.us-west-2.elasticfilesystem`` (``ServiceDetail``):
  ServiceType Interface, owner ``amazon``, all four AZs, PrivateDnsNames
  ``elasticfilesystem.us-west-2.amazonaws.com`` (the EFS API's Regional name),
  VpcEndpointPolicySupported true (the EFS guide's endpoint-policy section).
- The StorageClass (``provisioningMode: efs-ap``), the PVCs and the access points they become are
  Kubernetes and EFS API data; the snapshot holds none of them, nor the mount targets as such (only
  their interfaces), nor the add-on.

Left out (no rule reads them): the EKS cluster, the add-on, IAM roles, the file system and access
point records, the launch template and Auto Scaling group.
"""

from __future__ import annotations

from dataclasses import replace

from aws_layout import AwsRegionBuilder

from layouts import eks_blueprints_private as eks
from vpcaudit.snapshot.model import Snapshot

EFS = "elasticfilesystem"
EFS_DNS = f"{EFS}.{eks.REGION}.amazonaws.com"  # the EFS API's Regional name
NFS_PORT = 2049
EFS_REQUESTER_ID = "EFS"
FILE_SYSTEM = "fs-0b7d2e4c6a8f13579"
MOUNT_TARGETS = ("fsmt-0a1c3e5b7d9f24680", "fsmt-0c3e5a7b9d1f46802", "fsmt-0e5a7c9b1d3f68024")
MOUNT_TARGET_GROUP = "efs-csi-mount-targets"  # the driver's page leaves SECURITY_GROUP_NAME to the reader (assumed)


def mount_target_description(mount_target: str, form: str = "observed") -> str:
    """The mount target interface's Description: as public dumps show it, or as CreateMountTarget
    documents it."""
    if form == "documented":
        return f"Mount target {mount_target} for file system {FILE_SYSTEM}"
    return f"EFS mount target for {FILE_SYSTEM} ({mount_target})"


def build(*, mount_target_azs: tuple[int, ...] = (1, 2, 3), nfs_source: str = "vpc", efs_endpoint: bool = True,
          efs_private_dns: bool = True, description: str = "observed") -> tuple[Snapshot, dict[str, str]]:
    """The pattern's network, cluster and endpoints, then the file system's group and mount
    targets and the elasticfilesystem endpoint (see the module docstring for the options)."""
    b = AwsRegionBuilder(eks.ACCOUNT, eks.REGION, eks.AZ_IDS)
    # DescribeVpcEndpointServices for elasticfilesystem (assumed, module docstring): every AZ, the API's name.
    b.service(EFS, dns_names=[EFS_DNS])
    ids = eks.network(b)
    vpc = ids["vpc"]
    # The driver adds no interface: node plugin on the host network, controller on the VPC CNI's pod addresses.
    ids |= eks._cluster(b, vpc, ids, 3, False, False)
    ids |= eks._endpoints(b, vpc, ids, leave_out=set(), private_dns=True, endpoint_source="vpc")
    ids |= _file_system(b, vpc, ids, mount_target_azs=mount_target_azs, nfs_source=nfs_source,
                        description=description)
    if efs_endpoint:
        # DescribeVpcEndpoints (botocore's ec2 model, VpcEndpoint): as the pattern's other interface endpoints.
        ids[EFS] = b.interface_endpoint(vpc, EFS, subnets=[ids[f"private{k}"] for k in (1, 2, 3)],
                                        groups=[ids["endpoint_sg"]], private_dns=efs_private_dns)
        b.tag(ids[EFS], {**eks.TAGS, "Name": f"{eks.NAME}-{EFS}"})
    return b.snapshot(), ids


def _file_system(b: AwsRegionBuilder, vpc: str, ids: dict[str, str], *, mount_target_azs: tuple[int, ...],
                 nfs_source: str, description: str) -> dict[str, str]:
    """``efs-create-filesystem.md``: the group (2049 in from ``nfs_source``, AWS's default egress)
    and a mount target in each private subnet of ``mount_target_azs``."""
    source = {"vpc": eks.VPC_CIDR, "node_sg": ids["node_sg"], "eks_sg": ids["eks_sg"]}[nfs_source]
    group = b.security_group(vpc, name=MOUNT_TARGET_GROUP, ingress=[("tcp", NFS_PORT, NFS_PORT, source)])
    b.groups[group] = replace(b.groups[group], description="EFS CSI mount targets")  # assumed
    added = {"mount_target_sg": group}
    for az in mount_target_azs:
        added[f"mount_target{az}"] = b.workload(
            ids[f"private{az}"], groups=[group], requester_managed=True, requester_id=EFS_REQUESTER_ID,
            description=mount_target_description(MOUNT_TARGETS[az - 1], description))
    return added
