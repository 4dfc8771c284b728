"""GWE002 s3-gateway-endpoint-missing."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from builders import REGION, RegionBuilder, multi_account_snapshot, standard_vpc
from policy_eval import allows
from rulecheck import findings, fix_of, triples

from vpcaudit.rules.gwe.gwe002_s3_gateway_endpoint_missing import s3_gateway_endpoint_missing as rule
from vpcaudit.rules.gwe.gwe003_dynamodb_gateway_endpoint_missing import dynamodb_gateway_endpoint_missing
from vpcaudit.snapshot.model import Part, Snapshot

ID = "GWE002"
OWNER = "222222222222"
CLOUDWAN = "arn:aws:networkmanager::111111111111:core-network/core-network-0abc"
Case = Callable[[], tuple[Snapshot, set[tuple[str, str, str]]]]


def _private_vpc(target: str | None) -> tuple[RegionBuilder, str, str]:
    """A VPC with one private subnet whose default route goes to ``target`` (None: isolated)."""
    b = RegionBuilder()
    vpc = b.vpc()
    subnet = b.subnet(vpc, "10.0.1.0/24", az=1)
    b.route_table(vpc, subnets=[subnet], routes={"0.0.0.0/0": target} if target else {})
    b.workload(subnet)
    return b, vpc, subnet


def _nat_egress_no_endpoint() -> tuple[Snapshot, set[tuple[str, str, str]]]:
    b = RegionBuilder()
    ids = standard_vpc(b)
    return b.snapshot(), {(ID, ids["vpc"], "fail")}


def _endpoint_present_even_if_partly_routed() -> tuple[Snapshot, set[tuple[str, str, str]]]:
    b = RegionBuilder()
    ids = standard_vpc(b)
    b.gateway_endpoint(ids["vpc"], "s3", route_tables=ids["private_rt"][:1])  # GWE001 reports the rest
    return b.snapshot(), set()


def _egress(target: str | None, fires: bool) -> Case:
    def build() -> tuple[Snapshot, set[tuple[str, str, str]]]:
        b, vpc, _ = _private_vpc(target)
        return b.snapshot(), {(ID, vpc, "fail")} if fires else set()
    return build


def _private_nat_gateway() -> tuple[Snapshot, set[tuple[str, str, str]]]:
    b, vpc, subnet = _private_vpc(None)
    other = b.subnet(vpc, "10.0.2.0/24", az=1)
    b.route_table(vpc, subnets=[other], routes={"0.0.0.0/0": b.nat(subnet, connectivity="private")})
    return b.snapshot(), set()


def _private_nat_then_transit_gateway() -> tuple[Snapshot, set[tuple[str, str, str]]]:
    """AWS's pattern for a non-routable CIDR: workloads → private NAT gateway → its subnet's route
    to a transit gateway. The traffic leaves the VPC, paying NAT and transit data processing."""
    b, vpc, nat_subnet = _private_vpc("tgw-0123")
    workloads = b.subnet(vpc, "100.64.0.0/24", az=1)
    b.route_table(vpc, subnets=[workloads], routes={"0.0.0.0/0": b.nat(nat_subnet, connectivity="private")})
    b.workload(workloads)
    return b.snapshot(), {(ID, vpc, "fail")}


def _public_subnets_only() -> tuple[Snapshot, set[tuple[str, str, str]]]:
    b = RegionBuilder()
    vpc = b.vpc()
    igw = b.igw(vpc)
    public = b.subnet(vpc, "10.0.0.0/24")
    b.route_table(vpc, subnets=[public], routes={"0.0.0.0/0": igw})
    b.workload(public)
    return b.snapshot(), set()


def _ipv6_route_to_igw_in_ipv4_only_subnet() -> tuple[Snapshot, set[tuple[str, str, str]]]:
    """0.0.0.0/0 to a NAT gateway and ::/0 to the internet gateway, in a subnet without an IPv6
    CIDR: nothing in it has an IPv6 address, so the ::/0 route carries nothing and its S3 traffic
    pays NAT processing (the route once made the subnet count as public, and the rule silent)."""
    b, vpc, subnet = _private_vpc("nat-0123")
    table = next(t for t, rt in b.route_tables.items() if subnet in rt.subnet_ids)
    b.route(table, "::/0", b.igw(vpc))
    return b.snapshot(), {(ID, vpc, "fail")}


def _interface_endpoint_only() -> tuple[Snapshot, set[tuple[str, str, str]]]:
    b = RegionBuilder()
    ids = standard_vpc(b)
    b.interface_endpoint(ids["vpc"], "s3", subnets=ids["private"], private_dns=True, inbound_only=False)
    return b.snapshot(), {(ID, ids["vpc"], "fail")}


def _deleted_gateway_endpoint() -> tuple[Snapshot, set[tuple[str, str, str]]]:
    b = RegionBuilder()
    ids = standard_vpc(b)
    b.gateway_endpoint(ids["vpc"], "s3", route_tables=ids["private_rt"], state="deleted")
    return b.snapshot(), {(ID, ids["vpc"], "fail")}


def _dynamodb_endpoint_is_not_s3() -> tuple[Snapshot, set[tuple[str, str, str]]]:
    b = RegionBuilder()
    ids = standard_vpc(b)
    b.gateway_endpoint(ids["vpc"], "dynamodb", route_tables=ids["private_rt"])
    return b.snapshot(), {(ID, ids["vpc"], "fail")}


def _default_vpc(with_workload: bool) -> Case:
    def build() -> tuple[Snapshot, set[tuple[str, str, str]]]:
        b = RegionBuilder()
        vpc = b.vpc("172.31.0.0/16", is_default=True)
        igw = b.igw(vpc)
        public = b.subnet(vpc, "172.31.0.0/20", az=1)
        b.route_table(vpc, subnets=[public], routes={"0.0.0.0/0": igw})
        private = b.subnet(vpc, "172.31.16.0/20", az=1)
        b.route_table(vpc, subnets=[private], routes={"0.0.0.0/0": b.nat(public)})
        if with_workload:
            b.workload(private)
        return b.snapshot(), {(ID, vpc, "fail")} if with_workload else set()
    return build


def _shared_vpc_owner_not_scanned() -> tuple[Snapshot, set[tuple[str, str, str]]]:
    b = RegionBuilder()
    vpc, _ = b.shared_vpc(OWNER, subnets=[("10.0.1.0/24", 1)])
    return b.snapshot(), {(ID, vpc, "not_evaluated")}


def _shared_vpc_owner_scanned() -> tuple[Snapshot, set[tuple[str, str, str]]]:
    owner = RegionBuilder(account_id=OWNER)
    ids = standard_vpc(owner, azs=1)
    participant = RegionBuilder()
    participant.shared_vpc(OWNER, subnets=[("10.0.101.0/24", 1)])
    return multi_account_snapshot(participant, owner), {(ID, ids["vpc"], "fail")}


CASES: list[tuple[str, Case]] = [
    ("NAT egress, no S3 gateway endpoint", _nat_egress_no_endpoint),
    ("an S3 gateway endpoint exists (routing is GWE001's)", _endpoint_present_even_if_partly_routed),
    ("transit gateway egress", _egress("tgw-0123", True)),
    ("Cloud WAN egress", _egress(CLOUDWAN, True)),
    ("NAT instance egress", _egress("i-0123", True)),
    ("virtual private gateway egress is not counted", _egress("vgw-0123", False)),
    ("peering egress is not counted", _egress("pcx-0123", False)),
    ("isolated subnet", _egress(None, False)),
    ("private NAT gateway: no internet", _private_nat_gateway),
    ("private NAT gateway whose subnet routes to a transit gateway", _private_nat_then_transit_gateway),
    ("public subnets only", _public_subnets_only),
    ("::/0 to the internet gateway in an IPv4-only subnet", _ipv6_route_to_igw_in_ipv4_only_subnet),
    ("an S3 interface endpoint does not replace it", _interface_endpoint_only),
    ("a deleted gateway endpoint does not count", _deleted_gateway_endpoint),
    ("a DynamoDB endpoint is not an S3 endpoint", _dynamodb_endpoint_is_not_s3),
    ("idle default VPC is skipped", _default_vpc(False)),
    ("default VPC with workloads is judged", _default_vpc(True)),
    ("shared VPC, owner not in the scan", _shared_vpc_owner_not_scanned),
    ("shared VPC, owner in the scan", _shared_vpc_owner_scanned),
]


@pytest.mark.parametrize("build", [c[1] for c in CASES], ids=[c[0] for c in CASES])
def test_cases(build: Case) -> None:
    snapshot, expected = build()
    assert triples(rule, snapshot) == expected


def test_not_evaluated_without_network_interfaces() -> None:
    b = RegionBuilder()
    standard_vpc(b)
    assert triples(rule, b.snapshot(missing=[Part.NETWORK_INTERFACES])) == {(ID, REGION, "not_evaluated")}


def test_message_names_subnets_nat_and_price() -> None:
    b = RegionBuilder()
    ids = standard_vpc(b, azs=2, nat_per_az=False)
    (finding,) = findings(rule, b.snapshot())
    assert finding.severity.value == "medium"
    assert (f"VPC {ids['vpc']} has no S3 gateway endpoint, so S3 traffic from its private subnet(s) "
            f"{ids['private'][0]} (use1-az1), {ids['private'][1]} (use1-az2) leaves through NAT gateway "
            f"{ids['nat'][0]} and pays NAT gateway data processing ($0.045/GB)") in finding.message
    assert "cannot be reached through a transit gateway" in finding.message
    assert finding.evidence["egress"] == [f"{s}→nat:{ids['nat'][0]}" for s in ids["private"]]


def test_message_on_transit_and_interface_endpoint() -> None:
    b, vpc, subnet = _private_vpc("tgw-0123")
    endpoint = b.interface_endpoint(vpc, "s3", subnets=[subnet])
    (finding,) = findings(rule, b.snapshot())
    assert "leaves through transit gateway tgw-0123 and pays transit data processing ($0.02/GB" in finding.message
    assert (f"goes to interface endpoint {endpoint} ($0.01/GB processed, see GWE004) or, where its private DNS "
            "does not answer, leaves through transit gateway") in finding.message


def _egress_vpc() -> tuple[RegionBuilder, str, list[str]]:
    """A central egress VPC: NAT gateways in public subnets, attachment subnets routed to them."""
    b = RegionBuilder()
    vpc = b.vpc("10.99.0.0/16")
    igw = b.igw(vpc)
    attach = []
    for az in (1, 2):
        public = b.subnet(vpc, f"10.99.{az}.0/24", az=az)
        b.route_table(vpc, subnets=[public], routes={"0.0.0.0/0": igw, "10.0.0.0/8": "tgw-0abc"})
        subnet = b.subnet(vpc, f"10.99.{240 + az}.0/28", az=az)
        b.route_table(vpc, subnets=[subnet], routes={"0.0.0.0/0": b.nat(public)})
        attach.append(subnet)
    b.tgw_attachment(vpc, "tgw-0abc", attach)
    return b, vpc, attach


def test_attachment_subnets_of_a_central_egress_vpc_send_no_s3_traffic_of_their_own() -> None:
    """Spokes' S3 traffic crosses this VPC's NAT, but a gateway endpoint here cannot serve traffic
    that arrives through a transit gateway: the fix belongs in the spokes, not in this VPC."""
    b, vpc, attach = _egress_vpc()
    assert triples(rule, b.snapshot()) == set()
    b.workload(attach[0])  # a workload placed in an attachment subnet does send its own traffic
    assert triples(rule, b.snapshot()) == {(ID, vpc, "fail")}


def _inspection_vpc() -> tuple[RegionBuilder, str, list[str]]:
    """A central inspection VPC: attachment subnets → firewall endpoint → firewall subnet → NAT
    gateway in a public subnet, per AZ (AWS Network Firewall's centralized deployment model)."""
    b = RegionBuilder()
    vpc = b.vpc("100.64.0.0/16")
    igw = b.igw(vpc)
    attach, firewalls = [], []
    for az in (1, 2):
        public = b.subnet(vpc, f"100.64.{az}.0/24", az=az)
        firewall = b.subnet(vpc, f"100.64.0.{16 * az}/28", az=az)
        subnet = b.subnet(vpc, f"100.64.0.{16 * (az + 2)}/28", az=az)
        endpoint = b.interface_endpoint(vpc, "network-firewall", subnets=[firewall], private_dns=False, policy=None,
                                        endpoint_type="GatewayLoadBalancer",
                                        service_name="com.amazonaws.vpce.us-east-1.vpce-svc-0f3c1b2a4d5e6f789")
        b.route_table(vpc, subnets=[public], routes={"0.0.0.0/0": igw, "10.0.0.0/8": endpoint})
        b.route_table(vpc, subnets=[firewall], routes={"0.0.0.0/0": b.nat(public), "10.0.0.0/8": "tgw-0abc"})
        b.route_table(vpc, subnets=[subnet], routes={"0.0.0.0/0": endpoint})
        attach.append(subnet)
        firewalls.append(firewall)
    b.tgw_attachment(vpc, "tgw-0abc", attach)
    return b, vpc, firewalls


def test_firewall_subnets_of_a_central_inspection_vpc_send_no_s3_traffic_of_their_own() -> None:
    """The firewall subnets hold only the firewall's endpoints, which forward the spokes' traffic
    (arrived through the transit gateway) to the NAT gateways: no gateway endpoint here could
    serve it, and AWS reserves firewall subnets for Network Firewall alone."""
    b, vpc, firewalls = _inspection_vpc()
    assert triples(rule, b.snapshot()) == set()
    b.workload(firewalls[0])  # a workload placed in a firewall subnet does send its own traffic
    assert triples(rule, b.snapshot()) == {(ID, vpc, "fail")}


def test_fix_creates_the_endpoint_on_every_private_route_table_with_a_scoped_policy() -> None:
    b = RegionBuilder()
    ids = standard_vpc(b)
    [(action, parameters, phase, ready)] = fix_of(rule, b.snapshot(), ids["vpc"])
    assert (action, phase, ready) == ("ec2:CreateVpcEndpoint", "create", True)
    assert {k: v for k, v in parameters.items() if k != "PolicyDocument"} == {
        "VpcId": ids["vpc"], "VpcEndpointType": "Gateway", "ServiceName": f"com.amazonaws.{REGION}.s3",
        "RouteTableIds": sorted(ids["private_rt"])}
    assert json.loads(parameters["PolicyDocument"])["Statement"][0]["Condition"] == {
        "StringEquals": {"aws:PrincipalAccount": b.account_id}}


def test_fix_says_which_route_tables_it_opens_for_isolated_subnets() -> None:
    """An isolated database tier beside the paying private subnets: the endpoint on its table is
    its first path out of the VPC (to S3), which a tier cut off on purpose may not want."""
    b = RegionBuilder()
    ids = standard_vpc(b)
    database = b.subnet(ids["vpc"], "10.0.200.0/24", az=1)
    isolated = b.route_table(ids["vpc"], subnets=[database])
    [finding] = findings(rule, b.snapshot())
    [create] = finding.fix
    assert isolated in create.parameters["RouteTableIds"]
    assert create.description.split("; ")[-1] == (  # the paying private tables are not named there
        f"{isolated} serve(s) only isolated subnets (no route out of the VPC today), which this gives their "
        f"first path beyond it, to s3 in {REGION}: leave them out if they are cut off on purpose")


def test_traffic_through_a_private_nat_gateway_names_it_and_its_charge() -> None:
    snapshot, _ = _private_nat_then_transit_gateway()
    [finding] = findings(rule, snapshot)
    assert "private NAT gateway nat-" in finding.message and "then transit gateway tgw-0123" in finding.message
    assert "NAT gateway data processing" in finding.message and "transit data processing" in finding.message
    # The NAT gateway's own subnet and the workloads' subnet behind it both leave through the transit gateway.
    assert len(finding.evidence["egress"]) == 2
    assert all(e.endswith("→tgw:tgw-0123") for e in finding.evidence["egress"])


def test_fix_policy_keeps_ecr_layers_and_amazon_linux_repositories_reachable() -> None:
    """Once the endpoint's prefix-list route is in place, image layers (URLs signed by an ECR
    account) and Amazon Linux repositories (read anonymously) no longer go through the NAT gateway:
    the new endpoint's policy must admit them, read-only."""
    b = RegionBuilder()
    ids = standard_vpc(b)
    [(_, parameters, _, _)] = fix_of(rule, b.snapshot(), ids["vpc"])
    document = parameters["PolicyDocument"]
    layer = f"arn:aws:s3:::prod-{REGION}-starport-layer-bucket/sha256/0a1b2c"
    assert allows(document, "s3:GetObject", layer, {"aws:PrincipalAccount": OWNER})
    assert allows(document, "s3:GetObject", f"arn:aws:s3:::amazonlinux-2-repos-{REGION}/2/core/latest/mirror.list", {})
    assert not allows(document, "s3:PutObject", layer, {"aws:PrincipalAccount": OWNER})
    assert not allows(document, "s3:GetObject", "arn:aws:s3:::someone-elses-bucket/x", {"aws:PrincipalAccount": OWNER})


def test_dynamodb_gateway_endpoint_policy_keeps_the_one_statement() -> None:
    """GWE003 shares the step: only an S3 endpoint carries reads of AWS-owned buckets."""
    b = RegionBuilder()
    ids = standard_vpc(b)
    [(_, parameters, _, _)] = fix_of(dynamodb_gateway_endpoint_missing, b.snapshot(), ids["vpc"])
    assert [s["Sid"] for s in json.loads(parameters["PolicyDocument"])["Statement"]] == ["ThisAccountOnly"]
