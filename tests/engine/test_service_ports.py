"""The ports of PrivateLink services, configured (``service-ports``): parsed from every face,
refused when malformed, carried to the network view, echoed in the result."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest
from engine_snapshots import write
from layouts import privatelink_partner_service
from typer.testing import CliRunner

from vpcaudit.cli import app
from vpcaudit.config import ConfigError, read_config
from vpcaudit.engine.service_ports import parse_service_ports
from vpcaudit.errors import UsageError
from vpcaudit.lambda_handler import read_settings
from vpcaudit.network.view import NetworkView
from vpcaudit.options import audit_options

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
