"""A SaaS vendor's PrivateLink endpoint service consumed from a customer VPC without private DNS:
Snowflake over AWS PrivateLink, the interface endpoint in the AZs the service is offered in, and a
private hosted zone the customer creates for ``privatelink.snowflakecomputing.com`` (us-east-1).

Sources:

- Snowflake-Labs/terraform-provider-snowflake, the example of the data source
  ``snowflake_system_get_privatelink_config``
  (``examples/data-sources/snowflake_system_get_privatelink_config/data-source.tf``), read at
  426a9ea06713f8a339476abdaaefe67243becc7c (2025-04-11; the file unchanged since 141c916,
  2023-03-16): an ``aws_security_group`` admitting TCP 80 and TCP 443 from ``var.vpc_cidr`` with
  no ``egress`` block (Terraform removes AWS's default egress rule from a group it creates); an
  ``aws_vpc_endpoint`` of type Interface to the config's ``aws_vpce_id``
  (``com.amazonaws.vpce.<region>.vpce-svc-…``) in ``var.subnet_ids`` with that group and
  ``private_dns_enabled = false``; an ``aws_route53_zone`` ``privatelink.snowflakecomputing.com``
  associated with the VPC; two CNAME records, the config's ``account_url`` and ``ocsp_url``, TTL
  300, each to the endpoint's first DNS entry (``dns_entry[0]``, the Regional name);
- the SageMaker Developer Guide's Data Wrangler page, section "Private Connectivity between Data
  Wrangler and Snowflake via AWS PrivateLink", as last published in the guide's source repository
  (awsdocs/amazon-sagemaker-developer-guide, ``doc_source/data-wrangler-import.md`` at a869fa5c,
  2023-06-15, the commit before the content was removed): ``SYSTEM$GET_PRIVATELINK_CONFIG`` gives
  ``privatelink-vpce-id``, ``privatelink-account-url`` and the OCSP URL; **Find service by name**
  and **Verify**; a new group whose inbound rule is ``HTTPS`` from the VPC's CIDR block (the step
  announces two rules and describes one); the endpoint's Regional DNS name ("only includes the
  Region name … and no Availability Zone letter"); a Route 53 private hosted zone associated with
  the VPC and two CNAMEs, the account id and ``ocsp.<account id>``, to that name;
- Snowflake's documentation (current pages, read 2026-12-07): "AWS PrivateLink and Snowflake"
  (https://docs.snowflake.com/en/user-guide/admin-security-privatelink) and
  ``SYSTEM$ALLOWLIST_PRIVATELINK`` (https://docs.snowflake.com/en/sql-reference/functions/system_allowlist_privatelink:
  hostnames and ports to allow, the OCSP cache among them); Snowpark Container Services' private
  connectivity page says that with PrivateLink the customer controls DNS resolution and "there are
  no PrivateLink DNS records controlled by Snowflake";
- the AWS PrivateLink Guide (current pages, read 2026-12-07), "Access SaaS products through AWS
  PrivateLink" (https://docs.aws.amazon.com/vpc/latest/privatelink/privatelink-access-saas.html)
  and "Create an interface endpoint"
  (https://docs.aws.amazon.com/vpc/latest/privatelink/create-interface-endpoint.html), with the
  older VPC User Guide's ``vpce-interface.md`` as ``layouts.privatelink_partner_service`` cites it:
  "Not all Availability Zones may be supported for the service", and for a service of another
  account "the response only includes the common Availability Zones" — an endpoint's subnets can
  only be in AZs the listing names;
- the CloudFormation reference for ``AWS::AppFlow::ConnectorProfile``
  ``SalesforceConnectorProfileProperties``
  (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-appflow-connectorprofile-salesforceconnectorprofileproperties.html,
  current page, read 2026-12-07): with the connection mode private, "Amazon AppFlow sends private
  calls through AWS PrivateLink". AppFlow makes that connection itself; nothing of it is assumed
  to be in the customer's VPC (no endpoint, interface or zone of the account), so an AppFlow
  private flow leaves no trace for a VPC audit, and the customer-side consumer built here is the
  customer's own VPC reaching the same kind of SaaS service.

Built (assumed where the sources say nothing: account ids, CIDRs, names, the AZ mapping, the
account locator ``xy12345``): the consumer account 123456789012, VPC 10.0.0.0/16 with DNS support
and hostnames on (required for a private hosted zone), private subnets 10.0.1.0/24 (use1-az1),
10.0.2.0/24 (use1-az2) and 10.0.3.0/24 (use1-az4) on one route table with the local route only;
an ``app`` group (no ingress, AWS's default egress) on one instance per private subnet;
``snowflake_private_link`` admitting TCP 80 and 443 from 10.0.0.0/16, no egress rule; the endpoint
to Snowflake's service in the use1-az1 and use1-az2 subnets, private DNS off, no
``PolicyDocument`` (assumed, as ``privatelink_partner_service``), ``available`` (the account was
allowlisted by Snowflake's enablement before the endpoint was made, assumed), tagged
``Name=snowflake``; the zone ``privatelink.snowflakecomputing.com`` associated with the VPC, its
two CNAMEs to the endpoint's Regional name. The zone is recorded as the Route 53 collector records
it: ListResourceRecordSets is read only for zones that can answer AWS service hostnames (inside, or
a parent of, ``amazonaws.com``), so this zone carries no record sets and
``record_sets_collected`` false; the CNAMEs are in ``ids["cname_target"]`` only, for the tests.

What DescribeVpcEndpointServices reports for Snowflake's service to the allowlisted consumer
(botocore's ec2 ``ServiceDetail``): ``ServiceType`` Interface, ``Owner`` Snowflake's account
(777788889999, assumed), ``AvailabilityZones``/``AvailabilityZoneIds`` us-east-1a/b (use1-az1,
use1-az2) only — the service offered in two of the VPC's three AZs (assumed: Snowflake publishes
no AZ list; the listing is the provider's load balancer AZs in common with the consumer), no
``PrivateDnsName(s)`` (Snowflake leaves DNS to the customer), ``BaseEndpointDnsNames``
``<vpce-svc-id>.us-east-1.vpce.amazonaws.com``, ``VpcEndpointPolicySupported`` false (assumed),
``SupportedIpAddressTypes`` ipv4.

What DescribeVpcEndpoints reports for the endpoint (``VpcEndpoint``): Interface, the service name,
``PrivateDnsEnabled`` false, ``DnsEntries`` the Regional name
``<vpce-id>-<suffix>.<vpce-svc-id>.us-east-1.vpce.amazonaws.com`` (the suffix assumed, derived from
the id) and no private DNS name; and for its interfaces (DescribeNetworkInterfaces) one per
subnet, ``InterfaceType`` ``vpc_endpoint`` (botocore's ``NetworkInterfaceType`` enum),
``RequesterManaged`` true, ``Description`` ``VPC Endpoint Interface <vpce-id>``, the endpoint's
group, attached to no instance of the account, no tags (assumed, as every interface endpoint's in
this repository).

Near misses: ``endpoint_azs=(1,)`` (the endpoint asked for in use1-az1 and use1-az4: use1-az4 is not
offered, so it stands in use1-az1 alone, the use1-az2 subnet left out); ``zone_target="deleted"``
(the endpoint deleted and re-created — a new id, new Regional name — and the zone's CNAMEs still
naming the deleted endpoint's Regional name, which no longer resolves — the snapshot differs from
the canonical one only in the endpoint's id); ``group_ports=(80,)`` (the
endpoint group admitting TCP 80 only) and ``group_ports=(443,)`` (HTTPS only, the SageMaker
guide's one described rule), both read with and without the ports Snowflake gives configured
(``service-ports``: 443 and 80).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from aws_layout import VPCE_ZONE, AwsRegionBuilder, endpoint_regional_name

from vpcaudit.snapshot import resources as r
from vpcaudit.snapshot.model import Snapshot

ACCOUNT = "123456789012"
SNOWFLAKE = "777788889999"  # the owner DescribeVpcEndpointServices reports for Snowflake's service (assumed)
REGION = "us-east-1"
AZ_IDS = ("use1-az1", "use1-az2", "use1-az4")
OFFERED = 2  # the service is offered in the first two of them (assumed)
VPC_CIDR = "10.0.0.0/16"
PRIVATE_CIDRS = ("10.0.1.0/24", "10.0.2.0/24", "10.0.3.0/24")
ZONE = "privatelink.snowflakecomputing.com"
ACCOUNT_URL = f"xy12345.{REGION}.{ZONE}"  # privatelink-account-url (the locator assumed)
OCSP_URL = f"ocsp.xy12345.{REGION}.{ZONE}"  # privatelink-ocsp-url
SNOWFLAKE_PORTS = (443, 80)  # HTTPS and the OCSP cache (the Terraform example's group, SYSTEM$ALLOWLIST_PRIVATELINK)


def build(*, endpoint_azs: Iterable[int] = (1, 2), zone_target: str = "endpoint",
          group_ports: Iterable[int] = (80, 443)) -> tuple[Snapshot, dict[str, str]]:
    """``endpoint_azs``: the AZs (1-2, those offered) of the endpoint's subnets. ``zone_target``:
    "endpoint" (the CNAMEs name the endpoint's Regional name) or "deleted" (they name the Regional
    name of an endpoint since deleted; the endpoint standing is a re-created one). ``group_ports``:
    the TCP ports the endpoint's group admits from the VPC."""
    b = AwsRegionBuilder(ACCOUNT, REGION, AZ_IDS)
    vpc = b.vpc(VPC_CIDR, name="snowflake-consumer", dns_support=True, dns_hostnames=True)
    ids: dict[str, str] = {"vpc": vpc}
    private = []
    for az, cidr in enumerate(PRIVATE_CIDRS, start=1):
        ids[f"private{az}"] = b.subnet(vpc, cidr, az=az, name=f"private-{az}")
        private.append(ids[f"private{az}"])
    ids["private_rt"] = b.route_table(vpc, subnets=private, name="private")

    app = ids["app_sg"] = b.security_group(vpc, name="app")
    for az, subnet in enumerate(private, start=1):
        eni = ids[f"app{az}"] = b.workload(subnet, groups=[app])
        b.enis[eni] = replace(b.enis[eni], instance_id=b.new_id("i"))
    group = ids["endpoint_sg"] = b.security_group(
        vpc, name="snowflake_private_link", ingress=[("tcp", p, p, VPC_CIDR) for p in sorted(group_ports)], egress=())

    service_id = ids["service_id"] = b.new_id("vpce-svc")
    name = ids["service"] = f"com.amazonaws.vpce.{REGION}.{service_id}"
    offered = b.azs[:OFFERED]
    b.services[name] = r.EndpointService(
        name, service_id, SNOWFLAKE, ("Interface",), None, tuple(a for a, _ in offered), tuple(i for _, i in offered),
        (), (f"{service_id}.{REGION}.vpce.amazonaws.com",), False, ("ipv4",))
    if zone_target == "deleted":
        # The first endpoint's id is spent here; DescribeVpcEndpoints no longer lists it.
        ids["deleted_endpoint"] = b.new_id("vpce")
    endpoint = ids["endpoint"] = b.interface_endpoint(
        vpc, "snowflake", subnets=[private[az - 1] for az in endpoint_azs], groups=[group], private_dns=False,
        policy=None, service_name=name)
    regional = ids["regional_name"] = endpoint_regional_name(endpoint, service_id, REGION)
    b.endpoints[endpoint] = replace(b.endpoints[endpoint], dns_entries=(r.DnsEntry(regional, VPCE_ZONE),))
    b.tag(endpoint, {"Name": "snowflake"})

    ids["cname_target"] = (endpoint_regional_name(ids["deleted_endpoint"], service_id, REGION)
                           if zone_target == "deleted" else regional)
    # The zone's two CNAMEs (ACCOUNT_URL, OCSP_URL → ids["cname_target"]) exist in Route 53, but the
    # collector reads record sets only of zones that can answer AWS service hostnames: this one is
    # recorded without them (record_sets_collected False), as it would be collected.
    ids["zone"] = b.hosted_zone(ZONE, [vpc])
    b.zones[-1] = replace(b.zones[-1], record_sets=(), record_sets_collected=False)
    return b.snapshot(), ids
