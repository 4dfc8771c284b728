"""Which credentials write each account's findings: the base credentials' account, and assumed roles.

Security Hub takes findings for an account's default product only from that account, so a
many-account result is published through one role per account, as it was collected. Every
role is assumed, and the base account identified, before anything is written: a publish that
cannot reach one of its accounts stops with one line instead of writing half of the result.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from vpcaudit.aws import accounts as roles
from vpcaudit.aws.clients import ClientFactory
from vpcaudit.aws.errors import Gap
from vpcaudit.collectors.account import caller_account, home_region
from vpcaudit.errors import CredentialsError
from vpcaudit.writers.base import WriterClients

if TYPE_CHECKING:
    import boto3


def account_writers(session: boto3.session.Session, plan: roles.AccountPlan, allow: frozenset[str], *,
                    region: str | None = None, endpoint_url: str | None = None) -> dict[str, WriterClients]:
    """Account id → writer clients: the base account (without roles, or with ``include_base``)
    and each role's account. CredentialsError when the base credentials or a role cannot be used."""
    reader = ClientFactory(session, operations=roles.ROLE_CLIENT_OPERATIONS, endpoint_url=endpoint_url)
    home = home_region(reader, region or session.region_name)
    base_id = caller_account(reader, home)
    writers: dict[str, WriterClients] = {}
    if plan.include_base or not plan.roles:  # without roles, the base account is the only one
        writers[base_id] = WriterClients(session, allow, endpoint_url=endpoint_url)
    loader = roles.model_loader()
    for role in plan.roles:
        assumed = roles.assume(reader, home, role, plan.session_name, session, loader)
        if isinstance(assumed, Gap):
            raise CredentialsError(f"cannot publish through {role.arn}: {assumed.message}")
        writers[role.account_id] = WriterClients(assumed, allow, endpoint_url=endpoint_url)
    return writers
