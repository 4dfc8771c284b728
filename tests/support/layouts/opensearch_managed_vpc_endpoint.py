"""An Amazon OpenSearch Service domain in a VPC of one account (the domain owner) searched from
instances in a VPC of another account (the client) through an OpenSearch Service-managed interface
VPC endpoint (AWS PrivateLink), us-east-1: the snapshot holds both accounts, as an
organization-wide collection records them.

Sources:

- the OpenSearch Service Developer Guide, "Access Amazon OpenSearch Service using an OpenSearch
  Service-managed VPC endpoint (AWS PrivateLink)"
  (https://docs.aws.amazon.com/opensearch-service/latest/developerguide/vpc-interface-endpoints.html,
  current page, read 2026-12-06; as last published in its source repository,
  https://github.com/awsdocs/amazon-opensearch-service-developer-guide,
  ``doc_source/vpc-interface-endpoints.md`` at 1dc78183878263d6e29fc899f89c15968dda0353). What it
  says, paraphrased: the endpoint connects a VPC — of the same account or another — to a VPC
  domain; "We create an endpoint network interface in each subnet that you enable", "service-managed
  network interfaces"; standard PrivateLink interface endpoint pricing; HTTPS is the only protocol;
  the endpoint is created through the OpenSearch console or configuration API only, not the VPC
  console nor CloudFormation; it is reachable only from its VPC or VPCs peered with it; "VPC
  endpoint policies are not supported for OpenSearch Service" — the endpoint's security groups
  are the control, and their rules "must allow the resources that will use the VPC endpoint" to
  reach the endpoint's interfaces; for a VPC of another account the domain owner first authorises
  that account ("Authorize principal");
- the OpenSearch API Reference (current pages, read 2026-12-06): ``AuthorizeVpcEndpointAccess``
  (``DomainName``, ``Account``) and ``CreateVpcEndpoint`` (``DomainArn``, ``VpcOptions`` with
  ``SubnetIds`` and ``SecurityGroupIds``), whose response gives ``VpcEndpointId`` (``aos-…``),
  ``VpcEndpointOwner`` and ``Endpoint``, the name clients use;
- the service-linked role's managed policy AmazonOpenSearchServiceRolePolicy
  (https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AmazonOpenSearchServiceRolePolicy.html,
  current page, read 2026-12-06): ``ec2:CreateVpcEndpoint`` on ``vpc-endpoint/*`` only with the
  request tag ``OpenSearchManaged=true``; ``ec2:ModifyVpcEndpoint`` and ``ec2:DeleteVpcEndpoints``
  only on endpoints carrying that tag; ``ec2:CreateTags`` only in ``CreateVpcEndpoint``;
- the domain's interfaces as ``opensearch_vpc_domain`` models them (the Developer Guide's
  "Launching your Amazon OpenSearch Service domains within a VPC": one interface per data node,
  "The Description column shows which OpenSearch Service domain the network interface is
  associated with").

Built. Domain owner, account 111122223333 (AZ IDs use1-az1, use1-az2 assumed): VPC
``search-domain`` 10.0.0.0/16, DNS support and hostnames on; private subnets 10.0.1.0/24 and
10.0.2.0/24 in us-east-1a and b on one route table with the local route only; group
``opensearch-domain`` admitting TCP 443 from 10.0.0.0/16 (the owner's own VPC), AWS's default
egress; domain ``app-search`` (two data nodes, zone awareness) in both subnets with that group;
``AuthorizeVpcEndpointAccess`` for the client account (an OpenSearch record: not in the snapshot).
What the domain side needs to admit for PrivateLink traffic is not documented: assumed nothing
more (the endpoint service is OpenSearch's, and its traffic reaches the domain on OpenSearch's
side).

Client, account 444455556666 (AZ IDs use1-az4, use1-az6 assumed: another account's mapping):
VPC ``search-clients`` 10.1.0.0/16, DNS on; private subnets 10.1.1.0/24 and 10.1.2.0/24 in
us-east-1a and b on one table with the local route only (no internet path: the endpoint is the
way to the domain); group ``search-clients`` (no ingress, AWS's default egress) on one instance per
subnet; group ``opensearch-endpoint`` admitting TCP 443 from ``search-clients``, AWS's default
egress; ``CreateVpcEndpoint`` for the domain's ARN with both private subnets and that group.

The endpoint as DescribeVpcEndpoints reports it in the client account (botocore's ec2 model,
``VpcEndpoint``; all assumed beyond the tag, which the role's policy requires): VpcEndpointType
``Interface``; OwnerId the client account (the client's service-linked role calls
``ec2:CreateVpcEndpoint`` in it); ``RequesterManaged`` false (created by a principal of the
account, not by a service in the account's name — as ``opensearch_vpc_domain`` assumes); ServiceName
``com.amazonaws.vpce.us-east-1.vpce-svc-<id>``, an endpoint service OpenSearch owns, absent from
the client account's DescribeVpcEndpointServices (``service_listed`` builds the other readings);
``PrivateDnsEnabled`` false (clients use the ``Endpoint`` the OpenSearch API returns); no
``PolicyDocument``; tag ``OpenSearchManaged: true``; one interface per subnet. Its interfaces in
DescribeNetworkInterfaces: InterfaceType ``vpc_endpoint`` (botocore's enum), RequesterManaged true,
no RequesterId recorded, Description ``VPC Endpoint Interface <vpce id>`` — as every interface
endpoint's; the guide's "service-managed network interfaces" says no more. The domain's
interfaces: InterfaceType ``interface``, RequesterManaged true, RequesterId
``amazon-elasticsearch``, Description ``ES app-search``, on no instance (assumed, as
``opensearch_vpc_domain``). The instances' interfaces: ``interface``, not requester-managed,
attached to their instance.

Near misses: ``endpoint_source="vpc-cidr"`` (the endpoint's group admitting TCP 443 from
10.1.0.0/16 instead of the clients' group); ``endpoint_azs=1`` (``CreateVpcEndpoint`` given the
us-east-1a subnet only, while clients run in both AZs); ``client_egress="domain-cidr"`` (the
clients' group with AWS's default egress replaced by TCP 443 to 10.0.0.0/16, the domain VPC's
block, where the traffic goes to the endpoint's interfaces in 10.1.0.0/16 and is refused).
Readings: ``service_listed="provider"`` (the service in the client's DescribeVpcEndpointServices
owned by an OpenSearch account, no policy support), ``"amazon"`` (owner ``amazon``).

Left out: flow logs (the guide creates none), the OpenSearch records (``ListVpcEndpoints``,
``ListVpcEndpointAccess``), the domain's access policy, instance roles.
"""

from __future__ import annotations

from dataclasses import replace

from aws_layout import AwsRegionBuilder
from builders import multi_account_snapshot

from layouts.opensearch_vpc_domain import ES_REQUESTER_ID, MANAGED_TAG
from vpcaudit.snapshot import resources as r
from vpcaudit.snapshot.model import Snapshot

REGION = "us-east-1"
DOMAIN_ACCOUNT, CLIENT_ACCOUNT = "111122223333", "444455556666"
DOMAIN_AZ_IDS, CLIENT_AZ_IDS = ("use1-az1", "use1-az2"), ("use1-az4", "use1-az6")  # assumed
DOMAIN_CIDR, CLIENT_CIDR = "10.0.0.0/16", "10.1.0.0/16"
DOMAIN = "app-search"
DOMAIN_ARN = f"arn:aws:es:{REGION}:{DOMAIN_ACCOUNT}:domain/{DOMAIN}"
# The endpoint service behind the managed endpoint, owned by OpenSearch (id assumed).
SERVICE = f"com.amazonaws.vpce.{REGION}.vpce-svc-0a7e3c91f5b2d4e68"
SERVICE_OWNER = "303958406012"  # an OpenSearch service account (assumed)
HTTPS = 443


def build(*, endpoint_source: str = "clients-group", endpoint_azs: int = 2, client_egress: str = "default",
          service_listed: str | None = None) -> tuple[Snapshot, dict[str, str]]:
    """Both accounts' collections, the client's first. ``endpoint_source``: "clients-group" or
    "vpc-cidr"; ``endpoint_azs``: 2 or 1; ``client_egress``: "default" or "domain-cidr";
    ``service_listed``: None, "provider" or "amazon" (module docstring)."""
    c = AwsRegionBuilder(CLIENT_ACCOUNT, REGION, CLIENT_AZ_IDS)
    ids = _client(c, endpoint_source=endpoint_source, endpoint_azs=endpoint_azs, client_egress=client_egress,
                  service_listed=service_listed)
    d = AwsRegionBuilder(DOMAIN_ACCOUNT, REGION, DOMAIN_AZ_IDS)
    ids |= _domain(d)
    return multi_account_snapshot(c, d), ids


def _private_vpc(b: AwsRegionBuilder, name: str, cidr: str) -> dict[str, str]:
    """A VPC with DNS on and two private subnets (x.x.1.0/24, x.x.2.0/24) on one local-only table."""
    vpc = b.vpc(cidr, name=name, dns_support=True, dns_hostnames=True)
    prefix = cidr.rsplit(".", 2)[0]
    subnets = [b.subnet(vpc, f"{prefix}.{k}.0/24", az=k, name=f"{name}-private-{'ab'[k - 1]}") for k in (1, 2)]
    return {"vpc": vpc, "default_sg": b.default_group(vpc), "private1": subnets[0], "private2": subnets[1],
            "private_rt": b.route_table(vpc, subnets=subnets, name=f"{name}-private")}


def _domain(d: AwsRegionBuilder) -> dict[str, str]:
    """The domain owner's VPC, the domain's group and one interface per data node."""
    found = _private_vpc(d, "search-domain", DOMAIN_CIDR)
    ids = {f"domain_{key}": value for key, value in found.items()}
    group = ids["domain_sg"] = d.security_group(ids["domain_vpc"], name="opensearch-domain",
                                                ingress=[("tcp", HTTPS, HTTPS, DOMAIN_CIDR)])
    for k in (1, 2):
        ids[f"domain_eni{k}"] = d.workload(ids[f"domain_private{k}"], groups=[group], requester_managed=True,
                                           requester_id=ES_REQUESTER_ID, description=f"ES {DOMAIN}")
    return ids


def _client(c: AwsRegionBuilder, *, endpoint_source: str, endpoint_azs: int, client_egress: str,
            service_listed: str | None) -> dict[str, str]:
    """The client account's VPC, its instances and the managed endpoint."""
    ids = _private_vpc(c, "search-clients", CLIENT_CIDR)
    vpc, private = ids["vpc"], [ids["private1"], ids["private2"]]
    egress = [("-1", None, None, "0.0.0.0/0")] if client_egress == "default" else [("tcp", HTTPS, HTTPS, DOMAIN_CIDR)]
    clients = ids["clients_sg"] = c.security_group(vpc, name="search-clients", egress=egress)
    source = clients if endpoint_source == "clients-group" else CLIENT_CIDR
    ids["endpoint_sg"] = c.security_group(vpc, name="opensearch-endpoint", ingress=[("tcp", HTTPS, HTTPS, source)])
    for k, subnet in enumerate(private, start=1):
        eni = ids[f"instance{k}"] = c.workload(subnet, groups=[clients])
        c.enis[eni] = replace(c.enis[eni], instance_id=c.new_id("i"))
    ids["endpoint"] = _managed_endpoint(c, vpc, private[:endpoint_azs], ids["endpoint_sg"])
    if service_listed is not None:
        # The service in the client's DescribeVpcEndpointServices (a reading; see the module docstring).
        owner = SERVICE_OWNER if service_listed == "provider" else "amazon"
        c.services[SERVICE] = r.EndpointService(
            SERVICE, SERVICE.rsplit(".", 1)[1], owner, ("Interface",), None, tuple(a for a, _ in c.azs),
            tuple(i for _, i in c.azs), (), (f"{SERVICE.rsplit('.', 1)[1]}.{REGION}.vpce.amazonaws.com",), False,
            ("ipv4",))
    return ids


def _managed_endpoint(c: AwsRegionBuilder, vpc: str, subnets: list[str], group: str) -> str:
    """The OpenSearch Service-managed endpoint as DescribeVpcEndpoints is assumed to report it: an
    Interface endpoint of the client account to OpenSearch's endpoint service, tagged
    ``OpenSearchManaged``, private DNS off, no policy, one ``vpc_endpoint`` interface per subnet."""
    endpoint = c.interface_endpoint(vpc, "opensearch", subnets=subnets, groups=[group], private_dns=False,
                                    policy=None, service_name=SERVICE)
    service_id = SERVICE.rsplit(".", 1)[1]
    c.endpoints[endpoint] = replace(c.endpoints[endpoint], dns_entries=(
        r.DnsEntry(f"{endpoint}-5k2q9w1e.{service_id}.{REGION}.vpce.amazonaws.com", "Z7HUB22UULQXV"),))
    c.tag(endpoint, MANAGED_TAG)
    return endpoint
