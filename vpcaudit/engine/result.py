"""The audit result: everything formatters and exit codes need, and nothing they recompute.

Formatters only read an :class:`AuditResult`; the runner alone builds it. Keeping paths,
costs and per-scope outcomes here (rather than deriving them in templates) is what keeps the
HTML, Markdown, JSON, SARIF, CSV and JUnit outputs consistent with each other.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum

from vpcaudit.engine.controls import Control
from vpcaudit.engine.rule import Finding, FindingGroup, Severity, Status
from vpcaudit.facts.costs import CostLine
from vpcaudit.facts.summaries import VpcSummary
from vpcaudit.facts.topology import VpcTopology
from vpcaudit.network.paths import PathGap, TrafficPath
from vpcaudit.pricing import PriceNote
from vpcaudit.snapshot.bulk import pickled_as_arguments, slot_init


@dataclass(frozen=True, slots=True)
class RuleInfo:
    """Rule metadata copied into the result so reports stand alone."""

    id: str
    name: str
    severity: Severity
    summary: str
    why: str
    fix: str
    references: tuple[str, ...]
    pack: str
    controls: tuple[Control, ...] = ()
    severity_overridden_from: Severity | None = None  # the rule's own default, when configured otherwise


class Outcome(str, Enum):
    """What one rule concluded about one (account, region)."""

    PASSED = "passed"
    FAILED = "failed"
    NOT_EVALUATED = "not_evaluated"  # a part it needs was not collected there
    ERROR = "error"  # the rule raised

    @property
    def judged(self) -> bool:
        """The rule looked at the scope and came to a verdict (passed or failed)."""
        return self in (Outcome.PASSED, Outcome.FAILED)


@pickled_as_arguments
@slot_init
@dataclass(frozen=True, slots=True)
class ScopeResult:
    """One rule over one (account, region): the unit of JUnit test cases and of --strict."""

    rule_id: str
    account_id: str
    region: str
    outcome: Outcome
    detail: str = ""


@dataclass(frozen=True, slots=True)
class AuditResult:
    schema_version: str
    tool_version: str
    rule_packs: dict[str, str]  # pack name → version
    snapshot_taken_at: str
    generated_at: str
    accounts: tuple[str, ...]
    regions: tuple[str, ...]
    rules: tuple[RuleInfo, ...]
    findings: tuple[Finding, ...]
    scopes: tuple[ScopeResult, ...]
    vpcs: tuple[VpcSummary, ...] = ()
    paths: tuple[TrafficPath, ...] = ()
    costs: tuple[CostLine, ...] = ()
    expired_suppressions: tuple[str, ...] = ()
    options: dict[str, str] = field(default_factory=dict)
    topology: tuple[VpcTopology, ...] = ()  # one per VPC, for the report's pictures
    path_gaps: tuple[PathGap, ...] = ()  # path inputs not collected, and what the paths assume instead
    prices: tuple[PriceNote, ...] = ()  # per Region: which prices the costs used, and where they came from
    groups: tuple[FindingGroup, ...] = ()  # resources shared by many findings, named once (Finding.group)

    def by_status(self, status: Status) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.status is status)

    @property
    def failures(self) -> tuple[Finding, ...]:
        return self.by_status(Status.FAIL)

    @property
    def incomplete(self) -> bool:
        """Something could not be evaluated or errored: --strict turns this into exit 3."""
        return any(not s.outcome.judged for s in self.scopes) or any(
            f.status in (Status.NOT_EVALUATED, Status.ERROR) for f in self.findings)
