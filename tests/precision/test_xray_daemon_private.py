"""Applications on EC2 in private subnets without NAT sending traces to AWS X-Ray through the ``xray``
interface endpoint, the X-Ray daemon on each instance or on a collector instance (X-Ray Developer
Guide, "Using AWS X-Ray with VPC endpoints" and the daemon's pages): every finding and its verdict
(docs/precision.md)."""

from __future__ import annotations

from functools import cache

from aws_layout import audit, region_view, severities
from layouts import xray_daemon_private
from layouts.xray_daemon_private import DAEMON_PORT, HTTPS

from vpcaudit.snapshot.model import Snapshot

Triples = set[tuple[str, str, str]]
Built = tuple[Snapshot, dict[str, str]]
COLLECTOR = {"daemon": "collector"}
TIGHT_APP_EGRESS = {"daemon": "collector", "app_egress": "tight"}
NO_XRAY_ENDPOINT = {"xray_endpoint": False}
ENDPOINT_ADMITS_UDP = {"endpoint_ingress": "udp-2000"}


@cache
def _built(**options: object) -> Built:
    """One snapshot per variant: several tests read the same one."""
    return xray_daemon_private.build(**options)  # type: ignore[arg-type]


def _rules(snapshot: Snapshot, group_id: str) -> set[tuple[bool, str, int | None, str | None]]:
    """(egress?, protocol, from port, referenced group or prefix list or CIDR) of one group."""
    group = next(g for g in snapshot.accounts[0].regions[0].security_groups if g.group_id == group_id)
    return {(x.is_egress, x.ip_protocol, x.from_port, x.referenced_group_id or x.prefix_list_id or x.cidr_ipv4)
            for x in group.rules}


def _flow_logs(ids: dict[str, str]) -> Triples:
    """Right, medium: none of the guide's pages creates a flow log."""
    return {("MON001", ids["vpc"], "fail")}


def _default_policies(ids: dict[str, str]) -> Triples:
    """Right (advice), medium: ``xray`` and the S3 gateway endpoint keep AWS's default full access.
    The guide offers a custom ``xray`` policy; its example (``xray:PutTraceSegments`` alone) would
    also refuse the daemon's ``PutTelemetryRecords`` and the sampling calls it proxies
    (``GetSamplingRules``, ``GetSamplingTargets``: AWSXRayDaemonWriteAccess lists all of them), so
    the account-scoped policy the finding's fix proposes is the safer one."""
    found = {("POL001", ids["s3"], "fail")}
    if "xray" in ids:
        found.add(("POL001", ids["xray"], "fail"))
    return found


def _baseline(ids: dict[str, str]) -> Triples:
    return _flow_logs(ids) | _default_policies(ids)


def test_the_snapshot_is_the_guides_layout() -> None:
    """No internet or NAT gateway; the ``xray`` endpoint in both subnets with private DNS, behind a
    group admitting TCP 443 from the applications' group; its interfaces ``vpc_endpoint`` and not
    workloads; the two application instances the only workloads (the daemon runs on them)."""
    snapshot, ids = _built()
    region = snapshot.accounts[0].regions[0]
    assert not region.internet_gateways and not region.nat_gateways
    endpoint = next(e for e in region.vpc_endpoints if e.vpc_endpoint_id == ids["xray"])
    assert (endpoint.service_name, endpoint.private_dns_enabled, endpoint.subnet_ids) \
        == ("com.amazonaws.us-east-1.xray", True, tuple(sorted([ids["private1"], ids["private2"]])))
    assert {(x[0], x[1], x[2], x[3]) for x in _rules(snapshot, ids["endpoint_sg"]) if not x[0]} \
        == {(False, "tcp", HTTPS, ids["app_sg"])}
    view = region_view(snapshot)
    assert [e.network_interface_id for e in view.workload_enis(ids["vpc"])] == sorted([ids["app1"], ids["app2"]])


def test_findings_and_verdicts() -> None:
    """The canonical form (a daemon per instance): MON001, POL001 × 2. Silent, rightly: SG001-SG006
    (443 from the one group of the clients, which send anywhere), IFE001/IFE002 (both AZs),
    IFE003 (no bundle involves ``xray``; none is incomplete), DNS001-DNS005, GWE/NAT rules (no
    route beyond the VPC; S3 through its gateway endpoint), ACL001, RT001. The daemon's UDP 2000
    stays on the loopback, which no security group filters; without a role ARN it calls X-Ray
    alone, so no ``sts`` endpoint is needed."""
    snapshot, ids = _built()
    assert audit(snapshot) == _baseline(ids)


def test_collector_form() -> None:
    """The central-daemon form: a collector instance admitting UDP 2000 (segments) and TCP 2000
    (sampling proxy) from the applications' group, the endpoint admitting TCP 443 from the
    collector's group alone. The audit is the canonical one. Silent, rightly: SG003 (the collector
    is a workload the group admits) and SG006, which does not count the applications as stranded —
    they send nothing to X-Ray themselves (segments over UDP to the collector, sampling through its
    TCP proxy), so admitting the collector alone is least privilege, not a mistake."""
    snapshot, ids = _built(**COLLECTOR)
    assert audit(snapshot) == _baseline(ids)
    assert {x for x in _rules(snapshot, ids["collector_sg"]) if not x[0]} \
        == {(False, "udp", DAEMON_PORT, ids["app_sg"]), (False, "tcp", DAEMON_PORT, ids["app_sg"])}
    assert {x[3] for x in _rules(snapshot, ids["endpoint_sg"]) if not x[0]} == {ids["collector_sg"]}


def test_near_miss_apps_egress_omits_the_collector() -> None:
    """The collector form with the applications' egress narrowed to TCP 443 to the endpoint's group
    and to S3's prefix list, UDP/TCP 2000 to the collector forgotten: every segment is dropped at
    the sender's group, and the SDKs fall back to local sampling. A gap, pinned: the audit is the
    canonical one. SG005 judges a client's egress to endpoints only, and it is satisfied (443 to
    the endpoint group, 443 to S3's list); no rule matches a group's ingress from another group
    against that group's egress, which would need no service knowledge — the collector's group
    admits UDP 2000 from ``xray-apps`` that ``xray-apps`` never lets out."""
    snapshot, ids = _built(**TIGHT_APP_EGRESS)
    assert audit(snapshot) == _baseline(ids)
    egress = {x for x in _rules(snapshot, ids["app_sg"]) if x[0]}
    assert all(proto == "tcp" and port == HTTPS for _, proto, port, _ in egress)
    assert (False, "udp", DAEMON_PORT, ids["app_sg"]) in _rules(snapshot, ids["collector_sg"])


def test_near_miss_no_xray_endpoint() -> None:
    """No ``xray`` endpoint and no NAT: every daemon's PutTraceSegments call fails to connect
    (private DNS has nothing to answer with, the public address has no route), and traces vanish
    while the applications run on. A gap, pinned: the audit loses only the endpoint's POL001.
    Nothing in the snapshot says a daemon runs — it is a process, not an interface — and IFE003
    has no X-Ray bundle, nor any trigger that could start one."""
    snapshot, ids = _built(**NO_XRAY_ENDPOINT)
    assert "xray" not in ids
    assert audit(snapshot) == _baseline(ids)
    assert not any(e.service_name.endswith(".xray") for e in snapshot.accounts[0].regions[0].vpc_endpoints)


def _endpoint_refuses_https(ids: dict[str, str]) -> Triples:
    """Right, high and medium: the endpoint's group admits UDP 2000 (the daemon's port) instead of
    TCP 443. SG003: no client can open HTTPS to the endpoint, and with private DNS on and no NAT
    there is no other way to X-Ray. SG002: an interface endpoint carries TCP only (AWS PrivateLink
    Guide, interface endpoint properties), so the UDP rule is extra."""
    return {("SG003", ids["xray"], "fail"), ("SG002", ids["endpoint_sg"], "fail")}


def test_near_miss_endpoint_group_admits_udp_2000() -> None:
    """The endpoint's group given the daemon's UDP 2000 in place of TCP 443: SG003 high, SG002
    medium, both right."""
    snapshot, ids = _built(**ENDPOINT_ADMITS_UDP)
    assert audit(snapshot) == _baseline(ids) | _endpoint_refuses_https(ids)
    found = severities(snapshot)
    assert found[("SG003", ids["xray"], "")] == "high"
    assert found[("SG002", ids["endpoint_sg"], "")] == "medium"
