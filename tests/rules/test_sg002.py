"""SG002 endpoint-sg-extra-ports."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import pytest
from builders import REGION, RegionBuilder, Rule, standard_vpc
from rulecheck import findings, fix_of, triples

from vpcaudit.rules.sg.sg002_endpoint_sg_extra_ports import endpoint_sg_extra_ports as rule
from vpcaudit.snapshot.model import Part

ID = "SG002"
VPC_443: Rule = ("tcp", 443, 443, "10.0.0.0/16")
PRIVATELINK = f"com.amazonaws.vpce.{REGION}.vpce-svc-0123456789abcdef0"


def _endpoint_group(ingress: Iterable[Rule], key: str = "ssm", *, service_name: str | None = None,
                    also_on_workload: bool = False) -> tuple[RegionBuilder, str]:
    b = RegionBuilder()
    ids = standard_vpc(b)
    sg = b.security_group(str(ids["vpc"]), name="endpoints", ingress=ingress)
    b.interface_endpoint(str(ids["vpc"]), key, subnets=ids["private"], groups=[sg], service_name=service_name)
    if also_on_workload:
        b.workload(ids["private"][0], groups=[sg])
    return b, sg


def _service_port_only() -> tuple[RegionBuilder, str]:
    return _endpoint_group([VPC_443])


def _all_traffic() -> tuple[RegionBuilder, str]:
    return _endpoint_group([("-1", None, None, "10.0.0.0/16")])


def _port_80_too() -> tuple[RegionBuilder, str]:
    return _endpoint_group([VPC_443, ("tcp", 80, 80, "10.0.0.0/16")])


def _wide_range() -> tuple[RegionBuilder, str]:
    return _endpoint_group([("tcp", 0, 65535, "10.0.0.0/16")])


def _udp() -> tuple[RegionBuilder, str]:
    return _endpoint_group([VPC_443, ("udp", 53, 53, "10.0.0.0/16")])


def _icmp_only_extra() -> tuple[RegionBuilder, str]:
    return _endpoint_group([VPC_443, ("icmp", 8, 0, "10.0.0.0/16")])


def _codecommit_ssh() -> tuple[RegionBuilder, str]:
    return _endpoint_group([VPC_443, ("tcp", 22, 22, "10.0.0.0/16")], key="git-codecommit")


def _shared_with_workloads() -> tuple[RegionBuilder, str]:
    return _endpoint_group([VPC_443, ("tcp", 8080, 8080, "10.0.0.0/16")], also_on_workload=True)


def _default_group_on_endpoint() -> tuple[RegionBuilder, str]:
    # The VPC default group (all traffic from itself) on an endpoint and on the workloads.
    b = RegionBuilder()
    ids = standard_vpc(b)
    default = b.default_group(str(ids["vpc"]))
    b.interface_endpoint(str(ids["vpc"]), "ssm", subnets=ids["private"], groups=[default])
    return b, default


def _privatelink_port_unknown() -> tuple[RegionBuilder, str]:
    return _endpoint_group([("tcp", 8443, 8443, "10.0.0.0/16")], service_name=PRIVATELINK)


def _beside_privatelink(ingress: Iterable[Rule], *, also_on_workload: bool = False,
                        aws_service: bool = True) -> tuple[RegionBuilder, str]:
    """An AWS service's endpoint (TCP 443) and a PrivateLink service's (port unknown) in one group."""
    b = RegionBuilder()
    ids = standard_vpc(b)
    sg = b.security_group(str(ids["vpc"]), name="endpoints", ingress=ingress)
    if aws_service:
        b.interface_endpoint(str(ids["vpc"]), "ssm", subnets=ids["private"], groups=[sg])
    b.interface_endpoint(str(ids["vpc"]), "vpce-svc", subnets=ids["private"], groups=[sg], service_name=PRIVATELINK)
    if also_on_workload:
        b.workload(ids["private"][0], groups=[sg])
    return b, sg


def _privatelink_all_traffic() -> tuple[RegionBuilder, str]:
    return _beside_privatelink([("-1", None, None, "10.0.0.0/16")])


def _privatelink_udp() -> tuple[RegionBuilder, str]:
    return _beside_privatelink([VPC_443, ("tcp", 8443, 8443, "10.0.0.0/16"), ("udp", 53, 53, "10.0.0.0/16")])


def _privatelink_tcp_only() -> tuple[RegionBuilder, str]:
    return _beside_privatelink([VPC_443, ("tcp", 5432, 5432, "10.0.0.0/16")])


def _privatelink_icmp() -> tuple[RegionBuilder, str]:
    return _beside_privatelink([VPC_443, ("icmp", 8, 0, "10.0.0.0/16")])


def _privatelink_other_family() -> tuple[RegionBuilder, str]:
    # The endpoints are IPv4 only: no IPv6 source reaches them, whatever the PrivateLink port.
    return _beside_privatelink([VPC_443, ("tcp", 8443, 8443, "::/0")])


def _privatelink_shared_self_reference() -> tuple[RegionBuilder, str]:
    # MWAA's pattern: AWS service endpoints, the service's own PrivateLink endpoints and its
    # containers in one group admitting all traffic from itself.
    return _beside_privatelink([("-1", None, None, "self")], also_on_workload=True)


def _privatelink_alone_shared() -> tuple[RegionBuilder, str]:
    return _beside_privatelink([("-1", None, None, "self")], also_on_workload=True, aws_service=False)


def _self_reference_before_workloads() -> tuple[RegionBuilder, str]:
    # A network stack's endpoint group, all traffic from itself, deployed before its workloads.
    return _endpoint_group([("-1", None, None, "self")])


def _group_not_collected() -> tuple[RegionBuilder, str]:
    b, sg = _all_traffic()
    del b.groups[sg]
    return b, sg


Case = Callable[[], tuple[RegionBuilder, str]]
CASES: list[tuple[str, Case, str | None, str | None]] = [
    ("service port only", _service_port_only, None, None),
    ("all traffic", _all_traffic, "fail", "medium"),
    ("TCP 80 beside 443", _port_80_too, "fail", "medium"),
    ("all TCP ports", _wide_range, "fail", "medium"),
    ("UDP is never a service port", _udp, "fail", "medium"),
    ("ICMP opens no port", _icmp_only_extra, None, None),
    ("CodeCommit uses SSH too", _codecommit_ssh, None, None),
    ("group shared with workloads: low", _shared_with_workloads, "fail", "low"),
    ("VPC default group on the endpoint: low", _default_group_on_endpoint, "fail", "low"),
    ("PrivateLink port unknown", _privatelink_port_unknown, "not_evaluated", None),
    ("all traffic beside a PrivateLink endpoint: non-TCP is extra", _privatelink_all_traffic, "fail", "medium"),
    ("UDP beside a PrivateLink endpoint", _privatelink_udp, "fail", "medium"),
    ("TCP beside a PrivateLink endpoint may be its port", _privatelink_tcp_only, "not_evaluated", None),
    ("ICMP beside a PrivateLink endpoint opens no port", _privatelink_icmp, None, None),
    ("IPv6 TCP beside an IPv4 PrivateLink endpoint", _privatelink_other_family, "fail", "medium"),
    ("PrivateLink endpoints shared with workloads: low", _privatelink_shared_self_reference, "fail", "low"),
    ("only PrivateLink endpoints, all traffic: low", _privatelink_alone_shared, "fail", "low"),
    ("self-reference before workloads", _self_reference_before_workloads, "fail", "medium"),
    ("group not collected", _group_not_collected, "not_evaluated", None),
]


@pytest.mark.parametrize(("build", "status", "severity"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_cases(build: Case, status: str | None, severity: str | None) -> None:
    b, sg = build()
    snapshot = b.snapshot()
    assert triples(rule, snapshot) == ({(ID, sg, status)} if status else set())
    if severity:
        assert [f.severity.value for f in findings(rule, snapshot)] == [severity]


@pytest.mark.parametrize("part", [Part.SECURITY_GROUPS, Part.NETWORK_INTERFACES])
def test_not_evaluated_when_a_needed_part_is_missing(part: Part) -> None:
    b, _ = _port_80_too()
    assert triples(rule, b.snapshot(missing=[part])) == {(ID, REGION, "not_evaluated")}


def test_message_lists_extra_rules_service_ports_and_sharing() -> None:
    b, sg = _port_80_too()
    (finding,) = findings(rule, b.snapshot())
    assert f"Security group {sg}, attached to interface endpoint(s) vpce-" in finding.message
    assert "allows inbound TCP 80 from 10.0.0.0/16; the endpoint service(s) use only TCP 443." in finding.message
    assert finding.evidence["extra_rules"] == ["TCP 80 from 10.0.0.0/16"]

    b, default = _default_group_on_endpoint()
    (shared,) = findings(rule, b.snapshot())
    assert f"all traffic from {default}" in shared.message
    assert "also attached to workload ENIs (eni-" in shared.message
    assert shared.evidence["workload_eni_count"] == 3


def test_fix_keeps_each_source_on_the_service_port_then_revokes_the_wide_rules() -> None:
    b, sg = _all_traffic()
    wide = next(x.rule_id for x in b.groups[sg].rules if not x.is_egress)
    assert fix_of(rule, b.snapshot(), sg) == [
        ("ec2:AuthorizeSecurityGroupIngress", {"GroupId": sg, "IpPermissions": [
            {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "IpRanges": [{"CidrIp": "10.0.0.0/16"}]}]},
         "create", True),
        ("ec2:RevokeSecurityGroupIngress", {"GroupId": sg, "SecurityGroupRuleIds": [wide]}, "delete", True)]


def _own_group_fix(b: RegionBuilder, sg: str) -> list[tuple[str, dict[str, Any], str, bool]]:
    """The fix giving the endpoints a group of their own (TCP 443 from the VPC), the old one left alone."""
    endpoint = next(iter(b.endpoints))
    label = f"endpoint-sg-{sg}"
    return [
        ("ec2:CreateSecurityGroup", {"VpcId": b.groups[sg].vpc_id, "GroupName": f"{sg}-endpoints",
                                     "Description": "Interface endpoints: TCP 443 from the VPC"}, "create", True),
        ("ec2:AuthorizeSecurityGroupIngress", {"GroupId": {"new_id": label}, "IpPermissions": [
            {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "IpRanges": [{"CidrIp": "10.0.0.0/16"}]}]},
         "create", True),
        ("ec2:ModifyVpcEndpoint", {"VpcEndpointId": endpoint, "AddSecurityGroupIds": [{"new_id": label}],
                                   "RemoveSecurityGroupIds": [sg]}, "modify", True)]


def test_fix_for_a_group_shared_with_workloads_gives_the_endpoints_their_own() -> None:
    b, sg = _shared_with_workloads()
    assert fix_of(rule, b.snapshot(), sg) == _own_group_fix(b, sg)


def test_dedicated_fix_does_not_authorize_what_the_group_already_allows() -> None:
    # TCP 443 from the VPC is there already: authorizing it again fails (InvalidPermission.Duplicate).
    b, sg = _udp()
    udp = next(x.rule_id for x in b.groups[sg].rules if x.ip_protocol == "udp")
    assert fix_of(rule, b.snapshot(), sg) == [
        ("ec2:RevokeSecurityGroupIngress", {"GroupId": sg, "SecurityGroupRuleIds": [udp]}, "delete", True)]


def test_beside_a_privatelink_endpoint_non_tcp_is_extra_and_the_tcp_ports_are_said_to_be_unjudged() -> None:
    b, _ = _privatelink_all_traffic()
    (finding,) = findings(rule, b.snapshot())
    privatelink = next(e for e, ep in b.endpoints.items() if ep.service_name == PRIVATELINK)
    assert "allows inbound all traffic from 10.0.0.0/16;" in finding.message
    assert "an interface endpoint supports TCP traffic only" in finding.message
    assert f"{privatelink} ({PRIVATELINK})" in finding.message
    assert "Not judged: whether TCP 0-65535 from 10.0.0.0/16 (beyond TCP 443) holds that port." in finding.message
    assert finding.evidence["extra_rules"] == ["all traffic from 10.0.0.0/16"]
    assert finding.evidence["unknown_port_endpoints"] == [privatelink]
    assert finding.evidence["undecided_rules"] == ["TCP 0-65535 from 10.0.0.0/16"]

    b, _ = _privatelink_udp()
    (finding,) = findings(rule, b.snapshot())
    assert finding.evidence["extra_rules"] == ["UDP 53 from 10.0.0.0/16"]
    assert finding.evidence["undecided_rules"] == ["TCP 8443 from 10.0.0.0/16"]


def test_tcp_that_may_be_the_privatelink_port_is_named_when_not_evaluated() -> None:
    b, sg = _privatelink_tcp_only()
    (result,) = findings(rule, b.snapshot())
    privatelink = next(e for e, ep in b.endpoints.items() if ep.service_name == PRIVATELINK)
    assert result.status.value == "not_evaluated"
    assert result.message == (
        f"{sg} allows TCP 5432 from 10.0.0.0/16 beyond TCP 443, which may be the port of {privatelink} "
        f"({PRIVATELINK}): its PrivateLink service publishes none. The group opens nothing else extra.")


def test_fix_for_a_self_reference_gives_the_endpoints_their_own_group_instead_of_narrowing_it() -> None:
    # Narrowing "all traffic from itself" to TCP 443 in place would cut off the workloads that
    # join the group later from one another.
    b, sg = _self_reference_before_workloads()
    assert fix_of(rule, b.snapshot(), sg) == _own_group_fix(b, sg)
    (finding,) = findings(rule, b.snapshot())
    assert "left as it is for whatever joins it" in finding.message


def test_fix_beside_a_privatelink_endpoint_keeps_its_port_for_a_person_to_fill_in() -> None:
    b, sg = _privatelink_all_traffic()
    wide = next(x.rule_id for x in b.groups[sg].rules if not x.is_egress)
    port = {"placeholder": f"the port of {PRIVATELINK}"}
    assert fix_of(rule, b.snapshot(), sg) == [
        ("ec2:AuthorizeSecurityGroupIngress", {"GroupId": sg, "IpPermissions": [
            {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "IpRanges": [{"CidrIp": "10.0.0.0/16"}]}]},
         "create", True),
        ("ec2:AuthorizeSecurityGroupIngress", {"GroupId": sg, "IpPermissions": [
            {"IpProtocol": "tcp", "FromPort": port, "ToPort": port, "IpRanges": [{"CidrIp": "10.0.0.0/16"}]}]},
         "create", False),
        ("ec2:RevokeSecurityGroupIngress", {"GroupId": sg, "SecurityGroupRuleIds": [wide]}, "delete", False)]


def test_fix_for_a_shared_group_with_privatelink_endpoints_moves_them_only_after_a_decision() -> None:
    b, sg = _privatelink_shared_self_reference()
    ssm, privatelink = (next(e for e, ep in b.endpoints.items() if (ep.service_name == PRIVATELINK) == pl)
                        for pl in (False, True))
    label = f"endpoint-sg-{sg}"
    port = {"placeholder": f"the port of {PRIVATELINK}"}
    assert fix_of(rule, b.snapshot(), sg) == [
        ("ec2:CreateSecurityGroup", {"VpcId": b.groups[sg].vpc_id, "GroupName": f"{sg}-endpoints",
                                     "Description": "Interface endpoints: TCP 443 and PrivateLink service ports "
                                                    "from the VPC"}, "create", True),
        ("ec2:AuthorizeSecurityGroupIngress", {"GroupId": {"new_id": label}, "IpPermissions": [
            {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "IpRanges": [{"CidrIp": "10.0.0.0/16"}]}]},
         "create", True),
        ("ec2:AuthorizeSecurityGroupIngress", {"GroupId": {"new_id": label}, "IpPermissions": [
            {"IpProtocol": "tcp", "FromPort": port, "ToPort": port, "IpRanges": [{"CidrIp": "10.0.0.0/16"}]}]},
         "create", False),
        ("ec2:ModifyVpcEndpoint", {"VpcEndpointId": ssm, "AddSecurityGroupIds": [{"new_id": label}],
                                   "RemoveSecurityGroupIds": [sg]}, "modify", True),
        ("ec2:ModifyVpcEndpoint", {"VpcEndpointId": privatelink, "AddSecurityGroupIds": [{"new_id": label}],
                                   "RemoveSecurityGroupIds": [sg]}, "modify", False)]
    (finding,) = findings(rule, b.snapshot())
    decision = finding.fix[-1].decision or ""
    assert f"{PRIVATELINK}, which publishes no port" in decision
    assert f"leave it on {sg}" in decision


def test_fix_with_only_privatelink_endpoints_waits_for_their_ports() -> None:
    b, sg = _privatelink_alone_shared()
    assert [ready for *_, ready in fix_of(rule, b.snapshot(), sg)] == [False, False, False]
