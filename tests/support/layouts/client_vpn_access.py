"""AWS Client VPN giving remote users access to a VPC and to AWS services through its interface
endpoints (us-east-1).

AWS Client VPN Administrator Guide, "Scenarios and examples" — "Access to a VPC"
(https://docs.aws.amazon.com/vpn/latest/clientvpn-admin/scenario.html,
https://docs.aws.amazon.com/vpn/latest/clientvpn-admin/scenario-vpc.html), "Target networks"
(cvpn-working-target.html), "Client authorization" (client-authorization.html: "When you associate
a subnet with a Client VPN endpoint, we automatically apply the VPC's default security group ...
The security groups are associated with the Client VPN network interfaces"), "Routes"
(cvpn-working-routes.html) and the AWS Knowledge Center articles "How can I provide my Client VPN
users with access to AWS resources?" (client-vpn-give-users-resource-access: traffic from the
endpoint "is sent through a Client VPN network interface. Then, source network address
translation (SNAT) is applied ... the source IP address from the client CIDR range is translated
to the Client VPN network interface IP address") and "How does DNS work with my AWS Client VPN
endpoint?" (client-vpn-how-dns-works-with-endpoint: with AmazonProvidedDNS as the endpoint's DNS
server, "Private DNS" names of the VPC's interface endpoints resolve to their private addresses;
"If no DNS server is specified, then the DNS IP address that's configured on the end user's
device is used").

As built: a VPC 10.0.0.0/16 with two private subnets in two AZs (one route table, local route
only: the "Access to a VPC" scenario gives no internet access); a Client VPN endpoint (client CIDR
10.100.0.0/22, which no VPC route table ever holds: the endpoint NATs clients to its interfaces)
associated with both subnets; its DNS servers 10.0.0.2 (the VPC resolver, VPC base + 2); an
authorization rule for 10.0.0.0/16 to all users; the endpoint's route table with the association's
10.0.0.0/16 route. None of the Client VPN endpoint, its association, authorization rules, routes
or DNS servers is in the snapshot (the collectors read no ``DescribeClientVpn*``): only the ENIs
the association creates are.

Those ENIs, one per associated subnet, as DescribeNetworkInterfaces is assumed to report them:
InterfaceType ``interface``, Description ``ClientVPN Endpoint resource`` (seen on real accounts,
not documented by AWS), requester-managed with an AWS-owned RequesterId (not documented either;
``requester_managed=False`` checks the verdicts the other way). They carry the association's
security groups: by default the VPC's default group (``association_group="default"``), or a
chosen ``client-vpn`` group (``"chosen"``).

Interface endpoints for ssm, secretsmanager and execute-api (private REST APIs), private DNS on,
in both subnets, their group admitting HTTPS from the VPC CIDR (``endpoint_source="vpc"``) or from
the association's group (``"group"``). Near misses: ``"client_cidr"`` (the endpoint group admits
the client CIDR, which NATed clients never carry), ``association_egress=False`` (the chosen group
sends only SSH and RDP to the VPC, nothing to the endpoints on 443), ``dns_servers=()`` (no DNS
server on the Client VPN endpoint: users resolve with their own DNS and get public addresses —
invisible in the snapshot). ``endpoint_nacl_replies_to`` puts the endpoints in two subnets of
their own (10.0.11.0/24, 10.0.12.0/24) behind a custom NACL admitting TCP 443 from the VPC CIDR
and sending TCP 1024-65535 back only to the given CIDR: the VPC CIDR is the correct form, the
client CIDR the NAT near miss.
"""

from __future__ import annotations

from aws_layout import AwsRegionBuilder
from builders import nacl_entry

from vpcaudit.snapshot.model import Snapshot

ACCOUNT = "111122223333"
REGION = "us-east-1"
VPC_CIDR = "10.0.0.0/16"
CLIENT_CIDR = "10.100.0.0/22"
VPC_RESOLVER = "10.0.0.2"
ENI_DESCRIPTION = "ClientVPN Endpoint resource"
# Assumed: AWS does not document the RequesterId of Client VPN interfaces.
REQUESTER_ID = "AIDAEXAMPLECLIENTVPN"
SERVICES = ("ssm", "secretsmanager", "execute-api")


def build(*, association_group: str = "default", endpoint_source: str = "vpc", association_egress: bool = True,
          dns_servers: tuple[str, ...] = (VPC_RESOLVER,), requester_managed: bool = True,
          endpoint_subnets: int = 2, endpoint_nacl_replies_to: str | None = None) -> tuple[Snapshot, dict[str, str]]:
    """The layout; ``dns_servers`` is the Client VPN endpoint's setting, which the snapshot does not
    hold (kept so the variant is stated, and checked to change nothing)."""
    assert association_group in ("default", "chosen") and endpoint_source in ("vpc", "group", "client_cidr")
    del dns_servers  # not collected: the snapshot has no Client VPN endpoint
    b = AwsRegionBuilder(ACCOUNT, REGION, ("use1-az1", "use1-az2"))
    b.service("execute-api")
    vpc = b.vpc(VPC_CIDR, name="client-vpn-target")
    subnets = [b.subnet(vpc, f"10.0.{az}.0/24", az=az, name=f"client-vpn-private-{az}") for az in (1, 2)]
    route_table = b.route_table(vpc, subnets=subnets, name="client-vpn-private")
    ids = {"vpc": vpc, "route_table": route_table, "subnet1": subnets[0], "subnet2": subnets[1],
           "default_sg": b.default_group(vpc)}
    if association_group == "chosen":
        egress = ([("-1", None, None, "0.0.0.0/0")] if association_egress
                  else [("tcp", 22, 22, VPC_CIDR), ("tcp", 3389, 3389, VPC_CIDR)])
        ids["association_sg"] = b.security_group(vpc, name="client-vpn", egress=egress)
    else:
        assert association_egress, "the default group keeps its all-traffic egress"
        ids["association_sg"] = ids["default_sg"]
    source = {"vpc": VPC_CIDR, "group": ids["association_sg"], "client_cidr": CLIENT_CIDR}[endpoint_source]
    ids["endpoint_sg"] = b.security_group(vpc, name="interface-endpoints", ingress=[("tcp", 443, 443, source)])
    endpoint_home = subnets
    if endpoint_nacl_replies_to is not None:
        endpoint_home = [b.subnet(vpc, f"10.0.1{az}.0/24", az=az, name=f"client-vpn-endpoints-{az}") for az in (1, 2)]
        for subnet in endpoint_home:
            b.associate(route_table, subnet)
        ids["endpoint_nacl"] = b.nacl(vpc, subnets=endpoint_home, entries=[
            nacl_entry(100, "allow", VPC_CIDR, ports=(443, 443)),
            nacl_entry(32767, "deny", "0.0.0.0/0", protocol="-1"),
            nacl_entry(100, "allow", endpoint_nacl_replies_to, egress=True, ports=(1024, 65535)),
            nacl_entry(32767, "deny", "0.0.0.0/0", egress=True, protocol="-1")])
    for key in SERVICES:
        ids[key] = b.interface_endpoint(vpc, key, subnets=endpoint_home[:endpoint_subnets], groups=[ids["endpoint_sg"]],
                                        private_dns=True)
    for n, subnet in enumerate(subnets, start=1):
        ids[f"cvpn_eni{n}"] = b.workload(subnet, groups=[ids["association_sg"]], requester_managed=requester_managed,
                                         requester_id=REQUESTER_ID if requester_managed else None,
                                         description=ENI_DESCRIPTION)
    return b.snapshot(), ids
