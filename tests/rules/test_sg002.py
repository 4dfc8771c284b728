"""SG002 endpoint-sg-extra-ports."""

from __future__ import annotations

from collections.abc import Callable, Iterable

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


def test_fix_for_a_group_shared_with_workloads_gives_the_endpoints_their_own() -> None:
    b, sg = _shared_with_workloads()
    endpoint = next(iter(b.endpoints))
    label = f"endpoint-sg-{sg}"
    assert fix_of(rule, b.snapshot(), sg) == [
        ("ec2:CreateSecurityGroup", {"VpcId": b.groups[sg].vpc_id, "GroupName": f"{sg}-endpoints",
                                     "Description": "Interface endpoints: TCP 443 from the VPC"}, "create", True),
        ("ec2:AuthorizeSecurityGroupIngress", {"GroupId": {"new_id": label}, "IpPermissions": [
            {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "IpRanges": [{"CidrIp": "10.0.0.0/16"}]}]},
         "create", True),
        ("ec2:ModifyVpcEndpoint", {"VpcEndpointId": endpoint, "AddSecurityGroupIds": [{"new_id": label}],
                                   "RemoveSecurityGroupIds": [sg]}, "modify", True)]
