"""The trusted boundary: which organizations and accounts a policy's scoping condition may name.

POL002 asks whether an ``Allow … Principal: *`` statement is confined by a scoping condition
(``aws:PrincipalOrgID``, ``aws:PrincipalAccount``, ``aws:PrincipalArn`` …). Without a boundary,
any concrete value confines it. With one, a condition confines the statement only when every
value it accepts lies inside the boundary: ``aws:PrincipalOrgID = o-someoneelse`` lets another
organization's principals in, and a wildcard in an organization or account id lets anyone in —
IAM documents those keys as sensitive, with no valid use for wildcards.

Each key names the boundary in its own way:

* ``aws:PrincipalOrgID`` / ``aws:ResourceOrgID``: an organization id (``o-…``);
* ``aws:PrincipalOrgPaths`` / ``aws:ResourceOrgPaths``: an entity path whose first segment is
  the organization id (``o-…/r-…/ou-…/*``): the rest may be a wildcard, the organization may not;
* ``aws:PrincipalAccount`` / ``aws:ResourceAccount``: a 12-digit account id;
* ``aws:PrincipalArn``: an ARN whose fifth field is the account id (the role or user name after
  it may be a wildcard);
* ``aws:PrincipalIsAWSService`` tested ``Bool`` true: AWS service principals, inside any boundary.

The account that owns the endpoint is always inside: its principals already use its network.
Organization membership of an account is not collected, so an account id counts only when it
is listed (or is the endpoint owner's), and an organization only when it is listed.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

ORG_ID_KEYS = frozenset({"aws:principalorgid", "aws:resourceorgid"})
ORG_PATH_KEYS = frozenset({"aws:principalorgpaths", "aws:resourceorgpaths"})
ACCOUNT_KEYS = frozenset({"aws:principalaccount", "aws:resourceaccount"})
ARN_KEYS = frozenset({"aws:principalarn"})
# ``Bool aws:PrincipalIsAWSService true`` confines a statement to AWS service principals acting
# directly: IAM sets the key true only for them, false for any IAM principal's credentials (a
# service role's included), and anonymous requests do not carry it -- so no credentials brought
# into the VPC satisfy it. AWS's data perimeter policies grant services this way ("safely granting
# access to AWS services", IAM global condition context keys).
SERVICE_PRINCIPAL_KEY = "aws:principalisawsservice"

# Condition keys are case-insensitive; findings spell them as IAM's documentation does.
KEY_SPELLING = {k.lower(): k for k in (
    "aws:PrincipalOrgID", "aws:PrincipalOrgPaths", "aws:PrincipalAccount", "aws:PrincipalArn",
    "aws:ResourceOrgID", "aws:ResourceOrgPaths", "aws:ResourceAccount", "aws:PrincipalIsAWSService")}

_WILDCARDS = ("*", "?", "${")  # glob characters, and policy variables (resolved per request)


@dataclass(frozen=True, slots=True)
class TrustBoundary:
    """Trusted organization ids and account ids; both empty means "any concrete value scopes"."""

    org_ids: frozenset[str] = frozenset()
    account_ids: frozenset[str] = frozenset()

    @classmethod
    def of(cls, org_ids: Iterable[str] = (), account_ids: Iterable[str] = ()) -> TrustBoundary:
        return cls(frozenset(o.strip() for o in org_ids if o.strip()),
                   frozenset(a.strip() for a in account_ids if a.strip()))

    @property
    def configured(self) -> bool:
        return bool(self.org_ids or self.account_ids)

    def describe(self) -> str:
        """'organizations o-a, o-b; accounts 111…' — what the boundary holds, for findings."""
        parts = []
        if self.org_ids:
            parts.append(f"organizations {', '.join(sorted(self.org_ids))}")
        if self.account_ids:
            parts.append(f"accounts {', '.join(sorted(self.account_ids))}")
        return "; ".join(parts) or "nothing"

    def foreign(self, key: str, values: Iterable[str], owner_account: str) -> tuple[str, ...]:
        """The values of a scoping condition on ``key`` that reach beyond the boundary.

        Empty when the boundary is not configured (any concrete value scopes) or every value is
        inside it. ``owner_account`` (the endpoint's owner) is always trusted.
        """
        if not self.configured:
            return ()
        return tuple(v for v in values if not self._within(key.lower(), v, owner_account))

    def _within(self, key: str, value: str, owner_account: str) -> bool:
        if key == SERVICE_PRINCIPAL_KEY:
            return True  # AWS service principals: no credentials from beyond any boundary
        if key in ORG_ID_KEYS:
            return _literal(value) and value in self.org_ids
        if key in ORG_PATH_KEYS:
            org = value.split("/", 1)[0]
            return _literal(org) and org in self.org_ids
        if key in ACCOUNT_KEYS:
            return _literal(value) and value in self.account_ids | {owner_account}
        if key in ARN_KEYS:
            fields = value.split(":")
            account = fields[4] if len(fields) > 5 and fields[0] == "arn" else ""
            return bool(account) and _literal(account) and account in self.account_ids | {owner_account}
        return False


def _literal(value: str) -> bool:
    return bool(value) and not any(w in value for w in _WILDCARDS)
