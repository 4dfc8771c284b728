"""An Amazon OpenSearch Ingestion pipeline with VPC access, Fluent Bit sources in private subnets
pushing to its interface endpoint over HTTPS, and an OpenSearch Service domain in the same VPC as
its sink (the Developer Guide): every finding and its verdict (docs/precision.md)."""

from __future__ import annotations

from functools import cache

import pytest
from aws_layout import audit, audit_result, region_view, severities
from layouts import opensearch_ingestion_vpc
from layouts.opensearch_ingestion_vpc import ACCOUNT, PIPELINE_SERVICE

from vpcaudit.network.policy import policy_scope
from vpcaudit.snapshot.model import Snapshot

Triples = set[tuple[str, str, str]]
Built = tuple[Snapshot, dict[str, str]]
HTTPS_CONFIGURED = {PIPELINE_SERVICE: (443,)}  # --service-port for the pipeline's endpoint service
MANAGEMENT = pytest.mark.parametrize("management", ["SERVICE", "CUSTOMER"])


@cache
def _built(**options: object) -> Built:
    """One snapshot per variant: several tests read the same one."""
    return opensearch_ingestion_vpc.build(**options)  # type: ignore[arg-type]


def _flow_log(ids: dict[str, str]) -> Triples:
    """Right, medium: nothing in the guide's layout creates a flow log."""
    return {("MON001", ids["vpc"], "fail")}


def _port_unknown(ids: dict[str, str]) -> Triples:
    """Right (not evaluated). SG003 and SG002 cannot judge the endpoint: its service is an endpoint
    service OpenSearch Ingestion owns (``com.amazonaws.vpce.us-east-1.vpce-svc-…``, absent from
    DescribeVpcEndpointServices, so no published port), and nothing on the endpoint names the
    pipeline — no tag (the service-linked role may tag network interfaces only), no private hosted
    zone (the role holds no Route 53 permission). The guide's own port is not single either ("80
    or 443"). ``--service-port`` is the remedy (below)."""
    return {("SG003", ids["pipeline_endpoint"], "not_evaluated"), ("SG002", ids["pipeline_sg"], "not_evaluated")}


def _one_az(ids: dict[str, str]) -> Triples:
    """A gap, pinned. IFE001 and IFE002 not evaluated: the guide says "If you only deploy a pipeline
    in one subnet and the Availability Zone goes down, you won't be able to ingest data", and the
    source in us-east-1b crosses AZs, but the AZs the service is offered in come from
    DescribeVpcEndpointServices, which does not list the pipeline's endpoint service (assumed)."""
    return {("IFE001", ids["pipeline_endpoint"], "not_evaluated"),
            ("IFE002", ids["pipeline_endpoint"], "not_evaluated")}


def _wrong_port(ids: dict[str, str]) -> Triples:
    """Right, with ``--service-port`` set to 443 for the pipeline's service. SG003 (high): the
    group admits the sources on TCP 80 only while they push to ``https://…osis.amazonaws.com``, so
    every request times out. SG002 (medium): TCP 80 is a port the service (as configured) does not
    use; its fix swaps the rule for 443 from the same group."""
    return {("SG003", ids["pipeline_endpoint"], "fail"), ("SG002", ids["pipeline_sg"], "fail")}


def test_the_snapshot_is_the_guide() -> None:
    """Two private subnets on the local route only, DNS on, one Fluent Bit instance and one data
    node per subnet, the pipeline's group admitting TCP 443 from the sources' group, the domain's
    from the VPC, and the pipeline's requester-managed endpoint interfaces in both subnets."""
    snapshot, ids = _built()
    region = snapshot.accounts[0].regions[0]
    (vpc,) = region.vpcs
    assert (vpc.cidr_blocks, vpc.enable_dns_support, vpc.enable_dns_hostnames) == (("10.0.0.0/16",), True, True)
    assert {(x.destination, x.target_kind) for t in region.route_tables for x in t.routes} == {
        ("10.0.0.0/16", "local")}
    groups = {g.group_id: g for g in region.security_groups}
    assert [(x.ip_protocol, x.from_port, x.referenced_group_id) for x in groups[ids["pipeline_sg"]].rules
            if not x.is_egress] == [("tcp", 443, ids["sources_sg"])]
    enis = {e.network_interface_id: e for e in region.network_interfaces}
    endpoint = next(e for e in region.vpc_endpoints if e.vpc_endpoint_id == ids["pipeline_endpoint"])
    assert {(enis[i].interface_type, enis[i].requester_managed, enis[i].instance_id, enis[i].group_ids)
            for i in endpoint.network_interface_ids} == {("vpc_endpoint", True, None, (ids["pipeline_sg"],))}
    assert sorted(enis[i].subnet_id for i in endpoint.network_interface_ids) == sorted([ids["private1"],
                                                                                        ids["private2"]])
    assert {e.network_interface_id for e in region_view(snapshot).workload_enis(ids["vpc"])} \
        == {ids["source1"], ids["source2"]}


@MANAGEMENT
def test_the_endpoint_as_describe_vpc_endpoints_reports_it(management: str) -> None:
    """Either management: an Interface endpoint of this account, not requester-managed, to the
    pipeline's endpoint service, private DNS off, no policy, no tags. Silent, rightly: POL001 to
    POL006 — out of scope, not an AWS service's endpoint; access to a pipeline is ``osis:Ingest``
    in IAM, and nothing documents an endpoint policy for it; DNS003 — private DNS off is not a
    missed AWS service name (the ingestion URL is the service's)."""
    snapshot, ids = _built(management=management)
    endpoint = next(e for e in snapshot.accounts[0].regions[0].vpc_endpoints
                    if e.vpc_endpoint_id == ids["pipeline_endpoint"])
    assert (endpoint.endpoint_type, endpoint.owner_id, endpoint.requester_managed, endpoint.private_dns_enabled,
            endpoint.policy_document, endpoint.service_name, endpoint.tags) \
        == ("Interface", ACCOUNT, False, False, None, PIPELINE_SERVICE, ())
    view = region_view(snapshot)
    assert not view.is_aws_service_endpoint(endpoint)
    assert policy_scope(view, endpoint) == (False, "")


@MANAGEMENT
def test_findings_and_verdicts(management: str) -> None:
    """The guide's layout, service- or customer-managed: MON001, and SG003/SG002 not evaluated.
    Silent, rightly: POL and DNS003 (above), DNS001/DNS002 (both attributes on), IFE001/IFE002
    (both AZs), IFE004 (available), SG005 (the sources send all traffic), GWE and NAT rules (no NAT
    gateway: nothing leaves the VPC), SG001/SG004 (one group source). The domain's interfaces are
    no clients (``ES <domain>``); its group is no endpoint's."""
    snapshot, ids = _built(management=management)
    assert audit(snapshot) == _flow_log(ids) | _port_unknown(ids)


def test_with_the_port_configured() -> None:
    """``--service-port`` 443 for the pipeline's endpoint service (what the ingestion URL uses):
    SG003 and SG002 pass; MON001 alone."""
    snapshot, ids = _built()
    assert audit(snapshot, HTTPS_CONFIGURED) == _flow_log(ids)


def test_near_miss_pipeline_group_admits_port_80() -> None:
    """``osis-pipeline`` admits the sources on TCP 80 (the guide's "ports (80 or 443)") while they
    push over HTTPS. Without the port configured: the canonical findings, nothing new (the port is
    unknown; a group that admits the clients on some TCP port is not judged). With it: SG003 high,
    SG002 medium, SG003's fix opening TCP 443 into the pipeline's group."""
    snapshot, ids = _built(pipeline_port=80)
    assert audit(snapshot) == _flow_log(ids) | _port_unknown(ids)
    assert audit(snapshot, HTTPS_CONFIGURED) == _flow_log(ids) | _wrong_port(ids)
    levels = severities(snapshot, HTTPS_CONFIGURED)
    assert (levels[("SG003", ids["pipeline_endpoint"], "")], levels[("SG002", ids["pipeline_sg"], "")]) \
        == ("high", "medium")
    (step,) = next(f for f in audit_result(snapshot, HTTPS_CONFIGURED).findings if f.rule_id == "SG003").fix
    assert (step.action, step.parameters["GroupId"], step.parameters["IpPermissions"][0]["FromPort"]) \
        == ("ec2:AuthorizeSecurityGroupIngress", ids["pipeline_sg"], 443)


def test_near_miss_pipeline_in_one_subnet() -> None:
    """The pipeline in us-east-1a only (the guide's CLI example passes one ``SubnetIds``) while a
    source runs in us-east-1b: IFE001/IFE002 not evaluated (a gap, pinned), beside the canonical
    findings; IFE002 names use1-az2."""
    snapshot, ids = _built(pipeline_azs=1)
    assert audit(snapshot) == _flow_log(ids) | _port_unknown(ids) | _one_az(ids)
    finding = next(f for f in audit_result(snapshot).findings
                   if (f.rule_id, f.resource.resource_id) == ("IFE002", ids["pipeline_endpoint"]))
    assert "use1-az2" in finding.message


def test_near_miss_customer_managed_endpoint_never_created() -> None:
    """``VpcEndpointManagement`` CUSTOMER and the account never creates the endpoint: the pipeline
    is active, the sources have no path to it. A gap, pinned: MON001 alone. The snapshot holds no
    pipeline (OpenSearch Ingestion's API is not collected), so nothing says an endpoint is owed."""
    snapshot, ids = _built(management="CUSTOMER", customer_endpoint=False)
    assert audit(snapshot) == _flow_log(ids)
    assert not snapshot.accounts[0].regions[0].vpc_endpoints


@pytest.mark.parametrize("requester_managed", [False, True], ids=["not requester-managed", "requester-managed"])
def test_idle_pipeline_endpoint(requester_managed: bool) -> None:
    """``BytesProcessed`` 0 over 14 days (the sources stopped). Read as not requester-managed:
    IFE006 (low), Right (advice) — the endpoint is idle — but its fix deletes the endpoint, while
    the pipeline, which cannot change its network settings after creation, keeps billing its
    compute units; what should go is the pipeline (noticed and left alone: nothing in the snapshot
    names it). Read as requester-managed: skipped ("it goes with the resource it serves")."""
    snapshot, ids = _built(idle=True, endpoint_requester_managed=requester_managed)
    idle = set() if requester_managed else {("IFE006", ids["pipeline_endpoint"], "fail")}
    assert audit(snapshot) == _flow_log(ids) | _port_unknown(ids) | idle
    if not requester_managed:
        (step,) = next(f for f in audit_result(snapshot).findings if f.rule_id == "IFE006").fix
        assert step.action == "ec2:DeleteVpcEndpoints"
