"""What a planned change is: the after-snapshot, and an honest account of what went into it.

Every resource of a plan ends up in exactly one :class:`Outcome`, so the report can say what was
applied, what vpcaudit could not model (lost coverage: ``--strict`` exits 3), what belongs to an
account or Region the snapshot does not hold, and which values are known only after apply.
Plain values, no behaviour beyond counting: the dialects (Terraform, CloudFormation) build them,
the diff and its formatters read them.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from vpcaudit.snapshot import resources as r
from vpcaudit.snapshot.model import Snapshot


class Outcome(str, Enum):
    APPLIED = "applied"  # modelled, and applied to the after-snapshot
    NOT_MODELLED = "not_modelled"  # an AWS resource vpcaudit cannot apply: its effect is not judged
    OUT_OF_SCOPE = "out_of_scope"  # another account or Region than the snapshot's, or one that cannot be told
    DATA_SOURCE = "data_source"  # read by the plan, never applied
    NOT_AUDITED = "not_audited"  # nothing vpcaudit collects depends on it (IAM, log groups, other providers…)


# Outcomes that mean part of the change was not judged: the diff counts them as lost coverage.
UNJUDGED = frozenset({Outcome.NOT_MODELLED, Outcome.OUT_OF_SCOPE})


@dataclass(frozen=True, slots=True)
class PlannedResource:
    """One resource of the plan that changes (or is read), and what became of it."""

    address: str  # Terraform address or CloudFormation logical id
    resource_type: str  # aws_route_table, AWS::EC2::RouteTable, …
    action: str  # create | update | delete | replace | read
    outcome: Outcome
    account_id: str | None = None
    region: str | None = None
    resource_ids: tuple[str, ...] = ()  # ids in the snapshots: placeholders for new resources
    detail: str = ""  # what the outcome alone does not say: why it is out of scope, a condition, …


@dataclass(frozen=True, slots=True)
class PlanFacts:
    """The plan as the diff reports it beside the findings and paths."""

    dialect: str  # terraform | cloudformation
    source: str  # the file, and the tool version that wrote it when it says
    resources: tuple[PlannedResource, ...]  # every resource that changes or is read
    unchanged: int  # resources the plan leaves as they are (no-op)
    unresolved: tuple[r.Unresolved, ...]  # values known only after apply
    notes: tuple[str, ...] = ()  # assumptions the reader should know about (e.g. a Region taken from the snapshot)

    def with_outcome(self, outcome: Outcome) -> tuple[PlannedResource, ...]:
        return tuple(p for p in self.resources if p.outcome is outcome)

    @property
    def unjudged(self) -> tuple[PlannedResource, ...]:
        """Changes whose effect on the network was not judged: lost coverage for the diff."""
        return tuple(p for p in self.resources if p.outcome in UNJUDGED)

    @property
    def network_change(self) -> bool:
        """Does the plan change anything vpcaudit models, or anything it might have to judge?"""
        return bool(self.with_outcome(Outcome.APPLIED) or self.unjudged)

    def counts(self) -> dict[str, int]:
        """The plan's numbers, named as :data:`COUNTS`."""
        out = {o.value: len(self.with_outcome(o)) for o in Outcome}
        out["unchanged"] = self.unchanged
        out["unresolved"] = len(self.unresolved)
        return out


COUNTS = (*(o.value for o in Outcome), "unchanged", "unresolved")  # the keys of PlanFacts.counts()


@dataclass(frozen=True)
class PlannedChange:
    """The snapshot as it is, as it would be after the change, and what the change held."""

    before: Snapshot
    after: Snapshot
    facts: PlanFacts
