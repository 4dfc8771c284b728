"""Resources of a VPC shared through AWS RAM by another account (docs/network-model.md).

A participant account sees the owner's subnets, but not their route tables, NACLs or
endpoints: those inputs are the owner's. A rule needing them reports the resource as *not
evaluated* in the participant's scope — unless the owner account is part of the same scan, in
which case the owner's scope judges the resource with the owner's inputs and a second,
empty-handed verdict here would only add noise.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from vpcaudit.engine.context import RuleContext
    from vpcaudit.engine.rule import Finding, ResourceRef


def owned_elsewhere(ctx: RuleContext, owner_id: str | None) -> bool:
    """Does another account own this subnet or VPC (``OwnerId`` set and not the scanned account)?"""
    return bool(owner_id) and owner_id != ctx.account.account_id


def not_judged_here(ctx: RuleContext, ref: ResourceRef, owner_id: str, inputs: str) -> Iterator[Finding]:
    """Not evaluated here, unless the owner's scope in this scan judges ``ref`` instead.

    ``inputs`` names what only the owner sees, e.g. "its route tables".
    """
    if not ctx.snapshot.has_account(owner_id):
        yield ctx.not_evaluated(ref, f"{ref.resource_id} belongs to a VPC shared by account {owner_id}, which is "
                                     f"not in this scan: {inputs} are that account's")
