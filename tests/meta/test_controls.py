"""Control mappings: well-formed, explained where vpcaudit judges differently, shown by `rules show`."""

from __future__ import annotations

import re

from typer.testing import CliRunner

from vpcaudit.cli import app
from vpcaudit.engine.controls import CIS_PREFIX, SECURITY_HUB
from vpcaudit.engine.loader import load_registry

_IDS = {SECURITY_HUB: re.compile(r"^EC2\.\d{1,3}$"), CIS_PREFIX: re.compile(r"^\d+\.\d+$")}


def test_every_control_names_a_known_standard_and_a_well_formed_id() -> None:
    for rule in load_registry().rules:
        for control in rule.controls:
            standard = SECURITY_HUB if control.is_security_hub else CIS_PREFIX
            assert control.standard.startswith(standard), (rule.id, control)
            assert _IDS[standard].match(control.id), (rule.id, control)
            assert control.title, (rule.id, control)


def test_the_mapped_rules_and_their_controls() -> None:
    mapped = {r.id: [c.id for c in r.controls if c.is_security_hub] for r in load_registry().rules if r.controls}
    assert mapped == {"IFE003": ["EC2.55", "EC2.56", "EC2.57"], "MON001": ["EC2.6"], "SG001": ["EC2.18"]}


def test_every_mapped_rule_says_where_it_judges_differently() -> None:
    for rule in load_registry().rules:
        if rule.controls:
            assert rule.controls_note, f"{rule.id}: add a '## Controls' section to its docstring"


def test_rules_show_lists_the_controls_and_the_difference() -> None:
    out = CliRunner().invoke(app, ["rules", "show", "IFE003"]).output
    assert "Controls:\n  - Security Hub EC2.55: VPCs should be configured with an interface endpoint for ECR API" in out
    assert "does not need those endpoints" in out
