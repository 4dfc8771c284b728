"""Amazon EMR on EC2 with its cluster in a private subnet (the EMR Management Guide's "Amazon VPC
options", private subnets, and its managed security groups): every finding and its verdict
(docs/precision.md)."""

from __future__ import annotations

import json

import pytest
from aws_layout import audit, audit_result, severities
from layouts import emr_private_subnet
from layouts.emr_private_subnet import (
    APP_UI_BUCKET,
    EMR_REPO_BUCKET,
    GUIDE_S3_POLICY,
    SYSTEM_LOGS_BUCKET,
    guide_s3_policy,
)

from vpcaudit.network.view import NetworkView
from vpcaudit.snapshot.model import Snapshot

Triples = set[tuple[str, str, str]]
CLUSTER_ENIS = ("master", "core1", "core2", "service_eni")


def _advice(ids: dict[str, str], *, s3_default_policy: bool = True) -> Triples:
    """Right, as advice. MON001: nothing in the guide (or the wizard) creates a flow log. POL001 on
    the S3 gateway endpoint while it keeps AWS's default full-access policy ("By default, a gateway
    endpoint for Amazon S3 allows access to all buckets", the guide's sample policies page) and on
    the ``elasticmapreduce`` endpoint (created without a policy): any principal's credentials, other
    accounts' too, for any resource of those services."""
    endpoints = [key for key in ("s3", "elasticmapreduce") if key in ids and (key != "s3" or s3_default_policy)]
    return {("MON001", ids["vpc"], "fail")} | {("POL001", ids[key], "fail") for key in endpoints}


def _fix_steps(snapshot: Snapshot, rule: str, resource_id: str) -> list[tuple[str, dict[str, object], bool]]:
    """(action, parameters, ready) of each step of the failing finding's fix."""
    finding = next(f for f in audit_result(snapshot).findings
                   if (f.rule_id, f.resource.resource_id) == (rule, resource_id))
    return [(step.action, step.parameters, step.ready) for step in finding.fix]


def _allowed_objects(policy: dict[str, object], action: str) -> set[str]:
    """Resources an unconditioned ``Principal: *`` Allow statement grants ``action`` on (``*`` and
    ``s3:<verb>*`` wildcards expanded against ``action``): what an anonymous call may reach."""
    granted: set[str] = set()
    for statement in policy["Statement"]:  # type: ignore[union-attr]
        actions = statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
        resources = statement["Resource"] if isinstance(statement["Resource"], list) else [statement["Resource"]]
        if (statement["Effect"] == "Allow" and statement["Principal"] == "*" and "Condition" not in statement
                and any(a == "*" or a == action or (a.endswith("*") and action.startswith(a[:-1])) for a in actions)):
            granted |= set(resources)
    return granted


def _pol001_fix_keeps_emrs_repository(snapshot: Snapshot, ids: dict[str, str]) -> dict[str, object]:
    """The S3 endpoint policy POL001's fix proposes (rule wrong, fixed: it refused EMR's repository).
    EMR's cluster instances make "unauthenticated calls to Amazon S3" to AWS-owned buckets (AWS's
    data perimeter policy examples, ``vpc_endpoint_policies/README.md`` at 007f7e2, "Amazon EMR
    patching and Spark logging"), and the EMR guide's sample policies page requires reads of
    ``arn:aws:s3:::repo.us-east-1.emr.amazonaws.com`` (EMR 5.22.0 and later) for ``Principal: *``
    without condition: the replacement now admits them, as it does the ECR layer and Amazon Linux
    buckets. EMR's writes — Put on ``aws157-logs-prod`` (us-east-1, with logging) and on
    ``prod.us-east-1.appinfo.src`` (5.25.0 and later, persistent application UIs) — are writes to
    AWS-owned buckets, left to the decision, which now names them."""
    ((action, params, ready),) = _fix_steps(snapshot, "POL001", ids["s3"])
    assert (action, ready) == ("ec2:ModifyVpcEndpoint", False)
    policy = json.loads(str(params["PolicyDocument"]))
    reads = _allowed_objects(policy, "s3:GetObject")
    assert {f"arn:aws:s3:::{bucket}/*" for bucket in (emr_private_subnet.AL2023_REPO_BUCKET, EMR_REPO_BUCKET)} <= reads
    assert f"arn:aws:s3:::{SYSTEM_LOGS_BUCKET}/*" not in _allowed_objects(policy, "s3:PutObject")
    finding = next(f for f in audit_result(snapshot).findings if f.rule_id == "POL001")
    decision = "".join(step.decision or "" for step in finding.fix)
    assert "Amazon EMR repository" in decision and "aws157-logs-prod" in decision and APP_UI_BUCKET.replace(
        "us-east-1", "<region>") in decision
    return policy


def test_the_snapshot_is_the_guide() -> None:
    """The builder against the guide: DNS hostnames and resolution on with the DHCP options the
    guide asks for, the S3 prefix-list route on the private subnet's only table, no route beyond the
    VPC, and the three managed groups with exactly the rules EMR gives them for 5.30.0 to 7.x."""
    snapshot, ids = emr_private_subnet.build(cluster=True)
    region = snapshot.accounts[0].regions[0]
    (vpc,) = region.vpcs
    assert (vpc.enable_dns_support, vpc.enable_dns_hostnames) == (True, True)
    (dhcp,) = region.dhcp_options
    assert (dhcp.domain_name_servers, dhcp.domain_name) == (("AmazonProvidedDNS",), "ec2.internal")
    table = next(t for t in region.route_tables if t.route_table_id == ids["route_table"])
    assert [a.subnet_id for a in table.associations] == [ids["private"]]
    assert [(route.target_kind, route.target_id) for route in table.routes] == [("local", "local"), ("vpce", ids["s3"])]
    groups = {g.group_id: g for g in region.security_groups}
    master, slave, service = ids["master_sg"], ids["slave_sg"], ids["service_sg"]

    def rules(group: str) -> set[tuple[bool, str, int | None, int | None, str | None]]:
        return {(x.is_egress, x.ip_protocol, x.from_port, x.to_port, x.referenced_group_id or x.cidr_ipv4)
                for x in groups[group].rules}

    for group, other in ((master, slave), (slave, master)):
        assert rules(group) == {(False, protocol, low, high, source) for source in (group, other)
                                for protocol, low, high in (("icmp", -1, -1), ("tcp", 0, 65535), ("udp", 0, 65535))} \
            | {(False, "tcp", 8443, 8443, service), (True, "-1", None, None, "0.0.0.0/0")}
    assert rules(service) == {(False, "tcp", 9443, 9443, master), (True, "tcp", 8443, 8443, master),
                              (True, "tcp", 8443, 8443, slave)}
    assert groups[service].group_name == "ElasticMapReduce-ServiceAccess"
    account = snapshot.accounts[0]
    view = NetworkView.build(account, region)
    assert [view.is_workload(view.interfaces[ids[key]]) for key in CLUSTER_ENIS] == [True] * 4
    assert view.interfaces[ids["service_eni"]].instance_id == ids["master_instance"]


@pytest.mark.parametrize("cluster", [False, True], ids=["network alone", "cluster running"])
def test_findings_and_verdicts_as_documented(cluster: bool) -> None:
    # Silent, rightly: no route beyond the VPC, so nothing pays NAT processing (GWE002/GWE003,
    # NAT001-NAT003); the S3 prefix-list route is on the subnet's table (GWE001); DNS support and
    # hostnames on (DNS001/DNS002); no interface endpoint, so no AZ, bundle or private-DNS rule has
    # anything to judge; SG005 (the primary and core groups send all traffic to the S3 gateway
    # endpoint's public addresses, and the cluster manager's interface calls no AWS service: it
    # fired on ElasticMapReduce-ServiceAccess before that was known, rule wrong, fixed); the
    # default NACL allows everything (ACL001).
    snapshot, ids = emr_private_subnet.build(cluster=cluster)
    assert audit(snapshot) == _advice(ids)
    levels = severities(snapshot)
    assert levels[("MON001", ids["vpc"], "")] == levels[("POL001", ids["s3"], "")] == "medium"


def test_pol001_fix_on_the_s3_endpoint_keeps_emrs_repository() -> None:
    """POL001 is right (advice); its fix was rule wrong, fixed: the replacement refused the EMR
    repository the instances read without credentials. It now admits those reads, and its decision
    names the log and application-UI buckets EMR writes to; once applied, only the flow log is
    reported."""
    snapshot, ids = emr_private_subnet.build(cluster=True)
    policy = _pol001_fix_keeps_emrs_repository(snapshot, ids)
    applied, applied_ids = emr_private_subnet.build(cluster=True, s3_policy=json.dumps(policy))
    assert audit(applied) == _advice(applied_ids, s3_default_policy=False)


def test_the_guides_example_s3_policy() -> None:
    """The S3 endpoint with the guide's example policy (7.x, us-east-1). POL001 goes, and nothing
    else is said: the policy grants anonymous reads of the AL2023 and EMR repositories and Put on the
    log buckets, and no rule can know that it grants nothing on the cluster's own data buckets."""
    snapshot, ids = emr_private_subnet.build(cluster=True, s3_policy=GUIDE_S3_POLICY)
    assert audit(snapshot) == _advice(ids, s3_default_policy=False)
    reads = _allowed_objects(json.loads(GUIDE_S3_POLICY), "s3:GetObject")
    assert f"arn:aws:s3:::{EMR_REPO_BUCKET}/*" in reads


def test_near_miss_guide_policy_without_the_emr_repository_goes_unreported() -> None:
    """The guide's example policy without its ``EmrRepositoryAccess`` statement: EMR 5.22.0 and later
    "require access to the EMR repository bucket", so the instances do not provision, yet no rule
    fires — no rule judges which AWS-owned buckets an S3 endpoint policy refuses (docs/precision.md,
    "Noticed and left alone"). A gap, pinned so that such a rule shows here."""
    policy = guide_s3_policy(emr_repository=False)
    assert f"arn:aws:s3:::{EMR_REPO_BUCKET}/*" not in _allowed_objects(json.loads(policy), "s3:GetObject")
    snapshot, ids = emr_private_subnet.build(cluster=True, s3_policy=policy)
    assert audit(snapshot) == _advice(ids, s3_default_policy=False)


@pytest.mark.parametrize("cluster", [False, True], ids=["network alone", "cluster running"])
def test_near_miss_s3_endpoint_on_the_main_route_table(cluster: bool) -> None:
    """The S3 gateway endpoint on the VPC's main route table, which serves no subnet here. Right:
    the private subnet's S3 traffic goes nowhere (GWE001, medium), and the guide's "At a minimum,
    you must provide a route to Amazon S3" is not met; the fix associates the subnet's table."""
    snapshot, ids = emr_private_subnet.build(cluster=cluster, s3_route_table="main")
    assert audit(snapshot) == _advice(ids) | {("GWE001", ids["private"], "fail")}
    assert severities(snapshot)[("GWE001", ids["private"], "s3")] == "medium"
    assert [(action, params) for action, params, _ in _fix_steps(snapshot, "GWE001", ids["private"])] \
        == [("ec2:ModifyVpcEndpoint", {"VpcEndpointId": ids["s3"], "AddRouteTableIds": [ids["route_table"]]})]


def test_with_a_nat_gateway() -> None:
    """The page's second form: a NAT gateway in a public subnet beside the S3 gateway endpoint.
    Right, as advice: EMRFS and the DynamoDB connector reach DynamoDB through the NAT gateway and
    pay its data processing ("If you use EMRFS features, you need to have an Amazon S3 VPC endpoint
    and a route from your private subnet to DynamoDB"; a DynamoDB gateway endpoint is free)."""
    snapshot, ids = emr_private_subnet.build(cluster=True, nat=True)
    assert audit(snapshot) == _advice(ids) | {("GWE003", ids["vpc"], "fail")}
    assert severities(snapshot)[("GWE003", ids["vpc"], "")] == "low"


def test_with_the_emr_api_endpoint() -> None:
    """An ``elasticmapreduce`` interface endpoint admitting TCP 443 from the VPC. POL001 on it
    (right, advice), before the cluster and with it; nothing else."""
    snapshot, ids = emr_private_subnet.build(interface_endpoints=True)
    assert audit(snapshot) == _advice(ids)
    snapshot, ids = emr_private_subnet.build(cluster=True, interface_endpoints=True)
    assert audit(snapshot) == _advice(ids)


def test_the_cluster_managers_interface_is_no_client() -> None:
    """Rule wrong, fixed (it was reported): SG005 (medium) called ``ElasticMapReduce-ServiceAccess``
    a client cut off from the ``elasticmapreduce`` endpoint, and its fix authorized TCP 443 out of
    an EMR-managed group. The interface EMR attaches to the primary instance to manage the cluster
    ("If you modify this device in any way, the cluster may fail", emr-vpc-launching-job-flows)
    carries that group alone, whose rules the guide gives exactly: inbound TCP 9443 from the
    primary group, outbound TCP 8443 to the primary and core groups — "These rules allow the
    cluster manager to communicate with the primary node and with core and task nodes"
    (emr-man-sec-groups). It is EMR's path into the VPC and calls no AWS service: the network model
    now takes an interface on an instance whose groups are all EMR service access groups (by the
    default name, or the description EMR gives the group) for a managed kind calling none. It is
    still a workload, and still a client of a PrivateLink service."""
    snapshot, ids = emr_private_subnet.build(cluster=True, interface_endpoints=True)
    account = snapshot.accounts[0]
    view = NetworkView.build(account, account.regions[0])
    manager = view.interfaces[ids["service_eni"]]
    assert view.is_workload(manager) and view.may_call(manager, None)
    assert not any(view.may_call(manager, key) for key in ("elasticmapreduce", "s3", "dynamodb"))
    assert all(view.may_call(view.interfaces[ids[key]], "s3") for key in ("master", "core1", "core2"))
    assert not {t for t in audit(snapshot) if t[0] == "SG005"}


def test_near_miss_endpoint_group_admits_no_emr_group() -> None:
    """The endpoint's group admitting TCP 443 from the VPC's default group, which no EMR instance
    carries. Right with the cluster: the primary and core instances cannot reach the endpoint
    (SG003, high); no SG005 (the cluster manager's interface is no client, above). Before the
    cluster, right by the catalogue's SG003: a group source admits its future members, and which
    groups the next workloads carry is not in the network."""
    snapshot, ids = emr_private_subnet.build(interface_endpoints=True, endpoint_source="default")
    assert audit(snapshot) == _advice(ids)
    snapshot, ids = emr_private_subnet.build(cluster=True, interface_endpoints=True, endpoint_source="default")
    assert audit(snapshot) == _advice(ids) | {("SG003", ids["elasticmapreduce"], "fail")}
    assert severities(snapshot)[("SG003", ids["elasticmapreduce"], "")] == "high"
