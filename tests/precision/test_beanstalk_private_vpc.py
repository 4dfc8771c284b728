"""An AWS Elastic Beanstalk web server environment in a public/private VPC (the Elastic Beanstalk
Developer Guide's VPC pages and the samples' ``vpc-privatepublic.yaml``), then without internet
access behind the VPC endpoints the guide lists: every finding and its verdict (docs/precision.md)."""

from __future__ import annotations

from functools import cache

import pytest
from aws_layout import audit, audit_result, region_view, severities
from layouts import beanstalk_private_vpc
from layouts.beanstalk_private_vpc import ACCOUNT, INTERFACE_ENDPOINTS, REGION, VPC_CIDR
from policy_eval import allows

from vpcaudit.snapshot.model import Snapshot

Triples = set[tuple[str, str, str]]
ENVIRONMENTS = pytest.mark.parametrize("environment", [False, True],
                                       ids=["before the environment", "with the environment"])
THIS_ACCOUNT = {"aws:PrincipalAccount": ACCOUNT}
# A principal of another account: CloudFormation's, which presigns the wait condition handle's URL
# ("CloudFormation creates the presigned Amazon S3 URL using the cloudformation.amazonaws.com
# service principal", the Elastic Beanstalk guide's vpc-vpce.policy page).
CLOUDFORMATION_SIGNER = {"aws:PrincipalAccount": "222222222222"}
# An object of the wait condition bucket, as a handle's URL names it (stack ARN, then the handle).
WAIT_CONDITION_OBJECT = (f"arn:aws:s3:::cloudformation-waitcondition-{REGION}/arn%3Aaws%3Acloudformation%3A"
                         f"{REGION}%3A{ACCOUNT}%3Astack/awseb-e-7ptmcfq3xd-stack/0f1e/AWSEBInstanceLaunchWaitHandle")


@cache
def _build(**options: object) -> tuple[Snapshot, dict[str, str]]:
    """Each variant built once: the snapshot is frozen, and no test changes the ids."""
    return beanstalk_private_vpc.build(**options)  # type: ignore[arg-type]


def _flow_log(ids: dict[str, str]) -> Triples:
    """Right, medium: neither the template nor the guide's pages create a flow log."""
    return {("MON001", ids["vpc"], "fail")}


def _one_nat_gateway(ids: dict[str, str]) -> Triples:
    """Right, medium: the template's one NAT gateway sits in the first AZ and both private subnets
    use it, so the second AZ's instances cross AZs for every byte out and lose their egress with
    the first AZ (NAT002 on the second private subnet, NAT003 for use1-az2); NAT gateway basics:
    "if the NAT gateway's Availability Zone is down, resources in the other Availability Zones
    lose internet access"."""
    return {("NAT002", ids["private2"], "fail"), ("NAT003", ids["vpc"], "fail")}


def _nat_processing(ids: dict[str, str]) -> Triples:
    """Right (advice), medium and low: the instances' S3 traffic (the source bundle, platform
    assets, logs) and any DynamoDB traffic pay NAT processing; gateway endpoints are free and the
    template creates none."""
    return {("GWE002", ids["vpc"], "fail"), ("GWE003", ids["vpc"], "fail")}


def _default_endpoint_policies(ids: dict[str, str]) -> Triples:
    """Right (advice), medium: the endpoints keep AWS's default full access; the guide gives an
    example policy for the elasticbeanstalk endpoint (vpc-vpce.policy). The enhanced health
    endpoint takes no policy and is rightly left out."""
    keys = ("elasticbeanstalk", "sqs", "cloudformation", "logs", "s3")
    return {("POL001", ids[key], "fail") for key in keys if key in ids}


def _endpoint_form(ids: dict[str, str]) -> Triples:
    """What the endpoint form gets whatever else happens: the flow log and the default policies."""
    return _flow_log(ids) | _default_endpoint_policies(ids)


def _fix_steps(snapshot: Snapshot, rule_id: str, resource_id: str) -> list[tuple[str, dict[str, object], bool]]:
    """(action, parameters, ready) of each step of the failing finding's fix."""
    finding = next(f for f in audit_result(snapshot).findings
                   if (f.rule_id, f.resource.resource_id) == (rule_id, resource_id))
    return [(s.action, s.parameters, s.ready) for s in finding.fix]


def _s3_policy(snapshot: Snapshot, rule_id: str, resource_id: str, action: str) -> str:
    """The S3 endpoint policy a finding's fix proposes (in its ``action`` step)."""
    (parameters,) = [p for a, p, _ in _fix_steps(snapshot, rule_id, resource_id) if a == action]
    return str(parameters["PolicyDocument"])


def _admits_wait_condition_responses(document: str) -> bool:
    """Whether an S3 endpoint policy lets an instance's wait condition signal through: a request
    to CloudFormation's ``cloudformation-waitcondition-<region>`` bucket with a URL CloudFormation
    presigned, so signed by CloudFormation's account, not this one. The signal is an upload
    ("Resources must send wait condition responses to a pre-signed Amazon S3 URL", the
    AWS::CloudFormation::WaitCondition reference; s3:PutObject in the ParallelCluster guide's
    statement for this bucket); the Elastic Beanstalk guide's statement names s3:GetObject."""
    return all(allows(document, action, WAIT_CONDITION_OBJECT, CLOUDFORMATION_SIGNER)
               for action in ("s3:PutObject", "s3:GetObject"))


def test_the_snapshot_is_the_template() -> None:
    """The builder against ``vpc-privatepublic.yaml`` and what Elastic Beanstalk adds: DNS
    hostnames off (CloudFormation's default), one NAT gateway in the first public subnet for both
    private subnets, the two environment groups as Elastic Beanstalk creates them, the load
    balancer's nodes in the public subnets (not workloads) and the instances in the private ones."""
    snapshot, ids = _build()
    region = snapshot.accounts[0].regions[0]
    (vpc,) = region.vpcs
    assert (vpc.cidr_blocks, vpc.enable_dns_support, vpc.enable_dns_hostnames) == ((VPC_CIDR,), True, False)
    assert sorted((s.cidr_block, s.availability_zone, s.map_public_ip_on_launch) for s in region.subnets) == [
        ("172.31.0.0/24", "us-east-1a", True), ("172.31.1.0/24", "us-east-1b", True),
        ("172.31.2.0/24", "us-east-1b", False), ("172.31.3.0/24", "us-east-1a", False)]
    tables = {t.route_table_id: t for t in region.route_tables}
    for table, subnets, target in (("public_rt", ("public1", "public2"), "igw"),
                                   ("private_rt", ("private1", "private2"), "nat")):
        assert sorted(a.subnet_id for a in tables[ids[table]].associations) == sorted(ids[s] for s in subnets)
        assert [(x.destination, x.target_id) for x in tables[ids[table]].routes if x.target_kind != "local"] \
            == [("0.0.0.0/0", ids[target])]
    (nat,) = region.nat_gateways
    assert nat.subnet_id == ids["public1"]
    groups = {g.group_id: g for g in region.security_groups}
    assert sorted((x.is_egress, x.ip_protocol, x.from_port, x.cidr_ipv4) for x in groups[ids["lb_sg"]].rules) \
        == [(False, "tcp", 80, "0.0.0.0/0"), (True, "tcp", 80, "0.0.0.0/0")]
    assert sorted((x.is_egress, x.ip_protocol, x.from_port, x.cidr_ipv4, x.referenced_group_id)
                  for x in groups[ids["instance_sg"]].rules) \
        == [(False, "tcp", 80, None, ids["lb_sg"]), (True, "-1", None, "0.0.0.0/0", None)]
    assert not region.vpc_endpoints
    view = region_view(snapshot)
    assert [e.network_interface_id for e in view.workload_enis(ids["vpc"])] \
        == sorted([ids["instance_eni1"], ids["instance_eni2"]])
    node = view.interfaces[ids["alb_eni1"]]
    assert (node.requester_id, node.description, node.group_ids) \
        == ("amazon-elb", "ELB app/awseb-AWSEB-1LQ8X2ZK7N0RD/5c9e3b7a1f0d2e84", (ids["lb_sg"],))
    instance = view.interfaces[ids["instance_eni2"]]
    assert (instance.subnet_id, instance.requester_managed, set(instance.group_ids)) \
        == (ids["private2"], False, {ids["instance_sg"], ids["default_sg"]})


def test_the_snapshot_of_the_endpoint_form() -> None:
    """No NAT gateway; DNS hostnames on; the five interface endpoints in both private subnets with
    private DNS behind one group admitting TCP 443 from the VPC; the S3 gateway endpoint on the
    private route table; the catalogue lists the three services aws_layout's does not."""
    snapshot, ids = _build(endpoints=True)
    region = snapshot.accounts[0].regions[0]
    assert region.vpcs[0].enable_dns_hostnames is True
    assert not region.nat_gateways
    interface = [e for e in region.vpc_endpoints if e.endpoint_type == "Interface"]
    assert sorted(e.service_name.removeprefix(f"com.amazonaws.{REGION}.") for e in interface) \
        == sorted(INTERFACE_ENDPOINTS)
    assert {(e.private_dns_enabled, e.subnet_ids, e.group_ids) for e in interface} \
        == {(True, tuple(sorted([ids["private1"], ids["private2"]])), (ids["endpoint_sg"],))}
    (gateway,) = [e for e in region.vpc_endpoints if e.endpoint_type == "Gateway"]
    assert gateway.route_table_ids == (ids["private_rt"],)
    services = {s.service_name: s for s in region.endpoint_services}
    assert services[f"com.amazonaws.{REGION}.elasticbeanstalk-health"].private_dns_names \
        == (f"elasticbeanstalk-health.{REGION}.amazonaws.com",)
    assert not services[f"com.amazonaws.{REGION}.elasticbeanstalk-health"].vpc_endpoint_policy_supported
    assert services[f"com.amazonaws.{REGION}.cloudformation"].vpc_endpoint_policy_supported


@ENVIRONMENTS
def test_findings_and_verdicts_of_the_template(environment: bool) -> None:
    """The guide's public/private VPC: MON001, NAT002 and NAT003 (medium), GWE002 (medium), GWE003
    (low), before the environment and with it. Silent, rightly: NAT001 (the NAT gateway is in a
    public subnet), DNS002 (hostnames off, but nothing relies on them: no private DNS), every
    endpoint rule (no endpoint), SG rules (the load balancer's nodes are no endpoint's clients),
    ACL001 (default NACL)."""
    snapshot, ids = _build(environment=environment)
    assert audit(snapshot) == _flow_log(ids) | _one_nat_gateway(ids) | _nat_processing(ids)
    levels = severities(snapshot)
    assert (levels[("NAT002", ids["private2"], "")], levels[("NAT003", ids["vpc"], "use1-az2")],
            levels[("GWE002", ids["vpc"], "")], levels[("GWE003", ids["vpc"], "")]) \
        == ("medium", "medium", "medium", "low")


@ENVIRONMENTS
def test_findings_and_verdicts_of_the_endpoint_form(environment: bool) -> None:
    """No NAT; elasticbeanstalk, elasticbeanstalk-health, sqs, cloudformation and logs interface
    endpoints, the S3 gateway endpoint on the private table: MON001 and POL001 × 5 (medium).
    Silent, rightly: SG003/SG006 (443 from the VPC's one block, where the instances are), SG005
    (the instances send all traffic), IFE001/IFE002 (both AZs), GWE001 (the prefix-list route on
    the private table), DNS002 (hostnames on), IFE003 (no bundle triggered), NAT rules."""
    snapshot, ids = _build(endpoints=True, environment=environment)
    assert audit(snapshot) == _endpoint_form(ids)
    assert {level for key, level in severities(snapshot).items() if key[0] == "POL001"} == {"medium"}


def test_pol001s_s3_fix_keeps_the_environments_own_reads() -> None:
    """POL001's replacement for the S3 endpoint lets through what the instances do with their own
    role: the source bundle in ``elasticbeanstalk-<region>-<account>`` and the platform assets
    (the instance profile's ``BucketAccess``: s3:Get*, s3:List*, s3:PutObject on
    ``arn:aws:s3:::elasticbeanstalk-*``). Right for those."""
    snapshot, ids = _build(endpoints=True)
    document = _s3_policy(snapshot, "POL001", ids["s3"], "ec2:ModifyVpcEndpoint")
    bucket = f"arn:aws:s3:::elasticbeanstalk-{REGION}-{ACCOUNT}"
    assert allows(document, "s3:GetObject", f"{bucket}/Webapp/app-v1.zip", THIS_ACCOUNT)
    assert allows(document, "s3:PutObject", f"{bucket}/resources/environments/logs/tail.gz", THIS_ACCOUNT)
    assert allows(document, "s3:GetObject", f"arn:aws:s3:::elasticbeanstalk-platform-assets-{REGION}/stalks/x/lib/"
                  "hooks.tar.gz", THIS_ACCOUNT)


def test_pol001s_s3_fix_admits_cloudformation_wait_condition_responses() -> None:
    """Rule wrong, fixed (``rules/_fixes.py``, ``account_scoped_policy``): the replacement admitted
    this account's principals and reads of the ECR, Amazon Linux and EMR buckets, but an instance's wait
    condition signal goes to ``cloudformation-waitcondition-<region>`` with a URL CloudFormation
    presigned, not this account's principal. The CloudFormation User Guide: "If a template
    includes custom resources or wait conditions in a VPC, the VPC endpoint policy must allow
    users to send responses to the following buckets … If the endpoint policy blocks traffic to
    these buckets, CloudFormation won't receive responses and the stack operation fails"; the
    Elastic Beanstalk guide lists the bucket among the "Required Amazon S3 bucket permissions for
    restrictive VPC endpoint policies", for ``Principal: *``. Applied, the next environment created
    in this VPC failed with ``AWSEBInstanceLaunchWaitCondition``. The policy now has a
    ``CloudFormationResponses`` statement: s3:GetObject and s3:PutObject for anyone on the wait
    condition and custom resource response buckets of the Region."""
    snapshot, ids = _build(endpoints=True)
    assert _admits_wait_condition_responses(_s3_policy(snapshot, "POL001", ids["s3"], "ec2:ModifyVpcEndpoint"))


def test_gwe002s_new_endpoint_admits_cloudformation_wait_condition_responses() -> None:
    """Rule wrong, fixed (the same ``account_scoped_policy``, which now also has a
    ``CloudFormationResponses`` statement): GWE002 is right that the instances' S3
    traffic pays NAT processing, but the gateway endpoint its fix creates — ready, with no
    decision — carries the account-scoped policy, and once its prefix-list route is on the private
    table, wait condition signals stop going through the NAT gateway and are refused: the next
    environment the guide's wizard puts into this VPC never signals ``AWSEBInstanceLaunchWaitCondition``."""
    snapshot, ids = _build()
    assert _admits_wait_condition_responses(_s3_policy(snapshot, "GWE002", ids["vpc"], "ec2:CreateVpcEndpoint"))


def test_near_miss_endpoints_admit_the_load_balancer_group_only() -> None:
    """The endpoints' group admitting TCP 443 from the load balancer's group only: SG003 on each of
    the five interface endpoints, high — right: the instances carry the instances' group and the
    default group, neither admitted, and with no NAT gateway nothing else reaches Elastic
    Beanstalk, SQS, CloudFormation or CloudWatch Logs; the load balancer's nodes forward HTTP to
    the instances and call no endpoint. The fix admits 443 from the VPC's block, ready: right."""
    snapshot, ids = _build(endpoints=True, endpoint_sources="load-balancer")
    sg003 = {("SG003", ids[key], "fail") for key in INTERFACE_ENDPOINTS}
    assert audit(snapshot) == _endpoint_form(ids) | sg003
    levels = severities(snapshot)
    assert {levels[("SG003", ids[key], "")] for key in INTERFACE_ENDPOINTS} == {"high"}
    assert _fix_steps(snapshot, "SG003", ids["sqs"]) == [("ec2:AuthorizeSecurityGroupIngress", {
        "GroupId": ids["endpoint_sg"], "IpPermissions": [
            {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "IpRanges": [{"CidrIp": VPC_CIDR}]}]}, True)]


@ENVIRONMENTS
def test_near_miss_without_the_enhanced_health_endpoint_goes_unreported(environment: bool) -> None:
    """No elasticbeanstalk-health endpoint and no NAT: the instances' healthd cannot reach
    ``elasticbeanstalk-health.<region>.amazonaws.com``, and the guide makes internet access
    optional only with "both the elasticbeanstalk and elasticbeanstalk-health services". A gap,
    pinned: IFE003 knows no Elastic Beanstalk bundle (see "Noticed and left alone")."""
    snapshot, ids = _build(endpoints=True, environment=environment, left_out="elasticbeanstalk-health")
    assert "elasticbeanstalk-health" not in ids
    assert audit(snapshot) == _endpoint_form(ids)


@ENVIRONMENTS
def test_near_miss_s3_endpoint_on_the_public_route_table(environment: bool) -> None:
    """The S3 gateway endpoint on the public route table, which no instance uses: GWE001 on both
    private subnets, medium — right: with no NAT the instances' source bundle, platform assets and
    wait condition signal go nowhere; the fix associates the private table, ready."""
    snapshot, ids = _build(endpoints=True, environment=environment, s3_tables="public")
    gwe001 = {("GWE001", ids["private1"], "fail"), ("GWE001", ids["private2"], "fail")}
    assert audit(snapshot) == _endpoint_form(ids) | gwe001
    levels = severities(snapshot)
    assert {levels[("GWE001", ids[f"private{az}"], "s3")] for az in (1, 2)} == {"medium"}
    assert _fix_steps(snapshot, "GWE001", ids["private1"]) == [
        ("ec2:ModifyVpcEndpoint", {"VpcEndpointId": ids["s3"], "AddRouteTableIds": [ids["private_rt"]]}, True)]


def test_near_miss_dns_hostnames_off() -> None:
    """DNS hostnames off, as the template leaves them, beside the five private-DNS endpoints (a state
    reached by turning them off after the endpoints were created: CreateVpcEndpoint refuses private
    DNS while they are off): DNS002, high — right: "To use a private hosted zone, you must set the
    following VPC attributes to true: enableDnsHostnames and enableDnsSupport", and the guide's
    instances reach every service by its public name. The fix turns them on, ready."""
    snapshot, ids = _build(endpoints=True, dns_hostnames=False)
    assert audit(snapshot) == _endpoint_form(ids) | {("DNS002", ids["vpc"], "fail")}
    assert severities(snapshot)[("DNS002", ids["vpc"], "")] == "high"
    assert _fix_steps(snapshot, "DNS002", ids["vpc"]) == [
        ("ec2:ModifyVpcAttribute", {"VpcId": ids["vpc"], "EnableDnsHostnames": {"Value": True}}, True)]


def test_the_guides_elasticbeanstalk_endpoint_policy() -> None:
    """The guide's example policy on the elasticbeanstalk endpoint (Allow everything to anyone, then
    Deny TerminateEnvironment): POL001 goes (it is not the default statement alone), and POL002
    fires, low — right (advice): the Allow statement still admits any principal, other accounts'
    too, to every other action on any resource; the Deny takes away one action."""
    snapshot, ids = _build(endpoints=True, elasticbeanstalk_policy="guide")
    pol002 = {("POL002", ids["elasticbeanstalk"], "fail")}
    assert audit(snapshot) == (_endpoint_form(ids) - {("POL001", ids["elasticbeanstalk"], "fail")}) | pol002
    assert severities(snapshot)[("POL002", ids["elasticbeanstalk"], "")] == "low"
    document = beanstalk_private_vpc.guide_elasticbeanstalk_policy()
    environment = f"arn:aws:elasticbeanstalk:{REGION}:{ACCOUNT}:environment/webapp/Webapp-env"
    assert allows(document, "elasticbeanstalk:DescribeEnvironments", environment, CLOUDFORMATION_SIGNER)
    assert not allows(document, "elasticbeanstalk:TerminateEnvironment", environment, THIS_ACCOUNT)
