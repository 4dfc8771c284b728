"""The runner's contract: not evaluated instead of pass, errors contained, result assembled."""

from __future__ import annotations

import datetime as dt

import pytest
from engine_snapshots import ACCOUNT, REGION, RULEPACK, region, snapshot, statuses, vpc

from vpcaudit.engine.loader import Registry, load_registry
from vpcaudit.engine.rule import Rule, Severity, Status
from vpcaudit.engine.runner import RunSettings, run
from vpcaudit.engine.suppress import Suppression
from vpcaudit.pricing import Pricing
from vpcaudit.snapshot import resources as r
from vpcaudit.snapshot.model import Part, ScopeStatus, State

NOW = dt.datetime(2026, 6, 1, 12, 0, tzinfo=dt.timezone.utc)


@pytest.fixture(scope="module")
def registry() -> Registry:
    return load_registry([RULEPACK], entry_points=False)


def rules(registry: Registry, *ids: str) -> tuple[Rule, ...]:
    return tuple(x for x in registry.rules if x.id in ids)


def settings(registry: Registry, **kw: object) -> RunSettings:
    return RunSettings(packs={x.id: "rulepack" for x in registry.rules}, pack_versions=registry.versions, now=NOW,
                       **kw)  # type: ignore[arg-type]


def outcomes(result: object) -> set[tuple[str, str, str]]:
    return {(s.rule_id, s.region, s.outcome) for s in result.scopes}  # type: ignore[attr-defined]


def test_failed_and_passed_scopes_and_findings(registry: Registry) -> None:
    snap = snapshot(region(vpcs=[vpc("vpc-1", audit="bad"), vpc("vpc-2")]),
                    region("eu-west-1", vpcs=[vpc("vpc-3")]))
    result = run(snap, rules(registry, "TST001"), settings(registry))
    assert outcomes(result) == {("TST001", REGION, "failed"), ("TST001", "eu-west-1", "passed")}
    assert [(f.rule_id, f.resource.resource_id, f.status) for f in result.findings] == [
        ("TST001", "vpc-1", Status.FAIL)]
    assert result.rule_packs == {"rulepack": "local"}
    assert [x.id for x in result.rules] == ["TST001"] and result.rules[0].why.startswith("The engine tests")
    assert result.accounts == (ACCOUNT,) and result.regions == ("eu-west-1", REGION)
    assert {v.vpc_id for v in result.vpcs} == {"vpc-1", "vpc-2", "vpc-3"}
    assert result.generated_at == "2026-06-01T12:00:00+00:00"


def test_a_rule_whose_needs_were_not_collected_is_not_evaluated_and_not_run(registry: Registry) -> None:
    denied = ScopeStatus(Part.FLOW_LOGS, State.DENIED, "UnauthorizedOperation", "no ec2:DescribeFlowLogs")
    snap = snapshot(region(vpcs=[vpc("vpc-1")], status=statuses(other={Part.FLOW_LOGS: denied})),
                    region("eu-west-1", vpcs=[vpc("vpc-2")], status=statuses(ok=[Part.VPCS])))
    result = run(snap, rules(registry, "TST003"), settings(registry))
    by_region = {s.region: s for s in result.scopes}
    assert by_region[REGION].outcome == "not_evaluated"
    assert by_region[REGION].detail == "not collected: flow_logs denied (UnauthorizedOperation)"
    assert by_region["eu-west-1"].detail == "not collected: flow_logs skipped"
    assert result.findings == () and result.incomplete


def test_account_wide_parts_are_checked_on_the_account() -> None:
    from vpcaudit.engine.runner import missing_parts

    needs_buckets = Rule("TST900", "x", Severity.LOW, (Part.BUCKET_POLICIES,), (), (), lambda ctx: iter(()))
    snap = snapshot(region(vpcs=[vpc("vpc-1")], status=statuses(ok=[*Part])),
                    account_status=(ScopeStatus(Part.BUCKET_POLICIES, State.ERROR, "AccessDenied"),))
    account = snap.accounts[0]
    assert missing_parts(needs_buckets, account, account.regions[0]) == \
        "not collected: bucket_policies error (AccessDenied)"


def test_a_rule_that_raises_is_an_error_and_the_audit_goes_on(registry: Registry) -> None:
    snap = snapshot(region(vpcs=[vpc("vpc-1", audit="explode"), vpc("vpc-2", audit="bad")]))
    result = run(snap, rules(registry, "TST001", "TST004"), settings(registry))
    assert outcomes(result) == {("TST001", REGION, "failed"), ("TST004", REGION, "error")}
    error = next(f for f in result.findings if f.rule_id == "TST004")
    assert error.status is Status.ERROR
    assert "RuntimeError: cannot judge vpc-1" in error.message
    assert next(s for s in result.scopes if s.rule_id == "TST004").detail == "RuntimeError: cannot judge vpc-1"


def test_a_rule_yielding_only_not_evaluated_findings_is_a_not_evaluated_scope() -> None:
    from vpcaudit.engine.context import RuleContext

    def undecided(ctx: RuleContext):  # type: ignore[no-untyped-def]
        """Cannot tell."""
        yield ctx.not_evaluated(ctx.ref("vpc", "vpc-1"), "owner account not in scan")

    rule = Rule("TST901", "undecided", Severity.MEDIUM, (Part.VPCS,), (), (), undecided)
    result = run(snapshot(region(vpcs=[vpc("vpc-1")])), [rule], RunSettings(now=NOW))
    assert outcomes(result) == {("TST901", REGION, "not_evaluated")}
    assert [f.status for f in result.findings] == [Status.NOT_EVALUATED]


def test_findings_are_sorted_by_severity_then_rule_then_resource(registry: Registry) -> None:
    snap = snapshot(region(vpcs=[vpc("vpc-2", audit="bad"), vpc("vpc-1", audit="bad"), vpc("vpc-0", audit="meh")]))
    result = run(snap, rules(registry, "TST001", "TST002"), settings(registry))
    assert [(f.rule_id, f.resource.resource_id) for f in result.findings] == [
        ("TST001", "vpc-1"), ("TST001", "vpc-2"), ("TST002", "vpc-0")]


def test_min_severity_drops_lower_findings_and_the_scope_passes(registry: Registry) -> None:
    snap = snapshot(region(vpcs=[vpc("vpc-0", audit="meh")]))
    result = run(snap, rules(registry, "TST002"), settings(registry, min_severity=Severity.MEDIUM))
    assert result.findings == () and outcomes(result) == {("TST002", REGION, "passed")}


def test_suppressed_findings_are_kept_marked_and_do_not_fail_the_scope(registry: Registry) -> None:
    snap = snapshot(region(vpcs=[vpc("vpc-1", audit="bad", team="core"), vpc("vpc-2", audit="bad")]))
    entries = (Suppression("TST001", "accepted in SEC-1", tag=("team", "core"), expires=dt.date(2027, 1, 31)),
               Suppression("TST001", "old decision", resource="vpc-2", expires=dt.date(2026, 1, 1), entry=2))
    result = run(snap, rules(registry, "TST001"), settings(registry, suppressions=entries))
    by_id = {f.resource.resource_id: f for f in result.findings}
    assert by_id["vpc-1"].status is Status.SUPPRESSED
    assert (by_id["vpc-1"].suppression_reason, by_id["vpc-1"].suppression_expires) == ("accepted in SEC-1",
                                                                                        "2027-01-31")
    assert by_id["vpc-2"].status is Status.FAIL  # its entry expired on 2026-01-01
    assert result.expired_suppressions == ("entry 2: TST001 on resource vpc-2 (old decision, expired 2026-01-01)",)


def test_cost_lines_for_nat_gateways_and_interface_endpoints_with_metrics() -> None:
    subnets = [r.Subnet(f"subnet-{i}", "vpc-1", ACCOUNT, f"us-east-1{az}", f"use1-az{i}", f"10.0.{i}.0/24", (),
                        False, False, ()) for i, az in ((1, "a"), (2, "b"), (3, "c"))]
    nat = r.NatGateway("nat-1", "vpc-1", "subnet-1", "available", "public", "zonal", None, (), ())
    gone = r.NatGateway("nat-2", "vpc-1", "subnet-2", "deleted", "public", "zonal", None, (), ())
    endpoint = r.VpcEndpoint("vpce-1", "vpc-1", ACCOUNT, "Interface", "com.amazonaws.us-east-1.ssm", None,
                             "available", (), ("subnet-1", "subnet-2", "subnet-3"), (), True, None, None, None,
                             None, (), (), False, ())
    gateway = r.VpcEndpoint("vpce-2", "vpc-1", ACCOUNT, "Gateway", "com.amazonaws.us-east-1.s3", None,
                            "available", ("rtb-1",), (), (), False, None, None, None, None, (), (), False, ())
    gib_per_day = 1024**3
    metrics = (r.ResourceMetric("nat-1", "AWS/NATGateway", "BytesInFromSource", 10 * gib_per_day, 10, 10),
               r.ResourceMetric("nat-1", "AWS/NATGateway", "BytesInFromDestination", 20 * gib_per_day, 10, 10),
               r.ResourceMetric("vpce-1", "AWS/PrivateLinkEndpoints", "BytesProcessed", 14 * gib_per_day, 14, 14))
    reg = region(vpcs=[vpc("vpc-1")], status=statuses(ok=[*Part]), subnets=tuple(subnets),
                 nat_gateways=(nat, gone), vpc_endpoints=(endpoint, gateway), metrics=metrics)
    result = run(snapshot(reg), [], RunSettings(now=NOW, pricing=Pricing(everywhere={"nat_gateway_hour": 0.05})))
    lines = {c.resource_id: c for c in result.costs}
    assert set(lines) == {"nat-1", "vpce-1"}
    assert (lines["nat-1"].monthly_fixed_usd, lines["nat-1"].az_count) == (36.5, 1)
    # 3 GiB/day processed × 730/24 days × $0.045
    assert lines["nat-1"].monthly_data_usd == round(3 * 730 / 24 * 0.045, 2)
    assert (lines["vpce-1"].az_count, lines["vpce-1"].monthly_fixed_usd) == (3, 21.9)
    assert lines["vpce-1"].monthly_data_usd == round(730 / 24 * 0.01, 2)


def test_without_metrics_there_is_no_data_estimate() -> None:
    nat = r.NatGateway("nat-1", "vpc-1", None, "pending", "public", "regional", None,
                       (r.NatGatewayAddress(None, None, None, "us-east-1a", "use1-az1"),
                        r.NatGatewayAddress(None, None, None, "us-east-1b", "use1-az2")), ())
    metric = r.ResourceMetric("nat-1", "AWS/NATGateway", "BytesInFromSource", 1e12, 14, 14)
    result = run(snapshot(region(vpcs=[vpc("vpc-1")], nat_gateways=(nat,), metrics=(metric,))), [],
                 RunSettings(now=NOW))
    (line,) = result.costs
    assert (line.az_count, line.monthly_fixed_usd, line.monthly_data_usd) == (2, 65.7, None)


def test_topology_places_subnets_nat_gateways_and_endpoint_enis_by_az_id() -> None:
    subnets = tuple(r.Subnet(f"subnet-{i}", "vpc-1", ACCOUNT, f"us-east-1{az}", f"use1-az{i}", f"10.0.{i}.0/24", (),
                             False, False, (r.Tag("Name", f"app-{i}"),)) for i, az in ((1, "a"), (2, "b")))
    nat = r.NatGateway("nat-1", "vpc-1", "subnet-2", "available", "public", "zonal", None, (), ())
    endpoint = r.VpcEndpoint("vpce-1", "vpc-1", ACCOUNT, "Interface", "com.amazonaws.us-east-1.ssm", None,
                             "available", (), ("subnet-1", "subnet-2"), (), True, None, None, None, None, (), (),
                             False, ())
    reg = region(vpcs=[vpc("vpc-1")], subnets=subnets, nat_gateways=(nat,), vpc_endpoints=(endpoint,))
    (topology,) = run(snapshot(reg), [], RunSettings(now=NOW)).topology
    assert [(s.subnet_id, s.name, s.availability_zone_id, s.public) for s in topology.subnets] == [
        ("subnet-1", "app-1", "use1-az1", False), ("subnet-2", "app-2", "use1-az2", False)]
    assert [(n.nat_gateway_id, n.availability_zone_ids) for n in topology.nat_gateways] == [("nat-1", ("use1-az2",))]
    assert [(e.endpoint_id, e.service, e.availability_zone_ids) for e in topology.endpoints] == [
        ("vpce-1", "ssm", ("use1-az1", "use1-az2"))]
