"""What keeps an audit linear and its result the same however it is run.

The runner audits (account, Region) scopes in forked workers, computes snapshot-wide facts once
per audit, and pauses the cyclic garbage collector; the network view groups resources per VPC
once. None of it may change a single byte of the result: each is checked here against the plain
way on a generated multi-account estate (bench/synthetic.py).
"""

from __future__ import annotations

import datetime as dt
import gc
import os
import threading
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from vpcaudit.engine import parallel
from vpcaudit.engine.context import RuleContext
from vpcaudit.engine.result import AuditResult
from vpcaudit.engine.rule import Rule, Severity, rule
from vpcaudit.engine.runner import RunSettings, run
from vpcaudit.engine.shared import SharedFacts
from vpcaudit.files import FileRange
from vpcaudit.network.view import NetworkView
from vpcaudit.render.report.jsonfmt import render_json
from vpcaudit.snapshot.model import Snapshot

NOW = dt.datetime(2026, 1, 2, tzinfo=dt.timezone.utc)


@pytest.fixture(scope="module")
def serial(estate: Snapshot, rules: tuple[Rule, ...]) -> AuditResult:
    return run(estate, rules, RunSettings(now=NOW, workers=1))


def test_forked_workers_give_the_serial_result(estate: Snapshot, rules: tuple[Rule, ...],
                                               serial: AuditResult) -> None:
    assert parallel.can_fork()  # so the workers below are real
    forked = run(estate, rules, RunSettings(now=NOW, workers=3))
    assert forked == serial
    assert render_json(forked) == render_json(serial)
    assert serial.groups and serial.paths and serial.findings


def test_a_failed_worker_has_its_share_computed_here() -> None:
    """A child that dies (here: every child, at its third item) costs time, never results."""
    assert parallel.can_fork()
    parent = os.getpid()

    def square(n: int) -> int:
        square.done += 1  # type: ignore[attr-defined]
        if os.getpid() != parent and square.done == 3:  # type: ignore[attr-defined]
            os._exit(1)
        return n * n

    square.done = 0  # type: ignore[attr-defined]
    assert parallel.fork_map(square, list(range(20)), 3) == [n * n for n in range(20)]


def test_every_item_is_computed_once_by_whichever_process_is_free(tmp_path: Path) -> None:
    """Items are taken from one queue: none twice, none left out, however the processes' speeds differ."""
    assert parallel.can_fork()
    log = tmp_path / "taken"

    def note(n: int) -> tuple[int, int]:
        with log.open("a") as out:
            out.write(f"{n}\n")
        time.sleep(0.002)  # long enough for the children to start taking items on a busy machine
        return n, os.getpid()

    done = parallel.fork_map(note, list(range(300)), 3)
    assert [n for n, _ in done] == list(range(300))
    assert sorted(int(line) for line in log.read_text().split()) == list(range(300))
    assert len({pid for _, pid in done}) >= 2  # the children took some


def test_a_child_never_waits_for_this_process_to_read() -> None:
    """While this process works on an item of its own, a child goes on writing results, however
    large: they go to the child's own file, not to a pipe this process must empty first."""
    assert parallel.can_fork()
    parent = os.getpid()
    busy = [False]

    def item(n: int) -> tuple[int, str]:
        if os.getpid() == parent and not busy[0]:
            busy[0] = True
            deadline = time.perf_counter() + 2.0
            while time.perf_counter() < deadline:  # pure Python: holds the interpreter lock
                pass
        return os.getpid(), str(n) * (4 << 20)  # 4 MiB or more: dozens of pipe-fulls

    done = parallel.fork_map(item, list(range(20)), 2)
    assert [text[:1] for _, text in done] == [str(n)[:1] for n in range(20)]
    by_child = sum(pid != parent for pid, _ in done)
    assert by_child >= 15, f"the child wrote only {by_child} of 20 results while this process was busy"


def test_a_child_whose_file_is_full_sends_its_results_through_the_pipe(tmp_path: Path,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """A temporary folder that fills up (a Lambda function's /tmp is 512 MB) costs no result: the
    child sends the rest through the pipe, and none of its items is done twice."""
    parent = os.getpid()
    refused = tmp_path / "refused"
    real_pwrite = os.pwrite

    def pwrite_until_full(fd: int, data: Any, offset: int) -> int:
        if os.getpid() != parent and offset > 0:  # the child's file takes its first result only
            refused.touch()
            raise OSError(28, "No space left on device")
        return real_pwrite(fd, data, offset)

    monkeypatch.setattr(parallel.os, "pwrite", pwrite_until_full)

    def item(n: int) -> tuple[int, str]:
        time.sleep(0.002)  # long enough for the child to take items on a busy machine
        return os.getpid(), str(n) * (256 << 10)

    done = parallel.fork_map(item, list(range(40)), 2)
    assert [text[:2] for _, text in done] == [str(n) * 2 if n < 10 else str(n)[:2] for n in range(40)]
    assert refused.exists() and sum(pid != parent for pid, _ in done) >= 2


def _materialised(chunks: Any) -> list[bytes]:
    """The chunks' bytes, a range of a file read from it."""
    return [b"".join(c.read()) if isinstance(c, FileRange) else c for c in chunks]


def test_spooled_results_are_read_in_order_from_the_files_that_hold_them() -> None:
    """Bytes results stay in the file of the process that computed them (no pickling, nothing read
    back: each comes out, in item order, as the range of the file that holds it); close releases
    the files."""
    parent = os.getpid()

    def item(n: int) -> bytes:
        time.sleep(0.002)  # long enough for the child to take items on a busy machine
        return f"{n}:{os.getpid() != parent}|".encode() * (n + 1)

    spooled = parallel.fork_map_spooled(item, list(range(40)), 2)
    try:
        ranges = list(spooled.chunks())
        chunks = _materialised(ranges)
    finally:
        spooled.close()
    text = b"".join(chunks).decode()
    runs = [p for p in text.split("|") if p]
    assert [int(p.split(":")[0]) for p in dict.fromkeys(runs)] == list(range(40))
    assert any(p.endswith("True") for p in runs) and any(p.endswith("False") for p in runs)  # both worked
    assert all(isinstance(c, FileRange) for c in ranges) and spooled._files == []


def test_spooled_results_of_a_failed_child_are_computed_here() -> None:
    """A child that dies leaves its items undelivered: they are computed here in their turn."""
    parent = os.getpid()

    def item(n: int) -> bytes:
        if os.getpid() != parent and n >= 5:
            os._exit(3)
        time.sleep(0.002)
        return str(n).encode()

    spooled = parallel.fork_map_spooled(item, list(range(30)), 2)
    try:
        assert b",".join(_materialised(spooled.chunks())) == b",".join(str(n).encode() for n in range(30))
    finally:
        spooled.close()


def test_spooled_results_go_through_the_pipe_once_the_file_is_full(tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """The child's file refusing writes (a full disk) costs no result: the rest come through the pipe."""
    parent = os.getpid()
    real_pwrite = os.pwrite

    def pwrite_until_full(fd: int, data: Any, offset: int) -> int:
        if os.getpid() != parent and offset > 0:
            raise OSError(28, "No space left on device")
        return real_pwrite(fd, data, offset)

    monkeypatch.setattr(parallel.os, "pwrite", pwrite_until_full)

    def item(n: int) -> bytes:
        time.sleep(0.002)
        return (f"{n}," * 1000).encode()

    spooled = parallel.fork_map_spooled(item, list(range(40)), 2)
    try:
        assert b"".join(_materialised(spooled.chunks())) == b"".join((f"{n}," * 1000).encode() for n in range(40))
    finally:
        spooled.close()


def test_without_a_temporary_file_the_work_is_done_here(monkeypatch: pytest.MonkeyPatch) -> None:
    """No writable temporary folder (a full disk, a read-only container): no child, same results."""
    def refuse(*_args: object, **_kwargs: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(parallel.tempfile, "TemporaryFile", refuse)
    parent = os.getpid()
    done = parallel.fork_map(lambda n: (n * n, os.getpid()), list(range(10)), 3)
    assert done == [(n * n, parent) for n in range(10)]


def test_no_fork_while_other_threads_run() -> None:
    """A forked child inherits every lock, not the threads that would release them."""
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        assert not parallel.can_fork()
        assert parallel.fork_map(lambda n: n + 1, [1, 2, 3], 2) == [2, 3, 4]
    finally:
        stop.set()
        thread.join()
    assert parallel.can_fork()


def test_the_default_forks_only_for_large_audits() -> None:
    from vpcaudit.engine.runner import PARALLEL_MIN_SCOPES, worker_count

    assert worker_count(None, PARALLEL_MIN_SCOPES - 1) == 1
    assert worker_count(None, PARALLEL_MIN_SCOPES) == (os.cpu_count() or 1)
    assert worker_count(2, 1) == 2 and worker_count(0, 500) == 1


def test_cyclic_gc_is_paused_while_rules_run_and_restored_after(estate: Snapshot) -> None:
    seen: list[bool] = []

    @rule(id="TST900", name="gc-probe", severity=Severity.INFO, needs=())
    def probe(ctx: RuleContext) -> Iterator[object]:
        """Records whether the cyclic collector runs.

        ## Why it matters
        Test only.

        ## How to fix
        Nothing.
        """
        seen.append(gc.isenabled())
        yield from ()

    assert gc.isenabled()
    run(estate, [probe], RunSettings(workers=1))
    assert seen and not any(seen) and gc.isenabled()
    gc.disable()
    try:
        run(estate, [probe], RunSettings(workers=1))
        assert not gc.isenabled()  # left as it was found
    finally:
        gc.enable()


def test_snapshot_wide_facts_are_computed_once_per_audit(estate: Snapshot) -> None:
    calls: list[str] = []

    def count_vpcs(snapshot: Snapshot, region: str) -> int:
        calls.append(region)
        return sum(len(r.vpcs) for a in snapshot.accounts for r in a.regions if r.region == region)

    @rule(id="TST901", name="shared-probe", severity=Severity.INFO, needs=())
    def probe(ctx: RuleContext) -> Iterator[object]:
        """Asks a snapshot-wide question from every scope.

        ## Why it matters
        Test only.

        ## How to fix
        Nothing.
        """
        assert ctx.shared.get(count_vpcs, ctx.region.region) == 4 * 5  # 4 accounts x (4 VPCs + default)
        yield from ()

    run(estate, [probe], RunSettings(workers=1))
    assert sorted(calls) == sorted({r.region for a in estate.accounts for r in a.regions})
    assert SharedFacts(estate).get(count_vpcs, "us-east-1") == 20


def test_view_groupings_are_the_plain_filters(estate: Snapshot) -> None:
    """Each per-VPC accessor returns exactly what filtering (and sorting) the Region did."""
    for account in estate.accounts:
        for region in account.regions:
            view = NetworkView.build(account, region)
            for vpc_id in view.vpcs:
                assert view.endpoints_of(vpc_id) == tuple(
                    e for e in sorted(region.vpc_endpoints, key=lambda e: e.vpc_endpoint_id) if e.vpc_id == vpc_id)
                for kind in ("Interface", "Gateway"):
                    assert view.endpoints_of(vpc_id, kind) == tuple(
                        e for e in view.endpoints_of(vpc_id) if e.endpoint_type == kind)
                assert view.nat_gateways_of(vpc_id) == tuple(
                    n for n in sorted(region.nat_gateways, key=lambda n: n.nat_gateway_id) if n.vpc_id == vpc_id)
                assert view.route_tables_of(vpc_id) == tuple(
                    t for t in sorted(region.route_tables, key=lambda t: t.route_table_id) if t.vpc_id == vpc_id)
                assert view.workload_enis(vpc_id) == tuple(
                    i for i in sorted(region.network_interfaces, key=lambda i: i.network_interface_id)
                    if i.vpc_id == vpc_id and view.is_workload(i))
                assert view.hosted_zones_of(vpc_id) == tuple(
                    z for z in region.hosted_zones if any(a.vpc_id == vpc_id and a.vpc_region == region.region
                                                          for a in z.vpcs))
                assert view.internet_gateways_of(vpc_id) == tuple(
                    g for g in region.internet_gateways if g.kind == "igw" and vpc_id in g.attached_vpc_ids)
                assert view.resolver_rules_of(vpc_id) == tuple(
                    a for a in region.resolver_rules if a.vpc_id == vpc_id)
                assert view.main_route_table(vpc_id) == next(
                    (t for t in view.route_tables_of(vpc_id) if t.is_main), None)
            for subnet in region.subnets:
                explicit = next((a for a in region.network_acls if subnet.subnet_id in a.subnet_ids), None)
                assert view.nacl_of(subnet.subnet_id) == (explicit or next(
                    a for a in region.network_acls if a.vpc_id == subnet.vpc_id and a.is_default))
            for key in ("s3", "dynamodb", "kms"):
                names = {f"com.amazonaws.{region.region}.{key}", f"cn.com.amazonaws.{region.region}.{key}"}
                assert view.service_prefix_list(key) == next(
                    (p for p in region.prefix_lists if p.prefix_list_name in names), None)


def test_service_details_are_shared_by_endpoints_that_name_the_same_service(estate: Snapshot) -> None:
    account = estate.accounts[0]
    view = NetworkView.build(account, account.regions[0])
    endpoint = next(e for e in view.endpoints.values() if e.endpoint_type == "Interface")
    twin = replace(endpoint, vpc_endpoint_id="vpce-0twin", vpc_id="vpc-0other")
    assert view.service(twin) is view.service(endpoint)
    assert view.service(replace(endpoint, endpoint_type="GatewayLoadBalancer")) != view.service(endpoint)
