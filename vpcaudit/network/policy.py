"""IAM policy documents as VPC endpoints and S3 buckets carry them: parse, validate, classify.

The POL rules ask three questions of a policy — is it the full-access default, which ``Allow``
statements open the endpoint to everyone without a scoping condition, and is it an IAM policy
at all — and POL004 asks how a bucket policy's conditions treat a request that carries no
``aws:SourceIp``. One parser answers all of them, so a document that one rule calls "full
access" is never "invalid" to another.

Comparisons follow IAM's grammar: a single string and a one-element list are the same; condition
keys are case-insensitive; ``Version`` and ``Sid`` carry no permission.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from vpcaudit.network.trust import SERVICE_PRINCIPAL_KEY
from vpcaudit.snapshot.resources import VpcEndpoint, decode_policy

if TYPE_CHECKING:
    from vpcaudit.network.view import NetworkView

VERSIONS = frozenset({"2008-10-17", "2012-10-17"})
EFFECTS = frozenset({"Allow", "Deny"})

# Condition keys that tie a statement to an organization, account or principal ("Endpoint policies"
# in docs/network-model.md).
SCOPING_KEYS = frozenset(k.lower() for k in (
    "aws:PrincipalOrgID", "aws:PrincipalOrgPaths", "aws:PrincipalAccount", "aws:PrincipalArn",
    "aws:ResourceOrgID", "aws:ResourceOrgPaths", "aws:ResourceAccount"))

_SERVICE_WILDCARD = re.compile(r"^[a-z0-9-]+:\*$", re.IGNORECASE)
_SET_QUALIFIER = re.compile(r"^(ForAnyValue|ForAllValues):", re.IGNORECASE)


class PolicyError(ValueError):
    """A document that is not valid JSON (after URL-decoding); the message says where."""


def as_list(value: Any) -> list[Any]:
    """IAM accepts a single value or a list for most elements: always get a list."""
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]


def parse(text: str) -> Any:
    """Decode (URL-encoded or not) and parse a policy document; PolicyError when it is not JSON."""
    try:
        return decode_policy(text)
    except ValueError as exc:  # json.JSONDecodeError is a ValueError
        raise PolicyError(f"not valid JSON: {exc}") from None


@dataclass(frozen=True, slots=True)
class Condition:
    """One ``operator: {key: values}`` test of a statement's Condition block."""

    operator: str  # as written, e.g. "StringEquals", "ForAnyValue:StringLike", "NotIpAddressIfExists"
    key: str  # lower-cased: IAM condition keys are case-insensitive
    values: tuple[str, ...]

    @property
    def base_operator(self) -> str:
        """The operator without its set qualifier and ``IfExists`` suffix (``StringEquals``)."""
        return _SET_QUALIFIER.sub("", self.operator).removesuffix("IfExists")

    @property
    def if_exists(self) -> bool:
        return self.operator.endswith("IfExists")

    @property
    def negated(self) -> bool:
        """``StringNotEquals``, ``ArnNotLike``, ``NotIpAddress``…: true when the key is absent."""
        return "Not" in self.base_operator

    @property
    def is_null_check(self) -> bool:
        return self.base_operator == "Null"

    @property
    def for_all_values(self) -> bool:
        """``ForAllValues:…``: true when the key is absent or empty (IAM's set semantics)."""
        return self.operator.lower().startswith("forallvalues:")


@dataclass(frozen=True, slots=True)
class Statement:
    """One statement of a policy, with the questions the rules ask of it."""

    index: int  # 1-based position in the document
    raw: dict[str, Any]

    @property
    def label(self) -> str:
        sid = self.raw.get("Sid")
        return f"statement {sid!r}" if isinstance(sid, str) and sid else f"statement #{self.index}"

    @property
    def effect(self) -> str:
        return str(self.raw.get("Effect", ""))

    @property
    def principal_is_star(self) -> bool:
        """``Principal: "*"`` or ``{"AWS": "*"}`` (string or list): everyone, as IAM spells it."""
        principal = self.raw.get("Principal")
        if as_list(principal) == ["*"]:
            return True
        return isinstance(principal, dict) and "*" in as_list(principal.get("AWS"))

    @property
    def principal_is_everyone(self) -> bool:
        """``Principal: *``, or ``NotPrincipal`` (everyone but a few) — open to every caller."""
        return self.principal_is_star or "NotPrincipal" in self.raw

    @property
    def actions(self) -> tuple[str, ...]:
        return tuple(str(a) for a in as_list(self.raw.get("Action")))

    @property
    def wildcard_actions(self) -> tuple[str, ...]:
        """``*`` and ``svc:*`` actions; an ``Allow`` with ``NotAction`` allows everything else."""
        found = tuple(a for a in self.actions if a == "*" or _SERVICE_WILDCARD.match(a))
        if "NotAction" in self.raw:
            found += ("NotAction",)
        return found

    @property
    def resource_is_wildcard(self) -> bool:
        """``Resource: *``, ``NotResource``, no resource element at all, or an ARN that names every
        resource of its service in every account (``arn:aws:s3:::*``, ``arn:aws:sqs:us-east-1:*:*``):
        all match every resource, other accounts' included."""
        return self.wildcard_resource is not None

    @property
    def wildcard_resource(self) -> str | None:
        """How the statement names every resource (``*``, ``arn:aws:s3:::*``, ``NotResource``), or None."""
        if "NotResource" in self.raw:
            return "NotResource"
        resources = [str(r) for r in as_list(self.raw.get("Resource"))]
        if not resources:
            return "*"
        return next((r for r in resources if r == "*" or _every_resource_of_a_service(r)), None)

    @property
    def conditions(self) -> tuple[Condition, ...]:
        block = self.raw.get("Condition")
        if not isinstance(block, dict):
            return ()
        out = []
        for operator, tests in block.items():
            if not isinstance(tests, dict):
                continue
            for key, values in tests.items():
                out.append(Condition(str(operator), str(key).lower(), tuple(str(v) for v in as_list(values))))
        return tuple(out)

    @property
    def scoping_conditions(self) -> tuple[Condition, ...]:
        """Conditions that confine the statement to an org, account or principal.

        A negated, ``…IfExists`` or ``ForAllValues:`` operator does not confine it (a request
        without the key passes: a principal outside any organization has no org paths), nor does
        a value that is only ``*``. ``Bool aws:PrincipalIsAWSService true`` confines it to AWS
        service principals (:data:`SERVICE_PRINCIPAL_KEY`).
        """
        return tuple(c for c in self.conditions
                     if not c.negated and not c.if_exists and not c.is_null_check and not c.for_all_values
                     and ((c.key in SCOPING_KEYS and any(v.strip("*") for v in c.values))
                          or (c.key == SERVICE_PRINCIPAL_KEY and c.base_operator.lower() == "bool"
                              and bool(c.values) and all(v.lower() == "true" for v in c.values))))

    @property
    def is_full_access(self) -> bool:
        """Exactly ``Allow`` / ``*`` / ``*`` / ``*`` with no condition (``Sid`` aside)."""
        keys = set(self.raw) - {"Sid"}
        principal = self.raw.get("Principal")
        principal_ok = as_list(principal) == ["*"] or (
            isinstance(principal, dict) and set(principal) == {"AWS"} and as_list(principal["AWS"]) == ["*"])
        return (keys == {"Effect", "Principal", "Action", "Resource"} and self.effect == "Allow" and principal_ok
                and as_list(self.raw.get("Action")) == ["*"] and as_list(self.raw.get("Resource")) == ["*"])


@dataclass(frozen=True, slots=True)
class Policy:
    """A parsed policy document (valid JSON; see :func:`problems` for IAM validity)."""

    document: Any

    @classmethod
    def from_text(cls, text: str) -> Policy:
        return cls(parse(text))

    @property
    def statements(self) -> tuple[Statement, ...]:
        if not isinstance(self.document, dict):
            return ()
        return tuple(Statement(i, s) for i, s in enumerate(as_list(self.document.get("Statement")), 1)
                     if isinstance(s, dict))

    def problems(self) -> list[str]:
        """Why this document is not an IAM policy (empty when it is one)."""
        doc = self.document
        if not isinstance(doc, dict):
            return [f"the document is a JSON {type(doc).__name__}, not an object"]
        out: list[str] = []
        version = doc.get("Version")
        if version is not None and version not in VERSIONS:
            out.append(f"Version {version!r} is not 2012-10-17 or 2008-10-17")
        if "Statement" not in doc:
            return [*out, "no Statement element"]
        raw = as_list(doc["Statement"])
        if not raw:
            out.append("Statement is empty")
        for index, item in enumerate(raw, 1):
            if not isinstance(item, dict):
                out.append(f"statement #{index} is a JSON {type(item).__name__}, not an object")
                continue
            out.extend(_statement_problems(Statement(index, item)))
        return out

    def is_full_access(self) -> bool:
        """Every statement (at least one) is the unconditioned full-access ``Allow``."""
        statements = self.statements
        return bool(statements) and not self.problems() and all(s.is_full_access for s in statements)


def _every_resource_of_a_service(arn: str) -> bool:
    """An ARN whose account is any (empty, as S3's are, or ``*``) and whose resource is nothing but
    wildcards (``*``, ``*/*``): "If the * wildcard is the last character of a resource ARN segment,
    it can expand to match beyond the colon boundaries" (IAM, Resource element)."""
    parts = arn.split(":", 5)
    return (len(parts) == 6 and parts[0] == "arn" and parts[4] in ("", "*")
            and parts[5] != "" and not parts[5].strip("*/"))


def _statement_problems(statement: Statement) -> Iterator[str]:
    raw, label = statement.raw, statement.label
    if statement.effect not in EFFECTS:
        yield f"{label} has Effect {raw.get('Effect')!r} (must be Allow or Deny)"
    if "Principal" not in raw and "NotPrincipal" not in raw:
        yield f"{label} has no Principal (endpoint and bucket policies require one)"
    else:
        principal = raw.get("Principal", raw.get("NotPrincipal"))
        if not (as_list(principal) == ["*"] or isinstance(principal, dict)):
            yield f"{label} has Principal {principal!r} (must be \"*\" or an object such as {{\"AWS\": …}})"
    if "Action" not in raw and "NotAction" not in raw:
        yield f"{label} has no Action or NotAction"
    if "Action" in raw and "NotAction" in raw:
        yield f"{label} has both Action and NotAction"
    condition = raw.get("Condition")
    if condition is not None and not (isinstance(condition, dict)
                                      and all(isinstance(v, dict) for v in condition.values())):
        yield f"{label} has a Condition that is not an object of operator → {{key: values}}"


@lru_cache(maxsize=1 << 12)
def is_full_access(text: str | None) -> bool:
    """The full-access policy of docs/network-model.md: no policy, or only the default ``*``/``*``/``*`` statement.

    Cached: most endpoints of an estate carry one of a handful of policy texts."""
    if text is None:
        return True
    try:
        return Policy.from_text(text).is_full_access()
    except PolicyError:
        return False


def problems(text: str) -> list[str]:
    """Why ``text`` is not a usable IAM policy: invalid JSON, or not an IAM policy."""
    return list(_text_problems(text))


@lru_cache(maxsize=1 << 12)
def _text_problems(text: str) -> tuple[str, ...]:
    """:func:`problems`, remembered per text: POL003 and the rules reading judged policies ask of
    every endpoint, and most endpoints of an estate carry one of a handful of policy texts."""
    try:
        return tuple(Policy.from_text(text).problems())
    except PolicyError as exc:
        return (str(exc),)


# Request context keys that exist only on requests through a VPC endpoint (S3 and others).
VPC_CONTEXT_KEYS = frozenset({"aws:sourcevpce", "aws:sourcevpc", "aws:vpcsourceip"})
SOURCE_IP = "aws:sourceip"


def source_ip_hazard(statement: Statement) -> str | None:
    """How a statement treats a request that has no ``aws:SourceIp`` — every request through a VPC endpoint.

    ``"allow-never-matches"``: an ``Allow`` whose ``IpAddress aws:SourceIp`` test is false when the
    key is absent, so it never grants endpoint traffic. ``"deny-always-matches"``: a ``Deny`` whose
    ``NotIpAddress aws:SourceIp`` test is true when the key is absent (IAM: negated operators match
    a missing key), so it denies all endpoint traffic — unless the same statement also tests a
    VPC-only key (``aws:SourceVpce``…) or requires ``aws:SourceIp`` to exist (``Null: false``),
    which exempts endpoint traffic. ``None``: no such hazard.
    """
    tests = [c for c in statement.conditions if c.key == SOURCE_IP and c.base_operator.endswith("IpAddress")]
    if statement.effect == "Allow" and any(not c.negated and not c.if_exists for c in tests):
        return "allow-never-matches"
    if statement.effect == "Deny" and any(c.negated for c in tests):
        exempt = any(c.key in VPC_CONTEXT_KEYS for c in statement.conditions) or any(
            c.is_null_check and c.key == SOURCE_IP and c.values == ("false",) for c in statement.conditions)
        return None if exempt else "deny-always-matches"
    return None


def grants_vpc_traffic(statement: Statement) -> bool:
    """An ``Allow`` that grants by a VPC-only key (``aws:SourceVpce``, ``aws:SourceVpc``, ``aws:VpcSourceIp``)."""
    return statement.effect == "Allow" and any(
        c.key in VPC_CONTEXT_KEYS and not c.negated and not c.is_null_check for c in statement.conditions)


# Endpoint types whose AWS-service endpoints carry endpoint policies (POL001/POL002 scope).
POLICY_ENDPOINT_TYPES = frozenset({"Gateway", "Interface"})


def policy_scope(view: NetworkView, endpoint: VpcEndpoint) -> tuple[bool, str]:
    """Whether POL001/POL002 judge ``endpoint``: (judge, why not evaluated).

    ``(True, "")``: an AWS-service gateway or interface endpoint whose service supports policies.
    ``(False, "")``: out of scope — PrivateLink, GWLB, Resource or ServiceNetwork endpoints (AWS
    allows full access there by design), ended endpoints, services without policy support.
    ``(False, reason)``: in scope but the service's details were not collected, so policy support
    is unknown: not evaluated.
    """
    if endpoint.endpoint_type not in POLICY_ENDPOINT_TYPES or view.endpoint_ended(endpoint):
        return False, ""
    if not view.is_aws_service_endpoint(endpoint):
        return False, ""
    info = view.service(endpoint)
    if not info.details_known:
        return False, (f"details of service {endpoint.service_name} were not collected "
                       "(DescribeVpcEndpointServices), so its endpoint-policy support is unknown")
    return bool(info.policy_supported), ""


def judged_policies(view: NetworkView) -> Iterator[tuple[VpcEndpoint, Policy]]:
    """Endpoints whose policy POL001/POL002 judge and whose document is a well-formed IAM policy,
    with it parsed, in endpoint-id order: what the rules on a policy's *content* read (POL001
    reports the endpoints it cannot judge, POL003 the documents that are not policies).

    Parsed and validated once per view: POL002, POL005, POL006 and POL007 each read them all."""
    return iter(view.memo(_judged_policies))


def _judged_policies(view: NetworkView) -> tuple[tuple[VpcEndpoint, Policy], ...]:
    judged_here: list[tuple[VpcEndpoint, Policy]] = []
    for endpoint in sorted(view.endpoints.values(), key=lambda e: e.vpc_endpoint_id):
        judged, _ = policy_scope(view, endpoint)
        if not judged or endpoint.policy_document is None or _text_problems(endpoint.policy_document):
            continue  # not JSON, or not an IAM policy
        judged_here.append((endpoint, Policy.from_text(endpoint.policy_document)))  # a document of its own
    return tuple(judged_here)
