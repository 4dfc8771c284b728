"""Applications in private subnets sending mail through an Amazon SES ``email-smtp`` interface
endpoint (Amazon SES Developer Guide, "Setting up VPC endpoints with Amazon SES"): every finding and
its verdict (docs/precision.md). The point is the port handling of SG002, SG003 and SG005 for a
service that listens on the five SMTP ports and not on 443."""

from __future__ import annotations

from functools import cache

from aws_layout import audit, region_view, severities
from layouts import ses_smtp_endpoint
from layouts.ses_smtp_endpoint import HTTPS, REGION, SERVICE_KEY, SMTP_PORTS, SUBMISSION, regional_name

from vpcaudit import api
from vpcaudit.network.services import SERVICE_PORTS
from vpcaudit.snapshot.model import Snapshot

Triples = set[tuple[str, str, str]]
Built = tuple[Snapshot, dict[str, str]]
HTTPS_ONLY_ENDPOINT = {"endpoint_ports": (HTTPS,)}
SUBMISSION_ONLY = {"endpoint_ports": (SUBMISSION,)}
APPS_LET_OUT_HTTPS_ONLY = {"app_egress_ports": (HTTPS,)}
PORTS_CROSSED = {"endpoint_ports": (SUBMISSION,), "app_egress_ports": (25,)}
UNSUPPORTED_AZ = {"unsupported_az": True}


@cache
def _built(**options: object) -> Built:
    """One snapshot per variant: several tests read the same one."""
    return ses_smtp_endpoint.build(**options)  # type: ignore[arg-type]


def _flow_logs(ids: dict[str, str]) -> Triples:
    """Right, medium: nothing in the layout creates a flow log."""
    return {("MON001", ids["vpc"], "fail")}


def _smtp_refused(ids: dict[str, str]) -> Triples:
    """Right, high (SG003) and medium (SG002): the endpoint's group admits TCP 443 only. The guide
    has the group admit "the port number that you want to use to send email", one of 25, 465,
    587, 2465 or 2587 (STARTTLS on 25/587/2587, TLS Wrapper on 465/2465, smtp-connect.html); 443
    is none of them, so every SMTP connection is refused (SG003: no rule admits the applications
    on a service port), and the 443 rule opens a port the ``email-smtp`` endpoint does not serve
    (SG002) — HTTPS belongs to the SES API, a separate ``email`` endpoint. Both fixes ask the five
    ports, which the guide allows ("any or all of the port numbers")."""
    return {("SG003", ids["endpoint"], "fail"), ("SG002", ids["endpoint_sg"], "fail")}


def _apps_cannot_send(ids: dict[str, str]) -> Triples:
    """Right, medium: the applications' group lets out TCP 443 only, so no SMTP port reaches the
    endpoint; with private DNS on, ``email-smtp.us-east-1.amazonaws.com`` resolves to the endpoint
    and there is no other way out (no NAT gateway). The fix lets the five SMTP ports out to the
    endpoint's group."""
    return {("SG005", ids["app_sg"], "fail")}


def _group_rules(snapshot: Snapshot, group_id: str, *, egress: bool) -> list[tuple[str, int | None, str | None]]:
    group = next(g for g in snapshot.accounts[0].regions[0].security_groups if g.group_id == group_id)
    return sorted((x.ip_protocol, x.from_port, x.referenced_group_id or x.cidr_ipv4)
                  for x in group.rules if x.is_egress == egress)


def test_the_endpoint_service_and_groups_as_the_guide_builds_them() -> None:
    """vpcaudit knows ``email-smtp`` by its five SMTP ports, not 443 (``SERVICE_PORTS``); the
    endpoint has private DNS on for ``email-smtp.us-east-1.amazonaws.com``, one interface per
    subnet typed ``vpc_endpoint`` and described ``VPC Endpoint Interface <id>``; its group admits
    the five ports from the applications' group, and the three instances are its only clients."""
    snapshot, ids = _built()
    assert SERVICE_PORTS[SERVICE_KEY] == SMTP_PORTS
    view = region_view(snapshot)
    region = snapshot.accounts[0].regions[0]
    endpoint = next(e for e in region.vpc_endpoints if e.vpc_endpoint_id == ids["endpoint"])
    info = view.service(endpoint)
    assert (info.key, info.ports, info.port, info.hostnames) == (
        SERVICE_KEY, SMTP_PORTS, 25, (f"{SERVICE_KEY}.{REGION}.amazonaws.com",))
    assert (endpoint.private_dns_enabled, endpoint.policy_document, endpoint.group_ids) == (
        True, None, (ids["endpoint_sg"],))
    assert endpoint.dns_entries[0].dns_name == regional_name(ids["endpoint"])
    assert sorted(endpoint.subnet_ids) == sorted(ids[f"private{k}"] for k in (1, 2, 3))
    enis = {e.network_interface_id: e for e in region.network_interfaces}
    assert {(enis[n].interface_type, enis[n].requester_managed, enis[n].description, enis[n].instance_id)
            for n in endpoint.network_interface_ids} == {
        ("vpc_endpoint", True, f"VPC Endpoint Interface {ids['endpoint']}", None)}
    assert _group_rules(snapshot, ids["endpoint_sg"], egress=False) == [
        ("tcp", port, ids["app_sg"]) for port in SMTP_PORTS]
    assert sorted(e.network_interface_id for e in view.workload_enis(ids["vpc"])) == sorted(
        ids[f"app{k}"] for k in (1, 2, 3))


def test_findings_and_verdicts() -> None:
    """The canonical form: MON001 alone. Silent, rightly: SG002 (the five rules are the service's
    ports, none extra); SG003 (the applications' group admitted on all five); SG005 (AWS's default
    egress); SG001/SG004/SG006; DNS001-DNS004 (attributes on, private DNS on, no zone);
    IFE001/IFE002 (an interface in each AZ with instances); POL001/POL002 (no policy support
    assumed, no document); NAT and GWE rules (nothing leaves the VPC)."""
    snapshot, ids = _built()
    assert audit(snapshot) == _flow_logs(ids)


def test_near_miss_endpoint_group_admits_https_only() -> None:
    """The endpoint's group admits TCP 443 from the applications, as the VPC's other endpoint groups
    do: SG003 (high) on the endpoint and SG002 (medium) on its group — vpcaudit judges the
    ``email-smtp`` endpoint by its SMTP ports, not by the 443 of every other AWS service."""
    snapshot, ids = _built(**HTTPS_ONLY_ENDPOINT)
    assert audit(snapshot) == _flow_logs(ids) | _smtp_refused(ids)
    found = severities(snapshot)
    assert (found[("SG003", ids["endpoint"], "")], found[("SG002", ids["endpoint_sg"], "")]) == ("high", "medium")


def test_near_miss_endpoint_group_admits_submission_port_only() -> None:
    """The endpoint's group admits TCP 587 alone, the port the applications use: what the guide
    asks (one rule for "the port number that you want to use", further ports optional). Silent,
    rightly: the audit is the canonical one — SG003 asks for one of the service's ports, and an
    SMTP client connects on the one it is configured with."""
    snapshot, ids = _built(**SUBMISSION_ONLY)
    assert audit(snapshot) == _flow_logs(ids)
    assert _group_rules(snapshot, ids["endpoint_sg"], egress=False) == [("tcp", SUBMISSION, ids["app_sg"])]


def test_near_miss_applications_let_out_https_only() -> None:
    """The applications' group hardened to let out TCP 443 alone: SG005 on it — no SMTP port
    leaves for the endpoint."""
    snapshot, ids = _built(**APPS_LET_OUT_HTTPS_ONLY)
    assert audit(snapshot) == _flow_logs(ids) | _apps_cannot_send(ids)
    assert _group_rules(snapshot, ids["app_sg"], egress=True) == [("tcp", HTTPS, "0.0.0.0/0")]


def test_near_miss_each_side_opens_a_different_smtp_port() -> None:
    """The endpoint's group admits 587 only, the applications' group lets out 25 only: no port is
    open at both ends, and every connection times out one way or the other. SG005 on the
    applications' group, naming the port the endpoint admits, and its fix lets 587 out. (A gap
    before: SG003 saw a service port admitted from the clients, SG005 a service port let out to the
    endpoint, and neither asked that they be the same port — for a one-port service they cannot
    differ, for ``email-smtp``'s five they can. Rule fixed.)"""
    snapshot, ids = _built(**PORTS_CROSSED)
    assert audit(snapshot) == _flow_logs(ids) | _apps_cannot_send(ids)
    admitted = {x[1] for x in _group_rules(snapshot, ids["endpoint_sg"], egress=False)}
    let_out = {x[1] for x in _group_rules(snapshot, ids["app_sg"], egress=True)}
    assert admitted & let_out == set()
    assert admitted <= set(SMTP_PORTS) and let_out <= set(SMTP_PORTS)
    (finding,) = [f for f in api.audit(snapshot).findings if f.rule_id == "SG005"]
    assert "no TCP 587 to interface endpoint" in finding.message and "admit them on TCP 587 only" in finding.message
    (fix,) = finding.fix
    assert [(p["FromPort"], p["ToPort"]) for p in fix.parameters["IpPermissions"]] == [(SUBMISSION, SUBMISSION)]


def test_near_miss_one_port_open_at_both_ends_is_enough() -> None:
    """The other side of that near miss: the applications let out 25 and 587, the endpoint admits
    587 only — one port meets, and mail flows on it. Silent, as the canonical form."""
    snapshot, ids = _built(endpoint_ports=(SUBMISSION,), app_egress_ports=(25, SUBMISSION))
    assert audit(snapshot) == _flow_logs(ids)


def test_near_miss_application_in_an_unsupported_az() -> None:
    """us-east-1b is this account's use1-az2, one of the AZs the guide says SES has no VPC endpoint
    in: the service is offered in a and c only, so the endpoint has interfaces there and the
    instance in b sends across AZs. Silent, rightly: IFE002 reports only AZs where the service is
    offered (adding a subnet of b would be refused), and IFE001 sees two AZs."""
    snapshot, ids = _built(**UNSUPPORTED_AZ)
    assert audit(snapshot) == _flow_logs(ids)
    region = snapshot.accounts[0].regions[0]
    service = next(s for s in region.endpoint_services if s.service_name.endswith(f".{SERVICE_KEY}"))
    assert service.availability_zone_ids == ("use1-az1", "use1-az4")
    endpoint = next(e for e in region.vpc_endpoints if e.vpc_endpoint_id == ids["endpoint"])
    assert sorted(endpoint.subnet_ids) == sorted([ids["private1"], ids["private3"]])
    subnets = {s.subnet_id: s.availability_zone_id for s in region.subnets}
    assert subnets[ids["private2"]] == "use1-az2"
