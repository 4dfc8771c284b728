"""An AWS IoT Greengrass V2 core device on EC2 in private subnets without internet access, operating
through VPC endpoints: ``iot.data`` and ``iot.credentials`` answered by private hosted zones, S3 and
CloudWatch Logs by interface endpoints with private DNS (us-east-1).

Sources:

- the AWS IoT Greengrass V2 Developer Guide, "AWS IoT Greengrass and interface VPC endpoints (AWS
  PrivateLink)", section "Operate an AWS IoT Greengrass core device in VPC"
  (https://docs.aws.amazon.com/greengrass/v2/developerguide/vpc-interface-endpoints.html, current
  page, read 2026-12-06). "At a minimum" the endpoints of its table, each with its DNS alias:
  ``com.amazonaws.<region>.iot.data`` (Interface; a private DNS record named after the
  ``iot:Data-ATS`` endpoint), ``com.amazonaws.<region>.iot.credentials`` (Interface; named after the
  ``iot:CredentialProvider`` endpoint) and ``com.amazonaws.<region>.s3`` (Interface, "The DNS record
  is automatically created"; the step links to the S3 guide's interface endpoint procedure). For the
  two IoT endpoints the automatic DNS record is disabled: **Enable DNS name** must not be selected,
  and the private hosted zone is configured as the IoT Core guide says. AWS-provided components may
  need more: the guide's example is the log manager, which calls ``logs.<region>.amazonaws.com``.
  The nucleus: installed with manual provisioning; ``greengrassDataPlaneEndpoint`` "must be set to
  **iotdata**"; in us-east-1 ``s3EndpointType`` set to REGIONAL (nucleus 2.11.3 or later); the
  example sets ``iotDataEndpoint`` and ``iotCredEndpoint`` to the account's two names. The page
  names no port and no security group rule. The control-plane endpoint
  ``com.amazonaws.<region>.greengrass`` is on the same page but not in the table: it serves
  operations "such as CreateDeployment and ListEffectiveDeployments", not data-plane ones such as
  ResolveComponentCandidates. The guide's archived source (awsdocs/aws-iot-greengrass-v2-developer-guide,
  ``doc_source/vpc-interface-endpoints.md`` at c9f2288, 2021-09-03, the last version before the
  repository was emptied at f650a35) still said core devices could not operate completely within a
  VPC; the "Operate" section came later;
- the same guide's "Greengrass nucleus" component configuration (archived at c713a57,
  ``doc_source/greengrass-nucleus-component.md``): ``mqtt.port`` defaults to 8883;
  ``greengrassDataPlanePort`` is 443 or 8443, default 8443 ("You must specify a port where the
  device can make outbound connections"); ``greengrassDataPlaneEndpoint`` from v2.7.0;
- the guide's "Allow device traffic through a proxy or firewall" (allow-device-traffic.html, current
  page, read 2026-12-06): the account's ``<prefix>-ats.iot.<region>.amazonaws.com`` takes MQTT on
  8883 or 443 and HTTPS on 8443 or 443; the credentials endpoint 443; S3 443;
- aws-greengrass/aws-greengrass-nucleus at a28341c (2026-07-20),
  ``componentmanager/ClientConfigurationUtils.java``: with ``greengrassDataPlaneEndpoint`` "iotdata"
  the Greengrass data-plane client (ResolveComponentCandidates, GetComponentVersionArtifact,
  ListThingGroupsForCoreDevice: ``GreengrassV2DataClient``, the nucleus's only Greengrass client)
  is sent to ``https://<iotDataEndpoint>:<greengrassDataPlanePort>``, 8443 unless configured; its
  TLS socket factory (``SdkTlsSocketFactory``) offers ALPN ``x-amzn-http-ca`` on every connection,
  which port 443 needs;
- the AWS IoT Core Developer Guide, "Using AWS IoT Core with interface VPC endpoints" and "Device
  communication protocols", as read for tests/support/layouts/iot_core_data_endpoint.py: no
  private DNS for ``iot.data``/``iot.credentials``, no endpoint policy, a private hosted zone per
  account endpoint with an A alias to the endpoint; HTTPS with a client certificate on 8443 (or 443
  with ALPN ``x-amzn-http-ca``), MQTT on 8883 (or 443 with ``x-amzn-mqtt-ca``).

Built (``build()``): VPC ``greengrass-core`` 10.0.0.0/16, DNS support and hostnames on; private
subnets 10.0.1.0/24 (us-east-1a, use1-az1) and 10.0.2.0/24 (us-east-1b, use1-az2; AZ IDs assumed,
and assumed among those the services offer) on one table ``greengrass-private`` (local route only):
no internet gateway, NAT gateway, peering or VPN. One core device instance in the first subnet,
group ``gg-core`` (no ingress; AWS's default egress), its nucleus configured as the guide's example
(not in any snapshot): MQTT 8883 and data plane 8443, the defaults. Interface endpoints in both
subnets: ``iot.data`` and ``iot.credentials`` with private DNS off and no policy, behind
``gg-iot-endpoints`` (TCP 8883, 8443 and 443 from ``gg-core``: the nucleus's MQTT, data-plane and
credential-provider ports; the guide names none, so assumed after the protocols tables); ``s3``
and ``logs`` (the log manager deployed, assumed) with private DNS on and AWS's default full-access
policy, behind ``gg-aws-endpoints`` (TCP 443 from ``gg-core``). The S3 endpoint is the guide's
interface one with no gateway endpoint beside it, so ``PrivateDnsOnlyForInboundResolverEndpoint``
is false (the option needs a gateway endpoint). Two private hosted zones associated with the VPC,
``a1b2c3d4e5f6g7-ats.iot.us-east-1.amazonaws.com`` and
``c1d2e3f4g5h6i7.credentials.iot.us-east-1.amazonaws.com`` (prefixes assumed), each an apex A
alias to its endpoint's Regional DNS name. No ``greengrass`` control-plane endpoint (not in the
guide's table). No flow log; the default NACL.

Assumed, as DescribeVpcEndpointServices would list the services (AWS does not document it):
``iot.data``/``iot.credentials`` as in the IoT Core layout (no PrivateDnsName(s), no policy support,
BaseEndpointDnsNames ``data.iot…``/``credentials.iot…``); ``s3`` of types Gateway and Interface with
the private DNS names ``s3.us-east-1.amazonaws.com`` and ``*.s3.us-east-1.amazonaws.com`` (as the
S3 private DNS layout lists them); ``logs`` and ``greengrass`` with ``<key>.us-east-1.amazonaws.com``.
As DescribeVpcEndpoints would report the endpoints: DnsEntries the Regional name
``vpce-<id>-<suffix>.<label>.us-east-1.vpce.amazonaws.com`` then one per AZ, HostedZoneId
``Z7HUB22UULQXV`` (the 8-character suffix assumed).

The endpoints' network interfaces, as DescribeNetworkInterfaces reports them: InterfaceType
``vpc_endpoint`` (botocore's ``NetworkInterfaceType``), RequesterManaged true, Description
``VPC Endpoint Interface <vpce-id>``, the endpoint's group, no attachment to an instance, no tags
(assumed). The core device's primary interface: InterfaceType ``interface``, not requester-managed,
an empty description, attached to its instance.

Near misses: ``iot_ports=(443,)`` — ``gg-iot-endpoints`` admits TCP 443 only while the nucleus keeps
its defaults, MQTT 8883 and data plane 8443: both are refused at the endpoint (443 would work only
with ``mqtt.port`` and ``greengrassDataPlanePort`` set to 443). ``core_egress=(443,)`` — ``gg-core``
lets out TCP 443 only, to anywhere: the same two connections stop at the device. ``greengrass_endpoint=True``
— a ``greengrass`` control-plane endpoint added (private DNS on, full access, behind
``gg-aws-endpoints``), as a reader expecting deployments to need it would add it.
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
HTTPS = 443
MQTT = 8883  # the nucleus's mqtt.port default
DATA_PLANE = 8443  # the nucleus's greengrassDataPlanePort default
VPCE_ZONE = "Z7HUB22UULQXV"  # the hosted zone of us-east-1's VPC endpoint DNS names
# The account's endpoints, as `aws iot describe-endpoint` returns them (prefixes assumed): the
# nucleus's iotDataEndpoint and iotCredEndpoint.
DATA_ATS = "a1b2c3d4e5f6g7-ats.iot.us-east-1.amazonaws.com"
CREDENTIALS = "c1d2e3f4g5h6i7.credentials.iot.us-east-1.amazonaws.com"
IOT_SERVICES = {"iot.data": "data.iot", "iot.credentials": "credentials.iot"}
S3_DNS_NAMES = (f"s3.{REGION}.amazonaws.com", f"*.s3.{REGION}.amazonaws.com")
# The label of each service's endpoint-specific DNS names (BaseEndpointDnsNames, assumed).
LABELS = {**IOT_SERVICES, "s3": "s3", "logs": "logs", "greengrass": "greengrass"}


def regional_name(endpoint_id: str, key: str) -> str:
    """An endpoint's Regional DNS name, ``vpce-<id>-<suffix>.<label>.<region>.vpce.amazonaws.com``
    (the 8-character suffix assumed, derived from the id)."""
    suffix = hashlib.sha256(endpoint_id.encode()).hexdigest()[:8]
    return f"{endpoint_id}-{suffix}.{LABELS[key]}.{REGION}.vpce.amazonaws.com"


def build(*, iot_ports: tuple[int, ...] = (HTTPS, DATA_PLANE, MQTT), core_egress: tuple[int, ...] | None = None,
          greengrass_endpoint: bool = False) -> tuple[Snapshot, dict[str, str]]:
    """``iot_ports``: what ``gg-iot-endpoints`` admits from the core; ``core_egress``: the TCP ports
    ``gg-core`` lets out to anywhere (None: AWS's default, all traffic); ``greengrass_endpoint``: add
    the control-plane endpoint (module docstring)."""
    b = AwsRegionBuilder(ACCOUNT, REGION, AZ_IDS)
    vpc = b.vpc(VPC_CIDR, name="greengrass-core", dns_support=True, dns_hostnames=True)
    ids: dict[str, str] = {"vpc": vpc, "main_rt": b.main_route_table(vpc)}
    private = [b.subnet(vpc, cidr, az=az, name=f"greengrass-private-{az}")
               for az, cidr in enumerate(PRIVATE_CIDRS, start=1)]
    ids["private1"], ids["private2"] = private
    ids["private_rt"] = b.route_table(vpc, subnets=private, name="greengrass-private")

    if core_egress is None:
        core_sg = b.security_group(vpc, name="gg-core")
    else:
        core_sg = b.security_group(vpc, name="gg-core", egress=[("tcp", p, p, "0.0.0.0/0") for p in core_egress])
    ids["core_sg"] = core_sg
    ids["iot_sg"] = b.security_group(vpc, name="gg-iot-endpoints", ingress=[
        ("tcp", port, port, core_sg) for port in iot_ports])
    ids["aws_sg"] = b.security_group(vpc, name="gg-aws-endpoints", ingress=[("tcp", HTTPS, HTTPS, core_sg)])

    for key, label in IOT_SERVICES.items():
        service = b.service(key, dns_names=[], policy_supported=False)
        b.services[service] = replace(b.services[service],
                                      base_endpoint_dns_names=(f"{label}.{REGION}.vpce.amazonaws.com",))
        ids[key] = b.interface_endpoint(vpc, key, subnets=private, groups=[ids["iot_sg"]], private_dns=False,
                                        policy=None)
    b.service("s3", types=("Gateway", "Interface"), dns_names=list(S3_DNS_NAMES))
    ids["s3"] = b.interface_endpoint(vpc, "s3", subnets=private, groups=[ids["aws_sg"]], inbound_only=False)
    ids["logs"] = b.interface_endpoint(vpc, "logs", subnets=private, groups=[ids["aws_sg"]])
    keys = [*IOT_SERVICES, "s3", "logs"]
    if greengrass_endpoint:
        ids["greengrass"] = b.interface_endpoint(vpc, "greengrass", subnets=private, groups=[ids["aws_sg"]])
        keys.append("greengrass")
    for key in keys:
        regional = regional_name(ids[key], key)
        zonal = [regional.replace(".", f"-{az}.", 1) for az, _ in b.azs]
        b.endpoints[ids[key]] = replace(b.endpoints[ids[key]], dns_entries=tuple(
            r.DnsEntry(name, VPCE_ZONE) for name in (regional, *zonal)))

    for zone, name, key in (("data_zone", DATA_ATS, "iot.data"), ("credentials_zone", CREDENTIALS, "iot.credentials")):
        ids[zone] = b.hosted_zone(name, [vpc], [r.RecordSet(name, "A", (), regional_name(ids[key], key))])

    core = ids["core"] = b.workload(private[0], groups=[core_sg])
    b.enis[core] = replace(b.enis[core], instance_id=b.new_id("i"))
    return b.snapshot(), ids
