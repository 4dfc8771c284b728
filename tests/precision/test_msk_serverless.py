"""An Amazon MSK Serverless cluster with IAM access control and a client instance in its VPC's
private subnets (aws-samples/serverless-patterns' MSKAndKafkaClientEC2.yaml, Serverless): every
finding and its verdict (docs/precision.md)."""

from __future__ import annotations

from functools import cache

from aws_layout import audit, audit_result, region_view
from layouts import msk_serverless
from layouts.msk_serverless import ACCOUNT, KAFKA_IAM

from vpcaudit.network.policy import policy_scope
from vpcaudit.network.view import msk_connection_cluster
from vpcaudit.snapshot.model import RegionSnapshot, Snapshot

Triples = set[tuple[str, str, str]]
Built = tuple[Snapshot, dict[str, str]]
PLAINTEXT_ONLY = {"cluster_ports": (9092,)}
CLIENT_OUTSIDE_CLUSTER_AZS = {"cluster_azs": (1, 2), "client_az": 3}


@cache
def _built(**options: object) -> Built:
    """One snapshot per variant: several tests read the same one."""
    return msk_serverless.build(**options)  # type: ignore[arg-type]


def _region(snapshot: Snapshot) -> RegionSnapshot:
    return snapshot.accounts[0].regions[0]


def _flow_logs(ids: dict[str, str]) -> Triples:
    """Right, medium: the template creates no flow log."""
    return {("MON001", ids["vpc"], "fail")}


def _nat_processing(ids: dict[str, str]) -> Triples:
    """Right (advice), medium and low: the private subnets send S3 traffic (the client's Amazon
    Linux repositories; its user data also installs packages) and any DynamoDB traffic through the
    NAT gateway, paying its processing; the template declares no gateway endpoint."""
    return {("GWE002", ids["vpc"], "fail"), ("GWE003", ids["vpc"], "fail")}


def _single_nat_gateway(ids: dict[str, str]) -> Triples:
    """Right (advice), medium: one NAT gateway in us-east-1a for a private table shared by all
    three AZs. NAT002 on the private subnets of us-east-1b and c, NAT003 once per AZ without one."""
    return {("NAT002", ids["private2"], "fail"), ("NAT002", ids["private3"], "fail"),
            ("NAT003", ids["vpc"], "fail")}


def _cluster_port_unknown(ids: dict[str, str]) -> Triples:
    """Right by the catalogue, not evaluated: the cluster's endpoint is a PrivateLink service MSK
    owns, absent from DescribeVpcEndpointServices and untagged, so nothing collected says its port
    is 9098 (IAM from within AWS, the guide's port page). SG003 cannot tell whether the group's
    ports are the service's, SG002 which are extra — though 2181, 8081, 8083 and 9092-9096 are
    ports MSK Serverless does not serve (IAM only). A gap, pinned."""
    return {("SG003", ids["cluster"], "not_evaluated"), ("SG002", ids["cluster_sg"], "not_evaluated")}


def _baseline(ids: dict[str, str]) -> Triples:
    return _flow_logs(ids) | _nat_processing(ids) | _single_nat_gateway(ids) | _cluster_port_unknown(ids)


def test_the_snapshot_is_the_template() -> None:
    """The builder against the template: one VPC, one public and three private subnets, the
    cluster's group admitting the template's seven ports from the client group and 9092-9098 from
    itself, the client in the first private subnet."""
    snapshot, ids = _built()
    region = _region(snapshot)
    assert sorted(s.cidr_block for s in region.subnets) == [f"10.0.{n}.0/24" for n in range(4)]
    groups = {g.group_id: g for g in region.security_groups}
    ingress = sorted((x.from_port, x.to_port, x.referenced_group_id) for x in groups[ids["cluster_sg"]].rules
                     if not x.is_egress)
    assert ingress == sorted([(p, p, ids["client_sg"]) for p in (2181, 8081, 8083, 9092, 9094, 9096, KAFKA_IAM)]
                             + [(9092, KAFKA_IAM, ids["cluster_sg"])])
    client = next(e for e in region.network_interfaces if e.network_interface_id == ids["client"])
    assert (client.subnet_id, client.group_ids) == (ids["private1"], (ids["client_sg"],))


def test_the_cluster_endpoint_as_describe_vpc_endpoints_reports_it() -> None:
    """Assumed (AWS documents none of it): an Interface endpoint of this account, requester-managed,
    to an endpoint service MSK owns, in the three private subnets behind the cluster's group, no
    policy, private DNS off, no tags. Not a managed VPC connection's (no ``AWSMSKManaged``), and the
    POL rules leave it out of scope (not an AWS service's endpoint by name): POL001/POL002 silent,
    rightly — there is no policy document, and none could be set on MSK's endpoint."""
    snapshot, ids = _built()
    endpoint = next(e for e in _region(snapshot).vpc_endpoints if e.vpc_endpoint_id == ids["cluster"])
    assert (endpoint.endpoint_type, endpoint.owner_id, endpoint.requester_managed, endpoint.private_dns_enabled,
            endpoint.policy_document, endpoint.tags) == ("Interface", ACCOUNT, True, False, None, ())
    assert endpoint.service_name.startswith("com.amazonaws.vpce.us-east-1.vpce-svc-")
    assert endpoint.subnet_ids == tuple(sorted(ids[f"private{k}"] for k in (1, 2, 3)))
    assert endpoint.group_ids == (ids["cluster_sg"],)
    assert msk_connection_cluster(endpoint) is None
    assert policy_scope(region_view(snapshot), endpoint) == (False, "")


def test_findings_and_verdicts() -> None:
    """The canonical form: MON001, GWE002/GWE003, NAT002 ×2, NAT003, SG003 and SG002 not evaluated.
    Silent, rightly: POL001/POL002 (no policy; not an AWS service's endpoint), DNS003 (private DNS
    off on MSK's own service, whose bootstrap name MSK resolves), IFE001/IFE002 (three AZs, the
    client in one of them), IFE004 (available), IFE005 (one endpoint per VPC configuration),
    IFE006 (no metrics collected), SG001/SG004 (group-referenced sources), SG005 (the client
    sends all traffic), ACL001 (default NACL), RT001."""
    snapshot, ids = _built()
    assert audit(snapshot) == _baseline(ids)


def test_near_miss_cluster_admits_plaintext_only() -> None:
    """The cluster's group admitting TCP 9092 from the clients instead of 9098: MSK Serverless
    takes IAM on 9098 only, so every bootstrap times out. A gap, pinned: the audit is the canonical
    one — SG003 and SG002 not evaluated, now saying 9092 "may be the port" — because nothing in the
    snapshot names the endpoint's service or port."""
    snapshot, ids = _built(**PLAINTEXT_ONLY)
    assert audit(snapshot) == _baseline(ids)
    finding = next(f for f in audit_result(snapshot).findings if f.rule_id == "SG002")
    assert "TCP 9092 from" in finding.message and "TCP 9098 from" not in finding.message


def test_near_miss_client_outside_the_cluster_azs() -> None:
    """The cluster's VPC configuration given the private subnets of us-east-1a and b ("at least two
    different Availability Zones that host your client applications"), the client in us-east-1c:
    its Kafka traffic crosses AZs and depends on AZs it does not run in. IFE002 not evaluated —
    right by the catalogue (MSK's service and the AZs it is offered in are not listed); a gap,
    pinned, as on the multi-VPC connection."""
    snapshot, ids = _built(**CLIENT_OUTSIDE_CLUSTER_AZS)
    assert audit(snapshot) == _baseline(ids) | {("IFE002", ids["cluster"], "not_evaluated")}


def test_idle_cluster_endpoint_is_left_to_msk() -> None:
    """A cluster nobody used for 14 days (``BytesProcessed`` 0). Rule wrong, fixed: IFE006 fired, low,
    ~$21.90 a month, and proposed ``ec2:DeleteVpcEndpoints``, which EC2 refuses on a requester-managed
    endpoint ("Operation is not allowed for requester-managed VPC endpoints"; such endpoints are
    created by an AWS managed service and go when its resource is deleted, re:Post Knowledge Center,
    "Why can't I delete a requester-managed Amazon VPC endpoint?"); whether MSK bills the account for
    its own endpoint is not documented either (MSK Serverless is priced by cluster-hour,
    partition-hour, data and storage). IFE006 no longer judges an endpoint its service manages (MSK's
    managed VPC connections aside). NAT004 silent: the NAT gateway carries the client's traffic."""
    snapshot, ids = _built(idle=True)
    assert audit(snapshot) == _baseline(ids)
