"""Amazon MWAA in a VPC without internet access (the MWAA User Guide's "Option three"): every
finding and its verdict (docs/precision.md)."""

from __future__ import annotations

import json

import pytest
from aws_layout import audit, audit_result, severities
from layouts import mwaa_private_network
from layouts.mwaa_private_network import INTERFACE_ENDPOINTS
from policy_eval import admits_ecr_layer_downloads

from vpcaudit.network.view import NetworkView
from vpcaudit.snapshot.model import Snapshot

Triples = set[tuple[str, str, str]]


def _advice(ids: dict[str, str], *, s3_default_policy: bool = True) -> Triples:
    """Right, as advice. MON001: the template creates no flow log. POL001 on every endpoint the
    template declares: none sets ``PolicyDocument``, so each keeps AWS's default full access (the
    MWAA guide recommends full access and the execution role for permissions; POL001 says what
    that leaves open: any principal's credentials, other accounts' too, for any resource)."""
    endpoints = [key for key in ("s3", *INTERFACE_ENDPOINTS) if key in ids and (key != "s3" or s3_default_policy)]
    return {("MON001", ids["vpc"], "fail")} | {("POL001", ids[key], "fail") for key in endpoints}


def _published(ids: dict[str, str]) -> Triples:
    """Right: the endpoints' group admits all traffic from itself while the nine AWS services
    behind it take TCP 443 only (SG002, medium). Its fix was rule wrong in part, fixed (below)."""
    return _advice(ids) | {("SG002", ids["endpoint_sg"], "fail")}


def _sg002_on_the_environments_group(*groups: str) -> Triples:
    """Rule wrong, fixed (``rules/sg/sg002_endpoint_sg_extra_ports.py``): once the environment
    exists, its group also carries MWAA's own database and web server endpoints, whose PrivateLink
    services publish no port, and SG002 used to give up on the whole group ("extra ports cannot be
    told apart"), making ``--strict`` exit 3 on every environment created as the guide says. But
    the extra rule is *all traffic*, which no interface endpoint can use in full whatever its port —
    "An interface endpoint supports TCP traffic only" (the VPC User Guide's interface endpoint
    limitations, doc_source/vpce-interface.md at 62c2f63) — and the nine AWS services take TCP 443
    only; the group is shared with the environment's containers, so by the catalogue the answer is
    a low finding. SG002 now reports it, and says that whether TCP beyond 443 is MWAA's ports is
    not judged."""
    return {("SG002", group, "fail") for group in groups}


def _sg002_own_group(ids: dict[str, str], *, environment: bool = False) -> list[tuple[str, dict[str, object], bool]]:
    """Rule wrong in part, fixed (``rules/sg/sg002_endpoint_sg_extra_ports.py``): SG002's fix used
    to narrow the group's self-reference to TCP 443 in place, with no decision. The stack's output
    ``MwaaSecurityGroupId`` is this group, "to the environment to allow access to the VPC
    endpoints"; the guide requires the environment's group to "allow all traffic in the
    self-referencing rule", and restricted to 443 it also needs TCP 5432 "for the Amazon Aurora
    PostgreSQL metadata database" (vpc-security.md) — so after that fix, CreateEnvironment with the
    stack's output left the metadata database endpoint unreachable. For a self-referencing extra
    rule SG002 now uses its shared-group fix: a group of the endpoints' own (TCP 443 from the VPC,
    which the containers are in), the template's group left as it is. With the environment, MWAA's
    two endpoints move too, but only once a person has put their services' ports (5432, 443 by the
    guide) into the new group, or stay if MWAA manages their groups: those steps wait for a
    decision."""
    group, label = ids["endpoint_sg"], {"new_id": f"endpoint-sg-{ids['endpoint_sg']}"}
    mwaa = [ids["mwaa_database"], ids["mwaa_webserver"]] if environment else []
    steps: list[tuple[str, dict[str, object], bool]] = [
        ("ec2:CreateSecurityGroup", {"VpcId": ids["vpc"], "GroupName": f"{group}-endpoints", "Description":
                                     "Interface endpoints: TCP 443" + (" and PrivateLink service ports" if mwaa else "")
                                     + " from the VPC"}, True),
        ("ec2:AuthorizeSecurityGroupIngress", {"GroupId": label, "IpPermissions": [
            {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "IpRanges": [{"CidrIp": "10.192.0.0/16"}]}]}, True)]
    return steps + [("ec2:ModifyVpcEndpoint", {"VpcEndpointId": endpoint, "AddSecurityGroupIds": [label],
                                               "RemoveSecurityGroupIds": [group]}, endpoint not in mwaa)
                    for endpoint in sorted([*(ids[key] for key in INTERFACE_ENDPOINTS), *mwaa])]


def _account_and_aws_owned_reads_policy() -> dict[str, object]:
    """The S3 endpoint policy POL001's fix proposes (rule wrong, fixed: it used to admit this
    account's principals only). ECR's image layers are downloaded with a presigned URL "created by
    an Amazon ECR account" (AWS's data perimeter policy examples, ``vpc_endpoint_policies/README.md``),
    and the page itself asks for ``s3:GetObject`` on ``prod-region-starport-layer-bucket/*`` for
    ``Principal: *`` with no condition; in this VPC nothing else reaches S3. The policy now also
    lets anyone read the AWS-owned ECR layer and Amazon Linux repository buckets of the Region, and
    send CloudFormation's wait condition and custom resource responses."""
    region = mwaa_private_network.REGION
    return {"Version": "2012-10-17", "Statement": [
        {"Sid": "ThisAccountOnly", "Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*",
         "Condition": {"StringEquals": {"aws:PrincipalAccount": mwaa_private_network.ACCOUNT}}},
        {"Sid": "AWSOwnedBucketsRead", "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
         "Resource": [f"arn:aws:s3:::prod-{region}-starport-layer-bucket/*",
                      f"arn:aws:s3:::amazonlinux.{region}.amazonaws.com/*",
                      f"arn:aws:s3:::amazonlinux-2-repos-{region}/*",
                      f"arn:aws:s3:::al2023-repos-{region}-de612dc2/*",
                      f"arn:aws:s3:::repo.{region}.emr.amazonaws.com/*",
                      f"arn:aws:s3:::ec2imagebuilder-toe-{region}-prod/*",
                      f"arn:aws:s3:::ec2imagebuilder-managed-resources-{region}-prod/components/*",
                      f"arn:aws:s3:::aws-codedeploy-{region}/*",
                      f"arn:aws:s3:::aws-ssm-{region}/*",
                      f"arn:aws:s3:::patch-baseline-snapshot-{region}/*"]},
        {"Sid": "CloudFormationResponses", "Effect": "Allow", "Principal": "*",
         "Action": ["s3:GetObject", "s3:PutObject"],
         "Resource": [f"arn:aws:s3:::cloudformation-waitcondition-{region}/*",
                      f"arn:aws:s3:::cloudformation-custom-resource-response-{region.replace('-', '')}/*"]}]}


def _fix(snapshot: Snapshot, rule: str, resource_id: str) -> list[tuple[str, dict[str, object]]]:
    return [(action, params) for action, params, _ in _fix_steps(snapshot, rule, resource_id)]


def _fix_steps(snapshot: Snapshot, rule: str, resource_id: str) -> list[tuple[str, dict[str, object], bool]]:
    """(action, parameters, ready) of each step of the failing finding's fix."""
    finding = next(f for f in audit_result(snapshot).findings
                   if (f.rule_id, f.resource.resource_id) == (rule, resource_id))
    return [(step.action, step.parameters, step.ready) for step in finding.fix]


def test_the_snapshot_is_the_template() -> None:
    """The builder against ``cfn-vpc-private.yaml``: one route table for both subnets with nothing
    beyond the VPC but the S3 prefix list, the group's one self-referencing rule and AWS's default
    egress, nine interface endpoints with private DNS in both AZs, and the names MWAA's services
    answer for."""
    snapshot, ids = mwaa_private_network.build()
    region = snapshot.accounts[0].regions[0]
    (vpc,) = region.vpcs
    assert (vpc.cidr_blocks, vpc.enable_dns_support, vpc.enable_dns_hostnames) == (("10.192.0.0/16",), True, True)
    assert sorted((s.cidr_block, s.availability_zone) for s in region.subnets) \
        == [("10.192.10.0/24", "us-east-1a"), ("10.192.11.0/24", "us-east-1b")]
    table = next(t for t in region.route_tables if t.route_table_id == ids["route_table"])
    assert sorted(a.subnet_id for a in table.associations) == sorted([ids["private1"], ids["private2"]])
    assert [(route.target_kind, route.target_id) for route in table.routes] == [("local", "local"), ("vpce", ids["s3"])]
    group = next(g for g in region.security_groups if g.group_id == ids["endpoint_sg"])
    assert sorted((x.is_egress, x.ip_protocol, x.cidr_ipv4, x.referenced_group_id) for x in group.rules) \
        == [(False, "-1", None, ids["endpoint_sg"]), (True, "-1", "0.0.0.0/0", None)]
    interface = [e for e in region.vpc_endpoints if e.endpoint_type == "Interface"]
    assert sorted(e.service_name.removeprefix("com.amazonaws.us-east-1.") for e in interface) \
        == sorted(INTERFACE_ENDPOINTS)
    assert {(e.private_dns_enabled, e.subnet_ids, e.group_ids) for e in interface} \
        == {(True, tuple(sorted([ids["private1"], ids["private2"]])), (ids["endpoint_sg"],))}
    names = {s.service_name: s.private_dns_names for s in region.endpoint_services}
    assert names["com.amazonaws.us-east-1.airflow.ops"] == ("ops.airflow.us-east-1.amazonaws.com",)


def test_findings_and_verdicts_as_published() -> None:
    # Silent, rightly: no route beyond the VPC, so no NAT or gateway-endpoint cost (GWE002/GWE003)
    # and the S3 prefix-list route is on the subnets' one table (GWE001); the ECR bundle is
    # complete (ecr.dkr, ecr.api, the routed S3 gateway endpoint, and the optional kms and logs:
    # no IFE003); endpoint ENIs in both AZs (IFE001/IFE002); DNS support and hostnames on
    # (DNS001/DNS002); the group admits only its own members (no SG001/SG004), and SG003 waits
    # for a client to block; the default NACL allows everything (ACL001).
    snapshot, ids = mwaa_private_network.build()
    assert audit(snapshot) == _published(ids)
    levels = severities(snapshot)
    assert levels[("MON001", ids["vpc"], "")] == levels[("SG002", ids["endpoint_sg"], "")] == "medium"
    assert {levels[("POL001", ids[key], "")] for key in ("s3", *INTERFACE_ENDPOINTS)} == {"medium"}


def test_sg002_fix_leaves_the_environments_group_alone() -> None:
    """SG002 is right about the endpoints; its fix was rule wrong in part, fixed: it narrowed in
    place the group the stack hands to the environment, leaving no rule for TCP 5432. It now gives
    the endpoints a group of their own and touches no rule of the template's group."""
    snapshot, ids = mwaa_private_network.build()
    steps = _fix_steps(snapshot, "SG002", ids["endpoint_sg"])
    assert steps == _sg002_own_group(ids)
    assert all(ready for *_, ready in steps)
    assert not [params for action, params, _ in steps
                if "SecurityGroupIngress" in action and params["GroupId"] == ids["endpoint_sg"]]


def test_pol001_fix_on_the_s3_endpoint_keeps_the_image_layers_reachable() -> None:
    """POL001 on the S3 gateway endpoint is right (advice); its fix was rule wrong in part, now
    fixed: the replacement it proposes used to refuse ECR's layer downloads, and this VPC has no
    other way to S3."""
    snapshot, ids = mwaa_private_network.build(environment=True)
    ((action, params),) = _fix(snapshot, "POL001", ids["s3"])
    assert action == "ec2:ModifyVpcEndpoint"
    policy = json.loads(str(params["PolicyDocument"]))
    assert policy == _account_and_aws_owned_reads_policy()
    assert admits_ecr_layer_downloads(policy, mwaa_private_network.REGION)
    assert admits_ecr_layer_downloads(json.loads(mwaa_private_network.PAGE_S3_POLICY), mwaa_private_network.REGION)


def test_with_the_environment() -> None:
    """CreateEnvironment with the stack's outputs: MWAA's database and web server endpoints and its
    containers' ENIs, all in the template's group. The advice stays (right). No SG003 (the
    containers carry the group the endpoints admit), no SG005 (its egress is open), no IFE002
    (clients and endpoint ENIs in both AZs), no IFE003; MWAA's PrivateLink endpoints get no
    POL001/DNS003 (not AWS-service endpoints). SG002 stays, low (the containers share the group):
    rule wrong, fixed (it used to turn not evaluated). Its fix moves the nine AWS service endpoints
    at once and MWAA's two only after a decision, and leaves the group's rules alone."""
    snapshot, ids = mwaa_private_network.build(environment=True)
    account = snapshot.accounts[0]
    view = NetworkView.build(account, account.regions[0])
    assert [view.is_workload(view.interfaces[ids[key]]) for key in ("scheduler1", "scheduler2", "worker1")] \
        == [True] * 3
    assert {view.interfaces[ids[key]].availability_zone_id for key in ("scheduler1", "scheduler2")} \
        == {"use1-az1", "use1-az2"}
    assert audit(snapshot) == _advice(ids) | _sg002_on_the_environments_group(ids["endpoint_sg"])
    assert severities(snapshot)[("SG002", ids["endpoint_sg"], "")] == "low"
    finding = next(f for f in audit_result(snapshot).findings if f.rule_id == "SG002")
    assert finding.evidence["extra_rules"] == [f"all traffic from {ids['endpoint_sg']}"]
    assert finding.evidence["unknown_port_endpoints"] == sorted([ids["mwaa_database"], ids["mwaa_webserver"]])
    assert f"Not judged: whether TCP 0-65535 from {ids['endpoint_sg']} (beyond TCP 443) holds those ports." \
        in finding.message
    steps = _fix_steps(snapshot, "SG002", ids["endpoint_sg"])
    placeholders = [step for step in steps if step[0] == "ec2:AuthorizeSecurityGroupIngress" and not step[2]]
    assert len(placeholders) == 2
    assert [step for step in steps if step not in placeholders] == _sg002_own_group(ids, environment=True)


def test_near_miss_environment_in_a_group_of_its_own() -> None:
    """The environment in a group of its own (self-referencing, all traffic out, as the guide's
    networking page describes a group) instead of the stack's ``MwaaSecurityGroupId``. Right: the
    nine endpoints admit only members of the template's group, which no container carries, so every
    SQS, CloudWatch, ECR, KMS and MWAA call times out (SG003, high, per endpoint) — the guide: "The
    VPC endpoints must be associated to your environment's security group". The template's group
    is the endpoints' alone again (SG002, medium); the environment's group, also on MWAA's
    endpoints, admits all traffic from itself where only TCP can serve them (SG002, low: rule
    wrong, fixed — it used to be not evaluated)."""
    snapshot, ids = mwaa_private_network.build(environment=True, environment_group="own")
    blocked = {("SG003", ids[key], "fail") for key in INTERFACE_ENDPOINTS}
    assert audit(snapshot) == (_published(ids) | blocked | _sg002_on_the_environments_group(ids["environment_sg"]))
    levels = severities(snapshot)
    assert {levels[("SG003", ids[key], "")] for key in INTERFACE_ENDPOINTS} == {"high"}
    assert levels[("SG002", ids["endpoint_sg"], "")] == "medium"
    assert levels[("SG002", ids["environment_sg"], "")] == "low"


@pytest.mark.parametrize("environment", [False, True], ids=["stack alone", "with the environment"])
def test_near_miss_group_without_its_self_reference(environment: bool) -> None:
    """The template without ``SecurityGroupIngress``. Right: the group admits nothing, so every
    endpoint refuses everyone (SG003, high), before the environment exists (no inbound rule at all:
    no future client gets in) and after; then MWAA's database and web server endpoints too (any
    TCP port; the fix asks for the PrivateLink service's port). SG002 has no extra rule to judge."""
    snapshot, ids = mwaa_private_network.build(environment=environment, self_reference=False)
    keys = [*INTERFACE_ENDPOINTS, *(("mwaa_database", "mwaa_webserver") if environment else ())]
    assert audit(snapshot) == _advice(ids) | {("SG003", ids[key], "fail") for key in keys}
    assert {severities(snapshot)[("SG003", ids[key], "")] for key in keys} == {"high"}


@pytest.mark.parametrize("environment", [False, True], ids=["stack alone", "with the environment"])
def test_near_miss_without_ecr_api(environment: bool) -> None:
    """The ecr.api endpoint left out. Right: the ECR guide requires it beside ecr.dkr and the S3
    gateway endpoint, and the MWAA guide lists it; with no way out of the VPC, image pulls fail
    (IFE003, high, once the containers exist; medium while the private subnets only stand in for
    clients)."""
    snapshot, ids = mwaa_private_network.build(environment=environment, left_out="ecr.api")
    assert "ecr.api" not in ids
    assert audit(snapshot) == _advice(ids) | {("SG002", ids["endpoint_sg"], "fail"), ("IFE003", ids["vpc"], "fail")}
    assert severities(snapshot)[("IFE003", ids["vpc"], "ecr:required")] == ("high" if environment else "medium")


def test_near_miss_without_sqs_goes_unreported() -> None:
    """The sqs endpoint left out: the Celery executor's queue is out of reach and no task runs,
    yet no rule fires — IFE003 knows no MWAA bundle (docs/precision.md, "Noticed and left alone").
    Pinned so that a bundle for it shows here."""
    snapshot, ids = mwaa_private_network.build(environment=True, left_out="sqs")
    assert "sqs" not in ids
    assert audit(snapshot) == _advice(ids) | _sg002_on_the_environments_group(ids["endpoint_sg"])


def test_near_miss_s3_endpoint_on_the_main_route_table() -> None:
    """The S3 gateway endpoint on the VPC's main route table, which serves no subnet here. Right:
    both subnets' S3 traffic goes nowhere (GWE001, medium, per subnet) and ECR's layers with it
    (IFE003, high: the subnets are isolated); the fix associates the subnets' table."""
    snapshot, ids = mwaa_private_network.build(environment=True, s3_route_table="main")
    missing = {("GWE001", ids["private1"], "fail"), ("GWE001", ids["private2"], "fail"),
               ("IFE003", ids["vpc"], "fail")}
    assert audit(snapshot) == _advice(ids) | _sg002_on_the_environments_group(ids["endpoint_sg"]) | missing
    levels = severities(snapshot)
    assert (levels[("GWE001", ids["private1"], "s3")], levels[("GWE001", ids["private2"], "s3")],
            levels[("IFE003", ids["vpc"], "ecr:required")]) == ("medium", "medium", "high")
    assert _fix(snapshot, "GWE001", ids["private1"]) \
        == [("ec2:ModifyVpcEndpoint", {"VpcEndpointId": ids["s3"], "AddRouteTableIds": [ids["route_table"]]})]


def test_the_pages_s3_policy_instead_of_full_access() -> None:
    """The S3 endpoint with the page's "Important" policy (the layer bucket only). POL001 goes, and
    nothing else is said: no rule knows that the environment also reads its own DAGs bucket through
    this endpoint, which that policy leaves out (docs/precision.md, "Noticed and left alone")."""
    snapshot, ids = mwaa_private_network.build(environment=True, s3_policy="page")
    assert audit(snapshot) == (_advice(ids, s3_default_policy=False)
                               | _sg002_on_the_environments_group(ids["endpoint_sg"]))
