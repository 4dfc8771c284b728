"""A Redshift-managed VPC endpoint giving a client VPC private access to an RA3 cluster in another
VPC (Redshift Management Guide, "Redshift-managed VPC endpoints"): every finding and its verdict
(docs/precision.md)."""

from __future__ import annotations

from functools import cache

from aws_layout import audit, audit_result, region_view, severities
from layouts import redshift_managed_vpc_endpoint
from layouts.redshift_managed_vpc_endpoint import (
    CLUSTER,
    NODES,
    REDSHIFT_DESCRIPTION,
    REDSHIFT_PORT,
    REDSHIFT_REQUESTER_ID,
)

from vpcaudit.snapshot.model import Snapshot

Triples = set[tuple[str, str, str]]
Built = tuple[Snapshot, dict[str, str]]
GROUP_ON_443 = {"endpoint_ports": (443,)}
CLIENTS_OUT_ON_443 = {"client_egress": "443"}


@cache
def _built(**options: object) -> Built:
    """One snapshot per variant: several tests read the same one."""
    return redshift_managed_vpc_endpoint.build(**options)  # type: ignore[arg-type]


@cache
def _audited(**options: object) -> Triples:
    return audit(_built(**options)[0])


def _port(ids: dict[str, str], port: int = REDSHIFT_PORT) -> dict[str, tuple[int, ...]]:
    """The cluster's port configured for the endpoint's service (``--service-port SERVICE=5439``),
    as DescribeEndpointAccess reports it (``Port``)."""
    return {ids["service"]: (port,)}


def _flow_logs(ids: dict[str, str]) -> Triples:
    """Right, medium: neither VPC has a flow log; nothing in the guide's procedure creates one."""
    return {("MON001", ids["cluster_vpc"], "fail"), ("MON001", ids["client_vpc"], "fail")}


def _port_unknown(ids: dict[str, str]) -> Triples:
    """Right by the catalogue, not evaluated: SG003 on both endpoints, SG002 on their groups.
    Each is an endpoint of a ``vpce-svc`` service Redshift owns, whose port no EC2 API returns
    (DescribeVpcEndpointServices does not list it, and would publish no port if it did); the groups
    admit TCP 5439 from the clients' group and from the cluster VPC's block, which may or may not
    be the port. The port is Redshift's: DescribeEndpointAccess ``Port``, keyed by
    ``VpcEndpoint.VpcEndpointId``, and DescribeClusters ``Endpoint.Port`` — not collected."""
    return {("SG003", ids["endpoint"], "not_evaluated"), ("SG003", ids["relocation"], "not_evaluated"),
            ("SG002", ids["endpoint_sg"], "not_evaluated"), ("SG002", ids["cluster_sg"], "not_evaluated")}


def _one_eni_each(ids: dict[str, str]) -> Triples:
    """Right by the catalogue, not evaluated: IFE001 on both endpoints (one ENI each) and IFE002 on
    ``analytics-clients`` (the use1-az2 client crosses to use1-az1): the service's AZs are not in
    this account's DescribeVpcEndpointServices. Not failing is right too: "Amazon Redshift chooses
    a subnet" for the one network interface, ``ModifyEndpointAccess`` changes the groups only, and
    "You can't use the Amazon VPC console to manage Redshift-managed VPC endpoints", so the fix the
    rules would offer (``ModifyVpcEndpoint`` ``AddSubnetIds``) is not the owner's to take."""
    return {("IFE001", ids["endpoint"], "not_evaluated"), ("IFE001", ids["relocation"], "not_evaluated"),
            ("IFE002", ids["endpoint"], "not_evaluated")}


def _canonical(ids: dict[str, str]) -> Triples:
    return _flow_logs(ids) | _port_unknown(ids) | _one_eni_each(ids)


def test_the_snapshot_is_the_guides_layout() -> None:
    """The builder against the guide: the RA3 cluster's three interfaces (Redshift's description
    and requester, no instance) and its DescribeClusters record in the cluster VPC; the SQL client
    instances in both private subnets of the client VPC; ``analytics-clients`` an Interface
    endpoint of this account to a ``vpce-svc`` service not in the listing, one ``vpc_endpoint`` ENI
    carrying ``redshift-endpoint``, private DNS off, no policy; the network model reads it as a
    PrivateLink service with no port, and every workload as its possible client."""
    snapshot, ids = _built()
    region = snapshot.accounts[0].regions[0]
    view = region_view(snapshot)
    nodes = [view.interfaces[ids[f"node{m}"]] for m in range(1, len(NODES) + 1)]
    expected_node = ("interface", True, REDSHIFT_REQUESTER_ID, REDSHIFT_DESCRIPTION, None, ids["redshift1"])
    assert {(e.interface_type, e.requester_managed, e.requester_id, e.description, e.instance_id, e.subnet_id)
            for e in nodes} == {expected_node}
    (cluster,) = region.redshift_clusters
    assert (cluster.cluster_identifier, cluster.vpc_id, cluster.enhanced_vpc_routing, cluster.group_ids) \
        == (CLUSTER, ids["cluster_vpc"], False, (ids["cluster_sg"],))
    assert cluster.node_private_ips == tuple(e.private_ip_addresses[0] for e in nodes)
    endpoints = {e.vpc_endpoint_id: e for e in region.vpc_endpoints}
    endpoint = endpoints[ids["endpoint"]]
    assert (endpoint.vpc_id, endpoint.endpoint_type, endpoint.state, endpoint.private_dns_enabled,
            endpoint.policy_document, endpoint.subnet_ids, endpoint.group_ids) \
        == (ids["client_vpc"], "Interface", "available", False, None, (ids["private1"],), (ids["endpoint_sg"],))
    assert endpoint.service_name.startswith("com.amazonaws.vpce.us-east-1.vpce-svc-")
    assert endpoint.service_name != endpoints[ids["relocation"]].service_name
    assert ids["service"] not in {s.service_name for s in region.endpoint_services}
    (eni,) = [view.interfaces[i] for i in endpoint.network_interface_ids]
    assert (eni.interface_type, eni.requester_managed, eni.requester_id, eni.description, eni.group_ids) \
        == ("vpc_endpoint", True, None, f"VPC Endpoint Interface {ids['endpoint']}", (ids["endpoint_sg"],))
    info = view.service(endpoint)
    assert (info.is_aws_service, info.ports) == (False, ())
    clients = [view.interfaces[ids[f"client{k}"]] for k in (1, 2)]
    assert all(c.instance_id and view.may_call(c, None) for c in clients)
    assert all(view.may_call(e, None) for e in nodes)


def test_findings_and_verdicts_of_the_guides_layout() -> None:
    """MON001 × 2; SG003/SG002 not evaluated (the port); IFE001/IFE002 not evaluated (the AZs).
    Silent, rightly: SG001/SG004 (sources are the clients' group and the cluster VPC's block),
    SG005 (the clients send everything; PrivateLink endpoints are outside it anyway), SG006 (one
    block per VPC), IFE004 (available), IFE005 (two services), POL001-POL006 and DNS003 (PrivateLink
    services: no policy, Redshift's own names), DNS001/DNS002 (both attributes on), GWE and NAT
    rules (no route beyond either VPC), ACL001 (default NACLs), the Redshift nodes calling no AWS
    service (enhanced VPC routing off)."""
    snapshot, ids = _built()
    assert _audited() == _canonical(ids)
    assert {severities(snapshot)[("MON001", ids[k], "")] for k in ("cluster_vpc", "client_vpc")} == {"medium"}


def test_the_configured_port_confirms_the_endpoint_group() -> None:
    """The cluster's port configured for the endpoint's service: SG003 and SG002 on
    ``analytics-clients`` and its group go — right, TCP 5439 from ``sql-clients`` is exactly what
    the guide asks ("you allow access to the selected port via the security group … where your
    workloads run"). The relocation endpoint's service is another, still unknown."""
    snapshot, ids = _built()
    configured = audit(snapshot, _port(ids))
    assert configured == _canonical(ids) - {("SG003", ids["endpoint"], "not_evaluated"),
                                            ("SG002", ids["endpoint_sg"], "not_evaluated")}


def test_near_miss_endpoint_group_on_443_goes_unreported() -> None:
    """``redshift-endpoint`` admits TCP 443 from ``sql-clients``, the cluster listens on 5439: every
    JDBC/ODBC connection times out at the endpoint's interface. The audit is the canonical one
    (SG003 and SG002 not evaluated, on a different rule). A gap, pinned: the rules abstain rightly
    on what the snapshot holds, but for a Redshift-managed endpoint the port is not the provider's
    secret, as a partner's is: DescribeEndpointAccess returns it with the endpoint's
    ``VpcEndpointId``, in the account that owns the endpoint."""
    snapshot, ids = _built(**GROUP_ON_443)
    assert _audited(**GROUP_ON_443) == _canonical(ids)
    groups = {g.group_id: g for g in snapshot.accounts[0].regions[0].security_groups}
    assert [(x.from_port, x.to_port) for x in groups[ids["endpoint_sg"]].rules if not x.is_egress] == [(443, 443)]


def test_near_miss_endpoint_group_on_443_with_the_port_configured() -> None:
    """The same, told 5439 (``--service-port``): SG003 on ``analytics-clients``, high — right, no
    client gets in on the cluster's port; its ready fix admits TCP 5439 from the client VPC's block.
    SG002 on ``redshift-endpoint``, medium — right, 443 serves nothing there; its fix admits 5439
    from ``sql-clients`` and revokes the 443 rule. Both say the port was configured."""
    snapshot, ids = _built(**GROUP_ON_443)
    fired = {("SG003", ids["endpoint"], "fail"), ("SG002", ids["endpoint_sg"], "fail")}
    expected = _canonical(ids) - {("SG003", ids["endpoint"], "not_evaluated"),
                                  ("SG002", ids["endpoint_sg"], "not_evaluated")} | fired
    assert audit(snapshot, _port(ids)) == expected
    levels = severities(snapshot, _port(ids))
    assert (levels[("SG003", ids["endpoint"], "")], levels[("SG002", ids["endpoint_sg"], "")]) == ("high", "medium")
    findings = {f.rule_id: f for f in audit_result(snapshot, _port(ids)).findings
                if f.rule_id in ("SG002", "SG003") and f.status.value == "fail"}
    assert "TCP 5439 (configured for" in findings["SG003"].message
    (step,) = findings["SG003"].fix
    assert (step.action, step.parameters["IpPermissions"][0]["FromPort"], step.ready) \
        == ("ec2:AuthorizeSecurityGroupIngress", REDSHIFT_PORT, True)
    assert "allows inbound TCP 443 from" in findings["SG002"].message


def test_near_miss_clients_letting_out_443_only_goes_unreported() -> None:
    """``sql-clients`` lets out TCP 443 only: the clients' connections to 5439 never leave their
    instances. The audit is the canonical one, and stays so with 5439 configured. A gap, pinned:
    SG005 judges AWS-service, Lattice and gateway endpoints only ("A PrivateLink service's port is
    unknown and its clients are not known"); here both are known once configured — the endpoint's
    group admits ``sql-clients`` by reference, so its members are the clients."""
    snapshot, ids = _built(**CLIENTS_OUT_ON_443)
    assert _audited(**CLIENTS_OUT_ON_443) == _canonical(ids)
    assert not {t for t in audit(snapshot, _port(ids)) if t[0] == "SG005"}
    groups = {g.group_id: g for g in snapshot.accounts[0].regions[0].security_groups}
    assert [(x.ip_protocol, x.from_port) for x in groups[ids["clients_sg"]].rules if x.is_egress] == [("tcp", 443)]


def test_an_eni_in_each_client_az_clears_the_az_rules() -> None:
    """The other reading (an ENI in each subnet of the group, not what the guide says): IFE001 and
    IFE002 on ``analytics-clients`` go; the clients in use1-az1 only, with the documented one ENI:
    IFE002 goes and IFE001 stays not evaluated. So the not-evaluated pair of the canonical form is
    the one-AZ endpoint's, as it should be."""
    _, spread = _built(endpoint_azs=(1, 2))
    assert _audited(endpoint_azs=(1, 2)) == _canonical(spread) - {
        ("IFE001", spread["endpoint"], "not_evaluated"), ("IFE002", spread["endpoint"], "not_evaluated")}
    _, one_az = _built(client_azs=(1,))
    assert _audited(client_azs=(1,)) == _canonical(one_az) - {("IFE002", one_az["endpoint"], "not_evaluated")}
