"""An AWS CodeConnections host for GitHub Enterprise Server installed in private subnets, created
with a VPC configuration (Developer Tools console User Guide, "Create a host" and "AWS
CodeConnections and interface VPC endpoints"): every finding and its verdict (docs/precision.md)."""

from __future__ import annotations

from dataclasses import replace
from functools import cache

from aws_layout import audit, audit_result, region_view, severities
from layouts import codestar_connections_vpc_host
from layouts.codestar_connections_vpc_host import CODESTAR_MANAGED, HTTPS, WEBHOOKS_SERVICE

from vpcaudit.snapshot.model import Snapshot

Triples = set[tuple[str, str, str]]
Built = tuple[Snapshot, dict[str, str]]
HOST_ADMITS_NOTHING = {"host_ingress": False}
HOST_SENDS_NOTHING = {"host_egress": False}
ONE_AZ_HOST = {"host_azs": (1,)}


@cache
def _built(**options: object) -> Built:
    """One snapshot per variant: several tests read the same one."""
    return codestar_connections_vpc_host.build(**options)  # type: ignore[arg-type]


def _flow_logs(ids: dict[str, str]) -> Triples:
    """Right, medium: nothing in the guide or the layout creates a flow log."""
    return {("MON001", ids["vpc"], "fail")}


def _retyped(snapshot: Snapshot, ids: dict[str, str], interface_type: str) -> Snapshot:
    """The snapshot with the host's interfaces recorded under another ``InterfaceType``."""
    account = snapshot.accounts[0]
    region = account.regions[0]
    hosts = {ids["host1"], ids["host2"]}
    enis = tuple(replace(e, interface_type=interface_type) if e.network_interface_id in hosts else e
                 for e in region.network_interfaces)
    return replace(snapshot, accounts=(replace(account, regions=(replace(region, network_interfaces=enis),)),))


def test_the_hosts_interfaces_as_describe_network_interfaces_reports_them() -> None:
    """One ``aws_codestar_connections_managed`` interface per host subnet, in the host's group, on no
    instance (the type is botocore's; the rest assumed, module docstring). Not workloads, and
    rightly: the guide's interface exists "for AWS CodeConnections to query data from your host" —
    CodeConnections' own requests to the server, no AWS API call made from the VPC — while the one
    client of an AWS service here is the server, posting webhooks to the webhook endpoint."""
    snapshot, ids = _built()
    view = region_view(snapshot)
    enis = [e for e in snapshot.accounts[0].regions[0].network_interfaces if e.interface_type == CODESTAR_MANAGED]
    assert sorted(e.subnet_id for e in enis) == sorted([ids["private1"], ids["private2"]])
    assert {(e.group_ids, e.instance_id, e.requester_managed) for e in enis} == {((ids["host_sg"],), None, True)}
    assert not any(view.is_workload(e) for e in enis)
    assert [e.network_interface_id for e in view.workload_enis(ids["vpc"])] == [ids["server"]]


def test_the_webhook_endpoint_as_describe_vpc_endpoints_reports_it() -> None:
    """The endpoint CodeConnections creates with the host: ``codestar-connections.webhooks`` in the
    host's subnets and group, requester-managed, private DNS on, no policy; its service listed
    without endpoint-policy support ("does not support policies"). All but the service name and
    the missing policy support assumed (module docstring)."""
    snapshot, ids = _built()
    region = snapshot.accounts[0].regions[0]
    (endpoint,) = region.vpc_endpoints
    assert (endpoint.vpc_endpoint_id, endpoint.service_name, endpoint.endpoint_type) \
        == (ids["webhooks"], WEBHOOKS_SERVICE, "Interface")
    assert endpoint.subnet_ids == tuple(sorted([ids["private1"], ids["private2"]]))
    assert (endpoint.group_ids, endpoint.requester_managed, endpoint.private_dns_enabled, endpoint.policy_document) \
        == ((ids["host_sg"],), True, True, None)
    service = next(s for s in region.endpoint_services if s.service_name == WEBHOOKS_SERVICE)
    assert service.vpc_endpoint_policy_supported is False


def test_findings_and_verdicts() -> None:
    """The canonical form: MON001 alone. Silent, rightly: POL001/POL002 (the webhook endpoint's
    service takes no policy, so its missing document is not "full access"), SG003 (the host's
    group admits the server's on 443), SG005 (the server sends all traffic), IFE001/IFE002 (the
    endpoint in both AZs), DNS001-DNS003 (DNS attributes and private DNS on), IFE006 (a
    requester-managed endpoint), GWE/NAT rules (no internet path, none needed: the webhook
    endpoint replaced the NAT gateway hosts before 2020-11-24 needed); nothing on the host's
    interfaces or their group's egress — they are not workloads."""
    snapshot, ids = _built()
    assert audit(snapshot) == _flow_logs(ids)


def test_the_interface_type_is_what_keeps_the_hosts_group_out_of_sg005() -> None:
    """The same interfaces recorded as ordinary ``interface`` would be workloads, and SG005 would
    call the host's group (TCP 443 out to the server's group only, as the guide asks) a client cut
    off from the webhook endpoint — a false finding: the endpoint's clients are the server, not
    CodeConnections' own interfaces. Pinned: the type alone keeps them out, and rightly."""
    snapshot, ids = _built()
    assert audit(_retyped(snapshot, ids, "interface")) == _flow_logs(ids) | {("SG005", ids["host_sg"], "fail")}
    assert audit(_retyped(snapshot, ids, CODESTAR_MANAGED)) == _flow_logs(ids)


def test_near_miss_host_group_admits_nothing() -> None:
    """The host's group with no inbound rule: the webhook endpoint, which carries it, refuses the
    server, so pushes never reach CodeConnections and no pipeline starts. SG003 on the endpoint,
    high — right: the guide's groups "need inbound and outbound rules" for the host, and the
    endpoint is there "for the host to send event data via webhooks"; the fix admits TCP 443 from
    the VPC's block into the host's group, which CodeConnections leaves to the account."""
    snapshot, ids = _built(**HOST_ADMITS_NOTHING)
    assert audit(snapshot) == _flow_logs(ids) | {("SG003", ids["webhooks"], "fail")}
    assert severities(snapshot)[("SG003", ids["webhooks"], "")] == "high"
    finding = next(f for f in audit_result(snapshot).findings if f.rule_id == "SG003")
    (step,) = finding.fix
    assert (step.action, step.parameters["GroupId"]) == ("ec2:AuthorizeSecurityGroupIngress", ids["host_sg"])
    assert step.parameters["IpPermissions"][0]["FromPort"] == HTTPS


def test_near_miss_host_group_cannot_reach_the_server() -> None:
    """The host's group without outbound rules (AWS's default removed, the rule to the server never
    added): CodeConnections cannot query the server, the troubleshooting page's "no longer has
    access to the GitHub Enterprise Server". A gap, pinned: the audit is the canonical one. The
    host's interfaces are rightly no workloads, so SG005 does not read their group, and no rule
    matches a service's outbound interfaces to the server they serve — the snapshot holds no host
    record (``GetHost``'s ``ProviderEndpoint``) saying which address they talk to."""
    snapshot, ids = _built(**HOST_SENDS_NOTHING)
    assert audit(snapshot) == _flow_logs(ids)
    group = next(g for g in snapshot.accounts[0].regions[0].security_groups if g.group_id == ids["host_sg"])
    assert not [x for x in group.rules if x.is_egress]


def test_near_miss_host_in_one_az() -> None:
    """The host given ``private1`` alone: its interface and the webhook endpoint in use1-az1 only.
    IFE001 on the endpoint, medium — right (advice): the guide spreads the host's subnets over AZs
    ("Your VPC subnets must reside in different Availability Zones"), and with one AZ an impairment
    stops both webhooks and source reads — little gained while the server is a single instance in
    use1-az1 too, more with a replica in another AZ. Its fix, ``ec2:ModifyVpcEndpoint`` adding ``private2``,
    is pinned as it stands: on an endpoint whose lifecycle CodeConnections manages, the guide's way
    is the host's VPC configuration (``UpdateHost``); see "Noticed and left alone"."""
    snapshot, ids = _built(**ONE_AZ_HOST)
    assert audit(snapshot) == _flow_logs(ids) | {("IFE001", ids["webhooks"], "fail")}
    assert severities(snapshot)[("IFE001", ids["webhooks"], "")] == "medium"
    finding = next(f for f in audit_result(snapshot).findings if f.rule_id == "IFE001")
    assert [(s.action, s.parameters["AddSubnetIds"]) for s in finding.fix] \
        == [("ec2:ModifyVpcEndpoint", [ids["private2"]])]
    enis = [e for e in snapshot.accounts[0].regions[0].network_interfaces if e.interface_type == CODESTAR_MANAGED]
    assert [e.subnet_id for e in enis] == [ids["private1"]]
