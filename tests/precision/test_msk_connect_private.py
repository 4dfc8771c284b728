"""An Amazon MSK Connect S3 sink connector in the private subnets of an MSK provisioned cluster,
writing through an S3 gateway endpoint (the MSK Developer Guide's "Getting started using MSK
Connect" and "Enabling internet access for Amazon MSK Connect"): every finding and its verdict
(docs/precision.md)."""

from __future__ import annotations

from functools import cache

from aws_layout import audit, audit_result, region_view
from layouts import msk_connect_private
from layouts.msk_connect_private import CONNECT_TAG, KAFKA_PLAINTEXT

from vpcaudit.snapshot import resources as r
from vpcaudit.snapshot.model import RegionSnapshot, Snapshot

Triples = set[tuple[str, str, str]]
Built = tuple[Snapshot, dict[str, str]]
INTERNET = {"nat": True}
NO_S3_ENDPOINT = {"s3_endpoint": False}
BROKERS_FORGET_CONNECTOR = {"connector_group": "own", "brokers_admit_connector": False}
CONNECTOR_WITHOUT_EGRESS = {"connector_group": "own", "connector_egress": False}


@cache
def _built(**options: object) -> Built:
    """One snapshot per variant: several tests read the same one."""
    return msk_connect_private.build(**options)  # type: ignore[arg-type]


def _region(snapshot: Snapshot) -> RegionSnapshot:
    return snapshot.accounts[0].regions[0]


def _flow_logs(ids: dict[str, str]) -> Triples:
    """Right, medium: neither page creates a flow log."""
    return {("MON001", ids["vpc"], "fail")}


def _s3_endpoint_policy(ids: dict[str, str]) -> Triples:
    """Right (advice), medium: the tutorial's S3 gateway endpoint keeps AWS's default full-access
    policy; S3 gateway endpoints take policies, and one naming ``mkc-tutorial-destination-bucket``
    would carry everything the sink does."""
    return {("POL001", ids["s3"], "fail")}


def _baseline(ids: dict[str, str]) -> Triples:
    return _flow_logs(ids) | _s3_endpoint_policy(ids)


def _nat_form(ids: dict[str, str]) -> Triples:
    """Right (advice), medium and low: the internet page's single NAT gateway in us-east-1a serves
    the private subnet of us-east-1b across AZs (NAT002) and leaves that AZ without one (NAT003);
    DynamoDB traffic from the private subnets would pay NAT processing, no gateway endpoint
    (GWE003: advisory, the S3 sink calls no DynamoDB). GWE002 silent, rightly: the S3 endpoint
    stays."""
    return {("NAT002", ids["private2"], "fail"), ("NAT003", ids["vpc"], "fail"), ("GWE003", ids["vpc"], "fail")}


def test_the_worker_interfaces_as_describe_network_interfaces_reports_them() -> None:
    """One worker interface per private subnet, typed ``interface``, tagged
    ``AmazonMSKConnectManaged: true`` only, on no instance of the account, in the cluster's group
    (module docstring: the tag documented, the rest assumed). Workloads, rightly: the worker runs
    the sink's code and its S3 calls leave through them. The brokers' interfaces are not."""
    snapshot, ids = _built()
    view = region_view(snapshot)
    workers = [e for e in _region(snapshot).network_interfaces if r.tag_value(e.tags, CONNECT_TAG) == "true"]
    assert sorted(e.subnet_id for e in workers) == sorted([ids["private1"], ids["private2"]])
    assert {(e.interface_type, e.requester_managed, e.instance_id, e.description, e.group_ids, len(e.tags))
            for e in workers} == {("interface", False, None, "", (ids["default_sg"],), 1)}
    assert sorted(e.network_interface_id for e in view.workload_enis(ids["vpc"])) == sorted(
        [ids["worker1"], ids["worker2"]])
    brokers = [e for e in _region(snapshot).network_interfaces if e.network_interface_id in (ids["broker1"],
                                                                                               ids["broker2"])]
    assert len(brokers) == 2 and not any(view.is_workload(e) for e in brokers)


def test_findings_and_verdicts() -> None:
    """The tutorial in private subnets: MON001, POL001 on the S3 endpoint. Silent, rightly:
    GWE001 (the endpoint is on the main table, the private subnets' table), GWE002/GWE003 and the
    NAT rules (no route leaves the VPC), SG005 (the default group sends everything), SG001-SG004
    and SG006, IFE001-IFE006, DNS003 (no interface endpoint), DNS001/DNS002 (both on), ACL001,
    RT001."""
    snapshot, ids = _built()
    assert audit(snapshot) == _baseline(ids)


def test_internet_form() -> None:
    """The internet page's public subnet, internet gateway and NAT gateway, the main table to it:
    the baseline and NAT002, NAT003, GWE003."""
    snapshot, ids = _built(**INTERNET)
    assert audit(snapshot) == _baseline(ids) | _nat_form(ids)


def test_near_miss_no_s3_endpoint_and_no_nat() -> None:
    """The endpoint step skipped, no NAT: the workers have no public address and no route to S3,
    every ``PutObject`` times out and the tasks fail. A gap, pinned: only MON001. GWE002 judges
    subnets that pay for NAT or transit, not isolated ones, and no rule knows that the workers
    call S3 — the snapshot has the interfaces and their tag, not the connector's plugin."""
    snapshot, ids = _built(**NO_S3_ENDPOINT)
    assert audit(snapshot) == _flow_logs(ids)
    assert not any(e.endpoint_type == "Gateway" for e in _region(snapshot).vpc_endpoints)


def test_near_miss_brokers_do_not_admit_the_connector_group() -> None:
    """The connector in ``mkc-connector-sg`` (all traffic out), the cluster's default group
    admitting only itself: the workers cannot bootstrap and the connector fails to create. A gap,
    pinned: the audit is the canonical one. Nothing records the connector's
    ``bootstrapServers``, so no rule pairs the workers with the brokers' group."""
    snapshot, ids = _built(**BROKERS_FORGET_CONNECTOR)
    assert audit(snapshot) == _baseline(ids)
    groups = {g.group_id: g for g in _region(snapshot).security_groups}
    sources = {x.referenced_group_id for x in groups[ids["default_sg"]].rules if not x.is_egress}
    assert sources == {ids["default_sg"]}


def test_near_miss_connector_group_without_egress() -> None:
    """The connector's own group with no egress rule, admitted by the brokers on TCP 9092: the
    workers send nothing. SG005 on ``mkc-connector-sg``, medium — right: the workers are the S3
    gateway endpoint's likely clients and cannot send TCP 443 to its prefix list. The finding names
    S3 only; the lost Kafka traffic to the brokers is the gap of the previous near miss."""
    snapshot, ids = _built(**CONNECTOR_WITHOUT_EGRESS)
    assert audit(snapshot) == _baseline(ids) | {("SG005", ids["connector_sg"], "fail")}
    finding = next(f for f in audit_result(snapshot).findings if f.rule_id == "SG005")
    assert ids["worker1"] in finding.message and ids["worker2"] in finding.message
    assert "no egress rules" in finding.message
    groups = {g.group_id: g for g in _region(snapshot).security_groups}
    assert {(x.from_port, x.referenced_group_id) for x in groups[ids["default_sg"]].rules
            if not x.is_egress and x.from_port == KAFKA_PLAINTEXT} == {(KAFKA_PLAINTEXT, ids["connector_sg"])}
