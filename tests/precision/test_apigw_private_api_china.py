"""An API Gateway private REST API in the AWS China (Beijing) Region invoked from isolated private
subnets through a ``cn.com.amazonaws.cn-north-1.execute-api`` interface endpoint with private DNS
(the API Gateway Developer Guide on docs.amazonaws.cn; liangruibupt/aws-is-how's cn-northwest-1
walkthrough): every finding and its verdict (docs/precision.md)."""

from __future__ import annotations

import json
from dataclasses import replace
from functools import cache

from aws_layout import audit, audit_result, region_view, severities
from layouts import apigw_private_api_china
from layouts.apigw_private_api_china import ACCOUNT, API_ID, PRIVATE_DNS_NAMES, REGION, SERVICE_NAME, api_arn
from policy_eval import allows

from vpcaudit.network.dns import authority
from vpcaudit.snapshot import resources as r
from vpcaudit.snapshot.model import Snapshot

Triples = set[tuple[str, str, str]]
Built = tuple[Snapshot, dict[str, str]]
WIDGETS = "dev/GET/widgets"  # a method the instances call
API_NAME = f"{API_ID}.execute-api.{REGION}.amazonaws.com.cn"  # the default invoke name
COMMERCIAL_POLICY = {"policy_partition": "aws"}
PRIVATE_DNS_OFF = {"private_dns": False}
DEFAULT_GROUP_SOURCE = {"endpoint_source": "default"}


@cache
def _built(**options: object) -> Built:
    """One snapshot per variant: the builder is deterministic, and the tests only read it."""
    return apigw_private_api_china.build(**options)  # type: ignore[arg-type]


def _commercial_partition(ids: dict[str, str]) -> Triples:
    """Right, high: the endpoint policy's one Allow names ``arn:aws:execute-api:cn-north-1:…``,
    while a cn-north-1 API is ``arn:aws-cn:execute-api:…`` (docs.amazonaws.cn, "ARNs for Amazon
    Web Services in China"); an endpoint policy only allows what it names, so every invocation
    through the endpoint is refused. The fix names the ``aws-cn`` ARN beside it."""
    return {("POL005", ids["endpoint"], "fail")}


def _private_dns_off(ids: dict[str, str]) -> Triples:
    """Right: with private DNS off, ``*.execute-api.cn-north-1.amazonaws.com.cn`` resolves publicly
    and the instances' calls to the default name miss the endpoint (the guide: with private DNS
    off the API is reachable by public DNS only — the endpoint-specific names). The severity is
    judged in ``test_dns003_is_medium_where_no_public_api_is_reachable``."""
    return {("DNS003", ids["endpoint"], "fail")}


def _endpoint_refuses_clients(ids: dict[str, str]) -> Triples:
    """Right, high: the endpoint's group admits TCP 443 only from the VPC's default group, which
    no instance carries; the guide's endpoint group must admit HTTPS from the callers, so every
    call times out."""
    return {("SG003", ids["endpoint"], "fail")}


def test_the_snapshot_is_the_layout() -> None:
    """The builder against the sources: the China service name of ``execute-api`` in the
    catalogue with its ``amazonaws.com.cn`` wildcard, the endpoint in both subnets with private DNS
    on, its ``vpce.amazonaws.com.cn`` and private names, the ``aws-cn`` endpoint policy, the
    isolated route table, TCP 443 from ``api-client-sg``, the instances' interfaces as
    DescribeNetworkInterfaces reports them."""
    snapshot, ids = _built()
    region = snapshot.accounts[0].regions[0]
    service = next(s for s in region.endpoint_services if s.service_name == SERVICE_NAME)
    assert (service.private_dns_names, service.service_types, service.vpc_endpoint_policy_supported) \
        == (PRIVATE_DNS_NAMES, ("Interface",), True)
    assert not any(s.service_name == f"com.amazonaws.{REGION}.execute-api" for s in region.endpoint_services)
    (endpoint,) = region.vpc_endpoints
    assert (endpoint.service_name, endpoint.private_dns_enabled, list(endpoint.subnet_ids), endpoint.group_ids) \
        == (SERVICE_NAME, True, sorted([ids["private1"], ids["private2"]]), (ids["endpoint_sg"],))
    names = [e.dns_name for e in endpoint.dns_entries]
    assert all(n.endswith(".execute-api.cn-north-1.vpce.amazonaws.com.cn") for n in names[:3])
    assert names[3:] == ["execute-api.cn-north-1.amazonaws.com.cn", "*.execute-api.cn-north-1.amazonaws.com.cn"]
    assert json.loads(endpoint.policy_document or "")["Statement"][0]["Resource"] \
        == f"arn:aws-cn:execute-api:cn-north-1:{ACCOUNT}:{API_ID}/*"
    (table,) = [t for t in region.route_tables if t.route_table_id == ids["route_table"]]
    assert [x.target_kind for x in table.routes] == ["local"]
    group = next(g for g in region.security_groups if g.group_id == ids["endpoint_sg"])
    assert [(x.ip_protocol, x.from_port, x.to_port, x.referenced_group_id) for x in group.rules
            if not x.is_egress] == [("tcp", 443, 443, ids["client_sg"])]
    view = region_view(snapshot)
    clients = [view.interfaces[ids[f"instance_eni{az}"]] for az in (1, 2)]
    assert {(i.interface_type, i.requester_managed, i.requester_id, i.group_ids) for i in clients} \
        == {("interface", False, None, (ids["client_sg"],))}
    assert view.workload_enis(ids["vpc"]) == tuple(sorted(clients, key=lambda i: i.network_interface_id))


def test_findings_and_verdicts_of_the_layout() -> None:
    """Nothing fires. Silent, rightly: MON001 (a flow log), SG001-SG006 (TCP 443 from the clients'
    group, which both instances carry), IFE001/IFE002 (an endpoint interface in each AZ of the
    clients), DNS001-DNS005 (both attributes on, private DNS on), POL001/POL002/POL005 (one action
    on one ``arn:aws-cn`` API's methods), GWE and NAT rules (no route out, nothing paid per GB)."""
    snapshot, _ = _built()
    assert audit(snapshot) == set()


def test_the_endpoint_policy_lets_the_instances_call_the_api_only() -> None:
    """The ``aws-cn`` policy on its own terms: an unsigned call (to the endpoint policy an
    anonymous caller, the guide's endpoint policy page) of the API's method is let through, a
    call of another API or of the same API named in the commercial partition is not. Right, and
    why POL001 and POL005 are silent."""
    document = apigw_private_api_china.endpoint_policy()
    assert allows(document, "execute-api:Invoke", api_arn(WIDGETS), {})
    assert not allows(document, "execute-api:Invoke",
                      f"arn:aws-cn:execute-api:{REGION}:{ACCOUNT}:z9y8x7w6v5/{WIDGETS}", {})
    commercial = apigw_private_api_china.endpoint_policy("aws")
    assert not allows(commercial, "execute-api:Invoke", api_arn(WIDGETS), {})


def test_private_dns_answers_the_api_name_with_the_endpoint() -> None:
    """The China domain in the DNS model: with private DNS on, the API's default name
    (``<api id>.execute-api.cn-north-1.amazonaws.com.cn``) is answered by the endpoint; with it
    off, publicly. Right: what the walkthrough's ``nslookup`` shows."""
    snapshot, ids = _built()
    answer = authority(region_view(snapshot), ids["vpc"], API_NAME)
    assert (answer.kind, answer.endpoint and answer.endpoint.vpc_endpoint_id) == ("endpoint", ids["endpoint"])
    off, off_ids = _built(**PRIVATE_DNS_OFF)
    assert authority(region_view(off), off_ids["vpc"], API_NAME).kind == "public"


def test_near_miss_endpoint_policy_in_the_commercial_partition() -> None:
    """The endpoint policy copied from a commercial walkthrough (``arn:aws:execute-api:cn-north-1:…``):
    POL005, high — right (see ``_commercial_partition``)."""
    snapshot, ids = _built(**COMMERCIAL_POLICY)
    assert audit(snapshot) == _commercial_partition(ids)
    assert severities(snapshot)[("POL005", ids["endpoint"], "")] == "high"


def test_near_miss_private_dns_off() -> None:
    """Private DNS off while the instances call the default name: DNS003 — right (see
    ``_private_dns_off``); nothing else fires."""
    snapshot, ids = _built(**PRIVATE_DNS_OFF)
    assert audit(snapshot) == _private_dns_off(ids)


def test_dns003_is_medium_where_no_public_api_is_reachable() -> None:
    """Rule was wrong, fixed. DNS003 is info for ``execute-api`` because the guide documents
    private DNS off as the way to keep the default endpoints of public APIs reachable from the VPC.
    Here no route leaves the VPC (one table, the local route only): no public API is reachable
    either way, so the documented reason cannot hold, and the instances' calls to the default name
    resolve publicly and fail. Medium, as for any other service, and the fix is ready."""
    snapshot, ids = _built(**PRIVATE_DNS_OFF)
    assert severities(snapshot)[("DNS003", ids["endpoint"], "")] == "medium"
    finding = next(f for f in audit_result(snapshot).findings if f.rule_id == "DNS003")
    assert all(step.decision is None for step in finding.fix)


def test_dns003_stays_info_where_a_client_subnet_has_a_way_out() -> None:
    """The other side: the same endpoint with the VPC's table sending 0.0.0.0/0 to a transit
    gateway — public APIs may be reachable beyond it, private DNS off may be the documented choice:
    info, and turning it on waits for a decision."""
    snapshot, ids = _built(**PRIVATE_DNS_OFF)
    account = snapshot.accounts[0]
    region = account.regions[0]
    out = r.Route.from_api({"DestinationCidrBlock": "0.0.0.0/0", "TransitGatewayId": "tgw-0123456789abcdef0",
                            "State": "active", "Origin": "CreateRoute"})
    tables = tuple(replace(t, routes=(*t.routes, out)) for t in region.route_tables)
    snapshot = replace(snapshot, accounts=(replace(account, regions=(replace(region, route_tables=tables),)),))
    assert severities(snapshot)[("DNS003", ids["endpoint"], "")] == "info"
    finding = next(f for f in audit_result(snapshot).findings if f.rule_id == "DNS003")
    assert any(step.decision for step in finding.fix)


def test_near_miss_endpoint_group_admits_a_group_the_clients_do_not_carry() -> None:
    """TCP 443 from the default group instead of ``api-client-sg``: SG003, high — right (see
    ``_endpoint_refuses_clients``); its evidence names the member-only source."""
    snapshot, ids = _built(**DEFAULT_GROUP_SOURCE)
    assert audit(snapshot) == _endpoint_refuses_clients(ids)
    assert severities(snapshot)[("SG003", ids["endpoint"], "")] == "high"
