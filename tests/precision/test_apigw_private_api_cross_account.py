"""An API Gateway private REST API in account B invoked from account A's VPC through A's
``execute-api`` endpoint (kyhau/access-private-apigw-in-another-account; the Knowledge Center's
cross-account private API article; the API Gateway Developer Guide's private API pages), both
accounts in one snapshot: every finding and its verdict (docs/precision.md)."""

from __future__ import annotations

import json
from functools import cache

from aws_layout import audit, audit_result, region_view, replacement_policy, severities
from builders import FULL_ACCESS_POLICY
from layouts import apigw_private_api_cross_account as layout
from layouts.apigw_private_api_cross_account import CONSUMER, PROVIDER, REGION, STAGE, api_arn
from policy_eval import allows

from vpcaudit.network.dns import authority
from vpcaudit.snapshot.model import Snapshot

Triples = set[tuple[str, str, str]]
Built = tuple[Snapshot, dict[str, str]]
MOCK = api_arn(f"{STAGE}/POST/mock")  # the method the tester calls, B's
OWN_API = api_arn(f"{STAGE}/POST/mock", account=CONSUMER, api_id="a1b2c3d4e5")  # an API of A's own
ANONYMOUS: dict[str, str] = {}  # no Authorization header: "evaluated as an anonymous user"
INVOKE = "execute-api:Invoke"
PROVIDER_API_POLICY = {"endpoint_policy_form": "provider-api"}
OWN_ACCOUNT_POLICY = {"endpoint_policy_form": "own-account"}
PRIVATE_DNS_OFF = {"private_dns": False}
WRONG_VPCE = {"resource_policy_vpce": "other"}


@cache
def _built(**options: object) -> Built:
    """One snapshot per variant: several tests read the same one."""
    return layout.build(**options)  # type: ignore[arg-type]


def _one_az_endpoint(ids: dict[str, str]) -> Triples:
    """Right (advice), medium: the endpoint sits in subnet c alone ("Use one subnet only for demo"),
    so an impairment of that AZ stops every call to B's API. IFE002 is silent, rightly: the only
    caller, the function, is in the same subnet."""
    return {("IFE001", ids["endpoint"], "fail")}


def _full_access(ids: dict[str, str]) -> Triples:
    """Right (advice), medium: the template leaves the endpoint policy commented out, relying on
    B's resource policy. That protects B's API, not A's VPC: with AWS's full access anything in
    vpc01 may invoke any account's private API whose resource policy admits this endpoint (an
    outsider's, opened to it, included). The guide: "Allow only certain organizations or resources
    to access your VPC endpoint and invoke your API" — and it does not require a custom policy,
    hence advice."""
    return {("POL001", ids["endpoint"], "fail")}


def test_the_snapshot_holds_both_accounts_as_their_collections_record_them() -> None:
    """A's collection: vpc01, the endpoint in subnet c with private DNS and AWS's default policy,
    its group (443 from subnet c), the function's ``lambda`` interface; B's: no VPC, the Region's
    catalogue with ``execute-api`` — nothing of its API, its resource policy or A's endpoint."""
    snapshot, ids = _built()
    assert [a.account_id for a in snapshot.accounts] == [CONSUMER, PROVIDER]
    consumer, provider = (a.regions[0] for a in snapshot.accounts)
    (endpoint,) = consumer.vpc_endpoints
    assert (endpoint.service_name, endpoint.private_dns_enabled, endpoint.subnet_ids, endpoint.group_ids) == (
        f"com.amazonaws.{REGION}.execute-api", True, (ids["subnet_c"],), (ids["endpoint_sg"],))
    assert endpoint.policy_document == FULL_ACCESS_POLICY  # no PolicyDocument in the template: AWS's
    group = next(g for g in consumer.security_groups if g.group_id == ids["endpoint_sg"])
    assert sorted((x.is_egress, x.ip_protocol, x.from_port, x.cidr_ipv4) for x in group.rules) == [
        (False, "tcp", 443, "10.0.2.0/24"), (True, "-1", None, "0.0.0.0/0")]
    tester = region_view(snapshot).interfaces[ids["tester_eni"]]
    assert (tester.interface_type, tester.subnet_id, tester.group_ids) \
        == ("lambda", ids["subnet_c"], (ids["tester_sg"],))
    assert (provider.vpcs, provider.vpc_endpoints, provider.network_interfaces) == ((), (), ())
    assert f"com.amazonaws.{REGION}.execute-api" in {s.service_name for s in provider.endpoint_services}


def test_findings_and_verdicts_of_the_sample() -> None:
    """The repository as deployed: IFE001 and POL001, both medium (see the helpers). Silent,
    rightly: SG003 (443 from subnet c, which holds the function), SG005 (the function's group sends
    TCP 0-65535 anywhere, 443 included), IFE002 (caller and endpoint in one AZ), DNS001-DNS005
    (both attributes on, private DNS on, AmazonProvidedDNS), MON001 (the assumed flow log), the
    NAT and gateway endpoint rules (no NAT gateway: nothing leaves the VPC), and nothing at all on
    B's account (no VPC)."""
    snapshot, ids = _built()
    assert audit(snapshot) == _one_az_endpoint(ids) | _full_access(ids)
    levels = severities(snapshot)
    assert {levels[("IFE001", ids["endpoint"], "")], levels[("POL001", ids["endpoint"], "")]} == {"medium"}


def test_private_dns_sends_the_apis_default_name_to_the_endpoint() -> None:
    """The function's first URL, ``<api id>.execute-api.ap-southeast-2.amazonaws.com``, is answered
    by the endpoint's private zone for vpc01 — B's API id is any id to the wildcard."""
    snapshot, ids = _built()
    answer = authority(region_view(snapshot), ids["vpc"], f"{layout.API_ID}.execute-api.{REGION}.amazonaws.com")
    assert (answer.kind, answer.endpoint and answer.endpoint.vpc_endpoint_id) == ("endpoint", ids["endpoint"])


def test_pol001s_fix_on_the_consumers_endpoint_refuses_the_providers_api_until_the_decision_adds_it() -> None:
    """Right, and enough. The replacement the fix proposes for A's endpoint names A's APIs
    (``ThisAccountsApis``, ``…:111111111111:*``) and A's principals (``ThisAccountOnly``). The
    tester's calls carry no ``Authorization`` header, so they are anonymous and match neither: as
    proposed, every call to B's API would get 403. The step is a decision, not ready, and its text
    says exactly what this layout needs — anonymous calls "pass only by the API's ARN: add the ARNs
    of other accounts' private APIs this VPC calls to the ThisAccountsApis statement"; with B's ARN
    added the calls pass, and nothing else of B's does. The snapshot holds B's account but not its
    API (no collector reads API Gateway), so the ARN cannot be filled in for the owner."""
    snapshot, ids = _built()
    document = replacement_policy(snapshot, "POL001", ids["endpoint"])
    assert allows(document, INVOKE, OWN_API, ANONYMOUS)
    assert not allows(document, INVOKE, MOCK, ANONYMOUS)
    assert allows(document, INVOKE, MOCK, {"aws:PrincipalAccount": CONSUMER})  # a SigV4 call by A's role
    finding = next(f for f in audit_result(snapshot).findings
                   if (f.rule_id, f.resource.resource_id) == ("POL001", ids["endpoint"]))
    (step,) = [s for s in finding.fix if s.action == "ec2:ModifyVpcEndpoint"]
    assert step.decision is not None and "other accounts' private APIs" in step.decision
    # The API's ARN is what lets anonymous calls through, so the decision says it first.
    assert step.decision.index("ARNs of other accounts' private APIs") < step.decision.index("aws:PrincipalOrgID")
    policy = json.loads(document)
    (statement,) = [s for s in policy["Statement"] if s.get("Sid") == "ThisAccountsApis"]
    statement["Resource"] = [statement["Resource"], api_arn()]  # the decision taken: B's API added
    decided = json.dumps(policy)
    assert allows(decided, INVOKE, MOCK, ANONYMOUS)
    assert not allows(decided, INVOKE, api_arn(f"{STAGE}/POST/mock", api_id="z9y8x7w6v5"), ANONYMOUS)


def test_endpoint_policy_scoped_to_the_providers_api() -> None:
    """The template's commented endpoint policy, filled in with B's API: POL001 and POL002 silent —
    right. One action on one API's methods for ``*``: not AWS's default statement, and the
    ``/*`` after the API id is the methods of that API, not a wildcard over APIs or accounts. It
    lets the tester's anonymous calls through to B's API and nothing else; IFE001 stays."""
    snapshot, ids = _built(**PROVIDER_API_POLICY)
    assert audit(snapshot) == _one_az_endpoint(ids)
    document = layout.endpoint_policy("provider-api") or ""
    assert allows(document, INVOKE, MOCK, ANONYMOUS)
    assert not allows(document, INVOKE, OWN_API, ANONYMOUS)


def test_near_miss_endpoint_policy_scoped_to_the_consumers_own_apis() -> None:
    """``execute-api:Invoke`` on ``arn:aws:execute-api:ap-southeast-2:111111111111:*`` — A's own
    APIs, the shape of the POL fixes' own ``ThisAccountsApis`` — refuses every call the VPC makes,
    all of them to B's API. Nothing fires but IFE001. A gap, pinned: no rule can see that the VPC's
    callers need another account's API; B is in the snapshot, but its APIs, their
    ``VpcEndpointIds`` and resource policies are not collected (see "Noticed and left alone")."""
    snapshot, ids = _built(**OWN_ACCOUNT_POLICY)
    assert audit(snapshot) == _one_az_endpoint(ids)
    document = layout.endpoint_policy("own-account") or ""
    assert not allows(document, INVOKE, MOCK, ANONYMOUS)
    assert allows(document, INVOKE, OWN_API, ANONYMOUS)


def test_near_miss_private_dns_off() -> None:
    """Private DNS off: DNS003, medium — right. The guide documents private DNS off as the way to
    keep public APIs reachable by their default names, which DNS003 took for a choice (info) until
    the China private API layout: here vpc01 has no way out, so no public API is reachable either
    way, and the tester's first URL resolves publicly and fails; its other three (the
    ``<api id>-<vpce id>`` alias, the endpoint's name with ``Host`` or ``x-apigw-api-id``) still
    reach B's API. The fix turns private DNS on, ready."""
    snapshot, ids = _built(**PRIVATE_DNS_OFF)
    assert audit(snapshot) == _one_az_endpoint(ids) | _full_access(ids) | {("DNS003", ids["endpoint"], "fail")}
    assert severities(snapshot)[("DNS003", ids["endpoint"], "")] == "medium"
    answer = authority(region_view(snapshot), ids["vpc"], f"{layout.API_ID}.execute-api.{REGION}.amazonaws.com")
    assert answer.kind == "public"


def test_near_miss_resource_policy_names_another_endpoint() -> None:
    """B's resource policy denying every source endpoint but another one: every call from vpc01 is
    refused by B. The snapshot is byte-for-byte the canonical one and the findings are the same. A
    gap, pinned: the resource policy is B's API Gateway record, which no collector reads — even
    with B's account in the snapshot."""
    snapshot, ids = _built(**WRONG_VPCE)
    canonical, canonical_ids = _built()
    assert snapshot == canonical
    assert audit(snapshot) == _one_az_endpoint(ids) | _full_access(ids)
    through = {"aws:sourceVpce": ids["endpoint"]}
    assert allows(canonical_ids["resource_policy"], INVOKE, MOCK, through)
    assert not allows(ids["resource_policy"], INVOKE, MOCK, through)
