"""Centralized inspection: a Gateway Load Balancer and its appliances in an appliance VPC behind a
transit gateway, with the VPC's NAT gateways as the spokes' egress (us-west-2).

https://github.com/aws-samples/aws-gateway-load-balancer-code-samples/tree/5000a54a281d73f3fcba094b90a50d541f59ed31/aws-cloudformation/centralized_architecture
(``CentralizedArchitectureApplianceVpc2Az.yaml``, ``CentralizedArchitectureSpokeVpc2Az.yaml``,
``CentralizedArchitectureTgw.yaml``, last changed in 804ab7ef9bd600c5a3029dd6b3550e36ab04092f,
2024-09-24; the parameter values of ``nested-stack/CentralizedArchitecturePrimary.yaml``, whose
1-click link launches in us-west-2), the templates of the blog post "Centralized inspection
architecture with AWS Gateway Load Balancer and AWS Transit Gateway"
(https://aws.amazon.com/blogs/networking-and-content-delivery/centralized-inspection-architecture-with-aws-gateway-load-balancer-and-aws-transit-gateway/)
which the sample's README builds.

As the templates build it with those defaults (``AccessLocation`` 0.0.0.0/0; us-west-2a and
us-west-2b assumed to be usw2-az1 and usw2-az2; stack names ``appliance``, ``spoke1``, ``spoke2``
assumed):

- Appliance VPC 192.168.1.0/24 (DNS support and hostnames on) with an internet gateway and, per
  AZ, a transit gateway attachment subnet (192.168.1.0/28, .48/28), an appliance subnet (.16/28,
  .64/28) and a NAT gateway subnet (.32/28, .80/28), every subnet ``MapPublicIpOnLaunch``; one
  route table per subnet. The attachment subnet sends 0.0.0.0/0 to its AZ's GWLB endpoint; the
  appliance subnet 0.0.0.0/0 to its AZ's NAT gateway and each spoke's CIDR to the transit gateway
  (those two routes are the transit gateway stack's); the NAT gateway subnet 0.0.0.0/0 to the
  internet gateway and each spoke's CIDR back to its AZ's GWLB endpoint.
- The Gateway Load Balancer ``gwlb1`` in both appliance subnets: one interface per subnet as
  DescribeNetworkInterfaces reports it, InterfaceType ``gateway_load_balancer``, requester-managed
  by ``amazon-elb``, Description ``ELB gwy/gwlb1/<id>``, no security group (a Gateway Load
  Balancer has none). Its target group (GENEVE 6081, HTTP health checks on port 80) holds the two
  appliances. The snapshot collects neither the load balancer, its target group nor the endpoint
  service (elbv2 DescribeLoadBalancers, DescribeTargetGroups,
  DescribeVpcEndpointServiceConfigurations): only the interfaces show them.
- A ``GatewayLoadBalancer`` endpoint per appliance subnet, of this account's endpoint service
  (``com.amazonaws.vpce.us-west-2.vpce-svc-…``, acceptance not required): no policy, no private
  DNS, no DNS entries, no security group, one requester-managed interface of InterfaceType
  ``gateway_load_balancer_endpoint`` described ``VPC Endpoint Interface <vpce-id>``.
- Two appliances (Amazon Linux 2, iptables hairpinning the GENEVE traffic), one per appliance
  subnet, each with one interface of type ``interface`` on its instance, a public address from
  the subnet's ``MapPublicIpOnLaunch`` (unused: the subnet's 0.0.0.0/0 is the NAT gateway's) and
  the group ``appliance-sg`` (TCP 22, 80 and ICMP from ``bastion-sg``, everything from the VPC's
  CIDR, egress everything). They call AWS for their own management — ``aws ec2
  describe-network-interfaces`` to find the load balancer's addresses, ``yum`` from the Amazon
  Linux repositories in S3 — through their AZ's NAT gateway. A bastion host in the first NAT
  gateway subnet with a public address and ``bastion-sg`` (TCP 22 and ICMP from 0.0.0.0/0,
  everything from the VPC's CIDR, egress everything).
- Spoke 1 10.0.0.0/24 and spoke 2 10.0.1.0/24 (DNS on), each with an internet gateway and per AZ
  an application subnet (x.0/28, x.32/28), a transit gateway attachment subnet (x.16/28, x.48/28)
  and a bastion subnet (x.64/28, x.80/28), all ``MapPublicIpOnLaunch``. One application route
  table for the application and the attachment subnets, sending 0.0.0.0/0 to the transit gateway;
  one bastion route table sending 0.0.0.0/0 to the internet gateway. An application instance per
  application subnet (public address, ``application-sg``: all TCP, UDP and ICMP from 0.0.0.0/0,
  everything from the VPC's CIDR, TCP 22 from ``bastion-sg``, egress everything) and a bastion
  host in the first bastion subnet (public address, ``bastion-sg`` as above).
- The transit gateway (default association and propagation off), its attachments — appliance mode
  on the appliance VPC's — and its two route tables (the spokes' egress table: 0.0.0.0/0 to the
  appliance attachment; the appliance attachment's transit table: each spoke's CIDR to its
  attachment) are not part of a VPC snapshot: it has neither ``DescribeTransitGatewayAttachments``
  (where ``Options.ApplianceModeSupport`` is) nor ``SearchTransitGatewayRoutes``. What it shows of
  them is the attachments' requester-managed interfaces in the attachment subnets.
- No VPC flow log, no gateway or interface endpoint of an AWS service; the default NACLs.

Near misses the sample does not make: ``build(spoke2_default_route=False)`` (the transit gateway
stack's route from spoke 2's application route table left out); ``build(attach2_endpoint=1)``
(the appliance VPC's second attachment route table sends 0.0.0.0/0 to the first AZ's GWLB
endpoint); ``build(nat_return="tgw")`` (the NAT gateway route tables send the spokes' CIDRs
straight to the transit gateway instead of back through their AZ's GWLB endpoint).
"""

from __future__ import annotations

from dataclasses import replace

from aws_layout import AwsRegionBuilder

from vpcaudit.snapshot.model import Snapshot

ACCOUNT, REGION = "777788889999", "us-west-2"
TGW = "tgw-0b7e5a9c3d1f24680"
ANY4 = "0.0.0.0/0"  # the templates' AccessLocation default
APPLIANCE_CIDR = "192.168.1.0/24"
SPOKE_CIDRS = ("10.0.0.0/24", "10.0.1.0/24")
# The spokes' /28 subnets: their fourth octet in AZ 1 and AZ 2.
SPOKE_SUBNETS = {"application": (0, 32), "tgw-attach": (16, 48), "bastion": (64, 80)}
GWLB_NAME, GWLB_ID = "gwlb1", "5c2e8f1a7b3d9046"  # the load balancer's name; its ARN's id (assumed)
ELB_REQUESTER = "amazon-elb"
GWLB_SERVICE = f"com.amazonaws.vpce.{REGION}.vpce-svc-0a4d2c6e8f1b3a579"


def _instance(b: AwsRegionBuilder, subnet: str, group: str, public_ip: str) -> str:
    """An EC2 instance's primary interface, with the public address its subnet's
    ``MapPublicIpOnLaunch`` gave it."""
    eni = b.workload(subnet, groups=[group], description="")
    b.enis[eni] = replace(b.enis[eni], instance_id=b.new_id("i"), public_ip_addresses=(public_ip,))
    return eni


def _gwlb_endpoint(b: AwsRegionBuilder, vpc: str, subnet: str) -> str:
    """A Gateway Load Balancer endpoint of this account's endpoint service, as DescribeVpcEndpoints
    reports it: no policy, no private DNS, no DNS entries, no group; its one interface typed
    ``gateway_load_balancer_endpoint``."""
    endpoint = b.interface_endpoint(vpc, "gwlb", subnets=[subnet], private_dns=False, policy=None,
                                    endpoint_type="GatewayLoadBalancer", service_name=GWLB_SERVICE)
    b.endpoints[endpoint] = replace(b.endpoints[endpoint], dns_entries=())
    for eni in b.endpoints[endpoint].network_interface_ids:
        b.enis[eni] = replace(b.enis[eni], interface_type="gateway_load_balancer_endpoint")
    return endpoint


def _delete_endpoint(b: AwsRegionBuilder, endpoint: str) -> None:
    """An endpoint deleted after routes were made to it: DescribeVpcEndpoints and
    DescribeNetworkInterfaces no longer list it, and its routes stay with State ``blackhole``."""
    for eni in b.endpoints.pop(endpoint).network_interface_ids:
        del b.enis[eni]
    for table_id, table in b.route_tables.items():
        b.route_tables[table_id] = replace(table, routes=tuple(
            replace(route, state="blackhole") if route.target_id == endpoint else route for route in table.routes))


def _public_subnets(b: AwsRegionBuilder, vpc: str) -> None:
    """Every subnet of the VPC ``MapPublicIpOnLaunch``, as both templates create them."""
    for subnet_id, subnet in list(b.subnets.items()):
        if subnet.vpc_id == vpc:
            b.subnets[subnet_id] = replace(subnet, map_public_ip_on_launch=True)


def build(*, spoke2_default_route: bool = True, attach2_endpoint: int = 2,
          nat_return: str = "gwlbe", gwlbe2_deleted: bool = False) -> tuple[Snapshot, dict[str, str]]:
    """``spoke2_default_route``: spoke 2's application route table has its 0.0.0.0/0 route to the
    transit gateway. ``attach2_endpoint``: the AZ (1, 2) of the GWLB endpoint the appliance VPC's
    second attachment route table sends 0.0.0.0/0 to. ``nat_return``: where the NAT gateway route
    tables send the spokes' CIDRs, "gwlbe" (their AZ's GWLB endpoint) or "tgw". ``gwlbe2_deleted``:
    the second AZ's GWLB endpoint deleted, the routes to it left behind (state ``blackhole``)."""
    b = AwsRegionBuilder(ACCOUNT, REGION, ("usw2-az1", "usw2-az2"))
    ids: dict[str, str] = {}
    vpc = ids["appliance"] = b.vpc(APPLIANCE_CIDR, name="appliance-vpc")
    igw = ids["igw"] = b.igw(vpc)
    b.tag(igw, {"Name": "appliance-igw"})
    for az in (1, 2):
        base = 48 * (az - 1)
        ids[f"attach{az}"] = b.subnet(vpc, f"192.168.1.{base}/28", az=az, name=f"appliance-tgw-attach-subnet-{az}")
        ids[f"appliance{az}"] = b.subnet(vpc, f"192.168.1.{base + 16}/28", az=az,
                                         name=f"appliance-appliance-subnet-{az}")
        ids[f"natgw{az}"] = b.subnet(vpc, f"192.168.1.{base + 32}/28", az=az, name=f"appliance-natgw-subnet-{az}")
        ids[f"nat{az}"] = b.nat(ids[f"natgw{az}"])
        b.tag(ids[f"nat{az}"], {"Name": f"appliance-natgw-{az}"})
    _public_subnets(b, vpc)
    for az in (1, 2):
        ids[f"gwlb_eni{az}"] = b.workload(ids[f"appliance{az}"], groups=[], interface_type="gateway_load_balancer",
                                          requester_managed=True, requester_id=ELB_REQUESTER,
                                          description=f"ELB gwy/{GWLB_NAME}/{GWLB_ID}")
        ids[f"gwlbe{az}"] = _gwlb_endpoint(b, vpc, ids[f"appliance{az}"])
    for az in (1, 2):
        endpoint = ids[f"gwlbe{az}"]
        back = TGW if nat_return == "tgw" else endpoint
        ids[f"attach_rt{az}"] = b.route_table(
            vpc, subnets=[ids[f"attach{az}"]], name=f"appliance-tgw-attach-rtb-{az}",
            routes={ANY4: ids[f"gwlbe{attach2_endpoint}"] if az == 2 else endpoint})
        ids[f"appliance_rt{az}"] = b.route_table(
            vpc, subnets=[ids[f"appliance{az}"]], name=f"appliance-appliance-rtb-{az}",
            routes={ANY4: ids[f"nat{az}"]} | dict.fromkeys(SPOKE_CIDRS, TGW))
        ids[f"natgw_rt{az}"] = b.route_table(
            vpc, subnets=[ids[f"natgw{az}"]], name=f"appliance-natgw-rtb-{az}",
            routes={ANY4: igw} | dict.fromkeys(SPOKE_CIDRS, back))
    if gwlbe2_deleted:
        _delete_endpoint(b, ids["gwlbe2"])
    ids["tgw_attachment"] = b.tgw_attachment(vpc, TGW, [ids["attach1"], ids["attach2"]])
    bastion_sg = ids["bastion_sg"] = b.security_group(
        vpc, name="appliance-bastion-sg",
        ingress=[("tcp", 22, 22, ANY4), ("icmp", -1, -1, ANY4), ("-1", None, None, APPLIANCE_CIDR)])
    appliance_sg = ids["appliance_sg"] = b.security_group(
        vpc, name="appliance-appliance-sg",
        ingress=[("tcp", 22, 22, bastion_sg), ("icmp", -1, -1, bastion_sg), ("tcp", 80, 80, bastion_sg),
                 ("-1", None, None, APPLIANCE_CIDR)])
    for az in (1, 2):
        ids[f"appliance_eni{az}"] = _instance(b, ids[f"appliance{az}"], appliance_sg, f"34.210.{az}.10")
    ids["bastion_eni"] = _instance(b, ids["natgw1"], bastion_sg, "34.210.3.10")

    for n, cidr in enumerate(SPOKE_CIDRS, start=1):
        prefix = cidr.rsplit(".", 2)[0]
        spoke = ids[f"spoke{n}"] = b.vpc(cidr, name=f"spoke{n}-vpc")
        spoke_igw = b.igw(spoke)
        b.tag(spoke_igw, {"Name": f"spoke{n}-igw"})
        subnets: dict[str, list[str]] = {"application": [], "tgw-attach": [], "bastion": []}
        for az in (1, 2):
            for kind, offsets in SPOKE_SUBNETS.items():
                subnets[kind].append(b.subnet(spoke, f"{prefix}.{offsets[az - 1]}/28", az=az,
                                              name=f"spoke{n}-{kind}-subnet-{az}"))
            ids[f"spoke{n}_application{az}"] = subnets["application"][-1]
            ids[f"spoke{n}_attach{az}"] = subnets["tgw-attach"][-1]
        _public_subnets(b, spoke)
        routes = {ANY4: TGW} if n == 1 or spoke2_default_route else {}
        ids[f"spoke{n}_application_rt"] = b.route_table(spoke, subnets=subnets["application"] + subnets["tgw-attach"],
                                                        routes=routes, name=f"spoke{n}-applicaiton-rtb")
        b.route_table(spoke, subnets=subnets["bastion"], routes={ANY4: spoke_igw}, name=f"spoke{n}-bastion-rtb")
        b.tgw_attachment(spoke, TGW, subnets["tgw-attach"])
        spoke_bastion_sg = b.security_group(
            spoke, name=f"spoke{n}-bastion-sg",
            ingress=[("tcp", 22, 22, ANY4), ("icmp", -1, -1, ANY4), ("-1", None, None, cidr)])
        application_sg = b.security_group(
            spoke, name=f"spoke{n}-application-sg",
            ingress=[("tcp", 0, 65535, ANY4), ("icmp", -1, -1, ANY4), ("udp", 0, 65535, ANY4),
                     ("-1", None, None, cidr), ("tcp", 22, 22, spoke_bastion_sg)])
        for az, subnet in enumerate(subnets["application"], start=1):
            ids[f"spoke{n}_app_eni{az}"] = _instance(b, subnet, application_sg, f"35.160.{n}.{10 + az}")
        _instance(b, subnets["bastion"][0], spoke_bastion_sg, f"35.160.{n}.20")
    return b.snapshot(), ids
