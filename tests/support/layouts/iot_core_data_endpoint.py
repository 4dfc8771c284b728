"""Devices in private subnets connecting to AWS IoT Core's data plane and credential provider through
interface VPC endpoints, each answered by a Route 53 private hosted zone (us-east-1).

Sources:

- the AWS IoT Core Developer Guide, "Using AWS IoT Core with interface VPC endpoints"
  (https://docs.aws.amazon.com/iot/latest/developerguide/IoTCore-VPC.html, current page, read
  2026-12-06). For the data plane (``com.amazonaws.<region>.iot.data``) and the credential
  provider (``com.amazonaws.<region>.iot.credentials``): "The VPC feature for automatically
  creating a DNS record is disabled. To connect to these endpoints, you must manually create a
  Private DNS record"; the console procedure's **Enable DNS name** must not be selected for either,
  as "Neither AWS IoT Core data plane nor AWS IoT Core credential provider supports private DNS
  names yet" (the control plane, ``iot.api``, does, on by default: not built here). Then a private
  hosted zone named after the ``iot:Data-ATS`` (or ``iot:CredentialProvider``) endpoint that
  ``aws iot describe-endpoint`` returns, "attached to your VPC", whose record of the same name is
  an A "Alias to VPC endpoint"; weighted records of equal weight when several endpoints serve one
  name. **Security group**: "choose the security groups you want to associate with the endpoint
  network interfaces" (no port is named on the page). Limitations: endpoint policies are not
  supported; the data endpoint serves ATS certificates only; 100,000 connections per endpoint;
  "AWS IoT Core doesn't support using zonal or regional public DNS records" of data-plane or
  credential-provider endpoints;
- the same page's history in the guide's archived source, awsdocs/aws-iot-docs
  ``developerguide/IoTCore-VPC.md``: dfb27be (2021-07-21) had endpoints created with
  ``--no-private-dns-enabled``, private DNS then generating only a wildcard entry over AWS-managed
  domains; 2f1156a (2021-08-23) recommended not using the PrivateDNS option; 0361377 (2021-11-24)
  first said the automatic DNS record is disabled (the control and data endpoints being split);
  0fc8f1c (2022-07-18, the last change before the repository was emptied on 2023-06-15, 679dda1)
  says it as today. No later update turned it on for the data plane: the current page adds
  ``iot.api`` (private DNS on) and ``iot.credentials`` (off, like ``iot.data``);
- the guide's "Device communication protocols" (protocols.html; the same table at 0fc8f1c
  ``developerguide/protocols.md``): MQTT with an X.509 client certificate on TCP 8883, or on 443
  with the ALPN protocol name ``x-amzn-mqtt-ca``; MQTT over WebSocket on 443; HTTPS publish on 443
  (with ``x-amzn-http-ca`` for a client certificate) or 8443. The zones' names: the procedure names
  each after what ``describe-endpoint`` returns; its example reads ``xxx-ats.data.iot.<region>.…``,
  built here in the form the Greengrass guide's ``iotDataEndpoint`` example and a 2022 workshop's
  ``dig`` output show, ``<prefix>-ats.iot.<region>.amazonaws.com`` (assumed), and the
  page's own ``xxxx.credentials.iot.<region>.amazonaws.com`` for the credential provider;
- the Route 53 API's DisassociateVPCFromHostedZone: "You can't disassociate the last Amazon VPC
  from a private hosted zone" — a private zone is always associated with some VPC.

Built (``build()``): VPC ``iot-devices`` 10.0.0.0/16, DNS support and hostnames on; private subnets
10.0.1.0/24 (us-east-1a, use1-az1) and 10.0.2.0/24 (us-east-1b, use1-az2; both AZ IDs assumed, and
assumed among those DescribeVpcEndpointServices offers for both services) on one table
``iot-private`` (local route only): no internet gateway, NAT gateway or other endpoint — the
devices' software is on their image (assumed), and they speak to IoT Core only. One client instance
per subnet in ``iot-devices`` (no ingress, AWS's default egress). Endpoints of ``iot.data`` and
``iot.credentials`` in both subnets, private DNS off, behind ``iot-core-endpoints``: TCP 8883 (MQTT)
and TCP 443 (MQTT with ALPN, HTTPS; the credential provider) from ``iot-devices``, AWS's default
egress (the guide names no port or source: assumed, after the protocols table). Two private hosted
zones associated with the VPC: ``a1b2c3d4e5f6g7-ats.iot.us-east-1.amazonaws.com`` (prefix assumed)
and ``c1d2e3f4g5h6i7.credentials.iot.us-east-1.amazonaws.com``, each holding an A alias at its apex
to its endpoint's Regional DNS name (AliasTarget.DNSName as Route 53 returns it: lower case, the
trailing dot dropped by the collector). No flow log; the default NACL.

Assumed, as DescribeVpcEndpointServices would list the two services (AWS does not document it):
owner ``amazon``, type Interface, both AZs, no PrivateDnsName(s) (the guide: private DNS names
not supported), BaseEndpointDnsNames ``data.iot.us-east-1.vpce.amazonaws.com`` and
``credentials.iot.us-east-1.vpce.amazonaws.com`` (the endpoint-specific name form
``vpce-<id>-<suffix>.data.iot.us-east-1.vpce.amazonaws.com`` shown in SAP BTP's PrivateLink
documentation and in a 2022 workshop's ``dig`` output), VpcEndpointPolicySupported false (the
guide: endpoint policies not supported). As DescribeVpcEndpoints would report the endpoints: no
PolicyDocument (assumed), DnsEntries the Regional name then one per AZ, HostedZoneId
``Z7HUB22UULQXV`` (us-east-1's VPC endpoint zone), the 8-character suffix assumed.

The endpoints' network interfaces, as DescribeNetworkInterfaces reports them: InterfaceType
``vpc_endpoint`` (botocore's ``NetworkInterfaceType``), requester-managed, Description
``VPC Endpoint Interface <vpce-id>`` — the field the guide itself says to filter on to find the
endpoint's addresses — the endpoint's group, attached to no instance, no tags. The instances'
primary interfaces: typed ``interface``, not requester-managed, an empty description, attached to
their instance.

Near misses: ``zone_vpc="other-region"`` — both zones associated with a VPC in us-west-2 instead of
this one (created while the console showed another Region's VPC; not "no VPC", which Route 53
refuses): the devices' resolver answers the ATS name from public DNS, so they try the public
endpoint and, with no way out, fail. ``zone_target="deleted-endpoint"`` — the data zone's alias
still names the Regional DNS name of an ``iot.data`` endpoint since deleted and re-created (the new
one is in place, unnamed by any record): assumed, Route 53 keeps the record and answers it with no
address. ``endpoint_ports=(443,)`` — the endpoints' group admits TCP 443 only: a device on MQTT port
8883 is refused; one on 443 with ALPN ``x-amzn-mqtt-ca`` still connects. ``dns_hostnames=False`` —
the VPC's DNS hostnames attribute off.
"""

from __future__ import annotations

import hashlib
from dataclasses import replace

from aws_layout import AwsRegionBuilder

from vpcaudit.snapshot import resources as r
from vpcaudit.snapshot.model import Snapshot

ACCOUNT = "123456789012"
REGION = "us-east-1"
AZ_IDS = ("use1-az1", "use1-az2")  # this account's us-east-1a, b (assumed)
VPC_CIDR = "10.0.0.0/16"
PRIVATE_CIDRS = ("10.0.1.0/24", "10.0.2.0/24")
MQTT = 8883
HTTPS = 443
VPCE_ZONE = "Z7HUB22UULQXV"  # the hosted zone of us-east-1's VPC endpoint DNS names
# The account's endpoints, as `aws iot describe-endpoint` returns them (prefixes assumed).
DATA_ATS = "a1b2c3d4e5f6g7-ats.iot.us-east-1.amazonaws.com"
CREDENTIALS = "c1d2e3f4g5h6i7.credentials.iot.us-east-1.amazonaws.com"
# Service key → the label of its endpoint-specific names (BaseEndpointDnsNames, assumed).
SERVICES = {"iot.data": "data.iot", "iot.credentials": "credentials.iot"}
# The VPC a misplaced zone is associated with (near miss ``zone_vpc="other-region"``).
OTHER_REGION = "us-west-2"
OTHER_VPC = "vpc-0e4f1a7c2b9d83561"
# An iot.data endpoint deleted before this snapshot (near miss ``zone_target="deleted-endpoint"``).
DELETED_ENDPOINT = "vpce-0a9d27c5e81f4b360"


def regional_name(endpoint_id: str, key: str) -> str:
    """An endpoint's Regional DNS name, ``vpce-<id>-<suffix>.data.iot.<region>.vpce.amazonaws.com``
    (the 8-character suffix assumed, derived from the id)."""
    suffix = hashlib.sha256(endpoint_id.encode()).hexdigest()[:8]
    return f"{endpoint_id}-{suffix}.{SERVICES[key]}.{REGION}.vpce.amazonaws.com"


def build(*, zone_vpc: str = "clients", zone_target: str = "live", endpoint_ports: tuple[int, ...] = (HTTPS, MQTT),
          dns_hostnames: bool = True) -> tuple[Snapshot, dict[str, str]]:
    """``zone_vpc``: "clients" or "other-region" (both zones' association); ``zone_target``: "live"
    or "deleted-endpoint" (the data zone's alias); ``endpoint_ports``: what the endpoints' group
    admits from the devices; ``dns_hostnames``: the VPC attribute (module docstring)."""
    b = AwsRegionBuilder(ACCOUNT, REGION, AZ_IDS)
    vpc = b.vpc(VPC_CIDR, name="iot-devices", dns_support=True, dns_hostnames=dns_hostnames)
    ids: dict[str, str] = {"vpc": vpc, "main_rt": b.main_route_table(vpc)}
    private = [b.subnet(vpc, cidr, az=az, name=f"iot-private-{az}") for az, cidr in enumerate(PRIVATE_CIDRS, start=1)]
    ids["private1"], ids["private2"] = private
    ids["private_rt"] = b.route_table(vpc, subnets=private, name="iot-private")

    device_sg = ids["device_sg"] = b.security_group(vpc, name="iot-devices")
    ids["endpoint_sg"] = b.security_group(vpc, name="iot-core-endpoints", ingress=[
        ("tcp", port, port, device_sg) for port in endpoint_ports])

    for key, label in SERVICES.items():
        service = b.service(key, dns_names=[], policy_supported=False)
        b.services[service] = replace(b.services[service],
                                      base_endpoint_dns_names=(f"{label}.{REGION}.vpce.amazonaws.com",))
        endpoint = ids[key] = b.interface_endpoint(vpc, key, subnets=private, groups=[ids["endpoint_sg"]],
                                                   private_dns=False, policy=None)
        regional = regional_name(endpoint, key)
        zonal = [regional.replace(".", f"-{az}.", 1) for az, _ in b.azs]
        b.endpoints[endpoint] = replace(b.endpoints[endpoint], dns_entries=tuple(
            r.DnsEntry(name, VPCE_ZONE) for name in (regional, *zonal)))

    zone_vpcs = [vpc] if zone_vpc == "clients" else []
    data_target = regional_name(ids["iot.data"] if zone_target == "live" else DELETED_ENDPOINT, "iot.data")
    credentials_target = regional_name(ids["iot.credentials"], "iot.credentials")
    for key, name, target in (("data_zone", DATA_ATS, data_target),
                              ("credentials_zone", CREDENTIALS, credentials_target)):
        ids[key] = b.hosted_zone(name, zone_vpcs, [r.RecordSet(name, "A", (), target)])
        if zone_vpc != "clients":
            b.zones[-1] = replace(b.zones[-1], vpcs=(r.VpcAssociation(OTHER_VPC, OTHER_REGION),))

    for az, subnet in enumerate(private, start=1):
        eni = ids[f"device{az}"] = b.workload(subnet, groups=[device_sg])
        b.enis[eni] = replace(b.enis[eni], instance_id=b.new_id("i"))
    return b.snapshot(), ids
