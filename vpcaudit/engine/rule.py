"""Rules as values: metadata beside the logic, no global registry, no import side effects.

A rule is a plain function decorated with :func:`rule`. The decorator returns a
:class:`Rule` value carrying its metadata; the function's docstring holds the user-facing
text in fixed sections (``## Why it matters``, ``## How to fix``), read by
``vpcaudit rules show``, the reports and the generated rule documentation alike.
"""

from __future__ import annotations

import hashlib
import inspect
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from enum import Enum
from functools import cached_property
from typing import TYPE_CHECKING, Any

from vpcaudit.engine.controls import Control
from vpcaudit.engine.remedy import FixStep
from vpcaudit.snapshot.bulk import pickled_as_arguments, slot_init
from vpcaudit.snapshot.model import Part

if TYPE_CHECKING:
    from vpcaudit.engine.context import RuleContext


class Severity(str, Enum):
    CRITICAL = "critical"
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"
    INFO = "info"

    @property
    def rank(self) -> int:
        """Higher is worse: critical 4 … info 0 (sorting a result asks for it per finding)."""
        return _SEVERITY_RANK[self]

    def at_least(self, other: Severity) -> bool:
        return self.rank >= other.rank


_SEVERITY_RANK = {Severity.CRITICAL: 4, Severity.HIGH: 3, Severity.MEDIUM: 2, Severity.LOW: 1, Severity.INFO: 0}


class Status(str, Enum):
    FAIL = "fail"
    SUPPRESSED = "suppressed"
    NOT_EVALUATED = "not_evaluated"
    ERROR = "error"


EvidenceValue = str | int | float | bool | None | list[str]


@pickled_as_arguments
@slot_init
@dataclass(frozen=True, slots=True)
class ResourceRef:
    """What a finding is about. ``resource_type`` is e.g. vpc, subnet, vpc-endpoint."""

    account_id: str
    region: str
    vpc_id: str | None
    resource_type: str
    resource_id: str
    name: str | None = None

    @property
    def partition(self) -> str:
        """The AWS partition of the resource's Region (``aws``, ``aws-cn``, ``aws-us-gov``)."""
        return "aws-cn" if self.region.startswith("cn-") else (
            "aws-us-gov" if self.region.startswith("us-gov-") else "aws")

    @property
    def arn(self) -> str:
        """The resource's ARN, in its service's form (S3 buckets and Route 53 hosted zones carry
        no Region or account; Resolver rules are route53resolver's), for SARIF, OCSF and ASFF
        locations, CSV and suppressions; EC2's form for the rest (a ``region`` reference, which
        names no resource, is ARN-like only)."""
        service, region, account, prefix = _ARN_FORMS.get(self.resource_type, ("ec2", True, True,
                                                                               f"{self.resource_type}/"))
        return (f"arn:{self.partition}:{service}:{self.region if region else ''}:{self.account_id if account else ''}:"
                f"{prefix}{self.resource_id}")


# resource type → (service, has Region, has account, resource prefix) where it is not EC2's
# "<type>/<id>" with both; each as its service's documentation writes its ARN.
_ARN_FORMS: dict[str, tuple[str, bool, bool, str]] = {
    "bucket": ("s3", False, False, ""),  # arn:aws:s3:::amzn-s3-demo-bucket
    "hosted-zone": ("route53", False, False, "hostedzone/"),  # arn:aws:route53:::hostedzone/Z…
    "resolver-rule": ("route53resolver", True, True, "resolver-rule/"),  # …:123456789012:resolver-rule/rslvr-rr-…
}


@pickled_as_arguments
@slot_init
@dataclass(frozen=True, slots=True)
class Finding:
    rule_id: str
    rule_name: str
    severity: Severity
    status: Status
    resource: ResourceRef
    message: str
    evidence: dict[str, EvidenceValue] = field(default_factory=dict)
    monthly_cost_usd: float | None = None
    discriminator: str = ""
    suppression_reason: str | None = None
    suppression_expires: str | None = None
    fix: tuple[FixStep, ...] = ()  # the concrete remediation for this resource, in order
    # The severity the rule gave before a configured override (``[severity]`` in vpcaudit.toml)
    # replaced it; None when not overridden. Reports show it as "overridden from …".
    severity_overridden_from: Severity | None = None
    # Currency of ``monthly_cost_usd``: the price table of the finding's Region (CNY in China).
    currency: str | None = None
    group: str | None = None  # the FindingGroup this finding belongs to (its group_id), if any

    @property
    def fingerprint(self) -> str:
        """Stable across runs: rule + account + region + resource + discriminator."""
        key = "|".join((self.rule_id, self.resource.account_id, self.resource.region,
                        self.resource.resource_id, self.discriminator))
        return hashlib.sha256(key.encode()).hexdigest()[:32]


@pickled_as_arguments
@dataclass(frozen=True, slots=True)
class GroupMember:
    account_id: str
    resource_type: str
    resource_id: str
    name: str | None = None


@pickled_as_arguments
@dataclass(frozen=True, slots=True)
class FindingGroup:
    """Resources that many findings share, named once in the result instead of in every finding.

    COST001 pools the VPCs of a Region across every account of the scan: listing the whole pool
    in each of its findings made the result grow with accounts squared. Findings refer to their
    group by ``group_id`` (``Finding.group``).
    """

    group_id: str  # "<rule id>/<key>", e.g. "COST001/eu-west-1"
    rule_id: str
    region: str
    description: str  # what the members have in common
    members: tuple[GroupMember, ...]


RuleFunc = Callable[["RuleContext"], Iterable[Finding]]

_SECTION = re.compile(r"^##\s+(.+?)\s*$", re.MULTILINE)


@dataclass(frozen=True)
class Rule:
    id: str
    name: str
    severity: Severity  # the default; a finding may carry another where the rule's docs say so
    needs: tuple[Part, ...]
    references: tuple[str, ...]
    seeds: tuple[str, ...]
    func: RuleFunc
    module: str = ""
    controls: tuple[Control, ...] = ()  # Security Hub controls / CIS items this rule relates to

    def __call__(self, ctx: RuleContext) -> Iterator[Finding]:
        """The rule's findings in ``ctx``: its function's own iterator (a generator around it cost
        a step per finding, in every rule of every scope)."""
        return iter(self.func(ctx))

    # Remembered on the rule (a constant of its module): every audit's header reads each rule's
    # summary, why and fix, and cleaning a docstring of several kilobytes is not free.
    @cached_property
    def doc(self) -> str:
        return inspect.cleandoc(self.func.__doc__ or "")

    @property
    def summary(self) -> str:
        """The first paragraph of the docstring: what the rule checks."""
        return self.doc.split("\n\n", 1)[0].replace("\n", " ").strip()

    @property
    def description(self) -> str:
        """Everything before the first ``##`` section: the summary plus severity/scope notes."""
        head = _SECTION.search(self.doc)
        return (self.doc[:head.start()] if head else self.doc).strip()

    @property
    def sections(self) -> dict[str, str]:
        """``## Heading`` sections of the docstring, e.g. 'Why it matters', 'How to fix'."""
        text = self.doc
        heads = list(_SECTION.finditer(text))
        return {m.group(1): text[m.end():(heads[i + 1].start() if i + 1 < len(heads) else len(text))].strip()
                for i, m in enumerate(heads)}

    @property
    def why(self) -> str:
        return self.sections.get("Why it matters", "")

    @property
    def fix(self) -> str:
        return self.sections.get("How to fix", "")

    @property
    def controls_note(self) -> str:
        """The ``## Controls`` section: where the rule judges differently from the controls it maps to."""
        return self.sections.get("Controls", "")


def rule(*, id: str, name: str, severity: Severity, needs: Iterable[Part],
         references: Iterable[str] = (), seeds: Iterable[str] = (),
         controls: Iterable[Control] = ()) -> Callable[[RuleFunc], Rule]:
    """Turn a function ``(ctx) -> Iterable[Finding]`` into a :class:`Rule` value."""

    def wrap(func: RuleFunc) -> Rule:
        return Rule(id=id, name=name, severity=severity, needs=tuple(needs), references=tuple(references),
                    seeds=tuple(seeds), func=func, module=func.__module__, controls=tuple(controls))

    return wrap


def evidence_dict(**values: Any) -> dict[str, EvidenceValue]:
    """Evidence with sorted lists and no None values, so fingerprints and goldens are stable."""
    out: dict[str, EvidenceValue] = {}
    for key, value in values.items():
        if value is None:
            continue
        if isinstance(value, _COLLECTIONS):
            value = sorted(map(str, value))
        out[key] = value
    return out


_COLLECTIONS = (set, frozenset, tuple, list)  # a tuple of types: isinstance checks it faster than a union
