"""An audit written where it is computed: each worker turns the scopes it audits into the text of
the result's long lists, and only an outline comes back.

Why: at organization scale (500 accounts × 17 Regions: 240,000 findings, 1.6 million traffic
paths) auditing and then writing the result were two passes over forked workers. The first sent
every finding and path back pickled, to a parent that held them all and sorted them; the second
forked that parent again, gigabytes of records now, and every page a worker touched (a reference
count is a write) was copied: a third of the JSON phase went to the kernel. Here one pass does
both: a worker audits a run of consecutive (account, Region) scopes and writes, for each long list
of the result, the text of that run's items into its own file, grouped by the list's sort key.
Because the scopes are in (account, Region) order and every list's order after its first keys is
by account and Region, the result's lists are those runs' texts laid end to end, group by group.
The parent receives the outline (what the terminal summary and the exit code read) and where each
run's text is, and writes the document around it; the kernel copies the runs.

Nothing here knows JSON: the caller's ``write`` turns a run of records into bytes.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import operator
import pickle
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import Any

from vpcaudit.engine.parallel import Spooled, fork_map_spooled
from vpcaudit.engine.result import AuditResult
from vpcaudit.engine.rule import Finding, FindingGroup, Rule
from vpcaudit.engine.runner import (
    RegionAudit,
    RunSettings,
    audit_scope,
    cost_order,
    finding_order,
    merged_groups,
    result_header,
    scope_order,
    vpc_order,
    worker_count,
)
from vpcaudit.engine.shared import SharedFacts
from vpcaudit.files import Chunk, FileRange
from vpcaudit.forks import can_fork
from vpcaudit.snapshot.bulk import without_cycle_collection
from vpcaudit.snapshot.model import AccountSnapshot, RegionSnapshot, Snapshot

# The result's lists written in runs: for each, the order of its items (None: scope order, as the
# runs are) and the key they are grouped by in a run — their order's keys before account and Region.
PARTED_LISTS: dict[str, tuple[Callable[[Any], Any] | None, Callable[[Any], Hashable]]] = {
    "findings": (finding_order, lambda f: (-f.severity.rank, f.rule_id)),
    "scopes": (scope_order, lambda s: s.rule_id),
    "vpcs": (vpc_order, lambda _v: ()),
    "paths": (None, lambda _p: ()),
    "costs": (cost_order, lambda _c: ()),
    "topology": (None, lambda _t: ()),
    "path_gaps": (None, lambda _g: ()),
}

# Runs of scopes the audit is cut into: several for each process, so unequal runs even out, and
# each run's text a few MB at organization scale.
RUNS = 256

_HEADER = 8  # bytes giving the length of a run's outline, at the start of its bytes

WriteRun = Callable[[Sequence[Any]], bytes]  # the text of a run of a list's items
_Index = list[tuple[str, Hashable, int, int]]  # (list, group key, offset, size) of each group's text


@dataclass(frozen=True)
class PartedAudit:
    """An audit whose long lists are text in files: ``outline`` is the result with, of its long
    lists, only what the terminal summary and the exit code read (every finding without its fix
    and evidence, the rule scopes not judged, the cost lines, the groups); ``runs`` holds each
    long list's text, in order, where the workers wrote it. :meth:`close` releases the files."""

    outline: AuditResult
    runs: dict[str, list[Chunk]]
    _spooled: Spooled

    def close(self) -> None:
        self._spooled.close()


def run_parted(snapshot: Snapshot, rules: Iterable[Rule], settings: RunSettings, write: WriteRun) -> PartedAudit | None:
    """``run(snapshot, rules, settings)`` with its long lists written by ``write`` in the workers,
    or None where that cannot give the same result: one process would audit (too few scopes, no
    fork), or the snapshot's (account, Region) scopes are not in strictly increasing order (a file
    not written by vpcaudit), so runs of scopes would not lay end to end in the result's order."""
    scopes = [(account, region) for account in snapshot.accounts for region in account.regions]
    keys = [(account.account_id, region.region) for account, region in scopes]
    workers = worker_count(settings.workers, len(scopes))
    if workers <= 1 or not can_fork() or any(a >= b for a, b in pairwise(keys)):
        return None
    now = settings.now or dt.datetime.now(dt.timezone.utc)
    selected = tuple(sorted(rules, key=lambda x: x.id))
    audit = RunAuditor(snapshot, selected, settings, now.date(), write)
    size = -(-len(scopes) // RUNS)
    runs = [scopes[start:start + size] for start in range(0, len(scopes), size)]
    with without_cycle_collection():
        spooled = fork_map_spooled(audit, runs, workers)
        return assembled(result_header(snapshot, selected, settings, now), spooled)


Scope = tuple[AccountSnapshot, RegionSnapshot]


class RunAuditor:
    """A run of consecutive scopes audited, as the text of its lists and its outline (the bytes
    :func:`assembled` reads), with the snapshot-wide facts shared by every run of this process."""

    def __init__(self, snapshot: Snapshot, selected: tuple[Rule, ...], settings: RunSettings, today: dt.date,
                 write: WriteRun) -> None:
        self._snapshot = snapshot
        self._selected = selected
        self._settings = settings
        self._today = today
        self._write = write
        self._shared = SharedFacts(snapshot)
        # Groups this process has returned already: every scope names its Region's pool (COST001's
        # holds every VPC of the Region across accounts), so sending them with every run would pickle
        # and unpickle millions of members again and again (a run that a failed worker did not
        # deliver is redone here, and its groups are then sent by this process or were already).
        self._named: set[str] = set()

    def __call__(self, run: Sequence[Scope]) -> bytes:
        parts = [audit_scope(self._snapshot, account, region, self._selected, self._settings, self._shared,
                             self._today) for account, region in run]
        fresh = tuple(g for g in merged_groups(parts) if g.group_id not in self._named)
        self._named.update(g.group_id for g in fresh)
        return _written(parts, fresh, self._write)


def assembled(header: AuditResult, spooled: Spooled) -> PartedAudit:
    """The audit whose runs ``spooled`` holds, in order, under ``header`` (the result's own fields)."""
    try:
        outlines, texts = _read_runs(spooled)
    except BaseException:
        spooled.close()
        raise
    outline = dataclasses.replace(
        header,
        findings=tuple(sorted((f for o in outlines for f in o.findings), key=finding_order)),
        scopes=tuple(sorted((s for o in outlines for s in o.scopes), key=scope_order)),
        costs=tuple(sorted((c for o in outlines for c in o.costs), key=cost_order)),
        groups=merged_groups(outlines),
    )
    return PartedAudit(outline, texts, spooled)


def _written(parts: list[RegionAudit], groups: tuple[FindingGroup, ...], write: WriteRun) -> bytes:
    """A run's bytes: the length of its outline (with ``groups``, the finding groups its process
    has not sent yet), the outline (pickled with where each group's text is), then the texts of
    its lists' groups."""
    texts: list[bytes] = []
    index: _Index = []
    offset = 0
    for name, (order, key) in PARTED_LISTS.items():
        items: list[Any] = [item for part in parts for item in getattr(part, name)]
        if order is not None:
            items.sort(key=order)
        for group, members in _grouped(items, key):
            text = write(members)
            index.append((name, group, offset, len(text)))
            texts.append(text)
            offset += len(text)
    outline = RegionAudit(
        scopes=tuple(s for part in parts for s in part.scopes if not s.outcome.judged),
        findings=tuple(_outlined(f) for part in parts for f in part.findings),
        vpcs=(), paths=(), costs=tuple(c for part in parts for c in part.costs), topology=(), path_gaps=(),
        groups=groups)
    meta = pickle.dumps((outline, index), protocol=pickle.HIGHEST_PROTOCOL)
    return len(meta).to_bytes(_HEADER, "little") + meta + b"".join(texts)


def _grouped(items: list[Any], key: Callable[[Any], Hashable]) -> list[tuple[Hashable, list[Any]]]:
    """Consecutive items with equal keys, one group each (items are in their list's order)."""
    groups: list[tuple[Hashable, list[Any]]] = []
    for item in items:
        k = key(item)
        if not groups or groups[-1][0] != k:
            groups.append((k, []))
        groups[-1][1].append(item)
    return groups


def _outlined(finding: Finding) -> Finding:
    """The finding as the terminal summary and the exit code read it: its fix and evidence are in
    the written result only. Built from its fields in order (``dataclasses.replace`` took 5.6 µs
    a finding, this 2.3: an organization's audit outlines a quarter of a million)."""
    values = list(_FINDING_FIELDS(finding))
    values[_EVIDENCE] = {}
    values[_FIX] = ()
    return Finding(*values)


_FINDING_NAMES = [f.name for f in dataclasses.fields(Finding)]
_FINDING_FIELDS = operator.attrgetter(*_FINDING_NAMES)
_EVIDENCE, _FIX = _FINDING_NAMES.index("evidence"), _FINDING_NAMES.index("fix")


def _read_runs(spooled: Spooled) -> tuple[list[RegionAudit], dict[str, list[Chunk]]]:
    """Each run's outline, and for each long list its groups' texts in the result's order."""
    outlines: list[RegionAudit] = []
    placed: dict[str, list[tuple[Hashable, int, Chunk]]] = {name: [] for name in PARTED_LISTS}
    for number in range(len(spooled)):
        chunk = spooled.result(number)
        size = int.from_bytes(_bytes_of(chunk, 0, _HEADER), "little")
        outline, index = pickle.loads(_bytes_of(chunk, _HEADER, size))
        outlines.append(outline)
        start = _HEADER + size
        for name, group, offset, length in index:
            placed[name].append((group, number, _part_of(chunk, start + offset, length)))
    return outlines, {name: [text for *_, text in sorted(runs, key=lambda r: (r[0], r[1]))]
                      for name, runs in placed.items()}


def _bytes_of(chunk: Chunk, offset: int, size: int) -> bytes:
    if isinstance(chunk, FileRange):
        return b"".join(FileRange(chunk.fd, chunk.offset + offset, size).read())
    return chunk[offset:offset + size]


def _part_of(chunk: Chunk, offset: int, size: int) -> Chunk:
    if isinstance(chunk, FileRange):
        return FileRange(chunk.fd, chunk.offset + offset, size)
    return chunk[offset:offset + size]
