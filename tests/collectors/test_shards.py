"""Collecting an account's Regions in forked processes: the same snapshot, the same calls and
the same progress as one process, the run's call budget shared out, and nothing lost when a
child fails.

The collections run on an in-process moto account: a forked child reads the copy of it that it
inherits (collection only reads). The test of the shared budget goes through a loopback proxy
whose threads serve the children's calls from this process.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable
from typing import Any

import boto3
import loopback
import pytest

from vpcaudit.aws.accounts import plan_accounts
from vpcaudit.aws.budget import CallBudget
from vpcaudit.collectors import shards
from vpcaudit.collectors.catalog import default_parts
from vpcaudit.collectors.run import collect_accounts, collect_snapshot
from vpcaudit.errors import CollectionError, ReadOnlyViolation
from vpcaudit.snapshot.model import Part, Snapshot

REGIONS = ["us-east-1", "eu-west-1", "ap-south-1", "us-west-2", "eu-central-1", "ap-northeast-1", "sa-east-1",
           "ca-central-1"]


def seed(region: str, n: int) -> None:
    ec2 = boto3.client("ec2", region_name=region)
    for i in range(n):
        vpc = ec2.create_vpc(CidrBlock=f"10.{i}.0.0/16")["Vpc"]["VpcId"]
        ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.{i}.1.0/24")
        ec2.create_vpc_endpoint(VpcId=vpc, ServiceName=f"com.amazonaws.{region}.s3", VpcEndpointType="Gateway")


@pytest.fixture
def estate(session: boto3.session.Session) -> boto3.session.Session:
    """Eight Regions, each with a different number of VPCs (so a Region's data is its own)."""
    for n, region in enumerate(REGIONS):
        seed(region, 1 + n % 3)
    route53 = boto3.client("route53")
    vpc = boto3.client("ec2", region_name="eu-west-1").describe_vpcs()["Vpcs"][-1]["VpcId"]
    route53.create_hosted_zone(Name="eu-west-1.amazonaws.com", CallerReference="zone",
                               HostedZoneConfig={"PrivateZone": True}, VPC={"VPCRegion": "eu-west-1", "VPCId": vpc})
    return session


Work = Callable[[Callable[[object], None]], Any]


class Forks:
    """Spies on :meth:`shards.Child.fork`: the shares a collection really forked children for;
    ``wrap`` (if given) wraps each child's work, to make it fail."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, wrap: Callable[[Work], Work] | None = None) -> None:
        self.regions: list[tuple[Any, ...]] = []
        real = shards.Child.fork

        def fork(share: tuple[Any, ...], work: Work) -> shards.Child[Any]:
            self.regions.append(share)
            return real(share, wrap(work) if wrap else work)

        monkeypatch.setattr(shards.Child, "fork", staticmethod(fork))


def processes(monkeypatch: pytest.MonkeyPatch, count: int, wrap: Callable[[Work], Work] | None = None) -> Forks:
    monkeypatch.setattr(shards, "processes_for", lambda items, asked=0, per_process=0: min(asked or count, items))
    return Forks(monkeypatch, wrap)


def dies_after(messages: int) -> Callable[[Work], Work]:
    """A child that sends ``messages`` messages, then ends without a result."""
    def wrap(work: Work) -> Work:
        def dying(send: Callable[[object], None]) -> Any:
            sent = [0]

            def send_then_die(message: object) -> None:
                send(message)
                sent[0] += 1
                if sent[0] == messages:
                    os._exit(3)

            return work(send_then_die)
        return dying
    return wrap


def writes(work: Work) -> Work:
    """A child whose work calls a write operation: the guard raises in the child."""
    def writing(send: Callable[[object], None]) -> Any:
        raise ReadOnlyViolation("ec2:DeleteVpc is not a read-only operation")
    return writing


def collected(session: boto3.session.Session, **kwargs: Any) -> tuple[Snapshot, dict[str, int], list[tuple]]:
    reports: list[tuple] = []
    outcome = collect_snapshot(session, REGIONS, default_parts(), progress=lambda *r: reports.append(r), **kwargs)
    return outcome.snapshot, outcome.calls, reports


def same(a: Snapshot, b: Snapshot) -> bool:
    return a.accounts == b.accounts and a.options == b.options


@pytest.mark.parametrize("count", [2, 3])
def test_forked_collection_gives_the_same_snapshot_calls_and_progress_as_one_process(
        estate: boto3.session.Session, monkeypatch: pytest.MonkeyPatch, count: int) -> None:
    with monkeypatch.context() as one:
        processes(one, 1)
        alone, alone_calls, _ = collected(estate)
    forks = processes(monkeypatch, count)
    snapshot, calls, reports = collected(estate)

    assert forks.regions == shards.deal(REGIONS, count)[1:]
    assert same(snapshot, alone)
    assert calls == alone_calls  # the children's calls are counted here
    zones = {r.region: r.hosted_zones for r in snapshot.accounts[0].regions}
    assert [z.name for z in zones["eu-west-1"]] == ["eu-west-1.amazonaws.com"]  # a child's VPC, joined here
    done = [d for d, _, _ in reports]
    assert done == sorted(done) and len({t for _, t, _ in reports}) == 1
    assert reports[-1][0] == reports[-1][1] == len(reports) - 1  # every task reported once, here or by a child
    assert {label.split()[0] for _, _, label in reports[1:]} >= set(REGIONS)


def test_regions_of_a_child_that_dies_are_collected_here(estate: boto3.session.Session,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """The child sends a few outcomes, then ends without a result: this process collects the
    child's Regions itself, and the snapshot is whole."""
    with monkeypatch.context() as one:
        processes(one, 1)
        alone, _, _ = collected(estate)
    forks = processes(monkeypatch, 2, dies_after(5))
    snapshot, _, reports = collected(estate)
    assert forks.regions  # a child was forked, and died
    assert same(snapshot, alone)
    assert reports[-1][0] == reports[-1][1]


def test_a_read_only_violation_in_a_child_stops_the_run_here(estate: boto3.session.Session,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    processes(monkeypatch, 2, writes)
    with pytest.raises(ReadOnlyViolation, match="DeleteVpc"):
        collected(estate)


def test_the_run_budget_is_shared_by_the_processes_and_each_region_keeps_its_bound(
        moto_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Through a proxy that holds each call 60 ms: two processes with 16 calls in flight for the
    run never exceed 16 together, nor 8 in a Region, and do overlap (more than one process's 8).
    The moto server and the proxy run on threads of this process, so the test forks beside
    them: the children only talk to them through sockets."""
    for region in REGIONS:
        ec2 = boto3.client("ec2", region_name=region, endpoint_url=moto_url)
        for n in range(6):
            ec2.create_vpc(CidrBlock=f"10.{n}.0.0/16")
    forks = processes(monkeypatch, 2)
    with loopback.counting_proxy(moto_url, delay_ms=60) as proxy:
        collect_snapshot(boto3.session.Session(region_name="us-east-1"), REGIONS,
                         {Part.VPCS, Part.VPC_ATTRIBUTES, Part.SUBNETS, Part.SECURITY_GROUPS},
                         endpoint_url=proxy.url, concurrency=16)
    assert forks.regions
    assert max(proxy.peak_per_region.values()) <= 8
    assert 8 < proxy.peak_total <= 16


def test_budget_share_divides_the_run_bound_and_keeps_the_region_bound() -> None:
    budget = CallBudget(concurrency=32)
    budget.share(3)
    assert (budget.concurrency, budget.per_region) == (10, 8)
    tiny = CallBudget(concurrency=2)
    tiny.share(4)
    assert tiny.concurrency == 1  # never none at all


def test_processes_follow_the_cpus_and_the_regions_and_never_fork_beside_threads(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(os, "sched_getaffinity", lambda _pid: {0, 1, 2, 3}, raising=False)
    monkeypatch.setattr(shards, "can_fork", lambda: True)
    assert [shards.processes_for(n) for n in (1, 7, 8, 12, 24, 100)] == [1, 1, 2, 3, 4, 4]
    assert [shards.processes_for(n, asked=3) for n in (1, 2, 3, 100)] == [1, 2, 3, 3]  # the setting, one per Region
    monkeypatch.setattr(shards, "can_fork", lambda: False)  # other threads running
    assert shards.processes_for(100) == shards.processes_for(100, asked=8) == 1


def test_deal_gives_each_region_to_one_share_and_the_first_region_to_this_process() -> None:
    shares = shards.deal(REGIONS, 3)
    assert shares[0][0] == REGIONS[0]
    assert sorted(r for share in shares for r in share) == sorted(REGIONS)
    assert [len(s) for s in shares] == [3, 3, 2]


def test_a_child_sends_messages_then_its_result() -> None:
    def work(send: Callable[[object], None]) -> str:
        for n in range(3):
            send({"n": n, "pid": os.getpid()})
        return "finished"

    received: list[Any] = []
    child = shards.Child.fork(("r",), work)
    assert child.result(received.append) == "finished"
    assert [m["n"] for m in received] == [0, 1, 2] and received[0]["pid"] != os.getpid()


def test_an_exception_that_cannot_be_pickled_arrives_as_a_collection_error() -> None:
    class Local(Exception):  # a class pickle cannot find by name
        pass

    def work(send: Callable[[object], None]) -> None:
        raise Local("lost in translation")

    with pytest.raises(CollectionError, match="Local: lost in translation"):
        shards.Child.fork(("r",), work).result(lambda _m: None)


def test_close_stops_a_child_nobody_waits_for() -> None:
    child = shards.Child.fork(("r",), lambda send: time.sleep(60))
    start = time.monotonic()
    child.close()
    assert time.monotonic() - start < 5


# -- many accounts, dealt over processes ------------------------------------------------------

ACCOUNTS = {"222222222222": "10.2.0.0/16", "333333333333": "10.3.0.0/16", "444444444444": "10.4.0.0/16"}


def role_arn(account_id: str) -> str:
    return f"arn:aws:iam::{account_id}:role/audit"


@pytest.fixture
def organization(session: boto3.session.Session) -> boto3.session.Session:
    """Three member accounts (moto keeps a state per account id), a VPC of their own in each of
    two Regions, and one in the base account."""
    session.client("ec2").create_vpc(CidrBlock="10.1.0.0/16")
    for account_id, cidr in ACCOUNTS.items():
        creds = session.client("sts").assume_role(RoleArn=role_arn(account_id), RoleSessionName="seed")["Credentials"]
        member = boto3.session.Session(creds["AccessKeyId"], creds["SecretAccessKey"], creds["SessionToken"])
        for region in REGIONS[:2]:
            member.client("ec2", region_name=region).create_vpc(CidrBlock=cidr)
    return session


def collected_accounts(session: boto3.session.Session) -> tuple[Snapshot, dict[str, int], list[tuple]]:
    reports: list[tuple] = []
    plan = plan_accounts([role_arn(a) for a in ACCOUNTS], include_base=True)
    outcome = collect_accounts(session, REGIONS[:2], {Part.VPCS, Part.SUBNETS, Part.HOSTED_ZONES}, accounts=plan,
                               progress=lambda *r: reports.append(r))
    return outcome.snapshot, outcome.calls, reports


def test_accounts_dealt_over_processes_make_the_same_snapshot_calls_and_progress(
        organization: boto3.session.Session, monkeypatch: pytest.MonkeyPatch) -> None:
    with monkeypatch.context() as one:
        processes(one, 1)
        alone, alone_calls, _ = collected_accounts(organization)
    forks = processes(monkeypatch, 3)
    snapshot, calls, reports = collected_accounts(organization)

    assert [[role.account_id for role in share] for share in forks.regions] == [["333333333333"], ["444444444444"]]
    assert same(snapshot, alone) and len(snapshot.accounts) == 4
    assert {a.account_id: [c for r in a.regions for v in r.vpcs if not v.is_default for c in v.cidr_blocks]
            for a in snapshot.accounts if a.account_id in ACCOUNTS} == {a: [c, c] for a, c in ACCOUNTS.items()}
    assert calls == alone_calls  # AssumeRole and every collection call of the children, counted here
    done = [d for d, _, _ in reports]
    assert done == sorted(done) and reports[-1][0] == reports[-1][1] > 0
    assert {label.split()[0] for _, _, label in reports} >= set(ACCOUNTS)  # children's accounts reported here


def test_accounts_of_a_child_that_dies_are_collected_here(organization: boto3.session.Session,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    with monkeypatch.context() as one:
        processes(one, 1)
        alone, _, _ = collected_accounts(organization)
    forks = processes(monkeypatch, 3, dies_after(1))
    snapshot, _, _ = collected_accounts(organization)
    assert forks.regions
    assert same(snapshot, alone)


def test_a_read_only_violation_in_an_accounts_child_stops_the_run_here(organization: boto3.session.Session,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    processes(monkeypatch, 2, writes)
    with pytest.raises(ReadOnlyViolation, match="DeleteVpc"):
        collected_accounts(organization)


def test_messages_from_many_threads_of_a_child_arrive_whole() -> None:
    """Large messages (several pipe writes each) sent by eight threads at once are not interleaved."""
    def work(send: Callable[[object], None]) -> int:
        def burst(n: int) -> None:
            for i in range(20):
                send((n, i, bytes([n]) * 200_000))

        threads = [threading.Thread(target=burst, args=(n,)) for n in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        return 160

    received: list[Any] = []
    assert shards.Child.fork(("r",), work).result(received.append) == 160
    assert len(received) == 160 and all(blob == bytes([n]) * 200_000 for n, _, blob in received)


def test_a_child_that_sends_what_cannot_be_read_is_stopped_and_gives_no_result(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The second frame (here the result) does not unpickle: no result, so the caller collects
    the child's share itself, and what arrived whole before it was received."""
    real = shards._unpickled
    read = [0]

    def second_fails(payload: bytes) -> object:
        read[0] += 1
        return real(payload) if read[0] == 1 else shards._UNREADABLE

    monkeypatch.setattr(shards, "_unpickled", second_fails)
    received: list[Any] = []
    child = shards.Child.fork(("r",), lambda send: (send("fine"), "the result")[1])
    assert child.result(received.append) is None
    assert received == ["fine"]


def test_a_lone_role_has_its_regions_dealt_over_processes(organization: boto3.session.Session,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """One member account through its role (one Lambda invocation of an organization run): the
    account is collected on the calling thread, so its Regions can still be dealt."""
    plan = plan_accounts([role_arn("222222222222")])
    with monkeypatch.context() as one:
        processes(one, 1)
        alone = collect_accounts(organization, REGIONS[:2], {Part.VPCS}, accounts=plan).snapshot
    forks = processes(monkeypatch, 2)
    snapshot = collect_accounts(organization, REGIONS[:2], {Part.VPCS}, accounts=plan).snapshot
    assert forks.regions == [(REGIONS[1],)]
    assert same(snapshot, alone)


def test_close_while_another_thread_reads_stops_the_child_and_lets_the_reader_finish() -> None:
    """This process gave up (an exception of its own) while a thread still reads a child: the
    child is stopped, the reader sees the pipe end and reaps it, and nothing raises twice."""
    child = shards.Child.fork(("r",), lambda send: (send("started"), time.sleep(60)))
    received: list[Any] = []
    outcome: list[Any] = []
    reader = threading.Thread(target=lambda: outcome.append(child.result(received.append)))
    reader.start()
    while not received:
        time.sleep(0.01)
    start = time.monotonic()
    child.close()
    reader.join(10)
    assert not reader.is_alive() and time.monotonic() - start < 5
    assert outcome == [None] and received == ["started"]
    child.close()  # a second close is harmless
