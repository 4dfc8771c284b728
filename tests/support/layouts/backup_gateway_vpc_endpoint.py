"""An AWS Backup gateway (the VMware appliance AWS Backup backs virtual machines up through) on
premises, connected over a Site-to-Site VPN to a VPC holding an AWS Backup gateway interface VPC
endpoint, through which it is activated and connects to AWS (us-east-1).

Sources: the AWS Backup Developer Guide, "AWS Backup network" → "AWS Backup through VPC
endpoints" (https://docs.aws.amazon.com/aws-backup/latest/devguide/backup-network.html, formerly
backup-privatelink.html; current page, read 2026-12-06) and "Configure your infrastructure to use
Backup gateway" (https://docs.aws.amazon.com/aws-backup/latest/devguide/configure-infrastructure-bgw.html;
current page, read 2026-12-06); the Backup gateway API reference as botocore ships it
(``backup-gateway`` 2021-01-01: ``GatewayDetails.VpcEndpoint``, "The DNS name for the virtual
private cloud (VPC) endpoint the gateway uses to connect to the cloud for backup gateway"); the AWS
PrivateLink Guide, "Create an interface endpoint"
(https://docs.aws.amazon.com/vpc/latest/privatelink/create-interface-endpoint.html: Enable DNS
name, selected by default for an AWS service); the AWS Site-to-Site VPN User Guide, route
propagation (https://docs.aws.amazon.com/vpn/latest/s2svpn/VPNRoutingTypes.html). The AWS Partner
Network blog "Getting Started with AWS Backups for VMware Cloud on AWS"
(https://aws.amazon.com/blogs/apn/getting-started-with-aws-backups-for-vmware-cloud-on-aws/) for
the pattern: a gateway outside the VPC reaching AWS Backup "via a private interface endpoint
running in a virtual private cloud".

What the guide asks for: "For Backup gateway endpoints, use ``com.amazonaws.<region>.backup-gateway``";
"The following TCP ports must be allowed in the security group when creating a VPC endpoint for
backup Gateway": TCP 443, 1026, 1027, 1028, 1031 and 2222 (it says what none but 443 is for). The
gateway's own network needs: TCP 443 outbound to AWS, TCP 80 inbound from the host used to
activate it ("only used during activation"), UDP 53 to DNS, UDP 123 to NTP, TCP 443 to vCenter and
the ESXi hosts, and TCP 22 outbound to AWS Support ("You don't need to open this port for the
normal operation of your gateway, but you must open it for troubleshooting"). The guide says
nothing of private DNS for the ``backup-gateway`` endpoint (its "Using the VPC endpoint" example
is the ``backup`` API's default name with private DNS on), nor of how many subnets, nor of the
group's sources. The gateway is told the endpoint's DNS name (``GatewayDetails.VpcEndpoint``): it
does not use the service's default name, so the endpoint's private DNS plays no part for it.

Built (us-east-1, the guide's example Region; AZ ids use1-az1/use1-az2; names assumed): VPC
``backup-gateway-hub`` 10.80.0.0/16, DNS support and hostnames on, no internet gateway, no NAT;
subnets ``endpoints-a`` 10.80.1.0/24 (use1-az1) and ``endpoints-b`` 10.80.2.0/24 (use1-az2), each
on its own route table, which propagates the virtual private gateway of the VPN (``PropagatingVgws``)
and holds the on-premises route it learns over BGP, 192.168.0.0/16 → the VGW, ``Origin:
EnableVgwRoutePropagation`` (the on-premises range is assumed; none is given). The VPN connection,
customer gateway and VGW are not in the snapshot (none is collected): the VGW appears only as the
routes' target. Group ``backup-gateway-endpoint``: one ingress rule per guide port (TCP 443, 1026,
1027, 1028, 1031, 2222) from the on-premises range, where the gateway lives (the guide names no
source: assumed); AWS's default all-traffic egress. The ``backup-gateway`` interface endpoint in
both subnets (two AZs assumed, the PrivateLink Guide's advice for resilience), with that group,
private DNS on (the console's default; the guide does not set it), AWS's default full-access policy
("VPC endpoint policies are supported for Backup endpoints. By default, full access to Backup
operations is allowed through the endpoint"). The VPC holds no workload: its one client, the
gateway, is a VM on an ESXi host on premises (an OVF template), with no interface in any VPC.

Network interfaces, as DescribeNetworkInterfaces reports them: the endpoint's two interfaces,
InterfaceType ``vpc_endpoint`` (botocore's enum), requester-managed, described ``VPC Endpoint
Interface <vpce-id>``, attached to nothing, untagged. Backup gateway creates no interface of its
own in the VPC (none documented). ``DescribeVpcEndpointServices`` is assumed to list the service
with private DNS name ``backup-gateway.us-east-1.amazonaws.com`` in both AZs, endpoint policies
supported.

Near misses: ``endpoint_ingress="443"`` (the endpoint's group admitting TCP 443 alone from on
premises, as for any other AWS service: the gateway's connections on 1026–1028 and 1031 are
refused); ``private_dns=False`` (private DNS cleared, as the Storage Gateway and DataSync guides set
their appliances' endpoints; the Backup guide does not); ``propagation=False`` (route propagation
left off on both tables: no route back to the on-premises range, so the endpoint's replies to the
gateway have nowhere to go).
"""

from __future__ import annotations

from dataclasses import replace

from aws_layout import AwsRegionBuilder

from vpcaudit.snapshot.model import Snapshot

ACCOUNT = "123456789012"
REGION = "us-east-1"
AZ_IDS = ("use1-az1", "use1-az2")
VPC_CIDR = "10.80.0.0/16"
ON_PREMISES = "192.168.0.0/16"
HTTPS = 443
# The guide's ports for the Backup gateway endpoint's group ("must be allowed in the security group").
ENDPOINT_PORTS = (443, 1026, 1027, 1028, 1031, 2222)
SERVICE_NAME = f"com.amazonaws.{REGION}.backup-gateway"


def build(*, endpoint_ingress: str = "guide", private_dns: bool = True,
          propagation: bool = True) -> tuple[Snapshot, dict[str, str]]:
    """``endpoint_ingress``: "guide" (the six ports from on premises) or "443" (443 alone).
    ``private_dns``: the endpoint's private DNS. ``propagation``: the VGW's routes on the tables."""
    b = AwsRegionBuilder(ACCOUNT, REGION, AZ_IDS)
    b.service("backup-gateway")
    vpc = b.vpc(VPC_CIDR, name="backup-gateway-hub", dns_support=True, dns_hostnames=True)
    ids: dict[str, str] = {"vpc": vpc, "main_rt": b.main_route_table(vpc), "vgw": b.new_id("vgw")}
    subnets = []
    for n, suffix in enumerate("ab", start=1):
        subnet = b.subnet(vpc, f"10.80.{n}.0/24", az=n, name=f"endpoints-{suffix}")
        table = b.route_table(vpc, subnets=[subnet], name=f"endpoints-{suffix}")
        if propagation:
            b.route_tables[table] = replace(b.route_tables[table], propagating_vgws=(ids["vgw"],))
            b.route(table, ON_PREMISES, ids["vgw"], origin="EnableVgwRoutePropagation")
        ids |= {f"subnet{n}": subnet, f"route_table{n}": table}
        subnets.append(subnet)

    ports = ENDPOINT_PORTS if endpoint_ingress == "guide" else (HTTPS,)
    ids["endpoint_sg"] = b.security_group(vpc, name="backup-gateway-endpoint",
                                          ingress=[("tcp", p, p, ON_PREMISES) for p in ports])
    ids["backup_gateway"] = b.interface_endpoint(vpc, "backup-gateway", subnets=subnets,
                                                 groups=[ids["endpoint_sg"]], private_dns=private_dns)
    return b.snapshot(), ids
