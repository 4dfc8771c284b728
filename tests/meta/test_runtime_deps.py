"""The CLI must run on exactly the declared runtime dependencies.

typer ≥ 0.20 vendors its own click, so `click` is only present in the test environment by
accident (moto[server] → flask). Importing it would crash a fresh `pip install vpcaudit`;
this test hides it and drives every command's --help.
"""

from __future__ import annotations

import subprocess
import sys

COMMANDS = ("collect", "audit", "scan", "path", "plan", "diff", "rules", "iam-policy", "demo", "merge", "package")


def test_cli_works_without_the_click_package() -> None:
    script = (
        "import sys\n"
        "sys.modules['click'] = None  # any `import click` now raises ImportError\n"
        "from typer.testing import CliRunner\n"
        "from vpcaudit.cli import app\n"
        f"for command in {COMMANDS!r}:\n"
        "    result = CliRunner().invoke(app, [command, '--help'])\n"
        "    assert result.exit_code == 0, (command, result.output, result.exception)\n"
        "print('ok')\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0 and done.stdout.strip() == "ok", done.stderr
