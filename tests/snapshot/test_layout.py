"""Finding the accounts of a snapshot file by its layout (vpcaudit.snapshot.layout): every account
of a file vpcaudit wrote, read on its own, is the account the whole file holds; any other layout
is left to the plain reader."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest
import synthetic

from vpcaudit import api
from vpcaudit.snapshot import layout
from vpcaudit.snapshot.layout import AccountText, snapshot_file
from vpcaudit.snapshot.model import AccountSnapshot, SkippedAccount, Snapshot
from vpcaudit.snapshot.resources import Tag
from vpcaudit.snapshot.stream import AccountReader


def _written(tmp_path: Path, snapshot: Snapshot, name: str = "snapshot.json") -> Path:
    path = tmp_path / name
    api.write_reports(snapshot, [api.Target("json", path)])
    return path


@pytest.fixture(scope="module")
def estate() -> Snapshot:
    """Six accounts, a hostile non-ASCII tag in one (the file is UTF-8: bytes are not characters),
    and accounts left out of the organization (a list after ``accounts`` that closes alike)."""
    base = synthetic.estate(accounts=6, regions=2, vpcs=2, seed=4)
    account = base.accounts[2]
    region = account.regions[0]
    vpc = dataclasses.replace(region.vpcs[0], tags=(Tag("Name", "prod-\u202eevil \u00e9t\u00e9 \u6f22\u5b57"),))
    tagged = dataclasses.replace(account, regions=(dataclasses.replace(region, vpcs=(vpc, *region.vpcs[1:])),
                                                   *account.regions[1:]))
    return dataclasses.replace(base, accounts=(*base.accounts[:2], tagged, *base.accounts[3:]),
                               skipped_accounts=(SkippedAccount("999999999999", "gone", "SUSPENDED"),))


@pytest.mark.parametrize("shards", [1, 2, 3, 6, 9])
def test_every_account_is_found_and_reads_as_the_whole_file_holds_it(tmp_path: Path, estate: Snapshot,
                                                                     shards: int) -> None:
    path = _written(tmp_path, estate)
    whole = api.load_snapshot(path)
    opened = snapshot_file(path)
    assert opened is not None
    try:
        starts = opened.shard_starts(shards)
        assert len(starts) == min(shards, len(whole.accounts)) and starts == sorted(set(starts))
        reader = AccountReader()
        read = [pair for start, stop in zip(starts, [*starts[1:], opened.end], strict=True)
                for pair in opened.read_run(start, stop, reader)]
        texts = [t for t, _ in read]
        assert [a for _, a in read] == list(whole.accounts)
        assert [opened.read(t, reader) for t in texts] == list(whole.accounts)  # each on its own
        assert [t.account_id for t in texts] == [a.account_id for a in whole.accounts]
        raw = path.read_bytes()
        assert all(raw[t.start:t.start + 1] == b"{" and raw[t.end - 1:t.end] == b"}" for t in texts)
        assert dataclasses.replace(whole, accounts=()) == opened.header
    finally:
        opened.close()


def test_shards_are_about_equal_in_bytes(tmp_path: Path) -> None:
    opened = snapshot_file(_written(tmp_path, synthetic.estate(accounts=20, regions=2, vpcs=1, seed=2)))
    assert opened is not None
    starts = opened.shard_starts(4)
    sizes = [b - a for a, b in zip(starts, [*starts[1:], opened.end], strict=True)]
    assert len(sizes) == 4 and max(sizes) < 1.5 * min(sizes)
    opened.close()


@pytest.mark.parametrize("rewrite", [
    lambda text: json.dumps(json.loads(text), indent=2, sort_keys=True),  # another indent
    lambda text: json.dumps(json.loads(text)),  # no line breaks at all
    lambda text: json.dumps({**json.loads(text), "accounts": []}, indent=1, sort_keys=True),  # no account
    lambda text: text[:len(text) // 2],  # cut off
    lambda text: json.dumps({"findings": [], "scopes": []}, indent=1),  # another document
    lambda text: text.replace('"schema_version": "1.', '"schema_version": "9.'),  # a schema this build cannot read
    lambda text: "",
], ids=["indent-2", "compact", "no-accounts", "truncated", "result-file", "schema-9", "empty"])
def test_any_other_layout_is_left_to_the_plain_reader(tmp_path: Path, estate: Snapshot, rewrite: object) -> None:
    path = _written(tmp_path, estate)
    path.write_text(rewrite(path.read_text()))  # type: ignore[operator]
    assert snapshot_file(path) is None
    assert snapshot_file(tmp_path / "missing.json") is None


def test_searches_find_patterns_cut_by_the_end_of_what_they_read(tmp_path: Path, estate: Snapshot,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    """The file is searched a window at a time: a boundary cut by a window's end is still found."""
    path = _written(tmp_path, estate)

    def everything() -> tuple[list[int], list[tuple[AccountText, AccountSnapshot]]]:
        opened = snapshot_file(path)
        assert opened is not None
        starts = opened.shard_starts(3)
        reader = AccountReader()
        read = [pair for start, stop in zip(starts, [*starts[1:], opened.end], strict=True)
                for pair in opened.read_run(start, stop, reader)]
        opened.close()
        return starts, read

    wide = everything()
    sizes = [t.end - t.start for t, _ in wide[1]]
    # windows cutting patterns, smaller than any account, and holding a few accounts each
    for window in (40, 97, 1000, min(sizes) - 1, max(sizes) + 7, 3 * max(sizes)):
        monkeypatch.setattr(layout, "WINDOW", window)
        monkeypatch.setattr(layout, "RUN_WINDOW", window)
        assert everything() == wide, window
