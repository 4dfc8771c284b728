"""A NAT instance in place of a NAT gateway: the fck-nat Terraform module (v1.4.0) in
high-availability mode with its ``examples/full`` VPC: every finding and its verdict
(docs/precision.md)."""

from __future__ import annotations

from functools import cache

from aws_layout import audit, audit_result, region_view
from layouts import nat_instance_fck_nat
from layouts.nat_instance_fck_nat import EPHEMERAL_DESCRIPTION, PUBLIC_IP, STATIC_DESCRIPTION, VPC_CIDR

from vpcaudit.network.paths import path_for
from vpcaudit.snapshot import resources as r
from vpcaudit.snapshot.model import Snapshot

Triples = set[tuple[str, str, str]]
Built = tuple[Snapshot, dict[str, str]]
CHECK_LEFT_ON = {"source_dest_check": True}
IN_PRIVATE_SUBNET = {"nat_subnet": "private"}
INSTANCE_GONE = {"instance_attached": False}


@cache
def _built(**options: object) -> Built:
    """One snapshot per variant: several tests read the same one."""
    return nat_instance_fck_nat.build(**options)  # type: ignore[arg-type]


def _interfaces(snapshot: Snapshot) -> dict[str, r.NetworkInterface]:
    return {e.network_interface_id: e for e in snapshot.accounts[0].regions[0].network_interfaces}


def _flow_logs(ids: dict[str, str]) -> Triples:
    """Right, medium: neither the module nor the example creates a flow log."""
    return {("MON001", ids["vpc"], "fail")}


def _through_the_nat_instance(ids: dict[str, str]) -> Triples:
    """Right (advice), medium and low: the private subnet's S3 and DynamoDB traffic leaves through
    the NAT instance, and no gateway endpoint takes it. No NAT gateway processing is charged here
    (and the findings claim none), but every byte uses the one instance's bandwidth, which is its
    instance type's (VPC User Guide, "Compare NAT gateways and NAT instances"), while a gateway
    endpoint is free."""
    return {("GWE002", ids["vpc"], "fail"), ("GWE003", ids["vpc"], "fail")}


def _cannot_forward(ids: dict[str, str]) -> Triples:
    """Right, high: the private subnet's default route goes to a NAT instance that cannot forward
    (NAT006)."""
    return {("NAT006", ids["nat_instance"], "fail")}


def _dead_default_route(ids: dict[str, str]) -> Triples:
    """Right, high: the private table's 0.0.0.0/0 to the static interface is ``blackhole`` while
    no instance holds it; the private subnet's internet traffic is dropped until the Auto Scaling
    group's replacement attaches it again."""
    return {("RT001", ids["private_rt"], "fail")}


def test_the_module_as_describe_calls_report_it() -> None:
    """The route targets the NAT instance (``InstanceId``, the static interface attached); both of
    its interfaces sit in the public subnet in the module's group, the ephemeral one with the
    public address. The path model reads the route as a NAT instance: the private subnet is not
    taken for isolated, and its internet, S3 and DynamoDB paths go ``nat-instance``."""
    snapshot, ids = _built()
    enis = _interfaces(snapshot)
    static, ephemeral = enis[ids["static_eni"]], enis[ids["ephemeral_eni"]]
    assert (static.description, ephemeral.description) == (STATIC_DESCRIPTION, EPHEMERAL_DESCRIPTION)
    assert {(e.subnet_id, e.group_ids, e.instance_id) for e in (static, ephemeral)} == {
        (ids["public"], (ids["nat_sg"],), ids["nat_instance"])}
    assert (static.public_ip_addresses, ephemeral.public_ip_addresses) == ((), (PUBLIC_IP,))
    assert (static.source_dest_check, ephemeral.source_dest_check) == (False, False)
    view = region_view(snapshot)
    (default,) = [x for x in view.route_tables[ids["private_rt"]].routes if x.destination == "0.0.0.0/0"]
    assert (default.target_kind, default.target_id, default.state) == ("instance", ids["nat_instance"], "active")
    assert default.network_interface_id == ids["static_eni"]
    assert view.internet_egress(ids["private"]) == "nat"
    assert view.is_public(ids["public"])
    private = view.subnets[ids["private"]]
    assert {(d, path_for(view, private, d).kind, path_for(view, private, d).target_id)
            for d in ("internet", "s3", "dynamodb")} == {
        (d, "nat-instance", ids["nat_instance"]) for d in ("internet", "s3", "dynamodb")}


def test_the_nat_group_admits_the_vpc() -> None:
    """What the VPC guide asks of a NAT instance's group — traffic admitted from the private
    subnets — the module gives with the whole VPC CIDR, all protocols; its egress is open."""
    snapshot, ids = _built()
    groups = {g.group_id: g for g in snapshot.accounts[0].regions[0].security_groups}
    rules = groups[ids["nat_sg"]].rules
    assert {(x.ip_protocol, x.cidr_ipv4) for x in rules if not x.is_egress} == {("-1", VPC_CIDR)}
    assert {(x.cidr_ipv4, x.cidr_ipv6) for x in rules if x.is_egress} == {("0.0.0.0/0", None), (None, "::/0")}


def test_findings_and_verdicts() -> None:
    """The canonical form: MON001, GWE002/GWE003 naming the NAT instance. Silent, rightly: RT001
    (the route's instance holds interfaces in the account), NAT001-NAT005 (they judge NAT
    gateways; the layout has none — and one AZ, so no cross-AZ question), NAT006 (the static
    interface the route lists has its check off, and the ephemeral one carries the public address
    in the public subnet), SG/IFE/POL/ACL001/DNS
    (no VPC endpoint; DNS hostnames off matters to private DNS only)."""
    snapshot, ids = _built()
    assert audit(snapshot) == _flow_logs(ids) | _through_the_nat_instance(ids)
    messages = {f.rule_id: f.message for f in audit_result(snapshot).findings if f.rule_id in ("GWE002", "GWE003")}
    for message in messages.values():
        assert f"NAT instance {ids['nat_instance']}" in message
        assert "NAT gateway data processing" not in message


def test_near_miss_source_dest_check_left_on() -> None:
    """The static interface with source/destination checking on: the instance drops every packet
    it should forward ("you must disable source/destination checks on the NAT instance", VPC
    guide), so the private subnet has no internet at all. Was a gap, closed: the snapshot keeps
    DescribeNetworkInterfaces' ``SourceDestCheck`` and the interface the route lists beside the
    instance, and NAT006 fires, high, on the instance, naming the static interface — not the
    ephemeral one, whose check the AMI turns off — with the fix turning its check off."""
    snapshot, ids = _built(**CHECK_LEFT_ON)
    assert audit(snapshot) == _flow_logs(ids) | _through_the_nat_instance(ids) | _cannot_forward(ids)
    (finding,) = [f for f in audit_result(snapshot).findings if f.rule_id == "NAT006"]
    assert finding.severity.value == "high"
    assert f"source/destination checking is on for {ids['static_eni']}" in finding.message
    assert "no way out" not in finding.message and ids["ephemeral_eni"] not in finding.message
    assert [(s.action, s.parameters, s.ready) for s in finding.fix] == [
        ("ec2:ModifyNetworkInterfaceAttribute",
         {"NetworkInterfaceId": ids["static_eni"], "SourceDestCheck": {"Value": False}}, True)]
    item = {"NetworkInterfaceId": ids["static_eni"], "SubnetId": ids["public"], "VpcId": ids["vpc"]}
    assert r.NetworkInterface.from_api({**item, "SourceDestCheck": True}).source_dest_check is True


def test_near_miss_nat_instance_in_the_private_subnet() -> None:
    """The module given the private subnet: the NAT instance sits where the default route points
    back at itself, with no route to the internet gateway, so nothing it forwards leaves the VPC
    (the guide: it "must be in a public subnet"). Was a gap, closed: NAT001 judges NAT gateways
    only, but the instance's subnet is in the snapshot (its interfaces'), and NAT006 makes of it
    the check NAT001 makes of a gateway's subnet: it fires, high, on the instance, saying the
    default route leads back to the instance itself; its fix (a NAT gateway in the public subnet,
    the route moved to it) waits for a decision, as moving the instance is the other way. The
    private subnet still reads as egress ``nat`` through the instance, and GWE002/GWE003 say its
    traffic "leaves through NAT instance" — their advice (a gateway endpoint) still holds."""
    snapshot, ids = _built(**IN_PRIVATE_SUBNET)
    assert audit(snapshot) == _flow_logs(ids) | _through_the_nat_instance(ids) | _cannot_forward(ids)
    (finding,) = [f for f in audit_result(snapshot).findings if f.rule_id == "NAT006"]
    assert finding.severity.value == "high"
    assert "none of its interfaces has a way out of the VPC" in finding.message
    assert f"leads back to {ids['nat_instance']}, the NAT instance itself" in finding.message
    assert "source/destination" not in finding.message
    assert finding.fix and not any(s.ready for s in finding.fix)
    view = region_view(snapshot)
    assert view.egress(ids["private"]).klass == "nat"
    assert view.egress(ids["private"]).target_id == ids["nat_instance"]
    assert {e.subnet_id for e in _interfaces(snapshot).values() if e.instance_id == ids["nat_instance"]} == {
        ids["private"]}
    assert not view.is_public(ids["private"])


def test_near_miss_instance_gone_route_blackholed() -> None:
    """The Auto Scaling group's instance terminated, its replacement not yet up: the static
    interface is ``available`` on no instance, the route lists it alone and is ``blackhole``.
    RT001 fires on the private table, high; the private subnet is isolated, so GWE002/GWE003 —
    which count only subnets whose traffic leaves at a price — fall silent, rightly."""
    snapshot, ids = _built(**INSTANCE_GONE)
    assert audit(snapshot) == _flow_logs(ids) | _dead_default_route(ids)
    (finding,) = [f for f in audit_result(snapshot).findings if f.rule_id == "RT001"]
    assert finding.severity.value == "high"
    assert ids["static_eni"] in finding.message and "blackhole" in finding.message
    view = region_view(snapshot)
    assert view.internet_egress(ids["private"]) is None
    assert path_for(view, view.subnets[ids["private"]], "internet").kind == "none"
