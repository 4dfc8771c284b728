"""The remediation plan: failing findings only, one step per change, safe order, decisions spread.

The estate is built so several rules ask for the same change: SG001 and SG002 both replace the
world-open rule of one endpoint group; NAT002 and NAT003 both want a NAT gateway in AZ 2. A plan
that did not merge them would create two NAT gateways, or fail on a duplicate rule.
"""

from __future__ import annotations

from dataclasses import replace

import pytest
from builders import RegionBuilder, standard_vpc

from vpcaudit import api
from vpcaudit.engine.fixplan import FixPlan, PlannedStep, build_plan
from vpcaudit.engine.remedy import Phase
from vpcaudit.engine.result import AuditResult
from vpcaudit.engine.rule import Severity, Status
from vpcaudit.errors import UsageError


def _result() -> tuple[AuditResult, dict]:
    b = RegionBuilder()
    ids = standard_vpc(b, azs=2, nat_per_az=False)  # AZ 2 routes to AZ 1's NAT: NAT002 + NAT003
    open_sg = b.security_group(ids["vpc"], name="open", ingress=[("-1", None, None, "0.0.0.0/0")])
    ids["open_sg"] = open_sg
    ids["ssm"] = b.interface_endpoint(ids["vpc"], "ssm", subnets=ids["private"], groups=[open_sg])
    ids["dev"] = b.vpc("10.9.0.0/16", dhcp_servers=["10.9.0.53"])  # DNS005's decision chain needs endpoints
    dev_subnet = b.subnet(ids["dev"], "10.9.1.0/24", az=1)
    b.interface_endpoint(ids["dev"], "kms", subnets=[dev_subnet], groups=[b.default_group(ids["dev"])])
    return api.audit(b.snapshot()), ids


@pytest.fixture(scope="module")
def audited() -> tuple[AuditResult, dict]:
    return _result()


def _steps(plan: FixPlan) -> list[PlannedStep]:
    return [p for g in plan.groups for p in g.steps]


def test_one_step_per_change_naming_every_finding_it_fixes(audited: tuple[AuditResult, dict]) -> None:
    result, ids = audited
    plan = build_plan(result)
    steps = _steps(plan)
    keys = [p.step.key for p in steps]
    assert len(keys) == len(set(keys))
    revoke = [p for p in steps if p.step.action == "ec2:RevokeSecurityGroupIngress"
              and p.step.parameters["GroupId"] == ids["open_sg"]]
    assert len(revoke) == 1 and {f.rule_id for f in revoke[0].findings} == {"SG001", "SG002"}
    nat = [p for p in steps if p.step.action == "ec2:CreateNatGateway"]
    assert len(nat) == 1 and {f.rule_id for f in nat[0].findings} == {"NAT002", "NAT003"}
    assert nat[0].step.parameters["SubnetId"] == ids["public"][1]


def test_steps_run_create_associate_modify_delete(audited: tuple[AuditResult, dict]) -> None:
    plan = build_plan(audited[0])
    for group in plan.groups:
        orders = [p.step.phase.order for p in group.steps]
        assert orders == sorted(orders)
    phases = {p.step.phase for p in _steps(plan)}
    assert {Phase.CREATE, Phase.MODIFY, Phase.DELETE} <= phases
    created = [p.step.creates for p in _steps(plan) if p.step.creates]
    for index, planned in enumerate(_steps(plan)):
        for label in [v["new_id"] for v in planned.step.parameters.values() if isinstance(v, dict) and "new_id" in v]:
            assert label in created[: index + 1], f"{planned.step.action} uses {label} before it is created"


def test_a_step_using_an_id_whose_creation_needs_a_decision_needs_one_too(audited: tuple[AuditResult, dict]) -> None:
    """DNS005: the new DHCP options set needs a decision, so associating it cannot run as written."""
    steps = _steps(build_plan(audited[0], select=["DNS005"]))
    assert [(p.step.action, p.step.ready) for p in steps] == [("ec2:CreateDhcpOptions", False),
                                                              ("ec2:AssociateDhcpOptions", False)]


def test_a_decision_on_either_copy_of_a_merged_step_wins() -> None:
    result, ids = _result()
    finding = next(f for f in result.failures if f.rule_id == "SG001")
    revoke = finding.fix[-1]
    twin = replace(finding, rule_id="SG999", fix=(replace(revoke, decision="a person must check"),))
    plan = build_plan(replace(result, findings=(*result.findings, twin)))
    [merged] = [p for p in _steps(plan) if p.step.action == "ec2:RevokeSecurityGroupIngress"
                and p.step.parameters["GroupId"] == ids["open_sg"]]
    assert merged.step.decision == "a person must check"
    assert finding not in plan.fixed_without_decision()


def test_only_failing_selected_findings_at_or_above_the_minimum(audited: tuple[AuditResult, dict]) -> None:
    result, _ = audited
    suppressed = replace(result.failures[0], status=Status.SUPPRESSED)
    rest = tuple(f for f in result.findings if f is not result.failures[0])
    plan = build_plan(replace(result, findings=(suppressed, *rest)))
    assert suppressed.fingerprint not in {f.fingerprint for f in plan.findings}
    nat_only = build_plan(result, select=["NAT"], min_severity=Severity.MEDIUM)
    assert {f.rule_id for f in nat_only.findings} == {"NAT002", "NAT003"}
    assert dict(nat_only.selection) == {"select": "NAT", "min_severity": "medium"}
    assert not build_plan(result, min_severity=Severity.CRITICAL).groups


def test_findings_without_steps_are_listed_not_dropped(audited: tuple[AuditResult, dict]) -> None:
    result, _ = audited
    bare = replace(result.failures[0], fix=())
    plan = build_plan(replace(result, findings=(bare, *result.findings[1:])))
    assert bare in plan.without_fix


def test_an_unknown_selector_names_the_setting(audited: tuple[AuditResult, dict]) -> None:
    with pytest.raises(UsageError) as caught:
        build_plan(audited[0], select=["NOPE"])
    assert caught.value.setting == "select" and "NOPE" in caught.value.message
