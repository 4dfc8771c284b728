"""Results forked audit workers send back are pickled as their constructor's arguments.

Findings and traffic paths travel from each worker to the auditing process by the hundred
thousand; each must come back equal to what was sent, built by its class from its field values
rather than restored field by field.
"""

from __future__ import annotations

import dataclasses
import pickle

import pytest
import synthetic

from vpcaudit import api
from vpcaudit.engine.rule import Finding, ResourceRef
from vpcaudit.network.paths import PathStep, TrafficPath
from vpcaudit.snapshot.bulk import pickled_as_arguments


def test_findings_and_paths_travel_as_constructor_arguments() -> None:
    result = api.audit(synthetic.estate(accounts=2, regions=2, vpcs=3, seed=5))
    path, finding = result.paths[0], next(f for f in result.findings if f.fix and f.evidence)
    for record in (path, path.steps[0], finding, finding.resource):
        assert type(record) in (TrafficPath, PathStep, Finding, ResourceRef)
        made_by, arguments = record.__reduce__()
        assert made_by is type(record) and made_by(*arguments) == record
    sent = (result.paths, result.findings)
    assert pickle.loads(pickle.dumps(sent, protocol=pickle.HIGHEST_PROTOCOL)) == sent


def test_a_class_with_fields_init_does_not_take_is_refused() -> None:
    @dataclasses.dataclass(frozen=True, slots=True)
    class Derived:
        value: int
        double: int = dataclasses.field(init=False, default=0)

    with pytest.raises(TypeError, match="fields its __init__ does not take"):
        pickled_as_arguments(Derived)
