"""What the snapshot says about containers in a VPC: ECS task interfaces, container instances, and
the Amazon VPC CNI's secondary interfaces on EKS nodes.

Why a module: ECS on EC2 splits one workload's traffic over two kinds of interface. A task in
``awsvpc`` mode has its own interface (described with its ECS attachment's ARN, ``branch`` under
ENI trunking), but the container instance's agent and Docker daemon — registration with ECS,
image pulls from ECR, the ``awslogs`` driver — send from the instance's own interface. Rules that
ask who must reach an endpoint (SG006) or whether a VPC runs ECS (IFE003) read both from here.
EKS nodes are alike: the VPC CNI's secondary interfaces (described ``aws-K8S-<instance id>``)
carry pods' traffic, while the node's container runtime pulls images from its primary interface;
so do the branch interfaces of security groups for Pods (described ``aws-k8s-branch-eni``),
associated with the node's trunk interface rather than attached to the instance: the VPC resource
controller tags each with the trunk's id (``vpcresources.k8s.aws/trunk-eni-id``), whose attachment
names the node.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING

from vpcaudit.snapshot.resources import tag_value

if TYPE_CHECKING:
    from vpcaudit.network.view import NetworkView
    from vpcaudit.snapshot import resources as r

# How ECS describes a task's (or a trunk's) network interface: its attachment's ARN.
ECS_ATTACHMENT = re.compile(r"arn:aws[a-z-]*:ecs:[a-z0-9-]+:\d{12}:attachment/")
# The VPC CNI's secondary interface on an EKS node ("aws-K8S-" + the node's instance id).
CNI_SECONDARY = re.compile(r"aws-K8S-i-[0-9a-f]+")
# A Pod's branch interface under security groups for Pods (EKS User Guide: "a branch network
# interface with a description of aws-k8s-branch-eni"), and the tag naming the trunk it is
# associated with (the VPC resource controller's; EC2 shows no attachment for a branch).
POD_BRANCH_DESCRIPTION = "aws-k8s-branch-eni"
TRUNK_TAG = "vpcresources.k8s.aws/trunk-eni-id"
# A pod's or task's interface, and the own interfaces of the instance it is attached to.
ContainerOnHost = tuple["r.NetworkInterface", tuple["r.NetworkInterface", ...]]
# Services ECS's control plane answers on (the ECS guide's three interface endpoints).
ECS_SERVICES = frozenset({"ecs", "ecs-agent", "ecs-telemetry"})
# Services a container instance itself calls for its tasks: ECS (the agent), ECR (image pulls by
# the Docker daemon: "If your Amazon ECS tasks are using the EC2 launch type, both endpoints are
# required", ECR's VPC endpoints page) and CloudWatch Logs (the awslogs driver).
CONTAINER_INSTANCE_SERVICES = ECS_SERVICES | {"ecr.api", "ecr.dkr", "logs"}
# Services only the host calls for its containers — the ECS agent, the container runtime's image
# pulls, the SSM Agent — which a pod's or task's own interface never needs.
HOST_ONLY_SERVICES = ECS_SERVICES | {"ecr.api", "ecr.dkr", "ssm", "ssmmessages", "ec2messages"}


def is_ecs_attachment(eni: r.NetworkInterface) -> bool:
    """A task's (or trunk's) interface, created by ECS for one attachment."""
    return bool(ECS_ATTACHMENT.match(eni.description))


def leaves_the_vpc_through_its_node(eni: r.NetworkInterface) -> bool:
    """A VPC CNI secondary interface on an EKS node, whose pods' traffic to addresses outside the
    VPC's CIDR blocks (an AWS service's public addresses) does not leave through it: with the CNI's
    default ``AWS_VPC_K8S_CNI_EXTERNALSNAT=false``, such traffic uses "the security groups and
    subnets of your node's primary network interface. The subnets and security groups defined in
    your ``ENIConfigs`` … aren't used for this traffic" (EKS User Guide, custom networking). The
    node's primary interface, a workload of its own, sends it. External SNAT, which would send it
    from the pod's address, is a setting of the CNI that the snapshot does not hold."""
    return bool(CNI_SECONDARY.fullmatch(eni.description))


def runs_ecs_tasks(view: NetworkView, vpc_id: str) -> bool:
    """Some interface of the VPC belongs to an ECS task (Fargate, or awsvpc on EC2)."""
    return vpc_id in view.memo(_vpcs_with_ecs_tasks)


def container_instance_interfaces(view: NetworkView, vpc_id: str) -> tuple[r.NetworkInterface, ...]:
    """The own interfaces of the VPC's ECS container instances: instances that also hold a task's
    or trunk's interface (bridge-mode instances say nothing about ECS and are not found)."""
    return view.memo(_container_instances_by_vpc).get(vpc_id, ())


def image_pullers(view: NetworkView, enis: Iterable[r.NetworkInterface]) -> tuple[r.NetworkInterface, ...]:
    """The interfaces that pull the images of ``enis``' containers: a task's or pod's interface on
    an instance (an ECS attachment, a VPC CNI secondary interface) is replaced by the instance's
    own interfaces — its container runtime pulls from the host network — while a Fargate task's,
    attached to no instance, pulls for itself, and so does one whose instance's own interface was
    not collected."""
    own = view.memo(_own_interfaces_by_instance)
    out: dict[str, r.NetworkInterface] = {}
    for eni in enis:
        hosts = own.get(_host_instance(view, eni) or "", ()) if _container_interface(eni) else ()
        out.update((e.network_interface_id, e) for e in (hosts or (eni,)))
    return tuple(sorted(out.values(), key=lambda e: e.network_interface_id))


def containers_on_hosts(view: NetworkView, vpc_id: str) -> tuple[ContainerOnHost, ...]:
    """Each pod's or task's interface on an instance of the VPC (a VPC CNI secondary interface, an
    awsvpc task's interface without trunking, a Pod's branch interface on a node's trunk; never a
    trunk), with that instance's own interfaces."""
    return view.memo(_containers_on_hosts, vpc_id)


def _containers_on_hosts(view: NetworkView, vpc_id: str) -> tuple[ContainerOnHost, ...]:
    own = view.memo(_own_interfaces_by_instance)
    return tuple((eni, own.get(host, ())) for eni in view.workload_enis(vpc_id)
                 if _container_interface(eni) and eni.interface_type != "trunk"
                 and (host := _host_instance(view, eni)))


def _container_interface(eni: r.NetworkInterface) -> bool:
    return is_ecs_attachment(eni) or bool(CNI_SECONDARY.fullmatch(eni.description)) or _is_pod_branch(eni)


def _is_pod_branch(eni: r.NetworkInterface) -> bool:
    return eni.interface_type == "branch" and eni.description == POD_BRANCH_DESCRIPTION


def _host_instance(view: NetworkView, eni: r.NetworkInterface) -> str | None:
    """The instance a container's interface runs on: its attachment's, or for a Pod's branch
    interface, that of the trunk its tag names (None when the trunk was not collected)."""
    if eni.instance_id or not _is_pod_branch(eni):
        return eni.instance_id
    trunk = view.interfaces.get(tag_value(eni.tags, TRUNK_TAG) or "")
    return trunk.instance_id if trunk is not None and trunk.interface_type == "trunk" else None


# Region-wide indexes, each built once per view (view.memo): a Region may hold hundreds of VPCs.

def _vpcs_with_ecs_tasks(view: NetworkView) -> frozenset[str]:
    return frozenset(eni.vpc_id for eni in view.interfaces.values() if is_ecs_attachment(eni))


def _own_interfaces_by_instance(view: NetworkView) -> dict[str, tuple[r.NetworkInterface, ...]]:
    """Instance id → its interfaces that are not a container's (task, pod or trunk interfaces)."""
    out: dict[str, list[r.NetworkInterface]] = {}
    for eni in view.interfaces.values():
        if eni.instance_id and not _container_interface(eni):
            out.setdefault(eni.instance_id, []).append(eni)
    return {k: tuple(sorted(v, key=lambda e: e.network_interface_id)) for k, v in out.items()}


def _container_instances_by_vpc(view: NetworkView) -> dict[str, tuple[r.NetworkInterface, ...]]:
    """VPC id → the own ``interface``-typed interfaces of the instances holding an ECS attachment."""
    hosts = {eni.instance_id for eni in view.interfaces.values() if eni.instance_id and is_ecs_attachment(eni)}
    own = view.memo(_own_interfaces_by_instance)
    out: dict[str, list[r.NetworkInterface]] = {}
    for host in hosts:
        for eni in own.get(host or "", ()):
            if eni.interface_type == "interface":
                out.setdefault(eni.vpc_id, []).append(eni)
    return {k: tuple(sorted(v, key=lambda e: e.network_interface_id)) for k, v in out.items()}
