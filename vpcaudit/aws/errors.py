"""What went wrong talking to AWS, sorted into the few outcomes a snapshot can record.

Why one classifier: every collector must turn the same AWS failure into the same snapshot
state, whatever service answered. EC2 says ``UnauthorizedOperation``, most JSON services say
``AccessDeniedException``, Route 53 and CloudWatch behind some proxies (and moto) answer a bare
HTML 403 that botocore reports with code ``'403'`` or an empty code. All of these mean "this
principal may not call this API here": the part is *denied*, the rest of the collection goes
on. Credentials that are missing or expired are different: nothing will work, so they abort
the run with :class:`vpcaudit.errors.CredentialsError` and the CLI prints one line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from botocore.exceptions import (
    BotoCoreError,
    ClientError,
    CredentialRetrievalError,
    NoCredentialsError,
    PartialCredentialsError,
    SSOError,
    TokenRetrievalError,
    UnauthorizedSSOTokenError,
)
from botocore.parsers import ResponseParserError

from vpcaudit.errors import CollectionError, ThrottledError
from vpcaudit.snapshot.model import State

# botocore's ResponseParserError says "…, invalid XML received. Further retries may succeed:" + the body.
_RECEIVED = re.compile(r"invalid \w+ received")

DENIED_CODES = frozenset({
    "AccessDenied", "AccessDeniedException", "UnauthorizedOperation", "UnauthorizedAccess",
    "AuthFailure", "AuthorizationError", "Forbidden", "NotAuthorized", "403",
})
# botocore's own list (botocore.retries.standard.ThrottledRetryableChecker) plus EC2's and
# Route 53's spellings; a throttle that still fails after botocore's retries ends up here.
THROTTLED_CODES = frozenset({
    "Throttling", "ThrottlingException", "ThrottledException", "RequestThrottledException",
    "TooManyRequestsException", "RequestLimitExceeded", "BandwidthLimitExceeded",
    "LimitExceededException", "RequestThrottled", "SlowDown", "PriorRequestNotComplete",
    "EC2ThrottledException",
})
OPT_IN_CODES = frozenset({"OptInRequired"})
# Error codes STS GetCallerIdentity answers when the credentials themselves are bad.
CREDENTIAL_CODES = frozenset({
    "ExpiredToken", "ExpiredTokenException", "InvalidClientTokenId", "UnrecognizedClientException",
    "SignatureDoesNotMatch", "IncompleteSignature", "InvalidAccessKeyId", "RequestExpired",
})
_CREDENTIAL_EXCEPTIONS = (NoCredentialsError, PartialCredentialsError, CredentialRetrievalError,
                          TokenRetrievalError, UnauthorizedSSOTokenError, SSOError)


@dataclass(frozen=True)
class Gap:
    """Why a part could not be read: the snapshot state, AWS's error code and a short message."""

    state: State
    error_code: str | None
    message: str


def error_code(exc: ClientError) -> str:
    """AWS's error code; a codeless HTTP 403 (Route 53 / CloudWatch HTML answers) becomes '403'."""
    code = str(exc.response.get("Error", {}).get("Code") or "")
    status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
    if not code and status == 403:
        return "403"
    return code


def _short(text: str, limit: int = 240) -> str:
    """First line, trimmed: an HTML error page must not end up in a snapshot verbatim."""
    line = next((ln.strip() for ln in str(text).splitlines() if ln.strip()), "")
    return line if len(line) <= limit else line[: limit - 1] + "…"


def classify(exc: BaseException, operation: str) -> Gap:
    """Map an exception raised while calling ``operation`` (``ec2:DescribeVpcs``) to a Gap."""
    if isinstance(exc, ClientError):
        code = error_code(exc)
        status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
        message = _short(exc.response.get("Error", {}).get("Message") or "")
        if code in DENIED_CODES or status == 403:
            return Gap(State.DENIED, code or "403", f"{operation} denied" + (f": {message}" if message else ""))
        if code in THROTTLED_CODES:
            return Gap(State.THROTTLED, code, f"{operation} still throttled after retries")
        if code in OPT_IN_CODES:
            return Gap(State.OPT_IN_REQUIRED, code, f"{operation}: the region is not enabled for this account")
        return Gap(State.ERROR, code or None, f"{operation} failed: {code or status}" + (
            f": {message}" if message else ""))
    if isinstance(exc, ResponseParserError):  # an HTML page, a proxy's answer: not AWS speaking
        return Gap(State.ERROR, type(exc).__name__, f"{operation} failed: {not_aws(exc)}")
    if isinstance(exc, _CREDENTIAL_EXCEPTIONS):
        return Gap(State.ERROR, type(exc).__name__, f"{operation}: credentials failed: {_short(str(exc))}")
    if isinstance(exc, BotoCoreError):
        return Gap(State.ERROR, type(exc).__name__, f"{operation} failed: {_short(str(exc))}")
    # Anything else (moto raises NotImplementedError in-process for APIs it lacks) is recorded,
    # not hidden: the part is marked error with the exception type, and collection goes on.
    return Gap(State.ERROR, type(exc).__name__, f"{operation} failed: {type(exc).__name__}: {_short(str(exc))}")


def not_aws(exc: ResponseParserError) -> str:
    """What an unparsable answer was, without the page botocore quotes after it."""
    received = _RECEIVED.search(str(exc))
    return "the answer is not an AWS response" + (f" ({received.group(0)})" if received else "")


def credentials_problem(exc: BaseException) -> str | None:
    """A one-line explanation when ``exc`` means the credentials are unusable, else None."""
    if isinstance(exc, NoCredentialsError):
        return ("no AWS credentials found: looked for a profile, AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, the "
                "shared config and credentials files, SSO, and an instance, task or function role")
    if isinstance(exc, _CREDENTIAL_EXCEPTIONS):
        return f"AWS credentials could not be loaded: {_short(str(exc))}"
    if isinstance(exc, ClientError) and error_code(exc) in CREDENTIAL_CODES:
        code = error_code(exc)
        if code.startswith("Expired") or code == "RequestExpired":
            return f"AWS credentials have expired ({code}): refresh them (e.g. aws sso login) and retry"
        return f"AWS rejected the credentials ({code}): check the access key, secret and session token"
    return None


def cannot_start(gap: Gap, message: str, setting: str | None = None) -> CollectionError:
    """The error for a call the collection cannot start without: :class:`ThrottledError` when AWS
    throttled it past retries (worth retrying later), else :class:`CollectionError`."""
    kind = ThrottledError if gap.state is State.THROTTLED else CollectionError
    return kind(message, setting)
