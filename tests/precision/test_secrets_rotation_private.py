"""AWS Secrets Manager rotating an RDS for MySQL secret with a Lambda rotation function in private
subnets, reaching Secrets Manager through a ``secretsmanager`` interface endpoint (the Secrets
Manager User Guide's CloudFormation example): every finding and its verdict (docs/precision.md)."""

from __future__ import annotations

from functools import cache

import pytest
from aws_layout import audit, audit_result, region_view, severities
from layouts import secrets_rotation_private
from layouts.secrets_rotation_private import FUNCTION, MYSQL_PORT, VPC_CIDR

from vpcaudit.network.view import is_db_instance
from vpcaudit.snapshot.model import Snapshot

Triples = set[tuple[str, str, str]]
GROUPS = pytest.mark.parametrize("groups", ["default", "own"], ids=["as published", "a group each"])


@cache
def _build(groups: str = "default", endpoint: bool = True, endpoint_source: str = "function",
           private_dns: bool = True, endpoint_azs: int = 2) -> tuple[Snapshot, dict[str, str]]:
    """Each variant built once for the module."""
    return secrets_rotation_private.build(groups=groups, endpoint=endpoint, endpoint_source=endpoint_source,
                                          private_dns=private_dns, endpoint_azs=endpoint_azs)


def _flow_log(ids: dict[str, str]) -> Triples:
    """Right (advice), medium: the template creates no flow log."""
    return {("MON001", ids["vpc"], "fail")}


def _default_endpoint_policy(ids: dict[str, str]) -> Triples:
    """Right (advice), medium: the endpoint keeps AWS's default full-access policy (the template
    sets no ``PolicyDocument``), while the guide's VPC endpoint page gives two policies to start
    from, one for the account's principals and one restricted to a secret."""
    return {("POL001", ids["secretsmanager"], "fail")}


def _sg002_on_the_default_group(ids: dict[str, str]) -> Triples:
    """Right, low. The endpoint sits on the VPC's default group, which admits all traffic from its
    members; Secrets Manager takes TCP 443 only. Low: the same group carries the DB instance and
    the function, and the self-reference is what admits the function to MySQL; the fix gives the
    endpoint a group of its own admitting 443 from the VPC, which keeps the function in and
    revokes nothing from the default group."""
    return {("SG002", ids["default_sg"], "fail")}


def _published(ids: dict[str, str], groups: str) -> Triples:
    """The findings of the template as published (``default``) or with a group each (``own``)."""
    found = _flow_log(ids) | _default_endpoint_policy(ids)
    return found | _sg002_on_the_default_group(ids) if groups == "default" else found


def _sg003_on_the_endpoint(ids: dict[str, str]) -> Triples:
    """Right, high. The endpoint's group admits TCP 443 only from the database's group, whose one
    member is the DB instance's interface, no client of Secrets Manager (MySQL calls none); the
    function's interfaces, the endpoint's only clients, are refused. With private DNS on the
    public name resolves to the endpoint, so the function has no other way: it times out at its
    first ``DescribeSecret``, as the troubleshooting page describes ("No activity after 'Found
    credentials in environment variables'")."""
    return {("SG003", ids["secretsmanager"], "fail")}


def _dns003_on_the_endpoint(ids: dict[str, str]) -> Triples:
    """Right, medium. With private DNS off, ``secretsmanager.us-east-1.amazonaws.com`` — the name
    the function's ``SECRETS_MANAGER_ENDPOINT`` holds — resolves to the public service addresses,
    which the subnets cannot reach (local route only): rotation times out while the endpoint sits
    idle. The guide: "If you enable private DNS for the endpoint, you can make API requests to
    Secrets Manager using its default DNS name for the Region"."""
    return {("DNS003", ids["secretsmanager"], "fail")}


def _single_az_endpoint(ids: dict[str, str]) -> Triples:
    """Right (advice), medium. IFE001: the endpoint has an interface in use1-az1 only, so an
    impairment there cuts the function off Secrets Manager from both subnets. IFE002: the
    function's interface in use1-az2 crosses AZs to it. Rotation still works (private DNS answers
    with the use1-az1 address, reachable over the local route); a monthly rotation moves
    kilobytes, so the cost argument is slight and the resilience one carries the finding."""
    return {("IFE001", ids["secretsmanager"], "fail"), ("IFE002", ids["secretsmanager"], "fail")}


def test_the_snapshot_is_the_template() -> None:
    """The builder against the template: two subnets in two AZs on the main route table (local
    route only: no internet gateway, no NAT gateway), DNS support and hostnames on; the VPC's
    default group on the endpoint, the DB instance and the function; the endpoint in both subnets
    with private DNS on; and how the network model reads each interface."""
    snapshot, ids = _build()
    region = snapshot.accounts[0].regions[0]
    (vpc,) = region.vpcs
    assert (vpc.cidr_blocks, vpc.enable_dns_support, vpc.enable_dns_hostnames) == ((VPC_CIDR,), True, True)
    assert not region.internet_gateways and not region.nat_gateways
    assert sorted((s.cidr_block, s.availability_zone_id, s.map_public_ip_on_launch) for s in region.subnets) \
        == [("10.0.128.0/19", "use1-az2", False), ("10.0.96.0/19", "use1-az1", False)]
    (table,) = region.route_tables
    assert [a.main for a in table.associations] == [True]
    assert [(x.destination, x.target_kind) for x in table.routes] == [(VPC_CIDR, "local")]
    default = next(g for g in region.security_groups if g.group_id == ids["default_sg"])
    assert default.group_name == "default"
    assert sorted((x.is_egress, x.ip_protocol, x.cidr_ipv4 or "", x.referenced_group_id or "") for x in default.rules) \
        == [(False, "-1", "", ids["default_sg"]), (True, "-1", "0.0.0.0/0", "")]
    assert ids["function_sg"] == ids["db_sg"] == ids["endpoint_sg"] == ids["default_sg"]
    (endpoint,) = region.vpc_endpoints
    assert (endpoint.service_name, endpoint.private_dns_enabled, endpoint.group_ids, endpoint.subnet_ids) \
        == ("com.amazonaws.us-east-1.secretsmanager", True, (ids["default_sg"],),
            tuple(sorted((ids["subnet1"], ids["subnet2"]))))

    view = region_view(snapshot)
    db = view.interfaces[ids["db_eni"]]
    functions = [view.interfaces[ids[f"lambda_eni{az}"]] for az in (1, 2)]
    assert (db.interface_type, db.requester_managed, db.requester_id, db.description) \
        == ("interface", True, "amazon-rds", "RDSNetworkInterface")
    assert {(e.interface_type, e.requester_managed, e.description.startswith(f"AWS Lambda VPC ENI-{FUNCTION}-"))
            for e in functions} == {("lambda", True, True)}
    assert {view.az_id_of(e.subnet_id) for e in functions} == {"use1-az1", "use1-az2"}
    # Every one a workload; the DB instance's no client of Secrets Manager, the function's are.
    assert all(view.is_workload(e) for e in (db, *functions))
    assert is_db_instance(db) and not any(is_db_instance(e) for e in functions)
    assert set(view.client_enis(ids["vpc"], "secretsmanager")) == set(functions)


def test_the_guides_own_groups() -> None:
    """``groups="own"``: the function's group (no ingress, egress anywhere), the database's
    admitting TCP 3306 from it, the endpoint's admitting TCP 443 from it — the guide's "security
    groups attached to your database or service allow inbound connections from the Lambda
    rotation function"."""
    snapshot, ids = _build(groups="own")
    region = snapshot.accounts[0].regions[0]
    rules = {g.group_id: sorted((x.is_egress, x.ip_protocol, x.from_port, x.cidr_ipv4 or "",
                                 x.referenced_group_id or "") for x in g.rules) for g in region.security_groups}
    out = (True, "-1", None, "0.0.0.0/0", "")  # AWS's default egress rule
    assert rules[ids["function_sg"]] == [out]
    assert rules[ids["db_sg"]] == [(False, "tcp", MYSQL_PORT, "", ids["function_sg"]), out]
    assert rules[ids["endpoint_sg"]] == [(False, "tcp", 443, "", ids["function_sg"]), out]


@GROUPS
def test_findings_and_verdicts_as_the_template_sets_it_up(groups: str) -> None:
    """MON001 and POL001, and SG002 (low) where everything shares the default group. Silent,
    rightly: SG003/SG006 (the endpoint admits the function's group, the default group's
    self-reference or the function's own); SG001/SG004 (no CIDR source); SG005 (every group sends
    anything anywhere); IFE001/IFE002 (endpoint interfaces in both AZs the function runs in);
    IFE003 (no bundle started); DNS001-DNS003 (attributes on, private DNS on); NAT, gateway
    endpoint and route rules (nothing beyond the local route); ACL001 (default NACL)."""
    snapshot, ids = _build(groups=groups)
    assert audit(snapshot) == _published(ids, groups)
    levels = severities(snapshot)
    assert (levels[("MON001", ids["vpc"], "")], levels[("POL001", ids["secretsmanager"], "")]) == ("medium", "medium")
    if groups == "default":
        assert levels[("SG002", ids["default_sg"], "")] == "low"


def test_sg002_gives_the_endpoint_its_own_group() -> None:
    """SG002's evidence and fix: the self-reference beyond 443, the DB instance's and the
    function's interfaces on the group; a new group admitting 443 from the VPC, the endpoint moved
    to it, the default group untouched — right (the function is in the VPC's block and keeps
    reaching Secrets Manager, and keeps reaching MySQL through the default group)."""
    snapshot, ids = _build()
    finding = next(f for f in audit_result(snapshot).findings if f.rule_id == "SG002")
    assert finding.evidence["extra_rules"] == [f"all traffic from {ids['default_sg']}"]
    assert finding.evidence["workload_eni_count"] == 3
    label = {"new_id": f"endpoint-sg-{ids['default_sg']}"}
    assert [(s.action, s.parameters) for s in finding.fix][1:] == [
        ("ec2:AuthorizeSecurityGroupIngress", {"GroupId": label, "IpPermissions": [
            {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "IpRanges": [{"CidrIp": VPC_CIDR}]}]}),
        ("ec2:ModifyVpcEndpoint", {"VpcEndpointId": ids["secretsmanager"], "AddSecurityGroupIds": [label],
                                   "RemoveSecurityGroupIds": [ids["default_sg"]]})]


@GROUPS
def test_near_miss_without_the_secretsmanager_endpoint_goes_unreported(groups: str) -> None:
    """No ``secretsmanager`` endpoint and no NAT gateway: the function cannot reach Secrets
    Manager and every rotation times out ("the Lambda function may be timing out while trying to
    reach the Secrets Manager endpoint"). A gap, pinned: the snapshot holds neither the secret's
    rotation function (``RotationLambdaARN``) nor anything else saying a function of the VPC
    calls Secrets Manager, and IFE003 has no bundle a Lambda interface starts but canaries'."""
    snapshot, ids = _build(groups=groups, endpoint=False)
    assert "secretsmanager" not in ids
    assert audit(snapshot) == _flow_log(ids)


def test_near_miss_endpoint_admitting_the_database_group() -> None:
    """The endpoint's group admitting TCP 443 from the database's group instead of the
    function's: SG003, high — right. The message names the database's group, which no client
    carries; the fix admits 443 from the VPC's block, as the troubleshooting page's "does not
    allow the VPC CIDRs on ingress" asks. No SG006 (no client admitted at all: SG003's case)."""
    snapshot, ids = _build(groups="own", endpoint_source="database")
    assert audit(snapshot) == _published(ids, "own") | _sg003_on_the_endpoint(ids)
    assert severities(snapshot)[("SG003", ids["secretsmanager"], "")] == "high"
    finding = next(f for f in audit_result(snapshot).findings if f.rule_id == "SG003")
    assert f"reachable only from members of {ids['db_sg']}" in finding.message
    assert [(s.action, s.parameters) for s in finding.fix] == [
        ("ec2:AuthorizeSecurityGroupIngress", {"GroupId": ids["endpoint_sg"], "IpPermissions": [
            {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "IpRanges": [{"CidrIp": VPC_CIDR}]}]})]


def test_near_miss_private_dns_off() -> None:
    """Private DNS off on the endpoint: DNS003, medium — right; the template's other findings
    stay. Not the DMS exception (its clients are the function's interfaces, which call the public
    name)."""
    snapshot, ids = _build(private_dns=False)
    assert audit(snapshot) == _published(ids, "default") | _dns003_on_the_endpoint(ids)
    assert severities(snapshot)[("DNS003", ids["secretsmanager"], "")] == "medium"
    finding = next(f for f in audit_result(snapshot).findings if f.rule_id == "DNS003")
    assert finding.evidence["hostnames"] == ["secretsmanager.us-east-1.amazonaws.com"]
    assert [(s.action, s.parameters) for s in finding.fix] == [
        ("ec2:ModifyVpcEndpoint", {"VpcEndpointId": ids["secretsmanager"], "PrivateDnsEnabled": True})]


@GROUPS
def test_near_miss_endpoint_in_one_az(groups: str) -> None:
    """The endpoint in the first subnet only: IFE001 and IFE002, medium — right, as advice. IFE002
    names use1-az2 and the second subnet, where the function's other interface is; both fixes add
    that subnet to the endpoint."""
    snapshot, ids = _build(groups=groups, endpoint_azs=1)
    assert audit(snapshot) == _published(ids, groups) | _single_az_endpoint(ids)
    levels = severities(snapshot)
    assert (levels[("IFE001", ids["secretsmanager"], "")], levels[("IFE002", ids["secretsmanager"], "")]) \
        == ("medium", "medium")
    findings = {f.rule_id: f for f in audit_result(snapshot).findings if f.rule_id in {"IFE001", "IFE002"}}
    assert (findings["IFE002"].evidence["missing_az_ids"], findings["IFE002"].evidence["client_subnet_ids"]) \
        == (["use1-az2"], [ids["subnet2"]])
    for finding in findings.values():
        assert [(s.action, s.parameters) for s in finding.fix] == [
            ("ec2:ModifyVpcEndpoint", {"VpcEndpointId": ids["secretsmanager"], "AddSubnetIds": [ids["subnet2"]]})]
