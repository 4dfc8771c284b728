"""An API Gateway private REST API consumed from a VPC through an ``execute-api`` interface
endpoint by a Lambda function in the private subnets (the API Gateway Developer Guide's private
API pages; aws-samples cross-account-private-api-patterns, pattern 1): every finding and its
verdict (docs/precision.md)."""

from __future__ import annotations

import json
from functools import cache

import pytest
from aws_layout import audit, region_view, replacement_policy, severities
from layouts import apigw_private_api
from layouts.apigw_private_api import ACCOUNT, API_ID, PRIVATE_DNS_NAMES, REGION, STAGE, api_arn
from policy_eval import allows

from vpcaudit.network.dns import authority
from vpcaudit.snapshot.model import Snapshot

Triples = set[tuple[str, str, str]]
STAGES = pytest.mark.parametrize("api_stack", [False, True],
                                 ids=["ConsumerVpcStack alone", "with ConsumerApiStack"])
WIDGETS = f"{STAGE}/GET/widgets"  # the method the consumer function calls
ANONYMOUS: dict[str, str] = {}  # a bearer-token or unsigned call: to the endpoint policy, an anonymous user
# A private API of another account than the producer's (a second API the VPC might call).
OTHER_API = f"arn:aws:execute-api:{REGION}:777788889999:z9y8x7w6v5/{STAGE}/GET/items"


@cache
def _build(**variant: object) -> tuple[Snapshot, dict[str, str]]:
    """One snapshot per variant: the builder is deterministic, and the tests only read it."""
    return apigw_private_api.build(**variant)  # type: ignore[arg-type]


def _nat_processing(ids: dict[str, str]) -> Triples:
    """Right (advice), medium and low: CDK's ``Vpc`` creates no gateway endpoint, so S3 and
    DynamoDB traffic from the three private subnets pays NAT processing per GB; gateway endpoints
    are free. Every variant: the private subnets stand in for their workloads before the function
    exists."""
    return {("GWE002", ids["vpc"], "fail"), ("GWE003", ids["vpc"], "fail")}


def _full_access(ids: dict[str, str]) -> Triples:
    """Right (advice), medium: until ``ConsumerApiStack``'s custom resource replaces it, the
    endpoint keeps AWS's default full access, through which anything in the VPC may invoke any
    account's private API whose resource policy admits this endpoint — one an outsider runs and
    opens to it included, a path out of the VPC. The guide's "Allow only certain organizations or resources to
    access your VPC endpoint and invoke your API" is what the sample does next."""
    return {("POL001", ids["endpoint"], "fail")}


def _stage(ids: dict[str, str], api_stack: bool) -> Triples:
    """What each deployment stage of the sample carries, whatever the variant."""
    return _nat_processing(ids) | (set() if api_stack else _full_access(ids))


def _private_dns_off(ids: dict[str, str]) -> Triples:
    """Right (info): with private DNS off, ``*.execute-api.us-east-1.amazonaws.com`` resolves
    publicly, so a call to ``<api id>.execute-api…`` from the VPC misses the endpoint; the guide
    documents that form ("you can turn off private DNS", then the endpoint-specific names or the
    ``Host`` / ``x-apigw-api-id`` header) to keep public APIs reachable, and the catalogue makes
    ``execute-api`` info for that reason. The fix turns private DNS on only after a decision."""
    return {("DNS003", ids["endpoint"], "fail")}


def test_the_snapshot_is_the_sample() -> None:
    """The builder against the sample: CDK's three-AZ ``Vpc`` (a NAT gateway per AZ, each private
    subnet on its own AZ's), a flow log, the ``execute-api`` endpoint with CDK's defaults in the
    three private subnets and the one-API policy, the NLB's and the function's interfaces as
    DescribeNetworkInterfaces reports them and how the network model reads each; and
    ``execute-api`` in the Region's catalogue with its wildcard private DNS name."""
    snapshot, ids = _build()
    region = snapshot.accounts[0].regions[0]
    (vpc,) = region.vpcs
    assert (vpc.cidr_blocks, vpc.enable_dns_support, vpc.enable_dns_hostnames) == (("10.0.0.0/16",), True, True)
    assert sorted((s.cidr_block, s.availability_zone_id, s.map_public_ip_on_launch) for s in region.subnets) == [
        ("10.0.0.0/19", "use1-az2", True), ("10.0.128.0/19", "use1-az4", False), ("10.0.160.0/19", "use1-az6", False),
        ("10.0.32.0/19", "use1-az4", True), ("10.0.64.0/19", "use1-az6", True), ("10.0.96.0/19", "use1-az2", False)]
    tables = {t.route_table_id: t for t in region.route_tables}
    for az in (1, 2, 3):
        assert [(x.destination, x.target_id) for x in tables[ids[f"private{az}_rt"]].routes
                if x.target_kind != "local"] == [("0.0.0.0/0", ids[f"nat{az}"])]
    assert [(f.resource_id, f.traffic_type) for f in region.flow_logs] == [(ids["vpc"], "ALL")]
    service = next(s for s in region.endpoint_services if s.service_name == f"com.amazonaws.{REGION}.execute-api")
    assert (service.private_dns_names, service.vpc_endpoint_policy_supported) == (PRIVATE_DNS_NAMES, True)
    (endpoint,) = region.vpc_endpoints
    private = sorted(ids[f"private{az}"] for az in (1, 2, 3))
    assert (endpoint.service_name, endpoint.private_dns_enabled, list(endpoint.subnet_ids), endpoint.group_ids) \
        == (f"com.amazonaws.{REGION}.execute-api", True, private, (ids["endpoint_sg"],))
    assert json.loads(endpoint.policy_document or "") == {"Statement": [{
        "Action": "execute-api:Invoke", "Effect": "Allow", "Principal": {"AWS": "*"},
        "Resource": f"arn:aws:execute-api:{REGION}:444455556666:{API_ID}/*"}], "Version": "2012-10-17"}
    assert [e.dns_name for e in endpoint.dns_entries][-2:] == [f"execute-api.{REGION}.amazonaws.com",
                                                               f"*.execute-api.{REGION}.amazonaws.com"]
    group = next(g for g in region.security_groups if g.group_id == ids["endpoint_sg"])
    assert sorted((x.is_egress, x.ip_protocol, x.from_port, x.cidr_ipv4) for x in group.rules) == [
        (False, "tcp", 443, "10.0.0.0/16"), (True, "-1", None, "0.0.0.0/0")]
    view = region_view(snapshot)
    functions = [view.interfaces[ids[f"lambda_eni{az}"]] for az in (1, 2, 3)]
    assert {(i.interface_type, i.requester_managed, i.group_ids) for i in functions} \
        == {("lambda", False, (ids["lambda_sg"],))}
    assert all(i.description.startswith("AWS Lambda VPC ENI-ConsumerApiStack-ConsumerFunction") for i in functions)
    balancer = [view.interfaces[ids[f"nlb_eni{az}"]] for az in (1, 2, 3)]
    assert {(i.interface_type, i.requester_id, i.group_ids) for i in balancer} \
        == {("network_load_balancer", "amazon-elb", ())}
    assert view.workload_enis(ids["vpc"]) == tuple(sorted(functions, key=lambda i: i.network_interface_id))


@STAGES
def test_findings_and_verdicts_of_the_sample(api_stack: bool) -> None:
    """The sample, private DNS on: GWE002 (medium) and GWE003 (low); POL001 (medium) until
    ``ConsumerApiStack`` narrows the policy. Silent, rightly: MON001 (the stack's flow log),
    SG001-SG006 (TCP 443 from exactly the VPC's block, which holds the function; the function's
    group sends anywhere), IFE001/IFE002 (an endpoint interface in each AZ), DNS001-DNS005 (both
    attributes on, private DNS on, AmazonProvidedDNS), NAT001-NAT003 (a NAT gateway per AZ), and
    POL002 on the one-API policy (one action on one API's methods: no wildcard by the catalogue)."""
    snapshot, ids = _build(api_stack=api_stack)
    assert audit(snapshot) == _stage(ids, api_stack)
    levels = severities(snapshot)
    assert (levels[("GWE002", ids["vpc"], "")], levels[("GWE003", ids["vpc"], "")]) == ("medium", "low")
    if not api_stack:
        assert levels[("POL001", ids["endpoint"], "")] == "medium"


def test_the_samples_endpoint_policy_lets_the_consumer_call_its_api_only() -> None:
    """The one-API policy on its own terms: the function's call (an API key in ``Authorization``:
    "Non-SigV4 authorization information such as a bearer token — The invoker is evaluated as an
    anonymous user", the guide's endpoint policy page) is let through to the producer's API and to
    no other API. Right, and why POL001 and POL002 are silent with it."""
    document = apigw_private_api.sample_endpoint_policy()
    assert allows(document, "execute-api:Invoke", api_arn(WIDGETS), ANONYMOUS)
    assert not allows(document, "execute-api:Invoke", OTHER_API, ANONYMOUS)


def test_private_dns_on_answers_every_api_name_with_the_endpoint() -> None:
    """The documented caveat, in the snapshot's DNS model: with private DNS on, the endpoint
    answers ``<any api id>.execute-api.us-east-1.amazonaws.com`` for the VPC, so public
    (edge-optimized, regional) APIs called by their default names get the endpoint, and a 403.
    A gap, pinned: no rule says so — the snapshot does not hold which APIs the workloads call, and
    the sample's function calls only the private one (see "Noticed and left alone")."""
    snapshot, ids = _build()
    answer = authority(region_view(snapshot), ids["vpc"], f"publicapi1.execute-api.{REGION}.amazonaws.com")
    assert (answer.kind, answer.endpoint and answer.endpoint.vpc_endpoint_id) == ("endpoint", ids["endpoint"])


def test_pol001s_fix_keeps_anonymous_invocations_of_this_accounts_apis() -> None:
    """Rule wrong, fixed (``rules/_fixes.py``, ``account_scoped_policy`` through ``scope_endpoint_policy``):
    before ``ConsumerApiStack`` POL001 rightly fires, but the replacement it proposed allowed any
    action for ``Principal: *`` only with ``aws:PrincipalAccount`` = this account. The guide's
    "Use VPC endpoint policies for private APIs": a request with no ``Authorization`` content, or
    "Non-SigV4 authorization information such as a bearer token", is evaluated "as an anonymous
    user", and "If your access control depends on using a bearer token, such as a Lambda or Amazon
    Cognito authorizer, you can control your security perimeter by using properties of the
    resource". An anonymous request carries no principal account, so applied, the policy refuses
    every invocation of an API with no IAM authorization — this account's own private APIs
    included, and the sample's (a TOKEN authorizer). Now, for ``execute-api``, the policy also lets
    anyone invoke this account's APIs (by their ARNs), and the decision asks for the ARNs of other
    accounts' APIs the VPC calls — the sample's producer API among them."""
    snapshot, ids = _build(api_stack=False)
    document = replacement_policy(snapshot, "POL001", ids["endpoint"])
    own_api = api_arn(WIDGETS, account=ACCOUNT)
    assert allows(document, "execute-api:Invoke", own_api, {"aws:ResourceAccount": ACCOUNT})
    assert not allows(document, "execute-api:Invoke", api_arn(WIDGETS), {})  # the producer's: left to the decision


def test_pol001s_fix_keeps_signed_invocations_by_this_account() -> None:
    """The same replacement, for an API whose methods use IAM authorization: a SigV4-signed call
    by a role of this account is let through, one by another account's is not. Right for that
    case (the guide: "If your authorization controls use IAM authorization, you can control your
    security perimeter by using properties of the resource and properties of the principal")."""
    snapshot, ids = _build(api_stack=False)
    document = replacement_policy(snapshot, "POL001", ids["endpoint"])
    assert allows(document, "execute-api:Invoke", api_arn(WIDGETS), {"aws:PrincipalAccount": ACCOUNT})
    assert not allows(document, "execute-api:Invoke", api_arn(WIDGETS), {"aws:PrincipalAccount": "222222222222"})


@STAGES
def test_private_dns_off(api_stack: bool) -> None:
    """The other documented form, private DNS off (the function calling the endpoint-specific
    names): DNS003, info — right, a documented choice (see ``_private_dns_off``); nothing else
    changes, before ``ConsumerApiStack`` as after."""
    snapshot, ids = _build(private_dns="off", api_stack=api_stack)
    assert audit(snapshot) == _stage(ids, api_stack) | _private_dns_off(ids)
    assert severities(snapshot)[("DNS003", ids["endpoint"], "")] == "info"


def test_private_dns_off_with_a_private_zone_for_the_api() -> None:
    """Private DNS off and, as the guide's best practices say, a private hosted zone for the API
    (``<api id>.execute-api.us-east-1.amazonaws.com``, apex aliased to the endpoint's regional
    name): the API's default name reaches the endpoint, any other API's resolves publicly. DNS003,
    info — right: the wildcard service name is still public, which is the point of the form.
    DNS004 silent — right: the zone answers only its API's name, and answers it with this
    endpoint."""
    snapshot, ids = _build(private_dns="zone")
    assert audit(snapshot) == _stage(ids, True) | _private_dns_off(ids)
    view = region_view(snapshot)
    own = authority(view, ids["vpc"], f"{API_ID}.execute-api.{REGION}.amazonaws.com")
    assert (own.kind, own.zone and own.zone.hosted_zone_id) == ("zone", ids["zone"])
    assert authority(view, ids["vpc"], f"publicapi1.execute-api.{REGION}.amazonaws.com").kind == "public"


@pytest.mark.parametrize("private_dns", ["on", "off"])
@pytest.mark.parametrize("names", [(f"execute-api.{REGION}.amazonaws.com",),
                                   (f"execute-api.{REGION}.amazonaws.com", f"*.execute-api.{REGION}.amazonaws.com")],
                         ids=["apex only", "apex and wildcard"])
def test_other_readings_of_the_services_private_dns_names(names: tuple[str, ...], private_dns: str) -> None:
    """DescribeVpcEndpointServices read as listing the apex name, or both names the endpoint's
    DnsEntries carry: the same findings as the wildcard alone, with private DNS on and off."""
    snapshot, ids = _build(service_dns_names=names, private_dns=private_dns)
    assert audit(snapshot) == _stage(ids, True) | (_private_dns_off(ids) if private_dns == "off" else set())


def test_the_functions_interfaces_read_as_requester_managed() -> None:
    """The Hyperplane ENIs read as the repository's other Lambda layouts build them
    (requester-managed, no RequesterId): the same findings; the network model keys on
    InterfaceType ``lambda``."""
    snapshot, ids = _build(lambda_requester_managed=True)
    assert audit(snapshot) == _stage(ids, True)


@STAGES
def test_near_miss_endpoint_group_without_443(api_stack: bool) -> None:
    """``open: false`` with no connection allowed afterwards: SG003 on the endpoint, high — right,
    before the function as after: no inbound rule at all, so the function's calls and the NLB's
    forwarded ones (and its health checks) time out."""
    snapshot, ids = _build(endpoint_ingress="none", api_stack=api_stack)
    assert audit(snapshot) == _stage(ids, api_stack) | {("SG003", ids["endpoint"], "fail")}
    assert severities(snapshot)[("SG003", ids["endpoint"], "")] == "high"


def test_near_miss_endpoint_group_admits_the_function_only() -> None:
    """The endpoint's group narrowed to TCP 443 from ``lambdaSecurityGroup``: the function gets
    in, the NLB (no security group; it reaches its IP targets from its own addresses) does not,
    so the consumer API's VPC link traffic and the target group's health checks are refused.
    Nothing fires. A gap, pinned: SG003 is silent as the catalogue defines it (a client is
    admitted), and a Network Load Balancer's interfaces are plumbing to the network model — the
    snapshot holds no target groups, so nothing says the NLB targets the endpoint (see "Noticed
    and left alone")."""
    snapshot, ids = _build(endpoint_ingress="function")
    assert audit(snapshot) == _stage(ids, True)
    group = next(g for g in snapshot.accounts[0].regions[0].security_groups if g.group_id == ids["endpoint_sg"])
    assert [(x.from_port, x.referenced_group_id) for x in group.rules if not x.is_egress] == [(443, ids["lambda_sg"])]


@STAGES
def test_near_miss_endpoint_in_one_az(api_stack: bool) -> None:
    """The endpoint narrowed to us-east-1a: IFE001, medium, before the function as after — right:
    an impairment of use1-az2 stops every private API call from the VPC (private DNS sends all of
    them there). With the function, IFE002 too, medium — right: its interfaces in use1-az4 and
    use1-az6 cross AZs to reach the endpoint."""
    snapshot, ids = _build(endpoint_azs=1, api_stack=api_stack)
    expected = {("IFE001", ids["endpoint"], "fail")} | ({("IFE002", ids["endpoint"], "fail")} if api_stack else set())
    assert audit(snapshot) == _stage(ids, api_stack) | expected
    levels = severities(snapshot)
    assert {levels[(rule_id, resource, "")] for rule_id, resource, _ in expected} == {"medium"}
