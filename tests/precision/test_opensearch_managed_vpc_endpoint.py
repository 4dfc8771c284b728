"""An OpenSearch Service domain in one account's VPC searched from instances in another account's
VPC through an OpenSearch Service-managed interface VPC endpoint (the Developer Guide's AWS
PrivateLink page, ``AuthorizeVpcEndpointAccess`` and ``CreateVpcEndpoint``), both accounts in one
snapshot: every finding and its verdict (docs/precision.md)."""

from __future__ import annotations

from functools import cache

import pytest
from aws_layout import audit, audit_result, severities
from layouts import opensearch_managed_vpc_endpoint as layout
from layouts.opensearch_managed_vpc_endpoint import CLIENT_ACCOUNT, DOMAIN, DOMAIN_ACCOUNT, DOMAIN_CIDR, SERVICE

from vpcaudit.network.policy import policy_scope
from vpcaudit.network.view import NetworkView
from vpcaudit.snapshot.model import Snapshot

Triples = set[tuple[str, str, str]]
Built = tuple[Snapshot, dict[str, str]]
VPC_BLOCK_SOURCE = {"endpoint_source": "vpc-cidr"}
ONE_AZ = {"endpoint_azs": 1}
EGRESS_TO_DOMAIN_VPC = {"client_egress": "domain-cidr"}
LISTED_AS_AMAZONS = {"service_listed": "amazon"}


@cache
def _built(**options: object) -> Built:
    """One snapshot per variant: several tests read the same one."""
    return layout.build(**options)  # type: ignore[arg-type]


def _views(snapshot: Snapshot) -> dict[str, NetworkView]:
    """The network view of each account's one Region, by account id."""
    return {a.account_id: NetworkView.build(a, a.regions[0]) for a in snapshot.accounts}


def _flow_logs(ids: dict[str, str]) -> Triples:
    """Right, medium: neither the guide nor the layout creates a flow log, in either VPC."""
    return {("MON001", ids["vpc"], "fail"), ("MON001", ids["domain_vpc"], "fail")}


def _one_az_not_evaluated(ids: dict[str, str]) -> Triples:
    """Right (not evaluated), medium: the endpoint has one interface, in us-east-1a, and the
    instance in us-east-1b crosses AZs to it and depends on that AZ; but the AZs OpenSearch's
    endpoint service is offered in are not in the client's DescribeVpcEndpointServices, and the
    guide states none, so IFE001 and IFE002 cannot tell whether another subnet would take."""
    return {("IFE001", ids["endpoint"], "not_evaluated"), ("IFE002", ids["endpoint"], "not_evaluated")}


def _one_az_failing(ids: dict[str, str]) -> Triples:
    """Right, medium: with the service's AZs listed, both AZs of the client VPC are offered; the
    same single AZ and the same cross-AZ client, now judged."""
    return {("IFE001", ids["endpoint"], "fail"), ("IFE002", ids["endpoint"], "fail")}


def test_the_endpoint_as_describe_vpc_endpoints_reports_it() -> None:
    """The client account's endpoint: an Interface endpoint of that account, not
    requester-managed, to OpenSearch's ``vpce-svc`` service, tagged ``OpenSearchManaged``,
    private DNS off, no policy, one ``vpc_endpoint`` interface per subnet carrying
    ``opensearch-endpoint`` (assumed fields: module docstring). vpcaudit reads it as a PrivateLink
    endpoint — not an AWS service's, so the POL rules leave it out of scope, rightly ("VPC endpoint
    policies are not supported for OpenSearch Service"; the policy cannot be set) — on port 443 by
    its tag ("HTTPS is the only supported protocol"). The domain's interfaces are no workload; the
    instances are the client VPC's."""
    snapshot, ids = _built()
    assert [a.account_id for a in snapshot.accounts] == [CLIENT_ACCOUNT, DOMAIN_ACCOUNT]
    views = _views(snapshot)
    client, owner = views[CLIENT_ACCOUNT], views[DOMAIN_ACCOUNT]
    endpoint = client.endpoints[ids["endpoint"]]
    assert (endpoint.endpoint_type, endpoint.owner_id, endpoint.requester_managed, endpoint.private_dns_enabled,
            endpoint.policy_document, endpoint.service_name, endpoint.group_ids) \
        == ("Interface", CLIENT_ACCOUNT, False, False, None, SERVICE, (ids["endpoint_sg"],))
    assert {(t.key, t.value) for t in endpoint.tags} == {("OpenSearchManaged", "true")}
    enis = [client.interfaces[e] for e in endpoint.network_interface_ids]
    assert sorted(e.subnet_id for e in enis) == sorted([ids["private1"], ids["private2"]])
    assert {(e.interface_type, e.requester_managed, e.description, e.instance_id) for e in enis} \
        == {("vpc_endpoint", True, f"VPC Endpoint Interface {ids['endpoint']}", None)}
    info = client.service(endpoint)
    assert (info.is_aws_service, info.details_known, info.ports) == (False, False, (443,))
    assert policy_scope(client, endpoint) == (False, "")
    assert {e.network_interface_id for e in client.workload_enis(ids["vpc"])} == {ids["instance1"], ids["instance2"]}
    assert {owner.interfaces[ids[f"domain_eni{k}"]].description for k in (1, 2)} == {f"ES {DOMAIN}"}
    assert not owner.workload_enis(ids["domain_vpc"])


def test_findings_and_verdicts() -> None:
    """The guide's form: MON001 on each VPC, nothing else. Silent, rightly: SG003 and SG002 (the
    endpoint's group admits TCP 443, its one port, from the instances' group, and nothing else),
    SG001/SG004 (a group source), SG005 (default egress), IFE001/IFE002 (an interface in each AZ
    of the clients), POL001-POL006 (not an AWS service's endpoint; no policy support), DNS003
    (private DNS off: clients use the ``Endpoint`` name OpenSearch returns), GWE and NAT rules (no
    route beyond either VPC), ACL001 (default NACLs), IFE006 (no metrics collected)."""
    snapshot, ids = _built()
    assert audit(snapshot) == _flow_logs(ids)
    assert {level for (rule, _, _), level in severities(snapshot).items() if rule == "MON001"} == {"medium"}


def test_near_miss_endpoint_group_admits_the_vpc_block() -> None:
    """``opensearch-endpoint`` admitting TCP 443 from 10.1.0.0/16 instead of the clients' group.
    Right, silent: the guide asks only that the rules "allow the resources that will use the VPC
    endpoint" in, and the VPC's block holds them; it is no wider than the VPC (SG004), and the
    endpoint "is accessible only within the VPC where the endpoint is provisioned or any VPCs
    peered with" it."""
    snapshot, ids = _built(**VPC_BLOCK_SOURCE)
    assert audit(snapshot) == _flow_logs(ids)
    group = _views(snapshot)[CLIENT_ACCOUNT].security_groups[ids["endpoint_sg"]]
    assert [(x.from_port, x.cidr_ipv4) for x in group.rules if not x.is_egress] == [(443, layout.CLIENT_CIDR)]


def test_near_miss_endpoint_in_one_az() -> None:
    """``CreateVpcEndpoint`` with the us-east-1a subnet only: IFE001 and IFE002 not evaluated,
    medium. IFE002 names the instances' AZ left out, us-east-1b (use1-az6 in this account)."""
    snapshot, ids = _built(**ONE_AZ)
    assert audit(snapshot) == _flow_logs(ids) | _one_az_not_evaluated(ids)
    finding = next(f for f in audit_result(snapshot).findings
                   if (f.rule_id, f.resource.resource_id) == ("IFE002", ids["endpoint"]))
    assert finding.severity.value == "medium"
    assert "client AZs use1-az6" in finding.message


def test_near_miss_clients_let_out_443_to_the_domain_vpc_only() -> None:
    """``search-clients`` letting out TCP 443 to 10.0.0.0/16, the domain VPC's block, only: the
    instances' traffic goes to the endpoint's interfaces in 10.1.0.0/16 and is refused — every
    search times out. A gap, pinned: the audit is the guide's. SG005 judges AWS service endpoints
    only (a PrivateLink service's clients are not known), though here both halves are: the port
    (443, from the ``OpenSearchManaged`` tag) and the clients (the endpoint's group admits
    ``search-clients`` by reference). The same rule fires when the service is read as Amazon's
    (``test_if_the_client_account_lists_the_service_as_amazons``)."""
    snapshot, ids = _built(**EGRESS_TO_DOMAIN_VPC)
    assert audit(snapshot) == _flow_logs(ids)
    group = _views(snapshot)[CLIENT_ACCOUNT].security_groups[ids["clients_sg"]]
    assert [(x.ip_protocol, x.from_port, x.cidr_ipv4) for x in group.rules if x.is_egress] \
        == [("tcp", 443, DOMAIN_CIDR)]


@pytest.mark.parametrize("listed", ["provider", "amazon"])
def test_the_guides_form_under_either_listing(listed: str) -> None:
    """The service in the client's DescribeVpcEndpointServices, owned by an OpenSearch account or
    by ``amazon``, no policy support: the same audit. POL001 stays silent even read as an AWS
    service's endpoint — ``VpcEndpointPolicySupported`` false, rightly."""
    snapshot, ids = _built(service_listed=listed)
    assert audit(snapshot) == _flow_logs(ids)
    client = _views(snapshot)[CLIENT_ACCOUNT]
    endpoint = client.endpoints[ids["endpoint"]]
    info = client.service(endpoint)
    assert (info.is_aws_service, info.details_known, info.policy_supported) == (listed == "amazon", True, False)
    assert policy_scope(client, endpoint) == (False, "")


def test_if_the_client_account_lists_the_service_as_amazons() -> None:
    """Read as an AWS service's endpoint (owner ``amazon``, both AZs): the one-AZ near miss fails
    IFE001 and IFE002 (right, medium), and the egress near miss fails SG005 on
    ``search-clients`` (right: the fix lets TCP 443 out to ``opensearch-endpoint``). Their fixes
    go through EC2 (``ec2:ModifyVpcEndpoint``), where OpenSearch's ``UpdateVpcEndpoint`` is the
    documented way (noted, left alone)."""
    snapshot, ids = _built(**LISTED_AS_AMAZONS, **ONE_AZ)
    assert audit(snapshot) == _flow_logs(ids) | _one_az_failing(ids)
    snapshot, ids = _built(**LISTED_AS_AMAZONS, **EGRESS_TO_DOMAIN_VPC)
    assert audit(snapshot) == _flow_logs(ids) | {("SG005", ids["clients_sg"], "fail")}
    (step,) = next(f for f in audit_result(snapshot).findings if f.rule_id == "SG005").fix
    assert step.action == "ec2:AuthorizeSecurityGroupEgress"
    assert step.parameters["IpPermissions"][0]["UserIdGroupPairs"] == [{"GroupId": ids["endpoint_sg"]}]
