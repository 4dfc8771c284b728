"""Snapshot-wide facts as folds (vpcaudit.snapshot.shard.Fold): made from the parts of any runs
of consecutive accounts, each is the fact one part of every account gives, so an audit in shards
answers exactly as one process does."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest
import synthetic
from layouts import (
    china_centralized_endpoints_phz,
    hybrid_dns_resolver,
    lza_central_endpoints,
    route53_profiles_dns,
    vpc_sharing_participants,
)

from vpcaudit.engine.loader import load_registry
from vpcaudit.engine.shared import SharedFacts
from vpcaudit.pricing import Pricing
from vpcaudit.snapshot.model import Part, ScopeStatus, Snapshot, State
from vpcaudit.snapshot.shard import FOLDS, Fold

load_registry()  # the rules' folds are defined as their modules load


def _snapshot_of(built: object) -> Snapshot:
    return next(x for x in (built if isinstance(built, tuple) else (built,)) if isinstance(x, Snapshot))


def _with_metrics_asked(snapshot: Snapshot, account: int) -> Snapshot:
    """The snapshot with CloudWatch metrics collected in one Region of one account (an opt-in part)."""
    chosen = snapshot.accounts[account]
    region = dataclasses.replace(chosen.regions[0], status=(*chosen.regions[0].status,
                                                            ScopeStatus(Part.METRICS, State.DENIED, "AccessDenied")))
    accounts = list(snapshot.accounts)
    accounts[account] = dataclasses.replace(chosen, regions=(region, *chosen.regions[1:]))
    return dataclasses.replace(snapshot, accounts=tuple(accounts))


# A synthetic organization (COST001's pools, S3 endpoints, Resolver rules, metrics asked for in
# one account), and estates whose accounts hold zones for each other, share a VPC or answer DNS
# for another's VPCs.
ESTATES = {
    "synthetic": _with_metrics_asked(synthetic.estate(accounts=5, regions=3, vpcs=2, seed=8), 3),
    "china_centralized_endpoints_phz": _snapshot_of(china_centralized_endpoints_phz.build()),
    "lza_central_endpoints": _snapshot_of(lza_central_endpoints.build()),
    "route53_profiles_dns": _snapshot_of(route53_profiles_dns.build()),
    "vpc_sharing_participants": _snapshot_of(vpc_sharing_participants.build()),
    "hybrid_dns_inbound": _snapshot_of(hybrid_dns_resolver.build()),
}


@pytest.fixture(scope="module")
def estate() -> Snapshot:
    return ESTATES["synthetic"]


def _arguments(fold: Fold[Any, Any], snapshot: Snapshot) -> list[tuple[Any, ...]]:
    """The arguments each fold is asked with in an audit (all of them, for this estate)."""
    regions = sorted({r.region for a in snapshot.accounts for r in a.regions})
    if fold.name == "cost001.region_pool":
        return [(region, Pricing().model(region)) for region in regions]
    if fold.name == "pol004.s3_endpoints":
        return [(None,), *((region,) for region in regions), ("ap-east-1",)]
    if fold.name == "service_ports.connected":
        return [({"com.amazonaws.vpce.us-east-1.vpce-svc-0123456789abcdef0": (8443,)},)]
    return [()]


def test_every_fold_is_known() -> None:
    assert {"account_regions", "opt_in_asked", "dns.endpoint_targets", "dns.zones_held_elsewhere",
            "cost001.region_pool", "pol004.s3_endpoints"} <= set(FOLDS)


@pytest.mark.parametrize("estate_name", sorted(ESTATES))
@pytest.mark.parametrize("name", sorted(FOLDS))
def test_a_fold_of_parts_is_the_fold_of_the_whole(name: str, estate_name: str) -> None:
    fold = FOLDS[name]
    estate = ESTATES[estate_name]
    accounts = estate.accounts
    for args in _arguments(fold, estate):
        whole = fold.whole((fold.part(accounts),), *args)
        assert whole == fold(estate, *args)
        for cut in range(len(accounts) + 1):
            assert fold.whole((fold.part(accounts[:cut]), fold.part(accounts[cut:])), *args) == whole, (args, cut)
        thirds = (fold.part(accounts[:1]), fold.part(accounts[1:3]), fold.part(accounts[3:]))
        assert fold.whole(thirds, *args) == whole


def test_every_fold_has_something_to_join_in_some_estate() -> None:
    """So the test above compares answers, not empty ones."""
    for name, fold in FOLDS.items():
        answers = [fold(e, *args) for e in ESTATES.values() for args in _arguments(fold, e)]
        assert any(answers) if name != "service_ports.connected" else answers, name
        if name.startswith("dns."):
            assert any(a for a in answers if not hasattr(a, "addresses") or a.addresses), name


def test_an_audit_computes_a_folds_parts_once_for_all_its_arguments(estate: Snapshot,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    fold = FOLDS["pol004.s3_endpoints"]
    calls: list[int] = []
    part = fold.part
    monkeypatch.setattr(fold, "part", lambda accounts: calls.append(len(accounts)) or part(accounts))
    shared = SharedFacts(estate)
    answers = [shared.get(fold, region) for region in (None, "us-east-1", "eu-west-1", None)]
    assert calls == [len(estate.accounts)] and answers[0] == answers[3] == fold(estate, None)
