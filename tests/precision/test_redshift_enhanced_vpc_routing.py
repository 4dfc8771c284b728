"""An Amazon Redshift provisioned cluster with enhanced VPC routing in private subnets
(terraform-aws-redshift ``examples/complete`` read with the Redshift Management Guide): every
finding and its verdict (docs/precision.md)."""

from __future__ import annotations

from functools import cache

import pytest
from aws_layout import audit, audit_result, region_view, severities
from layouts import redshift_enhanced_vpc_routing
from layouts.redshift_enhanced_vpc_routing import (
    CLUSTERS,
    DATA_BUCKET,
    NAME,
    REDSHIFT_DESCRIPTION,
    REDSHIFT_PORT,
    REDSHIFT_REQUESTER_ID,
    ROUTED,
    SERVICES,
    UNLOAD_BUCKET,
)
from policy_eval import allows

from vpcaudit.snapshot.model import Snapshot

Triples = set[tuple[str, str, str]]
Built = tuple[Snapshot, dict[str, str]]
THIS_ACCOUNT = {"aws:PrincipalAccount": "123456789012"}
# The services a Redshift cluster with enhanced VPC routing is documented to call from the VPC,
# among those the layout puts to use: Secrets Manager (federated queries) and Glue (Spectrum's
# Data Catalog). Systems Manager is not one of them.
REDSHIFT_CALLS = ("secretsmanager", "glue")
SESSION_MANAGER = ("ssm", "ssmmessages", "ec2messages")


@cache
def _built(**kwargs: object) -> Built:
    """Each variant built once: the snapshot is frozen, and several tests read the same one."""
    return redshift_enhanced_vpc_routing.build(**kwargs)  # type: ignore[arg-type]


@cache
def _audited(**kwargs: object) -> Triples:
    return audit(_built(**kwargs)[0])


def _flow_log(ids: dict[str, str]) -> Triples:
    """Right, medium: neither the example nor the VPC module creates a flow log, and the guide's
    point of enhanced VPC routing is that "you can also use VPC flow logs to monitor COPY and
    UNLOAD traffic"."""
    return {("MON001", ids["vpc"], "fail")}


def _s3_full_access(ids: dict[str, str]) -> Triples:
    """Right (advice), medium: the S3 gateway endpoint keeps AWS's default full access; the guide
    offers endpoint policies "to more closely manage access to your data". None without it."""
    return {("POL001", ids["s3"], "fail")} if "s3" in ids else set()


def _single_az_redshift_endpoints(ids: dict[str, str]) -> Triples:
    """Right by the catalogue, not evaluated: IFE001 on both Redshift-managed endpoints. One ENI
    each ("Amazon Redshift chooses a subnet"), and the AZs of endpoint services Redshift owns are
    not in this account's DescribeVpcEndpointServices."""
    return {("IFE001", ids["relocation"], "not_evaluated"), ("IFE001", ids["endpoint_access"], "not_evaluated")}


def _endpoint_access_port_unknown(ids: dict[str, str]) -> Triples:
    """Right by the catalogue, not evaluated: SG003 on ``ex-complete-example``, whose group admits
    TCP 5439 from the VPC; the port of the service is Redshift's (DescribeEndpointAccess
    ``Port``), not collected. Silent once the clusters carry the group (v6.2.0): its all-traffic
    self-reference then opens every port to workloads."""
    return {("SG003", ids["endpoint_access"], "not_evaluated")}


def _sg002_on_the_example_group(ids: dict[str, str]) -> Triples:
    """Right (advice): ``module.security_group`` carries the Redshift-managed endpoint (and, in the
    v6.2.0 wiring, the relocation endpoint) and admits all traffic from itself (the redshift
    submodule's ``auto_ingress_with_self``); an endpoint takes TCP only. Medium while no workload
    carries the group (v7.1.0), low when the clusters do (v6.2.0), as on MWAA's and Glue's groups."""
    return {("SG002", ids["example_sg"], "fail")}


def _sg003_on_the_relocation_endpoint(ids: dict[str, str]) -> Triples:
    """Right, high. At v7.1.0 the cluster's group, which the relocation endpoint carries, has no
    rule at all: no SQL client reaches the cluster's endpoint on any port. The guide: "This VPC
    security group must allow access over the database port for the cluster so that you can
    connect by using SQL client tools" (``managing-clusters-vpc.md``)."""
    return {("SG003", ids["relocation"], "fail")}


def _sg005_on_the_clusters_s3_path(ids: dict[str, str]) -> Triples:
    """Right, medium (this was a gap): at v7.1.0 the clusters' groups have no rule at all, so even
    through the S3 gateway endpoint ``ex-complete``'s COPY, UNLOAD and CREATE LIBRARY cannot leave
    its interfaces — with enhanced VPC routing "you can use standard VPC features, such as VPC
    security groups", and through a gateway endpoint S3 is still called at its public addresses,
    which "The security groups for these instances must allow". The two other clusters route
    through the internet (enhanced VPC routing off) and are no client. The fix allows TCP 443 to
    S3's prefix list (ready). None without the endpoint."""
    return {("SG005", ids[f"{NAME}_sg"], "fail")} if "s3" in ids else set()


def _canonical(ids: dict[str, str]) -> Triples:
    """The findings of v7.1.0 with the guide's S3 gateway endpoint (POL001 on it, and SG005 on
    ``ex-complete``'s group, only if built)."""
    return (_flow_log(ids) | _s3_full_access(ids) | _single_az_redshift_endpoints(ids)
            | _endpoint_access_port_unknown(ids) | _sg002_on_the_example_group(ids)
            | _sg003_on_the_relocation_endpoint(ids) | _sg005_on_the_clusters_s3_path(ids))


def _v6(ids: dict[str, str]) -> Triples:
    """The findings of v6.2.0's wiring (every cluster on ``module.security_group``)."""
    return _flow_log(ids) | _s3_full_access(ids) | _single_az_redshift_endpoints(ids) | _sg002_on_the_example_group(ids)


def _put_to_use(ids: dict[str, str]) -> Triples:
    """Right (advice). POL001, medium, on the secretsmanager, glue and ssm endpoints (ssmmessages
    and ec2messages support no policy): AWS's default full access. IFE003, info: Session Manager
    endpoints without the optional kms and logs."""
    policies = {("POL001", ids[key], "fail") for key in ("secretsmanager", "glue", "ssm")}
    return policies | {("IFE003", ids["vpc"], "fail")}


def test_the_snapshot_is_the_example() -> None:
    """The builder against the example: three AZs, private and Redshift subnets on the three
    private tables (no route beyond the VPC, no internet or NAT gateway), DNS support and
    hostnames on; ``module.security_group``'s rules and the clusters' rule-less groups; the
    clusters' interfaces as DescribeNetworkInterfaces reports them and the clusters as
    DescribeClusters does, the two Redshift-managed endpoints, the guide's S3 gateway endpoint on
    every table of the Redshift subnets; and how the network model reads the interfaces:
    workloads, each of its cluster (by node address); ``ex-complete``'s clients of the services
    Redshift calls, the two other clusters' of no AWS service (enhanced VPC routing off)."""
    snapshot, ids = _built()
    region = snapshot.accounts[0].regions[0]
    (vpc,) = region.vpcs
    assert (vpc.cidr_blocks, vpc.enable_dns_support, vpc.enable_dns_hostnames) == (("10.0.0.0/16",), True, True)
    assert not region.internet_gateways and not region.nat_gateways
    assert sorted((s.cidr_block, s.availability_zone_id) for s in region.subnets) == [
        ("10.0.0.0/24", "use1-az1"), ("10.0.1.0/24", "use1-az2"), ("10.0.10.0/24", "use1-az1"),
        ("10.0.11.0/24", "use1-az2"), ("10.0.12.0/24", "use1-az4"), ("10.0.2.0/24", "use1-az4")]
    tables = {t.route_table_id: t for t in region.route_tables}
    for k in (1, 2, 3):
        table = tables[ids[f"private_rt{k}"]]
        assert sorted(a.subnet_id for a in table.associations) == sorted([ids[f"private{k}"], ids[f"redshift{k}"]])
        assert [x.target_id for x in table.routes if x.target_kind != "local"] == [ids["s3"]]
    groups = {g.group_id: g for g in region.security_groups}
    assert sorted((x.is_egress, x.ip_protocol, x.from_port or 0, x.cidr_ipv4 or x.cidr_ipv6 or x.referenced_group_id)
                  for x in groups[ids["example_sg"]].rules) == sorted([
        (False, "tcp", REDSHIFT_PORT, "10.0.0.0/16"), (False, "-1", 0, ids["example_sg"]),
        (True, "-1", 0, "0.0.0.0/0"), (True, "-1", 0, "::/0")])
    assert all(not groups[ids[f"{c}_sg"]].rules for c in CLUSTERS)
    view = region_view(snapshot)
    enis = [view.interfaces[ids[f"{c}_eni{m}"]] for c, nodes in CLUSTERS.items() for m in range(1, len(nodes) + 1)]
    assert len(enis) == 6
    assert {(e.interface_type, e.requester_managed, e.requester_id, e.description, e.subnet_id) for e in enis} \
        == {("interface", True, REDSHIFT_REQUESTER_ID, REDSHIFT_DESCRIPTION, ids["redshift1"])}
    assert set(view.workload_enis(ids["vpc"])) == set(enis)
    clusters = {c.cluster_identifier: c for c in region.redshift_clusters}
    assert {k: (c.vpc_id, c.enhanced_vpc_routing, c.group_ids) for k, c in clusters.items()} == {
        k: (ids["vpc"], k in ROUTED, (ids[f"{k}_sg"],)) for k in CLUSTERS}
    for cluster, nodes in CLUSTERS.items():
        mine = [view.interfaces[ids[f"{cluster}_eni{m}"]] for m in range(1, len(nodes) + 1)]
        assert clusters[cluster].node_private_ips == tuple(e.private_ip_addresses[0] for e in mine)
        assert {view.redshift_clusters_of(e) for e in mine} == {(clusters[cluster],)}
    routed = [e for e in enis if view.redshift_clusters_of(e)[0].enhanced_vpc_routing]
    assert len(routed) == len(CLUSTERS[NAME])
    # Clients of the services Redshift calls with enhanced VPC routing on (and of PrivateLink
    # services), of no other's; without it, of PrivateLink services only.
    assert all(view.may_call(e, key) for e in routed for key in ("s3", "secretsmanager", "glue", None))
    assert all(view.may_call(e, None) for e in enis)
    assert not any(view.may_call(e, key) for e in set(enis) - set(routed) for key in ("s3", "secretsmanager", "glue"))
    assert not any(view.may_call(e, key) for e in enis for key in ("ssm", "ssmmessages", "kms"))
    endpoints = {e.vpc_endpoint_id: e for e in region.vpc_endpoints}
    relocation, access = endpoints[ids["relocation"]], endpoints[ids["endpoint_access"]]
    assert (relocation.subnet_ids, relocation.group_ids) == ((ids["redshift1"],), (ids[f"{NAME}_sg"],))
    assert (access.subnet_ids, access.group_ids) == ((ids["private1"],), (ids["example_sg"],))
    for endpoint in (relocation, access):
        assert endpoint.service_name.startswith("com.amazonaws.vpce.us-east-1.vpce-svc-")
        assert (endpoint.endpoint_type, endpoint.private_dns_enabled, endpoint.policy_document) \
            == ("Interface", False, None)
    assert relocation.service_name != access.service_name
    assert endpoints[ids["s3"]].route_table_ids == tuple(sorted(ids[f"private_rt{k}"] for k in (1, 2, 3)))


def test_findings_and_verdicts_of_the_canonical_layout() -> None:
    """v7.1.0 with the guide's S3 gateway endpoint. Silent, rightly: GWE001 (the prefix-list route
    on every table of the Redshift subnets), GWE002/GWE003 and NAT rules (no route beyond the VPC),
    DNS001/DNS002 (both on, as the guide requires), SG005 on the internet-routed clusters' groups
    (no client of S3 through the VPC), IFE005 (two endpoints, two services), ACL001 (the module's
    allow-all NACL)."""
    snapshot, ids = _built()
    assert _audited() == _canonical(ids)
    levels = severities(snapshot)
    assert (levels[("SG003", ids["relocation"], "")], levels[("SG002", ids["example_sg"], "")]) == ("high", "medium")
    assert levels[("SG005", ids[f"{NAME}_sg"], "")] == "medium"


def test_the_example_at_v6_gives_the_clusters_its_group() -> None:
    """v6.2.0's wiring, ``module.security_group`` on the three clusters: SG003 on the relocation
    endpoint goes (TCP 5439 from the VPC), and on ``ex-complete-example`` too (the group's members
    are workloads, every TCP port open to them); SG002 stays, low (the clusters' interfaces carry
    the group). Right."""
    snapshot, ids = _built(cluster_group="example")
    assert _audited(cluster_group="example") == _v6(ids)
    assert severities(snapshot)[("SG002", ids["example_sg"], "")] == "low"


@pytest.mark.parametrize("requester", [REDSHIFT_REQUESTER_ID, None], ids=["amazon-redshift", "not requester-managed"])
def test_the_verdicts_do_not_depend_on_the_requester(requester: str | None) -> None:
    """The clusters' interfaces read either way (RequesterManaged and RequesterId are not
    documented): the same findings."""
    _, ids = _built(requester=requester)
    assert _audited(requester=requester) == _canonical(ids)


def test_as_published_without_a_path_to_s3_goes_unreported() -> None:
    """The example as published: no S3 endpoint, no NAT, no internet gateway, so every COPY,
    UNLOAD and CREATE LIBRARY of ``ex-complete`` fails ("COPY and UNLOAD commands might fail
    unless you configure your VPC correctly"). A gap, pinned: GWE001 needs an S3 gateway endpoint
    to compare routes with, and no rule asks a cluster with enhanced VPC routing (which the
    snapshot now records) for a path to S3. POL001 and SG005 go with the endpoint."""
    _, ids = _built(s3_endpoint=None)
    assert "s3" not in ids
    assert _audited(s3_endpoint=None) == _canonical(ids)


def test_the_clusters_rule_less_egress_refuses_s3() -> None:
    """v7.1.0: the clusters' groups have no egress rule, so even through the S3 gateway endpoint
    COPY cannot leave ``ex-complete``'s interfaces: SG005 on its group (above), naming the S3
    gateway endpoint and its prefix list; the fix allows TCP 443 to the prefix list, as the VPC
    guide's gateway endpoint pages advise ("You can reference the ID of the prefix list for
    Amazon S3 in security group rules"). Right; a gap until SG005 judged gateway endpoints."""
    snapshot, ids = _built()
    region = snapshot.accounts[0].regions[0]
    groups = {g.group_id: g for g in region.security_groups}
    assert not [x for x in groups[ids[f"{NAME}_sg"]].rules if x.is_egress]
    (finding,) = [f for f in audit_result(snapshot).findings if f.rule_id == "SG005"]
    s3_list = next(p.prefix_list_id for p in region.prefix_lists if p.prefix_list_name.endswith(".s3"))
    assert finding.evidence["endpoints"] == [ids["s3"]]
    assert f"no TCP 443 to gateway endpoint(s) {ids['s3']} (s3, prefix list {s3_list})" in finding.message
    assert [(s.parameters, s.ready) for s in finding.fix] == [({"GroupId": ids[f"{NAME}_sg"], "IpPermissions": [
        {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "PrefixListIds": [{"PrefixListId": s3_list}]}]}, True)]


def test_near_miss_s3_endpoint_on_the_private_tables_only() -> None:
    """``create_redshift_subnet_route_table = true`` and the endpoint on
    ``module.vpc.private_route_table_ids``: GWE001 on the three Redshift subnets, medium. Right:
    the cluster's COPY and UNLOAD traffic to S3 goes nowhere, and relocation may move the cluster
    to any subnet of its group; the fix associates the Redshift table."""
    snapshot, ids = _built(s3_endpoint="private", redshift_route_table=True)
    gwe001 = {("GWE001", ids[f"redshift{k}"], "fail") for k in (1, 2, 3)}
    # No SG005: the Redshift subnets' calls to S3 do not take the endpoint (GWE001's concern).
    expected = _canonical(ids) - _sg005_on_the_clusters_s3_path(ids) | gwe001
    assert _audited(s3_endpoint="private", redshift_route_table=True) == expected
    assert {severities(snapshot)[("GWE001", ids[f"redshift{k}"], "s3")] for k in (1, 2, 3)} == {"medium"}


def test_near_miss_s3_policy_for_one_bucket_goes_unreported() -> None:
    """The guide's kind of policy, UNLOAD to one bucket, while COPY reads another: POL001 goes and
    nothing replaces it. A gap, pinned: "Your VPC endpoint policies must allow access to any Amazon
    S3 buckets used with COPY, UNLOAD, or CREATE LIBRARY", but no rule can know which buckets those
    are. The policy refuses COPY's read of the data bucket (``allows``)."""
    snapshot, ids = _built(s3_policy="one-bucket")
    assert _audited(s3_policy="one-bucket") == _canonical(ids) - _s3_full_access(ids)
    (endpoint,) = [e for e in snapshot.accounts[0].regions[0].vpc_endpoints if e.vpc_endpoint_id == ids["s3"]]
    document = endpoint.policy_document or ""
    assert allows(document, "s3:PutObject", f"arn:aws:s3:::{UNLOAD_BUCKET}/unload/0000_part_00", THIS_ACCOUNT)
    assert not allows(document, "s3:GetObject", f"arn:aws:s3:::{DATA_BUCKET}/venue.txt", THIS_ACCOUNT)


def test_near_miss_redshift_managed_endpoint_with_the_vpc_default_group() -> None:
    """``ex-complete-example`` in the private subnets given ``module.vpc.default_security_group_id``,
    the module's rule-less default group: SG003 on it, high. Right: no client reaches the cluster
    through it on any port. SG002 on ``module.security_group`` goes (no endpoint carries it)."""
    snapshot, ids = _built(endpoint_access_group="vpc-default")
    expected = (_canonical(ids) - _sg002_on_the_example_group(ids)
                - {("SG003", ids["endpoint_access"], "not_evaluated")} | {("SG003", ids["endpoint_access"], "fail")})
    assert _audited(endpoint_access_group="vpc-default") == expected
    assert severities(snapshot)[("SG003", ids["endpoint_access"], "")] == "high"


def test_put_to_use_with_endpoints_open_to_the_vpc() -> None:
    """v6.2.0's wiring with secretsmanager, glue and the Session Manager endpoints behind a group
    admitting TCP 443 from the VPC: POL001 × 3 and IFE003 (info) beside the v6.2.0 findings.
    Silent, rightly: SG003 (the VPC's block), SG005 (the clusters send all traffic), IFE001/IFE002
    (every AZ)."""
    kwargs = {"cluster_group": "example", "services": SERVICES}
    _, ids = _built(**kwargs)
    expected = _v6(ids) | _put_to_use(ids)
    assert _audited(**kwargs) == expected


SQL_CLIENT = {"cluster_group": "example", "services": SERVICES, "endpoint_source": "sql-client"}


def _sg003_on_what_the_cluster_calls(ids: dict[str, str]) -> Triples:
    """Right, high: the endpoints admit TCP 443 only from the SQL client's group, and the cluster,
    whose federated queries read their secrets through secretsmanager and whose Spectrum queries
    read the Data Catalog through glue, is refused."""
    return {("SG003", ids[key], "fail") for key in REDSHIFT_CALLS}


def test_near_miss_endpoints_open_to_the_sql_client_only() -> None:
    """The same endpoints admitting TCP 443 from the SQL client's group alone, no SQL client
    running: SG003 on secretsmanager and glue, right. On ssm, ssmmessages and ec2messages it fired
    too — rule wrong, fixed (next test)."""
    _, ids = _built(**SQL_CLIENT)
    assert _audited(**SQL_CLIENT) == _v6(ids) | _put_to_use(ids) | _sg003_on_what_the_cluster_calls(ids)


def test_sg003_leaves_session_manager_alone_while_only_redshift_runs() -> None:
    """Rule wrong, fixed: no SG003 on ssm, ssmmessages or ec2messages: the VPC's only workloads
    are the clusters' interfaces, and Redshift calls no Systems Manager API from the VPC (the guide
    routes COPY, UNLOAD and CREATE LIBRARY to S3, and the developer guide adds Secrets Manager,
    Glue/Athena/Lake Formation, SageMaker, Kinesis and DynamoDB); the endpoints admit the SQL
    client's group, and the instance that joins it gets in — SG003's own rule for groups without
    members. A Redshift node's interface is now a client of those services only
    (``REDSHIFT_SERVICES``)."""
    _, ids = _built(**SQL_CLIENT)
    assert not {t for t in _audited(**SQL_CLIENT) if t[0] == "SG003" and t[1] in {ids[k] for k in SESSION_MANAGER}}


AZ_GAP = {"cluster_group": "example", "services": SERVICES, "endpoint_azs": (2, 3)}


def test_near_miss_endpoints_outside_the_clusters_az() -> None:
    """The endpoints in the private subnets of us-east-1b and c, the clusters in us-east-1a:
    IFE002 on secretsmanager and glue, medium — right: the cluster's calls cross AZs and depend on
    an AZ it does not run in. On ssm, ssmmessages and ec2messages it fired too — rule wrong,
    fixed (next test)."""
    snapshot, ids = _built(**AZ_GAP)
    right = {("IFE002", ids[key], "fail") for key in REDSHIFT_CALLS}
    assert _audited(**AZ_GAP) == _v6(ids) | _put_to_use(ids) | right
    assert {severities(snapshot)[("IFE002", ids[key], "")] for key in REDSHIFT_CALLS} == {"medium"}


def test_ife002_leaves_session_manager_alone_while_only_redshift_runs() -> None:
    """Rule wrong, fixed: no IFE002 on ssm, ssmmessages or ec2messages: no interface in us-east-1a
    calls Systems Manager (only the clusters' are there)."""
    _, ids = _built(**AZ_GAP)
    assert not {t for t in _audited(**AZ_GAP) if t[0] == "IFE002" and t[1] in {ids[k] for k in SESSION_MANAGER}}


RULE_LESS = {"services": SERVICES}


def _sg005_on_the_routed_clusters_groups(ids: dict[str, str], routed: tuple[str, ...] = ROUTED) -> Triples:
    """Right, medium: each cluster with enhanced VPC routing has a rule-less group, so its federated
    queries and Spectrum catalog calls cannot leave for secretsmanager and glue, nor COPY and
    UNLOAD for S3 through the gateway endpoint."""
    return {("SG005", ids[f"{c}_sg"], "fail") for c in routed}


def test_sg005_names_only_what_a_cluster_with_enhanced_vpc_routing_calls() -> None:
    """Rule wrong, fixed: SG005 on ``ex-complete``'s group alone, naming secretsmanager and glue.
    Redshift calls no Systems Manager API, and the two other clusters have enhanced VPC routing off
    — "If enhanced VPC routing is not turned on, Amazon Redshift routes traffic through the
    internet, including traffic to other services within the AWS network" — so none of their
    calls uses these endpoints. It fired on their groups too while the snapshot did not say which
    clusters route through the VPC; DescribeClusters now does (``EnhancedVpcRouting``), and a
    node's interface is told its cluster by its private address (``ClusterNodes``)."""
    snapshot, ids = _built(**RULE_LESS)
    findings = [f for f in audit_result(snapshot).findings if f.rule_id == "SG005"]
    assert [f.resource.resource_id for f in findings] == [ids[f"{NAME}_sg"]]
    assert set(findings[0].evidence["endpoints"]) == {ids[k] for k in (*REDSHIFT_CALLS, "s3")}
    assert _audited(**RULE_LESS) == _canonical(ids) | _put_to_use(ids) | _sg005_on_the_routed_clusters_groups(ids)
    assert severities(snapshot)[("SG005", ids[f"{NAME}_sg"], "")] == "medium"


def test_near_miss_clusters_not_collected_keeps_sg005_on_every_cluster() -> None:
    """DescribeClusters denied: the snapshot cannot tell which clusters route through the VPC, so
    every node's interface stays a client of what Redshift calls — SG005 on each cluster's group,
    as before, rather than a silent pass on one that may need the endpoints."""
    kwargs = {**RULE_LESS, "clusters_collected": False}
    _, ids = _built(**kwargs)
    assert _audited(**kwargs) == _canonical(ids) | _put_to_use(ids) | _sg005_on_the_routed_clusters_groups(
        ids, tuple(CLUSTERS))


def test_near_miss_every_cluster_with_enhanced_vpc_routing() -> None:
    """Enhanced VPC routing on for the two other clusters too: SG005 on each cluster's group, each
    naming secretsmanager, glue and the S3 gateway endpoint. Right: every cluster's calls now go
    through the VPC."""
    kwargs = {**RULE_LESS, "routed": tuple(CLUSTERS)}
    snapshot, ids = _built(**kwargs)
    assert _audited(**kwargs) == _canonical(ids) | _put_to_use(ids) | _sg005_on_the_routed_clusters_groups(
        ids, tuple(CLUSTERS))
    findings = [f for f in audit_result(snapshot).findings if f.rule_id == "SG005"]
    assert {frozenset(f.evidence["endpoints"]) for f in findings} == {
        frozenset(ids[k] for k in (*REDSHIFT_CALLS, "s3"))}
