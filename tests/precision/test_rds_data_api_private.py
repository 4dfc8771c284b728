"""A Lambda function in private subnets without NAT querying an Aurora PostgreSQL cluster through
the Amazon RDS Data API over an ``rds-data`` interface endpoint (Aurora User Guide, "Creating an
Amazon VPC endpoint (AWS PrivateLink) for the Data API"): every finding and its verdict
(docs/precision.md)."""

from __future__ import annotations

from dataclasses import replace
from functools import cache

from aws_layout import audit, audit_result, region_view, severities
from layouts import rds_data_api_private
from layouts.rds_data_api_private import FUNCTION, HTTPS, RDS_REQUESTER_ID, VPC_CIDR

from vpcaudit.network.view import is_db_instance
from vpcaudit.snapshot.model import Snapshot

Triples = set[tuple[str, str, str]]
Built = tuple[Snapshot, dict[str, str]]
NO_DATA_API_ENDPOINT = {"data_api_endpoint": False}
ENDPOINT_ADMITS_VPC = {"endpoint_source": "vpc-cidr"}
EXTRA_SECRETSMANAGER = {"secretsmanager_endpoint": True}
FUNCTION_OUTSIDE_VPC = {"function_in_vpc": False}


@cache
def _built(**options: object) -> Built:
    """One snapshot per variant: several tests read the same one."""
    return rds_data_api_private.build(**options)  # type: ignore[arg-type]


def _flow_logs(ids: dict[str, str]) -> Triples:
    """Right, medium: nothing in the layout creates a flow log."""
    return {("MON001", ids["vpc"], "fail")}


def _full_access(ids: dict[str, str], *keys: str) -> Triples:
    """Right (advice), medium: the console's "Full Access" policy, which the guide offers beside
    "Custom"; ``rds-data`` supports endpoint policies (the guide's **Policy** step), so a policy
    naming the cluster's ARN and the ``rds-data:`` actions the function uses is possible."""
    return {("POL001", ids[key], "fail") for key in keys}


def _idle_secretsmanager(ids: dict[str, str]) -> Triples:
    """Right (advice), low: the ``secretsmanager`` endpoint processed no bytes in 14 days. The
    function only calls the Data API, and "Data API transparently calls Secrets Manager" from
    AWS's side: the caller needs ``secretsmanager:GetSecretValue`` on the secret, not a network
    path to Secrets Manager, so the endpoint costs ~$14.60/month for nothing."""
    return {("IFE006", ids["secretsmanager"], "fail")}


def test_the_snapshot_is_the_guides_layout() -> None:
    """The builder against the guide: four private subnets in two AZs on the main route table
    (local route only: no internet gateway, no NAT), DNS support and hostnames on; the endpoint
    for ``rds-data`` in the function's two subnets with private DNS, behind a group admitting 443
    from the function's group; the cluster's group admitting nothing; the DB instances' and the
    function's interfaces as DescribeNetworkInterfaces reports them."""
    snapshot, ids = _built()
    region = snapshot.accounts[0].regions[0]
    (vpc,) = region.vpcs
    assert (vpc.cidr_blocks, vpc.enable_dns_support, vpc.enable_dns_hostnames) == ((VPC_CIDR,), True, True)
    assert not region.internet_gateways and not region.nat_gateways
    assert sorted((s.cidr_block, s.availability_zone_id) for s in region.subnets) == [
        ("10.0.1.0/24", "use1-az1"), ("10.0.11.0/24", "use1-az1"),
        ("10.0.12.0/24", "use1-az2"), ("10.0.2.0/24", "use1-az2")]
    (table,) = region.route_tables
    assert [(route.destination, route.target_kind) for route in table.routes] == [(VPC_CIDR, "local")]
    (endpoint,) = region.vpc_endpoints
    assert (endpoint.service_name, endpoint.endpoint_type, endpoint.private_dns_enabled, endpoint.group_ids,
            endpoint.subnet_ids) == ("com.amazonaws.us-east-1.rds-data", "Interface", True, (ids["endpoint_sg"],),
                                     tuple(sorted((ids["app_a"], ids["app_b"]))))
    groups = {g.group_id: g for g in region.security_groups}
    assert [(x.ip_protocol, x.from_port, x.to_port, x.referenced_group_id)
            for x in groups[ids["endpoint_sg"]].rules if not x.is_egress] == [("tcp", HTTPS, HTTPS, ids["fn_sg"])]
    assert not [x for x in groups[ids["db_sg"]].rules if not x.is_egress]
    assert not [x for x in groups[ids["fn_sg"]].rules if not x.is_egress]

    view = region_view(snapshot)
    dbs = [view.interfaces[ids[f"db_eni{n}"]] for n in (1, 2)]
    functions = [view.interfaces[ids[f"lambda_eni{n}"]] for n in (1, 2)]
    assert {(e.interface_type, e.requester_managed, e.requester_id, e.description, e.group_ids, e.instance_id)
            for e in dbs} == {("interface", True, RDS_REQUESTER_ID, "RDSNetworkInterface", (ids["db_sg"],), None)}
    assert {(e.interface_type, e.requester_managed, e.group_ids) for e in functions} \
        == {("lambda", True, (ids["fn_sg"],))}
    assert all(e.description.startswith(f"AWS Lambda VPC ENI-{FUNCTION}-") for e in functions)
    assert sorted(e.subnet_id for e in dbs) == sorted((ids["db_a"], ids["db_b"]))


def test_the_db_instances_are_no_clients_of_rds_data_or_secretsmanager() -> None:
    """The network model's reading of the cluster: its instances' interfaces are workloads but
    call neither the Data API nor Secrets Manager (``DB_INSTANCE_SERVICES`` lists neither), and
    rightly: the Data API reaches the cluster from AWS's side, and no engine is documented to call
    ``rds-data`` or to read a secret from the instance. The function's interfaces are clients of
    both. So only the function's group need be admitted by the endpoint."""
    snapshot, ids = _built()
    view = region_view(snapshot)
    dbs = [view.interfaces[ids[f"db_eni{n}"]] for n in (1, 2)]
    functions = [view.interfaces[ids[f"lambda_eni{n}"]] for n in (1, 2)]
    assert [is_db_instance(e) for e in (*dbs, *functions)] == [True, True, False, False]
    assert all(view.is_workload(e) for e in (*dbs, *functions))
    assert [view.may_call(e, "rds-data") for e in (*dbs, *functions)] == [False, False, True, True]
    assert [view.may_call(e, "secretsmanager") for e in (*dbs, *functions)] == [False, False, True, True]
    assert set(view.client_enis(ids["vpc"], "rds-data")) == set(functions)
    assert view.client_azs(ids["vpc"], "rds-data").az_ids == {"use1-az1", "use1-az2"}


def test_findings_and_verdicts() -> None:
    """The canonical form: MON001 and POL001 on ``rds-data``, both medium. Silent, rightly:
    SG001/SG002/SG004 (443 from one group), SG003 (the function's group holds every client; the
    DB instances are none), SG005 (the function's group sends anything anywhere), SG006;
    IFE001/IFE002 (the endpoint in both AZs the function uses), IFE003 (no bundle involves
    ``rds-data``), IFE004-IFE006 (available, one endpoint, no metrics); DNS001-DNS005 (both VPC
    attributes on, private DNS on, AmazonProvidedDNS); GWE002/GWE003 and every NAT rule (no route
    beyond the VPC: nothing pays NAT processing); ACL001 (default NACL); RT001. Nothing on the
    cluster's group, which admits nothing — what the Data API needs (assumed, module docstring)."""
    snapshot, ids = _built()
    assert audit(snapshot) == _flow_logs(ids) | _full_access(ids, "rds_data")
    assert severities(snapshot)[("POL001", ids["rds_data"], "")] == "medium"


def test_near_miss_without_the_rds_data_endpoint_goes_unreported() -> None:
    """No ``rds-data`` endpoint and no NAT: every ``ExecuteStatement`` from the function times out
    (``rds-data.us-east-1.amazonaws.com`` resolves to public addresses the subnets have no route
    to). A gap, pinned: the findings are MON001 alone. Nothing in the snapshot says the function
    calls the Data API — a Lambda interface names its function, not what the function calls — and
    IFE003 has no bundle starting from a DB cluster with ``EnableHttpEndpoint`` (DescribeDBClusters
    is not collected)."""
    snapshot, ids = _built(**NO_DATA_API_ENDPOINT)
    assert "rds_data" not in ids
    assert not snapshot.accounts[0].regions[0].vpc_endpoints
    assert audit(snapshot) == _flow_logs(ids)


def test_near_miss_endpoint_admitting_the_vpc_block() -> None:
    """The endpoint's group admitting TCP 443 from 10.0.0.0/16 instead of the function's group:
    fine (the guide asks for a group allowing access from what runs the application; the VPC's
    block holds it). Silent, rightly: SG004 judges sources beyond the VPC, SG003 finds every client
    admitted. The findings are the canonical ones."""
    snapshot, ids = _built(**ENDPOINT_ADMITS_VPC)
    assert audit(snapshot) == _flow_logs(ids) | _full_access(ids, "rds_data")
    groups = {g.group_id: g for g in snapshot.accounts[0].regions[0].security_groups}
    assert [x.cidr_ipv4 for x in groups[ids["endpoint_sg"]].rules if not x.is_egress] == [VPC_CIDR]


def test_near_miss_an_unneeded_secretsmanager_endpoint() -> None:
    """A ``secretsmanager`` endpoint beside ``rds-data``, in the same subnets and group, with the
    metrics a ``--with metrics`` scan collects: IFE006 (low) on it — right, advice: the Data API
    reads the secret from AWS's side, so the function never uses it — and POL001 on both
    endpoints. The message prices it at two AZs."""
    snapshot, ids = _built(**EXTRA_SECRETSMANAGER)
    assert audit(snapshot) == (_flow_logs(ids) | _full_access(ids, "rds_data", "secretsmanager")
                               | _idle_secretsmanager(ids))
    finding = next(f for f in audit_result(snapshot).findings if f.rule_id == "IFE006")
    assert "processed no bytes in the last 14 days" in finding.message and "2 AZ(s)" in finding.message
    assert severities(snapshot)[("IFE006", ids["secretsmanager"], "")] == "low"


def test_near_miss_function_outside_the_vpc_leaves_the_db_instances_out() -> None:
    """The function without a VPC configuration (the Data API's selling point): the VPC's only
    workloads are the DB instances, and the endpoint admits only the member-less function group.
    SG003 stays silent, rightly: the DB instances are no clients of ``rds-data``. The same
    interfaces without RDS's description — ordinary workloads, clients of every service — make
    SG003 fire high: the silence is the DB-instance reading's, not an accident. The endpoint now
    serves nobody; without metrics IFE006 cannot say so (left alone: a metrics-less scan)."""
    snapshot, ids = _built(**FUNCTION_OUTSIDE_VPC)
    assert "lambda_eni1" not in ids
    assert audit(snapshot) == _flow_logs(ids) | _full_access(ids, "rds_data")
    view = region_view(snapshot)
    assert len(view.workload_enis(ids["vpc"])) == 2
    assert not view.client_enis(ids["vpc"], "rds-data")

    account = snapshot.accounts[0]
    region = account.regions[0]
    dbs = {ids["db_eni1"], ids["db_eni2"]}
    enis = tuple(replace(e, description="") if e.network_interface_id in dbs else e
                 for e in region.network_interfaces)
    undescribed = replace(snapshot, accounts=(replace(account, regions=(replace(region, network_interfaces=enis),)),))
    assert audit(undescribed) == _flow_logs(ids) | _full_access(ids, "rds_data") | {("SG003", ids["rds_data"], "fail")}
    assert severities(undescribed)[("SG003", ids["rds_data"], "")] == "high"
