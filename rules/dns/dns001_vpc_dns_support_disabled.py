"""DNS001 vpc-dns-support-disabled."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from vpcaudit.engine.rule import Finding, Severity, evidence_dict, rule
from vpcaudit.network.dns import named_endpoints
from vpcaudit.rules._fixes import dns_attribute_steps
from vpcaudit.snapshot.model import Part

if TYPE_CHECKING:
    from vpcaudit.engine.context import RuleContext


@rule(id="DNS001", name="vpc-dns-support-disabled", severity=Severity.HIGH,
      needs=(Part.VPCS, Part.VPC_ATTRIBUTES, Part.VPC_ENDPOINTS, Part.HOSTED_ZONES),
      references=(
          "https://docs.aws.amazon.com/vpc/latest/userguide/vpc-dns.html#vpc-dns-support",
          "https://docs.aws.amazon.com/vpc/latest/userguide/vpc-dns-updating.html",
          "https://docs.aws.amazon.com/vpc/latest/privatelink/privatelink-access-aws-services.html",
          "https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/hosted-zone-private-considerations.html",
      ),
      seeds=("000", "001", "002", "004"))
def vpc_dns_support_disabled(ctx: RuleContext) -> Iterator[Finding]:
    """A VPC with endpoints or private hosted zones has `enableDnsSupport = false`.

    High when an interface (or Resource / ServiceNetwork) endpoint of the VPC has private DNS on,
    or a private hosted zone is associated with it: with the Amazon-provided resolver off, those
    names do not resolve at all. Medium when the VPC's endpoints all have private DNS off: their
    endpoint-specific names still need whatever DNS servers the instances were given.

    ## Why it matters
    `enableDnsSupport` switches on the Route 53 Resolver at the VPC's base address + 2 and at
    169.254.169.253. Private DNS of interface endpoints and private hosted zones are answered
    only by that resolver: with it off, SDKs calling `ssm.<region>.amazonaws.com` get the public
    answer from some other resolver (traffic leaves through NAT, or fails in an isolated subnet)
    or no answer at all, and names in your private zones stop resolving. AWS documents both VPC
    DNS attributes as required for private DNS and private hosted zones.

    ## How to fix
    Turn the Amazon-provided resolver back on (one attribute per call):

    ```
    aws ec2 modify-vpc-attribute --vpc-id <vpc-id> --enable-dns-support Value=true
    ```

    Private DNS also needs DNS hostnames (see DNS002):

    ```
    aws ec2 modify-vpc-attribute --vpc-id <vpc-id> --enable-dns-hostnames Value=true
    ```

    Check from an instance in the VPC that a service name now resolves to the endpoint's private
    addresses:

    ```
    nslookup ssm.<region>.amazonaws.com
    ```
    """
    view = ctx.view
    for vpc_id in sorted(view.vpcs):
        vpc = view.vpcs[vpc_id]
        endpoints = named_endpoints(view, vpc_id)
        zones = view.hosted_zones_of(vpc_id)
        if (not endpoints and not zones) or vpc.enable_dns_support:
            continue  # most VPCs: nothing to say, so no resource to describe
        ref = ctx.ref("vpc", vpc_id, vpc_id, view.name_of(vpc.tags))
        if vpc.enable_dns_support is None:
            yield ctx.not_evaluated(ref, f"enableDnsSupport of {vpc_id} could not be read (DescribeVpcAttribute)")
            continue
        private_dns = [e for e in endpoints if e.private_dns_enabled]
        evidence = evidence_dict(
            enable_dns_support=False,
            private_dns_endpoints=[f"{e.vpc_endpoint_id} ({view.service(e).key})" for e in private_dns] or None,
            endpoints_without_private_dns=[e.vpc_endpoint_id for e in endpoints if not e.private_dns_enabled] or None,
            private_hosted_zones=[f"{z.hosted_zone_id} ({z.name})" for z in zones] or None)
        if private_dns or zones:
            what = []
            if private_dns:
                what.append("private DNS of " + ", ".join(
                    f"{e.vpc_endpoint_id} ({view.service(e).key})" for e in private_dns))
            if zones:
                what.append("private hosted zone(s) " + ", ".join(f"{z.name} ({z.hosted_zone_id})" for z in zones))
            yield ctx.finding(
                ref, f"{vpc_id} has enableDnsSupport = false, so the Amazon-provided resolver is off and "
                     f"{' and '.join(what)} cannot resolve: clients get public answers or none",
                severity=Severity.HIGH, evidence=evidence, fix=dns_attribute_steps(view, vpc_id, hostnames=False))
        else:
            ids = ", ".join(e.vpc_endpoint_id for e in endpoints)
            yield ctx.finding(
                ref, f"{vpc_id} has enableDnsSupport = false; its endpoints ({ids}) have private DNS off, so "
                     "their endpoint-specific names resolve only through the DNS servers the instances were "
                     "given, never through the Amazon-provided resolver",
                severity=Severity.MEDIUM, evidence=evidence, fix=dns_attribute_steps(view, vpc_id, hostnames=False))
