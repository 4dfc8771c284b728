"""End to end: the installed ``vpcaudit collect`` of eight Regions of a moto server, its Regions
dealt over three processes (``--processes 3``) and kept in one (``--processes 1``).

Both snapshots must hold the same Regions with the same data (what boto3 sees), and ``--stats``
the same calls: the children's calls go through real HTTP and botocore's retries from processes
of their own, and are counted in the parent's table all the same. A private hosted zone of a
Region the parent does not collect must still be joined to its VPC (hosted zones are read by the
parent, from the VPC lists the children send as they go).
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import boto3
import pytest
from aws_env import child_env, fake_aws_env

from vpcaudit.snapshot.jsonfile import load
from vpcaudit.snapshot.model import Snapshot

pytestmark = pytest.mark.e2e

VPCAUDIT = Path(sys.executable).with_name("vpcaudit")
REGIONS = ("us-east-1", "eu-west-1", "ap-south-1", "us-west-2", "eu-central-1", "ap-northeast-1", "sa-east-1",
           "ca-central-1")
ZONE_REGION = "eu-west-1"  # with three processes, the second process's Region


@pytest.fixture(scope="module")
def estate(moto_url: str) -> Iterator[dict[str, set[str]]]:
    """One to three VPCs per Region, each with a subnet; a private zone in ZONE_REGION."""
    with pytest.MonkeyPatch.context() as mp:
        fake_aws_env(mp)
        vpcs: dict[str, set[str]] = {}
        for n, region in enumerate(REGIONS):
            ec2 = boto3.client("ec2", region_name=region, endpoint_url=moto_url)
            for i in range(1 + n % 3):
                vpc = ec2.create_vpc(CidrBlock=f"10.{i}.0.0/16")["Vpc"]["VpcId"]
                ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.{i}.1.0/24")
            vpcs[region] = {v["VpcId"] for v in ec2.describe_vpcs()["Vpcs"]}
        zone_vpc = sorted(vpcs[ZONE_REGION])[0]
        boto3.client("route53", endpoint_url=moto_url).create_hosted_zone(
            Name="internal.example.", CallerReference="e2e", HostedZoneConfig={"PrivateZone": True},
            VPC={"VPCRegion": ZONE_REGION, "VPCId": zone_vpc})
        yield vpcs


def collect(moto_url: str, out: Path, processes: int) -> tuple[Snapshot, str]:
    proc = subprocess.run([str(VPCAUDIT), "collect", "--endpoint-url", moto_url, "--region", ",".join(REGIONS),
                           "--processes", str(processes), "--stats", "-o", str(out)],
                          env=child_env(), capture_output=True, text=True, timeout=300, check=False)
    assert proc.returncode == 0, proc.stderr
    table = proc.stderr[proc.stderr.index("operation"):]
    return load(out), table[:table.index("\ntotal")]  # the calls per operation


def test_three_processes_collect_what_one_does_with_the_same_calls(
        estate: dict[str, set[str]], moto_url: str, tmp_path: Path) -> None:
    alone, alone_stats = collect(moto_url, tmp_path / "one.json", 1)
    dealt, dealt_stats = collect(moto_url, tmp_path / "three.json", 3)

    assert dealt.accounts == alone.accounts
    assert dealt_stats == alone_stats
    (account,) = dealt.accounts
    assert {r.region: {v.vpc_id for v in r.vpcs} for r in account.regions} == estate
    zones = {r.region: [z.name for z in r.hosted_zones] for r in account.regions}
    assert zones[ZONE_REGION] == ["internal.example"]


def test_processes_must_be_a_whole_number_in_bounds(moto_url: str, tmp_path: Path) -> None:
    proc = subprocess.run([str(VPCAUDIT), "collect", "--endpoint-url", moto_url, "--processes", "-1",
                           "-o", str(tmp_path / "x.json")], env=child_env(), capture_output=True, text=True,
                          timeout=120, check=False)
    assert proc.returncode == 2
    assert "--processes" in proc.stderr
