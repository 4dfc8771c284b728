"""Run Python's cyclic garbage collector less often while a collection is under way.

Why: botocore leaves reference cycles behind on every call (about 165 objects each), so the
collector must keep running, but at its default pace (a young-generation pass every 700 net
allocations) it walks each parsed answer again and again while it is still being built: at
200 VPCs a quarter of the collection's CPU went to it. Every 10,000 allocations it frees the
same cycles, the heap stays the same size, and the parsed answers are mostly freed by
reference counting before it ever sees them.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

COLLECTION_THRESHOLD = 10_000  # allocations between passes over the young generation (Python's default: 700)


@contextmanager
def fewer_cycle_collections(threshold: int = COLLECTION_THRESHOLD) -> Iterator[None]:
    """Raise the young generation's threshold to at least ``threshold`` for the ``with`` block.

    Meant for the outermost call of a collection: the thresholds are the process's, so the block
    restores exactly what it found (a nested block finds, and restores, the raised value).
    """
    found = gc.get_threshold()
    gc.set_threshold(max(found[0], threshold), *found[1:])
    try:
        yield
    finally:
        gc.set_threshold(*found)
