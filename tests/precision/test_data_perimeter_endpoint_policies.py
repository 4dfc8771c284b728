"""AWS's data perimeter VPC endpoint policies (aws-samples/data-perimeter-policy-examples) on the S3
and DynamoDB gateway endpoints and the interface endpoints of a private VPC: every finding and its
verdict, audited without and with the trusted organization (docs/precision.md)."""

from __future__ import annotations

import json
from functools import cache

from aws_layout import NOW, Triple, audit, audit_result, built_in_rules
from layouts import data_perimeter_endpoint_policies
from layouts.data_perimeter_endpoint_policies import (
    AWS_OWNED_SID,
    FOREIGN_ORG_ID,
    INTERFACE_POLICIES,
    ORG_ID,
    ORGS_TO_ORGS_SID,
    SERVICE_PRINCIPALS_SID,
)

from vpcaudit.engine.result import Outcome
from vpcaudit.engine.rule import Status
from vpcaudit.engine.runner import RunSettings, run
from vpcaudit.network.policy import Statement
from vpcaudit.network.trust import TrustBoundary
from vpcaudit.snapshot.model import Snapshot

Triples = set[Triple]
Built = tuple[Snapshot, dict[str, str]]
TRUSTED = TrustBoundary.of(org_ids=[ORG_ID])
FOREIGN_ORG = {"org_id": FOREIGN_ORG_ID}
NO_AWS_OWNED_READS = {"aws_owned_reads": False}
UNCONDITIONED_S3 = {"unconditioned_s3": True}
# The endpoints whose services take a policy: every one carries a data perimeter policy.
POLICY_ENDPOINTS = ("s3", "dynamodb", *(k for k, which in INTERFACE_POLICIES.items() if which))


@cache
def _built(**options: object) -> Built:
    """One snapshot per variant: several tests read the same one."""
    return data_perimeter_endpoint_policies.build(**options)  # type: ignore[arg-type]


def _audit_trusted(snapshot: Snapshot) -> Triples:
    """``audit`` with ``trusted_org_ids`` set to the account's organization."""
    result = run(snapshot, built_in_rules(), RunSettings(now=NOW, trust=TRUSTED))
    assert not [s for s in result.scopes if s.outcome is Outcome.ERROR]
    return {(f.rule_id, f.resource.resource_id, f.status.value) for f in result.findings
            if f.status is not Status.SUPPRESSED}


def _message(snapshot: Snapshot, rule_id: str, resource_id: str, *, trust: bool = False) -> str:
    result = run(snapshot, built_in_rules(), RunSettings(now=NOW, trust=TRUSTED)) if trust else audit_result(snapshot)
    (finding,) = [f for f in result.findings if (f.rule_id, f.resource.resource_id) == (rule_id, resource_id)]
    return finding.message


def _foreign_org(ids: dict[str, str]) -> Triples:
    """Right, low (with ``trusted_org_ids``): POL002 on every endpoint with a policy, naming
    ``aws:PrincipalOrgID=o-f0re1gn0rg`` and ``aws:ResourceOrgID=o-f0re1gn0rg``: the statements that
    look scoped admit another organization's principals to its resources through this VPC —
    exfiltration through the private path — while this organization's own requests match nothing."""
    return {("POL002", ids[key], "fail") for key in POLICY_ENDPOINTS}


def _layers_refused(ids: dict[str, str]) -> Triples:
    """Right, high: POL006 on the S3 endpoint. Without ``AllowRequestsToAWSOwnedResources`` nothing
    admits ECR's layer downloads: every other statement tests this organization
    (``aws:PrincipalOrgID``), which the ECR account's presigning principal is not in, or
    ``aws:PrincipalIsAWSService``, which is false for it (the URL is signed with an IAM principal's
    credentials). Every image pull from the VPC's instances fails (``CannotPullContainerError``)
    while the ECR API answers. The rule took that Boolean for unknowable and said "not evaluated"
    (rule wrong, fixed)."""
    return {("POL006", ids["s3"], "fail")}


def _snapshots_refused(ids: dict[str, str]) -> Triples:
    """Right: POL007 fails on the S3 endpoint (the VPC has ``ssm``, ``ec2messages``,
    ``ssmmessages`` and instances on its route tables). Without ``AllowRequestsToAWSOwnedResources``
    the patch baseline snapshots are certainly refused: they are downloaded through the URL
    GetDeployablePatchSnapshotForInstance returns, presigned by Systems Manager — a principal of an
    AWS-owned account, in none of the organizations the policy names — from a bucket of AWS's, and
    every other statement admits only the organization's principals or resources. (The modules
    bucket alone would be undecided: an unsigned read is refused, one signed by an instance role of
    this account may be admitted by the organization statements, which the snapshot cannot judge.)"""
    return {("POL007", ids["s3"], "fail")}


def test_the_policies_are_the_samples_with_the_placeholders_filled() -> None:
    """Each endpoint carries its file's statements in order (Sids as published), every placeholder
    replaced; ssmmessages and ec2messages carry none (their services support no policy)."""
    snapshot, ids = _built()
    endpoints = {e.vpc_endpoint_id: e for e in snapshot.accounts[0].regions[0].vpc_endpoints}
    sids = {key: [s["Sid"] for s in json.loads(endpoints[ids[key]].policy_document)["Statement"]]
            for key in POLICY_ENDPOINTS}
    base = [ORGS_TO_ORGS_SID, SERVICE_PRINCIPALS_SID, "AllowRequestsByOrgsIdentitiesToAnyResources"]
    assert sids["s3"] == [ORGS_TO_ORGS_SID, SERVICE_PRINCIPALS_SID, "AllowRequestsByOrgsIdentitiesToAWSResources",
                          AWS_OWNED_SID, "AllowRequestsByThirdPartyIdentitiesToThirdPartyResources",
                          "AllowRequestsByOrgsIdentitiesToThirdPartyResources",
                          "AllowRequestsByOrgsIdentitiesToAnyResources"]
    with_aws_resources = [*base[:2], "AllowRequestsByOrgsIdentitiesToAWSResources", base[2]]
    assert sids["ssm"] == sids["ecr.api"] == sids["ecr.dkr"] == with_aws_resources
    assert sids["dynamodb"] == sids["sts"] == sids["kms"] == sids["logs"] == base
    assert all("<" not in endpoints[ids[k]].policy_document and ORG_ID in endpoints[ids[k]].policy_document
               for k in POLICY_ENDPOINTS)
    owned = next(s for s in json.loads(endpoints[ids["s3"]].policy_document)["Statement"] if s["Sid"] == AWS_OWNED_SID)
    assert "Condition" not in owned and len(owned["Resource"]) == 61
    assert {"arn:aws:s3:::aws-ssm-us-east-1/*", "arn:aws:s3:::amazonlinux-2-repos-us-east-1/*",
            "arn:aws:s3:::prod-us-east-1-starport-layer-bucket/*"} <= set(owned["Resource"])
    assert endpoints[ids["ssmmessages"]].policy_document is None is endpoints[ids["ec2messages"]].policy_document


def test_findings_and_verdicts_of_the_samples() -> None:
    """The canonical form, with and without the trusted boundary: nothing. Silent, rightly: POL001
    (no default policy left), POL002 (every ``Principal *`` statement with a wildcard is confined to
    the organization or to AWS service principals; the AWS-owned, Glue, ECR-repository and
    third-party statements name actions on named objects or are scoped by ``aws:PrincipalOrgID``),
    POL003 (valid IAM policies), POL005 (every policy has Allows; the ssm policy's ARNs are
    us-east-1's or ``*``), POL006 (``AllowRequestsToAWSOwnedResources`` names the layer bucket, no
    condition). With ``trusted_org_ids = o-a1b2c3d4e5`` rightly silent on ``aws:ResourceAccount``
    510798373988 (Glue) and 602401143452 (ECR), accounts outside the boundary: the statements naming
    them also require ``aws:PrincipalOrgID`` of the trusted organization.

    Was rule wrong, fixed: POL002 fired (low) on all eight endpoints for the samples'
    ``AllowRequestsByAWSServicePrincipals`` — ``Principal *``, ``Action *``, ``Resource *`` with
    ``Bool aws:PrincipalIsAWSService true``. IAM sets the key true only when a service uses its
    service principal to act directly, false for any IAM principal's credentials (a service role's
    too), and leaves anonymous requests without it: no credentials a developer brings in, and no
    other account's, satisfy the statement ("safely granting access to AWS services", IAM's page).
    POL002 now counts that test as a scoping condition inside every trusted boundary."""
    snapshot, _ = _built()
    assert audit(snapshot) == set() == _audit_trusted(snapshot)


def test_a_service_principal_statement_scopes_only_as_bool_true() -> None:
    """The near misses on the scoping key itself: ``Bool aws:PrincipalIsAWSService false``,
    ``BoolIfExists … true`` (an anonymous request, without the key, passes) and ``StringEquals``
    with a wildcard value do not confine the statement; POL002 fires on the S3 endpoint for each."""
    base = {"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"}
    scoped = Statement(1, {**base, "Condition": {"Bool": {"aws:PrincipalIsAWSService": "true"}}})
    assert [c.key for c in scoped.scoping_conditions] == ["aws:principalisawsservice"]
    for condition in ({"Bool": {"aws:PrincipalIsAWSService": "false"}},
                      {"BoolIfExists": {"aws:PrincipalIsAWSService": "true"}},
                      {"Bool": {"aws:PrincipalIsAWSService": ["true", "false"]}},
                      {"StringNotEquals": {"aws:PrincipalIsAWSService": "false"}}):
        assert Statement(1, {**base, "Condition": condition}).scoping_conditions == (), condition


def test_near_miss_foreign_organization() -> None:
    """Every ``<my-org-id>`` filled with someone else's organization. Without a boundary nothing —
    a gap, pinned, by design: the snapshot holds no Organizations data, and any concrete value
    counts as scoping. With ``trusted_org_ids``: POL002 on every endpoint, right, naming the foreign
    id (the service-principal statement stays trusted)."""
    snapshot, ids = _built(**FOREIGN_ORG)
    assert audit(snapshot) == set()
    assert _audit_trusted(snapshot) == _foreign_org(ids)
    for key in ("s3", "sts"):
        message = _message(snapshot, "POL002", ids[key], trust=True)
        assert f"aws:PrincipalOrgID={FOREIGN_ORG_ID}" in message and ORGS_TO_ORGS_SID in message
        assert SERVICE_PRINCIPALS_SID not in message


def test_near_miss_aws_owned_reads_removed_fires_pol006() -> None:
    """The S3 policy without ``AllowRequestsToAWSOwnedResources``: POL006 fails (high), with and
    without the trusted boundary, and so does POL007 (``_snapshots_refused``). A gap, pinned,
    besides: the Amazon Linux repositories' anonymous reads are refused too, and no rule judges the
    S3 policy against them."""
    snapshot, ids = _built(**NO_AWS_OWNED_READS)
    assert audit(snapshot) == _layers_refused(ids) | _snapshots_refused(ids) == _audit_trusted(snapshot)
    result = audit_result(snapshot)
    (finding,) = [f for f in result.findings if f.rule_id == "POL006"]
    assert finding.severity.value == "high"


def test_near_miss_unconditioned_statement() -> None:
    """The S3 policy's ``AllowRequestsByOrgsIdentitiesToOrgsResources`` without its condition: the
    S3 endpoint is full access in all but name. POL002 on it, right (low), naming that statement
    alone. Not POL001, which the catalogue keeps for the literal default policy. POL006 silent,
    rightly: the statement admits the layer downloads."""
    snapshot, ids = _built(**UNCONDITIONED_S3)
    assert audit(snapshot) == {("POL002", ids["s3"], "fail")} == _audit_trusted(snapshot)
    message = _message(snapshot, "POL002", ids["s3"])
    assert f"statement '{ORGS_TO_ORGS_SID}' allows Principal * with Action * and Resource * and no scoping" in message
    assert SERVICE_PRINCIPALS_SID not in message
