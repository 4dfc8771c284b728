"""DNS002 vpc-dns-hostnames-disabled."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from vpcaudit.engine.rule import Finding, Severity, evidence_dict, rule
from vpcaudit.network.dns import named_endpoints
from vpcaudit.rules._fixes import dns_attribute_steps
from vpcaudit.snapshot.model import Part

if TYPE_CHECKING:
    from vpcaudit.engine.context import RuleContext


@rule(id="DNS002", name="vpc-dns-hostnames-disabled", severity=Severity.HIGH,
      needs=(Part.VPCS, Part.VPC_ATTRIBUTES, Part.VPC_ENDPOINTS, Part.HOSTED_ZONES),
      references=(
          "https://docs.aws.amazon.com/vpc/latest/userguide/vpc-dns.html#vpc-dns-support",
          "https://docs.aws.amazon.com/vpc/latest/userguide/vpc-dns-updating.html",
          "https://docs.aws.amazon.com/vpc/latest/privatelink/privatelink-access-aws-services.html",
          "https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/hosted-zone-private-considerations.html",
      ),
      seeds=("000", "001", "002", "004"))
def vpc_dns_hostnames_disabled(ctx: RuleContext) -> Iterator[Finding]:
    """A VPC has an endpoint with private DNS on, or a private hosted zone, while `enableDnsHostnames = false`.

    Counts interface, Resource and ServiceNetwork endpoints that are not failed or deleted.

    ## Why it matters
    AWS documents `enableDnsHostnames` and `enableDnsSupport` as both required for the private
    DNS of interface endpoints and for private hosted zones. With DNS hostnames off the
    configuration is unsupported: the default service hostname (`ssm.<region>.amazonaws.com`)
    may resolve to the public service addresses instead of the endpoint, so traffic leaves
    through NAT (paid per GB) or fails in isolated subnets, and records of your private zones
    may not be answered.

    ## How to fix
    Turn DNS hostnames on (the resolver must be on too — see DNS001):

    ```
    aws ec2 modify-vpc-attribute --vpc-id <vpc-id> --enable-dns-hostnames Value=true
    aws ec2 modify-vpc-attribute --vpc-id <vpc-id> --enable-dns-support Value=true
    ```

    Then confirm from an instance in the VPC that the service name resolves to the endpoint's
    private addresses:

    ```
    nslookup ssm.<region>.amazonaws.com
    ```
    """
    view = ctx.view
    for vpc_id in sorted(view.vpcs):
        vpc = view.vpcs[vpc_id]
        private_dns = [e for e in named_endpoints(view, vpc_id) if e.private_dns_enabled]
        zones = view.hosted_zones_of(vpc_id)
        if (not private_dns and not zones) or vpc.enable_dns_hostnames:
            continue  # most VPCs: nothing to say, so no resource to describe
        ref = ctx.ref("vpc", vpc_id, vpc_id, view.name_of(vpc.tags))
        if vpc.enable_dns_hostnames is None:
            yield ctx.not_evaluated(ref, f"enableDnsHostnames of {vpc_id} could not be read (DescribeVpcAttribute)")
            continue
        what = []
        if private_dns:
            what.append("endpoint(s) with private DNS on: " + ", ".join(
                f"{e.vpc_endpoint_id} ({view.service(e).key})" for e in private_dns))
        if zones:
            what.append("private hosted zone(s) " + ", ".join(f"{z.name} ({z.hosted_zone_id})" for z in zones))
        yield ctx.finding(
            ref, f"{vpc_id} has enableDnsHostnames = false beside {' and '.join(what)}: AWS requires both DNS "
                 "attributes for private DNS, so the default hostnames may not resolve to the endpoint",
            evidence=evidence_dict(
                enable_dns_hostnames=False,
                private_dns_endpoints=[f"{e.vpc_endpoint_id} ({view.service(e).key})" for e in private_dns] or None,
                private_hosted_zones=[f"{z.hosted_zone_id} ({z.name})" for z in zones] or None),
            fix=dns_attribute_steps(view, vpc_id, hostnames=True))
