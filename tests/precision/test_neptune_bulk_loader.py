"""An Amazon Neptune cluster in private subnets loading from S3 through the bulk loader, behind
an S3 gateway endpoint, called on 8182 by an EC2 client (AWS's Neptune CloudFormation quick
start, the Neptune User Guide's bulk loader prerequisites): every finding and its verdict
(docs/precision.md)."""

from __future__ import annotations

from functools import cache

from aws_layout import Triple, audit, audit_result, region_view, severities
from layouts import neptune_bulk_loader
from layouts.neptune_bulk_loader import DB_DESCRIPTION, PORT, VPC_CIDR

from vpcaudit.network.view import is_db_instance
from vpcaudit.snapshot.model import Snapshot

Triples = set[Triple]


@cache
def _build(**kwargs: object) -> tuple[Snapshot, dict[str, str]]:
    """Each variant built once."""
    return neptune_bulk_loader.build(**kwargs)  # type: ignore[arg-type]


def _advice(ids: dict[str, str]) -> Triples:
    """Right, as advice. MON001: the template creates no flow log. GWE003 (low): no DynamoDB
    gateway endpoint, and the private subnets leave through their NAT gateways (the only
    interface there, the DB instance's, never calls DynamoDB; the two empty subnets of the DB
    subnet group are judged as any empty subnet is)."""
    return {("MON001", ids["vpc"], "fail"), ("GWE003", ids["vpc"], "fail")}


def _pol002_on_the_s3_endpoint(ids: dict[str, str]) -> Triples:
    """Right (advice, low). ``VPCS3Endpoint``'s policy allows ``s3:*`` on ``*`` to ``*`` with no
    scoping condition; the loader needs ``GetObject``/``ListBucket`` on the data's bucket only."""
    return {("POL002", ids["s3"], "fail")}


def _gwe001_on_the_cluster_subnets(ids: dict[str, str]) -> Triples:
    """Right, medium. The gateway endpoint is not on the private route tables: "Select the check
    box next to the route tables that are associated with the subnets related to your cluster"
    (bulk-load-tutorial-vpc), and "The Neptune loader requires a VPC endpoint of type Gateway for
    Amazon S3". The fix associates each table with the endpoint."""
    return {("GWE001", ids[f"private{az}"], "fail") for az in (1, 2, 3)}


def _sg005_on_the_db_group(ids: dict[str, str]) -> Triples:
    """Right, medium. The DB instance calls S3 from its interface ("The Neptune DB instance
    assumes the IAM role to load the data from the bucket", bulk-load), through the gateway
    endpoint, at S3's public addresses: "The security groups for these instances must allow
    traffic to and from the service" (gateway endpoints). The cluster's only group lets nothing
    out beyond the VPC's CIDR."""
    return {("SG005", ids["db_sg"], "fail")}


def test_the_snapshot_is_the_quick_starts_vpc() -> None:
    """The builder against ``neptune-base-stack.json``: three private subnets each on a route table
    to its AZ's NAT gateway, three public ones on the internet gateway's; the S3 gateway endpoint
    on all four tables with the template's policy; ``NeptuneSG``'s rules; the DB instance's
    interface on both cluster groups, read by the network model as a DB instance's and, by the
    instance it fits (DescribeDBInstances: Engine ``neptune``), a Neptune instance's (a client of
    S3 and STS, not of DynamoDB or Lambda), the client's on ``NeptuneSG`` in the first public
    subnet."""
    snapshot, ids = _build()
    region = snapshot.accounts[0].regions[0]
    (vpc,) = region.vpcs
    assert (vpc.cidr_blocks, vpc.enable_dns_support, vpc.enable_dns_hostnames) == ((VPC_CIDR,), True, True)
    tables = {t.route_table_id: t for t in region.route_tables}
    for az in (1, 2, 3):
        table = tables[ids[f"private_rt{az}"]]
        assert [a.subnet_id for a in table.associations] == [ids[f"private{az}"]]
        assert {(route.destination, route.target_id) for route in table.routes} \
            == {(VPC_CIDR, "local"), ("0.0.0.0/0", ids[f"nat{az}"]), (ids["s3_pl"], ids["s3"])}
    (endpoint,) = region.vpc_endpoints
    assert set(endpoint.route_table_ids) == {ids["public_rt"], *(ids[f"private_rt{az}"] for az in (1, 2, 3))}
    neptune_sg = next(g for g in region.security_groups if g.group_id == ids["neptune_sg"])
    assert sorted((x.is_egress, x.ip_protocol, x.from_port or 0, x.cidr_ipv4) for x in neptune_sg.rules) \
        == [(False, "tcp", 22, "0.0.0.0/0"), (False, "tcp", PORT, "0.0.0.0/0"), (True, "-1", 0, "0.0.0.0/0")]

    view = region_view(snapshot)
    db, client = view.interfaces[ids["db_eni"]], view.interfaces[ids["client_eni"]]
    assert (db.requester_managed, db.requester_id, db.description, db.group_ids) \
        == (True, "amazon-rds", DB_DESCRIPTION, tuple(sorted((ids["default_sg"], ids["neptune_sg"]))))
    assert (client.subnet_id, client.group_ids, client.requester_managed) \
        == (ids["public1"], (ids["neptune_sg"],), False)
    assert is_db_instance(db) and not is_db_instance(client)
    assert (view.may_call(db, "s3"), view.may_call(db, "dynamodb"), view.may_call(client, "dynamodb")) \
        == (True, False, True)
    assert [i.engine for i in view.db_instances_of(db)] == ["neptune"]
    assert (view.may_call(db, "sts"), view.may_call(db, "lambda")) == (True, False)


def test_findings_and_verdicts_as_published() -> None:
    """MON001, GWE003 and POL002, all advice. Silent, rightly: GWE001 (the endpoint is on every
    private route table, the cluster subnets' among them) and GWE002 (there is one); SG005 (the
    DB instance's groups, the default one and ``NeptuneSG``, let everything out, so TCP 443 to S3's
    prefix list; the client's likewise); SG001-SG004, SG006 (no interface endpoint); NAT and
    route-table rules (one NAT gateway per AZ, each private table on its own AZ's); ACL001
    (default NACL)."""
    snapshot, ids = _build()
    assert audit(snapshot) == _advice(ids) | _pol002_on_the_s3_endpoint(ids)
    levels = severities(snapshot)
    assert (levels[("GWE003", ids["vpc"], "")], levels[("POL002", ids["s3"], "")]) == ("low", "low")


def test_the_db_interface_reported_without_requester() -> None:
    """The DB instance's interface as not requester-managed and without RequesterId (the other
    reading of what DescribeNetworkInterfaces reports for Neptune): an ordinary workload, a client
    of every service, and the same findings."""
    snapshot, ids = _build(db_requester=None)
    assert audit(snapshot) == _advice(ids) | _pol002_on_the_s3_endpoint(ids)
    assert not is_db_instance(region_view(snapshot).interfaces[ids["db_eni"]])


def test_near_miss_endpoint_on_the_clients_route_table_only() -> None:
    """The gateway endpoint on the public route table alone (the client's subnet's), not on the
    cluster subnets': GWE001 on each of the three private subnets, medium, fix associating its
    table — right. Its message gives the cost of S3 traffic through the NAT gateway; the guide
    says more: the loader requires the endpoint (see "Noticed and left alone")."""
    snapshot, ids = _build(s3_endpoint="public-only")
    assert audit(snapshot) == _advice(ids) | _pol002_on_the_s3_endpoint(ids) | _gwe001_on_the_cluster_subnets(ids)
    finding = next(f for f in audit_result(snapshot).findings
                   if f.rule_id == "GWE001" and f.resource.resource_id == ids["private1"])
    assert severities(snapshot)[("GWE001", ids["private1"], "s3")] == "medium"
    assert [(s.action, s.parameters) for s in finding.fix] == [
        ("ec2:ModifyVpcEndpoint", {"VpcEndpointId": ids["s3"], "AddRouteTableIds": [ids["private_rt1"]]})]


def test_near_miss_without_the_s3_endpoint() -> None:
    """No S3 gateway endpoint at all: GWE002 on the VPC, medium — right (the loader requires one;
    the private subnets leave through NAT gateways). POL002 goes with the endpoint."""
    snapshot, ids = _build(s3_endpoint=None)
    assert audit(snapshot) == _advice(ids) | {("GWE002", ids["vpc"], "fail")}
    assert severities(snapshot)[("GWE002", ids["vpc"], "")] == "medium"


def test_near_miss_db_group_egress_to_the_vpc_only() -> None:
    """The cluster on a group of its own admitting 8182 from ``NeptuneSG`` (the client's) and
    letting out all traffic to the VPC's CIDR only: SG005 on it, medium, naming the gateway
    endpoint and S3's prefix list — right. The fix lets TCP 443 out to the prefix list."""
    snapshot, ids = _build(db_group="vpc-egress")
    assert audit(snapshot) == _advice(ids) | _pol002_on_the_s3_endpoint(ids) | _sg005_on_the_db_group(ids)
    finding = next(f for f in audit_result(snapshot).findings if f.rule_id == "SG005")
    assert finding.evidence["endpoints"] == [ids["s3"]]
    assert finding.evidence["prefix_lists"] == [f"{ids['s3']}: {ids['s3_pl']}"]
    (step,) = finding.fix
    assert step.parameters == {"GroupId": ids["db_sg"], "IpPermissions": [
        {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "PrefixListIds": [{"PrefixListId": ids["s3_pl"]}]}]}


def test_near_miss_client_refused_on_the_cluster_port_goes_unreported() -> None:
    """``NeptuneSG`` without its 8182 rule: the client (on ``NeptuneSG`` only, not the default
    group) cannot reach the loader's HTTP API. A gap, pinned: no rule of the catalogue judges a
    database's ingress from its clients (the snapshot holds no DB cluster, so nothing names its
    port or its clients); the findings are those of the template."""
    snapshot, ids = _build(client_port=False)
    assert audit(snapshot) == _advice(ids) | _pol002_on_the_s3_endpoint(ids)


def test_near_miss_db_group_egress_to_s3_only_with_chained_roles() -> None:
    """The cluster's own group letting out TCP 443 to S3's prefix list only (what SG005's fix
    writes) and an ``sts`` interface endpoint for chained roles: "The Neptune loader requires a
    VPC endpoint for AWS STS when you are chaining IAM roles" (bulk-load-tutorial-chain-roles),
    and the DB instance cannot send 443 to it. SG005 on the DB group, medium, naming the ``sts``
    endpoint — right: the interface fits the instance DescribeDBInstances lists with Engine
    ``neptune``, whose services include ``sts``. POL001 on the endpoint (AWS's full-access default
    policy) is right, as advice."""
    snapshot, ids = _build(db_group="s3-egress", sts_endpoint=True)
    assert audit(snapshot) == (_advice(ids) | _pol002_on_the_s3_endpoint(ids) | _sg005_on_the_db_group(ids)
                               | {("POL001", ids["sts"], "fail")})
    finding = next(f for f in audit_result(snapshot).findings if f.rule_id == "SG005")
    assert finding.evidence["endpoints"] == [ids["sts"]]
    assert severities(snapshot)[("SG005", ids["db_sg"], "")] == "medium"


def test_near_miss_db_group_egress_to_s3_only_with_chained_roles_and_the_instances_not_collected() -> None:
    """The same with DescribeDBInstances denied: the interface does not say its engine, so it is a
    client of what every engine is documented to call together (``DB_INSTANCE_SERVICES``), which
    has no ``sts`` — SG005 silent, as before the instances were collected. A miss for Neptune,
    kept: today's reading, which the instances alone can sharpen."""
    snapshot, ids = _build(db_group="s3-egress", sts_endpoint=True, instances_collected=False)
    assert audit(snapshot) == _advice(ids) | _pol002_on_the_s3_endpoint(ids) | {("POL001", ids["sts"], "fail")}

