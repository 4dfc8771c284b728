"""DNS006 resolver-rule-loop."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from vpcaudit.engine.remedy import FixStep, Phase, step
from vpcaudit.engine.rule import Finding, Severity, evidence_dict, rule
from vpcaudit.network.dns import (
    ACTIVE_RULE_STATES,
    InboundEndpoint,
    forward_targets,
    inbound_endpoints_by_address,
    resolver_rule_associations,
)
from vpcaudit.snapshot import resources as r
from vpcaudit.snapshot.model import Part

if TYPE_CHECKING:
    from vpcaudit.engine.context import RuleContext

# Where a FORWARD rule's targets lead: an inbound endpoint, and the targets that are its addresses.
Hop = tuple[InboundEndpoint, tuple[r.ResolverTarget, ...]]


@rule(id="DNS006", name="resolver-rule-loop", severity=Severity.HIGH,
      needs=(Part.RESOLVER_RULES, Part.NETWORK_INTERFACES),
      references=(
          "https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/best-practices-resolver-endpoints.html",
          "https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/resolver-overview-DSN-queries-to-vpc.html",
          "https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/resolver-forwarding-inbound-queries.html",
          "https://docs.aws.amazon.com/Route53/latest/APIReference/API_route53resolver_DisassociateResolverRule.html",
      ))
def resolver_rule_loop(ctx: RuleContext) -> Iterator[Finding]:
    """A Resolver FORWARD rule sends its domain to an inbound Resolver endpoint whose VPC applies the same rule again.

    Fires once per association of a FORWARD rule with a VPC (status COMPLETE or CREATING) when
    one of the rule's targets (`TargetIps`) is an address of an inbound Resolver endpoint
    (interfaces described `Route 53 Resolver: rslvr-in-…`, in any scanned account) in that same
    VPC, or in another VPC that the same rule is associated with too (the same rule id: a rule
    shared through AWS RAM keeps it in every account). The inbound endpoint hands the query to
    Resolver in its own VPC, which applies that VPC's rules: the rule forwards the query to the same
    targets again, and it is passed back and forth between the outbound and inbound endpoints.
    Targets elsewhere (on premises, addresses no collected inbound endpoint holds, an inbound
    endpoint of a VPC without the rule) are silent: what those servers or that VPC do with the name
    is another question, and DNS003 follows it for AWS service names. An inbound endpoint in a
    scope whose Resolver rules were not collected leaves the association *not evaluated*; a
    snapshot written before rules' targets were recorded leaves the whole scope not evaluated.

    ## Why it matters
    AWS: "Don't associate the same VPC to a Resolver rule and its inbound endpoint (whether it's a
    direct target of the endpoint, or via an on-premises DNS server). When the outbound endpoint in
    a Resolver rule points to an inbound endpoint that shares a VPC with the rule, it can cause a
    loop where the query is continually passed between the inbound and outbound endpoints." Every
    name under the rule's domain that no more specific zone or rule answers fails to resolve in the
    VPC — in every spoke that forwards to a hub where the rule is associated too, and for the
    on-premises clients of that inbound endpoint, whose queries the same Resolver answers.

    ## How to fix
    Stop forwarding the domain from the VPC that answers it (the inbound endpoint's VPC, usually
    the hub), not from the spokes: there, the private hosted zones associated with the VPC answer
    the queries the inbound endpoint receives ("Private hosted zones associated with the hub, or a
    central VPC, will still resolve from queries to inbound endpoints because a forwarding resolver
    rule does not change this resolution"):

    ```
    aws route53resolver disassociate-resolver-rule --resolver-rule-id <rslvr-rr-id> --vpc-id <hub-vpc-id>
    ```

    The rule can stay associated with the spokes. If clients in the hub need names only the rule's
    other targets answer, point the rule's targets at those servers instead
    (`aws route53resolver update-resolver-rule`).
    """
    forwarding = [a for a in ctx.region.resolver_rules
                  if a.rule_type.upper() == "FORWARD" and a.status.upper() in ACTIVE_RULE_STATES]
    for association in sorted(forwarding, key=lambda a: (a.resolver_rule_id, a.vpc_id)):
        if association.target_ips:
            yield from _judge(ctx, association, association.target_ips)
    unrecorded = sorted({a.resolver_rule_id for a in forwarding if a.target_ips is None})
    if unrecorded:
        yield ctx.not_evaluated(
            ctx.ref("region", ctx.region.region),
            f"the targets of FORWARD rule(s) {', '.join(unrecorded)} were not recorded (a snapshot written before "
            "rules' TargetIps were collected): whether they forward to an inbound Resolver endpoint that applies them "
            "again cannot be told; collect the snapshot again")


def _judge(ctx: RuleContext, association: r.ResolverRuleAssociation,
           targets: tuple[r.ResolverTarget, ...]) -> Iterator[Finding]:
    """One finding when a target of the association leads to an inbound endpoint whose VPC applies
    the rule again; not evaluated when only an inbound endpoint whose scope's rules were not
    collected could."""
    loops, unknown = _hops(ctx, association, targets)
    vpc = association.vpc_id
    rule_id, domain = association.resolver_rule_id, association.domain_name
    sends = f"Resolver rule {rule_id} ({domain}) associated with {vpc} forwards to"
    ref = ctx.ref("resolver-rule", rule_id, vpc)
    if not loops:
        if unknown:
            yield ctx.not_evaluated(
                ref, f"{sends} {_hops_text(unknown)}, in a scope whose Resolver rules were not collected: whether "
                     "that VPC applies the rule again cannot be told", discriminator=vpc)
        return
    looping = [t for _, hits in loops for t in hits]
    others = [t for t in targets if t not in looping]
    fails = "never resolve" if not others else (
        f"fail whenever Resolver picks one of those targets (it picks one per query; the others: {_listed(others)})")
    yield ctx.finding(
        ref, f"{sends} {_loops_text(loops, vpc)}: Resolver there applies the rule again, and the query loops between "
             f"the outbound and inbound endpoints — names under {domain} that the rule answers "
             f"{fails} in {vpc} (AWS: don't associate a Resolver rule with the VPC of its inbound endpoint)",
        evidence=evidence_dict(
            domain=domain, targets=[t.describe() for t in targets],
            looping_targets=[t.describe() for t in looping],
            inbound_endpoints=[inbound.endpoint_id for inbound, _ in loops],
            looping_vpcs=[inbound.vpc_id for inbound, _ in loops],
            outbound_endpoint=association.resolver_endpoint_id or None),
        discriminator=vpc,
        fix=[_disassociate(ctx, association, targets, inbound) for inbound in _vpcs_once(loops)])


def _hops(ctx: RuleContext, association: r.ResolverRuleAssociation,
          targets: tuple[r.ResolverTarget, ...]) -> tuple[list[Hop], list[Hop]]:
    """The targets that are inbound endpoints, split into those whose VPC applies the rule (the
    association's own VPC, or one the same rule is associated with) and those in a scope whose
    Resolver rules were not collected. A rule applies only in its own Region's VPCs."""
    split = forward_targets(targets, ctx.shared.get(inbound_endpoints_by_address))
    everywhere = ctx.shared.get(resolver_rule_associations)
    region = ctx.region.region
    loops: list[Hop] = []
    unknown: list[Hop] = []
    for inbound, hits in split.inbound:
        if inbound.region != region:
            continue
        if inbound.vpc_id == association.vpc_id or everywhere.applies(region, association.resolver_rule_id,
                                                                      inbound.vpc_id):
            loops.append((inbound, hits))
        elif not everywhere.known_in(inbound.account_id, inbound.region):
            unknown.append((inbound, hits))
    return loops, unknown


def _hops_text(hops: list[Hop]) -> str:
    """``10.0.2.4:53, 10.0.2.5:53, inbound Resolver endpoint rslvr-in-… of vpc-…``, hops joined by "; "."""
    return "; ".join(f"{_listed(hits)}, inbound Resolver endpoint {inbound.endpoint_id} of {inbound.vpc_id}"
                     for inbound, hits in hops)


def _loops_text(loops: list[Hop], vpc_id: str) -> str:
    """The looping hops, each saying why its VPC applies the rule again."""
    return "; ".join(_hops_text([(inbound, hits)]) + (" itself" if inbound.vpc_id == vpc_id
                                                      else ", which has the same rule associated")
                     for inbound, hits in loops)


def _vpcs_once(hops: list[Hop]) -> list[InboundEndpoint]:
    """One inbound endpoint per VPC the rule loops through (the first), in the order of the targets."""
    first: dict[str, InboundEndpoint] = {}
    for inbound, _ in hops:
        first.setdefault(inbound.vpc_id, inbound)
    return list(first.values())


def _disassociate(ctx: RuleContext, association: r.ResolverRuleAssociation, targets: tuple[r.ResolverTarget, ...],
                  inbound: InboundEndpoint) -> FixStep:
    """Disassociate the rule from the inbound endpoint's VPC — the one that answers the domain —
    after a decision: that VPC's own clients stop forwarding the domain to every target of the rule."""
    rule_id, domain, vpc = association.resolver_rule_id, association.domain_name, inbound.vpc_id
    where = (f"; run it in account {inbound.account_id}, which holds {vpc}"
             if inbound.account_id != ctx.account.account_id else "")
    return step(
        "route53resolver:DisassociateResolverRule", {"ResolverRuleId": rule_id, "VPCId": vpc}, rule_id, Phase.DELETE,
        f"Disassociate Resolver rule {rule_id} ({domain}) from {vpc}, whose inbound endpoint {inbound.endpoint_id} "
        f"it forwards to: the queries that endpoint receives are then answered by {vpc}'s own zones instead of "
        "forwarded again",
        decision=f"clients in {vpc} stop forwarding {domain} to the rule's targets "
                 f"({_listed(targets)}): if they need names only other servers answer, point "
                 f"the rule at those servers instead; keep the rule associated with the VPCs that forward to {vpc}"
                 f"{where}")


def _listed(targets: tuple[r.ResolverTarget, ...] | list[r.ResolverTarget]) -> str:
    return ", ".join(t.describe() for t in targets)
