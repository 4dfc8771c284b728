"""An Amazon FSx for OpenZFS file system (Multi-AZ, or Single-AZ) in private subnets, mounted over
NFS by EC2 instances of the same VPC, with an ``fsx`` interface endpoint for the FSx API
(us-east-1).

Sources:

- the FSx for OpenZFS User Guide, "File system access control with Amazon VPC"
  (https://docs.aws.amazon.com/fsx/latest/OpenZFSGuide/limit-access-security-groups.html, current
  page, read 2026-12-06; its last published source,
  https://github.com/awsdocs/amazon-fsx-openzfs-user-guide/blob/56a97b8736065775b9520aaee4922ff74709114b/doc_source/limit-access-security-groups.md,
  holds the same text with the port table left to the web page): the file system is reached
  through the DNS name of its interface in the VPC, and "Only resources within the associated VPC,
  or resources connected with the associated VPC by AWS Direct Connect or VPN, can access the data
  in your file system over the NFS protocol"; "You must not modify or delete the elastic network
  interface(s)"; the file system's group: "For outbound rules, allow all traffic on all ports", and
  inbound TCP and UDP 111 (remote procedure call for NFS), 2049 (NFS server daemon) and 20001-20003
  (NFS mount, status monitor and lock daemon) from the clients;
- the same guide's "Availability and durability" (availability-durability.md at the same commit):
  the interface "allows your client to communicate with the FSx for OpenZFS file system" and "is
  considered to be within the service scope of Amazon FSx"; FSx "doesn't support accessing file
  systems from, or exposing file system to the public Internet" and detaches an Elastic IP from the
  interface; "Accessing data" (supported-fsx-clients.md): NFS v3, v4.0, v4.1 and v4.2; "Mounting
  … to Linux clients" (attach-linux-client.md): ``mount -t nfs <dns name>:/fsx/vol1``, the version
  left to the client; "Accessing your data within the AWS Cloud"
  (https://docs.aws.amazon.com/fsx/latest/OpenZFSGuide/access-within-aws.html, current page, read
  2026-12-06): the file system is reachable "from anywhere in the same VPC … regardless of the
  Availability Zone", and a Multi-AZ file system's floating endpoint addresses come from its
  endpoint IP address range and are routed by the route tables FSx is given;
- the FSx API as botocore's ``fsx`` model (2018-03-01) documents ``CreateFileSystemOpenZFSConfiguration``:
  ``DeploymentType`` ``MULTI_AZ_1`` "supporting failover across multiple Availability Zones",
  ``SINGLE_AZ_2`` recovering "within a single Availability Zone"; ``PreferredSubnetId``;
  ``EndpointIpAddressRange``, "(Multi-AZ only) … By default in the Amazon FSx API and Amazon FSx
  console, Amazon FSx selects an available /28 IP address range for you from one of the VPC's CIDR
  ranges … as long as they don't overlap with any subnet" — unlike FSx for ONTAP's default, outside
  the VPC (198.19.*); ``RouteTableIds``, "the route tables in which Amazon FSx creates the rules for
  routing traffic to the correct file server. You should specify all … route tables associated
  with the subnets in which your clients are located. By default, Amazon FSx selects your VPC's
  default route table";
- "Amazon FSx for OpenZFS and interface VPC endpoints" (fsx-vpc-endpoints.md at the same commit):
  ``com.amazonaws.region.fsx`` for the FSx API; private DNS needs ``enableDnsHostnames`` and
  ``enableDnsSupport``;
- botocore's ec2 model (2016-11-15): ``CreateRoute`` ("we use the route with the most specific
  match", its example a /28 inside a /24), ``Route`` (``DestinationCidrBlock``,
  ``NetworkInterfaceId``, ``State``, ``Origin``), ``NetworkInterfaceType`` (``interface``),
  ``RequesterManaged``, ``SourceDestCheck``.

Built (``build()``): VPC 10.0.0.0/16 ``openzfs``, DNS support and hostnames on; ``private1``
10.0.1.0/24 in us-east-1a and ``private2`` 10.0.2.0/24 in us-east-1b (AZ IDs use1-az1 and
use1-az2, assumed), a route table each with the local route alone (no internet gateway, NAT or
gateway endpoint: clients and file system talk inside the VPC); the default NACL. Groups:
``openzfs-fs`` admits TCP and UDP 111, 2049 and 20001-20003 from ``openzfs-clients``, all traffic
out (the guide's rules); ``openzfs-clients`` no ingress, all traffic out; ``fsx-api-endpoint``
admits TCP 443 from ``openzfs-clients``. The ``fsx`` interface endpoint in both private subnets,
private DNS on, AWS's default policy (full access). An NFS client instance in each private subnet,
in ``openzfs-clients``. The file system ``fs-0a9b8c7d6e5f40312`` (assumed id), ``MULTI_AZ_1``:
``SubnetIds`` both private subnets, ``PreferredSubnetId`` ``private1``,
``EndpointIpAddressRange`` ``10.0.255.240/28`` (assumed: a /28 of the VPC's block overlapping no
subnet, as the API's default picks), ``RouteTableIds`` both private tables.

What DescribeRouteTables shows of FSx's routes (assumed, as on the FSx for ONTAP Multi-AZ layout:
AWS documents that FSx "creates the rules for routing traffic to the correct file server", not how
they read): in each listed table one route, ``DestinationCidrBlock`` the endpoint range —
inside the VPC's block, so it wins over the local route by being more specific (that EC2 takes
such a route to an interface for a range that is no subnet is assumed from the API's default) —
with ``NetworkInterfaceId`` the preferred file server's interface, no ``InstanceId``, ``State``
``active``, ``Origin`` ``CreateRoute``; the tables tagged ``AmazonFSx: ManagedByAmazonFSx`` (the
tag the API documents for FSx for ONTAP's ``RouteTableIds``; assumed the same for OpenZFS).

What DescribeNetworkInterfaces shows of the file servers' interfaces (DescribeFileSystems'
``NetworkInterfaceIds``), as ``fsx_file_system_vpc`` and ``fsx_ontap_multi_az`` model FSx's
interfaces: one per subnet of the file system, ``InterfaceType`` ``interface``, in
``openzfs-fs``, attached to no instance, tagged ``AmazonFSx.FileSystemId: <fs-id>`` (the only tag
FSx's service-linked role puts on the interfaces it creates, and the key it manages them by:
documented, ``AmazonFSxServiceRolePolicy``). Assumed: one interface per subnet (the 2022 guide
lists one for a Single-AZ file system; the Multi-AZ count is not in the sources read),
requester-managed, ``RequesterId`` ``amazon-fsx``, Description ``ENI for Amazon FSx file system
<fs-id>``, and, for Multi-AZ, ``SourceDestCheck`` false (the interface receives packets for the
floating range, not its own address). No rule reads any of these but the tag and NAT006 the check
(for 0.0.0.0/0 routes only).

``multi_az=False`` builds the Single-AZ form instead: ``SINGLE_AZ_2`` in ``private1``, one
interface there with EC2's default ``SourceDestCheck``, no endpoint range and no FSx route (the
DNS name maps to the interface's own address); clients in both subnets as before.

Near misses: ``nfs_ports="tcp2049"`` — ``openzfs-fs`` admits TCP 2049 alone from the clients:
NFSv4.x mounts, NFSv3 (rpcbind on 111, mount, status monitor and lock daemon on 20001-20003) does
not. ``route_table_azs=(1,)`` — ``RouteTableIds`` names ``private1``'s table only: the client in
``private2`` sends the endpoint range to the local route, where no interface owns the floating
address, and cannot mount. ``world_nfs=True`` — ``openzfs-fs`` also admits TCP 2049 from
0.0.0.0/0.
"""

from __future__ import annotations

from dataclasses import replace

from aws_layout import AwsRegionBuilder

from vpcaudit.snapshot.model import Snapshot

ACCOUNT = "123456789012"
REGION = "us-east-1"
AZ_IDS = ("use1-az1", "use1-az2")  # this account's us-east-1a and b (assumed)
VPC_CIDR = "10.0.0.0/16"
FILE_SYSTEM = "fs-0a9b8c7d6e5f40312"  # assumed
ENDPOINT_RANGE = "10.0.255.240/28"  # a /28 of the VPC's block outside every subnet, as the API's default (assumed)
FSX_TAG = "AmazonFSx.FileSystemId"
FSX_ROUTE_TABLE_TAG = {"AmazonFSx": "ManagedByAmazonFSx"}  # documented for ONTAP; assumed for OpenZFS
FSX_REQUESTER_ID = "amazon-fsx"  # assumed: AWS does not document it
FSX_DESCRIPTION = f"ENI for Amazon FSx file system {FILE_SYSTEM}"  # assumed; no rule reads it
# The guide's inbound rules: TCP and UDP, from the clients.
NFS_PORTS = ((111, 111), (2049, 2049), (20001, 20003))
ALL_OUT = ("-1", None, None, "0.0.0.0/0")


def build(*, multi_az: bool = True, nfs_ports: str = "guide", route_table_azs: tuple[int, ...] = (1, 2),
          world_nfs: bool = False) -> tuple[Snapshot, dict[str, str]]:
    """The layout; ``multi_az``: ``MULTI_AZ_1`` (else ``SINGLE_AZ_2``); ``nfs_ports``: ``guide``
    or ``tcp2049``; ``route_table_azs``: the private tables (by AZ) in ``RouteTableIds``;
    ``world_nfs``: TCP 2049 from 0.0.0.0/0 as well (module docstring)."""
    b = AwsRegionBuilder(ACCOUNT, REGION, AZ_IDS)
    vpc = b.vpc(VPC_CIDR, name="openzfs", dns_support=True, dns_hostnames=True)
    ids: dict[str, str] = {"vpc": vpc}
    for k in (1, 2):
        ids[f"private{k}"] = b.subnet(vpc, f"10.0.{k}.0/24", az=k, name=f"private{k}")
        ids[f"private_rt{k}"] = b.route_table(vpc, subnets=[ids[f"private{k}"]], name=f"private{k}")
    clients = ids["client_sg"] = b.security_group(vpc, name="openzfs-clients", egress=[ALL_OUT])
    if nfs_ports == "guide":
        ingress = [(protocol, low, high, clients) for protocol in ("tcp", "udp") for low, high in NFS_PORTS]
    elif nfs_ports == "tcp2049":
        ingress = [("tcp", 2049, 2049, clients)]
    else:
        raise ValueError(nfs_ports)
    if world_nfs:
        ingress.append(("tcp", 2049, 2049, "0.0.0.0/0"))
    ids["fs_sg"] = b.security_group(vpc, name="openzfs-fs", ingress=ingress, egress=[ALL_OUT])
    roles = (("preferred", 1), ("standby", 2)) if multi_az else (("preferred", 1),)
    for role, k in roles:
        eni = ids[f"{role}_eni"] = b.workload(ids[f"private{k}"], groups=[ids["fs_sg"]], requester_managed=True,
                                              requester_id=FSX_REQUESTER_ID, description=FSX_DESCRIPTION)
        if multi_az:
            b.enis[eni] = replace(b.enis[eni], source_dest_check=False)
        b.tag(eni, {FSX_TAG: FILE_SYSTEM})
    if multi_az:
        for k in route_table_azs:
            table = ids[f"private_rt{k}"]
            b.tag(table, FSX_ROUTE_TABLE_TAG)
            b.route(table, ENDPOINT_RANGE, ids["preferred_eni"])
    ids["endpoint_sg"] = b.security_group(vpc, name="fsx-api-endpoint", ingress=[("tcp", 443, 443, clients)],
                                          egress=[ALL_OUT])
    ids["fsx"] = b.interface_endpoint(vpc, "fsx", subnets=[ids["private1"], ids["private2"]],
                                      groups=[ids["endpoint_sg"]])
    for k in (1, 2):
        client = ids[f"client{k}"] = b.workload(ids[f"private{k}"], groups=[clients])
        b.enis[client] = replace(b.enis[client], instance_id=b.new_id("i"))
    return b.snapshot(), ids
