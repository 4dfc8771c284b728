"""The Region's zones collected from an in-process moto account: one ``DescribeAvailabilityZones``
with ``AllAvailabilityZones`` per Region.

AccessDenied is in test_gaps.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import boto3
import botocore.session
import pytest

from vpcaudit.collectors.run import collect_snapshot
from vpcaudit.snapshot import resources as r
from vpcaudit.snapshot.jsonfile import from_json, to_json
from vpcaudit.snapshot.model import Part, State

REGION = "us-west-2"
# The Los Angeles Local Zone as the AWS CLI reference's describe-availability-zones example gives it
# (``--all-availability-zones`` in us-west-2), with ZoneType and the parent zone botocore's
# ``AvailabilityZone`` adds (parent assumed us-west-2a, usw2-az2 in moto's mapping).
LOCAL_ZONE = {"State": "available", "OptInStatus": "opted-in", "Messages": [], "RegionName": REGION,
              "ZoneName": "us-west-2-lax-1a", "ZoneId": "usw2-lax1-az1", "GroupName": "us-west-2-lax-1",
              "NetworkBorderGroup": "us-west-2-lax-1", "ZoneType": "local-zone",
              "ParentZoneName": "us-west-2a", "ParentZoneId": "usw2-az2"}


@pytest.fixture
def sent(session: boto3.session.Session) -> Iterator[list[dict[str, Any]]]:
    """What AWS adds to moto's DescribeAvailabilityZones, and the requests the collection sent.

    moto 5.2.6 lists a Region's Availability Zones only, typed ``availability-zone``, without
    ``NetworkBorderGroup``, ``GroupName`` or ``OptInStatus``, and knows no Local Zone or Wavelength
    Zone. The test fills the Region's border group into each AZ (AWS CLI reference: every AZ of
    us-west-2 has ``"NetworkBorderGroup": "us-west-2"``) and appends the Local Zone above to the
    parsed answer, on the collection's own clients."""
    requests: list[dict[str, Any]] = []

    def record(params: dict[str, Any], **_: Any) -> None:
        requests.append(dict(params))

    def fill(parsed: dict[str, Any], **_: Any) -> None:
        for zone in parsed.get("AvailabilityZones", []):
            zone.setdefault("NetworkBorderGroup", zone["RegionName"])
        parsed.setdefault("AvailabilityZones", []).append(dict(LOCAL_ZONE))

    session.events.register("provide-client-params.ec2.DescribeAvailabilityZones", record)
    session.events.register("after-call.ec2.DescribeAvailabilityZones", fill)
    yield requests
    session.events.unregister("after-call.ec2.DescribeAvailabilityZones", fill)
    session.events.unregister("provide-client-params.ec2.DescribeAvailabilityZones", record)


def test_every_zone_is_recorded_with_its_type_and_border_group(session: boto3.session.Session,
                                                              sent: list[dict[str, Any]]) -> None:
    outcome = collect_snapshot(session, [REGION], {Part.AVAILABILITY_ZONES})
    (region,) = outcome.snapshot.accounts[0].regions
    assert region.state_of(Part.AVAILABILITY_ZONES).state is State.OK
    assert sent == [{"AllAvailabilityZones": True}]
    zones = {z.zone_name: z for z in region.availability_zones}
    assert zones["us-west-2-lax-1a"] == r.AvailabilityZone("us-west-2-lax-1a", "usw2-lax1-az1", "local-zone",
                                                           "us-west-2-lax-1", "usw2-az2", "us-west-2a", "opted-in")
    assert zones["us-west-2a"] == r.AvailabilityZone("us-west-2a", "usw2-az2", "availability-zone", REGION,
                                                     None, None, "opt-in-not-required")
    listed = session.client("ec2", region_name=REGION).describe_availability_zones()["AvailabilityZones"]
    assert {z.zone_id: z.zone_name for z in region.availability_zones} == {
        z["ZoneId"]: z["ZoneName"] for z in listed}
    assert outcome.calls == {"sts:GetCallerIdentity": 1, "ec2:DescribeRegions": 1, "ec2:DescribeAvailabilityZones": 1}
    assert from_json(to_json(outcome.snapshot)) == outcome.snapshot


def test_moto_shape_an_availability_zone_without_its_border_group() -> None:
    """An AZ answered without ``NetworkBorderGroup`` or ``OptInStatus`` (moto's shape): the group is
    not recorded (None; the view reads an AZ's as the Region's), the opt-in status is AWS's
    documented value for an AZ ("always has the value of opt-in-not-required"). A zone of unknown
    type gets neither."""
    assert r.AvailabilityZone.from_api({"ZoneName": "us-east-1a", "ZoneId": "use1-az1",
                                        "ZoneType": "availability-zone"}) == r.AvailabilityZone(
        "us-east-1a", "use1-az1", "availability-zone", None, None, None, "opt-in-not-required")
    assert r.AvailabilityZone.from_api({"ZoneName": "us-east-1-wl1-bos-wlz-1", "ZoneId": "use1-wl1-bos-wlz1"}) == (
        r.AvailabilityZone("us-east-1-wl1-bos-wlz-1", "use1-wl1-bos-wlz1", None, None))


def test_the_listing_is_one_call_without_paging() -> None:
    """botocore's ec2 model gives DescribeAvailabilityZones no paginator and no ``NextToken``: one
    answer holds every zone of the Region, so one call is the whole listing."""
    session = botocore.session.get_session()
    model = session.get_service_model("ec2")
    operation = model.operation_model("DescribeAvailabilityZones")
    assert "NextToken" not in operation.input_shape.members
    assert "NextToken" not in operation.output_shape.members
    assert session.get_paginator_model("ec2").get_paginator("DescribeVpcs") is not None
    with pytest.raises(ValueError):
        session.get_paginator_model("ec2").get_paginator("DescribeAvailabilityZones")
    assert {"ZoneName", "ZoneId", "ZoneType", "NetworkBorderGroup", "ParentZoneId", "ParentZoneName",
            "OptInStatus"} <= set(model.shape_for("AvailabilityZone").members)
