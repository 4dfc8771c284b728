"""An Amazon DocumentDB cluster in private subnets, a Lambda function in the same VPC and a Lambda
event source mapping on the cluster's change stream, through a NAT gateway (aws-samples
serverless-patterns ``docdb-lambda``) or through ``lambda``, ``sts`` and ``secretsmanager``
interface endpoints (the Lambda Developer Guide's other path): every finding and its verdict
(docs/precision.md)."""

from __future__ import annotations

from functools import cache

import pytest
from aws_layout import audit, audit_result, region_view, severities
from layouts import documentdb_lambda
from layouts.documentdb_lambda import DOCDB_PORT, ESM_SERVICES

from vpcaudit.network.view import is_db_instance
from vpcaudit.snapshot.model import Snapshot

Triples = set[tuple[str, str, str]]
Built = tuple[Snapshot, dict[str, str]]
ENDPOINTS = {"route": "endpoints"}
NO_SECRETSMANAGER = {**ENDPOINTS, "endpoints": ("lambda", "sts")}
CLUSTER_ADMITS_FUNCTION = {**ENDPOINTS, "cluster_ingress": "function-group"}
ENDPOINTS_ADMIT_FUNCTION = {**ENDPOINTS, "endpoint_source": "function-group"}
ENDPOINTS_ADMIT_ABSENT_FUNCTION = {**ENDPOINTS_ADMIT_FUNCTION, "function_in_vpc": False}
STAGES = pytest.mark.parametrize("esm", [False, True], ids=["before the mapping", "with the mapping"])


@cache
def _built(**options: object) -> Built:
    """One snapshot per variant: several tests read the same one."""
    return documentdb_lambda.build(**options)  # type: ignore[arg-type]


def _flow_logs(ids: dict[str, str]) -> Triples:
    """Right, medium: nothing in the sample or the VPC creates a flow log."""
    return {("MON001", ids["vpc"], "fail")}


def _s3_gateway_policy(ids: dict[str, str]) -> Triples:
    """Right (advice), medium: the console's S3 gateway endpoint keeps AWS's full-access policy."""
    return {("POL001", ids["s3"], "fail")}


def _single_nat_gateway(ids: dict[str, str]) -> Triples:
    """Right (advice), medium, and low for GWE003. One NAT gateway in us-east-1a ("In 1 AZ", what
    the README's "a NAT Gateway" asks): NAT002 on the us-east-1b private subnet, whose table
    sends 0.0.0.0/0 to another AZ's gateway, NAT003 for use1-az2; the pollers of that AZ lose
    Lambda, STS and Secrets Manager with us-east-1a. GWE003: any DynamoDB traffic would pay NAT
    processing; nothing in the sample calls DynamoDB, so it is advice."""
    return {("NAT002", ids["private2"], "fail"), ("NAT003", ids["vpc"], "fail"), ("GWE003", ids["vpc"], "fail")}


def _endpoint_policies(ids: dict[str, str], keys: tuple[str, ...] = ESM_SERVICES) -> Triples:
    """Right (advice), medium: the interface endpoints keep AWS's default full-access policy; the
    guide asks for none narrower (the pollers assume the execution role through ``sts``, invoke
    through ``lambda`` and read one secret through ``secretsmanager``)."""
    return {("POL001", ids[key], "fail") for key in keys}


def _sg003_before_anyone_calls(ids: dict[str, str]) -> Triples:
    """Right, high: the endpoints admit TCP 443 only from ``LambdaSecurityGroup``, which nothing
    carries (the function has no VPC configuration); the pollers, in the cluster's group, are
    refused on all three, so the mapping cannot assume its role, read its secret or invoke."""
    return {("SG003", ids[key], "fail") for key in ESM_SERVICES}


def test_the_interfaces_as_describe_network_interfaces_reports_them() -> None:
    """The builder against the sample: the groups' rules; the instance's interface (RDS's form),
    the pollers' in the cluster's subnets and group, the function's in its own group. How the
    network model reads each: DocumentDB's instance is taken for a DB instance, and the instance
    it fits (DescribeDBInstances: Engine ``docdb``, its subnet group and group) makes it a
    DocumentDB instance's, a client of none of the three (right: the engine calls none; the
    pollers read the secret, and DocumentDB "doesn't invoke Lambda directly"). With the instances
    not collected it is a client of ``lambda`` (an RDS/Aurora instance may invoke functions), as
    before. The pollers are clients of all three."""
    snapshot, ids = _built()
    region = snapshot.accounts[0].regions[0]
    cluster = next(g for g in region.security_groups if g.group_id == ids["cluster_sg"])
    assert sorted((x.is_egress, x.ip_protocol, x.from_port, x.cidr_ipv4) for x in cluster.rules) == [
        (False, "tcp", DOCDB_PORT, "0.0.0.0/0"), (True, "tcp", 443, "0.0.0.0/0"),
        (True, "tcp", DOCDB_PORT, "0.0.0.0/0")]
    function = next(g for g in region.security_groups if g.group_id == ids["function_sg"])
    assert sorted((x.is_egress, x.ip_protocol, x.from_port, x.cidr_ipv4) for x in function.rules) == [
        (False, "tcp", DOCDB_PORT, "0.0.0.0/0"), (True, "tcp", 443, "0.0.0.0/0")]
    (nat,) = region.nat_gateways
    assert nat.subnet_id == ids["public1"]

    view = region_view(snapshot)
    docdb = view.interfaces[ids["docdb_eni"]]
    pollers = [view.interfaces[ids[f"esm_eni{k}"]] for k in (1, 2)]
    functions = [view.interfaces[ids[f"function_eni{k}"]] for k in (1, 2)]
    assert (docdb.interface_type, docdb.requester_managed, docdb.requester_id, docdb.description) \
        == ("interface", True, "amazon-rds", "RDSNetworkInterface")
    assert {(e.interface_type, e.requester_managed, e.group_ids) for e in pollers} \
        == {("lambda", False, (ids["cluster_sg"],))}
    assert sorted(e.subnet_id for e in pollers) == sorted([ids["private1"], ids["private2"]])
    assert all(e.description.startswith("AWS Lambda VPC ENI-DOCDB-") for e in pollers)
    assert {(e.interface_type, e.group_ids) for e in functions} == {("lambda", (ids["function_sg"],))}
    assert is_db_instance(docdb) and not any(is_db_instance(e) for e in (*pollers, *functions))
    assert all(view.is_workload(e) for e in (docdb, *pollers, *functions))
    assert [i.engine for i in view.db_instances_of(docdb)] == ["docdb"]
    assert [view.may_call(docdb, key) for key in ESM_SERVICES] == [False, False, False]
    assert all(view.may_call(e, key) for e in pollers for key in ESM_SERVICES)
    unknown = region_view(_built(instances_collected=False)[0])
    assert [unknown.may_call(unknown.interfaces[ids["docdb_eni"]], key) for key in ESM_SERVICES] \
        == [True, False, False]


@STAGES
def test_findings_and_verdicts_as_the_sample_sets_it_up(esm: bool) -> None:
    """The sample through one NAT gateway: MON001, POL001 on the S3 gateway endpoint, NAT002,
    NAT003, GWE003 (low), before and with the mapping. Silent, rightly: the SG rules (no interface
    endpoint to judge), IFE rules (none), NAT001/NAT005 (the gateway is public and routed),
    GWE002 (the S3 endpoint is on both private tables), DNS001/DNS002 (attributes on), ACL001."""
    snapshot, ids = _built(esm=esm)
    assert audit(snapshot) == _flow_logs(ids) | _s3_gateway_policy(ids) | _single_nat_gateway(ids)
    levels = severities(snapshot)
    assert (levels[("NAT002", ids["private2"], "")], levels[("NAT003", ids["vpc"], "use1-az2")],
            levels[("GWE003", ids["vpc"], "")]) == ("medium", "medium", "low")


@STAGES
def test_findings_and_verdicts_through_interface_endpoints(esm: bool) -> None:
    """The guide's other path: ``lambda``, ``sts`` and ``secretsmanager`` endpoints on a group
    admitting TCP 443 from the cluster's group, no NAT. MON001, POL001 on the four endpoints.
    Silent, rightly: SG003 (the cluster's group holds the pollers, and before the mapping the
    instance — a group source with members, or none yet, blocks nobody); SG002/SG001/SG004
    (443 from one group); SG005 (the cluster's group sends 443 anywhere); IFE001/IFE002 (both AZs
    of the pollers); IFE003 (no bundle for Lambda's mappings); the NAT rules (no NAT); GWE002/GWE003
    (no NAT or transit path to pay for). The function's group is not admitted and need not be: the
    function calls no AWS service (it only logs), and a mapping ignores the function's VPC."""
    snapshot, ids = _built(**ENDPOINTS, esm=esm)
    assert audit(snapshot) == _flow_logs(ids) | _s3_gateway_policy(ids) | _endpoint_policies(ids)
    assert not snapshot.accounts[0].regions[0].nat_gateways
    view = region_view(snapshot)
    clients = {e.network_interface_id for e in view.client_enis(ids["vpc"], "secretsmanager")}
    assert clients == ({ids["esm_eni1"], ids["esm_eni2"], ids["function_eni1"], ids["function_eni2"]} if esm else set())


@STAGES
def test_near_miss_without_the_secretsmanager_endpoint_goes_unreported(esm: bool) -> None:
    """No ``secretsmanager`` endpoint and no NAT gateway: the pollers cannot read the
    ``BASIC_AUTH`` secret, so the mapping never connects to the cluster. A gap, pinned: the
    snapshot holds no event source mapping (``ListEventSourceMappings`` is not collected), the
    pollers' interfaces look like any function's, and IFE003 has no bundle for them; the findings
    are the endpoints form's less one POL001."""
    snapshot, ids = _built(**NO_SECRETSMANAGER, esm=esm)
    assert "secretsmanager" not in ids
    assert audit(snapshot) == _flow_logs(ids) | _s3_gateway_policy(ids) | _endpoint_policies(ids, ("lambda", "sts"))


def test_near_miss_cluster_group_admitting_only_the_function_goes_unreported() -> None:
    """``DocDBSecurityGroup`` tightened to TCP 27017 from ``LambdaSecurityGroup`` only: the pollers,
    in the cluster's own group, are refused on 27017 (the guide asks for the cluster port from the
    event source's group, or a self-reference). A gap, pinned: no rule of the catalogue judges a
    database's ingress, and the snapshot does not know which group the mapping uses."""
    snapshot, ids = _built(**CLUSTER_ADMITS_FUNCTION)
    assert audit(snapshot) == _flow_logs(ids) | _s3_gateway_policy(ids) | _endpoint_policies(ids)
    cluster = region_view(snapshot).security_groups[ids["cluster_sg"]]
    assert [(x.from_port, x.referenced_group_id) for x in cluster.rules if not x.is_egress] \
        == [(DOCDB_PORT, ids["function_sg"])]


def test_near_miss_endpoints_admitting_the_function_group_goes_unreported() -> None:
    """The endpoints' group admits TCP 443 from ``LambdaSecurityGroup`` instead of the cluster's:
    the pollers are refused on all three. A gap, pinned: the function's interfaces carry the
    admitted group and may call every service, so SG003 is silent as the catalogue defines it (a
    source holds a client), and SG006 does not second-guess group sources."""
    snapshot, ids = _built(**ENDPOINTS_ADMIT_FUNCTION)
    assert audit(snapshot) == _flow_logs(ids) | _s3_gateway_policy(ids) | _endpoint_policies(ids)


def test_near_miss_endpoints_admitting_an_absent_function_group() -> None:
    """The same with the function outside the VPC (a mapping needs no VPC configuration on the
    function): ``LambdaSecurityGroup`` has no member. SG003, high, on the three endpoints — right;
    the message names the member-less group."""
    snapshot, ids = _built(**ENDPOINTS_ADMIT_ABSENT_FUNCTION)
    assert audit(snapshot) == (_flow_logs(ids) | _s3_gateway_policy(ids) | _endpoint_policies(ids)
                               | _sg003_before_anyone_calls(ids))
    assert {severities(snapshot)[("SG003", ids[key], "")] for key in ESM_SERVICES} == {"high"}
    messages = {f.message for f in audit_result(snapshot).findings if f.rule_id == "SG003"}
    assert all(f"reachable only from members of {ids['function_sg']}" in m for m in messages)


def test_near_miss_endpoints_admitting_an_absent_function_group_before_the_mapping() -> None:
    """The same before the mapping exists: nobody in the VPC calls Lambda, STS or Secrets Manager
    yet, so SG003 is silent on all three ("groups without workload members block someone only once
    there is someone") — right. The DocumentDB instance's interface, reported as an RDS DB
    instance's, fits the instance DescribeDBInstances lists with Engine ``docdb`` (its subnet group
    holds the interface's subnet, its groups are the interface's), and DocumentDB documents no
    call to an AWS service from it: its mappings exist to process DocumentDB events, "which don't
    invoke Lambda directly". So it is no client of ``lambda``, and no endpoint has a client yet."""
    snapshot, ids = _built(**ENDPOINTS_ADMIT_ABSENT_FUNCTION, esm=False)
    assert audit(snapshot) == _flow_logs(ids) | _s3_gateway_policy(ids) | _endpoint_policies(ids)
    view = region_view(snapshot)
    assert not any(view.client_enis(ids["vpc"], key) for key in ESM_SERVICES)


def test_near_miss_before_the_mapping_with_the_instances_not_collected() -> None:
    """DescribeDBInstances denied: the interface does not say its engine, so it stays a client of
    what every engine calls, ``lambda`` among them (Aurora MySQL and RDS/Aurora PostgreSQL invoke
    functions from theirs) — SG003 on ``lambda`` alone, counting the DocumentDB instance as its one
    client, as before the instances were collected. Wrong for DocumentDB, but the snapshot cannot
    rule the call out, and no endpoint loses a client it cannot rule out."""
    snapshot, ids = _built(**ENDPOINTS_ADMIT_ABSENT_FUNCTION, esm=False, instances_collected=False)
    assert audit(snapshot) == (_flow_logs(ids) | _s3_gateway_policy(ids) | _endpoint_policies(ids)
                               | {("SG003", ids["lambda"], "fail")})
    view = region_view(snapshot)
    assert [e.network_interface_id for e in view.client_enis(ids["vpc"], "lambda")] == [ids["docdb_eni"]]
    assert not view.client_enis(ids["vpc"], "sts") and not view.client_enis(ids["vpc"], "secretsmanager")
