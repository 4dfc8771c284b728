"""Centralized interface endpoints whose names reach the spokes through a Route 53 Profile.

https://aws.amazon.com/blogs/networking-and-content-delivery/streamline-dns-management-for-aws-privatelink-deployment-with-amazon-route-53-profiles
(Ankush Goyal, Kunj Thacker, Salman Ahmed; 18 February 2025)
https://aws.amazon.com/blogs/aws/unify-dns-management-using-amazon-route-53-profiles-with-multiple-vpcs-and-aws-accounts/
(the launch post, April 2024)
https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/profile-associate-private-hz.html
https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/profile-associate-vpcs.html
https://docs.aws.amazon.com/Route53/latest/APIReference/API_ListHostedZonesByVPC.html
https://docs.aws.amazon.com/Route53/latest/APIReference/API_GetHostedZone.html

The landing zone of ``hub_interface_endpoints.build_multi_account`` (us-east-1), with the one
change the blog makes: the per-service private hosted zones are no longer associated with every
spoke VPC one by one. A network account (111122223333) holds the shared-services VPC
(10.100.0.0/16) with the interface endpoints for ssm, ssmmessages, ec2messages, kms, logs and
sts in two AZs, **private DNS off**, and for each service a private hosted zone named after its
hostname (``ssm.us-east-1.amazonaws.com``) with an alias A record at the apex to the endpoint's
Regional DNS name. Each zone is associated with the hub VPC (a private zone is created with one
VPC of its owner's) and with a Route 53 Profile; the Profile is shared through AWS RAM with the
two workload accounts, which associate it with their VPCs (10.1.0.0/16, 10.2.0.0/16). Those
spokes reach the hub over the transit gateway as in the whitepaper layout.

What the snapshot holds, account by account, is what Route 53 answers each collection:
``ListHostedZonesByVPC`` "does not reflect the hosted zone associations to VPCs via Route 53
Profiles" and ``GetHostedZone`` "does not reflect the VPC associations by Route 53 Profiles"
(Route 53 API Reference). So the network account records each zone with the hub VPC alone, and
the workload accounts record no zone at all. vpcaudit collects no Profile (no
``route53profiles:ListProfileAssociations`` / ``ListProfileResourceAssociations``), so nothing
in the snapshot says that the spokes resolve the service names to the hub.

Assumptions: the blog's account and VPC numbering is not given, so the whitepaper layout's is
kept; the Profile carries the zones only (no Resolver rule, no DNS Firewall rule group, and none
of the interface endpoints themselves, which Profiles now also accept); the zones stay associated
with the hub VPC so that the hub's own clients resolve the names too.
"""

from __future__ import annotations

from dataclasses import replace
from enum import Enum

from aws_layout import AwsRegionBuilder
from builders import multi_account_snapshot

from layouts import hub_interface_endpoints as hub_layout
from vpcaudit.snapshot.model import Snapshot

# The whitepaper layout's accounts, Region and services, unchanged.
NETWORK_ACCOUNT = hub_layout.NETWORK_ACCOUNT
WORKLOAD_ACCOUNTS = hub_layout.WORKLOAD_ACCOUNTS
REGION = hub_layout.REGION
SERVICES = hub_layout.SERVICES
AZS = ("use1-az1", "use1-az2")


class Variant(Enum):
    """The published layout and the near misses rebuilt from it."""

    CANONICAL = "canonical"
    # The Profile left unassociated with the second spoke (its VPC created after the rollout).
    PROFILE_NOT_ON_SPOKE2 = "profile-not-on-spoke2"
    # The hub's kms endpoint deleted; its zone, still in the Profile, aliases the deleted endpoint.
    STALE_KMS_RECORD = "stale-kms-record"
    # The first spoke also keeps its own sts endpoint, private DNS off like the hub's (a copy of
    # the hub's module), expecting the Profile to send sts to it.
    SPOKE_STS_PRIVATE_DNS_OFF = "spoke-sts-private-dns-off"
    # The first spoke keeps its own ssm endpoint from before the Profile, private DNS on.
    SPOKE_SSM_PRIVATE_DNS_ON = "spoke-ssm-private-dns-on"


def profile_vpcs(variant: Variant, ids: dict[str, str]) -> tuple[str, ...]:
    """The spoke VPCs the Profile is associated with (AWS's view; the snapshot holds none of it)."""
    spokes = ("spoke1",) if variant is Variant.PROFILE_NOT_ON_SPOKE2 else ("spoke1", "spoke2")
    return tuple(ids[s] for s in spokes)


def build(variant: Variant = Variant.CANONICAL) -> tuple[Snapshot, dict[str, str]]:
    network = AwsRegionBuilder(NETWORK_ACCOUNT, REGION, AZS)
    hub, ids = hub_layout._hub(network)
    hub_layout._zones(network, ids, [hub])  # the hub VPC only: the spokes get the zones through the Profile
    if variant is Variant.STALE_KMS_RECORD:
        kms = ids["kms"]
        network.endpoints[kms] = replace(network.endpoints[kms], state="deleted")
    workloads = []
    for n, account in enumerate(WORKLOAD_ACCOUNTS, start=1):
        b = AwsRegionBuilder(account, REGION, AZS)
        spoke = ids[f"spoke{n}"] = hub_layout._spoke(b, n)
        if n == 1 and variant in (Variant.SPOKE_STS_PRIVATE_DNS_OFF, Variant.SPOKE_SSM_PRIVATE_DNS_ON):
            private = sorted(s.subnet_id for s in b.subnets.values() if s.cidr_block in ("10.1.1.0/24", "10.1.2.0/24"))
            group = b.security_group(spoke, name="spoke-endpoints", ingress=[("tcp", 443, 443, "10.1.0.0/16")])
            service = "sts" if variant is Variant.SPOKE_STS_PRIVATE_DNS_OFF else "ssm"
            ids[f"spoke1-{service}"] = b.interface_endpoint(
                spoke, service, subnets=private, groups=[group],
                private_dns=variant is Variant.SPOKE_SSM_PRIVATE_DNS_ON)
        workloads.append(b)  # no zone: ListHostedZonesByVPC leaves the Profile's out
    return multi_account_snapshot(network, *workloads), ids

