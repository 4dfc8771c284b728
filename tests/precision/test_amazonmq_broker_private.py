"""An Amazon MQ for ActiveMQ active/standby broker without public accessibility in private subnets,
its producer and consumer in the same VPC, an ``ssm`` interface endpoint and an S3 gateway endpoint
(cloudposse/terraform-aws-mq-broker ``examples/complete`` and the Amazon MQ Developer Guide): every
finding and its verdict (docs/precision.md)."""

from __future__ import annotations

from functools import cache

from aws_layout import audit, audit_result, region_view, severities
from layouts import amazonmq_broker_private
from layouts.amazonmq_broker_private import AMQP, BROKER_ID, CONSOLE, VPC_CIDR

from vpcaudit.snapshot.model import Snapshot

Triples = set[tuple[str, str, str]]
HARDENED = {"broker_egress": False}
NOT_COLLECTED = {"brokers_collected": False}
CLIENTS_IN_ONE_AZ = {"app_azs": (1,), "endpoint_azs": (1,)}
SINGLE_INSTANCE = {"deployment": "SINGLE_INSTANCE", "endpoint_azs": (1,)}


@cache
def _built(**options: object) -> tuple[Snapshot, dict[str, str]]:
    return amazonmq_broker_private.build(**options)  # type: ignore[arg-type]


def _flow_log(ids: dict[str, str]) -> Triples:
    """Right, medium: neither the example nor the VPC module creates a flow log (the module leaves
    them to terraform-aws-vpc-flow-logs-s3-bucket, its own comment says)."""
    return {("MON001", ids["vpc"], "fail")}


def _default_policies(ids: dict[str, str]) -> Triples:
    """Right (advice), medium: both endpoints keep AWS's default full-access policy; the clients
    need ``ssm:GetParameter(s)`` on the broker's parameters, and S3 only for package repositories."""
    return {("POL001", ids["ssm"], "fail"), ("POL001", ids["s3"], "fail")}


def _baseline(ids: dict[str, str]) -> Triples:
    return _flow_log(ids) | _default_policies(ids)


def _app_group_sends_no_https(ids: dict[str, str]) -> Triples:
    """Right, medium: the clients' group sends only TCP 5671 and 8162 to the broker's group, so the
    producer and consumer cannot reach the ``ssm`` endpoint for the broker's credentials."""
    return {("SG005", ids["app_sg"], "fail")}


def _endpoint_in_one_az(ids: dict[str, str]) -> Triples:
    """Right (advice), medium: the ``ssm`` endpoint in us-east-2a alone; an impairment there cuts
    the VPC off Parameter Store."""
    return {("IFE001", ids["ssm"], "fail")}


def _consumer_crosses_azs(ids: dict[str, str]) -> Triples:
    """Right, medium: the consumer runs in us-east-2b, the ``ssm`` endpoint only in a; its calls
    cross AZs and depend on an AZ it does not run in."""
    return {("IFE002", ids["ssm"], "fail")}


def test_the_snapshot_is_the_example() -> None:
    """The builder against the example: 172.16.0.0/16 with two private and two public /19s, the
    public table to the internet gateway, a private table per subnet with no default route, the
    open NACLs, the default group stripped of every rule; the broker's group admitting 8162 and
    5671 from the clients' group and sending everything; one broker interface per private subnet."""
    snapshot, ids = _built()
    region = snapshot.accounts[0].regions[0]
    assert sorted((s.cidr_block, s.availability_zone_id) for s in region.subnets) == [
        ("172.16.0.0/19", "use2-az1"), ("172.16.128.0/19", "use2-az2"), ("172.16.32.0/19", "use2-az2"),
        ("172.16.96.0/19", "use2-az1")]
    assert not region.nat_gateways
    tables = {t.route_table_id: t for t in region.route_tables}
    for k in (1, 2):
        assert {x.destination for x in tables[ids[f"private_rt{k}"]].routes if x.target_kind != "local"} \
            == {next(p.prefix_list_id for p in region.prefix_lists if p.prefix_list_name.endswith(".s3"))}
    groups = {g.group_id: g for g in region.security_groups}
    assert not groups[ids["default_sg"]].rules
    broker = groups[ids["broker_sg"]]
    assert sorted((x.from_port, x.referenced_group_id) for x in broker.rules if not x.is_egress) == [
        (AMQP, ids["app_sg"]), (CONSOLE, ids["app_sg"])]
    assert sorted(x.cidr_ipv4 or x.cidr_ipv6 or "" for x in broker.rules if x.is_egress) == ["0.0.0.0/0", "::/0"]
    enis = {e.network_interface_id: e for e in region.network_interfaces}
    assert {enis[ids[f"broker{n}"]].subnet_id for n in (1, 2)} == {ids["private1"], ids["private2"]}
    assert all(enis[ids[f"broker{n}"]].instance_id is None for n in (1, 2))
    (broker,) = region.mq_brokers
    assert (broker.engine_type, broker.subnet_ids, broker.group_ids) == (
        "ACTIVEMQ", tuple(sorted((ids["private1"], ids["private2"]))), (ids["broker_sg"],))
    assert broker.instance_ips == tuple(enis[ids[f"broker{n}"]].private_ip_addresses[0] for n in (1, 2))
    endpoint_group = groups[ids["endpoint_sg"]]
    assert [(x.from_port, x.cidr_ipv4) for x in endpoint_group.rules] == [(443, VPC_CIDR)]


def test_findings_and_verdicts() -> None:
    """The canonical form: MON001 and POL001 ×2. Silent, rightly: IFE001/IFE002 (the endpoint in
    both AZs the clients run in), SG003/SG006 (the endpoint admits the VPC's block), SG005 (both
    groups with members send all traffic), ACL001 (open NACLs), DNS001-DNS005 (both attributes on),
    the NAT rules (no NAT gateway), GWE001-GWE003 (the S3 endpoint on both private tables)."""
    snapshot, ids = _built()
    assert audit(snapshot) == _baseline(ids)
    assert set(severities(snapshot).values()) == {"medium"}


def test_the_brokers_interfaces_are_no_clients() -> None:
    """Right. The VPC's workloads are the producer and the consumer. The broker's interfaces are
    its inbound side: "The network interface allows your client (producer or consumer) to
    communicate with the Amazon MQ broker. The network interface is considered to be within the
    service scope of Amazon MQ" (Developer Guide, never modify or delete the Amazon MQ elastic
    network interface). The broker's logs reach CloudWatch Logs through Amazon MQ's own calls,
    allowed by a resource-based policy (configuring ActiveMQ logs), not through the VPC. The
    brokers collected (DescribeBroker) tie each interface to the broker by its instance's
    ``IpAddress``."""
    snapshot, ids = _built()
    view = region_view(snapshot)
    workloads = {e.network_interface_id for e in view.workload_enis(ids["vpc"])}
    assert workloads == {ids["producer"], ids["consumer"]}
    assert {view.mq_broker_of(view.interfaces[ids[f"broker{n}"]]).broker_id for n in (1, 2)} == {BROKER_ID}


def test_the_brokers_interfaces_are_counted_today() -> None:
    """Today's reading kept where the snapshot cannot say better (ListBrokers or DescribeBroker
    denied, an older snapshot): the broker's two interfaces, attached to no instance of the
    account and carrying no description, read as workloads like the clients."""
    snapshot, ids = _built(**NOT_COLLECTED)
    workloads = {e.network_interface_id for e in region_view(snapshot).workload_enis(ids["vpc"])}
    assert workloads == {ids["producer"], ids["consumer"], ids["broker1"], ids["broker2"]}


def test_broker_group_without_egress() -> None:
    """Right (silent). The module's ``allow_all_egress = false``: the broker's group sends nothing.
    The guide asks only for inbound rules on the broker's group (troubleshooting: "Make sure that
    you are allowing connections to the following ports"), and its members, the broker's
    interfaces, call no AWS service (above): nothing is cut off."""
    snapshot, ids = _built(**HARDENED)
    assert audit(snapshot) == _baseline(ids)


def test_broker_group_without_egress_while_the_brokers_are_not_collected() -> None:
    """SG005 on the broker's group, medium, as before the brokers were collected: without them its
    interfaces are workloads that may call Parameter Store, and the group refuses HTTPS to the
    ``ssm`` endpoint. Conservative: nothing tells the snapshot they are the broker's."""
    snapshot, ids = _built(**HARDENED, **NOT_COLLECTED)
    assert audit(snapshot) == _baseline(ids) | {("SG005", ids["broker_sg"], "fail")}


def test_near_miss_clients_send_only_to_the_broker() -> None:
    """The clients' group tightened to TCP 5671 and 8162 to the broker's group: SG005 on it, medium.
    Right: the clients read the broker's credentials from Parameter Store through the ``ssm``
    endpoint, which now refuses them at their own egress."""
    snapshot, ids = _built(app_egress="broker")
    assert audit(snapshot) == _baseline(ids) | _app_group_sends_no_https(ids)
    assert severities(snapshot)[("SG005", ids["app_sg"], "")] == "medium"


def test_near_miss_broker_admits_the_console_only() -> None:
    """The broker's group admits TCP 8162 alone ("We recommend restricting this security group to
    port 8162", read outside its web-console tutorial): every AMQP connection on 5671 times out.
    A gap, pinned: no rule judges a group no endpoint carries against the clients it should admit,
    and the broker's listeners are not collected (its records keep only what ties an interface to
    it)."""
    snapshot, ids = _built(broker_ports=(CONSOLE,))
    assert audit(snapshot) == _baseline(ids)


def test_near_miss_single_instance_with_the_endpoint_beside_it() -> None:
    """A single-instance broker in us-east-2a and the ``ssm`` endpoint put beside it, the consumer
    still in us-east-2b: IFE001 (advice) and IFE002, naming the consumer's subnet. Right."""
    snapshot, ids = _built(**SINGLE_INSTANCE)
    assert audit(snapshot) == _baseline(ids) | _endpoint_in_one_az(ids) | _consumer_crosses_azs(ids)
    finding = next(f for f in audit_result(snapshot).findings if f.rule_id == "IFE002")
    assert finding.evidence["client_subnet_ids"] == [ids["private2"]]


def test_clients_and_endpoint_in_one_az() -> None:
    """Right. Producer, consumer and the ``ssm`` endpoint in us-east-2a, the active/standby broker
    across both AZs: IFE001 (advice) alone. Only the standby broker's interface runs in
    us-east-2b, and it calls no AWS service."""
    snapshot, ids = _built(**CLIENTS_IN_ONE_AZ)
    assert audit(snapshot) == _baseline(ids) | _endpoint_in_one_az(ids)


def test_clients_and_endpoint_in_one_az_while_the_brokers_are_not_collected() -> None:
    """IFE002 too, naming the standby broker's subnet in us-east-2b, as before the brokers were
    collected: without them its interface is a workload that may call Parameter Store."""
    snapshot, ids = _built(**CLIENTS_IN_ONE_AZ, **NOT_COLLECTED)
    assert audit(snapshot) == _baseline(ids) | _endpoint_in_one_az(ids) | _consumer_crosses_azs(ids)
    finding = next(f for f in audit_result(snapshot).findings if f.rule_id == "IFE002")
    assert finding.evidence["client_subnet_ids"] == [ids["private2"]]
