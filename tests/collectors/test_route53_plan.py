"""Route 53: the cheaper of "per VPC" and "per zone" is taken, and only zones that can answer for
AWS service names have their records read."""

from __future__ import annotations

import boto3
import pytest

from vpcaudit.collectors.run import collect_snapshot
from vpcaudit.snapshot.model import Part
from vpcaudit.snapshot.resources import answers_for_aws_services

REGION = "us-east-1"


@pytest.mark.parametrize(("name", "answers"), [
    ("us-east-1.amazonaws.com.", True),  # parent of every service name of the region
    ("ssm.eu-west-1.amazonaws.com", True),  # one service, another region
    ("amazonaws.com", True),
    ("com", True),  # a parent of amazonaws.com shadows it too
    ("cn-north-1.amazonaws.com.cn", True),
    ("s3.dualstack.us-east-1.api.aws", True),
    ("corp.internal", False),
    ("notamazonaws.com", False),  # a suffix match on the string, not on labels, would say yes
    ("example.com", False),
])
def test_which_zone_names_can_answer_for_aws_services(name: str, answers: bool) -> None:
    assert answers_for_aws_services(name) is answers


def _zones(session: boto3.session.Session, vpcs: list[str], names: list[str]) -> None:
    r53 = session.client("route53", region_name=REGION)
    for i, name in enumerate(names):
        zone = r53.create_hosted_zone(Name=name, CallerReference=f"z{i}", HostedZoneConfig={"PrivateZone": True},
                                      VPC={"VPCRegion": REGION, "VPCId": vpcs[0]})["HostedZone"]["Id"]
        for vpc in vpcs[1:]:
            r53.associate_vpc_with_hosted_zone(HostedZoneId=zone, VPC={"VPCRegion": REGION, "VPCId": vpc})


def _vpcs(session: boto3.session.Session, count: int) -> list[str]:
    ec2 = session.client("ec2", region_name=REGION)
    default = [v["VpcId"] for v in ec2.describe_vpcs()["Vpcs"]]
    return default + [ec2.create_vpc(CidrBlock=f"10.{i}.0.0/16")["Vpc"]["VpcId"] for i in range(count)]


def test_one_zone_many_vpcs_reads_the_zone(session: boto3.session.Session) -> None:
    vpcs = _vpcs(session, 3)  # 4 VPCs with the default one
    _zones(session, vpcs, ["us-east-1.amazonaws.com"])
    outcome = collect_snapshot(session, [REGION], {Part.HOSTED_ZONES})
    r53_calls = {k: v for k, v in outcome.calls.items() if k.startswith("route53:")}
    assert r53_calls == {"route53:ListHostedZones": 1, "route53:GetHostedZone": 1,
                         "route53:ListResourceRecordSets": 1}
    (zone,) = outcome.snapshot.accounts[0].regions[0].hosted_zones
    assert {a.vpc_id for a in zone.vpcs} == set(vpcs) and zone.record_sets_collected


def test_many_zones_few_vpcs_asks_per_vpc(session: boto3.session.Session) -> None:
    vpcs = _vpcs(session, 1)  # 2 VPCs with the default one
    _zones(session, vpcs[1:], ["a.internal", "b.internal", "c.internal"])
    outcome = collect_snapshot(session, [REGION], {Part.HOSTED_ZONES})
    r53_calls = {k: v for k, v in outcome.calls.items() if k.startswith("route53:")}
    assert r53_calls == {"route53:ListHostedZones": 1, "route53:ListHostedZonesByVPC": 2}
    zones = outcome.snapshot.accounts[0].regions[0].hosted_zones
    assert {z.name for z in zones} == {"a.internal", "b.internal", "c.internal"}
    assert not any(z.record_sets_collected for z in zones)


def test_a_single_vpc_needs_no_zone_listing(session: boto3.session.Session) -> None:
    (vpc,) = _vpcs(session, 0)
    _zones(session, [vpc], ["corp.internal"])
    outcome = collect_snapshot(session, [REGION], {Part.HOSTED_ZONES})
    assert {k: v for k, v in outcome.calls.items() if k.startswith("route53:")} == {
        "route53:ListHostedZonesByVPC": 1}
    assert [z.name for z in outcome.snapshot.accounts[0].regions[0].hosted_zones] == ["corp.internal"]
