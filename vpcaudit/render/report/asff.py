"""AWS Security Finding Format (ASFF) for Security Hub: the body of a ``BatchImportFindings`` call.

The document is a JSON array of findings, ready for ``aws securityhub batch-import-findings
--findings file://report.asff.json`` (at most 100 per call) or ``vpcaudit publish securityhub``.
Mapping choices, each made so Security Hub tracks a finding the way vpcaudit does:

* ``Id`` is built from the finding's fingerprint (rule, account, Region, resource,
  discriminator), so importing the same finding again updates it instead of adding a twin;
* ``ProductArn`` is the account's *default* custom integration
  (``arn:<partition>:securityhub:<region>:<account>:product/<account>/default``), which every
  account with Security Hub has without subscribing to anything;
* a ``fail`` finding is ``Compliance.Status`` FAILED, workflow NEW; a ``suppressed`` one is
  FAILED with workflow SUPPRESSED (the risk exists, the team accepted it); ``not_evaluated`` and
  ``error`` findings are NOT_AVAILABLE at INFORMATIONAL severity — a gap in the audit, not a
  risk of the rule's severity — with the rule's severity kept in ``Severity.Original``;
* ``Compliance.RelatedRequirements`` lists the Security Hub controls and CIS items the rule
  relates to; ``ProductFields`` carries what ASFF has no field for (fingerprint, status, VPC,
  cost, the severity an override replaced).

Limits are ASFF's: ``Title`` 256 characters, ``Description`` 1024,
``Remediation.Recommendation.Text`` 512, ``ProductFields`` values 2048.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from vpcaudit.engine.result import AuditResult, RuleInfo
from vpcaudit.engine.rule import Finding, ResourceRef, Severity, Status
from vpcaudit.render.base import Formatter
from vpcaudit.render.jsontext import report_writer

SCHEMA_VERSION = "2018-10-08"
PRODUCT_NAME = "vpcaudit"
TYPE_PREFIX = "Software and Configuration Checks/AWS Security Best Practices/"
CIS_TYPE = "Software and Configuration Checks/Industry and Regulatory Standards/CIS AWS Foundations Benchmark"
TITLE_MAX, DESCRIPTION_MAX, RECOMMENDATION_MAX, FIELD_MAX = 256, 1024, 512, 2048

_LABEL = {Severity.CRITICAL: "CRITICAL", Severity.HIGH: "HIGH", Severity.MEDIUM: "MEDIUM", Severity.LOW: "LOW",
          Severity.INFO: "INFORMATIONAL"}
# Third part of Types (the classifier) by rule family; a third-party family gets the generic one.
_CLASSIFIER = {"DNS": "DNS Resolution", "GWE": "VPC Endpoints", "IFE": "VPC Endpoints",
               "SG": "Network Reachability", "ACL": "Network Reachability", "RT": "Network Reachability",
               "NAT": "Network Reachability", "POL": "Endpoint Policies", "MON": "Logging", "COST": "Cost"}
_GENERIC_CLASSIFIER = "Network Configuration"


def finding_id(f: Finding) -> str:
    """The ASFF ``Id``: one per rule and fingerprint, the same in every run."""
    return f"vpcaudit/{f.rule_id}/{f.fingerprint}"


def product_arn(account_id: str, region: str, partition: str = "aws") -> str:
    """The default custom integration of ``account_id`` in ``region``."""
    return f"arn:{partition}:securityhub:{region}:{account_id}:product/{account_id}/default"


def asff_findings(result: AuditResult) -> list[dict[str, Any]]:
    """Every finding of the result (all statuses) as an ASFF finding, in the result's order."""
    rules = {info.id: info for info in result.rules}
    details = _Details(result)
    return [asff_finding(f, rules.get(f.rule_id), result.generated_at, details) for f in result.findings]


def asff_finding(f: Finding, info: RuleInfo | None, when: str, details: _Details | None = None) -> dict[str, Any]:
    res = f.resource
    judged = f.status in (Status.FAIL, Status.SUPPRESSED)
    controls = info.controls if info else ()
    types = [TYPE_PREFIX + _CLASSIFIER.get(f.rule_id.rstrip("0123456789"), _GENERIC_CLASSIFIER)]
    if any(not c.is_security_hub for c in controls):
        types.append(CIS_TYPE)
    compliance: dict[str, Any] = {"Status": "FAILED" if judged else "NOT_AVAILABLE"}
    if controls:
        compliance["RelatedRequirements"] = [c.requirement for c in controls][:32]
    severity = {"Label": _LABEL[f.severity] if judged else "INFORMATIONAL", "Original": f.severity.value}
    item: dict[str, Any] = {
        "SchemaVersion": SCHEMA_VERSION,
        "Id": finding_id(f),
        "ProductArn": product_arn(res.account_id, res.region, res.partition),
        "ProductName": PRODUCT_NAME,
        "CompanyName": PRODUCT_NAME,
        "GeneratorId": f"vpcaudit/{f.rule_id}",
        "AwsAccountId": res.account_id,
        "Region": res.region,
        "Types": types,
        "CreatedAt": when,
        "UpdatedAt": when,
        "Severity": severity,
        # Security Hub takes later changes of severity and types from a provider only through these.
        "FindingProviderFields": {"Severity": severity, "Types": types},
        "Title": _cut(f"{f.rule_id} {f.rule_name}: {res.resource_id}", TITLE_MAX),
        "Description": _cut(f.message if judged else f"Not evaluated: {f.message}", DESCRIPTION_MAX),
        "Resources": [_resource(res, details)],
        "Compliance": compliance,
        "Workflow": {"Status": "SUPPRESSED" if f.status is Status.SUPPRESSED else "NEW"},
        "RecordState": "ACTIVE",
        "ProductFields": _product_fields(f, controls),
    }
    recommendation = _recommendation(info)
    if recommendation:
        item["Remediation"] = {"Recommendation": recommendation}
    return item


_WRITER = report_writer()


def render_asff(result: AuditResult) -> str:
    return _WRITER.dumps(asff_findings(result), end="\n")


def _cut(text: str, limit: int) -> str:
    text = text.strip() or "-"
    return text if len(text) <= limit else text[:limit - 1] + "…"


def _recommendation(info: RuleInfo | None) -> dict[str, str]:
    if info is None:
        return {}
    prose = next((p.replace("\n", " ").strip() for p in info.fix.split("\n\n")
                  if p.strip() and not p.lstrip().startswith("```")), info.summary)
    prose = prose.rstrip(" :.")
    out = {"Text": _cut(f"{prose}. Every step: vpcaudit rules show {info.id}", RECOMMENDATION_MAX)}
    url = next((ref for ref in info.references if ref.startswith("https://")), None)
    if url:
        out["Url"] = url
    return out


def _product_fields(f: Finding, controls: tuple[Any, ...]) -> dict[str, str]:
    fields = {"vpcaudit/RuleId": f.rule_id, "vpcaudit/RuleName": f.rule_name, "vpcaudit/Fingerprint": f.fingerprint,
              "vpcaudit/Status": f.status.value, "vpcaudit/ResourceType": f.resource.resource_type}
    if f.resource.vpc_id:
        fields["vpcaudit/VpcId"] = f.resource.vpc_id
    hub = [c.id for c in controls if c.is_security_hub]
    if hub:
        fields["vpcaudit/SecurityHubControls"] = ",".join(hub)
    if f.severity_overridden_from is not None:
        fields["vpcaudit/SeverityOverriddenFrom"] = f.severity_overridden_from.value
    if f.monthly_cost_usd is not None:
        fields["vpcaudit/MonthlyCost"] = f"{f.monthly_cost_usd:.2f}"
        fields["vpcaudit/Currency"] = f.currency or "USD"
    if f.suppression_reason:
        fields["vpcaudit/SuppressionReason"] = f.suppression_reason
    if f.evidence:
        fields["vpcaudit/Evidence"] = json.dumps(f.evidence, sort_keys=True, ensure_ascii=False, allow_nan=False)
    return {k: _cut(v, FIELD_MAX) for k, v in fields.items()}


class _Details:
    """Lookups for the ``Details`` ASFF defines for VPCs and subnets, from the result's own facts."""

    def __init__(self, result: AuditResult) -> None:
        self.vpc_cidrs = {(v.account_id, v.region, v.vpc_id): v.cidrs for v in result.vpcs}
        self.subnets = {(t.account_id, t.region, s.subnet_id): s for t in result.topology for s in t.subnets}


# vpcaudit resource type → ASFF resource type; the others (endpoints, NAT gateways, Regions) are "Other"
_TYPES: Mapping[str, str] = {"vpc": "AwsEc2Vpc", "subnet": "AwsEc2Subnet", "security-group": "AwsEc2SecurityGroup",
                             "network-acl": "AwsEc2NetworkAcl", "route-table": "AwsEc2RouteTable",
                             "bucket": "AwsS3Bucket", "hosted-zone": "AwsRoute53HostedZone"}


def _resource(res: ResourceRef, details: _Details | None) -> dict[str, Any]:
    kind = _TYPES.get(res.resource_type, "Other")
    item: dict[str, Any] = {"Type": kind, "Id": res.arn, "Partition": res.partition, "Region": res.region}
    if res.name:
        item["Tags"] = {"Name": res.name}
    detail = _detail(kind, res, details)
    if detail:
        item["Details"] = {kind: detail}
    return item


def _detail(kind: str, res: ResourceRef, details: _Details | None) -> dict[str, Any]:
    if kind == "AwsEc2Vpc":
        cidrs = details.vpc_cidrs.get((res.account_id, res.region, res.resource_id), ()) if details else ()
        return {"CidrBlockAssociationSet": [{"CidrBlock": c} for c in cidrs]} if cidrs else {}
    if kind == "AwsEc2Subnet":
        out: dict[str, Any] = {"SubnetId": res.resource_id, "OwnerId": res.account_id}
        if res.vpc_id:
            out["VpcId"] = res.vpc_id
        subnet = details.subnets.get((res.account_id, res.region, res.resource_id)) if details else None
        if subnet is not None:
            out["AvailabilityZoneId"] = subnet.availability_zone_id
            if subnet.cidr:
                out["CidrBlock"] = subnet.cidr
        return out
    if kind == "AwsEc2SecurityGroup":
        return {"GroupId": res.resource_id, "OwnerId": res.account_id, **({"VpcId": res.vpc_id} if res.vpc_id else {})}
    if kind == "AwsEc2NetworkAcl":
        return {"NetworkAclId": res.resource_id, "OwnerId": res.account_id,
                **({"VpcId": res.vpc_id} if res.vpc_id else {})}
    if kind == "AwsEc2RouteTable":
        return {"RouteTableId": res.resource_id, "OwnerId": res.account_id,
                **({"VpcId": res.vpc_id} if res.vpc_id else {})}
    return {}


FORMATTER: Formatter[AuditResult] = Formatter("asff", "report.asff.json", render_asff)
