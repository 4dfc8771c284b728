"""An EC2 Image Builder pipeline building in private subnets without internet access (the Image
Builder User Guide's PrivateLink and troubleshooting pages): every finding and its verdict
(docs/precision.md)."""

from __future__ import annotations

from functools import cache

import pytest
from aws_layout import audit, audit_result, replacement_policy, severities
from layouts import imagebuilder_private
from layouts.imagebuilder_private import ACCOUNT, AWSTOE_BUCKET, MANAGED_RESOURCES_BUCKET, VPC_CIDR
from policy_eval import allows

from vpcaudit.network.view import NetworkView
from vpcaudit.snapshot.model import Snapshot

Triples = set[tuple[str, str, str]]
Built = tuple[Snapshot, dict[str, str]]
BUILDS = pytest.mark.parametrize("build", [False, True], ids=["between builds", "with a build running"])
THIS_ACCOUNT = {"aws:PrincipalAccount": ACCOUNT}
# The instance profile's log bucket (assumed name: the infrastructure configuration's s3Logs).
LOG_BUCKET = "arn:aws:s3:::imagebuilder-logs-123456789012"


@cache
def _built(**variant: object) -> Built:
    """Each variant's snapshot, built once."""
    return imagebuilder_private.build(**variant)  # type: ignore[arg-type]


def _flow_log(ids: dict[str, str]) -> Triples:
    """Right, medium: the guide's pages create no flow log."""
    return {("MON001", ids["vpc"], "fail")}


def _default_endpoint_policies(ids: dict[str, str]) -> Triples:
    """Right (advice), medium: the endpoints keep AWS's default full access (which admits the
    guide's two S3 buckets); the guide gives example policies for the imagebuilder endpoint. The
    ssmmessages and ec2messages endpoints take no policy and are rightly silent."""
    return {("POL001", ids[key], "fail") for key in ("ssm", "imagebuilder", "logs", "s3")}


def _session_manager_optional(ids: dict[str, str]) -> Triples:
    """Right (advice), info: the Systems Manager endpoints without ``kms``, needed only when
    sessions are encrypted with a KMS key — builds open no session."""
    return {("IFE003", ids["vpc"], "fail")}


def _baseline(ids: dict[str, str]) -> Triples:
    return _flow_log(ids) | _default_endpoint_policies(ids) | _session_manager_optional(ids)


def _ife003_missing(snapshot: Snapshot) -> list[str]:
    (finding,) = [f for f in audit_result(snapshot).findings if f.rule_id == "IFE003"]
    return list(finding.evidence["missing"])


def test_the_snapshot_is_the_guide() -> None:
    """The builder against the guide: two private subnets on a table with the local route only, no
    internet or NAT gateway, five interface endpoints in both subnets with private DNS behind
    443 from the VPC, the S3 gateway endpoint on the private table; the build instance's interface
    a workload carrying the infrastructure configuration's group."""
    snapshot, ids = _built()
    region = snapshot.accounts[0].regions[0]
    (vpc,) = region.vpcs
    assert (vpc.cidr_blocks, vpc.enable_dns_support, vpc.enable_dns_hostnames) == ((VPC_CIDR,), True, True)
    assert not region.internet_gateways and not region.nat_gateways
    table = next(t for t in region.route_tables if t.route_table_id == ids["private_rt"])
    assert sorted(a.subnet_id for a in table.associations) == sorted((ids["private1"], ids["private2"]))
    assert [x.target_id for x in table.routes if x.target_kind != "local"] == [ids["s3"]]
    endpoints = {e.vpc_endpoint_id: e for e in region.vpc_endpoints}
    for key in imagebuilder_private.INTERFACE_SERVICES:
        endpoint = endpoints[ids[key]]
        assert endpoint.service_name == f"com.amazonaws.us-east-1.{key}"
        assert (endpoint.private_dns_enabled, endpoint.group_ids) == (True, (ids["endpoint_sg"],))
        assert set(endpoint.subnet_ids) == {ids["private1"], ids["private2"]}
    view = NetworkView.build(snapshot.accounts[0], region)
    eni = view.interfaces[ids["build_eni"]]
    assert (eni.interface_type, eni.requester_managed, eni.group_ids) == ("interface", False, (ids["instance_sg"],))
    assert view.workload_enis(ids["vpc"]) == (eni,)


@BUILDS
def test_findings_and_verdicts_of_the_guides_layout(build: bool) -> None:
    """MON001, POL001 × 4 (medium), IFE003 (info: kms only), between builds and with one.
    Silent, rightly: SG003 (443 from the VPC's block, where the instance is), SG005 (the instance
    group sends all traffic), IFE001/IFE002 (both AZs), GWE001 (the prefix-list route is on the
    subnets' table), DNS001-DNS003, NAT and ACL rules."""
    snapshot, ids = _built(build=build)
    assert audit(snapshot) == _baseline(ids)
    assert _ife003_missing(snapshot) == ["kms"]
    levels = severities(snapshot)
    assert levels[("IFE003", ids["vpc"], "session-manager:optional")] == "info"
    assert {level for key, level in levels.items() if key[0] == "POL001"} == {"medium"}


def test_pol001s_s3_fix_keeps_the_builds_own_s3_calls() -> None:
    """POL001's replacement for the S3 endpoint lets the instance profile (this account) write the
    logs to the infrastructure configuration's bucket. Right."""
    snapshot, ids = _built()
    document = replacement_policy(snapshot, "POL001", ids["s3"])
    assert allows(document, "s3:PutObject", f"{LOG_BUCKET}/pipeline/application.log", THIS_ACCOUNT)


def test_pol001s_s3_fix_keeps_awstoe_and_managed_components() -> None:
    """POL001's replacement for the S3 endpoint must keep what every build reads: AWSTOE from
    ``ec2imagebuilder-toe-<region>-prod`` and managed components from
    ``ec2imagebuilder-managed-resources-<region>-prod/components``, reads the guide says the S3
    endpoint policy must allow and AWS's data perimeter examples call "unauthenticated". The
    policy's ``AWSOwnedBucketsRead`` statement did not name them: applied, the fix broke every
    build in this VPC ("Unable to bootstrap TOE"). Rule wrong, fixed: the statement names both,
    the managed resources bucket under ``components/`` only."""
    snapshot, ids = _built()
    document = replacement_policy(snapshot, "POL001", ids["s3"])
    assert allows(document, "s3:GetObject", f"arn:aws:s3:::{AWSTOE_BUCKET}/latest/linux/amd64/awstoe")
    assert allows(document, "s3:GetObject",
                  f"arn:aws:s3:::{MANAGED_RESOURCES_BUCKET}/components/simple-boot-test-linux/1.0.0/1")
    assert not allows(document, "s3:GetObject", f"arn:aws:s3:::{MANAGED_RESOURCES_BUCKET}/other/key")


@BUILDS
def test_near_miss_without_ec2messages(build: bool) -> None:
    """No ec2messages endpoint: IFE003's info finding now names ec2messages beside kms — right
    (advice): only SSM Agent older than 3.3.40.0 needs it (newer agents use ssmmessages), so
    builds from an older base image time out waiting for the agent, newer ones do not."""
    snapshot, ids = _built(ec2messages=False, build=build)
    assert "ec2messages" not in ids
    assert audit(snapshot) == _baseline(ids)
    assert _ife003_missing(snapshot) == ["ec2messages", "kms"]
    assert severities(snapshot)[("IFE003", ids["vpc"], "session-manager:optional")] == "info"


def test_near_miss_without_the_imagebuilder_endpoint_goes_unreported() -> None:
    """No imagebuilder endpoint, a build running: the instance cannot reach Image Builder (the
    troubleshooting page asks for its PrivateLink endpoint in a private subnet) and nothing says
    so beyond the existing findings. A gap, pinned: IFE003 knows no Image Builder bundle."""
    snapshot, ids = _built(imagebuilder_endpoint=False)
    assert "imagebuilder" not in ids
    policies = {("POL001", ids[key], "fail") for key in ("ssm", "logs", "s3")}
    assert audit(snapshot) == _flow_log(ids) | policies | _session_manager_optional(ids)


def test_near_miss_instance_group_egress_to_the_vpc_only() -> None:
    """The instance group sending TCP 443 to 10.0.0.0/16 only, a build running: SG005 on the group,
    medium — right: the interface endpoints answer inside the VPC, but the S3 gateway endpoint's
    traffic goes to S3's public prefix list, so AWSTOE, the components and the log upload fail."""
    snapshot, ids = _built(instance_egress="vpc-cidr")
    assert audit(snapshot) == _baseline(ids) | {("SG005", ids["instance_sg"], "fail")}
    assert severities(snapshot)[("SG005", ids["instance_sg"], "")] == "medium"


def test_near_miss_instance_group_egress_to_the_vpc_only_between_builds() -> None:
    """The same group between builds: nothing — right by the catalogue: no interface carries the
    group until Image Builder launches the next build instance."""
    snapshot, ids = _built(instance_egress="vpc-cidr", build=False)
    assert audit(snapshot) == _baseline(ids)


def test_near_miss_endpoints_admit_another_group() -> None:
    """The endpoints' group admitting 443 from an ``admin`` group, a build running: SG003 on all
    five interface endpoints, high — right: the build instance (``imagebuilder-instance``) gets
    into none, so the SSM Agent never registers and the build times out."""
    snapshot, ids = _built(endpoint_source="admin-group")
    interface = {ids[key] for key in imagebuilder_private.INTERFACE_SERVICES}
    assert audit(snapshot) == _baseline(ids) | {("SG003", e, "fail") for e in interface}
    assert {severities(snapshot)[("SG003", e, "")] for e in interface} == {"high"}


def test_near_miss_endpoints_admit_another_group_between_builds() -> None:
    """The same group between builds: nothing — right by the catalogue (SG003 fires only where
    there is someone to block); the first build shows it."""
    snapshot, ids = _built(endpoint_source="admin-group", build=False)
    assert audit(snapshot) == _baseline(ids)


@BUILDS
def test_near_miss_ssm_private_dns_off(build: bool) -> None:
    """Private DNS off on the ssm endpoint: DNS003 on it, medium — right: the SSM Agent resolves
    ``ssm.us-east-1.amazonaws.com`` to public addresses the subnets have no route to, and the build
    times out verifying the agent."""
    snapshot, ids = _built(ssm_private_dns=False, build=build)
    assert audit(snapshot) == _baseline(ids) | {("DNS003", ids["ssm"], "fail")}
    assert severities(snapshot)[("DNS003", ids["ssm"], "")] == "medium"
