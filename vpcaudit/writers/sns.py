"""The scheduled run's summary to an SNS topic: ``sns:Publish`` to that one topic, nothing else.

Why optional and separate: the report itself lands in S3; a subscriber (e-mail, chat, a ticket
queue) only needs the counts, the exit code and where the report is. The client is a writer
client allowed exactly ``sns:Publish``, and a parameter check refuses any topic but the named one
before the request is built.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from vpcaudit.errors import UsageError
from vpcaudit.writers.base import WriterClients, WriteRefused

if TYPE_CHECKING:
    import boto3

OPERATIONS = frozenset({"sns:Publish"})
SUBJECT_LIMIT = 100  # SNS: subjects are at most 100 characters
MESSAGE_LIMIT = 256 * 1024  # SNS: messages are at most 256 KB
_TOPIC_ARN = re.compile(r"arn:(aws[a-z-]*):sns:([a-z0-9-]+):(\d{12}):[\w-]{1,256}(\.fifo)?")


def check_topic(arn: str | None) -> str | None:
    """An SNS topic ARN, or UsageError before any AWS call."""
    if arn is not None and not _TOPIC_ARN.fullmatch(arn):
        raise UsageError(f"not an SNS topic ARN: {arn!r} (expected arn:aws:sns:REGION:ACCOUNT:NAME)", "sns_topic")
    return arn


class SnsWriter:
    """Publishes to one topic, in the topic's own Region."""

    def __init__(self, session: boto3.session.Session, topic_arn: str, *, endpoint_url: str | None = None) -> None:
        self.topic_arn = str(check_topic(topic_arn))
        region = self.topic_arn.split(":")[3]
        self._client = WriterClients(session, OPERATIONS, endpoint_url=endpoint_url).client("sns", region)
        _only_to(self._client.meta.events, self.topic_arn)

    def publish(self, subject: str, message: str) -> str:
        """Publish; returns SNS's message id. The message is cut to SNS's size limit."""
        body = message.encode("utf-8")[:MESSAGE_LIMIT].decode("utf-8", "ignore")
        answer = self._client.publish(TopicArn=self.topic_arn, Subject=subject[:SUBJECT_LIMIT], Message=body)
        return str(answer["MessageId"])


def _only_to(events: Any, topic_arn: str) -> None:
    def check(params: dict[str, Any], **_: Any) -> None:
        if params.get("TopicArn") != topic_arn:
            raise WriteRefused(f"vpcaudit writer refused sns:Publish to {params.get('TopicArn')}: only to {topic_arn}")

    events.register_first("before-parameter-build.sns.Publish", check, unique_id="vpcaudit-sns-topic-guard")


def iam_policy_statements(topic_arn: str) -> list[dict[str, Any]]:
    return [{"Sid": "VpcauditPublishSummary", "Effect": "Allow", "Action": ["sns:Publish"], "Resource": [topic_arn]}]
