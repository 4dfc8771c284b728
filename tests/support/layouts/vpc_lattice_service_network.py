"""Amazon VPC Lattice: a service network of resource configurations reached from consumer VPCs
through a service-network VPC association, a service-network VPC endpoint and a resource VPC
endpoint (us-east-1).

Source, the association form: the aws-samples repository "Amazon VPC Lattice Blueprints",
pattern ``patterns/3-advanced_architectures/3-centralized_vpc_endpoints/terraform``
(https://github.com/aws-samples/amazon-vpc-lattice-blueprints/tree/6b62f857d0d806629a39f5c2bdace0308ebb7718,
head of 2026-01-09; ``main.tf`` last changed in 27cc04c, 2026-01-03; with
``patterns/tf_modules/vpc_endpoints`` and ``aws-ia/vpc`` 4.7.3, 6991e6d, 2025-10-07). Its README:
"centralize VPC endpoints in a shared services VPC and make them accessible to multiple consumer
VPCs through VPC Lattice", "VPC Lattice Resources with custom domain names and automated DNS
configuration controls to automatically resolve VPC endpoint domain names (e.g.,
``ssm.eu-west-1.amazonaws.com``) to point to the Resource Association domain name". Built as
declared, with the variables' defaults (``identifier`` ``centralized-endpoints``, endpoints ssm,
ssmmessages, ec2messages, sts), in us-east-1 instead of the default eu-west-1:

- ``endpoints-vpc-centralized-endpoints``, 10.0.0.0/16 with an Amazon-provided /56, DNS support
  and hostnames on (``aws-ia/vpc`` defaults), two AZs, private subnets only: ``endpoints``
  10.0.0.0/24 and 10.0.1.0/24, ``resourcegateway`` 10.0.2.0/24 and 10.0.3.0/24 (the module's
  calculator takes the subnet types in key order and the AZs in order), each with a /64 and its
  own route table holding the local route only (no NAT gateway, no internet gateway). Interface
  endpoints for the four services in the ``endpoints`` subnets, **private DNS off**
  (``private_dns = false``), AWS's default policy, behind ``endpoints-vpc-endpoint-security-group``
  (TCP 443 from the resource gateway's group; all traffic out to 10.0.0.0/16). The resource
  gateway (``DUALSTACK``) in the ``resourcegateway`` subnets behind
  ``endpoints-vpc-rgw-security-group`` (no ingress; TCP 0-65535 out to 10.0.0.0/16). Per
  service a resource configuration (``SINGLE``, TCP 443, custom domain name
  ``<svc>.us-east-1.amazonaws.com``, a DNS resource: the endpoint's first DNS name) associated
  with the service network ``service-network-centralized-endpoints`` (``auth_type`` NONE) with
  private DNS — none of which DescribeVpcEndpoints or any other collected call reports.
- ``consumer-vpc-centralized-endpoints``, 10.0.0.0/16 as well (Lattice needs no routing between
  the VPCs), ``workload`` subnets 10.0.0.0/24 and 10.0.1.0/24 with /64s, local routes only; two
  instances, one per subnet, in ``consumer-vpc-instance-security-group`` (no ingress; all traffic
  out to 0.0.0.0/0 and ::/0); the service-network VPC association with
  ``consumer-vpc-vpclattice-security-group`` (TCP 443 in from the instances' group) and private
  DNS for ``*.amazonaws.com`` only (``SPECIFIED_DOMAINS_ONLY``). The association is a VPC Lattice
  resource: the snapshot holds its group and nothing else of it.

Terraform's ``aws_security_group`` revokes AWS's default egress rule, so the association's group,
whose egress the sample does not declare, has none. No flow log anywhere; default NACLs.

The newer model, not in the sample: "There are two ways a VPC can be connected to a service network -
through a VPC association and through a VPC endpoint of type service network" (VPC Lattice User
Guide, "How VPC Lattice works", https://docs.aws.amazon.com/vpc-lattice/latest/ug/how-it-works.html),
and a resource configuration can be reached "directly using a resource VPC endpoint" (PrivateLink
Guide, "Manage associations for a VPC Lattice resource configuration"). Two more copies of the
sample's consumer VPC, same CIDRs, subnets, instances and instance group:

- ``consumer-sn-endpoint-vpc``: a **service-network endpoint** to the same service network
  (PrivateLink Guide, "Access a service network through a service-network endpoint"; the same
  step in aws/aws-application-networking-k8s ``docs/guides/service-network-endpoint.md`` at
  327d60b182e630186d28ca8007b31ed4a9426e50), one subnet per AZ, its group admitting TCP 443 from
  the instances' group (as the association's does), private DNS on for the same domains as the
  association.
- ``consumer-resource-endpoint-vpc``: a **resource endpoint** to the ``sts`` resource
  configuration alone (PrivateLink Guide, "Access a resource through a resource VPC endpoint"),
  one subnet per AZ, a group like the one above, private DNS on.

Both endpoints as DescribeVpcEndpoints reports them (botocore's ``VpcEndpoint`` shape; the AWS
CLI reference's ``create-vpc-endpoint`` Examples 4 and 5): ``VpcEndpointType`` ``ServiceNetwork``
or ``Resource``, **no** ``ServiceName`` (the snapshot records ``""``; ``ServiceNetworkArn`` and
``ResourceConfigurationArn`` are not recorded), no ``PolicyDocument``, ``IpAddressType``
``IPV4`` (upper case, as the CLI shows it), ``Groups``, ``SubnetIds`` and ``NetworkInterfaceIds``.
Neither has a DescribeVpcEndpointServices entry. The service-network endpoint reports no
``DnsEntries`` (each associated service or resource has its own name, from
DescribeVpcEndpointAssociations, not collected); the resource endpoint reports one, of the form
``vpce-….rcfg-….4232ccc.vpc-lattice-rsc.us-east-1.on.aws`` (assumed, after public resource-endpoint
names). The managed prefix lists ``com.amazonaws.us-east-1.vpc-lattice`` (169.254.171.0/24 and
129.224.0.0/17, the link-local and non-routable ranges the guide and the sample's README show;
the exact entries are assumed) and ``com.amazonaws.us-east-1.ipv6.vpc-lattice``
(fd00:ec2:80::/64) are in the Region's prefix lists.

Assumed besides:

- Account 123456789012, AZs use1-az1 and use1-az2; the IPv6 /64s numbered in subnet order.
- The endpoints' interfaces, one per subnet, are reported like an interface endpoint's
  (``vpc_endpoint``, requester-managed, described ``VPC Endpoint Interface <id>``); the network
  model knows them through ``NetworkInterfaceIds`` whatever their type.
- The resource gateway's interfaces: how DescribeNetworkInterfaces reports them is not
  documented ("VPC Lattice might add new ENIs to your resource gateway"). Built
  (``gateway_enis=True``) as one requester-managed ``interface`` per subnet with the gateway's
  group and an empty description; the network model then counts them as workloads of the
  endpoints VPC. The tests check that no verdict changes without them.
- The instances' interfaces: ``interface``, not requester-managed, one IPv4 and one IPv6 address.

Near misses: ``client_egress="vpc-cidr"`` (the instances' group sending only TCP 443 to the VPC's
block: nothing reaches the association's link-local addresses) and ``"lattice-prefix-list"``
(only TCP 443 to the Lattice prefix list, the association's rule kept where an endpoint serves);
``resource_endpoint_azs=1``; ``resource_endpoint_groups="default"`` (created without
``--security-group-ids``, as the CLI example does: the VPC's default group); ``hub_zone=True`` (the
service-network endpoint's VPC keeps a private hosted zone ``ssm.us-east-1.amazonaws.com`` from a
hub-and-spoke past, its apex aliased to the endpoints VPC's ssm endpoint).
"""

from __future__ import annotations

from dataclasses import replace

from aws_layout import AwsRegionBuilder

from vpcaudit.snapshot import resources as r
from vpcaudit.snapshot.model import Snapshot

ACCOUNT = "123456789012"
REGION = "us-east-1"
AZ_IDS = ("use1-az1", "use1-az2")
IDENTIFIER = "centralized-endpoints"
SERVICES = ("ssm", "ssmmessages", "ec2messages", "sts")
VPC_CIDR = "10.0.0.0/16"
LATTICE_CIDRS = ("169.254.171.0/24", "129.224.0.0/17")
LATTICE_IPV6_CIDRS = ("fd00:ec2:80::/64",)
# The Amazon-provided /56 of each VPC (assumed values).
V6 = {"endpoints": "2600:1f18:4a3:6e00", "consumer": "2600:1f18:4a3:7100", "sn": "2600:1f18:4a3:7200",
      "resource": "2600:1f18:4a3:7300"}
# DnsEntry.HostedZoneId of VPC Lattice resource names in us-east-1 (a public DescribeVpcEndpointAssociations).
LATTICE_RSC_ZONE = "Z08285483B41F6ASEM5U1"
ALL_OUT = (("-1", None, None, "0.0.0.0/0"), ("-1", None, None, "::/0"))


def build(*, client_egress: str = "all", resource_endpoint_azs: int = 2, resource_endpoint_groups: str = "own",
          hub_zone: bool = False, gateway_enis: bool = True) -> tuple[Snapshot, dict[str, str]]:
    """The sample and the two endpoint consumers. ``client_egress``: "all" (the sample),
    "vpc-cidr" or "lattice-prefix-list" (TCP 443 only, every consumer's instance group).
    ``resource_endpoint_azs``: 2 or 1. ``resource_endpoint_groups``: "own" or "default".
    ``hub_zone``: the leftover ssm zone in the service-network endpoint's VPC. ``gateway_enis``:
    build the resource gateway's interfaces."""
    b = AwsRegionBuilder(ACCOUNT, REGION, AZ_IDS)
    lattice_pl = b.new_id("pl")
    b.prefix_lists[lattice_pl] = r.PrefixList(lattice_pl, f"com.amazonaws.{REGION}.vpc-lattice", "AWS", "IPv4",
                                              LATTICE_CIDRS)
    lattice_v6_pl = b.new_id("pl")
    b.prefix_lists[lattice_v6_pl] = r.PrefixList(lattice_v6_pl, f"com.amazonaws.{REGION}.ipv6.vpc-lattice", "AWS",
                                                 "IPv6", LATTICE_IPV6_CIDRS)
    ids: dict[str, str] = {"lattice_pl": lattice_pl, "lattice_v6_pl": lattice_v6_pl}

    # ---------- the endpoints VPC ----------
    hub = ids["endpoints_vpc"] = _vpc(b, f"endpoints-vpc-{IDENTIFIER}", V6["endpoints"])
    for n, (kind, az) in enumerate((("endpoints", 1), ("endpoints", 2), ("resourcegateway", 1),
                                    ("resourcegateway", 2))):
        ids[f"{kind}{az}"] = _private_subnet(b, hub, n, kind, az, V6["endpoints"])
    rgw_sg = ids["rgw_sg"] = b.security_group(hub, name=f"endpoints-vpc-rgw-security-group-{IDENTIFIER}",
                                              egress=[("tcp", 0, 65535, VPC_CIDR)])
    endpoint_sg = ids["endpoint_sg"] = b.security_group(
        hub, name=f"endpoints-vpc-endpoint-security-group-{IDENTIFIER}", ingress=[("tcp", 443, 443, rgw_sg)],
        egress=[("-1", None, None, VPC_CIDR)])
    for key in SERVICES:
        ids[key] = b.interface_endpoint(hub, key, subnets=[ids["endpoints1"], ids["endpoints2"]],
                                        groups=[endpoint_sg], private_dns=False)
    if gateway_enis:
        for az in (1, 2):
            ids[f"rgw_eni{az}"] = b.workload(ids[f"resourcegateway{az}"], groups=[rgw_sg], requester_managed=True)

    # ---------- consumers ----------
    egress = {"all": ALL_OUT, "vpc-cidr": (("tcp", 443, 443, VPC_CIDR),),
              "lattice-prefix-list": (("tcp", 443, 443, lattice_pl),)}[client_egress]
    for prefix, name in (("consumer", f"consumer-vpc-{IDENTIFIER}"), ("sn", f"consumer-sn-endpoint-vpc-{IDENTIFIER}"),
                         ("resource", f"consumer-resource-endpoint-vpc-{IDENTIFIER}")):
        vpc = ids[f"{prefix}_vpc"] = _vpc(b, name, V6[prefix])
        instance_sg = ids[f"{prefix}_instance_sg"] = b.security_group(
            vpc, name=f"{name.removesuffix('-' + IDENTIFIER)}-instance-security-group-{IDENTIFIER}", egress=egress)
        for az in (1, 2):
            subnet = ids[f"{prefix}_workload{az}"] = _private_subnet(b, vpc, az - 1, "workload", az, V6[prefix])
            eni = ids[f"{prefix}_instance{az}"] = b.workload(subnet, groups=[instance_sg])
            # ``ipv6_address_count = 1``: one address of the subnet's /64; attached to its instance.
            b.enis[eni] = replace(b.enis[eni], ipv6_addresses=(f"{V6[prefix][:-1]}{az - 1}::{10 + az}",),
                                  instance_id=b.new_id("i"))
        ids[f"{prefix}_lattice_sg"] = b.security_group(
            vpc, name=f"{name.removesuffix('-' + IDENTIFIER)}-vpclattice-security-group-{IDENTIFIER}",
            ingress=[("tcp", 443, 443, instance_sg)], egress=())

    # The service-network endpoint and the resource endpoint.
    ids["sn_endpoint"] = _lattice_endpoint(b, ids["sn_vpc"], "ServiceNetwork",
                                           [ids["sn_workload1"], ids["sn_workload2"]], [ids["sn_lattice_sg"]])
    own = resource_endpoint_groups == "own"
    groups = [ids["resource_lattice_sg"]] if own else [b.default_group(ids["resource_vpc"])]
    subnets = [ids["resource_workload1"], ids["resource_workload2"]][:resource_endpoint_azs]
    resource = ids["resource_endpoint"] = _lattice_endpoint(b, ids["resource_vpc"], "Resource", subnets, groups)
    b.endpoints[resource] = replace(b.endpoints[resource], dns_entries=(
        r.DnsEntry(f"{resource}.rcfg-0c4e8d2f7a1b3c5d9.4232ccc.vpc-lattice-rsc.{REGION}.on.aws", LATTICE_RSC_ZONE),))

    if hub_zone:
        hub_ssm = b.endpoints[ids["ssm"]].dns_entries[0].dns_name
        ids["hub_zone"] = b.hosted_zone(f"ssm.{REGION}.amazonaws.com", [ids["sn_vpc"]], records=[
            r.RecordSet(f"ssm.{REGION}.amazonaws.com", "A", (), hub_ssm)])
    return b.snapshot(), ids


def _vpc(b: AwsRegionBuilder, name: str, v6: str) -> str:
    """An ``aws-ia/vpc`` VPC: 10.0.0.0/16 and an Amazon-provided /56, DNS support and hostnames on."""
    return b.vpc(VPC_CIDR, name=name, dns_support=True, dns_hostnames=True, ipv6_cidrs=[f"{v6}::/56"])


def _private_subnet(b: AwsRegionBuilder, vpc: str, index: int, kind: str, az: int, v6: str) -> str:
    """The ``index``-th /24 and /64 of the VPC, on its own route table with the local route only."""
    az_name = b.azs[az - 1][0]
    subnet = b.subnet(vpc, f"10.0.{index}.0/24", az=az, name=f"{kind}-{az_name}",
                      ipv6_cidrs=[f"{v6[:-1]}{index}::/64"])
    b.route_table(vpc, subnets=[subnet], name=f"{kind}-{az_name}")
    return subnet


def _lattice_endpoint(b: AwsRegionBuilder, vpc: str, endpoint_type: str, subnets: list[str],
                      groups: list[str]) -> str:
    """A ServiceNetwork or Resource endpoint as DescribeVpcEndpoints reports it (module docstring)."""
    endpoint = b.interface_endpoint(vpc, endpoint_type.lower(), subnets=subnets, groups=groups, private_dns=True,
                                    policy=None, endpoint_type=endpoint_type, service_name="lattice")
    b.endpoints[endpoint] = replace(b.endpoints[endpoint], service_name="", ip_address_type="IPV4",
                                    dns_record_ip_type=None, dns_entries=())
    return endpoint
