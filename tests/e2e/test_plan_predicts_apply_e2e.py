"""The prediction equals what happened: `vpcaudit plan` before a change and `vpcaudit diff` after it
agree on findings and traffic paths.

On a moto server holding the demo estate, through the installed console script:

1. ``vpcaudit collect`` → before.json;
2. a Terraform plan for a change to that estate (Terraform 1.9 `terraform show -json` shape,
   hashicorp/aws 5.x; see tfplan.py): narrow the good VPC's S3 endpoint, a new NAT gateway for
   prod's AZ b with its route moved to it (an id known only after apply, reached through the
   configuration's reference), a new ssm interface endpoint, a flow log, a new security group
   whose egress the provider revokes; ``vpcaudit plan before.json --terraform plan.json``;
3. the same change applied to moto through boto3 the way AWS (and the provider) would, per the
   shared moto notes: moto leaves a removed gateway-endpoint route in place, so it is deleted;
4. ``vpcaudit collect`` → after.json; ``vpcaudit diff before.json after.json``.

Placeholder ids of the prediction are mapped to the ids AWS (moto) gave, then both reports must
list the same new, resolved and changed findings and the same path changes.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import boto3
import pytest
from aws_env import child_env, fake_aws_env
from demo_estate import REGION
from schema_check import check_diff
from tfplan import TerraformPlan

from vpcaudit.demo.estate import Estate, build_estate

pytestmark = pytest.mark.e2e

VPCAUDIT = Path(sys.executable).with_name("vpcaudit")
S3 = f"com.amazonaws.{REGION}.s3"
DEV_DB_PORT = 5432


def vpcaudit(*args: str | Path, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(VPCAUDIT), *map(str, args)], cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=600, check=False)


def the_plan(estate: Estate, before: dict[str, Any]) -> dict[str, Any]:
    """The change as Terraform would plan it, its before values taken from the collected snapshot."""
    good, prod, dev = estate.good, estate.prod, estate.dev
    region = before["accounts"][0]["regions"][0]
    endpoint = next(e for e in region["vpc_endpoints"] if e["vpc_endpoint_id"] == good.gateway_endpoint_ids["s3"])
    plan = TerraformPlan(region=REGION)
    s3 = {"id": endpoint["vpc_endpoint_id"], "vpc_id": good.vpc_id, "service_name": S3, "vpc_endpoint_type": "Gateway",
          "route_table_ids": sorted(endpoint["route_table_ids"]), "policy": endpoint["policy_document"],
          "private_dns_enabled": False, "subnet_ids": [], "security_group_ids": []}
    kept = sorted([good.public_route_table_id, good.private_route_table_ids[0]])
    plan.update("aws_vpc_endpoint.good_s3", s3, {**s3, "route_table_ids": kept},
                configured=("vpc_id", "service_name", "vpc_endpoint_type", "route_table_ids", "policy"))
    plan.create("aws_eip.prod_nat_b", {"domain": "vpc"}, unknown={"allocation_id": True})
    plan.create("aws_nat_gateway.prod_b", {"subnet_id": prod.public_subnet_ids[1], "connectivity_type": "public",
                                           "tags": {"Name": "prod-nat-b"}},
                unknown={"allocation_id": True},
                refs={"allocation_id": ["aws_eip.prod_nat_b.id", "aws_eip.prod_nat_b"]})
    route = {"route_table_id": prod.private_route_table_ids[1], "destination_cidr_block": "0.0.0.0/0",
             "nat_gateway_id": prod.nat_gateway_ids[0]}
    plan.update("aws_route.prod_private_b", route, {k: v for k, v in route.items() if k != "nat_gateway_id"},
                unknown={"nat_gateway_id": True},
                refs={"nat_gateway_id": ["aws_nat_gateway.prod_b.id", "aws_nat_gateway.prod_b"]})
    plan.create("aws_vpc_endpoint.prod_ssm", {
        "vpc_id": prod.vpc_id, "service_name": f"com.amazonaws.{REGION}.ssm", "vpc_endpoint_type": "Interface",
        "subnet_ids": list(prod.private_subnet_ids), "security_group_ids": [prod.security_group_ids["endpoints"]],
        "private_dns_enabled": True, "route_table_ids": []},
        unknown={"network_interface_ids": True, "policy": True, "dns_entry": True})
    plan.create("aws_flow_log.prod", {"vpc_id": prod.vpc_id, "traffic_type": "ALL", "log_destination_type": "s3",
                                      "log_destination": f"arn:aws:s3:::{estate.flow_log_bucket}"})
    plan.create("aws_security_group.dev_db", {
        "name": "dev-db", "description": "dev database", "vpc_id": dev.vpc_id,
        "ingress": [{"protocol": "tcp", "from_port": DEV_DB_PORT, "to_port": DEV_DB_PORT, "cidr_blocks": [dev.cidr],
                     "ipv6_cidr_blocks": [], "prefix_list_ids": [], "security_groups": [], "self": False,
                     "description": "dev clients"}]},
        unknown={"egress": True})
    return plan.document()


def apply_to_moto(session: boto3.Session, url: str, estate: Estate) -> dict[str, str]:
    """The same change, as AWS and the Terraform provider make it; returns placeholder id → real id."""
    good, prod, dev = estate.good, estate.prod, estate.dev
    ec2 = session.client("ec2", region_name=REGION, endpoint_url=url)
    dropped = list(good.private_route_table_ids[1:])
    ec2.modify_vpc_endpoint(VpcEndpointId=good.gateway_endpoint_ids["s3"], RemoveRouteTableIds=dropped)
    s3_list = next(p["PrefixListId"] for p in ec2.describe_prefix_lists()["PrefixLists"] if p["PrefixListName"] == S3)
    for table in dropped:  # AWS removes the endpoint's route with the association; moto does not
        ec2.delete_route(RouteTableId=table, DestinationPrefixListId=s3_list)
    allocation = ec2.allocate_address(Domain="vpc")["AllocationId"]
    nat = ec2.create_nat_gateway(SubnetId=prod.public_subnet_ids[1], AllocationId=allocation, TagSpecifications=[
        {"ResourceType": "natgateway", "Tags": [{"Key": "Name", "Value": "prod-nat-b"}]}])["NatGateway"]["NatGatewayId"]
    ec2.replace_route(RouteTableId=prod.private_route_table_ids[1], DestinationCidrBlock="0.0.0.0/0", NatGatewayId=nat)
    ssm = ec2.create_vpc_endpoint(VpcId=prod.vpc_id, VpcEndpointType="Interface",
                                  ServiceName=f"com.amazonaws.{REGION}.ssm", SubnetIds=list(prod.private_subnet_ids),
                                  SecurityGroupIds=[prod.security_group_ids["endpoints"]],
                                  PrivateDnsEnabled=True)["VpcEndpoint"]
    flow_log = ec2.create_flow_logs(ResourceIds=[prod.vpc_id], ResourceType="VPC", TrafficType="ALL",
                                    LogDestinationType="s3",
                                    LogDestination=f"arn:aws:s3:::{estate.flow_log_bucket}")["FlowLogIds"][0]
    group = ec2.create_security_group(GroupName="dev-db", Description="dev database", VpcId=dev.vpc_id)["GroupId"]
    ec2.authorize_security_group_ingress(GroupId=group, IpPermissions=[{
        "IpProtocol": "tcp", "FromPort": DEV_DB_PORT, "ToPort": DEV_DB_PORT,
        "IpRanges": [{"CidrIp": dev.cidr, "Description": "dev clients"}]}])
    # The provider revokes the allow-all egress AWS gives a new group when the configuration has none.
    ec2.revoke_security_group_egress(GroupId=group, IpPermissions=[{"IpProtocol": "-1",
                                                                    "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}])
    ids = {"nat-aws_nat_gateway.prod_b (new)": nat, "vpce-aws_vpc_endpoint.prod_ssm (new)": ssm["VpcEndpointId"],
           "fl-aws_flow_log.prod (new)": flow_log, "sg-aws_security_group.dev_db (new)": group}
    interfaces = ec2.describe_network_interfaces(NetworkInterfaceIds=ssm["NetworkInterfaceIds"])["NetworkInterfaces"]
    for eni in interfaces:
        ids[f"eni-aws_vpc_endpoint.prod_ssm in {eni['SubnetId']} (new)"] = eni["NetworkInterfaceId"]
    return ids


@pytest.fixture(scope="module")
def reports(moto_url: str, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    work = tmp_path_factory.mktemp("predict")
    with pytest.MonkeyPatch.context() as mp:
        fake_aws_env(mp)
        env = child_env()
        session = boto3.Session(region_name=REGION)
        estate = build_estate(session, REGION, endpoint_url=moto_url)
        collect = ("collect", "--endpoint-url", moto_url, "--region", REGION, "--quiet", "-o")
        done = vpcaudit(*collect, "before.json", cwd=work, env=env)
        assert done.returncode == 0, done.stderr
        before = json.loads((work / "before.json").read_text(encoding="utf-8"))
        (work / "plan.json").write_text(json.dumps(the_plan(estate, before)), encoding="utf-8")
        predicted = vpcaudit("plan", "before.json", "--terraform", "plan.json", "-f", "json", "-o", "predicted.json",
                             cwd=work, env=env)
        assert predicted.returncode in (0, 1), predicted.stderr
        ids = apply_to_moto(session, moto_url, estate)
        done = vpcaudit(*collect, "after.json", cwd=work, env=env)
        assert done.returncode == 0, done.stderr
        actual = vpcaudit("diff", "before.json", "after.json", "-f", "json", "-o", "actual.json", cwd=work, env=env)
        assert actual.returncode in (0, 1), actual.stderr
    return {"predicted": check_diff(json.loads((work / "predicted.json").read_text(encoding="utf-8"))),
            "actual": check_diff(json.loads((work / "actual.json").read_text(encoding="utf-8"))), "ids": ids,
            "codes": (predicted.returncode, actual.returncode), "estate": estate}


def real(ids: dict[str, str], value: str | None) -> str | None:
    return ids.get(value or "", value)


def finding_keys(d: dict[str, Any], ids: dict[str, str]) -> dict[str, set[tuple[str, str | None, str, str]]]:
    out = {}
    for name in ("new", "resolved", "not_rechecked", "no_baseline"):
        out[name] = {(f["rule_id"], real(ids, f["resource"]["resource_id"]), f["status"], f["severity"])
                     for f in d[name]}
    out["changed"] = {(c["after"]["rule_id"], real(ids, c["after"]["resource"]["resource_id"]), c["before"]["status"],
                       c["after"]["status"]) for c in d["changed"]}
    return out


def path_keys(d: dict[str, Any], ids: dict[str, str]) -> set[tuple[Any, ...]]:
    return {(p["after"]["subnet_id"], p["after"]["destination"], p["verdict"], p["before"]["kind"],
             real(ids, p["before"]["target_id"]), p["after"]["kind"], real(ids, p["after"]["target_id"]),
             p["after"]["cross_az"]) for p in d["paths"]}


def test_plan_and_diff_agree_on_findings(reports: dict[str, Any]) -> None:
    predicted, actual = finding_keys(reports["predicted"], reports["ids"]), finding_keys(reports["actual"],
                                                                                          reports["ids"])
    assert predicted == actual
    estate = reports["estate"]
    assert ("GWE001", estate.good.private_subnet_ids[1], "fail", "medium") in predicted["new"]  # S3 now via NAT
    assert ("MON001", estate.prod.vpc_id, "fail", "medium") in predicted["resolved"]  # the flow log
    assert any(rule == "NAT002" for rule, *_ in predicted["resolved"])  # AZ b now has its own NAT gateway


def test_plan_and_diff_agree_on_paths(reports: dict[str, Any]) -> None:
    predicted = path_keys(reports["predicted"], reports["ids"])
    assert predicted == path_keys(reports["actual"], reports["ids"])
    verdicts = {(verdict, destination) for _, destination, verdict, *_ in predicted}
    assert ("worse", "s3") in verdicts and ("better", "internet") in verdicts and ("better", "ssm") in verdicts


def test_the_exit_codes_agree_and_the_plan_names_what_it_created(reports: dict[str, Any]) -> None:
    predicted_code, actual_code = reports["codes"]
    assert predicted_code == actual_code == 1  # paths got worse
    plan = reports["predicted"]["plan"]
    applied = {p["address"]: p["resource_ids"] for p in plan["resources"] if p["outcome"] == "applied"}
    assert applied["aws_nat_gateway.prod_b"] == ["nat-aws_nat_gateway.prod_b (new)"]
    assert not plan["unresolved"]
    targets = {p["after"]["target_id"] for p in reports["predicted"]["paths"]}
    assert {"nat-aws_nat_gateway.prod_b (new)", "vpce-aws_vpc_endpoint.prod_ssm (new)"} <= targets
