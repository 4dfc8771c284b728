"""Queue workers in private subnets without NAT consuming Amazon SQS through the ``sqs`` interface
endpoint with private DNS (Amazon SQS Developer Guide, "Amazon Virtual Private Cloud endpoints for
Amazon SQS"), and the legacy ``queue.amazonaws.com`` names its private DNS does not answer: every
finding and its verdict (docs/precision.md)."""

from __future__ import annotations

from functools import cache

from aws_layout import audit, audit_result, region_view
from layouts import sqs_private_endpoint_names
from layouts.sqs_private_endpoint_names import LEGACY_HOSTNAME, LEGACY_REGIONAL, QUEUE_ARN, SERVICE_HOSTNAME

from vpcaudit.engine.rule import Status
from vpcaudit.network.dns import authority, service_hostnames
from vpcaudit.snapshot.model import Snapshot

Triples = set[tuple[str, str, str]]
Built = tuple[Snapshot, dict[str, str]]
PRIVATE_DNS_OFF = {"private_dns": False}
LEGACY_ZONE = {"legacy_zone": True}
QUEUE_POLICY = {"policy": "queue"}
# Another Region's legacy name, under the team's zone.
OTHER_REGION_LEGACY = "eu-west-1.queue.amazonaws.com"


@cache
def _built(**options: object) -> Built:
    """One snapshot per variant: several tests read the same one."""
    return sqs_private_endpoint_names.build(**options)  # type: ignore[arg-type]


def _flow_logs(ids: dict[str, str]) -> Triples:
    """Right, medium: nothing in the layout creates a flow log."""
    return {("MON001", ids["vpc"], "fail")}


def _full_access(ids: dict[str, str]) -> Triples:
    """Right (advice), medium: the tutorial leaves AWS's default full-access policy on the
    endpoint. SQS endpoints take policies, and the guide's own example narrows one to a queue
    ARN (the ``policy="queue"`` variant), so any credentials may otherwise send to any queue,
    another account's included, over this private path."""
    return {("POL001", ids["sqs"], "fail")}


def _baseline(ids: dict[str, str]) -> Triples:
    return _flow_logs(ids) | _full_access(ids)


def test_the_names_the_endpoint_private_dns_answers() -> None:
    """The service's private DNS names, as the catalogue lists them and the model resolves them:
    ``sqs.us-east-1.amazonaws.com`` only. The guide: "Private DNS doesn't support legacy endpoints
    such as ``queue.amazonaws.com`` or ``us-east-2.queue.amazonaws.com``". So in this VPC the
    legacy names resolve to SQS's public addresses, which the subnets cannot reach.

    A gap, pinned: a worker still configured with an old ``https://queue.amazonaws.com/<account>/
    <queue>`` URL times out. The AWS SDK for Java 1.x sends each request to its QueueUrl's host,
    and botocore before 1.28 used the legacy names as endpoints. The snapshot holds no client
    configuration, so no rule can see it."""
    snapshot, ids = _built()
    view = region_view(snapshot)
    endpoint = view.endpoints[ids["sqs"]]
    assert view.service(endpoint).hostnames == (SERVICE_HOSTNAME,)
    catalogue = service_hostnames(view)
    assert SERVICE_HOSTNAME in catalogue
    assert not {LEGACY_HOSTNAME, LEGACY_REGIONAL} & set(catalogue)
    answered = authority(view, ids["vpc"], SERVICE_HOSTNAME)
    assert (answered.kind, answered.endpoint) == ("endpoint", endpoint)
    assert {authority(view, ids["vpc"], name).kind for name in (LEGACY_HOSTNAME, LEGACY_REGIONAL)} == {"public"}


def test_findings_and_verdicts() -> None:
    """The canonical form: MON001, POL001. Silent, rightly: SG001-SG006 (443 from the workers'
    group, which sends everything), ACL001 (default NACL), IFE001/IFE002 (the endpoint in both
    workers' AZs), IFE003-IFE006, DNS001-DNS005 (both attributes on, private DNS on, no zone),
    GWE and NAT rules (no route beyond the VPC), RT001."""
    snapshot, ids = _built()
    assert audit(snapshot) == _baseline(ids)


def test_near_miss_private_dns_off() -> None:
    """The endpoint created with private DNS off. DNS003, medium: **Right**. The SDK's
    ``sqs.us-east-1.amazonaws.com`` resolves publicly and every call times out without NAT.
    The message names that hostname and only that one. The legacy names would not reach the
    endpoint with private DNS on either, so leaving them out of the message is right."""
    snapshot, ids = _built(**PRIVATE_DNS_OFF)
    assert audit(snapshot) == _baseline(ids) | {("DNS003", ids["sqs"], "fail")}
    (finding,) = [f for f in audit_result(snapshot).findings
                  if f.rule_id == "DNS003" and f.status is Status.FAIL]
    assert finding.severity.value == "medium"
    assert SERVICE_HOSTNAME in finding.message
    assert "queue.amazonaws.com" not in finding.message
    assert finding.evidence["hostnames"] == [SERVICE_HOSTNAME]


def test_near_miss_private_hosted_zone_for_the_legacy_name() -> None:
    """The team's private hosted zone ``queue.amazonaws.com`` on the VPC, its apex aliased to the
    endpoint, for workers on old queue URLs. DNS004 silent: **Right**. The zone holds no
    service's private DNS name, and its one record points at a live endpoint of the VPC. Whether
    SQS accepts TLS and the legacy Host header through the endpoint is not documented. AWS's
    documented fix is the ``sqs.<region>.amazonaws.com`` URL.

    A gap, pinned: the zone also answers every other Region's legacy name
    (``eu-west-1.queue.amazonaws.com``) with NXDOMAIN. DNS004 does not count legacy names as
    service hostnames, so it cannot see this. The no-NAT VPC could not reach those names anyway,
    but a VPC with NAT would lose them."""
    snapshot, ids = _built(**LEGACY_ZONE)
    assert audit(snapshot) == _baseline(ids)
    view = region_view(snapshot)
    legacy = authority(view, ids["vpc"], LEGACY_HOSTNAME)
    assert legacy.kind == "zone" and legacy.zone is not None
    assert legacy.zone.hosted_zone_id == ids["legacy_zone"]
    assert [rs.alias_dns_name for rs in legacy.zone.record_sets] == [
        view.endpoints[ids["sqs"]].dns_entries[0].dns_name]
    other = authority(view, ids["vpc"], OTHER_REGION_LEGACY)
    assert other.kind == "zone" and other.zone is not None and other.zone.hosted_zone_id == ids["legacy_zone"]
    assert not [rs for rs in other.zone.record_sets if rs.name == OTHER_REGION_LEGACY]
    assert authority(view, ids["vpc"], SERVICE_HOSTNAME).kind == "endpoint"


def test_near_miss_policy_restricted_to_one_queue() -> None:
    """The endpoint policy allowing ``Principal: *`` only the consumer's actions on the one queue
    ARN (the guide's example shape). POL001 goes, and POL002 and POL005 stay silent: **Right**.
    The actions are named, the resource is a queue of the endpoint's own account and Region,
    and the guide says other queues and actions are denied."""
    snapshot, ids = _built(**QUEUE_POLICY)
    assert audit(snapshot) == _flow_logs(ids)
    endpoint = next(e for e in snapshot.accounts[0].regions[0].vpc_endpoints if e.vpc_endpoint_id == ids["sqs"])
    assert QUEUE_ARN in (endpoint.policy_document or "")
