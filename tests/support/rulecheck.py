"""Run one rule over a hand-built snapshot and reduce the outcome to comparable triples.

Rule tests assert the exact set of ``(rule_id, resource_id, status)``; a scope whose needed
parts were not collected yields ``(rule_id, <region>, "not_evaluated")``, mirroring the
runner's contract, so every rule's not-evaluated case is tested the same way. Every fix step
the rule builds on the way is checked against botocore's service model (:mod:`stepcheck`).
"""

from __future__ import annotations

from stepcheck import check_steps

from vpcaudit.engine.context import RuleContext
from vpcaudit.engine.rule import Finding, Rule
from vpcaudit.network.trust import TrustBoundary
from vpcaudit.network.view import NetworkView
from vpcaudit.pricing import CostModel
from vpcaudit.snapshot.model import Snapshot, State

Triple = tuple[str, str, str]


def findings(rule: Rule, snapshot: Snapshot, cost: CostModel | None = None,
             trust: TrustBoundary | None = None) -> list[Finding]:
    out: list[Finding] = []
    for account in snapshot.accounts:
        for region in account.regions:
            view = NetworkView.build(account, region)
            ctx = RuleContext(rule, snapshot, account, region, view, cost or CostModel(), trust or TrustBoundary())
            out.extend(rule(ctx))
    check_steps(out)
    return out


def triples(rule: Rule, snapshot: Snapshot, trust: TrustBoundary | None = None) -> set[Triple]:
    """{(rule id, resource id, status)}; a scope missing a needed part → (id, region, not_evaluated)."""
    result: set[Triple] = set()
    for account in snapshot.accounts:
        for region in account.regions:
            missing = [p for p in rule.needs
                       if (account.state_of(p) if p.is_global else region.state_of(p)).state is not State.OK]
            if missing:
                result.add((rule.id, region.region, "not_evaluated"))
                continue
            view = NetworkView.build(account, region)
            ctx = RuleContext(rule, snapshot, account, region, view, CostModel(), trust or TrustBoundary())
            found = list(rule(ctx))
            check_steps(found)
            result |= {(f.rule_id, f.resource.resource_id, f.status.value) for f in found}
    return result


Step = tuple[str, dict, str, bool]  # (action, parameters, phase, ready)


def fix_of(rule: Rule, snapshot: Snapshot, resource_id: str, cost: CostModel | None = None) -> list[Step]:
    """The fix steps of the one failing finding on ``resource_id``, as comparable tuples."""
    [finding] = [f for f in findings(rule, snapshot, cost) if f.resource.resource_id == resource_id
                 and f.status.value == "fail"]
    return [(s.action, s.parameters, s.phase.value, s.ready) for s in finding.fix]
