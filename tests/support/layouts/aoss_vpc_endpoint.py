"""An Amazon OpenSearch Serverless collection reached privately from a VPC through an OpenSearch
Serverless-managed VPC endpoint, a network policy admitting that endpoint only, and a Lambda
function in private subnets calling the collection (us-east-1).

Sources:

- the OpenSearch Service Developer Guide, "Access Amazon OpenSearch Serverless using an interface
  endpoint (AWS PrivateLink)"
  (https://docs.aws.amazon.com/opensearch-service/latest/developerguide/serverless-vpc.html),
  read in its source repository https://github.com/awsdocs/amazon-opensearch-service-developer-guide
  at commit c012b41595aae1f8ae20943225b2c2505ece81f1 (``doc_source/serverless-vpc.md``, the
  repository's last version of the page, after general availability; the preview version is
  1dc78183878263d6e29fc899f89c15968dda0353, 2022-11-29), and the current page (its "DNS resolution
  of collection endpoints" section unchanged); the companion "Control plane access through AWS
  PrivateLink" (``serverless-vpc-cp.html``) for the contrast with the control plane's endpoint;
- the CloudFormation User Guide, ``AWS::OpenSearchServerless::VpcEndpoint``
  (https://github.com/awsdocs/aws-cloudformation-user-guide, commit
  a38f2735de1b0b34a4feac1c7bde47524e0966b5, ``doc_source/aws-resource-opensearchserverless-vpcendpoint.md``):
  its example ``test-vpcendpoint`` has one subnet and one security group, and ``Ref``/``Id``
  return "the endpoint ID … For example, ``vpce-050f79086ee71ac05``" — the EC2 endpoint's id, the
  one the network policy's ``SourceVPCEs`` lists. The resource's schema
  (aws-cloudformation/aws-cloudformation-resource-providers-opensearchserverless, commit
  b1980faa94cfd7fcef18990335ebcec8843291ae): one to six subnets, one to five groups.

The layout (``build()``), the guide's: a VPC 10.0.0.0/16 with DNS support and hostnames on (a
private hosted zone answers only there; the provider's contract-test VPC sets both), two private
subnets 10.0.1.0/24 and 10.0.2.0/24 in us-east-1a and b (AZ IDs assumed use1-az1 and use1-az2),
each on a route table of its own with the local route only — "without the use of an internet
gateway, NAT device, VPN connection, or AWS Direct Connect connection"; a group
``aoss-endpoint`` admitting TCP 443 from the VPC's block ("limit the ports, protocols, and
sources for inbound traffic"); ``CreateVpcEndpoint`` (the OpenSearch Serverless API,
``aoss:CreateVpcEndpoint``) named ``search-vpce`` in both subnets with that group; a network
policy ``[{"Rules": [{"ResourceType": "collection", "Resource": ["collection/products"]}],
"AllowFromPublic": false, "SourceVPCEs": ["<endpoint id>"]}]`` (not in the snapshot: AOSS's
API, not EC2's); and the client, a Lambda function ``product-search`` in both private subnets with
a group of its own (allow-all egress, no ingress), calling
``https://<collection id>.us-east-1.aoss.amazonaws.com`` signed for ``aoss``.

What DescribeVpcEndpoints reports for the managed endpoint (botocore's ec2 ``VpcEndpoint``).
The guide: "you need the following Amazon EC2 and Route 53 permissions in order to create a VPC
endpoint": ``ec2:CreateVpcEndpoint``, ``ec2:CreateTags``, ``ec2:ModifyVpcEndPoint``,
``route53:CreateHostedZone``, ``route53:AssociateVPCWithHostedZone``,
``route53:ChangeResourceRecordSets`` … — the caller's permissions, not a service-linked role's
(OpenSearch Serverless's role, ``AWSServiceRoleForAmazonOpenSearchServerless``, is for
observability). So the EC2 endpoint and the private hosted zone belong to the caller's account and
DescribeVpcEndpoints and ListHostedZones list them. Assumed, as AWS documents none of it:

- an ``Interface`` endpoint of this account, ``RequesterManaged`` false (created with the caller's
  credentials), state ``available``;
- ServiceName ``com.amazonaws.vpce.us-east-1.vpce-svc-…``: an endpoint service OpenSearch
  Serverless owns, not in this account's DescribeVpcEndpointServices. Not
  ``com.amazonaws.us-east-1.aoss``: that is the control plane's endpoint, which "support[s]
  endpoint policies" where the data plane's are "not supported"; and not ``aoss-data``, the
  service of the newer collections' ``*.aoss.<region>.on.aws`` names, reached with an ordinary
  EC2 endpoint;
- ``PrivateDnsEnabled`` false: the service writes its own zone ("the service creates a new Amazon
  Route 53 private hosted zone and attaches it to the VPC");
- no policy document: "VPC endpoint policies are not supported for OpenSearch Serverless. By
  default, full access to OpenSearch Serverless is allowed through the interface endpoint";
- no tags: OpenSearch Serverless tags it (``ec2:CreateTags``), with keys it does not document;
  not ``OpenSearchManaged`` (that tag is OpenSearch Service's service-linked role's, for domains);
- the endpoint's groups and one requester-managed interface per subnet ("We create an endpoint
  network interface in each subnet … requester-managed network interfaces").

The private hosted zone: "This private hosted zone consists of a record to resolve the wildcard
DNS record for OpenSearch Serverless collections … to the interface addresses used for the
endpoint". Assumed: named ``us-east-1.aoss.amazonaws.com`` (the guide's text writes
``*.aoss.us-east-1.amazonaws.com``, which is not the collections' name; grucloud's inventory,
commit bebbc04d86b62cf345f2a1f6eeb57d0944caf05a, 2022-12-19, skips hosted zones whose name ends
with ``.aoss.amazonaws.com.`` as another service's), holding ``*.us-east-1.aoss.amazonaws.com``, an
A alias to the endpoint's regional DNS name.

Near misses: ``endpoint_azs=1`` (the endpoint in us-east-1a only, as the CloudFormation example's
single subnet, while the function runs in both AZs), ``endpoint_group="default"`` (created without
``SecurityGroupIds``: the endpoint takes the VPC's default group, which admits only its members).

Left out: the collection, its encryption and data access policies, the function's role, tags
CloudFormation adds, SG rule descriptions.
"""

from __future__ import annotations

from dataclasses import replace

from aws_layout import AwsRegionBuilder

from vpcaudit.snapshot import resources as r
from vpcaudit.snapshot.model import Snapshot

ACCOUNT = "123456789012"
REGION = "us-east-1"
AZ_IDS = ("use1-az1", "use1-az2")  # this account's us-east-1a and b (assumed)
VPC_CIDR = "10.0.0.0/16"
ENDPOINT_NAME = "search-vpce"
FUNCTION = "product-search"
ZONE = f"{REGION}.aoss.amazonaws.com"  # the zone OpenSearch Serverless writes (name assumed)
# The endpoint service behind OpenSearch Serverless-managed endpoints (owned by the service; assumed).
AOSS_SERVICE = f"com.amazonaws.vpce.{REGION}.vpce-svc-0a1b2c3d4e5f60718"


def build(*, endpoint_azs: int = 2, endpoint_group: str = "own") -> tuple[Snapshot, dict[str, str]]:
    """The guide's layout. ``endpoint_azs``: the endpoint in the first 1 or 2 private subnets;
    ``endpoint_group``: "own" (``aoss-endpoint``) or "default" (no ``SecurityGroupIds``)."""
    b = AwsRegionBuilder(ACCOUNT, REGION, AZ_IDS)
    vpc = b.vpc(VPC_CIDR, name="aoss-private", dns_support=True, dns_hostnames=True)
    ids = {"vpc": vpc, "default_sg": b.default_group(vpc)}
    private = []
    for az in (1, 2):
        subnet = ids[f"private{az}"] = b.subnet(vpc, f"10.0.{az}.0/24", az=az, name=f"aoss-private-{az}")
        ids[f"private{az}_rt"] = b.route_table(vpc, subnets=[subnet], name=f"aoss-private-{az}")
        private.append(subnet)
    function_sg = ids["function_sg"] = b.security_group(vpc, name=f"{FUNCTION}-lambda")
    for az, subnet in enumerate(private, start=1):
        ids[f"function_eni{az}"] = b.workload(
            subnet, groups=[function_sg], interface_type="lambda", requester_managed=True,
            description=f"AWS Lambda VPC ENI-{FUNCTION}-5c1e2d3f-4a5b-4c6d-8e7f-9a0b1c2d3e4{az}")
    if endpoint_group == "default":
        group = ids["default_sg"]
    else:
        group = ids["endpoint_sg"] = b.security_group(vpc, name="aoss-endpoint", ingress=[("tcp", 443, 443, VPC_CIDR)])
    ids["endpoint"] = _managed_endpoint(b, vpc, private[:endpoint_azs], group)
    ids["zone"] = _private_zone(b, vpc, ids["endpoint"])
    return b.snapshot(), ids


def _managed_endpoint(b: AwsRegionBuilder, vpc: str, subnets: list[str], group: str) -> str:
    """The OpenSearch Serverless-managed endpoint as DescribeVpcEndpoints reports it (see the
    module docstring): an Interface endpoint of this account to a service OpenSearch Serverless
    owns, private DNS off, no policy, no tags, one interface per subnet."""
    endpoint = b.interface_endpoint(vpc, "aoss", subnets=subnets, groups=[group], private_dns=False, policy=None,
                                    service_name=AOSS_SERVICE)
    service_id = AOSS_SERVICE.rsplit(".", 1)[1]
    b.endpoints[endpoint] = replace(b.endpoints[endpoint], dns_entries=(
        r.DnsEntry(f"{endpoint}-7kq2m9xw.{service_id}.{REGION}.vpce.amazonaws.com", "Z7HUB22UULQXV"),))
    return endpoint


def _private_zone(b: AwsRegionBuilder, vpc: str, endpoint: str) -> str:
    """The private hosted zone the service creates in this account and attaches to the VPC: the
    collections' wildcard name, an alias to the endpoint's regional DNS name."""
    regional = b.endpoints[endpoint].dns_entries[0].dns_name
    return b.hosted_zone(ZONE, [vpc], [r.RecordSet(f"*.{ZONE}", "A", (), regional)])
