"""engine.diff on hand-built before/after snapshots: the exact sets a runbook reviewer would read.

Each case builds the same estate twice with one change in the after copy (builders number ids
in creation order, so unchanged resources keep their ids), audits both with the built-in rules
through one plan, and asserts exactly what is new, resolved, changed, worse and lost.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest
from builders import SCOPED_POLICY, RegionBuilder, standard_vpc

from vpcaudit import api
from vpcaudit.engine.diff import AuditDiff, PartChange, RegionRef, classify
from vpcaudit.engine.rule import Finding, Severity, Status
from vpcaudit.network.paths import TrafficPath
from vpcaudit.render import render as render_diff
from vpcaudit.snapshot.model import AccountSnapshot, Part, Snapshot

ACCOUNT, REGION = "111111111111", "us-east-1"
HERE = RegionRef(ACCOUNT, REGION)
Change = Callable[[RegionBuilder, dict], None]


def estate(change: Change | None = None, *, s3_tables: tuple[int, ...] = (0, 1, 2), name: str = "prod",
           flow_logs: bool = True) -> tuple[RegionBuilder, dict]:
    """A three-AZ VPC with NAT per AZ and an S3 gateway endpoint routed from the private tables."""
    b = RegionBuilder()
    ids = standard_vpc(b, name=name)
    b.gateway_endpoint(ids["vpc"], "s3", route_tables=[ids["private_rt"][i] for i in s3_tables],
                       policy=SCOPED_POLICY)
    if flow_logs:
        b.flow_log(ids["vpc"])
    if change is not None:
        change(b, ids)
    return b, ids


def compare(before: Snapshot, after: Snapshot, **options: object) -> AuditDiff:
    return api.diff(before, after, api.AuditOptions(**options))  # type: ignore[arg-type]


def findings(items: tuple[Finding, ...]) -> set[tuple[str, str, str]]:
    return {(f.rule_id, f.resource.resource_id, f.status.value) for f in items}


def paths(d: AuditDiff) -> set[tuple[str, str, str, str, str]]:
    return {(c.after.subnet_id, c.after.destination, c.before.kind, c.after.kind, c.verdict) for c in d.paths}


def test_removing_the_s3_route_from_one_table_is_a_new_finding_and_a_worse_path() -> None:
    before, ids = estate()
    after, _ = estate(s3_tables=(0, 1))
    d = compare(before.snapshot(), after.snapshot())
    third = ids["private"][2]
    assert findings(d.new) == {("GWE001", third, "fail")}
    assert (d.resolved, d.changed, d.not_rechecked, d.no_baseline) == ((), (), (), ())
    assert d.unchanged == 1  # GWE003: no DynamoDB gateway endpoint, before and after
    assert paths(d) == {(third, "s3", "gateway-endpoint", "nat", "worse")}
    assert d.paths[0].reasons == ("lost gateway-endpoint vpce-0036",
                                  f"s3 traffic now through NAT {ids['nat'][2]} (data processing per GB)")
    assert (d.coverage, d.parts, d.compared, d.only_before, d.only_after) == ((), (), (HERE,), (), ())
    assert not d.coverage_worse
    assert d.newly_failing == ()  # GWE001 is medium, below the default high
    assert api.diff_exit_code(d, strict=False) is api.ExitCode.FINDINGS  # the worse path alone fails the check
    gated = compare(before.snapshot(), after.snapshot(), fail_on=Severity.MEDIUM)
    assert findings(gated.newly_failing) == {("GWE001", third, "fail")}


def test_fixing_a_finding_resolves_it_and_its_paths_get_better() -> None:
    def add_dynamodb(b: RegionBuilder, ids: dict) -> None:
        b.gateway_endpoint(ids["vpc"], "dynamodb", route_tables=ids["private_rt"], policy=SCOPED_POLICY)

    before, ids = estate()
    after, _ = estate(add_dynamodb)
    d = compare(before.snapshot(), after.snapshot())
    assert findings(d.resolved) == {("GWE003", ids["vpc"], "fail")}
    assert (d.new, d.changed, d.unchanged) == ((), (), 0)
    assert paths(d) == {(s, "dynamodb", "nat", "gateway-endpoint", "better") for s in ids["private"]}
    assert d.worse_paths == ()
    assert api.diff_exit_code(d, strict=True) is api.ExitCode.OK


def test_identical_snapshots_change_nothing() -> None:
    snap = estate()[0].snapshot()
    d = compare(snap, snap)
    assert (d.new, d.resolved, d.changed, d.paths, d.coverage, d.parts) == ((), (), (), (), (), ())
    assert d.unchanged == 1
    assert d.cost_before == d.cost_after
    assert api.diff_exit_code(d, strict=True) is api.ExitCode.OK


def test_a_part_denied_after_is_lost_coverage_and_its_findings_are_not_resolved() -> None:
    before, ids = estate(flow_logs=False)  # MON001 fails on the VPC
    after, _ = estate(flow_logs=False)
    d = compare(before.snapshot(), after.snapshot(missing=[Part.FLOW_LOGS]))
    assert findings(d.not_rechecked) == {("MON001", ids["vpc"], "fail")}
    assert (d.new, d.resolved, d.changed) == ((), (), ())
    assert [(c.rule_id, c.before, c.after, c.detail) for c in d.coverage] == [
        ("MON001", "failed", "not_evaluated", "not collected: flow_logs denied (AccessDenied)")]
    assert d.parts == (PartChange(ACCOUNT, REGION, "flow_logs", "ok", "denied", "AccessDenied"),)
    assert d.coverage_worse
    assert api.diff_exit_code(d, strict=False) is api.ExitCode.OK
    assert api.diff_exit_code(d, strict=True) is api.ExitCode.INCOMPLETE
    back = compare(after.snapshot(missing=[Part.FLOW_LOGS]), before.snapshot())
    assert findings(back.no_baseline) == {("MON001", ids["vpc"], "fail")}
    assert back.new == () and not back.coverage_worse
    assert [(c.rule_id, c.lost) for c in back.coverage] == [("MON001", False)]


def test_route_tables_denied_after_do_not_read_as_broken_paths() -> None:
    """Without route tables every path would resolve to none/unknown: that is the collection, not the network."""
    before, _ = estate()
    d = compare(before.snapshot(), before.snapshot(missing=[Part.ROUTE_TABLES]))
    assert d.paths == ()
    assert d.paths_not_compared == (HERE,)
    assert d.path_inputs_lost == (HERE,)
    assert d.new == () and d.resolved == ()
    assert {c.rule_id for c in d.lost_scopes} >= {"GWE001", "NAT002", "RT001"}
    assert api.diff_exit_code(d, strict=False) is api.ExitCode.OK
    assert api.diff_exit_code(d, strict=True) is api.ExitCode.INCOMPLETE


def test_a_suppression_that_stops_matching_is_a_changed_finding(tmp_path: Path) -> None:
    accepted = tmp_path / "accepted.toml"
    accepted.write_text('[[suppress]]\nrule = "GWE003"\ntag = "Name=prod"\nreason = "no DynamoDB use"\n')
    before, ids = estate()
    after, _ = estate(name="prod-renamed")  # the tag the suppression matched is gone
    d = compare(before.snapshot(), after.snapshot(), suppressions=accepted, fail_on=Severity.LOW)
    assert [(c.after.rule_id, c.before.status, c.after.status) for c in d.changed] == [
        ("GWE003", Status.SUPPRESSED, Status.FAIL)]
    assert findings(d.newly_failing) == {("GWE003", ids["vpc"], "fail")}
    assert d.new == () and d.paths == ()
    assert api.diff_exit_code(d, strict=False) is api.ExitCode.FINDINGS


def test_a_private_subnet_routed_to_another_azs_nat_crosses_azs() -> None:
    def reroute(b: RegionBuilder, ids: dict) -> None:
        table = ids["private_rt"][2]
        current = b.route_tables[table]
        b.route_tables[table] = replace(current, routes=tuple(r for r in current.routes
                                                               if r.destination != "0.0.0.0/0"))
        b.route(table, "0.0.0.0/0", ids["nat"][0])

    before, ids = estate()
    after, _ = estate(reroute)
    d = compare(before.snapshot(), after.snapshot())
    third = ids["private"][2]
    assert paths(d) == {(third, "internet", "nat", "nat", "worse"), (third, "dynamodb", "nat", "nat", "worse")}
    assert all(c.after.cross_az and c.after.target_id == ids["nat"][0] for c in d.paths)
    assert {c.reasons for c in d.paths} == {("now crosses AZs (data transfer per GB, depends on another AZ)",)}
    # The third AZ's own NAT gateway is left with no route to it: NAT005 says so, and points at the
    # third subnet, which may be meant to use it.
    assert findings(d.new) == {("NAT002", third, "fail"), ("NAT005", ids["nat"][2], "fail")}


def test_a_deleted_interface_endpoint_leaves_its_destination_on_nat() -> None:
    """The after matrix no longer lists ssm (no endpoint, no destination): the path is computed for it."""
    def ssm(b: RegionBuilder, ids: dict) -> None:
        group = b.security_group(ids["vpc"], name="endpoints", ingress=[("tcp", 443, 443, "10.0.0.0/16")])
        b.interface_endpoint(ids["vpc"], "ssm", subnets=ids["private"], groups=[group], policy=SCOPED_POLICY)

    with_endpoint, ids = estate(ssm)
    without, _ = estate()
    d = compare(with_endpoint.snapshot(), without.snapshot())
    private, public = ids["private"], ids["public"]
    assert paths(d) == ({(s, "ssm", "interface-endpoint", "nat", "worse") for s in private}
                        | {(s, "ssm", "interface-endpoint", "igw", "worse") for s in public})
    assert d.cost_before.fixed_usd > d.cost_after.fixed_usd  # the endpoint's hourly charge is gone
    added = compare(without.snapshot(), with_endpoint.snapshot())
    assert paths(added) == ({(s, "ssm", "nat", "interface-endpoint", "better") for s in private}
                            | {(s, "ssm", "igw", "interface-endpoint", "better") for s in public})


def test_opt_in_data_present_before_only_is_lost_coverage_not_a_fix() -> None:
    """One plan for both sides: IFE006 runs on the after snapshot too, and is not evaluated there."""
    def idle_ssm(b: RegionBuilder, ids: dict, *, metrics: bool) -> None:
        group = b.security_group(ids["vpc"], name="endpoints", ingress=[("tcp", 443, 443, "10.0.0.0/16")])
        endpoint = b.interface_endpoint(ids["vpc"], "ssm", subnets=ids["private"], groups=[group],
                                        policy=SCOPED_POLICY)
        if metrics:
            b.metric(endpoint, "AWS/PrivateLinkEndpoints", "BytesProcessed", 0)

    before, _ = estate(lambda b, i: idle_ssm(b, i, metrics=True))
    after, _ = estate(lambda b, i: idle_ssm(b, i, metrics=False))
    d = compare(before.snapshot(), after.snapshot())
    # NAT004 could not judge the NAT gateways before either (no NAT metrics in the estate).
    assert {(f.rule_id, f.status) for f in d.not_rechecked} == {("IFE006", Status.FAIL),
                                                                ("NAT004", Status.NOT_EVALUATED)}
    assert d.resolved == ()
    assert {c.rule_id for c in d.lost_scopes} >= {"IFE006"}
    assert PartChange(ACCOUNT, REGION, "metrics", "ok", "skipped") in d.parts


def _two_regions(west: bool, account: str = ACCOUNT) -> Snapshot:
    east = estate()[0]
    snap = east.snapshot()
    regions = [snap.accounts[0].regions[0]]
    if west:
        b = RegionBuilder(account_id=account, region="eu-west-1")
        standard_vpc(b, name="west")
        regions.append(b.region_snapshot())
    return replace(snap, accounts=(AccountSnapshot(account, tuple(regions)),))


def test_regions_on_one_side_only_are_listed_not_compared() -> None:
    d = compare(_two_regions(west=True), _two_regions(west=False))
    west = RegionRef(ACCOUNT, "eu-west-1")
    assert (d.compared, d.only_before, d.only_after) == ((HERE,), (west,), ())
    assert all(f.resource.region == REGION for f in (*d.new, *d.resolved, *d.not_rechecked))
    assert d.resolved == ()  # eu-west-1's findings are not "fixed" by leaving it out
    assert d.coverage_worse  # a region the after snapshot does not have was not judged after
    assert api.diff_exit_code(d, strict=True) is api.ExitCode.INCOMPLETE
    grown = compare(_two_regions(west=False), _two_regions(west=True))
    assert (grown.only_before, grown.only_after, grown.new) == ((), (west,), ())
    assert not grown.coverage_worse


def test_snapshots_with_nothing_in_common_are_refused() -> None:
    """No shared account/Region: "nothing got worse" would pass a wrong file through the runbook gate."""
    with pytest.raises(api.UsageError) as refused:
        compare(_two_regions(west=False), _two_regions(west=False, account="222222222222"))
    assert str(refused.value) == ("allow_disjoint: needed, as the snapshots share no account and Region "
                                  "(before: 111111111111/us-east-1; after: 222222222222/us-east-1): without it a "
                                  "wrong file would pass as \"nothing got worse\"")


def test_snapshots_of_different_accounts_compare_nothing_when_allowed() -> None:
    other = "222222222222"
    d = api.diff(_two_regions(west=False), _two_regions(west=False, account=other), allow_disjoint=True)
    assert d.compared == ()
    assert (d.only_before, d.only_after) == ((HERE,), (RegionRef(other, REGION),))
    assert (d.new, d.resolved, d.paths, d.unchanged) == ((), (), (), 0)
    assert d.cost_before.fixed_usd == d.cost_after.fixed_usd == 0


def _path(kind: str, *, target: str | None = "x-1", cross_az: bool = False, destination: str = "s3") -> TrafficPath:
    return TrafficPath(ACCOUNT, REGION, "vpc-1", "subnet-1", None, "use1-az1", destination, kind, target,
                       cross_az, kind in ("nat", "nat-instance"), "detail" if kind == "unknown" else "")


@pytest.mark.parametrize(("before", "after", "verdict"), [
    (_path("gateway-endpoint"), _path("nat"), "worse"),  # lost the endpoint, and NAT charges
    (_path("interface-endpoint"), _path("tgw"), "worse"),  # lost the endpoint
    (_path("nat"), _path("gateway-endpoint"), "better"),
    (_path("interface-endpoint"), _path("gateway-endpoint", target="x-2"), "changed"),
    (_path("nat"), _path("nat", target="x-2"), "changed"),
    (_path("nat"), _path("nat", cross_az=True), "worse"),
    (_path("interface-endpoint", cross_az=True), _path("interface-endpoint"), "better"),
    (_path("nat"), _path("none", target=None), "worse"),
    (_path("nat"), _path("split", target=None), "worse"),
    (_path("none", target=None), _path("nat"), "worse"),  # reaches S3 now, but through NAT: a reviewer looks
    (_path("ambiguous", target=None), _path("tgw"), "better"),
    (_path("igw", destination="internet"), _path("nat", destination="internet"), "changed"),  # egress via NAT is normal
    (_path("nat", destination="internet"), _path("none", target=None, destination="internet"), "worse"),
    (_path("gateway-endpoint"), _path("unknown", target=None), "changed"),  # cannot be judged, not "worse"
])
def test_path_verdicts(before: TrafficPath, after: TrafficPath, verdict: str) -> None:
    assert classify(before, after)[0] == verdict


def test_outputs_neutralise_hostile_names() -> None:
    """Names are the audited account's text: no terminal control, bidi override or table-breaking pipe."""
    hostile = "evil\x1b]0;owned\x07|\u202e"
    before, _ = estate(name=hostile)
    after, _ = estate(s3_tables=(0, 1), name=hostile)
    d = compare(before.snapshot(), after.snapshot())
    table, markdown = render_diff(d, "table"), render_diff(d, "md")
    assert "evil]0;owned|" in table  # shown, but inert
    assert "evil \\]0;owned \\|" in markdown  # controls blanked, bracket and pipe escaped
    for text in (table, markdown, render_diff(d, "json")):
        assert not {"\x1b", "\x07", "\u202e"} & set(text)


def test_a_before_snapshot_newer_than_the_after_one_is_warned_about() -> None:
    b, _ = estate()
    older = replace(b.snapshot(), taken_at="2026-01-01T00:00:00Z")
    newer = replace(b.snapshot(), taken_at="2026-02-01T09:30:00+00:00")
    assert compare(older, newer).warnings == ()
    swapped = compare(newer, older)
    warning = ("the before snapshot (taken 2026-02-01T09:30:00+00:00) is newer than the after snapshot (taken "
               "2026-01-01T00:00:00Z): are the two files swapped?")
    assert swapped.warnings == (warning,)
    assert f"Warning: {warning}" in render_diff(swapped, "table")
    assert "| Warning | the before snapshot (taken 2026-02-01T09:30:00+00:00) is newer" in render_diff(swapped, "md")
    assert json.loads(render_diff(swapped, "json"))["warnings"] == [warning]


def test_what_was_not_compared_is_said_once() -> None:
    d = compare(_two_regions(west=True), _two_regions(west=False))
    table = render_diff(d, "table")
    assert "Not compared: only in before (counts as lost coverage): 111111111111/eu-west-1" in table
    assert table.count("not compared") + table.count("Not compared") == 1
    assert "| Not compared | only in before (counts as lost coverage): 111111111111/eu-west-1 |" in render_diff(d, "md")
