"""VPC sharing through AWS RAM (VPC User Guide, multi-VPC whitepaper), owner and participant in one
scan: every finding, the account it is reported in, and its verdict (docs/precision.md)."""

from __future__ import annotations

from aws_layout import audit_result
from layouts import vpc_sharing_participants
from layouts.vpc_sharing_participants import OWNER, PARTICIPANT, SERVICES

from vpcaudit.engine.result import AuditResult, Outcome
from vpcaudit.engine.rule import Finding, Status
from vpcaudit.snapshot.model import Snapshot

# (rule id, resource id, status, account whose scope reports it)
Found = set[tuple[str, str, str, str]]


def _result(snapshot: Snapshot) -> AuditResult:
    result = audit_result(snapshot)
    assert not [s for s in result.scopes if s.outcome is Outcome.ERROR]
    return result


def _found(snapshot: Snapshot) -> Found:
    """Every finding that is not a pass, with the account it is reported in."""
    return {(f.rule_id, f.resource.resource_id, f.status.value, f.resource.account_id)
            for f in _result(snapshot).findings if f.status is not Status.SUPPRESSED}


def _one(snapshot: Snapshot, rule_id: str, resource_id: str) -> Finding:
    (finding,) = [f for f in _result(snapshot).findings
                  if f.rule_id == rule_id and f.resource.resource_id == resource_id]
    return finding


def _endpoint_subnets(snapshot: Snapshot) -> list[str]:
    owner = next(a for a in snapshot.accounts if a.account_id == OWNER)
    return sorted(s.subnet_id for s in owner.regions[0].subnets if any(
        t.key == "Name" and t.value.startswith("endpoints-") for t in s.tags))


def _default_policies(ids: dict[str, str]) -> Found:
    """Right (advice), medium, in the owner's scope: the owner's endpoints keep AWS's default full
    access (ssmmessages and ec2messages support no policy). The owner's to change: "Only the VPC
    owner can create interface or gateway endpoints"."""
    return {("POL001", ids[key], "fail", OWNER) for key in ("ssm", "logs", "kms", "s3")}


def _dynamodb_through_nat(ids: dict[str, str]) -> Found:
    """Right (advice), low, in the owner's scope alone: the shared private subnets' DynamoDB
    traffic pays NAT processing and only the owner can add the gateway endpoint; the participant's
    scope leaves the VPC to the owner's, which is in the scan (``not_judged_here``)."""
    return {("GWE003", ids["vpc"], "fail", OWNER)}


def _endpoint_subnets_judged(snapshot: Snapshot) -> Found:
    """Right (advice) by the catalogue, medium: GWE001 on both endpoint subnets, which hold only the
    endpoints' network interfaces and send no S3 traffic of their own today (the test below)."""
    return {("GWE001", s, "fail", OWNER) for s in _endpoint_subnets(snapshot)}


def test_each_account_sees_its_own_view() -> None:
    """The snapshot as each account's collection records it: the owner lists the participant's
    interfaces and group ("VPC owners can view the details for the network interfaces and security
    groups that are attached to participant resources"); the participant lists the VPC and its two
    shared subnets with the owner's OwnerId, untagged, in its own AZ names, the route tables, and no
    endpoint, NAT gateway or flow log of the owner's."""
    snapshot, ids = vpc_sharing_participants.build()
    owner, participant = (a.regions[0] for a in snapshot.accounts)
    assert [a.account_id for a in snapshot.accounts] == [OWNER, PARTICIPANT]
    assert vpc_sharing_participants.view_of(snapshot, PARTICIPANT).owner_id == OWNER
    assert {(s.subnet_id, s.owner_id, s.availability_zone, s.availability_zone_id, s.tags)
            for s in participant.subnets} == {
        (ids["private1"], OWNER, "us-east-1b", "use1-az1", ()), (ids["private2"], OWNER, "us-east-1a", "use1-az2", ())}
    assert {t.owner_id for t in participant.route_tables} == {OWNER}
    assert (participant.vpc_endpoints, participant.nat_gateways, participant.flow_logs) == ((), (), ())
    assert {e.network_interface_id for e in participant.network_interfaces} == {ids["instance1"], ids["instance2"]}
    assert {ids["instance1"], ids["instance2"]} <= {e.network_interface_id for e in owner.network_interfaces}
    (app,) = [g for g in owner.security_groups if g.group_id == ids["app_sg"]]
    assert app.owner_id == PARTICIPANT


def test_canonical_findings() -> None:
    """The layout as built, pinned as it is today. Right: POL001 and GWE003 in the owner's scope.
    Silent, rightly: SG003/SG006/IFE002 (the participant's instances are the endpoints' clients in
    the owner's scope, in both AZs by AZ ID though the two accounts name the AZs the other way
    round, inside the admitted 10.0.0.0/16), GWE001 on the shared subnets (S3 routed on both), MON001
    (the owner's flow log; the participant cannot describe it and leaves the VPC to the owner's
    scope), NAT002/NAT003 and RT001 in the participant's scope (RT001 not evaluated there was rule
    wrong, fixed below). Rule wrong: GWE001 on the endpoint subnets (xfail below)."""
    snapshot, ids = vpc_sharing_participants.build()
    assert _found(snapshot) == (_default_policies(ids) | _dynamodb_through_nat(ids)
                                | _endpoint_subnets_judged(snapshot))


def test_endpoint_subnets_are_judged_as_any_private_subnet() -> None:
    """A decision, pinned. The endpoint subnets hold nothing but the endpoints' requester-managed
    network interfaces, the entry points of traffic "to the endpoint network interface from
    resources in your VPC" (VPC User Guide, interface endpoints), so GWE001 is noise on a dedicated
    endpoint subnet — but the snapshot cannot tell one from a workload subnet that holds no
    workload at the moment: CodeBuild and AWS Batch place each build or job in any subnet their
    project names, and a subnet holding only endpoints between builds is where the next build's
    source download fails (``test_codebuild_vpc``, ``test_batch_fargate_private``: GWE001 right on
    such a subnet). Leaving out endpoint-only subnets of VPCs with workloads elsewhere made GWE001
    miss exactly those, so the catalogue's reading stands: every private subnet that is not a
    forwarding or EKS control-plane subnet is judged."""
    snapshot, _ = vpc_sharing_participants.build()
    assert {f for f in _found(snapshot) if f[0] == "GWE001"} == _endpoint_subnets_judged(snapshot)


def test_participant_leaves_the_owners_routes_to_the_owner() -> None:
    """Rule wrong, fixed. The route tables are the owner's ("VPC owners are responsible for creating,
    managing, and deleting … route tables"), and the owner's scope in this scan judges every route
    with the targets it lists (RT001 passes there). Four not-evaluated findings in the participant's
    scope add nothing and alone make ``--strict`` fail on a correct organization, which
    ``rules/_shared_vpc.py`` already avoids for GWE001-003 and NAT002-005: RT001 now leaves a shared
    VPC's table to its owner when the owner is in the scan."""
    snapshot, _ = vpc_sharing_participants.build()
    assert not {f for f in _found(snapshot) if f[0] == "RT001"}


def test_near_miss_endpoints_admit_only_an_owner_group() -> None:
    """``shared-endpoints`` admits TCP 443 only from the owner's ``vpc-clients`` group. SG003,
    high, on all five interface endpoints, in the owner's scope: right. Participants "cannot
    launch resources using security groups that are owned by … the VPC owner", so no instance of
    the workload account can carry that group, and every SSM, CloudWatch Logs and KMS call from the
    shared subnets is refused; the owner's group is the owner's to fix."""
    snapshot, ids = vpc_sharing_participants.build(endpoint_ingress="owner-group")
    refused = {("SG003", ids[s], "fail", OWNER) for s in SERVICES}
    assert _found(snapshot) == (_default_policies(ids) | _dynamodb_through_nat(ids) | refused
                                | _endpoint_subnets_judged(snapshot))


def test_near_miss_endpoints_fix_opens_the_vpc_block() -> None:
    """SG003's fix adds TCP 443 from 10.0.0.0/16 to the owner's group: right, an owner's change
    that reaches every participant's instances without naming their groups."""
    snapshot, ids = vpc_sharing_participants.build(endpoint_ingress="owner-group")
    (step,) = _one(snapshot, "SG003", ids["ssm"]).fix
    assert (step.action, step.parameters["GroupId"]) == ("ec2:AuthorizeSecurityGroupIngress", ids["endpoint_sg"])
    assert step.parameters["IpPermissions"] == [
        {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "IpRanges": [{"CidrIp": "10.0.0.0/16"}]}]


def test_near_miss_s3_route_missing_on_a_shared_subnet() -> None:
    """The S3 gateway endpoint left off the second private table. GWE001, medium, on the second
    shared subnet, in the owner's scope alone: right, its S3 traffic goes through the NAT gateway
    and only the owner can associate the table ("Participants cannot create interface or gateway
    endpoints"; the route tables are the owner's). The participant's scope adds nothing."""
    snapshot, ids = vpc_sharing_participants.build(s3_on_second_table=False)
    assert _found(snapshot) == (_default_policies(ids) | _dynamodb_through_nat(ids)
                                | {("GWE001", ids["private2"], "fail", OWNER)}
                                | _endpoint_subnets_judged(snapshot))


def test_near_miss_participant_group_is_the_participants_to_fix() -> None:
    """The participant's ``app`` group sends only TCP 5432 to the VPC. SG005, medium, on it: right,
    the instances reach none of the endpoints; found in the owner's scope, the only one that sees
    both the endpoints and the group. Rule wrong, fixed (attribution and fix): the group is the
    participant's (``OwnerId``) and "VPC owners cannot modify or delete resources created by
    participants, such as EC2 instances and security groups": the finding now belongs to the
    participant's account, and its egress rule to the owner's endpoint group names the owner
    ("reference security groups that belong to … the owner as follows:
    account-number/security-group-id", ``UserId`` in the pair)."""
    snapshot, ids = vpc_sharing_participants.build(app_egress="db-only")
    assert _found(snapshot) == (_default_policies(ids) | _dynamodb_through_nat(ids)
                                | {("SG005", ids["app_sg"], "fail", PARTICIPANT)} | _endpoint_subnets_judged(snapshot))
    finding = _one(snapshot, "SG005", ids["app_sg"])
    assert finding.resource.account_id == PARTICIPANT
    pairs = [p for s in finding.fix for perm in s.parameters["IpPermissions"] for p in perm.get("UserIdGroupPairs", [])]
    assert pairs == [{"GroupId": ids["endpoint_sg"], "UserId": OWNER}]


def test_near_miss_deleted_nat_gateway_reported_once() -> None:
    """The second NAT gateway deleted, its route left ``blackhole``: RT001, high, on the second
    private table, in the owner's scope — right, the shared subnet's internet traffic is dropped.
    Rule wrong, fixed: the participant's scope, which describes the same table, reported it a second
    time, asking the one account that cannot change it (route tables and NAT gateways are among
    the owner's resources)."""
    snapshot, ids = vpc_sharing_participants.build(nat_deleted=True)
    assert _found(snapshot) == (_default_policies(ids) | _dynamodb_through_nat(ids)
                                | {("RT001", ids["private_rt2"], "fail", OWNER)} | _endpoint_subnets_judged(snapshot))
    assert {f for f in _found(snapshot) if f[0] == "RT001"} == {("RT001", ids["private_rt2"], "fail", OWNER)}
