"""The ports of PrivateLink services, configured (``service-ports``): parsed from every face,
refused when malformed, carried to the network view, echoed in the result."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest
from aws_layout import audit_result
from engine_snapshots import write
from layouts import privatelink_partner_service
from typer.testing import CliRunner

from vpcaudit import api
from vpcaudit.cli import app
from vpcaudit.config import ConfigError, read_config
from vpcaudit.engine.service_ports import parse_service_ports
from vpcaudit.errors import UsageError
from vpcaudit.lambda_handler import read_settings
from vpcaudit.network.view import NetworkView
from vpcaudit.options import audit_options
from vpcaudit.snapshot import resources as r
from vpcaudit.snapshot.model import Part, Snapshot, State

PARTNER = "com.amazonaws.vpce.us-east-1.vpce-svc-0e123abc123198abc"
OTHER = "com.amazonaws.vpce.eu-west-1.vpce-svc-11111aaaa2222bbbb"


@pytest.mark.parametrize("raw", [
    {PARTNER: [8443, 8444], OTHER: 22},
    [f"{PARTNER}=8444", f"{PARTNER}=8443", f"{OTHER}=22"],
    f"{PARTNER}=8443, {OTHER}=22,{PARTNER}=8444",
])
def test_parse_reads_a_table_flags_or_a_comma_list(raw: object) -> None:
    assert parse_service_ports(raw) == {PARTNER: (8443, 8444), OTHER: (22,)}


@pytest.mark.parametrize(("raw", "message"), [
    ({"com.amazonaws.us-east-1.s3": 443}, "'com.amazonaws.us-east-1.s3' is not a PrivateLink service name"),
    ({"vpce-svc-0e123abc123198abc": 8443}, "'vpce-svc-0e123abc123198abc' is not a PrivateLink service name"),
    ({PARTNER: 0}, f"{PARTNER}: expected a TCP port from 1 to 65535, got '0'"),
    ({PARTNER: 65536}, "got '65536'"),
    ({PARTNER: "https"}, "got 'https'"),
    ({PARTNER: True}, "got 'True'"),
    ({PARTNER: 8443.0}, "got '8443.0'"),
    (f"{PARTNER}:8443", "is not SERVICE=PORT (e.g. com.amazonaws.vpce.us-east-1.vpce-svc-0123456789abcdef0=8443)"),
    (8443, "expected SERVICE=PORT entries or a table of service name = ports, got 8443"),
])
def test_parse_refuses_what_is_not_a_service_port(raw: object, message: str) -> None:
    with pytest.raises(UsageError, match=message.replace(".", r"\.").replace("(", r"\(").replace(")", r"\)")) as caught:
        parse_service_ports(raw)
    assert caught.value.setting == "service_ports"


def test_a_service_ports_table_in_vpcaudit_toml_reaches_the_audit_options(tmp_path: Path) -> None:
    (tmp_path / "vpcaudit.toml").write_text(f'[service-ports]\n"{PARTNER}" = [8443]\n"{OTHER}" = 22\n')
    config = read_config(tmp_path / "vpcaudit.toml")
    assert config.values == {"service_ports": [f"{PARTNER}=8443", f"{OTHER}=22"]}
    options = audit_options(config.values)
    assert options.service_ports == {PARTNER: (8443,), OTHER: (22,)}
    assert options.echo()["service_ports"] == f"{OTHER}=22,{PARTNER}=8443"


def test_a_bad_service_port_in_vpcaudit_toml_names_the_file_and_the_key(tmp_path: Path) -> None:
    (tmp_path / "vpcaudit.toml").write_text(f'[service-ports]\n"{PARTNER}" = 70000\n')
    with pytest.raises(ConfigError, match=f"vpcaudit.toml: service-ports: {PARTNER}: expected a TCP port from 1 to "
                                          "65535, got '70000'"):
        read_config(tmp_path / "vpcaudit.toml")


def test_the_lambda_event_and_its_variable_take_the_setting() -> None:
    assert read_settings({"service_ports": {PARTNER: [8443]}}, {}).audit.service_ports == {PARTNER: (8443,)}
    from_variable = read_settings({}, {"VPCAUDIT_SERVICE_PORTS": f"{PARTNER}=8443,{PARTNER}=8444"})
    assert from_variable.audit.service_ports == {PARTNER: (8443, 8444)}
    with pytest.raises(UsageError, match="is not a PrivateLink service name"):
        read_settings({"service_ports": {"com.amazonaws.us-east-1.ssm": 443}}, {})


def test_the_view_gives_configured_ports_only_to_endpoints_whose_service_publishes_none() -> None:
    snapshot, ids = privatelink_partner_service.build()
    account = snapshot.accounts[0]
    region = account.regions[0]
    (endpoint,) = region.vpc_endpoints
    info = NetworkView.build(account, region, service_ports={ids["service"]: (8443,)}).service(endpoint)
    assert (info.ports, info.ports_configured) == ((8443,), True)
    assert NetworkView.build(account, region).service(endpoint).ports == ()
    ssm = "com.amazonaws.us-east-1.ssm"
    aws = replace(endpoint, service_name=ssm)  # an AWS service keeps its documented port whatever the setting says
    info = NetworkView.build(account, region, service_ports={ssm: (8443,)}).service(aws)
    assert (info.ports, info.ports_configured) == ((443,), False)


def _cli_audit(tmp_path: Path, *args: str) -> tuple[int, str, str]:
    """``vpcaudit audit`` of the partner consumer's snapshot, SG002 and SG003 only, strict."""
    snapshot, _ = privatelink_partner_service.build()
    path = write(snapshot, tmp_path / "consumer.json")
    done = CliRunner().invoke(app, ["audit", str(path), "--select", "SG002,SG003", "--strict", "-f", "json", *args],
                              catch_exceptions=False)
    return done.exit_code, done.stdout, done.stderr


def test_strict_passes_the_consumer_once_its_port_is_said(tmp_path: Path) -> None:
    """The consumer as AWS documents it: exit 3 under --strict while the port is unknown; exit 0
    with the partner's 443 configured, echoed in the result; exit 1 with 8443 (SG003, high)."""
    service = privatelink_partner_service.build()[1]["service"]
    assert _cli_audit(tmp_path)[0] == 3
    code, out, err = _cli_audit(tmp_path, "--service-port", f"{service}=443")
    assert code == 0, err
    assert json.loads(out)["options"]["service_ports"] == f"{service}=443"
    code, out, _ = _cli_audit(tmp_path, "--service-port", f"{service}=8443")
    assert code == 1
    assert {f["rule_id"] for f in json.loads(out)["findings"] if f["status"] == "fail"} == {"SG002", "SG003"}


def test_the_flag_wins_over_the_file(tmp_path: Path) -> None:
    service = privatelink_partner_service.build()[1]["service"]
    config = tmp_path / "vpcaudit.toml"
    config.write_text(f'[service-ports]\n"{service}" = 8443\n')
    assert _cli_audit(tmp_path, "--config", str(config))[0] == 1
    code, out, _ = _cli_audit(tmp_path, "--config", str(config), "--service-port", f"{service}=443")
    assert code == 0 and json.loads(out)["options"]["service_ports"] == f"{service}=443"


def test_a_bad_flag_is_one_line_and_exit_2(tmp_path: Path) -> None:
    code, _, err = _cli_audit(tmp_path, "--service-port", "vpce-svc-0e123abc123198abc=8443")
    assert code == 2 and err.count("\n") == 1
    assert "error: --service-port: 'vpce-svc-0e123abc123198abc' is not a PrivateLink service name" in err


def _consumer(**kwargs: object) -> tuple[Snapshot, dict[str, str]]:
    """The partner consumer on 8443, its endpoint group or NACL changed as ``kwargs`` say:
    ``sources`` (the CIDRs the group admits TCP 8443 from), ``deny_from`` (a CIDR the endpoint
    subnets' NACL denies inbound TCP 8443 from, before allowing everything). Its private subnets
    also route 172.16.0.0/12 to a transit gateway (an on-premises network)."""
    snapshot, ids = privatelink_partner_service.build(service_port=8443, group_ports=(8443,))
    account = snapshot.accounts[0]
    region = account.regions[0]
    groups = list(region.security_groups)
    if "sources" in kwargs:
        group = next(g for g in groups if g.group_id == ids["endpoint_sg"])
        template = next(x for x in group.rules if not x.is_egress)
        rules = tuple(x for x in group.rules if x.is_egress) + tuple(
            replace(template, cidr_ipv4=cidr) for cidr in kwargs["sources"])  # type: ignore[attr-defined]
        groups[groups.index(group)] = replace(group, rules=rules)
    acls = list(region.network_acls)
    if "deny_from" in kwargs:
        subnets = (ids["private1"], ids["private2"])
        entries = (r.NaclEntry(90, False, "6", "deny", str(kwargs["deny_from"]), None, 8443, 8443),
                   r.NaclEntry(100, False, "-1", "allow", "0.0.0.0/0", None, None, None),
                   r.NaclEntry(100, True, "-1", "allow", "0.0.0.0/0", None, None, None))
        acls = [replace(a, subnet_ids=tuple(s for s in a.subnet_ids if s not in subnets)) for a in acls]
        acls.append(r.NetworkAcl("acl-0partner00000000", ids["vpc"], account.account_id, False, entries, subnets, ()))
    tables = tuple(replace(t, routes=(*t.routes, r.Route("172.16.0.0/12", "ipv4", "tgw", "tgw-0partner0000000",
                                                         "active", "CreateRoute")))
                   if t.route_table_id == ids["private_rt"] else t for t in region.route_tables)
    region = replace(region, security_groups=tuple(groups), network_acls=tuple(acls), route_tables=tables)
    return replace(snapshot, accounts=(replace(account, regions=(region,)),)), ids


@pytest.mark.parametrize(("rule_id", "change"), [
    ("SG004", {"sources": ["10.0.0.0/8"]}),
    ("SG006", {"sources": ["172.16.0.0/12"]}),
    ("ACL001", {"deny_from": "10.0.2.0/24"}),
])
def test_every_port_judging_finding_says_the_port_was_configured(rule_id: str, change: dict[str, object]) -> None:
    """SG004 (a source beyond the VPC on the service port), SG006 (only the remote network admitted
    while private DNS sends the VPC's own clients to the endpoint) and ACL001 (a NACL denying the
    service port): each judges the endpoint on the configured port, and says so, as SG002 and SG003
    do — a reader must tell the user's word from a published port.
    Without the setting no finding mentions it (ACL001 still reports the denied return traffic)."""
    snapshot, ids = _consumer(**change)
    configured = {ids["service"]: (8443,)}
    findings = [f for f in audit_result(snapshot, configured).findings
                if f.rule_id == rule_id and f.status.value == "fail"]
    assert len(findings) == 1, [f.message for f in findings]
    assert f"(configured for {ids['service']} in service-ports; the service publishes no port)" in findings[0].message
    assert not [f for f in audit_result(snapshot).findings if f.rule_id == rule_id and "service-ports" in f.message]


def test_an_entry_no_endpoint_connects_to_is_named_on_stderr(tmp_path: Path) -> None:
    """A service name with a typo (or an endpoint since deleted) judges nothing: `audit` says so
    on stderr, naming it; the right name draws no such line, and --quiet keeps stderr quiet."""
    service = privatelink_partner_service.build()[1]["service"]
    typo = service[:-1] + ("b" if service[-1] != "b" else "c")
    _, _, err = _cli_audit(tmp_path, "--service-port", f"{typo}=443", "--service-port", f"{service}=443")
    assert f"service-ports: no VPC endpoint in the snapshot connects to {typo}" in err
    assert f"connects to {service}," not in err
    assert "service-ports:" not in _cli_audit(tmp_path, "--service-port", f"{service}=443")[2]
    assert "service-ports:" not in _cli_audit(tmp_path, "--service-port", f"{typo}=443", "--quiet")[2]


def test_nothing_is_said_where_no_endpoints_were_collected() -> None:
    """Without the Regions' endpoints (denied, or not asked for), whether an entry is used cannot be told."""
    snapshot, ids = privatelink_partner_service.build()
    account = snapshot.accounts[0]
    blind = replace(snapshot, accounts=(replace(account, regions=tuple(
        replace(region, status=tuple(replace(s, state=State.DENIED) if s.part is Part.VPC_ENDPOINTS else s
                                     for s in region.status)) for region in account.regions)),))
    typo = ids["service"][:-1] + ("b" if ids["service"][-1] != "b" else "c")
    options = audit_options({"service_ports": [f"{typo}=443"]})
    assert api.unused_service_ports(snapshot, options) == [typo]
    assert api.unused_service_ports(blind, options) == []
