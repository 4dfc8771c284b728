"""Amazon EKS security groups for Pods (EKS User Guide, "Assign security groups to individual
Pods"), the EKS Workshop's ``securitygroups-for-pods`` module with interface endpoints added: every
finding and its verdict (docs/precision.md)."""

from __future__ import annotations

from dataclasses import replace
from functools import cache

from aws_layout import audit, audit_result, region_view, severities
from layouts import eks_security_groups_for_pods
from layouts.eks_security_groups_for_pods import BRANCH_DESCRIPTION, TRUNK_DESCRIPTION

from vpcaudit.network.containers import TRUNK_TAG
from vpcaudit.snapshot.model import Snapshot
from vpcaudit.snapshot.resources import Tag

Triples = set[tuple[str, str, str]]
Built = tuple[Snapshot, dict[str, str]]
NODES_ONLY = {"endpoint_source": "cluster_sg"}
NO_443_OUT = {"pod_egress": "dns_and_mysql"}


@cache
def _built(**options: object) -> Built:
    """One snapshot per variant: several tests read the same one."""
    return eks_security_groups_for_pods.build(**options)  # type: ignore[arg-type]


def _advice(ids: dict[str, str]) -> Triples:
    """Right (advice), medium: POL001 on the S3 gateway endpoint and the three interface endpoints
    (no policy, AWS's default full access); MON001, no flow log. Low: GWE003, DynamoDB traffic, if
    any, pays NAT processing. Info: IFE003 ``ecr:optional`` (no logs endpoint) — the NAT gateway
    carries CloudWatch Logs traffic anyway."""
    return ({("POL001", ids[k], "fail") for k in ("s3", "sts", "ecr.api", "ecr.dkr")}
            | {("MON001", ids["vpc"], "fail"), ("GWE003", ids["vpc"], "fail"), ("IFE003", ids["vpc"], "fail")})


def _single_nat_gateway(ids: dict[str, str]) -> Triples:
    """Right (advice), medium: ``single_nat_gateway = true``, one NAT gateway in us-west-2a for the
    one private table of three AZs: NAT002 on the private subnets of b and c, NAT003 per AZ."""
    return {("NAT002", ids["private2"], "fail"), ("NAT002", ids["private3"], "fail"), ("NAT003", ids["vpc"], "fail")}


def _database_group(ids: dict[str, str]) -> Triples:
    """Right by the catalogue, medium: SG005 on ``eks-workshop-catalog-rds`` — no egress rule, and
    the DB instance's interface is taken for a client of S3 through the gateway endpoint. This
    instance runs MySQL 8.0, whose documented S3 import restores a backup into a new instance (done
    by RDS, not from the instance's interface); the interface cannot say which engine it serves,
    and Aurora MySQL or RDS for PostgreSQL would need the 443 out (see "Noticed and left alone")."""
    return {("SG005", ids["rds_sg"], "fail")}


def _baseline(ids: dict[str, str]) -> Triples:
    return _advice(ids) | _single_nat_gateway(ids) | _database_group(ids)


def test_trunk_and_branch_interfaces_as_describe_network_interfaces_reports_them() -> None:
    """Per node a ``trunk`` interface (``aws-k8s-trunk-eni``, the node's group, attached to the
    node's instance); per selected Pod a ``branch`` interface (``aws-k8s-branch-eni``, the Pod's
    group alone, attached to no instance: it is associated with the trunk). Both are workloads,
    and rightly: the guide says ordinary Pods "are assigned secondary IP addresses from the trunk
    or standard network interfaces", and the branch carries the Pod's own traffic. Before the
    ``SecurityGroupPolicy`` there is no branch, and the audit is the same."""
    snapshot, ids = _built()
    view = region_view(snapshot)
    enis = {e.network_interface_id: e for e in snapshot.accounts[0].regions[0].network_interfaces}
    trunks = [e for e in enis.values() if e.interface_type == "trunk"]
    branches = [e for e in enis.values() if e.interface_type == "branch"]
    assert {(e.description, e.group_ids, e.instance_id is not None) for e in trunks} == {
        (TRUNK_DESCRIPTION, (ids["cluster_sg"],), True)}
    assert len(trunks) == 3
    assert [(e.description, e.group_ids, e.instance_id) for e in branches] == [
        (BRANCH_DESCRIPTION, (ids["pod_sg"],), None)]
    assert all(view.is_workload(e) for e in (*trunks, *branches))
    tags = {t.key: t.value for t in branches[0].tags}
    assert tags["vpcresources.k8s.aws/trunk-eni-id"] == ids["node1_trunk"]
    before, before_ids = _built(pods=0)
    assert audit(before) == _baseline(before_ids)


def test_findings_and_verdicts() -> None:
    """The canonical form. Silent, rightly: SG003/SG006 (443 from the VPC's block admits nodes,
    trunks and the branch), SG005 on the Pods' group (all traffic out) and on the cluster group,
    IFE001/IFE002 (endpoints in all three AZs), GWE001/GWE002 (the S3 gateway endpoint on the
    private table), DNS001-DNS003, ACL001 (the module's allow-all default NACL)."""
    snapshot, ids = _built()
    assert audit(snapshot) == _baseline(ids)
    levels = severities(snapshot)
    assert levels[("SG005", ids["rds_sg"], "")] == "medium"


def test_near_miss_endpoint_group_admits_the_node_group_only() -> None:
    """The endpoints' group admitting 443 from the cluster security group (the nodes') instead of
    the VPC's block. SG003 is rightly silent (the nodes are admitted), and the image pulls are the
    nodes' own (kubelet and containerd on the host), so ECR is not lost. But the catalog Pod's
    branch interface carries only ``eks-workshop-catalog``, so its SDK calls to STS (IAM roles for
    service accounts) are refused. Right, medium: SG006 on the ``sts`` endpoint, its "pods and
    tasks left out on admitted hosts" case, naming the Pod's branch interface. Not ecr.api/ecr.dkr:
    the host pulls the images. Was rule wrong, fixed: SG006 found Pods only among interfaces
    attached to an instance and described ``aws-K8S-…`` or with an ECS attachment, while a branch
    is attached to no instance and described ``aws-k8s-branch-eni``; its node is now the instance
    of the trunk its ``vpcresources.k8s.aws/trunk-eni-id`` tag names."""
    snapshot, ids = _built(**NODES_ONLY)
    assert audit(snapshot) == _baseline(ids) | {("SG006", ids["sts"], "fail")}
    (finding,) = [f for f in audit_result(snapshot).findings if f.rule_id == "SG006"]
    assert ids["pod1"] in finding.message and finding.severity.value == "medium"


def test_a_branch_whose_trunk_was_not_collected_has_no_host() -> None:
    """The near miss above with the trunk's tag naming an interface the snapshot does not hold: no
    node to compare with, so the Pod is not taken for one left out on an admitted host."""
    snapshot, ids = _built(**NODES_ONLY)
    region = snapshot.accounts[0].regions[0]
    tags = tuple(Tag(t.key, "eni-0000000000000000f" if t.key == TRUNK_TAG else t.value)
                 for t in next(e for e in region.network_interfaces if e.network_interface_id == ids["pod1"]).tags)
    enis = tuple(replace(e, tags=tags) if e.network_interface_id == ids["pod1"] else e
                 for e in region.network_interfaces)
    orphaned = replace(snapshot, accounts=(replace(snapshot.accounts[0],
                                                   regions=(replace(region, network_interfaces=enis),)),))
    assert audit(orphaned) == _baseline(ids)


def test_near_miss_pod_group_without_443_egress() -> None:
    """The Pods' group keeping only what the guide requires (TCP and UDP 53 to the cluster
    security group, where CoreDNS runs) and TCP 3306 to the database. Right, medium: SG005 on
    ``eks-workshop-catalog``, naming the sts, ecr.api and ecr.dkr endpoints and the S3 gateway
    endpoint; the Pod's calls to STS leave from its branch interface under either enforcing mode
    (the endpoints are inside the VPC). ECR is named by the catalogue (every workload a client).
    The S3 part holds under ``strict``, the default ("source NAT is disabled … so that outbound
    security group rules are applied"); under the workshop's ``standard`` the Pod's traffic to
    S3's public addresses leaves from the node's primary interface with the node's groups, which
    the snapshot cannot tell (see "Noticed and left alone")."""
    snapshot, ids = _built(**NO_443_OUT)
    assert audit(snapshot) == _baseline(ids) | {("SG005", ids["pod_sg"], "fail")}
    assert severities(snapshot)[("SG005", ids["pod_sg"], "")] == "medium"
