"""Amazon MQ brokers collected from an in-process moto account: one ``ListBrokers`` per Region and one
``DescribeBroker`` per broker.

Paging and a broker deleted between the two calls are in test_paging, AccessDenied in test_gaps.
"""

from __future__ import annotations

import boto3
from moto.backends import get_backend
from moto.core import DEFAULT_ACCOUNT_ID

from vpcaudit.collectors.run import collect_snapshot
from vpcaudit.network.view import NetworkView
from vpcaudit.snapshot import resources as r
from vpcaudit.snapshot.jsonfile import from_json, to_json
from vpcaudit.snapshot.model import Part, State

REGION = "us-east-1"
# What a network view needs besides the brokers to tell workloads.
VIEW_PARTS = {Part.VPCS, Part.SUBNETS, Part.SECURITY_GROUPS, Part.NETWORK_INTERFACES, Part.VPC_ENDPOINTS,
              Part.NAT_GATEWAYS, Part.MQ_BROKERS}


def _brokers(session: boto3.session.Session) -> dict[str, str]:
    """An ActiveMQ active/standby broker without public accessibility in two subnets (``orders``),
    a RabbitMQ single-instance private broker in the first (``events``), both in the broker's
    group, and an application instance's interface beside them. Returns the ids.

    moto 5.2.6 creates no network interface for a broker and answers DescribeBroker with fixed
    addresses (192.168.0.1 and .2, a RabbitMQ broker's too). AWS creates one interface per
    ActiveMQ instance in its subnet, in the broker's groups, and reports its address as the
    instance's ``IpAddress`` ("The IP address of the Elastic Network Interface (ENI) attached to
    the broker. Does not apply to RabbitMQ brokers", botocore's mq model): the fixture does
    both, creating the interfaces as Amazon MQ's ``ec2:CreateNetworkInterface`` would and
    setting moto's broker instances to their addresses, and drops RabbitMQ's."""
    ec2 = session.client("ec2", region_name=REGION)
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    subnets = [ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.0.{k}.0/24", AvailabilityZone=f"{REGION}{az}")
               ["Subnet"]["SubnetId"] for k, az in ((1, "a"), (2, "b"))]
    group = ec2.create_security_group(GroupName="broker", Description="broker", VpcId=vpc)["GroupId"]
    app_group = ec2.create_security_group(GroupName="app", Description="clients", VpcId=vpc)["GroupId"]
    mq = session.client("mq", region_name=REGION)
    common = {"AutoMinorVersionUpgrade": True, "PubliclyAccessible": False, "SecurityGroups": [group],
              "Users": [{"Username": "admin", "Password": "Secret-passw0rd"}]}
    orders = mq.create_broker(BrokerName="orders", DeploymentMode="ACTIVE_STANDBY_MULTI_AZ", EngineType="ACTIVEMQ",
                              EngineVersion="5.18", HostInstanceType="mq.t3.micro", SubnetIds=subnets,
                              **common)["BrokerId"]
    events = mq.create_broker(BrokerName="events", DeploymentMode="SINGLE_INSTANCE", EngineType="RABBITMQ",
                              EngineVersion="3.13", HostInstanceType="mq.m5.large", SubnetIds=subnets[:1],
                              **common)["BrokerId"]
    backend = get_backend("mq")[DEFAULT_ACCOUNT_ID][REGION]
    ids = {"vpc": vpc, "group": group, "subnet1": subnets[0], "subnet2": subnets[1], "orders": orders,
           "events": events}
    for n, (subnet, instance) in enumerate(zip(subnets, backend.brokers[orders].instances, strict=True), start=1):
        address = f"10.0.{n}.25"
        ids[f"broker{n}"] = ec2.create_network_interface(SubnetId=subnet, Groups=[group], PrivateIpAddress=address)[
            "NetworkInterface"]["NetworkInterfaceId"]
        instance["ipAddress"] = address
    for instance in backend.brokers[events].instances:
        del instance["ipAddress"]
    ids["app"] = ec2.create_network_interface(SubnetId=subnets[0], Groups=[app_group])[
        "NetworkInterface"]["NetworkInterfaceId"]
    return ids


def test_every_broker_is_recorded_with_its_subnets_groups_and_addresses(session: boto3.session.Session) -> None:
    ids = _brokers(session)
    outcome = collect_snapshot(session, [REGION], {Part.MQ_BROKERS})
    (region,) = outcome.snapshot.accounts[0].regions
    assert region.state_of(Part.MQ_BROKERS).state is State.OK
    subnets = tuple(sorted((ids["subnet1"], ids["subnet2"])))
    assert set(region.mq_brokers) == {
        r.MqBroker(ids["orders"], "ACTIVEMQ", "ACTIVE_STANDBY_MULTI_AZ", subnets, (ids["group"],),
                   ("10.0.1.25", "10.0.2.25")),
        r.MqBroker(ids["events"], "RABBITMQ", "SINGLE_INSTANCE", (ids["subnet1"],), (ids["group"],), ())}
    assert outcome.calls == {"sts:GetCallerIdentity": 1, "ec2:DescribeRegions": 1, "mq:ListBrokers": 1,
                             "mq:DescribeBroker": 2}
    assert from_json(to_json(outcome.snapshot)) == outcome.snapshot


def test_the_brokers_interfaces_are_told_from_the_workloads(session: boto3.session.Session) -> None:
    """Collected with the network: the ActiveMQ broker's two interfaces are its own, no workload;
    the application's is one."""
    ids = _brokers(session)
    (account,) = collect_snapshot(session, [REGION], VIEW_PARTS).snapshot.accounts
    view = NetworkView.build(account, account.regions[0])
    assert [e.network_interface_id for e in view.workload_enis(ids["vpc"])] == [ids["app"]]
    assert {view.mq_broker_of(view.interfaces[ids[f"broker{n}"]]).broker_id for n in (1, 2)} == {ids["orders"]}


def test_a_region_without_brokers_is_collected_and_empty(session: boto3.session.Session) -> None:
    outcome = collect_snapshot(session, [REGION], {Part.MQ_BROKERS})
    (region,) = outcome.snapshot.accounts[0].regions
    assert region.has(Part.MQ_BROKERS) and region.mq_brokers == ()
    assert outcome.calls["mq:ListBrokers"] == 1 and "mq:DescribeBroker" not in outcome.calls
