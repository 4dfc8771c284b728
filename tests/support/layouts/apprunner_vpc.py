"""AWS App Runner services sending their outbound traffic into a VPC through a VPC connector, and
a private App Runner service reached through a VPC ingress connection (us-east-1).

Two published sources, read with the App Runner Developer Guide's "Enabling VPC access for
outgoing traffic" (https://docs.aws.amazon.com/apprunner/latest/dg/network-vpc.html) and
"Enabling Private endpoint for incoming traffic" / "Managing Private endpoints"
(https://docs.aws.amazon.com/apprunner/latest/dg/network-pl.html, network-pl-manage.html), as
published now (the pages carry the notice that App Runner closes to new customers on 30 April
2026). The guide's source repository, https://github.com/awsdocs/aws-app-runner-developer-guide,
holds an earlier ``network-vpc.md`` (61c6f1d, 2022-02-11: the same default group and "App Runner
traffic" notes) and none of the private-endpoint pages; it was emptied in 7390f8c, 2023-06-15.
What the guide says that the snapshot can show:

- the connector: "when you create a VPC Connector, the App Runner service creates a Hyperplane
  ENI in each of the subnets. Each Hyperplane ENI is assigned a private IP address only and is
  tagged with a tag of the AWSAppRunnerManaged key"; "A VPC connector configuration is based on
  a security group and subnet combination … the underlying Hyperplane ENIs are shared across
  your App Runner services"; subnets "across at least three Availability Zones"; "choose a
  private subnet, not a public subnet";
- what goes through it: "When you connect your service to a VPC, the outbound traffic doesn't
  have access to the public internet. All outbound traffic from your application is directed
  through the VPC … your services can't access the public internet and AWS APIs. To gain access,
  do one of the following: Connect the subnets to the internet through a NAT Gateway. Set up VPC
  endpoints for the AWS services that you want to access"; not "App Runner traffic – … pulling
  source code and images, pushing logs, and retrieving secrets. The traffic that these actions
  generate isn't routed through your VPC", nor inbound traffic;
- its security groups: "If you don't specify security groups, App Runner uses the default
  security group of the VPC. The default security group allows all outbound traffic"; "The VPC
  Connector is only used for outbound communication from your application. You use outbound
  rules to allow communication to the desired destination endpoints";
- the private endpoint: an interface endpoint to ``com.amazonaws.region.apprunner.requests``;
  "VPC endpoint policies are not supported for App Runner. By default, full access to App Runner
  is allowed through the VPC interface endpoint. Alternatively, you can associate a security
  group with the endpoint network interfaces"; "it's recommended that you select at least two
  subnets across Availability Zone different for the VPC interface endpoint. We don't recommend
  using only one subnet"; "Ensure that the security group rules don't block the resources that
  want to communicate with your App Runner service"; the VPC ingress connection "returns a domain
  name that is used to access your service in the specified VPC" (``<id>.<region>.awsapprunner.com``,
  CreateVpcIngressConnection's example), not a name of the endpoint service.

What DescribeVpcEndpointServices reports for ``com.amazonaws.us-east-1.apprunner.requests``: an
AWS service (Owner ``amazon``), Interface, ``VpcEndpointPolicySupported`` false — the AWS
PrivateLink Guide's own example lists it among the us-east-1 services for which
``ServiceDetails[?VpcEndpointPolicySupported==`false`]`` holds
(https://docs.aws.amazon.com/vpc/latest/privatelink/aws-services-privatelink-support.html, "View
endpoint policy support") — and, assumed, no ``PrivateDnsName(s)``: clients use the ingress
connection's own domain name, the CDK's ``VpcIngressConnection`` example creates the endpoint with
``privateDnsEnabled: false`` (CDK's default is true), and the Terraform example below leaves
``# private_dns_enabled = true`` commented out. Offered, assumed, in the three AZs used here.

The VPC connector's interfaces as DescribeNetworkInterfaces reports them (botocore's ec2 model,
``NetworkInterface``): one per subnet of the connector, carrying its groups. InterfaceType
``interface``: the service-linked role ``AWSServiceRoleForAppRunnerNetworking`` creates them in
the account with ``ec2:CreateNetworkInterface`` (its policy ``AppRunnerNetworkingServiceRolePolicy``
allows that call only with the tag key ``AWSAppRunnerManaged``, and ``ec2:DeleteNetworkInterface``
only on interfaces carrying it: ``using-service-linked-roles-networking.md`` at 61c6f1d), and botocore's
``NetworkInterfaceType`` has no App Runner type. Assumed: not requester-managed and no RequesterId
(the account's own role creates them, as for the CodeBuild, Glue and MWAA layouts), an empty
description, the tag's value ``true`` (AWS documents the key only); ``connector_requester_managed``
builds the other reading (requester-managed, no RequesterId). Either way the network model counts
them as workloads, clients of every service — which is what they are: every outbound packet of
the application, AWS API calls included, leaves through them.

The connector, canonical (:func:`build`): the App Runner workshop's hotel application,
https://github.com/aws-samples/apprunner-hotel-app (commit
7e4c632a42d0502926bd17f0e387c2571e397311, 2024-09-15, the repository's head; ``base-infra.yaml``
last changed in 2caf0d1, 2024-09-15), "how AppRunner leverages a VPC Connector to interact with a
DB in a private subnet". Built as ``base-infra.yaml`` declares it (stack name assumed
``AppRunnerHotelApp``): VPC 172.31.0.0/16, DNS support and hostnames on; public subnets
172.31.0-2.0/24 and private subnets 172.31.3-5.0/24 in the Region's first three AZs (here
use1-az1, use1-az2, use1-az4; assumed, none of them one where App Runner refuses connector
subnets), ``MapPublicIpOnLaunch`` false; an internet gateway; one route table (``Network:
Public``) to it for the public subnets; one NAT gateway, in the first public subnet; one route
table (``Network: Private``) sending 0.0.0.0/0 to it for the three private subnets;
``AppRunnerHotelApp-Service-SG`` (no ingress; all traffic out to 0.0.0.0/0: the
``SecurityGroupEgress`` resource repeats the rule AWS adds), ``AppRunnerHotelApp-RDS-SG`` (TCP
3306 from the service group, all traffic out); the connector ``AppRunnerHotelApp-RDS-Connector``
in the three private subnets with the service group; an Aurora MySQL cluster of one
``db.t4g.medium`` instance in the private subnets behind the RDS group (its interface assumed in
the first private subnet: RequesterManaged true, RequesterId ``amazon-rds``, Description
``RDSNetworkInterface``); no flow log, the default NACL. The service itself is created in the
console (README: Node.js 16, the connector as **Custom VPC**, public incoming traffic), and the
application calls AWS APIs from the VPC: ``config.js`` reads the database secret
(``secretsmanager:GetSecretValue``) and the hotel name (``ssm:GetParameter``) with the AWS SDK at
start-up, then ``rds.js`` connects to the cluster.

``egress="endpoints"`` is the guide's other path out: no NAT gateway, and interface endpoints for
the two services the application calls, ``secretsmanager`` and ``ssm``, in the private subnets with
private DNS, behind a group admitting TCP 443 from the VPC (``AppRunnerHotelApp-Endpoints-SG``,
assumed), AWS's default full-access policies. Near misses: ``egress="none"`` (the template
without its NAT gateway: the guide's gotcha — the application can no longer read its secret);
``connector_egress="db-only"`` (the service group sending only TCP 3306 to the RDS group, inline
``SecurityGroupEgress`` replacing AWS's rule), behind the NAT gateway or the endpoints.

The private endpoint (:func:`module_example`): terraform-aws-modules/terraform-aws-app-runner
``examples/complete``, v1.2.1
(https://github.com/terraform-aws-modules/terraform-aws-app-runner/tree/d1f2fe7e3f83480def146d95fd7c5c9502018572/examples/complete,
2024-10-11, the repository's head; ``main.tf`` last changed in 1f4ac9c, 2024-03-06; the private
service added in 214af5c, 2022-11-04), with its ``vpc`` and ``vpc-endpoints`` from
terraform-aws-modules/terraform-aws-vpc ``~> 5.0`` and its groups from
terraform-aws-modules/terraform-aws-security-group ``~> 5.0``. Built: VPC 10.0.0.0/16
``ex-complete`` (``"ex-${basename(path.cwd)}"``), DNS support and hostnames on; private subnets
``cidrsubnet(10.0.0.0/16, 4, k)`` (10.0.0.0/20, 10.0.16.0/20, 10.0.32.0/20) and public subnets
10.0.48-50.0/24 in the Region's first three AZs; an internet gateway and the public route table to
it; no NAT gateway (``enable_nat_gateway = false``), so three private route tables holding the
local route only; the module's main route table, default group (no rules) and default NACL, as
in the other terraform-aws-vpc layouts. ``module.security_group`` ("Security group for AppRunner
connector"): no ingress, TCP 80 out to the three private blocks and to ::/0 (``egress_rules =
["http-80-tcp"]`` with the example's ``egress_cidr_blocks`` and the module's default
``egress_ipv6_cidr_blocks``; Terraform revokes AWS's egress rule). ``module.vpc_endpoints_security_group``
("Security group for VPC Endpoints"): TCP 443 out to 10.0.0.0/16 and ::/0, no ingress rule at all.
``module.vpc_endpoints``: the ``apprunner.requests`` interface endpoint in the three private
subnets with that group, private DNS off, no policy (DescribeVpcEndpoints shows AWS's default
full-access document, assumed). Two services take the VPC connector: ``ex-complete-image-base``
(public incoming traffic) and ``ex-complete-private`` (``is_publicly_accessible = false`` and an
``aws_apprunner_vpc_ingress_connection`` to the endpoint); their two connectors have the same
subnets and group, so one set of three interfaces serves both. The hello-app-runner image calls
nothing. Put to use: ``endpoint_ingress="vpc"`` (the endpoint's group admitting TCP 443 from the
VPC, as the guide asks). Near miss: ``endpoint_azs=1`` (the endpoint in the first private subnet
only).
"""

from __future__ import annotations

from dataclasses import replace

from aws_layout import AwsRegionBuilder
from builders import Rule

from layouts.eks_blueprints_private import DEFAULT_ENTRIES, cidrsubnet
from layouts.tf_vpc_module import module_defaults
from vpcaudit.snapshot.model import Snapshot

ACCOUNT = "123456789012"
REGION = "us-east-1"
AZ_IDS = ("use1-az1", "use1-az2", "use1-az4")  # this account's us-east-1a, b, c (assumed)
REQUESTS_KEY = "apprunner.requests"
REQUESTS_SERVICE = f"com.amazonaws.{REGION}.{REQUESTS_KEY}"
MANAGED_TAG = "AWSAppRunnerManaged"  # the tag key the service-linked role must put on its interfaces
ANY4, ANY6 = "0.0.0.0/0", "::/0"

# The workshop's hotel application (base-infra.yaml).
STACK = "AppRunnerHotelApp"  # the stack's name (assumed)
HOTEL_CIDR = "172.31.0.0/16"
HOTEL_PUBLIC = ("172.31.0.0/24", "172.31.1.0/24", "172.31.2.0/24")
HOTEL_PRIVATE = ("172.31.3.0/24", "172.31.4.0/24", "172.31.5.0/24")
MYSQL_PORT = 3306
HOTEL_CALLS = ("secretsmanager", "ssm")  # config.js: GetSecretValue and GetParameter

# terraform-aws-app-runner examples/complete.
NAME = "ex-complete"  # "ex-${basename(path.cwd)}"
TAGS = {"Example": NAME, "GithubRepo": "terraform-aws-app-runner", "GithubOrg": "terraform-aws-modules"}
MODULE_CIDR = "10.0.0.0/16"
TF_SUFFIXES = ("20240101000000000000000001", "20240101000000000000000002")  # name_prefix suffixes
HTTP_PORT = 80  # the connector group's one egress rule, "http-80-tcp"


def build(*, egress: str = "nat", connector_egress: str = "all",
          connector_requester_managed: bool = False) -> tuple[Snapshot, dict[str, str]]:
    """The workshop's ``base-infra.yaml`` and the hotel service's connector interfaces.
    ``egress``: "nat" (as published), "endpoints" (the secretsmanager and ssm endpoints instead)
    or "none". ``connector_egress``: "all" (as published) or "db-only" (TCP 3306 to the RDS group)."""
    b = AwsRegionBuilder(ACCOUNT, REGION, AZ_IDS)
    _requests_service(b)
    vpc = b.vpc(HOTEL_CIDR, name="AppRunnerHotelAppVPC", dns_support=True, dns_hostnames=True)
    ids: dict[str, str] = {"vpc": vpc, "main_rt": b.main_route_table(vpc)}
    igw = ids["igw"] = b.igw(vpc)
    b.tag(igw, {"Name": STACK, "Network": "Public"})
    public_rt = ids["public_rt"] = b.route_table(vpc, routes={ANY4: igw})
    b.tag(public_rt, {"Network": "Public"})
    for az, (public, private) in enumerate(zip(HOTEL_PUBLIC, HOTEL_PRIVATE, strict=True), start=1):
        ids[f"public{az}"] = b.subnet(vpc, public, az=az, name=f"AppRunnerHotelApp-PublicSubnet-{az}")
        b.associate(public_rt, ids[f"public{az}"])
        ids[f"private{az}"] = b.subnet(vpc, private, az=az, name=f"AppRunnerHotelApp-PrivateSubnet-{az}")
    private = [ids[f"private{az}"] for az in (1, 2, 3)]
    routes: dict[str, str] = {}
    if egress == "nat":
        ids["nat"] = b.nat(ids["public1"])
        routes = {ANY4: ids["nat"]}
    ids["private_rt"] = b.route_table(vpc, subnets=private, routes=routes)
    b.tag(ids["private_rt"], {"Network": "Private"})

    rds_sg = ids["rds_sg"] = _group(b, vpc, "AppRunnerHotelApp-RDS-SG", "Allow ingress traffic from AppRunner service",
                                    egress=[("-1", None, None, ANY4)])
    service_egress: list[Rule] = [("-1", None, None, ANY4)] if connector_egress == "all" \
        else [("tcp", MYSQL_PORT, MYSQL_PORT, rds_sg)]
    service_sg = ids["service_sg"] = _group(b, vpc, "AppRunnerHotelApp-Service-SG",
                                            "Allow egress traffic from AppRunner Service via VPC Connector",
                                            egress=service_egress)
    b.authorize(rds_sg, ingress=[("tcp", MYSQL_PORT, MYSQL_PORT, service_sg)])

    if egress == "endpoints":
        endpoint_sg = ids["endpoint_sg"] = _group(b, vpc, "AppRunnerHotelApp-Endpoints-SG",
                                                  "HTTPS from the VPC to the interface endpoints",
                                                  ingress=[("tcp", 443, 443, HOTEL_CIDR)],
                                                  egress=[("-1", None, None, ANY4)])
        for key in HOTEL_CALLS:
            ids[key] = b.interface_endpoint(vpc, key, subnets=private, groups=[endpoint_sg])

    # AuroraDBFirstInstance: the cluster's one DB instance, behind the RDS group.
    ids["db_eni"] = b.workload(private[0], groups=[rds_sg], requester_managed=True, requester_id="amazon-rds",
                               description="RDSNetworkInterface")
    ids |= _connector_enis(b, private, service_sg, connector_requester_managed)
    return b.snapshot(), ids


def module_example(*, endpoint_ingress: str = "none", endpoint_azs: int = 3,
                   connector_requester_managed: bool = False) -> tuple[Snapshot, dict[str, str]]:
    """terraform-aws-app-runner ``examples/complete``. ``endpoint_ingress``: "none" (as published)
    or "vpc" (TCP 443 from 10.0.0.0/16); ``endpoint_azs``: the private subnets, by AZ number, the
    ``apprunner.requests`` endpoint is in."""
    b = AwsRegionBuilder(ACCOUNT, REGION, AZ_IDS)
    _requests_service(b)
    vpc = b.vpc(MODULE_CIDR, name=NAME, dns_support=True, dns_hostnames=True)
    b.tag(vpc, TAGS)
    main_rt, default_sg, default_acl = module_defaults(b, vpc, DEFAULT_ENTRIES)
    ids: dict[str, str] = {"vpc": vpc, "main_rt": main_rt, "default_sg": default_sg, "default_acl": default_acl}
    for resource in (main_rt, default_sg, default_acl):
        b.tag(resource, {"Name": f"{NAME}-default", **TAGS})
    igw = ids["igw"] = b.igw(vpc)
    public_rt = ids["public_rt"] = b.route_table(vpc, routes={ANY4: igw}, name=f"{NAME}-public")
    for k in range(3):
        az = f"{REGION}{'abc'[k]}"
        ids[f"private{k + 1}"] = b.subnet(vpc, cidrsubnet(MODULE_CIDR, 4, k), az=k + 1, name=f"{NAME}-private-{az}")
        ids[f"public{k + 1}"] = b.subnet(vpc, cidrsubnet(MODULE_CIDR, 8, k + 48), az=k + 1, name=f"{NAME}-public-{az}")
        b.associate(public_rt, ids[f"public{k + 1}"])
        # enable_nat_gateway = false: one table per private subnet, the local route only.
        ids[f"private_rt{k + 1}"] = b.route_table(vpc, subnets=[ids[f"private{k + 1}"]], name=f"{NAME}-private-{az}")
    for key in [k for k in ids if k.startswith(("igw", "public", "private"))]:
        b.tag(ids[key], TAGS)
    private = [ids[f"private{k}"] for k in (1, 2, 3)]
    private_cidrs = [cidrsubnet(MODULE_CIDR, 4, k) for k in range(3)]

    connector_sg = ids["connector_sg"] = _group(
        b, vpc, f"{NAME}-{TF_SUFFIXES[0]}", "Security group for AppRunner connector",
        egress=[("tcp", HTTP_PORT, HTTP_PORT, cidr) for cidr in (*private_cidrs, ANY6)])
    ingress: list[Rule] = [("tcp", 443, 443, MODULE_CIDR)] if endpoint_ingress == "vpc" else []
    endpoint_sg = ids["endpoint_sg"] = _group(
        b, vpc, f"{NAME}-vpc-endpoints-{TF_SUFFIXES[1]}", "Security group for VPC Endpoints",
        ingress=ingress, egress=[("tcp", 443, 443, cidr) for cidr in (MODULE_CIDR, ANY6)])
    for group, name in ((connector_sg, NAME), (endpoint_sg, f"{NAME}-vpc-endpoints")):
        b.tag(group, {"Name": name, **TAGS})
    endpoint = ids["apprunner_requests"] = b.interface_endpoint(
        vpc, REQUESTS_KEY, subnets=private[:endpoint_azs], groups=[endpoint_sg], private_dns=False)
    b.tag(endpoint, {"Name": f"{NAME}-apprunner", **TAGS})
    ids |= _connector_enis(b, private, connector_sg, connector_requester_managed)
    return b.snapshot(), ids


def _requests_service(b: AwsRegionBuilder) -> None:
    """``com.amazonaws.us-east-1.apprunner.requests`` in the Region's catalogue: an AWS service
    without endpoint-policy support and, assumed, without private DNS names."""
    b.service(REQUESTS_KEY, dns_names=(), policy_supported=False)


def _group(b: AwsRegionBuilder, vpc: str, name: str, description: str, *,
           ingress: list[Rule] | None = None, egress: list[Rule]) -> str:
    """A security group with its GroupDescription and a Name tag."""
    group = b.security_group(vpc, name=name, ingress=ingress or [], egress=egress)
    b.groups[group] = replace(b.groups[group], description=description)
    b.tag(group, {"Name": name})
    return group


def _connector_enis(b: AwsRegionBuilder, subnets: list[str], group: str,
                    requester_managed: bool) -> dict[str, str]:
    """The connector's Hyperplane interfaces, one per subnet (fields: module docstring)."""
    out: dict[str, str] = {}
    for k, subnet in enumerate(subnets, start=1):
        eni = out[f"connector_eni{k}"] = b.workload(subnet, groups=[group], requester_managed=requester_managed)
        b.tag(eni, {MANAGED_TAG: "true"})
    return out
