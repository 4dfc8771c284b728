"""Two Amazon ECS services on Fargate connected by ECS Service Connect in private subnets without
internet access (Amazon ECS Developer Guide, "Service Connect" and "Amazon ECS interface VPC
endpoints"; aws-ia/ecs-blueprints): every finding and its verdict (docs/precision.md)."""

from __future__ import annotations

from dataclasses import replace
from functools import cache

from aws_layout import region_view, severities
from layouts import ecs_service_connect_private
from layouts.ecs_service_connect_private import SERVICE_PORT

from vpcaudit.snapshot.model import Snapshot

Severities = dict[tuple[str, str, str], str]
Built = tuple[Snapshot, dict[str, str]]
NO_SERVICE_CONNECT_ENDPOINT = {"service_connect_endpoint": False}
BACKEND_CLOSED = {"backend_admits_frontend": False}
NO_LOGS_ENDPOINT = {"logs_endpoint": False}
INTERFACES = ("ecr.api", "ecr.dkr", "logs", "ecs-agent")


@cache
def _built(**options: object) -> Built:
    """One snapshot per variant: several tests read the same one."""
    return ecs_service_connect_private.build(**options)  # type: ignore[arg-type]


def _ecs_bundle(ids: dict[str, str]) -> tuple[str, str, str]:
    """IFE003's ECS bundle, started by ``ecs-agent``: what the rule said here before it knew Service
    Connect on Fargate (see ``test_findings_and_verdicts``)."""
    return ("IFE003", ids["vpc"], "ecs:required")


def _settled(snapshot: Snapshot, ids: dict[str, str]) -> Severities:
    """The failing findings by (rule, resource, discriminator), without the ECS bundle `ecs-agent` alone once started,
    so that the near misses pin what they change whether or not IFE003 is fixed."""
    found = severities(snapshot)
    found.pop(_ecs_bundle(ids), None)
    return found


def _advice(ids: dict[str, str], endpoints: tuple[str, ...] = (*INTERFACES, "s3")) -> Severities:
    """Right (advice), medium: the endpoints keep AWS's default full-access policy (the ECR guide
    and the ECS guide give scoped policies as an option; whether ``ecs-agent`` accepts one is the
    builders' catalogue's word, as in the earlier ECS layouts); no flow log on the VPC."""
    return {**{("POL001", ids[e], ""): "medium" for e in endpoints}, ("MON001", ids["vpc"], ""): "medium"}


def _logs_optional(ids: dict[str, str]) -> Severities:
    """Right, info: ECR image pulls without the ``logs`` endpoint. The ECS guide says that without
    an internet gateway, tasks using ``awslogs`` "must" have the CloudWatch Logs endpoint; their
    containers then fail to start, the driver unable to reach the log group. Info is all the
    snapshot supports: it holds no task definition, so nothing says ``awslogs`` is used."""
    return {("IFE003", ids["vpc"], "ecr:optional"): "info"}


def test_the_snapshot_as_aws_reports_it() -> None:
    """Three private subnets in three AZs on one table with no route beyond the VPC; four interface
    endpoints in all three, private DNS on, behind the endpoints' group, which admits 443 from both
    task groups; the backend's group admitting the frontend's on the Service Connect port only. The
    tasks' interfaces: requester-managed ``interface`` ENIs described by their ECS attachment, on no
    instance, one per task, and workloads."""
    snapshot, ids = _built()
    region = snapshot.accounts[0].regions[0]
    assert not region.internet_gateways and not region.nat_gateways
    assert sorted(s.availability_zone_id for s in region.subnets) == ["use1-az1", "use1-az2", "use1-az4"]
    endpoints = {e.vpc_endpoint_id: e for e in region.vpc_endpoints}
    private = sorted(ids[f"private{k}"] for k in (1, 2, 3))
    for key in INTERFACES:
        endpoint = endpoints[ids[key]]
        assert (endpoint.service_name, endpoint.private_dns_enabled, endpoint.group_ids) \
            == (f"com.amazonaws.us-east-1.{key}", True, (ids["endpoint_sg"],))
        assert sorted(endpoint.subnet_ids) == private
    groups = {g.group_id: g for g in region.security_groups}
    ingress = {(x.ip_protocol, x.from_port, x.to_port, x.referenced_group_id)
               for g in ("endpoint_sg", "backend_sg", "frontend_sg") for x in groups[ids[g]].rules if not x.is_egress}
    assert ingress == {("tcp", 443, 443, ids["frontend_sg"]), ("tcp", 443, 443, ids["backend_sg"]),
                       ("tcp", SERVICE_PORT, SERVICE_PORT, ids["frontend_sg"])}
    tasks = list(region_view(snapshot).workload_enis(ids["vpc"]))
    assert sorted(e.network_interface_id for e in tasks) \
        == sorted(ids[f"{service}{k}"] for service in ("frontend", "backend") for k in (1, 2, 3))
    assert {(e.interface_type, e.requester_managed, e.instance_id) for e in tasks} == {("interface", True, None)}
    assert all(e.description.startswith("arn:aws:ecs:us-east-1:123456789012:attachment/") for e in tasks)


def test_findings_and_verdicts() -> None:
    """The canonical form: POL001 ×5 and MON001 only. (IFE003 reported the ECS bundle "ECS container
    instances (EC2 launch type)" started by ``ecs-agent`` and missing ``ecs`` and ``ecs-telemetry``,
    high: rule wrong, fixed.) The VPC has no container instance: its ECS interfaces are Fargate
    tasks on no instance. The ECS guide's Fargate considerations say
    Fargate tasks don't require the ECS endpoints, and that Service Connect's management of the
    Envoy proxy uses ``ecs-agent`` — which is why this VPC holds it alone. Silent, rightly:
    SG003/SG005 (the endpoints admit both task groups, which send everything), IFE001/IFE002
    (endpoints in all three AZs), the ECR bundle (``ecr.dkr``, ``ecr.api``, the S3 gateway endpoint
    on the tasks' table), DNS001-DNS003 (DNS attributes and private DNS on; the HTTP namespace has no
    zone), NAT and GWE rules (no NAT; S3 through its gateway endpoint)."""
    snapshot, ids = _built()
    assert severities(snapshot) == _advice(ids)


def test_ecs_agent_alone_before_any_task_still_starts_the_ecs_bundle() -> None:
    """The other side: the same network before any task runs (the stack deployed ahead of its
    services). Nothing says the ECS tasks will be Fargate's, so ``ecs-agent`` alone still starts the
    container-instance bundle, missing ``ecs`` and ``ecs-telemetry``, as the catalogue reads it."""
    snapshot, ids = _built()
    account = snapshot.accounts[0]
    region = account.regions[0]
    bare = replace(snapshot, accounts=(replace(account, regions=(replace(region, network_interfaces=tuple(
        e for e in region.network_interfaces if e.interface_type == "vpc_endpoint")),)),))
    assert _ecs_bundle(ids) in severities(bare)
    assert _settled(bare, ids) == _advice(ids)


def test_near_miss_service_connect_endpoint_missing() -> None:
    """The ``ecs-agent`` endpoint left out: the proxies' management falls back to the public
    ``ecs-sc`` endpoint, which the isolated subnets cannot reach, so the Service Connect proxies
    get no configuration and the tasks' calls to ``http://ecsdemo-backend:3000`` fail. A gap,
    pinned: the audit is the plain Fargate one (no ECS bundle either way). No
    rule knows a VPC uses Service Connect: the proxy is a container of the task, on the task's
    interface, and the snapshot holds neither services nor the Cloud Map namespace (an HTTP
    namespace has no Route 53 zone to see)."""
    snapshot, ids = _built(**NO_SERVICE_CONNECT_ENDPOINT)
    assert severities(snapshot) == _advice(ids, ("ecr.api", "ecr.dkr", "logs", "s3"))
    assert "ecs-agent" not in ids


def test_near_miss_backend_does_not_admit_the_frontend() -> None:
    """The backend's group without the frontend group's rule on 3000, the Service Connect port:
    the frontend proxies' connections to the backend proxies time out. A gap, pinned: the audit is
    the canonical one. No rule judges reachability between two workloads' groups (SG003/SG005
    judge endpoints and their clients); the snapshot holds no Service Connect configuration saying
    which tasks call which on what port."""
    snapshot, ids = _built(**BACKEND_CLOSED)
    assert _settled(snapshot, ids) == _advice(ids)
    groups = {g.group_id: g for g in snapshot.accounts[0].regions[0].security_groups}
    assert not [x for x in groups[ids["backend_sg"]].rules if not x.is_egress]


def test_near_miss_logs_endpoint_missing() -> None:
    """The CloudWatch Logs endpoint left out: IFE003's ECR bundle names it as optional, info
    (``_logs_optional``)."""
    snapshot, ids = _built(**NO_LOGS_ENDPOINT)
    assert _settled(snapshot, ids) == _advice(ids, ("ecr.api", "ecr.dkr", "ecs-agent", "s3")) | _logs_optional(ids)
