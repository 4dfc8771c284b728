"""Build the demo estate: one realistic account with three VPCs, in moto.

This is the only code in vpcaudit that writes to AWS, and it targets **moto only**: it refuses
to run unless the caller is moto's default account (123456789012, AWS's documented example
account id), so a stray real credential can never get an estate built in a real account.

The estate, in one Region over three AZs:

* **prod** carries the mistakes the seed documents list: one NAT gateway for three AZs (the
  other AZs' private subnets route to it cross-AZ); an S3 gateway endpoint on two of the three
  private route tables; ssmmessages and ec2messages endpoints without ssm; an sts endpoint with
  private DNS off (and so idle, by its CloudWatch traffic); an endpoint security group open to
  the world on all ports and another with no rule for 443; full-access endpoint policies; no
  flow log; an artifacts bucket whose policy denies requests from outside an office IP range by
  ``aws:SourceIp``, which requests through the S3 endpoint never carry.
* **dev** (one AZ) has enableDnsHostnames off beside an endpoint with private DNS on, and its
  NAT gateway in the private subnet instead of the public one.
* **good** is built the way the rule docs (docs/rules.md) ask, so no rule may fire on it.

Two weeks of NAT gateway and endpoint traffic are put into CloudWatch (:mod:`vpcaudit.demo.traffic`)
so that a scan ``--with metrics`` judges idleness and data charges on realistic numbers.

moto shaped some choices (see the shared moto-notes.md): ``modify_vpc_endpoint`` does nothing, so every
endpoint is created in its final state; prefix lists are looked up by name; the flow-log
bucket exists before the flow log; interface endpoints always get explicit groups (moto leaves
``Groups`` empty otherwise, where AWS would attach the default group).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

import boto3

from vpcaudit.demo.traffic import seed_traffic
from vpcaudit.errors import VpcauditError

MOTO_ACCOUNT_ID = "123456789012"
AZ_COUNT = 3
HTTPS = 443
OFFICE_CIDR = "203.0.113.0/24"  # a documentation range standing in for an office's public addresses

Api = dict[str, Any]


class EstateError(VpcauditError):
    """The estate could not be built; the message says which step and why."""


@dataclass(frozen=True, slots=True)
class VpcIds:
    """The ids one VPC of the estate was built with, by role, so tests can name them.

    Per-AZ tuples follow ``Estate.azs`` (dev uses only the first AZ).
    """

    name: str
    vpc_id: str
    cidr: str
    internet_gateway_id: str
    public_subnet_ids: tuple[str, ...]
    private_subnet_ids: tuple[str, ...]
    public_route_table_id: str
    private_route_table_ids: tuple[str, ...]
    nat_gateway_ids: tuple[str, ...]
    gateway_endpoint_ids: Mapping[str, str]  # service key (s3, dynamodb) → vpce id
    interface_endpoint_ids: Mapping[str, str]  # service key (ssm, ecr.api, …) → vpce id
    security_group_ids: Mapping[str, str]  # role (app, endpoints, …) → sg id
    instance_ids: tuple[str, ...]
    flow_log_ids: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Estate:
    """What :func:`build_estate` created."""

    account_id: str
    region: str
    azs: tuple[str, ...]  # AZ names, in the order of every per-AZ tuple
    az_ids: tuple[str, ...]  # the matching AZ ids (rules compare AZs by id)
    flow_log_bucket: str
    artifacts_bucket: str  # prod's bucket with the aws:SourceIp policy
    prod: VpcIds
    dev: VpcIds
    good: VpcIds

    @property
    def vpcs(self) -> tuple[VpcIds, ...]:
        return (self.prod, self.dev, self.good)


def build_estate(session: boto3.Session, region: str = "us-east-1", *,
                 endpoint_url: str | None = None) -> Estate:
    """Create the prod, dev and good VPCs in moto and return their ids by role.

    ``endpoint_url`` points the clients at a moto server; without it the caller must be inside
    ``moto.mock_aws()``. Raises :class:`EstateError` outside moto's default account.
    """
    account_id = session.client("sts", region_name=region,
                                endpoint_url=endpoint_url).get_caller_identity()["Account"]
    if account_id != MOTO_ACCOUNT_ID:
        raise EstateError(f"refusing to build the demo estate in account {account_id}: it writes, "
                          f"and is meant for moto's default account {MOTO_ACCOUNT_ID} only")
    ec2 = session.client("ec2", region_name=region, endpoint_url=endpoint_url)
    s3 = session.client("s3", region_name=region, endpoint_url=endpoint_url)
    _complete_default_vpc(ec2)
    b = _Builder(ec2, region, account_id)
    # The flow-log bucket must exist first, or moto (like AWS) refuses the flow log.
    flow_log_bucket = _bucket(s3, f"vpcaudit-demo-flow-logs-{account_id}-{region}", region)
    artifacts = _bucket(s3, f"prod-artifacts-{account_id}-{region}", region)
    s3.put_bucket_policy(Bucket=artifacts, Policy=_office_only_policy(artifacts))
    estate = Estate(account_id=account_id, region=region, azs=b.azs, az_ids=b.az_ids,
                    flow_log_bucket=flow_log_bucket, artifacts_bucket=artifacts, prod=_build_prod(b),
                    dev=_build_dev(b), good=_build_good(b, flow_log_bucket))
    seed_traffic(session.client("cloudwatch", region_name=region, endpoint_url=endpoint_url), estate)
    return estate


def _complete_default_vpc(ec2: Any) -> None:
    """Give moto's default VPC what AWS gives every default VPC: an attached internet gateway
    and a 0.0.0.0/0 route to it in the main route table (moto creates neither), so the demo's
    default VPC reads as the all-public VPC it is in a real account."""
    vpcs = ec2.describe_vpcs(Filters=[{"Name": "is-default", "Values": ["true"]}])["Vpcs"]
    for vpc in vpcs:
        vpc_id = vpc["VpcId"]
        attached = ec2.describe_internet_gateways(
            Filters=[{"Name": "attachment.vpc-id", "Values": [vpc_id]}])["InternetGateways"]
        if attached:
            igw_id = attached[0]["InternetGatewayId"]
        else:
            igw_id = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
            ec2.attach_internet_gateway(InternetGatewayId=igw_id, VpcId=vpc_id)
        tables = ec2.describe_route_tables(Filters=[{"Name": "vpc-id", "Values": [vpc_id]}])["RouteTables"]
        main = next(t for t in tables if any(a.get("Main") for a in t.get("Associations", [])))
        if not any(r.get("DestinationCidrBlock") == "0.0.0.0/0" for r in main["Routes"]):
            ec2.create_route(RouteTableId=main["RouteTableId"], DestinationCidrBlock="0.0.0.0/0", GatewayId=igw_id)


def _bucket(s3: Any, name: str, region: str) -> str:
    if region == "us-east-1":
        s3.create_bucket(Bucket=name)
    else:
        s3.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": region})
    return name


def _office_only_policy(bucket: str) -> str:
    """The seed documents' bucket-policy mistake: "only from the office" by aws:SourceIp. Requests
    through a VPC endpoint carry no aws:SourceIp, so this Deny matches every one of them."""
    return json.dumps({"Version": "2012-10-17", "Statement": [{
        "Sid": "OfficeOnly", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
        "Resource": [f"arn:aws:s3:::{bucket}", f"arn:aws:s3:::{bucket}/*"],
        "Condition": {"NotIpAddress": {"aws:SourceIp": [OFFICE_CIDR]}}}]})


def _account_scoped_policy(account_id: str, region: str | None = None) -> str:
    """An endpoint policy a reviewer accepts: any principal *of this account* (Principal "*"
    scoped by aws:PrincipalAccount, which gateway endpoints require rather than an account
    principal). For an S3 endpoint (``region`` given) it also lets anyone read ECR's image layer
    bucket of the Region, as the ECR guide's "minimum Amazon S3 bucket permissions" do: the VPC
    has ECR endpoints, and layer downloads are signed by an ECR account, not this one (POL006);
    and Systems Manager's module and patch baseline snapshot buckets, which the policy "must allow
    access to at least" where instances are managed through the VPC's Systems Manager endpoints
    (POL007). The demo's workloads install no package, so the Amazon Linux repositories are left out."""
    statements: list[dict[str, Any]] = [{
        "Sid": "ThisAccountOnly", "Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*",
        "Condition": {"StringEquals": {"aws:PrincipalAccount": account_id}}}]
    if region is not None:
        statements.append({"Sid": "EcrImageLayers", "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
                           "Resource": f"arn:aws:s3:::prod-{region}-starport-layer-bucket/*"})
        statements.append({"Sid": "SystemsManagerBuckets", "Effect": "Allow", "Principal": "*",
                           "Action": "s3:GetObject", "Resource": [f"arn:aws:s3:::aws-ssm-{region}/*",
                                                                  f"arn:aws:s3:::patch-baseline-snapshot-{region}/*"]})
    return json.dumps({"Version": "2012-10-17", "Statement": statements})


class _Builder:
    """Thin wrappers over the EC2 create calls: each tags what it creates and returns its id."""

    def __init__(self, ec2: Any, region: str, account_id: str) -> None:
        self.ec2 = ec2
        self.region = region
        self.account_id = account_id
        zones = sorted((z for z in ec2.describe_availability_zones()["AvailabilityZones"]
                        if z.get("State", "available") == "available"), key=lambda z: z["ZoneName"])
        if len(zones) < AZ_COUNT:
            raise EstateError(f"region {region} offers {len(zones)} AZs; the demo estate needs {AZ_COUNT}")
        self.azs = tuple(z["ZoneName"] for z in zones[:AZ_COUNT])
        self.az_ids = tuple(z["ZoneId"] for z in zones[:AZ_COUNT])
        lists = ec2.describe_prefix_lists()["PrefixLists"]
        self.prefix_lists = {p["PrefixListName"]: p["PrefixListId"] for p in lists}
        self._image_id: str | None = None

    # -- helpers -------------------------------------------------------------------------------

    @staticmethod
    def tags(resource_type: str, env: str, name: str) -> list[Api]:
        return [{"ResourceType": resource_type,
                 "Tags": [{"Key": "Name", "Value": name}, {"Key": "Environment", "Value": env}]}]

    def service(self, key: str) -> str:
        return f"com.amazonaws.{self.region}.{key}"

    def prefix_list(self, key: str) -> str:
        """AWS-managed prefix-list id by name: ids are random per moto server (and per Region)."""
        name = self.service(key)
        try:
            return self.prefix_lists[name]
        except KeyError:
            raise EstateError(f"no managed prefix list named {name}") from None

    def image(self) -> str:
        """An Amazon Linux 2023 AMI that moto knows, looked up once."""
        if self._image_id is None:
            images = self.ec2.describe_images(Owners=["amazon"], Filters=[
                {"Name": "name", "Values": ["al2023-ami-2023*-x86_64"]}])["Images"]
            if not images:
                raise EstateError(f"no Amazon Linux 2023 AMI in {self.region}")
            self._image_id = max(images, key=lambda i: i.get("CreationDate", ""))["ImageId"]
        return self._image_id

    # -- resources ----------------------------------------------------------------------------

    def vpc(self, env: str, cidr: str, *, dns_hostnames: bool) -> str:
        vpc_id = self.ec2.create_vpc(CidrBlock=cidr, TagSpecifications=self.tags("vpc", env, env))["Vpc"]["VpcId"]
        # enableDnsSupport is on by default; hostnames are off by default in non-default VPCs.
        self.ec2.modify_vpc_attribute(VpcId=vpc_id, EnableDnsHostnames={"Value": dns_hostnames})
        return vpc_id

    def internet_gateway(self, env: str, vpc_id: str) -> str:
        igw = self.ec2.create_internet_gateway(
            TagSpecifications=self.tags("internet-gateway", env, f"{env}-igw"))["InternetGateway"]
        self.ec2.attach_internet_gateway(InternetGatewayId=igw["InternetGatewayId"], VpcId=vpc_id)
        return igw["InternetGatewayId"]

    def subnet(self, env: str, vpc_id: str, name: str, cidr: str, az: str) -> str:
        return self.ec2.create_subnet(VpcId=vpc_id, CidrBlock=cidr, AvailabilityZone=az,
                                      TagSpecifications=self.tags("subnet", env, name))["Subnet"]["SubnetId"]

    def route_table(self, env: str, vpc_id: str, name: str, subnet_ids: list[str],
                    default_route: Api) -> str:
        """A route table with a 0.0.0.0/0 route (``default_route`` names the target field)
        explicitly associated with ``subnet_ids``."""
        rt_id = self.ec2.create_route_table(
            VpcId=vpc_id, TagSpecifications=self.tags("route-table", env, name))["RouteTable"]["RouteTableId"]
        self.ec2.create_route(RouteTableId=rt_id, DestinationCidrBlock="0.0.0.0/0", **default_route)
        for subnet_id in subnet_ids:
            self.ec2.associate_route_table(RouteTableId=rt_id, SubnetId=subnet_id)
        return rt_id

    def nat_gateway(self, env: str, name: str, subnet_id: str) -> str:
        allocation = self.ec2.allocate_address(
            Domain="vpc", TagSpecifications=self.tags("elastic-ip", env, f"{name}-eip"))["AllocationId"]
        return self.ec2.create_nat_gateway(
            SubnetId=subnet_id, AllocationId=allocation,
            TagSpecifications=self.tags("natgateway", env, name))["NatGateway"]["NatGatewayId"]

    def security_group(self, env: str, vpc_id: str, name: str, description: str, *,
                       ingress: list[Api], egress: list[Api] | None = None) -> str:
        """A group with ``ingress``; ``egress=None`` keeps AWS's default allow-all egress,
        a list replaces it."""
        group_id = self.ec2.create_security_group(
            GroupName=name, Description=description, VpcId=vpc_id,
            TagSpecifications=self.tags("security-group", env, name))["GroupId"]
        if ingress:
            self.ec2.authorize_security_group_ingress(GroupId=group_id, IpPermissions=ingress)
        if egress is not None:
            self.ec2.revoke_security_group_egress(
                GroupId=group_id, IpPermissions=[{"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}])
            if egress:
                self.ec2.authorize_security_group_egress(GroupId=group_id, IpPermissions=egress)
        return group_id

    def interface_endpoint(self, env: str, vpc_id: str, key: str, subnet_ids: list[str],
                           group_ids: list[str], *, private_dns: bool, policy: str | None) -> str:
        args: Api = {"VpcId": vpc_id, "VpcEndpointType": "Interface", "ServiceName": self.service(key),
                     "SubnetIds": subnet_ids, "SecurityGroupIds": group_ids,
                     "PrivateDnsEnabled": private_dns,
                     "TagSpecifications": self.tags("vpc-endpoint", env, f"{env}-{key}")}
        if policy is not None:
            args["PolicyDocument"] = policy
        return self.ec2.create_vpc_endpoint(**args)["VpcEndpoint"]["VpcEndpointId"]

    def gateway_endpoint(self, env: str, vpc_id: str, key: str, route_table_ids: list[str], *,
                         policy: str | None) -> str:
        args: Api = {"VpcId": vpc_id, "VpcEndpointType": "Gateway", "ServiceName": self.service(key),
                     "RouteTableIds": route_table_ids,
                     "TagSpecifications": self.tags("vpc-endpoint", env, f"{env}-{key}")}
        if policy is not None:
            args["PolicyDocument"] = policy
        return self.ec2.create_vpc_endpoint(**args)["VpcEndpoint"]["VpcEndpointId"]

    def instance(self, env: str, name: str, subnet_id: str, group_ids: list[str]) -> str:
        """A workload: its primary ENI makes the subnet's AZ a client AZ."""
        return self.ec2.run_instances(
            ImageId=self.image(), InstanceType="t3.micro", MinCount=1, MaxCount=1, SubnetId=subnet_id,
            SecurityGroupIds=group_ids,
            TagSpecifications=self.tags("instance", env, name))["Instances"][0]["InstanceId"]

    def flow_log(self, env: str, vpc_id: str, bucket: str) -> str:
        answer = self.ec2.create_flow_logs(
            ResourceIds=[vpc_id], ResourceType="VPC", TrafficType="ALL", LogDestinationType="s3",
            LogDestination=f"arn:aws:s3:::{bucket}",
            TagSpecifications=self.tags("vpc-flow-log", env, f"{env}-flow-log"))
        if answer.get("Unsuccessful") or not answer.get("FlowLogIds"):
            problem = (answer.get("Unsuccessful") or [{}])[0].get("Error", {}).get("Message", "no id returned")
            raise EstateError(f"flow log for {vpc_id} was refused: {problem}")
        return answer["FlowLogIds"][0]


def _https_from(cidr: str, description: str) -> Api:
    return {"IpProtocol": "tcp", "FromPort": HTTPS, "ToPort": HTTPS,
            "IpRanges": [{"CidrIp": cidr, "Description": description}]}


def _suffix(az: str) -> str:
    """us-east-1a → a: the AZ letter used in Name tags."""
    return az[-1]


# -- prod: the mistakes -----------------------------------------------------------------------

PROD_CIDR = "10.10.0.0/16"
PROD_INTERFACE_SERVICES = ("ssmmessages", "ec2messages", "kms", "logs", "sts")


def _build_prod(b: _Builder) -> VpcIds:
    env = "prod"
    vpc_id = b.vpc(env, PROD_CIDR, dns_hostnames=True)
    igw = b.internet_gateway(env, vpc_id)
    public = [b.subnet(env, vpc_id, f"prod-public-{_suffix(az)}", f"10.10.{i}.0/24", az)
              for i, az in enumerate(b.azs)]
    private = [b.subnet(env, vpc_id, f"prod-private-{_suffix(az)}", f"10.10.{16 * (i + 1)}.0/20", az)
               for i, az in enumerate(b.azs)]
    public_rt = b.route_table(env, vpc_id, "prod-public", public, {"GatewayId": igw})
    # Mistake: a single NAT gateway (AZ a) for three AZs; b and c reach it cross-AZ.
    nat = b.nat_gateway(env, f"prod-nat-{_suffix(b.azs[0])}", public[0])
    private_rts = [b.route_table(env, vpc_id, f"prod-private-{_suffix(az)}", [subnet], {"NatGatewayId": nat})
                   for az, subnet in zip(b.azs, private, strict=True)]
    # Mistakes: the S3 gateway endpoint misses the third private route table; like every prod
    # and dev endpoint it passes no policy, so AWS attaches the full-access default.
    s3 = b.gateway_endpoint(env, vpc_id, "s3", private_rts[:2], policy=None)

    groups = {
        "app": b.security_group(env, vpc_id, "prod-app", "prod application servers", ingress=[]),
        "endpoints": b.security_group(env, vpc_id, "prod-endpoints", "HTTPS from the VPC to endpoints",
                                      ingress=[_https_from(PROD_CIDR, "VPC clients")]),
        # Mistake: "temporary" debugging rule, all protocols from anywhere.
        "endpoints-open": b.security_group(
            env, vpc_id, "prod-endpoints-open", "ssmmessages endpoint (debug: open)",
            ingress=[{"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0", "Description": "debug"}]}]),
        # Mistake: created for the ec2messages endpoint, the 443 rule was never added.
        "endpoints-no-443": b.security_group(env, vpc_id, "prod-endpoints-ec2messages",
                                             "ec2messages endpoint", ingress=[]),
    }
    group_of = {"ssmmessages": "endpoints-open", "ec2messages": "endpoints-no-443"}
    # Mistakes: no ssm endpoint (Session Manager needs it); sts with private DNS off.
    interface = {key: b.interface_endpoint(env, vpc_id, key, private, [groups[group_of.get(key, "endpoints")]],
                                           private_dns=key != "sts", policy=None)
                 for key in PROD_INTERFACE_SERVICES}
    instances = [b.instance(env, f"prod-app-{_suffix(az)}", subnet, [groups["app"]])
                 for az, subnet in zip(b.azs, private, strict=True)]
    # Mistake: no flow log.
    return VpcIds(name=env, vpc_id=vpc_id, cidr=PROD_CIDR, internet_gateway_id=igw,
                  public_subnet_ids=tuple(public), private_subnet_ids=tuple(private),
                  public_route_table_id=public_rt, private_route_table_ids=tuple(private_rts),
                  nat_gateway_ids=(nat,), gateway_endpoint_ids=MappingProxyType({"s3": s3}),
                  interface_endpoint_ids=MappingProxyType(interface),
                  security_group_ids=MappingProxyType(groups), instance_ids=tuple(instances),
                  flow_log_ids=())


# -- dev: DNS hostnames off, NAT in the wrong subnet -------------------------------------------

DEV_CIDR = "10.20.0.0/16"
DEV_INTERFACE_SERVICE = "secretsmanager"


def _build_dev(b: _Builder) -> VpcIds:
    env = "dev"
    az = b.azs[0]
    # Mistake: enableDnsHostnames left at its default (off) beside a private-DNS endpoint.
    vpc_id = b.vpc(env, DEV_CIDR, dns_hostnames=False)
    igw = b.internet_gateway(env, vpc_id)
    public = b.subnet(env, vpc_id, f"dev-public-{_suffix(az)}", "10.20.0.0/24", az)
    private = b.subnet(env, vpc_id, f"dev-private-{_suffix(az)}", "10.20.16.0/20", az)
    public_rt = b.route_table(env, vpc_id, "dev-public", [public], {"GatewayId": igw})
    # Mistake: the NAT gateway sits in the private subnet, whose only way out is itself.
    nat = b.nat_gateway(env, f"dev-nat-{_suffix(az)}", private)
    private_rt = b.route_table(env, vpc_id, "dev-private", [private], {"NatGatewayId": nat})
    groups = {
        "app": b.security_group(env, vpc_id, "dev-app", "dev application servers", ingress=[]),
        "endpoints": b.security_group(env, vpc_id, "dev-endpoints", "HTTPS from the VPC to endpoints",
                                      ingress=[_https_from(DEV_CIDR, "VPC clients")]),
    }
    endpoint = b.interface_endpoint(env, vpc_id, DEV_INTERFACE_SERVICE, [private], [groups["endpoints"]],
                                    private_dns=True, policy=None)
    instance = b.instance(env, f"dev-app-{_suffix(az)}", private, [groups["app"]])
    return VpcIds(name=env, vpc_id=vpc_id, cidr=DEV_CIDR, internet_gateway_id=igw,
                  public_subnet_ids=(public,), private_subnet_ids=(private,),
                  public_route_table_id=public_rt, private_route_table_ids=(private_rt,),
                  nat_gateway_ids=(nat,), gateway_endpoint_ids=MappingProxyType({}),
                  interface_endpoint_ids=MappingProxyType({DEV_INTERFACE_SERVICE: endpoint}),
                  security_group_ids=MappingProxyType(groups), instance_ids=(instance,), flow_log_ids=())


# -- good: built right, no rule may fire --------------------------------------------------------

GOOD_CIDR = "10.30.0.0/16"
GOOD_INTERFACE_SERVICES = ("ssm", "ssmmessages", "ec2messages", "kms", "logs", "ecr.api", "ecr.dkr")
GOOD_GATEWAY_SERVICES = ("s3", "dynamodb")


def _build_good(b: _Builder, bucket: str) -> VpcIds:
    env = "good"
    vpc_id = b.vpc(env, GOOD_CIDR, dns_hostnames=True)
    igw = b.internet_gateway(env, vpc_id)
    public = [b.subnet(env, vpc_id, f"good-public-{_suffix(az)}", f"10.30.{i}.0/24", az)
              for i, az in enumerate(b.azs)]
    private = [b.subnet(env, vpc_id, f"good-private-{_suffix(az)}", f"10.30.{16 * (i + 1)}.0/20", az)
               for i, az in enumerate(b.azs)]
    public_rt = b.route_table(env, vpc_id, "good-public", public, {"GatewayId": igw})
    # One public zonal NAT gateway per AZ, each private subnet routed to its own AZ's.
    nats = [b.nat_gateway(env, f"good-nat-{_suffix(az)}", subnet)
            for az, subnet in zip(b.azs, public, strict=True)]
    private_rts = [b.route_table(env, vpc_id, f"good-private-{_suffix(az)}", [subnet], {"NatGatewayId": nat})
                   for az, subnet, nat in zip(b.azs, private, nats, strict=True)]
    policy = _account_scoped_policy(b.account_id)
    # Gateway endpoints are free: on every route table, public included.
    gateway = {key: b.gateway_endpoint(env, vpc_id, key, [public_rt, *private_rts],
                                       policy=_account_scoped_policy(b.account_id, b.region) if key == "s3" else policy)
               for key in GOOD_GATEWAY_SERVICES}
    endpoint_sg = b.security_group(env, vpc_id, "good-endpoints", "HTTPS from the VPC to endpoints",
                                   ingress=[_https_from(GOOD_CIDR, "VPC clients")])
    to_gateways = [{"IpProtocol": "tcp", "FromPort": HTTPS, "ToPort": HTTPS,
                    "PrefixListIds": [{"PrefixListId": b.prefix_list(key), "Description": f"{key} gateway endpoint"}
                                      for key in GOOD_GATEWAY_SERVICES]}]
    app_sg = b.security_group(env, vpc_id, "good-app", "good application servers", ingress=[],
                              egress=[_https_from(GOOD_CIDR, "interface endpoints"), *to_gateways])
    interface = {key: b.interface_endpoint(env, vpc_id, key, private, [endpoint_sg], private_dns=True,
                                           policy=policy)
                 for key in GOOD_INTERFACE_SERVICES}
    instances = [b.instance(env, f"good-app-{_suffix(az)}", subnet, [app_sg])
                 for az, subnet in zip(b.azs, private, strict=True)]
    flow_log = b.flow_log(env, vpc_id, bucket)
    return VpcIds(name=env, vpc_id=vpc_id, cidr=GOOD_CIDR, internet_gateway_id=igw,
                  public_subnet_ids=tuple(public), private_subnet_ids=tuple(private),
                  public_route_table_id=public_rt, private_route_table_ids=tuple(private_rts),
                  nat_gateway_ids=tuple(nats), gateway_endpoint_ids=MappingProxyType(gateway),
                  interface_endpoint_ids=MappingProxyType(interface),
                  security_group_ids=MappingProxyType({"app": app_sg, "endpoints": endpoint_sg}),
                  instance_ids=tuple(instances), flow_log_ids=(flow_log,))
