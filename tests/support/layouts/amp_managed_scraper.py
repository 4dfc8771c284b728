"""An Amazon Managed Service for Prometheus managed collector (scraper) on a private EKS cluster (us-west-2).

The collector, as the AMP User Guide describes it ("Ingest metrics with AWS managed collectors",
https://docs.aws.amazon.com/prometheus/latest/userguide/AMP-collector.html, and "Using an AWS
managed collector", https://docs.aws.amazon.com/prometheus/latest/userguide/AMP-collector-how-to.html,
read 2026-04): "An Amazon Managed Service for Prometheus collector creates an Elastic Network
Interface (ENI) per subnet specified when creating the scraper. The collector scrapes the metrics
through these ENIs, and uses remote_write to push the data to your Amazon Managed Service for
Prometheus workspace using a VPC endpoint. The scraped data never travels on the public internet."
The API reference (CreateScraper,
https://docs.aws.amazon.com/prometheus/latest/APIReference/API_CreateScraper.html): "When creating
a scraper, the service creates a Network Interface in each Availability Zone that are passed into
CreateScraper through subnets. These network interfaces are used to connect to your source within
the VPC for scraping metrics." ``EksConfiguration`` takes ``subnetIds`` (1-5) and optional
``securityGroupIds`` (1-5), "for the Amazon EKS cluster VPC configuration".

The example: Terraform's ``aws_prometheus_scraper``
(hashicorp/terraform-provider-aws, ``website/docs/r/prometheus_scraper.html.markdown`` at
1a50548d490503a4596a7f035375bbc15ba0e4a3): ``source { eks { cluster_arn, subnet_ids =
data.aws_eks_cluster.example.vpc_config[0].subnet_ids } }``, ``destination { amp { workspace_arn } }``
— the cluster's own subnets, "at least two different availability zones".

The cluster is EKS Blueprints' ``fully-private-cluster`` pattern as ``eks_blueprints_private`` builds it
(three private subnets 10.0.0.0/20, 10.0.16.0/20, 10.0.32.0/20 in us-west-2a-c, no route out, an S3
gateway endpoint and eleven interface endpoints in every private subnet behind a group admitting TCP
443 from 10.0.0.0/16, the control plane's two interfaces, three nodes carrying the module's node
group; see that module for its sources). Added here: the scraper, with ``subnet_ids`` the cluster's
three subnets, so three interfaces, one per subnet.

What DescribeNetworkInterfaces reports for them (botocore's ec2 model, ``NetworkInterface``): AWS
publishes no output. Known from AWS's documentation: AmazonPrometheusScraperServiceRolePolicy (v2,
2024-04-26, https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AmazonPrometheusScraperServiceRolePolicy.html)
lets the service-linked role ``ec2:CreateNetworkInterface`` only with ``"ForAllValues:StringEquals":
{"aws:TagKeys": ["AMPAgentlessScraper"]}`` and ``ec2:CreateTags`` on a network interface only with
``ec2:CreateAction`` ``CreateNetworkInterface`` and ``aws:RequestTag/AMPAgentlessScraper`` present:
every interface it creates carries the tag key ``AMPAgentlessScraper``. Assumed: its value empty (the
value the Terraform page gives the tag AMP adds to the workspace), no Description, InterfaceType
``interface``, attached to no instance, RequesterManaged false (created through the customer's
service-linked role, like EKS's control-plane interfaces; ``requester_managed=True`` builds the
other reading).

``security_groups``: the Terraform example passes none; assumed here ``"node"`` — the module's node
group, which the nodes carry and which admits TCP 1025-65535 from itself (node exporter 9100, kubelet
10250, pods' ports) and whose egress is open, so the collector reaches every target of the default
scrape configuration and the API server (the module's cluster group admits 443 from the node group).
Near misses: ``"default"`` (no group given: CreateNetworkInterface puts an interface in the VPC's
default security group when none is named, and the VPC module leaves that group without rules),
``"dedicated"`` (a group of its own whose egress names only the node group's ports, 443 to the
cluster group; the node group admitting it), ``scraper_subnet_az4`` (the collector's third
interface in a fourth subnet, us-west-2d, where no endpoint has an interface).

Left out (no rule reads them): the workspace, the scraper's scrape configuration, the EKS access entry
the scraper's role needs, IAM.
"""

from __future__ import annotations

from aws_layout import AwsRegionBuilder

from layouts import eks_blueprints_private as eks
from vpcaudit.snapshot.model import Snapshot

SCRAPER_TAG = "AMPAgentlessScraper"  # the tag key AmazonPrometheusScraperServiceRolePolicy requires
SCRAPER_SUBNET_AZ4 = "10.0.48.0/20"  # cidrsubnet("10.0.0.0/16", 4, 3): the next /20 of the pattern


def build(*, security_groups: str = "node", scraper_subnet_az4: bool = False, requester_managed: bool = False,
          scraper: bool = True) -> tuple[Snapshot, dict[str, str]]:
    """The blueprint's network and cluster (three nodes), then the scraper's interfaces.

    ``security_groups``: ``"node"`` (the module's node group), ``"default"`` (the VPC's default group)
    or ``"dedicated"`` (a scraper group with egress to the node group's ports only)."""
    b = AwsRegionBuilder(eks.ACCOUNT, eks.REGION, eks.AZ_IDS)
    ids = eks.network(b)
    vpc = ids["vpc"]
    if scraper_subnet_az4:
        # A subnet added for the collector in us-west-2d, with its own local-only table like the others.
        subnet = ids["scraper_az4"] = b.subnet(vpc, SCRAPER_SUBNET_AZ4, az=4, name=f"{eks.NAME}-scraper-{eks.REGION}d")
        ids["scraper_az4_rt"] = b.route_table(vpc, subnets=[subnet], name=f"{eks.NAME}-scraper-{eks.REGION}d")
    ids |= eks._cluster(b, vpc, ids, 3, False, False)
    ids |= eks._endpoints(b, vpc, ids, leave_out=set(), private_dns=True, endpoint_source="vpc")
    if scraper:
        ids |= _scraper(b, vpc, ids, security_groups, scraper_subnet_az4, requester_managed)
    return b.snapshot(), ids


def _scraper(b: AwsRegionBuilder, vpc: str, ids: dict[str, str], security_groups: str, az4: bool,
             requester_managed: bool) -> dict[str, str]:
    """One interface per subnet the scraper is given, in the groups it is given, tagged as its role must."""
    added: dict[str, str] = {}
    if security_groups == "node":
        groups = [ids["node_sg"]]
    elif security_groups == "default":
        groups = [ids["default_sg"]]
    else:
        group = added["scraper_sg"] = eks.terraform_group(b, vpc, f"{eks.NAME}-amp-scraper", "AMP managed collector",
                                                          {**eks.TAGS, "Name": f"{eks.NAME}-amp-scraper"})
        b.authorize(group, egress=[("tcp", 443, 443, ids["cluster_sg"]), ("tcp", 1025, 65535, ids["node_sg"])])
        b.authorize(ids["node_sg"], ingress=[("tcp", 1025, 65535, group)])
        b.authorize(ids["cluster_sg"], ingress=[("tcp", 443, 443, group)])
        groups = [group]
    subnets = [ids["private1"], ids["private2"], ids["scraper_az4"] if az4 else ids["private3"]]
    for n, subnet in enumerate(subnets, start=1):
        eni = added[f"scraper{n}"] = b.workload(subnet, groups=groups, requester_managed=requester_managed)
        b.tag(eni, {SCRAPER_TAG: ""})
    return added
