"""Reports and snapshots to S3 (``-o s3://bucket/prefix/``): the one S3 write, and only under that prefix.

Why a writer of its own: everything vpcaudit reads goes through the read-only guard, which must
never learn to write. Delivering a report is a write, so it gets its own client
(:class:`~vpcaudit.writers.base.WriterClients`) allowed exactly ``s3:PutObject``, plus a second
check on the call's own parameters — the bucket, and a key under the named prefix — before the
request is built. A bug that computed another key would be refused here, not discovered in
CloudTrail. Objects are encrypted with SSE-S3 unless a KMS key is named (SSE-KMS).

:func:`iam_policy` prints the same limits as IAM: ``s3:PutObject`` on ``bucket/prefix*`` only,
and ``kms:GenerateDataKey`` on the named key.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from vpcaudit.errors import UsageError
from vpcaudit.writers.base import WriterClients, WriteRefused

if TYPE_CHECKING:
    import boto3

SCHEME = "s3://"
OPERATIONS = frozenset({"s3:PutObject"})
# S3's documented bucket naming rules (general purpose buckets): 3-63 of lowercase letters,
# digits, dots and hyphens, beginning and ending with a letter or digit.
_BUCKET = re.compile(r"[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")
_KMS_KEY = re.compile(r"(arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:(key|alias)/[\w/+=,.@-]+)|(alias/[\w/+=,.@-]+)|"
                      r"([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})|(mrk-[0-9a-f]{32})")
CONTENT_TYPES = {".html": "text/html; charset=utf-8", ".md": "text/markdown; charset=utf-8",
                 ".json": "application/json", ".sarif": "application/sarif+json", ".csv": "text/csv; charset=utf-8",
                 ".xml": "application/xml", ".txt": "text/plain; charset=utf-8"}


def is_s3_url(value: str | None) -> bool:
    return bool(value) and str(value).startswith(SCHEME)


@dataclass(frozen=True)
class S3Location:
    """A bucket and a key prefix ("" or ending in "/"): every object vpcaudit writes goes below it."""

    bucket: str
    prefix: str = ""

    @property
    def url(self) -> str:
        return f"{SCHEME}{self.bucket}/{self.prefix}"

    def key(self, name: str) -> str:
        return self.prefix + name.lstrip("/")

    def below(self, folder: str) -> S3Location:
        """The location of a folder inside this one (``runs/<id>/``)."""
        return S3Location(self.bucket, self.key(folder.strip("/") + "/"))


def parse_s3_url(url: str, setting: str = "output") -> S3Location:
    """``s3://bucket/prefix/`` as a location (always a folder: a missing final ``/`` is added)."""
    if not url.startswith(SCHEME):
        raise UsageError(f"not an S3 URL: {url!r} (expected s3://bucket/prefix/)", setting)
    bucket, _, prefix = url[len(SCHEME):].partition("/")
    if not _BUCKET.fullmatch(bucket) or ".." in bucket:
        raise UsageError(f"not an S3 bucket name: {bucket!r} (3 to 63 lowercase letters, digits, dots and hyphens)",
                         setting)
    prefix = prefix.strip("/")
    return S3Location(bucket, prefix + "/" if prefix else "")


def check_kms_key(key: str | None) -> str | None:
    """A KMS key id, ARN or alias as S3 accepts it in ``SSEKMSKeyId``; UsageError otherwise."""
    if key is not None and not _KMS_KEY.fullmatch(key):
        raise UsageError(f"not a KMS key id, key ARN or alias: {key!r}", "s3_kms_key")
    return key


class S3Writer:
    """Puts objects below one location, each encrypted (SSE-S3, or SSE-KMS with ``kms_key``)."""

    def __init__(self, session: boto3.session.Session, location: S3Location, *, kms_key: str | None = None,
                 endpoint_url: str | None = None, region: str | None = None) -> None:
        self.location = location
        self._kms_key = check_kms_key(kms_key)
        self._client = WriterClients(session, OPERATIONS, endpoint_url=endpoint_url).client(
            "s3", region or session.region_name or "us-east-1")
        _only_below(self._client.meta.events, location)

    def put(self, name: str, text: str) -> str:
        """Write ``text`` at ``prefix + name``; returns the object's ``s3://`` URL."""
        key = self.location.key(name)
        encryption: dict[str, str] = {"ServerSideEncryption": "AES256"} if self._kms_key is None else {
            "ServerSideEncryption": "aws:kms", "SSEKMSKeyId": self._kms_key}
        suffix = "." + name.rsplit(".", 1)[-1] if "." in name else ""
        self._client.put_object(Bucket=self.location.bucket, Key=key, Body=text.encode("utf-8"),
                                ContentType=CONTENT_TYPES.get(suffix, "application/octet-stream"), **encryption)
        return f"{SCHEME}{self.location.bucket}/{key}"


def _only_below(events: Any, location: S3Location) -> None:
    """Refuse, before the request is built, any PutObject outside ``location``."""

    def check(params: dict[str, Any], **_: Any) -> None:
        bucket, key = params.get("Bucket"), str(params.get("Key", ""))
        if bucket != location.bucket or not key.startswith(location.prefix):
            raise WriteRefused(f"vpcaudit writer refused s3:PutObject of s3://{bucket}/{key}: only below "
                               f"{location.url}")

    events.register_first("before-parameter-build.s3.PutObject", check, unique_id="vpcaudit-s3-prefix-guard")


def iam_policy_statements(location: S3Location, kms_key: str | None = None,
                          partition: str = "aws") -> list[dict[str, Any]]:
    """The statements a principal needs to deliver below ``location`` (and encrypt with ``kms_key``)."""
    statements: list[dict[str, Any]] = [{
        "Sid": "VpcauditDeliverReports", "Effect": "Allow", "Action": ["s3:PutObject"],
        "Resource": [f"arn:{partition}:s3:::{location.bucket}/{location.prefix}*"]}]
    if kms_key is not None:
        encrypt: dict[str, Any] = {"Sid": "VpcauditEncryptReports", "Effect": "Allow",
                                   "Action": ["kms:GenerateDataKey"]}
        if kms_key.startswith("arn:"):
            encrypt["Resource"] = [kms_key]
        else:  # an alias or bare id has no ARN to name: allow the data key only for S3's own use of it
            encrypt["Resource"] = ["*"]
            encrypt["Condition"] = {"StringLike": {"kms:ViaService": "s3.*.amazonaws.com"}}
        statements.append(encrypt)
    return statements


class S3Reader:
    """Reads back what a run wrote below one location (``s3:GetObject`` only, only below it).

    The merge of a scheduled run reads the accounts' snapshots from the run's own folder; like
    the writer, its client can do that one thing, there.
    """

    OPERATIONS = frozenset({"s3:GetObject"})

    def __init__(self, session: boto3.session.Session, location: S3Location, *, endpoint_url: str | None = None,
                 region: str | None = None) -> None:
        self.location = location
        self._client = WriterClients(session, self.OPERATIONS, endpoint_url=endpoint_url).client(
            "s3", region or session.region_name or "us-east-1")

        def check(params: dict[str, Any], **_: Any) -> None:
            if params.get("Bucket") != location.bucket or not str(params.get("Key", "")).startswith(location.prefix):
                raise WriteRefused(f"vpcaudit reader refused s3:GetObject outside {location.url}")

        self._client.meta.events.register_first("before-parameter-build.s3.GetObject", check,
                                                unique_id="vpcaudit-s3-read-prefix-guard")

    def get(self, name: str) -> str | None:
        """The text of ``prefix + name``, or None when there is no such object."""
        from botocore.exceptions import ClientError

        try:
            answer = self._client.get_object(Bucket=self.location.bucket, Key=self.location.key(name))
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in ("NoSuchKey", "404"):
                return None
            raise
        return str(answer["Body"].read().decode("utf-8"))


def read_policy_statements(location: S3Location, partition: str = "aws") -> list[dict[str, Any]]:
    return [{"Sid": "VpcauditReadRun", "Effect": "Allow", "Action": ["s3:GetObject"],
             "Resource": [f"arn:{partition}:s3:::{location.bucket}/{location.prefix}*"]}]
