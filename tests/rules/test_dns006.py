"""DNS006 resolver-rule-loop: a FORWARD rule whose target is an inbound Resolver endpoint of a VPC
that applies the same rule again."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import pytest
from aws_layout import AwsRegionBuilder
from builders import REGION, RegionBuilder, multi_account_snapshot
from rulecheck import findings, fix_of, triples

from vpcaudit.engine.rule import Finding
from vpcaudit.render.fix import cli, cloudformation, terraform
from vpcaudit.rules.dns.dns006_resolver_rule_loop import resolver_rule_loop as rule
from vpcaudit.snapshot import resources as r
from vpcaudit.snapshot.model import Part, Snapshot

# (resource id, discriminator: the association's VPC, status) of every finding.
Outcome = set[tuple[str, str, str]]
Case = Callable[[], tuple[Snapshot, Outcome]]
ON_PREMISES_DNS = "192.168.0.2"
DOMAIN = "corp.example.com"


def _inbound(b: RegionBuilder, subnet: str, endpoint_id: str = "rslvr-in-0a1b2c3d4e5f6071") -> list[str]:
    """A Resolver endpoint's interface as DescribeNetworkInterfaces reports it; its addresses."""
    eni = b.workload(subnet, requester_managed=True,
                     description=f"Route 53 Resolver: {endpoint_id}:rni-0f1e2d3c4b5a6978")
    return list(b.enis[eni].private_ip_addresses)


def _vpc_with_inbound(b: RegionBuilder, cidr: str) -> tuple[str, list[str]]:
    """A VPC holding an inbound Resolver endpoint: (VPC, the endpoint's addresses)."""
    vpc = b.vpc(cidr)
    base = cidr.rsplit(".", 2)[0]
    return vpc, _inbound(b, b.subnet(vpc, f"{base}.1.0/24"), f"rslvr-in-0b2c3d4e5f60718{len(b.vpcs)}")


def _also_associate(b: RegionBuilder, rule_id: str, vpc: str, status: str = "COMPLETE") -> None:
    """The same rule associated with another VPC, as ListResolverRuleAssociations lists it."""
    first = next(a for a in b.resolver_rules if a.resolver_rule_id == rule_id)
    b.resolver_rules.append(replace(first, vpc_id=vpc, status=status))


def _outcome(snapshot: Snapshot) -> Outcome:
    return {(f.resource.resource_id, f.discriminator, f.status.value) for f in findings(rule, snapshot)}


def direct_loop() -> tuple[Snapshot, Outcome]:
    """The rule's VPC is the inbound endpoint's: AWS's loop."""
    b = RegionBuilder()
    vpc, inbound = _vpc_with_inbound(b, "10.0.0.0/16")
    rule_id = b.resolver_rule(vpc, DOMAIN, targets=inbound)
    return b.snapshot(), {(rule_id, vpc, "fail")}


def direct_loop_while_the_association_is_created() -> tuple[Snapshot, Outcome]:
    b = RegionBuilder()
    vpc, inbound = _vpc_with_inbound(b, "10.0.0.0/16")
    rule_id = b.resolver_rule(vpc, DOMAIN, targets=inbound)
    b.resolver_rules[-1] = replace(b.resolver_rules[-1], status="CREATING")
    return b.snapshot(), {(rule_id, vpc, "fail")}


@pytest.mark.parametrize("status", ["DELETING", "FAILED", "OVERRIDDEN"])
def test_an_association_that_does_not_apply_is_silent(status: str) -> None:
    b = RegionBuilder()
    vpc, inbound = _vpc_with_inbound(b, "10.0.0.0/16")
    b.resolver_rule(vpc, DOMAIN, targets=inbound)
    b.resolver_rules[-1] = replace(b.resolver_rules[-1], status=status)
    assert _outcome(b.snapshot()) == set()


def hub_loop() -> tuple[Snapshot, Outcome]:
    """The spoke forwards to the hub's inbound endpoint and the hub has the same rule: the query
    comes back out of the hub to the same endpoint. Both associations fire."""
    b = RegionBuilder()
    spoke = b.vpc("10.0.0.0/16")
    hub, inbound = _vpc_with_inbound(b, "10.1.0.0/16")
    rule_id = b.resolver_rule(spoke, DOMAIN, targets=inbound)
    _also_associate(b, rule_id, hub)
    return b.snapshot(), {(rule_id, spoke, "fail"), (rule_id, hub, "fail")}


def hub_without_the_rule() -> tuple[Snapshot, Outcome]:
    """The hub pattern AWS recommends: the rule on the spokes only, the hub's zones answer."""
    b = RegionBuilder()
    spoke = b.vpc("10.0.0.0/16")
    _, inbound = _vpc_with_inbound(b, "10.1.0.0/16")
    b.resolver_rule(spoke, DOMAIN, targets=inbound)
    return b.snapshot(), set()


def hub_with_another_rule_for_the_domain() -> tuple[Snapshot, Outcome]:
    """The hub has its own rule for the domain, to on premises: not the same rule, silent here
    (where the hub's rule sends the name is configured outside the snapshot)."""
    b = RegionBuilder()
    spoke = b.vpc("10.0.0.0/16")
    hub, inbound = _vpc_with_inbound(b, "10.1.0.0/16")
    b.resolver_rule(spoke, DOMAIN, targets=inbound)
    b.resolver_rule(hub, DOMAIN, targets=[ON_PREMISES_DNS])
    return b.snapshot(), set()


def hub_association_failed() -> tuple[Snapshot, Outcome]:
    b = RegionBuilder()
    spoke = b.vpc("10.0.0.0/16")
    hub, inbound = _vpc_with_inbound(b, "10.1.0.0/16")
    rule_id = b.resolver_rule(spoke, DOMAIN, targets=inbound)
    _also_associate(b, rule_id, hub, status="FAILED")
    return b.snapshot(), set()


def on_premises_targets() -> tuple[Snapshot, Outcome]:
    """What the on-premises servers do with the name is configured outside any snapshot."""
    b = RegionBuilder()
    vpc, _ = _vpc_with_inbound(b, "10.0.0.0/16")
    b.resolver_rule(vpc, DOMAIN, targets=[ON_PREMISES_DNS, "192.168.0.3"])
    return b.snapshot(), set()


def outbound_endpoint_target() -> tuple[Snapshot, Outcome]:
    """An outbound endpoint answers no query: its address is no inbound endpoint's."""
    b = RegionBuilder()
    vpc = b.vpc("10.0.0.0/16")
    outbound = _inbound(b, b.subnet(vpc, "10.0.1.0/24"), "rslvr-out-0c3d4e5f60718293")
    b.resolver_rule(vpc, DOMAIN, targets=outbound)
    return b.snapshot(), set()


def system_rule() -> tuple[Snapshot, Outcome]:
    """A SYSTEM rule forwards nothing (Resolver answers the domain itself)."""
    b = RegionBuilder()
    vpc, inbound = _vpc_with_inbound(b, "10.0.0.0/16")
    b.resolver_rule(vpc, DOMAIN, rule_type="SYSTEM", targets=inbound)
    return b.snapshot(), set()


def own_inbound_endpoint_and_on_premises() -> tuple[Snapshot, Outcome]:
    """Resolver picks a target per query: the ones that loop still fail."""
    b = RegionBuilder()
    vpc, inbound = _vpc_with_inbound(b, "10.0.0.0/16")
    rule_id = b.resolver_rule(vpc, DOMAIN, targets=[ON_PREMISES_DNS, *inbound])
    return b.snapshot(), {(rule_id, vpc, "fail")}


def targets_not_recorded() -> tuple[Snapshot, Outcome]:
    """A snapshot written before rules' targets were recorded: the scope cannot be judged."""
    b = RegionBuilder()
    vpc, _ = _vpc_with_inbound(b, "10.0.0.0/16")
    b.resolver_rule(vpc, DOMAIN)
    return b.snapshot(), {(REGION, "", "not_evaluated")}


def targets_not_recorded_beside_a_loop() -> tuple[Snapshot, Outcome]:
    b = RegionBuilder()
    vpc, inbound = _vpc_with_inbound(b, "10.0.0.0/16")
    b.resolver_rule(vpc, "old.example.com")
    rule_id = b.resolver_rule(vpc, DOMAIN, targets=inbound)
    return b.snapshot(), {(rule_id, vpc, "fail"), (REGION, "", "not_evaluated")}


def unlisted_rule_without_targets() -> tuple[Snapshot, Outcome]:
    """An association whose rule was not listed (type UNKNOWN, no targets): nothing forwards it
    that the snapshot can follow, and no snapshot could: silent, like DNS003."""
    b = RegionBuilder()
    vpc, _ = _vpc_with_inbound(b, "10.0.0.0/16")
    b.resolver_rules.append(r.ResolverRuleAssociation("rslvr-rr-0d4e5f6071829304", vpc, "", "UNKNOWN", "COMPLETE"))
    return b.snapshot(), set()


CASES: list[Case] = [direct_loop, direct_loop_while_the_association_is_created, hub_loop, hub_without_the_rule,
                     hub_with_another_rule_for_the_domain, hub_association_failed, on_premises_targets,
                     outbound_endpoint_target, system_rule, own_inbound_endpoint_and_on_premises,
                     targets_not_recorded, targets_not_recorded_beside_a_loop, unlisted_rule_without_targets]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.__name__)
def test_dns006(case: Case) -> None:
    snapshot, expected = case()
    assert _outcome(snapshot) == expected


@pytest.mark.parametrize("part", [Part.RESOLVER_RULES, Part.NETWORK_INTERFACES])
def test_a_part_not_collected_leaves_the_scope_not_evaluated(part: Part) -> None:
    b = RegionBuilder()
    vpc, inbound = _vpc_with_inbound(b, "10.0.0.0/16")
    b.resolver_rule(vpc, DOMAIN, targets=inbound)
    assert triples(rule, b.snapshot(missing=[part])) == {("DNS006", REGION, "not_evaluated")}


def _finding(case: Case, vpc_index: int = 0) -> Finding:
    snapshot, _ = case()
    failing = sorted((f for f in findings(rule, snapshot) if f.status.value == "fail"),
                     key=lambda f: f.discriminator)
    return failing[vpc_index]


def test_the_message_names_the_rule_domain_vpc_targets_and_endpoint() -> None:
    direct = _finding(direct_loop)
    vpc = direct.resource.vpc_id
    assert (direct.severity.value, direct.resource.resource_type, direct.discriminator) \
        == ("high", "resolver-rule", vpc)
    address = direct.evidence["looping_targets"][0]
    assert direct.message == (
        f"Resolver rule {direct.resource.resource_id} ({DOMAIN}) associated with {vpc} forwards to {address}, inbound "
        f"Resolver endpoint rslvr-in-0b2c3d4e5f607181 of {vpc} itself: Resolver there applies the rule again, and the "
        f"query loops between the outbound and inbound endpoints — names under {DOMAIN} that the rule answers never "
        f"resolve in {vpc} (AWS: don't associate a Resolver rule with the VPC of its inbound endpoint)")
    spoke = _finding(hub_loop)  # vpc-0001 sorts before the hub's id
    hub = _finding(hub_loop, 1)
    assert f"of {hub.resource.vpc_id}, which has the same rule associated: Resolver there applies the rule again" \
           in spoke.message
    assert spoke.evidence["looping_vpcs"] == [hub.resource.vpc_id]
    mixed = _finding(own_inbound_endpoint_and_on_premises)
    assert "fail whenever Resolver picks one of those targets (it picks one per query; the others: " \
           f"{ON_PREMISES_DNS}:53)" in mixed.message


def test_the_fix_disassociates_the_rule_from_the_vpc_that_answers_after_a_decision() -> None:
    """From the inbound endpoint's VPC (the hub), never from the spoke: both findings of the hub
    loop ask for the same step, which a plan merges."""
    snapshot, _ = hub_loop()
    spoke, hub = sorted(findings(rule, snapshot), key=lambda f: f.discriminator)
    rule_id = hub.resource.resource_id
    expected = [("route53resolver:DisassociateResolverRule", {"ResolverRuleId": rule_id, "VPCId": hub.discriminator},
                 "delete", False)]
    assert [(s.action, s.parameters, s.phase.value, s.ready) for s in spoke.fix] == expected
    assert [(s.action, s.parameters, s.phase.value, s.ready) for s in hub.fix] == expected
    assert spoke.fix[0].key == hub.fix[0].key
    assert "keep the rule associated with the VPCs that forward to" in (spoke.fix[0].decision or "")
    snapshot, _ = direct_loop()
    direct = _finding(direct_loop)
    assert fix_of(rule, snapshot, direct.resource.resource_id) == [
        ("route53resolver:DisassociateResolverRule",
         {"ResolverRuleId": direct.resource.resource_id, "VPCId": direct.resource.vpc_id}, "delete", False)]


def test_the_fix_renders_as_a_cli_command_and_a_terraform_comment_and_no_template() -> None:
    fix = _finding(direct_loop).fix[0]
    rule_id, vpc = fix.parameters["ResolverRuleId"], fix.parameters["VPCId"]
    command = f"aws route53resolver disassociate-resolver-rule --region {REGION} --resolver-rule-id {rule_id} " \
              f"--vpc-id {vpc}"
    assert cli.command(fix, REGION) == command
    assert cli.script([fix], REGION).splitlines()[1] == f"# {command}"  # a decision: written out, commented
    hcl = terraform.render([fix], REGION).splitlines()
    assert hcl[1:4] == [
        f"# Remove the aws_route53_resolver_rule_association of {rule_id} with {vpc} from the configuration that "
        "manages it, if any, and apply (disassociated outside Terraform, it would be associated again at the next "
        "apply); otherwise with the AWS CLI:",
        f"# {command}",
        f"# NEEDS A DECISION: {fix.decision}"]
    assert cloudformation.template([fix]) == ""


def _account(account_id: str) -> AwsRegionBuilder:
    return AwsRegionBuilder(account_id, REGION, ("use1-az1", "use1-az2"))


@pytest.mark.parametrize(("hub_has_rule", "missing", "spoke_status"), [
    (True, (), "fail"), (False, (), None), (True, (Part.RESOLVER_RULES,), "not_evaluated")],
    ids=["hub associates the shared rule", "hub does not", "hub's Resolver rules not collected"])
def test_a_hub_in_another_account(hub_has_rule: bool, missing: tuple[Part, ...], spoke_status: str | None) -> None:
    """A rule shared from a hub account through AWS RAM keeps its id: associated with the hub's VPC
    as well, the spoke's queries come back out of the hub to the same inbound endpoint — a loop
    through the hub, whatever account holds it. The fix names the hub's VPC and its account. Where
    the hub account's associations were not collected, whether the hub applies the rule cannot be
    told."""
    spoke, hub = _account("111111111111"), _account("222222222222")
    spoke_vpc = spoke.vpc("10.0.0.0/16")
    hub_vpc = hub.vpc("10.1.0.0/16")
    endpoint, _ = hub.resolver_endpoint(hub_vpc, [hub.subnet(hub_vpc, "10.1.1.0/24")], [hub.security_group(hub_vpc)])
    inbound = [a for e in hub.enis.values() if endpoint in e.description for a in e.private_ip_addresses]
    rule_id = spoke.resolver_rule(spoke_vpc, DOMAIN, targets=inbound)
    if hub_has_rule:
        hub.resolver_rules.append(replace(spoke.resolver_rules[-1], vpc_id=hub_vpc))
    snapshot = multi_account_snapshot(spoke, hub)
    snapshot = replace(snapshot, accounts=(snapshot.accounts[0], replace(
        snapshot.accounts[1], regions=(hub.region_snapshot(missing=missing),))))
    found = [f for f in findings(rule, snapshot) if f.resource.account_id == "111111111111"]
    assert [f.status.value for f in found] == ([spoke_status] if spoke_status else [])
    if spoke_status == "fail":
        (step,) = found[0].fix
        assert step.parameters == {"ResolverRuleId": rule_id, "VPCId": hub_vpc}
        assert f"run it in account 222222222222, which holds {hub_vpc}" in (step.decision or "")
        hub_findings = [f for f in findings(rule, snapshot) if f.resource.account_id == "222222222222"]
        assert [(f.discriminator, f.fix[0].key) for f in hub_findings] == [(hub_vpc, step.key)]
    if spoke_status == "not_evaluated":
        assert "in a scope whose Resolver rules were not collected" in found[0].message


def test_an_inbound_endpoint_in_another_region_is_never_the_same_rules() -> None:
    """A rule applies only in its own Region: an inbound endpoint of another Region's VPC reached
    over peering is not a loop through the same rule, and not an unknown either."""
    east = _account("111111111111")
    vpc = east.vpc("10.0.0.0/16")
    west = AwsRegionBuilder("111111111111", "us-west-2", ("usw2-az1", "usw2-az2"))
    west_vpc = west.vpc("10.9.0.0/16")
    endpoint, _ = west.resolver_endpoint(west_vpc, [west.subnet(west_vpc, "10.9.1.0/24")], [])
    inbound = [a for e in west.enis.values() if endpoint in e.description for a in e.private_ip_addresses]
    east.resolver_rule(vpc, DOMAIN, targets=inbound)
    west.resolver_rules.append(replace(east.resolver_rules[-1], vpc_id=west_vpc))  # an id reused, to be sure
    snapshot = east.snapshot()
    west_regions = (west.snapshot().accounts[0].regions[0], west.snapshot(missing=[Part.RESOLVER_RULES]).accounts[0]
                    .regions[0])
    for west_region in west_regions:
        account = replace(snapshot.accounts[0], regions=(snapshot.accounts[0].regions[0], west_region))
        assert [f for f in findings(rule, replace(snapshot, accounts=(account,))) if f.resource.region == REGION] == []
