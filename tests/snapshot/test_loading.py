"""Loading a snapshot: the compiled decoder, the account-by-account reader of the writer's layout
and the Region-by-Region reader change nothing but speed.

All are checked against the generic decoder they stand in for — the same records from the same
data, the same one-line error naming the same field for data that does not fit — and the
Region-by-Region reader with chunks so small that every value straddles a chunk boundary.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import synthetic

from vpcaudit.snapshot import jsonfile, stream, typed_json
from vpcaudit.snapshot.codec import DecodeError, _decode, compiled, from_jsonable, to_jsonable
from vpcaudit.snapshot.jsonfile import SnapshotError, from_json, load, save, to_json
from vpcaudit.snapshot.model import RegionSnapshot, Snapshot, normalised


@pytest.fixture(scope="module")
def estate() -> Snapshot:
    return normalised(synthetic.estate(accounts=3, regions=2, vpcs=3, seed=5))


@pytest.fixture(params=["accounts", "regions"])
def way(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """How ``load`` reads a file in the writer's layout: account by account (as it does), or
    Region by Region (as it reads any other layout)."""
    if request.param == "regions":
        monkeypatch.setattr(jsonfile.layout, "snapshot_file", lambda _path: None)
    return str(request.param)


def test_compiled_decoder_builds_what_the_generic_one_builds(estate: Snapshot) -> None:
    data = json.loads(to_json(estate))
    assert compiled(Snapshot)(data) == _decode(Snapshot, data, "$") == estate


def test_compiled_decoder_takes_what_the_generic_one_takes() -> None:
    """Integers for floats, absent optional fields, nulls for optionals, enum values."""
    data = to_jsonable(synthetic.estate().accounts[0].regions[0])
    data["metrics"] = [{"resource_id": "nat-1", "namespace": "AWS/NATGateway", "metric_name": "BytesOutToDestination",
                        "total": 5, "datapoints": 1, "window_days": 14}]
    del data["block_public_access"]
    data["subnets"][0]["block_public_access_mode"] = None
    fast = compiled(RegionSnapshot)(data)
    assert fast == _decode(RegionSnapshot, data, "$")
    assert fast.metrics[0].total == 5.0 and isinstance(fast.metrics[0].total, float)
    assert fast.block_public_access is None


@pytest.mark.parametrize(("change", "path"), [
    (lambda d: d["accounts"][1]["regions"][0]["vpcs"][0].update(is_default="no"), "$.accounts[1].regions[0].vpcs[0]"
                                                                                   ".is_default"),
    (lambda d: d["accounts"][0]["regions"][1]["status"][2].update(state="sleepy"), "$.accounts[0].regions[1]"
                                                                                   ".status[2].state"),
    (lambda d: d["accounts"][2]["regions"][0]["subnets"][3].pop("vpc_id"), "$.accounts[2].regions[0].subnets[3]"
                                                                           ".vpc_id"),
    (lambda d: d["accounts"][0]["regions"][0]["metrics"].append({"resource_id": 1}), "$.accounts[0].regions[0]"
                                                                                     ".metrics[0].resource_id"),
])
def test_a_misfit_is_named_exactly_as_before(estate: Snapshot, change: Any, path: str) -> None:
    data = json.loads(to_json(estate))
    change(data)
    with pytest.raises(DecodeError) as error:
        from_jsonable(Snapshot, data)
    assert error.value.path == path


@pytest.mark.parametrize(("chunk", "refill"), [(7, 0), (1000, 0), (1000, 300), (stream.CHUNK, stream.REFILL)],
                         ids=["values cut by tiny chunks", "values cut by chunks", "refilled before a value",
                              "as configured"])
def test_reading_region_by_region_gives_the_same_snapshot(tmp_path: Path, estate: Snapshot, chunk: int, refill: int,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(jsonfile.layout, "snapshot_file", lambda _path: None)
    monkeypatch.setattr(stream, "CHUNK", chunk)
    monkeypatch.setattr(stream, "REFILL", refill)
    path = tmp_path / "snapshot.json"
    save(estate, path)
    assert load(path) == from_json(path.read_text(encoding="utf-8")) == estate


def test_reading_account_by_account_gives_the_same_snapshot(tmp_path: Path, estate: Snapshot,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(stream, "read", None)  # never used for a file in the writer's layout
    path = tmp_path / "snapshot.json"
    save(estate, path)
    assert load(path) == from_json(path.read_text(encoding="utf-8")) == estate


def test_equal_region_catalogues_are_kept_once(tmp_path: Path, estate: Snapshot, way: str) -> None:
    path = tmp_path / "snapshot.json"
    save(estate, path)
    for loaded in (load(path), from_json(path.read_text(encoding="utf-8"))):
        first, second = (a.region("us-east-2") for a in loaded.accounts[:2])
        assert first is not None and second is not None
        assert first.endpoint_services is second.endpoint_services
        assert first.prefix_lists is second.prefix_lists


def test_a_catalogue_read_before_is_neither_parsed_nor_decoded_again(tmp_path: Path, estate: Snapshot,
                                                                     monkeypatch: pytest.MonkeyPatch, way: str) -> None:
    """Every account lists its Regions' catalogues alike: each distinct one is decoded once."""
    decoded: list[str] = []
    decode = stream._SharedCatalogues._decode
    monkeypatch.setattr(stream._SharedCatalogues, "_decode",
                        lambda self, field, value: (decoded.append(field), decode(self, field, value))[1])
    typed = typed_json.AccountDecoder.catalogue
    monkeypatch.setattr(typed_json.AccountDecoder, "catalogue",
                        lambda self, field, text: (decoded.append(field), typed(self, field, text))[1])
    path = tmp_path / "snapshot.json"
    save(estate, path)
    assert load(path) == estate
    assert len(estate.accounts) == 3 and sorted(decoded) == ["endpoint_services"] * 2 + ["prefix_lists"] * 2


def test_a_catalogue_that_differs_from_those_read_before_is_read_as_written(tmp_path: Path, estate: Snapshot,
                                                                           way: str) -> None:
    """A Region whose catalogue starts like another's but goes on differently, or holds a value that
    does not fit, is read for what it is."""
    data = json.loads(to_json(estate))
    services = data["accounts"][1]["regions"][0]["endpoint_services"]
    services.append(dict(services[-1], service_name=services[-1]["service_name"] + "-extra"))
    path = tmp_path / "snapshot.json"
    path.write_text(json.dumps(data, indent=1, sort_keys=True), encoding="utf-8")
    loaded = load(path)
    assert loaded == from_json(path.read_text(encoding="utf-8"))
    written = estate.accounts[0].regions[0].endpoint_services
    assert len(loaded.accounts[1].regions[0].endpoint_services) == len(written) + 1
    data["accounts"][2]["regions"][0]["endpoint_services"] = None
    path.write_text(json.dumps(data, indent=1, sort_keys=True), encoding="utf-8")
    with pytest.raises(SnapshotError, match="endpoint_services"):
        load(path)


@pytest.mark.parametrize("damage", [
    lambda text: text[: len(text) // 2],  # truncated
    lambda text: text.replace('"is_default": false', '"is_default": "no"', 1),  # a misfit deep inside
    lambda text: text.replace('"schema_version": "1.', '"schema_version": "2.', 1),
    lambda text: text + "\n{}",  # trailing data
])
def test_a_damaged_file_gets_the_message_it_always_got(tmp_path: Path, estate: Snapshot, damage: Any,
                                                        way: str) -> None:
    path = tmp_path / "snapshot.json"
    text = damage(to_json(estate))
    path.write_text(text, encoding="utf-8")
    with pytest.raises(SnapshotError) as streamed:
        load(path)
    with pytest.raises(SnapshotError) as whole:
        from_json(text, str(path))
    assert str(streamed.value) == str(whole.value)
