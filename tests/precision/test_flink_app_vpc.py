"""An Amazon Managed Service for Apache Flink application with a VPC configuration, reading an MSK
topic in private subnets and writing to S3 and Kinesis through one NAT gateway or through VPC
endpoints (Managed Service for Apache Flink Developer Guide, "Configure Managed Service for Apache
Flink to access resources in an Amazon VPC"): every finding and its verdict (docs/precision.md)."""

from __future__ import annotations

from functools import cache

from aws_layout import audit, region_view
from layouts import flink_app_vpc
from layouts.flink_app_vpc import BROKER_DESCRIPTION, INTERFACE_SERVICES

from vpcaudit.snapshot.model import Snapshot

Triples = set[tuple[str, str, str]]
Built = tuple[Snapshot, dict[str, str]]
ENDPOINTS_FORM = {"nat": False}
NO_NAT_NO_ENDPOINTS = {"nat": False, "endpoints": False}
NO_OUTBOUND = {"nat": False, "allow_all_outbound": False}
ONE_SUBNET = {"app_subnets": (1,)}


@cache
def _built(**options: object) -> Built:
    """One snapshot per variant: several tests read the same one."""
    return flink_app_vpc.build(**options)  # type: ignore[arg-type]


def _interfaces(snapshot: Snapshot) -> list:
    return list(snapshot.accounts[0].regions[0].network_interfaces)


def _flow_logs(ids: dict[str, str]) -> Triples:
    """Right, medium: the blueprint creates no flow log."""
    return {("MON001", ids["vpc"], "fail")}


def _nat_form(ids: dict[str, str]) -> Triples:
    """Right (advice). NAT002 on the private subnets of us-east-1b and c, NAT003 for the AZs
    without a NAT gateway: the blueprint's ``natGateways: 1`` serves three AZs. The application's
    interfaces sit in "one of the subnets provided" — us-east-1a here, but the service may choose b
    or c at the next start, and then its sink traffic crosses AZs and stops with us-east-1a.
    GWE002, medium: the S3 sink's writes pay NAT processing with no gateway endpoint. GWE003, low:
    advice only, nothing here calls DynamoDB."""
    return {("NAT002", ids["private2"], "fail"), ("NAT002", ids["private3"], "fail"),
            ("NAT003", ids["vpc"], "fail"), ("GWE002", ids["vpc"], "fail"), ("GWE003", ids["vpc"], "fail")}


def _default_policies(ids: dict[str, str]) -> Triples:
    """Right (advice), medium: AWS's full-access policy on the three interface endpoints and the S3
    gateway endpoint; the guide asks for nothing narrower."""
    return {("POL001", ids[key], "fail") for key in (*INTERFACE_SERVICES, "s3")}


def test_the_application_interfaces_are_workloads_and_the_brokers_are_not() -> None:
    """Two interfaces in the first private subnet (the guide: "in one of the subnets provided";
    the count, one per KPU, assumed), typed ``interface``, not requester-managed, undescribed, on
    no instance, in ``mskSG`` (module docstring). Workloads, rightly: they carry the application's
    own code's traffic — Kafka to the brokers, the S3 and Kinesis sinks' API calls — which the
    guide says needs a NAT gateway or VPC endpoints. The brokers' interfaces, described as MSK
    describes them, are not."""
    snapshot, ids = _built()
    view = region_view(snapshot)
    apps = [e for e in _interfaces(snapshot) if e.network_interface_id in (ids["app1"], ids["app2"])]
    assert {(e.subnet_id, e.interface_type, e.requester_managed, e.description, e.instance_id, e.group_ids)
            for e in apps} == {(ids["private1"], "interface", False, "", None, (ids["msk_sg"],))}
    brokers = [e for e in _interfaces(snapshot) if e.description == BROKER_DESCRIPTION]
    assert sorted(e.subnet_id for e in brokers) == sorted(ids[f"private{k}"] for k in (1, 2, 3))
    assert not any(view.is_workload(e) for e in brokers)
    assert sorted(e.network_interface_id for e in view.workload_enis(ids["vpc"])) == sorted((ids["app1"], ids["app2"]))


def test_findings_and_verdicts() -> None:
    """The blueprint's NAT form: MON001, NAT002 ×2, NAT003, GWE002, GWE003. Silent, rightly:
    the SG rules (no endpoint; ``mskSG`` sends anywhere), IFE/DNS003/POL (no endpoint), NAT001 and
    NAT005 (the gateway is public and routed), ACL001, RT001."""
    snapshot, ids = _built()
    assert audit(snapshot) == _flow_logs(ids) | _nat_form(ids)


def test_endpoints_form() -> None:
    """No NAT gateway; ``kinesis-streams``, ``monitoring``, ``logs`` in the three private subnets
    behind ``flink-endpoints`` (443 from the VPC), the S3 gateway endpoint on the three private
    tables: MON001 and POL001 ×4. Silent, rightly: SG003/SG005 (the endpoints admit the VPC,
    ``mskSG`` sends anywhere), IFE001/IFE002 (every endpoint in every AZ the application may be
    placed in), GWE001 (the route is on every private table), every NAT rule."""
    snapshot, ids = _built(**ENDPOINTS_FORM)
    assert audit(snapshot) == _flow_logs(ids) | _default_policies(ids)


def test_near_miss_no_nat_and_no_endpoints() -> None:
    """No NAT gateway and no endpoint: the Kafka source still works (the brokers are in the VPC),
    the S3 and Kinesis sinks time out and the job restarts in a loop. Not checkpoints: the guide
    says the service manages checkpoint and snapshot state for VPC applications, and its
    troubleshooting reads the application's CloudWatch logs while the VPC is unreachable. A gap,
    pinned: only MON001. No rule knows the application's destinations (DescribeApplication is not
    collected), and a VPC without egress is a legitimate design on its own."""
    snapshot, ids = _built(**NO_NAT_NO_ENDPOINTS)
    assert audit(snapshot) == _flow_logs(ids)
    tables = [t for t in snapshot.accounts[0].regions[0].route_tables if t.route_table_id == ids["private_rt1"]]
    assert [(r.destination, r.target_kind) for r in tables[0].routes] == [("10.0.0.0/16", "local")]


def test_near_miss_group_without_outbound_access() -> None:
    """``mskSG`` made with ``allowAllOutbound: false``: CDK's placeholder ICMP rule to
    255.255.255.255/32 and all traffic to itself. The brokers stay reachable; the endpoints' 443
    does not. SG005 on ``mskSG``, Right: the application's interfaces cannot reach the
    ``kinesis-streams`` endpoint or the S3 gateway endpoint's prefix list."""
    snapshot, ids = _built(**NO_OUTBOUND)
    assert audit(snapshot) == (_flow_logs(ids) | _default_policies(ids)
                               | {("SG005", ids["msk_sg"], "fail")})


def test_near_miss_application_in_one_subnet() -> None:
    """The VPC configuration given the first private subnet only: when us-east-1a fails, the
    service has no other subnet to place the application's interfaces in. A gap, pinned: the
    snapshot is the canonical one interface for interface — the service puts them in "one of the
    subnets provided" either way, and the configuration's subnet list is in DescribeApplication,
    which is not collected. The guide states no AZ requirement, so a finding would be advice at
    most."""
    snapshot, ids = _built(**ONE_SUBNET)
    canonical, _ = _built()
    assert audit(snapshot) == _flow_logs(ids) | _nat_form(ids)
    assert _interfaces(snapshot) == _interfaces(canonical)
