"""A Kinesis Client Library consumer on EC2 in private subnets without NAT, reaching Kinesis Data
Streams, DynamoDB (its lease tables) and CloudWatch (its metrics) through VPC endpoints (Kinesis
Data Streams Developer Guide, "Use Amazon Kinesis Data Streams with interface VPC endpoints", and
its KCL pages): every finding and its verdict (docs/precision.md)."""

from __future__ import annotations

import json
from functools import cache

from aws_layout import audit, audit_result, region_view, replacement_policy, severities
from layouts import kinesis_kcl_private
from layouts.kinesis_kcl_private import ACCOUNT, APPLICATION, HTTPS, KINESIS_DNS, REGION
from policy_eval import allows

from vpcaudit.snapshot.model import Snapshot

Triples = set[tuple[str, str, str]]
Built = tuple[Snapshot, dict[str, str]]
NO_DYNAMODB_ENDPOINT = {"dynamodb_endpoint": False}
NO_MONITORING_ENDPOINT = {"monitoring_endpoint": False}
DYNAMODB_ROUTE_FORGOTTEN_IN_C = {"dynamodb_route_azs": (1, 2)}
THIS_ACCOUNT = {"aws:PrincipalAccount": ACCOUNT}
STREAM = f"arn:aws:kinesis:{REGION}:{ACCOUNT}:stream/orders"  # the stream consumed (assumed name)
LEASE_TABLE = f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/{APPLICATION}"


@cache
def _built(**options: object) -> Built:
    """One snapshot per variant: several tests read the same one."""
    return kinesis_kcl_private.build(**options)  # type: ignore[arg-type]


def _flow_logs(ids: dict[str, str]) -> Triples:
    """Right, medium: nothing in the layout creates a flow log."""
    return {("MON001", ids["vpc"], "fail")}


def _default_endpoint_policies(ids: dict[str, str], keys: tuple[str, ...] = ("kinesis", "monitoring", "dynamodb")
                               ) -> Triples:
    """Right (advice), medium: every endpoint keeps AWS's default full access; the Kinesis page
    itself gives example policies restricting the endpoint to one stream or to reads."""
    return {("POL001", ids[key], "fail") for key in keys}


def _baseline(ids: dict[str, str], keys: tuple[str, ...] = ("kinesis", "monitoring", "dynamodb")) -> Triples:
    return _flow_logs(ids) | _default_endpoint_policies(ids, keys)


def test_the_snapshot_as_ec2_reports_it() -> None:
    """Three isolated private subnets on a table each, the kinesis-streams service answering the
    SDK's hostname, both interface endpoints in the three subnets behind a group admitting 443
    from the workers' group, the DynamoDB route on the three tables, one worker per AZ: its
    primary interface, attached to an instance, a workload; the endpoints' interfaces not."""
    snapshot, ids = _built()
    region = snapshot.accounts[0].regions[0]
    view = region_view(snapshot)
    assert not region.internet_gateways and not region.nat_gateways
    service = next(s for s in region.endpoint_services if s.service_name.endswith(".kinesis-streams"))
    assert service.private_dns_names == (KINESIS_DNS,)
    endpoints = {e.vpc_endpoint_id: e for e in region.vpc_endpoints}
    private = sorted(ids[f"private{az}"] for az in (1, 2, 3))
    for key in ("kinesis", "monitoring"):
        endpoint = endpoints[ids[key]]
        assert (endpoint.private_dns_enabled, sorted(endpoint.subnet_ids), endpoint.group_ids) \
            == (True, private, (ids["endpoint_sg"],))
    assert sorted(endpoints[ids["dynamodb"]].route_table_ids) == sorted(ids[f"private_rt{az}"] for az in (1, 2, 3))
    group = next(g for g in region.security_groups if g.group_id == ids["endpoint_sg"])
    assert [(x.ip_protocol, x.from_port, x.referenced_group_id) for x in group.rules if not x.is_egress] \
        == [("tcp", HTTPS, ids["consumer_sg"])]
    workers = view.workload_enis(ids["vpc"])
    assert sorted(e.network_interface_id for e in workers) == sorted(ids[f"worker{az}"] for az in (1, 2, 3))
    assert {(e.interface_type, e.requester_managed, e.description, e.group_ids, e.instance_id is not None)
            for e in workers} == {("interface", False, "", (ids["consumer_sg"],), True)}


def test_findings_and_verdicts() -> None:
    """The canonical form: MON001 and POL001 × 3, all medium. Silent, rightly: SG001-SG006 (443
    from the workers' group only, which every worker carries; the workers send anywhere), IFE001/
    IFE002 (every endpoint in the three AZs), IFE003 (no bundle started: neither kinesis-streams
    nor monitoring is a trigger, no canary), IFE004-IFE006, DNS001-DNS005 (attributes on, private
    DNS on), GWE001 (the DynamoDB route on every private table), GWE002/GWE003 (nothing leaves
    through NAT), NAT rules (none), ACL001 (default NACL), RT001."""
    snapshot, ids = _built()
    assert audit(snapshot) == _baseline(ids)
    assert set(severities(snapshot).values()) == {"medium"}


def test_pol001s_fixes_keep_what_the_kcl_calls() -> None:
    """POL001's replacements admit this account's principals, so the worker's instance role keeps
    every call the KCL's IAM page lists — GetRecords on the stream, GetItem/UpdateItem on the lease
    table, PutMetricData — and another account's principal is refused. Right; not ready, as
    always (whom to admit is the owner's decision)."""
    snapshot, ids = _built()
    calls = {"kinesis": [("kinesis:GetRecords", STREAM), ("kinesis:ListShards", STREAM)],
             "dynamodb": [("dynamodb:GetItem", LEASE_TABLE), ("dynamodb:UpdateItem", LEASE_TABLE),
                          ("dynamodb:Query", f"{LEASE_TABLE}/index/LeaseOwnerToLeaseKeyIndex")],
             "monitoring": [("cloudwatch:PutMetricData", "*")]}
    for key, actions in calls.items():
        document = replacement_policy(snapshot, "POL001", ids[key])
        for action, resource in actions:
            assert allows(document, action, resource, THIS_ACCOUNT), (key, action)
            assert not allows(document, action, resource, {"aws:PrincipalAccount": "222222222222"}), (key, action)
        assert json.loads(document)["Statement"]


def test_near_miss_without_the_dynamodb_gateway_endpoint() -> None:
    """No DynamoDB gateway endpoint and no NAT: no worker reaches its lease table, and the KCL's
    ``Scheduler`` gives up after 20 initialization attempts ("Unable to initialize … Shutting
    down"): the application consumes nothing. A gap, pinned: only the DynamoDB endpoint's POL001
    goes. GWE001 judges routes of an existing gateway endpoint; GWE003 counts subnets paying NAT
    or transit processing (isolated ones have no path to pay for); IFE003 knows no KCL bundle.
    Rightly so for now: the network cannot tell a KCL consumer from a plain producer, which needs
    Kinesis alone (see "Noticed and left alone")."""
    snapshot, ids = _built(**NO_DYNAMODB_ENDPOINT)
    assert "dynamodb" not in ids
    assert audit(snapshot) == _baseline(ids, ("kinesis", "monitoring"))
    region = snapshot.accounts[0].regions[0]
    assert not [e for e in region.vpc_endpoints if e.endpoint_type == "Gateway"]


def test_near_miss_without_the_monitoring_endpoint() -> None:
    """No CloudWatch endpoint: every ``PutMetricData`` times out after 5 s, the KCL logs "Could not
    publish … datums to CloudWatch" and keeps processing records; the application's metrics (and
    any alarm on them) are lost. A gap, pinned, and advice at most: the KCL's ``metricsLevel`` NONE
    or its OTEL backend make no CloudWatch call, and that setting is in no snapshot. Only the
    monitoring endpoint's POL001 goes."""
    snapshot, ids = _built(**NO_MONITORING_ENDPOINT)
    assert "monitoring" not in ids
    assert audit(snapshot) == _baseline(ids, ("kinesis", "dynamodb"))


def test_near_miss_dynamodb_route_forgotten_on_one_az() -> None:
    """The DynamoDB gateway endpoint associated with the route tables of us-east-1a and b only:
    GWE001 on the subnet of us-east-1c, medium, its fix (associate that table) ready — right. The
    worker there cannot reach the lease table and shuts down after its initialization attempts;
    the workers of a and b take its leases (the KCL balances leases among live workers), so the
    application consumes with two of three workers: medium, not high, fits."""
    snapshot, ids = _built(**DYNAMODB_ROUTE_FORGOTTEN_IN_C)
    assert audit(snapshot) == _baseline(ids) | {("GWE001", ids["private3"], "fail")}
    assert severities(snapshot)[("GWE001", ids["private3"], "dynamodb")] == "medium"
    (finding,) = [f for f in audit_result(snapshot).findings if f.rule_id == "GWE001"]
    assert [(s.action, s.parameters, s.ready) for s in finding.fix] == [
        ("ec2:ModifyVpcEndpoint", {"VpcEndpointId": ids["dynamodb"], "AddRouteTableIds": [ids["private_rt3"]]}, True)]
