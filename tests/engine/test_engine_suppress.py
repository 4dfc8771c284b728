"""Suppression files: parsing with named errors, matching by glob or tag, expiry."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from vpcaudit.engine.rule import Finding, ResourceRef, Severity, Status
from vpcaudit.engine.suppress import (
    Suppression,
    SuppressionError,
    apply_suppressions,
    check_rules,
    expired_entries,
    load_suppressions,
)

TODAY = dt.date(2026, 6, 1)


def finding(rule_id: str = "SG001", resource_id: str = "vpce-0abc", status: Status = Status.FAIL) -> Finding:
    return Finding(rule_id, "x", Severity.HIGH, status,
                   ResourceRef("111111111111", "us-east-1", "vpc-1", "vpc-endpoint", resource_id), "msg")


def test_valid_file_is_parsed(tmp_path: Path) -> None:
    path = tmp_path / "s.toml"
    path.write_text('[[suppress]]\nrule = "sg001"\nresource = "vpce-*"\nreason = "shared endpoint"\n'
                    'expires = 2027-01-31\n\n[[suppress]]\nrule = "MON001"\ntag = "env=sandbox"\n'
                    'reason = "sandbox"\n')
    assert load_suppressions(path) == (
        Suppression("SG001", "shared endpoint", "vpce-*", None, dt.date(2027, 1, 31), 1),
        Suppression("MON001", "sandbox", None, ("env", "sandbox"), None, 2))


@pytest.mark.parametrize(("body", "message"), [
    ('[[suppress]]\nrule = "SG001"\nresource = "x"\n', "entry 1: 'reason' is required"),
    ('[[suppress]]\nresource = "x"\nreason = "r"\n', "entry 1: 'rule'"),
    ('[[suppress]]\nrule = "SG001"\nreason = "r"\n', "entry 1: give exactly one of 'resource'"),
    ('[[suppress]]\nrule = "SG001"\nreason = "r"\nresource = "x"\ntag = "a=b"\n', "entry 1: give exactly one"),
    ('[[suppress]]\nrule = "SG001"\nreason = "r"\ntag = "novalue"\n', "entry 1: 'tag' must look like"),
    ('[[suppress]]\nrule = "SG001"\nreason = "r"\nresource = "x"\nexpires = "soon"\n',
     "entry 1: 'expires' must be a date"),
    ('[[suppress]]\nrule = "A001"\nreason = "r"\nresource = "x"\n\n[[suppress]]\nrule = "SG001"\nreason = "r"\n'
     'resource = "x"\nuntil = 2027-01-01\n', "entry 2: unknown key"),
    ('suppress = "all"\n', "'suppress' must be an array of tables"),
    ('[suppression]\nrule = "x"\n', "unknown top-level key(s) suppression"),
    ('[[suppress]\n', "not a readable TOML file"),
])
def test_malformed_files_name_the_file_and_entry(tmp_path: Path, body: str, message: str) -> None:
    path = tmp_path / "accepted.toml"
    path.write_text(body)
    with pytest.raises(SuppressionError) as exc:
        load_suppressions(path)
    assert str(exc.value).startswith(str(path)) and message in str(exc.value)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(SuppressionError, match="no such suppressions file"):
        load_suppressions(tmp_path / "none.toml")


def test_unknown_rule_ids_are_rejected() -> None:
    with pytest.raises(SuppressionError, match=re.escape("s.toml: [[suppress]] entry 3: unknown rule id XYZ001")):
        check_rules([Suppression("XYZ001", "r", "x", entry=3)], ["SG001"], "s.toml")


def test_matching_by_id_glob_arn_glob_and_tag() -> None:
    by_id = Suppression("SG001", "r", resource="vpce-0a*")
    by_arn = Suppression("SG001", "r", resource="arn:aws:ec2:us-east-1:111111111111:vpc-endpoint/*")
    by_tag = Suppression("SG001", "r", tag=("team", "net"))
    other_rule = Suppression("SG002", "r", resource="*")
    assert by_id.matches(finding(), {}) and not by_id.matches(finding(resource_id="vpce-1b"), {})
    assert by_arn.matches(finding(resource_id="vpce-1b"), {})
    assert by_tag.matches(finding(), {"team": "net"}) and not by_tag.matches(finding(), {"team": "app"})
    assert not other_rule.matches(finding(), {})


def test_only_failing_findings_are_suppressed_and_expired_entries_do_not_apply() -> None:
    live = Suppression("SG001", "accepted", resource="*", expires=TODAY)  # expires today: still valid
    out = apply_suppressions([finding(), finding(status=Status.NOT_EVALUATED)], [live], {}, TODAY)
    assert [f.status for f in out] == [Status.SUPPRESSED, Status.NOT_EVALUATED]
    assert out[0].suppression_expires == "2026-06-01"
    stale = Suppression("SG001", "accepted", resource="*", expires=TODAY - dt.timedelta(days=1), entry=4)
    assert [f.status for f in apply_suppressions([finding()], [stale], {}, TODAY)] == [Status.FAIL]
    assert expired_entries([live, stale], TODAY) == ("entry 4: SG001 on resource * (accepted, expired 2026-05-31)",)


def test_tag_lookup_uses_account_region_and_resource_id() -> None:
    by_tag = Suppression("SG001", "r", tag=("team", "net"))
    tags = {("111111111111", "us-east-1", "vpce-0abc"): {"team": "net"}}
    assert apply_suppressions([finding()], [by_tag], tags, TODAY)[0].status is Status.SUPPRESSED
    assert apply_suppressions([finding(resource_id="vpce-9")], [by_tag], tags, TODAY)[0].status is Status.FAIL


@pytest.mark.parametrize(("resource_type", "resource_id", "region", "arn"), [
    ("vpc-endpoint", "vpce-1", "us-east-1", "arn:aws:ec2:us-east-1:111111111111:vpc-endpoint/vpce-1"),
    ("security-group", "sg-1", "cn-north-1", "arn:aws-cn:ec2:cn-north-1:111111111111:security-group/sg-1"),
    ("bucket", "amzn-s3-demo-bucket", "us-east-1", "arn:aws:s3:::amzn-s3-demo-bucket"),
    ("hosted-zone", "Z0123456789ABCDEFGHIJ", "us-gov-west-1",
     "arn:aws-us-gov:route53:::hostedzone/Z0123456789ABCDEFGHIJ"),
    ("resolver-rule", "rslvr-rr-0123456789abcdef0", "eu-west-1",
     "arn:aws:route53resolver:eu-west-1:111111111111:resolver-rule/rslvr-rr-0123456789abcdef0"),
])
def test_a_resource_arn_is_in_its_services_form(resource_type: str, resource_id: str, region: str, arn: str) -> None:
    """The ARN every report and a suppression match on is the one the resource's service
    documents: S3 buckets and Route 53 hosted zones carry neither Region nor account, a Resolver
    rule is route53resolver's (not EC2's), in the Region's partition."""
    ref = ResourceRef("111111111111", region, None, resource_type, resource_id)
    assert ref.arn == arn
    finding = Finding("DNS006", "resolver-rule-loop", Severity.HIGH, Status.FAIL, ref, "msg")
    assert Suppression(rule="DNS006", reason="r", resource=arn).matches(finding, {})
