"""Reading the TOML files a user hands vpcaudit (configuration, suppressions, pricing) safely.

Why one reader: each of those files is input a user (or a repository) controls, and each must
fail the same way — one line naming the file and the reason — whether it is missing, not UTF-8,
not TOML, or nested so deeply that the parser itself gives up (RecursionError).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from vpcaudit.textfile import read_text

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib


class UnreadableToml(ValueError):
    """The file exists but is not a TOML document vpcaudit can use; ``str()`` says why."""


def read_toml(path: str | Path) -> dict[str, Any]:
    """The document in ``path``. A missing file raises FileNotFoundError (callers name what was
    expected there); any other failure raises :class:`UnreadableToml`."""
    p = Path(path)
    try:
        return tomllib.loads(read_text(p))
    except FileNotFoundError:
        raise
    except RecursionError:
        raise UnreadableToml("not a readable TOML file: nested too deeply") from None
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise UnreadableToml(f"not a readable TOML file: {reason}") from None
