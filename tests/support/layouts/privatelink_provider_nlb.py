"""The provider side of an AWS PrivateLink endpoint service: an internal Network Load Balancer in
the provider VPC's private subnets in two AZs, fronting application instances, published as a
``vpce-svc`` endpoint service that requires acceptance (us-east-1).

The guide: the AWS PrivateLink Guide's "Share your services through AWS PrivateLink"
(https://docs.aws.amazon.com/vpc/latest/privatelink/privatelink-share-your-services.html: "As the
service provider, you create a Network Load Balancer in your VPC as the service front end … The
load balancer receives requests from the service consumer and routes them to the targets hosting
your service"; "For low latency and high availability, we recommend that you make your service
available in at least two Availability Zones") and "Create a service powered by AWS PrivateLink"
(https://docs.aws.amazon.com/vpc/latest/privatelink/create-endpoint-service.html): the
considerations — consumers see "only the Availability Zones that they have in common with the
service provider", and the source addresses the application receives from consumers through an
interface endpoint are the load balancer nodes' private addresses, not the consumers' (Proxy
Protocol carries those) — and the prerequisites: a subnet in each AZ the service is offered in, a
Network Load Balancer with a subnet per such AZ, and, where the load balancer has a security
group, a rule admitting the clients' addresses, or the evaluation of inbound rules on PrivateLink
traffic turned off. The Elastic Load Balancing guide's "Update the security groups for your
Network Load Balancer"
(https://docs.aws.amazon.com/elasticloadbalancing/latest/network/load-balancer-security-groups.html):
the targets' groups reference the load balancer's group ("ensures that your targets accept traffic
from your Network Load Balancer even if you enable client IP preservation"); with inbound rules
evaluated on PrivateLink traffic, the group sees the client's private address as the source, not
the endpoint's interface (the attribute ``EnforceSecurityGroupInboundRulesOnPrivateLinkTraffic``,
"The default is on", botocore's elbv2 ``SetSecurityGroups``; ``LoadBalancer`` reports it).

The sample: https://github.com/aws-samples/private-saas-with-aws-privatelink,
``privatelink_nlb_alb/terraform/main.tf`` read at commit 4115bc0d2382d18ebb26811da5e7300902cf0773:
``aws_lb`` ``load_balancer_type = "network"``, ``internal = true``, ``security_groups`` a group
admitting TCP 443 (``allow_tls``, egress all), a TCP 443 listener, and
``aws_vpc_endpoint_service`` with ``network_load_balancer_arns``. Its target is an ALB and it sets
``acceptance_required = false``; here the targets are instances (the brief of this layout) and
acceptance is required (the guide's default and ``AWS::EC2::VPCEndpointService``'s), which no
snapshot records either way.

Built (assumed where the sources say nothing: account ids, CIDRs, names, the port): the provider
account 444455556666 (the account ``layouts.privatelink_partner_service`` names as its provider;
its consumer VPC is 10.0.0.0/16), VPC 10.1.0.0/16 with DNS support and hostnames on, private
subnets 10.1.1.0/24 (use1-az1) and 10.1.2.0/24 (use1-az2) on one route table with the local route
and the S3 gateway endpoint's route; ``provider-nlb``, the load balancer's group, admitting TCP 443
from the consumer's 10.0.0.0/16 (the clients' addresses, evaluation on PrivateLink traffic left
on), AWS's default egress; ``provider-app`` admitting TCP 443 (listener, target and health check
port) from ``provider-nlb``, AWS's default egress, on one instance per private subnet (instance
targets); the companions a provider VPC without internet access has — Session Manager's ``ssm``,
``ssmmessages`` and ``ec2messages`` interface endpoints in both subnets with
``provider-vpc-endpoints`` (TCP 443 from the VPC) and an S3 gateway endpoint (the instances'
package repositories), AWS's default policies.

The load balancer's interfaces, one per enabled subnet, as DescribeNetworkInterfaces reports them:
InterfaceType ``network_load_balancer``, requester-managed by ``amazon-elb``, Description
``ELB net/<name>/<id>``, the load balancer's groups (none without any). The snapshot collects
neither the load balancer (elbv2 DescribeLoadBalancers, DescribeTargetGroups) nor the endpoint
service (DescribeVpcEndpointServiceConfigurations, the provider's own view: its load balancer
ARNs, AZs, acceptance, allowed principals): only the interfaces say there is a load balancer, and
nothing says it backs an endpoint service. The service is in this account's
DescribeVpcEndpointServices only where the provider allowlists itself; not built.

Variants: ``nlb_group=False, app_source="vpc"`` (the other documented form: a load balancer without
a group, the instances admitting the VPC's block, where its nodes' addresses are). Near misses:
``app_source="consumer"`` (the instances admit the consumer's 10.0.0.0/16 instead of the load
balancer's group: PrivateLink traffic arrives from the nodes' addresses, health checks too);
``nlb_azs=(1,)`` (the load balancer in use1-az1 only, the instances in both);
``nlb_source="vpc"`` (the load balancer's group admits 443 from the provider's own block only,
PrivateLink evaluation on: the consumers' clients are refused).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from aws_layout import AwsRegionBuilder

from vpcaudit.snapshot.model import Snapshot

ACCOUNT = "444455556666"  # the provider's account, the one audited (assumed)
CONSUMER_CIDR = "10.0.0.0/16"  # layouts.privatelink_partner_service's consumer VPC
REGION = "us-east-1"
NAME = "provider"
VPC_CIDR = "10.1.0.0/16"
PRIVATE_CIDRS = ("10.1.1.0/24", "10.1.2.0/24")
SERVICE_PORT = 443  # the listener's, the targets' and the health check's port (assumed)
NLB_NAME = "provider-service"
NLB_ID = "8e1f5c3a9b27d640"  # the random part of the load balancer's ARN (assumed)
NLB_DESCRIPTION = f"ELB net/{NLB_NAME}/{NLB_ID}"
ELB_REQUESTER = "amazon-elb"
INTERFACE_SERVICES = ("ssm", "ssmmessages", "ec2messages")


def build(*, nlb_azs: Iterable[int] = (1, 2), nlb_group: bool = True, nlb_source: str = "consumer",
          app_source: str = "nlb-group") -> tuple[Snapshot, dict[str, str]]:
    """``nlb_azs``: the AZs (1, 2) the load balancer has a subnet in. ``nlb_group``: the load
    balancer has ``provider-nlb``. ``nlb_source``: what that group admits TCP 443 from, "consumer"
    (10.0.0.0/16) or "vpc" (10.1.0.0/16). ``app_source``: what ``provider-app`` admits TCP 443
    from, "nlb-group", "vpc" or "consumer"."""
    b = AwsRegionBuilder(ACCOUNT, REGION, ("use1-az1", "use1-az2"))
    vpc = b.vpc(VPC_CIDR, name=NAME, dns_support=True, dns_hostnames=True)
    ids: dict[str, str] = {"vpc": vpc}
    private = [b.subnet(vpc, cidr, az=az, name=f"{NAME}-private-{az}")
               for az, cidr in enumerate(PRIVATE_CIDRS, start=1)]
    ids["private1"], ids["private2"] = private
    ids["private_rt"] = b.route_table(vpc, subnets=private, name=f"{NAME}-private")

    nlb_groups: list[str] = []
    if nlb_group:
        source = {"consumer": CONSUMER_CIDR, "vpc": VPC_CIDR}[nlb_source]
        ids["nlb_sg"] = b.security_group(vpc, name=f"{NAME}-nlb",
                                         ingress=[("tcp", SERVICE_PORT, SERVICE_PORT, source)])
        nlb_groups.append(ids["nlb_sg"])
    app_from = {"vpc": VPC_CIDR, "consumer": CONSUMER_CIDR}.get(app_source) or ids["nlb_sg"]
    ids["app_sg"] = b.security_group(vpc, name=f"{NAME}-app",
                                     ingress=[("tcp", SERVICE_PORT, SERVICE_PORT, app_from)])
    for az, subnet in enumerate(private, start=1):
        eni = ids[f"app{az}"] = b.workload(subnet, groups=[ids["app_sg"]])
        b.enis[eni] = replace(b.enis[eni], instance_id=b.new_id("i"))
    for az in nlb_azs:
        ids[f"nlb_eni{az}"] = b.workload(private[az - 1], groups=nlb_groups, interface_type="network_load_balancer",
                                         requester_managed=True, requester_id=ELB_REQUESTER,
                                         description=NLB_DESCRIPTION)

    ids["endpoints_sg"] = b.security_group(vpc, name=f"{NAME}-vpc-endpoints",
                                           ingress=[("tcp", 443, 443, VPC_CIDR)])
    for key in INTERFACE_SERVICES:
        ids[key] = b.interface_endpoint(vpc, key, subnets=private, groups=[ids["endpoints_sg"]])
    ids["s3"] = b.gateway_endpoint(vpc, "s3", route_tables=[ids["private_rt"]])
    return b.snapshot(), ids
