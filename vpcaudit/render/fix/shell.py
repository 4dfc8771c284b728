"""The remediation plan as a reviewable bash script (``vpcaudit fix -f sh``).

What makes it safe to hand to someone:

* a header saying it was generated and must be reviewed, and that vpcaudit never runs it;
* ``set -euo pipefail``: the first failing call stops the plan, nothing runs on a half-applied
  state;
* one section per account and Region that runs only when the caller's credentials belong to
  that account (``sts get-caller-identity``), so one file serves every account, run once per
  profile;
* ``DRY_RUN=1``: every call that supports it gets ``--dry-run`` (AWS checks permissions and
  parameters and changes nothing, answering ``DryRunOperation``); a call without it, or one that
  needs an id a dry run did not create, is printed instead of sent;
* every step is commented with the findings it fixes (rule, resource, message); steps that need
  a decision are written out but commented, under the reason;
* every value is shell-quoted (:mod:`vpcaudit.render.fix.cli`), so hostile names stay text.
"""

from __future__ import annotations

from vpcaudit.engine.fixplan import FixPlan, PlanGroup, PlannedStep
from vpcaudit.engine.remedy import Phase
from vpcaudit.render.fix import cli
from vpcaudit.render.text import terminal_safe

PRELUDE = r'''set -euo pipefail

DRY_RUN="${DRY_RUN:-0}"
NOT_CREATED="not-created-in-a-dry-run"

# run yes|no aws ARGS…: one AWS CLI call. Under DRY_RUN=1 a call that takes --dry-run is sent
# with it (AWS answers DryRunOperation when it would succeed); any other call is only printed.
run() {
  local can_dry_run="$1"; shift
  if [ "$DRY_RUN" != 1 ]; then "$@"; return; fi
  local arg out
  for arg in "$@"; do
    if [ "$arg" = "$NOT_CREATED" ]; then
      echo "DRY_RUN: not sent, it needs an id created above: $*" >&2; return 0
    fi
  done
  if [ "$can_dry_run" != yes ]; then echo "DRY_RUN: not sent, no --dry-run for this call: $*" >&2; return 0; fi
  if out="$("$@" --dry-run 2>&1)"; then printf '%s\n' "$out"; return 0; fi
  case "$out" in
    *DryRunOperation*) echo "DRY_RUN: would succeed: $*" >&2; return 0 ;;
  esac
  printf '%s\n' "$out" >&2
  return 1
}

# run_new yes|no aws ARGS… --query ID --output text: prints the id of what the call creates.
run_new() {
  if [ "$DRY_RUN" = 1 ]; then run "$@" >/dev/null || return 1; echo "$NOT_CREATED"; return 0; fi
  shift; "$@"
}

# account_is ACCOUNT REGION: do the current credentials belong to ACCOUNT?
account_is() {
  [ "$(aws sts get-caller-identity --region "$2" --query Account --output text)" = "$1" ]
}
'''


def render_plan(plan: FixPlan) -> str:
    lines = ["#!/usr/bin/env bash", *_header(plan), "", PRELUDE.rstrip("\n")]
    for group in plan.groups:
        lines += ["", *_group(group)]
    if not plan.groups:
        lines += ["", "echo 'vpcaudit: nothing to fix for this selection' >&2"]
    for line in _without_fix(plan):
        lines.append(line)
    return "\n".join(lines) + "\n"


def _header(plan: FixPlan) -> list[str]:
    findings = plan.findings
    ready = len(plan.fixed_without_decision())
    text = [
        "vpcaudit remediation plan. GENERATED: REVIEW EVERY STEP BEFORE RUNNING IT.",
        "",
        f"Written by vpcaudit {plan.tool_version} from the audit of a snapshot taken {plan.snapshot_taken_at} "
        f"(audited {plan.generated_at}).",
        "Selection: " + ", ".join(f"{k}={v}" for k, v in plan.selection) + ".",
        f"{len(findings)} failing finding(s) have steps here; {ready} of them are fixed by the steps that run as "
        "written.",
        "vpcaudit never runs this file. Steps marked NEEDS A DECISION are written out but commented: complete and",
        "uncomment them yourself. Steps run in a safe order: create, associate, modify, delete.",
        "",
        "  DRY_RUN=1 bash THIS_FILE   EC2 calls go out with --dry-run (AWS checks permissions, changes nothing);",
        "                             other calls are printed, not sent.",
        "  bash THIS_FILE             apply.",
        "",
        "Each account/Region section runs only with credentials of its account: run the file once per account.",
    ]
    return [f"# {line}".rstrip() for line in text]


def _group(group: PlanGroup) -> list[str]:
    account, region = group.account_id, group.region
    fixed = len({f.fingerprint for p in group.steps for f in p.findings})
    out = [f"# === Account {account}, Region {region}: {len(group.steps)} step(s) for {fixed} finding(s) ===",
           f"if account_is {account} {region}; then"]
    phase: Phase | None = None
    for number, planned in enumerate(group.steps, 1):
        if planned.step.phase is not phase:
            phase = planned.step.phase
            out += ["", f"# --- {phase.value} ---"]
        out += ["", *_step(number, planned, region)]
    out += ["", "else", f'  echo "skipped account {account} / {region}: these credentials are for another account" >&2',
            "fi"]
    return out


def _step(number: int, planned: PlannedStep, region: str) -> list[str]:
    fix = planned.step
    notes = [f"Step {number}: {fix.description}"]
    notes += [f"fixes {f.rule_id} ({f.severity.value}) {f.resource.resource_type} {f.resource.resource_id}: "
              f"{f.message}" for f in planned.findings]
    lines = [cli.comment(terminal_safe(n)) for n in notes]
    line = f"run {'yes' if fix.dry_run else 'no'} {cli.command(fix, region)}"
    if fix.creates:
        line = f'{cli.variable(fix.creates)}="$(run_new {line.removeprefix("run ")})"'
    if fix.decision:
        lines.append(cli.comment(terminal_safe(f"NEEDS A DECISION: {fix.decision}")))
        lines.append(cli.comment(line))
    else:
        lines.append(line)
    return lines


def _without_fix(plan: FixPlan) -> list[str]:
    if not plan.without_fix:
        return []
    lines = ["", "# Selected findings without remediation steps (see the rule's How to fix):"]
    lines += [cli.comment(terminal_safe(f"{f.rule_id} {f.resource.resource_id}: {f.message}"))
              for f in plan.without_fix]
    return lines
