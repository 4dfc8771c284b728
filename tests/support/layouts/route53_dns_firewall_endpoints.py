"""A Route 53 Resolver DNS Firewall "walled garden" rule group associated with a VPC whose instances
call AWS services through interface endpoints with private DNS (us-east-1).

Sources:

- the Route 53 Developer Guide's "Getting started with Route 53 Resolver DNS Firewall", section
  "Route 53 Resolver DNS Firewall walled garden example"
  (https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/resolver-dns-firewall-getting-started.html;
  as archived in awsdocs/amazon-route53-docs@b6a8f0c, 2023-05-19,
  ``doc_source/resolver-dns-firewall-getting-started.md``): a rule group ``WalledGardenExample``
  with a rule ``BlockAll`` (own domain list ``AllDomains`` holding the single entry ``*``, action
  BLOCK, the default response NODATA) and a rule ``AllowSelectDomains`` (domain list
  ``ExampleDomains``: ``example.com``, ``example.org``; action ALLOW), reordered so that the ALLOW
  rule is evaluated first; "to add all of the example.com's subdomains, add *.example.com to the
  list"; then associated with the VPCs to filter;
- the guide's "Route 53 Resolver DNS Firewall" (resolver-dns-firewall.html, same archive): DNS
  Firewall "can also ... block resolution requests to resources in private hosted zones (shared or
  local) including VPC endpoint names";
- "How Route 53 Resolver DNS Firewall works" (resolver-dns-firewall-overview.html): rules and
  associated rule groups are evaluated from the lowest numeric priority up, the first match ends
  the evaluation, a query that matches nothing is answered as normal; by default Resolver fails
  closed when DNS Firewall does not answer;
- "Rule actions in DNS Firewall" (resolver-dns-firewall-rule-actions.html): ALLOW, ALERT, BLOCK
  with NODATA, NXDOMAIN or OVERRIDE;
- "DNS Firewall VPC configuration" (resolver-dns-firewall-vpc-configuration.html): fail closed by
  default, a blocked query then answered ``SERVFAIL``; ``FirewallFailOpen`` through
  UpdateFirewallConfig / ListFirewallConfigs;
- botocore's route53resolver model (``FirewallRule``, ``FirewallRuleGroupAssociation``,
  ``FirewallConfig`` with ``FirewallFailOpen`` ENABLED | DISABLED | USE_LOCAL_RESOURCE_SETTING;
  ListFirewallRuleGroupAssociations, ListFirewallRules, ListFirewallDomains), whose field names
  ``dns_firewall()`` uses.

The guide's allow list names ``example.com`` and ``example.org`` only. The walled garden here adds
``*.amazonaws.com`` (and ``amazonaws.com``, since a wildcard entry matches subdomains only, as the
guide's note says), the entry a VPC with interface endpoints needs: the endpoints' private DNS
names (``ssm.us-east-1.amazonaws.com`` …) are private-hosted-zone names DNS Firewall filters like
any other. The current page "Using DNS Firewall to filter outbound DNS traffic"
(resolver-dns-firewall.html, read 2026-12-07) keeps that sentence ("including VPC endpoint
names"). Assumed: the endpoints' private DNS names are answered with A records, and
``ssmmessages.us-east-1.amazonaws.com``'s public answer redirects (CNAME) to nothing outside
``amazonaws.com``, so the rules' default ``INSPECT_REDIRECTION_DOMAIN`` sees no other name.

Built (``build()``), all assumed where the guide is silent (it builds no VPC): VPC 10.0.0.0/16
``walled-garden``, DNS support and hostnames on (private DNS needs both); public subnets
10.0.0.0/24 (us-east-1a, use1-az1) and 10.0.1.0/24 (us-east-1b, use1-az2) on a table to the
internet gateway, a NAT gateway in each (the approved outside domains are reached through them);
private subnets 10.0.10.0/24 and 10.0.11.0/24, each on its own table sending 0.0.0.0/0 to its
AZ's NAT gateway, with the S3 gateway endpoint on both; the interface endpoints ssm, ssmmessages,
ec2messages and logs (Session Manager and the CloudWatch agent) in both private subnets, private
DNS on, AWS's default policy, behind ``vpc-endpoints`` (TCP 443 from 10.0.0.0/16); one instance
per private subnet in ``app`` (no ingress, all traffic out); the default NACL; no flow log.
Resolver: the VPC lists the autodefined "Internet Resolver" rule (RECURSIVE, ``.``) as
``ListResolverRuleAssociations`` reports it, and nothing else.

The DNS Firewall side (``dns_firewall()``), which no snapshot part holds: the rule group
``WalledGardenExample`` associated with the VPC (association priority 101, mutation protection
off, ``COMPLETE``), ``AllowSelectDomains`` at priority 100 and ``BlockAll`` at 200 (the console
numbers are not given; assumed), the VPC's ``FirewallFailOpen`` left ``DISABLED`` (fail closed,
the default). Resolver ids in AWS's form (``rslvr-frg-…``, ``rslvr-fdl-…``, ``rslvr-frgassoc-…``),
digits assumed.

The network interfaces as DescribeNetworkInterfaces reports them: the endpoints' typed
``vpc_endpoint`` (botocore's ``NetworkInterfaceType``), requester-managed, described ``VPC
Endpoint Interface <vpce id>``, no tags, attached to no instance; the NAT gateways' typed
``natGateway``, requester-managed, described ``Interface for NAT Gateway <nat id>``; the instances'
typed ``interface``, not requester-managed, no description, attached to their instance. DNS
Firewall places no interface in the VPC (it is a feature of the VPC's Resolver; the guide:
"doesn't require any additional Resolver setup").

Near misses (keyword options of ``build()`` and ``dns_firewall()``):

- ``allow_aws=False``: the guide's allow list as published (``example.com``, ``example.org``):
  every AWS service name — the endpoints' private DNS names first — matches ``BlockAll`` and is
  answered NODATA; the SSM agent and the CloudWatch agent cannot resolve their endpoints;
- ``block_first=True``: the reordering step skipped, ``BlockAll`` at 100 before
  ``AllowSelectDomains`` at 200: every query is blocked, the allowed domains too;
- ``private_dns_off=("ssmmessages",)``: the ssmmessages endpoint created with private DNS off
  (the walled garden unchanged): ``ssmmessages.us-east-1.amazonaws.com`` resolves to the public
  service addresses (allowed by ``*.amazonaws.com``) and Session Manager's channel leaves through
  the NAT gateways.
"""

from __future__ import annotations

from dataclasses import replace

from aws_layout import ALL_OUT, AwsRegionBuilder

from vpcaudit.snapshot import resources as r
from vpcaudit.snapshot.model import Snapshot

ACCOUNT = "123456789012"
REGION = "us-east-1"
AZ_IDS = ("use1-az1", "use1-az2")
SERVICES = ("ssm", "ssmmessages", "ec2messages", "logs")
# The autodefined "Internet Resolver" rule ListResolverRuleAssociations lists for every VPC.
INTERNET_RESOLVER = "rslvr-autodefined-rr-internet-resolver"
RULE_GROUP = "rslvr-frg-4b1e0c7d9a2f6e35"  # digits assumed
ASSOCIATION = "rslvr-frgassoc-8c2d5f1a7e3b9046"
ALL_DOMAINS = "rslvr-fdl-1f6a3c9e0b7d2458"  # "AllDomains": "*"
EXAMPLE_DOMAINS = "rslvr-fdl-6d0b8e2c4a9f1375"  # "ExampleDomains"
GUIDE_ALLOW_LIST = ("example.com", "example.org")
AWS_ALLOW_ENTRIES = ("amazonaws.com", "*.amazonaws.com")


def dns_firewall(vpc_id: str, *, allow_aws: bool = True, block_first: bool = False) -> dict[str, object]:
    """What route53resolver's List* calls would answer for the VPC (botocore's field names);
    nothing of it is in the snapshot."""
    allow, block = (200, 100) if block_first else (100, 200)
    return {
        "FirewallRuleGroupAssociations": [{
            "Id": ASSOCIATION, "FirewallRuleGroupId": RULE_GROUP, "VpcId": vpc_id,
            "Name": "walled-garden", "Priority": 101, "MutationProtection": "DISABLED", "Status": "COMPLETE"}],
        "FirewallRules": [
            {"FirewallRuleGroupId": RULE_GROUP, "FirewallDomainListId": EXAMPLE_DOMAINS,
             "Name": "AllowSelectDomains", "Priority": allow, "Action": "ALLOW"},
            {"FirewallRuleGroupId": RULE_GROUP, "FirewallDomainListId": ALL_DOMAINS,
             "Name": "BlockAll", "Priority": block, "Action": "BLOCK", "BlockResponse": "NODATA"}],
        "FirewallDomains": {
            ALL_DOMAINS: ["*"],
            EXAMPLE_DOMAINS: [*GUIDE_ALLOW_LIST, *(AWS_ALLOW_ENTRIES if allow_aws else ())]},
        "FirewallConfigs": [{"ResourceId": vpc_id, "OwnerId": ACCOUNT, "FirewallFailOpen": "DISABLED"}],
    }


def _matches(name: str, entry: str) -> bool:
    """A domain list entry against a query name: ``*`` matches every name, ``*.d`` the names
    below ``d`` (not ``d`` itself), anything else the name exactly."""
    if entry == "*":
        return True
    if entry.startswith("*."):
        return name.endswith(entry[1:])
    return name == entry


def firewall_answer(firewall: dict[str, object], name: str) -> str:
    """The first matching rule's action (``BLOCK/NODATA`` for a block), ``NONE`` when nothing
    matches and Resolver answers as normal: the overview's evaluation order, one rule group."""
    rules = sorted(firewall["FirewallRules"], key=lambda rule: rule["Priority"])  # type: ignore[index]
    domains = firewall["FirewallDomains"]
    for rule in rules:
        if any(_matches(name.rstrip(".").lower(), e) for e in domains[rule["FirewallDomainListId"]]):  # type: ignore[index]
            return rule["Action"] if rule["Action"] != "BLOCK" else f"BLOCK/{rule['BlockResponse']}"
    return "NONE"


def build(*, allow_aws: bool = True, block_first: bool = False, private_dns_off: tuple[str, ...] = ()
          ) -> tuple[Snapshot, dict[str, str]]:
    """The layout (module docstring). ``allow_aws`` and ``block_first`` change only the DNS Firewall
    rule group, which the snapshot does not hold: the snapshot is the canonical one for them."""
    del allow_aws, block_first  # DNS Firewall is not collected: nothing in the snapshot changes
    b = AwsRegionBuilder(ACCOUNT, REGION, AZ_IDS)
    vpc = b.vpc("10.0.0.0/16", name="walled-garden", dns_support=True, dns_hostnames=True)
    ids = {"vpc": vpc, "igw": b.igw(vpc)}
    public = [b.subnet(vpc, f"10.0.{k - 1}.0/24", az=k, name=f"public-{k}") for k in (1, 2)]
    private = [b.subnet(vpc, f"10.0.{9 + k}.0/24", az=k, name=f"private-{k}") for k in (1, 2)]
    ids["public_rt"] = b.route_table(vpc, subnets=public, routes={"0.0.0.0/0": ids["igw"]}, name="public")
    tables = []
    for k, (pub, priv) in enumerate(zip(public, private, strict=True), start=1):
        ids[f"public{k}"], ids[f"private{k}"] = pub, priv
        ids[f"nat{k}"] = b.nat(pub)
        ids[f"private_rt{k}"] = b.route_table(vpc, subnets=[priv], routes={"0.0.0.0/0": ids[f"nat{k}"]},
                                              name=f"private-{k}")
        tables.append(ids[f"private_rt{k}"])
    ids["s3"] = b.gateway_endpoint(vpc, "s3", route_tables=tables)

    ids["endpoint_sg"] = b.security_group(vpc, name="vpc-endpoints", ingress=[("tcp", 443, 443, "10.0.0.0/16")])
    for key in SERVICES:
        ids[key] = b.interface_endpoint(vpc, key, subnets=private, groups=[ids["endpoint_sg"]],
                                        private_dns=key not in private_dns_off)
    ids["app_sg"] = b.security_group(vpc, name="app", egress=[ALL_OUT])
    for k, subnet in enumerate(private, start=1):
        eni = ids[f"app{k}"] = b.workload(subnet, groups=[ids["app_sg"]])
        b.enis[eni] = replace(b.enis[eni], instance_id=b.new_id("i"))
    b.resolver_rules.append(r.ResolverRuleAssociation(INTERNET_RESOLVER, vpc, ".", "RECURSIVE", "COMPLETE", ()))
    return b.snapshot(), ids
