"""A shard's snapshot (vpcaudit.snapshot.shard.ShardSnapshot): its own accounts at hand, any other
read on first use and the last few kept, membership known without reading."""

from __future__ import annotations

import synthetic

from vpcaudit.snapshot.model import AccountSnapshot
from vpcaudit.snapshot.shard import ACCOUNT_REGIONS, ShardSnapshot


def test_accounts_held_elsewhere_are_read_once_while_recent() -> None:
    whole = synthetic.estate(accounts=12, regions=1, vpcs=1, seed=6)
    own, elsewhere = whole.accounts[:2], whole.accounts[2:]
    reads: list[str] = []
    by_id = {a.account_id: a for a in elsewhere}

    def read(account_id: str) -> AccountSnapshot:
        reads.append(account_id)
        return by_id[account_id]

    shard = ShardSnapshot(whole, own, {"account_regions": (ACCOUNT_REGIONS.part(whole.accounts),)},
                          frozenset(by_id), read)
    assert shard.accounts == own and ACCOUNT_REGIONS(shard) == ACCOUNT_REGIONS(whole)
    assert all(shard.has_account(a.account_id) for a in whole.accounts) and reads == []
    assert shard.account(own[0].account_id) is own[0] and shard.account("000000000000") is None
    first = elsewhere[0].account_id
    assert shard.account(first) is by_id[first] and shard.account(first) is by_id[first]
    assert reads == [first]  # read once while among the recent
    for account in elsewhere[1:]:  # ten more than the eight kept
        shard.account(account.account_id)
    shard.account(first)
    assert reads.count(first) == 2 and len(reads) == len(elsewhere) + 1
