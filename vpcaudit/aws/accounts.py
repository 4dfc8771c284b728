"""Many accounts: which IAM roles to collect through, and assuming them.

Why roles: an organisation's audit runs from one place (a CI runner, cron, a Lambda) with one
set of base credentials, and reaches every other account through a read-only role there,
exactly as AWS recommends for cross-account access. ``sts:AssumeRole`` is the only operation
vpcaudit calls that is not a Describe/List/Get; it mints temporary credentials and changes
nothing in the target account, so the read-only guard allows it — on the one client this module
uses, never on the clients collectors get (:data:`vpcaudit.aws.guard.ROLE_ASSUMPTION`).

A role that cannot be assumed (access denied, no such role, external id mismatch) must not
sink the other accounts' audit: it becomes a :class:`Gap` that the collection records on every
part of that account, with the role ARN in the message, so the audit says *not evaluated*
there instead of passing, and as the account's :class:`~vpcaudit.snapshot.model.RoleAccess`,
so every face can name the refused account without reading messages. Only unusable base
credentials stop the run (:class:`~vpcaudit.errors.CredentialsError`).

The accounts file is plain text, one role ARN per line; ``#`` starts a comment, blank lines are
ignored. ``--external-id`` and ``--role-session-name`` apply to every role.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import boto3
import botocore.session
from botocore.exceptions import BotoCoreError, ClientError
from botocore.parsers import ResponseParserError

from vpcaudit.aws.errors import Gap, classify, credentials_problem
from vpcaudit.aws.organization import OPERATIONS as ORGANIZATION_OPERATIONS
from vpcaudit.aws.organization import Discovery
from vpcaudit.errors import CredentialsError, UsageError
from vpcaudit.snapshot.model import State

if TYPE_CHECKING:
    from vpcaudit.aws.clients import ClientFactory

ASSUME_ROLE = "sts:AssumeRole"
# The one client that may assume roles: it identifies the base credentials, lists the organization's
# accounts (discovery) and assumes the roles; nothing else.
ROLE_CLIENT_OPERATIONS = frozenset({"sts:GetCallerIdentity", ASSUME_ROLE, *ORGANIZATION_OPERATIONS})
DEFAULT_SESSION_NAME = "vpcaudit"
# IAM's documented shapes: a role ARN (partition, 12-digit account, optional path), the
# RoleSessionName (2-64 of [\w+=,.@-]) and the ExternalId (2-1224 of [\w+=,.@:/-]).
_ROLE_ARN = re.compile(r"arn:(aws[a-z-]*):iam::(\d{12}):role/[\w+=,.@/-]{1,512}")
_SESSION_NAME = re.compile(r"[\w+=,.@-]{2,64}")
_EXTERNAL_ID = re.compile(r"[\w+=,.@:/-]{2,1224}")


@dataclass(frozen=True)
class Role:
    """One account to collect through ``arn``."""

    arn: str
    external_id: str | None = None

    @property
    def account_id(self) -> str:
        """The 12-digit account the role lives in (the ARN was validated on creation)."""
        return self.arn.split(":")[4]


@dataclass(frozen=True)
class AccountPlan:
    """Which accounts a collection covers.

    No roles: only the base credentials' own account, as a single-account collection does.
    With roles: each role's account, plus the base account only when ``include_base``. With a
    ``discovery``, the roles are the organization's accounts, found when collecting starts
    (:func:`vpcaudit.aws.organization.discover`), each assumed with ``external_id``.
    """

    roles: tuple[Role, ...] = ()
    include_base: bool = False
    session_name: str = DEFAULT_SESSION_NAME
    discovery: Discovery | None = None
    external_id: str | None = None


def read_accounts_file(path: str | Path) -> list[str]:
    """Role ARNs of an accounts file: one per line, ``#`` comments and blank lines skipped."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise UsageError(f"{path}: cannot read: {reason}", "accounts_file") from None
    arns = []
    for number, line in enumerate(text.splitlines(), start=1):
        value = line.split("#", 1)[0].strip()
        if not value:
            continue
        if not _ROLE_ARN.fullmatch(value):
            raise UsageError(f"{path} line {number}: not an IAM role ARN: {value!r} "
                             "(expected arn:aws:iam::123456789012:role/NAME)", "accounts_file")
        arns.append(value)
    return arns


def plan_accounts(role_arns: Sequence[str] = (), accounts_file: str | Path | None = None, *,
                  external_id: str | None = None, session_name: str = DEFAULT_SESSION_NAME,
                  include_base: bool = False, discovery: Discovery | None = None) -> AccountPlan:
    """The accounts of the ``role_arns`` and ``accounts_file`` settings, or of an organization's
    ``discovery``; UsageError on malformed input, before any AWS call."""
    if discovery is not None and (role_arns or accounts_file):
        raise UsageError("the organization's accounts are found and their role ARNs built from role_name: give "
                         "role ARNs, or the organization", "role_arns" if role_arns else "accounts_file")
    bad = [arn for arn in role_arns if not _ROLE_ARN.fullmatch(arn)]
    if bad:
        raise UsageError(f"not an IAM role ARN: {bad[0]!r} (expected arn:aws:iam::123456789012:role/NAME)",
                         "role_arns")
    arns = list(dict.fromkeys([*role_arns, *(read_accounts_file(accounts_file) if accounts_file else ())]))
    if accounts_file is not None and not arns:
        raise UsageError(f"{accounts_file}: no role ARN in the file", "accounts_file")
    if external_id is not None and not arns and discovery is None:
        raise UsageError("it is passed to sts:AssumeRole, so it needs role ARNs (role_arns or accounts_file) or "
                         "the organization's accounts (org or ous)", "external_id")
    if external_id is not None and not _EXTERNAL_ID.fullmatch(external_id):
        raise UsageError("2 to 1224 characters of letters, digits and +=,.@:/-", "external_id")
    if not _SESSION_NAME.fullmatch(session_name):
        raise UsageError(f"{session_name!r}: 2 to 64 characters of letters, digits and +=,.@-",
                         "role_session_name")
    roles = tuple(Role(arn, external_id) for arn in arns)
    seen: dict[str, str] = {}
    for role in roles:
        if role.account_id in seen:
            raise UsageError(f"two roles in account {role.account_id} ({seen[role.account_id]}, {role.arn}): "
                             "keep one, each account is collected once", "role_arns")
        seen[role.account_id] = role.arn
    return AccountPlan(roles, include_base, session_name, discovery, external_id)


def model_loader() -> Any:
    """A botocore data loader to share between the assumed-role sessions of one collection.

    Each new session would otherwise parse the service models again: about 0.4 s of CPU for
    EC2's alone, paid once per account and serialised by the GIL however many accounts run at
    once. A loader caches what it has parsed, so sharing one pays it once.
    """
    return botocore.session.Session().get_component("data_loader")


def assume(factory: ClientFactory, home: str, role: Role, session_name: str,
           base: boto3.session.Session, loader: Any) -> boto3.session.Session | Gap:
    """A session on ``role``'s temporary credentials, or the Gap that records why there is none.

    ``factory`` must allow :data:`ASSUME_ROLE`; ``loader`` comes from :func:`model_loader`. The
    credentials last AssumeRole's default hour, which is ample for one account's collection:
    each role is assumed right before its account is collected. Raises CredentialsError when
    the base credentials themselves are unusable.
    """
    params = {"RoleArn": role.arn, "RoleSessionName": session_name}
    if role.external_id is not None:
        params["ExternalId"] = role.external_id
    try:
        answer = factory.client("sts", home).assume_role(**params)
    except (ClientError, BotoCoreError, ResponseParserError) as exc:
        problem = credentials_problem(exc)
        if problem:
            raise CredentialsError(problem) from None
        reason = classify(exc, ASSUME_ROLE)
        # Throttled stays throttled (worth retrying later); anything else means the role is unusable.
        state = State.THROTTLED if reason.state is State.THROTTLED else State.DENIED
        return role_gap(role, reason.message, reason.error_code, state)
    credentials = answer["Credentials"]
    core = botocore.session.Session()
    core.register_component("data_loader", loader)
    return boto3.session.Session(aws_access_key_id=credentials["AccessKeyId"],
                                 aws_secret_access_key=credentials["SecretAccessKey"],
                                 aws_session_token=credentials["SessionToken"], region_name=base.region_name,
                                 botocore_session=core)


def role_gap(role: Role, reason: str, code: str | None, state: State = State.DENIED) -> Gap:
    """The gap recorded on every part of an account that could not be collected through ``role``."""
    return Gap(state, code, f"role {role.arn}: {reason}")
