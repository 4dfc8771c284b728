"""Where a command's outputs go: local files and stdout, or an S3 folder (``-o s3://bucket/prefix/``).

One decision shared by every command that writes reports or snapshots, taken before any work:
a malformed S3 URL fails in a second, like an unwritable folder does.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

from vpcaudit import api

S3_DEFAULT_FORMATS = ("json",)  # -o s3://… without -f: the machine-readable result


def deliver_or_plan(formats: Sequence[str], output: str | None, kind: api.DocumentKind = "report", *,
                    inputs: Mapping[str, Path] | None = None) -> tuple[api.S3Location | None, list[api.Target]]:
    """(the S3 folder, no local targets) for an ``s3://`` output, else (None, the local targets,
    checked: writable, and none of them one of the run's ``inputs``)."""
    if output is not None and output.startswith("s3://"):
        return api.s3_location(output), []
    return None, api.outputs(formats, output, kind, inputs=inputs)


def s3_formats(formats: Sequence[str]) -> list[str]:
    return list(formats) or list(S3_DEFAULT_FORMATS)
