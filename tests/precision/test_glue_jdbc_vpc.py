"""AWS Glue jobs reaching an Amazon RDS database through a JDBC connection in a VPC (the AWS Glue
Developer Guide's "Setting up network access to data stores"): every finding and its verdict
(docs/precision.md)."""

from __future__ import annotations

import json

import pytest
from aws_layout import audit, audit_result, region_view, severities
from layouts import glue_jdbc_vpc
from layouts.glue_jdbc_vpc import INTERFACE_ENDPOINTS

from vpcaudit.snapshot.model import Snapshot

Triples = set[tuple[str, str, str]]


def _advice(ids: dict[str, str]) -> Triples:
    """Right, as advice. MON001: nothing in the guide (or the wizard) creates a flow log. POL001 on
    the S3 gateway endpoint (the wizard's default full-access policy) and on each interface endpoint
    the VPC has (created without a policy): any principal's credentials, other accounts' too, for
    any resource of those services."""
    endpoints = [key for key in ("s3", *INTERFACE_ENDPOINTS) if key in ids]
    return {("MON001", ids["vpc"], "fail")} | {("POL001", ids[key], "fail") for key in endpoints}


def _sg002_on_the_connections_group(ids: dict[str, str]) -> Triples:
    """Right, as advice: the connection's group carries the guide's All TCP self-reference (TCP
    0-65535 from itself) and the glue, monitoring and secretsmanager endpoints, which take TCP 443
    only. Low while a workload shares the group (the RDS instance's ENI, or the job's ENIs), medium
    while none does; the fix gives the endpoints a group of their own and leaves the self-reference,
    which Glue requires, alone."""
    return {("SG002", ids["connection_sg"], "fail")}


def _sg003_on_glue_before_the_job_runs(ids: dict[str, str]) -> Triples:
    """Rule wrong, fixed for monitoring and secretsmanager; left, pinned, on glue
    (``rules/sg/sg003_endpoint_sg_blocks_clients.py`` through ``vpcaudit/network/secgroups.py``
    ``clients_of_endpoint`` and ``vpcaudit/network/view.py`` ``NetworkView.may_call``). With the
    connection in a group of its own, the interface endpoints admit TCP 443 only from that group's
    members, and between runs the group has none: Glue creates the job's ENIs when a run starts,
    and "Security groups specified in the AWS Glue connection are applied on each of the elastic
    network interfaces" (start-connecting.md) — the first ENI of the next run gets in, SG003's own
    reason for staying silent on a network deployed before its workloads. The VPC's one workload
    between runs is the RDS instance's interface, and a DB instance's interface is a client only of
    the services its engines call from the VPC: no engine calls CloudWatch or Secrets Manager, so
    monitoring and secretsmanager are silent now. Glue is one of them: Aurora PostgreSQL's
    analytics extension reads the Glue Data Catalog through "an AWS Glue interface endpoint"
    (aurora-analytics-iam-networking), and DescribeNetworkInterfaces reports an Aurora PostgreSQL
    instance's interface exactly as this RDS for MySQL instance's (requester-managed by
    ``amazon-rds``, described ``RDSNetworkInterface``). The snapshot holds no engine to tell them
    apart, so SG003 still says glue is unreachable, high, between runs: a false positive left."""
    return {("SG003", ids["glue"], "fail")}


def _fix_steps(snapshot: Snapshot, rule: str, resource_id: str) -> list[tuple[str, dict[str, object], bool]]:
    """(action, parameters, ready) of each step of the failing finding's fix."""
    finding = next(f for f in audit_result(snapshot).findings
                   if (f.rule_id, f.resource.resource_id) == (rule, resource_id))
    return [(step.action, step.parameters, step.ready) for step in finding.fix]


def _own_group_for_the_endpoints(ids: dict[str, str]) -> list[tuple[str, dict[str, object], bool]]:
    """SG002's fix for a group whose extra rule admits the group itself: a new group admitting TCP
    443 from the VPC, the three endpoints moved to it, no rule of the connection's group touched."""
    group = ids["connection_sg"]
    label = {"new_id": f"endpoint-sg-{group}"}
    steps: list[tuple[str, dict[str, object], bool]] = [
        ("ec2:CreateSecurityGroup", {"VpcId": ids["vpc"], "GroupName": f"{group}-endpoints",
                                     "Description": "Interface endpoints: TCP 443 from the VPC"}, True),
        ("ec2:AuthorizeSecurityGroupIngress", {"GroupId": label, "IpPermissions": [
            {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "IpRanges": [{"CidrIp": "10.0.0.0/16"}]}]}, True)]
    return steps + [("ec2:ModifyVpcEndpoint", {"VpcEndpointId": endpoint, "AddSecurityGroupIds": [label],
                                               "RemoveSecurityGroupIds": [group]}, True)
                    for endpoint in sorted(ids[key] for key in INTERFACE_ENDPOINTS)]


def test_the_snapshot_is_the_guides_vpc() -> None:
    """The builder against the guide: private subnets on route tables holding only the local route
    and the S3 prefix list (no internet gateway, no NAT), DNS support and hostnames on, the RDS
    instance's group with the All TCP self-reference (TCP 0-65535 from itself) and AWS's default
    egress, the instance's ENI as RDS reports it; with a run, five ENIs in the connection's subnet
    with the connection's group, which the network model counts as workloads."""
    snapshot, ids = glue_jdbc_vpc.build(job_running=True)
    region = snapshot.accounts[0].regions[0]
    (vpc,) = region.vpcs
    assert (vpc.cidr_blocks, vpc.enable_dns_support, vpc.enable_dns_hostnames) == (("10.0.0.0/16",), True, True)
    assert not region.internet_gateways and not region.nat_gateways
    assert sorted((s.cidr_block, s.availability_zone) for s in region.subnets) \
        == [("10.0.128.0/20", "us-east-1a"), ("10.0.144.0/20", "us-east-1b")]
    for n in (1, 2):
        table = next(t for t in region.route_tables if t.route_table_id == ids[f"private_rt{n}"])
        assert [a.subnet_id for a in table.associations] == [ids[f"private{n}"]]
        assert [(route.target_kind, route.target_id) for route in table.routes] \
            == [("local", "local"), ("vpce", ids["s3"])]
    assert ids["db_sg"] == ids["connection_sg"]
    group = next(g for g in region.security_groups if g.group_id == ids["connection_sg"])
    assert sorted((x.is_egress, x.ip_protocol, x.from_port, x.to_port, x.cidr_ipv4, x.referenced_group_id)
                  for x in group.rules) \
        == [(False, "tcp", 0, 65535, None, ids["connection_sg"]), (True, "-1", None, None, "0.0.0.0/0", None)]
    view = region_view(snapshot)
    rds = view.interfaces[ids["rds_eni"]]
    assert (rds.interface_type, rds.requester_managed, rds.requester_id, rds.description, rds.subnet_id) \
        == ("interface", True, "amazon-rds", "RDSNetworkInterface", ids["private1"])
    glue = [view.interfaces[ids[f"glue_eni{n}"]] for n in range(1, glue_jdbc_vpc.DPUS + 1)]
    assert {(e.interface_type, e.requester_managed, e.subnet_id, e.group_ids, e.description) for e in glue} \
        == {("interface", False, ids["private1"], (ids["connection_sg"],),
             f"Attached to Glue using role: {glue_jdbc_vpc.GLUE_ROLE}")}
    assert [view.is_workload(e) for e in (rds, *glue)] == [True] * 6
    # The instance's interface is a client of the services a DB engine calls (Glue: Aurora
    # PostgreSQL analytics), not of CloudWatch or Secrets Manager; the job's ENIs are of every one.
    assert [view.may_call(rds, key) for key in INTERFACE_ENDPOINTS] == [True, False, False]
    assert all(view.may_call(e, key) for e in glue for key in INTERFACE_ENDPOINTS)


@pytest.mark.parametrize("groups", ["one", "two"], ids=["the instance's group", "a group for the connection"])
@pytest.mark.parametrize("job_running", [False, True], ids=["between runs", "while a job runs"])
def test_findings_and_verdicts_as_the_guide_sets_it_up(groups: str, job_running: bool) -> None:
    # Silent, rightly: no route beyond the VPC, so nothing pays NAT processing (GWE002/GWE003,
    # NAT001-NAT003); the S3 prefix-list route is on both private route tables (GWE001); no
    # interface endpoint, so no security-group, AZ, bundle or private-DNS rule has anything to
    # judge; both DNS attributes on (DNS001/DNS002); the default NACL (ACL001). The job's ENIs
    # change nothing without interface endpoints.
    snapshot, ids = glue_jdbc_vpc.build(groups=groups, job_running=job_running)
    assert audit(snapshot) == _advice(ids)
    levels = severities(snapshot)
    assert levels[("MON001", ids["vpc"], "")] == levels[("POL001", ids["s3"], "")] == "medium"


def test_pol001_fix_on_the_s3_endpoint_keeps_this_accounts_principals() -> None:
    """POL001's replacement keeps this account's principals: the job's role (this account's) writes
    the table's rows to the account's buckets through this endpoint. It waits for a person's
    decision (the organization or accounts, and the buckets the jobs need): right."""
    snapshot, ids = glue_jdbc_vpc.build(job_running=True)
    ((action, params, ready),) = _fix_steps(snapshot, "POL001", ids["s3"])
    assert (action, ready) == ("ec2:ModifyVpcEndpoint", False)
    statements = json.loads(str(params["PolicyDocument"]))["Statement"]
    assert statements[0]["Condition"] == {"StringEquals": {"aws:PrincipalAccount": glue_jdbc_vpc.ACCOUNT}}


def test_near_miss_s3_endpoint_not_on_the_connection_subnets_route_table() -> None:
    """The S3 gateway endpoint on the second private subnet's route table only. Right: the
    connection's subnet (the database's) sends S3 traffic nowhere (GWE001, medium), and Glue refuses
    the run ("Could not find S3 endpoint or NAT gateway for subnetId in VPC"); the fix associates
    that subnet's table with the endpoint."""
    snapshot, ids = glue_jdbc_vpc.build(s3_route_tables="other")
    assert audit(snapshot) == _advice(ids) | {("GWE001", ids["private1"], "fail")}
    assert severities(snapshot)[("GWE001", ids["private1"], "s3")] == "medium"
    assert _fix_steps(snapshot, "GWE001", ids["private1"]) \
        == [("ec2:ModifyVpcEndpoint", {"VpcEndpointId": ids["s3"], "AddRouteTableIds": [ids["private_rt1"]]}, True)]


@pytest.mark.parametrize("near_miss", [{"self_reference": False}, {"dns_hostnames": False},
                                       {"self_reference": False, "groups": "two"}],
                         ids=["without the self-reference", "DNS hostnames off", "two groups, no self-reference"])
def test_near_misses_without_interface_endpoints_go_unreported(near_miss: dict[str, object]) -> None:
    """The group without the All TCP self-reference (Glue: "Inbound rule in security group
    required"), or DNS hostnames cleared (Glue: "No private DNS for network interface found"): the
    job cannot run, yet no rule fires. A gap, pinned: the snapshot holds no Glue connection, and
    without interface endpoints no rule of the catalogue reads these groups or the DNS attributes
    (docs/precision.md, "Noticed and left alone")."""
    snapshot, ids = glue_jdbc_vpc.build(**near_miss)  # type: ignore[arg-type]
    assert audit(snapshot) == _advice(ids)


@pytest.mark.parametrize("job_running", [False, True], ids=["between runs", "while a job runs"])
def test_interface_endpoints_on_the_instances_group(job_running: bool) -> None:
    """glue, monitoring and secretsmanager endpoints on the connection's group, which is also the
    RDS instance's (the guide's RDS steps). POL001 on each (right, advice). SG002, low: right — the
    group admits TCP 0-65535 from itself, the endpoints take 443, and the group is shared with the
    instance's ENI (and the job's). No SG003: on glue the instance's ENI, a client of Glue (a DB
    engine may read the Glue Data Catalog), carries the admitted group; monitoring and
    secretsmanager have no client between runs (the instance's ENI calls neither) and the job's
    ENIs while one runs. No SG005 (egress to anywhere), no IFE001/IFE002 (endpoint ENIs in both
    AZs)."""
    snapshot, ids = glue_jdbc_vpc.build(endpoints=True, job_running=job_running)
    assert audit(snapshot) == _advice(ids) | _sg002_on_the_connections_group(ids)
    assert severities(snapshot)[("SG002", ids["connection_sg"], "")] == "low"
    finding = next(f for f in audit_result(snapshot).findings if f.rule_id == "SG002")
    assert finding.evidence["extra_rules"] == [f"TCP 0-65535 from {ids['connection_sg']}"]
    assert finding.evidence["workload_eni_count"] == (1 + glue_jdbc_vpc.DPUS if job_running else 1)


def test_sg002_fix_leaves_the_glue_self_reference_alone() -> None:
    """SG002's fix on the shared group moves the three endpoints to a group of their own (TCP 443
    from the VPC) and neither narrows nor revokes the All TCP self-reference Glue requires: right."""
    snapshot, ids = glue_jdbc_vpc.build(endpoints=True, job_running=True)
    steps = _fix_steps(snapshot, "SG002", ids["connection_sg"])
    assert steps == _own_group_for_the_endpoints(ids)
    assert not [params for action, params, _ in steps
                if "SecurityGroupIngress" in action and params["GroupId"] == ids["connection_sg"]]


def test_interface_endpoints_on_a_group_of_the_connections_own_while_a_job_runs() -> None:
    """Two groups, the endpoints on the connection's: while a job runs its ENIs carry the group the
    endpoints admit (no SG003); SG002, low (the job's ENIs share the group): right."""
    snapshot, ids = glue_jdbc_vpc.build(groups="two", endpoints=True, job_running=True)
    assert ids["db_sg"] != ids["connection_sg"]
    assert audit(snapshot) == _advice(ids) | _sg002_on_the_connections_group(ids)
    assert severities(snapshot)[("SG002", ids["connection_sg"], "")] == "low"
    assert _fix_steps(snapshot, "SG002", ids["connection_sg"]) == _own_group_for_the_endpoints(ids)


def test_interface_endpoints_on_a_group_of_the_connections_own_between_runs() -> None:
    """Two groups, between runs. SG002, medium (no workload in the group; its self-reference is
    for the members to come, so the fix is the same own group): right. No SG003 on monitoring
    and secretsmanager: rule wrong, fixed — the RDS instance's interface, the one workload, calls
    neither. SG003 on glue, high: left, pinned (``_sg003_on_glue_before_the_job_runs``)."""
    snapshot, ids = glue_jdbc_vpc.build(groups="two", endpoints=True)
    assert audit(snapshot) == (_advice(ids) | _sg002_on_the_connections_group(ids)
                               | _sg003_on_glue_before_the_job_runs(ids))
    levels = severities(snapshot)
    assert levels[("SG002", ids["connection_sg"], "")] == "medium"
    assert levels[("SG003", ids["glue"], "")] == "high"
    finding = next(f for f in audit_result(snapshot).findings
                   if (f.rule_id, f.resource.resource_id) == ("SG003", ids["glue"]))
    assert finding.evidence["member_only_sources"] == [ids["connection_sg"]]
    assert f"reachable only from members of {ids['connection_sg']}, which no workload ENI carries" \
        in finding.message
    view = region_view(snapshot)
    rds = view.interfaces[ids["rds_eni"]]
    assert view.workload_enis(ids["vpc"]) == (rds,)
    assert {key: view.client_enis(ids["vpc"], key) for key in INTERFACE_ENDPOINTS} \
        == {"glue": (rds,), "monitoring": (), "secretsmanager": ()}


@pytest.mark.parametrize("job_running", [False, True], ids=["between runs", "while a job runs"])
def test_near_miss_interface_endpoints_without_the_self_reference(job_running: bool) -> None:
    """The connection's group without its All TCP rule, carrying the endpoints. Right: the group
    admits nothing, so each endpoint refuses everyone (SG003, high), before a run (no inbound rule
    at all: no future client gets in) and during one; SG002 has no extra rule to judge."""
    snapshot, ids = glue_jdbc_vpc.build(endpoints=True, self_reference=False, job_running=job_running)
    assert audit(snapshot) == _advice(ids) | {("SG003", ids[key], "fail") for key in INTERFACE_ENDPOINTS}
    assert {severities(snapshot)[("SG003", ids[key], "")] for key in INTERFACE_ENDPOINTS} == {"high"}


def test_near_miss_without_secretsmanager_goes_unreported() -> None:
    """A Secrets Manager-based connection in this VPC, with the glue and monitoring endpoints but no
    secretsmanager endpoint and no NAT: the job cannot read the connection's credentials, yet no
    rule fires — the snapshot holds no Glue connection, and IFE003 knows no Glue bundle
    (docs/precision.md, "Noticed and left alone"). Pinned so that a bundle for it shows here."""
    snapshot, ids = glue_jdbc_vpc.build(endpoints=True, left_out="secretsmanager", job_running=True)
    assert "secretsmanager" not in ids
    assert audit(snapshot) == _advice(ids) | _sg002_on_the_connections_group(ids)
