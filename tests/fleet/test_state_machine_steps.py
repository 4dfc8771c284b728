"""The organization run's three Lambda handlers, driven in the order deploy/vpcaudit-org.yaml's state
machine runs them, against a moto server (Organizations, STS, EC2, S3, SNS) behind a fault proxy.

The organization: root → workloads → prod (nested OUs); members "prod-a" (in prod), "work-b" (in
workloads), "root-c" and "root-d" (at the root), and "gone-e", suspended; the management account
is excluded. Each live member has one VPC per Region with the same three interface endpoints.

Faults, as AWS would answer them (moto produces none of these):
* root-d has no member role: every AssumeRole into it is AccessDenied;
* work-b's AssumeRole is throttled through every retry of its first invocation, then answers;
  the handler raises ThrottledError, and the step is retried as the template's Retry says;
* root-c's DescribeNatGateways is throttled on every attempt: that part ends ``throttled``.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
import pytest
from aws_env import fake_aws_env
from botocore.retries.standard import ExponentialBackoff
from cfnlint.decode import decode_str
from fault_proxy import Fault, Request, fault_proxy
from moto_server import running_moto
from org_estate import MANAGEMENT, add_member, create_organization, seed_member, suspend

from vpcaudit import lambda_handler
from vpcaudit.errors import ThrottledError

REGIONS = ("us-east-1", "eu-west-1")
BUCKET = "vpcaudit-runs"
RUN = "run-2026-12-07"
TEMPLATE = Path(__file__).resolve().parents[2] / "deploy" / "vpcaudit-org.yaml"
ASSUME_THROTTLES = 5  # botocore's attempts in one invocation (vpcaudit.aws.clients.DEFAULT_MAX_ATTEMPTS)


def audit_step_retry() -> dict[str, Any]:
    """The AuditAccount task's Retry policy, as the state machine declares it."""
    template, problems = decode_str(TEMPLATE.read_text(encoding="utf-8"))
    assert not problems
    states = template["Resources"]["StateMachine"]["Properties"]["Definition"]["States"]
    (retry,) = states["AuditAccounts"]["ItemProcessor"]["States"]["AuditAccount"]["Retry"]
    return dict(retry)


@dataclass
class Run:
    accounts: dict[str, str]  # name → account id
    listed: dict[str, Any]
    items: list[dict[str, str]]
    attempts: dict[str, list[str]]  # account id → outcome of each invocation ("ok" or the error's name)
    merged: dict[str, Any]
    merged_from_results: dict[str, Any]
    notifications: list[tuple[str, str]]  # (subject, message) published to the topic
    s3: Any


@pytest.fixture(scope="module")
def run() -> Iterator[Run]:
    with running_moto() as moto, pytest.MonkeyPatch.context() as mp:
        yield _drive(mp, moto)


def _drive(mp: pytest.MonkeyPatch, moto: str) -> Run:
    fake_aws_env(mp)
    # botocore still makes every attempt; only its backoff sleeps (up to 20 s each) are cut short.
    mp.setattr(ExponentialBackoff, "delay_amount", lambda self, context: 0.01)
    base = boto3.session.Session(region_name="us-east-1")
    org = create_organization(base, moto)
    accounts = {"prod-a": add_member(base, org, "prod-a", org.prod, moto),
                "work-b": add_member(base, org, "work-b", org.workloads, moto),
                "root-c": add_member(base, org, "root-c", org.root, moto),
                "root-d": add_member(base, org, "root-d", org.root, moto),
                "gone-e": add_member(base, org, "gone-e", org.root, moto)}
    suspend(base, org, accounts["gone-e"], moto)
    for name in ("prod-a", "work-b", "root-c"):
        seed_member(base, accounts[name], REGIONS, endpoint_url=moto)
    s3 = base.client("s3", endpoint_url=moto)
    s3.create_bucket(Bucket=BUCKET)
    topic = base.client("sns", endpoint_url=moto).create_topic(Name="vpcaudit")["TopicArn"]
    queue = base.client("sqs", endpoint_url=moto).create_queue(QueueName="summaries")["QueueUrl"]
    queue_arn = base.client("sqs", endpoint_url=moto).get_queue_attributes(
        QueueUrl=queue, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    base.client("sns", endpoint_url=moto).subscribe(TopicArn=topic, Protocol="sqs", Endpoint=queue_arn,
                                                    Attributes={"RawMessageDelivery": "true"})
    throttled_assumes = {"left": ASSUME_THROTTLES}

    def faults(request: Request) -> Fault | None:
        role = request.params.get("RoleArn", "")
        if request.action == "AssumeRole" and f":{accounts['root-d']}:" in role:
            return Fault(403, "AccessDenied")
        if request.action == "AssumeRole" and f":{accounts['work-b']}:" in role and throttled_assumes["left"]:
            throttled_assumes["left"] -= 1
            return Fault(400, "Throttling")
        if request.action == "DescribeNatGateways" and request.account == accounts["root-c"]:
            return Fault(503, "RequestLimitExceeded", ec2=True)
        return None

    with fault_proxy(moto, faults) as proxy:
        # The functions' environment, as the stack sets it (every AWS call goes through the proxy).
        for key, value in {"AWS_ENDPOINT_URL": proxy.url, "VPCAUDIT_OUTPUT": f"s3://{BUCKET}/vpcaudit/",
                           "VPCAUDIT_ORG": "true", "VPCAUDIT_ROLE_NAME": "vpcaudit-member",
                           "VPCAUDIT_EXTERNAL_ID": "org-audit-1", "VPCAUDIT_EXCLUDE_ACCOUNTS": MANAGEMENT,
                           "VPCAUDIT_REGIONS": ",".join(REGIONS), "VPCAUDIT_FORMATS": "html,md",
                           "VPCAUDIT_SNS_TOPIC": topic}.items():
            mp.setenv(key, value)
        listed = lambda_handler.list_accounts({"run_id": RUN}, None)
        items = json.loads(s3.get_object(**listed["items"])["Body"].read())
        retry = audit_step_retry()
        attempts: dict[str, list[str]] = {}
        for item in items:  # the Distributed Map: one child execution per item, retried per its policy
            outcomes = attempts.setdefault(item["account_id"], [])
            for _ in range(retry["MaxAttempts"] + 1):
                try:
                    lambda_handler.audit_account({"run_id": RUN, "account": item}, None)
                except Exception as exc:
                    outcomes.append(type(exc).__name__)
                    if type(exc).__name__ in retry["ErrorEquals"]:
                        continue
                    raise
                outcomes.append("ok")
                break
        from_results = lambda_handler.merge({"run_id": RUN, "merge_from": "results"}, None)
        merged = lambda_handler.merge({"run_id": RUN}, None)
    sqs = base.client("sqs", endpoint_url=moto)
    messages = sqs.receive_message(QueueUrl=queue, MaxNumberOfMessages=10).get("Messages", [])
    return Run(accounts, listed, items, attempts, merged, from_results, [("", m["Body"]) for m in messages], s3)


def _object(run: Run, key: str) -> Any:
    return json.loads(run.s3.get_object(Bucket=BUCKET, Key=f"vpcaudit/runs/{RUN}/{key}")["Body"].read())


def test_the_list_step_finds_the_active_accounts_of_every_ou_and_lists_the_rest(run: Run) -> None:
    live = {run.accounts[n] for n in ("prod-a", "work-b", "root-c", "root-d")}
    assert {item["account_id"] for item in run.items} == live
    assert all(item["role_arn"] == f"arn:aws:iam::{item['account_id']}:role/vpcaudit-member" for item in run.items)
    assert run.listed["skipped"] == [{"account_id": run.accounts["gone-e"], "state": "SUSPENDED"}]
    assert run.listed["excluded"] == [MANAGEMENT]
    assert run.listed["items"] == {"Bucket": BUCKET, "Key": f"vpcaudit/runs/{RUN}/accounts.json"}
    assert {a["account_id"] for a in _object(run, "manifest.json")["accounts"]} == live


def test_a_throttled_account_is_retried_by_the_state_machine_and_completes(run: Run) -> None:
    assert ThrottledError.__name__ in audit_step_retry()["ErrorEquals"]
    assert run.attempts[run.accounts["work-b"]] == ["ThrottledError", "ok"]
    snapshot = _object(run, f"accounts/{run.accounts['work-b']}/snapshot.json")
    assert snapshot["accounts"][0]["role"]["state"] == "ok"
    assert {a: o for a, o in run.attempts.items() if a != run.accounts["work-b"]} == {
        account: ["ok"] for account in run.attempts if account != run.accounts["work-b"]}


def test_the_account_without_a_role_is_reported_and_the_others_complete(run: Run) -> None:
    missing = run.accounts["root-d"]
    (refused,) = run.merged["accounts_not_collected"]
    assert (refused["account_id"], refused["state"], refused["error_code"]) == (missing, "denied", "AccessDenied")
    assert refused["scopes_not_evaluated"] > 0
    assert sorted(run.merged["accounts"]) == sorted(run.accounts[n] for n in ("prod-a", "work-b", "root-c",
                                                                             "root-d"))
    assert run.merged["accounts_skipped"] == [{"account_id": run.accounts["gone-e"], "name": "gone-e",
                                               "state": "SUSPENDED"}]


def test_a_part_throttled_past_retries_ends_throttled_and_is_not_evaluated(run: Run) -> None:
    snapshot = _object(run, "organization/snapshot.json")
    (account,) = [a for a in snapshot["accounts"] if a["account_id"] == run.accounts["root-c"]]
    for region in account["regions"]:
        (nat,) = [s for s in region["status"] if s["part"] == "nat_gateways"]
        assert (nat["state"], nat["error_code"]) == ("throttled", "RequestLimitExceeded")
        assert region["vpcs"] and region["vpc_endpoints"]  # the rest of the account was collected
    groups = [g for g in run.merged["not_evaluated"] if g["account_id"] == run.accounts["root-c"]]
    assert groups and all("nat_gateways throttled" in g["detail"] for g in groups)
    assert {"NAT001", "NAT003"} <= {rule for g in groups for rule in g["rule_ids"]}


def test_the_merge_pools_cost001_across_the_organization(run: Run) -> None:
    result = _object(run, "organization/result.json")
    cost = [f for f in result["findings"] if f["rule_id"] == "COST001"]
    pooled = {run.accounts[n] for n in ("prod-a", "work-b", "root-c")}
    assert {f["resource"]["account_id"] for f in cost} == pooled
    groups = {g["group_id"]: g for g in result["groups"]}  # the pool is named once; findings refer to it
    assert all({m["account_id"] for m in groups[f["group"]]["members"]} == pooled for f in cost)
    # Audited alone, no account has three VPCs running the same endpoints.
    alone = _object(run, f"accounts/{run.accounts['prod-a']}/result.json")
    assert not [f for f in alone["findings"] if f["rule_id"] == "COST001"]


def test_the_merge_writes_the_reports_and_publishes_the_summary(run: Run) -> None:
    prefix = f"vpcaudit/runs/{RUN}/organization/"
    listed = run.s3.list_objects_v2(Bucket=BUCKET, Prefix=prefix)["Contents"]
    assert {o["Key"].removeprefix(prefix) for o in listed} == {"snapshot.json", "result.json", "report.html",
                                                               "report.md"}
    head = run.s3.head_object(Bucket=BUCKET, Key=prefix + "report.html")
    assert (head["ServerSideEncryption"], head["ContentType"]) == ("AES256", "text/html; charset=utf-8")
    assert run.merged["report"] == f"s3://{BUCKET}/{prefix}"
    assert len(run.notifications) == 2  # one per merge: the results merge below, then this one
    assert all(f"{len(run.merged['accounts'])} account(s)" in message and run.merged["report"] in message
               for _, message in run.notifications)


def test_merging_the_accounts_results_reports_the_same_accounts_without_pooling(run: Run) -> None:
    """merge_from results re-audits nothing: each account as its own audit saw it, gaps included."""
    by_results, by_snapshots = run.merged_from_results, run.merged
    for key in ("accounts", "accounts_not_collected", "accounts_skipped"):
        assert by_results[key] == by_snapshots[key]
    assert [g for g in by_results["not_evaluated"] if g["account_id"] == run.accounts["root-c"]] == [
        g for g in by_snapshots["not_evaluated"] if g["account_id"] == run.accounts["root-c"]]
    assert by_results["failing"] < by_snapshots["failing"]  # the organization-wide COST001 findings
