"""An Amazon S3 File Gateway on EC2 activated through a Storage Gateway interface VPC endpoint, with
an S3 gateway endpoint (the S3 File Gateway User Guide's "Activating a gateway in a virtual private
cloud" and its network requirements): every finding and its verdict (docs/precision.md)."""

from __future__ import annotations

from functools import cache

import pytest
from aws_layout import audit, region_view, severities
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
    """Rule wrong, medium: DNS003 on the storagegateway endpoint, whose guide says "Verify that
    Enable Private DNS Name is not selected"; the gateway is activated with the endpoint's ID, its
    regional DNS name or an address, never the service's default name. A documented choice (info),
    as for DataSync — the xfail below."""
    return {("DNS003", ids["storagegateway"], "fail")}


def _guide_ports_called_extra(ids: dict[str, str]) -> Triples:
    """Rule wrong, medium: SG002 calls TCP 1026, 1027, 1028, 1031 and 2222 extra ("the endpoint
    service(s) use only TCP 443"), the very ports the guide asks the endpoint's group to allow
    ("Verify that all of the following TCP ports are allowed in your security group"). vpcaudit's
    service ports know storagegateway as 443 alone — the xfail below."""
    return {("SG002", ids["endpoint_sg"], "fail")}


def _nfs_client_counted(ids: dict[str, str]) -> Triples:
    """Rule wrong, medium: IFE002 counts the NFS client in use2-az2 as a client of the
    storagegateway endpoint ("their traffic crosses to use2-az1"). With private DNS off and nothing
    answering storagegateway.us-east-2.amazonaws.com with the endpoint, only what is pointed at the
    endpoint's own names uses it — here the gateway, in use2-az1; the NFS client talks NFS to the
    gateway and nothing to the endpoint — the xfail below."""
    return {("IFE002", ids["storagegateway"], "fail")}


def _today(ids: dict[str, str]) -> Triples:
    return (_flow_log(ids) | _default_endpoint_policies(ids) | _single_az_endpoint(ids) | _private_dns_off(ids)
            | _guide_ports_called_extra(ids) | _nfs_client_counted(ids))


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


def test_findings_today() -> None:
    """The canonical form as the audit reports it: MON001, POL001 × 2, IFE001, and three rule-wrong
    findings, DNS003 (medium), SG002, IFE002. Silent, rightly: SG001 (no world source), SG003
    (TCP 443 from the VPC admits the gateway), SG004 (the VPC's CIDR), SG005 (the gateway and the
    client send all traffic), GWE001 (the prefix-list route on the only table), GWE002/GWE003 and
    the NAT rules (no NAT gateway), ACL001 (default NACL), RT001 (no blackhole)."""
    snapshot, ids = _built()
    assert audit(snapshot) == _today(ids)
    assert severities(snapshot)[("DNS003", ids["storagegateway"], "")] == "medium"


@pytest.mark.xfail(strict=True, reason="rule wrong: SG002 knows storagegateway as TCP 443 alone")
def test_the_guide_ports_are_not_extra() -> None:
    """What SG002 should say of the endpoint's group: nothing — 1026-1028, 1031 and 2222 are the
    guide's ports for the Storage Gateway endpoint."""
    snapshot, ids = _built()
    assert ("SG002", ids["endpoint_sg"], "fail") not in audit(snapshot)


@pytest.mark.xfail(strict=True, reason="rule wrong: DNS003 misses the Storage Gateway guide's private DNS off")
def test_private_dns_off_is_a_documented_choice() -> None:
    """What DNS003 should report: info, the guide's own setting."""
    snapshot, ids = _built()
    assert severities(snapshot)[("DNS003", ids["storagegateway"], "")] == "info"


@pytest.mark.xfail(strict=True, reason="rule wrong: IFE002 counts workloads that never use a private-DNS-off endpoint")
def test_the_nfs_client_is_no_client_of_the_endpoint() -> None:
    """What IFE002 should say: nothing — the endpoint's only user, the gateway, is in its AZ."""
    snapshot, ids = _built()
    assert ("IFE002", ids["storagegateway"], "fail") not in audit(snapshot)


def test_near_miss_endpoint_admitting_443_only_goes_unreported() -> None:
    """The endpoint's group admitting TCP 443 alone, as for any other service's endpoint: the
    gateway's activation (1027) and control connections (1026, 1028) are refused, and the audit is
    today's minus SG002 (nothing beyond 443 is admitted). Pinned as it is; the xfail below."""
    snapshot, ids = _built(**ENDPOINT_443_ONLY)
    assert audit(snapshot) == _today(ids) - _guide_ports_called_extra(ids)


@pytest.mark.xfail(strict=True, reason="rule wrong: SG003 checks 443 alone, not Storage Gateway's control ports")
def test_near_miss_endpoint_admitting_443_only_fires_sg003() -> None:
    """What SG003 should report: the storagegateway endpoint admitting none of TCP 1026-1028 from
    the gateway ("Verify that all of the following TCP ports are allowed")."""
    snapshot, ids = _built(**ENDPOINT_443_ONLY)
    assert ("SG003", ids["storagegateway"], "fail") in audit(snapshot)


def test_near_miss_gateway_sending_https_only_goes_unreported() -> None:
    """The gateway's group sending TCP 443 alone, to anywhere: the control connections to the
    endpoint (1026, 1028) are dropped and the gateway never connects; SG005 sees TCP 443 reach the
    endpoint and the S3 prefix list, and the audit is today's. Pinned as it is; the xfail below."""
    snapshot, ids = _built(**GATEWAY_HTTPS_ONLY)
    assert audit(snapshot) == _today(ids)


@pytest.mark.xfail(strict=True, reason="rule wrong: SG005 checks 443 alone, not Storage Gateway's control ports")
def test_near_miss_gateway_sending_https_only_fires_sg005() -> None:
    """What SG005 should report: the gateway's group, which sends none of TCP 1026-1028 to the
    storagegateway endpoint."""
    snapshot, ids = _built(**GATEWAY_HTTPS_ONLY)
    assert ("SG005", ids["gateway_sg"], "fail") in audit(snapshot)


def test_near_miss_gateway_without_egress_to_the_endpoint() -> None:
    """The gateway's group sending TCP 443 to the S3 prefix list only: nothing reaches the
    storagegateway endpoint. Right: SG005 (medium) on ``file-gateway``, naming the endpoint."""
    snapshot, ids = _built(**GATEWAY_S3_ONLY)
    assert audit(snapshot) == _today(ids) | {("SG005", ids["gateway_sg"], "fail")}
    assert severities(snapshot)[("SG005", ids["gateway_sg"], "")] == "medium"


def test_near_miss_no_s3_gateway_endpoint() -> None:
    """No S3 gateway endpoint, in a VPC without NAT or internet gateway: the gateway activates and
    connects through the storagegateway endpoint, but every upload to and read from its bucket
    fails. A gap, pinned: the audit is today's less the S3 endpoint's POL001 — no rule asks how a
    workload of an isolated subnet reaches S3 (the GWE rules weigh NAT processing, and there is no
    NAT), and nothing in the snapshot says the instance is a File Gateway."""
    snapshot, ids = _built(**NO_S3_ENDPOINT)
    assert "s3" not in ids
    assert audit(snapshot) == _today(ids)
