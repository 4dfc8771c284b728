"""AWS Step Functions from isolated subnets: a Lambda function in a VPC without internet access
starting executions through the ``states`` interface endpoint (AWS Solutions Constructs,
aws-lambda-stepfunctions with ``deployVpc``), activity workers on the same endpoint, and the
``sync-states`` endpoint Synchronous Express Workflows need (Step Functions Developer Guide,
"Creating Amazon VPC endpoints for Step Functions"): every finding and its verdict
(docs/precision.md)."""

from __future__ import annotations

import json
from functools import cache

from aws_layout import audit, audit_result, region_view, severities
from layouts import step_functions_private
from layouts.step_functions_private import STATES_HOSTNAME, SYNC_HOSTNAME, VPC_CIDR

from vpcaudit.network.dns import authority, service_hostnames
from vpcaudit.snapshot.model import Snapshot

Triples = set[tuple[str, str, str]]
Built = tuple[Snapshot, dict[str, str]]
WORKERS = {"activity_workers": True}
SYNC_ENDPOINT = {"sync_endpoint": True}
DEFAULT_GROUP_ADMITTED = {"endpoint_source": "default"}
FUNCTION_GROUP_ONLY = {"activity_workers": True, "endpoint_source": "function"}
GUIDE_POLICY = {"policy": "guide"}


@cache
def _built(**options: object) -> Built:
    """One snapshot per variant: several tests read the same one."""
    return step_functions_private.build(**options)  # type: ignore[arg-type]


def _full_access(ids: dict[str, str], *keys: str) -> Triples:
    """Right (advice), medium: the construct sets no ``PolicyDocument``, so the endpoint keeps
    AWS's default full-access policy, while the guide's endpoint-policy page shows how to name
    principals and actions. Any credentials, another account's included, reach any state
    machine or activity through this private path."""
    return {("POL001", ids[key], "fail") for key in keys or ("states",)}


def test_the_snapshot_is_the_construct() -> None:
    """The builder against the synthesised template: two isolated subnets on a table each with
    the local route only, no gateway, the flow log, the default group stripped of its rules,
    the endpoint's group admitting TCP 443 from the VPC's block, and the endpoint in both
    subnets with private DNS on and no policy of its own."""
    snapshot, ids = _built()
    region = snapshot.accounts[0].regions[0]
    (vpc,) = region.vpcs
    assert (vpc.cidr_blocks, vpc.enable_dns_support, vpc.enable_dns_hostnames) == ((VPC_CIDR,), True, True)
    assert not region.internet_gateways and not region.nat_gateways
    tables = {t.route_table_id: t for t in region.route_tables}
    for az in (1, 2):
        assert [(x.destination, x.target_kind) for x in tables[ids[f"isolated_rt{az}"]].routes] == [(VPC_CIDR, "local")]
    assert [(f.resource_id, f.traffic_type) for f in region.flow_logs] == [(ids["vpc"], "ALL")]
    groups = {g.group_id: g for g in region.security_groups}
    assert groups[ids["default_sg"]].rules == ()
    assert sorted((x.is_egress, x.ip_protocol, x.from_port, x.cidr_ipv4) for x in groups[ids["endpoint_sg"]].rules) \
        == [(False, "tcp", 443, VPC_CIDR), (True, "-1", None, "0.0.0.0/0")]
    (endpoint,) = region.vpc_endpoints
    assert (endpoint.service_name, endpoint.private_dns_enabled, endpoint.subnet_ids, endpoint.group_ids) \
        == ("com.amazonaws.us-east-1.states", True, tuple(sorted((ids["isolated1"], ids["isolated2"]))),
            (ids["endpoint_sg"],))
    assert json.loads(endpoint.policy_document or "{}")["Statement"][0]["Principal"] == "*"


def test_findings_and_verdicts() -> None:
    """The canonical form, with and without the activity workers: POL001 only. Silent, rightly:
    MON001 (the construct's flow log, ALL traffic); SG001-SG006 (443 from the VPC's block admits
    the function's and the workers' interfaces, and every client group sends anywhere); ACL001
    (default NACL); IFE001/IFE002 (the endpoint in both AZs of its clients); IFE003-IFE006;
    DNS001-DNS005 (both attributes on, private DNS on, no zone); GWE and NAT rules (no route
    beyond the VPC: nothing leaves for S3 or DynamoDB); RT001."""
    for options in ({}, WORKERS):
        snapshot, ids = _built(**options)
        assert audit(snapshot) == _full_access(ids)
        assert severities(snapshot)[("POL001", ids["states"], "")] == "medium"
    view = region_view(_built(**WORKERS)[0])
    ids = _built(**WORKERS)[1]
    clients = {e.network_interface_id for e in view.client_enis(ids["vpc"], "states")}
    assert clients == {ids[key] for key in ("lambda_eni1", "lambda_eni2", "worker1", "worker2")}


def test_synchronous_express_calls_leave_the_vpc_unanswered() -> None:
    """The names the ``states`` endpoint's private DNS answers: ``states.us-east-1.amazonaws.com``
    only. ``StartSyncExecution`` and ``TestState`` go to ``sync-states.us-east-1.amazonaws.com``
    (botocore's host prefix ``sync-``), a name of the separate ``sync-states`` service, which the
    construct does not create. In this VPC that name resolves to the public addresses, which the
    isolated subnets cannot reach, so a synchronous Express start from the function times out
    while ``StartExecution`` works.

    A gap, pinned: nothing fires. No record of the VPC says a state machine is Express or is
    started synchronously: the state machine is no network resource, and the API reference says
    ``StartSyncExecution`` is not logged in CloudTrail, so not even a trail would show it. Only the
    VPC's DNS query logs would (``sync-states`` queries answered publicly). A rule could only
    guess from the ``states`` endpoint alone, which would be wrong for every Standard-only user."""
    snapshot, ids = _built()
    view = region_view(snapshot)
    assert view.service(view.endpoints[ids["states"]]).hostnames == (STATES_HOSTNAME,)
    assert {STATES_HOSTNAME, SYNC_HOSTNAME} <= set(service_hostnames(view))
    states = authority(view, ids["vpc"], STATES_HOSTNAME)
    assert (states.kind, states.endpoint) == ("endpoint", view.endpoints[ids["states"]])
    assert authority(view, ids["vpc"], SYNC_HOSTNAME).kind == "public"
    assert audit(snapshot) == _full_access(ids)


def test_near_miss_with_the_sync_states_endpoint() -> None:
    """The ``sync-states`` endpoint added beside ``states`` (same subnets, group, private DNS):
    its name now resolves to it, and the audit adds POL001 on it and nothing else — **Right
    (advice)**, the same default policy. No IFE005: two services, not a duplicate."""
    snapshot, ids = _built(**SYNC_ENDPOINT)
    view = region_view(snapshot)
    sync = authority(view, ids["vpc"], SYNC_HOSTNAME)
    assert (sync.kind, sync.endpoint) == ("endpoint", view.endpoints[ids["sync_states"]])
    assert audit(snapshot) == _full_access(ids, "states", "sync_states")


def test_near_miss_endpoint_admitting_the_default_group() -> None:
    """The endpoint's group admitting TCP 443 from the VPC's default group instead of the VPC's
    block: SG003, high — **Right**. The construct empties the default group and puts the
    function on a group of its own, so no interface carries the admitted group: every call from
    the function (and the workers) times out at the endpoint, and private DNS leaves no other
    way. The message names the default group; the fix admits 443 from the VPC's block."""
    for options in (DEFAULT_GROUP_ADMITTED, {**DEFAULT_GROUP_ADMITTED, **WORKERS}):
        snapshot, ids = _built(**options)
        assert audit(snapshot) == _full_access(ids) | {("SG003", ids["states"], "fail")}
        assert severities(snapshot)[("SG003", ids["states"], "")] == "high"
        finding = next(f for f in audit_result(snapshot).findings if f.rule_id == "SG003")
        assert f"reachable only from members of {ids['default_sg']}" in finding.message
        assert [(s.action, s.parameters) for s in finding.fix] == [
            ("ec2:AuthorizeSecurityGroupIngress", {"GroupId": ids["endpoint_sg"], "IpPermissions": [
                {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "IpRanges": [{"CidrIp": VPC_CIDR}]}]})]


def test_near_miss_endpoint_admitting_the_function_group_only() -> None:
    """The endpoint's group admitting TCP 443 from the function's group only (CDK's
    ``allowDefaultPortFrom(fn)`` shape) while EC2 activity workers poll ``GetActivityTask`` from
    a group of their own: the workers' long polls and ``SendTaskSuccess`` time out, the activity
    task waits until its ``TimeoutSeconds`` and the execution fails.

    A gap, pinned: the audit is the canonical one. The network model counts the workers among
    the endpoint's possible clients, but SG006 by design does not second-guess a rule naming a
    group of the VPC (it knows which clients are sure to call a service only for ECS, ECR, Logs
    and pods); nothing in the snapshot says these instances call Step Functions — an activity
    ARN lives in the worker's code."""
    snapshot, ids = _built(**FUNCTION_GROUP_ONLY)
    assert audit(snapshot) == _full_access(ids)
    view = region_view(snapshot)
    assert {ids["worker1"], ids["worker2"]} <= {e.network_interface_id for e in view.client_enis(ids["vpc"], "states")}
    endpoint_sg = next(g for g in snapshot.accounts[0].regions[0].security_groups if g.group_id == ids["endpoint_sg"])
    assert [x.referenced_group_id for x in endpoint_sg.rules if not x.is_egress] == [ids["function_sg"]]


def test_near_miss_the_guides_example_policy() -> None:
    """The guide's example endpoint policy on ``states``: POL001 goes; POL002, low — **Right
    (advice)**. Its first statement allows ``*Execution`` on every resource to ``Principal: *``
    without a condition, so any account's credentials may start, stop or describe executions of
    any account's state machines through the endpoint. Low (POL002's one level) fits: creating
    and deleting state machines is held to one user or denied. The statement's action lacks the ``states:``
    prefix the IAM grammar asks for; POL003 does not judge action syntax (left alone)."""
    snapshot, ids = _built(**GUIDE_POLICY)
    assert audit(snapshot) == {("POL002", ids["states"], "fail")}
    assert severities(snapshot)[("POL002", ids["states"], "")] == "low"
    finding = next(f for f in audit_result(snapshot).findings if f.rule_id == "POL002")
    assert "statement #1" in finding.message
