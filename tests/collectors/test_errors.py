"""Every way AWS says "no" maps to the same snapshot state, whichever service says it."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError, EndpointConnectionError, NoCredentialsError

from vpcaudit.aws.errors import classify, credentials_problem
from vpcaudit.snapshot.model import State


def client_error(code: str, status: int = 400, message: str = "msg") -> ClientError:
    return ClientError({"Error": {"Code": code, "Message": message},
                        "ResponseMetadata": {"HTTPStatusCode": status}}, "DescribeVpcs")


@pytest.mark.parametrize(("code", "status", "state", "recorded"), [
    ("UnauthorizedOperation", 403, State.DENIED, "UnauthorizedOperation"),  # EC2 on AWS
    ("AccessDenied", 403, State.DENIED, "AccessDenied"),  # EC2 on moto, S3
    ("AccessDeniedException", 400, State.DENIED, "AccessDeniedException"),  # JSON services
    ("AuthFailure", 401, State.DENIED, "AuthFailure"),  # EC2 refusing one API
    ("", 403, State.DENIED, "403"),  # Route 53 / CloudWatch HTML 403: botocore finds no code
    ("403", 403, State.DENIED, "403"),
    ("Throttling", 400, State.THROTTLED, "Throttling"),
    ("RequestLimitExceeded", 503, State.THROTTLED, "RequestLimitExceeded"),
    ("PriorRequestNotComplete", 400, State.THROTTLED, "PriorRequestNotComplete"),  # Route 53
    ("OptInRequired", 401, State.OPT_IN_REQUIRED, "OptInRequired"),
    ("InvalidParameterValue", 400, State.ERROR, "InvalidParameterValue"),
    ("InternalError", 500, State.ERROR, "InternalError"),
])
def test_client_errors(code: str, status: int, state: State, recorded: str) -> None:
    gap = classify(client_error(code, status), "ec2:DescribeVpcs")
    assert (gap.state, gap.error_code) == (state, recorded)
    assert gap.message.startswith("ec2:DescribeVpcs")


def test_html_error_bodies_are_cut_to_one_line() -> None:
    gap = classify(client_error("InternalError", 500, "<html>\n<body>" + "x" * 500 + "</body>\n</html>"),
                   "route53:GetHostedZone")
    assert "\n" not in gap.message and len(gap.message) < 300


def test_transport_and_unknown_failures_are_errors_with_their_type() -> None:
    gap = classify(EndpointConnectionError(endpoint_url="https://ec2.example"), "ec2:DescribeVpcs")
    assert (gap.state, gap.error_code) == (State.ERROR, "EndpointConnectionError")
    gap = classify(NotImplementedError("The describe_x action has not been implemented"), "ec2:DescribeX")
    assert (gap.state, gap.error_code) == (State.ERROR, "NotImplementedError")
    assert "not been implemented" in gap.message


@pytest.mark.parametrize(("exc", "says"), [
    (NoCredentialsError(), "no AWS credentials found"),
    (client_error("ExpiredToken", 403), "expired"),
    (client_error("InvalidClientTokenId", 403), "rejected the credentials (InvalidClientTokenId)"),
    (client_error("UnrecognizedClientException", 400), "rejected"),
])
def test_credential_problems_are_one_line(exc: Exception, says: str) -> None:
    problem = credentials_problem(exc)
    assert problem is not None and says in problem and "\n" not in problem


def test_a_denied_api_is_not_a_credentials_problem() -> None:
    assert credentials_problem(client_error("AccessDenied", 403)) is None
