"""An AWS Organization on moto for the fleet tests and the fleet benchmark.

The management account (moto's default, 123456789012) creates the organization, a nested OU
tree (root → workloads → prod) and member accounts; each member is seeded through its own
assumed-role credentials, so its resources live in that account's moto state. A member can be
suspended (``close_account``), and each gets ``vpcs`` VPCs per Region with one subnet and the
same interface endpoints, so COST001 sees the organization-wide pattern only when accounts are
audited together.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import boto3

MANAGEMENT = "123456789012"
ENDPOINT_SERVICES = ("ssm", "ssmmessages", "ec2messages")


@dataclass
class Organization:
    root: str
    workloads: str  # OU under the root
    prod: str  # OU under workloads
    members: dict[str, str] = field(default_factory=dict)  # account id → OU (or root) id
    suspended: list[str] = field(default_factory=list)


def role_arn(account_id: str, name: str = "vpcaudit-member") -> str:
    return f"arn:aws:iam::{account_id}:role/{name}"


def create_organization(session: boto3.session.Session, endpoint_url: str | None = None) -> Organization:
    orgs = session.client("organizations", endpoint_url=endpoint_url)
    orgs.create_organization(FeatureSet="ALL")
    root = orgs.list_roots()["Roots"][0]["Id"]
    workloads = orgs.create_organizational_unit(ParentId=root, Name="workloads")["OrganizationalUnit"]["Id"]
    prod = orgs.create_organizational_unit(ParentId=workloads, Name="prod")["OrganizationalUnit"]["Id"]
    return Organization(root, workloads, prod)


def add_member(session: boto3.session.Session, org: Organization, name: str, parent: str,
               endpoint_url: str | None = None) -> str:
    orgs = session.client("organizations", endpoint_url=endpoint_url)
    account_id = str(orgs.create_account(Email=f"{name}@example.com", AccountName=name)["CreateAccountStatus"][
        "AccountId"])
    if parent != org.root:
        orgs.move_account(AccountId=account_id, SourceParentId=org.root, DestinationParentId=parent)
    org.members[account_id] = parent
    return account_id


def suspend(session: boto3.session.Session, org: Organization, account_id: str,
            endpoint_url: str | None = None) -> None:
    session.client("organizations", endpoint_url=endpoint_url).close_account(AccountId=account_id)
    org.suspended.append(account_id)


def member_session(session: boto3.session.Session, account_id: str, endpoint_url: str | None = None,
                   region: str = "us-east-1") -> boto3.session.Session:
    creds = session.client("sts", endpoint_url=endpoint_url).assume_role(
        RoleArn=role_arn(account_id), RoleSessionName="seed")["Credentials"]
    return boto3.session.Session(creds["AccessKeyId"], creds["SecretAccessKey"], creds["SessionToken"],
                                 region_name=region)


def seed_member(session: boto3.session.Session, account_id: str, regions: Sequence[str], vpcs: int = 1,
                endpoint_url: str | None = None) -> None:
    """``vpcs`` VPCs per Region in ``account_id``, each with a subnet and the shared interface endpoints."""
    member = member_session(session, account_id, endpoint_url)
    for region in regions:
        ec2 = member.client("ec2", region_name=region, endpoint_url=endpoint_url)
        for i in range(vpcs):
            vpc = ec2.create_vpc(CidrBlock=f"10.{i}.0.0/16")["Vpc"]["VpcId"]
            subnet = ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.{i}.1.0/24",
                                       AvailabilityZone=f"{region}a")["Subnet"]["SubnetId"]
            for service in ENDPOINT_SERVICES:
                ec2.create_vpc_endpoint(VpcId=vpc, ServiceName=f"com.amazonaws.{region}.{service}",
                                        VpcEndpointType="Interface", SubnetIds=[subnet])
