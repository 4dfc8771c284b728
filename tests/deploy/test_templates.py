"""deploy/: every template passes cfn-lint (state-machine definitions included), and every
permission written in them is the one vpcaudit generates from its declarations.

If one of these fails after a collector, the discovery or a writer changed its operations, run
``python deploy/update-member-role.py`` (the member role) or edit the function roles of
deploy/vpcaudit-org.yaml to what the assertion prints.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import hcl2
import pytest
from cfnlint.decode import decode_str

from vpcaudit import api, lambda_handler
from vpcaudit.errors import ThrottledError

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"
ORG = DEPLOY / "vpcaudit-org.yaml"
CFN_LINT = Path(sys.executable).with_name("cfn-lint")


def org_template() -> dict[str, Any]:
    template, problems = decode_str(ORG.read_text(encoding="utf-8"))
    assert not problems
    return dict(template)


def resource(name: str) -> dict[str, Any]:
    return dict(org_template()["Resources"][name]["Properties"])


def role_actions(name: str) -> set[str]:
    """Every action the inline policies of role ``name`` allow (a conditional statement counts)."""
    actions = set()
    for policy in resource(name)["Policies"]:
        for statement in policy["PolicyDocument"]["Statement"]:
            chosen = statement["Fn::If"][1] if "Fn::If" in statement else statement
            listed = chosen["Action"]
            actions.update([listed] if isinstance(listed, str) else listed)
    return actions


def policy_actions(policy: dict[str, Any]) -> set[str]:
    return {a for s in policy["Statement"] for a in ([s["Action"]] if isinstance(s["Action"], str) else s["Action"])}


@pytest.mark.parametrize("template", sorted(p.name for p in DEPLOY.iterdir() if p.suffix in (".yaml", ".json")))
def test_cfn_lint_passes(template: str) -> None:
    done = subprocess.run([str(CFN_LINT), "--format", "parseable", str(DEPLOY / template)], capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr


def test_cfn_lint_checks_the_state_machine_definition(tmp_path: Path) -> None:
    """The lint test above would catch a broken Distributed Map: cfn-lint reads the definition."""
    broken = ORG.read_text(encoding="utf-8").replace("MaxConcurrencyPath:", "MaxConcurencyPath:")
    (tmp_path / "broken.yaml").write_text(broken, encoding="utf-8")
    done = subprocess.run([str(CFN_LINT), "--format", "parseable", str(tmp_path / "broken.yaml")],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode != 0 and "MaxConcurencyPath" in done.stdout


def test_the_member_role_everywhere_is_the_generated_one() -> None:
    generated = api.member_role(fmt="cloudformation")
    assert (DEPLOY / "member-role.json").read_text(encoding="utf-8") == generated
    assert resource("MemberRoleStackSet")["TemplateBody"] == generated
    assert (DEPLOY / "member-role.tf").read_text(encoding="utf-8") == api.member_role(fmt="terraform")


def test_the_member_role_grants_the_collection_policy_and_trusts_one_role_with_the_external_id() -> None:
    member = json.loads((DEPLOY / "member-role.json").read_text(encoding="utf-8"))
    role = member["Resources"]["MemberRole"]["Properties"]
    (policy,) = role["Policies"]
    assert policy["PolicyDocument"] == api.iam_policy()
    (trust,) = role["AssumeRolePolicyDocument"]["Statement"]
    assert trust["Principal"] == {"AWS": {"Ref": "TrustedRoleArn"}}
    assert trust["Condition"] == {"StringEquals": {"sts:ExternalId": {"Ref": "ExternalId"}}}
    stack_set = resource("MemberRoleStackSet")
    assert {p["ParameterKey"]: p["ParameterValue"] for p in stack_set["Parameters"]}["TrustedRoleArn"] == {
        "Fn::GetAtt": ["AuditAccountRole", "Arn"]}


def test_the_terraform_module_parses_and_grants_the_same_policy() -> None:
    module = hcl2.loads((DEPLOY / "member-role.tf").read_text(encoding="utf-8"))
    resources = {name: body for block in module["resource"] for kind in block.values() for name, body in kind.items()}
    policy_text = resources['"vpcaudit_read_only"']["policy"]
    assert all(action in policy_text for action in api.iam_policy()["Statement"][0]["Action"])
    assert "sts:ExternalId" in resources['"vpcaudit_member"']["assume_role_policy"]


def test_the_function_roles_allow_exactly_what_their_step_calls() -> None:
    discovery = api.discovery_policy("vpcaudit-member")
    delivery = api.delivery_policy(api.s3_location("s3://bucket/runs/"))
    assert role_actions("ListAccountsRole") == policy_actions(discovery) - {"sts:AssumeRole"} | policy_actions(
        delivery)
    assert role_actions("AuditAccountRole") == {"sts:AssumeRole"} | policy_actions(delivery)
    topic = api.DeliveryOptions(sns_topic="arn:aws:sns:us-east-1:111111111111:t")
    merge_read = {"s3:GetObject", "s3:ListBucket"}  # the run's snapshots; ListBucket tells missing from denied
    assert role_actions("MergeRole") == policy_actions(api.delivery_policy(api.s3_location("s3://bucket/"), topic)) | \
        merge_read


def test_the_handlers_named_by_the_template_exist() -> None:
    for name in ("ListAccountsFunction", "AuditAccountFunction", "MergeFunction"):
        module, _, function = resource(name)["Handler"].rpartition(".")
        assert module == "vpcaudit.lambda_handler" and callable(getattr(lambda_handler, function))


def test_the_environment_sets_only_known_settings() -> None:
    for name in ("ListAccountsFunction", "AuditAccountFunction", "MergeFunction"):
        variables = resource(name)["Environment"]["Variables"]
        settings = {key.removeprefix(lambda_handler.ENV_PREFIX).lower() for key in variables}
        assert settings <= set(lambda_handler.SETTINGS), settings - set(lambda_handler.SETTINGS)


def test_the_distributed_map_is_bounded_retried_and_tolerant() -> None:
    definition = resource("StateMachine")["Definition"]
    assert definition["StartAt"] == "ListAccounts"
    fan_out = definition["States"]["AuditAccounts"]
    assert fan_out["ItemProcessor"]["ProcessorConfig"]["Mode"] == "DISTRIBUTED"
    assert (fan_out["MaxConcurrencyPath"], fan_out["ToleratedFailureCountPath"]) == (
        "$.max_concurrency", "$.tolerated_failure_count")
    (retry,) = fan_out["ItemProcessor"]["States"]["AuditAccount"]["Retry"]
    assert ThrottledError.__name__ in retry["ErrorEquals"] and "Lambda.TooManyRequestsException" in retry[
        "ErrorEquals"]
    assert retry["BackoffRate"] > 1 and retry["JitterStrategy"] == "FULL"
    assert fan_out["Next"] == "Merge" and definition["States"]["Merge"]["End"] is True
    schedule = resource("Schedule")["Target"]["Input"]
    assert "max_concurrency" in schedule["Fn::Sub"] and "tolerated_failure_count" in schedule["Fn::Sub"]


def test_the_bucket_is_encrypted_private_versioned_and_expires_runs() -> None:
    bucket = resource("ReportBucket")
    assert bucket["BucketEncryption"]["ServerSideEncryptionConfiguration"][0]["ServerSideEncryptionByDefault"][
        "SSEAlgorithm"] == "AES256"
    assert set(bucket["PublicAccessBlockConfiguration"].values()) == {True}
    assert bucket["VersioningConfiguration"]["Status"] == "Enabled"
    assert any(rule.get("Prefix") == "runs/" and "ExpirationInDays" in rule
               for rule in bucket["LifecycleConfiguration"]["Rules"])
