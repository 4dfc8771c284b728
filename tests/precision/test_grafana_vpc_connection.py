"""An Amazon Managed Grafana workspace with an outbound VPC connection, querying Amazon Managed
Service for Prometheus and CloudWatch through interface endpoints and a self-managed Prometheus
server in the VPC (Amazon Managed Grafana User Guide, VPC connections): every finding and its
verdict (docs/precision.md). The counter-case to layouts whose managed interfaces call no AWS
service: Grafana's interfaces do, and must count as clients."""

from __future__ import annotations

from dataclasses import replace
from functools import cache

from aws_layout import audit, region_view
from layouts import grafana_vpc_connection
from layouts.grafana_vpc_connection import AMP_SERVICE, CLOUDWATCH_SERVICES, GRAFANA_TAG, HTTPS, PROMETHEUS_PORT

from vpcaudit.snapshot import resources as r
from vpcaudit.snapshot.model import Snapshot

Triples = set[tuple[str, str, str]]
Built = tuple[Snapshot, dict[str, str]]


@cache
def _built(endpoint_sources: str = "both", grafana_azs: str = "ab", grafana_egress: str = "narrow",
           cloudwatch_endpoints: bool = True) -> Built:
    return grafana_vpc_connection.build(endpoint_sources=endpoint_sources, grafana_azs=grafana_azs,
                                        grafana_egress=grafana_egress, cloudwatch_endpoints=cloudwatch_endpoints)


def _grafana_enis(ids: dict[str, str]) -> list[str]:
    return [v for k, v in sorted(ids.items()) if k.startswith("grafana_eni")]


def _endpoints(ids: dict[str, str]) -> list[str]:
    return [ids[k] for k in (AMP_SERVICE, *CLOUDWATCH_SERVICES) if k in ids]


def _baseline(ids: dict[str, str]) -> Triples:
    """Right, as advice. MON001: no flow log. POL001 on each endpoint: AWS's default full-access
    policy (``aps-workspaces``, ``monitoring`` and ``logs`` all take endpoint policies)."""
    return {("MON001", ids["vpc"], "fail"), *(("POL001", e, "fail") for e in _endpoints(ids))}


def test_the_snapshot_is_the_guides_vpc_connection() -> None:
    """The builder against the guide: the connection's two private subnets in two AZs, one Grafana
    interface in each, carrying ``grafana-workspace`` (no inbound rule; out TCP 443 to ``vpce`` and
    TCP 9090 to ``prometheus``), typed ``interface``, not requester-managed, no RequesterId, no
    description, tagged ``AmazonGrafanaManaged`` as the service-linked role's policy requires; the
    endpoints in the same two AZs behind ``vpce`` (443 from Grafana's and Prometheus's groups); no
    internet or NAT gateway."""
    snapshot, ids = _built()
    region = snapshot.accounts[0].regions[0]
    groups = {g.group_id: g for g in region.security_groups}
    grafana = groups[ids["grafana_sg"]]
    assert sorted((x.is_egress, x.from_port, x.referenced_group_id) for x in grafana.rules) \
        == sorted([(True, HTTPS, ids["endpoint_sg"]), (True, PROMETHEUS_PORT, ids["prometheus_sg"])])
    assert sorted((x.from_port, x.referenced_group_id) for x in groups[ids["endpoint_sg"]].rules if not x.is_egress) \
        == sorted([(HTTPS, ids["grafana_sg"]), (HTTPS, ids["prometheus_sg"])])
    assert not region.internet_gateways and not region.nat_gateways

    view = region_view(snapshot)
    enis = [view.interfaces[e] for e in _grafana_enis(ids)]
    assert {(e.interface_type, e.requester_managed, e.requester_id, e.description, e.group_ids) for e in enis} \
        == {("interface", False, None, "", (ids["grafana_sg"],))}
    assert all(r.tag_value(e.tags, GRAFANA_TAG) == "true" for e in enis)
    assert sorted(view.az_id_of(e.subnet_id) for e in enis) == ["use1-az1", "use1-az2"]
    for endpoint in _endpoints(ids):
        assert view.endpoint_az_ids(view.endpoints[endpoint]) == {"use1-az1", "use1-az2"}


def test_grafanas_interfaces_are_clients_of_every_endpoint() -> None:
    """Grafana's interfaces call AWS services from the VPC: "After you configure the VPC data source
    connection, all traffic flows via your VPC", and CloudWatch and Amazon Managed Service for
    Prometheus are reached "through AWS PrivateLink" from it ("Otherwise, connectivity to those data
    sources is lost"). So they are workloads and clients of ``aps-workspaces``, ``monitoring`` and
    ``logs`` — right. Nothing in the network model sets them apart: typed ``interface``, they match
    no managed kind (DB instance, Redshift, ElastiCache, EMR), no description the exclusions read
    (EFS, ELB, EKS, OpenSearch, MSK, Route 53 Resolver), neither CloudFront's tag or group nor
    FSx's tag. The same holds for the readings AWS leaves open: reported requester-managed with a
    RequesterId, or with a description."""
    snapshot, ids = _built()
    view = region_view(snapshot)
    grafana = {view.interfaces[e] for e in _grafana_enis(ids)}
    for key in (AMP_SERVICE, *CLOUDWATCH_SERVICES):
        assert grafana <= set(view.client_enis(ids["vpc"], key))
    for eni in grafana:
        for variant in (eni, replace(eni, requester_managed=True, requester_id="AROAEXAMPLEGRAFANA:grafana"),
                        replace(eni, description="Amazon Managed Grafana workspace g-0123456789")):
            assert view.is_workload(variant) and view.managed_kind_of(variant) is None
            assert view.may_call(variant, AMP_SERVICE) and view.may_call(variant, "monitoring")


def test_findings_and_verdicts_as_the_guide_sets_it_up() -> None:
    """The canonical form: the advice baseline alone. Silent, rightly: SG003 (``vpce`` admits both
    client groups), SG005 (``grafana-workspace`` sends 443 to ``vpce``), IFE002 (the endpoints and
    the clients share use1-az1 and use1-az2), IFE001 (two AZs), SG001/SG002/SG004/SG006, IFE003
    (no bundle is started: no Session Manager, ECR or ECS endpoint, no canary), the NAT and gateway
    endpoint rules (no NAT gateway: nothing reaches S3 or DynamoDB through one), ACL001 (default
    NACL), DNS001-DNS005 (both attributes on, no zone)."""
    snapshot, ids = _built()
    assert audit(snapshot) == _baseline(ids)


def _amp_in_default_group(ids: dict[str, str], default_group: str) -> Triples:
    """Right. SG003 (high) on ``aps-workspaces``: the VPC's default group admits its members only,
    and no workload carries it, so Grafana's queries and the Prometheus server's calls all time out
    ("If this parameter is not specified, we use the default security group for the VPC",
    CreateVpcEndpoint; the Prometheus guide's endpoint is created for Grafana). SG005 (medium) on
    ``grafana-workspace``: its 443 goes to ``vpce`` only, so Grafana's interfaces cannot send to the
    endpoint either — right, the group's egress is narrowed to the endpoints' group. SG002 (medium)
    on the default group: all traffic from itself on an endpoint using TCP 443 only — right; its
    fix, a group of the endpoint's own, is this near miss's fix."""
    return {("SG003", ids[AMP_SERVICE], "fail"), ("SG005", ids["grafana_sg"], "fail"),
            ("SG002", default_group, "fail")}


def test_near_miss_amp_endpoint_in_the_default_group() -> None:
    """``aps-workspaces`` created without ``SecurityGroupIds``: in the VPC's default group."""
    snapshot, ids = _built(endpoint_sources="default-group")
    view = region_view(snapshot)
    default_group = view.endpoints[ids[AMP_SERVICE]].group_ids[0]
    assert view.security_groups[default_group].group_name == "default"
    assert audit(snapshot) == _baseline(ids) | _amp_in_default_group(ids, default_group)


def test_near_miss_endpoints_admitting_prometheus_alone_go_unreported() -> None:
    """``vpce`` admitting TCP 443 from ``prometheus`` alone: Grafana's interfaces, clients of all
    three endpoints, are refused, and the workspace's AMP and CloudWatch panels fail. A gap,
    pinned: SG003 fires only when no client gets in (the Prometheus server does), and SG006 leaves
    "a rule naming subnets or a security group of the VPC" as a choice, not second-guessed. The
    snapshot cannot tell a group left out by mistake from one kept out on purpose; Grafana's tag
    could (see the report's proposal)."""
    snapshot, ids = _built(endpoint_sources="prometheus")
    assert audit(snapshot) == _baseline(ids)
    view = region_view(snapshot)
    assert {view.interfaces[e] for e in _grafana_enis(ids)} <= set(view.client_enis(ids["vpc"], AMP_SERVICE))


def _ife002_in_c(ids: dict[str, str]) -> Triples:
    """Right. IFE002 (medium) on each endpoint: Grafana's interface in use1-az4 (subnet ``c``) has
    no endpoint interface in its AZ, so its calls cross to use1-az1/use1-az2 and fail with either
    AZ's endpoint interfaces lost — the guide spreads the connection over AZs for that ("at least
    two Availability Zones"), and the endpoints must follow it."""
    return {("IFE002", e, "fail") for e in _endpoints(ids)}


def test_near_miss_connection_in_an_az_without_endpoints() -> None:
    """The connection's subnets in ``a`` and ``c``, the endpoints in ``a`` and ``b``."""
    snapshot, ids = _built(grafana_azs="ac")
    assert audit(snapshot) == _baseline(ids) | _ife002_in_c(ids)
    view = region_view(snapshot)
    assert {view.az_id_of(view.interfaces[e].subnet_id) for e in _grafana_enis(ids)} == {"use1-az1", "use1-az4"}


def test_near_miss_grafana_group_without_https_egress() -> None:
    """``grafana-workspace`` sending TCP 9090 to ``prometheus`` only. Right: SG005 (medium) on the
    group, naming Grafana's two interfaces and all three endpoints — they cannot open TCP 443 to
    any of them, so the AMP and CloudWatch data sources fail while the self-managed Prometheus
    works (the guide's groups "control the traffic between the VPC and your Amazon Managed Grafana
    workspace")."""
    snapshot, ids = _built(grafana_egress="prometheus")
    assert audit(snapshot) == _baseline(ids) | {("SG005", ids["grafana_sg"], "fail")}


def test_near_miss_cloudwatch_data_source_without_endpoints_goes_unreported() -> None:
    """The CloudWatch data source kept while ``monitoring`` and ``logs`` were never created, and no
    NAT gateway: its queries have no way out of the VPC ("we recommend that you have your VPC
    configured to connect to those data sources … This includes services such as CloudWatch that
    are connected through AWS PrivateLink. Otherwise, connectivity to those data sources is lost").
    A gap, pinned: the snapshot holds no Grafana workspace or its data sources, and IFE003 has no
    bundle a single data source would start; the findings are the baseline's (POL001 on
    ``aps-workspaces`` alone)."""
    snapshot, ids = _built(cloudwatch_endpoints=False)
    assert audit(snapshot) == _baseline(ids)
    assert not any(key in ids for key in CLOUDWATCH_SERVICES)
