"""EC2 instances running the AWS CodeDeploy agent in private subnets without internet access (the
CodeDeploy User Guide's VPC endpoint, agent and resource kit pages): every finding and its verdict
(docs/precision.md)."""

from __future__ import annotations

from functools import cache

from aws_layout import audit, audit_result, region_view, replacement_policy, severities
from layouts import codedeploy_private
from layouts.codedeploy_private import ACCOUNT, REGION, RESOURCE_KIT_BUCKET, REVISION_BUCKET, VPC_CIDR
from policy_eval import allows

from vpcaudit.snapshot.model import Snapshot

Triples = set[tuple[str, str, str]]
Built = tuple[Snapshot, dict[str, str]]
THIS_ACCOUNT = {"aws:PrincipalAccount": ACCOUNT}
# What the agent reads, as the guide and the agent's source name it.
REVISION = f"arn:aws:s3:::{REVISION_BUCKET}/app/release-42.zip"
INSTALLER = f"arn:aws:s3:::{RESOURCE_KIT_BUCKET}/latest/install"
LATEST_VERSION = f"arn:aws:s3:::{RESOURCE_KIT_BUCKET}/latest/LATEST_VERSION"
POLICY_ENDPOINTS = ("codedeploy", "codedeploy-commands-secure", "ssm", "s3")


@cache
def _built(**variant: object) -> Built:
    """Each variant's snapshot, built once."""
    return codedeploy_private.build(**variant)  # type: ignore[arg-type]


def _flow_log(ids: dict[str, str]) -> Triples:
    """Right, medium: the guide's pages create no flow log."""
    return {("MON001", ids["vpc"], "fail")}


def _default_endpoint_policies(ids: dict[str, str], keys: tuple[str, ...] = POLICY_ENDPOINTS) -> Triples:
    """Right (advice), medium: the endpoints keep AWS's default full access (which admits the
    resource kit bucket's anonymous reads); the guide gives no endpoint policy. The ssmmessages and
    ec2messages endpoints take no policy and are rightly silent."""
    return {("POL001", ids[key], "fail") for key in keys}


def _session_manager_optional(ids: dict[str, str]) -> Triples:
    """Right (advice), info: the Systems Manager endpoints without ``kms`` (sessions encrypted with
    a KMS key) and ``logs`` (session logs): the agent's installation through Run Command and
    Distributor needs neither."""
    return {("IFE003", ids["vpc"], "fail")}


def _baseline(ids: dict[str, str], keys: tuple[str, ...] = POLICY_ENDPOINTS) -> Triples:
    return _flow_log(ids) | _default_endpoint_policies(ids, keys) | _session_manager_optional(ids)


def test_the_snapshot_is_the_guide() -> None:
    """The builder against the guide: two private subnets on a table with only the local route and
    the S3 prefix list, no internet or NAT gateway; the two CodeDeploy and three Systems Manager
    interface endpoints in both subnets with private DNS, behind a group admitting 443 from the VPC;
    the instances' interfaces workloads."""
    snapshot, ids = _built()
    region = snapshot.accounts[0].regions[0]
    (vpc,) = region.vpcs
    assert (vpc.cidr_blocks, vpc.enable_dns_support, vpc.enable_dns_hostnames) == ((VPC_CIDR,), True, True)
    assert not region.internet_gateways and not region.nat_gateways
    table = next(t for t in region.route_tables if t.route_table_id == ids["private_rt"])
    assert sorted(a.subnet_id for a in table.associations) == sorted([ids["private1"], ids["private2"]])
    assert [x.target_id for x in table.routes if x.target_kind != "local"] == [ids["s3"]]
    endpoints = {e.vpc_endpoint_id: e for e in region.vpc_endpoints}
    for key in codedeploy_private.INTERFACE_SERVICES:
        endpoint = endpoints[ids[key]]
        assert endpoint.service_name == f"com.amazonaws.{REGION}.{key}"
        assert (endpoint.private_dns_enabled, endpoint.group_ids) == (True, (ids["endpoint_sg"],))
        assert sorted(endpoint.subnet_ids) == sorted([ids["private1"], ids["private2"]])
    group = next(g for g in region.security_groups if g.group_id == ids["endpoint_sg"])
    assert [(x.from_port, x.to_port, x.cidr_ipv4) for x in group.rules if not x.is_egress] == [(443, 443, VPC_CIDR)]
    view = region_view(snapshot)
    assert {e.network_interface_id for e in view.workload_enis(ids["vpc"])} == {ids["instance1"], ids["instance2"]}


def test_findings_and_verdicts_of_the_guide() -> None:
    """MON001, POL001 × 4 (medium), IFE003's Session Manager optional members (info). Silent,
    rightly: SG003 (443 from the VPC's block, where the instances are), SG005 (the instances' group
    sends all traffic), IFE001/IFE002 (interfaces in both AZs), GWE001 (the prefix-list route is on
    the private table), IFE003's required members (ssm and ssmmessages present), DNS and NAT rules."""
    snapshot, ids = _built()
    assert audit(snapshot) == _baseline(ids)
    levels = severities(snapshot)
    assert {level for key, level in levels.items() if key[0] == "POL001"} == {"medium"}
    assert levels[("IFE003", ids["vpc"], "session-manager:optional")] == "info"


def test_pol001s_s3_fix_keeps_the_revision_downloads() -> None:
    """POL001's replacement for the S3 endpoint keeps the agent's revision downloads: the agent
    reads them with the AWS SDK, signed by the instance profile (this account's principal), and
    ``ThisAccountOnly`` lets them through whichever account owns the bucket. Right."""
    snapshot, ids = _built()
    document = replacement_policy(snapshot, "POL001", ids["s3"])
    assert allows(document, "s3:GetObject", REVISION, THIS_ACCOUNT)
    assert allows(document, "s3:GetObject", "arn:aws:s3:::another-accounts-revisions/app.zip", THIS_ACCOUNT)


def test_pol001s_s3_fix_keeps_the_agents_installation() -> None:
    """POL001's replacement for the S3 endpoint must keep the agent's installation and updates:
    ``aws-codedeploy-<region>`` is AWS-owned and "publicly available" (resource kit page), the
    guide's installation reads it with an unauthenticated ``wget``, the installer reads
    ``latest/LATEST_VERSION`` and the package with unsigned GETs, and Systems Manager's updates
    read ``LATEST_VERSION`` there too. The fix admits only this account's principals and
    ``AWS_OWNED_S3_OBJECTS``, which did not name the bucket: once applied, the instances could no
    longer install or update the agent ("Make sure to give access to the Amazon S3 buckets that
    contain the CodeDeploy agent. Otherwise, an error might occur when the CodeDeploy agent is
    installed or updated"). Rule wrong, fixed: the resource kit bucket is among the AWS-owned
    reads."""
    snapshot, ids = _built()
    document = replacement_policy(snapshot, "POL001", ids["s3"])
    assert allows(document, "s3:GetObject", INSTALLER)
    assert allows(document, "s3:GetObject", LATEST_VERSION)


def test_pol001s_agent_endpoint_fix_keeps_the_agents_polling() -> None:
    """POL001's replacement on the codedeploy-commands-secure endpoint admits this account's
    principals: the agent's ``PollHostCommand`` and its siblings are signed by the instance
    profile (``:enable_auth_policy:`` true, the guide's IAM statement). Right."""
    snapshot, ids = _built()
    document = replacement_policy(snapshot, "POL001", ids["codedeploy-commands-secure"])
    assert allows(document, "codedeploy-commands-secure:PollHostCommand", "*", THIS_ACCOUNT)
    assert not allows(document, "codedeploy-commands-secure:PollHostCommand", "*", {"aws:PrincipalAccount": "2" * 12})


def test_near_miss_without_the_agent_endpoint_goes_unreported() -> None:
    """No codedeploy-commands-secure endpoint: the agent's ``PollHostCommand`` has no way out, every
    deployment to these instances times out, and nothing says so beyond the existing findings. A
    gap, pinned: IFE003 knows no CodeDeploy bundle, and the codedeploy endpoint alone is all a
    Lambda or ECS deployment needs ("you only need to create a VPC endpoint for
    com.amazonaws.region.codedeploy"), so the snapshot, which records no deployment group, cannot
    tell whether its instances run the agent."""
    snapshot, ids = _built(commands_secure=False)
    assert "codedeploy-commands-secure" not in ids
    assert audit(snapshot) == _baseline(ids, ("codedeploy", "ssm", "s3"))


def test_near_miss_s3_endpoint_on_the_main_route_table() -> None:
    """The S3 gateway endpoint on the main route table, which neither subnet uses: GWE001 on both
    private subnets, medium — right: with no NAT the agent's revision downloads (and the resource
    kit's installer) go nowhere; the fix associates the subnets' table."""
    snapshot, ids = _built(s3_tables="main")
    gwe001 = {("GWE001", ids["private1"], "fail"), ("GWE001", ids["private2"], "fail")}
    assert audit(snapshot) == _baseline(ids) | gwe001
    levels = severities(snapshot)
    assert {levels[("GWE001", ids[f"private{az}"], "s3")] for az in (1, 2)} == {"medium"}


def test_near_miss_s3_policy_limited_to_the_revision_bucket_goes_unreported() -> None:
    """The S3 endpoint's policy reading the revision bucket alone: POL001 goes from the S3
    endpoint, rightly (the revisions pass), but the resource kit bucket's reads are refused, so the
    agent can be neither installed nor updated, and nothing says so. A gap, pinned: POL006 judges an
    S3 endpoint policy against ECR's layer bucket only, when an ecr.dkr endpoint is present; no rule
    judges it against the CodeDeploy agent's bucket when a codedeploy-commands-secure endpoint is."""
    snapshot, ids = _built(s3_policy="own-buckets")
    assert audit(snapshot) == _baseline(ids, ("codedeploy", "codedeploy-commands-secure", "ssm"))
    (endpoint,) = [e for e in snapshot.accounts[0].regions[0].vpc_endpoints if e.vpc_endpoint_id == ids["s3"]]
    assert endpoint.policy_document is not None
    assert allows(endpoint.policy_document, "s3:GetObject", REVISION, THIS_ACCOUNT)
    assert not allows(endpoint.policy_document, "s3:GetObject", INSTALLER)


def test_near_miss_endpoints_admit_another_group() -> None:
    """The endpoints' group admitting 443 from an ``admin`` group: SG003 on all five interface
    endpoints, high — right: the instances (``codedeploy-instances``) get into none, so the agent
    neither polls CodeDeploy nor is installed through Systems Manager."""
    snapshot, ids = _built(endpoint_source="admin-group")
    interface = {ids[key] for key in codedeploy_private.INTERFACE_SERVICES}
    assert audit(snapshot) == _baseline(ids) | {("SG003", e, "fail") for e in interface}
    assert {severities(snapshot)[("SG003", e, "")] for e in interface} == {"high"}
    (finding,) = [f for f in audit_result(snapshot).findings
                  if f.rule_id == "SG003" and f.resource.resource_id == ids["codedeploy-commands-secure"]]
    assert ids["admin_sg"] in finding.message
