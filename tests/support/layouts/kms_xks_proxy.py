"""An AWS KMS external key store (XKS) with VPC endpoint service connectivity: the customer's XKS
proxy on two instances behind an internal Network Load Balancer in two private subnets, published
as a PrivateLink endpoint service with a verified private DNS name that the KMS service principal
may connect to (us-east-1).

Sources:

- the AWS KMS Developer Guide's "Configure VPC endpoint service connectivity"
  (https://docs.aws.amazon.com/kms/latest/developerguide/vpc-connectivity.html, current page, read
  2026-12-06): a VPC connected to the external key manager with "at least two private subnets in
  two different Availability Zones"; an endpoint service with a Network Load Balancer and target
  group that "cannot require acceptance", with AWS KMS added as an allowed principal; a private
  DNS name unique in the Region, subdomain of a public domain, whose ownership must be verified;
  its step tables (read in the guide's archived source,
  https://github.com/awsdocs/aws-kms-developer-guide, ``doc_source/vpc-connectivity.md`` at commit
  357b0f2b7e121162557f29341c4c501ae12f9913, whose requirements the current page repeats): the VPC
  with DNS hostnames and resolution on, no public subnet, NAT gateway or VPC endpoint required;
  a target group of IP targets ("at least two hosts"), protocol TLS, port 443, the health check as
  the proxy's documentation says; the load balancer internal, IPv4, mapped to "both of the
  availability zones (at least two)", a TLS listener on 443; the endpoint service with
  acceptance not required ("AWS KMS cannot connect to the VPC endpoint service without a manual
  acceptance"), a private DNS name, IPv4; the domain's status ``pendingVerification`` until a TXT
  record verifies it (``verified``); ``cks.kms.<region>.amazonaws.com`` in the allowed principals;
- the AWS KMS API Reference's ``CustomKeyStoresListEntry`` ``ConnectionErrorCode``
  (https://docs.aws.amazon.com/kms/latest/APIReference/API_CustomKeyStoresListEntry.html, also in
  botocore's kms model): ``XKS_VPC_ENDPOINT_SERVICE_INVALID_CONFIGURATION`` when the service is not
  an interface endpoint service of the caller's account, its load balancer is not "connected to at
  least two subnets, each in a different Availability Zone", the KMS principal is not allowed, it
  requires acceptance, has no private DNS name, or the name's domain is not ``verified``;
- the Elastic Load Balancing guide's "Update the security groups for your Network Load Balancer"
  (https://docs.aws.amazon.com/elasticloadbalancing/latest/network/load-balancer-security-groups.html):
  the targets' groups reference the load balancer's group; the attribute
  ``EnforceSecurityGroupInboundRulesOnPrivateLinkTraffic`` ("The default is on", botocore's elbv2
  ``SetSecurityGroups``) decides whether inbound rules are evaluated on PrivateLink traffic;
- the proxy: https://github.com/aws-samples/aws-kms-xks-proxy at commit
  9f8989851ae0b44f371bcff05b81f6a7a4969f63 (no CloudFormation or Terraform template in it; its
  ``xks-axum/configuration/settings_cloudhsm.toml`` serves TLS on ``port = 443`` with
  ``is_tls_enabled = true`` and an HTTP ping whose port "Defaults to 80" (``/ping``, README));
- botocore's ec2 model: ``ServiceDetail`` of DescribeVpcEndpointServices (``Owner``,
  ``AcceptanceRequired``, ``PrivateDnsNames``, ``PrivateDnsNameVerificationState``
  ``pendingVerification|verified|failed``, ``VpcEndpointPolicySupported``) and
  ``NetworkInterfaceType`` (``network_load_balancer``).

Built (account 111122223333, us-east-1, AZ IDs use1-az1/use1-az2, CIDRs and names assumed): VPC
``xks`` 10.0.0.0/16, DNS support and hostnames on; ``xks-private-1`` 10.0.1.0/24 and
``xks-private-2`` 10.0.2.0/24 on one table with the local route and 192.168.0.0/16 (the data centre
of the external key manager, not overlapping the VPC, as the guide requires) to a virtual private
gateway, propagated (``EnableVgwRoutePropagation``; VPN connection and gateway not collected, the
range assumed); no internet gateway, NAT gateway or VPC endpoint. Groups: ``xks-nlb``, the load
balancer's — no ingress, AWS's default egress (assumed: KMS's interface endpoint lives in a KMS
VPC whose addresses the customer does not know, so the customer turns inbound evaluation on
PrivateLink traffic off rather than admitting them); ``xks-proxy`` — TCP 443 (listener and target
port) and TCP 80 (the sample's ping, the health check assumed to use it) from ``xks-nlb``, AWS's
default egress (the proxy reaches the key manager on premises). One proxy instance per private
subnet, registered by IP address.

The load balancer's interfaces, one per mapped subnet, as DescribeNetworkInterfaces reports them
(after ``layouts.privatelink_provider_nlb``): InterfaceType ``network_load_balancer``,
requester-managed by ``amazon-elb``, Description ``ELB net/<name>/<id>``, the load balancer's
group, no instance, no tags. The endpoint service as the provider's own DescribeVpcEndpointServices
lists it (assumed that the owner sees its own service there, as CloudSploit's
``vpcEndpointAcceptance`` check reads it, filtering out ``Owner: amazon``; AWS does not say):
``com.amazonaws.vpce.us-east-1.vpce-svc-<id>``, ``Owner`` the account, ``ServiceType``
Interface, the load balancer's AZs, ``PrivateDnsNames`` ``myproxy-private.xks.example.com`` (the
guide's example), base name ``vpce-svc-<id>.us-east-1.vpce.amazonaws.com``,
``VpcEndpointPolicySupported`` false (assumed for a customer's service), ``AcceptanceRequired``
false, ``PrivateDnsNameVerificationState`` ``verified``, IPv4. The record is parsed from that
botocore-shaped ``ServiceDetail`` by the snapshot's own ``EndpointService.from_api``, which keeps
neither acceptance nor verification state. Not collected: the load balancer, its listener, target
group and security-group attribute (elbv2), the service configuration and its allowed principals
(DescribeVpcEndpointServiceConfigurations, DescribeVpcEndpointServicePermissions), KMS's endpoint
connection (DescribeVpcEndpointConnections), the custom key store (KMS).

Near misses: ``nlb_azs=(1,)`` — the load balancer mapped to use1-az1 only, so the service is
offered there only: connecting the key store fails with
``XKS_VPC_ENDPOINT_SERVICE_INVALID_CONFIGURATION``. ``dns_state="pendingVerification"`` — no TXT
record published: the same error. ``proxy_source="datacenter"`` — ``xks-proxy`` admits 443 and 80
from 192.168.0.0/16 (the operators) instead of the load balancer's group: every target fails its
health check and KMS's requests time out (``XKS_PROXY_NOT_REACHABLE``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from aws_layout import AwsRegionBuilder

from vpcaudit.snapshot import resources as r
from vpcaudit.snapshot.model import Snapshot

ACCOUNT = "111122223333"
REGION = "us-east-1"
AZ_IDS = ("use1-az1", "use1-az2")
VPC_CIDR = "10.0.0.0/16"
DATACENTER = "192.168.0.0/16"  # the external key manager's network (assumed)
XKS_PORT = 443  # listener, target and KMS's port
PING_PORT = 80  # the sample's HTTP ping, the health check (assumed)
NLB_NAME = "xks-proxy-nlb"
NLB_ID = "4c1e9a7b2d83f650"  # the random part of the load balancer's ARN (assumed)
NLB_DESCRIPTION = f"ELB net/{NLB_NAME}/{NLB_ID}"
ELB_REQUESTER = "amazon-elb"
SERVICE_ID = "vpce-svc-0a4f2c9e7b1d38e56"  # assumed
SERVICE_NAME = f"com.amazonaws.vpce.{REGION}.{SERVICE_ID}"
PRIVATE_DNS_NAME = "myproxy-private.xks.example.com"  # the guide's example
KMS_PRINCIPAL = f"cks.kms.{REGION}.amazonaws.com"  # allowed principal; not in the snapshot


def service_detail(azs: Iterable[int], dns_state: str) -> dict[str, object]:
    """The endpoint service as DescribeVpcEndpointServices' ``ServiceDetail`` reports it to its owner
    (botocore's ec2 model; values assumed in the module docstring)."""
    chosen = sorted(azs)
    return {
        "ServiceName": SERVICE_NAME, "ServiceId": SERVICE_ID, "ServiceType": [{"ServiceType": "Interface"}],
        "AvailabilityZones": [f"{REGION}{'ab'[k - 1]}" for k in chosen],
        "AvailabilityZoneIds": [AZ_IDS[k - 1] for k in chosen], "Owner": ACCOUNT,
        "BaseEndpointDnsNames": [f"{SERVICE_ID}.{REGION}.vpce.amazonaws.com"],
        "PrivateDnsName": PRIVATE_DNS_NAME, "PrivateDnsNames": [{"PrivateDnsName": PRIVATE_DNS_NAME}],
        "VpcEndpointPolicySupported": False, "AcceptanceRequired": False, "ManagesVpcEndpoints": False,
        "PrivateDnsNameVerificationState": dns_state, "SupportedIpAddressTypes": ["ipv4"],
    }


def build(*, nlb_azs: Iterable[int] = (1, 2), dns_state: str = "verified",
          proxy_source: str = "nlb-group") -> tuple[Snapshot, dict[str, str]]:
    """``nlb_azs``: the AZs (1, 2) the load balancer is mapped to, hence the service's.
    ``dns_state``: the private DNS name's verification state. ``proxy_source``: what ``xks-proxy``
    admits TCP 443 and 80 from, "nlb-group" or "datacenter" (192.168.0.0/16)."""
    nlb_azs = tuple(nlb_azs)
    b = AwsRegionBuilder(ACCOUNT, REGION, AZ_IDS)
    vpc = b.vpc(VPC_CIDR, name="xks", dns_support=True, dns_hostnames=True)
    ids: dict[str, str] = {"vpc": vpc, "vgw": b.new_id("vgw")}
    private = [b.subnet(vpc, f"10.0.{k}.0/24", az=k, name=f"xks-private-{k}") for k in (1, 2)]
    ids["private1"], ids["private2"] = private
    table = ids["private_rt"] = b.route_table(vpc, subnets=private, name="xks-private")
    b.route_tables[table] = replace(b.route_tables[table], propagating_vgws=(ids["vgw"],))
    b.route(table, DATACENTER, ids["vgw"], origin="EnableVgwRoutePropagation")

    nlb_sg = ids["nlb_sg"] = b.security_group(vpc, name="xks-nlb")
    source = {"nlb-group": nlb_sg, "datacenter": DATACENTER}[proxy_source]
    ids["proxy_sg"] = b.security_group(vpc, name="xks-proxy", ingress=[
        ("tcp", XKS_PORT, XKS_PORT, source), ("tcp", PING_PORT, PING_PORT, source)])
    for k, subnet in enumerate(private, start=1):
        eni = ids[f"proxy{k}"] = b.workload(subnet, groups=[ids["proxy_sg"]])
        b.enis[eni] = replace(b.enis[eni], instance_id=b.new_id("i"))
    for k in nlb_azs:
        ids[f"nlb_eni{k}"] = b.workload(private[k - 1], groups=[nlb_sg], interface_type="network_load_balancer",
                                        requester_managed=True, requester_id=ELB_REQUESTER,
                                        description=NLB_DESCRIPTION)

    b.services[SERVICE_NAME] = r.EndpointService.from_api(service_detail(nlb_azs, dns_state))
    ids["service"] = SERVICE_NAME
    return b.snapshot(), ids
