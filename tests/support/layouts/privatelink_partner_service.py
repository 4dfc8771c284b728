"""The consumer side of a partner's PrivateLink endpoint service, with a verified private DNS name (us-east-1).

Sources: the Amazon VPC User Guide's PrivateLink pages as last published in the guide's source
repository before they moved to the AWS PrivateLink Guide
(https://github.com/awsdocs/amazon-vpc-user-guide/tree/62c2f63d5262a5cd28ff477ed73200caa2675184/doc_source,
2021-04-13; removed in eec118e, 2021-05-21): ``vpce-interface.md`` ("Interface VPC endpoints
(AWS PrivateLink)", the procedure "To create an interface endpoint to an endpoint service":
**Find service by name**, e.g. ``com.amazonaws.vpce.us-east-1.vpce-svc-0e123abc123198abc``,
**Verify**, then **Subnets** — "Not all Availability Zones may be supported for the service" —
and **Security group**), ``endpoint-service-overview.md`` (the provider's Network Load Balancer
"for each subnet (Availability Zone) in which the service should be available"; "A service
consumer that has been granted permissions creates an interface endpoint to your service,
optionally in each Availability Zone in which you configured your service"; "By default,
connection requests must be manually accepted"; the two-AZ diagram, where "The service consumer
(VPC A) has created interface endpoints in the same two Availability Zones in their VPC") and
``verify-domains.md`` ("Before consumers can use the private DNS name, you must verify that you
have control of the domain/subdomain"); and the current PrivateLink Guide's "Share your services
through AWS PrivateLink" and "Manage DNS names" pages
(https://docs.aws.amazon.com/vpc/latest/privatelink/manage-dns-names.html: "When the consumer
creates an interface endpoint to connect to your service, we create a private hosted zone and
associate it with the service consumer VPC. We create a CNAME record in the private hosted zone
that maps the private DNS name of the endpoint service to the regional DNS name of the VPC
endpoint"), which say the same.

The consumer account (123456789012) is the one audited; the provider (444455556666, assumed) runs
the Network Load Balancer in use1-az1 and use1-az2, has allowlisted the consumer account's root
(so every principal of the account, the auditing role among them, sees the service), requires
acceptance and has verified ``api.partner.example.com`` as the service's private DNS name (all
assumed names). Built: the consumer VPC 10.0.0.0/16 with DNS support and hostnames on (the guide:
required for private DNS), two private subnets 10.0.1.0/24 (use1-az1) and 10.0.2.0/24 (use1-az2)
on a route table with the local route only (the partner's service is the VPC's only way out); an
``app`` group (no ingress, AWS's default egress) on one instance per private subnet; a
``partner-endpoint`` group admitting TCP 443 from the VPC's block (the partner's documented port,
assumed; a PrivateLink service publishes none), AWS's default egress; the interface endpoint in
both private subnets with that group, private DNS on, accepted (``available``).

What DescribeVpcEndpointServices reports for the service to the consumer (botocore's ec2
``ServiceDetail``): ``ServiceType`` Interface, ``Owner`` the provider's account id (not
``amazon``), ``ServiceId``, ``AvailabilityZones``/``AvailabilityZoneIds`` the common ones only
(vpce-interface.md: "the response only includes the common Availability Zones"),
``BaseEndpointDnsNames`` ``<vpce-svc-id>.us-east-1.vpce.amazonaws.com``, ``PrivateDnsName(s)`` the
verified name, ``VpcEndpointPolicySupported`` false (assumed: a customer's endpoint service does
not take endpoint policies), ``SupportedIpAddressTypes`` ipv4. ``AcceptanceRequired``,
``ManagesVpcEndpoints``, ``PayerResponsibility`` and ``PrivateDnsNameVerificationState``
(``verified``) are in the API answer but not in the snapshot. ``service_listed=False`` leaves the
service out of the listing (allowlisted to another principal of the account than the auditor).

What DescribeVpcEndpoints reports for the endpoint (``VpcEndpoint``): Interface, the service
name, ``PrivateDnsEnabled`` true, no ``PolicyDocument`` (assumed, as for MWAA's and MSK's
PrivateLink endpoints), one requester-managed ``vpc_endpoint`` interface per subnet, and
``DnsEntries`` the regional name ``<vpce-id>-<suffix>.<vpce-svc-id>.us-east-1.vpce.amazonaws.com``
and the private DNS name.

Near misses: ``endpoint_azs=(1,)`` (the endpoint in use1-az1 only, while the NLB and the app run
in both); ``service_port=8443`` (the partner listens on 8443, recorded nowhere in the snapshot,
while the endpoint group still admits 443 only); ``group_ports`` (what the endpoint group admits
instead: 8443, or 8443 and 22), for audits told the service's port (``service-ports``);
``consumer_zone="parent"`` (the consumer's own
private hosted zone ``partner.example.com``, holding an A record for another partner host,
associated with the VPC while private DNS is on for ``api.partner.example.com``);
``state="pendingAcceptance"`` (the provider has not accepted the connection yet);
``private_dns=False`` (private DNS left off while the application calls
``api.partner.example.com``, which then resolves in public DNS, to the partner's internet-facing
endpoint or nowhere; this VPC has no route out).
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
VPC_CIDR = "10.0.0.0/16"
PRIVATE_CIDRS = ("10.0.1.0/24", "10.0.2.0/24")
PRIVATE_DNS_NAME = "api.partner.example.com"  # the service's verified private DNS name (assumed)
PARENT_ZONE = "partner.example.com"
OTHER_PARTNER_HOST = "sftp.partner.example.com"  # a record of the consumer's own zone (assumed)
DOCUMENTED_PORT = 443  # the port the partner documents (assumed): the endpoint group's rule
ENDPOINT_DNS_ZONE = "Z7HUB22UULQXV"  # the hosted zone id DescribeVpcEndpoints gives vpce.amazonaws.com names


def build(*, endpoint_azs: Iterable[int] = (1, 2), service_port: int = DOCUMENTED_PORT,
          consumer_zone: str | None = None, state: str = "available",
          service_listed: bool = True, private_dns: bool = True,
          group_ports: Iterable[int] = (DOCUMENTED_PORT,)) -> tuple[Snapshot, dict[str, str]]:
    """``endpoint_azs``: the AZs (1, 2) of the endpoint's subnets. ``service_port``: the port the
    partner's listener takes, which the snapshot cannot hold (it only changes ``ids["port"]``, for
    the tests to say so). ``consumer_zone``: None or "parent". ``state``: the endpoint's State.
    ``service_listed``: the service in DescribeVpcEndpointServices. ``private_dns``: the endpoint's
    PrivateDnsEnabled. ``group_ports``: the TCP ports the endpoint's group admits from the VPC."""
    b = AwsRegionBuilder(ACCOUNT, REGION, ("use1-az1", "use1-az2"))
    vpc = b.vpc(VPC_CIDR, name="consumer", dns_support=True, dns_hostnames=True)
    ids: dict[str, str] = {"vpc": vpc, "port": str(service_port)}
    private = []
    for az, cidr in enumerate(PRIVATE_CIDRS, start=1):
        ids[f"private{az}"] = b.subnet(vpc, cidr, az=az, name=f"consumer-private-{az}")
        private.append(ids[f"private{az}"])
    ids["private_rt"] = b.route_table(vpc, subnets=private, name="consumer-private")

    app = ids["app_sg"] = b.security_group(vpc, name="app")
    for az, subnet in enumerate(private, start=1):
        eni = ids[f"app{az}"] = b.workload(subnet, groups=[app])
        b.enis[eni] = replace(b.enis[eni], instance_id=b.new_id("i"))
    group = ids["endpoint_sg"] = b.security_group(vpc, name="partner-endpoint",
                                                  ingress=[("tcp", port, port, VPC_CIDR) for port in group_ports])

    service_id = ids["service_id"] = b.new_id("vpce-svc")
    name = ids["service"] = f"com.amazonaws.vpce.{REGION}.{service_id}"
    if service_listed:
        # ServiceDetail as the consumer sees it: the provider's AZs it shares with the consumer.
        b.services[name] = r.EndpointService(
            name, service_id, PROVIDER, ("Interface",), None, tuple(a for a, _ in b.azs), tuple(i for _, i in b.azs),
            (PRIVATE_DNS_NAME,), (f"{service_id}.{REGION}.vpce.amazonaws.com",), False, ("ipv4",))
    endpoint = ids["endpoint"] = b.interface_endpoint(
        vpc, "partner", subnets=[private[az - 1] for az in endpoint_azs], groups=[group], private_dns=private_dns,
        policy=None, service_name=name, state=state)
    suffix = b.new_id("x").split("-")[1][1:9]
    regional = r.DnsEntry(f"{endpoint}-{suffix}.{service_id}.{REGION}.vpce.amazonaws.com", ENDPOINT_DNS_ZONE)
    b.endpoints[endpoint] = replace(b.endpoints[endpoint], dns_entries=(
        (regional, r.DnsEntry(PRIVATE_DNS_NAME, None)) if private_dns else (regional,)))
    b.tag(endpoint, {"Name": "partner-api"})

    if consumer_zone == "parent":
        ids["zone"] = b.hosted_zone(PARENT_ZONE, [vpc], records=[
            r.RecordSet(OTHER_PARTNER_HOST, "A", ("10.0.1.200",), None)])
    return b.snapshot(), ids
