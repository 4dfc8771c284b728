"""An AWS DMS replication instance in private subnets reaching S3 through a gateway endpoint and
Secrets Manager through an interface endpoint (terraform-aws-modules/terraform-aws-dms
``examples/complete``): every finding and its verdict (docs/precision.md)."""

from __future__ import annotations

from functools import cache

import pytest
from aws_layout import audit, audit_result, region_view, severities
from layouts import dms_replication_private
from layouts.dms_replication_private import (
    ACCOUNT,
    DMS_DESCRIPTION,
    KAFKA_SCRAM_PORT,
    MYSQL_PORT,
    OTHER_BUCKET,
    POSTGRES_PORT,
    SOURCE_BUCKET,
    VPC_CIDR,
)
from policy_eval import allows

from vpcaudit.network.view import is_db_instance, managed_kind
from vpcaudit.snapshot.model import Snapshot

Triples = set[tuple[str, str, str]]
Built = tuple[Snapshot, dict[str, str]]
NAT = pytest.mark.parametrize("nat", [True, False], ids=["with the NAT gateway", "without NAT"])
THIS_ACCOUNT = {"aws:PrincipalAccount": ACCOUNT}
# AWS APIs the DMS guide says a replication instance in a private subnet reaches through VPC
# endpoints (CHAP_VPC_Endpoints: S3, Kinesis, Secrets Manager, DynamoDB), as endpoint service keys.
DMS_CALLS = ("s3", "secretsmanager", "kinesis-streams", "dynamodb")


@cache
def _built(**kwargs: object) -> Built:
    """Each variant built once: the snapshot is frozen, and several tests read the same one."""
    return dms_replication_private.build(**kwargs)  # type: ignore[arg-type]


@cache
def _audited(**kwargs: object) -> frozenset[tuple[str, str, str]]:
    """Each variant audited once."""
    return frozenset(audit(_built(**kwargs)[0]))


def _flow_log(ids: dict[str, str]) -> Triples:
    """Right, medium: neither the example nor the modules it calls create a flow log."""
    return {("MON001", ids["vpc"], "fail")}


def _default_policies(ids: dict[str, str]) -> Triples:
    """Right (advice), medium: both endpoints keep AWS's default full-access policy (the example
    passes none). The DMS guide's step for gateway endpoints is "choose **Full access**" or a custom
    policy; the rule's advice to scope it stands."""
    return {("POL001", ids["s3"], "fail"), ("POL001", ids["secretsmanager"], "fail")}


def _private_dns_off(ids: dict[str, str]) -> Triples:
    """The finding stands: private DNS is off (the submodule passes none, the provider's default is
    false), and ``secretsmanager.us-east-1.amazonaws.com`` resolves to public addresses in the VPC.
    Its severity was rule wrong (medium), fixed to info: the VPC's only Secrets Manager clients are
    the replication instance's interfaces, and the DMS guide's way for "a replication instance in a
    private subnet" is the endpoint-specific name in ``secretsManagerEndpointOverride``, which the
    example sets on every endpoint that reads a secret — not the default hostname the finding
    says is bypassed."""
    return {("DNS003", ids["secretsmanager"], "fail")}


def _single_nat(ids: dict[str, str]) -> Triples:
    """Right (advice), medium: ``single_nat_gateway`` puts the NAT gateway in us-east-1a, so the
    private and database subnets of us-east-1b and c (NAT002) and those two AZs (NAT003) cross AZs
    and depend on us-east-1a for internet egress; AWS recommends a NAT gateway per AZ. The example's
    cost trade-off."""
    subnets = {("NAT002", ids[f"{tier}{k}"], "fail") for tier in ("private", "database") for k in (2, 3)}
    return subnets | {("NAT003", ids["vpc"], "fail")}


def _dynamodb_via_nat(ids: dict[str, str]) -> Triples:
    """Right (advice), low: no DynamoDB gateway endpoint, so any DynamoDB traffic of the private
    and database subnets — a DMS DynamoDB target's, among others — pays NAT processing."""
    return {("GWE003", ids["vpc"], "fail")}


def _example(ids: dict[str, str]) -> Triples:
    """The findings of the example as published (one NAT gateway)."""
    return _flow_log(ids) | _default_policies(ids) | _private_dns_off(ids) | _single_nat(ids) | _dynamodb_via_nat(ids)


def _fully_private(ids: dict[str, str]) -> Triples:
    """The findings of the example without its NAT gateway: the endpoints are the only paths out."""
    return _flow_log(ids) | _default_policies(ids) | _private_dns_off(ids)


def _expected(nat: bool, ids: dict[str, str]) -> Triples:
    """The baseline a near miss adds to or takes from, with or without the NAT gateway."""
    return _example(ids) if nat else _fully_private(ids)


def _s3_route_missing(ids: dict[str, str]) -> Triples:
    """Right, medium: the S3 endpoint is on the database table only, and the replication subnets'
    private table sends S3's prefix-list CIDRs to the NAT gateway (paying its processing, and past
    the endpoint's policy) or, without NAT, nowhere — every S3 call of the replication instance
    fails ("VPC endpoints are required to establish connection between DMS replication instance …
    and the above Amazon services, when private network is used"). All three private subnets: the
    replication subnet group holds them, and a failover may put the instance in any of them."""
    return {("GWE001", ids[f"private{k}"], "fail") for k in (1, 2, 3)}


def _sg003_on_secretsmanager(ids: dict[str, str]) -> Triples:
    """Right, high: the endpoint admits TCP 443 from the source database's group only, whose members
    are the DB instances' interfaces, no Secrets Manager client; the replication instance — the one
    client, through ``secretsManagerEndpointOverride`` — is refused, so no endpoint that reads a
    secret can connect, NAT or no NAT."""
    return {("SG003", ids["secretsmanager"], "fail")}


def _sg005_on_the_replication_group(ids: dict[str, str]) -> Triples:
    """Right, medium: the replication instance's group sends only TCP 5432, 3306 and 9096 to the
    VPC; its calls to the Secrets Manager endpoint and to S3 through the gateway endpoint on 443
    are dropped. The DMS guide: "make sure
    this security group's rules let all traffic on all ports leave (egress)", and for Secrets
    Manager in a private subnet "allow all traffic for destination ``0.0.0.0/0``"."""
    return {("SG005", ids["replication-instance_sg"], "fail")}


def test_the_snapshot_is_the_example() -> None:
    """The builder against the example: three AZs of public, private and database subnets, one NAT
    gateway, the private table shared by the private and database subnets with the S3 endpoint's
    route; the four module groups and the endpoints' group; the secretsmanager endpoint without
    private DNS; and the interfaces as DescribeNetworkInterfaces reports them, with how the network
    model reads each: the replication instance's are workloads, no DB instance's, clients of every
    service DMS calls; the DB instances' no Secrets Manager clients; the brokers' no workloads."""
    snapshot, ids = _built()
    region = snapshot.accounts[0].regions[0]
    (vpc,) = region.vpcs
    assert (vpc.cidr_blocks, vpc.enable_dns_support, vpc.enable_dns_hostnames) == ((VPC_CIDR,), True, True)
    assert sorted((s.cidr_block or "", s.availability_zone_id or "") for s in region.subnets) == sorted(
        (f"10.0.{offset + k}.0/24", az) for offset in (0, 3, 6) for k, az in enumerate(("use1-az1", "use1-az2",
                                                                                          "use1-az4")))
    (nat,) = region.nat_gateways
    assert nat.subnet_id == ids["public1"]
    tables = {t.route_table_id: t for t in region.route_tables}
    private = tables[ids["private_rt"]]
    assert sorted(a.subnet_id for a in private.associations if a.subnet_id) \
        == sorted(ids[f"{tier}{k}"] for tier in ("private", "database") for k in (1, 2, 3))
    assert sorted((x.destination, x.target_id) for x in private.routes if x.target_kind != "local") \
        == sorted([("0.0.0.0/0", ids["nat"]), (next(p.prefix_list_id for p in region.prefix_lists
                                                    if p.prefix_list_name.endswith(".s3")), ids["s3"])])
    groups = {g.group_id: g for g in region.security_groups}
    replication = groups[ids["replication-instance_sg"]]
    assert sorted((x.is_egress, x.ip_protocol, x.from_port or 0, x.cidr_ipv4 or x.cidr_ipv6 or "")
                  for x in replication.rules) == sorted([
        (False, "tcp", POSTGRES_PORT, VPC_CIDR), (False, "tcp", MYSQL_PORT, VPC_CIDR),
        (False, "tcp", KAFKA_SCRAM_PORT, VPC_CIDR), (True, "-1", 0, "0.0.0.0/0"), (True, "-1", 0, "::/0")])
    assert [(x.is_egress, x.from_port, x.cidr_ipv4) for x in groups[ids["endpoints_sg"]].rules] \
        == [(False, 443, VPC_CIDR)]
    endpoints = {e.vpc_endpoint_id: e for e in region.vpc_endpoints}
    assert endpoints[ids["s3"]].route_table_ids == (ids["private_rt"],)
    secrets = endpoints[ids["secretsmanager"]]
    assert (secrets.private_dns_enabled, secrets.group_ids, secrets.subnet_ids) \
        == (False, (ids["endpoints_sg"],), tuple(sorted(ids[f"private{k}"] for k in (1, 2, 3))))

    view = region_view(snapshot)
    dms = [view.interfaces[ids[f"dms_eni{k}"]] for k in (1, 2)]
    dbs = [view.interfaces[ids[f"{c}_eni{k}"]] for c in ("postgresql-source", "mysql-destination") for k in (1, 2)]
    brokers = [view.interfaces[ids[f"broker{k}"]] for k in (1, 2, 3)]
    assert {(e.interface_type, e.requester_managed, e.requester_id, e.description, e.instance_id, e.group_ids)
            for e in dms} == {("interface", False, ACCOUNT, DMS_DESCRIPTION, None, (ids["replication-instance_sg"],))}
    assert [view.az_id_of(e.subnet_id) for e in dms] == ["use1-az1", "use1-az2"]
    assert {(e.requester_managed, e.requester_id, e.description) for e in dbs} \
        == {(True, "amazon-rds", "RDSNetworkInterface")}
    assert set(view.workload_enis(ids["vpc"])) == {*dms, *dbs}
    assert not any(is_db_instance(e) or managed_kind(e) for e in dms)
    assert all(view.may_call(e, key) for e in dms for key in (*DMS_CALLS, "kms", None))
    assert not any(view.may_call(e, "secretsmanager") for e in dbs)
    # Who SG003, SG005 and IFE002 count as the Secrets Manager endpoint's clients: the replication
    # instance's interfaces, in the AZs where they are.
    assert set(view.client_enis(ids["vpc"], "secretsmanager")) == set(dms)
    assert view.client_azs(ids["vpc"], "secretsmanager").az_ids == {"use1-az1", "use1-az2"}
    assert not any(view.is_workload(e) for e in brokers)


@NAT
def test_findings_and_verdicts_of_the_example(nat: bool) -> None:
    """As published (NAT) and without its NAT gateway. Silent, rightly: GWE001 (the S3 endpoint on
    the one private table, which the replication subnets use), GWE002/GWE004 (an S3 gateway
    endpoint exists), SG003 (443 from the VPC's block: the replication instance gets in), SG005
    (the replication group sends all traffic), SG001/SG002/SG004/SG006 (443 only, from the VPC's
    one block), IFE001/IFE002 (the endpoint in all three AZs), DNS001/DNS002 (both on), ACL001
    (allow-all default NACL)."""
    snapshot, ids = _built(nat=nat)
    assert _audited(nat=nat) == _expected(nat, ids)
    levels = severities(snapshot)
    assert levels[("DNS003", ids["secretsmanager"], "")] == "info"
    assert {levels[("POL001", ids[key], "")] for key in ("s3", "secretsmanager")} == {"medium"}


@pytest.mark.parametrize("requester_managed", [False, True], ids=["created by dms-vpc-role", "managed by RDS"])
def test_the_verdicts_do_not_depend_on_the_requester(requester_managed: bool) -> None:
    """The replication instance's interfaces read requester-managed by ``amazon-rds`` too (the
    reading nearest a DB instance's interface; no public dump shows either field): still no DB instance — the
    description is not ``RDSNetworkInterface`` — and still the Secrets Manager endpoint's only
    clients; the same findings."""
    snapshot, ids = _built(nat=False, requester_managed=requester_managed)
    assert _audited(nat=False, requester_managed=requester_managed) == _fully_private(ids)
    view = region_view(snapshot)
    dms = [view.interfaces[ids[f"dms_eni{k}"]] for k in (1, 2)]
    assert {(e.requester_managed, e.requester_id) for e in dms} \
        == {(True, "amazon-rds") if requester_managed else (False, ACCOUNT)}
    assert not any(is_db_instance(e) for e in dms)
    assert set(view.client_enis(ids["vpc"], "secretsmanager")) == set(dms)


def test_dns003_is_info_where_only_dms_calls_secrets_manager() -> None:
    """Rule wrong, fixed: DNS003 on the secretsmanager endpoint is info, its fix waiting for a decision, as for
    API Gateway's documented choice: every client of the service in the VPC is a replication
    instance's interface (``DMSNetworkInterface``), and "To use secrets manager with a replication
    instance in a private subnet" the DMS guide has the endpoint's DNS name set in
    ``secretsManagerEndpointOverride`` — the example passes ``dns_entry[0].dns_name`` — so nothing
    calls the default hostname the finding says is bypassed. Whether each DMS endpoint sets the
    attribute is not collected; turning private DNS on is harmless, so the fix stays, as a choice."""
    snapshot, ids = _built(nat=False)
    assert severities(snapshot)[("DNS003", ids["secretsmanager"], "")] == "info"
    finding = next(f for f in audit_result(snapshot).findings if f.rule_id == "DNS003")
    assert [s.decision for s in finding.fix if s.action == "ec2:ModifyVpcEndpoint"] != [None]


@NAT
def test_near_miss_s3_endpoint_on_the_database_table_only(nat: bool) -> None:
    """``create_database_subnet_route_table = true`` and the S3 endpoint on
    ``module.vpc.database_route_table_ids`` alone: GWE001 on the three private subnets, medium, with
    the NAT gateway ("pays NAT gateway data processing") and without ("dropped"). Right; the fix
    associates the private table. The database subnets, on their own table without a NAT route,
    drop out of NAT002 and GWE003."""
    snapshot, ids = _built(nat=nat, database_route_table=True, s3_tables="database")
    base = _expected(nat, ids) - {("NAT002", ids[f"database{k}"], "fail") for k in (2, 3)}
    assert _audited(nat=nat, database_route_table=True, s3_tables="database") == base | _s3_route_missing(ids)
    findings = [f for f in audit_result(snapshot).findings if f.rule_id == "GWE001"]
    assert {severities(snapshot)[("GWE001", f.resource.resource_id, "s3")] for f in findings} == {"medium"}
    consequence = "pays NAT gateway data processing" if nat else "is dropped"
    assert all(consequence in f.message for f in findings)
    assert {(s.action, s.parameters["VpcEndpointId"], tuple(s.parameters["AddRouteTableIds"]))
            for f in findings for s in f.fix} == {("ec2:ModifyVpcEndpoint", ids["s3"], (ids["private_rt"],))}


def test_the_database_route_table_alone_changes_nothing() -> None:
    """``create_database_subnet_route_table = true`` with the example's endpoint (private and
    database tables): nothing new without NAT. Right: both tables send S3 to the endpoint."""
    _, ids = _built(nat=False, database_route_table=True)
    assert _audited(nat=False, database_route_table=True) == _fully_private(ids)


@NAT
def test_near_miss_secrets_endpoint_admitting_the_database_group_only(nat: bool) -> None:
    """The endpoint's group admitting TCP 443 from ``postgresql-source``'s group instead of the
    VPC: SG003, high. Right: the message says the group's members are DB instances' interfaces,
    which call no Secrets Manager API, and the fix admits 443 from the VPC again."""
    kwargs = {"nat": nat, "secrets_source": "postgresql-source"}
    snapshot, ids = _built(**kwargs)
    assert _audited(**kwargs) == _expected(nat, ids) | _sg003_on_secretsmanager(ids)
    assert severities(snapshot)[("SG003", ids["secretsmanager"], "")] == "high"
    finding = next(f for f in audit_result(snapshot).findings if f.rule_id == "SG003")
    assert f"reachable only from members of {ids['postgresql-source_sg']}" in finding.message
    assert "DB instances' interfaces" in finding.message
    assert [(s.action, s.parameters) for s in finding.fix] == [("ec2:AuthorizeSecurityGroupIngress", {
        "GroupId": ids["endpoints_sg"],
        "IpPermissions": [{"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "IpRanges": [{"CidrIp": VPC_CIDR}]}]})]


def test_near_miss_replication_group_without_egress_443() -> None:
    """The replication instance's group sending only the database and Kafka ports to the VPC:
    SG005, medium, naming both replication interfaces, the Secrets Manager endpoint and the S3
    gateway endpoint. Right: the example replicates from an S3 bucket, and through the gateway
    endpoint S3 is still called at its public addresses, which the group refuses. Its fix adds
    TCP 443 to the endpoints' group and to S3's prefix list (both ready). The S3 part was a gap:
    the fix restored Secrets Manager alone, and no rule judged a workload's egress to a gateway
    endpoint."""
    kwargs = {"nat": False, "replication_egress": "database-ports"}
    snapshot, ids = _built(**kwargs)
    assert _audited(**kwargs) == _fully_private(ids) | _sg005_on_the_replication_group(ids)
    finding = next(f for f in audit_result(snapshot).findings if f.rule_id == "SG005")
    assert set(finding.evidence["workload_enis"]) == {ids["dms_eni1"], ids["dms_eni2"]}
    assert set(finding.evidence["endpoints"]) == {ids["secretsmanager"], ids["s3"]}
    s3_list = next(p.prefix_list_id for p in snapshot.accounts[0].regions[0].prefix_lists
                   if p.prefix_list_name.endswith(".s3"))
    https = {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443}
    assert [(s.parameters["IpPermissions"], s.ready) for s in finding.fix] == [
        ([{**https, "UserIdGroupPairs": [{"GroupId": ids["endpoints_sg"]}]}], True),
        ([{**https, "PrefixListIds": [{"PrefixListId": s3_list}]}], True)]


def test_near_miss_s3_endpoint_policy_for_another_bucket_goes_unreported() -> None:
    """The S3 endpoint limited to another bucket of the account: every read of the example's source
    bucket through the endpoint is refused. POL001 on it goes and nothing replaces it. A gap,
    pinned: no rule can know which buckets the DMS endpoints name (DescribeEndpoints is not
    collected)."""
    kwargs = {"nat": False, "s3_policy": "other-bucket"}
    snapshot, ids = _built(**kwargs)
    assert _audited(**kwargs) == _fully_private(ids) - {("POL001", ids["s3"], "fail")}
    (endpoint,) = [e for e in snapshot.accounts[0].regions[0].vpc_endpoints if e.vpc_endpoint_id == ids["s3"]]
    document = endpoint.policy_document or ""
    assert allows(document, "s3:PutObject", f"arn:aws:s3:::{OTHER_BUCKET}/exports/part-0.csv", THIS_ACCOUNT)
    assert not allows(document, "s3:GetObject", f"arn:aws:s3:::{SOURCE_BUCKET}/sourcedata/hr/employee/LOAD0001.csv",
                      THIS_ACCOUNT)
