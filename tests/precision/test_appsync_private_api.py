"""An AWS AppSync private API called from a VPC through an ``appsync-api`` interface endpoint by a
Lambda function in the private subnets (AWS AppSync Developer Guide, "Using AWS AppSync Private
APIs"): every finding and its verdict (docs/precision.md)."""

from __future__ import annotations

from functools import cache

import pytest
from aws_layout import audit, audit_result, region_view, replacement_policy, severities
from layouts import appsync_private_api
from layouts.appsync_private_api import ACCOUNT, API_ID, GRAPHQL_DNS, HTTP, REALTIME_DNS, REGION
from policy_eval import allows

from vpcaudit.network.dns import authority
from vpcaudit.network.services import SERVICE_PORTS
from vpcaudit.snapshot.model import Snapshot

Triples = set[tuple[str, str, str]]
Built = tuple[Snapshot, dict[str, str]]
PRIVATE_DNS_OFF = {"private_dns": False}
HTTP_ONLY = {"endpoint_ingress": "http"}
ONE_AZ = {"endpoint_azs": 1}
ANONYMOUS: dict[str, str] = {}  # an API-key call: no SigV4, so no principal for the endpoint policy
# The GraphQL field the function's query resolves (the IAM resource form of a GraphQL operation).
LIST_TODOS = f"arn:aws:appsync:{REGION}:{ACCOUNT}:apis/{API_ID}/types/Query/fields/listTodos"


@cache
def _built(**options: object) -> Built:
    """One snapshot per variant: several tests read the same one."""
    return appsync_private_api.build(**options)  # type: ignore[arg-type]


def _flow_logs(ids: dict[str, str]) -> Triples:
    """Right, medium: neither the guide nor the launch post creates a flow log."""
    return {("MON001", ids["vpc"], "fail")}


def _full_access(ids: dict[str, str]) -> Triples:
    """Right (advice), medium: no policy document, so anything in the VPC may invoke any private API
    of the account (the guide: an AppSync endpoint reaches "any Private API in the same AWS account
    and Region", and it suggests "VPC endpoint custom policies to restrict which APIs can be
    invoked"). Narrower than the finding's words: a private API must be in the VPC's account and
    Region and public APIs are refused through the endpoint, so the endpoint is no path to another
    account's API; the advice is the per-API scoping the guide suggests."""
    return {("POL001", ids["endpoint"], "fail")}


def _baseline(ids: dict[str, str]) -> Triples:
    return _flow_logs(ids) | _full_access(ids)


def test_the_snapshot_is_the_layout() -> None:
    """The builder against the guide: both DNS attributes on, no internet path, the endpoint in both
    private subnets with private DNS on and no policy, 443 from the function's group; the
    catalogue's ``appsync-api`` with its two wildcard names (assumed) and endpoint policies; the
    function's ``lambda`` interfaces as the network model's only workloads; and ``appsync-api``
    served on 443 alone by the audit's port table — right for HTTPS and the WebSocket subscriptions
    (``https://`` and ``wss://`` URLs, no port)."""
    snapshot, ids = _built()
    region = snapshot.accounts[0].regions[0]
    (vpc,) = region.vpcs
    assert (vpc.enable_dns_support, vpc.enable_dns_hostnames) == (True, True)
    assert not region.internet_gateways and not region.nat_gateways
    service = next(s for s in region.endpoint_services if s.service_name == f"com.amazonaws.{REGION}.appsync-api")
    assert (service.private_dns_names, service.vpc_endpoint_policy_supported) == ((GRAPHQL_DNS, REALTIME_DNS), True)
    (endpoint,) = region.vpc_endpoints
    assert (endpoint.private_dns_enabled, endpoint.policy_document, endpoint.group_ids) \
        == (True, None, (ids["endpoint_sg"],))
    assert sorted(endpoint.subnet_ids) == sorted([ids["private1"], ids["private2"]])
    assert [e.dns_name for e in endpoint.dns_entries][-2:] == [GRAPHQL_DNS, REALTIME_DNS]
    group = next(g for g in region.security_groups if g.group_id == ids["endpoint_sg"])
    assert [(x.from_port, x.referenced_group_id) for x in group.rules if not x.is_egress] == [(443, ids["client_sg"])]
    view = region_view(snapshot)
    functions = [view.interfaces[ids[f"lambda_eni{az}"]] for az in (1, 2)]
    assert {(i.interface_type, i.requester_managed, i.instance_id) for i in functions} == {("lambda", False, None)}
    assert view.workload_enis(ids["vpc"]) == tuple(sorted(functions, key=lambda i: i.network_interface_id))
    assert "appsync-api" not in SERVICE_PORTS
    assert view.service(endpoint).ports == (443,)


def test_findings_and_verdicts() -> None:
    """The canonical form: MON001 and POL001, both medium. Silent, rightly: DNS001-DNS005 (both
    attributes on, private DNS on), SG001-SG006 (443 from exactly the function's group, which sends
    anywhere), IFE001/IFE002 (an endpoint interface in each of the function's AZs), GWE002/GWE003
    and NAT001-NAT005 (no NAT gateway: nothing pays NAT processing), RT001."""
    snapshot, ids = _built()
    assert audit(snapshot) == _baseline(ids)
    levels = severities(snapshot)
    assert (levels[("MON001", ids["vpc"], "")], levels[("POL001", ids["endpoint"], "")]) == ("medium", "medium")


def test_private_dns_answers_the_graphql_and_real_time_names_and_every_other_api() -> None:
    """With private DNS on, the endpoint answers the API's generated GraphQL URL and its real-time
    name for the VPC — and ``<any api>.appsync-api…``, so a public AppSync API called by its
    generated URL gets the endpoint and is refused (the guide's first caveat; its remedy is a custom
    domain name on the public API). A gap, pinned: no rule says so — the snapshot does not hold
    which APIs the workloads call, and this VPC has no path to a public API anyway."""
    snapshot, ids = _built()
    view = region_view(snapshot)
    for name in (f"{API_ID}.appsync-api.{REGION}.amazonaws.com",
                 f"{API_ID}.appsync-realtime-api.{REGION}.amazonaws.com",
                 f"someonespublicapi.appsync-api.{REGION}.amazonaws.com"):
        answer = authority(view, ids["vpc"], name)
        assert (answer.kind, answer.endpoint and answer.endpoint.vpc_endpoint_id) == ("endpoint", ids["endpoint"])


def test_pol001s_fix_keeps_the_functions_api_key_calls() -> None:
    """POL001 is right, and its replacement policy keeps the layout working. The function
    authorises with an API key, as the guide's examples do (``x-api-key``): no SigV4 signature, so
    no principal for the endpoint policy to match — the guide: policies restricting IAM principals
    need ``authorizationType`` ``AWS_IAM``. The replacement allowed any action for ``Principal: *``
    only with ``aws:PrincipalAccount`` = this account, which refused every query, mutation and
    subscription of the layout (rule wrong, fixed): it now also lets anyone's ``appsync:GraphQL``
    reach this account's APIs — a private API must be in the endpoint's own account and Region —
    as execute-api's branch of the fix does for API Gateway, and its decision says to narrow that
    statement to the APIs the VPC calls."""
    snapshot, ids = _built()
    document = replacement_policy(snapshot, "POL001", ids["endpoint"])
    assert allows(document, "appsync:GraphQL", LIST_TODOS, ANONYMOUS)
    elsewhere = LIST_TODOS.replace(f":{ACCOUNT}:", ":222222222222:")
    assert not allows(document, "appsync:GraphQL", elsewhere, ANONYMOUS)


def test_pol001s_fix_keeps_signed_calls_of_this_account() -> None:
    """The same replacement for an API with ``AWS_IAM`` authorization: a SigV4-signed call by a
    role of this account passes; so does another account's to this account's API (its own
    authorization decides, the resource being this account's), while another account's API is
    reached only by this account's principals. Right for that case."""
    snapshot, ids = _built()
    document = replacement_policy(snapshot, "POL001", ids["endpoint"])
    assert allows(document, "appsync:GraphQL", LIST_TODOS, {"aws:PrincipalAccount": ACCOUNT})
    elsewhere = LIST_TODOS.replace(f":{ACCOUNT}:", ":222222222222:")
    assert allows(document, "appsync:GraphQL", elsewhere, {"aws:PrincipalAccount": ACCOUNT})
    assert not allows(document, "appsync:GraphQL", elsewhere, {"aws:PrincipalAccount": "222222222222"})


@pytest.mark.parametrize("real_time_dns", [True, False], ids=["both names", "GraphQL name only"])
def test_near_miss_private_dns_off(real_time_dns: bool) -> None:
    """The endpoint created without "Enable DNS Name": DNS003, medium — right. The generated URL
    the function is given resolves publicly, and this VPC has no egress, so every call fails (with
    egress it would reach the public AppSync endpoint, which serves no private API). The guide does
    document the endpoint's own names with a ``Host`` or ``x-appsync-domain`` header ("Advanced
    examples"), but unlike API Gateway's it does not offer private DNS off as the way to keep public
    APIs reachable — it recommends custom domain names on them, with private DNS on — so the
    catalogue's info level for ``execute-api`` does not carry over. Same with the service read as
    listing the GraphQL name alone."""
    snapshot, ids = _built(**PRIVATE_DNS_OFF, real_time_dns=real_time_dns)
    assert audit(snapshot) == _baseline(ids) | {("DNS003", ids["endpoint"], "fail")}
    assert severities(snapshot)[("DNS003", ids["endpoint"], "")] == "medium"


def test_near_miss_private_dns_off_fix_waits_for_a_decision() -> None:
    """DNS003's fix turns private DNS on, waiting for a decision: where the VPC's workloads call
    public AppSync APIs by their generated URLs, the guide says private DNS on routes those calls to
    the endpoint, which serves private APIs only, and points such APIs at custom domain names. It
    was a ready step (a gap, closed); the snapshot does not say which APIs the VPC calls."""
    snapshot, ids = _built(**PRIVATE_DNS_OFF)
    finding = next(f for f in audit_result(snapshot).findings
                   if (f.rule_id, f.resource.resource_id) == ("DNS003", ids["endpoint"]))
    (step,) = [s for s in finding.fix if s.action == "ec2:ModifyVpcEndpoint"]
    assert step.parameters["PrivateDnsEnabled"] is True
    assert step.decision is not None and "custom domain names" in step.decision


def test_near_miss_endpoint_group_admits_http_not_https() -> None:
    """The endpoint's group admitting TCP 80 from the function's group instead of 443: SG003, high —
    right: every HTTPS query and WSS subscription times out. SG002 on the group, medium — right:
    port 80 is opened to an endpoint whose service listens on 443 only."""
    snapshot, ids = _built(**HTTP_ONLY)
    assert audit(snapshot) == _baseline(ids) | {("SG003", ids["endpoint"], "fail"),
                                                ("SG002", ids["endpoint_sg"], "fail")}
    levels = severities(snapshot)
    assert (levels[("SG003", ids["endpoint"], "")], levels[("SG002", ids["endpoint_sg"], "")]) == ("high", "medium")
    group = next(g for g in snapshot.accounts[0].regions[0].security_groups if g.group_id == ids["endpoint_sg"])
    assert [x.from_port for x in group.rules if not x.is_egress] == [HTTP]


def test_near_miss_endpoint_in_one_az() -> None:
    """The endpoint in us-east-1a only: IFE001, medium — right: an impairment of use1-az1 stops
    every call to the private API, which has no other path. IFE002, medium — right: the function's
    interface in use1-az2 crosses AZs to reach the endpoint (cross-AZ charges, and the AZ
    dependency)."""
    snapshot, ids = _built(**ONE_AZ)
    expected = {("IFE001", ids["endpoint"], "fail"), ("IFE002", ids["endpoint"], "fail")}
    assert audit(snapshot) == _baseline(ids) | expected
    levels = severities(snapshot)
    assert {levels[(rule_id, resource, "")] for rule_id, resource, _ in expected} == {"medium"}
