"""One error root for everything a user can get wrong or an environment can refuse.

Why one root: every face (the CLI, the Lambda handler, a library caller) must tell "the input
is wrong, say so in one line" from "vpcaudit has a bug". Everything below :class:`VpcauditError`
is the former (the CLI exits 2 on it); anything else is the latter and keeps its traceback.

Why a *setting* rather than a flag name: the library does not know how it was called. An error
may name the setting it is about (``regions``, ``role_arns``, ``pricing``…: the names of
:mod:`vpcaudit.options`, which are also the Lambda event's keys), and each face spells that
setting its own way through :func:`describe`: ``--region`` on the command line. ``str()`` of an
error uses the setting's own name, which is what the Lambda handler and library callers see.
"""

from __future__ import annotations

from collections.abc import Mapping


class VpcauditError(Exception):
    """A problem the user or the environment can fix; faces show it as one line."""

    def __init__(self, message: str, setting: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.setting = setting  # the option-bundle setting it is about, if any

    def __str__(self) -> str:
        return f"{self.setting}: {self.message}" if self.setting else self.message


class UsageError(VpcauditError):
    """A setting, file or combination that cannot be used: fix the input and run again."""


class CredentialsError(VpcauditError):
    """Missing, invalid or expired AWS credentials: nothing can be collected."""


class CollectionError(VpcauditError):
    """The collection cannot start (e.g. the regions cannot be listed, the endpoint does not answer)."""


class ThrottledError(CollectionError):
    """AWS still throttled, after retries, a call the collection cannot start without (the account
    list, the identity, the Region list): nothing is wrong but the moment, so try again later. A
    scheduler matches this class by name to retry with backoff."""


class ReadOnlyViolation(RuntimeError):
    """Raised by the read-only guard before a non-read-only request is even built.

    Deliberately *not* a :class:`VpcauditError` (nor a botocore error): a collector that tries to
    write is a bug, so no face may turn it into a polite one-liner and no collector's error
    handling may swallow it; the whole run stops with its traceback.
    """


def describe(error: VpcauditError, spelling: Mapping[str, str]) -> str:
    """``error`` as one line, its setting spelled the face's way (``spelling``: setting → name)."""
    if error.setting:
        return f"{spelling.get(error.setting, error.setting)}: {error.message}"
    return error.message
