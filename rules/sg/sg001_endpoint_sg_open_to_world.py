"""SG001 endpoint-sg-open-to-world."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from vpcaudit.engine.controls import security_hub
from vpcaudit.engine.remedy import FixStep
from vpcaudit.engine.rule import Finding, Severity, evidence_dict, rule
from vpcaudit.network.secgroups import (
    describe_ports,
    endpoint_label,
    endpoints_by_group,
    ingress,
    is_world,
    peer_label,
    remote_routes,
    rule_cidr,
)
from vpcaudit.rules._fixes import authorize_clients, revoke_ingress
from vpcaudit.snapshot.model import Part

if TYPE_CHECKING:
    from vpcaudit.engine.context import RuleContext
    from vpcaudit.network.view import NetworkView
    from vpcaudit.snapshot import resources as r


@rule(id="SG001", name="endpoint-sg-open-to-world", severity=Severity.HIGH,
      needs=(Part.VPC_ENDPOINTS, Part.SECURITY_GROUPS, Part.ROUTE_TABLES),
      references=(
          "https://docs.aws.amazon.com/vpc/latest/privatelink/create-interface-endpoint.html",
          "https://docs.aws.amazon.com/vpc/latest/userguide/security-group-rules.html",
          "https://repost.aws/knowledge-center/security-network-acl-vpc-endpoint",
          "https://docs.aws.amazon.com/transfer/latest/userguide/create-server-in-vpc.html",
          "https://repost.aws/knowledge-center/aws-sftp-endpoint-type",
      ),
      seeds=("001",),
      controls=(
          security_hub("EC2.18",
                       "Security groups should only allow unrestricted incoming traffic for authorized ports"),
      ))
def endpoint_sg_open_to_world(ctx: RuleContext) -> Iterator[Finding]:
    """A security group attached to an interface endpoint (AWS service or PrivateLink service)
    allows inbound traffic from `0.0.0.0/0` or `::/0`. High when the VPC has active routes to
    peered VPCs, transit gateways, Cloud WAN or virtual private gateways (VPN, Direct Connect),
    medium otherwise. One finding per security group, listing its endpoints.

    The message says what the world-open rules expose. An endpoint whose network interfaces
    carry public IPv4 addresses — an internet-facing AWS Transfer Family server's Elastic IPs — is
    open to the internet through them when a rule admits `0.0.0.0/0`: the message names them. One
    whose interfaces are recorded without public addresses, and every AWS service's endpoint, is
    open to the networks routed to the VPC. In a snapshot written before interfaces' public
    addresses were recorded (or without network interfaces), a PrivateLink service's endpoint may
    carry Elastic IPs unseen, and the message says so. Public addresses leave the severity as it
    is: an internet-facing server open to the world is exposed as every server of Transfer
    Family's public endpoint type is ("publicly accessible", no source allow list), its users
    still authenticating; the finding asks for the allow list AWS advises.

    ## Why it matters
    An AWS service's endpoint interfaces have no public address, so this is not internet exposure: it
    means every network routed to the VPC — peered VPCs, TGW spokes, on-premises networks over
    VPN or Direct Connect — can use the endpoint, and through it the service with whatever
    credentials it holds. The seed documents list "endpoint security group allows 0.0.0.0/0"
    among the common security mistakes; the endpoint policy is then the only control left. An
    internet-facing Transfer Family server's endpoint "is accessible over the internet only to
    clients whose source IP addresses are allowed" in its groups (the Transfer Family guide): open
    to the world, anyone on the internet can try its users' credentials.

    ## How to fix
    Replace the world-open rule with the client sources: the client security groups (best),
    or the VPC / client subnet CIDRs, on the service port only:

    ```
    aws ec2 authorize-security-group-ingress --group-id <endpoint-sg-id> \\
        --ip-permissions 'IpProtocol=tcp,FromPort=443,ToPort=443,UserIdGroupPairs=[{GroupId=<client-sg-id>}]'
    aws ec2 revoke-security-group-ingress --group-id <endpoint-sg-id> \\
        --security-group-rule-ids <open-rule-id>
    ```

    For an endpoint with public addresses, allow its internet clients' public ranges before
    revoking: the revoke step waits for that decision.

    ## Controls
    Security Hub EC2.18 fails security groups open to the world on ports other than its
    authorized ones, which are TCP 80 and 443 by default: an endpoint group open to `0.0.0.0/0`
    on 443 passes EC2.18. vpcaudit fires on it, because an endpoint's clients are known (the
    VPC and the networks routed to it) and nothing else needs to reach it.
    """
    view = ctx.view
    for group_id, endpoints in endpoints_by_group(view).items():
        vpc_id = endpoints[0].vpc_id
        group = view.security_groups.get(group_id)
        labels = ", ".join(endpoint_label(view, e) for e in endpoints)
        if group is None:
            yield ctx.not_evaluated(ctx.ref("security-group", group_id, vpc_id),
                                    f"{group_id} is attached to {labels} but was not collected")
            continue
        open_rules = [x for x in ingress(group) if is_world(rule_cidr(x))]
        if not open_rules:
            continue
        opened = ", ".join(f"{describe_ports(x)} from {peer_label(x)}" for x in open_rules)
        public = {e.vpc_endpoint_id: view.endpoint_public_addresses(e) for e in endpoints}
        internet = any(public.values()) and any(x.cidr_ipv4 for x in open_rules)
        remote = remote_routes(view, vpc_id)
        ref = ctx.ref("security-group", group_id, vpc_id, group.group_name or view.name_of(group.tags))
        if remote:
            shown = sorted({f"{route.target_id} ({route.destination})" for _, route in remote})
            reach = (f"VPC {vpc_id} routes to {', '.join(shown[:5])}{' …' if len(shown) > 5 else ''}, so those "
                     "networks (peered VPCs, transit gateway spokes, VPN / Direct Connect) can reach the endpoints")
        else:
            reach = (f"VPC {vpc_id} has no peering, transit gateway, Cloud WAN or VPN route today, but any network "
                     "routed to it later can reach the endpoints")
        yield ctx.finding(
            ref,
            f"Security group {group_id}, attached to interface endpoint(s) {labels}, allows inbound {opened}: "
            f"{reach}. {_exposure(view, endpoints, public, internet=internet)}",
            severity=Severity.HIGH if remote else Severity.MEDIUM,
            evidence=evidence_dict(endpoints=[e.vpc_endpoint_id for e in endpoints],
                                   open_rules=[f"{x.rule_id}: {describe_ports(x)} from {peer_label(x)}"
                                               for x in open_rules],
                                   remote_routes=[f"{rt}: {route.destination} → {route.target_id}"
                                                  for rt, route in remote],
                                   public_addresses=[a for found in public.values() for a in found or ()] or None),
            fix=_fix(ctx, group, open_rules, endpoints, remote=bool(remote), internet=internet))


def _fix(ctx: RuleContext, group: r.SecurityGroup, open_rules: list[r.SecurityGroupRule],
         endpoints: tuple[r.VpcEndpoint, ...], *, remote: bool, internet: bool) -> list[FixStep]:
    """Admit the VPC's clients on the service ports, then revoke the world-open rules — after a
    decision when others may be meant to use the endpoints: internet clients of public addresses
    (whose ranges only a person knows), or networks routed to the VPC."""
    ports = frozenset(p for e in endpoints for p in ctx.view.service(e).ports)
    decision = None
    if not all(ctx.view.service(e).ports for e in endpoints):
        decision = "the port of a PrivateLink service among the endpoints is unknown: allow it from the clients first"
    elif internet:
        decision = ("internet clients reach the endpoints through their public addresses: allow those clients' "
                    "public ranges first")
    elif remote:
        decision = ("networks routed to the VPC (peering, transit gateway, VPN) may be meant to use the endpoints: "
                    "allow their CIDRs first")
    steps = [s for s in (authorize_clients(ctx.view, group, ports),) if s is not None]
    return [*steps, revoke_ingress(group.group_id, open_rules, "open to the world", decision=decision)]


def _exposure(view: NetworkView, endpoints: tuple[r.VpcEndpoint, ...],
              public: dict[str, tuple[str, ...] | None], *, internet: bool) -> str:
    """What the open rules expose. The internet, when an endpoint's interfaces carry public IPv4
    addresses (an internet-facing AWS Transfer Family server's Elastic IPs) and a rule is open to
    0.0.0.0/0: the sentence names them. Otherwise the networks routed to the VPC: an AWS service's
    endpoint interfaces never have a public address, and a PrivateLink service's are recorded
    with or without one — except in a snapshot written before public addresses were recorded,
    where the sentence says what it cannot know."""
    exposed = {e: addresses for e, addresses in public.items() if addresses}
    if exposed:
        named = "; ".join(f"{e}: {', '.join(addresses)}" for e, addresses in exposed.items())
        if internet:
            return (f"The endpoint interfaces carry public IPv4 addresses ({named}): the group is open to the "
                    "internet through them, not only to networks routed to the VPC.")
        return (f"The endpoint interfaces carry public IPv4 addresses ({named}), which ::/0 does not open; the "
                "exposure is to networks routed to the VPC.")
    if all(view.is_aws_service_endpoint(e) or public[e.vpc_endpoint_id] == () for e in endpoints):
        return "Endpoint interfaces have no public address; the exposure is to networks routed to the VPC."
    return ("AWS-service endpoint interfaces have no public address, but a PrivateLink service's may carry Elastic "
            "IPs (an internet-facing AWS Transfer Family server's do), which would expose it to the internet: check "
            "whether that is intended.")
