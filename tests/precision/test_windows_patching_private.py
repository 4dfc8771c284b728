"""Windows Server instances in private subnets without internet access, managed by Systems Manager
through its interface endpoints and an S3 gateway endpoint admitting the Systems Manager buckets,
patched by ``AWS-RunPatchBaseline`` from Windows Update (Systems Manager User Guide, EC2 Windows
guide, VPC User Guide): every finding and its verdict (docs/precision.md)."""

from __future__ import annotations

from functools import cache

from aws_layout import audit, audit_result, region_view, severities
from layouts import windows_patching_private
from layouts.windows_patching_private import INTERFACE_SERVICES, KMS_ACTIVATION, KMS_PORT, VPC_CIDR

from vpcaudit.network.paths import path_for
from vpcaudit.snapshot import resources as r
from vpcaudit.snapshot.model import Snapshot

Triples = set[tuple[str, str, str]]
Built = tuple[Snapshot, dict[str, str]]
EGRESS_VPC_443 = {"instance_egress": "vpc_443"}
EGRESS_VPC_443_AND_S3 = {"instance_egress": "vpc_443_and_s3"}
WITH_NAT = {"nat": True}


@cache
def _built(**options: object) -> Built:
    """One snapshot per variant: several tests read the same one."""
    return windows_patching_private.build(**options)  # type: ignore[arg-type]


def _groups(snapshot: Snapshot) -> dict[str, r.SecurityGroup]:
    return {g.group_id: g for g in snapshot.accounts[0].regions[0].security_groups}


def _flow_log(ids: dict[str, str]) -> Triples:
    """Right, medium: none of the sources creates a flow log, and the layout has none."""
    return {("MON001", ids["vpc"], "fail")}


def _default_ssm_policy(ids: dict[str, str]) -> Triples:
    """Right (advice), medium: the ``ssm`` endpoint keeps AWS's default full-access policy; the guide
    offers an endpoint policy and requires none. ``ssmmessages`` and ``ec2messages`` take none."""
    return {("POL001", ids["ssm"], "fail")}


def _optional_session_endpoints(ids: dict[str, str]) -> Triples:
    """Right (advice), info: IFE003 ``session-manager:optional``, ``kms`` and ``logs`` missing — the
    guide's optional endpoints (KMS-encrypted sessions or parameters, logs to CloudWatch Logs).
    Nothing here sends either."""
    return {("IFE003", ids["vpc"], "fail")}


def _baseline(ids: dict[str, str]) -> Triples:
    return _flow_log(ids) | _default_ssm_policy(ids) | _optional_session_endpoints(ids)


def _s3_refused(ids: dict[str, str]) -> Triples:
    """Right, medium: the instances' group lets TCP 443 out to 10.0.0.0/16 only, and calls through
    the S3 gateway endpoint go to S3's public addresses (the prefix list's CIDRs), so the agent's
    reads of ``aws-ssm-us-east-1`` and ``patch-baseline-snapshot-us-east-1`` time out and
    ``AWS-RunPatchBaseline`` fails before it ever queries Windows Update. SG005 fires on the group,
    naming the gateway endpoint and its prefix list, and its fix (ready) adds TCP 443 to the prefix
    list."""
    return {("SG005", ids["instance_sg"], "fail")}


def _dynamodb_through_nat(ids: dict[str, str]) -> Triples:
    """Right (advice), low: with the NAT gateways, any DynamoDB traffic of the private subnets pays NAT
    processing where a gateway endpoint is free. Nothing in the layout calls DynamoDB; the advice
    costs nothing to follow, as on the other NAT layouts."""
    return {("GWE003", ids["vpc"], "fail")}


def test_the_snapshot_is_the_layout() -> None:
    """The guide's endpoints in both private subnets with private DNS, their group admitting TCP 443
    from the two subnets; the S3 gateway endpoint's prefix-list route on both private tables; no
    internet or NAT gateway, so the private subnets have no way to the internet and the network
    model says so; two Windows Server instance interfaces, the only workloads, with AWS's default
    egress."""
    snapshot, ids = _built()
    region = snapshot.accounts[0].regions[0]
    endpoints = {e.vpc_endpoint_id: e for e in region.vpc_endpoints}
    assert {(len(endpoints[ids[k]].subnet_ids), endpoints[ids[k]].private_dns_enabled)
            for k in INTERFACE_SERVICES} == {(2, True)}
    assert endpoints[ids["s3"]].route_table_ids == tuple(sorted((ids["private_rt1"], ids["private_rt2"])))
    assert region.internet_gateways == () and region.nat_gateways == ()
    view = region_view(snapshot)
    for az in (1, 2):
        subnet = view.subnets[ids[f"private{az}"]]
        assert view.internet_egress(subnet.subnet_id) is None
        assert path_for(view, subnet, "internet").kind == "none"
        assert path_for(view, subnet, "s3").target_id == ids["s3"]
    instances = {ids["windows1_eni"], ids["windows2_eni"]}
    assert {e.network_interface_id for e in view.workload_enis(ids["vpc"])} == instances
    assert all(view.interfaces[e].instance_id and view.interfaces[e].interface_type == "interface"
               and not view.interfaces[e].requester_managed for e in instances)
    group = _groups(snapshot)[ids["instance_sg"]]
    assert [(x.ip_protocol, x.cidr_ipv4) for x in group.rules if x.is_egress] == [("-1", "0.0.0.0/0")]


def test_findings_and_verdicts() -> None:
    """The canonical form: MON001, POL001 on ``ssm``, IFE003 (info). Silent, rightly: POL007 (the
    S3 policy admits the guide's buckets: the agent's reads and the patch baseline module's
    download succeed), POL001/POL002 on the S3 endpoint (scoped statements); SG001-SG006 (443
    from the instances' subnets, default egress); IFE001/IFE002 (both AZs); DNS rules (private DNS
    on); GWE001 (the S3 route on both tables); GWE002/GWE003/NAT rules (no internet path: nothing
    pays NAT processing); RT001; ACL001 (default NACL)."""
    snapshot, ids = _built()
    assert audit(snapshot) == _baseline(ids)
    levels = severities(snapshot)
    assert levels[("IFE003", ids["vpc"], "session-manager:optional")] == "info"
    assert levels[("POL001", ids["ssm"], "")] == levels[("MON001", ids["vpc"], "")] == "medium"


def test_no_patch_source_is_no_rules_business() -> None:
    """A gap, pinned: the Windows instances have no route to Windows Update (no internet gateway,
    NAT gateway or NAT instance, no transit route) and no WSUS server in the VPC, so every
    ``AWS-RunPatchBaseline`` run downloads its module from S3 and then fails querying Windows
    Update (``0x80072EE2``) — the Patch Manager prerequisites' "Connectivity to the patch source".
    Nothing fires: IFE003's Session Manager bundle is complete, and no rule knows the instances
    run Windows, since the snapshot keeps no ``Platform``. A Linux fleet in this very VPC could
    patch from repositories in S3 through the gateway endpoint, so the network facts alone do not
    make a finding; DescribeInstances' ``Platform`` (``Windows``) would."""
    snapshot, _ = _built()
    findings = [f for f in audit_result(snapshot).findings if f.status.value == "fail"]
    assert {f.rule_id for f in findings} == {"MON001", "POL001", "IFE003"}
    assert not any("Windows Update" in f.message or "patch source" in f.message for f in findings)


def test_near_miss_egress_443_to_the_vpc_only() -> None:
    """The instances' group hardened to TCP 443 to 10.0.0.0/16. SG005 fires on it, medium — right:
    the S3 gateway endpoint's calls go to S3's public addresses, so the Systems Manager buckets
    are out of reach and patching fails at the module download. The interface endpoints are
    reached (their addresses are in the VPC's block), so SG005 names the gateway endpoint only.
    Silent, rightly, on Windows activation: TCP 1688 to 169.254.169.250/251 is not let out by any
    rule, but security groups "do not filter" license activation for Windows instances, nor time
    sync or DNS (VPC User Guide), so activation is not refused and no rule should say it is."""
    snapshot, ids = _built(**EGRESS_VPC_443)
    assert audit(snapshot) == _baseline(ids) | _s3_refused(ids)
    assert severities(snapshot)[("SG005", ids["instance_sg"], "")] == "medium"
    (finding,) = [f for f in audit_result(snapshot).findings if f.rule_id == "SG005" and f.status.value == "fail"]
    assert finding.evidence["endpoints"] == [ids["s3"]]
    assert finding.evidence["egress_rules"] == [f"TCP 443 to {VPC_CIDR}"]
    assert not any(a in finding.message for a in KMS_ACTIVATION) and str(KMS_PORT) not in finding.message
    to_s3 = {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443,
             "PrefixListIds": [{"PrefixListId": ids["s3_prefix_list"]}]}
    assert [(s.action, s.parameters, s.ready) for s in finding.fix] == [
        ("ec2:AuthorizeSecurityGroupEgress", {"GroupId": ids["instance_sg"], "IpPermissions": [to_s3]}, True)]


def test_near_miss_egress_443_to_the_vpc_and_s3() -> None:
    """The hardened group with SG005's fix in place: TCP 443 to the VPC's block and to the S3
    prefix list. Silent, rightly: the audit is the canonical one. Nothing lets TCP 1688 out, and
    nothing needs to (activation traffic bypasses security groups). The missing patch source
    remains, as in the canonical form."""
    snapshot, ids = _built(**EGRESS_VPC_443_AND_S3)
    assert audit(snapshot) == _baseline(ids)
    egress = {(x.from_port, x.cidr_ipv4, x.prefix_list_id) for x in _groups(snapshot)[ids["instance_sg"]].rules
              if x.is_egress}
    assert egress == {(443, VPC_CIDR, None), (443, None, ids["s3_prefix_list"])}


def test_near_miss_nat_gateway_per_az() -> None:
    """A NAT gateway per AZ, each private table's default route to its AZ's gateway: Windows Update
    is reached and patching succeeds; the endpoints still carry Systems Manager and S3. Adds GWE003
    (advice, low). Silent, rightly: NAT001-NAT005 (each gateway in a public subnet of its AZ,
    routed, one per AZ), GWE002 (S3 takes the gateway endpoint on both tables). Nothing says the
    patch source became reachable, as nothing said it was not."""
    snapshot, ids = _built(**WITH_NAT)
    assert audit(snapshot) == _baseline(ids) | _dynamodb_through_nat(ids)
    assert severities(snapshot)[("GWE003", ids["vpc"], "")] == "low"
    view = region_view(snapshot)
    for az in (1, 2):
        subnet = view.subnets[ids[f"private{az}"]]
        assert view.internet_egress(subnet.subnet_id) == "nat"
        assert path_for(view, subnet, "internet").target_id == ids[f"nat{az}"]
        assert path_for(view, subnet, "s3").target_id == ids["s3"]
