"""End to end: the installed ``vpcaudit collect`` against a moto server on loopback.

A moto account with 3 VPCs across 3 AZs is built through ``endpoint_url``; the console script
collects it in a separate process with ``--stats``. The snapshot must match what boto3 sees, and
the calls per operation must equal the formula: one call per page of each region-wide listing
(moto never pages) + 2 × VPCs (``DescribeVpcAttribute``) + the Route 53 calls the cheaper
strategy needs + one ``GetManagedPrefixListEntries`` per prefix list whose CIDRs were not listed.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from aws_env import child_env, fake_aws_env

from vpcaudit.snapshot.jsonfile import load
from vpcaudit.snapshot.model import Part, State

pytestmark = pytest.mark.e2e

VPCAUDIT = Path(sys.executable).with_name("vpcaudit")
REGION = "us-east-1"
AZS = ("us-east-1a", "us-east-1b", "us-east-1c")
# Region-wide listings: one page each on moto. DescribeVpcBlockPublicAccessExclusions is absent:
# moto fails the options call first, so the exclusions are never asked for.
ONE_PAGE_EACH = (
    "ec2:DescribeVpcs", "ec2:DescribeDhcpOptions", "ec2:DescribeSubnets", "ec2:DescribeRouteTables",
    "ec2:DescribeInternetGateways", "ec2:DescribeEgressOnlyInternetGateways", "ec2:DescribeNatGateways",
    "ec2:DescribeVpcEndpoints", "ec2:DescribeVpcEndpointServices", "ec2:DescribePrefixLists",
    "ec2:DescribeManagedPrefixLists", "ec2:DescribeSecurityGroups", "ec2:DescribeSecurityGroupRules",
    "ec2:DescribeNetworkAcls", "ec2:DescribeNetworkInterfaces", "ec2:DescribeFlowLogs",
    "ec2:DescribeVpcBlockPublicAccessOptions", "route53resolver:ListResolverRules",
    "route53resolver:ListResolverRuleAssociations", "redshift:DescribeClusters", "memorydb:DescribeClusters",
    "memorydb:DescribeSubnetGroups", "rds:DescribeDBInstances", "datasync:ListTasks", "mq:ListBrokers",
    "firehose:ListDeliveryStreams", "ec2:DescribeAvailabilityZones", "sts:GetCallerIdentity",
    "ec2:DescribeRegions",
)


@pytest.fixture(scope="module")
def account(moto_url: str) -> Iterator[dict[str, Any]]:
    """3 VPCs × 3 AZs, an IGW, a NAT gateway, an interface endpoint, a customer prefix list and a
    private zone shadowing AWS names, associated with two of the VPCs."""
    with pytest.MonkeyPatch.context() as mp:
        fake_aws_env(mp)
        session = boto3.session.Session(region_name=REGION)
        ec2 = session.client("ec2", endpoint_url=moto_url)
        vpcs = []
        for i in range(3):
            vpc = ec2.create_vpc(CidrBlock=f"10.{i}.0.0/16")["Vpc"]["VpcId"]
            vpcs.append(vpc)
            subnets = [ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.{i}.{j}.0/24", AvailabilityZone=az)
                       ["Subnet"]["SubnetId"] for j, az in enumerate(AZS)]
        igw = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
        ec2.attach_internet_gateway(InternetGatewayId=igw, VpcId=vpcs[2])
        ec2.create_nat_gateway(SubnetId=subnets[0], AllocationId=ec2.allocate_address(Domain="vpc")["AllocationId"])
        ec2.create_vpc_endpoint(VpcId=vpcs[2], ServiceName=f"com.amazonaws.{REGION}.ssm",
                                VpcEndpointType="Interface", SubnetIds=subnets)
        ec2.create_managed_prefix_list(PrefixListName="corp", MaxEntries=2, AddressFamily="IPv4",
                                       Entries=[{"Cidr": "192.168.0.0/16"}])
        r53 = session.client("route53", endpoint_url=moto_url)
        zone = r53.create_hosted_zone(Name=f"{REGION}.amazonaws.com", CallerReference="svc",
                                      HostedZoneConfig={"PrivateZone": True},
                                      VPC={"VPCRegion": REGION, "VPCId": vpcs[0]})["HostedZone"]["Id"]
        r53.associate_vpc_with_hosted_zone(HostedZoneId=zone, VPC={"VPCRegion": REGION, "VPCId": vpcs[1]})
        yield {"ec2": ec2, "r53": r53, "vpcs": vpcs}


@pytest.fixture(scope="module")
def collected(moto_url: str, account: dict[str, Any],
              tmp_path_factory: pytest.TempPathFactory) -> tuple[subprocess.CompletedProcess[str], Path]:
    out = tmp_path_factory.mktemp("collect") / "snap.json"
    proc = subprocess.run([str(VPCAUDIT), "collect", "--endpoint-url", moto_url, "--region", REGION, "--stats",
                           "-o", str(out)], env=child_env(), capture_output=True, text=True, timeout=300, check=False)
    return proc, out


def _stats(stderr: str) -> dict[str, int]:
    """The --stats table: operation -> calls."""
    rows = {}
    for line in stderr.splitlines():
        cells = line.split()
        if len(cells) == 3 and ":" in cells[0] and cells[1].isdigit():
            rows[cells[0]] = int(cells[1])
    return rows


def test_collect_exits_0_and_the_snapshot_matches_boto3(collected: tuple[subprocess.CompletedProcess[str], Path],
                                                         account: dict[str, Any]) -> None:
    proc, out = collected
    assert proc.returncode == 0, proc.stderr
    (acct,) = load(out).accounts
    (region,) = acct.regions
    ec2 = account["ec2"]
    assert {v.vpc_id for v in region.vpcs} == {v["VpcId"] for v in ec2.describe_vpcs()["Vpcs"]}
    assert {(s.subnet_id, s.availability_zone_id) for s in region.subnets} == {
        (s["SubnetId"], s["AvailabilityZoneId"]) for s in ec2.describe_subnets()["Subnets"]}
    assert {s.availability_zone for s in region.subnets if s.vpc_id in account["vpcs"]} == set(AZS)
    assert {t.route_table_id for t in region.route_tables} == {
        t["RouteTableId"] for t in ec2.describe_route_tables()["RouteTables"]}
    assert {e.network_interface_id for e in region.network_interfaces} == {
        e["NetworkInterfaceId"] for e in ec2.describe_network_interfaces()["NetworkInterfaces"]}
    assert len(region.nat_gateways) == 1 and len(region.vpc_endpoints) == 1
    (zone,) = region.hosted_zones
    assert {a.vpc_id for a in zone.vpcs} == set(account["vpcs"][:2]) and zone.record_sets_collected
    states = {s.part: s.state for s in region.status}
    assert states.pop(Part.BLOCK_PUBLIC_ACCESS) is State.ERROR  # moto answers HTTP 500
    assert states.pop(Part.METRICS) is State.SKIPPED
    assert set(states.values()) == {State.OK}
    assert "not collected: 123456789012 us-east-1 block_public_access: error" in proc.stderr


def test_calls_per_operation_equal_the_formula(collected: tuple[subprocess.CompletedProcess[str], Path],
                                               account: dict[str, Any]) -> None:
    proc, _ = collected
    ec2, r53 = account["ec2"], account["r53"]
    vpc_count = len(ec2.describe_vpcs()["Vpcs"])  # 3 + the default VPC
    private_zones = [z for z in r53.list_hosted_zones()["HostedZones"] if z["Config"]["PrivateZone"]]
    service_lists = ec2.describe_prefix_lists()["PrefixLists"]
    customer_lists = [p for p in ec2.describe_managed_prefix_lists()["PrefixLists"] if p["OwnerId"] != "AWS"]
    expected = dict.fromkeys(ONE_PAGE_EACH, 1)
    expected["ec2:DescribeVpcAttribute"] = 2 * vpc_count
    # Route 53: with more than one VPC, list the private zones (1 page), then read each zone when
    # there are fewer zones than VPCs — else ask per VPC; records only for the AWS-name zone.
    expected["route53:ListHostedZones"] = 1
    if len(private_zones) < vpc_count:
        expected["route53:GetHostedZone"] = len(private_zones)
    else:
        expected["route53:ListHostedZonesByVPC"] = vpc_count
        expected["route53:GetHostedZone"] = 1  # the AWS-name zone's whole VPC list (other accounts' VPCs too)
    expected["route53:ListResourceRecordSets"] = 1
    # moto omits the CIDRs of AWS service prefix lists (AWS includes them): one entries call per
    # such list, plus one per customer-managed list.
    expected["ec2:GetManagedPrefixListEntries"] = (
        sum("Cidrs" not in p for p in service_lists) + len(customer_lists))
    assert _stats(proc.stderr) == expected
    total = next(line.split() for line in proc.stderr.splitlines() if line.startswith("total"))
    assert int(total[1]) == sum(expected.values())


def test_missing_credentials_exit_2_with_one_line(moto_url: str, tmp_path: Path) -> None:
    out = tmp_path / "snap.json"
    out.write_text("previous snapshot\n")
    env = {k: v for k, v in child_env().items() if k not in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY")}
    proc = subprocess.run([str(VPCAUDIT), "collect", "--endpoint-url", moto_url, "--region", REGION, "-o", str(out)],
                          env=env, capture_output=True, text=True, timeout=120, check=False)
    assert proc.returncode == 2
    assert proc.stderr.startswith("error: no AWS credentials found") and proc.stderr.count("\n") == 1
    assert "Traceback" not in proc.stderr and proc.stdout == ""
    assert out.read_text() == "previous snapshot\n"  # untouched, and no temp file left beside it
    assert sorted(p.name for p in tmp_path.iterdir()) == ["snap.json"]


def test_help_shows_real_examples() -> None:
    proc = subprocess.run([str(VPCAUDIT), "collect", "--help"], env=child_env(), capture_output=True, text=True,
                          timeout=60, check=False)
    assert proc.returncode == 0
    assert "vpcaudit collect --profile prod --region eu-west-1 --region us-east-1 -o prod.json" in proc.stdout
    assert "--with" in proc.stdout and "--all-regions" in proc.stdout


def test_iam_policy_command_prints_json() -> None:
    proc = subprocess.run([str(VPCAUDIT), "iam-policy", "--with", "metrics"], env=child_env(), capture_output=True,
                          text=True, timeout=60, check=False)
    assert proc.returncode == 0
    actions = json.loads(proc.stdout)["Statement"][0]["Action"]
    assert "cloudwatch:GetMetricData" in actions and "ec2:DescribeVpcAttribute" in actions
