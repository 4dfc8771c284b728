"""`vpcaudit package lambda`: the function zip holds no typer tree, only the botocore models vpcaudit
uses, no compiled code — and the handler runs from it alone (Python with -S: no site-packages)
against a moto server, rules, templates and all."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from aws_env import FAKE_AWS
from moto_server import running_moto

from vpcaudit.lambda_package import SERVICES

VPCAUDIT = Path(sys.executable).with_name("vpcaudit")
CLI_TREE = ("typer", "click", "rich", "pygments", "shellingham", "markdown_it", "mdurl")
LIMIT_MB = 10  # measured 3.1 MB; a regression that pulls a big tree back in fails here


@pytest.fixture(scope="module")
def package(tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("package") / "vpcaudit-lambda.zip"
    done = subprocess.run([str(VPCAUDIT), "package", "lambda", "-o", str(target)], capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stderr
    return target


@pytest.fixture(scope="module")
def moto_url() -> Iterator[str]:
    with running_moto() as url:
        yield url


def test_the_zip_has_no_cli_tree_no_compiled_code_and_only_the_models_it_uses(package: Path) -> None:
    names = zipfile.ZipFile(package).namelist()
    tops = {name.split("/")[0].split("-")[0].lower() for name in names}
    assert not tops & {*CLI_TREE, "msgspec"}  # msgspec: compiled only, and optional
    assert not [n for n in names if n.startswith(("vpcaudit/cli/", "vpcaudit/demo/"))]
    assert not [n for n in names if n.endswith((".so", ".pyd", ".pyc"))]
    models = {n.split("/")[2] for n in names if n.startswith("botocore/data/") and n.count("/") > 3}
    assert models == set(SERVICES) == {"ec2", "sts", "route53", "route53resolver", "redshift", "memorydb", "rds",
                                       "datasync", "mq", "firehose", "s3", "cloudwatch", "organizations", "sns"}
    assert package.stat().st_size < LIMIT_MB * 1024 * 1024


def test_the_zip_is_the_same_bytes_every_time(package: Path, tmp_path: Path) -> None:
    again = tmp_path / "again.zip"
    subprocess.run([str(VPCAUDIT), "package", "lambda", "-o", str(again)], check=True, capture_output=True,
                   timeout=300)
    assert again.read_bytes() == package.read_bytes()


def test_the_handler_runs_from_the_zip_alone(package: Path, tmp_path: Path, moto_url: str) -> None:
    folder = tmp_path / "function"
    zipfile.ZipFile(package).extractall(folder)
    script = (
        "import json, sys\n"
        f"sys.path.insert(0, {str(folder)!r})\n"
        "from vpcaudit.lambda_handler import handler\n"
        "summary = handler({'regions': ['us-east-1'], 'formats': ['json', 'html'], 'return_reports': True}, None)\n"
        "import vpcaudit\n"
        "print(json.dumps({'from': vpcaudit.__file__, 'reports': sorted(summary['reports']),\n"
        "                  'cli': [m for m in ('typer', 'click', 'rich') if m in sys.modules]}))\n"
    )
    env = {"PATH": os.environ.get("PATH", ""), **FAKE_AWS, "AWS_ENDPOINT_URL": moto_url, "NO_PROXY": "127.0.0.1"}
    done = subprocess.run([sys.executable, "-S", "-c", script], capture_output=True, text=True, env=env, timeout=300,
                          cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    answer = json.loads(done.stdout.splitlines()[-1])
    assert answer == {"from": str(folder / "vpcaudit" / "__init__.py"), "reports": ["html", "json"], "cli": []}
