"""A fixed, hand-built AuditResult for the formatter tests (golden files, HTML structure, browser).

Why by hand and not from a scan: the formatters' tests must not move when a rule or the
runner changes, and they must cover cases a real estate rarely has all at once — every
status, a region-wide finding, a VPC with and one without collected topology, data costs,
expired suppressions. ``hostile_result`` puts attacker-controlled text (as AWS tags can hold)
in every field a report prints.
"""

from __future__ import annotations

from dataclasses import replace

from vpcaudit.engine.controls import cis, security_hub
from vpcaudit.engine.remedy import FixStep, Phase, new_id, placeholder, step
from vpcaudit.engine.result import AuditResult, Outcome, RuleInfo, ScopeResult
from vpcaudit.engine.rule import Finding, FindingGroup, GroupMember, ResourceRef, Severity, Status
from vpcaudit.facts.costs import CostLine
from vpcaudit.facts.summaries import VpcSummary
from vpcaudit.facts.topology import TopologyEndpoint, TopologyNat, TopologySubnet, VpcTopology
from vpcaudit.network.paths import PathStep, TrafficPath

ACCOUNT = "111122223333"
REGION = "us-east-1"
PROD = "vpc-0prod000000000001"
SHARED = "vpc-0shared0000000002"
HOSTILE = "<script>alert(1)</script></td>|`x`\nnext\u202eevil*_[a](b)#$"

_FIX_NAT = """Give every AZ its own NAT gateway and point each private route table at the NAT gateway
in the same AZ:

```bash
aws ec2 create-nat-gateway --subnet-id <public-subnet-in-az> --allocation-id <eip-alloc-id>
aws ec2 replace-route --route-table-id <rtb-id> \\
  --destination-cidr-block 0.0.0.0/0 --nat-gateway-id <nat-in-same-az>
```

- Check with `vpcaudit path <subnet-id> internet`.
- Remove the cross-AZ route only after the new one is active."""

_FIX_GWE = """Create a free S3 gateway endpoint and associate it with the private route tables:

```bash
aws ec2 create-vpc-endpoint --vpc-id <vpc-id> --vpc-endpoint-type Gateway \\
  --service-name com.amazonaws.<region>.s3 --route-table-ids <rtb-1> <rtb-2>
```"""

RULES = (
    RuleInfo("DNS002", "vpc-dns-hostnames-disabled", Severity.HIGH,
             "A VPC with private-DNS endpoints has DNS hostnames disabled.",
             "Private DNS names of interface endpoints may not resolve: SDKs go around the endpoint.",
             "Turn the attribute on:\n\n```bash\naws ec2 modify-vpc-attribute --vpc-id <vpc-id> "
             "--enable-dns-hostnames '{\"Value\":true}'\n```",
             ("https://docs.aws.amazon.com/vpc/latest/userguide/vpc-dns.html",), "vpcaudit"),
    RuleInfo("GWE002", "s3-gateway-endpoint-missing", Severity.MEDIUM,
             "Private subnets reach S3 through NAT because the VPC has no S3 gateway endpoint.",
             "Every GB to S3 pays NAT data processing; a gateway endpoint is free.", _FIX_GWE,
             ("https://docs.aws.amazon.com/vpc/latest/privatelink/vpc-endpoints-s3.html", "javascript:alert(1)"),
             "vpcaudit"),
    RuleInfo("IFE006", "interface-endpoint-idle", Severity.LOW,
             "An interface endpoint processed no bytes in the look-back window.",
             "It costs money every hour for nothing.", "Delete it:\n\n```bash\naws ec2 delete-vpc-endpoints "
             "--vpc-endpoint-ids <vpce-id>\n```", (), "vpcaudit"),
    RuleInfo("MON001", "vpc-flow-logs-disabled", Severity.MEDIUM, "A VPC has no active flow log.",
             "Without flow logs there is nothing to investigate an incident with.",
             "```bash\naws ec2 create-flow-logs --resource-type VPC --resource-ids <vpc-id> "
             "--traffic-type ALL --log-destination-type s3 --log-destination <bucket-arn>\n```", (), "vpcaudit",
             (security_hub("EC2.6", "VPC flow logging should be enabled in all VPCs"),
              cis("3.0.0", "3.7", "Ensure VPC flow logging is enabled in all VPCs"))),
    RuleInfo("NAT002", "nat-gateway-cross-az-route", Severity.MEDIUM,
             "A private subnet's default route targets a NAT gateway in another AZ.",
             "Cross-AZ data charges both ways, and the subnet loses internet when the other AZ fails.",
             _FIX_NAT, ("https://docs.aws.amazon.com/vpc/latest/userguide/nat-gateway-basics.html",), "vpcaudit"),
    RuleInfo("POL004", "bucket-policy-sourceip-behind-endpoint", Severity.HIGH,
             "A bucket policy conditions on aws:SourceIp while S3 endpoints exist.",
             "Through an endpoint aws:SourceIp is absent: the Deny blocks all endpoint traffic.",
             "Use `aws:SourceVpce` instead of `aws:SourceIp`.", (), "vpcaudit"),
    RuleInfo("SG001", "endpoint-sg-open-to-world", Severity.HIGH,
             "An endpoint security group allows inbound from 0.0.0.0/0.",
             "Any network routed to the VPC can reach the endpoint.",
             "```bash\naws ec2 revoke-security-group-ingress --group-id <sg-id> --protocol tcp --port 443 "
             "--cidr 0.0.0.0/0\n```", (), "vpcaudit"),
)


_NAT_LABEL = "nat-vpc-0prod000000000001-use1-az2"
FIXES: dict[str, tuple[FixStep, ...]] = {
    "DNS002": (step("ec2:ModifyVpcAttribute", {"VpcId": PROD, "EnableDnsHostnames": {"Value": True}}, PROD,
                    Phase.MODIFY, f"Turn on DNS hostnames in {PROD}", context={"CidrBlock": "10.0.0.0/16"}),),
    "SG001": (step("ec2:AuthorizeSecurityGroupIngress",
                   {"GroupId": "sg-0open00000000001", "IpPermissions": [
                       {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "IpRanges": [{"CidrIp": "10.0.0.0/16"}]}]},
                   "sg-0open00000000001", Phase.CREATE, "Allow TCP 443 from 10.0.0.0/16 into sg-0open00000000001"),
              step("ec2:RevokeSecurityGroupIngress", {"GroupId": "sg-0open00000000001",
                                                      "SecurityGroupRuleIds": ["sgr-0world000000001"]},
                   "sg-0open00000000001", Phase.DELETE, "Revoke rule sgr-0world000000001 of sg-0open00000000001",
                   decision="the VPC routes to a transit gateway: allow the remote CIDRs that use the endpoint first")),
    "POL004": (step("s3:PutBucketPolicy", {"Bucket": "logs-bucket", "Policy": placeholder("the rewritten policy")},
                    "logs-bucket", Phase.MODIFY, "Rewrite the policy of bucket logs-bucket",
                    decision="which endpoints to name is a policy decision"),),
    "GWE002": (step("ec2:CreateVpcEndpoint", {"VpcId": PROD, "VpcEndpointType": "Gateway",
                                              "ServiceName": "com.amazonaws.us-east-1.s3",
                                              "RouteTableIds": ["rtb-0priva00000000001", "rtb-0privb00000000002"]},
                    PROD, Phase.CREATE, f"Create an s3 gateway endpoint in {PROD}",
                    creates=f"s3-gateway-endpoint-{PROD}", output="VpcEndpoint.VpcEndpointId"),),
    "NAT002": (step("ec2:AllocateAddress", {"Domain": "vpc"}, PROD, Phase.CREATE, "Allocate an Elastic IP address",
                    creates=f"eip-{_NAT_LABEL}", output="AllocationId"),
               step("ec2:CreateNatGateway", {"SubnetId": "subnet-0pubb000000000002",
                                             "AllocationId": new_id(f"eip-{_NAT_LABEL}")},
                    "subnet-0pubb000000000002", Phase.CREATE, "Create a NAT gateway in use1-az2",
                    creates=_NAT_LABEL, output="NatGateway.NatGatewayId"),
               step("ec2:ReplaceRoute", {"RouteTableId": "rtb-0privb00000000002", "DestinationCidrBlock": "0.0.0.0/0",
                                         "NatGatewayId": new_id(_NAT_LABEL)},
                    "rtb-0privb00000000002", Phase.MODIFY, "Route 0.0.0.0/0 of rtb-0privb00000000002 to the new NAT")),
}


def _ref(resource_type: str, resource_id: str, vpc: str | None = PROD, name: str | None = None,
         region: str = REGION) -> ResourceRef:
    return ResourceRef(ACCOUNT, region, vpc, resource_type, resource_id, name)


_FINDINGS = (
    Finding("DNS002", "vpc-dns-hostnames-disabled", Severity.HIGH, Status.FAIL, _ref("vpc", PROD, name="prod"),
            "prod has 2 interface endpoints with private DNS on while enableDnsHostnames is false.",
            {"enable_dns_hostnames": False, "endpoints": ["vpce-0ssm000000000001", "vpce-0sts000000000002"]}),
    Finding("SG001", "endpoint-sg-open-to-world", Severity.HIGH, Status.FAIL,
            _ref("security-group", "sg-0open00000000001", name="endpoints"),
            "sg-0open00000000001 allows tcp/443 from 0.0.0.0/0 on endpoint vpce-0ssm000000000001; "
            "the VPC routes to a transit gateway.",
            {"cidr": "0.0.0.0/0", "port": 443, "endpoints": ["vpce-0ssm000000000001"]}, discriminator="0.0.0.0/0"),
    Finding("POL004", "bucket-policy-sourceip-behind-endpoint", Severity.HIGH, Status.FAIL,
            _ref("bucket", "logs-bucket", vpc=None),
            "Bucket logs-bucket denies requests NotIpAddress aws:SourceIp: all S3 endpoint traffic is denied.",
            {"statement": "DenyOutsideOffice"}),
    Finding("GWE002", "s3-gateway-endpoint-missing", Severity.MEDIUM, Status.FAIL, _ref("vpc", PROD, name="prod"),
            "prod sends S3 traffic from 2 private subnets through NAT gateway nat-0a0000000000000001.",
            {"private_subnets": ["subnet-0priva00000000001", "subnet-0privb00000000002"]}, monthly_cost_usd=45.0,
            currency="USD"),
    Finding("NAT002", "nat-gateway-cross-az-route", Severity.MEDIUM, Status.FAIL,
            _ref("subnet", "subnet-0privb00000000002", name="private-b"),
            "private-b (use1-az2) routes 0.0.0.0/0 to nat-0a0000000000000001 in use1-az1.",
            {"subnet_az": "use1-az2", "nat_az": "use1-az1", "nat_gateway": "nat-0a0000000000000001"}),
    Finding("MON001", "vpc-flow-logs-disabled", Severity.MEDIUM, Status.SUPPRESSED, _ref("vpc", SHARED, name="shared"),
            "shared has no active flow log.", {}, suppression_reason="Flow logs go to the central account",
            suppression_expires="2030-01-01"),
    Finding("IFE006", "interface-endpoint-idle", Severity.LOW, Status.NOT_EVALUATED,
            _ref("vpc-endpoint", "vpce-0sts000000000002"),
            "Metrics were not collected (--with metrics): idle endpoints cannot be told apart.", {}),
    Finding("SG001", "endpoint-sg-open-to-world", Severity.HIGH, Status.ERROR,
            ResourceRef(ACCOUNT, "eu-west-1", None, "region", "eu-west-1"),
            "SG001 failed in 111122223333/eu-west-1: KeyError: 'IpPermissions'"),
)

GROUP_ID = f"COST001/{REGION}"
GROUPED_RULE = RuleInfo(
    "COST001", "endpoint-centralization-opportunity", Severity.INFO,
    "Three or more VPCs of one Region each run their own interface endpoints for the same AWS services.",
    "Every VPC pays the endpoints' hourly charge again.", "Evaluate one shared set in a hub VPC.", (), "vpcaudit")
GROUPED_FINDINGS = tuple(
    Finding("COST001", "endpoint-centralization-opportunity", Severity.INFO, Status.FAIL,
            _ref("vpc", vpc, vpc=vpc, name=name),
            f"{vpc} is one of 3 VPCs in {REGION} running their own interface endpoints for ssm (this VPC: ssm, "
            "$7.30/month).", {"services": ["ssm"], "group_vpcs": 3, "group_accounts": 2}, monthly_cost_usd=7.3,
            group=GROUP_ID)
    for vpc, name in ((PROD, "prod"), (SHARED, "shared")))
GROUP = FindingGroup(GROUP_ID, "COST001", REGION, f"VPCs in {REGION} running their own interface endpoints for ssm",
                     (GroupMember(ACCOUNT, "vpc", PROD, "prod"), GroupMember(ACCOUNT, "vpc", SHARED, "shared"),
                      GroupMember("444455556666", "vpc", "vpc-0other00000000003")))

SCOPES = (
    ScopeResult("DNS002", ACCOUNT, REGION, Outcome.FAILED, "1 fail"),
    ScopeResult("GWE002", ACCOUNT, REGION, Outcome.FAILED, "1 fail"),
    ScopeResult("IFE006", ACCOUNT, REGION, Outcome.NOT_EVALUATED, "not collected: metrics skipped"),
    ScopeResult("MON001", ACCOUNT, REGION, Outcome.PASSED, "1 suppressed"),
    ScopeResult("NAT002", ACCOUNT, REGION, Outcome.FAILED, "1 fail"),
    ScopeResult("POL004", ACCOUNT, REGION, Outcome.FAILED, "1 fail"),
    ScopeResult("SG001", ACCOUNT, REGION, Outcome.FAILED, "1 fail"),
    ScopeResult("SG001", ACCOUNT, "eu-west-1", Outcome.ERROR, "KeyError: 'IpPermissions'"),
    ScopeResult("DNS002", ACCOUNT, "eu-west-1", Outcome.PASSED),
)

_SUBNETS = (  # (id, name, AZ id, public)
    ("subnet-0puba000000000001", "public-a", "use1-az1", True),
    ("subnet-0priva00000000001", "private-a", "use1-az1", False),
    ("subnet-0privb00000000002", "private-b", "use1-az2", False),
)


FINDINGS = tuple(replace(f, fix=FIXES.get(f.rule_id, ())) if f.status is Status.FAIL else f for f in _FINDINGS)


def _paths() -> tuple[TrafficPath, ...]:
    out = []
    for subnet, name, az, public in _SUBNETS:
        table = PathStep(f"{subnet} uses route table rtb-0{'pub' if public else 'priv'}")
        out.append(TrafficPath(ACCOUNT, REGION, PROD, subnet, name, az, "s3", "igw" if public else "nat",
                               "igw-0a00000000000001" if public else "nat-0a0000000000000001",
                               cross_az=not public and az != "use1-az1", via_nat=not public,
                               detail="no gateway endpoint", steps=(table,)))
        out.append(TrafficPath(ACCOUNT, REGION, PROD, subnet, name, az, "ssm", "interface-endpoint",
                               "vpce-0ssm000000000001", cross_az=az != "use1-az1",
                               detail="private DNS resolves to the endpoint", steps=(table,)))
        out.append(TrafficPath(ACCOUNT, REGION, PROD, subnet, name, az, "internet", "igw" if public else "nat",
                               "igw-0a00000000000001" if public else "nat-0a0000000000000001",
                               cross_az=not public and az != "use1-az1", via_nat=not public,
                               steps=(table, PathStep("0.0.0.0/0 → default route"))))
    out.append(TrafficPath(ACCOUNT, REGION, SHARED, "subnet-0shared0000000001", "shared-a", "use1-az1", "s3",
                           "gateway-endpoint", "vpce-0s3g000000000001"))
    out.append(TrafficPath(ACCOUNT, REGION, SHARED, "subnet-0shared0000000001", "shared-a", "use1-az1",
                           "internet", "none", None, detail="isolated"))
    return tuple(out)


TOPOLOGY = VpcTopology(
    ACCOUNT, REGION, PROD,
    subnets=tuple(TopologySubnet(s, n, az, f"10.0.{i}.0/24", pub) for i, (s, n, az, pub) in enumerate(_SUBNETS)),
    nat_gateways=(TopologyNat("nat-0a0000000000000001", "subnet-0puba000000000001", ("use1-az1",), "public"),),
    endpoints=(TopologyEndpoint("vpce-0ssm000000000001", "ssm", "Interface", ("use1-az1",)),
               TopologyEndpoint("vpce-0sts000000000002", "sts", "Interface", ("use1-az1", "use1-az2"))),
    internet_gateway_ids=("igw-0a00000000000001",),
)

COSTS = (
    CostLine(ACCOUNT, REGION, PROD, "nat-gateway", "nat-0a0000000000000001",
             "public zonal NAT gateway in use1-az1", 1, 32.85, 12.5),
    CostLine(ACCOUNT, REGION, PROD, "interface-endpoint", "vpce-0ssm000000000001",
             "interface endpoint com.amazonaws.us-east-1.ssm in 1 AZ(s)", 1, 7.3, None),
    CostLine(ACCOUNT, REGION, PROD, "interface-endpoint", "vpce-0sts000000000002",
             "interface endpoint com.amazonaws.us-east-1.sts in 2 AZ(s)", 2, 14.6, 0.0),
)


def sample_result() -> AuditResult:
    """Every section of the reports has something to show."""
    return AuditResult(
        schema_version="1.0", tool_version="0.1.0", rule_packs={"vpcaudit": "0.1.0"},
        snapshot_taken_at="2025-01-02T03:04:05+00:00", generated_at="2025-01-02T03:05:00+00:00",
        accounts=(ACCOUNT,), regions=("eu-west-1", REGION), rules=RULES, findings=FINDINGS, scopes=SCOPES,
        vpcs=(VpcSummary(ACCOUNT, REGION, PROD, "prod", ("10.0.0.0/16",), False),
              VpcSummary(ACCOUNT, REGION, SHARED, "shared", ("10.1.0.0/16",), False)),
        paths=_paths(), costs=COSTS, expired_suppressions=("NAT001 subnet-0old (expired 2024-12-31)",),
        options={"fail_on": "high"}, topology=(TOPOLOGY,),
    )


def grouped_result(text: str | None = None) -> AuditResult:
    """The sample plus two COST001 findings that share one group (``text``: hostile names in it)."""
    base = sample_result() if text is None else hostile_result(text)
    group = GROUP if text is None else replace(
        GROUP, description=text, members=tuple(replace(m, name=text) for m in GROUP.members))
    return replace(base, rules=(GROUPED_RULE, *base.rules), findings=(*base.findings, *GROUPED_FINDINGS),
                   scopes=(ScopeResult("COST001", ACCOUNT, REGION, Outcome.FAILED, "2 fail"), *base.scopes),
                   groups=(group,))


def hostile_result(text: str = HOSTILE) -> AuditResult:
    """The sample with attacker text in every name, message, evidence value and reason."""
    base = sample_result()

    def finding(f: Finding) -> Finding:
        res = replace(f.resource, name=text)
        return replace(f, resource=res, message=f"{text} {f.message}",
                       evidence={**f.evidence, "tag": text, f"key{text}": [text, "b"]},
                       suppression_reason=text if f.suppression_reason else None,
                       fix=tuple(hostile_step(s, text) for s in f.fix))

    return replace(
        base,
        findings=tuple(finding(f) for f in base.findings),
        vpcs=tuple(replace(v, name=text, cidrs=(text, "10.0.0.0/16")) for v in base.vpcs),
        accounts=(*base.accounts, text),
        rule_packs={**base.rule_packs, text: text},
        paths=tuple(replace(p, subnet_name=text, detail=text, steps=(PathStep(text),)) for p in base.paths),
        costs=tuple(replace(c, description=text) for c in base.costs),
        scopes=tuple(replace(s, detail=text) for s in base.scopes),
        topology=tuple(replace(t, subnets=tuple(replace(s, name=text) for s in t.subnets),
                               endpoints=tuple(replace(e, service=text) for e in t.endpoints))
                       for t in base.topology),
        rules=tuple(replace(r, summary=text, why=text, fix=f"{text}\n\n```\n{text}\n```")
                    for r in base.rules),
        expired_suppressions=(text,),
        options={"note": text},
    )


def hostile_step(fix: FixStep, text: str) -> FixStep:
    """A step whose description, decision and string values carry attacker text (as a tag-derived
    value could): no format may run or render any of it."""
    def taint(value: object) -> object:
        if isinstance(value, str):
            return f"{value}{text}$(touch /tmp/pwned)`id`${{x}}%{{y}}"
        if isinstance(value, list):
            return [taint(v) for v in value]
        if isinstance(value, dict) and not set(value) & {"new_id", "placeholder"}:
            return {k: taint(v) for k, v in value.items()}
        return value

    return replace(fix, description=f"{text} {fix.description}",
                   decision=f"{text} {fix.decision}" if fix.decision else None,
                   parameters={k: taint(v) for k, v in fix.parameters.items()})
