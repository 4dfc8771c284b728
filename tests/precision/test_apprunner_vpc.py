"""AWS App Runner sending its outbound traffic into a VPC through a VPC connector (aws-samples
apprunner-hotel-app) and a private service reached through a VPC ingress connection
(terraform-aws-app-runner ``examples/complete``), read with the App Runner Developer Guide: every
finding and its verdict (docs/precision.md)."""

from __future__ import annotations

import json
from functools import cache

import pytest
from aws_layout import audit, audit_result, region_view, severities
from layouts import apprunner_vpc
from layouts.apprunner_vpc import (
    HOTEL_CALLS,
    HOTEL_CIDR,
    HTTP_PORT,
    MANAGED_TAG,
    MODULE_CIDR,
    MYSQL_PORT,
    REQUESTS_KEY,
    REQUESTS_SERVICE,
)

from vpcaudit.network.policy import policy_scope
from vpcaudit.network.view import is_db_instance
from vpcaudit.snapshot import resources as r
from vpcaudit.snapshot.model import RegionSnapshot, Snapshot

Triples = set[tuple[str, str, str]]
Built = tuple[Snapshot, dict[str, str]]
READINGS = pytest.mark.parametrize("requester_managed", [False, True],
                                   ids=["connector interfaces not requester-managed", "requester-managed"])
FULL_ACCESS = {"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"}


@cache
def _workshop(**options: object) -> Built:
    """Each variant of the workshop's template built once: several tests read the same one."""
    return apprunner_vpc.build(**options)  # type: ignore[arg-type]


@cache
def _module(**options: object) -> Built:
    """Each variant of the Terraform example built once."""
    return apprunner_vpc.module_example(**options)  # type: ignore[arg-type]


def _region(snapshot: Snapshot) -> RegionSnapshot:
    return snapshot.accounts[0].regions[0]


def _rules(snapshot: Snapshot, group_id: str) -> list[tuple[bool, str, int | None, str | None]]:
    """(egress, protocol, from port, CIDR or referenced group) of a group's rules, sorted."""
    group = next(g for g in _region(snapshot).security_groups if g.group_id == group_id)
    return sorted(((x.is_egress, x.ip_protocol, x.from_port, x.cidr_ipv4 or x.cidr_ipv6 or x.referenced_group_id)
                   for x in group.rules), key=repr)


def _flow_log(ids: dict[str, str]) -> Triples:
    """Right, medium: neither the workshop's template nor the Terraform example creates a flow log."""
    return {("MON001", ids["vpc"], "fail")}


def _nat_processing(ids: dict[str, str]) -> Triples:
    """Right (advice), medium and low: whatever the application sends to S3 or DynamoDB leaves
    through the connector, the private route table and the NAT gateway, and pays its processing
    ("All outbound traffic from your application is directed through the VPC"); the template
    creates no gateway endpoint, which would be free. App Runner's own traffic (image and source
    pulls, logs, secrets it injects) does not pass the VPC."""
    return {("GWE002", ids["vpc"], "fail"), ("GWE003", ids["vpc"], "fail")}


def _one_nat_gateway(ids: dict[str, str]) -> Triples:
    """Right (advice), medium. NAT002 on the second and third private subnets: the one private
    route table sends all three AZs to the NAT gateway in the first, so the connector's
    interfaces in use1-az2 and use1-az4 cross AZs and lose their way out with use1-az1. NAT003
    (one finding per AZ, use1-az2 and use1-az4): no NAT gateway of their own. The README says it:
    "This is not Production grade and simply meant as a demo"; the guide wants the connector's
    subnets "across at least three Availability Zones" for high availability. The fixes ask to
    split the shared route table first (not ready)."""
    return {("NAT002", ids["private2"], "fail"), ("NAT002", ids["private3"], "fail"), ("NAT003", ids["vpc"], "fail")}


def _hotel_endpoint_policies(ids: dict[str, str]) -> Triples:
    """Right (advice), medium: the secretsmanager and ssm endpoints keep AWS's default full access
    (the guide names no policy for them)."""
    return {("POL001", ids[key], "fail") for key in HOTEL_CALLS}


def _connector_group_refused(ids: dict[str, str], group: str) -> Triples:
    """SG005, medium: the connector's group lets its interfaces send nothing on TCP 443 to the
    VPC's interface endpoints (verdict in each test)."""
    return {("SG005", ids[group], "fail")}


def _requests_endpoint_admits_nobody(ids: dict[str, str]) -> Triples:
    """Right, high. SG003: the ``apprunner.requests`` endpoint's only group,
    ``ex-complete-vpc-endpoints``, has no inbound rule, so nothing in the VPC reaches the private
    service ``ex-complete-private`` through its ingress connection; the guide: "Ensure that the
    security group rules don't block the resources that want to communicate with your App Runner
    service". It fires with no client in the VPC, rightly: no future client gets in either. The
    fix admits TCP 443 from 10.0.0.0/16 into that group."""
    return {("SG003", ids["apprunner_requests"], "fail")}


def _requests_endpoint_in_one_az(ids: dict[str, str]) -> Triples:
    """Right, medium. IFE001: the endpoint has one interface, in use1-az1 ("We don't recommend
    using only one subnet"). IFE002: the connector's interfaces in use1-az2 and use1-az4 — any
    call from a VPC-connected App Runner service to the private one — cross AZs to reach it."""
    return {("IFE001", ids["apprunner_requests"], "fail"), ("IFE002", ids["apprunner_requests"], "fail")}


def test_the_snapshot_is_the_workshop_template() -> None:
    """The builder against ``base-infra.yaml``: three public and three private subnets in three
    AZs, one internet gateway, one NAT gateway in the first public subnet, one private table to
    it for the three private subnets; the service and RDS groups; the DB instance's interface;
    the connector's three interfaces as DescribeNetworkInterfaces reports them (the module
    docstring's reading), one per private subnet, in the service group, tagged
    ``AWSAppRunnerManaged``, a private IPv4 address only."""
    snapshot, ids = _workshop()
    region = _region(snapshot)
    (vpc,) = region.vpcs
    assert (vpc.cidr_blocks, vpc.enable_dns_support, vpc.enable_dns_hostnames) == ((HOTEL_CIDR,), True, True)
    assert sorted((s.cidr_block, s.availability_zone_id, s.map_public_ip_on_launch) for s in region.subnets) == [
        ("172.31.0.0/24", "use1-az1", False), ("172.31.1.0/24", "use1-az2", False),
        ("172.31.2.0/24", "use1-az4", False), ("172.31.3.0/24", "use1-az1", False),
        ("172.31.4.0/24", "use1-az2", False), ("172.31.5.0/24", "use1-az4", False)]
    tables = {t.route_table_id: t for t in region.route_tables}
    for key, target, members in (("public_rt", ids["igw"], ("public1", "public2", "public3")),
                                 ("private_rt", ids["nat"], ("private1", "private2", "private3"))):
        table = tables[ids[key]]
        assert sorted(a.subnet_id or "" for a in table.associations) == sorted(ids[m] for m in members)
        assert [(x.destination, x.target_id) for x in table.routes if x.target_kind != "local"] \
            == [("0.0.0.0/0", target)]
    (nat,) = region.nat_gateways
    assert nat.subnet_id == ids["public1"]
    assert _rules(snapshot, ids["service_sg"]) == [(True, "-1", None, "0.0.0.0/0")]
    assert _rules(snapshot, ids["rds_sg"]) == [(False, "tcp", MYSQL_PORT, ids["service_sg"]),
                                               (True, "-1", None, "0.0.0.0/0")]
    assert not region.vpc_endpoints

    view = region_view(snapshot)
    connector = [view.interfaces[ids[f"connector_eni{k}"]] for k in (1, 2, 3)]
    assert [e.subnet_id for e in connector] == [ids[f"private{k}"] for k in (1, 2, 3)]
    assert {(e.interface_type, e.requester_managed, e.requester_id, e.description, e.group_ids, e.ipv6_addresses,
             r.tag_value(e.tags, MANAGED_TAG)) for e in connector} \
        == {("interface", False, None, "", (ids["service_sg"],), (), "true")}
    db = view.interfaces[ids["db_eni"]]
    assert is_db_instance(db) and db.group_ids == (ids["rds_sg"],)


@READINGS
def test_the_connectors_interfaces_are_the_applications_egress(requester_managed: bool) -> None:
    """Either reading, the network model counts the connector's interfaces as workloads and
    clients of every service — rightly: "All outbound traffic from your application is directed
    through the VPC", AWS API calls included. The DB instance's interface is a workload that
    calls neither Secrets Manager nor Systems Manager."""
    snapshot, ids = _workshop(egress="endpoints", connector_requester_managed=requester_managed)
    view = region_view(snapshot)
    connector = {view.interfaces[ids[f"connector_eni{k}"]] for k in (1, 2, 3)}
    assert {e.requester_managed for e in connector} == {requester_managed}
    assert all(view.is_workload(e) for e in connector)
    for key in (*HOTEL_CALLS, REQUESTS_KEY, "s3", None):
        assert all(view.may_call(e, key) for e in connector)
    for key in HOTEL_CALLS:
        assert set(view.client_enis(ids["vpc"], key)) == connector


@READINGS
def test_findings_and_verdicts_of_the_workshop(requester_managed: bool) -> None:
    """The template as published: MON001, GWE002 (medium), GWE003 (low), NAT002 on two subnets
    and NAT003 on two AZs (medium). Silent, rightly: NAT001 (the NAT gateway is in a public
    subnet), every endpoint rule (no endpoint), SG rules (no endpoint to judge a group against),
    DNS001/DNS002 (both attributes on), ACL001 (default NACL)."""
    snapshot, ids = _workshop(connector_requester_managed=requester_managed)
    assert audit(snapshot) == _flow_log(ids) | _nat_processing(ids) | _one_nat_gateway(ids)
    levels = severities(snapshot)
    assert (levels[("GWE002", ids["vpc"], "")], levels[("GWE003", ids["vpc"], "")]) == ("medium", "low")
    assert {levels[("NAT002", ids[f"private{k}"], "")] for k in (2, 3)} == {"medium"}
    assert {key[2]: level for key, level in levels.items() if key[0] == "NAT003"} \
        == {"use1-az2": "medium", "use1-az4": "medium"}


def test_the_workshop_through_endpoints() -> None:
    """The guide's other way out, "Set up VPC endpoints for the AWS services that you want to
    access": no NAT gateway, the secretsmanager and ssm endpoints in the three private subnets.
    MON001 and POL001 × 2. Silent, rightly: GWE002/GWE003 and the NAT rules (no paid egress),
    SG003/SG006 (443 from the VPC's block, where the connector's interfaces are), SG005 (the
    service group sends everything), IFE001/IFE002 (three AZs), DNS003 (private DNS on)."""
    snapshot, ids = _workshop(egress="endpoints")
    assert "nat" not in ids
    assert audit(snapshot) == _flow_log(ids) | _hotel_endpoint_policies(ids)


def test_near_miss_without_nat_goes_unreported() -> None:
    """The template without its NAT gateway: the guide's gotcha ("your services can't access the
    public internet and AWS APIs"). ``config.js`` cannot read the database secret nor the hotel
    name at start-up, so ``rds.js`` never connects, and nothing but MON001 fires. A gap, pinned:
    what the application calls is not in the snapshot (the Terraform example's hello-app-runner
    calls nothing from the same kind of subnets, rightly unreported), and no rule of the
    catalogue asks whether a workload has any way out (see "Noticed and left alone"). GWE002,
    GWE003 and the NAT rules go silent, rightly: nothing is paid for."""
    snapshot, ids = _workshop(egress="none")
    view = region_view(snapshot)
    assert {view.egress(ids[f"private{k}"]).klass for k in (1, 2, 3)} == {"none"}
    assert audit(snapshot) == _flow_log(ids)


def test_near_miss_connector_group_only_to_the_database_behind_nat_goes_unreported() -> None:
    """The service group sending only TCP 3306 to the RDS group, behind the NAT gateway: the
    application reaches the cluster but not Secrets Manager's or Systems Manager's public
    endpoints, so it never learns the cluster's address. A gap, pinned: no rule judges a
    workload's egress towards a NAT gateway (SG005 concerns VPC endpoints); the findings are
    the template's."""
    snapshot, ids = _workshop(connector_egress="db-only")
    assert _rules(snapshot, ids["service_sg"]) == [(True, "tcp", MYSQL_PORT, ids["rds_sg"])]
    assert audit(snapshot) == _flow_log(ids) | _nat_processing(ids) | _one_nat_gateway(ids)


def test_near_miss_connector_group_only_to_the_database_with_endpoints() -> None:
    """The same group with the secretsmanager and ssm endpoints: SG005 on
    ``AppRunnerHotelApp-Service-SG``, medium — right: the connector's three interfaces, the
    application's only way out, send nothing on TCP 443 to either endpoint, against the guide's
    "You use outbound rules to allow communication to the desired destination endpoints". The fix
    adds TCP 443 out to the endpoints' group."""
    snapshot, ids = _workshop(egress="endpoints", connector_egress="db-only")
    assert audit(snapshot) == _flow_log(ids) | _hotel_endpoint_policies(ids) \
        | _connector_group_refused(ids, "service_sg")
    assert severities(snapshot)[("SG005", ids["service_sg"], "")] == "medium"
    finding = next(f for f in audit_result(snapshot).findings if f.rule_id == "SG005")
    assert finding.evidence["endpoints"] == sorted(ids[key] for key in HOTEL_CALLS)
    assert finding.evidence["workload_eni_count"] == 3
    assert [(s.action, s.parameters["IpPermissions"]) for s in finding.fix] == [
        ("ec2:AuthorizeSecurityGroupEgress", [{"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443,
                                               "UserIdGroupPairs": [{"GroupId": ids["endpoint_sg"]}]}])]


def test_the_requests_endpoint_as_aws_reports_it() -> None:
    """``com.amazonaws.us-east-1.apprunner.requests`` in DescribeVpcEndpointServices: an AWS
    service (Owner ``amazon``), Interface, no private DNS name (assumed: module docstring),
    ``VpcEndpointPolicySupported`` false (the PrivateLink Guide's example output). The endpoint in
    DescribeVpcEndpoints: Interface, private DNS off, the three private subnets, the endpoints'
    group. So the endpoint is outside POL001/POL002's scope (no finding, not even "not
    evaluated") and DNS003 has no default hostname to miss — right: "VPC endpoint policies are
    not supported for App Runner", and clients use the ingress connection's own domain name.
    Port 443: the private service is reached over HTTPS."""
    snapshot, ids = _module()
    region = _region(snapshot)
    service = next(s for s in region.endpoint_services if s.service_name == REQUESTS_SERVICE)
    assert (service.owner, service.service_types, service.private_dns_names, service.vpc_endpoint_policy_supported) \
        == ("amazon", ("Interface",), (), False)
    (endpoint,) = region.vpc_endpoints
    assert (endpoint.service_name, endpoint.endpoint_type, endpoint.private_dns_enabled, endpoint.group_ids) \
        == (REQUESTS_SERVICE, "Interface", False, (ids["endpoint_sg"],))
    assert set(endpoint.subnet_ids) == {ids[f"private{k}"] for k in (1, 2, 3)}
    assert json.loads(endpoint.policy_document or "")["Statement"] == [FULL_ACCESS]
    view = region_view(snapshot)
    info = view.service(endpoint)
    assert (view.is_aws_service_endpoint(endpoint), info.key, info.hostnames, info.ports) \
        == (True, REQUESTS_KEY, (), (443,))
    assert policy_scope(view, endpoint) == (False, "")


def test_the_snapshot_is_the_module_example() -> None:
    """The builder against ``examples/complete``: /20 private subnets and /24 public ones in three
    AZs, no NAT gateway (private tables with the local route only), the connector's group sending
    TCP 80 to the private blocks (and ::/0) and nothing else, the endpoints' group with no inbound
    rule, and one set of three connector interfaces for the two services' connectors (same
    subnets, same group)."""
    snapshot, ids = _module()
    region = _region(snapshot)
    assert not region.nat_gateways
    assert sorted(s.cidr_block or "" for s in region.subnets) == [
        "10.0.0.0/20", "10.0.16.0/20", "10.0.32.0/20", "10.0.48.0/24", "10.0.49.0/24", "10.0.50.0/24"]
    tables = {t.route_table_id: t for t in region.route_tables}
    for k in (1, 2, 3):
        table = tables[ids[f"private_rt{k}"]]
        assert [a.subnet_id for a in table.associations] == [ids[f"private{k}"]]
        assert [x.target_kind for x in table.routes] == ["local"]
    assert _rules(snapshot, ids["connector_sg"]) == [(True, "tcp", HTTP_PORT, c)
                                                     for c in ("10.0.0.0/20", "10.0.16.0/20", "10.0.32.0/20", "::/0")]
    assert _rules(snapshot, ids["endpoint_sg"]) == [(True, "tcp", 443, MODULE_CIDR), (True, "tcp", 443, "::/0")]
    view = region_view(snapshot)
    assert {e.network_interface_id for e in view.workload_enis(ids["vpc"])} \
        == {ids[f"connector_eni{k}"] for k in (1, 2, 3)}


@READINGS
def test_findings_and_verdicts_of_the_module_example(requester_managed: bool) -> None:
    """The example as published: MON001, SG003 on the endpoint (high), SG005 on the connector's
    group (medium). SG005 is right (advice): the connector's interfaces, shared by
    ``ex-complete-image-base`` and ``ex-complete-private``, send only TCP 80 to the private blocks,
    so neither service can call the private one through the endpoint (nor any AWS API, had the
    VPC a way out); the hello-app-runner image calls nothing, and whom the services call is the
    owner's to say — the fix adds TCP 443 to the endpoints' group. Silent, rightly: GWE002/GWE003
    and the NAT rules (no NAT gateway: nothing paid), POL001/POL002 (no policy support), DNS003
    (no private DNS name), IFE001/IFE002 (three AZs), SG001/SG002/SG004/SG006 (no inbound rule to
    judge), ACL001 (the module's allow-all default NACL)."""
    snapshot, ids = _module(connector_requester_managed=requester_managed)
    assert audit(snapshot) == _flow_log(ids) | _requests_endpoint_admits_nobody(ids) \
        | _connector_group_refused(ids, "connector_sg")
    levels = severities(snapshot)
    assert (levels[("SG003", ids["apprunner_requests"], "")], levels[("SG005", ids["connector_sg"], "")]) \
        == ("high", "medium")
    sg003 = next(f for f in audit_result(snapshot).findings if f.rule_id == "SG003")
    assert "no inbound rule allows TCP 443" in sg003.message
    assert [(s.action, s.parameters) for s in sg003.fix] == [("ec2:AuthorizeSecurityGroupIngress", {
        "GroupId": ids["endpoint_sg"],
        "IpPermissions": [{"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443,
                           "IpRanges": [{"CidrIp": MODULE_CIDR}]}]})]


def test_the_module_example_with_the_guides_endpoint_group() -> None:
    """The endpoints' group admitting TCP 443 from the VPC, as the guide asks: SG003 goes; MON001
    and SG005 stay (above)."""
    snapshot, ids = _module(endpoint_ingress="vpc")
    assert audit(snapshot) == _flow_log(ids) | _connector_group_refused(ids, "connector_sg")


@pytest.mark.parametrize("endpoint_ingress", ["none", "vpc"], ids=["as published", "with the guide's group"])
def test_near_miss_requests_endpoint_in_one_az(endpoint_ingress: str) -> None:
    """The ``apprunner.requests`` endpoint in the first private subnet only: IFE001 and IFE002,
    medium, beside the variant's other findings. IFE002 names the connector's subnets in
    use1-az2 and use1-az4."""
    snapshot, ids = _module(endpoint_ingress=endpoint_ingress, endpoint_azs=1)
    others = _requests_endpoint_admits_nobody(ids) if endpoint_ingress == "none" else set()
    assert audit(snapshot) == _flow_log(ids) | _connector_group_refused(ids, "connector_sg") | others \
        | _requests_endpoint_in_one_az(ids)
    levels = severities(snapshot)
    assert {levels[(rule, ids["apprunner_requests"], "")] for rule in ("IFE001", "IFE002")} == {"medium"}
    ife002 = next(f for f in audit_result(snapshot).findings if f.rule_id == "IFE002")
    assert ife002.evidence["client_subnet_ids"] == sorted((ids["private2"], ids["private3"]))
