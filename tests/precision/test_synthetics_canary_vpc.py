"""An Amazon CloudWatch Synthetics canary in a VPC without internet access (the CloudWatch User
Guide's "Running a canary on a VPC" and its interface-endpoint page): every finding and its verdict
(docs/precision.md)."""

from __future__ import annotations

from aws_layout import audit, audit_result, region_view, replacement_policy, severities
from layouts import synthetics_canary_vpc
from layouts.synthetics_canary_vpc import ACCOUNT, CANARY, FUNCTION, REGION, VPC_CIDR
from policy_eval import allows

from vpcaudit.engine.rule import Finding
from vpcaudit.snapshot.model import Snapshot

Triples = set[tuple[str, str, str]]
THIS_ACCOUNT = {"aws:PrincipalAccount": ACCOUNT}
# The console's default artifacts bucket, cw-syn-results-<account>-<region> (assumed: the canary
# may name any bucket in ArtifactS3Location).
ARTIFACTS = f"arn:aws:s3:::cw-syn-results-{ACCOUNT}-{REGION}"


def _flow_log(ids: dict[str, str]) -> Triples:
    """Right, medium: the guide's pages create no flow log."""
    return {("MON001", ids["vpc"], "fail")}


def _default_endpoint_policies(ids: dict[str, str],
                               keys: tuple[str, ...] = ("monitoring", "s3", "synthetics")) -> Triples:
    """Right (advice), medium: each endpoint keeps AWS's default full access ("If you don't attach
    a policy when you create an endpoint, we attach a default policy for you that allows full
    access to the service"); the guide gives example policies for monitoring and synthetics."""
    return {("POL001", ids[key], "fail") for key in keys}


def _ife003(snapshot: Snapshot, vpc: str) -> Finding:
    (finding,) = [f for f in audit_result(snapshot).findings if (f.rule_id, f.resource.resource_id) == ("IFE003", vpc)]
    return finding


def test_the_snapshot_is_the_guides_layout() -> None:
    """The builder against the guide: DNS support and hostnames on, no route beyond the VPC, the S3
    gateway endpoint on both private tables, monitoring and synthetics with private DNS in both
    subnets; the canary's Lambda ENIs are the VPC's only workloads (the internal load balancer's
    nodes only forward, network model)."""
    snapshot, ids = synthetics_canary_vpc.build()
    region = snapshot.accounts[0].regions[0]
    (vpc,) = region.vpcs
    assert (vpc.cidr_blocks, vpc.enable_dns_support, vpc.enable_dns_hostnames) == ((VPC_CIDR,), True, True)
    assert not region.internet_gateways and not region.nat_gateways
    tables = {t.route_table_id: t for t in region.route_tables}
    for az in (1, 2):
        table = tables[ids[f"rt{az}"]]
        assert [a.subnet_id for a in table.associations] == [ids[f"subnet{az}"]]
        assert [x.target_id for x in table.routes if x.target_kind != "local"] == [ids["s3"]]
    endpoints = {e.vpc_endpoint_id: e for e in region.vpc_endpoints}
    for key in ("monitoring", "synthetics"):
        endpoint = endpoints[ids[key]]
        assert (endpoint.service_name, endpoint.private_dns_enabled, endpoint.group_ids) \
            == (f"com.amazonaws.{REGION}.{key}", True, (ids["endpoint_sg"],))
        assert sorted(endpoint.subnet_ids) == sorted((ids["subnet1"], ids["subnet2"]))
    view = region_view(snapshot)
    canary = [view.interfaces[ids[f"canary_eni{az}"]] for az in (1, 2)]
    assert {(e.interface_type, e.requester_managed, e.group_ids) for e in canary} \
        == {("lambda", True, (ids["canary_sg"],))}
    assert all(e.description.startswith(f"AWS Lambda VPC ENI-{FUNCTION}-") for e in canary)
    assert FUNCTION.startswith(f"cwsyn-{CANARY}-")
    workloads = {e.network_interface_id for e in view.workload_enis(ids["vpc"])}
    assert workloads == {ids["canary_eni1"], ids["canary_eni2"]}


def test_findings_and_verdicts_of_the_guides_layout() -> None:
    """MON001 and POL001 × 3, medium. Silent, rightly: SG003 (the endpoint group admits 443 from
    the canary's group), SG005 (the canary's group sends all traffic, to the S3 prefix list too),
    GWE001 (the prefix-list route on both tables), GWE002/GWE003 (no paid egress: the subnets are
    isolated), IFE001/IFE002 (endpoint ENIs in both canary AZs), IFE003 (the canary's bundle is
    complete: ``monitoring``, and the S3 gateway on both canary subnets' tables; ``synthetics`` is
    not asked for), DNS001/DNS002 (both attributes on, as the guide requires), DNS003 (private DNS
    on), NAT and ACL rules."""
    snapshot, ids = synthetics_canary_vpc.build()
    assert audit(snapshot) == _flow_log(ids) | _default_endpoint_policies(ids)
    assert {level for key, level in severities(snapshot).items() if key[0] in ("MON001", "POL001")} == {"medium"}


def test_pol001s_s3_fix_keeps_the_canarys_artifact_upload() -> None:
    """POL001's replacement for the S3 endpoint: right. The canary's execution role (this
    account's principal; "Required roles and permissions for canaries": ``s3:PutObject``,
    ``s3:GetObject``, ``s3:GetBucketLocation``, ``s3:ListAllMyBuckets``) writes the artifacts; the
    statement on ``aws:PrincipalAccount`` lets it through and refuses another account's caller."""
    snapshot, ids = synthetics_canary_vpc.build()
    document = replacement_policy(snapshot, "POL001", ids["s3"])
    run = f"{ARTIFACTS}/canary/{REGION}/{CANARY}/2026/01/01/00/00-00-000/screenshot.png"
    assert allows(document, "s3:PutObject", run, THIS_ACCOUNT)
    assert allows(document, "s3:GetBucketLocation", ARTIFACTS, THIS_ACCOUNT)
    assert not allows(document, "s3:PutObject", run, {"aws:PrincipalAccount": "222222222222"})


def test_pol001s_monitoring_fix_keeps_the_canarys_metrics() -> None:
    """POL001's replacement on the monitoring endpoint admits this account's principals: the
    canary's ``cloudwatch:PutMetricData`` (namespace ``CloudWatchSynthetics``) is its execution
    role's. Right."""
    snapshot, ids = synthetics_canary_vpc.build()
    document = replacement_policy(snapshot, "POL001", ids["monitoring"])
    assert allows(document, "cloudwatch:PutMetricData", "*", THIS_ACCOUNT)
    assert not allows(document, "cloudwatch:PutMetricData", "*", {"aws:PrincipalAccount": "222222222222"})


def test_near_miss_s3_endpoint_on_one_route_table() -> None:
    """The S3 gateway endpoint on the first subnet's table only (the second subnet added later):
    GWE001 on the second subnet, medium — right: with no NAT, a canary run placed in that subnet
    cannot upload its artifacts ("No artifacts were uploaded"), and the fix associates its table.
    IFE003 on the VPC, high — right, the same gap seen from the canary: its bundle misses the S3
    gateway for the second subnet, which holds one of its interfaces and is isolated (as the ECR
    bundle judges an S3 gateway not routed for its clients); the fix is the same association."""
    snapshot, ids = synthetics_canary_vpc.build(s3_tables=(1,))
    gwe001, ife003 = {("GWE001", ids["subnet2"], "fail")}, {("IFE003", ids["vpc"], "fail")}
    assert audit(snapshot) == _flow_log(ids) | _default_endpoint_policies(ids) | gwe001 | ife003
    assert severities(snapshot)[("GWE001", ids["subnet2"], "s3")] == "medium"
    associate = [("ec2:ModifyVpcEndpoint", {"VpcEndpointId": ids["s3"], "AddRouteTableIds": [ids["rt2"]]})]
    (finding,) = [f for f in audit_result(snapshot).findings if f.rule_id == "GWE001"]
    assert [(s.action, s.parameters) for s in finding.fix] == associate
    canary = _ife003(snapshot, ids["vpc"])
    assert (canary.severity.value, canary.evidence["affected_subnet_ids"]) == ("high", [ids["subnet2"]])
    assert [(s.action, s.parameters) for s in canary.fix] == associate
    assert "which serves the canaries' artifacts" in canary.fix[0].description


def test_near_miss_canary_group_sending_443_to_the_vpc_only() -> None:
    """The canary's group sending TCP 443 to the VPC's block alone: SG005 on ``canary-sg``, medium,
    for the S3 gateway endpoint only — right: calls through a gateway endpoint go to S3's public
    addresses (the prefix list), which the rule leaves out, so the artifact upload times out; the
    monitoring and synthetics endpoints' addresses are in the VPC and stay reachable. The fix adds
    TCP 443 to S3's prefix list, as AWS advises for gateway endpoints."""
    snapshot, ids = synthetics_canary_vpc.build(canary_egress="vpc")
    sg005 = {("SG005", ids["canary_sg"], "fail")}
    assert audit(snapshot) == _flow_log(ids) | _default_endpoint_policies(ids) | sg005
    assert severities(snapshot)[("SG005", ids["canary_sg"], "")] == "medium"
    (finding,) = [f for f in audit_result(snapshot).findings if f.rule_id == "SG005"]
    assert ids["s3"] in finding.message
    assert ids["monitoring"] not in finding.message and ids["synthetics"] not in finding.message
    (step,) = finding.fix
    (permission,) = step.parameters["IpPermissions"]
    assert (step.action, permission["FromPort"], permission["ToPort"]) == ("ec2:AuthorizeSecurityGroupEgress", 443, 443)
    assert [p["PrefixListId"] for p in permission["PrefixListIds"]] == [
        p.prefix_list_id for p in snapshot.accounts[0].regions[0].prefix_lists
        if p.prefix_list_name == f"com.amazonaws.{REGION}.s3"]


def test_near_miss_without_the_monitoring_endpoint() -> None:
    """No ``monitoring`` endpoint, no NAT: IFE003 on the VPC, high — right. Gap closed: the
    canary's interfaces start the "CloudWatch Synthetics canaries" bundle (``monitoring`` and the
    S3 gateway endpoint, the VPC page's "you must create a VPC endpoint for CloudWatch
    (com.amazonaws.region.monitoring) and a gateway endpoint for Amazon S3"); both subnets are
    isolated, so the canary cannot publish its metrics ("No test result returned … if there are no
    data points in canary metrics, the canary can't access CloudWatch Monitoring"). The fix creates
    ``monitoring`` beside the VPC's ``synthetics`` endpoint (its subnets and ``canary-endpoints``
    group, which admits the canary)."""
    snapshot, ids = synthetics_canary_vpc.build(monitoring=False)
    assert "monitoring" not in ids
    ife003 = {("IFE003", ids["vpc"], "fail")}
    assert audit(snapshot) == _flow_log(ids) | _default_endpoint_policies(ids, ("s3", "synthetics")) | ife003
    finding = _ife003(snapshot, ids["vpc"])
    assert (finding.discriminator, finding.severity.value) == ("synthetics:required", "high")
    assert finding.evidence["missing"] == ["monitoring"]
    assert finding.evidence["isolated_subnet_ids"] == sorted((ids["subnet1"], ids["subnet2"]))
    (step,) = finding.fix
    assert (step.action, step.parameters["ServiceName"], step.parameters["SecurityGroupIds"]) \
        == ("ec2:CreateVpcEndpoint", f"com.amazonaws.{REGION}.monitoring", [ids["endpoint_sg"]])
    assert sorted(step.parameters["SubnetIds"]) == sorted((ids["subnet1"], ids["subnet2"]))


def test_near_miss_without_any_s3_endpoint() -> None:
    """No S3 gateway endpoint at all, no NAT: IFE003 on the VPC, high — right. Gap closed: the
    canary's bundle misses its S3 gateway endpoint for both isolated subnets, so the artifacts go
    nowhere ("No artifacts were uploaded"). GWE001 still needs an endpoint to exist and GWE002
    still counts only subnets paying for egress (cost advice, by design). The fix creates the
    gateway on both tables with a policy that lets the execution role (this account) upload."""
    snapshot, ids = synthetics_canary_vpc.build(s3_endpoint=False)
    assert "s3" not in ids
    ife003 = {("IFE003", ids["vpc"], "fail")}
    assert audit(snapshot) == _flow_log(ids) | _default_endpoint_policies(ids, ("monitoring", "synthetics")) | ife003
    finding = _ife003(snapshot, ids["vpc"])
    assert (finding.discriminator, finding.severity.value) == ("synthetics:required", "high")
    assert finding.evidence["missing"] == ["s3 (gateway)"]
    (step,) = finding.fix
    assert (step.action, step.parameters["VpcEndpointType"], sorted(step.parameters["RouteTableIds"])) \
        == ("ec2:CreateVpcEndpoint", "Gateway", sorted((ids["rt1"], ids["rt2"])))
    run = f"{ARTIFACTS}/canary/{REGION}/{CANARY}/2026/01/01/00/00-00-000/screenshot.png"
    assert allows(step.parameters["PolicyDocument"], "s3:PutObject", run, THIS_ACCOUNT)


def test_near_miss_synthetics_endpoint_without_private_dns() -> None:
    """Private DNS off on ``synthetics``: DNS003 on it, medium — right: ``synthetics.us-east-1.
    amazonaws.com`` resolves to the public service addresses, which the isolated subnets cannot
    reach, so Synthetics API calls from the VPC fail while the endpoint is billed. The canary's
    runs themselves are unharmed (they need monitoring and S3 only)."""
    snapshot, ids = synthetics_canary_vpc.build(synthetics_private_dns=False)
    dns003 = {("DNS003", ids["synthetics"], "fail")}
    assert audit(snapshot) == _flow_log(ids) | _default_endpoint_policies(ids) | dns003
    assert severities(snapshot)[("DNS003", ids["synthetics"], "")] == "medium"
