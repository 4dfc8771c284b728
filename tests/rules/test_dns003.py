"""DNS003 endpoint-private-dns-disabled: default hostnames not served by zone, rule or another endpoint."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import pytest
from aws_layout import AwsRegionBuilder
from builders import REGION, RegionBuilder, multi_account_snapshot
from rulecheck import findings, fix_of, triples

from vpcaudit.engine.rule import Finding
from vpcaudit.rules.dns.dns003_endpoint_private_dns_disabled import endpoint_private_dns_disabled as rule
from vpcaudit.snapshot import resources as r
from vpcaudit.snapshot.model import Part, Snapshot

Expected = set[tuple[str, str, str]]
Case = Callable[[], tuple[Snapshot, Expected]]
STS = f"sts.{REGION}.amazonaws.com"


def _base(key: str = "sts", *, state: str = "available", way_out: bool = False) -> tuple[RegionBuilder, str, str]:
    """``way_out``: the subnet's table sends 0.0.0.0/0 to a transit gateway (else only the local route)."""
    b = RegionBuilder()
    vpc = b.vpc("10.0.0.0/16")
    subnet = b.subnet(vpc, "10.0.1.0/24", az=1)
    if way_out:
        b.route_table(vpc, subnets=[subnet], routes={"0.0.0.0/0": "tgw-0123"})
    endpoint = b.interface_endpoint(vpc, key, subnets=[subnet], private_dns=False, state=state)
    return b, vpc, endpoint


def nothing_answers() -> tuple[Snapshot, Expected]:
    b, _, endpoint = _base()
    return b.snapshot(), {("DNS003", endpoint, "fail")}


def execute_api_is_info() -> tuple[Snapshot, Expected]:
    b, _, endpoint = _base("execute-api", way_out=True)
    return b.snapshot(), {("DNS003", endpoint, "fail")}


def execute_api_without_a_way_out() -> tuple[Snapshot, Expected]:
    """No subnet of the VPC reaches beyond it: keeping public APIs reachable is no reason."""
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


def resolver_rule_without_recorded_targets() -> tuple[Snapshot, Expected]:
    """A snapshot written before rules' targets were recorded: the rule counts as serving the name."""
    b, vpc, _ = _base()
    b.resolver_rule(vpc, "amazonaws.com")
    return b.snapshot(), set()


# -- FORWARD rules followed through their targets -----------------------------------------------------

ON_PREMISES_DNS = "192.168.0.2"


def _resolver_endpoint(b: RegionBuilder, subnet: str, endpoint_id: str) -> list[str]:
    """A Resolver endpoint's interface as DescribeNetworkInterfaces reports it; its addresses."""
    eni = b.workload(subnet, requester_managed=True,
                     description=f"Route 53 Resolver: {endpoint_id}:rni-0f1e2d3c4b5a6978")
    return list(b.enis[eni].private_ip_addresses)


def _inbound(b: RegionBuilder, subnet: str) -> list[str]:
    return _resolver_endpoint(b, subnet, "rslvr-in-0a1b2c3d4e5f6071")


def _hub(b: RegionBuilder) -> tuple[str, str, list[str]]:
    """A second VPC holding an inbound Resolver endpoint: (VPC, subnet, the endpoint's addresses)."""
    hub = b.vpc("10.1.0.0/16")
    subnet = b.subnet(hub, "10.1.1.0/24", az=1)
    return hub, subnet, _resolver_endpoint(b, subnet, "rslvr-in-0b2c3d4e5f607182")


def rule_to_on_premises() -> tuple[Snapshot, Expected]:
    """Where the on-premises servers send the name is configured outside any snapshot."""
    b, vpc, endpoint = _base()
    b.resolver_rule(vpc, "amazonaws.com", targets=[ON_PREMISES_DNS, "192.168.0.3"])
    return b.snapshot(), {("DNS003", endpoint, "not_evaluated")}


def rule_without_targets() -> tuple[Snapshot, Expected]:
    b, vpc, endpoint = _base()
    b.resolver_rule(vpc, "amazonaws.com", targets=[])
    return b.snapshot(), {("DNS003", endpoint, "not_evaluated")}


def rule_to_an_outbound_endpoint() -> tuple[Snapshot, Expected]:
    """An outbound endpoint answers no query: its address is no inbound endpoint's."""
    b, vpc, endpoint = _base()
    hub = b.vpc("10.1.0.0/16")
    outbound = _resolver_endpoint(b, b.subnet(hub, "10.1.1.0/24"), "rslvr-out-0c3d4e5f60718293")
    b.interface_endpoint(hub, "sts", subnets=[b.subnet(hub, "10.1.2.0/24")])
    b.resolver_rule(vpc, "amazonaws.com", targets=outbound)
    return b.snapshot(), {("DNS003", endpoint, "not_evaluated")}


def rule_to_a_hub_answering_with_private_dns() -> tuple[Snapshot, Expected]:
    """The hub pattern: the hub's inbound endpoint answers with the hub's endpoint."""
    b, vpc, _ = _base()
    hub, subnet, inbound = _hub(b)
    b.interface_endpoint(hub, "sts", subnets=[subnet])
    b.resolver_rule(vpc, "amazonaws.com", targets=inbound)
    return b.snapshot(), set()


def rule_to_a_hub_answering_with_a_zone() -> tuple[Snapshot, Expected]:
    b, vpc, _ = _base()
    hub, subnet, inbound = _hub(b)
    hub_endpoint = b.interface_endpoint(hub, "sts", subnets=[subnet], private_dns=False)
    b.hosted_zone(STS, [hub], [r.RecordSet(STS, "A", (), b.endpoints[hub_endpoint].dns_entries[0].dns_name)])
    b.resolver_rule(vpc, "amazonaws.com", targets=inbound)
    return b.snapshot(), set()


def rule_to_a_hub_where_the_name_is_public() -> tuple[Snapshot, Expected]:
    b, vpc, endpoint = _base()
    _, _, inbound = _hub(b)
    b.resolver_rule(vpc, "amazonaws.com", targets=inbound)
    return b.snapshot(), {("DNS003", endpoint, "fail")}


def rule_to_a_hub_whose_zone_has_no_record() -> tuple[Snapshot, Expected]:
    b, vpc, endpoint = _base()
    hub, _, inbound = _hub(b)
    b.hosted_zone(STS, [hub])
    b.resolver_rule(vpc, "amazonaws.com", targets=inbound)
    return b.snapshot(), {("DNS003", endpoint, "fail")}


def rule_to_a_hub_whose_zone_records_were_not_collected() -> tuple[Snapshot, Expected]:
    b, vpc, endpoint = _base()
    hub, _, inbound = _hub(b)
    b.zones.append(r.HostedZone("Z9", STS, (r.VpcAssociation(hub, REGION),), (), False))
    b.resolver_rule(vpc, "amazonaws.com", targets=inbound)
    return b.snapshot(), {("DNS003", endpoint, "not_evaluated")}


def rule_to_its_own_vpcs_inbound_endpoint() -> tuple[Snapshot, Expected]:
    """The loop AWS warns about: the rule's VPC is the inbound endpoint's."""
    b, vpc, endpoint = _base()
    inbound = _inbound(b, b.subnet(vpc, "10.0.2.0/24", az=2))
    b.resolver_rule(vpc, "amazonaws.com", targets=inbound)
    return b.snapshot(), {("DNS003", endpoint, "fail")}


def rule_to_a_serving_hub_and_on_premises() -> tuple[Snapshot, Expected]:
    """Resolver picks any target: the on-premises one's answer cannot be told."""
    b, vpc, endpoint = _base()
    hub, subnet, inbound = _hub(b)
    b.interface_endpoint(hub, "sts", subnets=[subnet])
    b.resolver_rule(vpc, "amazonaws.com", targets=[*inbound, ON_PREMISES_DNS])
    return b.snapshot(), {("DNS003", endpoint, "not_evaluated")}


def rule_to_its_own_inbound_endpoint_and_on_premises() -> tuple[Snapshot, Expected]:
    b, vpc, endpoint = _base()
    inbound = _inbound(b, b.subnet(vpc, "10.0.2.0/24", az=2))
    b.resolver_rule(vpc, "amazonaws.com", targets=[ON_PREMISES_DNS, *inbound])
    return b.snapshot(), {("DNS003", endpoint, "fail")}


def hub_forwards_the_name_back() -> tuple[Snapshot, Expected]:
    """A loop through two VPCs: each one's rule targets the other's inbound endpoint."""
    b, vpc, endpoint = _base()
    own = _inbound(b, b.subnet(vpc, "10.0.2.0/24", az=2))
    hub, _, inbound = _hub(b)
    b.resolver_rule(vpc, "amazonaws.com", targets=inbound)
    b.resolver_rule(hub, "amazonaws.com", targets=own)
    return b.snapshot(), {("DNS003", endpoint, "fail")}


def hub_forwards_the_name_on_premises() -> tuple[Snapshot, Expected]:
    b, vpc, endpoint = _base()
    hub, _, inbound = _hub(b)
    b.resolver_rule(vpc, "amazonaws.com", targets=inbound)
    b.resolver_rule(hub, "amazonaws.com", targets=[ON_PREMISES_DNS])
    return b.snapshot(), {("DNS003", endpoint, "not_evaluated")}


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


CASES: list[Case] = [nothing_answers, execute_api_is_info, execute_api_without_a_way_out,
                     s3_interface_endpoint, zone_aliases_the_endpoint,
                     zone_holds_the_endpoint_addresses, zone_without_a_record, zone_points_elsewhere,
                     resolver_rule_without_recorded_targets, system_rule_does_not_forward,
                     another_endpoint_has_private_dns, private_dns_on, privatelink_service, failed_endpoint,
                     zone_records_not_collected, resolver_rules_denied, rule_to_on_premises, rule_without_targets,
                     rule_to_an_outbound_endpoint, rule_to_a_hub_answering_with_private_dns,
                     rule_to_a_hub_answering_with_a_zone, rule_to_a_hub_where_the_name_is_public,
                     rule_to_a_hub_whose_zone_has_no_record, rule_to_a_hub_whose_zone_records_were_not_collected,
                     rule_to_its_own_vpcs_inbound_endpoint, rule_to_a_serving_hub_and_on_premises,
                     rule_to_its_own_inbound_endpoint_and_on_premises, hub_forwards_the_name_back,
                     hub_forwards_the_name_on_premises]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.__name__)
def test_dns003(case: Case) -> None:
    snapshot, expected = case()
    assert triples(rule, snapshot) == expected


@pytest.mark.parametrize(("case", "severity"), [(nothing_answers, "medium"), (execute_api_is_info, "info"),
                                                (execute_api_without_a_way_out, "medium")])
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
    b, _, endpoint = _base("execute-api", way_out=True)
    assert [s[3] for s in fix_of(rule, b.snapshot(), endpoint)] == [False]
    b, _, endpoint = _base("execute-api")
    assert [s[3] for s in fix_of(rule, b.snapshot(), endpoint)] == [True]
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


def _finding(case: Case) -> Finding:
    snapshot, _ = case()
    (finding,) = findings(rule, snapshot)
    return finding


def test_a_forwarded_name_says_where_it_goes() -> None:
    on_premises = _finding(rule_to_on_premises).message
    assert f"forwards {STS} to {ON_PREMISES_DNS}:53, 192.168.0.3:53, not an inbound Resolver endpoint of any scanned " \
           "VPC: whether those servers forward it back to an endpoint cannot be told" in on_premises
    loop = _finding(rule_to_its_own_vpcs_inbound_endpoint)
    assert f"inbound Resolver endpoint rslvr-in-0a1b2c3d4e5f6071 of {loop.resource.vpc_id}, the VPC the rule is " \
           "associated with: the query loops" in loop.message
    public = _finding(rule_to_a_hub_where_the_name_is_public).message
    assert f", where {STS} resolves to the public service addresses" in public
    back = _finding(hub_forwards_the_name_back)
    assert ", where in turn Resolver rule" in back.message
    assert f"of {back.resource.vpc_id}, which the query came from: the query loops" in back.message
    assert f"answers {STS} with NXDOMAIN" in _finding(rule_to_a_hub_whose_zone_has_no_record).message


@pytest.mark.parametrize(("domain", "ready"), [("amazonaws.com", True), (STS, False)])
def test_a_looping_rule_for_the_hostname_itself_holds_private_dns_back(domain: str, ready: bool) -> None:
    """Private DNS answers the service's hostname over a rule for a parent domain, not over a rule
    for the hostname itself (a forwarding rule wins on an equal name): then the fix waits for the
    rule to be disassociated."""
    b, vpc, endpoint = _base()
    b.resolver_rule(vpc, domain, targets=_inbound(b, b.subnet(vpc, "10.0.2.0/24", az=2)))
    assert [s[3] for s in fix_of(rule, b.snapshot(), endpoint) if s[0] == "ec2:ModifyVpcEndpoint"] == [ready]


def _hub_account(*, answers: bool) -> AwsRegionBuilder:
    """A hub account's VPC with an inbound Resolver endpoint, answering sts's name with its endpoint
    (``answers``) or publicly."""
    b = AwsRegionBuilder("222222222222", REGION, ("use1-az1", "use1-az2"))
    hub = b.vpc("10.1.0.0/16")
    subnet = b.subnet(hub, "10.1.1.0/24", az=1)
    b.resolver_endpoint(hub, [subnet], [b.security_group(hub, name="inbound")])
    if answers:
        b.interface_endpoint(hub, "sts", subnets=[subnet])
    return b


@pytest.mark.parametrize(("answers", "missing", "status"), [
    (True, (), set()), (False, (), {"fail"}), (True, (Part.HOSTED_ZONES,), {"not_evaluated"})],
    ids=["hub answers", "hub resolves publicly", "hub's zones not collected"])
def test_a_hub_in_another_account(answers: bool, missing: tuple[Part, ...], status: set[str]) -> None:
    """The rule shared from a hub account forwards to its inbound endpoint: the hub's scope answers."""
    spoke = AwsRegionBuilder("111111111111", REGION, ("use1-az1", "use1-az2"))
    vpc = spoke.vpc("10.0.0.0/16")
    endpoint = spoke.interface_endpoint(vpc, "sts", subnets=[spoke.subnet(vpc, "10.0.1.0/24")], private_dns=False)
    hub = _hub_account(answers=answers)
    inbound = [a for e in hub.enis.values() if e.description.startswith("Route 53 Resolver: rslvr-in-")
               for a in e.private_ip_addresses]
    spoke.resolver_rule(vpc, "amazonaws.com", targets=inbound)
    snapshot = multi_account_snapshot(spoke, hub)
    snapshot = replace(snapshot, accounts=(snapshot.accounts[0], replace(
        snapshot.accounts[1], regions=(hub.region_snapshot(missing=missing),))))
    assert {s for (rule_id, resource, s) in triples(rule, snapshot) if resource == endpoint} == status
    if missing:
        (finding,) = [f for f in findings(rule, snapshot) if f.resource.resource_id == endpoint]
        assert "where the Region's endpoints, zones or Resolver rules were not collected" in finding.message


@pytest.mark.parametrize(("key", "severity", "why"), [
    ("datasync", "info", "a documented choice for DataSync agents"),
    ("storagegateway", "info", "a documented choice for Storage Gateway appliances"),
    ("sts", "medium", None)])
def test_an_appliance_endpoint_without_private_dns_is_a_documented_choice(key: str, severity: str,
                                                                         why: str | None) -> None:
    """The DataSync and Storage Gateway guides clear "Enable Private DNS Name": their appliances
    reach the endpoint by its own name or address. Still reported, as info (SDK calls to the API
    take the public name), the reason in parentheses after "private DNS off"; any other service
    stays medium."""
    b, _, endpoint = _base(key)
    [finding] = findings(rule, b.snapshot())
    assert (finding.resource.resource_id, finding.severity.value) == (endpoint, severity)
    assert f"has private DNS off{f' ({why}' if why else ''}" in finding.message
    assert ("documented choice" in finding.message) is (why is not None)
