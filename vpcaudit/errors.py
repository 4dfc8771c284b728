"""One error root for everything a user can get wrong or an environment can refuse.

Why one root: every face (the CLI, the Lambda handler, a library caller) must tell "the input
is wrong, say so in one line" from "vpcaudit has a bug". Everything below :class:`VpcauditError`
is the former; anything else is the latter and keeps its traceback.

Why a *setting* rather than a flag name: the library does not know how it was called. A
:class:`UsageError` names the setting it is about (``regions``, ``role_arns``, ``pricing``…,
the names of the option bundles in :mod:`vpcaudit.options` and of the Lambda event), and each
face spells that setting its own way: ``--region`` on the command line, ``regions`` in an event.
"""

from __future__ import annotations


class VpcauditError(Exception):
    """A problem the user or the environment can fix; faces show it as one line (CLI exit 2)."""


class UsageError(VpcauditError):
    """A setting, file or combination that cannot be used.

    ``setting`` is the option-bundle name of what is wrong (None when no single setting is to
    blame); ``str()`` is the message without it, so each face can prefix its own spelling.
    """

    def __init__(self, message: str, setting: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.setting = setting


class CredentialsError(VpcauditError):
    """Missing, invalid or expired AWS credentials: nothing can be collected."""


class CollectionError(VpcauditError):
    """The collection cannot start (e.g. the regions cannot be listed, the endpoint does not answer)."""


class ReadOnlyViolation(RuntimeError):
    """Raised by the read-only guard before a non-read-only request is even built.

    Deliberately *not* a :class:`VpcauditError` (nor a botocore error): a collector that tries to
    write is a bug, so no face may turn it into a polite one-liner and no collector's error
    handling may swallow it; the whole run stops with its traceback.
    """


def describe(error: VpcauditError, spell: dict[str, str] | None = None) -> str:
    """``error`` as one line, its setting spelled the face's way (``spell``: setting → name)."""
    if isinstance(error, UsageError) and error.setting:
        name = (spell or {}).get(error.setting, error.setting)
        return f"{name}: {error.message}"
    return str(error)
