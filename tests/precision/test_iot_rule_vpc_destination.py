"""An AWS IoT Core rule's Apache Kafka action delivering to an Amazon MSK cluster in private
subnets through an IoT Core VPC destination (AWS IoT Core Developer Guide, "Virtual private cloud
(VPC) destinations"): every finding and its verdict (docs/precision.md)."""

from __future__ import annotations

from functools import cache

from aws_layout import audit, region_view
from layouts import iot_rule_vpc_destination
from layouts.iot_rule_vpc_destination import IOT_RULES_MANAGED, KAFKA_SCRAM

from vpcaudit.snapshot.model import Snapshot

Triples = set[tuple[str, str, str]]
Built = tuple[Snapshot, dict[str, str]]
IOT_GROUP_FORGOTTEN = {"brokers_admit_iot": False}
ONE_AZ_DESTINATION = {"destination_azs": (1,)}


@cache
def _built(**options: object) -> Built:
    """One snapshot per variant: several tests read the same one."""
    return iot_rule_vpc_destination.build(**options)  # type: ignore[arg-type]


def _flow_logs(ids: dict[str, str]) -> Triples:
    """Right, medium: nothing in the layout creates a flow log."""
    return {("MON001", ids["vpc"], "fail")}


def _nat_processing(ids: dict[str, str]) -> Triples:
    """Right (advice), medium and low: the consumer's S3 traffic (package repositories) and any
    DynamoDB traffic leave through the NAT gateway and pay its processing; no gateway endpoint."""
    return {("GWE002", ids["vpc"], "fail"), ("GWE003", ids["vpc"], "fail")}


def _single_nat_gateway(ids: dict[str, str]) -> Triples:
    """Right (advice), medium: one NAT gateway in us-east-1a for a private table shared by three
    AZs. NAT002 on the private subnets of us-east-1b and c, NAT003 once per AZ without one. The
    rule engine's interfaces do not need it (the brokers are in the VPC); the consumer does."""
    return {("NAT002", ids["private2"], "fail"), ("NAT002", ids["private3"], "fail"),
            ("NAT003", ids["vpc"], "fail")}


def _baseline(ids: dict[str, str]) -> Triples:
    return _flow_logs(ids) | _nat_processing(ids) | _single_nat_gateway(ids)


def test_the_rule_engine_interfaces_as_describe_network_interfaces_reports_them() -> None:
    """One ``iot_rules_managed`` interface per destination subnet, in the destination's group, on
    no instance (the type is botocore's; the rest assumed, module docstring). Not workloads, and
    rightly: the guide's interfaces exist "to reach your Kafka brokers" — the rule engine's
    deliveries to the target, no AWS API call of their own — so no endpoint, NAT or DNS rule
    should count them as a client. Their group, ingress-less with AWS's default egress, is what
    the guide asks ("must be configured to block incoming traffic")."""
    snapshot, ids = _built()
    view = region_view(snapshot)
    enis = [e for e in snapshot.accounts[0].regions[0].network_interfaces if e.interface_type == IOT_RULES_MANAGED]
    assert sorted(e.subnet_id for e in enis) == sorted(ids[f"private{k}"] for k in (1, 2, 3))
    assert {(e.group_ids, e.instance_id, e.requester_managed) for e in enis} == {((ids["iot_sg"],), None, False)}
    assert not any(view.is_workload(e) for e in enis)
    assert [e.network_interface_id for e in view.workload_enis(ids["vpc"])] == [ids["consumer"]]


def test_findings_and_verdicts() -> None:
    """The canonical form: MON001, GWE002/GWE003, NAT002 ×2, NAT003. Silent, rightly: SG001-SG005,
    ACL001, IFE001-IFE006, DNS003, POL001/POL002 (they judge VPC endpoints and their clients; the
    layout has none), RT001 (no blackhole); nothing on the rule engine's group or subnets — its
    interfaces are not workloads, and the group admits nothing."""
    snapshot, ids = _built()
    assert audit(snapshot) == _baseline(ids)


def test_near_miss_brokers_do_not_admit_the_rule_engine() -> None:
    """The brokers' group admitting TCP 9096 from the consumer's group only, the destination's
    group forgotten: every delivery times out and the rule's error action fires. A gap, pinned:
    the audit is the canonical one. No rule matches a service's outbound interfaces to the group
    of the target it delivers to — the snapshot does not record the topic rule destination nor
    the Kafka action's ``bootstrap.servers``, so nothing says the rule engine's interfaces talk to
    these brokers at all."""
    snapshot, ids = _built(**IOT_GROUP_FORGOTTEN)
    assert audit(snapshot) == _baseline(ids)
    groups = {g.group_id: g for g in snapshot.accounts[0].regions[0].security_groups}
    sources = {x.referenced_group_id for x in groups[ids["broker_sg"]].rules
               if not x.is_egress and x.from_port == KAFKA_SCRAM}
    assert sources == {ids["consumer_sg"]}


def test_near_miss_destination_in_one_az() -> None:
    """The destination given only the private subnet of us-east-1a: one rule-engine interface, and
    deliveries stop with that AZ, though the brokers span three. A gap, pinned: the audit is the
    canonical one. The guide states no AZ requirement for a VPC destination (it "contains a list of
    subnets" and the engine makes an interface "in each subnet"), so a finding would be advice at
    most, and the interfaces' AZ spread is the one thing the snapshot does hold; IFE001/IFE002
    judge interface endpoints only."""
    snapshot, ids = _built(**ONE_AZ_DESTINATION)
    assert audit(snapshot) == _baseline(ids)
    enis = [e for e in snapshot.accounts[0].regions[0].network_interfaces if e.interface_type == IOT_RULES_MANAGED]
    assert [e.subnet_id for e in enis] == [ids["private1"]]
