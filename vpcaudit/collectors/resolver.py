"""Route 53 Resolver rules associated with each VPC (route53resolver).

Two region-wide listings joined client-side: the associations say which rule applies to which
VPC, the rules say which domain they forward, how, and where to: a FORWARD rule's ``TargetIps``
(the addresses its outbound endpoint sends queries to), ``ResolverEndpointId`` (that outbound
endpoint) and ``OwnerId``, all in the same ``ListResolverRules`` answer. The targets tell a rule
that forwards to an inbound Resolver endpoint of a scanned VPC (whose zones and endpoints then
answer) from one that forwards outside. An association whose rule is not listed (e.g. a rule
shared and then unshared) is kept with rule type ``UNKNOWN``, no domain and no targets recorded,
so a rule sees that something forwards there without guessing what.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from vpcaudit.aws.paging import items
from vpcaudit.collectors.base import Collector, Scope
from vpcaudit.snapshot import resources as r
from vpcaudit.snapshot.model import Part


def join_associations(rules: list[r.Api], associations: list[r.Api]) -> tuple[r.ResolverRuleAssociation, ...]:
    """One record per (rule, VPC) association (pure)."""
    by_id = {rule["Id"]: rule for rule in rules}
    out = []
    for assoc in associations:
        rule = by_id.get(assoc.get("ResolverRuleId", ""), {})
        domain = str(rule.get("DomainName", ""))
        out.append(r.ResolverRuleAssociation(
            resolver_rule_id=assoc.get("ResolverRuleId", ""), vpc_id=assoc.get("VPCId", ""),
            # "example.com." -> "example.com"; the root rule "." stays "." (it forwards everything).
            domain_name=(domain.rstrip(".").lower() or ".") if domain else "",
            rule_type=rule.get("RuleType", "UNKNOWN"), status=assoc.get("Status", ""),
            target_ips=tuple(r.ResolverTarget.from_api(t) for t in rule.get("TargetIps") or ()) if rule else None,
            resolver_endpoint_id=str(rule.get("ResolverEndpointId", "") or ""),
            owner_id=str(rule.get("OwnerId", "") or "")))
    return tuple(out)


def fetch_resolver_rules(scope: Scope, _: Mapping[Part, Any]) -> tuple[r.ResolverRuleAssociation, ...]:
    client = scope.client("route53resolver")
    rules = items(client, "ListResolverRules", "ResolverRules")
    associations = items(client, "ListResolverRuleAssociations", "ResolverRuleAssociations")
    return join_associations(rules, associations)


COLLECTORS = (
    Collector(Part.RESOLVER_RULES,
              ("route53resolver:ListResolverRules", "route53resolver:ListResolverRuleAssociations"),
              fetch_resolver_rules),
)
