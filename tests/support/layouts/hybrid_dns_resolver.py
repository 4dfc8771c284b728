"""Centralized hybrid DNS with Route 53 Resolver: inbound and outbound endpoints, forwarding rules
and centralized interface endpoints in a shared-services VPC behind a transit gateway (us-east-1).

Source: the aws-samples repository "AWS Hub and Spoke Architecture with Shared Services VPC -
Terraform Sample",
https://github.com/aws-samples/hub-and-spoke-with-shared-services-vpc-terraform/tree/b75201447a6998e8b1397bdc8a487994f956ed40
(its last commit, 2023-03-21: ``main.tf``, ``locals.tf``, ``variables.tf``,
``modules/route53_record``, ``modules/compute``), whose README names its pattern "Hybrid DNS, both
inbound and outbound Route 53 Resolver Endpoints are created" and its reference architecture
"Hybrid DNS Resolution with Amazon Route 53 Resolver Endpoints". Its VPCs come from
``aws-ia/network-hubandspoke`` 2.0.0 (7d165ac: the shared-services VPC, built by ``aws-ia/vpc``
3.0.1) and ``aws-ia/vpc`` 3.1.1 (the spokes). The DNS design follows the whitepaper "Hybrid Cloud
DNS Options for Amazon VPC", "Route 53 Resolver endpoints and forwarding rules"
(https://docs.aws.amazon.com/whitepapers/latest/hybrid-cloud-dns-options-for-vpc/route-53-resolver-endpoints-and-forwarding-rules.html:
"Private Hosted Zones are associated with a Shared Service VPC"; "Create Route 53 Resolver rules
for names you want to resolve on-premises from your Amazon VPC. These rules use an outbound
endpoint") and the Route 53 Developer Guide's "Resolving DNS queries between VPCs and your
network" (https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/resolver-overview-DSN-queries-to-vpc.html;
as archived in awsdocs/amazon-route53-docs@b6a8f0c, 2023-05-19): "You associate each rule with
the VPCs for which you want to forward DNS queries to your network"; "If you want Resolver to
resolve inbound DNS queries using records in a private hosted zone, associate the private hosted
zone with the VPC that you created the inbound endpoint in"; "When you share rules, you also share
outbound endpoints".

Built as declared, with the sample's defaults: ``shared-services-vpc`` 10.129.0.0/24 (DNS support
and hostnames on, no flow log: the hub-and-spoke module's default for central VPCs is
``log_destination_type = "none"``), two AZs, the ``endpoints`` subnets 10.129.0.0/28 and
10.129.0.16/28, each on its own table sending 0.0.0.0/0 to the transit gateway, the
``transit_gateway`` subnets 10.129.0.32/28 and 10.129.0.48/28 on tables with the local route
only (assumed: the module's subnet calculator allocates the /28s in key order, endpoints
first). In the endpoints subnets: interface endpoints for ssm, ssmmessages, ec2messages and s3
with **private DNS off** and AWS's default policy, behind ``endpoints_sg`` (TCP 443 from 0.0.0.0/0, all out);
the inbound Resolver endpoint behind ``r53endpoint_inbound_sg`` (TCP and UDP 53 from the
on-premises 192.168.0.0/16, all out) and the outbound one behind ``r53endpoint_outbound_sg`` (TCP
and UDP 53 in from 0.0.0.0/0, all out), one address per endpoints subnet each; the forwarding
rules ``example-domain`` (``example.com``) and ``test-domain`` (``test.es``) through the outbound
endpoint. Per endpoint a private hosted zone named after the service's hostname, holding an alias
A record at its apex (and ``*`` for S3) to the endpoint's first DNS entry, associated with the
spoke VPCs — and only with them: the README says "associated with all the VPCs created (Spoke
VPCs and Shared Services VPC)", the code's ``aws_route53_zone`` lists the spokes alone
(``zones_on_hub=True`` builds what the README says). Spokes ``spoke-vpc-1`` 10.0.0.0/24 and
``spoke-vpc-2`` 10.0.1.0/24: ``workload`` subnets 10.0.n.0/26 and 10.0.n.64/26 on per-AZ tables
sending 0.0.0.0/0 to the transit gateway, ``transit_gateway`` subnets 10.0.n.192/28 and
10.0.n.208/28 (local route only), a flow log of all traffic to CloudWatch Logs, one instance per
workload subnet in ``instance_security_group`` (ICMP from 0.0.0.0/0, all out). No S3 or DynamoDB
gateway endpoint anywhere, no NAT gateway, no internet gateway. Every VPC also lists the
autodefined "Internet Resolver" rule (``RECURSIVE``, ``.``) among its associations, as
``ListResolverRuleAssociations`` reports it ("System Rule Association").

Assumed where the sample is silent or leaves placeholders:

- Region us-east-1 (the sample's default is eu-west-2); this account's AZs use1-az1, use1-az2.
- The rules are associated with both spokes. The sample creates them but no
  ``aws_route53_resolver_rule_association`` (as published they forward nothing; see the test
  module); the guide: "You associate each rule with the VPCs for which you want to forward DNS
  queries to your network". One account as in the sample; in a landing zone the rules would be
  shared through AWS RAM and associated from the spoke accounts (the guide's "Sharing forwarding
  rules with other AWS accounts and using shared rules"), which ``ListResolverRules`` (status
  ``SHARED_WITH_ME``) and ``ListResolverRuleAssociations`` report alike.
- The on-premises network (192.168.0.0/16, the sample's ``on_premises_cidr``) reaches the transit
  gateway through a VPN or Direct Connect attachment outside these VPCs: every subnet that talks
  to it already sends 0.0.0.0/0 to the transit gateway. The rules' targets are the sample's
  on-premises DNS servers, placeholders (``example-domain`` 1.1.1.1 and 2.2.2.2, ``test-domain``
  1.1.1.1), on port 53 as ``ListResolverRules`` reports them (the sample sets no port; the AWS
  provider's default is 53), each rule through the outbound endpoint and owned by this account.
- Resolver endpoint interfaces as DescribeNetworkInterfaces reports them: typed ``interface``,
  requester-managed, described ``Route 53 Resolver: rslvr-in-…:rni-…`` (``rslvr-out-…`` for the
  outbound one) — the form public ENI-inventory code matches — carrying the endpoint's group. Every
  interface's address is the next free one of its subnet after the four AWS reserves at its
  start.
- The interface endpoints' DNS entries: the Regional name first, ``*.vpce-….s3.…`` for S3 (S3's
  names are wildcards); S3's service as DescribeVpcEndpointServices lists it (Gateway and
  Interface; ``s3.us-east-1.amazonaws.com`` and ``*.s3.us-east-1.amazonaws.com``).

Near misses:

- ``service_rule="amazonaws.com"``: a FORWARD rule for the AWS service domain, through the same
  outbound endpoint to the same on-premises servers as ``example.com``, associated with every
  VPC, the hub included (``service_rule_to_inbound=True``: to the hub's inbound endpoint's two
  addresses instead, the loop the Route 53 guide warns about; ``service_rule_on_hub=False``: with
  the spokes only, as the guide advises).
- ``rule_spokes=(1,)``: ``spoke-vpc-2`` left out of the rules' associations (``rule_spokes=()``:
  the sample as published, no association at all).
- ``parent_zone=True``: one zone ``us-east-1.amazonaws.com`` holding the four services' records
  instead of a zone per service.
- ``outbound_egress=False``: the outbound endpoint's group with no outbound rule (Terraform's
  ``aws_security_group`` drops AWS's default egress when the ``egress`` map is empty).
- ``dhcp_inbound="hub"`` / ``"spokes"``: a DHCP options set handing out the inbound endpoint's two
  addresses (domain name ``ec2.internal``, the Region's default), associated with the hub or with
  both spokes, and TCP and UDP 53 from those VPCs' CIDRs added to ``r53endpoint_inbound_sg``
  (``admit_dhcp_clients=False``: not added, the group still admitting on premises alone).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from dataclasses import replace

from aws_layout import AwsRegionBuilder

from vpcaudit.snapshot import resources as r
from vpcaudit.snapshot.model import Snapshot

ACCOUNT = "123456789012"
REGION = "us-east-1"
AZS = ("us-east-1a", "us-east-1b")
TGW = "tgw-0a4c6e8f1b3d5a7c9"
HUB_CIDR = "10.129.0.0/24"
ON_PREMISES = "192.168.0.0/16"
ENDPOINT_SERVICES = ("ssm", "ssmmessages", "ec2messages", "s3")
# variables.tf's forwarding_rules: rule name → (domain, target IPs).
FORWARDING_RULES = {"example-domain": ("example.com", ("1.1.1.1", "2.2.2.2")), "test-domain": ("test.es", ("1.1.1.1",))}
# The on-premises DNS servers a rule for the AWS service domain would forward to (near miss).
ON_PREMISES_SERVERS = FORWARDING_RULES["example-domain"][1]
# The port ListResolverRules reports for a target created without one (the AWS provider's default).
DNS_PORT = 53
# The autodefined "Internet Resolver" rule (RECURSIVE, "."), which ListResolverRuleAssociations
# lists as associated with every VPC ("System Rule Association").
INTERNET_RESOLVER = "rslvr-autodefined-rr-internet-resolver"
DNS = (("tcp", 53, 53), ("udp", 53, 53))
ALL_OUT = ("-1", None, None, "0.0.0.0/0")
# AWS reserves the first four addresses of every subnet (and the last).
FIRST_USABLE = 4


def _spoke(b: AwsRegionBuilder, n: int, ids: dict[str, str]) -> str:
    """``spoke-vpc-<n>`` as aws-ia/vpc 3.1.1 builds it from variables.tf, with one instance per AZ."""
    vpc = ids[f"spoke{n}"] = b.vpc(f"10.0.{n - 1}.0/24", name=f"spoke-vpc-{n}")
    group = ids[f"spoke{n}_sg"] = b.security_group(vpc, name="instance_security_group",
                                                   ingress=[("icmp", -1, -1, "0.0.0.0/0")], egress=[ALL_OUT])
    tgw_subnets = []
    for az, (workload_cidr, tgw_cidr) in enumerate(((f"10.0.{n - 1}.0/26", f"10.0.{n - 1}.192/28"),
                                                    (f"10.0.{n - 1}.64/26", f"10.0.{n - 1}.208/28")), start=1):
        subnet = ids[f"spoke{n}_workload{az}"] = b.subnet(vpc, workload_cidr, az=az, name=f"workload-{AZS[az - 1]}")
        b.route_table(vpc, subnets=[subnet], routes={"0.0.0.0/0": TGW}, name=f"workload-{AZS[az - 1]}")
        tgw_subnet = b.subnet(vpc, tgw_cidr, az=az, name=f"transit_gateway-{AZS[az - 1]}")
        b.route_table(vpc, subnets=[tgw_subnet], name=f"transit_gateway-{AZS[az - 1]}")
        tgw_subnets.append(tgw_subnet)
        ids[f"spoke{n}_instance{az}"] = b.workload(subnet, groups=[group], description="Primary network interface")
    b.tgw_attachment(vpc, TGW, tgw_subnets)
    b.flow_log(vpc)
    return vpc


def _hub(b: AwsRegionBuilder, ids: dict[str, str], outbound_egress: bool) -> list[str]:
    """``shared-services-vpc``: endpoints subnets, transit gateway subnets, the interface endpoints
    and both Resolver endpoints, each with the sample's security group. Returns the endpoints subnets."""
    hub = ids["hub"] = b.vpc(HUB_CIDR, name="shared-services-vpc")
    subnets, tgw_subnets = [], []
    for az, (endpoints_cidr, tgw_cidr) in enumerate((("10.129.0.0/28", "10.129.0.32/28"),
                                                     ("10.129.0.16/28", "10.129.0.48/28")), start=1):
        name = f"shared-services-vpc-endpoints-{AZS[az - 1]}"
        subnet = ids[f"hub_endpoints{az}"] = b.subnet(hub, endpoints_cidr, az=az, name=name)
        b.route_table(hub, subnets=[subnet], routes={"0.0.0.0/0": TGW}, name=name)
        name = f"shared-services-vpc-tgw-{AZS[az - 1]}"
        tgw_subnet = b.subnet(hub, tgw_cidr, az=az, name=name)
        b.route_table(hub, subnets=[tgw_subnet], name=name)
        subnets.append(subnet)
        tgw_subnets.append(tgw_subnet)
    b.tgw_attachment(hub, TGW, tgw_subnets)
    endpoints_sg = ids["endpoints_sg"] = b.security_group(hub, name="endpoints_sg",
                                                          ingress=[("tcp", 443, 443, "0.0.0.0/0")], egress=[ALL_OUT])
    for key in ENDPOINT_SERVICES:
        ids[key] = b.interface_endpoint(hub, key, subnets=subnets, groups=[endpoints_sg], private_dns=False)
    s3 = b.endpoints[ids["s3"]]
    b.endpoints[ids["s3"]] = replace(s3, dns_entries=tuple(replace(e, dns_name="*." + e.dns_name)
                                                           for e in s3.dns_entries))
    inbound_sg = ids["inbound_sg"] = b.security_group(
        hub, name="r53endpoint_inbound_sg", ingress=[(p, lo, hi, ON_PREMISES) for p, lo, hi in DNS], egress=[ALL_OUT])
    outbound_sg = ids["outbound_sg"] = b.security_group(
        hub, name="r53endpoint_outbound_sg", ingress=[(p, lo, hi, "0.0.0.0/0") for p, lo, hi in DNS],
        egress=[ALL_OUT] if outbound_egress else [])
    ids["inbound"], inbound_enis = b.resolver_endpoint(hub, subnets, [inbound_sg], direction="INBOUND")
    ids["outbound"], outbound_enis = b.resolver_endpoint(hub, subnets, [outbound_sg], direction="OUTBOUND")
    ids |= {f"inbound_eni{n}": eni for n, eni in enumerate(inbound_enis, start=1)}
    ids |= {f"outbound_eni{n}": eni for n, eni in enumerate(outbound_enis, start=1)}
    return subnets


def _zones(b: AwsRegionBuilder, ids: dict[str, str], vpcs: list[str], parent: bool) -> None:
    """The sample's per-service zones (alias A at the apex, and ``*`` for S3, to the endpoint's
    first DNS entry) — or, ``parent``, one zone for the Region's service domain with those records."""
    records: dict[str, list[r.RecordSet]] = {}
    for key in ENDPOINT_SERVICES:
        hostname = f"{key}.{REGION}.amazonaws.com"
        target = b.endpoints[ids[key]].dns_entries[0].dns_name
        names = [hostname, f"*.{hostname}"] if key == "s3" else [hostname]
        records[hostname] = [r.RecordSet(name, "A", (), target) for name in names]
    if parent:
        ids["zone"] = b.hosted_zone(f"{REGION}.amazonaws.com", vpcs, [rs for rss in records.values() for rs in rss])
        return
    for key, (hostname, rss) in zip(ENDPOINT_SERVICES, records.items(), strict=True):
        ids[f"zone_{key}"] = b.hosted_zone(hostname, vpcs, rss)


def _rule(b: AwsRegionBuilder, domain: str, vpcs: Iterable[str], targets: Iterable[str], outbound: str) -> str:
    """A FORWARD rule to ``targets`` through the outbound endpoint and its associations, one per VPC,
    as ``ListResolverRuleAssociations`` lists them (``builders.resolver_rule`` makes one rule per VPC)."""
    rule_id = b.new_id("rslvr-rr")
    target_ips = tuple(r.ResolverTarget(ip=ip, port=DNS_PORT) for ip in targets)
    b.resolver_rules += [r.ResolverRuleAssociation(rule_id, vpc, domain, "FORWARD", "COMPLETE", target_ips, outbound,
                                                   ACCOUNT) for vpc in vpcs]
    return rule_id


def _address(b: AwsRegionBuilder) -> None:
    """Every interface gets the next free address of its subnet, in creation order."""
    taken: dict[str, int] = {}
    for eni_id, eni in b.enis.items():
        network = ipaddress.ip_network(b.subnets[eni.subnet_id].cidr_block or "")
        index = taken.get(eni.subnet_id, FIRST_USABLE)
        taken[eni.subnet_id] = index + 1
        b.enis[eni_id] = replace(eni, private_ip_addresses=(str(network.network_address + index),))


def build(*, zones_on_hub: bool = False, rule_spokes: tuple[int, ...] = (1, 2), service_rule: str | None = None,
          service_rule_to_inbound: bool = False, service_rule_on_hub: bool = True, parent_zone: bool = False,
          outbound_egress: bool = True, dhcp_inbound: str | None = None,
          admit_dhcp_clients: bool = True) -> tuple[Snapshot, dict[str, str]]:
    """The sample with its rules associated with the spokes numbered in ``rule_spokes`` (``()``:
    as published, associated with nothing); the other keywords are the variants of the module
    docstring (``dhcp_inbound``: None, "hub" or "spokes"; ``admit_dhcp_clients``: the inbound
    endpoint's group also admits DNS from the VPCs handed its addresses)."""
    b = AwsRegionBuilder(ACCOUNT, REGION, ("use1-az1", "use1-az2"))
    # S3 offers both endpoint types under one service name, its names wildcards.
    b.service("s3", types=("Gateway", "Interface"),
              dns_names=[f"s3.{REGION}.amazonaws.com", f"*.s3.{REGION}.amazonaws.com"])
    ids: dict[str, str] = {}
    spokes = [_spoke(b, n, ids) for n in (1, 2)]
    _hub(b, ids, outbound_egress)
    _zones(b, ids, [*spokes, ids["hub"]] if zones_on_hub else spokes, parent_zone)
    for vpc in [*spokes, ids["hub"]]:
        b.resolver_rules.append(r.ResolverRuleAssociation(INTERNET_RESOLVER, vpc, ".", "RECURSIVE", "COMPLETE"))
    _address(b)
    for name, (domain, targets) in FORWARDING_RULES.items():
        ids[name] = _rule(b, domain, [spokes[n - 1] for n in rule_spokes], targets, ids["outbound"])
    if service_rule is not None:
        inbound = [b.enis[ids[f"inbound_eni{n}"]].private_ip_addresses[0] for n in (1, 2)]
        ids["service_rule"] = _rule(b, service_rule, [*spokes, ids["hub"]] if service_rule_on_hub else spokes,
                                    inbound if service_rule_to_inbound else ON_PREMISES_SERVERS, ids["outbound"])
    if dhcp_inbound is not None:
        servers = [b.enis[ids[f"inbound_eni{n}"]].private_ip_addresses[0] for n in (1, 2)]
        clients = [ids["hub"]] if dhcp_inbound == "hub" else spokes
        for vpc in clients:
            b.dhcp_options(vpc, servers, "ec2.internal")
        if admit_dhcp_clients:
            b.authorize(ids["inbound_sg"], ingress=[(p, lo, hi, b.vpcs[vpc].cidr_blocks[0])
                                                    for vpc in clients for p, lo, hi in DNS])
    return b.snapshot(), ids
