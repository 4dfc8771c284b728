"""An AWS AppSync private GraphQL API (``visibility: PRIVATE``) called from a VPC through an
``appsync-api`` interface endpoint by a Lambda function in the VPC's private subnets (us-east-1).

Sources:

- the AWS AppSync Developer Guide, "Using AWS AppSync Private APIs"
  (https://docs.aws.amazon.com/appsync/latest/devguide/using-private-apis.html, current page, read
  2026-12-06). What it says: private APIs "can only be accessed from a VPC", through interface
  endpoints; the data plane endpoint ``com.amazonaws.{region}.appsync-api`` carries "GraphQL and
  Real-time APIs for querying, mutations, and subscriptions" (``com.amazonaws.{region}.appsync`` is
  the control plane's, "used for API management"); "both the Private API and VPC must be in the same
  AWS account and Region"; an endpoint for AppSync reaches "any Private API in the same AWS account
  and Region", and to restrict that the page suggests, among others, "VPC endpoint custom policies
  to restrict which APIs can be invoked", IAM authorization, and that policies restricting IAM
  principals need the method's ``authorizationType`` ``AWS_IAM`` or ``NONE``. Private DNS: "To use
  the private DNS option, you must set the enableDnsHostnames and enableDnsSupport" attributes; with
  it on, the generated URL ``https://{api_url_identifier}.appsync-api.{region}.amazonaws.com/graphql``
  reaches the endpoint, and resources of the VPC can no longer call other, public AppSync APIs by
  their generated URLs ("the request to the public API being routed via the interface endpoint,
  which is not allowed for public APIs") — for those the page recommends custom domain names on the
  public APIs. Its "Advanced examples" call the API through the endpoint's own names,
  ``https://{vpc_endpoint_id}-{endpoint_dns_identifier}.appsync-api.{region}.vpce.amazonaws.com/graphql``
  or the AZ-specific ``…-{az_id}.appsync-api…``, with the API's hostname "passed as ``Host`` or as a
  ``x-appsync-domain`` header"; subscriptions are ``wscat`` WebSocket connections to
  ``wss://{api_url_identifier}.appsync-realtime-api.{region}.amazonaws.com/graphql`` (private DNS)
  or to the endpoint's name with a ``Host`` header; the examples authorise with an API key
  (``x-api-key``). The page's console steps: choose the VPC and its subnets, tick "Enable DNS Name",
  choose one or more security groups; it states no port, no AZ count and no group rule.
- the AWS Front-End Web & Mobile Blog's launch post "Introducing Private APIs on AWS AppSync"
  (https://aws.amazon.com/blogs/mobile/introducing-private-apis-on-aws-appsync/, read 2026-12-06):
  a VPC "spread across two availability zones", the endpoint "to the VPC private subnets", the API
  invoked "from EC2 instances deployed in the private subnets", and "a similar configuration if other
  compute platforms like AWS Lambda or AWS Fargate are used to invoke the API".

Built (``build()``): VPC 10.0.0.0/16 ``appsync-private``, DNS support and hostnames on (the page's
requirement for private DNS); private subnets 10.0.1.0/24 (us-east-1a) and 10.0.2.0/24
(us-east-1b), AZ IDs use1-az1 and use1-az2 assumed, on one route table with the local route only —
no internet gateway and no NAT gateway: the page's point is that none is needed, and the client
needs no other AWS service (assumed: it reads the API key from its environment; a function's logs
leave through the Lambda service, not its VPC interfaces); the default NACL; no flow log (neither
source shows one). Groups (the page names none; assumed): ``graphql-client`` — the function's, no
ingress, all traffic out; ``appsync-endpoint`` — TCP 443 (HTTPS and WSS both ride 443: ``https://``
and ``wss://`` URLs with no port) from ``graphql-client``, AWS's default egress. The endpoint for
``com.amazonaws.us-east-1.appsync-api`` in both private subnets, private DNS on, no policy document
(AWS's full access: neither source sets one).

AWS's records, as botocore's ec2 model names them (assumed where no source shows them):

- DescribeVpcEndpointServices for ``appsync-api``: ``PrivateDnsNames``
  ``*.appsync-api.us-east-1.amazonaws.com`` and ``*.appsync-realtime-api.us-east-1.amazonaws.com``
  (assumed: the page's generated GraphQL URL and the real-time URL both reach the endpoint with
  private DNS on, which only wildcard names covering both can do; ``real_time_dns=False`` is the
  reading with the GraphQL name alone); ``VpcEndpointPolicySupported`` true (assumed: the page's
  "VPC endpoint custom policies" for this endpoint); offered in both AZs.
- DescribeVpcEndpoints ``DnsEntries``: the regional and zonal names in the page's form
  (``<vpce-id>-<suffix>[-<az>].appsync-api.us-east-1.vpce.amazonaws.com``; the random suffix
  assumed, hosted zone Z7HUB22UULQXV, us-east-1's ``vpce.amazonaws.com`` zone) and, with private
  DNS on, the two private names in the endpoint's private zone (id assumed).
- The function's Hyperplane ENIs, one per subnet for the subnet and group pair, present from the
  function's creation: InterfaceType ``lambda`` (botocore's ``NetworkInterfaceType``), not
  requester-managed, RequesterId the execution role's unique id and, after a colon, the function's
  name (assumed), Description ``AWS Lambda VPC ENI-<function>-<uuid>``, attached to no instance of the
  account, no tags — as ``layouts.apigw_private_api`` models them from public
  DescribeNetworkInterfaces dumps (the Lambda Developer Guide: "Lambda uses your function's
  permissions to create and manage network interfaces").
- The endpoint's interfaces: InterfaceType ``vpc_endpoint``, requester-managed, Description
  ``VPC Endpoint Interface <vpce-id>``, the endpoint's group (the shared builder's reading).

Near misses: ``private_dns=False`` (the endpoint created without "Enable DNS Name": the function
must call the endpoint's own name with a ``Host`` or ``x-appsync-domain`` header, or its calls to
the generated URL resolve publicly and fail — the VPC has no egress); ``endpoint_ingress="http"``
(the endpoint's group admitting TCP 80 from ``graphql-client`` instead of 443); ``endpoint_azs=1``
(the endpoint in us-east-1a only while the function runs in both AZs).
"""

from __future__ import annotations

from dataclasses import replace

from aws_layout import AwsRegionBuilder

from vpcaudit.snapshot import resources as r
from vpcaudit.snapshot.model import Snapshot

ACCOUNT = "123456789012"
REGION = "us-east-1"
AZ_IDS = ("use1-az1", "use1-az2")  # this account's us-east-1a, b (assumed)
NAME = "appsync-private"
VPC_CIDR = "10.0.0.0/16"
PRIVATE_CIDRS = ("10.0.1.0/24", "10.0.2.0/24")
HTTPS = 443
HTTP = 80
API_ID = "k3p7v2xq9mf4rd6zt5wy8hn1ce"  # the API's GraphQL URL identifier (assumed)
GRAPHQL_DNS = f"*.appsync-api.{REGION}.amazonaws.com"
REALTIME_DNS = f"*.appsync-realtime-api.{REGION}.amazonaws.com"
VPCE_ZONE = "Z7HUB22UULQXV"  # the hosted zone of us-east-1's *.vpce.amazonaws.com names
PRIVATE_ZONE = "Z08431752Q1HEXAMPLE"  # the endpoint's private DNS zone (assumed id)
FUNCTION = "todo-graphql-client"  # the Lambda function (assumed name)
EXECUTION_ROLE_ID = "AROAYQ3JKW7EAPPSYNC01"  # its execution role's unique id (assumed)
ALL_OUT = ("-1", None, None, "0.0.0.0/0")


def build(*, private_dns: bool = True, endpoint_ingress: str = "https", endpoint_azs: int = 2,
          real_time_dns: bool = True) -> tuple[Snapshot, dict[str, str]]:
    """``private_dns``: the endpoint's private DNS; ``endpoint_ingress``: "https" (TCP 443 from the
    function's group) or "http" (TCP 80 from it); ``endpoint_azs``: the endpoint's subnets, the
    first N; ``real_time_dns``: the service lists the real-time wildcard name besides the GraphQL one."""
    assert endpoint_ingress in ("https", "http")
    b = AwsRegionBuilder(ACCOUNT, REGION, AZ_IDS)
    names = (GRAPHQL_DNS, REALTIME_DNS) if real_time_dns else (GRAPHQL_DNS,)
    b.service("appsync-api", dns_names=names, policy_supported=True)
    vpc = b.vpc(VPC_CIDR, name=NAME, dns_support=True, dns_hostnames=True)
    ids: dict[str, str] = {"vpc": vpc, "main_rt": b.main_route_table(vpc), "default_sg": b.default_group(vpc)}
    private = [b.subnet(vpc, cidr, az=az, name=f"{NAME}-private-{az}")
               for az, cidr in enumerate(PRIVATE_CIDRS, start=1)]
    ids["private1"], ids["private2"] = private
    ids["private_rt"] = b.route_table(vpc, subnets=private, name=f"{NAME}-private")

    client_sg = ids["client_sg"] = b.security_group(vpc, name="graphql-client", egress=[ALL_OUT])
    port = HTTPS if endpoint_ingress == "https" else HTTP
    endpoint_sg = ids["endpoint_sg"] = b.security_group(vpc, name="appsync-endpoint",
                                                        ingress=[("tcp", port, port, client_sg)])

    subnets = private[:endpoint_azs]
    endpoint = ids["endpoint"] = b.interface_endpoint(vpc, "appsync-api", subnets=subnets, groups=[endpoint_sg],
                                                      private_dns=private_dns, policy=None)
    regional = f"{endpoint}-4fq8n2zd.appsync-api.{REGION}.vpce.amazonaws.com"
    entries = [r.DnsEntry(regional, VPCE_ZONE)]
    entries += [r.DnsEntry(regional.replace(".appsync-api.", f"-{b.subnets[s].availability_zone}.appsync-api."),
                           VPCE_ZONE) for s in subnets]
    if private_dns:
        entries += [r.DnsEntry(name, PRIVATE_ZONE) for name in names]
    b.endpoints[endpoint] = replace(b.endpoints[endpoint], dns_entries=tuple(entries))
    ids["endpoint_dns"] = regional

    for az, subnet in enumerate(private, start=1):
        ids[f"lambda_eni{az}"] = b.workload(
            subnet, groups=[client_sg], interface_type="lambda", requester_id=f"{EXECUTION_ROLE_ID}:{FUNCTION}",
            description=f"AWS Lambda VPC ENI-{FUNCTION}-7c1e4a92-3b5d-4e60-9f2a-1d8b6c0e4a7{az}")
    return b.snapshot(), ids
