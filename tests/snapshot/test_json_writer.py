"""The fast JSON writer writes exactly what json.dumps(to_jsonable(…), sort_keys=True, indent=…) writes.

Snapshots, results and SARIF logs must stay byte-identical to what they were (golden files,
diffs between two snapshots, checksums a pipeline keeps), so the writer is checked against the
standard library on a generated multi-account estate and its audit, and on the awkward values:
escapes, non-ASCII and lone surrogates, non-finite floats, empty and nested containers, enums,
unsorted and non-string keys.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import http
import json
from typing import Any

import pytest
import synthetic

from vpcaudit import api
from vpcaudit.engine.rule import Finding, Severity
from vpcaudit.render.report.jsonfmt import render_json, result_document
from vpcaudit.render.report.sarif import render_sarif, sarif_log
from vpcaudit.snapshot.codec import JsonWriter, to_jsonable
from vpcaudit.snapshot.jsonfile import to_json
from vpcaudit.snapshot.model import Part, normalised

AWKWARD = {
    "z": "tab\\t \"quote\" back\\\\slash \u0000 \u001f \u007f é ✓ \U0001f600 \ud800 \u202e",
    "a": [[], {}, [[]], [{}], {"": []}, (1, (2, ()))],
    "floats": [0.0, -0.0, 1e300, 1.5e-7, 7.3],
    "ints": [0, -1, 2**70, True, False, None],
    3: "a key that is not a string",
    "enums": [Severity.HIGH, Part.VPCS, http.HTTPStatus.OK],  # str-based, and int-based (written as its number)
}


@dataclasses.dataclass(frozen=True)
class _Record:
    name: str
    items: tuple[Any, ...]
    empty: tuple[int, ...] = ()
    mapping: dict[str, Any] = dataclasses.field(default_factory=dict)


@pytest.mark.parametrize("indent", [1, 2, 4])
@pytest.mark.parametrize("ascii_only", [True, False])
def test_awkward_values(indent: int, ascii_only: bool) -> None:
    value = _Record("r", (AWKWARD, _Record("inner", ())), mapping={"b": 1, "a": AWKWARD})
    expected = json.dumps(to_jsonable(value), indent=indent, sort_keys=True, ensure_ascii=ascii_only)
    assert JsonWriter(indent=indent, ensure_ascii=ascii_only).dumps(value) == expected


@dataclasses.dataclass(frozen=True)
class _Typed:
    """Fields of every shape the record writers are generated for, from their type hints."""

    flag: bool
    count: int
    ratio: float | None
    severity: Severity
    name: str | None
    inner: _Record | None
    items: tuple[_Record, ...]
    words: tuple[str, ...]
    mapping: dict[str, Any]


def _typed(**changes: Any) -> _Typed:
    inner = _Record("inner", ())
    return dataclasses.replace(_Typed(True, 3, 0.5, Severity.HIGH, "n", inner, (inner, inner), ("a", "b"),
                                      {"b": [1, None], "a": "x", "c": None}), **changes)


@pytest.mark.parametrize("changes", [
    {}, {"ratio": None, "name": None, "inner": None, "items": (), "words": (), "mapping": {}},
    # values the hints do not name: written by what they are
    {"flag": 1, "count": True, "ratio": 2, "severity": "high", "name": Severity.LOW},
    {"inner": AWKWARD, "items": [_Record("x", ()), 1, AWKWARD], "words": ("a", 1, Severity.LOW, None)},
    {"items": tuple(_Record(str(i), ()) for i in range(300)), "mapping": {3: "int key", Part.VPCS: "enum key"}},
])
def test_a_value_its_type_hint_does_not_name_is_written_all_the_same(changes: dict[str, Any]) -> None:
    value = _typed(**changes)
    expected = json.dumps(to_jsonable(value), indent=2, sort_keys=True, ensure_ascii=True)
    assert JsonWriter(indent=2, ensure_ascii=True).dumps(value) == expected
    assert JsonWriter(indent=2, ensure_ascii=True).dumps([value, value], level=1) == json.dumps(
        to_jsonable([value, value]), indent=2, sort_keys=True, ensure_ascii=True).replace("\n", "\n  ")


@pytest.mark.parametrize("number", [float("nan"), float("inf"), float("-inf")])
def test_a_non_finite_number_is_refused_like_json_does_without_allow_nan(number: float) -> None:
    """NaN and the infinities are not JSON: every JSON vpcaudit writes is strict."""
    with pytest.raises(ValueError, match="Out of range float values are not JSON compliant"):
        json.dumps({"x": number}, allow_nan=False)
    with pytest.raises(ValueError, match="Out of range float values are not JSON compliant"):
        JsonWriter(indent=2, ensure_ascii=True).dumps({"x": number})


def test_an_unknown_type_is_refused_like_json_does() -> None:
    with pytest.raises(TypeError, match="not JSON serializable"):
        JsonWriter(indent=2, ensure_ascii=True).dumps({"when": dt.date(2026, 1, 1)})


@pytest.fixture(scope="module")
def estate() -> Any:
    return synthetic.estate(accounts=3, regions=2, vpcs=4, seed=11)


def test_snapshot_text_is_the_standard_librarys(estate: Any) -> None:
    expected = json.dumps(to_jsonable(normalised(estate)), sort_keys=True, indent=1, ensure_ascii=False) + "\n"
    assert to_json(estate) == expected


def test_result_and_sarif_texts_are_the_standard_librarys(estate: Any) -> None:
    result = api.audit(estate, now=dt.datetime(2026, 1, 2, tzinfo=dt.timezone.utc))
    assert any(f.group for f in result.findings) and result.paths
    assert render_json(result) == json.dumps(result_document(result), indent=2, sort_keys=True,
                                             ensure_ascii=True) + "\n"
    assert render_sarif(result) == json.dumps(sarif_log(result), indent=2, sort_keys=True, ensure_ascii=True) + "\n"


def test_computed_fields_are_sorted_in() -> None:
    finding = api.audit(synthetic.estate(vpcs=3)).findings[0]
    text = JsonWriter(indent=2, ensure_ascii=True,
                      computed={Finding: {"fingerprint": lambda f: f.fingerprint}}).dumps(finding)
    keys = list(json.loads(text))
    assert keys == sorted(keys) and json.loads(text)["fingerprint"] == finding.fingerprint


def test_a_value_written_at_a_nesting_level_fits_into_the_whole(estate: Any) -> None:
    writer = JsonWriter(indent=1, ensure_ascii=False)
    whole = writer.dumps(normalised(estate))
    assert writer.dumps(normalised(estate).accounts[1], level=2) in whole


def test_text_joined_chunk_by_chunk_is_the_same_text(estate: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """Long lists are joined into chunks as they are written (an organization's result is millions
    of fragments); tiny chunks must give the same text."""
    from vpcaudit.snapshot import codec

    expected = to_json(estate)
    monkeypatch.setattr(codec, "_CHUNK_PARTS", 3)
    assert to_json(estate) == expected


def test_a_spread_list_is_the_same_text(monkeypatch: pytest.MonkeyPatch) -> None:
    """Long lists are cut into pieces whose texts a map computes (forked processes for a result);
    the pieces join into the very text one pass writes, and lists inside a piece stay whole."""
    from vpcaudit.snapshot import codec

    monkeypatch.setattr(codec, "_SPREAD_PIECES", 3)
    monkeypatch.setattr(codec, "_CHUNK_PARTS", 2)
    value = _Record("r", tuple(_Record(str(i), (AWKWARD, [i] * 8)) for i in range(7)), mapping={"a": AWKWARD})
    calls: list[list[range]] = []

    def spread(write_piece: codec.Spread, pieces: list[range]) -> list[str]:  # type: ignore[valid-type]
        calls.append(pieces)
        return [write_piece(piece) for piece in reversed(pieces)][::-1]

    writer = JsonWriter(indent=2, ensure_ascii=True, spread=spread, spread_min=7)
    assert writer.dumps(value) == json.dumps(to_jsonable(value), indent=2, sort_keys=True, ensure_ascii=True)
    assert calls == [[range(0, 3), range(3, 6), range(6, 7)]]  # the 7 records only: their own 8 items are written whole
    assert writer.dumps(value) == JsonWriter(indent=2, ensure_ascii=True).dumps(value)
    assert len(calls) == 2


def test_a_result_written_on_every_cpu_is_the_standard_librarys(estate: Any,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    """The JSON result's long lists are written by forked processes, and the text is still byte for
    byte json.dumps's."""
    from vpcaudit.engine import parallel
    from vpcaudit.render import jsontext
    from vpcaudit.render.report import jsonfmt

    forked: list[int] = []

    def counting_fork_map(func: Any, items: Any, workers: int) -> Any:
        forked.append(len(items))
        return parallel.fork_map(func, items, 2)

    monkeypatch.setattr(jsontext, "fork_map", counting_fork_map)
    monkeypatch.setattr(jsonfmt._WRITER, "_spread_min", 10)
    result = api.audit(estate, now=dt.datetime(2026, 1, 2, tzinfo=dt.timezone.utc))
    assert len(result.findings) >= 10 and len(result.paths) >= 10
    assert render_json(result) == json.dumps(result_document(result), indent=2, sort_keys=True,
                                             ensure_ascii=True) + "\n"
    assert len(forked) >= 2  # findings and paths at least


def test_a_result_streamed_to_a_file_is_the_same_bytes(estate: Any, monkeypatch: pytest.MonkeyPatch,
                                                       tmp_path: Any) -> None:
    """Written to a file, the result's long lists are pieces left in the files of the processes
    that wrote them and copied out in their turn: the file holds render_json's text, byte for
    byte, and no piece file stays open."""
    from vpcaudit.engine import parallel
    from vpcaudit.render import jsontext
    from vpcaudit.render.report import jsonfmt

    spooled: list[parallel.Spooled] = []

    def counting(func: Any, items: Any, workers: int) -> parallel.Spooled:
        spooled.append(parallel.fork_map_spooled(func, items, 2))
        return spooled[-1]

    monkeypatch.setattr(jsontext, "fork_map_spooled", counting)
    monkeypatch.setattr(jsonfmt._WRITER, "_spread_min", 10)
    result = api.audit(estate, now=dt.datetime(2026, 1, 2, tzinfo=dt.timezone.utc))
    target = tmp_path / "result.json"
    api.write_reports(result, [api.Target("json", target)])
    assert target.read_bytes() == render_json(result).encode()
    assert len(spooled) >= 2 and all(not s._files for s in spooled)  # findings and paths at least; closed


def test_a_streamed_text_is_the_dumped_text(monkeypatch: pytest.MonkeyPatch) -> None:
    """``stream`` gives ``dumps``'s text as UTF-8 chunks (non-ASCII included), long lists' pieces
    in their place, each piece holder closed once read."""
    from vpcaudit.snapshot import codec

    monkeypatch.setattr(codec, "_SPREAD_PIECES", 3)
    monkeypatch.setattr(codec, "_ENCODE_SLICE", 5)
    encodable = {**AWKWARD, "z": AWKWARD["z"].replace("\ud800", "")}  # a lone surrogate has no UTF-8
    value = _Record("r", tuple(_Record(str(i), (encodable, [i] * 8)) for i in range(7)), mapping={"a": encodable})
    closed: list[bool] = []

    class Pieces:
        def __init__(self, write_piece: Any, pieces: list[range]) -> None:
            self.texts = [write_piece(piece) for piece in pieces]

        def chunks(self) -> Any:
            return iter(self.texts)

        def close(self) -> None:
            closed.append(True)

    writer = JsonWriter(indent=2, ensure_ascii=False, spread=lambda w, ps: [w(p) for p in ps],
                        spread_stream=Pieces, spread_min=7)
    chunks = list(writer.stream(value, end="\n"))
    assert b"".join(chunks) == (writer.dumps(value) + "\n").encode()
    assert closed == [True]


@pytest.mark.parametrize("name", ["ocsf", "asff", "sarif"])
def test_every_json_report_is_the_standard_librarys_text_written_on_every_cpu(
        name: str, estate: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """OCSF, ASFF and SARIF documents are written by the same writer as the result (the standard
    library's indenting encoder is pure Python: tens of seconds per format at organization
    scale), their long lists by forked processes, and stay byte for byte json.dumps's."""
    import importlib

    from vpcaudit.render import jsontext

    module = importlib.import_module(f"vpcaudit.render.report.{name}")
    render, document = {"ocsf": ("render_ocsf", "ocsf_findings"), "asff": ("render_asff", "asff_findings"),
                        "sarif": ("render_sarif", "sarif_log")}[name]
    forked: list[int] = []
    real = jsontext.fork_map
    monkeypatch.setattr(jsontext, "fork_map", lambda func, items, workers: forked.append(len(items)) or real(
        func, items, 2))
    monkeypatch.setattr(module._WRITER, "_spread_min", 10)
    result = api.audit(estate, now=dt.datetime(2026, 1, 2, tzinfo=dt.timezone.utc))
    expected = json.dumps(getattr(module, document)(result), indent=2, sort_keys=True, ensure_ascii=True,
                          allow_nan=False) + "\n"
    assert getattr(module, render)(result) == expected
    assert forked  # its long list was spread


def test_a_repeated_fields_text_is_the_same_text() -> None:
    """Strings of a ``repeated`` field are escaped once and looked up after; any other value in it
    is written by what it is."""
    value = [_typed(), _typed(name=AWKWARD["z"]), _typed(name=AWKWARD["z"]), _typed(name=None), _typed(name=3)]
    writer = JsonWriter(indent=2, ensure_ascii=True, repeated={_Typed: ("name",)})
    assert writer.dumps(value) == json.dumps(to_jsonable(value), indent=2, sort_keys=True, ensure_ascii=True)
