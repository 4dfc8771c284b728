"""An Amazon S3 File Gateway on EC2 activated through a Storage Gateway interface VPC endpoint, with
an S3 gateway endpoint (the S3 File Gateway User Guide's "Activating a gateway in a virtual private
cloud" and its network requirements): every finding and its verdict (docs/precision.md)."""

from __future__ import annotations

from functools import cache

from aws_layout import audit, audit_result, region_view, severities
from layouts import storage_gateway_vpc_endpoint
from layouts.storage_gateway_vpc_endpoint import ENDPOINT_PORTS, VPC_CIDR

from vpcaudit.snapshot.model import Snapshot

Triples = set[tuple[str, str, str]]
Built = tuple[Snapshot, dict[str, str]]
ENDPOINT_443_ONLY = {"endpoint_ingress": "443"}
GATEWAY_HTTPS_ONLY = {"gateway_egress": "https"}
GATEWAY_S3_ONLY = {"gateway_egress": "s3"}
NO_S3_ENDPOINT = {"s3_endpoint": False}


@cache
def _built(**options: object) -> Built:
    """One snapshot per variant: several tests read the same one."""
    return storage_gateway_vpc_endpoint.build(**options)  # type: ignore[arg-type]


def _flow_log(ids: dict[str, str]) -> Triples:
    """Right, medium: the guide creates no flow log."""
    return {("MON001", ids["vpc"], "fail")}


def _default_endpoint_policies(ids: dict[str, str]) -> Triples:
    """Right (advice), medium: both endpoints keep AWS's default full access; the guide says nothing
    of endpoint policies (that the storagegateway service takes one is assumed, see the builder)."""
    return {("POL001", ids["storagegateway"], "fail")} | ({("POL001", ids["s3"], "fail")} if "s3" in ids else set())


def _single_az_endpoint(ids: dict[str, str]) -> Triples:
    """Right (advice), medium: IFE001, the storagegateway endpoint in use2-az1 only while the VPC
    has subnets in use2-az2. One endpoint serves every gateway of the VPC ("If you already have a VPC
    endpoint for Storage Gateway, you can use it"), and gateways use its regional name, which
    answers with every AZ's address: one AZ ties them all to use2-az1. With the one gateway in
    use2-az1 the authors may accept it. (The message's "clients in use2-az2 cross AZs" rests on the
    NFS client IFE002 miscounts.)"""
    return {("IFE001", ids["storagegateway"], "fail")}


def _private_dns_off(ids: dict[str, str]) -> Triples:
    """Right, info: DNS003 on the storagegateway endpoint, whose guide says "Verify that Enable
    Private DNS Name is not selected"; the gateway is activated with the endpoint's ID, its regional
    DNS name or an address, never the service's default name. A documented choice, as for
    DataSync (was medium: rule wrong, fixed; see "Rules changed")."""
    return {("DNS003", ids["storagegateway"], "fail")}


def _clients_unknown(ids: dict[str, str]) -> Triples:
    """Right, not evaluated: IFE002 on the storagegateway endpoint. With private DNS off, as the
    guide sets it up, only what is pointed at the endpoint's own names uses it — the gateway, which
    the snapshot does not tell from the NFS client in use2-az2 (which talks NFS to the gateway and
    nothing to the endpoint). It counted that client and fired (rule wrong, fixed): the rule now
    says it cannot judge the endpoint's client AZs."""
    return {("IFE002", ids["storagegateway"], "not_evaluated")}


def _usual(ids: dict[str, str]) -> Triples:
    return _flow_log(ids) | _default_endpoint_policies(ids) | _single_az_endpoint(ids) | _private_dns_off(ids) \
        | _clients_unknown(ids)


def test_the_snapshot_is_the_guide() -> None:
    """The builder against the guide: the storagegateway endpoint with private DNS off, its group
    allowing the six TCP ports from the VPC; the S3 gateway endpoint on the private table; the
    gateway instance and the NFS client are the VPC's only workloads."""
    snapshot, ids = _built()
    region = snapshot.accounts[0].regions[0]
    endpoint = next(e for e in region.vpc_endpoints if e.vpc_endpoint_id == ids["storagegateway"])
    assert (endpoint.service_name, endpoint.endpoint_type, endpoint.private_dns_enabled, endpoint.subnet_ids,
            endpoint.group_ids) == ("com.amazonaws.us-east-2.storagegateway", "Interface", False,
                                    (ids["gateway_subnet"],), (ids["endpoint_sg"],))
    group = next(g for g in region.security_groups if g.group_id == ids["endpoint_sg"])
    assert sorted((x.ip_protocol, x.from_port, x.to_port, x.cidr_ipv4) for x in group.rules if not x.is_egress) \
        == [("tcp", p, p, VPC_CIDR) for p in ENDPOINT_PORTS]
    s3 = next(e for e in region.vpc_endpoints if e.vpc_endpoint_id == ids["s3"])
    assert (s3.endpoint_type, s3.route_table_ids) == ("Gateway", (ids["private_rt"],))
    view = region_view(snapshot)
    assert {e.network_interface_id for e in view.workload_enis(ids["vpc"])} == {ids["gateway_eni"], ids["client_eni"]}


def test_findings_and_verdicts() -> None:
    """The canonical form: MON001, POL001 × 2, IFE001, DNS003 (info), IFE002 not evaluated.
    Silent, rightly: SG001 (no world source), SG002 (TCP 1026-1028, 1031 and 2222 are the guide's
    ports for the endpoint; it called them extra before, rule wrong, fixed), SG003 (each port the
    gateway needs is admitted from the VPC), SG004 (the VPC's CIDR), SG005 (the gateway and the
    client send all traffic), GWE001 (the prefix-list route on the only table), GWE002/GWE003 and
    the NAT rules (no NAT gateway), ACL001 (default NACL), RT001 (no blackhole)."""
    snapshot, ids = _built()
    assert audit(snapshot) == _usual(ids)
    assert severities(snapshot)[("DNS003", ids["storagegateway"], "")] == "info"


def test_near_miss_endpoint_admitting_443_only_fires_sg003() -> None:
    """The endpoint's group admitting TCP 443 alone, as for any other service's endpoint: the
    gateway's activation (1027), control (1026, 1028) and update (1031) connections are refused
    ("Verify that all of the following TCP ports are allowed"). Right: SG003 (high) names them; it
    saw 443 open and stayed silent before (rule wrong, fixed)."""
    snapshot, ids = _built(**ENDPOINT_443_ONLY)
    assert audit(snapshot) == _usual(ids) | {("SG003", ids["storagegateway"], "fail")}
    (finding,) = [f for f in audit_result(snapshot).findings if f.rule_id == "SG003"]
    assert finding.severity.value == "high"
    assert "TCP 1026-1028/1031" in finding.message
    (step,) = finding.fix
    permissions = step.parameters["IpPermissions"]
    assert sorted((p["FromPort"], p["ToPort"]) for p in permissions) == [(1026, 1028), (1031, 1031)]


def test_near_miss_gateway_sending_https_only_fires_sg005() -> None:
    """The gateway's group sending TCP 443 alone, to anywhere: the control connections to the
    endpoint are dropped and the gateway never connects. Right: SG005 (medium) on ``file-gateway``,
    naming the ports refused; it saw 443 reach the endpoint before (rule wrong, fixed)."""
    snapshot, ids = _built(**GATEWAY_HTTPS_ONLY)
    assert audit(snapshot) == _usual(ids) | {("SG005", ids["gateway_sg"], "fail")}
    (finding,) = [f for f in audit_result(snapshot).findings if f.rule_id == "SG005"]
    assert "no TCP 1026-1028/1031 to interface endpoint" in finding.message
    assert sorted((p["FromPort"], p["ToPort"]) for s in finding.fix
                  for p in s.parameters["IpPermissions"]) == [(1026, 1028), (1031, 1031)]


def test_near_miss_gateway_without_egress_to_the_endpoint() -> None:
    """The gateway's group sending TCP 443 to the S3 prefix list only: nothing reaches the
    storagegateway endpoint. Right: SG005 (medium) on ``file-gateway``, naming the endpoint."""
    snapshot, ids = _built(**GATEWAY_S3_ONLY)
    assert audit(snapshot) == _usual(ids) | {("SG005", ids["gateway_sg"], "fail")}
    assert severities(snapshot)[("SG005", ids["gateway_sg"], "")] == "medium"


def test_near_miss_no_s3_gateway_endpoint() -> None:
    """No S3 gateway endpoint, in a VPC without NAT or internet gateway: the gateway activates and
    connects through the storagegateway endpoint, but every upload to and read from its bucket
    fails. A gap, pinned: the audit is the canonical one less the S3 endpoint's POL001 — no rule
    asks how a workload of an isolated subnet reaches S3 (the GWE rules weigh NAT processing, and
    there is no NAT), and nothing in the snapshot says the instance is a File Gateway."""
    snapshot, ids = _built(**NO_S3_ENDPOINT)
    assert "s3" not in ids
    assert audit(snapshot) == _usual(ids)
