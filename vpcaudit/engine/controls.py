"""The compliance controls a rule corresponds to: Security Hub controls and CIS benchmark items.

Why beside the rule: security teams triage by control ("show me everything about EC2.6"), and
Security Hub groups imported findings by ``Compliance.RelatedRequirements``. Keeping the mapping
in ``@rule(controls=…)`` means ``rules show``, the rule docs, every report format and the
Security Hub import read one list, so they cannot disagree.

A mapping says the rule *relates to* the control, not that passing the rule passes the control:
where vpcaudit judges differently (it asks whether traffic needs an endpoint, a control asks
whether the endpoint exists), the rule's docstring says so in its ``## Controls`` section.
"""

from __future__ import annotations

from dataclasses import dataclass

SECURITY_HUB = "AWS Foundational Security Best Practices v1.0.0"
CIS_PREFIX = "CIS AWS Foundations Benchmark"


@dataclass(frozen=True, slots=True)
class Control:
    """One requirement of one standard, e.g. Security Hub ``EC2.6`` or CIS v3.0.0 ``3.7``."""

    standard: str
    id: str
    title: str

    @property
    def requirement(self) -> str:
        """Security Hub's spelling of a related requirement: ``<standard>/<id>``."""
        return f"{self.standard}/{self.id}"

    @property
    def is_security_hub(self) -> bool:
        return self.standard == SECURITY_HUB


def security_hub(control_id: str, title: str) -> Control:
    """A Security Hub control (``EC2.6``), as listed in Security Hub's control reference."""
    return Control(SECURITY_HUB, control_id, title)


def cis(version: str, item: str, title: str) -> Control:
    """A CIS AWS Foundations Benchmark recommendation, e.g. ``cis("3.0.0", "3.7", …)``."""
    return Control(f"{CIS_PREFIX} v{version}", item, title)
