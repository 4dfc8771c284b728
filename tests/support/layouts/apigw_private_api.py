"""An Amazon API Gateway private REST API consumed from a VPC through an ``execute-api``
interface endpoint, by a Lambda function in the VPC's private subnets (us-east-1).

The guide: the API Gateway Developer Guide's "Private REST APIs in API Gateway"
(https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-private-apis.html),
"Create a private API" (apigateway-private-api-create.html), "Invoke a private API"
(apigateway-private-api-test-invoke-url.html) and "Use VPC endpoint policies for private APIs"
(apigateway-vpc-endpoint-policies.html). What it asks of the consumer's VPC: an interface endpoint
for ``com.amazonaws.<region>.execute-api``, its security group admitting HTTPS from the callers;
best practices "Use a single VPC endpoint to access multiple private APIs", "Turn on private DNS
for your VPC" — with the caveat "If you turn on private DNS, you can't access the default endpoint
for public APIs. To access the default endpoint for public APIs, you can turn off private DNS,
create a private hosted zone for each private API in your VPC, and then provision the required
records in Route 53" — and, with private DNS off, the endpoint-specific names: the Route 53 alias
``{rest-api-id}-{vpce-id}.execute-api.{region}.amazonaws.com`` API Gateway creates when the API is
associated with the endpoint, or the endpoint's own name with a ``Host`` or ``x-apigw-api-id``
header. The private API's resource policy ("must have a resource policy that allows specific VPCs
and VPC endpoints") belongs to the API's account and is outside the snapshot; the endpoint policy
is in it (DescribeVpcEndpoints ``PolicyDocument``).

The sample: https://github.com/aws-samples/cross-account-private-api-patterns, pattern 1 "Cross
account via VPC endpoint" (``vpc-endpoint/``), read at commit
709a26ec7473c664731975f19c09da9fc960bb50 (2026-06-17; the stacks last changed in eaacf9b,
2024-12-10, ``endpointPolicy/app.ts`` and ``lambdaConsumer/app.ts`` in c352887, 2023-12-04),
aws-cdk-lib 2.240.0 (``vpc-endpoint/consumer/package.json``). The snapshot is
the consumer account's, the one with a VPC; the producer account holds the private API, its Lambda
integration and its resource policy (``ProducerStack``: Allow ``execute-api:Invoke`` on
``execute-api:/*``, Deny unless ``aws:SourceVpce`` is the consumer's endpoint) and no VPC.

``ConsumerVpcStack`` (an account- and Region-bound stack: ``env`` from ``CDK_DEFAULT_ACCOUNT`` /
``CDK_DEFAULT_REGION``):

- ``new Vpc(this, "ConsumerVPC", {vpcName: "ConsumerVPC"})``: CDK's defaults, as
  ``layouts.cdk_default_vpc`` reads them — 10.0.0.0/16, DNS support and hostnames on, three AZs
  (``maxAzs`` 3 of the looked-up us-east-1a, b, c), public 10.0.0.0/19, 10.0.32.0/19,
  10.0.64.0/19 and private (``PRIVATE_WITH_EGRESS``) 10.0.96.0/19, 10.0.128.0/19, 10.0.160.0/19,
  each on its own route table, an internet gateway, a NAT gateway per public subnet and each
  private subnet on its own AZ's. ``vpcName`` is the Name tag of the VPC and of every child without
  a Name of its own (internet gateway, endpoint, endpoint group). The sample's ``cdk.json`` does not
  set ``@aws-cdk/aws-ec2:restrictDefaultSecurityGroup``, so the default group keeps AWS's rules.
- ``new FlowLog(this, "FlowLog", {resourceType: FlowLogResourceType.fromVpc(vpc)})``: a flow log
  of ALL traffic to CloudWatch Logs.
- ``vpc.addInterfaceEndpoint("ConsumerApiEndpoint", {service: InterfaceVpcEndpointAwsService.APIGATEWAY})``
  (the ``execute-api`` service): CDK's defaults — private DNS on, one private subnet per AZ, a new
  group ``ConsumerVpcStack/ConsumerVPC/ConsumerApiEndpoint/SecurityGroup`` admitting TCP 443 from
  10.0.0.0/16 (``open``) and sending anywhere, no policy document (AWS's full access).
- an internal Network Load Balancer ``ConsumerNLB`` (``internetFacing: false``,
  ``crossZoneEnabled: true``, no security group) in the private subnets, its IP target group on
  TCP 443 holding the endpoint's interface addresses (the ``IpTargetRegister`` custom resource):
  what ``ConsumerApiStack``'s REST API VPC link sends to.

``ConsumerApiStack`` (``api_stack=True``): a custom resource calls ModifyVpcEndpoint with the
policy of ``endpointPolicy/app.ts`` — ``execute-api:Invoke`` on
``arn:aws:execute-api:<region>:<producer account>:<api id>/*`` for ``{"AWS": "*"}``, nothing else —
and ``ConsumerFunction``, a ``NodejsFunction`` in the private subnets (``PRIVATE_WITH_EGRESS``)
with ``lambdaSecurityGroup`` (all traffic in from the VPC's block, ``allowAllOutbound``), which
GETs ``https://<api id>.execute-api.<region>.amazonaws.com/prod/widgets`` with the API key in the
``Authorization`` header (a bearer-style value: to the endpoint policy an anonymous caller) and reads
that key from Secrets Manager through the NAT gateways. Left out: the VPC link's endpoint service
for the NLB, the consumer's own (edge-optimized, public) REST API, the functions outside the VPC
(authorizer, custom resources, rotation), buckets, keys and roles — no rule reads them.

Assumed where the sources say nothing: the account ids (consumer 111122223333, producer
444455556666), the API id, the names CloudFormation generates (groups, function, NLB) and the
random parts of ids and DNS names. AWS's records, as botocore's ec2 model names them:

- DescribeVpcEndpointServices lists ``com.amazonaws.us-east-1.execute-api`` (not in the shared
  catalogue of ``aws_layout``: added here) with the private DNS name
  ``*.execute-api.us-east-1.amazonaws.com`` — "The private DNS name of a VPC endpoint is in the
  format *.execute-api.<REGION>.amazonaws.com" (AWS Knowledge Center, "I'm calling my Amazon API
  Gateway APIs from my virtual private cloud (VPC), but I get an HTTP 403 Forbidden error",
  https://aws.amazon.com/premiumsupport/knowledge-center/api-gateway-vpc-connections/); the
  wildcard alone, as the catalogue records ``*.dkr.ecr``. ``service_dns_names`` builds other
  readings (the apex, or both names).
- DescribeVpcEndpoints ``DnsEntries``: the endpoint's regional and zonal names
  (``vpce-<id>-<suffix>[-<az>].execute-api.us-east-1.vpce.amazonaws.com``, hosted zone
  Z7HUB22UULQXV) and, with private DNS on, ``execute-api.us-east-1.amazonaws.com`` and
  ``*.execute-api.us-east-1.amazonaws.com`` in the endpoint's private zone (the guide's "DNS names"
  field: the public names first, then the two private ones).
- The function's Hyperplane ENIs, one per subnet for the subnet and group pair, present from the
  function's creation: InterfaceType ``lambda``, Description ``AWS Lambda VPC ENI-<function>-<uuid>``
  (the form public ENI inventories show). The execution role creates them ("Lambda uses your
  function's permissions to create and manage network interfaces", the Lambda Developer Guide,
  https://docs.aws.amazon.com/lambda/latest/dg/configuration-vpc.html; the sample's role is granted
  ``ec2:CreateNetworkInterface``), and public DescribeNetworkInterfaces dumps show them not
  requester-managed with an opaque ``<id>:<id>`` RequesterId (botocore: "The alias or Amazon Web
  Services account ID of the principal or service that created the network interface"): built so,
  the RequesterId the role's unique id and a session name (assumed: the function's).
  ``lambda_requester_managed=True`` is the reading of the repository's other Lambda layouts
  (requester-managed, no RequesterId).
- The NLB's, one per private subnet: InterfaceType ``network_load_balancer``, requester-managed by
  ``amazon-elb``, Description ``ELB net/<name>/<id>``, no security group.

The two documented forms: ``private_dns="on"`` (the sample), ``"off"`` (the consumer calls the
endpoint-specific names; the producer would then associate the endpoint with its API, which the
sample does not do) and ``"zone"`` (private DNS off and, as the best practices say, a private
hosted zone ``<api id>.execute-api.us-east-1.amazonaws.com`` associated with the VPC, its apex an
alias A record to the endpoint's regional name). Near misses: ``endpoint_ingress="none"``
(``open: false``, the README's option, with no connection allowed afterwards: the endpoint's group
admits nobody), ``endpoint_ingress="function"`` (the group narrowed by hand to TCP 443 from
``lambdaSecurityGroup``, its 10.0.0.0/16 rule removed: the NLB, which has no group, is refused),
``endpoint_azs=1`` (``subnets: {availabilityZones: ['us-east-1a']}``: the endpoint in one AZ while
the function runs in three).
"""

from __future__ import annotations

import json
from dataclasses import replace

from aws_layout import AwsRegionBuilder

from layouts.cdk_default_vpc import cdk_subnet_cidrs
from vpcaudit.snapshot import resources as r
from vpcaudit.snapshot.model import Snapshot

ACCOUNT = "111122223333"  # the consumer account (assumed)
PRODUCER_ACCOUNT = "444455556666"  # the private API's account (assumed)
REGION = "us-east-1"
STACK = "ConsumerVpcStack"
API_STACK = "ConsumerApiStack"
VPC_NAME = "ConsumerVPC"  # vpcName: the VPC's Name tag, and its children's without one of their own
VPC_PATH = f"{STACK}/{VPC_NAME}"
VPC_CIDR = "10.0.0.0/16"
AZ_IDS = ("use1-az2", "use1-az4", "use1-az6")  # this account's mapping of us-east-1a, b, c
API_ID = "a1b2c3d4e5"  # the producer's REST API id (assumed)
STAGE = "prod"
PRIVATE_DNS_NAMES = (f"*.execute-api.{REGION}.amazonaws.com",)  # DescribeVpcEndpointServices
VPCE_ZONE = "Z7HUB22UULQXV"  # the hosted zone of us-east-1's *.vpce.amazonaws.com names
# CloudFormation's generated names (assumed suffixes).
FUNCTION = f"{API_STACK}-ConsumerFunction4B8A1F3C-kQ7vZ2mX9pLr"
NLB_NAME = "Consum-Consu-1H5Q0ZJ8WX3KD"
EXECUTION_ROLE_ID = "AROAYQ3JKW7ELAMBDA2XQ"  # lambdaConsumerRole's unique id (assumed)
ALLOW_ALL_OUTBOUND = "Allow all outbound traffic by default"  # SecurityGroup's egress rule description
SOA = "ns-1536.awsdns-00.co.uk. awsdns-hostmaster.amazon.com. 1 7200 900 1209600 86400"  # a new zone's (assumed)


def api_arn(resource: str = "*", *, account: str = PRODUCER_ACCOUNT) -> str:
    """The ARN of a method of the producer's API (``<stage>/<method>/<path>``), or all of them."""
    return f"arn:aws:execute-api:{REGION}:{account}:{API_ID}/{resource}"


def sample_endpoint_policy() -> str:
    """The policy ``endpointPolicy/app.ts`` passes to ModifyVpcEndpoint, as DescribeVpcEndpoints
    returns it (the string the function built): Invoke on the one API, for any principal."""
    return json.dumps({"Statement": [{"Action": "execute-api:Invoke", "Effect": "Allow", "Principal": {"AWS": "*"},
                                      "Resource": api_arn()}], "Version": "2012-10-17"}, separators=(",", ":"))


def build(*, api_stack: bool = True, private_dns: str = "on", endpoint_ingress: str = "vpc",
          endpoint_azs: int = 3, lambda_requester_managed: bool = False,
          service_dns_names: tuple[str, ...] = PRIVATE_DNS_NAMES) -> tuple[Snapshot, dict[str, str]]:
    """``api_stack``: ``ConsumerApiStack`` deployed (the function, the one-API endpoint policy).
    ``private_dns``: "on", "off" or "zone" (off, with a private hosted zone for the API);
    ``endpoint_ingress``: "vpc" (CDK's ``open``), "none" (``open: false``) or "function" (TCP 443
    from ``lambdaSecurityGroup`` alone; needs ``api_stack``); ``endpoint_azs``: the endpoint's
    subnets narrowed to the first N AZs."""
    assert private_dns in ("on", "off", "zone") and endpoint_ingress in ("vpc", "none", "function")
    assert api_stack or endpoint_ingress != "function", "lambdaSecurityGroup is ConsumerApiStack's"
    b = AwsRegionBuilder(ACCOUNT, REGION, AZ_IDS)
    b.service("execute-api", dns_names=service_dns_names)
    vpc = b.vpc(VPC_CIDR, name=VPC_NAME, dns_support=True, dns_hostnames=True)
    ids: dict[str, str] = {"vpc": vpc, "default_sg": b.default_group(vpc)}
    ids |= _cdk_vpc(b, vpc)
    ids["flow_log"] = b.flow_log(vpc)
    ids |= _endpoint(b, vpc, ids, private_dns=private_dns, ingress=endpoint_ingress, azs=endpoint_azs)
    ids |= _nlb(b, ids)
    if api_stack:
        b.endpoints[ids["endpoint"]] = replace(b.endpoints[ids["endpoint"]], policy_document=sample_endpoint_policy())
        ids |= _consumer_function(b, vpc, ids, requester_managed=lambda_requester_managed)
    if endpoint_ingress == "function":
        b.authorize(ids["endpoint_sg"], ingress=[("tcp", 443, 443, ids["lambda_sg"])])
    return b.snapshot(), ids


def _cdk_vpc(b: AwsRegionBuilder, vpc: str) -> dict[str, str]:
    """Subnets, route tables, internet and NAT gateways as ``Vpc`` with no subnet props makes them."""
    ids: dict[str, str] = {}
    igw = ids["igw"] = b.igw(vpc)
    b.tag(igw, {"Name": VPC_NAME})
    cidrs = cdk_subnet_cidrs(VPC_CIDR, 2 * len(AZ_IDS))
    for group, offset in (("Public", 0), ("Private", len(AZ_IDS))):
        for az in range(1, len(AZ_IDS) + 1):
            name = f"{VPC_PATH}/{group}Subnet{az}"
            subnet = b.subnet(vpc, cidrs[offset + az - 1], az=az, name=name)
            b.subnets[subnet] = replace(b.subnets[subnet], map_public_ip_on_launch=group == "Public")
            b.tag(subnet, {"aws-cdk:subnet-name": group, "aws-cdk:subnet-type": group})
            key = f"{group.lower()}{az}"
            ids[key] = subnet
            ids[f"{key}_rt"] = b.route_table(vpc, subnets=[subnet], name=name)
    for az in range(1, len(AZ_IDS) + 1):
        ids[f"nat{az}"] = b.nat(ids[f"public{az}"])
        b.tag(ids[f"nat{az}"], {"Name": f"{VPC_PATH}/PublicSubnet{az}"})
        b.route(ids[f"public{az}_rt"], "0.0.0.0/0", igw)
        b.route(ids[f"private{az}_rt"], "0.0.0.0/0", ids[f"nat{az}"])
    return ids


def _cdk_group(b: AwsRegionBuilder, vpc: str, stack: str, logical_id: str, path: str, *,
               ingress: list[tuple[str, int | None, int | None, str]], ingress_description: str | None) -> str:
    """A CDK ``SecurityGroup`` as CloudFormation creates it: GroupName ``<stack>-<logical id>-<suffix>``,
    GroupDescription the construct path, ``allowAllOutbound``'s one egress rule, CDK's descriptions."""
    suffix = b.new_id("x")[-13:].upper()
    group = b.security_group(vpc, name=f"{stack}-{logical_id}-{suffix}", ingress=ingress)
    rules = tuple(replace(rule, description=ALLOW_ALL_OUTBOUND if rule.is_egress else ingress_description)
                  for rule in b.groups[group].rules)
    b.groups[group] = replace(b.groups[group], description=path, rules=rules)
    return group


def _endpoint(b: AwsRegionBuilder, vpc: str, ids: dict[str, str], *, private_dns: str, ingress: str,
              azs: int) -> dict[str, str]:
    """The ``execute-api`` endpoint and its group; with ``private_dns="zone"`` the API's private zone."""
    rules = [("tcp", 443, 443, VPC_CIDR)] if ingress == "vpc" else []  # "function": added with the group
    group = _cdk_group(b, vpc, STACK, "ConsumerVPCConsumerApiEndpointSecurityGroup2C1F6A4E",
                       f"{VPC_PATH}/ConsumerApiEndpoint/SecurityGroup", ingress=rules,
                       ingress_description=f"from {VPC_CIDR}:443")
    b.tag(group, {"Name": VPC_NAME})
    subnets = [ids[f"private{az}"] for az in range(1, azs + 1)]
    endpoint = b.interface_endpoint(vpc, "execute-api", subnets=subnets, groups=[group],
                                    private_dns=private_dns == "on")
    b.tag(endpoint, {"Name": VPC_NAME})
    regional = f"{endpoint}-7kq2w9xd.execute-api.{REGION}.vpce.amazonaws.com"
    entries = [r.DnsEntry(regional, VPCE_ZONE)]
    entries += [r.DnsEntry(regional.replace(".execute-api.", f"-{b.subnets[s].availability_zone}.execute-api."),
                           VPCE_ZONE) for s in subnets]
    if private_dns == "on":
        private_zone = "Z04718283J5TQ0EXAMPLE"  # the endpoint's private DNS zone (assumed id)
        entries += [r.DnsEntry(f"execute-api.{REGION}.amazonaws.com", private_zone),
                    r.DnsEntry(f"*.execute-api.{REGION}.amazonaws.com", private_zone)]
    b.endpoints[endpoint] = replace(b.endpoints[endpoint], dns_entries=tuple(entries))
    added = {"endpoint": endpoint, "endpoint_sg": group}
    if private_dns == "zone":
        name = f"{API_ID}.execute-api.{REGION}.amazonaws.com"
        added["zone"] = b.hosted_zone(name, [vpc], [
            r.RecordSet(name, "NS", ("ns-1536.awsdns-00.co.uk.",), None),
            r.RecordSet(name, "SOA", (SOA,), None),
            r.RecordSet(name, "A", (), regional)])
    return added


def _nlb(b: AwsRegionBuilder, ids: dict[str, str]) -> dict[str, str]:
    """``ConsumerNLB``'s interfaces, one per private subnet (internal, no security group)."""
    return {f"nlb_eni{az}": b.workload(ids[f"private{az}"], groups=[], interface_type="network_load_balancer",
                                       requester_managed=True, requester_id="amazon-elb",
                                       description=f"ELB net/{NLB_NAME}/5f2c9e81b7a4d036")
            for az in range(1, len(AZ_IDS) + 1)}


def _consumer_function(b: AwsRegionBuilder, vpc: str, ids: dict[str, str], *,
                       requester_managed: bool) -> dict[str, str]:
    """``lambdaSecurityGroup`` and ``ConsumerFunction``'s Hyperplane ENIs, one per private subnet."""
    group = _cdk_group(b, vpc, API_STACK, "lambdaSecurityGroup0B7E2D5A", f"{API_STACK}/lambdaSecurityGroup",
                       ingress=[("-1", None, None, VPC_CIDR)], ingress_description=f"from {VPC_CIDR}:ALL TRAFFIC")
    added = {"lambda_sg": group}
    for az in range(1, len(AZ_IDS) + 1):
        added[f"lambda_eni{az}"] = b.workload(
            ids[f"private{az}"], groups=[group], interface_type="lambda", requester_managed=requester_managed,
            requester_id=None if requester_managed else f"{EXECUTION_ROLE_ID}:{FUNCTION}",
            description=f"AWS Lambda VPC ENI-{FUNCTION}-3e9b2c71-5d0a-4f86-b1c4-7a2e9d6f0c5{az}")
    return added
