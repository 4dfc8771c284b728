"""IFE005 duplicate-interface-endpoint."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import pytest
from builders import REGION, RegionBuilder, standard_vpc
from rulecheck import findings, triples

from vpcaudit.rules.ife.ife005_duplicate_interface_endpoint import duplicate_interface_endpoint as rule
from vpcaudit.snapshot.model import Part, Snapshot

ID = "IFE005"
PRIVATELINK = f"com.amazonaws.vpce.{REGION}.vpce-svc-0123456789abcdef0"
# Per endpoint: (private DNS, IP address type, state, service name or None for ssm).
Spec = tuple[bool, str, str, str | None]


def _vpc_with(*specs: Spec) -> tuple[RegionBuilder, str, list[str]]:
    b = RegionBuilder()
    ids = standard_vpc(b, azs=2)
    endpoints = []
    for private_dns, ip_type, state, name in specs:
        endpoint = b.interface_endpoint(ids["vpc"], "ssm", subnets=ids["private"], private_dns=private_dns,
                                        state=state, service_name=name)
        b.endpoints[endpoint] = replace(b.endpoints[endpoint], ip_address_type=ip_type)
        endpoints.append(endpoint)
    return b, ids["vpc"], endpoints


def _case(*specs: Spec, fires: bool) -> Callable[[], tuple[Snapshot, set[tuple[str, str, str]]]]:
    def build() -> tuple[Snapshot, set[tuple[str, str, str]]]:
        b, vpc, _ = _vpc_with(*specs)
        return b.snapshot(), {(ID, vpc, "fail")} if fires else set()
    return build


ON = (True, "ipv4", "available", None)
OFF = (False, "ipv4", "available", None)

CASES = [
    ("both with private DNS on", _case(ON, ON, fires=True)),
    ("both with private DNS on, different IP types", _case(ON, (True, "dualstack", "available", None), fires=True)),
    ("both with private DNS off", _case(OFF, OFF, fires=True)),
    ("one with private DNS, one by endpoint names: a role split", _case(ON, OFF, fires=False)),
    ("IPv4 and dual-stack without private DNS: a role split",
     _case(OFF, (False, "dualstack", "available", None), fires=False)),
    ("a single endpoint", _case(ON, fires=False)),
    ("the other one is pending acceptance", _case(ON, (True, "ipv4", "pendingAcceptance", None), fires=True)),
    ("the other one was rejected (IFE004's)", _case(ON, (True, "ipv4", "rejected", None), fires=False)),
    ("the other one is deleted", _case(ON, (True, "ipv4", "deleted", None), fires=False)),
    ("different services", _case(ON, (True, "ipv4", "available", f"com.amazonaws.{REGION}.logs"), fires=False)),
    ("same service in another Region", _case(ON, (True, "ipv4", "available", "com.amazonaws.us-west-2.ssm"),
                                             fires=False)),
    ("PrivateLink service twice", _case((False, "ipv4", "available", PRIVATELINK),
                                        (False, "ipv4", "available", PRIVATELINK), fires=True)),
]


@pytest.mark.parametrize("build", [c[1] for c in CASES], ids=[c[0] for c in CASES])
def test_cases(build: Callable[[], tuple[Snapshot, set[tuple[str, str, str]]]]) -> None:
    snapshot, expected = build()
    assert triples(rule, snapshot) == expected


def test_same_service_in_two_vpcs_is_not_a_duplicate() -> None:
    b = RegionBuilder()
    for cidr in ("10.0.0.0/16", "10.1.0.0/16"):
        ids = standard_vpc(b, azs=1, cidr=cidr)
        b.interface_endpoint(ids["vpc"], "ssm", subnets=ids["private"])
    assert triples(rule, b.snapshot()) == set()


def test_resource_and_gwlb_endpoints_are_not_interface_endpoints() -> None:
    b = RegionBuilder()
    ids = standard_vpc(b, azs=2)
    for endpoint_type in ("Resource", "Resource", "GatewayLoadBalancer", "GatewayLoadBalancer"):
        b.interface_endpoint(ids["vpc"], "x", subnets=ids["private"][:1], endpoint_type=endpoint_type,
                             service_name=PRIVATELINK)
    assert triples(rule, b.snapshot()) == set()


def test_not_evaluated_without_endpoints() -> None:
    b, _, _ = _vpc_with(ON, ON)
    assert triples(rule, b.snapshot(missing=[Part.VPC_ENDPOINTS])) == {(ID, REGION, "not_evaluated")}


def test_message_lists_endpoints_and_the_saving() -> None:
    b, vpc, endpoints = _vpc_with(OFF, OFF, OFF, ON)
    (finding,) = findings(rule, b.snapshot())
    assert finding.message == (
        f"VPC {vpc} has 3 interface endpoints for com.amazonaws.us-east-1.ssm (us-east-1) doing the same job: "
        f"{endpoints[0]} (private DNS off, ipv4), {endpoints[1]} (private DNS off, ipv4), {endpoints[2]} "
        "(private DNS off, ipv4). Keeping one per role saves ~$29.20/month and leaves one set of security groups "
        "and policy to maintain.")
    assert finding.monthly_cost_usd == 29.2
    assert finding.discriminator == "com.amazonaws.us-east-1.ssm@us-east-1"
    assert finding.evidence["endpoint_ids"] == endpoints[:3]
