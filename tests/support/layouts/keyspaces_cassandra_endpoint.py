"""Applications in private subnets using Amazon Keyspaces (for Apache Cassandra) through an interface
VPC endpoint of ``com.amazonaws.us-east-1.cassandra`` (us-east-1).

Sources (the Amazon Keyspaces Developer Guide, current pages, read 2026-12-06):

- "Using Amazon Keyspaces with interface VPC endpoints"
  (https://docs.aws.amazon.com/keyspaces/latest/devguide/vpc-endpoints.html): create the interface
  endpoint, then "edit the security group associated with the endpoint … and configure an inbound
  rule for port 9142" — the only port the page names. ``system.peers``: Amazon Keyspaces fills it
  for endpoint clients with "an entry for each Availability Zone where a VPC endpoint is available",
  provided the IAM entity the client connects with may call ``ec2:DescribeNetworkInterfaces`` and
  ``ec2:DescribeVpcEndpoints`` (Keyspaces looks the endpoints up with those permissions: an IAM
  matter, no network path of the client's); populating it "improves load balancing and increases
  read/write throughput", is recommended for every endpoint client and required for Apache Spark.
  The page's endpoint policy examples (``cassandra:Select`` read-only, one table) show that the
  endpoint takes policies. Its "Common errors and warnings": the driver's warning that the control
  node ``cassandra.us-east-1.amazonaws.com/<ip>:9142`` "has an entry for itself in system.peers",
  because the table lists every endpoint the role may see, the one connected through included;
- the guide's troubleshooting, "My VPC endpoint connection doesn't work properly"
  (troubleshooting.html): the two permissions above, the Java driver's ``hostname-validation =
  false`` (the peers are the endpoint's private addresses, which the certificate does not name),
  and ``SELECT peer FROM system.peers`` from within the VPC returning "between 2 to 6 nodes with
  private IPv4 addresses" — the endpoint's interfaces, to which the driver then connects directly;
- the tutorial's "Step 3: Create a VPC endpoint for Amazon Keyspaces"
  (vpc-endpoints-tutorial.create-endpoint.html): ``describe-vpc-endpoint-services`` listing
  ``com.amazonaws.us-east-1.cassandra``; ``create-vpc-endpoint`` without ``--security-group-ids``
  answering ``Groups`` the VPC's ``default`` group, ``PrivateDnsEnabled`` true, DnsEntries the
  Regional name ``vpce-…-….cassandra.us-east-1.vpce.amazonaws.com``, a zonal one and the private
  names ``cassandra.us-east-1.amazonaws.com`` (and, for its dual-stack endpoint,
  ``cassandra.us-east-1.api.aws``); "Step 4" adds the inbound rule "with Type as CQLSH /
  CASSANDRA. This sets the Port range, automatically to 9142";
- "Service endpoints for Amazon Keyspaces" (programmatic.endpoints.html): cqlsh and the Cassandra
  drivers on port 9142 over TLS, the AWS CLI and SDKs on 443 over HTTPS; the Regional endpoint
  ``cassandra.us-east-1.amazonaws.com`` is listed for "HTTPS and TLS" — one name for the CQL
  (9142) and the control-plane API (443). Whether the interface endpoint also answers the HTTPS API
  the VPC endpoint page does not say (not assumed either way; nothing here calls it).

Built (``build()``): VPC ``keyspaces-apps`` 10.0.0.0/16, DNS support and hostnames on; private
subnets 10.0.1-3.0/24 in us-east-1a, b, c (this account's use1-az1, az2, az4: assumed, and assumed
all offered by the service) on one table ``keyspaces-private`` (local route only): no internet
gateway, NAT gateway or other endpoint — the applications' software and the Amazon root CA trust
store are on their image (assumed), they authenticate with the SigV4 plugin from their instance
role's credentials (instance metadata, no network call of the VPC) and speak CQL only. Group
``keyspaces-apps``: no ingress, AWS's default egress. Group ``keyspaces-endpoint``: TCP 9142 from
``keyspaces-apps`` (the guide's rule, its source the applications' group, assumed), AWS's default
egress. The ``cassandra`` endpoint in the three subnets, IPv4, private DNS on, AWS's default
full-access policy (the tutorial sets none). One application instance per subnet. No flow log; the
default NACL.

Assumed, as DescribeVpcEndpointServices would list ``com.amazonaws.us-east-1.cassandra``: owner
``amazon``, type Interface, the three AZs, PrivateDnsName ``cassandra.us-east-1.amazonaws.com``
(the dual-stack ``cassandra.us-east-1.api.aws`` left out: an IPv4 endpoint here),
BaseEndpointDnsNames ``cassandra.us-east-1.vpce.amazonaws.com``, VpcEndpointPolicySupported true
(the guide's endpoint policy examples). As DescribeVpcEndpoints would report the endpoint:
DnsEntries the Regional name then one per AZ (the 8-character suffix assumed), HostedZoneId
``Z7HUB22UULQXV`` (us-east-1's VPC endpoint zone); the private-name entries, whose zone the tutorial
shows pending, left out.

The endpoint's network interfaces, as DescribeNetworkInterfaces reports them: InterfaceType
``vpc_endpoint`` (botocore's ``NetworkInterfaceType``), requester-managed, Description
``VPC Endpoint Interface <vpce-id>``, the endpoint's group, attached to no instance, no tags. The
instances' primary interfaces: typed ``interface``, not requester-managed, an empty description,
attached to their instance.

Near misses: ``endpoint_ports=(443,)`` — the endpoint's group admits HTTPS only, as every other
interface endpoint's group does: every CQL connection on 9142 is refused. ``app_egress_ports=(443,)``
— the applications' group hardened to let out HTTPS only: no CQL connection leaves.
``endpoint_azs=(1,)`` — the endpoint in the first subnet only: ``system.peers`` holds one entry, the
instances of us-east-1b and c connect across AZs, and all lose Keyspaces with us-east-1a.
"""

from __future__ import annotations

from aws_layout import AwsRegionBuilder, apps_behind_one_endpoint, endpoint_regional_name

from vpcaudit.snapshot.model import Snapshot

ACCOUNT = "123456789012"
REGION = "us-east-1"
AZ_IDS = ("use1-az1", "use1-az2", "use1-az4")  # this account's us-east-1a, b, c (assumed)
SERVICE_KEY = "cassandra"
CQL_TLS = 9142  # cqlsh and the Cassandra drivers, TLS (Service endpoints for Amazon Keyspaces)
HTTPS = 443


def regional_name(endpoint_id: str) -> str:
    """The endpoint's Regional DNS name (the 8-character suffix assumed, derived from the id)."""
    return endpoint_regional_name(endpoint_id, SERVICE_KEY, REGION)


def build(*, endpoint_ports: tuple[int, ...] = (CQL_TLS,), app_egress_ports: tuple[int, ...] | None = None,
          endpoint_azs: tuple[int, ...] = (1, 2, 3)) -> tuple[Snapshot, dict[str, str]]:
    """``endpoint_ports``: what the endpoint's group admits from the applications' group;
    ``app_egress_ports``: the TCP ports the applications' group lets out to 0.0.0.0/0 (None: AWS's
    default all-traffic rule); ``endpoint_azs``: the endpoint's subnets by AZ (module docstring)."""
    b = AwsRegionBuilder(ACCOUNT, REGION, AZ_IDS)
    ids = apps_behind_one_endpoint(
        b, prefix="keyspaces", vpc_name="keyspaces-apps", app_group="keyspaces-apps",
        endpoint_group="keyspaces-endpoint", key=SERVICE_KEY, endpoint_ports=endpoint_ports,
        app_egress_ports=app_egress_ports, endpoint_azs=endpoint_azs, service={"policy_supported": True})
    return b.snapshot(), ids
