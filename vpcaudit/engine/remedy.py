"""Remediation as data: the concrete fix for one finding, as steps a formatter can write out.

Why steps and not text: the same fix must become an AWS CLI command, a Terraform block, a line
of a reviewable shell plan and a SARIF fix, and it must carry the real identifiers of the
audited resource. A rule knows *what* to change (this endpoint, this route table, this port);
only formatters know how each dialect spells it, and only they quote values. So a rule builds
:class:`FixStep` values — an AWS API operation with its request parameters, named exactly as
botocore's service model names them — and never formats a command line itself.

Two kinds of value cannot be known when the audit runs, and are marked rather than guessed:

* :func:`new_id` — the id of a resource an earlier step creates (a NAT gateway, a security
  group): the shell plan captures it, Terraform references the new resource;
* :func:`placeholder` — a choice only a person can make (a flow-log destination, the principals
  of a scoped policy). A step holding one must say why it needs a decision; such steps are
  written out but never run as they are.

Both are small JSON objects (``{"new_id": label}``, ``{"placeholder": text}``) so the result
JSON round-trips and API parameters (PascalCase keys) can never be mistaken for them.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from vpcaudit.snapshot.bulk import pickled_as_arguments, slot_init

# The EC2 operations fixes use whose botocore input shape has no DryRun member. Not loading the
# service model keeps audits fast; the tests check every step any rule builds against botocore,
# so a fix that starts using another such operation (ModifySubnetAttribute…) fails there.
_EC2_WITHOUT_DRY_RUN = frozenset({"ModifyVpcAttribute"})


class Phase(str, Enum):
    """When a step runs in a plan: what others depend on first, what removes things last.

    Creating before associating before modifying before deleting means a plan never leaves a
    resource without its replacement: the new security group rule exists before the open one
    is revoked, the new NAT gateway before the routes move to it and the old one goes.
    """

    CREATE = "create"
    ASSOCIATE = "associate"
    MODIFY = "modify"
    DELETE = "delete"

    @property
    def order(self) -> int:
        return list(Phase).index(self)


@pickled_as_arguments
@slot_init
@dataclass(frozen=True, slots=True)
class FixStep:
    """One AWS API call that fixes (part of) one finding.

    ``action`` is ``service:Operation`` as botocore names it (``ec2:ModifyVpcEndpoint``);
    ``parameters`` are its request parameters (botocore shape names, JSON values, plus
    :func:`new_id` / :func:`placeholder` markers); ``resource_id`` is what the call acts on (the
    id it changes, or the VPC it creates something in). ``creates`` labels the resource a create
    step makes and ``output`` is where its id is in the response (JMESPath), so later steps can
    refer to it. ``context`` restates facts of an existing resource that an IaC formatter must
    repeat (a Terraform block for an imported endpoint needs its VPC and service name).
    ``decision`` says why a person must decide before this step runs; None when it is ready.
    """

    action: str
    parameters: dict[str, Any]
    resource_id: str
    phase: Phase
    description: str
    dry_run: bool = False
    decision: str | None = None
    creates: str | None = None
    output: str | None = None
    context: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.decision is None and _holds_placeholder(self.parameters):
            raise ValueError(f"{self.action} on {self.resource_id}: a step with a placeholder needs a decision")
        if (self.creates is None) != (self.output is None):
            raise ValueError(f"{self.action} on {self.resource_id}: creates and output go together")

    @property
    def service(self) -> str:
        return self.action.split(":", 1)[0]

    @property
    def operation(self) -> str:
        return self.action.split(":", 1)[1]

    @property
    def ready(self) -> bool:
        """No person needs to decide anything before this step runs."""
        return self.decision is None

    @property
    def key(self) -> str:
        """Identity for de-duplication: two findings asking for the same call get one step."""
        return json.dumps([self.action, self.parameters, self.creates], sort_keys=True)


def step(action: str, parameters: Mapping[str, Any], resource_id: str, phase: Phase, description: str, *,
         decision: str | None = None, creates: str | None = None, output: str | None = None,
         context: Mapping[str, Any] | None = None) -> FixStep:
    """A step with ``dry_run`` filled in from the operation (EC2 calls take --dry-run)."""
    service, operation = action.split(":", 1)
    return FixStep(action, {k: v for k, v in parameters.items() if v is not None}, resource_id, phase, description,
                   dry_run=service == "ec2" and operation not in _EC2_WITHOUT_DRY_RUN, decision=decision,
                   creates=creates, output=output, context=dict(context or {}))


def new_id(label: str) -> dict[str, str]:
    """The id of the resource an earlier step ``creates=label``."""
    return {"new_id": label}


def placeholder(text: str) -> dict[str, str]:
    """A value a person must choose, e.g. ``placeholder("flow-log bucket ARN")``."""
    return {"placeholder": text}


# Every fix of every finding is written out three times in the JSON result, and these checks run
# on each value of each step: a dict of one key is a marker when that key is the marker's.
def is_new_id(value: object) -> bool:
    return isinstance(value, dict) and len(value) == 1 and "new_id" in value


def is_placeholder(value: object) -> bool:
    return isinstance(value, dict) and len(value) == 1 and "placeholder" in value


def walk(value: object) -> list[object]:
    """Every value nested in ``value`` (markers as whole values), depth first."""
    out: list[object] = []
    _walk_into(value, out)
    return out


def _walk_into(value: object, out: list[object]) -> None:
    out.append(value)
    if isinstance(value, dict):
        if len(value) == 1 and ("new_id" in value or "placeholder" in value):
            return
        for item in value.values():
            _walk_into(item, out)
    elif isinstance(value, (list, tuple)):  # a tuple of types: checked faster than a union
        for item in value:
            _walk_into(item, out)


def _holds_placeholder(value: object) -> bool:
    """Whether :func:`walk` of ``value`` meets a placeholder: asked of every step a rule builds,
    so it stops at the first and builds no list."""
    if isinstance(value, dict):
        if len(value) == 1 and ("new_id" in value or "placeholder" in value):
            return "placeholder" in value
        items: Iterable[object] = value.values()
    elif isinstance(value, _NESTED):
        items = value
    else:
        return False
    # Most values are plain (ids, text, numbers): tested here rather than in a call each; a loop,
    # as a generator for any() costs more than the values it skips.
    for item in items:  # noqa: SIM110
        if isinstance(item, _NESTED) and _holds_placeholder(item):
            return True
    return False


_NESTED = (dict, list, tuple)  # the values steps nest others in


def labels_used(fix_step: FixStep) -> list[str]:
    """Labels of new resources this step's parameters refer to."""
    return [v["new_id"] for v in walk(fix_step.parameters) if is_new_id(v)]  # type: ignore[index]
