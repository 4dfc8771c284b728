"""AWS Lambda's sample private VPC (vpc-private.yaml), then with interface endpoints: every
finding and its verdict (docs/precision.md)."""

from __future__ import annotations

from aws_layout import audit
from layouts import lambda_vpc_private


def _template(ids: dict[str, str]) -> set[tuple[str, str, str]]:
    """Right, as advice: the template's gateway-endpoint policies allow every S3 / DynamoDB
    action on every resource to any principal with no scoping condition (POL002, low; not
    POL001, which the catalogue keeps for the literal default statement), and no flow log."""
    return {("POL002", ids["s3"], "fail"), ("POL002", ids["dynamodb"], "fail"), ("MON001", ids["vpc"], "fail")}


def test_template_as_published() -> None:
    """Nothing else. No GWE001-GWE003: both gateway endpoints sit on the one route table of
    both subnets. No DNS002 although DNS hostnames are off (the template sets no DNS attribute):
    no interface endpoint with private DNS relies on them yet."""
    snapshot, ids = lambda_vpc_private.build()
    assert audit(snapshot) == _template(ids)


def _with_endpoints(ids: dict[str, str]) -> set[tuple[str, str, str]]:
    """Right, as advice: the interface endpoints keep the default full-access policy."""
    return _template(ids) | {("POL001", ids["secretsmanager"], "fail"), ("POL001", ids["sqs"], "fail")}


def test_with_interface_endpoints() -> None:
    """No SG003: the endpoint group admits HTTPS from the function's group, which the Lambda ENIs
    carry. No SG005: the function's group sends anywhere. No IFE002: both client AZs hold an
    endpoint ENI. No ACL001: both subnets keep the default NACL."""
    snapshot, ids = lambda_vpc_private.build(endpoints=True)
    assert audit(snapshot) == _with_endpoints(ids)


def test_endpoints_in_one_zone_leave_the_other_zones_functions_crossing() -> None:
    """Right: the function's ENI in subnet-b (use1-az6) reaches the endpoints only across AZs
    and depends on use1-az4 (IFE002), and each endpoint lives in one of the VPC's two AZs
    (IFE001). Both medium, both per endpoint."""
    snapshot, ids = lambda_vpc_private.build(endpoints=True, endpoint_azs=(1,))
    found = audit(snapshot)
    single = {(rule, ids[key], "fail") for rule in ("IFE001", "IFE002") for key in ("secretsmanager", "sqs")}
    assert found == _with_endpoints(ids) | single


def test_nacl_admitting_lambda_ephemeral_range() -> None:
    """A custom NACL admitting replies on 1024-65535 (Lambda's range) blocks nothing."""
    snapshot, ids = lambda_vpc_private.build(endpoints=True, nacl_ephemeral=(1024, 65535))
    assert audit(snapshot) == _with_endpoints(ids)


def test_nacl_admitting_only_linux_ephemeral_range_blocks_lambda_replies() -> None:
    """Right: Lambda functions use ports 1024-65535 (VPC guide, network ACLs, ephemeral ports),
    so a NACL admitting replies only on 32768-65535 drops the replies from the endpoint ENIs of
    the other subnet (ACL001, medium, once per endpoint)."""
    snapshot, ids = lambda_vpc_private.build(endpoints=True, nacl_ephemeral=(32768, 65535))
    assert audit(snapshot) == _with_endpoints(ids) | {("ACL001", ids["nacl"], "fail")}
