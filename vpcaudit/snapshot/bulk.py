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
