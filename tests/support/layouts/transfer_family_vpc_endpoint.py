"""An AWS Transfer Family SFTP server with a VPC-hosted endpoint, internet-facing (us-east-1).

Source: the aws-ia module ``terraform-aws-transfer-family``, example
``examples/sftp-internet-facing-vpc-endpoint-service-managed-S3``
(https://github.com/aws-ia/terraform-aws-transfer-family/tree/305c3ecc204692ce54d52b3b1ead0741949c65a2/examples/sftp-internet-facing-vpc-endpoint-service-managed-S3,
v0.7.3 of 2026-07-29; the example's ``main.tf`` last changed in 66a2424, 2026-07-14), with the VPC
module it calls, ``aws-ia/terraform-aws-vpc`` v4.5.0 (be528d0, 2025-06-23), and the Transfer Family
User Guide's "Create a server in a virtual private cloud" as last published in the guide's source
repository (https://github.com/awsdocs/aws-transfer-user-guide/blob/e900d876ca78256e791b714ff1d48cfb6f26a097/doc_source/create-server-in-vpc.md,
2023-03-10, the page's last change before the repository was emptied and archived).

Built as the example declares it, with its ``terraform.tfvars`` (``sftp_ingress_cidr_block`` has
no default: "10.0.0.0/16, 192.168.1.0/24, 172.16.0.0/12"; ``sftp_egress_cidr_block`` 0.0.0.0/0)
and the default Region, us-east-1. ``random_pet`` (prefix ``aws-ia``, length 2) names everything
``transfer-server-aws-ia-<two words>``: assumed ``aws-ia-brave-otter``.

- The VPC ``<server>-vpc``, 10.0.0.0/16, DNS support and hostnames on (the VPC module's
  defaults), ``az_count`` 2: the Region's first two AZs (us-east-1a and us-east-1b, mapped here to
  use1-az1 and use1-az2). One subnet type, ``public`` with netmask 24: 10.0.0.0/24 and
  10.0.1.0/24 (the module's calculator in AZ order), ``map_public_ip_on_launch`` true, each on a
  route table of its own sending 0.0.0.0/0 to the internet gateway ``<server>-vpc-igw``;
  ``nat_gateway_configuration = "all_azs"``: a NAT gateway in each public subnet, with its own
  Elastic IP. No private subnet, so no route table sends anything to the NAT gateways. No flow
  log (the module's ``vpc_flow_logs`` default is none), the default NACL.
- ``<server>-sftp-sg`` ("Security group for VPC endpoint of AWS Transfer Family SFTP"): one
  ``aws_vpc_security_group_ingress_rule`` per tfvars CIDR, TCP 22, and one egress rule, all
  traffic to 0.0.0.0/0 (``aws_security_group`` without inline rules: Terraform revokes AWS's
  default egress rule, the separate rule puts the same back).
- ``aws_transfer_server``: ``endpoint_type = "VPC"``, ``endpoint_details`` with the group, both
  public subnets and two Elastic IPs (``address_allocation_ids``: "Makes the endpoint
  internet-facing"), SFTP, service-managed users, domain S3. Its S3 bucket, KMS key, log group
  and users are no VPC resources.

What the server puts into the VPC, as DescribeVpcEndpoints and DescribeNetworkInterfaces report
it (botocore's ``VpcEndpoint`` and ``NetworkInterface`` shapes):

- "The VPC endpoint type server creates a VPC Endpoint on your behalf" (the guide's
  ``update-endpoint-type-vpc.md``); DescribeServer names it in ``EndpointDetails.VpcEndpointId``,
  and the guide's AS2 example reads it back with ``aws ec2 describe-vpc-endpoints``, whose
  ``DnsEntries`` hold a Regional name of the form
  ``vpce-0123456789abcdefg-fghij123.vpce-svc-11111aaaa2222bbbb.us-east-1.vpce.amazonaws.com``
  (``as2-end-to-end-example.md``) — the name of an **Interface** endpoint to an endpoint service
  Transfer Family owns. So: ``VpcEndpointType`` Interface, ``ServiceName``
  ``com.amazonaws.vpce.us-east-1.vpce-svc-<17 hex>`` (inferred from that DNS name), the
  server's subnets and groups, one network interface per subnet, ``PrivateDnsEnabled`` false
  (the service has no private DNS name: the server's own hostname is
  ``s-<id>.server.transfer.<region>.amazonaws.com``), a Regional and one zonal DNS entry per AZ,
  ``IpAddressType`` ipv4. Assumed where nothing public says: no ``PolicyDocument`` (not an AWS
  service's endpoint; the same assumption as MWAA's endpoints in ``mwaa_private_network``), no
  tags, ``RequesterManaged`` false — the caller needs ``ec2:CreateVpcEndpoint`` to create a VPC
  server (the guide's ``getting-started.md``), so the endpoint is created with this account's
  permissions; no rule reads the field, and the tests pin that flipping it changes nothing.
  DescribeVpcEndpointServices is assumed not to list Transfer Family's service, as for Network
  Firewall's and MWAA's. The endpoint is not billed as PrivateLink: "there are no PrivateLink
  charges" (the guide's "Discontinuing the use of VPC_ENDPOINT").
- Its network interfaces: InterfaceType ``vpc_endpoint``, requester-managed, described
  ``VPC Endpoint Interface <vpce-id>``, the endpoint's groups, and one of the Elastic IPs each
  (``Association.PublicIp`` in DescribeNetworkInterfaces; the guide's console "Public IPv4
  address" column shows them once "the Elastic IP addresses that you provided are successfully
  associated with your server's endpoint"). Which address lands on which subnet's interface is
  not documented: assumed in subnet order. The addresses here are made up (AWS allocates them).
- Transfer Family reads and writes the S3 bucket itself, with the user's role (trusting
  ``transfer.amazonaws.com``), not through the VPC: "You can then use this server to transfer data
  over your client to and from your Amazon S3 bucket without using public IP addressing or
  requiring an internet gateway" (the guide's page). The VPC needs no S3 endpoint or NAT for it.

Variants: ``ingress="world"`` (TCP 22 from 0.0.0.0/0: an internet-facing server for partners whose
addresses are not known, the purpose of the internet-facing form); ``client=True`` (an SFTP client
instance in the second public subnet, us-east-1b, in a group of its own with AWS's default egress: "Connect to
your server using a client that is inside your VPC through the VPC endpoint", the guide's
overview); ``metrics`` (CloudWatch metrics collected: ``BytesProcessed`` of the endpoint and the
NAT gateways' bytes, all 0 over 14 days: a server no partner used in two weeks).

Near misses: ``ingress="https"`` (the group admitting TCP 443 from the tfvars CIDRs instead of 22,
the port of every AWS service endpoint beside it); ``group="default"`` (the server created without
``SecurityGroupIds``: "If you don't specify a different security group or groups when you launch
the server, we associate the default security group with your server", which admits its members
only); ``azs=1`` (one subnet and one Elastic IP: "choose up to three Availability Zones");
``elastic_ips=False`` (the internal form: "Omitting ``address_allocation_ids`` would create an
internal VPC endpoint", the example's README; its interfaces carry no public address).
"""

from __future__ import annotations

from dataclasses import replace

from aws_layout import AwsRegionBuilder

from vpcaudit.snapshot import resources as r
from vpcaudit.snapshot.model import Snapshot

ACCOUNT = "123456789012"
REGION = "us-east-1"
SERVER = "transfer-server-aws-ia-brave-otter"  # "transfer-server-${random_pet.name.id}" (pet assumed)
VPC_CIDR = "10.0.0.0/16"
PUBLIC_CIDRS = ("10.0.0.0/24", "10.0.1.0/24")
# terraform.tfvars: sftp_ingress_cidr_block, split on commas.
TFVARS_CIDRS = ("10.0.0.0/16", "192.168.1.0/24", "172.16.0.0/12")
SFTP_PORT = 22
HTTPS_PORT = 443
# address_allocation_ids: one Elastic IP per server subnet, in subnet order (made-up addresses).
ELASTIC_IPS = ("3.208.10.21", "3.208.10.22")
# The Regional DNS name's hosted zone of interface endpoints in us-east-1.
VPCE_ZONE = "Z7HUB22UULQXV"
WINDOW_DAYS = 14


def build(*, ingress: str = "tfvars", group: str = "module", azs: int = 2, elastic_ips: bool = True,
          client: bool = False, metrics: bool = False, requester_managed: bool = False,
          account: str = ACCOUNT) -> tuple[Snapshot, dict[str, str]]:
    """``ingress``: "tfvars" (TCP 22 from the example's CIDRs), "world" (TCP 22 from 0.0.0.0/0) or
    "https" (TCP 443 from the example's CIDRs); ``group``: "module" (the example's group on the
    endpoint) or "default" (the VPC's default group); ``azs``: subnets given to the server (1 or 2);
    ``elastic_ips``: the internet-facing form (an Elastic IP on each endpoint interface) or not;
    ``client``: an SFTP client instance in the VPC; ``metrics``: zero-traffic CloudWatch metrics
    collected; ``requester_managed``: the endpoint's RequesterManaged flag (assumed false);
    ``account``: the account deploying the example."""
    b = AwsRegionBuilder(account, REGION, ("use1-az1", "use1-az2"))
    vpc = b.vpc(VPC_CIDR, name=f"{SERVER}-vpc", dns_support=True, dns_hostnames=True)
    igw = b.igw(vpc)
    b.tag(igw, {"Name": f"{SERVER}-vpc-igw"})
    ids: dict[str, str] = {"vpc": vpc, "igw": igw, "default_sg": b.default_group(vpc)}
    for az, cidr in enumerate(PUBLIC_CIDRS, start=1):
        name = f"{SERVER}-public-subnet-{b.azs[az - 1][0]}"
        subnet = ids[f"public{az}"] = b.subnet(vpc, cidr, az=az, name=name)
        b.subnets[subnet] = replace(b.subnets[subnet], map_public_ip_on_launch=True)
        ids[f"public_rt{az}"] = b.route_table(vpc, subnets=[subnet], routes={"0.0.0.0/0": igw}, name=name)
        nat = ids[f"nat{az}"] = b.nat(subnet)
        b.tag(nat, {"Name": f"nat-{name}"})

    sources = ("0.0.0.0/0",) if ingress == "world" else TFVARS_CIDRS
    port = HTTPS_PORT if ingress == "https" else SFTP_PORT
    sftp_sg = ids["sftp_sg"] = b.security_group(vpc, name=f"{SERVER}-sftp-sg",
                                                ingress=[("tcp", port, port, cidr) for cidr in sources])
    b.groups[sftp_sg] = replace(b.groups[sftp_sg],
                                description="Security group for VPC endpoint of AWS Transfer Family SFTP")
    b.tag(sftp_sg, {"Environment": "dev", "Name": f"{SERVER}-sftp-sg"})

    ids |= _server_endpoint(b, vpc, [ids[f"public{az}"] for az in range(1, azs + 1)],
                            [ids["default_sg"] if group == "default" else sftp_sg], requester_managed)
    if elastic_ips:
        _associate_elastic_ips(b, ids["endpoint"])
    if client:
        client_sg = ids["client_sg"] = b.security_group(vpc, name="sftp-client")
        ids["client"] = b.workload(ids["public2"], groups=[client_sg])
    if metrics:
        b.metric(ids["endpoint"], "AWS/PrivateLinkEndpoints", "BytesProcessed", 0, WINDOW_DAYS)
        for az in (1, 2):
            for name in ("BytesOutToDestination", "BytesInFromSource"):
                b.metric(ids[f"nat{az}"], "AWS/NATGateway", name, 0, WINDOW_DAYS)
    return b.snapshot(), ids


def _server_endpoint(b: AwsRegionBuilder, vpc: str, subnets: list[str], groups: list[str],
                     requester_managed: bool) -> dict[str, str]:
    """The server's VPC endpoint and its interfaces (see the module docstring for what is
    documented and what is assumed)."""
    service_id = b.new_id("vpce-svc")
    endpoint = b.interface_endpoint(vpc, "transfer-server", subnets=subnets, groups=groups, private_dns=False,
                                    policy=None, service_name=f"com.amazonaws.vpce.{b.region}.{service_id}")
    suffix = b.new_id("x").split("-")[1][1:9]
    regional = f"{endpoint}-{suffix}.{service_id}.{b.region}.vpce.amazonaws.com"
    zonal = tuple(r.DnsEntry(f"{endpoint}-{suffix}-{b.subnets[s].availability_zone}.{service_id}.{b.region}"
                             ".vpce.amazonaws.com", VPCE_ZONE) for s in sorted(subnets))
    b.endpoints[endpoint] = replace(b.endpoints[endpoint], requester_managed=requester_managed,
                                    dns_entries=(r.DnsEntry(regional, VPCE_ZONE), *zonal))
    return {"endpoint": endpoint, "service": f"com.amazonaws.vpce.{b.region}.{service_id}"}


def _associate_elastic_ips(b: AwsRegionBuilder, endpoint: str) -> None:
    """``address_allocation_ids``: an Elastic IP on the interface in each server subnet."""
    enis = sorted(b.endpoints[endpoint].network_interface_ids, key=lambda e: b.enis[e].subnet_id)
    for eni, address in zip(enis, ELASTIC_IPS, strict=False):
        b.enis[eni] = replace(b.enis[eni], public_ip_addresses=(address,))
