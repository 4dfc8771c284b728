"""Cross-Region interface VPC endpoints from a private us-east-1 VPC: one to AWS KMS in us-west-2
(AWS PrivateLink's cross-Region connectivity for AWS services) and one to a partner's endpoint
service hosted in us-west-2 and shared cross-Region (us-east-1).

Sources:

- the AWS PrivateLink Guide (current pages, read 2026-12-06), "Cross-region enabled AWS services"
  (https://docs.aws.amazon.com/vpc/latest/privatelink/aws-services-cross-region-privatelink-support.html):
  the services (S3, IAM, ECR, KMS — ``com.amazonaws.<region>.kms`` and ``kms-fips`` —, ECS, Lambda,
  Data Firehose, Managed Service for Apache Flink, Route 53); ``describe-vpc-endpoint-services
  --region us-east-1 --service-region us-west-2`` to list another Region's services; "You must use
  regional DNS. Zonal DNS is not supported when accessing AWS services in another Region"; "For
  high availability, create a cross Region enabled interface endpoint in at least two Availability
  Zones. In this case, providers and consumers are not required to use the same Availability
  Zones"; "Cross Region access is not supported for the following Availability Zones: use1-az3,
  usw1-az2, apne1-az3, apne2-az2, and apne2-az4"; PrivateLink "does not manage failover across
  Regions"; intra-Region connectivity "provides lower latency and lower costs"; the example
  ``create-vpc-endpoint --service-name com.amazonaws.us-west-2.s3 --vpc-endpoint-type Interface
  --region us-east-1 --service-region us-west-2``;
- the same guide's "Share your services through AWS PrivateLink", section "Cross-Region access"
  (https://docs.aws.amazon.com/vpc/latest/privatelink/privatelink-share-your-services.html): the
  provider makes the service available in a set of supported Regions, the consumer "selects a
  service Region when creating an endpoint"; providers use at least two AZs, and "Cross-Region
  access does not require that providers and consumers use the same Availability Zones"; the same
  five AZ IDs unsupported; the Regional DNS name ``endpoint_id.endpoint_service_id.service_region
  .vpce.amazonaws.com``;
- the AWS KMS Developer Guide, "Create a VPC endpoint for AWS KMS"
  (https://docs.aws.amazon.com/kms/latest/developerguide/vpce-create-endpoint.html): with private
  DNS on, "https://kms.us-west-2.amazonaws.com would resolve to a VPC endpoint connected to service
  name com.amazonaws.us-west-2.kms";
- botocore 1.44.18's ec2 model (service-2.json, 2016-11-15): ``VpcEndpoint.ServiceRegion`` ("The
  Region where the service is hosted"), ``CreateVpcEndpointRequest.ServiceRegion`` ("The default is
  the current Region"), ``DescribeVpcEndpointServicesRequest.ServiceRegions`` and the
  ``service-region`` filter, ``ServiceDetail.ServiceRegion``, ``ServiceConfiguration
  .SupportedRegions``; ``NetworkInterfaceType`` ``vpc_endpoint``.

Built (``build()``): VPC 10.0.0.0/16 ``xr-consumer``, DNS support and hostnames on; ``private1``
10.0.1.0/24 in us-east-1a and ``private2`` 10.0.2.0/24 in us-east-1b (AZ IDs use1-az1, use1-az2,
and us-east-1c use1-az3, assumed for this account) on one route table with the local route only:
the endpoints are the VPC's only way out. Groups: ``app`` (no ingress, AWS's default egress) on one
instance per private subnet; ``xr-endpoints`` admitting TCP 443 from the VPC's block, AWS's default
egress. Endpoints (``ServiceRegion`` us-west-2, ``available``, in both private subnets, group
``xr-endpoints``): ``com.amazonaws.us-west-2.kms``, private DNS on, the full-access policy AWS
attaches when none is given; ``com.amazonaws.vpce.us-west-2.vpce-svc-…`` (the partner's service,
provider account 444455556666 assumed, which has listed us-east-1 among its ``SupportedRegions``
and accepted the connection), private DNS off (the service has no private DNS name; assumed), no
policy (assumed, as ``privatelink_partner_service``), the application calling the endpoint's
Regional DNS name.

What DescribeVpcEndpoints reports (assumed beyond botocore's fields): ``ServiceRegion``
``us-west-2`` on both; ``DnsEntries`` the Regional name only — no zonal names, which the guide says
cross-Region endpoints do not support — ``<vpce-id>-<suffix>.kms.us-west-2.vpce.amazonaws.com`` (and
``kms.us-west-2.amazonaws.com`` with private DNS on) and
``<vpce-id>-<suffix>.<vpce-svc-id>.us-west-2.vpce.amazonaws.com``, with the hosted zone id the
other layouts give vpce.amazonaws.com names (assumed; AWS does not say which zone serves a
cross-Region name). The endpoint network interfaces are as for any interface endpoint: one per
subnet, ``InterfaceType`` ``vpc_endpoint``, ``RequesterManaged`` true, described ``VPC Endpoint
Interface <vpce-id>``, in the endpoint's group, attached to no instance of the account, no tags
(assumed: the guide says nothing of a different interface for cross-Region).

What DescribeVpcEndpointServices reports: the collector calls it without ``ServiceRegions``, and
the guide lists another Region's services only with ``--service-region``, so neither us-west-2
service is in the snapshot (assumed: without ``ServiceRegions`` the answer is the VPC's Region's
catalogue, which the builder's catalogue stands for — it holds ``com.amazonaws.us-east-1.kms``).
Private DNS for a cross-Region AWS service endpoint is assumed to work as in-Region (the KMS
guide's example, the cross-Region page naming no exception beyond zonal DNS).

Near misses: ``kms_azs=(1,)`` — the KMS endpoint in us-east-1a only, the app in a and b;
``app_in_az3=True`` — a third private subnet 10.0.3.0/24 in us-east-1c (use1-az3) with an app
instance, where no cross-Region endpoint can have an interface; ``kms_private_dns=False`` — the
KMS endpoint with private DNS off while the SDK calls ``kms.us-west-2.amazonaws.com``;
``in_region_kms=True`` — also an endpoint to ``com.amazonaws.us-east-1.kms`` in both subnets,
private DNS on (the same service reached in-Region, for the Region's own keys).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from aws_layout import AwsRegionBuilder

from vpcaudit.snapshot import resources as r
from vpcaudit.snapshot.model import Snapshot

ACCOUNT = "123456789012"
PROVIDER = "444455556666"  # the partner's account (assumed)
REGION = "us-east-1"
SERVICE_REGION = "us-west-2"
AZ_IDS = ("use1-az1", "use1-az2", "use1-az3")  # this account's us-east-1a, b, c (assumed)
# AZ IDs in which cross-Region access is not supported (the PrivateLink Guide, both pages).
CROSS_REGION_UNSUPPORTED_AZ_IDS = frozenset({"use1-az3", "usw1-az2", "apne1-az3", "apne2-az2", "apne2-az4"})
VPC_CIDR = "10.0.0.0/16"
KMS_SERVICE = f"com.amazonaws.{SERVICE_REGION}.kms"
KMS_HOSTNAME = f"kms.{SERVICE_REGION}.amazonaws.com"
ENDPOINT_DNS_ZONE = "Z7HUB22UULQXV"  # as the other layouts give vpce.amazonaws.com names (assumed)


def build(*, kms_azs: Iterable[int] = (1, 2), app_in_az3: bool = False, kms_private_dns: bool = True,
          in_region_kms: bool = False) -> tuple[Snapshot, dict[str, str]]:
    """``kms_azs``: the AZs (1, 2) of the cross-Region KMS endpoint's subnets. ``app_in_az3``: a third
    private subnet in use1-az3 with an app instance. ``kms_private_dns``: that endpoint's
    PrivateDnsEnabled. ``in_region_kms``: also an endpoint to the VPC's Region's KMS (module docstring)."""
    b = AwsRegionBuilder(ACCOUNT, REGION, AZ_IDS)
    vpc = b.vpc(VPC_CIDR, name="xr-consumer", dns_support=True, dns_hostnames=True)
    ids: dict[str, str] = {"vpc": vpc}
    azs = (1, 2, 3) if app_in_az3 else (1, 2)
    for k in azs:
        ids[f"private{k}"] = b.subnet(vpc, f"10.0.{k}.0/24", az=k, name=f"xr-private-{k}")
    ids["private_rt"] = b.route_table(vpc, subnets=[ids[f"private{k}"] for k in azs], name="xr-private")

    app = ids["app_sg"] = b.security_group(vpc, name="app")
    for k in azs:
        eni = ids[f"app{k}"] = b.workload(ids[f"private{k}"], groups=[app])
        b.enis[eni] = replace(b.enis[eni], instance_id=b.new_id("i"))
    group = ids["endpoint_sg"] = b.security_group(vpc, name="xr-endpoints", ingress=[("tcp", 443, 443, VPC_CIDR)])

    kms = ids["kms"] = b.interface_endpoint(vpc, "kms", subnets=[ids[f"private{k}"] for k in kms_azs],
                                            groups=[group], private_dns=kms_private_dns, service_name=KMS_SERVICE)
    _cross_region(b, kms, "kms", KMS_HOSTNAME if kms_private_dns else None)
    b.tag(kms, {"Name": "kms-us-west-2"})

    service_id = ids["service_id"] = b.new_id("vpce-svc")
    name = ids["service"] = f"com.amazonaws.vpce.{SERVICE_REGION}.{service_id}"
    partner = ids["partner"] = b.interface_endpoint(vpc, "partner", subnets=[ids["private1"], ids["private2"]],
                                                    groups=[group], private_dns=False, policy=None,
                                                    service_name=name)
    _cross_region(b, partner, service_id, None)
    b.tag(partner, {"Name": "partner-us-west-2"})

    if in_region_kms:
        local = ids["kms_local"] = b.interface_endpoint(vpc, "kms", subnets=[ids["private1"], ids["private2"]],
                                                        groups=[group])
        b.endpoints[local] = replace(b.endpoints[local], dns_entries=(
            *b.endpoints[local].dns_entries, r.DnsEntry(f"kms.{REGION}.amazonaws.com", None)))
    return b.snapshot(), ids


def _cross_region(b: AwsRegionBuilder, endpoint: str, label: str, private_name: str | None) -> None:
    """ServiceRegion us-west-2 and the Regional DNS name only (no zonal names), plus the private DNS name."""
    suffix = b.new_id("x").split("-")[1][1:9]
    regional = r.DnsEntry(f"{endpoint}-{suffix}.{label}.{SERVICE_REGION}.vpce.amazonaws.com", ENDPOINT_DNS_ZONE)
    entries = (regional, r.DnsEntry(private_name, None)) if private_name else (regional,)
    b.endpoints[endpoint] = replace(b.endpoints[endpoint], service_region=SERVICE_REGION, dns_entries=entries)
