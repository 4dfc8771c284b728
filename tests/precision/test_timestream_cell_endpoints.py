"""Applications in private subnets without NAT using Amazon Timestream for LiveAnalytics through the
interface endpoints of their account's cell, ``timestream.ingest-cell1`` and ``timestream.query-cell1``
(Amazon Timestream Developer Guide, "VPC endpoints (AWS PrivateLink)"): every finding and its verdict
(docs/precision.md). The point is the names: the cell services parse as AWS services keyed
``timestream.ingest-cell1``, and their private DNS names come from the service catalogue."""

from __future__ import annotations

from dataclasses import replace
from functools import cache

from aws_layout import audit, audit_result, region_view
from layouts import timestream_cell_endpoints
from layouts.timestream_cell_endpoints import HTTPS, REGION, cell_hostname, service_key

from vpcaudit.network.services import parse_service_name, service_info
from vpcaudit.snapshot.model import Snapshot

Triples = set[tuple[str, str, str]]
Built = tuple[Snapshot, dict[str, str]]
INGEST_PRIVATE_DNS_OFF = {"ingest_private_dns": False}
OTHER_CELL = {"cell": "cell2"}
ENDPOINTS_ADMIT_NOTHING = {"endpoint_ports": ()}


@cache
def _built(**options: object) -> Built:
    """One snapshot per variant: several tests read the same one."""
    return timestream_cell_endpoints.build(**options)  # type: ignore[arg-type]


def _flow_logs(ids: dict[str, str]) -> Triples:
    """Right, medium: nothing in the layout creates a flow log."""
    return {("MON001", ids["vpc"], "fail")}


def _full_access_policies(ids: dict[str, str]) -> Triples:
    """Right (advice), medium: both endpoints keep AWS's default full-access policy. The guide says
    endpoint policies are supported and that the default "allows full access" to Timestream through
    the endpoint; it offers policies (its "Creating a VPC endpoint policy") and requires none."""
    return {("POL001", ids["ingest"], "fail"), ("POL001", ids["query"], "fail")}


def _baseline(ids: dict[str, str]) -> Triples:
    return _flow_logs(ids) | _full_access_policies(ids)


def _ingest_name_public(ids: dict[str, str]) -> Triples:
    """Right, medium: the ingest endpoint has private DNS off, so
    ``ingest-cell1.timestream.us-west-2.amazonaws.com`` — the name the applications write to —
    resolves to the public addresses, and with no NAT gateway every write times out."""
    return {("DNS003", ids["ingest"], "fail")}


def _endpoints_refuse_apps(ids: dict[str, str]) -> Triples:
    """Right, high: the endpoints' group admits nothing, so every write and every query is refused
    at the endpoints (one group, both endpoints)."""
    return {("SG003", ids["ingest"], "fail"), ("SG003", ids["query"], "fail")}


def test_cell_service_names_parse_as_aws_services() -> None:
    """``com.amazonaws.us-west-2.timestream.ingest-cell1`` is an AWS service name: key
    ``timestream.ingest-cell1``, the Region parsed, HTTPS on 443 — the guide names no other port.
    With the catalogue's entry its hostname is the cell name the considerations page gives."""
    snapshot, ids = _built()
    view = region_view(snapshot)
    for api in ("ingest", "query"):
        parsed = parse_service_name(f"com.amazonaws.{REGION}.{service_key(api, 'cell1')}")
        assert (parsed.key, parsed.region, parsed.family) == (f"timestream.{api}-cell1", REGION, "aws")
        info = view.service(view.endpoints[ids[api]])
        assert info.is_aws_service and info.details_known
        assert info.hostnames == (cell_hostname(api, "cell1"),) and info.ports == (HTTPS,)
    assert {e.network_interface_id for e in view.workload_enis(ids["vpc"])} == {ids["app1"], ids["app2"]}


def test_without_the_catalogue_the_derived_hostname_is_not_the_cell_name() -> None:
    """A gap, pinned: when DescribeVpcEndpointServices did not list a cell service, the hostname is
    derived as ``<key>.<region>.amazonaws.com`` — ``timestream.ingest-cell1.us-west-2.amazonaws.com``,
    a name Timestream does not use (the cell name is ``ingest-cell1.timestream.us-west-2…``). DNS003
    would then name the wrong hostname, and DNS004 would miss a private hosted zone shadowing the
    real one. Nothing fires wrongly on this layout, whose catalogue has the entries."""
    snapshot, ids = _built()
    endpoint = region_view(snapshot).endpoints[ids["ingest"]]
    derived = service_info(endpoint, None, REGION).hostnames
    assert derived == (f"timestream.ingest-cell1.{REGION}.amazonaws.com",)
    assert derived != (cell_hostname("ingest", "cell1"),)


def test_findings_and_verdicts() -> None:
    """The canonical form: MON001 and POL001 on each endpoint. Silent, rightly: SG001-SG006 (the
    group admits the applications' group on 443 alone; the applications send anywhere), DNS001-DNS005
    (attributes and private DNS on, no zone), IFE001/IFE002 (both endpoints in both AZs of the
    applications), IFE003 (no bundle is documented for Timestream), the NAT and GWE rules (nothing
    leaves the VPC, and no S3 or DynamoDB client is built), ACL001 (default NACL), RT001. Silent too
    on the discovery call: no endpoint serves ``ingest.timestream.us-west-2.amazonaws.com``, and the
    applications are assumed configured with the cell names, discovery off (module docstring)."""
    snapshot, ids = _built()
    assert audit(snapshot) == _baseline(ids)
    region = snapshot.accounts[0].regions[0]
    assert sorted(e.service_name for e in region.vpc_endpoints) == [
        f"com.amazonaws.{REGION}.timestream.ingest-cell1", f"com.amazonaws.{REGION}.timestream.query-cell1"]
    assert all(e.private_dns_enabled and e.group_ids == (ids["endpoint_sg"],) for e in region.vpc_endpoints)


def test_near_miss_ingest_endpoint_private_dns_off() -> None:
    """The ingest endpoint with private DNS off: DNS003, medium, naming the cell hostname (from the
    catalogue entry) as resolving publicly. The query endpoint, private DNS on, stays silent."""
    snapshot, ids = _built(**INGEST_PRIVATE_DNS_OFF)
    assert audit(snapshot) == _baseline(ids) | _ingest_name_public(ids)
    (finding,) = [f for f in audit_result(snapshot).findings if f.rule_id == "DNS003"]
    assert finding.severity.value == "medium"
    assert list(finding.evidence["hostnames"]) == [cell_hostname("ingest", "cell1")]


def test_near_miss_endpoints_for_another_cell() -> None:
    """The endpoints created for ``cell2`` while the applications write to and query the cell1
    names: those names resolve publicly and every call times out. A gap, pinned: the audit is the
    canonical one. Out of the snapshot's reach — which cell the account is mapped to (the
    ``DescribeEndpoints`` answer) and which names the applications call are in no AWS inventory; and
    since the guide says an endpoint can only be created for the account's own cell, the endpoints
    themselves are the account's cell, the applications' configuration the fault."""
    snapshot, ids = _built(**OTHER_CELL)
    assert audit(snapshot) == _baseline(ids)
    view = region_view(snapshot)
    assert {view.service(view.endpoints[ids[api]]).hostnames for api in ("ingest", "query")} == {
        (cell_hostname("ingest", "cell2"),), (cell_hostname("query", "cell2"),)}


def test_near_miss_endpoint_group_admits_nothing() -> None:
    """The endpoints' group without its 443 rule: SG003 on each endpoint, high, with a ready fix
    admitting TCP 443 (from the VPC's range: the group names no source to copy)."""
    snapshot, ids = _built(**ENDPOINTS_ADMIT_NOTHING)
    assert audit(snapshot) == _baseline(ids) | _endpoints_refuse_apps(ids)
    for finding in [f for f in audit_result(snapshot).findings if f.rule_id == "SG003"]:
        assert finding.severity.value == "high"
        (step,) = finding.fix
        assert step.ready and step.parameters["IpPermissions"][0]["FromPort"] == HTTPS


def test_derived_hostname_reaches_dns003_without_the_catalogue() -> None:
    """The gap above, on the near miss: the cell services missing from the catalogue, DNS003 still
    fires on the ingest endpoint (the name is served by nothing either way) but names
    ``timestream.ingest-cell1.us-west-2.amazonaws.com``. A gap, pinned: the finding is right, its
    evidence the wrong name."""
    snapshot, ids = _built(**INGEST_PRIVATE_DNS_OFF)
    region = snapshot.accounts[0].regions[0]
    services = tuple(s for s in region.endpoint_services if ".timestream." not in s.service_name)
    snapshot = replace(snapshot, accounts=(replace(snapshot.accounts[0], regions=(
        replace(region, endpoint_services=services),)),))
    (finding,) = [f for f in audit_result(snapshot).findings if f.rule_id == "DNS003"]
    assert list(finding.evidence["hostnames"]) == [f"timestream.ingest-cell1.{REGION}.amazonaws.com"]
    assert ("DNS003", ids["ingest"], "fail") in audit(snapshot)
