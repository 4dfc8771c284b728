"""An Amazon MSK provisioned cluster with IAM-authenticated clients in its VPC and a second VPC
reaching it through an MSK managed VPC connection (terraform-aws-msk-kafka-cluster's complete
example, read with the MSK Developer Guide's multi-VPC private connectivity pages): every finding
and its verdict (docs/precision.md)."""

from __future__ import annotations

from functools import cache

import pytest
from aws_layout import audit, audit_result, region_view, severities
from layouts import msk_multi_vpc
from layouts.msk_multi_vpc import ACCOUNT, BROKER_DESCRIPTION, CLUSTER_ARN, CONNECTION_CIDR, KAFKA_IAM

from vpcaudit.network.policy import policy_scope
from vpcaudit.snapshot.model import RegionSnapshot, Snapshot

Triples = set[tuple[str, str, str]]
Built = tuple[Snapshot, dict[str, str]]
READINGS = pytest.mark.parametrize("options", [
    {}, {"auth": "scram"}, {"service_listed": True}, {"broker_requester_managed": True}],
    ids=["IAM (canonical)", "SCRAM (as published)", "service listed", "brokers' interfaces requester-managed"])
WITH_API_ENDPOINT = {"kafka_endpoint": True}
API_ENDPOINT_WHERE_CLIENTS_RUN = {"kafka_endpoint": True, "kafka_azs": (1, 2)}


@cache
def _built(**options: object) -> Built:
    """One snapshot per variant: several tests read the same one."""
    return msk_multi_vpc.build(**options)  # type: ignore[arg-type]


@cache
def _audited(**options: object) -> frozenset[tuple[str, str, str]]:
    return frozenset(audit(_built(**options)[0]))


def _region(snapshot: Snapshot) -> RegionSnapshot:
    return snapshot.accounts[0].regions[0]


def _flow_logs(ids: dict[str, str]) -> Triples:
    """Right, medium: neither VPC module call creates a flow log."""
    return {("MON001", ids["vpc"], "fail"), ("MON001", ids["connection_vpc"], "fail")}


def _nat_processing(ids: dict[str, str]) -> Triples:
    """Right (advice), medium and low: each VPC's private and database subnets send S3 (the client
    instances' Amazon Linux repositories) and DynamoDB traffic through the NAT gateway, paying its
    processing; neither module call asks for a gateway endpoint."""
    return {(rule, ids[vpc], "fail") for rule in ("GWE002", "GWE003") for vpc in ("vpc", "connection_vpc")}


def _single_nat_gateway(ids: dict[str, str]) -> Triples:
    """Right (advice), medium: ``single_nat_gateway`` in both VPCs. NAT002 on the private and
    database subnets of us-east-1b and c (one shared private table to the NAT gateway in
    us-east-1a: cross-AZ processing and a dependency on that AZ), NAT003 on each VPC (one finding
    per AZ without a NAT gateway, two per VPC). AWS recommends a NAT gateway per AZ; the example
    trades that for cost."""
    cross = {("NAT002", ids[f"{prefix}{tier}{k}"], "fail")
             for prefix in ("", "connection_") for tier in ("private", "database") for k in (2, 3)}
    return cross | {("NAT003", ids["vpc"], "fail"), ("NAT003", ids["connection_vpc"], "fail")}


def _connection_port_unknown(ids: dict[str, str]) -> Triples:
    """Right by the catalogue, not evaluated: the managed connection's endpoint is a PrivateLink
    service whose port DescribeVpcEndpointServices does not publish, and its group opens some TCP
    ports (9092 and 9094 from the private subnets, 14001-14003 from the VPC) to the remote
    consumer. SG003 cannot tell whether they are the service's, SG002 which ones are extra. The
    guide's "Port information" lists no port for multi-VPC connectivity; only the example's
    comment says the connection's load balancer listens on 14001-14100 — a gap (see the near miss
    with the cluster's port)."""
    return {("SG003", ids["connection"], "not_evaluated"), ("SG002", ids["connection_sg"], "not_evaluated")}


def _baseline(ids: dict[str, str]) -> Triples:
    return _flow_logs(ids) | _nat_processing(ids) | _single_nat_gateway(ids) | _connection_port_unknown(ids)


def _api_endpoint_policy(ids: dict[str, str]) -> Triples:
    """Right (advice), medium: the MSK API endpoint keeps AWS's default full access."""
    return {("POL001", ids["kafka"], "fail")}


def test_the_snapshot_is_the_example() -> None:
    """The builder against the example: two module VPCs of three AZs, the brokers' group admitting
    the IAM port from the private subnets and sending nothing out, one interface per broker as a
    public export shows MSK's, the connection's group with the example's rules."""
    snapshot, ids = _built()
    region = _region(snapshot)
    assert sorted(v.cidr_blocks for v in region.vpcs) == [("10.0.0.0/16",), ("10.1.0.0/16",)]
    assert sorted(s.cidr_block for s in region.subnets if s.vpc_id == ids["vpc"]) == [
        f"10.0.{n}.0/24" for n in range(9)]
    assert {s.availability_zone_id for s in region.subnets} == {"use1-az1", "use1-az2", "use1-az4"}
    groups = {g.group_id: g for g in region.security_groups}
    assert sorted((x.is_egress, x.from_port, x.cidr_ipv4) for x in groups[ids["broker_sg"]].rules) == [
        (False, KAFKA_IAM, f"10.0.{n}.0/24") for n in (3, 4, 5)]
    assert sorted((x.is_egress, x.from_port, x.to_port, x.cidr_ipv4) for x in groups[ids["connection_sg"]].rules) == [
        (False, 9092, 9092, "10.1.3.0/24"), (False, 9092, 9092, "10.1.4.0/24"), (False, 9092, 9092, "10.1.5.0/24"),
        (False, 9094, 9094, "10.1.3.0/24"), (False, 9094, 9094, "10.1.4.0/24"), (False, 9094, 9094, "10.1.5.0/24"),
        (False, 14001, 14003, CONNECTION_CIDR)]
    enis = {e.network_interface_id: e for e in region.network_interfaces}
    brokers = [enis[ids[f"broker{k}"]] for k in (1, 2, 3)]
    assert {(e.interface_type, e.requester_managed, e.description, e.group_ids, e.instance_id) for e in brokers} \
        == {("interface", False, BROKER_DESCRIPTION, (ids["broker_sg"],), None)}
    assert [e.subnet_id for e in brokers] == [ids[f"private{k}"] for k in (1, 2, 3)]
    assert brokers[0].description == f"DO NOT DELETE - Amazon MSK network interface for cluster {CLUSTER_ARN}."


def test_the_managed_connection_as_describe_vpc_endpoints_reports_it() -> None:
    """An Interface endpoint of this account (the client's identity policy creates it), not
    requester-managed, to an endpoint service MSK owns, tagged as MSK's service-linked role and
    AmazonMSKFullAccess require of the endpoints MSK manages, private DNS on, no policy, one
    interface per client subnet; the POL rules leave it out of scope (not an AWS service's
    endpoint), rightly."""
    snapshot, ids = _built()
    endpoint = next(e for e in _region(snapshot).vpc_endpoints if e.vpc_endpoint_id == ids["connection"])
    assert (endpoint.endpoint_type, endpoint.owner_id, endpoint.requester_managed, endpoint.private_dns_enabled,
            endpoint.policy_document, endpoint.vpc_id) \
        == ("Interface", ACCOUNT, False, True, None, ids["connection_vpc"])
    assert endpoint.service_name.startswith("com.amazonaws.vpce.us-east-1.vpce-svc-")
    assert {(t.key, t.value) for t in endpoint.tags} == {("AWSMSKManaged", "true"), ("ClusterArn", CLUSTER_ARN)}
    assert endpoint.subnet_ids == tuple(sorted(ids[f"connection_private{k}"] for k in (1, 2, 3)))
    assert endpoint.group_ids == (ids["connection_sg"],)
    assert len(endpoint.network_interface_ids) == 3
    assert policy_scope(region_view(snapshot), endpoint) == (False, "")


@READINGS
def test_findings_and_verdicts(options: dict[str, object]) -> None:
    """The canonical form, the example as published (SCRAM: 9092/9094/9096 on the brokers), the
    connection's service listed in DescribeVpcEndpointServices, and the brokers' interfaces read
    as requester-managed: MON001 ×2, GWE002/GWE003 ×2, NAT002 ×8, NAT003 ×2, SG003 and SG002 not
    evaluated on the connection. Silent, rightly: IFE001/IFE002 (the connection in all three AZs),
    SG001/SG004 (private sources), SG005 (no AWS-service endpoint; the clients send all traffic),
    DNS001-DNS005 (both attributes on, no zone), ACL001 (the modules' allow-all NACLs), the POL
    rules (no AWS-service endpoint), IFE003, IFE005, RT001."""
    snapshot, ids = _built(**options)
    assert audit(snapshot) == _baseline(ids)
    levels = severities(snapshot)
    assert {key[2] for key in levels if key[0] == "NAT003"} == {"use1-az2", "use1-az4"}
    assert {level for key, level in levels.items() if key[0].startswith(("NAT", "MON", "GWE002"))} == {"medium"}
    assert {level for key, level in levels.items() if key[0] == "GWE003"} == {"low"}


def test_the_brokers_interfaces_are_no_clients() -> None:
    """Rule wrong, fixed (the brokers' interfaces counted as workloads). The cluster VPC's
    workloads are the producer and the consumer. The brokers' interfaces
    (``DO NOT DELETE - Amazon MSK network interface for cluster <ARN>.``, attached to no instance of
    the account) are the cluster's inbound side: "AWS creates elastic network interfaces inside
    these subnets. Client applications use elastic network interfaces to produce and consume
    data" (MSK API reference, BrokerNodeGroupInfo ClientSubnets); MSK's service-linked role
    manages "network interfaces in the customer account that make cluster brokers accessible to
    clients in the customer VPC" (service-linked role permissions). What the cluster calls it calls
    on MSK's side: SCRAM secrets are read by ``kafka.amazonaws.com``, broker logs go through
    CloudWatch Logs log delivery, encryption through KMS grants, tiered storage is MSK's."""
    snapshot, ids = _built()
    workloads = {e.network_interface_id for e in region_view(snapshot).workload_enis(ids["vpc"])}
    assert workloads == {ids["producer"], ids["consumer"]}


def test_with_the_msk_api_endpoint() -> None:
    """Rule wrong, fixed (SG005 fired on the brokers' group). Put to use: the MSK API endpoint in
    the three private subnets. POL001 (advice) alone: the
    brokers' group sends nothing out — terraform-aws-security-group adds no egress rule — but its
    only members are the brokers' interfaces, which call no AWS API (above); the clients, which
    may fetch bootstrap brokers through it, send all traffic."""
    snapshot, ids = _built(**WITH_API_ENDPOINT)
    assert audit(snapshot) == _baseline(ids) | _api_endpoint_policy(ids)


def test_msk_api_endpoint_where_the_clients_run() -> None:
    """Rule wrong, fixed (IFE002 counted the broker in us-east-1c). The MSK API endpoint in
    us-east-1a and b only, where the producer and the consumer run: POL001 alone. No client runs in
    us-east-1c; the broker there calls nothing from its interface."""
    snapshot, ids = _built(**API_ENDPOINT_WHERE_CLIENTS_RUN)
    assert audit(snapshot) == _baseline(ids) | _api_endpoint_policy(ids)


def test_near_miss_connection_in_the_default_group() -> None:
    """The connection created with the connection VPC's default group, as the tutorial allows ("You
    can use the default security group"): SG003, high. Right: terraform-aws-vpc strips that group of
    every rule (``manage_default_security_group``), so the endpoint admits nobody and every bootstrap
    times out (in a VPC whose default group keeps AWS's rules it would admit only its members, not
    the consumer's own group). Its fix opens a port that waits for MSK's to be named. SG002 goes:
    no group of the connection has rules to judge."""
    snapshot, ids = _built(connection_group="default")
    assert audit(snapshot) == _flow_logs(ids) | _nat_processing(ids) | _single_nat_gateway(ids) | {
        ("SG003", ids["connection"], "fail")}
    assert severities(snapshot)[("SG003", ids["connection"], "")] == "high"
    (step,) = next(f for f in audit_result(snapshot).findings if f.rule_id == "SG003").fix
    assert (step.action, step.parameters["GroupId"], step.ready) \
        == ("ec2:AuthorizeSecurityGroupIngress", ids["connection_default_sg"], False)


def test_near_miss_connection_group_copied_from_the_cluster() -> None:
    """The connection's group given the cluster's rule — TCP 9098 from the private subnets — and
    nothing on 14001-14100: the remote consumer's bootstrap times out. A gap, pinned: the audit is
    the canonical one, SG003 and SG002 not evaluated, because the port of MSK's endpoint service is
    not collected (nor published by the guide's port page) even though the endpoint's
    ``AWSMSKManaged`` tag says whose it is."""
    snapshot, ids = _built(connection_rules="iam")
    assert audit(snapshot) == _baseline(ids)
    finding = next(f for f in audit_result(snapshot).findings if f.rule_id == "SG003")
    assert "10.1.0.0/16" not in finding.message


@pytest.mark.parametrize("listed", [False, True], ids=["service not listed", "service listed"])
def test_near_miss_connection_in_two_azs(listed: bool) -> None:
    """The connection given the private subnets of us-east-1a and b ("Choose at least two
    Availability Zones"), the remote consumer in us-east-1c. Not listed (the reading built
    elsewhere): IFE002 not evaluated — right by the catalogue, the AZs MSK's service is offered in
    are unknown. Listed with the cluster's three AZs: IFE002, medium, naming the consumer's subnet —
    right, its Kafka traffic crosses AZs and depends on two AZs it does not run in."""
    snapshot, ids = _built(connection_azs=(1, 2), service_listed=listed)
    status = "fail" if listed else "not_evaluated"
    assert audit(snapshot) == _baseline(ids) | {("IFE002", ids["connection"], status)}
    if listed:
        assert severities(snapshot)[("IFE002", ids["connection"], "")] == "medium"
        finding = next(f for f in audit_result(snapshot).findings if f.rule_id == "IFE002")
        assert finding.evidence["client_subnet_ids"] == [ids["connection_private3"]]


def test_near_miss_brokers_admit_the_producer_only() -> None:
    """The brokers' group rewritten to admit TCP 9098 from the producer's group only: every
    consumer call times out. A gap, pinned: no rule judges a group no endpoint carries against the
    clients it should admit (as on the OpenSearch domain's)."""
    snapshot, ids = _built(broker_sources=("producer",))
    assert audit(snapshot) == _baseline(ids)
    groups = {g.group_id: g for g in _region(snapshot).security_groups}
    assert [x.referenced_group_id for x in groups[ids["broker_sg"]].rules] == [ids["producer_sg"]]


def test_idle_connection() -> None:
    """The remote consumer stopped for 14 days (``BytesProcessed`` 0, metrics collected): IFE006,
    low, ~$21.90 a month for three AZs. The finding is right: the connection owner keeps paying
    ("A rejected connection still incurs cost until its deleted by the connection owner"; "Once a
    VPC connection is deleted, it no longer incurs cost"); the price is PrivateLink's per-AZ rate,
    MSK's own price for a connection not checked. Its fix deletes the connection (below). NAT004
    silent: both NAT gateways carry traffic. Rule wrong, fixed (the message said a remaining client
    "falls back to its default route", as for an AWS service's endpoint with private DNS): the
    remote consumer bootstraps from the connection's own broker names (GetBootstrapBrokers'
    ``BootstrapBrokerStringVpcConnectivity…``), which lead only to this endpoint, so the message
    says a remaining client of the connection loses its path to the cluster."""
    snapshot, ids = _built(idle=True)
    assert audit(snapshot) == _baseline(ids) | {("IFE006", ids["connection"], "fail")}
    finding = next(f for f in audit_result(snapshot).findings if f.rule_id == "IFE006")
    assert (finding.severity.value, finding.monthly_cost_usd) == ("low", 21.9)
    assert finding.message.endswith(
        f"it belongs to an Amazon MSK managed VPC connection to cluster {CLUSTER_ARN}, and any remaining client of the "
        "connection loses its path to the cluster once the connection is deleted.")


def test_idle_connection_is_deleted_through_msk() -> None:
    """Rule wrong, fixed (IFE006 deleted the endpoint with DeleteVpcEndpoints). The endpoint
    belongs to a managed VPC connection: "To delete a managed VPC connection using the API, use
    the DeleteVpcConnection API" and "Once a VPC connection is deleted, it no longer incurs cost"
    (MSK Developer Guide, delete a managed VPC connection); MSK's service-linked role manages the
    endpoints it tags ``AWSMSKManaged``. Deleting the endpoint under the connection leaves the
    connection, which is what is billed. The tags name the cluster, not the connection, whose ARN
    MSK assigns: the step waits for it, saying where to read it (ListVpcConnections, the entry
    with the connection VPC and the cluster)."""
    snapshot, ids = _built(idle=True)
    finding = next(f for f in audit_result(snapshot).findings if f.rule_id == "IFE006")
    (step,) = finding.fix
    assert (step.action, step.parameters, step.resource_id, step.ready) == (
        "kafka:DeleteVpcConnection", {"Arn": {"placeholder": f"ARN of the MSK VPC connection of {ids['connection']}"}},
        ids["connection"], False)
    lookup = f"whose VpcId is {ids['connection_vpc']} and whose TargetClusterArn is {CLUSTER_ARN}"
    assert lookup in (step.decision or "")
    assert "deleting the connection removes the endpoint and its charge" in step.description


def test_the_cost_table_bills_the_connection_owner() -> None:
    """The cost table lists the connection's endpoint in the connection VPC (the account that
    created the connection pays for it, the guide's reject and delete pages) at three AZs,
    ~$21.90 a month, and each VPC's NAT gateway; the cluster VPC has no endpoint line."""
    snapshot, ids = _built(idle=True)
    lines = {(c.vpc_id, c.item, c.resource_id): (c.az_count, c.monthly_fixed_usd) for c in audit_result(snapshot).costs}
    assert lines == {(ids["connection_vpc"], "interface-endpoint", ids["connection"]): (3, 21.9),
                     (ids["vpc"], "nat-gateway", ids["nat"]): (1, 32.85),
                     (ids["connection_vpc"], "nat-gateway", ids["connection_nat"]): (1, 32.85)}


def test_rejected_connection_is_deleted_through_msk() -> None:
    """Rule wrong, fixed (IFE004 deleted the endpoint with DeleteVpcEndpoints). The cluster owner
    rejected the connection, its endpoint read as rejected (assumed: AWS does not document the
    endpoint's state after RejectClientVpcConnection): IFE004, high, ~$21.90 a month — right, "A
    rejected connection still incurs cost until its deleted by the connection owner" (MSK
    Developer Guide, reject a managed VPC connection), and MSK has no call that accepts it again.
    Its fix deletes the connection, as IFE006's does, with DeleteVpcConnection. SG003 and SG002
    go: a rejected endpoint carries nothing for its group to admit."""
    snapshot, ids = _built(connection_state="rejected")
    assert audit(snapshot) == _flow_logs(ids) | _nat_processing(ids) | _single_nat_gateway(ids) | {
        ("IFE004", ids["connection"], "fail")}
    finding = next(f for f in audit_result(snapshot).findings if f.rule_id == "IFE004")
    assert (finding.severity.value, finding.monthly_cost_usd) == ("high", 21.9)
    (step,) = finding.fix
    assert (step.action, step.parameters, step.resource_id, step.ready) == (
        "kafka:DeleteVpcConnection", {"Arn": {"placeholder": f"ARN of the MSK VPC connection of {ids['connection']}"}},
        ids["connection"], False)
    lookup = f"whose VpcId is {ids['connection_vpc']} and whose TargetClusterArn is {CLUSTER_ARN}"
    assert lookup in (step.decision or "")
