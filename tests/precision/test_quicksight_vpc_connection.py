"""Amazon QuickSight reaching a private RDS for PostgreSQL instance through a QuickSight VPC
connection, beside an application tier with Session Manager endpoints and NAT gateways (QuickSight
User Guide, VPC connections): every finding and its verdict (docs/precision.md)."""

from __future__ import annotations

from functools import cache

from aws_layout import audit, region_view
from layouts import quicksight_vpc_connection
from layouts.quicksight_vpc_connection import PG_PORT, VPC_CIDR

from vpcaudit.network.view import is_db_instance
from vpcaudit.snapshot.model import Snapshot

Triples = set[tuple[str, str, str]]
Built = tuple[Snapshot, dict[str, str]]


@cache
def _built(quicksight_inbound: bool = True, db_source: str = "quicksight-group", connection_azs: int = 3) -> Built:
    return quicksight_vpc_connection.build(quicksight_inbound=quicksight_inbound, db_source=db_source,
                                           connection_azs=connection_azs)


def _quicksight_enis(ids: dict[str, str]) -> list[str]:
    return [v for k, v in sorted(ids.items()) if k.startswith("qs_eni")]


def _baseline(ids: dict[str, str]) -> Triples:
    """Right, as advice. MON001: no flow log. POL001 on the S3 gateway endpoint and on ``ssm``:
    AWS's default full-access policy (``ssmmessages`` and ``ec2messages`` take no policy). GWE003
    (low): the application subnets reach DynamoDB through their NAT gateways, and a gateway
    endpoint is free. IFE003 (info): Session Manager without the optional ``kms`` and ``logs``
    endpoints, needed only for KMS-encrypted sessions and session logs."""
    return {("MON001", ids["vpc"], "fail"), ("POL001", ids["s3"], "fail"), ("POL001", ids["ssm"], "fail"),
            ("GWE003", ids["vpc"], "fail"), ("IFE003", ids["vpc"], "fail")}


def test_the_snapshot_is_the_guides_vpc_connection() -> None:
    """The builder against the guide: ``quicksight-vpc`` described ``QuickSight-VPC`` with all TCP
    in from the database's group and TCP 5432 out to it; the database group admitting 5432 from
    QuickSight's group and the application's; one QuickSight interface per connection subnet, in
    three AZs, as DescribeNetworkInterfaces would report it (typed ``interface``, not
    requester-managed, no RequesterId, no description, no tags); the DB instance's interface as RDS
    reports it. The network model reads QuickSight's interfaces as workloads (right: QuickSight's
    traffic originates from them) and as clients of every service (the rule-wrong reading below)."""
    snapshot, ids = _built()
    region = snapshot.accounts[0].regions[0]
    groups = {g.group_id: g for g in region.security_groups}
    qs = groups[ids["quicksight_sg"]]
    assert (qs.group_name, qs.description) == ("quicksight-vpc", "QuickSight-VPC")
    assert sorted((x.is_egress, x.ip_protocol, x.from_port, x.to_port, x.referenced_group_id) for x in qs.rules) \
        == [(False, "tcp", 0, 65535, ids["db_sg"]), (True, "tcp", PG_PORT, PG_PORT, ids["db_sg"])]
    db = groups[ids["db_sg"]]
    assert sorted((x.is_egress, x.from_port or 0, x.referenced_group_id or x.cidr_ipv4 or "") for x in db.rules) \
        == sorted([(False, PG_PORT, ids["quicksight_sg"]), (False, PG_PORT, ids["app_sg"]), (True, 0, "0.0.0.0/0")])

    view = region_view(snapshot)
    quicksight = [view.interfaces[e] for e in _quicksight_enis(ids)]
    assert {(e.interface_type, e.requester_managed, e.requester_id, e.description, e.tags, e.group_ids)
            for e in quicksight} == {("quicksight", False, None, "", (), (ids["quicksight_sg"],))}
    assert sorted(view.az_id_of(e.subnet_id) for e in quicksight) == ["use1-az1", "use1-az2", "use1-az4"]
    assert {e.subnet_id for e in quicksight} == {ids["data1"], ids["data2"], ids["data3"]}
    db_eni = view.interfaces[ids["db_eni"]]
    assert is_db_instance(db_eni) and not view.may_call(db_eni, "ssm")
    assert not any(view.is_workload(e) for e in quicksight)


def test_quicksights_interfaces_are_no_aws_service_clients() -> None:
    """QuickSight's interfaces reach only the data sources the connection serves ("Network traffic
    from Amazon QuickSight then originates from this network interface when Amazon QuickSight
    connects to a database or other instance within your VPC"; a VPC connection serves databases):
    no Systems Manager, S3 or other AWS service endpoint of the VPC is called from them. Typed
    ``quicksight``, as EC2 reports them, they are no workload of the account — right. Typed
    ``interface`` (an assumption this layout first made, before botocore's ``NetworkInterfaceType``
    was read) they counted as clients of every service, and IFE002 and SG005 fired. The DB
    instance's interface, in the same data subnets, is kept apart from ``ssm`` by its managed kind."""
    snapshot, ids = _built()
    view = region_view(snapshot)
    assert set(view.client_enis(ids["vpc"], "ssm")) == {view.interfaces[ids["app_eni1"]],
                                                        view.interfaces[ids["app_eni2"]]}


def test_findings_and_verdicts_as_the_guide_sets_it_up() -> None:
    """The canonical form: the advice baseline alone. Silent, rightly: IFE002 (use1-az4 holds only
    QuickSight's interface, no client of Systems Manager), SG005 (``quicksight-vpc`` sends TCP 5432
    to ``db`` alone, as the guide keeps the group's outbound rules to "the data source instances in
    your VPC"), IFE001 (endpoints in two AZs), SG003/SG006 (the
    endpoints admit the VPC's block), SG001/SG004, SG002 (443 only), GWE001/GWE002 (the S3
    endpoint on the application and data tables), ACL001 (default NACL), the NAT rules (a NAT
    gateway per application AZ), DNS001-DNS005 (both attributes on, no zone)."""
    snapshot, ids = _built()
    assert audit(snapshot) == _baseline(ids)


def test_near_miss_quicksight_group_without_the_inbound_rule_goes_unreported() -> None:
    """``quicksight-vpc`` without the inbound all-TCP rule from ``db``. The guide's security-group
    page asks for it on every VPC connection ("must allow all inbound TCP traffic from the security
    groups of the data destinations"); its "Inbound rules" page explains why for connections created
    before April 27, 2023 (the group "isn't stateful": the database's replies are dropped). A gap,
    pinned: no rule judges a group no endpoint carries, and the snapshot holds neither QuickSight's
    VPC connections nor their creation time; the findings are the baseline's."""
    snapshot, ids = _built(quicksight_inbound=False)
    assert audit(snapshot) == _baseline(ids)
    qs = next(g for g in snapshot.accounts[0].regions[0].security_groups if g.group_id == ids["quicksight_sg"])
    assert not [x for x in qs.rules if not x.is_egress]


def test_near_miss_database_admitting_the_vpc_block_is_fine() -> None:
    """``db`` admitting TCP 5432 from 10.20.0.0/16 instead of ``quicksight-vpc``: the guide's
    alternative ("the private IP address of the QuickSight network interface"), broader but working.
    Right, silently: the baseline's findings, none about the database's group."""
    snapshot, ids = _built(db_source="vpc-cidr")
    assert audit(snapshot) == _baseline(ids)
    db = next(g for g in snapshot.accounts[0].regions[0].security_groups if g.group_id == ids["db_sg"])
    assert any(x.cidr_ipv4 == VPC_CIDR and x.from_port == PG_PORT for x in db.rules)


def test_near_miss_connection_in_one_az_goes_unreported() -> None:
    """The connection's two subnets (CreateVPCConnection's minimum) both in us-east-1a: one AZ's
    outage takes QuickSight's path to the database away. A gap, pinned: the snapshot holds no VPC
    connection, and no rule judges the AZs of anything but endpoints and NAT gateways."""
    snapshot, ids = _built(connection_azs=1)
    assert audit(snapshot) == _baseline(ids)
    view = region_view(snapshot)
    assert {view.az_id_of(view.interfaces[e].subnet_id) for e in _quicksight_enis(ids)} == {"use1-az1"}
