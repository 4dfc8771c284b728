"""The fix-step checker has teeth: what it passes in every rule test is a valid AWS request.

tests/support/stepcheck.py runs on every finding the rule tests build; these cases prove it
rejects the mistakes a rule could make in a step.
"""

from __future__ import annotations

import pytest
from botocore.exceptions import ParamValidationError
from stepcheck import check_step

from vpcaudit.engine.remedy import FixStep, Phase, new_id, placeholder, step


def _endpoint(**parameters: object) -> FixStep:
    return step("ec2:ModifyVpcEndpoint", {"VpcEndpointId": "vpce-1", **parameters}, "vpce-1", Phase.MODIFY, "x")


def test_a_valid_step_with_markers_passes() -> None:
    check_step(step("ec2:ModifyVpcEndpoint", {"VpcEndpointId": "vpce-1", "AddSecurityGroupIds": [new_id("sg")],
                                              "PolicyDocument": placeholder("policy")},
                    "vpce-1", Phase.MODIFY, "x", decision="choose the principals"))


@pytest.mark.parametrize("bad", [
    _endpoint(AddRouteTableId=["rtb-1"]),  # no such parameter
    _endpoint(PrivateDnsEnabled="yes"),  # wrong type
    step("ec2:CreateVpcEndpoint", {"VpcEndpointType": "Gateway"}, "vpc-1", Phase.CREATE, "x"),  # VpcId missing
])
def test_unknown_mistyped_or_missing_parameters_fail(bad: FixStep) -> None:
    with pytest.raises(ParamValidationError):
        check_step(bad)


def test_a_wrong_dry_run_claim_or_output_path_fails() -> None:
    with pytest.raises(AssertionError, match="dry_run"):
        check_step(FixStep("ec2:ModifyVpcAttribute", {"VpcId": "vpc-1", "EnableDnsSupport": {"Value": True}},
                           "vpc-1", Phase.MODIFY, "x", dry_run=True))
    with pytest.raises(AssertionError, match=r"no VpcEndpoint\.Id"):
        check_step(step("ec2:CreateVpcEndpoint", {"VpcId": "vpc-1"}, "vpc-1", Phase.CREATE, "x", creates="e",
                        output="VpcEndpoint.Id"))


def test_a_placeholder_without_a_decision_cannot_even_be_built() -> None:
    with pytest.raises(ValueError, match="needs a decision"):
        _endpoint(PolicyDocument=placeholder("policy"))
