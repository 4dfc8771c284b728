"""DNS003 endpoint-private-dns-disabled: default hostnames not served by zone, rule or another endpoint."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from builders import REGION, RegionBuilder
from rulecheck import findings, fix_of, triples

from vpcaudit.rules.dns.dns003_endpoint_private_dns_disabled import endpoint_private_dns_disabled as rule
from vpcaudit.snapshot import resources as r
from vpcaudit.snapshot.model import Part, Snapshot

Expected = set[tuple[str, str, str]]
Case = Callable[[], tuple[Snapshot, Expected]]
STS = f"sts.{REGION}.amazonaws.com"


def _base(key: str = "sts", *, state: str = "available") -> tuple[RegionBuilder, str, str]:
    b = RegionBuilder()
    vpc = b.vpc("10.0.0.0/16")
    subnet = b.subnet(vpc, "10.0.1.0/24", az=1)
    endpoint = b.interface_endpoint(vpc, key, subnets=[subnet], private_dns=False, state=state)
    return b, vpc, endpoint


def nothing_answers() -> tuple[Snapshot, Expected]:
    b, _, endpoint = _base()
    return b.snapshot(), {("DNS003", endpoint, "fail")}


def execute_api_is_info() -> tuple[Snapshot, Expected]:
    b, _, endpoint = _base("execute-api")
    return b.snapshot(), {("DNS003", endpoint, "fail")}


def s3_interface_endpoint() -> tuple[Snapshot, Expected]:
    b, _, _ = _base("s3")
    return b.snapshot(), set()


def zone_aliases_the_endpoint() -> tuple[Snapshot, Expected]:
    b, vpc, endpoint = _base()
    dns_name = b.endpoints[endpoint].dns_entries[0].dns_name
    b.hosted_zone(STS, [vpc], [r.RecordSet(STS, "A", (), dns_name)])
    return b.snapshot(), set()


def zone_holds_the_endpoint_addresses() -> tuple[Snapshot, Expected]:
    b, vpc, endpoint = _base()
    view = b.view()
    ips = view.endpoint_addresses(view.endpoints[endpoint])
    b.hosted_zone(f"{REGION}.amazonaws.com", [vpc], [r.RecordSet(STS, "A", ips, None)])
    return b.snapshot(), set()


def zone_without_a_record() -> tuple[Snapshot, Expected]:
    b, vpc, endpoint = _base()
    b.hosted_zone(STS, [vpc])
    return b.snapshot(), {("DNS003", endpoint, "fail")}


def zone_points_elsewhere() -> tuple[Snapshot, Expected]:
    b, vpc, endpoint = _base()
    b.hosted_zone(STS, [vpc], [r.RecordSet(STS, "A", ("10.0.1.250",), None)])
    return b.snapshot(), {("DNS003", endpoint, "fail")}


def resolver_rule_forwards() -> tuple[Snapshot, Expected]:
    b, vpc, _ = _base()
    b.resolver_rule(vpc, "amazonaws.com")
    return b.snapshot(), set()


def system_rule_does_not_forward() -> tuple[Snapshot, Expected]:
    b, vpc, endpoint = _base()
    b.resolver_rule(vpc, "amazonaws.com", rule_type="SYSTEM")
    return b.snapshot(), {("DNS003", endpoint, "fail")}


def another_endpoint_has_private_dns() -> tuple[Snapshot, Expected]:
    """A role split: one endpoint serves the default name in the VPC, the other only its own names."""
    b, vpc, _ = _base()
    b.interface_endpoint(vpc, "sts", subnets=[b.subnet(vpc, "10.0.2.0/24", az=2)])
    return b.snapshot(), set()


def private_dns_on() -> tuple[Snapshot, Expected]:
    b = RegionBuilder()
    vpc = b.vpc("10.0.0.0/16")
    b.interface_endpoint(vpc, "sts", subnets=[b.subnet(vpc, "10.0.1.0/24")])
    return b.snapshot(), set()


def privatelink_service() -> tuple[Snapshot, Expected]:
    b = RegionBuilder()
    vpc = b.vpc("10.0.0.0/16")
    name = b.service("vpce-svc-0abc", owner="222222222222", name=f"com.amazonaws.vpce.{REGION}.vpce-svc-0abc",
                     dns_names=["api.partner.example"])
    b.interface_endpoint(vpc, "partner", subnets=[b.subnet(vpc, "10.0.1.0/24")], private_dns=False,
                         service_name=name)
    return b.snapshot(), set()


def failed_endpoint() -> tuple[Snapshot, Expected]:
    b, _, _ = _base(state="failed")
    return b.snapshot(), set()


def zone_records_not_collected() -> tuple[Snapshot, Expected]:
    b, vpc, endpoint = _base()
    b.zones.append(r.HostedZone("Z9", STS, (r.VpcAssociation(vpc, REGION),), (), False))
    return b.snapshot(), {("DNS003", endpoint, "not_evaluated")}


def resolver_rules_denied() -> tuple[Snapshot, Expected]:
    b, _, _ = _base()
    return b.snapshot(missing=[Part.RESOLVER_RULES]), {("DNS003", REGION, "not_evaluated")}


CASES: list[Case] = [nothing_answers, execute_api_is_info, s3_interface_endpoint, zone_aliases_the_endpoint,
                     zone_holds_the_endpoint_addresses, zone_without_a_record, zone_points_elsewhere,
                     resolver_rule_forwards, system_rule_does_not_forward, another_endpoint_has_private_dns,
                     private_dns_on, privatelink_service, failed_endpoint, zone_records_not_collected,
                     resolver_rules_denied]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.__name__)
def test_dns003(case: Case) -> None:
    snapshot, expected = case()
    assert triples(rule, snapshot) == expected


@pytest.mark.parametrize(("case", "severity"), [(nothing_answers, "medium"), (execute_api_is_info, "info")])
def test_dns003_severity(case: Case, severity: str) -> None:
    snapshot, _ = case()
    assert [f.severity.value for f in findings(rule, snapshot)] == [severity]


def test_dns003_message_says_how_the_name_resolves() -> None:
    snapshot, _ = nothing_answers()
    (finding,) = findings(rule, snapshot)
    assert finding.resource.resource_id in finding.message and "(sts)" in finding.message
    assert f"{STS} resolves to the public service addresses" in finding.message
    snapshot, _ = zone_without_a_record()
    (finding,) = findings(rule, snapshot)
    assert "NXDOMAIN" in finding.message and finding.evidence["hostnames"] == [STS]
    snapshot, _ = zone_points_elsewhere()
    (finding,) = findings(rule, snapshot)
    assert "10.0.1.250, not this endpoint" in finding.message


def test_fix_turns_private_dns_on_or_asks_where_it_is_a_choice_or_a_zone_answers() -> None:
    b, _, endpoint = _base()
    assert fix_of(rule, b.snapshot(), endpoint) == [
        ("ec2:ModifyVpcEndpoint", {"VpcEndpointId": endpoint, "PrivateDnsEnabled": True}, "modify", True)]
    b, _, endpoint = _base("execute-api")
    assert [s[3] for s in fix_of(rule, b.snapshot(), endpoint)] == [False]
    b, vpc, endpoint = _base()
    b.hosted_zone(STS, [vpc], [r.RecordSet(STS, "A", ("10.0.1.250",), None)])
    assert [s[3] for s in fix_of(rule, b.snapshot(), endpoint)] == [False]


@pytest.mark.parametrize(("clients", "severity"), [(("DMSNetworkInterface",), "info"),
                                                   (("DMSNetworkInterface", ""), "medium"),
                                                   (("",), "medium")],
                         ids=["DMS alone", "DMS and another workload", "another workload"])
def test_secrets_manager_called_only_by_dms_is_a_documented_choice(clients: tuple[str, ...], severity: str) -> None:
    """The DMS guide points a replication instance in a private subnet at the endpoint's own name
    (secretsManagerEndpointOverride): where only DMS calls Secrets Manager, private DNS off is info,
    its fix a decision; any other client keeps it medium."""
    b = RegionBuilder()
    vpc = b.vpc()
    subnet = b.subnet(vpc, "10.0.1.0/24")
    endpoint = b.interface_endpoint(vpc, "secretsmanager", subnets=[subnet], private_dns=False)
    for description in clients:
        b.workload(subnet, description=description)
    (finding,) = findings(rule, b.snapshot())
    assert (finding.resource.resource_id, finding.severity.value) == (endpoint, severity)
    ready = [s.ready for s in finding.fix if s.action == "ec2:ModifyVpcEndpoint"]
    assert ready == [severity == "medium"]
