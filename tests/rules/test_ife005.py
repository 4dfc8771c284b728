"""IFE005 duplicate-interface-endpoint."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import pytest
from builders import REGION, RegionBuilder, standard_vpc
from rulecheck import findings, fix_of, triples

from vpcaudit.pricing import CostModel
from vpcaudit.rules.ife.ife005_duplicate_interface_endpoint import duplicate_interface_endpoint as rule
from vpcaudit.snapshot.model import Part, Snapshot

ID = "IFE005"
PRIVATELINK = f"com.amazonaws.vpce.{REGION}.vpce-svc-0123456789abcdef0"
# Per endpoint: (private DNS, IP address type, state, service name or None for ssm).
Spec = tuple[bool, str | None, str, str | None]


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
    ("both with private DNS off", _case(OFF, OFF, fires=True)),
    ("private DNS on one, off on the other: the second stack's leftover", _case(ON, OFF, fires=True)),
    ("private DNS off first, on second", _case(OFF, ON, fires=True)),
    ("IP type absent (moto, older snapshots) is AWS's default ipv4", _case(ON, (False, None, "available", None),
                                                                           fires=True)),
    ("IPv4 and dual-stack without private DNS: an IP-type split",
     _case(OFF, (False, "dualstack", "available", None), fires=False)),
    ("IPv4 with private DNS and dual-stack without: an IP-type split",
     _case(ON, (False, "dualstack", "available", None), fires=False)),
    ("IPv4 and IPv6 endpoints: an IP-type split", _case(ON, (False, "ipv6", "available", None), fires=False)),
    ("both with private DNS on, different IP types", _case(ON, (True, "dualstack", "available", None),
                                                           fires=False)),
    ("a single endpoint", _case(ON, fires=False)),
    ("the other one is pending acceptance", _case(ON, (True, "ipv4", "pendingAcceptance", None), fires=True)),
    ("the other one was rejected (IFE004's)", _case(ON, (True, "ipv4", "rejected", None), fires=False)),
    ("the other one is deleted", _case(ON, (True, "ipv4", "deleted", None), fires=False)),
    ("an ended endpoint with private DNS off", _case(ON, (False, "ipv4", "deleting", None), fires=False)),
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


def test_message_names_the_owner_of_the_default_names_and_what_the_others_cost() -> None:
    b, vpc, endpoints = _vpc_with(OFF, ON, OFF)
    narrow = b.endpoints[endpoints[2]]
    b.endpoints[endpoints[2]] = replace(narrow, subnet_ids=narrow.subnet_ids[:1])
    (finding,) = findings(rule, b.snapshot())
    assert finding.message == (
        f"VPC {vpc} has 3 interface endpoints for com.amazonaws.us-east-1.ssm (us-east-1, ipv4): {endpoints[1]} "
        "owns the service's default names (private DNS on). The others are reached only by their "
        f"endpoint-specific names and cost ~$21.90/month: {endpoints[0]} (private DNS off, ~$14.60/month), "
        f"{endpoints[2]} (private DNS off, ~$7.30/month).")
    assert finding.monthly_cost_usd == 21.9
    assert finding.discriminator == "com.amazonaws.us-east-1.ssm@us-east-1"
    assert finding.evidence["default_names_owner"] == endpoints[1]
    assert finding.evidence["extra_endpoint_ids"] == [endpoints[0], endpoints[2]]
    assert finding.evidence["endpoint_ids"] == endpoints


def test_without_an_owner_the_most_widely_deployed_endpoint_is_kept() -> None:
    b, _, endpoints = _vpc_with(OFF, OFF)
    first = b.endpoints[endpoints[0]]
    b.endpoints[endpoints[0]] = replace(first, subnet_ids=first.subnet_ids[:1])
    (finding,) = findings(rule, b.snapshot())
    assert (f"none owns the service's default names (private DNS off on all); keeping {endpoints[1]}, the most "
            "widely deployed, serves the same clients.") in finding.message
    assert finding.monthly_cost_usd == 7.3
    assert "default_names_owner" not in finding.evidence


def test_cost_follows_the_pricing_model() -> None:
    b, _, _ = _vpc_with(ON, OFF)
    (finding,) = findings(rule, b.snapshot(), CostModel(interface_endpoint_hour_per_az=0.012))
    assert finding.monthly_cost_usd == round(0.012 * 730 * 2, 2)


def test_one_finding_per_ip_address_type() -> None:
    dual_on, dual_off = (True, "dualstack", "available", None), (False, "dualstack", "available", None)
    b, vpc, _ = _vpc_with(ON, OFF, dual_on, dual_off)
    found = findings(rule, b.snapshot())
    assert sorted(f.discriminator for f in found) == [
        "com.amazonaws.us-east-1.ssm@us-east-1", "com.amazonaws.us-east-1.ssm@us-east-1/dualstack"]
    assert {f.resource.resource_id for f in found} == {vpc}


def test_fix_deletes_the_others_keeping_the_owner_of_the_default_names_after_a_decision() -> None:
    b, vpc, endpoints = _vpc_with(OFF, ON, OFF)
    assert fix_of(rule, b.snapshot(), vpc) == [
        ("ec2:DeleteVpcEndpoints", {"VpcEndpointIds": [endpoints[0], endpoints[2]]}, "delete", False)]
