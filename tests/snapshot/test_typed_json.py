"""Accounts decoded by msgspec (vpcaudit.snapshot.typed_json) are the accounts the reader's own way
decodes: every record type of every published layout, hostile text, and every value the records'
types refuse — refused alike, so a file one way rejects is never read by the other."""

from __future__ import annotations

import copy
import dataclasses
import importlib
import json
import pkgutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import layouts
import pytest
import synthetic

from vpcaudit.snapshot import typed_json
from vpcaudit.snapshot.codec import to_jsonable
from vpcaudit.snapshot.jsonfile import from_json, load, save
from vpcaudit.snapshot.layout import snapshot_file
from vpcaudit.snapshot.model import AccountSnapshot, Snapshot
from vpcaudit.snapshot.resources import Tag
from vpcaudit.snapshot.stream import AccountReader, Unreadable

pytestmark = pytest.mark.skipif(typed_json.msgspec is None, reason="msgspec is not installed")


def _plain_reader(monkeypatch: pytest.MonkeyPatch) -> AccountReader:
    """A reader as the Lambda package has it: without msgspec."""
    with monkeypatch.context() as patch:
        patch.setattr(typed_json, "msgspec", None)
        reader = AccountReader()
    assert reader._typed is None
    return reader


def _text(account: AccountSnapshot) -> str:
    return json.dumps(to_jsonable(account), indent=1, sort_keys=True, ensure_ascii=False)


def _layout_snapshots() -> Iterator[tuple[str, Snapshot]]:
    for module in pkgutil.iter_modules(layouts.__path__):
        build = getattr(importlib.import_module(f"layouts.{module.name}"), "build", None)
        if build is None:  # a helper shared by layouts
            continue
        built = build()
        found = [x for x in (built if isinstance(built, tuple) else (built,)) if isinstance(x, Snapshot)]
        yield from ((module.name, snapshot) for snapshot in found)


def _hostile() -> Snapshot:
    base = synthetic.estate(accounts=2, regions=2, vpcs=2, seed=5)
    account = base.accounts[0]
    region = account.regions[0]
    vpc = dataclasses.replace(region.vpcs[0], tags=(
        Tag("Name", "prod-\u202eevil \u00e9t\u00e9 \u6f22\u5b57 \U0001f600 \"quoted\" \\ \n\t\x00"),))
    return dataclasses.replace(base, accounts=(dataclasses.replace(account, regions=(
        dataclasses.replace(region, vpcs=(vpc, *region.vpcs[1:])), *account.regions[1:])), *base.accounts[1:]))


def test_every_layouts_accounts_decode_alike(monkeypatch: pytest.MonkeyPatch) -> None:
    typed, plain = AccountReader(), _plain_reader(monkeypatch)
    assert typed._typed is not None
    read = 0
    for name, snapshot in [*_layout_snapshots(), ("hostile", _hostile())]:
        for account in snapshot.accounts:
            text = _text(account)
            got = typed.read(text.encode("utf-8"))
            assert got == plain.read(text) == account, name
            assert typed.read(text) == account, name  # text as str too
            read += 1
    assert read > 170


def test_equal_catalogues_are_kept_once() -> None:
    estate = synthetic.estate(accounts=3, regions=2, vpcs=1, seed=2)
    reader = AccountReader()
    first, second = (reader.read(_text(a).encode()) for a in estate.accounts[:2])
    for one, other in zip(first.regions, second.regions, strict=True):
        assert one.endpoint_services == other.endpoint_services and one.endpoint_services is other.endpoint_services
        assert one.prefix_lists is other.prefix_lists


def _first(data: Any, key: str, kind: type | tuple[type, ...]) -> tuple[dict[str, Any], str]:
    """The first object (depth first) under ``data`` with ``key`` holding a ``kind`` value."""
    stack = [data]
    while stack:
        value = stack.pop()
        if isinstance(value, dict):
            found = value.get(key)
            if isinstance(found, bool) if kind is bool else isinstance(found, kind) and not isinstance(found, bool):
                return value, key
            stack.extend(reversed(list(value.values())))
        elif isinstance(value, list):
            stack.extend(reversed(value))
    raise AssertionError(f"no {key!r} in the account")


def _set(key: str, kind: type | tuple[type, ...], new: Any) -> Callable[[dict[str, Any]], None]:
    def change(account: dict[str, Any]) -> None:
        holder, name = _first(account, key, kind)
        holder[name] = new
    return change


def _drop(key: str) -> Callable[[dict[str, Any]], None]:
    def change(account: dict[str, Any]) -> None:
        holder, name = _first(account, key, (str, list, int, dict))
        del holder[name]
    return change


# Each change to one account's JSON data, and whether the records' types accept it.
CHANGES: dict[str, tuple[Callable[[dict[str, Any]], None], bool]] = {
    "bool for an integer": (_set("from_port", int, True), False),
    "float for an integer": (_set("from_port", int, 443.0), False),
    "string for an integer": (_set("from_port", int, "443"), False),
    "integer for a bool": (_set("map_public_ip_on_launch", bool, 1), False),
    "integer for a string": (_set("vpc_id", str, 7), False),
    "null for a string": (_set("vpc_id", str, None), False),
    "unknown enum value": (_set("state", str, "sideways"), False),
    "list for an object": (_set("role", (dict, type(None)), []), False),
    "null catalogue": (_set("endpoint_services", list, None), False),
    "catalogue item of the wrong type": (_set("prefix_lists", list, [1]), False),
    "string for a list": (_set("subnets", list, "subnet-1"), False),
    "missing required field": (_drop("vpc_id"), False),
    "missing defaulted field": (_drop("bucket_policies"), True),
    "missing catalogue": (_drop("endpoint_services"), True),
    "unknown field": (lambda account: account.update(surprise={"deep": [1, 2]}), True),
    "huge integer": (_set("from_port", int, 10 ** 30), True),
}


@pytest.mark.parametrize("change", sorted(CHANGES))
def test_values_the_types_refuse_are_refused_alike(change: str, monkeypatch: pytest.MonkeyPatch) -> None:
    account = synthetic.estate(accounts=1, regions=2, vpcs=2, seed=9).accounts[0]
    data = to_jsonable(account)
    changed = copy.deepcopy(data)
    apply, accepted = CHANGES[change]
    apply(changed)
    text = json.dumps(changed, indent=1, sort_keys=True)
    assert text != json.dumps(data, indent=1, sort_keys=True)
    typed, plain = AccountReader(), _plain_reader(monkeypatch)
    if accepted:
        assert typed.read(text.encode()) == plain.read(text)
    else:
        with pytest.raises(Unreadable):
            plain.read(text)
        with pytest.raises(Unreadable):
            typed.read(text.encode())


@pytest.mark.parametrize("text", [
    b'{"account_id": "1", "regions": []} trailing',
    b'{"account_id": "1", "regions": [{"region": "eu-west-1", "subnets": [], "vpcs": [NaN]}]}',
    b'{"account_id": "\xff", "regions": []}',
    b'{"account_id": "1", "regions": [',
    b"[]",
    b"",
], ids=["trailing text", "NaN", "not UTF-8", "cut off", "a list", "empty"])
def test_broken_text_is_unreadable(text: bytes) -> None:
    with pytest.raises(Unreadable):
        AccountReader().read(text)


def test_without_msgspec_there_is_no_typed_decoder(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(typed_json, "msgspec", None)
    assert typed_json.account_decoder(("endpoint_services",)) is None


def test_text_msgspec_refuses_but_json_allows_is_read_the_plain_way(tmp_path: Path) -> None:
    """A lone surrogate escape (``"\\ud800"``, which a hand-edited file can hold) is JSON that
    Python's parser takes and msgspec refuses: the account is Unreadable to the typed reader, and
    the file loads and audits the plain way, the same as read whole."""
    estate = synthetic.estate(accounts=3, regions=1, vpcs=1, seed=3)
    account = estate.accounts[1]
    region = account.regions[0]
    vpc = dataclasses.replace(region.vpcs[0], tags=(Tag("Name", "lone PLACEHOLDER surrogate"),))
    estate = dataclasses.replace(estate, accounts=(estate.accounts[0], dataclasses.replace(account, regions=(
        dataclasses.replace(region, vpcs=(vpc, *region.vpcs[1:])),)), estate.accounts[2]))
    path = tmp_path / "snapshot.json"
    save(estate, path)
    path.write_text(path.read_text(encoding="utf-8").replace("PLACEHOLDER", "\\ud800"), encoding="utf-8")
    opened = snapshot_file(path)
    assert opened is not None
    try:
        with pytest.raises(Unreadable):
            opened.snapshot()
    finally:
        opened.close()
    loaded = load(path)
    assert loaded == from_json(path.read_text(encoding="utf-8"))
    assert loaded.accounts[1].regions[0].vpcs[0].tags == (Tag("Name", "lone \ud800 surrogate"),)
