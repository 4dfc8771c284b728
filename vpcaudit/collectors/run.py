"""Collect a snapshot of one account: identity, regions, then every part, concurrently.

Why a small dependency scheduler: parts depend on each other (DNS attributes and hosted zones
need the VPC list, metrics need NAT gateways and endpoints) but most do not, so each
(region, part) is a task that starts as soon as what it needs is done, on a bounded pool.
Per-resource calls (two ``DescribeVpcAttribute`` per VPC, one ``GetBucketPolicy`` per bucket…)
run on a second bounded pool, so a task waiting for them never starves the pool it runs on.
A part that fails becomes a gap in the snapshot (denied, throttled, error) and the rest goes
on; only unusable credentials or an unlistable set of regions stop the collection. An account
with many Regions has them dealt over forked processes, one per usable CPU
(:mod:`vpcaudit.collectors.shards`): the calls' CPU is botocore's, under one interpreter lock.

Many accounts (:func:`collect_accounts`) are collected the same way, one per assumed role, on a
bounded pool of accounts; one shared call counter and one progress total cover them all, and
an account whose role cannot be assumed is recorded with every part denied instead of
stopping the others.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, replace
from functools import partial
from queue import SimpleQueue
from typing import TYPE_CHECKING, Any

from botocore.exceptions import ClientError

from vpcaudit import __version__
from vpcaudit.aws import accounts as roles
from vpcaudit.aws.accounting import CallCounter
from vpcaudit.aws.budget import DEFAULT_CONCURRENCY, CallBudget
from vpcaudit.aws.clients import ClientFactory
from vpcaudit.aws.errors import Gap, classify
from vpcaudit.aws.organization import Discovered, Discovery, discover
from vpcaudit.collectors import account, assemble, catalog, shards
from vpcaudit.collectors.assemble import Ok, Outcome
from vpcaudit.collectors.base import AccountCollector, Collector, Scope
from vpcaudit.collectors.pacing import fewer_cycle_collections
from vpcaudit.errors import CollectionError, CredentialsError, ReadOnlyViolation, ThrottledError, UsageError
from vpcaudit.snapshot.model import (
    SCHEMA_VERSION,
    AccountSnapshot,
    Part,
    RoleAccess,
    Snapshot,
    State,
    normalised,
)

if TYPE_CHECKING:
    import boto3

Progress = Callable[[int, int, str], None]
TaskKey = tuple[str | None, Part]  # (region, part); region None for an account-wide part


@dataclass(frozen=True)
class CollectionOutcome:
    snapshot: Snapshot
    calls: dict[str, int]  # "ec2:DescribeVpcs" -> logical calls (pages) made
    http_attempts: dict[str, int]  # including botocore retries


def collect_snapshot(
    session: boto3.session.Session,
    regions: Sequence[str] | None,
    parts: Collection[Part] | None = None,
    *,
    endpoint_url: str | None = None,
    max_workers: int | None = None,
    metrics_days: int = 14,
    progress: Progress | None = None,
    concurrency: int | None = None,
    processes: int = 0,
) -> CollectionOutcome:
    """Collect ``parts`` (None: every non-opt-in part) in ``regions`` (None: every enabled region).

    ``concurrency`` calls in flight at most (None: 8 per Region collected, at least 32), each
    account-Region keeping to its own bound. ``max_workers`` (default: as many as the calls in
    flight) threads run parts, as many run per-resource calls. With at least four Regions per
    usable CPU, and no other thread running, the Regions are dealt over that many processes,
    each with its share of the calls in flight and of the threads (``processes``, if not 0, sets
    how many). Raises CredentialsError when the credentials are missing or rejected,
    CollectionError when the regions cannot be determined; every other failure is recorded in
    the snapshot.
    """
    workers = max_workers or concurrency
    factory = ClientFactory(session, operations=catalog.collector_operations(), endpoint_url=endpoint_url,
                            pool_size=2 * (workers or DEFAULT_CONCURRENCY), budget=CallBudget(concurrency))
    with fewer_cycle_collections():
        return collect_with(factory, regions, parts, region_hint=(regions[0] if regions else session.region_name),
                            max_workers=workers, metrics_days=metrics_days, progress=progress, processes=processes)


def collect_with(
    factory: ClientFactory,
    regions: Sequence[str] | None,
    parts: Collection[Part] | None = None,
    *,
    region_hint: str | None = None,
    max_workers: int | None = None,
    metrics_days: int = 14,
    progress: Progress | None = None,
    processes: int = 0,
) -> CollectionOutcome:
    """:func:`collect_snapshot` with a ready client factory (tests tune retries through it).
    ``max_workers`` None: as many threads as the factory's budget lets calls be in flight, once
    fitted to the account's Regions (8 without a budget)."""
    now = dt.datetime.now(dt.timezone.utc)
    home = account.home_region(factory, region_hint)
    account_id = account.caller_account(factory, home)
    plan = account.plan_regions(factory, home, regions)
    wanted = catalog.with_dependencies(catalog.default_parts() if parts is None else parts)
    processes = shards.processes_for(len(plan.enabled), processes)
    here, *elsewhere = shards.deal(plan.enabled, processes)
    if factory.budget is not None:
        factory.budget.fit_regions(len(plan.enabled))
        max_workers = max_workers or factory.budget.concurrency
        if processes > 1:
            factory.budget.share(processes)
    max_workers = max(1, (max_workers or 8) // processes)
    share = partial(_collect_share, factory, account_id, wanted, max_workers, metrics_days, now)
    children = [shards.Child.fork(regions, partial(share, regions)) for regions in elsewhere]
    try:
        with ThreadPoolExecutor(max_workers, thread_name_prefix="vpcaudit-calls") as calls_pool:
            scope = Scope(account_id, home, factory, calls_pool, metrics_days, now)
            outcomes = _Scheduler(scope, here, wanted, max_workers, progress, children=children).run()
    finally:
        for child in children:
            child.close()
    by_region: dict[str | None, dict[Part, Outcome]] = {}
    for (region, part), outcome in outcomes.items():
        by_region.setdefault(region, {})[part] = outcome
    region_snaps = [assemble.region_snapshot(r, by_region.get(r, {})) for r in plan.enabled]
    region_snaps += [assemble.not_enabled_region(r, wanted) for r in plan.not_enabled]
    snapshot = normalised(Snapshot(
        schema_version=SCHEMA_VERSION, tool_version=__version__,
        taken_at=now.strftime("%Y-%m-%dT%H:%M:%SZ"),
        accounts=(assemble.account_snapshot(account_id, tuple(region_snaps), by_region.get(None, {})),),
        options=_options(regions, wanted, metrics_days)))
    return CollectionOutcome(snapshot, factory.counter.calls(), factory.counter.http_attempts())


_Counts = tuple[dict[str, int], dict[str, int]]  # calls and HTTP attempts per operation


def _collect_share(factory: ClientFactory, account_id: str, parts: frozenset[Part], max_workers: int,
                   metrics_days: int, now: dt.datetime, regions: tuple[str, ...],
                   send: Callable[[object], None]) -> _Counts:
    """A forked child's work: the Region parts of ``regions`` (the parent collects the
    account-wide parts, which need every Region), each task's outcomes sent to the parent as
    soon as it ends; returns the calls and HTTP attempts the child made."""
    factory.after_fork()
    with ThreadPoolExecutor(max_workers, thread_name_prefix="vpcaudit-calls") as calls_pool:
        scope = Scope(account_id, regions[0], factory, calls_pool, metrics_days, now)
        _Scheduler(scope, regions, parts, max_workers, None, account_parts=False,
                   forward=lambda outcomes, label: send((outcomes, label))).run()
    return factory.counter.calls(), factory.counter.http_attempts()


def collect_accounts(
    session: boto3.session.Session,
    regions: Sequence[str] | None,
    parts: Collection[Part] | None = None,
    *,
    accounts: roles.AccountPlan,
    endpoint_url: str | None = None,
    max_workers: int | None = None,
    metrics_days: int = 14,
    progress: Progress | None = None,
    concurrency: int | None = None,
    processes: int = 0,
) -> CollectionOutcome:
    """:func:`collect_snapshot` over every account of ``accounts``, merged into one snapshot.

    With a discovery, the organization's accounts are listed first. Each role is assumed from
    ``session`` right before its account is collected; every account's calls share one
    :class:`~vpcaudit.aws.budget.CallBudget` of ``concurrency`` calls (None: 32, or for a lone
    account as without roles), so adding accounts adds no load on any one account-Region.
    Raises CredentialsError when the base credentials are unusable, CollectionError when the
    organization cannot be listed or a role is in the base account that ``include_base`` already
    collects; a role that cannot be assumed, or whose account cannot be collected at all, is
    recorded in the snapshot and the rest goes on.
    ``max_workers``: threads per account (default: the run's ``concurrency`` shared by the
    accounts collected at once, never below one account-Region's bound). ``processes``: how many
    processes the accounts are dealt over (0: one per usable CPU); each account is collected by
    one process, on a thread of it, and its Regions are not dealt further — but a lone account's
    Regions are, as without roles.
    """
    if not accounts.roles and accounts.discovery is None:
        return collect_snapshot(session, regions, parts, endpoint_url=endpoint_url, max_workers=max_workers,
                                metrics_days=metrics_days, progress=progress, concurrency=concurrency,
                                processes=processes)
    with fewer_cycle_collections():
        return _collect_roles(session, regions, parts, accounts=accounts, endpoint_url=endpoint_url,
                              max_workers=max_workers, metrics_days=metrics_days, progress=progress,
                              concurrency=concurrency, processes=processes)


def _collect_roles(
    session: boto3.session.Session,
    regions: Sequence[str] | None,
    parts: Collection[Part] | None,
    *,
    accounts: roles.AccountPlan,
    endpoint_url: str | None,
    max_workers: int | None,
    metrics_days: int,
    progress: Progress | None,
    concurrency: int | None,
    processes: int,
) -> CollectionOutcome:
    """:func:`collect_accounts` through roles (or an organization's accounts), the accounts dealt
    over forked processes (one per usable CPU, or ``processes``), each account on a thread."""
    now = dt.datetime.now(dt.timezone.utc)
    counter = CallCounter()
    budget = CallBudget(concurrency)
    base = ClientFactory(session, operations=roles.ROLE_CLIENT_OPERATIONS, endpoint_url=endpoint_url, counter=counter,
                         budget=budget)
    home = account.home_region(base, regions[0] if regions else session.region_name)
    base_id = account.caller_account(base, home)  # unusable base credentials stop here, before any thread
    accounts, found = _resolve(accounts, base, home, base_id)
    clash = next((r.arn for r in accounts.roles if r.account_id == base_id), None)
    if accounts.include_base and clash:
        raise UsageError(f"{clash} is in the base credentials' own account {base_id}, which is already "
                         "collected as the base account: drop the role or the base account", "include_base_account")
    totals = _AccountsProgress(progress)
    loader = roles.model_loader()
    targets: list[roles.Role | None] = [*accounts.roles, *([None] if accounts.include_base else [])]  # None: base
    count = shards.processes_for(len(targets), processes, per_process=1)
    here, *elsewhere = shards.deal(targets, count)
    if len(targets) > 1:
        budget.keep()  # several accounts share the run's bound, whatever their Regions
    if count > 1:
        budget.share(count)
    # A lone account: as many threads as its budget lets calls be in flight, once fitted to its Regions.
    workers = max_workers or (None if len(targets) == 1 else _threads_per_account(budget, len(here)))

    def collect(account_session: boto3.session.Session, label: str) -> AccountSnapshot:
        factory = ClientFactory(account_session, operations=catalog.collector_operations(), endpoint_url=endpoint_url,
                                pool_size=2 * (workers or DEFAULT_CONCURRENCY), counter=counter, budget=budget)
        return collect_with(factory, regions, parts, region_hint=regions[0] if regions else session.region_name,
                            max_workers=workers, metrics_days=metrics_days, progress=totals.of(label),
                            processes=processes if len(targets) == 1 else 1).snapshot.accounts[0]

    def through(role: roles.Role) -> AccountSnapshot | Gap:
        assumed = roles.assume(base, home, role, accounts.session_name, session, loader)
        if isinstance(assumed, Gap):
            return assumed
        try:
            return replace(collect(assumed, role.account_id), role=RoleAccess(role.arn))
        except (CredentialsError, CollectionError) as exc:
            state = State.THROTTLED if isinstance(exc, ThrottledError) else State.ERROR
            return roles.role_gap(role, f"assumed, but the collection could not start: {exc}", None, state)

    def account_of(target: roles.Role | None) -> str:
        return base_id if target is None else target.account_id

    def one(target: roles.Role | None) -> tuple[str, AccountSnapshot | Gap]:
        return (base_id, collect(session, base_id)) if target is None else (target.account_id, through(target))

    def share_of(share: tuple[roles.Role | None, ...], send: Callable[[object], None]) -> _Counts:
        """A forked child's work: its accounts, each sent as soon as it is collected."""
        counter.clear()
        base.after_fork(counter)
        totals.forward_to(lambda *update: send(("progress", *update)))
        for account_id, outcome in _each_collected(one, share, budget.accounts_at_once):
            send(("account", account_id, outcome))
        return counter.calls(), counter.http_attempts()

    outcomes: dict[str, AccountSnapshot | Gap] = {}
    children = [shards.Child.fork(share, partial(share_of, share)) for share in elsewhere]
    try:
        readers = _AccountReaders(children, outcomes, totals, counter)
        outcomes.update(_each_collected(one, here, budget.accounts_at_once))
        readers.join()
        left = [t for t in targets if account_of(t) not in outcomes]  # a child died
        outcomes.update(_each_collected(one, left, budget.accounts_at_once))
    finally:
        for child in children:
            child.close()
    done = {account_of(t): outcomes[account_of(t)] for t in targets}
    wanted = catalog.with_dependencies(catalog.default_parts() if parts is None else parts)
    collected = [a for a in done.values() if isinstance(a, AccountSnapshot)]
    # A failed account's regions are unknown with --all-regions: record those the others had.
    failed_regions = tuple(regions) if regions is not None else tuple(
        sorted({reg.region for a in collected for reg in a.regions}) or (home,))
    arns = {role.account_id: role.arn for role in accounts.roles}
    failed = [failed_account(account_id, arns[account_id], gap, failed_regions, wanted)
              for account_id, gap in done.items() if isinstance(gap, Gap)]
    options = {**_options(regions, wanted, metrics_days), "role_arns": sorted(r.arn for r in accounts.roles),
               "include_base_account": accounts.include_base}
    snapshot = normalised(Snapshot(schema_version=SCHEMA_VERSION, tool_version=__version__,
                                   taken_at=now.strftime("%Y-%m-%dT%H:%M:%SZ"), accounts=(*collected, *failed),
                                   options=options, skipped_accounts=found.skipped if found else ()))
    return CollectionOutcome(snapshot, counter.calls(), counter.http_attempts())


def _threads_per_account(budget: CallBudget, accounts: int) -> int:
    """Part threads (and as many per-resource ones) per account: a lone account, e.g. one Lambda
    invocation's, may fill the run's budget over its Regions; many share it, each keeping at
    least one account-Region's worth."""
    at_once = max(1, min(accounts, budget.accounts_at_once))
    return max(budget.per_region, budget.concurrency // at_once)


def discover_accounts(session: boto3.session.Session, plan: roles.AccountPlan, region_hint: str | None, *,
                      endpoint_url: str | None = None) -> Discovered:
    """The organization accounts ``plan`` covers, without collecting them: what a fan-out engine
    distributes. CredentialsError / CollectionError as for :func:`collect_accounts`."""
    if plan.discovery is None:
        raise UsageError("listing the organization's accounts needs org or ous", "org")
    base = ClientFactory(session, operations=roles.ROLE_CLIENT_OPERATIONS, endpoint_url=endpoint_url)
    home = account.home_region(base, region_hint or session.region_name)
    return _discovered(plan, plan.discovery, base, home, account.caller_account(base, home))


def _resolve(plan: roles.AccountPlan, base: ClientFactory, home: str,
             base_id: str) -> tuple[roles.AccountPlan, Discovered | None]:
    """The plan with its discovery turned into roles, and what the discovery found (None without one)."""
    if plan.discovery is None:
        return plan, None
    found = _discovered(plan, plan.discovery, base, home, base_id)
    return replace(plan, roles=tuple(roles.Role(m.role_arn, plan.external_id) for m in found.members)), found


def _discovered(plan: roles.AccountPlan, discovery: Discovery, base: ClientFactory, home: str,
                base_id: str) -> Discovered:
    """The organization's accounts to collect through roles: the base account is left to
    ``include_base`` when that collects it; CollectionError when nothing is left."""
    found = discover(base, home, discovery)
    members = tuple(m for m in found.members if not (plan.include_base and m.account_id == base_id))
    if not members and not plan.include_base:
        raise CollectionError(f"no ACTIVE account to collect in the organization ({len(found.skipped)} skipped for "
                              f"their state, {len(found.excluded)} excluded)", "ous" if discovery.ous else "org")
    return replace(found, members=members)


def failed_account(account_id: str, role_arn: str, gap: Gap, regions: Sequence[str],
                   parts: Collection[Part]) -> AccountSnapshot:
    """An account nothing could be read from: every requested part, everywhere, carries ``gap``,
    and the account records the refused role."""
    region_snaps = tuple(assemble.region_snapshot(r, {p: gap for p in parts if not p.is_global}) for r in regions)
    account = assemble.account_snapshot(account_id, region_snaps, {p: gap for p in parts if p.is_global})
    return replace(account, role=RoleAccess(role_arn, gap.state, gap.error_code, gap.message))


def _each_collected(one: Callable[[roles.Role | None], tuple[str, AccountSnapshot | Gap]],
                    targets: Sequence[roles.Role | None], at_once: int) -> Iterator[tuple[str, AccountSnapshot | Gap]]:
    """``one(target)`` for every target, ``at_once`` accounts on threads, as each is done; the
    first exception stops the rest (accounts not started never will be) and propagates. A lone
    account is collected on this thread: with no other thread running, its Regions may be
    dealt over processes (one Lambda invocation per member account is this case)."""
    if len(targets) == 1:
        yield one(targets[0])
        return
    if not targets:
        return
    with ThreadPoolExecutor(at_once, thread_name_prefix="vpcaudit-accounts") as pool:
        jobs = [pool.submit(one, target) for target in targets]
        try:
            for job in as_completed(jobs):
                yield job.result()
        except BaseException:
            pool.shutdown(cancel_futures=True)
            raise


class _AccountReaders:
    """Threads reading what each child sends: its accounts as they are collected, their progress,
    and at the end its call counts; :meth:`join` raises what a child raised. The accounts of a
    child that ended without its counts stay missing, for this process to collect."""

    def __init__(self, children: Sequence[shards.Child[_Counts]], outcomes: dict[str, AccountSnapshot | Gap],
                 totals: _AccountsProgress, counter: CallCounter) -> None:
        self._outcomes = outcomes
        self._totals = totals
        self._counter = counter
        self._errors: list[BaseException] = []
        self._threads = [threading.Thread(target=self._read, args=(child,), name="vpcaudit-child-reader", daemon=True)
                         for child in children]
        for thread in self._threads:
            thread.start()

    def _read(self, child: shards.Child[_Counts]) -> None:
        try:
            counts = child.result(self._receive)
        except BaseException as exc:  # raised in the main thread by join()
            self._errors.append(exc)
            return
        if counts is not None:
            self._counter.add(*counts)

    def _receive(self, message: object) -> None:
        kind, account_id, *rest = message  # type: ignore[misc]
        if kind == "account":
            self._outcomes[account_id] = rest[0]
        else:
            self._totals.update(account_id, *rest)

    def join(self) -> None:
        for thread in self._threads:
            thread.join()
        if self._errors:
            raise self._errors[0]


class _AccountsProgress:
    """One progress total over every account: each account's scheduler reports its own
    ``(done, total)``; the sum, labelled with the account, goes to the real progress callback.
    In a forked child, each account's reports go to the parent instead (:meth:`forward_to`)."""

    def __init__(self, progress: Progress | None) -> None:
        self._progress = progress
        self._forward: Callable[[str, int, int, str], None] | None = None
        self._counts: dict[str, tuple[int, int]] = {}
        self._lock = threading.Lock()

    def forward_to(self, forward: Callable[[str, int, int, str], None]) -> None:
        """Send each account's own ``(account, done, total, label)`` to ``forward`` from now on."""
        self._forward = forward

    def of(self, account_id: str) -> Progress | None:
        if self._progress is None:
            return None
        forward = self._forward
        if forward is not None:
            return lambda done, total, label: forward(account_id, done, total, label)
        return lambda done, total, label: self.update(account_id, done, total, label)

    def update(self, account_id: str, done: int, total: int, label: str) -> None:
        """One account's own progress; reports the sum over every account."""
        if self._progress is None:
            return
        with self._lock:  # held while reporting, so the total never appears to go backwards
            self._counts[account_id] = (done, total)
            self._progress(sum(d for d, _ in self._counts.values()), sum(t for _, t in self._counts.values()),
                           f"{account_id} {label}".rstrip())


def _options(regions: Sequence[str] | None, parts: frozenset[Part], metrics_days: int) -> dict[str, Any]:
    """What was asked for, recorded in the snapshot (lists, so the JSON round-trips exactly)."""
    options: dict[str, Any] = {"regions": sorted(set(regions)) if regions is not None else "all",
                               "parts": sorted(p.value for p in parts)}
    if Part.METRICS in parts:
        options["metrics_days"] = metrics_days
    return options


@dataclass(frozen=True)
class _Task:
    key: TaskKey | None  # None: the Regions of a child process, which reports their tasks itself
    deps: tuple[TaskKey, ...]
    run: Callable[[Mapping[TaskKey, Outcome]], dict[TaskKey, Outcome]]

    @property
    def label(self) -> str:
        if self.key is None:
            return ""
        region, part = self.key
        return f"{region or 'account'} {part.value}"


Forward = Callable[[dict[TaskKey, Outcome], str], None]


@dataclass(frozen=True)
class _Arrival:
    """Outcomes for the scheduler: of a task of its own (``ended``), or of one a child finished."""

    outcomes: dict[TaskKey, Outcome]
    label: str | None  # a finished task's progress label; None when no task of the total ended
    ended: bool = False  # a task of this scheduler's pool has ended (its outcomes are these)
    error: BaseException | None = None


class _Scheduler:
    """Runs every (region, part) task once its dependencies are done.

    The Regions of ``children`` are collected by those processes; each of their tasks counts as
    done as soon as its outcome arrives, so an account-wide part waits only for the parts it
    needs (hosted zones: every Region's VPC list), not for the children to finish. ``forward``
    receives the outcomes of every task this scheduler runs, with its label (a child's scheduler
    sends them on to its parent).
    """

    def __init__(self, scope: Scope, regions: tuple[str, ...], parts: frozenset[Part], max_workers: int,
                 progress: Progress | None, *, children: Sequence[shards.Child[_Counts]] = (),
                 account_parts: bool = True, forward: Forward | None = None) -> None:
        self._scope = scope
        self._regions = (*regions, *(region for child in children for region in child.share))
        self._parts = parts
        self._max_workers = max_workers
        self._progress = progress
        self._forward = forward
        self._arrivals: SimpleQueue[_Arrival] = SimpleQueue()
        selected = [c for c in catalog.COLLECTORS.values() if c.part in parts]
        regional = [c for c in selected if isinstance(c, Collector)]
        self._tasks = [self._account_task(c) for c in selected if isinstance(c, AccountCollector) and account_parts]
        # Part by part, Region after Region: the tasks ready first are spread over every Region,
        # so the pool's threads wait on many account-Region budgets, not all on the first one's.
        self._tasks += [self._region_task(region, c) for c in regional for region in regions]
        self._tasks += [self._child_task(child) for child in children]
        self._total = len(self._tasks) - len(children) + len(regional) * (len(self._regions) - len(regions))
        self._finished = 0

    def run(self) -> dict[TaskKey, Outcome]:
        done: dict[TaskKey, Outcome] = {}
        pending = dict(enumerate(self._tasks))
        self._report("")
        with ThreadPoolExecutor(self._max_workers, thread_name_prefix="vpcaudit-parts") as pool:
            running = 0
            while pending or running:
                for number, task in list(pending.items()):
                    if all(dep in done for dep in task.deps):
                        del pending[number]
                        pool.submit(self._perform, task, dict(done))
                        running += 1
                arrival = self._arrivals.get()
                if arrival.error is not None:
                    raise arrival.error
                done.update(arrival.outcomes)
                running -= arrival.ended
                if arrival.label is not None:
                    self._finished = min(self._finished + 1, self._total)  # a child's Regions redone here count again
                    self._report(arrival.label)
                    if self._forward is not None and arrival.ended:
                        self._forward(arrival.outcomes, arrival.label)
        return done

    def _perform(self, task: _Task, done: Mapping[TaskKey, Outcome]) -> None:
        """Run ``task`` on a pool thread; its outcomes (or its exception) go to the main loop."""
        try:
            self._arrivals.put(_Arrival(task.run(done), None if task.key is None else task.label, ended=True))
        except BaseException as exc:  # raised by the main loop, as the task's own thread cannot
            self._arrivals.put(_Arrival({}, None, ended=True, error=exc))

    def _report(self, label: str) -> None:
        if self._progress is not None:
            self._progress(self._finished, self._total, label)

    def _child_task(self, child: shards.Child[_Counts]) -> _Task:
        def arrived(outcomes: dict[TaskKey, Outcome], label: str) -> None:
            self._arrivals.put(_Arrival(outcomes, label))

        def run(_: Mapping[TaskKey, Outcome]) -> dict[TaskKey, Outcome]:
            counts = child.result(lambda message: arrived(*message))
            if counts is None:  # the child ended without a result: collect its Regions here
                _Scheduler(self._scope, child.share, self._parts, self._max_workers, None, account_parts=False,
                           forward=arrived).run()
            else:
                self._scope.factory.counter.add(*counts)
            return {}

        return _Task(None, (), run)

    def _region_task(self, region: str, collector: Collector) -> _Task:
        scope = Scope(self._scope.account_id, region, self._scope.factory, self._scope.pool,
                      self._scope.metrics_days, self._scope.now)
        key: TaskKey = (region, collector.part)

        def run(done: Mapping[TaskKey, Outcome]) -> dict[TaskKey, Outcome]:
            inputs: dict[Part, Any] = {}
            for need in collector.needs:
                dep = done[(region, need)]
                if not isinstance(dep, Ok):
                    return {key: _missing_dependency(need, dep)}
                inputs[need] = dep.value
            return {key: _attempt(lambda: collector.fetch(scope, inputs), collector.operations)}

        return _Task(key, tuple((region, need) for need in collector.needs), run)

    def _account_task(self, collector: AccountCollector) -> _Task:
        part = collector.part
        deps = tuple((region, need) for region in self._regions for need in collector.needs)

        def run(done: Mapping[TaskKey, Outcome]) -> dict[TaskKey, Outcome]:
            inputs: dict[str, dict[Part, Any]] = {}
            gaps: dict[str, Gap] = {}
            for region in self._regions:
                deps = {need: done[(region, need)] for need in collector.needs}
                failed = [(need, dep) for need, dep in deps.items() if isinstance(dep, Gap)]
                if failed:
                    gaps[region] = _missing_dependency(*failed[0])
                else:
                    inputs[region] = {need: dep.value for need, dep in deps.items() if isinstance(dep, Ok)}
            outcome = _attempt(lambda: collector.fetch(self._scope, inputs), collector.operations)
            if part.is_global:
                return {(None, part): outcome}
            result: dict[TaskKey, Outcome] = {(region, part): gap for region, gap in gaps.items()}
            for region in inputs:
                result[(region, part)] = Ok(outcome.value[region]) if isinstance(outcome, Ok) else outcome
            return result

        return _Task((None, part), deps, run)


def _missing_dependency(need: Part, dep: Gap) -> Gap:
    return Gap(State.ERROR, None, f"not collected: needs part '{need.value}', which is {dep.state.value}")


def _attempt(fetch: Callable[[], Any], operations: tuple[str, ...]) -> Outcome:
    """Run one part's fetch; any failure but a read-only violation becomes a Gap."""
    try:
        return Ok(fetch())
    except ReadOnlyViolation:
        raise
    except Exception as exc:  # recorded in the snapshot with its type and message, never hidden
        return classify(exc, _failed_operation(exc, operations))


def _failed_operation(exc: BaseException, operations: tuple[str, ...]) -> str:
    """``service:Operation`` of the call that failed, as declared by the collector."""
    if isinstance(exc, ClientError):
        name = exc.operation_name
        return next((op for op in operations if op.endswith(":" + name)), name)
    return " / ".join(operations)
