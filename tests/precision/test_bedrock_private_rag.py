"""A RAG application calling Amazon Bedrock privately from a VPC (the AWS Solution "Generative AI
Application Builder on AWS", its Bedrock use case VPC, read with the Bedrock User Guide's
interface endpoint page): every finding and its verdict (docs/precision.md)."""

from __future__ import annotations

import json
from dataclasses import replace
from functools import cache

import pytest
from aws_layout import audit, audit_result, replacement_policy, severities
from layouts import bedrock_private_rag
from layouts.bedrock_private_rag import ACCOUNT, REGION
from policy_eval import allows

from vpcaudit.network.view import NetworkView
from vpcaudit.snapshot.model import Snapshot

Triples = set[tuple[str, str, str]]
FUNCTIONS = pytest.mark.parametrize("functions", [False, True], ids=["before the functions", "with the functions"])
FORMS = pytest.mark.parametrize("nat", [True, False], ids=["the solution's VPC", "the guide's form, no NAT"])
THIS_ACCOUNT = {"aws:PrincipalAccount": ACCOUNT}
ANOTHER_ACCOUNT = {"aws:PrincipalAccount": "222222222222"}
MODEL = f"arn:aws:bedrock:{REGION}::foundation-model/anthropic.claude-3-haiku-20240307-v1:0"
PROFILE = f"arn:aws:bedrock:{REGION}:{ACCOUNT}:inference-profile/us.anthropic.claude-3-haiku-20240307-v1:0"


@cache
def _built(*, nat: bool = True, functions: bool = True, bedrock_service: str = "bedrock-runtime",
           bedrock_policy: str = "solution", function_egress: str = "solution") -> tuple[Snapshot, dict[str, str]]:
    """Each variant built once (snapshots are immutable; callers only read ``ids``)."""
    return bedrock_private_rag.build(nat=nat, functions=functions, bedrock_service=bedrock_service,
                                     bedrock_policy=bedrock_policy, function_egress=function_egress)


def _audit(snapshot: Snapshot, ids: dict[str, str]) -> Triples:
    """The audit, without POL002's answer on the S3 gateway endpoint: that silence is rule wrong
    (``test_pol002_on_the_s3_policy_naming_every_bucket``) and is pinned there alone, so that
    every other pin holds once the rule is fixed."""
    return audit(snapshot) - {("POL002", ids["s3"], "fail")}


def _wildcard_policies(ids: dict[str, str]) -> Triples:
    """Right (advice), low: the xray, sqs and monitoring endpoints' statements let ``Principal *``
    act on ``Resource *`` with no scoping condition. X-Ray's two actions take no resource, SQS's
    six are granted on every queue of every account (``sqs:SendMessage`` to someone else's queue
    is a way out of the VPC), CloudWatch's ``PutMetricData`` is limited by namespace only, which
    the caller chooses: other accounts' credentials can use all three private paths. The other
    six endpoints name this account's resources (tables, log groups, knowledge bases, guardrails,
    provisioned models) or the Region's foundation models: silent, rightly."""
    return {("POL002", ids[key], "fail") for key in ("xray", "sqs", "monitoring")}


def _policy(snapshot: Snapshot, endpoint_id: str) -> str:
    (endpoint,) = [e for e in snapshot.accounts[0].regions[0].vpc_endpoints if e.vpc_endpoint_id == endpoint_id]
    return endpoint.policy_document or ""


def test_the_snapshot_is_the_solutions_vpc() -> None:
    """The builder against bedrock-vpc.ts, text-use-case-vpc.ts and custom-vpc.ts: two AZs, the
    private subnets on their AZ's NAT gateway, the public ones on the internet gateway, one NACL
    on all four, the groups' rules as CDK creates them, the two gateway endpoints on the private
    tables, six interface endpoints in both private subnets behind one group with private DNS,
    the inference endpoint's policy, the default group emptied, a REJECT flow log; the functions'
    Hyperplane ENIs are workloads."""
    snapshot, ids = _built()
    region = snapshot.accounts[0].regions[0]
    (vpc,) = region.vpcs
    assert (vpc.cidr_blocks, vpc.enable_dns_support, vpc.enable_dns_hostnames) == (("10.0.0.0/20",), True, True)
    assert sorted((s.cidr_block, s.availability_zone_id, s.map_public_ip_on_launch) for s in region.subnets) == [
        ("10.0.0.0/24", "use1-az1", False), ("10.0.1.0/24", "use1-az2", False),
        ("10.0.2.0/24", "use1-az1", True), ("10.0.3.0/24", "use1-az2", True)]
    tables = {t.route_table_id: t for t in region.route_tables}
    for az in (1, 2):
        private = tables[ids[f"private{az}_rt"]]
        assert [a.subnet_id for a in private.associations] == [ids[f"private{az}"]]
        assert sorted((x.destination, x.target_id) for x in private.routes if x.target_kind != "local") == sorted(
            [("0.0.0.0/0", ids[f"nat{az}"]), *((pl.prefix_list_id, ids[key]) for key in ("dynamodb", "s3")
                                               for pl in region.prefix_lists if pl.prefix_list_name.endswith(key))])
        public = tables[ids[f"public{az}_rt"]]
        assert [(x.destination, x.target_id) for x in public.routes if x.target_kind != "local"] \
            == [("0.0.0.0/0", ids["igw"])]
    (nacl,) = [a for a in region.network_acls if not a.is_default]
    assert set(nacl.subnet_ids) == {ids[f"{kind}{az}"] for kind in ("private", "public") for az in (1, 2)}
    assert sorted((e.egress, e.rule_number, e.rule_action, e.port_from, e.port_to) for e in nacl.entries) == [
        (False, 100, "allow", 443, 443), (False, 200, "allow", 1024, 65535), (False, 32767, "deny", None, None),
        (True, 100, "allow", 443, 443), (True, 200, "allow", 1024, 65535), (True, 32767, "deny", None, None)]
    groups = {g.group_id: g for g in region.security_groups}
    assert groups[ids["default_sg"]].rules == ()
    assert sorted((x.is_egress, x.ip_protocol, x.from_port, x.cidr_ipv4 or x.referenced_group_id)
                  for x in groups[ids["function_sg"]].rules) \
        == [(True, "tcp", 443, "0.0.0.0/0"), (True, "tcp", 443, ids["endpoint_sg"])]
    assert sorted((x.is_egress, x.ip_protocol, x.from_port, x.cidr_ipv4 or x.referenced_group_id)
                  for x in groups[ids["endpoint_sg"]].rules) \
        == [(False, "tcp", 443, ids["function_sg"]), (True, "tcp", 443, "0.0.0.0/0")]
    endpoints = {e.vpc_endpoint_id: e for e in region.vpc_endpoints}
    interface = {e.service_name.rsplit(".", 1)[-1]: e for e in endpoints.values() if e.endpoint_type == "Interface"}
    assert sorted(interface) == ["bedrock-agent-runtime", "bedrock-runtime", "logs", "monitoring", "sqs", "xray"]
    assert {(e.private_dns_enabled, e.subnet_ids, e.group_ids) for e in interface.values()} \
        == {(True, tuple(sorted((ids["private1"], ids["private2"]))), (ids["endpoint_sg"],))}
    assert json.loads(_policy(snapshot, ids["inference"]))["Statement"][0] == {
        "Action": ["bedrock:InvokeModel", "bedrock:InvokeModelWithResponseStream"], "Effect": "Allow",
        "Principal": {"AWS": "*"}, "Resource": [f"arn:aws:bedrock:{REGION}::foundation-model/*",
                                               f"arn:aws:bedrock:{REGION}:{ACCOUNT}:provisioned-model/*"]}
    for key in ("dynamodb", "s3"):
        assert set(endpoints[ids[key]].route_table_ids) == {ids["private1_rt"], ids["private2_rt"]}
    services = {s.service_name: s for s in region.endpoint_services}
    for key in bedrock_private_rag.BEDROCK_SERVICES:
        service = services[f"com.amazonaws.{REGION}.{key}"]
        assert (service.private_dns_names, service.vpc_endpoint_policy_supported) \
            == ((f"{key}.{REGION}.amazonaws.com",), True)
    assert [(f.resource_id, f.traffic_type) for f in region.flow_logs] == [(ids["vpc"], "REJECT")]
    account = snapshot.accounts[0]
    view = NetworkView.build(account, account.regions[0])
    functions = [view.interfaces[ids[f"lambda_eni{az}"]] for az in (1, 2)]
    assert {(e.interface_type, e.requester_managed, e.group_ids) for e in functions} \
        == {("lambda", True, (ids["function_sg"],))}
    assert set(view.client_enis(ids["vpc"], "bedrock-runtime")) == set(functions)


@FUNCTIONS
def test_findings_and_verdicts_of_the_solution(functions: bool) -> None:
    """The solution's VPC, before the use case's functions exist and with them: POL002 on xray,
    sqs and monitoring (low). Silent, rightly: MON001 (a REJECT flow log covers the VPC), SG003
    (the endpoints admit the functions' group), SG005 (the functions send 443 anywhere and to the
    endpoints' group), SG001/SG002/SG004/SG006 (443 from one group), IFE001/IFE002 (both AZs),
    IFE005 (one endpoint per service), DNS001-DNS003 (attributes on, private DNS on), GWE001-GWE004
    (both gateway endpoints on both private tables, no S3 interface endpoint), NAT001-NAT003 (a NAT
    gateway per AZ in public subnets), ACL001 (the NACL passes 443 and the replies), COST001 (one
    VPC)."""
    snapshot, ids = _built(functions=functions)
    assert _audit(snapshot, ids) == _wildcard_policies(ids)
    assert {level for key, level in severities(snapshot).items() if key[0] == "POL002"} == {"low"}


@FUNCTIONS
def test_findings_and_verdicts_of_the_guides_form_without_internet(functions: bool) -> None:
    """The same VPC without public subnets, internet gateway and NAT gateways: the same three
    POL002 — right, as above. GWE002/GWE003 stay silent (no NAT to pay), IFE003 (no bundle)."""
    snapshot, ids = _built(nat=False, functions=functions)
    assert not snapshot.accounts[0].regions[0].nat_gateways
    assert _audit(snapshot, ids) == _wildcard_policies(ids)


def test_pol002_on_the_s3_policy_naming_every_bucket() -> None:
    """Rule wrong, fixed (POL002 took ``arn:aws:s3:::*`` for a named resource). POL002 on the S3
    gateway endpoint, low: its one statement lets ``Principal {"AWS": "*"}``
    write, read, list and delete (``s3:PutObject``, ``s3:GetObject*``, ``s3:List*``,
    ``s3:DeleteObject*``, ``s3:CreateBucket``…) on ``arn:aws:s3:::*`` — every bucket and object
    of every account ("You can use wildcard characters (* and ?) within any ARN segment … An
    asterisk (*) represents any combination of zero or more characters", the S3 ARN format page;
    the IAM Resource element page: "If the * wildcard is the last character of a resource ARN
    segment, it can expand to match beyond the colon boundaries"). Its condition,
    ``aws:SourceVpc`` equal to this VPC, holds for every request through the endpoint: it scopes
    nothing. ``Resource *`` in all but name — the exfiltration path POL002 exists for."""
    snapshot, ids = _built()
    assert ("POL002", ids["s3"], "fail") in audit(snapshot)


def test_the_s3_policy_admits_any_principal_to_any_bucket() -> None:
    """The facts behind the verdict above: through the endpoint, another account's principal may
    upload to its own bucket and this account's principal to any bucket; the condition is the
    endpoint's own VPC."""
    snapshot, ids = _built()
    document = _policy(snapshot, ids["s3"])
    through_this_vpc = {"aws:SourceVpc": ids["vpc"]}
    assert allows(document, "s3:PutObject", "arn:aws:s3:::someone-elses-bucket/prompts.json",
                  ANOTHER_ACCOUNT | through_this_vpc)
    assert allows(document, "s3:CreateBucket", "arn:aws:s3:::a-new-bucket", through_this_vpc)
    assert not allows(document, "s3:PutBucketPolicy", "arn:aws:s3:::someone-elses-bucket", through_this_vpc)


def test_pol002s_fixes_keep_the_functions_calls() -> None:
    """POL002's replacement on xray, sqs and monitoring (waits for a decision) admits this
    account's principals — the functions' role — and refuses another account's: right."""
    snapshot, ids = _built()
    calls = {"xray": ("xray:PutTraceSegments", "*"),
             "sqs": ("sqs:SendMessage", f"arn:aws:sqs:{REGION}:{ACCOUNT}:feedback-queue"),
             "monitoring": ("cloudwatch:PutMetricData", "*")}
    for key, (action, resource) in calls.items():
        document = replacement_policy(snapshot, "POL002", ids[key])
        assert allows(document, action, resource, THIS_ACCOUNT)
        assert not allows(document, action, resource, ANOTHER_ACCOUNT)


def test_the_guides_bedrock_endpoint_policy() -> None:
    """The Bedrock guide's example policy on bedrock-runtime (InvokeModel and its streaming form,
    ``Principal *``, ``Resource *``): POL002 on it too, low — right (advice): "it grants access
    to the listed Amazon Bedrock actions for all principals on all resources", so other accounts'
    credentials invoke any model through this VPC's private path (their own model invocation
    logging records the prompts). The fix admits this account's principals, the functions' role
    among them, on a model and on an inference profile alike."""
    snapshot, ids = _built(bedrock_policy="guide")
    assert _audit(snapshot, ids) == _wildcard_policies(ids) | {("POL002", ids["inference"], "fail")}
    assert severities(snapshot)[("POL002", ids["inference"], "")] == "low"
    document = replacement_policy(snapshot, "POL002", ids["inference"])
    for resource in (MODEL, PROFILE):
        assert allows(document, "bedrock:InvokeModel", resource, THIS_ACCOUNT)
        assert not allows(document, "bedrock:InvokeModel", resource, ANOTHER_ACCOUNT)


def test_the_solutions_bedrock_policy_names_no_inference_profile() -> None:
    """The solution's policy lets InvokeModel through on the Region's foundation models, not on an
    inference profile, which the solution's ``UseInferenceProfile`` parameter grants its function
    (see "Noticed and left alone"). A gap, pinned: which model a function invokes is not in the
    snapshot, and the audit is the solution's (``test_findings_and_verdicts_of_the_solution``)."""
    snapshot, ids = _built()
    document = _policy(snapshot, ids["inference"])
    assert allows(document, "bedrock:InvokeModel", MODEL, THIS_ACCOUNT)
    assert not allows(document, "bedrock:InvokeModel", PROFILE, THIS_ACCOUNT)


@FORMS
def test_near_miss_control_plane_endpoint_instead_of_runtime_goes_unreported(nat: bool) -> None:
    """The inference endpoint created as ``com.amazonaws.us-east-1.bedrock``, the control plane
    (the guide: "Amazon Bedrock Control Plane API actions — bedrock"; InvokeModel is a Runtime API
    action, served at ``bedrock-runtime.<region>.amazonaws.com``), with the functions running.
    Their InvokeModel calls resolve to Bedrock's public addresses: through the NAT gateways in the
    solution's VPC (off the private path, past the endpoint policy, paying NAT processing), nowhere
    in the guide's form. Nothing fires. A gap, pinned: no rule knows that the functions call
    bedrock-runtime, and IFE003 knows no Bedrock bundle (see "Noticed and left alone")."""
    snapshot, ids = _built(nat=nat, bedrock_service="bedrock")
    (endpoint,) = [e for e in snapshot.accounts[0].regions[0].vpc_endpoints if e.vpc_endpoint_id == ids["inference"]]
    assert endpoint.service_name == f"com.amazonaws.{REGION}.bedrock"
    assert _audit(snapshot, ids) == _wildcard_policies(ids)


def test_near_miss_functions_group_without_egress_with_the_functions() -> None:
    """The functions' group with no egress rule (CDK's placeholder, ICMP to 255.255.255.255/32),
    the functions running: SG005 on it, medium — right: the functions reach none of the six
    interface endpoints, Bedrock and the knowledge base included, nor the S3 and DynamoDB gateway
    endpoints, whose calls go to the services' public addresses ("When your instances access
    Amazon S3 or DynamoDB through a gateway endpoint, they access the service using its public
    endpoint. The security groups for these instances must allow traffic to and from the
    service"; the conversation history is in DynamoDB). Its fix opens TCP 443 to the endpoints'
    group and to both prefix lists (ready): right for all eight. This was a gap (SG005 judged
    interface endpoints only). What the functions send through the NAT gateways stays out of
    reach: a gap, pinned — no rule judges a workload's egress to a NAT gateway."""
    snapshot, ids = _built(function_egress="none")
    assert _audit(snapshot, ids) == _wildcard_policies(ids) | {("SG005", ids["function_sg"], "fail")}
    assert severities(snapshot)[("SG005", ids["function_sg"], "")] == "medium"
    finding = next(f for f in audit_result(snapshot).findings if f.rule_id == "SG005")
    assert set(finding.evidence["endpoints"]) == {ids[k] for k in ("monitoring", "logs", "xray", "sqs",
                                                                   "bedrock-agent-runtime", "inference", "s3",
                                                                   "dynamodb")}
    assert [(s.action, s.parameters, s.ready) for s in finding.fix] == [
        ("ec2:AuthorizeSecurityGroupEgress", {"GroupId": ids["function_sg"], "IpPermissions": [
            {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443,
             "UserIdGroupPairs": [{"GroupId": ids["endpoint_sg"]}]}]}, True),
        ("ec2:AuthorizeSecurityGroupEgress", {"GroupId": ids["function_sg"], "IpPermissions": [
            {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443,
             "PrefixListIds": [{"PrefixListId": p} for p in _service_lists(snapshot)]}]}, True)]


def _service_lists(snapshot: Snapshot) -> list[str]:
    """The ids of the Region's S3 and DynamoDB prefix lists, sorted."""
    return sorted(p.prefix_list_id for p in snapshot.accounts[0].regions[0].prefix_lists
                  if p.prefix_list_name.endswith((".s3", ".dynamodb")))


def test_near_miss_functions_group_without_egress_before_the_functions() -> None:
    """The same group before the functions exist: nothing — right by the catalogue: no interface
    carries the group yet."""
    snapshot, ids = _built(function_egress="none", functions=False)
    assert _audit(snapshot, ids) == _wildcard_policies(ids)


def test_near_miss_functions_egress_to_the_endpoints_group_only() -> None:
    """The ``addEgressRule`` line dropped: the functions' group keeps only the TCP 443 to the
    endpoints' group that ``connections.allowFrom`` adds. The interface endpoints are reached, but
    the functions' DynamoDB (conversation history) and S3 calls through the gateway endpoints go to
    the services' public addresses and are refused: SG005 on the group, medium, naming the two
    gateway endpoints only, its fix TCP 443 to both prefix lists (ready). Right; this was a gap.
    Everything the functions send through the NAT gateways is refused too: a gap, pinned — no rule
    judges a workload's egress to a NAT gateway."""
    snapshot, ids = _built(function_egress="endpoints-only")
    group = next(g for g in snapshot.accounts[0].regions[0].security_groups if g.group_id == ids["function_sg"])
    assert [(x.is_egress, x.referenced_group_id) for x in group.rules] == [(True, ids["endpoint_sg"])]
    assert _audit(snapshot, ids) == _wildcard_policies(ids) | {("SG005", ids["function_sg"], "fail")}
    finding = next(f for f in audit_result(snapshot).findings if f.rule_id == "SG005")
    assert set(finding.evidence["endpoints"]) == {ids["s3"], ids["dynamodb"]}
    assert [(s.parameters["IpPermissions"], s.ready) for s in finding.fix] == [
        ([{"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443,
           "PrefixListIds": [{"PrefixListId": p} for p in _service_lists(snapshot)]}], True)]


def test_near_miss_policy_for_another_regions_models_allows_nothing() -> None:
    """The facts behind the next verdict: with ``us-west-2`` in the model ARNs, the policy lets no
    InvokeModel through on a us-east-1 model or inference profile, for anyone — and a request to
    ``bedrock-runtime.us-east-1.amazonaws.com`` names us-east-1 resources. ApplyGuardrail on this
    account's us-east-1 guardrails still gets through."""
    snapshot, ids = _built(bedrock_policy="other-region")
    document = _policy(snapshot, ids["inference"])
    for resource in (MODEL, PROFILE):
        assert not allows(document, "bedrock:InvokeModel", resource, THIS_ACCOUNT)
        assert not allows(document, "bedrock:InvokeModelWithResponseStream", resource, THIS_ACCOUNT)
    assert allows(document, "bedrock:ApplyGuardrail", f"arn:aws:bedrock:{REGION}:{ACCOUNT}:guardrail/g1",
                  THIS_ACCOUNT)


def test_near_miss_policy_for_another_regions_models() -> None:
    """Rule wrong, fixed (POL005 saw only Deny-only policies). The solution's policy with
    ``arn:aws:bedrock:us-west-2::foundation-model/*`` and ``…:us-west-2:<account>:provisioned-model/*``:
    POL005 on the inference endpoint, high. The endpoint is
    ``com.amazonaws.us-east-1.bedrock-runtime`` (the guide's service names are per Region; Bedrock
    is not among the PrivateLink Guide's cross-Region enabled services), and every InvokeModel sent
    through it names a us-east-1 resource: its ``modelId`` is "the model ID or its ARN", "the
    inference profile ID or its ARN" or "the ARN of the Provisioned Throughput" (InvokeModel,
    Bedrock API Reference), resources of ``arn:${Partition}:bedrock:${Region}:…`` (Service
    Authorization Reference). Cross-Region inference changes nothing: "To allow an IAM user or
    role to invoke a Geographic cross-Region inference profile, you need to allow access to … the
    geography-specific cross-Region inference profile … the foundation model in the source
    Region … the foundation model in all destination Regions", and the guide's example names
    ``arn:aws:bedrock:us-east-1:<ACCOUNT_ID>:inference-profile/us.…`` beside the us-east-1,
    us-east-2 and us-west-2 models (Bedrock User Guide, "Geographic cross-Region inference"); a
    global profile is also authorized against the Region-less ``arn:aws:bedrock:::foundation-model/…``
    (the AccessDenied messages quoted in aws-samples/sample-badgers#33). Whether or not
    an endpoint policy also sees the destination Regions' models, the request names the source
    Region's profile, which a policy of us-west-2 ARNs does not allow. "A request through
    the endpoint is allowed only when the endpoint policy allows it" (POL005's premise,
    PrivateLink Guide: endpoint policies): every inference call from the functions fails with
    AccessDenied while the statement reads as a scoped Allow. The guardrail statement names
    us-east-1 and stays usable, so the finding names the two actions. POL001 and POL002 are
    rightly silent. The fix adds the same ARNs in us-east-1 (waits for a decision): the model
    is then allowed, and POL005 is silent on the changed snapshot."""
    snapshot, ids = _built(bedrock_policy="other-region")
    assert _audit(snapshot, ids) == _wildcard_policies(ids) | {("POL005", ids["inference"], "fail")}
    assert severities(snapshot)[("POL005", ids["inference"], "")] == "high"
    finding = next(f for f in audit_result(snapshot).findings if f.rule_id == "POL005")
    assert finding.evidence["actions"] == ["bedrock:InvokeModel", "bedrock:InvokeModelWithResponseStream"]
    assert finding.evidence["regions"] == ["us-west-2"]
    document = replacement_policy(snapshot, "POL005", ids["inference"])
    assert allows(document, "bedrock:InvokeModel", MODEL, THIS_ACCOUNT)
    fixed = _with_policy(snapshot, ids["inference"], document)
    assert ("POL005", ids["inference"], "fail") not in audit(fixed)


def _with_policy(snapshot: Snapshot, endpoint_id: str, document: str) -> Snapshot:
    """``snapshot`` with ``document`` as the endpoint's policy (a fix applied)."""
    account = snapshot.accounts[0]
    region = account.regions[0]
    endpoints = tuple(replace(e, policy_document=document) if e.vpc_endpoint_id == endpoint_id else e
                      for e in region.vpc_endpoints)
    return replace(snapshot, accounts=(replace(account, regions=(replace(region, vpc_endpoints=endpoints),)),))
