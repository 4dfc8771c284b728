"""AWS Lambda functions reaching an Aurora MySQL cluster through RDS Proxy, with the proxy's
credentials in Secrets Manager behind a ``secretsmanager`` interface endpoint (aws-samples
serverless-rds-proxy-demo): every finding and its verdict (docs/precision.md)."""

from __future__ import annotations

import json

import pytest
from aws_layout import audit, audit_result, region_view, severities
from layouts import lambda_rds_proxy
from layouts.lambda_rds_proxy import MYSQL_PORT, PROXY, SECRET_ARN

from vpcaudit.network.view import is_db_instance

Triples = set[tuple[str, str, str]]
STAGES = pytest.mark.parametrize("functions", [False, True], ids=["before the functions", "with the functions"])


def _advice(ids: dict[str, str]) -> Triples:
    """Right, as advice. MON001: neither template creates a flow log. No POL001/POL002 on the
    endpoint: its policy allows one read action (``secretsmanager:GetSecretValue``) on the
    cluster's secret alone, which is neither full access nor a wildcard by the catalogue."""
    return {("MON001", ids["vpc"], "fail")}


def _sg002_on_the_database_group(ids: dict[str, str]) -> Triples:
    """Right, low. The endpoint sits on the cluster's and proxy's group, which admits TCP 3306 and
    all traffic from ``lambda-sg`` and all traffic from itself; Secrets Manager takes TCP 443 only
    (the self-reference is what lets the proxy in, and the proxy reach the cluster: the RDS User
    Guide asks for it when database and proxy share a group). Low: the group carries the DB
    instances' and the proxy's interfaces. The fix gives the endpoint a group of its own admitting
    443 from the VPC, which still admits the proxy and the functions, and touches no rule of the
    database group."""
    return {("SG002", ids["db_sg"], "fail")}


def _sg003_on_the_endpoint(ids: dict[str, str]) -> Triples:
    """Right, high. The endpoint admits TCP 443 only from ``lambda-sg``, which nothing carries
    before the functions exist; the proxy's interfaces (clients of every service: the proxy reads
    its credentials from Secrets Manager) are refused, so the proxy cannot read its secret and its
    targets stay unavailable."""
    return {("SG003", ids["secretsmanager"], "fail")}


def test_the_snapshot_is_the_samples_vpc() -> None:
    """The builder against the sample: three private subnets in three AZs on the main route table
    (local route only: no internet gateway, no NAT), DNS support and hostnames on; the database
    group's rules and the Lambda group's; the endpoint's three subnets, group and policy; the DB
    instances', the proxy's and the functions' interfaces as DescribeNetworkInterfaces reports
    them, and how the network model reads each."""
    snapshot, ids = lambda_rds_proxy.build()
    region = snapshot.accounts[0].regions[0]
    (vpc,) = region.vpcs
    assert (vpc.cidr_blocks, vpc.enable_dns_support, vpc.enable_dns_hostnames) == (("172.31.0.0/16",), True, True)
    assert not region.internet_gateways and not region.nat_gateways
    assert sorted((s.cidr_block, s.availability_zone_id) for s in region.subnets) \
        == [("172.31.0.0/24", "use1-az2"), ("172.31.1.0/24", "use1-az4"), ("172.31.2.0/24", "use1-az6")]
    (table,) = region.route_tables
    assert [a.main for a in table.associations] == [True]
    assert [(route.destination, route.target_kind) for route in table.routes] == [("172.31.0.0/16", "local")]
    db = next(g for g in region.security_groups if g.group_id == ids["db_sg"])
    assert sorted((x.is_egress, x.ip_protocol, x.from_port or 0, x.cidr_ipv4 or "", x.referenced_group_id or "")
                  for x in db.rules) \
        == sorted([(False, "tcp", MYSQL_PORT, "", ids["lambda_sg"]), (False, "-1", 0, "", ids["lambda_sg"]),
                   (False, "-1", 0, "", ids["db_sg"]), (True, "-1", 0, "0.0.0.0/0", "")])
    lam = next(g for g in region.security_groups if g.group_id == ids["lambda_sg"])
    assert sorted((x.is_egress, x.ip_protocol, x.from_port, x.to_port, x.cidr_ipv4) for x in lam.rules) \
        == [(False, "tcp", 0, 65535, "0.0.0.0/0"), (True, "tcp", 0, 65535, "0.0.0.0/0")]
    (endpoint,) = region.vpc_endpoints
    assert (endpoint.service_name, endpoint.private_dns_enabled, endpoint.group_ids, len(endpoint.subnet_ids)) \
        == ("com.amazonaws.us-east-1.secretsmanager", True, (ids["db_sg"],), 3)
    assert json.loads(endpoint.policy_document or "")["Statement"] == [
        {"Principal": "*", "Effect": "Allow", "Action": ["secretsmanager:GetSecretValue"], "Resource": [SECRET_ARN]}]

    view = region_view(snapshot)
    dbs = [view.interfaces[ids[f"db_eni{n}"]] for n in (1, 2)]
    proxies = [view.interfaces[ids[f"proxy_eni{n}"]] for n in (1, 2, 3)]
    functions = [view.interfaces[ids[f"lambda_eni{n}"]] for n in (1, 2, 3)]
    assert {(e.interface_type, e.requester_managed, e.requester_id, e.description, e.group_ids) for e in dbs} \
        == {("interface", True, "amazon-rds", "RDSNetworkInterface", (ids["db_sg"],))}
    assert {(e.interface_type, e.requester_managed, e.requester_id, e.description, e.group_ids) for e in proxies} \
        == {("interface", True, "amazon-rds", f"Network interface for DBProxy {PROXY}", (ids["db_sg"],))}
    assert {(e.interface_type, e.requester_managed, e.group_ids) for e in functions} \
        == {("lambda", True, (ids["lambda_sg"],))}
    assert len({view.az_id_of(e.subnet_id) for e in proxies}) == 3
    # Every one is a workload; a DB instance's interface is no client of Secrets Manager (no engine
    # calls it), the proxy's and the functions' are.
    assert all(view.is_workload(e) for e in (*dbs, *proxies, *functions))
    assert [is_db_instance(e) for e in (*dbs, *proxies)] == [True] * 2 + [False] * 3
    assert [view.may_call(e, "secretsmanager") for e in (*dbs, *proxies, *functions)] == [False] * 2 + [True] * 6
    assert set(view.client_enis(ids["vpc"], "secretsmanager")) == {*proxies, *functions}


@STAGES
def test_findings_and_verdicts_as_the_sample_sets_it_up(functions: bool) -> None:
    """MON001 and SG002 (low), before and after the functions. Silent, rightly: SG003 (the
    endpoint admits its group's members — the proxy — and ``lambda-sg``'s — the functions); SG001
    and SG004 (no CIDR source); SG005 (``lambda-sg`` sends TCP anywhere, the database group
    anything); IFE001/IFE002 (endpoint interfaces in the three AZs, where the proxy and the
    functions are); DNS001/DNS002 (both attributes on); NAT and gateway-endpoint rules (no route
    beyond the VPC); ACL001 (default NACL)."""
    snapshot, ids = lambda_rds_proxy.build(functions=functions)
    assert audit(snapshot) == _advice(ids) | _sg002_on_the_database_group(ids)
    levels = severities(snapshot)
    assert (levels[("MON001", ids["vpc"], "")], levels[("SG002", ids["db_sg"], "")]) == ("medium", "low")


def test_sg002_names_the_extra_rules_and_gives_the_endpoint_its_own_group() -> None:
    """SG002's evidence and fix: the three database-group rules beyond 443, the five DB and proxy
    interfaces sharing the group; a new group admitting 443 from the VPC, the endpoint moved to
    it, no rule of the database group revoked: right (the proxy and the functions are in the VPC's
    block and keep reaching Secrets Manager; the proxy keeps reaching the cluster)."""
    snapshot, ids = lambda_rds_proxy.build()
    finding = next(f for f in audit_result(snapshot).findings if f.rule_id == "SG002")
    assert finding.evidence["extra_rules"] == [f"TCP {MYSQL_PORT} from {ids['lambda_sg']}",
                                               f"all traffic from {ids['db_sg']}",
                                               f"all traffic from {ids['lambda_sg']}"]
    assert finding.evidence["workload_eni_count"] == 5
    label = {"new_id": f"endpoint-sg-{ids['db_sg']}"}
    assert [(s.action, s.parameters, s.ready) for s in finding.fix] == [
        ("ec2:CreateSecurityGroup", {"VpcId": ids["vpc"], "GroupName": f"{ids['db_sg']}-endpoints",
                                     "Description": "Interface endpoints: TCP 443 from the VPC"}, True),
        ("ec2:AuthorizeSecurityGroupIngress", {"GroupId": label, "IpPermissions": [
            {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "IpRanges": [{"CidrIp": "172.31.0.0/16"}]}]}, True),
        ("ec2:ModifyVpcEndpoint", {"VpcEndpointId": ids["secretsmanager"], "AddSecurityGroupIds": [label],
                                   "RemoveSecurityGroupIds": [ids["db_sg"]]}, True)]


@STAGES
def test_the_proxys_interfaces_reported_without_requester(functions: bool) -> None:
    """The proxy's interfaces as not requester-managed and without RequesterId (the other reading
    of what DescribeNetworkInterfaces reports for them): the same findings, since the network
    model tells a proxy from a DB instance by its description."""
    snapshot, ids = lambda_rds_proxy.build(functions=functions, proxy_requester=None)
    assert audit(snapshot) == _advice(ids) | _sg002_on_the_database_group(ids)
    proxy = region_view(snapshot).interfaces[ids["proxy_eni1"]]
    assert (proxy.requester_managed, proxy.requester_id) == (False, None)


def test_near_miss_endpoint_admitting_only_the_lambda_group_before_the_functions() -> None:
    """The endpoint on a group of its own admitting TCP 443 from ``lambda-sg`` only. Before the
    functions: SG003, high — right; the message names the Lambda group, which no workload
    carries. No SG002 (the new group admits 443 only)."""
    snapshot, ids = lambda_rds_proxy.build(endpoint="lambda-only", functions=False)
    assert audit(snapshot) == _advice(ids) | _sg003_on_the_endpoint(ids)
    assert severities(snapshot)[("SG003", ids["secretsmanager"], "")] == "high"
    finding = next(f for f in audit_result(snapshot).findings if f.rule_id == "SG003")
    assert f"reachable only from members of {ids['lambda_sg']}" in finding.message
    view = region_view(snapshot)
    assert set(view.client_enis(ids["vpc"], "secretsmanager")) \
        == {view.interfaces[ids[f"proxy_eni{n}"]] for n in (1, 2, 3)}


def test_near_miss_endpoint_admitting_only_the_lambda_group_with_the_functions_goes_unreported() -> None:
    """The same group once the functions run: the functions get in, so SG003 is silent as the
    catalogue defines it (a source holds a client), and SG006 does not second-guess group sources.
    The proxy is still refused and cannot read its secret: a gap, pinned (see "Noticed and left
    alone": the snapshot holds no DBProxy, so nothing says the proxy authenticates with a secret
    rather than end-to-end IAM)."""
    snapshot, ids = lambda_rds_proxy.build(endpoint="lambda-only")
    assert audit(snapshot) == _advice(ids)


@STAGES
def test_near_miss_without_the_secretsmanager_endpoint_goes_unreported(functions: bool) -> None:
    """No ``secretsmanager`` endpoint and no NAT: neither the proxy nor ``RdsFunction`` reaches
    Secrets Manager. A gap, pinned: no rule of the catalogue knows what a proxy needs, and IFE003
    has no bundle for it (see "Noticed and left alone")."""
    snapshot, ids = lambda_rds_proxy.build(endpoint=None, functions=functions)
    assert "secretsmanager" not in ids
    assert audit(snapshot) == _advice(ids)


@STAGES
def test_near_miss_proxy_in_one_az_goes_unreported(functions: bool) -> None:
    """The proxy's interfaces in one AZ (the other subnets left out; the RDS User Guide asks for
    "a minimum of two subnets that are in different Availability Zones"). A gap, pinned: the
    snapshot holds no DBProxy, and no rule of the catalogue judges the AZs of anything but
    interface endpoints and NAT gateways; the findings are those of the sample."""
    snapshot, ids = lambda_rds_proxy.build(proxy_azs=1, functions=functions)
    assert "proxy_eni2" not in ids
    assert audit(snapshot) == _advice(ids) | _sg002_on_the_database_group(ids)
    assert len({region_view(snapshot).az_id_of(e.subnet_id) for e in region_view(snapshot).workload_enis(ids["vpc"])
                if e.description.startswith("Network interface for DBProxy ")}) == 1
