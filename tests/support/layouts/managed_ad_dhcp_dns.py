"""AWS Managed Microsoft AD whose DHCP options set hands out the directory's DNS servers, with
Systems Manager interface endpoints for the domain-joined Windows instances (us-east-1).

Sources:

- The AWS Quick Start "Active Directory Domain Services on AWS", scenario 3 (AWS Managed
  Microsoft AD in a new VPC): https://github.com/aws-quickstart/quickstart-microsoft-activedirectory/blob/bb64d5f3034b10b14137b6f0ff46e4fc79cd0a81/templates/ad-main-3.template.yaml
  and ``templates/ad-3.template.yaml`` (the last commit of the deprecated repository,
  2024-10-03; ``ad-3.template.yaml`` last changed in 7ecb346, 2023-02-16), whose VPC is the
  ``quickstart-aws-vpc`` submodule pinned at 9dc47510f71f1fb6baf8c4e96b5330a6f51f540e
  (2022-09-19, ``templates/aws-vpc.template.yaml``). ``ad-3``'s ``DHCPOptions``: ``DomainName``
  the directory's DNS name, ``DomainNameServers: !GetAtt MicrosoftAD.DnsIpAddresses``, associated
  with the VPC (``DHCPOptionSet`` defaults to ``Yes``); the template description: "configure them
  to use the AD instances fixed private IP addresses as the DNS server". Its successor,
  https://github.com/aws-solutions-library-samples/cfn-ps-microsoft-activedirectory/blob/ea935033c326e45193cd562aabcd964cd6c9d2ce/templates/ad-3.template.yaml
  (2024-01-03), declares the same options set.
- The Directory Service Administration Guide's "Create a DHCP options set"
  (https://docs.aws.amazon.com/directoryservice/latest/admin-guide/dhcp_options_set.html; as
  archived in awsdocs/aws-directory-service-admin-guide@645284c, 2022-12-20): "AWS recommends
  that you create a DHCP options set for your AWS Directory Service directory … Domain name
  servers: The IP addresses of your AWS-provided directory's DNS servers".
- The same guide's "What gets created with your AWS Managed Microsoft AD"
  (https://docs.aws.amazon.com/directoryservice/latest/admin-guide/ms_ad_getting_started_what_gets_created.html,
  current page): one ENI per domain controller, "You can identify all network interfaces reserved
  for use with Directory Service by the description: "AWS created network interface for directory
  directory-id""; "The default DNS Server of the AWS Managed Microsoft AD Active Directory is the
  VPC DNS server at Classless Inter-Domain Routing (CIDR)+2"; the security group's inbound rules
  (AD ports from the VPC's IPv4 CIDR, all traffic from itself) and its all-traffic outbound rule.
- The Systems Manager User Guide's "Create VPC endpoints"
  (https://docs.aws.amazon.com/systems-manager/latest/userguide/setup-create-vpc.html): the
  ``ssm``, ``ssmmessages`` and ``ec2messages`` interface endpoints, private DNS on, a group
  admitting HTTPS from the instances.
- The hybrid form: the Route 53 Developer Guide's "Resolving DNS queries between VPCs and your
  network" (https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/resolver.html) and
  "Forwarding inbound DNS queries to your VPCs" (resolver-forwarding-inbound-queries.html):
  "Inbound Resolver endpoints allow DNS queries to your VPC from your on-premises network or
  another VPC".

Built with the templates' defaults: VPC 10.0.0.0/16 (DNS support and hostnames on) named after
the nested VPC stack (assumed ``managed-ad-VPCStack``), the VPC template's own options set
(``AmazonProvidedDNS``, ``ec2.internal``) replaced by ``ad-3``'s (``example.com``, the two
domain controllers' addresses); two AZs; public subnets 10.0.128.0/20 and 10.0.144.0/20 on one
table to the internet gateway, a NAT gateway in each; private subnets 1A 10.0.0.0/19 and 2A
10.0.32.0/19, each on its own table to its AZ's NAT gateway; the S3 gateway endpoint on both
private tables with the template's explicit full-access policy (``CreateAdditionalPrivateSubnets``
false: no B subnets; no flow log). ``MicrosoftAD`` (Enterprise) in the two private subnets; no
management server, Remote Desktop Gateway or CA (their defaults). ``DomainMemberSG`` (RDP and
WinRM from itself, AWS's default egress).

Assumed where the sources are silent: the directory id; the domain controllers' addresses
(Directory Service picks them in each subnet); what DescribeNetworkInterfaces reports for the
controllers' ENIs beyond the documented description — typed ``interface``, requester-managed (the
controllers are instances outside the account whose ``ETH1`` "is created within your account",
``ms_ad_getting_started_prereqs.md`` at 645284c; public ENI-inventory code files them among
requester-managed interfaces), no RequesterId or instance id recorded; the directory's group
named ``<directory-id>_controllers`` and described ``AWS created security group for
<directory-id> directory controllers`` (as a public dump of one shows). The Systems Manager
endpoints: in the two private subnets, behind ``ssm-endpoints`` admitting TCP 443 from
10.0.0.0/16, AWS's default policy. One domain-joined Windows instance per private subnet, in
``DomainMemberSG``. The network model counts the controllers' ENIs as workloads (typed
``interface``); they share the instances' subnets, so no AZ verdict depends on it.

Forms (``dns``):

- ``"directory"``: the canonical layout.
- ``"stale"``: the near miss of a directory migrated from the Quick Start's scenario 1
  (self-managed domain controllers at its defaults 10.0.0.10 and 10.0.32.10, ``ad-main-1``): the
  old options set left associated, pointing at addresses no interface holds any more.
- ``"amazon-second"``: the near miss ``<first controller>, AmazonProvidedDNS``.
- ``"on-premises"``: the hybrid form, no directory: a virtual private gateway route to the
  on-premises network 192.168.0.0/16 on both private tables, the options set handing out two
  on-premises DNS servers (192.168.10.10, 192.168.20.10, and the on-premises domain
  ``example.com``, assumed), which forward to a Route 53
  Resolver inbound endpoint in the two private subnets (``inbound_endpoint``; its group admits
  TCP and UDP 53 from on-premises). The snapshot holds no Resolver endpoint record, only its
  interfaces (``AwsRegionBuilder.resolver_endpoint``).

``directory_vpc="shared"`` is the near miss of a directory in a peered shared-services VPC
(10.1.0.0/16, private subnets 10.1.0.0/24 and 10.1.1.0/24, its own options set pointing at its
controllers, as the guide says): the workload VPC's options set hands out those controllers.
``endpoints=False`` drops the Systems Manager endpoints and instances; ``zone`` associates a
private hosted zone of that name with the VPC (the near miss "a private hosted zone but no
endpoints").
"""

from __future__ import annotations

import json
from dataclasses import replace

from aws_layout import AwsRegionBuilder

from vpcaudit.snapshot import resources as r
from vpcaudit.snapshot.model import Snapshot

ACCOUNT = "123456789012"
REGION = "us-east-1"
STACK = "managed-ad-VPCStack"  # the nested VPC stack's name (assumed)
VPC_CIDR = "10.0.0.0/16"
DOMAIN = "example.com"  # DomainDNSName's default
DIRECTORY_ID = "d-9067a1b2c3"  # assumed
# The controllers' addresses (assumed; Directory Service picks them in each subnet).
CONTROLLER_IPS = ("10.0.12.46", "10.0.47.180")
SHARED_CONTROLLER_IPS = ("10.1.0.87", "10.1.1.142")
# Scenario 1's self-managed controllers (ad-main-1: ADServer1PrivateIP, ADServer2PrivateIP).
STALE_IPS = ("10.0.0.10", "10.0.32.10")
ON_PREMISES = "192.168.0.0/16"
ON_PREMISES_DNS = ("192.168.10.10", "192.168.20.10")  # assumed
VGW = "vgw-0b2d4f6a8c1e3579a"
# S3VPCEndpoint's PolicyDocument as DescribeVpcEndpoints returns it.
S3_POLICY = json.dumps({"Version": "2012-10-17", "Statement": [
    {"Action": "*", "Effect": "Allow", "Resource": "*", "Principal": "*"}]})
SSM_KEYS = ("ssm", "ssmmessages", "ec2messages")
# The directory group's inbound rules, "What gets created" (protocol, from, to), from the VPC's
# IPv4 CIDR; beside them, all traffic from the group itself.
AD_PORTS = (("icmp", -1, -1), ("tcp", 53, 53), ("udp", 53, 53), ("tcp", 88, 88), ("udp", 88, 88),
            ("tcp", 389, 389), ("udp", 389, 389), ("tcp", 445, 445), ("udp", 445, 445), ("tcp", 464, 464),
            ("udp", 464, 464), ("tcp", 135, 135), ("tcp", 636, 636), ("tcp", 1024, 65535), ("tcp", 3268, 3269),
            ("udp", 123, 123), ("udp", 138, 138))


def controller_description(directory_id: str = DIRECTORY_ID) -> str:
    """The description AWS documents for a domain controller's ENI."""
    return f"AWS created network interface for directory {directory_id}"


def _directory(b: AwsRegionBuilder, vpc: str, cidr: str, subnets: list[str], ips: tuple[str, ...],
               ids: dict[str, str]) -> None:
    """The directory's group and one ENI per controller, at the given addresses."""
    group = ids["directory_sg"] = b.security_group(
        vpc, name=f"{DIRECTORY_ID}_controllers",
        ingress=[*((protocol, low, high, cidr) for protocol, low, high in AD_PORTS), ("-1", None, None, "self")])
    b.groups[group] = replace(b.groups[group],
                              description=f"AWS created security group for {DIRECTORY_ID} directory controllers")
    for n, (subnet, ip) in enumerate(zip(subnets, ips, strict=True), start=1):
        eni = ids[f"controller{n}"] = b.workload(subnet, groups=[group], requester_managed=True,
                                                 description=controller_description())
        b.enis[eni] = replace(b.enis[eni], private_ip_addresses=(ip,))


def _shared_services_vpc(b: AwsRegionBuilder, ids: dict[str, str]) -> None:
    """A peered shared-services VPC holding the directory, its options set the controllers'."""
    shared = ids["shared_vpc"] = b.vpc("10.1.0.0/16", name="shared-services")
    subnets = [b.subnet(shared, f"10.1.{n}.0/24", az=n + 1, name=f"shared-services-private-{n + 1}")
               for n in range(2)]
    peering = ids["peering"] = "pcx-0c4e6a8b2d1f3e5a7"
    ids["shared_rt"] = b.route_table(shared, subnets=subnets, routes={VPC_CIDR: peering},
                                     name="shared-services-private")
    b.dhcp_options(shared, SHARED_CONTROLLER_IPS, DOMAIN)
    _directory(b, shared, "10.1.0.0/16", subnets, SHARED_CONTROLLER_IPS, ids)
    for az in (1, 2):
        b.route(ids[f"private{az}A_rt"], "10.1.0.0/16", peering)


def build(*, dns: str = "directory", directory_vpc: str = "same", endpoints: bool = True,
          zone: str | None = None, inbound_endpoint: bool = True) -> tuple[Snapshot, dict[str, str]]:
    """``dns``: "directory", "stale", "amazon-second" or "on-premises" (see the module
    docstring); ``directory_vpc``: "same" or "shared"; ``endpoints``: the Systems Manager
    endpoints and the instances; ``zone``: a private hosted zone's name; ``inbound_endpoint``:
    the hybrid form's Resolver inbound endpoint."""
    b = AwsRegionBuilder(ACCOUNT, REGION, ("use1-az1", "use1-az2"))
    vpc = b.vpc(VPC_CIDR, name=STACK, dns_support=True, dns_hostnames=True)
    ids: dict[str, str] = {"vpc": vpc, "template_dhcp": b.dhcp_options(vpc, ["AmazonProvidedDNS"], "ec2.internal")}
    igw = ids["igw"] = b.igw(vpc)
    b.tag(igw, {"Name": STACK})
    public_rt = ids["public_rt"] = b.route_table(vpc, routes={"0.0.0.0/0": igw}, name="Public Subnets")
    private: list[str] = []
    for az, (public_cidr, private_cidr) in enumerate((("10.0.128.0/20", "10.0.0.0/19"),
                                                      ("10.0.144.0/20", "10.0.32.0/19")), start=1):
        public = ids[f"public{az}"] = b.subnet(vpc, public_cidr, az=az, name=f"Public subnet {az}")
        b.associate(public_rt, public)
        nat = ids[f"nat{az}"] = b.nat(public)
        subnet = ids[f"private{az}A"] = b.subnet(vpc, private_cidr, az=az, name=f"Private subnet {az}A")
        routes = {"0.0.0.0/0": nat} | ({ON_PREMISES: VGW} if dns == "on-premises" else {})
        ids[f"private{az}A_rt"] = b.route_table(vpc, subnets=[subnet], routes=routes, name=f"Private subnet {az}A")
        private.append(subnet)
    ids["s3"] = b.gateway_endpoint(vpc, "s3", route_tables=[ids["private1A_rt"], ids["private2A_rt"]],
                                   policy=S3_POLICY)

    if dns == "on-premises":
        servers: tuple[str, ...] = ON_PREMISES_DNS
    else:
        if directory_vpc == "shared":
            _shared_services_vpc(b, ids)
            controllers = SHARED_CONTROLLER_IPS
        else:
            _directory(b, vpc, VPC_CIDR, private, CONTROLLER_IPS, ids)
            controllers = CONTROLLER_IPS
        servers = {"directory": controllers, "stale": STALE_IPS,
                   "amazon-second": (controllers[0], "AmazonProvidedDNS")}[dns]
    # The set the VPC ends up with (ad-3's DHCPOptions in the directory forms), associated in place of
    # the VPC template's set, which stays, unassociated.
    ids["dhcp"] = b.dhcp_options(vpc, servers, DOMAIN)
    b.dhcp[ids["dhcp"]] = replace(b.dhcp[ids["dhcp"]], tags=(r.Tag("Domain", DOMAIN),))

    if endpoints:
        members = ids["member_sg"] = b.security_group(vpc, name="DomainMemberSG", ingress=[
            ("tcp", 3389, 3389, "self"), ("tcp", 5985, 5985, "self"), ("tcp", 5986, 5986, "self")])
        endpoint_sg = ids["endpoint_sg"] = b.security_group(vpc, name="ssm-endpoints",
                                                            ingress=[("tcp", 443, 443, VPC_CIDR)])
        for key in SSM_KEYS:
            ids[key] = b.interface_endpoint(vpc, key, subnets=private, groups=[endpoint_sg])
        for az, subnet in enumerate(private, start=1):
            ids[f"instance{az}"] = b.workload(subnet, groups=[members], description="Primary network interface")
    if zone is not None:
        ids["zone"] = b.hosted_zone(zone, [vpc])
    if dns == "on-premises" and inbound_endpoint:
        # Last, so that every other id is the same with and without it.
        resolver_sg = ids["resolver_sg"] = b.security_group(
            vpc, name="resolver-inbound", ingress=[("tcp", 53, 53, ON_PREMISES), ("udp", 53, 53, ON_PREMISES)])
        ids["resolver"], _ = b.resolver_endpoint(vpc, private, [resolver_sg])
    return b.snapshot(), ids
