"""Every account of an AWS Organization, or of some of its OUs: which accounts to collect, through which role.

Why discovery rather than a list of role ARNs: an organization adds and closes accounts every
week, and a scheduled audit that reads a hand-kept list silently stops covering the new ones.
``organizations:ListAccounts`` (from the management account or a delegated administrator)
names every member; ``--ou`` limits that to organizational units and every OU below them. The
role to assume is the same name in each account (deployed by a StackSet), so its ARN is built
per account in the partition of the credentials.

Only ACTIVE accounts can be read. A suspended, pending-closure, closed or still-activating
account is *skipped and listed*, never dropped silently, so a report tells "not in scope" from
"not looked at". Account ``State`` is read where AWS returns it, else the older ``Status``
(which AWS retires in September 2026).

The calls are read-only ``List*`` operations made through the guarded client factory, declared
in :data:`OPERATIONS` so ``vpcaudit iam-policy --discovery`` prints exactly what they need.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from botocore.exceptions import BotoCoreError, ClientError

from vpcaudit.aws.errors import cannot_start, classify, credentials_problem
from vpcaudit.aws.paging import items
from vpcaudit.errors import CredentialsError, UsageError
from vpcaudit.snapshot.model import SkippedAccount, State

if TYPE_CHECKING:
    from vpcaudit.aws.clients import ClientFactory

OPERATIONS = (
    "organizations:ListAccounts",
    "organizations:ListAccountsForParent",
    "organizations:ListOrganizationalUnitsForParent",
)
ACTIVE = "ACTIVE"
# Organizations' documented shapes: a root (r-…) or an OU (ou-<root>-<suffix>) id, an account id,
# and an IAM role name with an optional path (path segments and the name: [\w+=,.@-]).
_PARENT_ID = re.compile(r"(r-[0-9a-z]{4,32})|(ou-[0-9a-z]{4,32}-[a-z0-9]{8,32})")
_ACCOUNT_ID = re.compile(r"\d{12}")
_ROLE_NAME = re.compile(r"([\w+=,.@-]+/)*[\w+=,.@-]{1,64}")


@dataclass(frozen=True)
class Discovery:
    """Which accounts of the organization to collect (validated; resolved by :func:`discover`)."""

    role_name: str
    ous: tuple[str, ...] = ()  # empty: the whole organization
    exclude: frozenset[str] = frozenset()

    def role_arn(self, partition: str, account_id: str) -> str:
        return f"arn:{partition}:iam::{account_id}:role/{self.role_name}"


@dataclass(frozen=True)
class Member:
    """One account to collect: its id, name and the role to assume there."""

    account_id: str
    name: str
    role_arn: str


@dataclass(frozen=True)
class Discovered:
    members: tuple[Member, ...]
    skipped: tuple[SkippedAccount, ...]  # not ACTIVE, and why
    excluded: tuple[str, ...]  # named by ``exclude`` and found in the organization


def plan_discovery(org: bool, ous: Iterable[str], exclude: Iterable[str], role_name: str | None) -> Discovery | None:
    """The discovery the settings ask for (None: none), or a UsageError before any AWS call."""
    ous, exclude = tuple(dict.fromkeys(ous)), frozenset(exclude)
    if not org and not ous:
        if exclude:
            raise UsageError("excludes accounts from the organization's, so it needs org or ous", "exclude_accounts")
        if role_name:
            raise UsageError("names the role in each account of the organization, so it needs org or ous",
                             "role_name")
        return None
    if org and ous:
        raise UsageError("org already covers every OU: give org, or the OUs", "ous")
    bad_ou = next((ou for ou in ous if not _PARENT_ID.fullmatch(ou)), None)
    if bad_ou is not None:
        raise UsageError(f"not an organizational unit or root id: {bad_ou!r} (expected ou-abcd-12345678 or r-abcd)",
                         "ous")
    bad_account = next((a for a in sorted(exclude) if not _ACCOUNT_ID.fullmatch(a)), None)
    if bad_account is not None:
        raise UsageError(f"not a 12-digit account id: {bad_account!r}", "exclude_accounts")
    if not role_name:
        raise UsageError("the role to assume in every account of the organization is needed (e.g. vpcaudit-member)",
                         "role_name")
    if not _ROLE_NAME.fullmatch(role_name) or role_name.startswith("/") or role_name.endswith("/"):
        raise UsageError(f"not an IAM role name: {role_name!r} (letters, digits and +=,.@-, optionally a path "
                         "like audit/vpcaudit)", "role_name")
    return Discovery(role_name, ous, exclude)


def account_state(account: dict[str, Any]) -> str:
    """The account's lifecycle state: ``State`` where AWS returns it, else the retiring ``Status``."""
    return str(account.get("State") or account.get("Status") or "UNKNOWN")


def discover(factory: ClientFactory, home: str, discovery: Discovery) -> Discovered:
    """The accounts ``discovery`` covers, read from Organizations in ``home``.

    Raises CredentialsError for unusable credentials, ThrottledError when Organizations throttled
    the listing past retries, and CollectionError when the organization cannot be listed (not the
    management or a delegated-administrator account, an OU that does not exist): without the
    list there is nothing to audit.
    """
    client = factory.client("organizations", home)
    try:
        listed = list(_accounts(client, discovery.ous))
    except (ClientError, BotoCoreError) as exc:
        problem = credentials_problem(exc)
        if problem:
            raise CredentialsError(problem) from None
        gap = classify(exc, _operation_of(exc))
        hint = " (run from the management account or a delegated administrator)" if gap.state is State.DENIED else ""
        raise cannot_start(gap, f"cannot list the organization's accounts: {gap.message}{hint}",
                           "ous" if discovery.ous else "org") from None
    partition = factory.partition(home)
    members, skipped, excluded = [], [], []
    for account in sorted({a["Id"]: a for a in listed}.values(), key=lambda a: a["Id"]):
        account_id, name, state = account["Id"], str(account.get("Name") or ""), account_state(account)
        if account_id in discovery.exclude:
            excluded.append(account_id)
        elif state != ACTIVE:
            skipped.append(SkippedAccount(account_id, name, state))
        else:
            members.append(Member(account_id, name, discovery.role_arn(partition, account_id)))
    return Discovered(tuple(members), tuple(skipped), tuple(excluded))


def _accounts(client: Any, ous: tuple[str, ...]) -> Iterator[dict[str, Any]]:
    """Every account of the organization, or of ``ous`` and all the OUs below them."""
    if not ous:
        yield from items(client, "ListAccounts", "Accounts")
        return
    todo, seen = list(ous), set()
    while todo:
        parent = todo.pop()
        if parent in seen:
            continue
        seen.add(parent)
        yield from items(client, "ListAccountsForParent", "Accounts", ParentId=parent)
        todo.extend(ou["Id"] for ou in items(client, "ListOrganizationalUnitsForParent", "OrganizationalUnits",
                                             ParentId=parent))


def _operation_of(exc: BaseException) -> str:
    name = exc.operation_name if isinstance(exc, ClientError) else ""
    return next((op for op in OPERATIONS if op.endswith(":" + name)), "organizations:ListAccounts")
