"""Karpenter on an EKS cluster without internet access, with the VPC endpoints Karpenter's
"Private Clusters" section lists (ec2, ecr.api, ecr.dkr, s3, sts, ssm, sqs, eks): every finding
and its verdict (docs/precision.md)."""

from __future__ import annotations

from functools import cache

from aws_layout import audit, region_view, severities
from layouts import karpenter_private_cluster as layout

from vpcaudit.rules.ife.ife003_endpoint_bundle_incomplete import BUNDLES
from vpcaudit.snapshot.model import Snapshot

Triples = set[tuple[str, str, str]]
Built = tuple[Snapshot, dict[str, str]]
POLICY_ENDPOINTS = ("s3", *layout.INTERFACE_SERVICES)  # every one supports endpoint policies


@cache
def _built(**options: object) -> Built:
    """One snapshot per variant: several tests read the same one."""
    return layout.build(**options)  # type: ignore[arg-type]


def _advice(ids: dict[str, str], *, leave_out: tuple[str, ...] = ()) -> Triples:
    """Right, as advice. POL001 (medium) on the S3 gateway endpoint and on each interface endpoint:
    the page's ``create-vpc-endpoint`` command passes no ``--policy-document``, so each keeps AWS's
    default full-access policy. MON001 (medium): nothing creates a flow log."""
    return {("POL001", ids[key], "fail") for key in POLICY_ENDPOINTS if key not in leave_out} | {
        ("MON001", ids["vpc"], "fail")}


def _logs_endpoint(ids: dict[str, str]) -> Triples:
    """Right (advice), info: the ECR bundle (ecr.dkr, ecr.api, S3 gateway) is complete, and no
    ``logs`` endpoint sits beside it. The EKS private-clusters page asks for ``logs`` only for node
    and pod logs sent to CloudWatch Logs, which the getting-started cluster does not ship; the
    finding's reason names ECS's awslogs driver, which EKS does not use (see "Noticed")."""
    return {("IFE003", ids["vpc"], "fail")}


def _canonical(ids: dict[str, str], *, leave_out: tuple[str, ...] = ()) -> Triples:
    return _advice(ids, leave_out=leave_out) | _logs_endpoint(ids)


def test_the_snapshot_is_what_the_pages_describe() -> None:
    """Three private subnets with a local-only table each (plus the S3 route), no way out; the
    seven interface endpoints in all three, private DNS on, in the endpoint group, which admits TCP
    443 from the cluster security group only; every node interface (managed and Karpenter's) in
    that group, and the control plane's interfaces not counted as workloads."""
    snapshot, ids = _built()
    region = snapshot.accounts[0].regions[0]
    assert not region.internet_gateways and not region.nat_gateways
    tables = {t.route_table_id: t for t in region.route_tables}
    for k in (1, 2, 3):
        assert {route.target_id for route in tables[ids[f"private{k}_rt"]].routes} == {"local", ids["s3"]}
    endpoints = {e.vpc_endpoint_id: e for e in region.vpc_endpoints}
    for service in layout.INTERFACE_SERVICES:
        endpoint = endpoints[ids[service]]
        assert (set(endpoint.subnet_ids), endpoint.group_ids, endpoint.private_dns_enabled) == (
            {ids[f"private{k}"] for k in (1, 2, 3)}, (ids["endpoint_sg"],), True)
    groups = {g.group_id: g for g in region.security_groups}
    ingress = [(x.ip_protocol, x.from_port, x.to_port, x.referenced_group_id)
               for x in groups[ids["endpoint_sg"]].rules if not x.is_egress]
    assert ingress == [("tcp", 443, 443, ids["cluster_sg"])]
    view = region_view(snapshot)
    workloads = {e.network_interface_id: e for e in view.workload_enis(ids["vpc"])}
    nodes = [f"{kind}{n}{suffix}" for kind, count in (("managed", 2), ("karpenter", 3)) for n in range(1, count + 1)
             for suffix in ("", "_cni")]
    assert set(workloads) == {ids[key] for key in nodes}
    assert {workloads[ids[key]].group_ids for key in nodes} == {(ids["cluster_sg"],)}
    karpenter_tags = {t.key: t.value for t in workloads[ids["karpenter1"]].tags}
    assert karpenter_tags["karpenter.sh/nodepool"] == "default"


def test_findings_and_verdicts() -> None:
    """The canonical form: POL001 ×8, MON001, IFE003 (info, ``ecr:optional``). Silent, rightly:
    the ECR bundle complete with the S3 route on every private table (IFE003 ``ecr:required``,
    GWE001), no NAT or route out (NAT001-NAT003, GWE002/GWE003), endpoint interfaces in every
    client AZ (IFE001/IFE002), TCP 443 from exactly the group every node carries (SG001-SG006),
    DNS support, hostnames and private DNS on (DNS001-DNS003), AWS's default NACL (ACL001), no
    policy document (POL002-POL005). No finding names the pricing API: it has no endpoint, and
    ``isolatedVPC`` turns Karpenter's calls to it off."""
    snapshot, ids = _built()
    assert audit(snapshot) == _canonical(ids)
    levels = severities(snapshot)
    assert levels[("IFE003", ids["vpc"], "ecr:optional")] == "info"
    assert {levels[("POL001", ids[key], "")] for key in POLICY_ENDPOINTS} == {"medium"}


def test_karpenter_ssm_endpoint_starts_no_session_manager_bundle() -> None:
    """The ``ssm`` endpoint here serves Karpenter's ``GetParameter`` calls (AMI aliases), not
    Session Manager, and ``ssmmessages``/``ec2messages`` are absent. Silent, rightly: IFE003 starts
    its Session Manager bundle only on ``ssmmessages`` or ``ec2messages`` (the channels the SSM
    Agent opens; Systems Manager's VPC endpoint page), so a lone ``ssm`` endpoint asks for nothing
    more, and Security Hub's EC2.57-style reasoning (``ssm`` means Systems Manager) is not applied."""
    snapshot, ids = _built()
    session_manager = next(b for b in BUNDLES if b.slug == "session-manager")
    assert "ssm" not in session_manager.triggers and "ssm" in session_manager.required
    assert not [key for key in severities(snapshot) if key[2].startswith("session-manager")]
    assert ("POL001", ids["ssm"], "fail") in audit(snapshot)


def test_near_miss_ssm_left_out() -> None:
    """No ``ssm`` endpoint: Karpenter resolves the NodeClass's ``al2023@…`` alias with SSM
    ``GetParameter``, which cannot leave the isolated subnets, so the NodeClass never resolves an AMI
    and no node is launched. A gap, pinned: the audit is the canonical one minus ``ssm``'s POL001.
    IFE003 does not take ``ssm`` for Session Manager here (its bundle needs a trigger), and rightly;
    but it knows no Karpenter bundle either, and the snapshot cannot tell an alias NodeClass (needs
    ``ssm``) from one selecting AMIs by id or tag (EC2 ``DescribeImages`` only)."""
    snapshot, ids = _built(leave_out=("ssm",))
    assert audit(snapshot) == _canonical(ids, leave_out=("ssm",))
    assert not [key for key in severities(snapshot) if key[2].startswith("session-manager")]


def test_near_miss_sqs_left_out() -> None:
    """No ``sqs`` endpoint while ``settings.interruptionQueue`` is set: the interruption controller's
    ``ReceiveMessage`` calls time out, so Spot interruption warnings, rebalance recommendations and
    scheduled-maintenance events go unhandled (nodes are not drained ahead of them); provisioning
    keeps working. A gap, pinned: nothing records the queue or Karpenter's setting."""
    snapshot, ids = _built(leave_out=("sqs",))
    assert audit(snapshot) == _canonical(ids, leave_out=("sqs",))
    assert "sqs" not in ids


def test_near_miss_ec2_left_out() -> None:
    """No ``ec2`` endpoint: Karpenter's start-up ``DescribeInstanceTypes`` check fails and the
    controller exits; the VPC CNI cannot attach interfaces or assign pod addresses either, and the
    EKS page asks for ``ec2`` with the EKS optimized AMI. A gap, pinned (as in
    ``eks_blueprints_private``): IFE003 has no EKS or Karpenter bundle, and the remaining endpoints'
    findings are unchanged."""
    snapshot, ids = _built(leave_out=("ec2",))
    assert audit(snapshot) == _canonical(ids, leave_out=("ec2",))
    assert {key[2] for key in severities(snapshot) if key[0] == "IFE003"} == {"ecr:optional"}
