"""Torture snapshot: realistic AWS shapes the hand-built rule tests rarely combine.

One account scans two Regions. us-east-1 holds a dual-stack VPC with a secondary CIDR, an
IPv6-only subnet (no IPv4 CIDR) behind an egress-only IGW, propagated VGW routes, a
customer-managed prefix list in a route and in SG rules, an S3 interface endpoint limited to
inbound Resolver endpoints beside the S3 gateway endpoint, a cross-Region (``ServiceRegion``)
interface endpoint, Gateway Load Balancer / Resource / ServiceNetwork endpoints, a VPC with no
subnets and a VPC shared through RAM by an account that is not scanned. cn-north-1 holds a
China VPC whose services are named ``cn.com.amazonaws.cn-north-1.*`` (DNS ``amazonaws.com.cn``).

Every built-in rule runs over it through the runner: none may end in an ``error`` scope, and
findings that must (or must not) appear are spot-checked, as are the traffic paths they have to
agree with.
"""

from __future__ import annotations

from dataclasses import replace

import pytest
from builders import RegionBuilder, standard_vpc
from stepcheck import check_steps

from vpcaudit.engine.loader import load_registry
from vpcaudit.engine.result import AuditResult
from vpcaudit.engine.rule import Status
from vpcaudit.engine.runner import run
from vpcaudit.network.view import NetworkView
from vpcaudit.snapshot.model import Snapshot

OTHER_ACCOUNT = "222222222222"
GWLB_SERVICE = "com.amazonaws.vpce.us-east-1.vpce-svc-0a1b2c3d4e5f60718"
CN = "cn-north-1"


def _us_east_1() -> tuple[RegionBuilder, dict[str, str]]:
    b = RegionBuilder()
    ids = standard_vpc(b, azs=2)
    vpc = str(ids["vpc"])
    # Secondary IPv4 CIDR and an IPv6 block, as AWS reports them after association.
    b.vpcs[vpc] = replace(b.vpcs[vpc], cidr_blocks=("10.0.0.0/16", "100.64.0.0/16"),
                          ipv6_cidr_blocks=("2600:1f18:aa:bb00::/56",))
    eigw = b.eigw(vpc)
    vgw = "vgw-0123456789abcdef0"
    tgw = "tgw-0123456789abcdef0"
    # A subnet in the secondary CIDR, routed to the AZ-1 NAT gateway and to on-premises via a
    # propagated VGW route and a customer-managed prefix list to the transit gateway.
    onprem = b.prefix_list("corp-networks", ["172.16.0.0/12", "192.168.0.0/16"])
    secondary = b.subnet(vpc, "100.64.1.0/24", az=1, name="secondary")
    secondary_rt = b.route_table(vpc, subnets=[secondary], routes={"0.0.0.0/0": str(ids["nat"][0]), onprem: tgw})
    b.route(secondary_rt, "10.50.0.0/16", vgw, origin="EnableVgwRoutePropagation")
    b.workload(secondary)
    # IPv6-only subnet: no IPv4 CIDR, ::/0 to the egress-only IGW, and a propagated ::/0 is
    # irrelevant to it; its workload is IPv6-only.
    v6only = b.subnet(vpc, "10.0.200.0/24", az=2, name="v6only", ipv6_cidrs=["2600:1f18:aa:bb10::/64"])
    b.subnets[v6only] = replace(b.subnets[v6only], cidr_block=None, ipv6_native=True)
    b.route_table(vpc, subnets=[v6only], routes={"::/0": eigw})
    b.workload(v6only)
    # Isolated subnet whose only default route is a propagated VGW route (egress class vgw).
    vgw_only = b.subnet(vpc, "10.0.210.0/24", az=2, name="vgw-only")
    vgw_rt = b.route_table(vpc, subnets=[vgw_only])
    b.route(vgw_rt, "0.0.0.0/0", vgw, origin="EnableVgwRoutePropagation")
    b.workload(vgw_only)
    # Gateway endpoints on every private table; S3 interface endpoint limited to inbound Resolver.
    private_tables = [*ids["private_rt"], secondary_rt, vgw_rt]
    s3_gateway = b.gateway_endpoint(vpc, "s3", route_tables=private_tables)
    b.gateway_endpoint(vpc, "dynamodb", route_tables=private_tables)
    endpoint_sg = b.security_group(vpc, name="endpoints", ingress=[("tcp", 443, 443, "10.0.0.0/16"),
                                                                  ("tcp", 443, 443, "100.64.0.0/16"),
                                                                  ("tcp", 443, 443, onprem)])
    private = [str(s) for s in ids["private"]]
    s3_interface = b.interface_endpoint(vpc, "s3", subnets=private, groups=[endpoint_sg], inbound_only=True)
    ssm = b.interface_endpoint(vpc, "ssm", subnets=private, groups=[endpoint_sg])
    b.interface_endpoint(vpc, "ssmmessages", subnets=private, groups=[endpoint_sg])
    # Cross-Region PrivateLink: a us-west-2 service reached from this VPC.
    west = b.service("ssm", name="com.amazonaws.us-west-2.ssm", dns_names=["ssm.us-west-2.amazonaws.com"])
    b.services[west] = replace(b.services[west], service_region="us-west-2")
    cross_region = b.interface_endpoint(vpc, "ssm", subnets=private[:1], groups=[endpoint_sg],
                                        service_name=west, private_dns=False)
    b.endpoints[cross_region] = replace(b.endpoints[cross_region], service_region="us-west-2")
    # Gateway Load Balancer endpoint (firewall), Resource and ServiceNetwork endpoints (Lattice).
    firewall_subnet = b.subnet(vpc, "10.0.220.0/24", az=1, name="firewall")
    b.route_table(vpc, subnets=[firewall_subnet], routes={"0.0.0.0/0": str(ids["igw"])})
    b.service("vpce-svc-0a1b2c3d4e5f60718", name=GWLB_SERVICE, types=("GatewayLoadBalancer",), owner=OTHER_ACCOUNT,
              dns_names=())
    gwlb = b.interface_endpoint(vpc, "gwlb", subnets=[firewall_subnet], service_name=GWLB_SERVICE,
                                endpoint_type="GatewayLoadBalancer", private_dns=False, policy=None)
    inspected = b.subnet(vpc, "10.0.230.0/24", az=1, name="inspected")
    b.route_table(vpc, subnets=[inspected], routes={"0.0.0.0/0": gwlb})
    b.workload(inspected)
    # A second inspection path: firewall endpoint in AZ 1 whose subnet leaves through the AZ-2 NAT
    # gateway, so an AZ-1 subnet behind it crosses AZs (NAT002 and the path matrix must agree).
    fw_nat_subnet = b.subnet(vpc, "10.0.240.0/24", az=1, name="firewall-to-nat")
    b.route_table(vpc, subnets=[fw_nat_subnet], routes={"0.0.0.0/0": str(ids["nat"][1])})
    gwlb_nat = b.interface_endpoint(vpc, "gwlb", subnets=[fw_nat_subnet], service_name=GWLB_SERVICE,
                                    endpoint_type="GatewayLoadBalancer", private_dns=False, policy=None)
    inspected_nat = b.subnet(vpc, "10.0.250.0/24", az=1, name="inspected-via-nat")
    inspected_nat_rt = b.route_table(vpc, subnets=[inspected_nat], routes={"0.0.0.0/0": gwlb_nat})
    b.workload(inspected_nat)
    resource = b.interface_endpoint(vpc, "resource", subnets=private, groups=[endpoint_sg], service_name="",
                                    endpoint_type="Resource", private_dns=False, policy=None)
    lattice = b.interface_endpoint(vpc, "lattice", subnets=private, groups=[endpoint_sg], service_name="",
                                   endpoint_type="ServiceNetwork", private_dns=True, policy=None)
    for endpoint_id in (resource, lattice):
        b.endpoints[endpoint_id] = replace(b.endpoints[endpoint_id], service_region=None)
    # A VPC with no subnets, and a VPC shared by an account that is not in the scan.
    empty = b.vpc("10.9.0.0/16", name="empty")
    shared_vpc, shared_subnets = b.shared_vpc(OTHER_ACCOUNT, "10.8.0.0/16", subnets=[("10.8.1.0/24", 1)])
    b.workload(shared_subnets[0], groups=[b.security_group(shared_vpc, name="participant-app")])
    return b, {"vpc": vpc, "secondary": secondary, "v6only": v6only, "vgw_only": vgw_only, "inspected": inspected,
               "s3_gateway": s3_gateway, "s3_interface": s3_interface, "ssm": ssm, "cross_region": cross_region,
               "gwlb": gwlb, "resource": resource, "lattice": lattice, "empty": empty, "shared_vpc": shared_vpc,
               "shared_subnet": shared_subnets[0], "firewall_subnet": firewall_subnet,
               "private_0": private[0], "private_1": private[1], "nat_0": str(ids["nat"][0]), "eigw": eigw,
               "inspected_nat": inspected_nat, "inspected_nat_rt": inspected_nat_rt}


def _cn_north_1() -> tuple[RegionBuilder, dict[str, str]]:
    b = RegionBuilder(region=CN, az_count=2)
    ids = standard_vpc(b, azs=2, nat_per_az=False, name="cn")
    vpc = str(ids["vpc"])
    private = [str(s) for s in ids["private"]]
    sg = b.security_group(vpc, name="cn-endpoints", ingress=[("tcp", 443, 443, "10.0.0.0/16")])
    names = {}
    for key in ("ecr.dkr", "ecr.api"):
        name = f"cn.com.amazonaws.{CN}.{key}"
        b.service(key, name=name, dns_names=[f"{key}.{CN}.amazonaws.com.cn"])
        names[key] = b.interface_endpoint(vpc, key, subnets=private, groups=[sg], service_name=name)
    return b, {"vpc": vpc, "private_0": private[0], "private_1": private[1], "nat": str(ids["nat"][0]),
               "ecr.dkr": names["ecr.dkr"]}


def _snapshot() -> tuple[Snapshot, dict[str, str], dict[str, str]]:
    us, us_ids = _us_east_1()
    cn, cn_ids = _cn_north_1()
    snap = us.snapshot()
    account = snap.accounts[0]
    regions = (*account.regions, cn.region_snapshot())
    return replace(snap, accounts=(replace(account, regions=regions),)), us_ids, cn_ids


@pytest.fixture(scope="module")
def audit() -> tuple[AuditResult, dict[str, str], dict[str, str]]:
    snap, us_ids, cn_ids = _snapshot()
    return run(snap, load_registry().rules), us_ids, cn_ids


def _found(result: AuditResult, rule_id: str, status: Status = Status.FAIL) -> set[str]:
    return {f.resource.resource_id for f in result.findings if f.rule_id == rule_id and f.status is status}


def test_no_rule_errors_on_the_torture_snapshot(audit) -> None:
    result, _, _ = audit
    errors = [f"{s.rule_id} {s.region}: {s.detail}" for s in result.scopes if s.outcome == "error"]
    assert errors == []
    assert {s.region for s in result.scopes} == {"us-east-1", CN}
    assert len({s.rule_id for s in result.scopes}) == len(load_registry().rules)


def test_ipv6_only_subnet_is_not_told_to_route_ipv4_prefix_lists(audit) -> None:
    """An IPv6-only subnet sends no IPv4: the S3 / DynamoDB prefix lists' IPv4 CIDRs say nothing
    about it, so GWE001 must not call its service traffic "dropped", and its S3 path is its IPv6
    default route (dual-stack service names through the egress-only IGW)."""
    result, us, _ = audit
    assert us["v6only"] not in _found(result, "GWE001")
    assert us["v6only"] not in _found(result, "GWE001", Status.NOT_EVALUATED)
    path = next(p for p in result.paths if p.subnet_id == us["v6only"] and p.destination == "s3"
                and p.region == "us-east-1")
    assert (path.kind, path.target_id) == ("eigw", us["eigw"])
    # The dual-stack subnets keep being judged on their IPv4 routes.
    assert next(p for p in result.paths if p.subnet_id == us["private_0"] and p.destination == "s3"
                and p.region == "us-east-1").kind == "gateway-endpoint"


def test_nat002_and_the_path_matrix_agree_on_cross_az(audit) -> None:
    """A subnet NAT002 flags is exactly a subnet whose internet path crosses AZs, also when the
    NAT gateway is reached through a firewall (Gateway Load Balancer) endpoint."""
    result, us, cn = audit
    flagged = {(f.resource.region, f.resource.resource_id) for f in result.findings
               if f.rule_id == "NAT002" and f.status is Status.FAIL}
    crossing = {(p.region, p.subnet_id) for p in result.paths if p.destination == "internet" and p.cross_az}
    assert flagged == crossing
    assert {("us-east-1", us["inspected_nat"]), (CN, cn["private_1"])} <= flagged
    # Behind a firewall the finding names the subnet's own route table, not the firewall subnet's.
    behind = next(f for f in result.findings if f.rule_id == "NAT002" and f.resource.resource_id == us["inspected_nat"])
    assert behind.evidence["route_table_id"] == us["inspected_nat_rt"]
    assert f"route table {us['inspected_nat_rt']})" in behind.message


def test_ram_shared_subnet_paths_are_unknown_not_isolated(audit) -> None:
    """A participant sees none of the owner's route tables: every path of a RAM-shared subnet is
    unknown (docs/network-model.md: those inputs are the owner's), never "none" as if it were isolated."""
    result, us, _ = audit
    kinds = {p.destination: p.kind for p in result.paths if p.subnet_id == us["shared_subnet"]
             and p.region == "us-east-1"}
    assert kinds and set(kinds.values()) == {"unknown"}


def test_gwe001_flags_exactly_the_private_subnets_whose_path_misses_the_gateway_endpoint(audit) -> None:
    result, us, _ = audit
    snap, _, _ = _snapshot()
    view = NetworkView.build(snap.accounts[0], snap.accounts[0].regions[0])
    for service in ("s3", "dynamodb"):
        flagged = {f.resource.resource_id for f in result.findings if f.rule_id == "GWE001"
                   and f.status is Status.FAIL and f.discriminator == service}
        missing = {p.subnet_id for p in result.paths if p.region == "us-east-1" and p.vpc_id == us["vpc"]
                   and p.destination == service and view.is_private(p.subnet_id)
                   and p.subnet_id not in view.forwarding_subnet_ids  # firewall subnets send nothing of their own
                   and view.subnets[p.subnet_id].cidr_block  # IPv4 prefix lists cannot serve IPv6-only ones
                   and p.kind not in ("gateway-endpoint", "interface-endpoint")}
        assert flagged == missing


def test_spot_checks_on_endpoint_types_dns_options_and_china(audit) -> None:
    result, us, cn = audit
    not_aws = {us["gwlb"], us["resource"], us["lattice"]}
    for rule_id in ("POL001", "POL002", "DNS003", "SG003", "IFE005", "GWE004"):
        assert not _found(result, rule_id) & not_aws, rule_id
    # S3 interface endpoint with private DNS for inbound Resolver endpoints only, beside the gateway.
    assert us["s3_interface"] not in _found(result, "GWE004") | _found(result, "GWE004", Status.NOT_EVALUATED)
    # The cross-Region ssm endpoint is not a duplicate of the same-Region one, nor an SSM bundle member.
    assert us["vpc"] not in {f.resource.resource_id for f in result.findings
                             if f.rule_id == "IFE005" and f.resource.region == "us-east-1"}
    # China: cn.com.amazonaws.* names are AWS services; ECR without the S3 gateway endpoint is found,
    # and GWE002 reads the com.amazonaws.cn-north-1.s3 prefix list's Region correctly.
    china = {(f.rule_id, f.severity.value) for f in result.findings
             if f.resource.region == CN and f.resource.resource_id == cn["vpc"] and f.status is Status.FAIL}
    assert {("IFE003", "medium"), ("GWE002", "medium"), ("GWE003", "low")} <= china
    assert cn["ecr.dkr"] in _found(result, "POL001")


def test_every_fix_step_on_the_torture_snapshot_is_a_valid_request(audit) -> None:
    """Realistic AWS shapes (China names, IPv6-only subnets, RAM-shared subnets, firewalls) still give
    fix steps botocore accepts, and CLI and Terraform text for each."""
    result, _, _ = audit
    with_fix = [f for f in result.failures if f.fix]
    assert len(with_fix) == len(result.failures)
    check_steps(list(result.failures))
