"""Records built by the million fill their slots directly (vpcaudit.snapshot.bulk.slot_init),
and are what the dataclass's own ``__init__`` builds: the same parameters, defaults, factories
and ``__post_init__``, the same frozen record."""

from __future__ import annotations

import dataclasses
import inspect
from typing import Any

import pytest

from vpcaudit.engine.remedy import FixStep
from vpcaudit.engine.rule import Finding, ResourceRef
from vpcaudit.network.paths import PathStep, TrafficPath
from vpcaudit.network.routing import Candidate, Outcome
from vpcaudit.snapshot.bulk import slot_init


def _shape(fast: bool) -> Any:
    @dataclasses.dataclass(frozen=True, slots=True)
    class Shape:
        name: str
        size: int = 3
        tags: dict[str, str] = dataclasses.field(default_factory=dict)
        kind: str = dataclasses.field(init=False, default="shape")
        parts: list[int] = dataclasses.field(init=False, default_factory=list)
        area: int = dataclasses.field(init=False, compare=False)

        def __post_init__(self) -> None:
            object.__setattr__(self, "area", self.size * self.size)

    return slot_init(Shape) if fast else Shape


def _fields(record: Any) -> dict[str, Any]:
    return {f.name: getattr(record, f.name) for f in dataclasses.fields(record)}


def _parameters(cls: Any) -> list[tuple[str, Any, str]]:
    return [(p.name, p.kind, repr(p.default)) for p in inspect.signature(cls).parameters.values()]


@pytest.mark.parametrize(("args", "kwargs"), [(("a",), {}), (("b", 5), {}), (("c",), {"tags": {"k": "v"}, "size": 2})])
def test_it_builds_what_the_dataclass_builds(args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
    assert _fields(_shape(True)(*args, **kwargs)) == _fields(_shape(False)(*args, **kwargs))


def test_same_parameters_fresh_factories_still_frozen() -> None:
    fast = _shape(True)
    assert _parameters(fast) == _parameters(_shape(False))
    one, other = fast("x"), fast("x")
    assert one == other and one.tags is not other.tags and one.parts is not other.parts
    with pytest.raises(dataclasses.FrozenInstanceError):
        one.name = "y"
    with pytest.raises(TypeError):
        fast()  # a required parameter is still required


def test_what_it_cannot_reproduce_is_refused() -> None:
    @dataclasses.dataclass(frozen=True, slots=True)
    class KeywordOnly:
        name: str = dataclasses.field(kw_only=True)

    @dataclasses.dataclass(frozen=True, slots=True)
    class InitOnly:
        name: str
        seed: dataclasses.InitVar[int] = 0

    for cls in (KeywordOnly, InitOnly):
        with pytest.raises(TypeError):
            slot_init(cls)


@pytest.mark.parametrize("cls", [Finding, ResourceRef, FixStep, TrafficPath, PathStep, Outcome, Candidate])
def test_the_records_built_by_the_million_use_it(cls: type) -> None:
    assert cls.__init__.__code__.co_filename == "<string>" and "_set0" in cls.__init__.__code__.co_names
