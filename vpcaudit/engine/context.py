"""What a rule sees: one (account, region) scope of a snapshot and its network view.

Rules build their findings through the context, so every finding carries the same resource
identity, severity default and fingerprint inputs, and a rule never has to know which
account or region it is looking at to describe a resource correctly.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from vpcaudit.engine.remedy import FixStep
from vpcaudit.engine.rule import (
    EvidenceValue,
    Finding,
    FindingGroup,
    GroupMember,
    ResourceRef,
    Rule,
    Severity,
    Status,
)
from vpcaudit.engine.shared import SharedFacts
from vpcaudit.network.trust import TrustBoundary
from vpcaudit.pricing import CostModel
from vpcaudit.snapshot.bulk import slot_init
from vpcaudit.snapshot.model import AccountSnapshot, RegionSnapshot, Snapshot

if TYPE_CHECKING:
    from vpcaudit.network.view import NetworkView


@slot_init  # one per rule and scope: tens of thousands an audit, set through slots (see slot_init)
@dataclass(frozen=True, slots=True)
class RuleContext:
    rule: Rule
    snapshot: Snapshot
    account: AccountSnapshot
    region: RegionSnapshot
    view: NetworkView
    cost: CostModel = field(default_factory=CostModel)
    trust: TrustBoundary = field(default_factory=TrustBoundary)  # organizations / accounts policies may name
    # Answers about the whole snapshot (shared by every scope of one audit; see engine.shared).
    # A context built on its own gets its own.
    shared: SharedFacts = None  # type: ignore[assignment]
    # Groups this rule named in this scope (see group()); the runner puts those its findings use
    # into the result.
    groups: list[FindingGroup] = field(default_factory=list, compare=False)

    def __post_init__(self) -> None:
        if self.shared is None:
            object.__setattr__(self, "shared", SharedFacts(self.snapshot))

    def ref(self, resource_type: str, resource_id: str, vpc_id: str | None = None,
            name: str | None = None) -> ResourceRef:
        return ResourceRef(self.account.account_id, self.region.region, vpc_id, resource_type,
                           resource_id, name)

    def finding(self, resource: ResourceRef, message: str, *, severity: Severity | None = None,
                evidence: dict[str, EvidenceValue] | None = None, monthly_cost_usd: float | None = None,
                discriminator: str = "", fix: Iterable[FixStep] = (), group: str | None = None) -> Finding:
        """A failing finding; ``severity`` overrides the rule default where the rule's docs say so;
        ``fix`` is its concrete remediation (see :mod:`vpcaudit.engine.remedy`); ``group`` is the id
        :meth:`group` returned, when the finding belongs to one."""
        return Finding(self.rule.id, self.rule.name, severity or self.rule.severity, Status.FAIL, resource,
                       message, dict(evidence or {}), monthly_cost_usd, discriminator, fix=tuple(fix),
                       currency=self.cost.currency if monthly_cost_usd is not None else None, group=group)

    def group(self, key: str, description: str, members: tuple[GroupMember, ...]) -> str:
        """Name a set of resources several findings share, once for the whole result; returns its id.

        Every scope may name the same group (same ``key``): the result lists it once.
        """
        group = FindingGroup(f"{self.rule.id}/{key}", self.rule.id, self.region.region, description, members)
        self.groups.append(group)
        return group.group_id

    def not_evaluated(self, resource: ResourceRef, reason: str, discriminator: str = "") -> Finding:
        """This rule could not judge ``resource``: say why, never pass silently."""
        return Finding(self.rule.id, self.rule.name, self.rule.severity, Status.NOT_EVALUATED, resource,
                       reason, {}, None, discriminator)
