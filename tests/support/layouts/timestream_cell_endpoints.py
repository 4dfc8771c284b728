"""Applications in private subnets without a NAT gateway writing to and querying Amazon Timestream for
LiveAnalytics through the two interface VPC endpoints of their account's cell (us-west-2).

Sources (the Amazon Timestream Developer Guide, current pages, read 2026-12-06):

- "VPC endpoints (AWS PrivateLink)" (https://docs.aws.amazon.com/timestream/latest/developerguide/VPCEndpoints.html):
  interface endpoints let instances in the VPC reach the Timestream for LiveAnalytics APIs
  "without an internet gateway, NAT device, VPN connection, or AWS Direct Connect connection";
- "How VPC endpoints work with Timestream" (VPCEndpoints.vpc-endpoint-considerations.html): requests
  through the endpoints go to "the write and query endpoints of the cell that your account has been
  mapped to"; its example, an account mapped to ``cell1`` in us-west-2 with endpoints for writes
  (``ingest-cell1.timestream.us-west-2.amazonaws.com``) and queries
  (``query-cell1.timestream.us-west-2.amazonaws.com``) — the names the endpoints answer for. Its
  considerations: all API actions may be called from the VPC; endpoint policies are supported and by
  default allow full access; writes and queries need two endpoints, one per SDK, each for the cell
  the account is mapped to;
- "Creating an interface VPC endpoint for Timestream for LiveAnalytics"
  (VPCEndpoints.vpc-endpoint-create.html): find the cell with ``DescribeEndpoints`` (Write or Query
  API), then name the services ``com.amazonaws.<region>.timestream.ingest-<cell>`` and
  ``com.amazonaws.<region>.timestream.query-<cell>``, the cell being the one in the returned address
  (``cell1``, ``cell2`` …); "you will only be able to create an endpoint for the Timestream cell
  that you are mapped to";
- "Implementing the endpoint discovery pattern"
  (Using-API.endpoint-discovery.describe-endpoints.implementation.html): ``DescribeEndpoints`` goes to
  the Regional names ``ingest.timestream.<region>.amazonaws.com`` (Write) and
  ``query.timestream.<region>.amazonaws.com`` (Query), "the only action that Timestream regional
  endpoints recognize"; the returned address is cached for ``CachePeriodInMinutes``.

The Regional discovery names are not among the cell endpoints' names, and no endpoint service is
documented for them; the SDKs' own discovery call to them times out from private subnets without
internet egress (aws/aws-sdk-java-v2 issue #4997; grafana/timestream-datasource pull request #475,
which disables discovery once the cell name is configured, so that no outbound path to
``query.timestream.<region>.amazonaws.com`` is needed). Assumed, therefore: the applications are
configured with the cell names (SDK endpoint override, discovery off), found once from outside the
VPC when the endpoints were created, and call nothing but the two cell endpoints on TCP 443.

Built (``build()``): VPC ``timestream-apps`` 10.0.0.0/16, DNS support and hostnames on; private
subnets 10.0.1.0/24 and 10.0.2.0/24 in us-west-2a and b (this account's usw2-az1 and az2: assumed,
and assumed offered by both services) on one table ``timestream-private`` (local route only): no
internet gateway, NAT gateway or other endpoint (the applications take their credentials from the
instance role through instance metadata, no network path of the VPC). Group ``timestream-apps``: no
ingress, AWS's default egress. Group ``timestream-endpoints``: TCP 443 from ``timestream-apps``,
AWS's default egress — on both endpoints. Endpoints ``timestream.ingest-cell1`` and
``timestream.query-cell1`` in both subnets, IPv4, private DNS on, AWS's default full-access policy
(the guide sets none). One application instance per subnet. No flow log; the default NACL.

Assumed, as DescribeVpcEndpointServices would list each cell service: owner ``amazon``, type
Interface, both AZs, PrivateDnsName ``ingest-cell1.timestream.us-west-2.amazonaws.com`` (resp.
``query-cell1…``, the considerations page's names), BaseEndpointDnsNames
``timestream.ingest-cell1.us-west-2.vpce.amazonaws.com`` (resp. ``…query-cell1…``; not documented),
VpcEndpointPolicySupported true. As DescribeVpcEndpoints would report each endpoint: DnsEntries one
Regional name, HostedZoneId ``Z1YSA3EXCYUU9Z`` (us-west-2's VPC endpoint zone, assumed); the
private-name entries left out.

The endpoints' network interfaces, as DescribeNetworkInterfaces reports them: InterfaceType
``vpc_endpoint`` (botocore's ``NetworkInterfaceType``), requester-managed, Description
``VPC Endpoint Interface <vpce-id>``, the endpoint's group, attached to no instance, no tags. The
instances' primary interfaces: typed ``interface``, not requester-managed, an empty description,
attached to their instance.

Near misses: ``ingest_private_dns=False`` — the ingest endpoint created with private DNS off, the
applications still configured with ``ingest-cell1.timestream.us-west-2.amazonaws.com``: the name
resolves publicly and every write times out (no NAT). ``cell="cell2"`` — the two endpoints named for
``cell2`` while the applications were configured with ``cell1`` (the service names and private
names differ, nothing else): writes and queries to the cell1 names resolve publicly and time out.
The guide says an endpoint can only be created for the account's own cell, so such a pair means the
applications' configured cell is the wrong one; which cell the account is mapped to is in no
snapshot. ``endpoint_ports=()`` — the endpoints' group admitting nothing from the applications
(its 443 rule forgotten): every connection to either endpoint is refused.
"""

from __future__ import annotations

from dataclasses import replace

from aws_layout import AwsRegionBuilder

from vpcaudit.snapshot import resources as r
from vpcaudit.snapshot.model import Snapshot

ACCOUNT = "123456789012"
REGION = "us-west-2"
AZ_IDS = ("usw2-az1", "usw2-az2")  # this account's us-west-2a, b (assumed)
HTTPS = 443
VPCE_ZONE = "Z1YSA3EXCYUU9Z"  # the hosted zone of us-west-2's VPC endpoint DNS names (assumed)
APIS = ("ingest", "query")  # the Write and the Query API


def service_key(api: str, cell: str) -> str:
    """The part of the service name after the Region: ``timestream.ingest-cell1``."""
    return f"timestream.{api}-{cell}"


def cell_hostname(api: str, cell: str) -> str:
    """The cell's name for one API, which the endpoint's private DNS answers for."""
    return f"{api}-{cell}.timestream.{REGION}.amazonaws.com"


def build(*, cell: str = "cell1", ingest_private_dns: bool = True, endpoint_ports: tuple[int, ...] = (HTTPS,)
          ) -> tuple[Snapshot, dict[str, str]]:
    """``cell``: the cell the endpoints are created for (the applications use cell1);
    ``ingest_private_dns``: private DNS of the ingest endpoint; ``endpoint_ports``: the TCP ports the
    endpoints' group admits from the applications' group (module docstring)."""
    b = AwsRegionBuilder(ACCOUNT, REGION, AZ_IDS)
    vpc = b.vpc("10.0.0.0/16", name="timestream-apps", dns_support=True, dns_hostnames=True)
    ids: dict[str, str] = {"vpc": vpc, "main_rt": b.main_route_table(vpc)}
    private = [b.subnet(vpc, f"10.0.{k}.0/24", az=k, name=f"timestream-private-{k}") for k in (1, 2)]
    ids |= {f"private{k}": subnet for k, subnet in enumerate(private, start=1)}
    ids["private_rt"] = b.route_table(vpc, subnets=private, name="timestream-private")

    app_sg = ids["app_sg"] = b.security_group(vpc, name="timestream-apps")
    ids["endpoint_sg"] = b.security_group(vpc, name="timestream-endpoints", ingress=[
        ("tcp", port, port, app_sg) for port in endpoint_ports])

    for api in APIS:
        key = service_key(api, cell)
        b.service(key, dns_names=[cell_hostname(api, cell)], policy_supported=True)
        endpoint = ids[api] = b.interface_endpoint(
            vpc, key, subnets=private, groups=[ids["endpoint_sg"]],
            private_dns=ingest_private_dns if api == "ingest" else True)
        b.endpoints[endpoint] = replace(b.endpoints[endpoint], dns_entries=(
            r.DnsEntry(f"{endpoint}.{key}.{REGION}.vpce.amazonaws.com", VPCE_ZONE),))

    for k, subnet in enumerate(private, start=1):
        eni = ids[f"app{k}"] = b.workload(subnet, groups=[app_sg])
        b.enis[eni] = replace(b.enis[eni], instance_id=b.new_id("i"))
    return b.snapshot(), ids
