"""The text of every JSON report vpcaudit writes (result, SARIF, ASFF, OCSF, diff).

What ``json.dumps(document, indent=2, sort_keys=True, ensure_ascii=True, allow_nan=False)``
writes, byte for byte (pipelines diff and checksum these files), but written by
:class:`~vpcaudit.snapshot.codec.JsonWriter`: with ``indent`` the standard library falls back to
its pure-Python encoder, which at organization scale took tens of seconds per format, and a long
list (findings, paths) is written piece by piece by forked processes on every CPU. Written to a
file (``stream``), each piece stays in the file of the process that wrote it until it is copied
out in its turn: the gigabytes of an organization's result are never one object here.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Collection, Mapping
from typing import Any

from vpcaudit.engine.parallel import Spooled, fork_map, fork_map_spooled
from vpcaudit.snapshot.codec import JsonWriter


def _on_every_cpu(write_piece: Callable[[range], str], pieces: list[range]) -> list[str]:
    """The pieces' texts, written by forked processes on every CPU (this one in turn)."""
    return fork_map(write_piece, pieces, os.cpu_count() or 1)


def _spooled_on_every_cpu(write_piece: Callable[[range], bytes], pieces: list[range]) -> Spooled:
    """The pieces' bytes, written by forked processes on every CPU (this one in turn), left in their files."""
    return fork_map_spooled(write_piece, pieces, os.cpu_count() or 1)


def report_writer(computed: Mapping[type, Mapping[str, Callable[[Any], Any]]] | None = None,
                  repeated: Mapping[type, Collection[str]] | None = None) -> JsonWriter:
    """A writer of report JSON; ``computed`` adds fields to a class's records, ``repeated`` names
    fields whose strings recur (see JsonWriter)."""
    return JsonWriter(indent=2, ensure_ascii=True, computed=computed, spread=_on_every_cpu,
                      spread_stream=_spooled_on_every_cpu, repeated=repeated)
