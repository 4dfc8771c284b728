"""An Amazon ECS service on Fargate with ECS Exec in private subnets without internet access
(Amazon ECS Developer Guide, "Monitor Amazon ECS containers with ECS Exec" and "Amazon ECS
interface VPC endpoints"; aws-containers/amazon-ecs-exec-checker; aws-ia/ecs-blueprints):
every finding and its verdict (docs/precision.md)."""

from __future__ import annotations

from dataclasses import replace
from functools import cache

from aws_layout import audit, audit_result, region_view
from layouts import ecs_exec_fargate_private
from layouts.ecs_exec_fargate_private import ECR_LAYERS_ONLY, INTERFACES, REGION

from vpcaudit.engine.rule import Status
from vpcaudit.snapshot.model import Snapshot

Triples = set[tuple[str, str, str]]
Built = tuple[Snapshot, dict[str, str]]
NO_EXEC_ENDPOINT = {"exec_endpoint": False}
EXEC_ENDPOINT_IN_DEFAULT_GROUP = {"exec_endpoint_group": "default"}
S3_FOR_ECR_LAYERS_ONLY = {"s3_policy": "ecr-layers"}
# ssmmessages supports no endpoint policy (DescribeVpcEndpointServices), so POL001 leaves it alone.
WITH_POLICIES = ("ecr.api", "ecr.dkr", "logs")


@cache
def _built(**options: object) -> Built:
    """One snapshot per variant: several tests read the same one."""
    return ecs_exec_fargate_private.build(**options)  # type: ignore[arg-type]


def _advice(ids: dict[str, str], endpoints: tuple[str, ...] = (*WITH_POLICIES, "s3")) -> Triples:
    """Right (advice), medium: the blueprint's endpoints module gives no ``policy``, so every
    endpoint that takes one keeps AWS's default full access (the ECR guide offers a scoped S3
    policy as an option); ssmmessages takes none and is rightly left out. MON001: nothing in the
    blueprint creates a flow log."""
    return {("POL001", ids[e], "fail") for e in endpoints} | {("MON001", ids["vpc"], "fail")}


def _exec_optional_members(ids: dict[str, str]) -> Triples:
    """IFE003 ``session-manager:optional``, info: ssmmessages in a VPC running ECS tasks is read
    as ECS Exec, and the bundle lists ``kms`` as optional. For
    ``kms``, Right (advice): the ECS Exec page asks for the KMS endpoint when sessions are
    encrypted with a KMS key, and the cluster's ``executeCommandConfiguration`` is not in the
    snapshot. ``ssm`` and ``ec2messages`` no longer listed: a rule fix (``test_exec_optional_members_…``)."""
    return {("IFE003", ids["vpc"], "fail")}


def test_the_snapshot_as_aws_reports_it() -> None:
    """Three private subnets in three AZs on one table with no route beyond the VPC; four interface
    endpoints in all three, private DNS on, behind the endpoints' group, which admits 443 from the
    VPC's block; the tasks' interfaces requester-managed ``interface`` ENIs described by their ECS
    attachment, on no instance, one per subnet, and the VPC's only workloads."""
    snapshot, ids = _built()
    region = snapshot.accounts[0].regions[0]
    assert not region.internet_gateways and not region.nat_gateways
    assert sorted(s.availability_zone_id for s in region.subnets) == ["usw2-az1", "usw2-az2", "usw2-az3"]
    endpoints = {e.vpc_endpoint_id: e for e in region.vpc_endpoints}
    private = sorted(ids[f"private{k}"] for k in (1, 2, 3))
    for key in INTERFACES:
        endpoint = endpoints[ids[key]]
        assert (endpoint.service_name, endpoint.private_dns_enabled, endpoint.group_ids) \
            == (f"com.amazonaws.{REGION}.{key}", True, (ids["endpoint_sg"],))
        assert sorted(endpoint.subnet_ids) == private
    assert endpoints[ids["s3"]].route_table_ids == (ids["private_rt"],)
    tasks = list(region_view(snapshot).workload_enis(ids["vpc"]))
    assert sorted(e.network_interface_id for e in tasks) == sorted(ids[f"task{k}"] for k in (1, 2, 3))
    assert {(e.interface_type, e.requester_managed, e.instance_id, e.group_ids) for e in tasks} \
        == {("interface", True, None, (ids["task_sg"],))}
    assert all(e.description.startswith(f"arn:aws:ecs:{REGION}:123456789012:attachment/") for e in tasks)


def test_findings_and_verdicts() -> None:
    """The canonical form: POL001 ×4, MON001, IFE003 info. Silent, rightly: SG003/SG005 (the
    endpoints admit the VPC's block; the tasks send everything), SG006 (no task left out),
    IFE001/IFE002 (endpoints in all three AZs), IFE003's ECR bundle (ecr.dkr, ecr.api, the S3
    gateway endpoint on the tasks' table; ``logs`` present, so no ``ecr:optional``) and ECS bundle
    (no ECS endpoint, no container instance), DNS001-DNS003, NAT and GWE rules (no NAT; S3
    through its gateway endpoint), POL006 (the S3 endpoint's default policy serves the layers)."""
    snapshot, ids = _built()
    assert audit(snapshot) == _advice(ids) | _exec_optional_members(ids)


def _exec_optional(snapshot: Snapshot) -> list[str]:
    (finding,) = [f for f in audit_result(snapshot).findings
                  if f.rule_id == "IFE003" and f.discriminator == "session-manager:optional"
                  and f.status is Status.FAIL]
    return list(finding.evidence["missing"])  # type: ignore[arg-type]


def test_exec_optional_members_are_kms_alone_without_instances() -> None:
    """Right, after a rule fix (IFE003 offered ``ssm`` and ``ec2messages`` too). The VPC's only
    ssmmessages callers are Fargate tasks (interfaces with an ECS attachment ARN, on no instance),
    and no interface of the VPC is attached to an EC2 instance. ECS Exec's agent runs in the task
    with the task role, which the ECS Exec page gives the four ``ssmmessages:`` channel actions and
    nothing else — it cannot call ``ssm`` or ``ec2messages``, which serve managed nodes. With no
    instance in the VPC, the info names ``kms`` alone, and its fix creates no ssm or ec2messages
    endpoint (three AZs, about $22/month each)."""
    snapshot, _ = _built()
    assert _exec_optional(snapshot) == ["kms"]


def _with_an_instance(snapshot: Snapshot, ids: dict[str, str]) -> Snapshot:
    """The same VPC with an EC2 instance in it: the first task's subnet also holds an instance's
    primary interface (an ``interface`` ENI attached to ``i-…``, not requester-managed)."""
    account = snapshot.accounts[0]
    region = account.regions[0]
    (task,) = [e for e in region.network_interfaces if e.network_interface_id == ids["task1"]]
    instance = replace(task, network_interface_id="eni-0e1c2a3b4d5f60718", instance_id="i-0e1c2a3b4d5f60718",
                       requester_managed=False, requester_id=None, description="",
                       private_ip_addresses=("10.0.0.250",))
    region = replace(region, network_interfaces=(*region.network_interfaces, instance))
    return replace(snapshot, accounts=(replace(account, regions=(region,)),))


def test_exec_optional_members_beside_an_ec2_instance() -> None:
    """The other side of the fix: where an EC2 instance runs beside the tasks it may be a managed
    node, and ``ssm`` (and ``ec2messages``, for agents older than 3.3.40.0) stay optional."""
    snapshot, ids = _built()
    assert _exec_optional(_with_an_instance(snapshot, ids)) == ["ec2messages", "kms", "ssm"]


def test_near_miss_exec_endpoint_missing() -> None:
    """No ``ssmmessages`` endpoint — the blueprint's own endpoint list, without its NAT gateway:
    the tasks' agents cannot open their channel and ``execute-command`` fails. A gap, pinned: the
    audit is the canonical one without the IFE003 info. Nothing in the snapshot says ECS Exec is
    on: ``enableExecuteCommand`` is a field of the ECS service and task, the logging and KMS
    configuration one of the cluster, and none is collected; with no Session Manager endpoint no
    IFE003 bundle starts (``ssm`` — here absent — would not start one either: Parameter Store
    secrets use it alone)."""
    snapshot, ids = _built(**NO_EXEC_ENDPOINT)
    assert audit(snapshot) == _advice(ids)
    assert "ssmmessages" not in ids


def test_near_miss_exec_endpoint_in_the_default_group() -> None:
    """The ``ssmmessages`` endpoint created without a group, so in the VPC's default group, which
    admits its own members only; the tasks carry ``ecsdemo-backend``. SG003 on ssmmessages, high:
    Right — no group of the endpoint admits a client, the agent's control channel times out and
    ``execute-command`` fails. SG002 on the default group, medium: Right (advice) — all traffic
    from itself on an endpoint that takes TCP 443; its fix gives the endpoint a group of its own."""
    snapshot, ids = _built(**EXEC_ENDPOINT_IN_DEFAULT_GROUP)
    blocked = {("SG003", ids["ssmmessages"], "fail"), ("SG002", ids["default_sg"], "fail")}
    assert audit(snapshot) == _advice(ids) | _exec_optional_members(ids) | blocked


def test_near_miss_session_logs_to_s3_behind_an_ecr_only_policy() -> None:
    """The cluster logging sessions to an S3 bucket while the S3 gateway endpoint carries the ECR
    guide's minimal policy (``s3:GetObject`` on the layer bucket only): image layers arrive, the
    session logs' ``PutObject`` to the customer's bucket is denied by the endpoint. A gap, pinned:
    the audit is the canonical one less POL001 on the S3 endpoint. POL006 is rightly silent (the
    layers are allowed); no rule knows the exec logging bucket, which is in the cluster's
    ``executeCommandConfiguration``, not in the snapshot."""
    snapshot, ids = _built(**S3_FOR_ECR_LAYERS_ONLY)
    assert audit(snapshot) == _advice(ids, WITH_POLICIES) | _exec_optional_members(ids)
    (s3,) = [e for e in snapshot.accounts[0].regions[0].vpc_endpoints if e.vpc_endpoint_id == ids["s3"]]
    assert s3.policy_document == ECR_LAYERS_ONLY
