"""An Amazon OpenSearch Ingestion pipeline with VPC access, its sources (Fluent Bit on instances in
private subnets) pushing to it over HTTPS through the interface endpoint the pipeline gets, and an
OpenSearch Service domain in the same VPC as its sink (us-east-1).

Sources:

- the OpenSearch Service Developer Guide, "Configuring VPC access for Amazon OpenSearch Ingestion
  pipelines" (https://docs.aws.amazon.com/opensearch-service/latest/developerguide/pipeline-security.html,
  current page, read 2026-12-06): OpenSearch Ingestion "establishes this private connection by
  creating an interface endpoint, powered by AWS PrivateLink"; it creates "an endpoint network
  interface in each subnet that you specify during pipeline creation. These are requester-managed
  network interfaces"; "You can also choose to create and manage the interface endpoints
  yourself"; the sink need not be in the pipeline's VPC ("OpenSearch Ingestion takes care of
  connecting them for you"); one, two or three subnets, spread over the AZs of the pipeline's
  compute units. Its last version in the source repository
  (https://github.com/awsdocs/amazon-opensearch-service-developer-guide, commit
  64e6e7a794922da3ce7c947b454ba21fcf6e54c0, ``doc_source/pipeline-security.md`` last changed in
  99e872b, 2023-05-12) adds: "If you only deploy a pipeline in one subnet and the Availability Zone
  goes down, you won't be able to ingest data … we recommend that you configure pipelines with two
  or three subnets"; "If you don't provide a security group, we use the default security group";
  the console's groups must "allow your required application to reach the OpenSearch Ingestion
  pipeline on the ports (80 or 443) and protocols (HTTP or HTTPs) exposed by the pipeline"; and
  after creation "you can't change its subnets or security group settings";
- the guide's "Using service-linked roles to create OpenSearch Ingestion pipelines"
  (https://docs.aws.amazon.com/opensearch-service/latest/developerguide/slr-osis.html, current
  page, read 2026-12-06; ``doc_source/slr-osis.md`` at the commit above):
  ``AWSServiceRoleForAmazonOpenSearchIngestionService`` may ``ec2:CreateVpcEndpoint``,
  ``ec2:DeleteVpcEndpoints``, ``ec2:ModifyVpcEndpoint`` on ``*`` and ``ec2:CreateTags`` only on
  ``network-interface/*``; with a self-managed endpoint the service uses
  ``AWSServiceRoleForOpensearchIngestionSelfManagedVpce`` (describe permissions only); neither
  holds a Route 53 permission;
- the guide's "Integrating Amazon OpenSearch Ingestion pipelines with other services" (current
  page): sources send to ``https://<pipeline>-<id>.us-east-1.osis.amazonaws.com/<path>`` signed
  for ``osis``;
- botocore's ``osis`` model (2022-01-01): ``VpcOptions`` (``SubnetIds``, ``SecurityGroupIds``,
  ``VpcEndpointManagement`` ``CUSTOMER | SERVICE``: "whether you or Amazon OpenSearch Ingestion
  service create and manage the VPC endpoint"), ``Pipeline.VpcEndpointService`` ("The VPC endpoint
  service name for the pipeline");
- the Terraform AWS provider's ``aws_osis_pipeline``
  (https://github.com/hashicorp/terraform-provider-aws/blob/25612875d737d15bd1f48e1ce10682dac9b0886f/website/docs/r/osis_pipeline.html.markdown):
  ``vpc_options { subnet_ids (Required), security_group_ids (Optional), vpc_endpoint_management
  (Optional, CUSTOMER or SERVICE) }``;
- the domain's interfaces as :mod:`layouts.opensearch_vpc_domain` models them (``ES <domain>``,
  requester-managed by ``amazon-elasticsearch``, assumed there).

Built (``build()``, all assumed after the guide): VPC 10.0.0.0/16, DNS support and hostnames on,
two private subnets 10.0.1.0/24 and 10.0.2.0/24 in us-east-1a and b (AZ IDs use1-az1 and use1-az2)
on one route table with the local route only ("without the need for an internet gateway, NAT
device, or VPN connection"); the pipeline ``log-pipeline`` (``aws osis create-pipeline
--vpc-options SubnetIds=…,SecurityGroupIds=…``, ``VpcEndpointManagement`` SERVICE) in both
subnets with the group ``osis-pipeline`` admitting TCP 443 from the sources' group; two
instances running Fluent Bit, one per subnet, in ``log-sources`` (no ingress, all traffic out),
sending to the ingestion URL on 443; the domain ``app-logs`` (two data nodes, one per subnet) in
``opensearch-domain``, TCP 443 from 10.0.0.0/16, the pipeline's sink (``sink: opensearch:
hosts: [https://vpc-app-logs-….us-east-1.es.amazonaws.com]``).

What DescribeVpcEndpoints reports for the pipeline's endpoint (botocore's ec2 ``VpcEndpoint``),
SERVICE management. The service-linked role calls ``ec2:CreateVpcEndpoint`` in this account, so
the endpoint is this account's and listed. Assumed, AWS documenting none of it:

- ``Interface``, ``OwnerId`` this account, ``RequesterManaged`` false (created with the role's
  credentials in the account, as OpenSearch Service's managed endpoints are modelled; the option
  ``endpoint_requester_managed=True`` builds the other reading), state ``available``;
- ``ServiceName`` the pipeline's ``VpcEndpointService``, ``com.amazonaws.vpce.us-east-1.vpce-svc-…``,
  an endpoint service OpenSearch Ingestion owns, absent from this account's
  DescribeVpcEndpointServices; not ``com.amazonaws.us-east-1.osis`` (the OpenSearch Ingestion
  *API*'s endpoint, a different thing: "This is different from configuring VPC access for
  pipelines themselves");
- no tags: the role may tag network interfaces only, and tagging an endpoint on creation needs
  ``ec2:CreateTags`` on it — so no ``OSISManaged`` tag (that key is the pipeline *role*'s
  condition for tagging the interfaces it creates for VPC sources such as DocumentDB), and no
  ``OpenSearchManaged`` (OpenSearch Service's, for domains' managed endpoints);
- ``PrivateDnsEnabled`` false and no policy document (PolicyDocument absent): neither is
  documented; the role holds no Route 53 permission, so the ingestion URL is taken to resolve in
  public DNS to the interfaces' private addresses, as a VPC domain's name does;
- one interface per subnet in the endpoint's groups: ``InterfaceType`` ``vpc_endpoint`` (botocore's
  ``NetworkInterfaceType``), RequesterManaged true ("requester-managed network interfaces"),
  described ``VPC Endpoint Interface <vpce-id>``, attached to no instance, no tags (the role's
  ``CreateTags`` on interfaces is granted, what it writes is undocumented).

``management="CUSTOMER"``: ``VpcEndpointManagement`` CUSTOMER; the account creates the endpoint
itself to the pipeline's ``VpcEndpointService`` (``ec2:CreateVpcEndpoint`` with the same subnets
and group); DescribeVpcEndpoints shows the same record, the creator aside.
``customer_endpoint=False`` (a near miss): CUSTOMER, and the endpoint never created — the pipeline
is active, the VPC holds no path to it.

Near misses: ``pipeline_port=80`` (``osis-pipeline`` admits TCP 80 from the sources while they
push to ``https://…``), ``pipeline_azs=1`` (the pipeline in us-east-1a only, as the guide's CLI
example's single ``SubnetIds``), ``customer_endpoint=False`` (above). ``idle=True`` adds the
endpoint's ``AWS/PrivateLinkEndpoints`` ``BytesProcessed``, 0 over 14 days (sources stopped).

Left out: the pipeline role, the domain's access policy, the instances' profiles, SG rule
descriptions, tags CloudFormation or Terraform add.
"""

from __future__ import annotations

from dataclasses import replace

from aws_layout import AwsRegionBuilder

from layouts.opensearch_vpc_domain import ES_REQUESTER_ID
from vpcaudit.snapshot import resources as r
from vpcaudit.snapshot.model import Snapshot

ACCOUNT = "123456789012"
REGION = "us-east-1"
AZ_IDS = ("use1-az1", "use1-az2")  # this account's us-east-1a and b (assumed)
VPC_CIDR = "10.0.0.0/16"
PIPELINE = "log-pipeline"
DOMAIN = "app-logs"
# The pipeline's VpcEndpointService (GetPipeline): an endpoint service OpenSearch Ingestion owns (assumed id).
PIPELINE_SERVICE = f"com.amazonaws.vpce.{REGION}.vpce-svc-0c4d5e6f7a8b9c0d1"
HTTPS = 443


def build(*, management: str = "SERVICE", customer_endpoint: bool = True, pipeline_port: int = HTTPS,
          pipeline_azs: int = 2, endpoint_requester_managed: bool = False, idle: bool = False,
          ) -> tuple[Snapshot, dict[str, str]]:
    """The guide's layout. ``management``: "SERVICE" or "CUSTOMER" (``customer_endpoint``: whether
    the account created the endpoint); ``pipeline_port``: the TCP port ``osis-pipeline`` admits
    the sources on; ``pipeline_azs``: the pipeline in the first 1 or 2 subnets."""
    b = AwsRegionBuilder(ACCOUNT, REGION, AZ_IDS)
    vpc = b.vpc(VPC_CIDR, name="ingestion", dns_support=True, dns_hostnames=True)
    ids = {"vpc": vpc, "default_sg": b.default_group(vpc)}
    private = [b.subnet(vpc, f"10.0.{az}.0/24", az=az, name=f"ingestion-private-{az}") for az in (1, 2)]
    ids["private1"], ids["private2"] = private
    ids["private_rt"] = b.route_table(vpc, subnets=private, name="ingestion-private")
    sources_sg = ids["sources_sg"] = b.security_group(vpc, name="log-sources")
    pipeline_sg = ids["pipeline_sg"] = b.security_group(
        vpc, name="osis-pipeline", ingress=[("tcp", pipeline_port, pipeline_port, sources_sg)])
    domain_sg = ids["domain_sg"] = b.security_group(vpc, name="opensearch-domain",
                                                    ingress=[("tcp", HTTPS, HTTPS, VPC_CIDR)])
    for az, subnet in enumerate(private, start=1):
        source = ids[f"source{az}"] = b.workload(subnet, groups=[sources_sg])
        b.enis[source] = replace(b.enis[source], instance_id=b.new_id("i"))
        ids[f"domain_eni{az}"] = b.workload(subnet, groups=[domain_sg], requester_managed=True,
                                            requester_id=ES_REQUESTER_ID, description=f"ES {DOMAIN}")
    if management == "SERVICE" or customer_endpoint:
        endpoint = ids["pipeline_endpoint"] = _pipeline_endpoint(b, vpc, private[:pipeline_azs], pipeline_sg)
        b.endpoints[endpoint] = replace(b.endpoints[endpoint], requester_managed=endpoint_requester_managed)
        if idle:
            b.metric(endpoint, "AWS/PrivateLinkEndpoints", "BytesProcessed", 0, 14)
    return b.snapshot(), ids


def _pipeline_endpoint(b: AwsRegionBuilder, vpc: str, subnets: list[str], group: str) -> str:
    """The pipeline's interface endpoint as DescribeVpcEndpoints reports it (see the module
    docstring): this account's, to the pipeline's endpoint service, no private DNS, no policy, no
    tags, one requester-managed interface per subnet."""
    endpoint = b.interface_endpoint(vpc, "osis-pipeline", subnets=subnets, groups=[group], private_dns=False,
                                    policy=None, service_name=PIPELINE_SERVICE)
    service_id = PIPELINE_SERVICE.rsplit(".", 1)[1]
    b.endpoints[endpoint] = replace(b.endpoints[endpoint], dns_entries=(
        r.DnsEntry(f"{endpoint}-3hq8z1kd.{service_id}.{REGION}.vpce.amazonaws.com", "Z7HUB22UULQXV"),))
    return endpoint
