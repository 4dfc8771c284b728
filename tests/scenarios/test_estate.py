"""The demo estate as boto3 sees it: every intended mistake is really there, and the good VPC
really is built right.

These tests read moto through plain boto3 calls, not through vpcaudit's collectors, so a
scenario failure can be told apart from an estate that was built wrong.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import boto3
import pytest
from demo_estate import REGION, MotoEstate
from moto import mock_aws

from vpcaudit.demo.estate import EstateError, VpcIds, build_estate

Api = dict[str, Any]


# -- readers ------------------------------------------------------------------------------------

def _vpc_filter(vpc_id: str) -> list[Api]:
    return [{"Name": "vpc-id", "Values": [vpc_id]}]


def _route_tables(ec2: Any, vpc: VpcIds) -> dict[str, Api]:
    return {rt["RouteTableId"]: rt for rt in ec2.describe_route_tables(Filters=_vpc_filter(vpc.vpc_id))["RouteTables"]}


def _default_target(route_table: Api) -> str | None:
    route = next((r for r in route_table["Routes"] if r.get("DestinationCidrBlock") == "0.0.0.0/0"), None)
    return None if route is None else route.get("NatGatewayId") or route.get("GatewayId")


def _nat_gateways(ec2: Any, vpc: VpcIds) -> list[Api]:
    return [n for n in ec2.describe_nat_gateways()["NatGateways"] if n["VpcId"] == vpc.vpc_id]


def _endpoints(ec2: Any, vpc: VpcIds) -> dict[str, Api]:
    return {e["VpcEndpointId"]: e for e in ec2.describe_vpc_endpoints(Filters=_vpc_filter(vpc.vpc_id))["VpcEndpoints"]}


def _service_key(endpoint: Api) -> str:
    return endpoint["ServiceName"].removeprefix(f"com.amazonaws.{REGION}.")


def _subnet_az(ec2: Any, subnet_id: str) -> str:
    return ec2.describe_subnets(SubnetIds=[subnet_id])["Subnets"][0]["AvailabilityZone"]


def _ingress(ec2: Any, group_id: str) -> list[Api]:
    return ec2.describe_security_groups(GroupIds=[group_id])["SecurityGroups"][0]["IpPermissions"]


def _egress(ec2: Any, group_id: str) -> list[Api]:
    return ec2.describe_security_groups(GroupIds=[group_id])["SecurityGroups"][0]["IpPermissionsEgress"]


def _is_full_access(policy_text: str) -> bool:
    statements = json.loads(policy_text)["Statement"]
    return len(statements) == 1 and {k: v for k, v in statements[0].items() if k != "Sid"} == {
        "Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"}


def _dns_hostnames(ec2: Any, vpc: VpcIds) -> bool:
    return ec2.describe_vpc_attribute(VpcId=vpc.vpc_id, Attribute="enableDnsHostnames")["EnableDnsHostnames"]["Value"]


def _dns_support(ec2: Any, vpc: VpcIds) -> bool:
    return ec2.describe_vpc_attribute(VpcId=vpc.vpc_id, Attribute="enableDnsSupport")["EnableDnsSupport"]["Value"]


def _flow_logs(ec2: Any, vpc: VpcIds) -> list[Api]:
    return [f for f in ec2.describe_flow_logs()["FlowLogs"] if f["ResourceId"] == vpc.vpc_id]


# -- shape --------------------------------------------------------------------------------------

def test_three_vpcs_over_three_distinct_azs(moto_estate: MotoEstate) -> None:
    ec2, estate = moto_estate.ec2, moto_estate.estate
    assert len(set(estate.azs)) == 3 and len(set(estate.az_ids)) == 3
    vpc_ids = {v["VpcId"] for v in ec2.describe_vpcs()["Vpcs"] if not v["IsDefault"]}
    assert vpc_ids == {estate.prod.vpc_id, estate.dev.vpc_id, estate.good.vpc_id}
    for vpc in (estate.prod, estate.good):
        assert [_subnet_az(ec2, s) for s in vpc.private_subnet_ids] == list(estate.azs)
        assert [_subnet_az(ec2, s) for s in vpc.public_subnet_ids] == list(estate.azs)


def test_every_private_subnet_holds_a_workload(moto_estate: MotoEstate) -> None:
    ec2, estate = moto_estate.ec2, moto_estate.estate
    reservations = ec2.describe_instances()["Reservations"]
    subnet_of = {i["InstanceId"]: i["SubnetId"] for r in reservations for i in r["Instances"]}
    for vpc in estate.vpcs:
        assert sorted(subnet_of[i] for i in vpc.instance_ids) == sorted(vpc.private_subnet_ids)


# -- prod mistakes ------------------------------------------------------------------------------

def test_prod_has_one_nat_gateway_for_three_azs(moto_estate: MotoEstate) -> None:
    ec2, estate = moto_estate.ec2, moto_estate.estate
    prod = estate.prod
    nats = _nat_gateways(ec2, prod)
    assert [n["NatGatewayId"] for n in nats] == list(prod.nat_gateway_ids)
    assert _subnet_az(ec2, nats[0]["SubnetId"]) == estate.azs[0]
    tables = _route_tables(ec2, prod)
    assert {_default_target(tables[rt]) for rt in prod.private_route_table_ids} == {nats[0]["NatGatewayId"]}


def test_prod_s3_gateway_endpoint_on_two_of_three_private_route_tables(moto_estate: MotoEstate) -> None:
    ec2, prod = moto_estate.ec2, moto_estate.estate.prod
    s3_list = next(p["PrefixListId"] for p in ec2.describe_prefix_lists()["PrefixLists"]
                   if p["PrefixListName"] == f"com.amazonaws.{REGION}.s3")
    endpoint = _endpoints(ec2, prod)[prod.gateway_endpoint_ids["s3"]]
    assert sorted(endpoint["RouteTableIds"]) == sorted(prod.private_route_table_ids[:2])
    tables = _route_tables(ec2, prod)
    routed = {rt for rt in prod.private_route_table_ids
              if any(r.get("DestinationPrefixListId") == s3_list for r in tables[rt]["Routes"])}
    assert routed == set(prod.private_route_table_ids[:2])


def test_prod_has_session_manager_channels_without_ssm(moto_estate: MotoEstate) -> None:
    ec2, prod = moto_estate.ec2, moto_estate.estate.prod
    interface = {_service_key(e) for e in _endpoints(ec2, prod).values() if e["VpcEndpointType"] == "Interface"}
    assert {"ssmmessages", "ec2messages"} <= interface
    assert "ssm" not in interface


def test_prod_sts_endpoint_has_private_dns_off(moto_estate: MotoEstate) -> None:
    ec2, prod = moto_estate.ec2, moto_estate.estate.prod
    private_dns = {_service_key(e): e["PrivateDnsEnabled"] for e in _endpoints(ec2, prod).values()
                   if e["VpcEndpointType"] == "Interface"}
    assert private_dns == {"ssmmessages": True, "ec2messages": True, "kms": True, "logs": True, "sts": False}


def test_prod_endpoint_groups_open_to_world_and_closed_on_443(moto_estate: MotoEstate) -> None:
    ec2, prod = moto_estate.ec2, moto_estate.estate.prod
    endpoints = _endpoints(ec2, prod)
    open_sg, closed_sg = prod.security_group_ids["endpoints-open"], prod.security_group_ids["endpoints-no-443"]
    assert [g["GroupId"] for g in endpoints[prod.interface_endpoint_ids["ssmmessages"]]["Groups"]] == [open_sg]
    assert [g["GroupId"] for g in endpoints[prod.interface_endpoint_ids["ec2messages"]]["Groups"]] == [closed_sg]
    assert [(p["IpProtocol"], [r["CidrIp"] for r in p["IpRanges"]]) for p in _ingress(ec2, open_sg)] == [
        ("-1", ["0.0.0.0/0"])]
    assert _ingress(ec2, closed_sg) == []


def test_prod_and_dev_endpoint_policies_are_full_access(moto_estate: MotoEstate) -> None:
    ec2, estate = moto_estate.ec2, moto_estate.estate
    for vpc in (estate.prod, estate.dev):
        endpoints = _endpoints(ec2, vpc)
        assert endpoints and all(_is_full_access(e["PolicyDocument"]) for e in endpoints.values())


def test_only_the_good_vpc_has_a_flow_log(moto_estate: MotoEstate) -> None:
    ec2, estate = moto_estate.ec2, moto_estate.estate
    assert _flow_logs(ec2, estate.prod) == [] and _flow_logs(ec2, estate.dev) == []
    [flow_log] = _flow_logs(ec2, estate.good)
    assert flow_log["FlowLogId"] in estate.good.flow_log_ids
    assert (flow_log["FlowLogStatus"], flow_log["DeliverLogsStatus"]) == ("ACTIVE", "SUCCESS")
    assert flow_log["LogDestination"] == f"arn:aws:s3:::{estate.flow_log_bucket}"


def test_prod_artifacts_bucket_denies_by_source_ip(moto_estate: MotoEstate) -> None:
    estate = moto_estate.estate
    policy = moto_estate.session.client("s3").get_bucket_policy(Bucket=estate.artifacts_bucket)["Policy"]
    [statement] = json.loads(policy)["Statement"]
    assert statement["Effect"] == "Deny"
    assert list(statement["Condition"]) == ["NotIpAddress"]
    assert list(statement["Condition"]["NotIpAddress"]) == ["aws:SourceIp"]


def _daily_sums(moto_estate: MotoEstate, namespace: str, metric: str, dimensions: dict[str, str]) -> list[float]:
    end = dt.datetime.now(dt.timezone.utc)
    answer = moto_estate.session.client("cloudwatch").get_metric_data(
        MetricDataQueries=[{"Id": "q", "MetricStat": {"Metric": {
            "Namespace": namespace, "MetricName": metric,
            "Dimensions": [{"Name": k, "Value": v} for k, v in dimensions.items()]},
            "Period": 86400, "Stat": "Sum"}}],
        StartTime=end - dt.timedelta(days=14), EndTime=end)
    return answer["MetricDataResults"][0]["Values"]


def test_two_weeks_of_traffic_except_on_the_idle_sts_endpoint(moto_estate: MotoEstate) -> None:
    prod = moto_estate.estate.prod
    nat = _daily_sums(moto_estate, "AWS/NATGateway", "BytesInFromDestination",
                      {"NatGatewayId": prod.nat_gateway_ids[0]})
    assert len(nat) == 14 and all(v > 0 for v in nat)

    def endpoint(key: str) -> list[float]:
        return _daily_sums(moto_estate, "AWS/PrivateLinkEndpoints", "BytesProcessed", {
            "Endpoint Type": "Interface", "Service Name": f"com.amazonaws.{REGION}.{key}",
            "VPC Endpoint Id": prod.interface_endpoint_ids[key], "VPC Id": prod.vpc_id})

    assert len(endpoint("logs")) == 14
    assert endpoint("sts") == []


# -- dev mistakes -------------------------------------------------------------------------------

def test_dev_dns_hostnames_off_beside_private_dns_endpoint(moto_estate: MotoEstate) -> None:
    ec2, dev = moto_estate.ec2, moto_estate.estate.dev
    assert _dns_support(ec2, dev) is True
    assert _dns_hostnames(ec2, dev) is False
    assert [e["PrivateDnsEnabled"] for e in _endpoints(ec2, dev).values()] == [True]


def test_dev_nat_gateway_sits_in_the_private_subnet(moto_estate: MotoEstate) -> None:
    ec2, dev = moto_estate.ec2, moto_estate.estate.dev
    [nat] = _nat_gateways(ec2, dev)
    assert nat["SubnetId"] == dev.private_subnet_ids[0]
    tables = _route_tables(ec2, dev)
    # The NAT's own subnet routes to the NAT: it never reaches the internet gateway.
    assert _default_target(tables[dev.private_route_table_ids[0]]) == nat["NatGatewayId"]
    assert _default_target(tables[dev.public_route_table_id]) == dev.internet_gateway_id


# -- the good VPC -------------------------------------------------------------------------------

def test_good_vpc_has_a_public_nat_per_az_with_az_local_routes(moto_estate: MotoEstate) -> None:
    ec2, estate = moto_estate.ec2, moto_estate.estate
    good = estate.good
    nat_subnet = {n["NatGatewayId"]: n["SubnetId"] for n in _nat_gateways(ec2, good)}
    assert [nat_subnet[n] for n in good.nat_gateway_ids] == list(good.public_subnet_ids)
    tables = _route_tables(ec2, good)
    assert _default_target(tables[good.public_route_table_id]) == good.internet_gateway_id
    for private, rt in zip(good.private_subnet_ids, good.private_route_table_ids, strict=True):
        target = _default_target(tables[rt])
        assert _subnet_az(ec2, nat_subnet[target]) == _subnet_az(ec2, private)


def test_good_vpc_gateway_endpoints_on_every_private_route_table(moto_estate: MotoEstate) -> None:
    ec2, good = moto_estate.ec2, moto_estate.estate.good
    endpoints = _endpoints(ec2, good)
    for key in ("s3", "dynamodb"):
        assert set(good.private_route_table_ids) <= set(endpoints[good.gateway_endpoint_ids[key]]["RouteTableIds"])


def test_good_vpc_interface_endpoints_in_every_client_az(moto_estate: MotoEstate) -> None:
    ec2, good = moto_estate.ec2, moto_estate.estate.good
    interface = {_service_key(e): e for e in _endpoints(ec2, good).values() if e["VpcEndpointType"] == "Interface"}
    assert set(interface) == {"ssm", "ssmmessages", "ec2messages", "kms", "logs", "ecr.api", "ecr.dkr"}
    for endpoint in interface.values():
        assert sorted(endpoint["SubnetIds"]) == sorted(good.private_subnet_ids)
        assert endpoint["PrivateDnsEnabled"] is True
        assert [g["GroupId"] for g in endpoint["Groups"]] == [good.security_group_ids["endpoints"]]


def test_good_vpc_groups_allow_exactly_https_inside_the_vpc(moto_estate: MotoEstate) -> None:
    ec2, good = moto_estate.ec2, moto_estate.estate.good
    [rule] = _ingress(ec2, good.security_group_ids["endpoints"])
    assert (rule["IpProtocol"], rule["FromPort"], rule["ToPort"]) == ("tcp", 443, 443)
    assert [r["CidrIp"] for r in rule["IpRanges"]] == [good.cidr]
    egress = _egress(ec2, good.security_group_ids["app"])
    assert all((p["IpProtocol"], p["FromPort"], p["ToPort"]) == ("tcp", 443, 443) for p in egress)
    assert any(r["CidrIp"] == good.cidr for p in egress for r in p["IpRanges"])


def test_good_vpc_dns_attributes_and_scoped_policies(moto_estate: MotoEstate) -> None:
    ec2, good = moto_estate.ec2, moto_estate.estate.good
    assert _dns_support(ec2, good) is True and _dns_hostnames(ec2, good) is True
    for endpoint in _endpoints(ec2, good).values():
        statement, *others = json.loads(endpoint["PolicyDocument"])["Statement"]
        assert statement["Principal"] == "*"
        assert statement["Condition"] == {"StringEquals": {"aws:PrincipalAccount": moto_estate.estate.account_id}}
        # The S3 endpoint also carries ECR's layer downloads, which an ECR account signs (POL006), and
        # SSM Agent's reads of Systems Manager's buckets (POL007).
        assert others == ([{"Sid": "EcrImageLayers", "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
                            "Resource": f"arn:aws:s3:::prod-{REGION}-starport-layer-bucket/*"},
                           {"Sid": "SystemsManagerBuckets", "Effect": "Allow", "Principal": "*",
                            "Action": "s3:GetObject", "Resource": [f"arn:aws:s3:::aws-ssm-{REGION}/*",
                                                                   f"arn:aws:s3:::patch-baseline-snapshot-{REGION}/*"]}]
                          if _service_key(endpoint) == "s3" else [])


# -- the write guard ----------------------------------------------------------------------------

def test_refuses_any_account_but_motos_default(aws_env: None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MOTO_ACCOUNT_ID", "111122223333")
    with mock_aws():
        session = boto3.Session(region_name=REGION)
        with pytest.raises(EstateError, match="refusing to build the demo estate in account 111122223333"):
            build_estate(session, REGION)
        assert all(v["IsDefault"] for v in session.client("ec2").describe_vpcs()["Vpcs"])


def test_default_vpc_is_completed_like_aws_with_an_igw_default_route(moto_estate: MotoEstate) -> None:
    ec2 = moto_estate.ec2
    default = ec2.describe_vpcs(Filters=[{"Name": "is-default", "Values": ["true"]}])["Vpcs"][0]["VpcId"]
    tables = ec2.describe_route_tables(Filters=_vpc_filter(default))["RouteTables"]
    main = next(t for t in tables if any(a.get("Main") for a in t["Associations"]))
    target = _default_target(main)
    assert target is not None and target.startswith("igw-")
    attached = ec2.describe_internet_gateways(Filters=[{"Name": "attachment.vpc-id", "Values": [default]}])
    assert [g["InternetGatewayId"] for g in attached["InternetGateways"]] == [target]
