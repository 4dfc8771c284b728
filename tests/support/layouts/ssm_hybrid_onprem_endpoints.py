"""On-premises servers managed by AWS Systems Manager (hybrid activations) privately: a VPC that
holds only the Systems Manager interface endpoints and a Route 53 Resolver inbound endpoint,
reached from the data center over a Site-to-Site VPN or Direct Connect on a virtual private
gateway (us-east-1).

Sources:

- AWS Systems Manager User Guide, "Setting up Systems Manager for hybrid and multicloud
  environments" (https://docs.aws.amazon.com/systems-manager/latest/userguide/systems-manager-hybrid-multicloud.html;
  current page, read 2026-12-06): hybrid-activated machines run SSM Agent, which starts every
  connection to the service.
- AWS Systems Manager User Guide, "Improve the security of EC2 instances by using VPC endpoints
  for Systems Manager" (https://docs.aws.amazon.com/systems-manager/latest/userguide/setup-create-vpc.html;
  current page, read 2026-12-06; as archived in
  awsdocs/aws-systems-manager-user-guide@03c7112cc1222123d2da339fac9030da0af58718,
  ``doc_source/setup-create-vpc.md``): managed nodes "including managed instances in your hybrid
  environment" may use the interface endpoints ``ssm``, ``ec2messages``, ``ssmmessages`` (Session
  Manager), ``kms`` (optional, KMS encryption for Session Manager or Parameter Store), a CloudWatch
  Logs endpoint for features sending logs there, and S3 for agent updates, patching and command
  output; "The security group attached to the VPC endpoint must allow incoming connections on port
  443 from the private subnet of the managed instance"; "DNS in hybrid environment": private DNS
  for interface endpoints, or your own DNS with Route 53 Resolver. The same page says "VPC Gateway
  Endpoint connections cannot be extended out of a VPC", so on-premises nodes reach S3 through an
  S3 *interface* endpoint.
- Amazon Route 53 Developer Guide, "Resolving DNS queries between VPCs and your network"
  (https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/resolver-overview-DSN-queries-to-vpc.html;
  current page, read 2026-12-06): "DNS resolvers on your network can forward DNS queries to Route 53
  Resolver via this endpoint"; forwarding to the VPC's +2 address from on premises "is not
  supported"; the endpoint's group must admit TCP and UDP 53.
- The virtual private gateway side follows ``layouts.site_to_site_vpn_vgw`` (route propagation:
  ``PropagatingVgws`` and routes of ``Origin: EnableVgwRoutePropagation``), the S3 interface
  endpoint's catalogue entry ``layouts.s3_hybrid_private_dns``.

Built: VPC ``ssm-hybrid`` 10.20.0.0/16 (DNS support and hostnames on, the Region's default DHCP
options), no internet gateway, no NAT gateway, no flow log. Two endpoint subnets 10.20.1.0/24
(use1-az1) and 10.20.2.0/24 (use1-az2) on one route table ``ssm-hybrid-endpoints`` that lists the
virtual private gateway under ``PropagatingVgws`` and holds the on-premises route 192.168.0.0/16 it
learns over BGP (target the gateway, ``Origin: EnableVgwRoutePropagation``, ``State: active``).
Interface endpoints ``ssm``, ``ssmmessages``, ``ec2messages``, ``kms``, ``logs`` and ``s3`` in both
subnets, private DNS on, AWS's default full-access policy (sent where the service takes one), all
behind ``ssm-endpoints``: TCP 443 from 192.168.0.0/16, AWS's default egress. A Route 53 Resolver
inbound endpoint with one address in each subnet, behind ``resolver-inbound``: TCP and UDP 53
from 192.168.0.0/16. The on-premises DNS servers forward ``ssm.us-east-1.amazonaws.com``,
``ssmmessages.…``, ``ec2messages.…``, ``kms.…``, ``logs.…`` and ``s3.…`` (and ``*.s3.…``) to the
inbound endpoint's two addresses: that forwarding lives on premises and is in no AWS API.

Assumptions:

- The on-premises range (192.168.0.0/16) and every address; the pages give none. The VPN
  connection, the customer gateway, the Direct Connect virtual interface and the virtual
  private gateway are not in the snapshot (the collector reads none of them): the gateway appears
  only as the propagated route's target and in ``PropagatingVgws``.
- The VPC runs no workload of its own: its only interfaces are the endpoints' requester-managed
  ``vpc_endpoint`` interfaces (described ``VPC Endpoint Interface vpce-…``) and the Resolver
  endpoint's, which DescribeNetworkInterfaces reports typed ``interface`` (botocore's
  ``NetworkInterfaceType`` has no Resolver value), requester-managed, described
  ``Route 53 Resolver: rslvr-in-…:rni-…``, in the endpoint's group, on no instance, untagged —
  the form public ENI-inventory code matches (``AwsRegionBuilder.resolver_endpoint``).
- S3's private DNS answers every resolver (``DnsOptions.PrivateDnsOnlyForInboundResolverEndpoint``
  false): the option exists to send the VPC's own traffic to a gateway endpoint, and this VPC has
  neither clients of its own nor a gateway endpoint. S3's catalogue entry as DescribeVpcEndpointServices
  lists it (Gateway and Interface; ``s3.us-east-1.amazonaws.com`` and ``*.s3.us-east-1.amazonaws.com``).
- Session logs go to CloudWatch Logs and sessions are KMS-encrypted, so ``kms`` and ``logs`` are
  built (the hybrid set the guide lists in full); ``ec2`` (VSS snapshots, EC2 only) is not.

Near misses:

- ``endpoint_sources=("10.20.0.0/16",)``: the endpoints' group admitting HTTPS from the VPC's block
  only, as most copies of the EC2 recipe do: the on-premises agents resolve the endpoints through
  the inbound endpoint and are refused.
- ``inbound_resolver=False``: no Resolver inbound endpoint; on-premises DNS resolves the service
  names publicly, so the agents go out through the data center's internet egress (or fail without
  one), bypassing the endpoints.
- ``propagation=False``: route propagation never enabled on the endpoints' route table (no
  ``PropagatingVgws``, no route to 192.168.0.0/16): the endpoints' and the Resolver endpoint's
  replies to on premises have no route.
- ``services=("ssmmessages", "ec2messages", "kms", "logs", "s3")``: ``ssm`` itself forgotten (the
  endpoint every managed node needs to register and report), the rest in place.
"""

from __future__ import annotations

from dataclasses import replace

from aws_layout import AwsRegionBuilder

from vpcaudit.snapshot.model import Snapshot

ACCOUNT = "111122223333"
REGION = "us-east-1"
VPC_CIDR = "10.20.0.0/16"
ON_PREMISES = "192.168.0.0/16"
VGW = "vgw-0b7d2e4f6a8c1e3f5"
# The interface endpoints the Systems Manager guide lists for managed nodes, on premises included.
SERVICES = ("ssm", "ssmmessages", "ec2messages", "kms", "logs", "s3")
DNS = (("tcp", 53, 53), ("udp", 53, 53))


def build(*, endpoint_sources: tuple[str, ...] = (ON_PREMISES,), inbound_resolver: bool = True,
          propagation: bool = True, services: tuple[str, ...] = SERVICES) -> tuple[Snapshot, dict[str, str]]:
    """The endpoints-only VPC; the keywords are the near misses of the module docstring."""
    b = AwsRegionBuilder(ACCOUNT, REGION, ("use1-az1", "use1-az2"))
    # S3 offers both endpoint types under one service name; its interface names are wildcards too.
    b.service("s3", types=("Gateway", "Interface"),
              dns_names=[f"s3.{REGION}.amazonaws.com", f"*.s3.{REGION}.amazonaws.com"])
    vpc = b.vpc(VPC_CIDR, name="ssm-hybrid")
    subnets = [b.subnet(vpc, f"10.20.{az}.0/24", az=az, name=f"ssm-hybrid-endpoints-{az}") for az in (1, 2)]
    table = b.route_table(vpc, subnets=subnets, name="ssm-hybrid-endpoints")
    if propagation:
        b.route_tables[table] = replace(b.route_tables[table], propagating_vgws=(VGW,))
        b.route(table, ON_PREMISES, VGW, origin="EnableVgwRoutePropagation")
    ids = {"vpc": vpc, "subnet1": subnets[0], "subnet2": subnets[1], "route_table": table, "vgw": VGW}
    ids["endpoint_sg"] = b.security_group(vpc, name="ssm-endpoints",
                                          ingress=[("tcp", 443, 443, source) for source in endpoint_sources])
    for key in services:
        ids[key] = b.interface_endpoint(vpc, key, subnets=subnets, groups=[ids["endpoint_sg"]], private_dns=True,
                                        inbound_only=False if key == "s3" else None)
    if "s3" in services:
        s3 = b.endpoints[ids["s3"]]
        b.endpoints[ids["s3"]] = replace(s3, dns_entries=tuple(replace(e, dns_name="*." + e.dns_name)
                                                               for e in s3.dns_entries))
    if inbound_resolver:
        ids["resolver_sg"] = b.security_group(vpc, name="resolver-inbound",
                                              ingress=[(p, lo, hi, ON_PREMISES) for p, lo, hi in DNS])
        ids["resolver"], enis = b.resolver_endpoint(vpc, subnets, [ids["resolver_sg"]])
        ids |= {f"resolver_eni{n}": eni for n, eni in enumerate(enis, start=1)}
    return b.snapshot(), ids
