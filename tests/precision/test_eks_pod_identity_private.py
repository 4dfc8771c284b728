"""EKS Pod Identity on EKS Blueprints' private cluster, with the eks-auth interface endpoint the EKS
User Guide's private-clusters page asks for: every finding and its verdict (docs/precision.md)."""

from __future__ import annotations

from functools import cache

from aws_layout import audit, audit_result, region_view, severities
from layouts import eks_blueprints_private, eks_pod_identity_private
from layouts.eks_pod_identity_private import EKS_AUTH, EKS_AUTH_DNS

from vpcaudit.snapshot.model import Snapshot

Triples = set[tuple[str, str, str]]
Built = tuple[Snapshot, dict[str, str]]
# The endpoints whose services support endpoint policies (ssmmessages and ec2messages do not; eks-auth
# assumed to, module docstring).
POLICY_ENDPOINTS = ("s3", "autoscaling", "ecr.api", "ecr.dkr", "ec2", "elasticloadbalancing", "sts", "kms", "logs",
                    "ssm")
EKS_AUTH_LEFT_OUT = {"eks_auth": False}
EKS_AUTH_PRIVATE_DNS_OFF = {"eks_auth_private_dns": False}
EKS_AUTH_ADMITS_CLUSTER_SG = {"eks_auth_source": "cluster_sg"}


@cache
def _built(**options: object) -> Built:
    """One snapshot per variant: several tests read the same one."""
    return eks_pod_identity_private.build(**options)  # type: ignore[arg-type]


def _advice(ids: dict[str, str], *, eks_auth: bool = True) -> Triples:
    """Right (advice), medium, as for the pattern alone: POL001 on the S3 gateway endpoint and each
    interface endpoint whose service supports endpoint policies, eks-auth among them (no ``policy``:
    AWS's default full access; the EKS PrivateLink page recommends endpoint policies). MON001:
    ``enable_flow_log`` defaults to false."""
    keys = (*POLICY_ENDPOINTS, EKS_AUTH) if eks_auth else POLICY_ENDPOINTS
    return {("POL001", ids[key], "fail") for key in keys} | {("MON001", ids["vpc"], "fail")}


def _vpc_interfaces(snapshot: Snapshot, vpc_id: str) -> list[tuple[str, str, bool, tuple[tuple[str, str], ...]]]:
    """The VPC's interfaces other than endpoints', by what could name a feature: type, description
    (instance ids kept), requester-managed, tags."""
    return sorted((e.interface_type, e.description, e.requester_managed,
                   tuple(sorted((t.key, t.value) for t in e.tags)))
                  for e in snapshot.accounts[0].regions[0].network_interfaces
                  if e.vpc_id == vpc_id and e.interface_type != "vpc_endpoint")


def test_the_eks_auth_endpoint_as_the_module_creates_it() -> None:
    """``eks-auth`` appended to the pattern's list: in the three private subnets, the endpoint group
    (443 from the VPC's block), private DNS on, its service's name the EKS Auth API's
    ``eks-auth.us-west-2.api.aws``."""
    snapshot, ids = _built()
    region = snapshot.accounts[0].regions[0]
    endpoint = next(e for e in region.vpc_endpoints if e.vpc_endpoint_id == ids[EKS_AUTH])
    assert endpoint.service_name == "com.amazonaws.us-west-2.eks-auth"
    assert (set(endpoint.subnet_ids), endpoint.group_ids, endpoint.private_dns_enabled) == (
        {ids[f"private{k}"] for k in (1, 2, 3)}, (ids["endpoint_sg"],), True)
    service = next(s for s in region.endpoint_services if s.service_name == endpoint.service_name)
    assert service.private_dns_names == (EKS_AUTH_DNS,)


def test_nothing_in_the_network_says_pod_identity_is_used() -> None:
    """The agent runs with ``hostNetwork: true`` and calls the EKS Auth API from the node's own
    interface; nothing is created or tagged for it. The VPC's interfaces (endpoints' aside) are those
    of the pattern without Pod Identity, one for one, and the view knows the VPC only as an EKS
    cluster's (its control-plane interfaces). Whether the add-on runs, and whether any association
    exists, is EKS API data (DescribeAddon, ListPodIdentityAssociations) the snapshot does not hold."""
    snapshot, ids = _built()
    plain, plain_ids = eks_blueprints_private.build()
    assert _vpc_interfaces(snapshot, ids["vpc"]) == _vpc_interfaces(plain, plain_ids["vpc"])
    assert ids["vpc"] in region_view(snapshot).eks_cluster_vpc_ids


def test_findings_and_verdicts() -> None:
    """The canonical form: POL001 ×11 and MON001, advice. Silent, rightly: IFE003 (the ECR and
    Session Manager bundles complete; the agent's image comes from ECR like the other add-ons'),
    SG003/SG006 on eks-auth (443 from 10.0.0.0/16 admits every node, the agent's source), SG005 (the
    node group sends everything), IFE001/IFE002 (eks-auth in the three AZs of the nodes), DNS003
    (private DNS on: ``eks-auth.us-west-2.api.aws`` answers with the endpoint), SG001/SG002/SG004,
    ACL001, GWE001-GWE003, NAT001-NAT003, DNS001/DNS002, RT001."""
    snapshot, ids = _built()
    assert audit(snapshot) == _advice(ids)
    levels = severities(snapshot)
    assert levels[("POL001", ids[EKS_AUTH], "")] == "medium"


def test_near_miss_eks_auth_left_out() -> None:
    """The pattern's endpoint list as published, the Pod Identity add-on and an association added:
    every Pod using the association gets no credentials, since the agent cannot reach the EKS Auth API
    from subnets with no route out ("For private clusters, the eks-auth endpoint in AWS PrivateLink is
    required", pod-id-agent-setup). A gap, pinned: the audit is the canonical one less eks-auth's
    POL001. IFE003's bundles start from endpoints or from workloads the snapshot recognises; nothing in
    the network shows the agent (see above), so no bundle can ask for eks-auth."""
    snapshot, ids = _built(**EKS_AUTH_LEFT_OUT)
    assert EKS_AUTH not in ids
    assert audit(snapshot) == _advice(ids, eks_auth=False)


def test_near_miss_eks_auth_private_dns_off() -> None:
    """eks-auth created with private DNS off. Right, medium: the agent resolves
    ``eks-auth.us-west-2.api.aws`` to public addresses the isolated subnets cannot reach, so the
    endpoint is never used and Pod Identity fails; the private-clusters page recommends private DNS
    so that workloads keep using the default names. The finding names the api.aws name."""
    snapshot, ids = _built(**EKS_AUTH_PRIVATE_DNS_OFF)
    assert audit(snapshot) == _advice(ids) | {("DNS003", ids[EKS_AUTH], "fail")}
    assert severities(snapshot)[("DNS003", ids[EKS_AUTH], "")] == "medium"
    finding = next(f for f in audit_result(snapshot).findings if f.rule_id == "DNS003")
    assert EKS_AUTH_DNS in finding.message


def test_near_miss_eks_auth_admits_only_the_cluster_security_group() -> None:
    """eks-auth in a group of its own admitting TCP 443 from EKS's cluster security group only, while
    the module's launch template gives the nodes the node group alone: the agent's calls from the
    nodes are refused. Right, high: SG003 says the endpoint is reachable only from members of EKS's
    cluster group, which no workload interface carries (the control plane's interfaces, its only
    members, are rightly no workloads). The page's alternatives are the subnets' CIDR or "the created
    node security group"."""
    snapshot, ids = _built(**EKS_AUTH_ADMITS_CLUSTER_SG)
    assert audit(snapshot) == _advice(ids) | {("SG003", ids[EKS_AUTH], "fail")}
    assert severities(snapshot)[("SG003", ids[EKS_AUTH], "")] == "high"
    finding = next(f for f in audit_result(snapshot).findings if f.rule_id == "SG003")
    assert ids["eks_sg"] in finding.message


def test_near_miss_cluster_group_only_before_the_node_group() -> None:
    """The same group before the node group runs: no workload interface in the VPC, so nobody is
    refused yet and SG003 stays silent, as it does for the pattern's endpoints (see the Blueprints
    layout). Right: the fault shows once the nodes start, as the test above pins."""
    snapshot, ids = _built(nodes=0, **EKS_AUTH_ADMITS_CLUSTER_SG)
    assert audit(snapshot) == _advice(ids)
