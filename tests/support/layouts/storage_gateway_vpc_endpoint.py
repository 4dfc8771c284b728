"""An Amazon S3 File Gateway on an EC2 instance in a private subnet, activated through a Storage
Gateway interface VPC endpoint, with an S3 gateway endpoint for its bucket (us-east-2).

Sources: the Amazon S3 File Gateway User Guide, "Activating a gateway in a virtual private cloud"
(https://docs.aws.amazon.com/filegateway/latest/files3/gateway-private-link.html), "Create and
activate an Amazon S3 File Gateway" (create-gateway-file.html), "Deploying an Amazon EC2 instance to
host your Amazon S3 File Gateway" (ec2-gateway-file.html), "Port requirements" (Resource_Ports.html)
and "Network and firewall requirements" (Requirements.html#networks), as published in the guide's
source repository (https://github.com/awsdocs/amazon-s3-file-gateway-user-guide/blob/4da72563ef1735eb2d468dcfe895054da1608479/doc_source/gateway-private-link.md,
``create-gateway-file.md``, ``ec2-gateway-file.md`` and ``Resource_Ports.md`` at that commit,
``doc_source/Requirements.md`` at 1f091a5d51595ebf9d68d4be7a328f081fd3d412); current pages read
2026-12-06 say the same. The Storage Gateway API reference (botocore ``storagegateway``
2013-06-30: ``DescribeGatewayInformation`` returns ``VPCEndpoint`` and ``Ec2InstanceId``) and the
Terraform AWS provider's ``aws_storagegateway_gateway``
(https://github.com/hashicorp/terraform-provider-aws/blob/af55dfb90500e80afb9d9ba64a76024e500c948a/internal/service/storagegateway/gateway.go:
argument ``gateway_vpc_endpoint``, sent as ``vpcEndpoint=`` in the activation-key request to the
gateway's port 80).

What the guide asks for: "To activate your gateway in a VPC, use the Amazon VPC Console to create a
VPC endpoint for Storage Gateway and get the VPC endpoint ID, then specify this VPC endpoint ID when
you create and activate the gateway"; the endpoint is ``com.amazonaws.<region>.storagegateway``;
"Verify that Enable Private DNS Name is not selected"; for its security group, "Verify that all of
the following TCP ports are allowed in your security group": TCP 443, 1026, 1027, 1028, 1031 and
2222; then use the endpoint's regional DNS name ("the first DNS name that doesn't specify an
Availability Zone") when activating ("VPC hosted … you must specify an existing VPC endpoint … You
can also provide its VPC endpoint Domain Name System (DNS) name or IP address"). For the data:
"you must create a separate VPC endpoint for Amazon S3" — a gateway endpoint, "select the route
table that you want the S3 endpoint associated with". The common ports table: the gateway sends
TCP 443 to AWS, TCP 1026 and 1028 ("Used for control traffic"), 1027 ("Used only during
activation and can then be closed"), 1031 ("Used only for software updates for file gateways");
the guide names no use of 2222. The EC2 page: open TCP 80 inbound for activation, and "If you plan
to create NFS file shares, you must open TCP/UDP port 2049 for NFS access, TCP/UDP port 111 for
NFSv3 access, and TCP/UDP port 20048 for NFSv3 access". "Configuring security groups for your
Amazon EC2 gateway instance": no incoming connections from the internet; port 80 from the
activating host.

Built (us-east-2, the guide's example Region; AZ ids use2-az1/use2-az2; names assumed): VPC
``file-gateway`` 10.70.0.0/16, DNS support and hostnames on; no internet gateway, no NAT (the
point of the layout: nothing over the public internet); subnets ``gateway`` 10.70.1.0/24
(use2-az1) and ``clients`` 10.70.2.0/24 (use2-az2), both on one route table
``file-gateway-private`` that carries the S3 gateway endpoint's prefix-list route. Groups:
``storage-gateway-endpoint`` (the endpoint's: one ingress rule per guide port, TCP 443, 1026,
1027, 1028, 1031, 2222, from the VPC's CIDR — the guide names no source, the VPC's CIDR is
assumed; AWS's default all-traffic egress); ``file-gateway`` (the instance's: TCP 80 from the
VPC's CIDR for activation, TCP and UDP 111, 2049, 20048 from ``nfs-clients``; AWS's default
egress); ``nfs-clients`` (no ingress, default egress). The endpoints: ``storagegateway`` interface
endpoint in the gateway's subnet only (the guide does not say how many subnets; the gateway's AZ
assumed), private DNS off, AWS's default full-access policy (``VpcEndpointPolicySupported``
assumed true: the guide says nothing of endpoint policies); the S3 gateway endpoint on the
private table, AWS's default policy. The file share (NFS, bucket in us-east-2) is no VPC resource.

Network interfaces, as DescribeNetworkInterfaces reports them: the gateway's EC2 instance (the
Storage Gateway AMI, ``/aws/service/storagegateway/ami/FILE_S3/latest``) has one primary
interface, InterfaceType ``interface`` (botocore's enum), not requester-managed, no RequesterId,
empty description, attached to its instance, with ``file-gateway``; nothing marks it as a gateway
(only ``DescribeGatewayInformation.Ec2InstanceId``, which no snapshot collects). One NFS client
instance in ``clients``, the same shape, with ``nfs-clients``. The endpoint's interface:
``vpc_endpoint``, requester-managed, described ``VPC Endpoint Interface <vpce-id>``. Storage
Gateway creates no interface of its own in the VPC (none documented).

Near misses: ``endpoint_ingress="443"`` (the endpoint's group admitting TCP 443 alone, as for any
other AWS service's endpoint: activation and control traffic on 1026–1028 are refused);
``gateway_egress="https"`` (the gateway's group sending TCP 443 alone, to anywhere) and
``gateway_egress="s3"`` (TCP 443 to the S3 prefix list only: nothing to the Storage Gateway
endpoint); ``s3_endpoint=False`` (no S3 gateway endpoint: the gateway has no path to its bucket).
"""

from __future__ import annotations

from dataclasses import replace

from aws_layout import AwsRegionBuilder

from vpcaudit.snapshot.model import Snapshot

ACCOUNT = "123456789012"
REGION = "us-east-2"
VPC_CIDR = "10.70.0.0/16"
GATEWAY_CIDR = "10.70.1.0/24"
CLIENTS_CIDR = "10.70.2.0/24"
HTTPS = 443
# The guide's ports for the Storage Gateway endpoint's group ("Verify that all of the following TCP
# ports are allowed"): 443, control 1026 and 1028, activation 1027, software updates 1031, and 2222.
ENDPOINT_PORTS = (443, 1026, 1027, 1028, 1031, 2222)
CONTROL_PORTS = (1026, 1028)
ACTIVATION_PORT = 80  # browser -> gateway: activation key
NFS_PORTS = (111, 2049, 20048)  # NFSv3 port mapper, NFS, NFSv3 mountd: TCP and UDP


def build(*, endpoint_ingress: str = "guide", gateway_egress: str = "default",
          s3_endpoint: bool = True) -> tuple[Snapshot, dict[str, str]]:
    """``endpoint_ingress``: "guide" (the six ports from the VPC) or "443" (443 alone).
    ``gateway_egress``: "default" (all traffic), "https" (TCP 443 to anywhere) or "s3" (TCP 443
    to the S3 prefix list). ``s3_endpoint``: the S3 gateway endpoint on the private table."""
    b = AwsRegionBuilder(ACCOUNT, REGION, ("use2-az1", "use2-az2"))
    vpc = b.vpc(VPC_CIDR, name="file-gateway", dns_support=True, dns_hostnames=True)
    ids: dict[str, str] = {"vpc": vpc, "main_rt": b.main_route_table(vpc)}
    ids["gateway_subnet"] = b.subnet(vpc, GATEWAY_CIDR, az=1, name="gateway")
    ids["clients_subnet"] = b.subnet(vpc, CLIENTS_CIDR, az=2, name="clients")
    ids["private_rt"] = b.route_table(vpc, subnets=[ids["gateway_subnet"], ids["clients_subnet"]],
                                      name="file-gateway-private")
    if s3_endpoint:
        ids["s3"] = b.gateway_endpoint(vpc, "s3", route_tables=[ids["private_rt"]])
    s3_list = next(p.prefix_list_id for p in b.prefix_lists.values()
                   if p.prefix_list_name == f"com.amazonaws.{REGION}.s3")

    ports = ENDPOINT_PORTS if endpoint_ingress == "guide" else (HTTPS,)
    ids["endpoint_sg"] = b.security_group(vpc, name="storage-gateway-endpoint",
                                          ingress=[("tcp", p, p, VPC_CIDR) for p in ports])
    ids["clients_sg"] = b.security_group(vpc, name="nfs-clients")
    egress = {"default": [("-1", None, None, "0.0.0.0/0")],
              "https": [("tcp", HTTPS, HTTPS, "0.0.0.0/0")],
              "s3": [("tcp", HTTPS, HTTPS, s3_list)]}[gateway_egress]
    nfs = [(protocol, p, p, ids["clients_sg"]) for p in NFS_PORTS for protocol in ("tcp", "udp")]
    ids["gateway_sg"] = b.security_group(vpc, name="file-gateway",
                                         ingress=[("tcp", ACTIVATION_PORT, ACTIVATION_PORT, VPC_CIDR), *nfs],
                                         egress=egress)

    for key, subnet, group in (("gateway_eni", "gateway_subnet", "gateway_sg"),
                               ("client_eni", "clients_subnet", "clients_sg")):
        ids[key] = b.workload(ids[subnet], groups=[ids[group]])
        b.enis[ids[key]] = replace(b.enis[ids[key]], instance_id=b.new_id("i"))

    ids["storagegateway"] = b.interface_endpoint(vpc, "storagegateway", subnets=[ids["gateway_subnet"]],
                                                 groups=[ids["endpoint_sg"]], private_dns=False)
    return b.snapshot(), ids
