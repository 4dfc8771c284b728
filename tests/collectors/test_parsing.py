"""vpcaudit's EC2 response parser answers exactly as botocore's does, and collections use it.

Every EC2 answer of a whole collection (the estate of test_collect_moto: one of everything the
collectors read, the endpoint-service catalogue included) is parsed both ways and compared by
``repr``, which also tells apart types that compare equal (a timestamp's time zone class, an
``int`` against a ``bool``). Hand-written answers cover what moto never sends: namespaces,
empty elements, a scalar repeated where one is expected, XML attributes, errors.
"""

from __future__ import annotations

import re
from typing import Any

import boto3
import botocore.session
import pytest
from botocore.parsers import EC2QueryParser

from tests.collectors.test_collect_moto import REGION, build_estate
from vpcaudit.aws import parsing
from vpcaudit.aws.clients import ClientFactory
from vpcaudit.aws.parsing import FastEC2QueryParser, FastParserFactory, compatible, install
from vpcaudit.collectors.catalog import collector_operations
from vpcaudit.collectors.run import collect_snapshot

Answer = tuple[Any, dict[str, Any]]  # (operation model, botocore response dict)
_ELEMENT_ADDRESS = re.compile(r" at 0x[0-9a-f]+>")


def both_ways(operation: Any, response: dict[str, Any]) -> tuple[str, str]:
    """Each parser's answer as text; botocore hands back raw XML elements for a scalar sent twice,
    whose reprs differ only by address."""
    return tuple(_ELEMENT_ADDRESS.sub("", repr(parser.parse(response, operation.output_shape)))
                 for parser in (EC2QueryParser(), FastEC2QueryParser()))  # type: ignore[return-value]


def test_every_ec2_answer_of_a_collection_parses_as_botocore_parses_it(session: boto3.session.Session) -> None:
    build_estate(session)
    answers: list[Answer] = []

    def keep(operation_model: Any, response_dict: dict[str, Any], **_: Any) -> None:
        answers.append((operation_model, dict(response_dict)))

    session._session.register("before-parse.ec2", keep)
    collect_snapshot(session, [REGION])
    operations = {operation.name for operation, _ in answers}
    declared = {op.partition(":")[2] for op in collector_operations() if op.startswith("ec2:")}
    assert {"DescribeVpcEndpointServices", "DescribeNetworkInterfaces", "DescribeSecurityGroupRules",
            "DescribeRouteTables", "DescribeNatGateways", "DescribeVpcAttribute"} <= operations <= declared
    for operation, response in answers:
        botocore_answer, ours = both_ways(operation, response)
        assert ours == botocore_answer, operation.name


def test_the_factory_s_clients_parse_with_it(aws_env: None) -> None:
    session = boto3.session.Session(region_name=REGION)
    ClientFactory(session, operations=collector_operations())
    factory = session._session.get_component("response_parser_factory")
    assert isinstance(factory, FastParserFactory)
    assert type(factory.create_parser("ec2")) is FastEC2QueryParser
    assert type(factory.create_parser("json")) is not FastEC2QueryParser  # other protocols stay botocore's


def _answer(body: str, status: int = 200) -> dict[str, Any]:
    return {"status_code": status, "headers": {}, "body": body.encode()}


MODEL = botocore.session.get_session().get_service_model("ec2")
NS = 'xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"'


@pytest.mark.parametrize(("operation", "body"), [
    ("DescribeNetworkInterfaces", f"""<DescribeNetworkInterfacesResponse {NS}><requestId>r-1</requestId>
        <networkInterfaceSet><item><networkInterfaceId>eni-1</networkInterfaceId><description/>
        <groupSet><item><groupId>sg-1</groupId><groupName></groupName></item><item><groupId>sg-2</groupId></item>
        </groupSet><requesterManaged>false</requesterManaged><sourceDestCheck>true</sourceDestCheck>
        <attachment><attachTime>2026-01-15T12:00:00.000Z</attachTime><deviceIndex>1</deviceIndex></attachment>
        <tagSet/><ipv6Native>true</ipv6Native></item><item><networkInterfaceId>eni-2</networkInterfaceId>
        <networkInterfaceId>eni-3</networkInterfaceId><privateIpAddressesSet/></item></networkInterfaceSet>
        <nextToken>t</nextToken></DescribeNetworkInterfacesResponse>"""),
    ("DescribeVpcAttribute", f"""<DescribeVpcAttributeResponse {NS}><vpcId>vpc-1</vpcId>
        <enableDnsSupport><value>true</value></enableDnsSupport><unknownMember>x</unknownMember>
        </DescribeVpcAttributeResponse>"""),
    ("DescribeVpcEndpointServices", """<DescribeVpcEndpointServicesResponse><serviceNameSet><item>a</item>
        <item/></serviceNameSet><serviceDetailSet><item><serviceName>com.amazonaws.x</serviceName>
        <serviceType><item><serviceType>Interface</serviceType></item></serviceType>
        <privateDnsNames><item><privateDnsName>x.example</privateDnsName></item></privateDnsNames>
        <vpcEndpointPolicySupported>true</vpcEndpointPolicySupported></item></serviceDetailSet>
        </DescribeVpcEndpointServicesResponse>"""),
    ("DescribeVpcs", f"""<Response {NS}><Errors><Error><Code>UnauthorizedOperation</Code>
        <Message>You are not authorized</Message></Error></Errors><RequestID>r-2</RequestID></Response>"""),
], ids=["namespaces-empty-repeated", "unknown-member", "no-namespace", "error"])
def test_hand_written_answers_parse_as_botocore_parses_them(operation: str, body: str) -> None:
    status = 403 if "<Errors>" in body else 200
    botocore_answer, ours = both_ways(MODEL.operation_model(operation), _answer(body, status))
    assert ours == botocore_answer



def test_a_botocore_whose_parser_changed_keeps_its_own_parser(monkeypatch: pytest.MonkeyPatch) -> None:
    """The fast parser refines botocore internals; where one is gone, botocore's answers are the
    reference, so its own parser stays."""
    assert compatible()
    botocore_session = botocore.session.get_session()
    before = botocore_session.get_component("response_parser_factory")
    with monkeypatch.context() as patched:
        patched.setattr(parsing, "EC2QueryParser", type("ChangedParser", (), {"KNOWN_LOCATIONS": ()}))
        assert not compatible()
        install(botocore_session)
    assert botocore_session.get_component("response_parser_factory") is before
    install(botocore_session)
    assert isinstance(botocore_session.get_component("response_parser_factory"), FastParserFactory)
