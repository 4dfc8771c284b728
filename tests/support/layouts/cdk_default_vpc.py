"""The AWS CDK's default VPC, ``new ec2.Vpc(this, 'Vpc')`` with no props (us-east-1).

aws-cdk-lib 2.278.0, its source in
https://github.com/aws/aws-cdk/blob/v2.278.0/packages/aws-cdk-lib/aws-ec2/lib/vpc.ts (also read at
commit cf0ae6f994054e456d223b308a9229076995c766, the same defaults), ``vpc-endpoint.ts``,
``security-group.ts``, ``ip-addresses.ts`` and ``network-util.ts`` beside it, and the module's
README (``packages/aws-cdk-lib/aws-ec2/README.md``); every resource and property below is the
one the 2.278.0 library synthesizes for a stack ``AppStack`` holding that construct, under the
feature flags ``cdk init`` writes into a new project's ``cdk.json``.

What ``Vpc`` does with no props:

- ``IpAddresses.cidr(Vpc.DEFAULT_CIDR_RANGE)``: 10.0.0.0/16, ``EnableDnsSupport`` and
  ``EnableDnsHostnames`` true (both default to true), tenancy ``default``, Name tag the
  construct path (``AppStack/Vpc``).
- ``maxAzs`` defaults to 3: the first three of the stack's AZs. An environment-agnostic stack
  (no account / Region) knows only ``Fn::GetAZs`` and limits itself to two ("If region and
  account are not specified, the stack could be deployed anywhere and it will have to make a
  safe choice, limiting itself to 2 Availability Zones", README); this layout takes the
  account- and Region-bound form, whose AZs the CLI looks up (us-east-1a, b, c), and
  ``env_bound=False`` the agnostic one.
- ``Vpc.DEFAULT_SUBNETS``: a ``Public`` and a ``Private`` (``PRIVATE_WITH_EGRESS``) group, one
  subnet per AZ each, no ``cidrMask``: ``Cidr.allocateSubnetsCidr`` gives every subnet the
  largest equal block that fits (``NetworkBuilder.maskForRemainingSubnets``: six subnets of a
  /16 are /19s, four are /18s), public subnets first, in AZ order — 10.0.0.0/19, 10.0.32.0/19,
  10.0.64.0/19 public, 10.0.96.0/19, 10.0.128.0/19, 10.0.160.0/19 private (10.0.192.0/18 left
  unallocated). ``MapPublicIpOnLaunch`` true in the public subnets, false in the private ones.
  Subnet tags: Name ``AppStack/Vpc/PublicSubnet1`` … ``PrivateSubnet3``, ``aws-cdk:subnet-name``
  (``Public`` / ``Private``) and ``aws-cdk:subnet-type`` (``Public`` / ``Private``).
- Each subnet gets a route table of its own (``Subnet`` creates a ``CfnRouteTable`` and its
  association), tagged with the subnet's Name: the public ones send 0.0.0.0/0 to the internet
  gateway (Name ``AppStack/Vpc``), the private ones to a NAT gateway. ``natGateways`` defaults
  to one per AZ, in the public subnets (Name tag the public subnet's, an Elastic IP each), and a
  private subnet routes to the NAT gateway of its own AZ; with ``natGateways: 1`` all of them
  route to the one in the first public subnet.
- ``restrictDefaultSecurityGroup`` defaults to the ``@aws-cdk/aws-ec2:restrictDefaultSecurityGroup``
  feature flag, true in a new project's ``cdk.json`` (introduced in 2.78.0): the
  ``Custom::VpcRestrictDefaultSG`` resource's Lambda function (outside the VPC) revokes the
  default group's inbound and outbound rules, so the group has none. ``restrict_default_sg=False``
  is an app without the flag: AWS's default group as created.
- No flow log (``flowLogs`` defaults to none), no gateway endpoint (``gatewayEndpoints`` to
  none), no NACL (the default NACL stays), no IPv6, AWS's main route table (local route only).

``endpoints=True`` puts it to use as the README's VPC endpoints section and the example it links
(``packages/@aws-cdk-testing/framework-integ/test/aws-ec2/test/integ.vpc-endpoint.lit.ts``: an S3
gateway endpoint, ``addInterfaceEndpoint`` for ``ECR_DOCKER``, a CloudWatch Logs one) do, with what a
Fargate service pulling from ECR needs, under construct ids of this layout's choosing:
``vpc.addGatewayEndpoint('S3', {service: GatewayVpcEndpointAwsService.S3})`` (the same endpoint as
``gatewayEndpoints: {S3: …}``) — with no ``subnets``, ``GatewayVpcEndpoint`` takes "All subnets in
the VPC", so the prefix-list route goes on all six route tables, public ones included — and
``vpc.addInterfaceEndpoint`` ``'Ecr'``, ``'EcrApi'`` and ``'Logs'`` for ``ECR_DOCKER``
(``ecr.dkr``), ``ECR`` (``ecr.api``) and ``CLOUDWATCH_LOGS`` (``logs``). An
``InterfaceVpcEndpoint`` with default options has private DNS on (``privateDnsDefault`` of an
``InterfaceVpcEndpointAwsService``), one subnet per AZ of the default selection (the private
subnets: ``selectSubnets({...subnets, onePerAz: true})``), no policy document (AWS's default
full access) and a new security group of its own, described
``AppStack/Vpc/<id>/SecurityGroup``, tagged ``Name: AppStack/Vpc`` (the VPC's tag reaches its
children): ``open`` (default true) adds ``allowDefaultPortFrom(Peer.ipv4(vpc.vpcCidrBlock))``,
TCP 443 from 10.0.0.0/16 ("from 10.0.0.0/16:443"), and ``allowAllOutbound`` (default true) one
egress rule to 0.0.0.0/0 ("Allow all outbound traffic by default"). ``tasks`` Fargate tasks of an
``ecs.FargateService`` then run in the private subnets (the service's default ``vpcSubnets``,
``AssignPublicIp: DISABLED``), round-robin over the AZs, each ENI carrying the service's own group
(``AppStack/Service/SecurityGroup``: no inbound rule, allow-all egress); ``tasks=0`` is the network
stack deployed before the service.

Near misses: ``nat_gateways=1`` (``natGateways: 1``), ``s3_gateway=False`` (the interface endpoints
without the README's ``addGatewayEndpoint``), ``open_endpoints=False`` (the example's
commented-out ``open: false`` with no ``connections.allowDefaultPortFrom…`` afterwards: the
endpoint groups admit nobody), ``endpoint_azs=1`` (the README's ``subnets: {availabilityZones:
[…]}`` narrowed to us-east-1a).

Security groups carry the names CloudFormation generates (``<stack>-<logical id>-<suffix>``) and
CDK's rule descriptions. Left out: CloudFormation's own ``aws:cloudformation:*`` tags, the Elastic
IPs and the restricting custom resource's Lambda function and role (outside the VPC; no rule reads
them).
"""

from __future__ import annotations

import ipaddress
import itertools
from dataclasses import replace

from aws_layout import AwsRegionBuilder

from vpcaudit.snapshot.model import Snapshot

ACCOUNT = "123456789012"
REGION = "us-east-1"
STACK = "AppStack"
VPC = f"{STACK}/Vpc"  # the Vpc construct's path: its Name tag, and its children's unless they have their own
AZ_IDS = ("use1-az2", "use1-az4", "use1-az6")  # this account's mapping of us-east-1a, b, c
# addInterfaceEndpoint ids (the README's 'Ecr' for ECR_DOCKER), the service each names and the
# logical id CDK gives the security group it creates (as synthesized).
INTERFACE_ENDPOINTS = (("Ecr", "ecr.dkr", "VpcEcrSecurityGroupFBE67914"),
                       ("EcrApi", "ecr.api", "VpcEcrApiSecurityGroupC86F1A6A"),
                       ("Logs", "logs", "VpcLogsSecurityGroupEFB615FD"))
ALLOW_ALL_OUTBOUND = "Allow all outbound traffic by default"  # SecurityGroup's egress rule description


def cdk_subnet_cidrs(vpc_cidr: str, count: int) -> list[str]:
    """``Cidr.allocateSubnetsCidr`` for subnets without ``cidrMask``: ``maskForRemainingSubnets``
    (32 - floor(log2(floor(addresses / count)))), then consecutive blocks of that mask."""
    network = ipaddress.ip_network(vpc_cidr)
    mask = 32 - (network.num_addresses // count).bit_length() + 1
    return [str(subnet) for subnet in itertools.islice(network.subnets(new_prefix=mask), count)]


def build(*, env_bound: bool = True, restrict_default_sg: bool = True, nat_gateways: int | None = None,
          endpoints: bool = False, s3_gateway: bool = True, open_endpoints: bool = True,
          endpoint_azs: int | None = None, tasks: int = 0) -> tuple[Snapshot, dict[str, str]]:
    """``nat_gateways``: CDK's ``natGateways`` (None: one per AZ); ``endpoint_azs``: the interface
    endpoints' ``subnets: {availabilityZones: [...]}`` narrowed to the first N AZs (None: all)."""
    azs = 3 if env_bound else 2
    b = AwsRegionBuilder(ACCOUNT, REGION, AZ_IDS[:azs])
    # DescribeVpcAttribute: enableDnsSupport and enableDnsHostnames true (VpcProps defaults).
    vpc = b.vpc("10.0.0.0/16", name=VPC, dns_support=True, dns_hostnames=True)
    ids: dict[str, str] = {"vpc": vpc, "default_sg": b.default_group(vpc)}
    if restrict_default_sg:
        # Custom::VpcRestrictDefaultSG revokes the default group's rules (RevokeSecurityGroupIngress
        # / Egress): DescribeSecurityGroups then reports no IpPermissions and no IpPermissionsEgress.
        b.groups[ids["default_sg"]] = replace(b.groups[ids["default_sg"]], rules=())
    igw = ids["igw"] = b.igw(vpc)
    b.tag(igw, {"Name": VPC})
    cidrs = cdk_subnet_cidrs("10.0.0.0/16", 2 * azs)
    for group, type_tag, offset in (("Public", "Public", 0), ("Private", "Private", azs)):
        for az in range(1, azs + 1):
            name = f"{VPC}/{group}Subnet{az}"
            subnet = b.subnet(vpc, cidrs[offset + az - 1], az=az, name=name)
            # Subnet.MapPublicIpOnLaunch (botocore's ec2 model): true for SubnetType.PUBLIC.
            b.subnets[subnet] = replace(b.subnets[subnet], map_public_ip_on_launch=group == "Public")
            b.tag(subnet, {"aws-cdk:subnet-name": group, "aws-cdk:subnet-type": type_tag})
            key = f"{group.lower()}{az}"
            ids[key] = subnet
            ids[f"{key}_rt"] = b.route_table(vpc, subnets=[subnet], name=name)
    nat_count = azs if nat_gateways is None else min(nat_gateways, azs)
    for az in range(1, nat_count + 1):
        ids[f"nat{az}"] = b.nat(ids[f"public{az}"])
        b.tag(ids[f"nat{az}"], {"Name": f"{VPC}/PublicSubnet{az}"})
    for az in range(1, azs + 1):
        b.route(ids[f"public{az}_rt"], "0.0.0.0/0", igw)
        # NatGatewayProvider.configureNat: the NAT gateway of the subnet's AZ, else the first one.
        b.route(ids[f"private{az}_rt"], "0.0.0.0/0", ids.get(f"nat{az}", ids["nat1"]))
    if endpoints:
        ids |= _endpoints(b, vpc, ids, azs, s3_gateway=s3_gateway, open_endpoints=open_endpoints,
                          endpoint_azs=endpoint_azs)
    if tasks:
        ids |= _fargate_service(b, vpc, [ids[f"private{az}"] for az in range(1, azs + 1)], tasks)
    return b.snapshot(), ids


def _cdk_group(b: AwsRegionBuilder, vpc: str, logical_id: str, description: str, *,
               ingress: list[tuple[str, int | None, int | None, str]], ingress_description: str | None) -> str:
    """A security group as CloudFormation creates a CDK ``SecurityGroup``: GroupName
    ``<stack>-<logical id>-<suffix>`` (no ``securityGroupName``), GroupDescription the construct
    path, and the one allow-all egress rule of ``allowAllOutbound``, with CDK's rule descriptions."""
    suffix = b.new_id("x")[-13:].upper()
    group = b.security_group(vpc, name=f"{STACK}-{logical_id}-{suffix}", ingress=ingress)
    rules = tuple(replace(rule, description=ALLOW_ALL_OUTBOUND if rule.is_egress else ingress_description)
                  for rule in b.groups[group].rules)
    b.groups[group] = replace(b.groups[group], description=description, rules=rules)
    return group


def _endpoints(b: AwsRegionBuilder, vpc: str, ids: dict[str, str], azs: int, *, s3_gateway: bool,
               open_endpoints: bool, endpoint_azs: int | None) -> dict[str, str]:
    """The S3 gateway endpoint and the three interface endpoints, each with the group it creates."""
    added: dict[str, str] = {}
    if s3_gateway:
        tables = [ids[f"{group}{az}_rt"] for group in ("private", "public") for az in range(1, azs + 1)]
        added["s3"] = b.gateway_endpoint(vpc, "s3", route_tables=tables)  # no policyDocument: AWS's default
        b.tag(added["s3"], {"Name": VPC})
    subnets = [ids[f"private{az}"] for az in range(1, (endpoint_azs or azs) + 1)]
    for construct_id, key, logical_id in INTERFACE_ENDPOINTS:
        ingress = [("tcp", 443, 443, "10.0.0.0/16")] if open_endpoints else []
        group = _cdk_group(b, vpc, logical_id, f"{VPC}/{construct_id}/SecurityGroup", ingress=ingress,
                           ingress_description="from 10.0.0.0/16:443")
        b.tag(group, {"Name": VPC})
        # DescribeVpcEndpoints (botocore's ec2 model, VpcEndpoint): PrivateDnsEnabled true,
        # DnsOptions.DnsRecordIpType and IpAddressType ipv4, PolicyDocument AWS's default.
        endpoint = b.interface_endpoint(vpc, key, subnets=subnets, groups=[group])
        b.tag(endpoint, {"Name": VPC})
        added |= {key: endpoint, f"{key}_sg": group}
    return added


def _fargate_service(b: AwsRegionBuilder, vpc: str, private: list[str], tasks: int) -> dict[str, str]:
    """An ``ecs.FargateService`` with default networking: its own group, tasks in the private subnets."""
    service_sg = _cdk_group(b, vpc, "ServiceSecurityGroupC96ED6A7", f"{STACK}/Service/SecurityGroup", ingress=[],
                            ingress_description=None)
    ids = {"service_sg": service_sg}
    for n in range(tasks):
        # A Fargate task's ENI as DescribeNetworkInterfaces reports it: InterfaceType "interface",
        # RequesterManaged true, Description the ECS attachment's ARN, the service's groups.
        ids[f"task{n + 1}"] = b.workload(
            private[n % len(private)], groups=[service_sg], requester_managed=True,
            description=f"arn:aws:ecs:{REGION}:{ACCOUNT}:attachment/3c9e1f2a-6b4d-4e8f-a1c3-5d7e9f0b2c{n:02d}")
    return ids
