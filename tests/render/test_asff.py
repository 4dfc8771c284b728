"""-f asff: findings Security Hub's BatchImportFindings accepts, with stable ids and the right mapping."""

from __future__ import annotations

import json
from dataclasses import replace

from asff_check import asff_errors

from vpcaudit import render
from vpcaudit.engine.result import AuditResult
from vpcaudit.engine.rule import Finding, ResourceRef, Severity, Status
from vpcaudit.render.report.asff import asff_findings


def _by_rule(result: AuditResult) -> dict[str, dict]:
    return {(f["GeneratorId"], f["Region"]): f for f in asff_findings(result)}  # type: ignore[misc]


def test_every_finding_validates_against_botocores_securityhub_model(sample: AuditResult,
                                                                     hostile: AuditResult) -> None:
    for result in (sample, hostile):
        findings = json.loads(render.render(result, "asff"))
        assert len(findings) == len(result.findings)
        assert asff_errors(findings) == []


def test_ids_come_from_fingerprints_and_the_product_is_the_default_integration(sample: AuditResult) -> None:
    findings = asff_findings(sample)
    assert [f["Id"] for f in findings] == [f"vpcaudit/{x.rule_id}/{x.fingerprint}" for x in sample.findings]
    assert len({f["Id"] for f in findings}) == len(findings)
    first = findings[0]
    assert first["ProductArn"] == "arn:aws:securityhub:us-east-1:111122223333:product/111122223333/default"
    assert (first["GeneratorId"], first["AwsAccountId"], first["CreatedAt"]) == (
        "vpcaudit/DNS002", "111122223333", sample.generated_at)
    assert asff_findings(sample) == findings  # same result, same document


def test_statuses_map_to_compliance_workflow_and_severity(sample: AuditResult) -> None:
    got = {(f["GeneratorId"], f["ProductFields"]["vpcaudit/Status"]): (
        f["Compliance"]["Status"], f["Workflow"]["Status"], f["Severity"]["Label"], f["Severity"]["Original"])
        for f in asff_findings(sample)}
    assert got[("vpcaudit/DNS002", "fail")] == ("FAILED", "NEW", "HIGH", "high")
    assert got[("vpcaudit/MON001", "suppressed")] == ("FAILED", "SUPPRESSED", "MEDIUM", "medium")
    assert got[("vpcaudit/IFE006", "not_evaluated")] == ("NOT_AVAILABLE", "NEW", "INFORMATIONAL", "low")
    assert got[("vpcaudit/SG001", "error")] == ("NOT_AVAILABLE", "NEW", "INFORMATIONAL", "high")


def test_resources_have_asff_types_arns_and_details(sample: AuditResult) -> None:
    resources = {f["Resources"][0]["Id"]: f["Resources"][0] for f in asff_findings(sample)}
    vpc = resources["arn:aws:ec2:us-east-1:111122223333:vpc/vpc-0prod000000000001"]
    assert vpc["Type"] == "AwsEc2Vpc" and vpc["Tags"] == {"Name": "prod"}
    assert vpc["Details"] == {"AwsEc2Vpc": {"CidrBlockAssociationSet": [{"CidrBlock": "10.0.0.0/16"}]}}
    subnet = resources["arn:aws:ec2:us-east-1:111122223333:subnet/subnet-0privb00000000002"]
    assert subnet["Details"]["AwsEc2Subnet"] == {"SubnetId": "subnet-0privb00000000002", "OwnerId": "111122223333",
                                                 "VpcId": "vpc-0prod000000000001", "AvailabilityZoneId": "use1-az2",
                                                 "CidrBlock": "10.0.2.0/24"}
    group = resources["arn:aws:ec2:us-east-1:111122223333:security-group/sg-0open00000000001"]
    assert group["Type"] == "AwsEc2SecurityGroup" and group["Details"]["AwsEc2SecurityGroup"]["GroupId"] == \
        "sg-0open00000000001"
    assert resources["arn:aws:s3:::logs-bucket"]["Type"] == "AwsS3Bucket"
    assert resources["arn:aws:ec2:us-east-1:111122223333:vpc-endpoint/vpce-0sts000000000002"]["Type"] == "Other"


def test_controls_become_related_requirements_and_product_fields(sample: AuditResult) -> None:
    mon = _by_rule(sample)[("vpcaudit/MON001", "us-east-1")]
    assert mon["Compliance"]["RelatedRequirements"] == ["AWS Foundational Security Best Practices v1.0.0/EC2.6",
                                                        "CIS AWS Foundations Benchmark v3.0.0/3.7"]
    assert mon["ProductFields"]["vpcaudit/SecurityHubControls"] == "EC2.6"
    assert mon["Types"] == ["Software and Configuration Checks/AWS Security Best Practices/Logging",
                            "Software and Configuration Checks/Industry and Regulatory Standards/"
                            "CIS AWS Foundations Benchmark"]
    assert "RelatedRequirements" not in _by_rule(sample)[("vpcaudit/DNS002", "us-east-1")]["Compliance"]


def test_remediation_is_the_first_prose_of_the_fix_and_the_first_reference(sample: AuditResult) -> None:
    nat = _by_rule(sample)[("vpcaudit/NAT002", "us-east-1")]
    assert nat["Remediation"]["Recommendation"] == {
        "Text": "Give every AZ its own NAT gateway and point each private route table at the NAT gateway in the "
                "same AZ. Every step: vpcaudit rules show NAT002",
        "Url": "https://docs.aws.amazon.com/vpc/latest/userguide/nat-gateway-basics.html"}


def test_long_text_is_cut_to_asffs_limits_and_china_uses_its_partition(sample: AuditResult) -> None:
    long = Finding("DNS002", "vpc-dns-hostnames-disabled", Severity.HIGH, Status.FAIL,
                   ResourceRef("111122223333", "cn-north-1", "vpc-1", "vpc", "vpc-1" + "x" * 300), "m" * 5000,
                   monthly_cost_usd=51.1, currency="CNY", severity_overridden_from=Severity.LOW)
    (item,) = asff_findings(replace(sample, findings=(long,)))
    assert asff_errors([item]) == []
    assert len(item["Description"]) == 1024 and item["Description"].endswith("…")
    assert item["ProductArn"] == "arn:aws-cn:securityhub:cn-north-1:111122223333:product/111122223333/default"
    assert item["Resources"][0]["Partition"] == "aws-cn"
    assert (item["ProductFields"]["vpcaudit/MonthlyCost"], item["ProductFields"]["vpcaudit/Currency"],
            item["ProductFields"]["vpcaudit/SeverityOverriddenFrom"]) == ("51.10", "CNY", "low")
