"""Service names → service keys, default hostnames and ports, for every partition.

AWS names endpoint services ``com.amazonaws.<region>.<svc>``, in China Regions often
``cn.com.amazonaws.<region>.<svc>`` (for some services only, so the prefix says nothing about
the partition), SageMaker/API services ``aws.(sagemaker|api).<region>.<svc>``, and PrivateLink
services ``com.amazonaws.vpce.<region>.vpce-svc-…``. Rules compare services by key and service
Region, never by raw name, so one code path handles all of them.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache

from vpcaudit.snapshot.bulk import slot_init
from vpcaudit.snapshot.resources import EndpointService, VpcEndpoint

_REGION = r"(?P<region>[a-z]{2}(?:-[a-z]+)+-\d+)"
_SVC = r"(?P<svc>[a-z0-9][a-z0-9.\-]*)"
_AWS_NAME = re.compile(rf"^(?:cn\.)?com\.amazonaws\.{_REGION}\.{_SVC}$")
_SAGEMAKER_NAME = re.compile(rf"^aws\.(?:sagemaker|api)\.{_REGION}\.{_SVC}$")
_PRIVATELINK_NAME = re.compile(rf"^com\.amazonaws\.vpce\.{_REGION}\.(?P<svc>vpce-svc-[0-9a-f]+)$")

# Endpoint types that are never "AWS-service endpoints" for the DNS, SG and POL rules.
NON_SERVICE_ENDPOINT_TYPES = frozenset({"GatewayLoadBalancer", "Resource", "ServiceNetwork"})

# PrivateLink service name → the ports its provider listens on, as the user configured them
# (``service-ports``): such a service publishes none.
ServicePorts = Mapping[str, tuple[int, ...]]

# Services whose PrivateLink documentation lists ports other than (or besides) TCP 443.
SERVICE_PORTS: dict[str, tuple[int, ...]] = {
    # Athena: the API on 443 and the JDBC/ODBC drivers' result stream on 444 ("the security group
    # for the VPC endpoint must allow … port 444", Athena User Guide, JDBC 3.x connection).
    "athena": (443, 444),
    # AppStream 2.0 streaming: "inbound access to port 443 (TCP) and ports 1400-1499 (TCP)" from the
    # users (AppStream 2.0 Administration Guide, interface VPC endpoints for streaming).
    "appstream.streaming": (443, *range(1400, 1500)),
    # Amazon Keyspaces: CQL over TLS on 9142 ("the security group … inbound rule … port 9142",
    # Keyspaces Developer Guide, interface VPC endpoints); the same name serves its HTTPS API.
    "cassandra": (443, 9142),
    "cassandra-fips": (443, 9142),
    "email-smtp": (25, 465, 587, 2465, 2587),  # SES SMTP interface endpoint
    "git-codecommit": (22, 443),  # CodeCommit Git over SSH and HTTPS
    "git-codecommit-fips": (22, 443),
    # IoT Core data plane: HTTPS, HTTPS with a client certificate on 8443 (IoT Core protocols table;
    # "HTTPS: 8443 or 443", the Greengrass firewall page: a core's deployments) and MQTT over TLS.
    "iot.data": (443, 8443, 8883),
    "iot.credentials": (443,),
    # DataSync: an agent sends its control traffic to the endpoint on TCP 1024-1064, besides 443 and
    # 22 ("allow outbound traffic from the agent to the VPC endpoint by using ports 443, 1024-1064,
    # and port 22", DataSync User Guide, network requirements for VPC service endpoints).
    "datasync": (22, 443, *range(1024, 1065)),
    # Storage Gateway: a gateway activated through an endpoint, "all of the following TCP ports …
    # allowed in your security group: TCP 443, TCP 1026, TCP 1027, TCP 1028, TCP 1031, TCP 2222"
    # (S3 File Gateway User Guide, activating a gateway in a virtual private cloud).
    "storagegateway": (443, 1026, 1027, 1028, 1031, 2222),
    # AWS Backup gateway (the VMware backup appliance): the same six ports "must be allowed in the
    # security group when creating a VPC endpoint for backup Gateway" (AWS Backup Developer Guide).
    "backup-gateway": (443, 1026, 1027, 1028, 1031, 2222),
}

# Services whose clients are appliances (a DataSync agent, a Storage Gateway, a Backup gateway)
# activated against an endpoint's own name or address: DataSync's and Storage Gateway's guides set
# the endpoint up with private DNS off ("clear Enable Private DNS Name"; "Verify that Enable Private
# DNS Name is not selected"), and a Backup gateway is configured with the endpoint's DNS name
# (GatewayDetails.VpcEndpoint), so the VPC's other workloads, which call the services' default
# names, are not their endpoints' clients.
APPLIANCE_SERVICES = frozenset({"datasync", "storagegateway", "backup-gateway"})

# Services whose endpoint's clients are people's devices beyond the VPC, never its workloads: an
# AppStream 2.0 user's client streams through the endpoint over VPN or Direct Connect, while the
# fleet instances in the VPC are what is streamed, not streaming clients.
REMOTE_CLIENT_SERVICES = frozenset({"appstream.streaming"})

# Services whose clients need *each* of these ports open to the endpoint, where any one of
# SERVICE_PORTS serves other services' clients (an SDK calls one port): a DataSync agent opens its
# control connections on TCP 1024-1064 besides HTTPS, and a Storage Gateway or Backup gateway
# appliance its control, activation and update connections on 1026-1028 and 1031. Port 22
# (DataSync) and 2222 (the gateways) stay out: AWS Support's channel to the appliance, opened for
# troubleshooting only.
# Athena's every client calls the API on 443, and the drivers' result stream on 444 comes on top:
# an endpoint admitting 444 alone serves no client.
REQUIRED_PORTS: dict[str, tuple[int, ...]] = {
    "appstream.streaming": (443, *range(1400, 1500)),
    "athena": (443,),
    # Every Cassandra driver and cqlsh connects on 9142; 443 stays a port of the service, not required.
    "cassandra": (9142,),
    "cassandra-fips": (9142,),
    "datasync": (443, *range(1024, 1065)),
    "storagegateway": (443, 1026, 1027, 1028, 1031),
    "backup-gateway": (443, 1026, 1027, 1028, 1031),
}


def dns_suffix(region: str) -> str:
    """The public DNS suffix of a Region's partition."""
    return "amazonaws.com.cn" if region.startswith("cn-") else "amazonaws.com"


def partition(region: str) -> str:
    if region.startswith("cn-"):
        return "aws-cn"
    if region.startswith("us-gov-"):
        return "aws-us-gov"
    return "aws"


@dataclass(frozen=True, slots=True)
class ParsedServiceName:
    key: str  # s3, ecr.api, … or the vpce-svc id for PrivateLink services
    region: str | None
    family: str  # aws | sagemaker | privatelink | unknown


@lru_cache(maxsize=1 << 14)
def parse_service_name(name: str) -> ParsedServiceName:
    """Split a service name into (key, Region, family); never infers the partition.

    Cached: every account of a Region lists the same service catalogue."""
    m = _PRIVATELINK_NAME.match(name)
    if m:
        return ParsedServiceName(m["svc"], m["region"], "privatelink")
    m = _AWS_NAME.match(name)
    if m:
        return ParsedServiceName(m["svc"], m["region"], "aws")
    m = _SAGEMAKER_NAME.match(name)
    if m:
        return ParsedServiceName(m["svc"], m["region"], "sagemaker")
    return ParsedServiceName(name, None, "unknown")


# Built for every distinct service of every view: slot_init fills its slots faster than a frozen dataclass does.
@slot_init
@dataclass(frozen=True, slots=True)
class ServiceInfo:
    """What the rules need to know about an endpoint's service."""

    name: str
    key: str
    region: str  # the service Region (ServiceRegion, else parsed, else the VPC's)
    is_aws_service: bool
    details_known: bool  # DescribeVpcEndpointServices had this service
    hostnames: tuple[str, ...]  # default (private DNS) hostnames
    ports: tuple[int, ...]  # () when unknown (PrivateLink services, Lattice)
    policy_supported: bool | None  # None when details are unknown
    offered_az_names: tuple[str, ...]  # () when unknown
    offered_az_ids: tuple[str, ...]
    ports_configured: bool = False  # the ports are the user's (service-ports), not published by the service
    required_ports: tuple[int, ...] = ()  # ports a client needs each of (REQUIRED_PORTS); () where one of ports serves

    @property
    def port(self) -> int | None:
        """The main service port (443 where offered), None when unknown."""
        if not self.ports:
            return None
        return 443 if 443 in self.ports else self.ports[0]


def service_info(endpoint: VpcEndpoint, detail: EndpointService | None, vpc_region: str) -> ServiceInfo:
    """Combine an endpoint with its service's details (if collected), as docs/network-model.md says."""
    parsed = parse_service_name(endpoint.service_name)
    region = endpoint.service_region or (detail.service_region if detail else None) or parsed.region or vpc_region
    if endpoint.endpoint_type in NON_SERVICE_ENDPOINT_TYPES:
        is_aws = False
    elif detail is not None:
        is_aws = detail.owner == "amazon"
    else:
        is_aws = parsed.family in ("aws", "sagemaker")
    if detail is not None and detail.private_dns_names:
        hostnames = detail.private_dns_names
    elif is_aws and detail is None:
        hostnames = (f"{parsed.key}.{region}.{dns_suffix(region)}",)
    else:
        hostnames = ()
    ports = SERVICE_PORTS.get(parsed.key, (443,)) if is_aws else ()
    return ServiceInfo(
        name=endpoint.service_name, key=parsed.key if is_aws else endpoint.service_name, region=region,
        is_aws_service=is_aws, details_known=detail is not None, hostnames=hostnames, ports=ports,
        policy_supported=detail.vpc_endpoint_policy_supported if detail is not None else None,
        offered_az_names=detail.availability_zones if detail else (),
        offered_az_ids=detail.availability_zone_ids if detail else (),
        required_ports=REQUIRED_PORTS.get(parsed.key, ()) if is_aws else (),
    )


def normalise(name: str) -> str:
    return name.lower().rstrip(".")


def covers(domain: str, hostname: str) -> bool:
    """A zone or rule for ``domain`` matches ``hostname`` (equal or a subdomain; "" / "." is the root)."""
    zone = normalise(domain)
    host = normalise(hostname).removeprefix("*.")
    return not zone or host == zone or host.endswith("." + zone)


def hostname_matches(pattern: str, hostname: str) -> bool:
    """Does a DNS name (possibly ``*.`` wildcard) cover ``hostname``? Case-insensitive."""
    pattern, hostname = pattern.lower().rstrip("."), hostname.lower().rstrip(".")
    if pattern.startswith("*."):
        return hostname.endswith(pattern[1:])
    return pattern == hostname

