"""AWS Verified Access giving users an internal application: a load-balancer endpoint whose
interfaces sit in the private subnets before an internal ALB and an ECS on Fargate service
(awslabs/aws-verified-access-poc-terraform; the Verified Access User Guide's endpoint pages): every
finding and its verdict (docs/precision.md)."""

from __future__ import annotations

from dataclasses import replace
from functools import cache

from aws_layout import audit, region_view, severities
from layouts import verified_access_eni
from layouts.verified_access_eni import HTTP, HTTPS, VA_MANAGED_TAG, VPC_CIDR

from vpcaudit.snapshot import resources as r
from vpcaudit.snapshot.model import Snapshot

Triples = set[tuple[str, str, str]]
Built = tuple[Snapshot, dict[str, str]]
POC_VERBATIM = {"alb_source": "vpc-cidr"}
ENDPOINT_IN_ONE_AZ = {"endpoint_azs": (1,)}
WITH_TASK_ENDPOINTS = {"task_endpoints": True}
TIGHT_EGRESS_WITH_ENDPOINTS = {"task_endpoints": True, "endpoint_egress": "alb"}


@cache
def _built(**options: object) -> Built:
    """One snapshot per variant: several tests read the same one."""
    return verified_access_eni.build(**options)  # type: ignore[arg-type]


def _va_enis(snapshot: Snapshot) -> list[r.NetworkInterface]:
    return [e for e in snapshot.accounts[0].regions[0].network_interfaces
            if r.tag_value(e.tags, "VerifiedAccessManaged") == "true"]


def _flow_logs(ids: dict[str, str]) -> Triples:
    """Right, medium: the PoC creates no flow log (terraform-aws-modules/vpc's ``enable_flow_log``
    stays false)."""
    return {("MON001", ids["vpc"], "fail")}


def _nat_processing(ids: dict[str, str]) -> Triples:
    """Right (advice), medium and low: the task's S3 and DynamoDB traffic, if any, leaves through
    the NAT gateways and pays their processing; the PoC has no gateway endpoint."""
    return {("GWE002", ids["vpc"], "fail"), ("GWE003", ids["vpc"], "fail")}


def _baseline(ids: dict[str, str]) -> Triples:
    return _flow_logs(ids) | _nat_processing(ids)


def _with_endpoints(ids: dict[str, str]) -> Triples:
    """The companions' findings. Right, medium: MON001. Right (advice), low: GWE003 (no DynamoDB
    gateway endpoint). Right (advice), medium: POL001 on ``ecr.api``, ``ecr.dkr`` and ``s3``, AWS's
    default full-access policy (``ssmmessages`` takes none). Right (advice), info: IFE003 — ECR's
    optional ``logs`` (the PoC's awslogs go to us-east-1, so a us-west-2 endpoint would not serve
    them anyway) and Session Manager's optional ``kms``/``logs``. GWE002 is gone: the S3 gateway
    endpoint is on both private tables."""
    return (_flow_logs(ids) | {("GWE003", ids["vpc"], "fail"), ("IFE003", ids["vpc"], "fail")}
            | {("POL001", ids[k], "fail") for k in ("ecr.api", "ecr.dkr", "s3")})


def test_verified_access_interfaces_as_describe_network_interfaces_reports_them() -> None:
    """One interface per endpoint subnet, typed ``interface`` (botocore's NetworkInterfaceType has
    no Verified Access value), tagged ``VerifiedAccessManaged: true``, in the endpoint's group, on
    no instance, not requester-managed (assumed, module docstring). The endpoint's group admits 443
    from anywhere (users arrive from the internet through Verified Access) and the ALB's group
    admits 443 from it, the task's group 80 from the ALB's."""
    snapshot, ids = _built()
    enis = _va_enis(snapshot)
    assert sorted(e.subnet_id for e in enis) == sorted([ids["private1"], ids["private2"]])
    assert {(e.interface_type, e.group_ids, e.instance_id, e.requester_managed, e.description)
            for e in enis} == {("interface", (ids["endpoint_sg"],), None, False, "")}
    assert all(dict((t.key, t.value) for t in e.tags) == VA_MANAGED_TAG for e in enis)
    groups = {g.group_id: g for g in snapshot.accounts[0].regions[0].security_groups}
    assert [(x.from_port, x.cidr_ipv4) for x in groups[ids["endpoint_sg"]].rules if not x.is_egress] \
        == [(HTTPS, "0.0.0.0/0")]
    assert [(x.from_port, x.referenced_group_id) for x in groups[ids["alb_sg"]].rules if not x.is_egress] \
        == [(HTTPS, ids["endpoint_sg"])]
    assert [(x.from_port, x.referenced_group_id) for x in groups[ids["task_sg"]].rules if not x.is_egress] \
        == [(HTTP, ids["alb_sg"])]


def test_findings_and_verdicts() -> None:
    """The canonical form: MON001 (medium), GWE002 (medium), GWE003 (low). Silent, rightly: SG001
    to SG006, IFE001-IFE006, POL001-POL006, DNS003 (no VPC endpoint to judge; the endpoint's group
    open to 0.0.0.0/0 on 443 is Verified Access's front, no VPC endpoint's); NAT001-NAT005 (a NAT
    gateway in each AZ, each private table on its own AZ's); RT001; ACL001 (the default NACL)."""
    snapshot, ids = _built()
    assert audit(snapshot) == _baseline(ids)
    levels = severities(snapshot)
    assert (levels[("GWE002", ids["vpc"], "")], levels[("GWE003", ids["vpc"], "")]) == ("medium", "low")


def test_the_application_in_one_az_goes_unreported() -> None:
    """The PoC's service runs one task (``service_desired_count = 1``), in us-west-2a: the
    application stops with that AZ though the ALB and the endpoint span two. A gap, pinned (advice
    at most): no rule judges where an application's targets run; the task's interface is a
    workload, and the audit is the canonical one."""
    snapshot, ids = _built()
    view = region_view(snapshot)
    tasks = [e for e in view.workload_enis(ids["vpc"]) if e.description.startswith("arn:aws:ecs:")]
    assert [e.subnet_id for e in tasks] == [ids["private1"]]
    assert audit(snapshot) == _baseline(ids)


def test_near_miss_alb_admitting_the_vpc_block() -> None:
    """The PoC verbatim: ``ava-app1-alb-sg`` admits TCP 443 from 10.0.0.0/24, not from the
    endpoint's group. It works — Verified Access's interfaces have addresses in that block — but
    any interface of the VPC reaches the application around Verified Access's policy, the opposite
    of what the endpoint is for. A gap, pinned: the audit is the canonical one; the rules judge
    VPC endpoints' groups, not an application's, and the snapshot holds no Verified Access endpoint
    to say which group should be the source."""
    snapshot, ids = _built(**POC_VERBATIM)
    groups = {g.group_id: g for g in snapshot.accounts[0].regions[0].security_groups}
    assert [(x.from_port, x.cidr_ipv4) for x in groups[ids["alb_sg"]].rules if not x.is_egress] \
        == [(HTTPS, VPC_CIDR)]
    assert audit(snapshot) == _baseline(ids)


def test_near_miss_endpoint_in_one_az() -> None:
    """The endpoint given only the private subnet of us-west-2a (``subnet_ids`` takes "one subnet
    per Availability Zone", none required beyond one): one Verified Access interface, while the
    ALB has a node in each AZ. A gap, pinned: the guide states no AZ requirement, so a finding would
    be advice; IFE001/IFE002 judge VPC endpoints only."""
    snapshot, ids = _built(**ENDPOINT_IN_ONE_AZ)
    assert [e.subnet_id for e in _va_enis(snapshot)] == [ids["private1"]]
    assert audit(snapshot) == _baseline(ids)


def test_with_the_tasks_endpoints_the_open_egress_hides_the_question() -> None:
    """Companion endpoints for the task (``ecr.api``, ``ecr.dkr``, ``ssmmessages``, S3 gateway),
    their group admitting 443 from the task's group only. Verified Access's interfaces are no
    workloads (on no instance, tagged ``VerifiedAccessManaged: true``), and the findings are the
    companions' own."""
    snapshot, ids = _built(**WITH_TASK_ENDPOINTS)
    view = region_view(snapshot)
    assert _va_enis(snapshot) and not any(view.is_workload(e) for e in _va_enis(snapshot))
    assert audit(snapshot) == _with_endpoints(ids)


def test_near_miss_tight_endpoint_egress_is_no_client_cut_off() -> None:
    """The endpoint's group sending TCP 443 to the ALB's group only (what a load-balancer endpoint
    needs), with the task's endpoints present. A Verified Access endpoint sends "application
    requests … to a load balancer" (Verified Access endpoints): its interfaces call no AWS service
    from the VPC, so they are no client of ``ecr.api``, ``ecr.dkr`` or ``ssmmessages``, and only the
    companions' findings stand. (SG005 called ``ava-app1-endpoint-sg`` a client group cut off from
    the endpoints: rule wrong, fixed — the network model recognises the interfaces as it does
    FSx's, by tag on no instance: ``VerifiedAccessManaged: true``, the tag the service-linked
    role's policy limits it to.)"""
    snapshot, ids = _built(**TIGHT_EGRESS_WITH_ENDPOINTS)
    view = region_view(snapshot)
    assert not any(view.is_workload(e) for e in _va_enis(snapshot))
    assert audit(snapshot) == _with_endpoints(ids)


def test_the_tag_is_what_tells_them_apart() -> None:
    """The other side: the same interfaces without the ``VerifiedAccessManaged`` tag are plain
    interfaces on no instance — workloads, as any the snapshot cannot place — and SG005 judges their
    group (medium), as it would a client's; without the companion endpoints the tight egress draws
    nothing."""
    snapshot, ids = _built(**TIGHT_EGRESS_WITH_ENDPOINTS)
    untagged = _without_tag(snapshot)
    assert audit(untagged) == _with_endpoints(ids) | {("SG005", ids["endpoint_sg"], "fail")}
    assert severities(untagged)[("SG005", ids["endpoint_sg"], "")] == "medium"
    bare, bare_ids = _built(endpoint_egress="alb")
    assert audit(bare) == _baseline(bare_ids)


def _without_tag(snapshot: Snapshot) -> Snapshot:
    account = snapshot.accounts[0]
    region = account.regions[0]
    interfaces = tuple(replace(e, tags=tuple(t for t in e.tags if t.key != "VerifiedAccessManaged"))
                       for e in region.network_interfaces)
    return replace(snapshot, accounts=(replace(account, regions=(replace(region, network_interfaces=interfaces),)),))
