"""DNS005 dhcp-custom-dns-with-private-dns."""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from vpcaudit.engine.remedy import FixStep, Phase, new_id, step
from vpcaudit.engine.rule import Finding, ResourceRef, Severity, evidence_dict, rule
from vpcaudit.network.dns import INBOUND_RESOLVER_INTERFACE, named_endpoints
from vpcaudit.network.routing import parse_network
from vpcaudit.network.secgroups import Peer, allows_dns, covers, ingress
from vpcaudit.snapshot.model import Part

if TYPE_CHECKING:
    from vpcaudit.engine.context import RuleContext
    from vpcaudit.network.view import NetworkView
    from vpcaudit.snapshot import resources as r

AMAZON_PROVIDED = "amazonprovideddns"
# The Route 53 Resolver's link-local addresses (AWS: "Amazon DNS server").
RESOLVER_LINK_LOCAL = frozenset({ipaddress.ip_address("169.254.169.253"), ipaddress.ip_address("fd00:ec2::253")})
# How AWS describes a directory's domain-controller interfaces (Directory Service, "What gets created").
DIRECTORY_INTERFACE = re.compile(r"AWS created network interface for directory (d-[0-9a-f]{10})")
# moto reports the default options set as the literal "default"; AWS's default set is AmazonProvidedDNS.
DEFAULT_OPTIONS_IDS = frozenset({"", "default"})


@rule(id="DNS005", name="dhcp-custom-dns-with-private-dns", severity=Severity.MEDIUM,
      needs=(Part.VPCS, Part.DHCP_OPTIONS, Part.VPC_ENDPOINTS, Part.HOSTED_ZONES),
      references=(
          "https://docs.aws.amazon.com/vpc/latest/userguide/DHCPOptionSetConcepts.html",
          "https://docs.aws.amazon.com/vpc/latest/userguide/AmazonDNS-concepts.html",
          "https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/resolver-forwarding-inbound-queries.html",
          "https://docs.aws.amazon.com/vpc/latest/privatelink/privatelink-access-aws-services.html",
          "https://docs.aws.amazon.com/directoryservice/latest/admin-guide/ms_ad_getting_started_what_gets_created.html",
          "https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/resolver.html",
      ))
def dhcp_custom_dns_with_private_dns(ctx: RuleContext) -> Iterator[Finding]:
    """A VPC relying on private DNS or private hosted zones hands out DNS servers other than the Amazon resolver.

    Fires when the VPC has endpoints with private DNS on or associated private hosted zones, and
    its DHCP options set's `domain-name-servers` include neither `AmazonProvidedDNS` nor an
    address of the Amazon resolver itself (169.254.169.253, fd00:ec2::253, or the primary VPC
    CIDR's base + 2, which AWS documents as the same Route 53 Resolver). Servers that are this
    VPC's own AWS Directory Service domain controllers (interfaces described "AWS created network
    interface for directory d-…", with network interfaces collected) forward what they do not hold
    to the VPC resolver, AWS Managed Microsoft AD's default: then only private hosted zones inside
    the options set's domain name — which the controllers answer themselves — are reported, and
    the fix for stale servers hands out those controllers rather than AmazonProvidedDNS. Servers
    that are addresses of this VPC's own inbound Resolver endpoint, whose groups admit DNS from
    the VPC's workloads, are the VPC resolver reached another way ("The inbound endpoint sends
    the query to Route 53 Resolver at the VPC +2").

    ## Why it matters
    Endpoint private DNS and private hosted zones are answered only by the VPC's Route 53
    Resolver. Instances that use your own DNS servers see the endpoint's private addresses only
    if those servers forward the AWS service domains (and your private zones) to the VPC
    resolver or to a Route 53 Resolver inbound endpoint. Without that forwarding, SDK traffic
    silently resolves to public service addresses and goes out through NAT — or fails in
    isolated subnets — while the endpoints sit idle.

    ## How to fix
    Verify that the custom DNS servers forward `amazonaws.com` (and every private zone's domain)
    to a Route 53 Resolver inbound endpoint or to the VPC resolver. Or hand out the Amazon
    resolver first, keeping your servers for other names:

    ```
    aws ec2 create-dhcp-options --dhcp-configurations \\
        "Key=domain-name-servers,Values=AmazonProvidedDNS,<your-dns-server-ip>"
    aws ec2 associate-dhcp-options --dhcp-options-id <new-dopt-id> --vpc-id <vpc-id>
    ```

    Instances pick up the new servers when they renew their DHCP lease (or reboot). Check from
    an instance:

    ```
    nslookup ssm.<region>.amazonaws.com
    ```
    """
    view = ctx.view
    for vpc_id in sorted(view.vpcs):
        vpc = view.vpcs[vpc_id]
        private_dns = [e for e in named_endpoints(view, vpc_id) if e.private_dns_enabled]
        zones = view.hosted_zones_of(vpc_id)
        options_id = vpc.dhcp_options_id or ""
        if (not private_dns and not zones) or options_id in DEFAULT_OPTIONS_IDS:
            continue
        ref = ctx.ref("vpc", vpc_id, vpc_id, view.name_of(vpc.tags))
        options = view.dhcp_options.get(options_id)
        if options is None:
            yield ctx.not_evaluated(ref, f"DHCP options set {options_id} of {vpc_id} is not in the snapshot")
            continue
        if _uses_amazon_resolver(vpc, options):
            continue
        servers = ", ".join(options.domain_name_servers) or "none"
        if inbound_resolver_addresses(view, vpc_id) & set(options.domain_name_servers):
            continue  # this VPC's own inbound Resolver endpoint: the VPC resolver by another address
        controllers = directory_controllers(view, vpc_id)
        if controllers.keys() & set(options.domain_name_servers):
            # The directory's controllers forward what they do not hold to the VPC resolver, so the
            # endpoints' names resolve; a private zone inside the directory's domain never reaches it.
            yield from _zones_in_directory_domain(ctx, ref, options, controllers, zones)
            continue
        depends = []
        if private_dns:
            depends.append("private DNS of " + ", ".join(
                f"{e.vpc_endpoint_id} ({view.service(e).key})" for e in private_dns))
        if zones:
            depends.append("private hosted zone(s) " + ", ".join(z.name for z in zones))
        yield ctx.finding(
            ref, f"{vpc_id} uses DHCP options {options_id} whose domain-name-servers ({servers}) do not include "
                 f"AmazonProvidedDNS: {' and '.join(depends)} resolve for clients only if those servers forward "
                 "to the VPC resolver or an inbound Resolver endpoint — verify the forwarding",
            evidence=evidence_dict(
                dhcp_options_id=options_id, domain_name_servers=list(options.domain_name_servers),
                private_dns_endpoints=[e.vpc_endpoint_id for e in private_dns] or None,
                private_hosted_zones=[z.name for z in zones] or None),
            fix=_fix(vpc_id, options, sorted(controllers)))


def _zones_in_directory_domain(ctx: RuleContext, ref: ResourceRef, options: r.DhcpOptions,
                               controllers: dict[str, str], zones: tuple[r.HostedZone, ...]) -> Iterator[Finding]:
    """DHCP servers that are this VPC's domain controllers: only private zones inside the
    directory's domain (the options set's domain-name) fail to resolve — the controllers answer
    that domain themselves and never forward it."""
    domain = (options.domain_name or "").lower().rstrip(".")
    shadowed = [z.name for z in zones if domain and _within(z.name, domain)]
    if not shadowed:
        return
    servers = list(options.domain_name_servers)
    directories = ", ".join(sorted({controllers[s] for s in servers if s in controllers}))
    message = (f"{ref.vpc_id} uses DHCP options {options.dhcp_options_id} whose domain-name-servers "
               f"({', '.join(servers)}) are the domain controllers of directory {directories} in this VPC: they "
               f"forward other names to the VPC resolver but answer {domain} themselves, so private hosted zone(s) "
               f"{', '.join(shadowed)} inside it never resolve for clients — add a conditional forwarder for them on "
               "the directory, or move the records into the directory's DNS")
    yield ctx.finding(
        ref, message,
        evidence=evidence_dict(dhcp_options_id=options.dhcp_options_id, domain_name_servers=servers,
                               directory=directories, private_hosted_zones=shadowed))


def _fix(vpc_id: str, options: r.DhcpOptions, controllers: list[str]) -> list[FixStep]:
    """A new options set with AmazonProvidedDNS first and the custom servers after it — or, where
    the VPC holds a directory's domain controllers, those controllers: they forward to the VPC
    resolver and also answer the directory's domain, which AmazonProvidedDNS does not know."""
    servers = controllers or ["AmazonProvidedDNS", *options.domain_name_servers]
    configurations = [{"Key": "domain-name-servers", "Values": servers}]
    if options.domain_name:
        configurations.append({"Key": "domain-name", "Values": [options.domain_name]})
    why = ("verify first whether the custom servers already forward the AWS service domains and private zones to the "
           "VPC resolver; instances pick up a new options set only when they renew their DHCP lease")
    label = f"dhcp-options-{vpc_id}"
    handed = "its directory's domain controllers" if controllers else "AmazonProvidedDNS first"
    return [step("ec2:CreateDhcpOptions", {"DhcpConfigurations": configurations}, vpc_id, Phase.CREATE,
                 f"Create a DHCP options set for {vpc_id} that hands out {handed}", decision=why,
                 creates=label, output="DhcpOptions.DhcpOptionsId"),
            step("ec2:AssociateDhcpOptions", {"DhcpOptionsId": new_id(label), "VpcId": vpc_id}, vpc_id, Phase.ASSOCIATE,
                 f"Use the new DHCP options set in {vpc_id} instead of {options.dhcp_options_id}", decision=why)]


def directory_controllers(view: NetworkView, vpc_id: str) -> dict[str, str]:
    """Private address → directory id of the AWS Directory Service domain controllers in the VPC:
    interfaces AWS describes "AWS created network interface for directory <directory-id>" (its
    "What gets created" page). Their default DNS forwarder is the VPC resolver at CIDR+2, so as DHCP
    servers they answer the endpoints' private names. Empty when interfaces were not collected."""
    if not view.has(Part.NETWORK_INTERFACES):
        return {}
    return view.memo(_directory_controllers_by_vpc).get(vpc_id, {})


def _directory_controllers_by_vpc(view: NetworkView) -> dict[str, dict[str, str]]:
    out: dict[str, dict[str, str]] = {}
    for eni in view.interfaces.values():
        match = DIRECTORY_INTERFACE.fullmatch(eni.description)
        if match:
            out.setdefault(eni.vpc_id, {}).update((address, match.group(1)) for address in eni.private_ip_addresses)
    return out


def inbound_resolver_addresses(view: NetworkView, vpc_id: str) -> frozenset[str]:
    """Addresses of this VPC's inbound Route 53 Resolver endpoint (interfaces described "Route 53
    Resolver: rslvr-in-…:rni-…") whose security groups admit DNS (TCP or UDP 53) from the VPC's
    own workloads. "The inbound endpoint sends the query to Route 53 Resolver at the VPC +2": as
    DHCP servers they answer with this VPC's endpoints and zones. Empty when interfaces were not
    collected; an endpoint of another VPC answers in that VPC's context and does not count."""
    if not view.has(Part.NETWORK_INTERFACES, Part.SECURITY_GROUPS):
        return frozenset()
    inbound = view.memo(_inbound_resolver_interfaces_by_vpc).get(vpc_id, ())
    if not inbound:
        return frozenset()
    vpc = view.vpcs.get(vpc_id)
    workloads = Peer(vpc.cidr_blocks if vpc else (),
                     frozenset(g for eni in view.workload_enis(vpc_id) for g in eni.group_ids))
    out: set[str] = set()
    for eni in inbound:
        groups = [view.security_groups[g] for g in eni.group_ids if g in view.security_groups]
        if any(allows_dns(rule) and covers(view, rule, workloads) for group in groups for rule in ingress(group)):
            out.update(eni.private_ip_addresses)
    return frozenset(out)


def _inbound_resolver_interfaces_by_vpc(view: NetworkView) -> dict[str, tuple[r.NetworkInterface, ...]]:
    out: dict[str, list[r.NetworkInterface]] = {}
    for eni in view.interfaces.values():
        if INBOUND_RESOLVER_INTERFACE.fullmatch(eni.description):
            out.setdefault(eni.vpc_id, []).append(eni)
    return {k: tuple(v) for k, v in out.items()}


def _within(zone: str, domain: str) -> bool:
    name = zone.lower().rstrip(".")
    return name == domain or name.endswith("." + domain)


def _uses_amazon_resolver(vpc: r.Vpc, options: r.DhcpOptions) -> bool:
    """AmazonProvidedDNS by name, or one of the addresses AWS documents for the same resolver."""
    resolver = set(RESOLVER_LINK_LOCAL)
    primary = parse_network(vpc.cidr_blocks[0]) if vpc.cidr_blocks else None
    if primary is not None:
        resolver.add(primary.network_address + 2)
    for server in options.domain_name_servers:
        if server.strip().lower() == AMAZON_PROVIDED:
            return True
        try:
            if ipaddress.ip_address(server.strip()) in resolver:
                return True
        except ValueError:
            continue
    return False
