"""The AWS Lambda function package: vpcaudit and its runtime dependencies, without the CLI's.

Why a builder of its own: ``pip install vpcaudit`` brings typer and its tree (click, rich,
pygments, markdown-it…), about 22 MB that a function never imports, and botocore's models of
some 400 services of which vpcaudit calls ten. The package is built from the distributions
installed here — the exact versions the tests ran — and contains:

* vpcaudit without ``vpcaudit.cli`` (typer) and ``vpcaudit.demo`` (moto), with its rule pack,
  templates and a ``dist-info`` carrying its entry points (the built-in rule pack is found
  through them, as in any installation);
* every distribution vpcaudit requires, transitively, except typer and what only typer needs;
* botocore's data for the services vpcaudit calls (:data:`SERVICES`, derived from the
  operations the collectors, the organization discovery and the writers declare), newest API
  version only, plus the endpoint and partition files every client reads;
* pure Python only: compiled extensions are left out (MarkupSafe then uses its own pure-Python
  fallback), so one zip runs on any Lambda architecture and Python 3.10+ runtime.

The zip is deterministic (sorted entries, fixed timestamps): the same installation gives the same
bytes, so a deployment changes only when vpcaudit or a dependency did.
"""

from __future__ import annotations

import importlib.util
import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from vpcaudit import __version__
from vpcaudit.aws.organization import OPERATIONS as DISCOVERY_OPERATIONS
from vpcaudit.collectors.catalog import declared_operations
from vpcaudit.errors import UsageError
from vpcaudit.files import atomic_write_bytes
from vpcaudit.snapshot.model import Part
from vpcaudit.writers import s3, sns

# typer: the CLI's, the function never imports it. msgspec: compiled only (no pure-Python fallback);
# without it the snapshot reader decodes accounts its own way (vpcaudit/snapshot/typed_json.py).
LEFT_OUT_REQUIREMENTS = frozenset({"typer", "msgspec"})
LEFT_OUT_PACKAGES = ("vpcaudit/cli/", "vpcaudit/demo/")
COMPILED = (".so", ".pyd", ".dylib")
ZIP_DATE = (1980, 1, 1, 0, 0, 0)
BOTOCORE_SHARED_DATA = ("endpoints.json", "partitions.json", "sdk-default-configuration.json", "_retry.json")
_REQUIREMENT_NAME = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)")


def _services() -> frozenset[str]:
    operations = {*declared_operations(set(Part)), *DISCOVERY_OPERATIONS, *s3.OPERATIONS,
                  *s3.S3Reader.OPERATIONS, *sns.OPERATIONS, "sts:AssumeRole"}
    return frozenset(op.split(":")[0] for op in operations)


SERVICES = _services()


@dataclass(frozen=True)
class PackageReport:
    path: Path
    size_bytes: int
    unpacked_bytes: int
    files: int
    distributions: tuple[str, ...]  # name==version, sorted


def _canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _requirements(dist: metadata.Distribution) -> Iterator[str]:
    """Names of ``dist``'s unconditional requirements (markers other than extras are left to
    whether the distribution is installed here)."""
    for requirement in dist.requires or ():
        name_part, _, marker = requirement.partition(";")
        if "extra" in marker:
            continue
        match = _REQUIREMENT_NAME.match(name_part)
        if match:
            yield _canonical(match.group(1))


def runtime_distributions() -> list[metadata.Distribution]:
    """vpcaudit's runtime closure, without the CLI's requirements (and what only they need)."""
    found: dict[str, metadata.Distribution] = {}
    todo = [r for r in _requirements(metadata.distribution("vpcaudit")) if r not in LEFT_OUT_REQUIREMENTS]
    while todo:
        name = todo.pop()
        if name in found:
            continue
        try:
            dist = metadata.distribution(name)
        except metadata.PackageNotFoundError:
            continue  # a marker excluded it here (tomli on Python ≥ 3.11)
        found[name] = dist
        todo.extend(_requirements(dist))
    return [found[name] for name in sorted(found)]


def _wanted(relative: str) -> bool:
    parts = relative.split("/")
    if "__pycache__" in parts or relative.endswith((".pyc", *COMPILED)) or parts[0] in ("..", "bin"):
        return False
    if parts[0] == "botocore" and len(parts) > 2 and parts[1] == "data":
        return parts[2] in BOTOCORE_SHARED_DATA or parts[2] in SERVICES
    return True


def _newest_only(entries: dict[str, Path]) -> dict[str, Path]:
    """Drop every botocore API version but the newest of each service (the one clients load)."""
    versions: dict[str, set[str]] = {}
    for name in entries:
        parts = name.split("/")
        if parts[:2] == ["botocore", "data"] and len(parts) > 4:
            versions.setdefault(parts[2], set()).add(parts[3])
    newest = {service: max(found) for service, found in versions.items()}
    return {name: path for name, path in entries.items()
            if not (name.startswith("botocore/data/") and len(name.split("/")) > 4
                    and name.split("/")[3] != newest[name.split("/")[2]])}


def _distribution_files(dist: metadata.Distribution) -> dict[str, Path]:
    entries: dict[str, Path] = {}
    for file in dist.files or ():
        relative = str(file).replace("\\", "/")
        if _wanted(relative):
            entries[relative] = Path(str(dist.locate_file(file)))
    return entries


def _vpcaudit_files() -> tuple[dict[str, Path], dict[str, str]]:
    """vpcaudit's own modules, rule pack and templates, found where Python imports them from (a
    wheel or an editable checkout alike), and a small dist-info with its entry points."""
    entries: dict[str, Path] = {}
    for package in ("vpcaudit", "vpcaudit/rules", "vpcaudit/templates"):
        folder = _folder_of(package.replace("/", "."))
        for path in sorted(folder.rglob("*")):
            relative = f"{package}/{path.relative_to(folder).as_posix()}"
            if path.is_file() and _wanted(relative) and not relative.startswith(LEFT_OUT_PACKAGES):
                entries.setdefault(relative, path)
    info = f"vpcaudit-{__version__}.dist-info"
    dist = metadata.distribution("vpcaudit")
    texts = {f"{info}/METADATA": f"Metadata-Version: 2.1\nName: vpcaudit\nVersion: {__version__}\n",
             f"{info}/entry_points.txt": dist.read_text("entry_points.txt") or ""}
    return entries, texts


def _folder_of(package: str) -> Path:
    """Where Python imports ``package`` from (found, not imported: the rule pack stays unloaded)."""
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise UsageError(f"{package} is not installed as a package here: reinstall vpcaudit", "output")
    return Path(next(iter(spec.submodule_search_locations)))


def build(output: str | Path) -> PackageReport:
    """Write the function zip to ``output`` (atomically) and say what is in it."""
    target = Path(output)
    if target.is_dir():
        raise UsageError(f"{target} is a folder: name the zip file to write", "output")
    distributions = runtime_distributions()
    files: dict[str, Path] = {}
    for dist in distributions:
        files.update(_distribution_files(dist))
    own, texts = _vpcaudit_files()
    files.update(own)
    files = _newest_only(files)
    blobs = {name: path.read_bytes() for name, path in files.items()}
    blobs.update({name: text.encode("utf-8") for name, text in texts.items()})
    data = _zip(blobs)
    atomic_write_bytes(target, data)
    return PackageReport(target, len(data), sum(len(b) for b in blobs.values()), len(blobs),
                         tuple(f"{d.metadata['Name']}=={d.version}" for d in distributions))


def _zip(blobs: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name in sorted(blobs):
            info = zipfile.ZipInfo(name, ZIP_DATE)
            info.external_attr = 0o644 << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, blobs[name])
    return buffer.getvalue()
