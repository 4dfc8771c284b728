"""Work on millions of small records without Python's cyclic garbage collector walking them all.

Loading a snapshot and auditing it allocate millions of small, acyclic objects (records, then
findings, paths, steps) next to millions more that stay alive; each full collection walks every
one of them, again and again as the heap grows — 40 % of the time of a load and a quarter of an
audit's at 272 account-Regions. Reference counting still frees everything that is dropped; a
reference cycle made meanwhile (by a third-party rule, say) is collected when the work ends —
except after the largest blocks (see :data:`FREEZE_MIN`).
"""

from __future__ import annotations

import dataclasses
import gc
import operator
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

C = TypeVar("C", bound=type)


# A block that leaves at least this many more objects for the collector to track (an
# organization's snapshot, or its audit's findings and paths coming back from the workers) has
# them moved to the collector's permanent generation on the way out (gc.freeze). Otherwise each
# would be walked again by the next collection of every generation it passes through: at
# 500 accounts × 17 Regions 1.6 s after the load, and 17 s of the audit, in the process every
# other one waits for. The price: a reference cycle made during such a block is never collected
# (an audit makes a few dozen small objects' worth, tracebacks aside).
FREEZE_MIN = 1 << 18


@contextmanager
def without_cycle_collection() -> Iterator[None]:
    """Pause the cyclic collector for the ``with`` block (it stays off if it was off); after a
    block that built at least :data:`FREEZE_MIN` tracked objects, freeze them (see there)."""
    enabled = gc.isenabled()
    gc.disable()
    before = gc.get_count()[0]
    completed = False
    try:
        yield
        completed = True
    finally:
        if completed and gc.get_count()[0] - before >= FREEZE_MIN:
            gc.freeze()
        if enabled:
            gc.enable()


def pickled_as_arguments(cls: C) -> C:
    """Pickle a frozen, slotted dataclass as ``cls(*field values)``.

    Why: forked audit workers send their findings and traffic paths back pickled, hundreds of
    thousands of them. The state dataclasses give such a class is restored one field at a time
    in Python, after looking the fields up again for every object; calling the class with its
    field values, read by one C getter, takes about half the time to write and to read.
    Every field must be an ``__init__`` argument, in field order.
    """
    names = [f.name for f in dataclasses.fields(cls)]
    if not all(f.init for f in dataclasses.fields(cls)):
        raise TypeError(f"{cls.__name__} has fields its __init__ does not take")
    get: Callable[[Any], Any] = operator.attrgetter(*names)
    values: Callable[[Any], tuple[Any, ...]] = (lambda record: (get(record),)) if len(names) == 1 else get

    def __reduce__(self: Any) -> tuple[type, tuple[Any, ...]]:
        return type(self), values(self)

    cls.__reduce__ = __reduce__  # type: ignore[assignment]
    return cls


class _Factory:
    """The default of a parameter whose field has a ``default_factory`` (shown as dataclasses shows it)."""

    def __repr__(self) -> str:
        return "<factory>"


_FACTORY = _Factory()


def slot_init(cls: C) -> C:
    """Give a frozen, slotted dataclass an ``__init__`` that fills its slots through their
    descriptors: the same parameters, defaults and factories, and ``__post_init__`` still runs.

    Why: a frozen dataclass's ``__init__`` sets each field with ``object.__setattr__(self, name,
    value)``, looking the function and the slot up by name for every field of every record, and
    an organization's audit builds tens of millions of records (traffic paths and their steps,
    route outcomes, findings and their fix steps): about 6 % of its CPU went there
    (sampled at 500 accounts × 17 Regions). A slot's descriptor,
    looked up once here, sets it in less than half the time. Fields taken by keyword only and
    init-only variables are not supported (refused here, so a class cannot silently change).
    """
    if any(f._field_type is not dataclasses._FIELD for f in cls.__dataclass_fields__.values()):  # type: ignore[attr-defined]
        raise TypeError(f"{cls.__name__} has init-only or class variables")
    env: dict[str, Any] = {"_FACTORY": _FACTORY}
    params: list[str] = ["self"]
    body: list[str] = []
    for i, f in enumerate(dataclasses.fields(cls)):
        if f.kw_only:
            raise TypeError(f"{cls.__name__}.{f.name} is keyword-only")
        env[f"_set{i}"] = cls.__dict__[f.name].__set__
        value = f.name
        if f.default is not dataclasses.MISSING:
            env[f"_default{i}"] = f.default
            default, value = f"_default{i}", (f.name if f.init else f"_default{i}")
        elif f.default_factory is not dataclasses.MISSING:
            env[f"_factory{i}"] = f.default_factory
            default = "_FACTORY"
            value = f"_factory{i}() if {f.name} is _FACTORY else {f.name}" if f.init else f"_factory{i}()"
        elif not f.init:
            continue  # set by __post_init__, or never
        else:
            default = ""
        if f.init:
            params.append(f"{f.name}={default}" if default else f.name)
        body.append(f"    _set{i}(self, {value})\n")
    if hasattr(cls, "__post_init__"):
        body.append("    self.__post_init__()\n")
    exec(f"def __init__({', '.join(params)}):\n" + ("".join(body) or "    pass\n"), env)  # from field names only
    init = env["__init__"]
    init.__qualname__ = f"{cls.__qualname__}.__init__"
    init.__module__ = cls.__module__
    cls.__init__ = init  # type: ignore[misc]
    return cls
