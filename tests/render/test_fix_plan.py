"""The fix plan as shell and Terraform: what runs, in which order, under DRY_RUN, for which account.

The shell plan is executed for real by bash, with a recording stand-in for ``aws`` on PATH
(tests/support/fake_aws.py), so these tests check the script's behaviour, not its text.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from fake_aws import calls, environment, install
from render_sample import ACCOUNT, sample_result

from vpcaudit.engine.fixplan import FixPlan, build_plan
from vpcaudit.engine.remedy import Phase, new_id, placeholder, step
from vpcaudit.engine.resultfile import result_from_json
from vpcaudit.render import render
from vpcaudit.render.fix import FIX_FORMATS, cli, cloudformation, terraform


@pytest.fixture
def plan() -> FixPlan:
    return build_plan(sample_result())


def _run(script: str, tmp_path: Path, **env: str) -> tuple[subprocess.CompletedProcess[str], list[list[str]]]:
    path = tmp_path / "fix-plan.sh"
    path.write_text(script, encoding="utf-8")
    log = tmp_path / "calls.jsonl"
    log.unlink(missing_ok=True)
    folder = install(tmp_path / "bin")
    proc = subprocess.run(["bash", str(path)], env=environment(folder, log, **{"FAKE_AWS_ACCOUNT": ACCOUNT, **env}),
                          capture_output=True, text=True, timeout=60, check=False)
    return proc, calls(log)


def test_cli_words_follow_the_aws_cli_spelling() -> None:
    fix = step("ec2:CreateVpcEndpoint", {"VpcId": "vpc-1", "PrivateDnsEnabled": False, "SubnetIds": ["subnet-1",
               "subnet-2"], "DnsOptions": {"DnsRecordIpType": "ipv4"}, "SecurityGroupIds": [new_id("sg-new")]},
               "vpc-1", Phase.CREATE, "x", creates="ep", output="VpcEndpoint.VpcEndpointId")
    # The resource acted on first, then by name: the order survives a round trip through the JSON result.
    assert cli.command(fix, "eu-west-1") == (
        """aws ec2 create-vpc-endpoint --region eu-west-1 --vpc-id vpc-1 --dns-options '{"DnsRecordIpType":"ipv4"}' """
        """--no-private-dns-enabled --security-group-ids "${sg_new}" --subnet-ids subnet-1 subnet-2 """
        "--query VpcEndpoint.VpcEndpointId --output text")
    policy = step("s3:PutBucketPolicy", {"Bucket": "b", "Policy": "{}"}, "b", Phase.MODIFY, "x")
    assert cli.argv(policy, "us-east-1")[:3] == ["aws", "s3api", "put-bucket-policy"]
    with pytest.raises(ValueError, match="nested"):
        cli.command(step("ec2:AuthorizeSecurityGroupIngress", {"GroupId": "sg-1", "IpPermissions": [
            {"UserIdGroupPairs": [{"GroupId": new_id("sg-new")}]}]}, "sg-1", Phase.CREATE, "x"), "us-east-1")


def test_sh_plan_header_strict_mode_and_commented_decisions(plan: FixPlan) -> None:
    text = FIX_FORMATS.render(plan, "sh")
    lines = text.splitlines()
    assert lines[0] == "#!/usr/bin/env bash"
    assert "GENERATED: REVIEW EVERY STEP BEFORE RUNNING IT" in lines[1]
    assert "set -euo pipefail" in lines
    assert subprocess.run(["bash", "-n"], input=text, text=True, check=False).returncode == 0
    for planned in (p for g in plan.groups for p in g.steps if not p.step.ready):
        at = lines.index(f"# {cli.comment('NEEDS A DECISION: ' + (planned.step.decision or ''))[2:]}")
        assert lines[at + 1].startswith("# run ") and planned.step.resource_id in lines[at + 1]
    for finding in plan.findings:
        assert f"fixes {finding.rule_id} ({finding.severity.value}) {finding.resource.resource_type} " \
               f"{finding.resource.resource_id}: {finding.message}" in text


def test_sh_plan_runs_the_ready_steps_in_order_passing_new_ids_along(plan: FixPlan, tmp_path: Path) -> None:
    proc, made = _run(FIX_FORMATS.render(plan, "sh"), tmp_path)
    assert proc.returncode == 0, proc.stderr
    ready = [p.step for g in plan.groups for p in g.steps if p.step.ready]
    assert [c[:2] for c in made] == [cli.argv(s, "us-east-1")[1:3] for s in ready]
    # The stand-in names a new id after the call's position: allocate-address's id reaches create-nat-gateway,
    # whose id reaches replace-route.
    allocate = next(c for c in made if c[1] == "allocate-address")
    create_nat = next(c for c in made if c[1] == "create-nat-gateway")
    assert create_nat[create_nat.index("--allocation-id") + 1] == f"new-{made.index(allocate) + 1}"
    replace = next(c for c in made if c[1] == "replace-route")
    assert replace[replace.index("--nat-gateway-id") + 1] == f"new-{made.index(create_nat) + 1}"
    assert not any(c[1] in ("revoke-security-group-ingress", "put-bucket-policy") for c in made)


def test_dry_run_sends_only_calls_that_can_dry_run(plan: FixPlan, tmp_path: Path) -> None:
    proc, made = _run(FIX_FORMATS.render(plan, "sh"), tmp_path, DRY_RUN="1")
    assert proc.returncode == 0, proc.stderr
    assert made and all(c[-1] == "--dry-run" for c in made)
    sent = {c[1] for c in made}
    assert "modify-vpc-attribute" not in sent  # takes no --dry-run: printed, not sent
    assert "DRY_RUN: not sent, no --dry-run for this call: aws ec2 modify-vpc-attribute" in proc.stderr
    assert {"create-nat-gateway", "replace-route"}.isdisjoint(sent)  # they need the id a dry run did not create
    assert "DRY_RUN: not sent, it needs an id created above" in proc.stderr
    assert "DRY_RUN: would succeed: aws ec2 allocate-address" in proc.stderr


def test_sections_of_another_account_are_skipped(plan: FixPlan, tmp_path: Path) -> None:
    proc, made = _run(FIX_FORMATS.render(plan, "sh"), tmp_path, FAKE_AWS_ACCOUNT="999999999999")
    assert proc.returncode == 0 and made == []
    assert f"skipped account {ACCOUNT} / us-east-1" in proc.stderr


def test_the_first_failing_call_stops_the_plan(plan: FixPlan, tmp_path: Path) -> None:
    proc, made = _run(FIX_FORMATS.render(plan, "sh"), tmp_path, FAKE_AWS_FAIL="create-nat-gateway")
    assert proc.returncode != 0
    operations = [c[1] for c in made]
    assert operations[-2:] == ["allocate-address", "create-nat-gateway"]
    assert "replace-route" not in operations and "modify-vpc-attribute" not in operations


def test_terraform_plan_pins_the_account_and_imports_what_exists(plan: FixPlan) -> None:
    text = FIX_FORMATS.render(plan, "terraform")
    assert text.startswith("# vpcaudit remediation plan (Terraform). GENERATED: REVIEW EVERY CHANGE")
    alias = terraform.name("a", ACCOUNT, "us-east-1")
    assert f'alias               = "{alias}"' in text and f'allowed_account_ids = ["{ACCOUNT}"]' in text
    assert ('import {\n  to       = aws_route.rtb_0privb00000000002_0_0_0_0_0\n'
            '  id       = "rtb-0privb00000000002_0.0.0.0/0"\n'
            f"  provider = aws.{alias}\n}}") in text
    assert ("  nat_gateway_id         = aws_nat_gateway.nat_vpc_0prod000000000001_use1_az2.id" in text)
    assert "  allocation_id = aws_eip.eip_nat_vpc_0prod000000000001_use1_az2.id" in text
    # Decisions and deletions are comments; every resource block uses the account's provider.
    assert "# NEEDS A DECISION: the VPC routes to a transit gateway" in text
    lines = text.splitlines()
    starts = [i for i, line in enumerate(lines) if line.startswith("resource ")]
    assert starts and all(lines[i + 1].split() == ["provider", "=", f"aws.{alias}"] for i in starts)


def test_hcl_strings_cannot_interpolate_or_break_out() -> None:
    assert terraform.hcl_string('a"b\\c\n${x}%{y}\x1b\u202e') == '"a\\"b\\\\c\\n$${x}%%{y}\\u001b\\u202e"'


@pytest.mark.parametrize("value", ["x'; touch /tmp/pwned; echo '$(id)`id`${HOME}", "a\nb\u202ec\x1b[31m\\'",
                                   "caf\u00e9 \u00a0nbsp"])
def test_every_value_survives_the_shell_exactly_and_reads_on_one_line(value: str) -> None:
    fix = step("ec2:CreateSecurityGroup", {"VpcId": "vpc-1", "GroupName": value, "Description": "d"},
               "vpc-1", Phase.CREATE, "x")
    line = cli.command(fix, "us-east-1")
    assert "\n" not in line and "\u202e" not in line and "\x1b" not in line
    words = subprocess.run(["bash", "-c", "printf '%s\\0' " + line.removeprefix("aws ")], capture_output=True,
                           check=True).stdout.decode("utf-8").split("\0")[:-1]
    assert words[words.index("--group-name") + 1] == value


@pytest.mark.parametrize("fmt", ["sh", "terraform"])
def test_the_plan_from_a_json_result_is_the_audits_own(fmt: str) -> None:
    """`vpcaudit fix result.json` and the demo (which plans from the result in memory) write the same file,
    although JSON sorts every key on the way."""
    sample = sample_result()
    from_json = result_from_json(render(sample, "json"))
    assert FIX_FORMATS.render(build_plan(from_json), fmt) == FIX_FORMATS.render(build_plan(sample), fmt)


def test_hcl_strings_without_anything_to_escape_take_the_short_way_to_the_same_literal() -> None:
    """Ids, ARNs and CIDRs (nearly every value) skip the per-character escaping; the literal is the same."""
    for text in ("vpc-0abc", "arn:aws:ec2:us-east-1:111111111111:vpc/vpc-1", "10.0.0.0/16", "a${b}%{c} ~!", ""):
        escaped = '"' + "".join(c for c in text).replace("${", "$${").replace("%{", "%%{") + '"'
        assert terraform.hcl_string(text) == escaped
    assert terraform.hcl_string("tab\there") == '"tab\\there"'  # not printable ASCII: escaped as before


def test_deleting_an_msk_vpc_connection_names_the_terraform_resource_to_remove() -> None:
    """A deletion stays a comment with its command; for an MSK managed VPC connection the comment
    names the aws_msk_vpc_connection (its VPC and cluster), since deleting one that a configuration
    still declares only lasts until the next apply. A tag value in the context stays comment text."""
    cluster = "arn:aws:kafka:us-east-1:111122223333:cluster/orders/0f1e-2\nresource \"x\" {}"
    fix = step("kafka:DeleteVpcConnection", {"Arn": placeholder("ARN of the MSK VPC connection of vpce-1")},
               "vpce-1", Phase.DELETE, "Delete the connection", decision="look the ARN up",
               context={"VpcId": "vpc-1", "TargetClusterArn": cluster})
    assert terraform.render([fix], "eu-west-1").splitlines() == [
        "# Delete the connection",
        "# Remove the aws_msk_vpc_connection of vpc-1 to cluster arn:aws:kafka:us-east-1:111122223333:cluster/orders/"
        "0f1e-2",
        "# resource \"x\" {} from the configuration that manages it, if any, and apply (deleted outside Terraform, it "
        "would be created again at the next apply); otherwise with the AWS CLI:",
        "# aws kafka delete-vpc-connection --region eu-west-1 --arn '<ARN of the MSK VPC connection of vpce-1>'",
        "# NEEDS A DECISION: look the ARN up"]
    ordinary = step("ec2:DeleteVpcEndpoints", {"VpcEndpointIds": ["vpce-1"]}, "vpce-1", Phase.DELETE, "x")
    assert "aws_msk_vpc_connection" not in terraform.render([ordinary], "eu-west-1")


def test_disassociating_a_resolver_rule_names_the_terraform_association_to_remove() -> None:
    """A Resolver rule's association with a VPC is an aws_route53_resolver_rule_association where
    Terraform made it: the comment names it by rule and VPC, with the CLI command beside it; the
    step creates nothing, so no CloudFormation template."""
    fix = step("route53resolver:DisassociateResolverRule", {"ResolverRuleId": "rslvr-rr-1", "VPCId": "vpc-1"},
               "rslvr-rr-1", Phase.DELETE, "Disassociate the rule", decision="the hub's clients stop forwarding")
    assert terraform.render([fix], "eu-west-1").splitlines() == [
        "# Disassociate the rule",
        "# Remove the aws_route53_resolver_rule_association of rslvr-rr-1 with vpc-1 from the configuration that "
        "manages it, if any, and apply (disassociated outside Terraform, it would be associated again at the next "
        "apply); otherwise with the AWS CLI:",
        "# aws route53resolver disassociate-resolver-rule --region eu-west-1 --resolver-rule-id rslvr-rr-1 "
        "--vpc-id vpc-1",
        "# NEEDS A DECISION: the hub's clients stop forwarding"]
    assert cloudformation.template([fix]) == ""


def test_source_dest_check_of_an_existing_interface_is_an_imported_network_interface() -> None:
    """Turning off an interface's source/destination check: the CLI's flag pair, a Terraform
    ``aws_network_interface`` imported by its id with the subnet it requires (and where else to
    set it), no CloudFormation template (the interface exists: no stack owns it here)."""
    fix = step("ec2:ModifyNetworkInterfaceAttribute", {"NetworkInterfaceId": "eni-1", "SourceDestCheck": {
               "Value": False}}, "eni-1", Phase.MODIFY, "Turn off the check on eni-1",
               context={"SubnetId": "subnet-1"})
    assert cli.command(fix, "eu-west-1") == (
        """aws ec2 modify-network-interface-attribute --region eu-west-1 --network-interface-id eni-1 """
        """--source-dest-check '{"Value":false}'""")
    assert terraform.render([fix], "eu-west-1").splitlines() == [
        "# Turn off the check on eni-1",
        "# (If an aws_instance or a launch template creates eni-1, set source_dest_check = false there instead of "
        "importing it.)",
        "import {",
        "  to = aws_network_interface.eni_1",
        '  id = "eni-1"',
        "}",
        'resource "aws_network_interface" "eni_1" {',
        '  subnet_id         = "subnet-1"',
        "  source_dest_check = false",
        "}"]
    assert cloudformation.template([fix]) == ""
    other = step("ec2:ModifyNetworkInterfaceAttribute", {"NetworkInterfaceId": "eni-1", "Description": {
                 "Value": "x"}}, "eni-1", Phase.MODIFY, "x")
    assert "aws ec2 modify-network-interface-attribute" in terraform.render([other], "eu-west-1")


def test_a_block_public_access_exclusion_is_a_resource_in_terraform_and_cloudformation() -> None:
    """NAT001's fix for a regional NAT gateway behind Block Public Access: the exclusion is an
    ``aws_vpc_block_public_access_exclusion`` and an ``AWS::EC2::VPCBlockPublicAccessExclusion``
    (CloudFormation writes only ready steps: made ready here)."""
    fix = step("ec2:CreateVpcBlockPublicAccessExclusion", {"VpcId": "vpc-1", "InternetGatewayExclusionMode":
               "allow-egress"}, "vpc-1", Phase.CREATE, "Exclude vpc-1")
    assert cli.command(fix, "eu-west-1") == ("aws ec2 create-vpc-block-public-access-exclusion --region eu-west-1 "
                                             "--vpc-id vpc-1 --internet-gateway-exclusion-mode allow-egress")
    assert terraform.render([fix], "eu-west-1").splitlines()[1:] == [
        'resource "aws_vpc_block_public_access_exclusion" "bpa_exclusion_vpc_1" {',
        '  internet_gateway_exclusion_mode = "allow-egress"',
        '  vpc_id                          = "vpc-1"',
        "}"]
    (resource,) = json.loads(cloudformation.template([fix]))["Resources"].values()
    assert resource == {"Type": "AWS::EC2::VPCBlockPublicAccessExclusion",
                        "Properties": {"InternetGatewayExclusionMode": "allow-egress", "VpcId": "vpc-1"}}


def test_a_local_zone_address_names_its_network_border_group_everywhere() -> None:
    """The NAT fix's address for a Local Zone is allocated in the zone's group ("IP addresses cannot
    move between network border groups", AllocateAddress): ``--network-border-group``, the
    ``aws_eip``'s ``network_border_group``, the ``AWS::EC2::EIP``'s ``NetworkBorderGroup``."""
    fix = step("ec2:AllocateAddress", {"Domain": "vpc", "NetworkBorderGroup": "us-west-2-lax-1"}, "vpc-1",
               Phase.CREATE, "Allocate", creates="eip-nat", output="AllocationId")
    assert cli.command(fix, "us-west-2") == (
        "aws ec2 allocate-address --region us-west-2 --domain vpc --network-border-group us-west-2-lax-1 "
        "--query AllocationId --output text")
    assert terraform.render([fix], "us-west-2").splitlines()[1:] == [
        'resource "aws_eip" "eip_nat" {',
        '  domain               = "vpc"',
        '  network_border_group = "us-west-2-lax-1"',
        "}"]
    (resource,) = json.loads(cloudformation.template([fix]))["Resources"].values()
    assert resource == {"Type": "AWS::EC2::EIP",
                        "Properties": {"Domain": "vpc", "NetworkBorderGroup": "us-west-2-lax-1"}}


@pytest.mark.parametrize("document", [
    {"AWSTemplateFormatVersion": "2010-09-09", "Resources": {}},
    {"a": [], "b": {}, "c": [[], {}, [1, [2, {"d": None}]]], "e": True, "f": False, "g": -0.5, "h": 10 ** 20},
    {"Description": "caf\u00e9 \u202e \u6f22\u5b57 \"quoted\" \\ \n\t\x01", "Résumé": ["\ud7ff", "x"]},
    {"Resources": {"Ep": {"Type": "AWS::EC2::VPCEndpoint", "Properties": {"SubnetIds": ("subnet-1", "subnet-2")}}}},
    {1: "a non-string key"},
    {"nan": float("nan")},
], ids=["empty", "nested", "hostile-text", "tuple", "int-key", "nan"])
def test_cloudformation_text_is_json_dumps_text(document: dict[object, object]) -> None:
    """The template writer gives json.dumps(indent=2, ensure_ascii=True, allow_nan=False)'s text,
    or its error, for any document."""
    from vpcaudit.render.fix import cloudformation

    try:
        expected: object = json.dumps(document, indent=2, ensure_ascii=True, allow_nan=False)
    except ValueError as exc:
        expected = type(exc)
    try:
        written: object = cloudformation._dumps(document)  # type: ignore[arg-type]
    except ValueError as exc:
        written = type(exc)
    assert written == expected
