"""Would an endpoint policy let one particular request through? Yes, no, or cannot tell.

Why a three-valued answer: a rule that predicts an outage from a policy must be certain the
policy refuses the request, and a rule that stays silent must be certain it allows it; a policy
whose conditions test what the snapshot cannot know (a principal ARN pattern, a tag) gets
"cannot tell", which the rule reports as not evaluated rather than guessing either way.

The model is IAM's evaluation logic for one request through a VPC endpoint
(https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html):
an explicit ``Deny`` wins; otherwise some ``Allow`` must match the principal, the action, the
resource and every condition. Wildcards are IAM's: ``*`` any run of characters, ``?`` one, in
actions (case-insensitive) and resources (case-sensitive)
(https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html).

A request's condition keys are of three kinds:

* **known**: their value is certain (``aws:SourceVpce`` is the endpoint the request goes
  through, ``aws:SecureTransport`` is true for an HTTPS download);
* **foreign**: present, or possibly absent (``maybe_absent``), and certainly *not* any of the
  values in ``ours`` — the principal account of a URL an AWS service presigned is an AWS-owned
  account, never this account, a trusted account or a trusted organization. A test against a
  concrete value that names one of ``ours`` fails; ``*`` in a ``…Like`` test matches; anything
  else cannot be told;
* **absent**: certainly not in the request (an unsigned request carries no principal key): a
  ``Null`` test says so, negated operators, ``…IfExists`` and ``ForAllValues:`` match, the others
  do not;
* every other key: cannot be told.

A second question needs no request: which actions can a policy let through an endpoint of a
Region at all (:func:`grants_elsewhere`)? A request through an endpoint of a Region acts on that
Region's resources, so an ``Allow`` whose every resource is an ARN of another Region matches none
of them; the actions that only such statements grant are allowed nowhere through the endpoint.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache

from vpcaudit.network.policy import Condition, Policy, Statement, as_list
from vpcaudit.network.services import partition


class Answer(enum.Enum):
    """An answer of three values: ``YES``, ``NO``, ``UNKNOWN``."""

    YES = "yes"
    NO = "no"
    UNKNOWN = "unknown"

    @classmethod
    def of(cls, value: bool) -> Answer:
        return cls.YES if value else cls.NO

    def negate(self) -> Answer:
        return {Answer.YES: Answer.NO, Answer.NO: Answer.YES}.get(self, Answer.UNKNOWN)


def all_of(answers: Iterable[Answer]) -> Answer:
    """Kleene AND: NO if any is NO, otherwise UNKNOWN if any is UNKNOWN, otherwise YES."""
    seen = set(answers)
    if Answer.NO in seen:
        return Answer.NO
    return Answer.UNKNOWN if Answer.UNKNOWN in seen else Answer.YES


def any_of(answers: Iterable[Answer]) -> Answer:
    """Kleene OR: YES if any is YES, otherwise UNKNOWN if any is UNKNOWN, otherwise NO."""
    seen = set(answers)
    if Answer.YES in seen:
        return Answer.YES
    return Answer.UNKNOWN if Answer.UNKNOWN in seen else Answer.NO


@dataclass(frozen=True)
class Request:
    """One request through an endpoint, as its policy sees it (condition keys lower-case)."""

    action: str  # "s3:GetObject"
    # The ARN prefix of the objects the request may name ("arn:aws:s3:::bucket/"): any object under it.
    objects: str
    known: Mapping[str, str] = field(default_factory=dict)
    foreign: frozenset[str] = frozenset()
    maybe_absent: frozenset[str] = frozenset()  # foreign keys the request may not carry at all
    ours: frozenset[str] = frozenset()  # values no foreign key has: this account, trusted accounts and organizations
    # Keys the request certainly does not carry: an unsigned (anonymous) request has no principal keys.
    absent: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Verdict:
    """The policy's answer to a request, and the statements that decided it."""

    allowed: Answer
    denied_by: tuple[str, ...] = ()  # labels of the Deny statements that certainly match
    unclear: tuple[str, ...] = ()  # labels of the statements whose match cannot be told

    def explain(self) -> str:
        """Why, in a phrase: 'statement "X" denies it', 'no Allow statement admits it'…"""
        if self.denied_by:
            return f"{', '.join(self.denied_by)} {'denies' if len(self.denied_by) == 1 else 'deny'} it"
        if self.allowed is Answer.NO:
            return "no Allow statement admits it"
        if self.unclear:
            verb = "matches" if len(self.unclear) == 1 else "match"
            return f"whether {', '.join(self.unclear)} {verb} it cannot be told"
        return "an Allow statement admits it"


def decide(policy: Policy, request: Request) -> Verdict:
    """IAM's evaluation of ``request`` against ``policy``, in three values."""
    denied: list[str] = []
    unclear: list[str] = []
    allows: list[Answer] = []
    deny_unclear = False
    for statement in policy.statements:
        matched = matches(statement, request)
        if matched is Answer.UNKNOWN:
            unclear.append(statement.label)
        if statement.effect == "Deny":
            if matched is Answer.YES:
                denied.append(statement.label)
            deny_unclear = deny_unclear or matched is Answer.UNKNOWN
        elif statement.effect == "Allow":
            allows.append(matched)
    if denied:
        return Verdict(Answer.NO, denied_by=tuple(denied))
    allowed = any_of(allows)
    if allowed is Answer.YES and deny_unclear:
        allowed = Answer.UNKNOWN
    return Verdict(allowed, unclear=tuple(unclear))


def matches(statement: Statement, request: Request) -> Answer:
    """Whether ``statement`` applies to ``request`` (its effect aside)."""
    raw = statement.raw
    return all_of((
        _principal(raw, request),
        _actions(raw, request.action),
        _resources(raw, request.objects),
        all_of(_condition(c, request) for c in statement.conditions),
    ))


def _principal(raw: Mapping[str, object], request: Request) -> Answer:
    """``*`` matches anyone; a principal naming only our accounts never matches a foreign one."""
    if "NotPrincipal" in raw:
        return Answer.UNKNOWN
    principal = raw.get("Principal")
    if as_list(principal) == ["*"]:
        return Answer.YES
    if not isinstance(principal, dict):
        return Answer.UNKNOWN
    values = [str(v) for k, vs in principal.items() for v in as_list(vs) if k == "AWS"]
    if "*" in values:
        return Answer.YES
    if "aws:principalaccount" in request.foreign and values and set(principal) == {"AWS"} and all(
            _names_ours(v, request.ours) for v in values):
        return Answer.NO
    return Answer.UNKNOWN


def _actions(raw: Mapping[str, object], action: str) -> Answer:
    """``Action`` or ``NotAction`` against the request's action (IAM: case-insensitive)."""
    if "NotAction" in raw:
        return Answer.of(not any(_wildcard(str(p), True).fullmatch(action) for p in as_list(raw["NotAction"])))
    return Answer.of(any(_wildcard(str(p), True).fullmatch(action) for p in as_list(raw.get("Action"))))


def _resources(raw: Mapping[str, object], objects: str) -> Answer:
    """``Resource`` (absent: every resource) or ``NotResource`` against any object under ``objects``."""
    if "NotResource" in raw:
        return any_of(_covers(str(p), objects) for p in as_list(raw["NotResource"])).negate()
    if "Resource" not in raw:
        return Answer.YES
    return any_of(_covers(str(p), objects) for p in as_list(raw["Resource"]))


def _covers(pattern: str, objects: str) -> Answer:
    """Whether a resource pattern matches the request's object: YES when it matches every object
    under ``objects`` (``bucket/*``, ``arn:aws:s3:::*``), NO when it can match none (another bucket,
    the bucket's own ARN), UNKNOWN when it matches some (``bucket/sha256/*``)."""
    if _wildcard(pattern, False).fullmatch(objects + "*"):
        return Answer.YES
    literal = re.split(r"[*?]", pattern, maxsplit=1)[0]
    if literal == pattern:  # no wildcard: one object, which may or may not be the one requested
        return Answer.UNKNOWN if pattern.startswith(objects) and pattern != objects else Answer.NO
    return Answer.UNKNOWN if literal.startswith(objects) or objects.startswith(literal) else Answer.NO


@lru_cache(maxsize=1024)
def _wildcard(pattern: str, ignore_case: bool) -> re.Pattern[str]:
    """IAM's wildcards as a regular expression: ``*`` any run, ``?`` one character, nothing else special."""
    body = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)
    return re.compile(body, re.IGNORECASE | re.DOTALL if ignore_case else re.DOTALL)


_STRING_OPERATORS = frozenset({"StringEquals", "StringNotEquals", "StringEqualsIgnoreCase",
                               "StringNotEqualsIgnoreCase", "StringLike", "StringNotLike",
                               "ArnEquals", "ArnNotEquals", "ArnLike", "ArnNotLike"})


def _condition(condition: Condition, request: Request) -> Answer:
    """One ``operator: {key: values}`` test against the request."""
    key, base = condition.key, condition.base_operator
    if key in request.absent:
        if condition.is_null_check:
            return Answer.of(all(v.lower() == "true" for v in condition.values))
        return _absent_test(condition)
    if condition.is_null_check:  # "true": the key is absent
        present = key in request.known or (key in request.foreign and key not in request.maybe_absent)
        if not present:
            return Answer.UNKNOWN
        return Answer.of(all(v.lower() == "false" for v in condition.values))
    if base == "Bool" and key in request.known:
        return Answer.of(request.known[key].lower() in (v.lower() for v in condition.values))
    if base not in _STRING_OPERATORS:
        return Answer.UNKNOWN
    worlds: list[Answer] = []
    if key in request.known:
        worlds.append(_string_test(condition, request.known[key]))
    elif key in request.foreign:
        worlds.append(_foreign_test(condition, request.ours))
        if key in request.maybe_absent:
            worlds.append(_absent_test(condition))
    else:
        return Answer.UNKNOWN
    return worlds[0] if len(set(worlds)) == 1 else Answer.UNKNOWN


def _string_test(condition: Condition, value: str) -> Answer:
    """The test on a key whose value is known."""
    base = condition.base_operator
    wildcards = "Like" in base or base.startswith("Arn")
    ignore_case = base.endswith("IgnoreCase")
    if wildcards:
        hit = any(_wildcard(v, False).fullmatch(value) for v in condition.values)
    elif ignore_case:
        hit = value.lower() in (v.lower() for v in condition.values)
    else:
        hit = value in condition.values
    return Answer.of(hit != condition.negated)


def _foreign_test(condition: Condition, ours: frozenset[str]) -> Answer:
    """The test on a key that is present with a value none of ``ours`` names."""
    base = condition.base_operator
    wildcards = "Like" in base or base.startswith("Arn")
    hits = []
    for value in condition.values:
        if wildcards and not value.strip("*"):
            hits.append(Answer.YES)  # "*": any value
        elif _names_ours(value, ours):
            hits.append(Answer.NO)
        else:
            hits.append(Answer.UNKNOWN)
    hit = any_of(hits)
    return hit.negate() if condition.negated else hit


def _absent_test(condition: Condition) -> Answer:
    """The test on a key the request does not carry: negated operators, ``…IfExists`` and
    ``ForAllValues:`` match; the others do not."""
    return Answer.of(condition.negated or condition.if_exists or condition.for_all_values)


_ID = re.compile(r"\d{12}|o-[a-z0-9]{10,32}")


def _names_ours(value: str, ours: frozenset[str]) -> bool:
    """``value`` names only our accounts or organizations: it is one of them, or an ARN or org
    path whose account / organization ids are all ours (``arn:aws:iam::111122223333:role/x``)."""
    if value in ours:
        return True
    ids = _ID.findall(value)
    return bool(ids) and all(i in ours for i in ids) and "*" not in value.split(ids[0])[0]


@dataclass(frozen=True)
class ElsewhereGrant:
    """``Allow`` statements that name only resources an endpoint cannot reach — other Regions',
    or another partition's — and what that leaves out."""

    statements: tuple[str, ...]  # their labels
    regions: tuple[str, ...]  # the other Regions they name
    # The action patterns no other Allow statement grants: () when no Allow statement is left at all.
    actions: tuple[str, ...]
    partitions: tuple[str, ...] = ()  # the other partitions they name (``arn:aws:`` seen from a China Region)

    @property
    def everything(self) -> bool:
        """No ``Allow`` statement names a resource of the endpoint's Region: nothing is allowed."""
        return not self.actions


def grants_elsewhere(policy: Policy, region: str) -> ElsewhereGrant | None:
    """What ``policy`` allows only on resources out of reach, seen from an endpoint of ``region``;
    None when every action it grants may be granted on a resource of ``region``.

    The statements are those :func:`places_elsewhere` finds. When they are all the ``Allow``
    statements, nothing is allowed; otherwise the actions they name (``Action`` patterns) that no
    other ``Allow`` statement may grant — an ``Allow`` with ``NotAction`` may grant any — are
    allowed on nothing of ``region``."""
    allows = [s for s in policy.statements if s.effect == "Allow"]
    elsewhere = {s.label: places for s in allows if (places := places_elsewhere(s, region))}
    if not elsewhere:
        return None
    regions = tuple(sorted({name for places in elsewhere.values() for kind, name in places if kind == "region"}))
    partitions = tuple(sorted({name for places in elsewhere.values() for kind, name in places if kind == "partition"}))
    local = [s for s in allows if s.label not in elsewhere]
    if not local:
        return ElsewhereGrant(tuple(elsewhere), regions, (), partitions)
    stranded = tuple(dict.fromkeys(
        action for s in allows if s.label in elsewhere for action in s.actions
        if not any("NotAction" in t.raw or any(share_an_action(action, a) for a in t.actions) for t in local)))
    return ElsewhereGrant(tuple(elsewhere), regions, stranded, partitions) if stranded else None


def places_elsewhere(statement: Statement, region: str) -> tuple[tuple[str, str], ...]:
    """Where ``statement``'s resources are, as ("partition" | "region", name), when every one is an
    ARN of a partition or Region other than ``region``'s; () otherwise — ``Resource *``, no
    ``Resource``, ``NotResource``, or one ARN that may be ``region``'s or has no Region in
    ``region``'s partition (S3 buckets, IAM roles, the Region-less foundation models a global
    inference profile is authorized against)."""
    if "NotResource" in statement.raw:
        return ()
    found = [place_elsewhere(str(r), region) for r in as_list(statement.raw.get("Resource"))]
    if not found or None in found:
        return ()
    return tuple(sorted({p for p in found if p is not None}))


def place_elsewhere(pattern: str, region: str) -> tuple[str, str] | None:
    """Where an ARN pattern's resources are when none can be ``region``'s: ("partition", ``aws``)
    for an ARN of another partition (``arn:aws:s3:::bucket`` seen from cn-north-1: an ARN matches
    only segment by segment, its partition included, and a China Region's resources are
    ``arn:aws-cn:``), else ("region", the segment) for another Region (:func:`region_elsewhere`);
    None when it may be ``region``'s."""
    parts = pattern.split(":", 4)
    if len(parts) >= 4 and parts[0] == "arn" and parts[1] and not any(c in parts[1] for c in "*?$") \
            and parts[1] != partition(region):
        return ("partition", parts[1])
    other = region_elsewhere(pattern, region)
    return ("region", other) if other is not None else None


def region_elsewhere(pattern: str, region: str) -> str | None:
    """The Region segment of an ARN pattern when no resource it matches can be ``region``'s
    (``us-west-2`` or ``eu-*`` seen from us-east-1); None when it may (``*``, ``us-*``, a policy
    variable, a wildcard before the Region: IAM lets a trailing ``*`` of a segment run past the
    colons) or names resources without a Region."""
    parts = pattern.split(":", 4)
    if len(parts) < 4 or parts[0] != "arn" or any(c in ":".join(parts[:3]) for c in "*?$"):
        return None
    segment = parts[3]
    if not segment or "$" in segment or _wildcard(segment, False).fullmatch(region):
        return None
    return segment


def share_an_action(pattern: str, other: str) -> bool:
    """Whether some action matches both IAM action patterns (``*`` any run, ``?`` one character,
    case-insensitive): ``bedrock:Invoke*`` and ``bedrock:*Model`` do, ``bedrock:Invoke*`` and
    ``bedrock:ApplyGuardrail`` do not."""
    return _patterns_meet(pattern.lower(), other.lower())


@lru_cache(maxsize=4096)
def _patterns_meet(a: str, b: str) -> bool:
    """Two wildcard patterns have a common match: a ``*`` matches nothing or takes one more character."""
    if not a or not b:
        return not (a + b).strip("*")
    if a[0] == "*":
        return _patterns_meet(a[1:], b) or _patterns_meet(a, b[1:])
    if b[0] == "*":
        return _patterns_meet(a, b[1:]) or _patterns_meet(a[1:], b)
    return (a[0] == b[0] or "?" in (a[0], b[0])) and _patterns_meet(a[1:], b[1:])
