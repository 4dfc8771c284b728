"""Command-line interface: thin wrappers over vpcaudit.api; each command in its own module."""

from __future__ import annotations

from vpcaudit.cli import path as _path  # noqa: F401  (registers `vpcaudit path`)
from vpcaudit.cli.app import app


def main() -> None:
    """Console-script entry point."""
    app()


__all__ = ["app", "main"]
