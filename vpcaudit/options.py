"""Every setting vpcaudit takes, declared once, and the option bundles built from them.

Why one table: the same setting reaches vpcaudit through three faces — a command-line flag, a
key of ``vpcaudit.toml`` / ``[tool.vpcaudit]``, a key of a Lambda event (or its ``VPCAUDIT_*``
variable). Declaring each :class:`Setting` once (its name, kind, help, flag spelling and the
faces it is offered on) keeps those faces from drifting apart: the CLI builds its options from
this table, the config reader and the Lambda handler parse raw values with :func:`parse_value`,
and all of them end in the same validating builders, :func:`collect_options` and
:func:`audit_options`. A bad value is a :class:`~vpcaudit.errors.UsageError` naming the
*setting*; each face spells it its own way.
"""

from __future__ import annotations

import keyword
import re
import urllib.parse
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import Any

from vpcaudit.aws.accounts import DEFAULT_SESSION_NAME, AccountPlan, plan_accounts
from vpcaudit.aws.budget import CALLS_PER_ACCOUNT_REGION, DEFAULT_CONCURRENCY
from vpcaudit.aws.organization import plan_discovery
from vpcaudit.engine.rule import Severity
from vpcaudit.engine.service_ports import EXAMPLE as SERVICE_PORT_EXAMPLE
from vpcaudit.engine.service_ports import parse_service_ports, service_port_echo, service_port_entries
from vpcaudit.engine.severity import parse_severity_overrides, severity_entries
from vpcaudit.errors import UsageError
from vpcaudit.snapshot.model import Part
from vpcaudit.writers.s3 import check_kms_key
from vpcaudit.writers.sns import check_topic


class Kind(str, Enum):
    """How a setting's value is written and parsed."""

    TEXT = "text"  # one string
    TEXTS = "texts"  # strings: repeated, listed, or comma-separated
    FLAG = "flag"  # true / false
    SEVERITY = "severity"  # critical | high | medium | low | info
    PATH = "path"  # one file
    PATHS = "paths"  # several files or folders
    COUNT = "count"  # a whole number within bounds
    SEVERITY_MAP = "severity-map"  # RULE=SEVERITY entries; a table of rule id = severity in a file or event
    PORT_MAP = "port-map"  # SERVICE=PORT entries; a table of service name = ports in a file or event


class Face(str, Enum):
    """Where a setting can be given."""

    CLI = "cli"
    CONFIG = "config"  # vpcaudit.toml / [tool.vpcaudit]
    EVENT = "event"  # Lambda event key, with a VPCAUDIT_<NAME> environment fallback


ALL_FACES = frozenset(Face)
PANEL_COLLECTION = "AWS collection"
PANEL_SELECTION = "Rule selection"
PANEL_POLICY = "Pass/fail policy"
PANEL_INPUTS = "Audit inputs"
PANEL_ORGANIZATION = "AWS Organizations"


@dataclass(frozen=True)
class Setting:
    """One setting: its canonical name (option-bundle field, event key), how it is written, what it does."""

    name: str
    kind: Kind
    help: str
    flag: str | None  # the command-line spelling (None: not offered on the command line)
    panel: str
    default: Any = None
    short: str | None = None
    metavar: str | None = None
    faces: frozenset[Face] = ALL_FACES
    bounds: tuple[int, int] | None = None  # COUNT only
    config_key: str | None = None  # default: the name with dashes

    @property
    def param(self) -> str:
        """The Python parameter name (``with`` is a keyword)."""
        return self.name + "_" if keyword.iskeyword(self.name) else self.name

    @property
    def key(self) -> str:
        """The configuration-file key."""
        return self.config_key or self.name.replace("_", "-")


# Extras collected only on request: what each costs is in the help text.
WITH_PARTS: dict[str, Part] = {"s3-policies": Part.BUCKET_POLICIES, "metrics": Part.METRICS}
ALL_REGIONS = "all"
# A region name as AWS spells them: us-east-1, eu-central-2, us-gov-west-1, cn-northwest-1.
REGION_NAME = re.compile(r"[a-z]{2}(-[a-z]+)+-\d{1,2}")
# AWS Organizations' documented id shape, and an account id.
ORG_ID = re.compile(r"o-[a-z0-9]{10,32}")
ACCOUNT_ID = re.compile(r"\d{12}")

COLLECT_SETTINGS: tuple[Setting, ...] = (
    Setting("profile", Kind.TEXT, "AWS profile to use (default: AWS_PROFILE, else the default credential chain: "
            "environment, SSO, instance or task role).", "--profile", PANEL_COLLECTION, metavar="NAME",
            faces=frozenset({Face.CLI})),
    Setting("regions", Kind.TEXTS, "Region to collect; repeat it or use commas for several (default: the "
            "profile's region). 'all' means every region enabled for the account.", "--region", PANEL_COLLECTION,
            default=(), short="-r", metavar="REGION"),
    Setting("all_regions", Kind.FLAG, "Collect every region enabled for the account (found with "
            "ec2:DescribeRegions).", "--all-regions", PANEL_COLLECTION, default=False, faces=frozenset({Face.CLI})),
    Setting("endpoint_url", Kind.TEXT, "Send every AWS call to this endpoint instead of AWS (a moto server, "
            "LocalStack).", "--endpoint-url", PANEL_COLLECTION, metavar="URL", faces=frozenset({Face.CLI})),
    Setting("with", Kind.TEXTS, "Opt-in data, comma-separated: s3-policies (one GetBucketPolicy per bucket), "
            "metrics (CloudWatch traffic of interface endpoints and NAT gateways).", "--with", PANEL_COLLECTION,
            default=(), metavar="EXTRAS"),
    Setting("metrics_days", Kind.COUNT, "Look-back window of --with metrics.", "--metrics-days", PANEL_COLLECTION,
            default=14, metavar="DAYS", bounds=(1, 455)),
    Setting("role_arns", Kind.TEXTS, "Collect the account of this IAM role, assumed with sts:AssumeRole from the "
            "base credentials; repeatable. Accounts are collected concurrently.", "--role-arn", PANEL_COLLECTION,
            default=(), metavar="ARN"),
    Setting("accounts_file", Kind.PATH, "Text file of role ARNs to collect through, one per line ('#' starts a "
            "comment); adds to --role-arn.", "--accounts-file", PANEL_COLLECTION, metavar="FILE",
            faces=frozenset({Face.CLI, Face.CONFIG})),
    Setting("external_id", Kind.TEXT, "External id for every sts:AssumeRole (when the roles' trust policies "
            "require one).", "--external-id", PANEL_COLLECTION, metavar="ID"),
    Setting("role_session_name", Kind.TEXT, "Session name of the assumed roles (shows in the accounts' "
            "CloudTrail).", "--role-session-name", PANEL_COLLECTION, default=DEFAULT_SESSION_NAME, metavar="NAME"),
    Setting("include_base_account", Kind.FLAG, "With --role-arn/--accounts-file, also collect the base "
            "credentials' own account (without roles it is the only one collected).", "--include-base-account",
            PANEL_COLLECTION, default=False),
    Setting("org", Kind.FLAG, "Collect every ACTIVE account of the AWS Organization (organizations:ListAccounts, "
            "from the management or a delegated-administrator account) through --role-name; suspended and "
            "closing accounts are skipped and listed.", "--org", PANEL_ORGANIZATION, default=False),
    Setting("ous", Kind.TEXTS, "Collect the ACTIVE accounts of this organizational unit and every OU below it "
            "(or of a root, r-…) through --role-name; repeatable.", "--ou", PANEL_ORGANIZATION, default=(),
            metavar="OU_ID"),
    Setting("exclude_accounts", Kind.TEXTS, "Leave this account of the organization out; repeatable.",
            "--exclude-account", PANEL_ORGANIZATION, default=(), metavar="ID"),
    Setting("role_name", Kind.TEXT, "With --org/--ou: the role assumed in each account "
            "(arn:<partition>:iam::<account>:role/NAME, in the credentials' partition).", "--role-name",
            PANEL_ORGANIZATION, metavar="NAME"),
    Setting("concurrency", Kind.COUNT, f"AWS calls in flight at once across the run; each account-Region is "
            f"further held to {CALLS_PER_ACCOUNT_REGION}, whatever this number, so more accounts are read at once "
            f"but no account is read harder. 0 = fitted: {CALLS_PER_ACCOUNT_REGION} per Region of a lone account "
            f"(at least {DEFAULT_CONCURRENCY}), {DEFAULT_CONCURRENCY} for several accounts.", "--concurrency",
            PANEL_COLLECTION, default=0, metavar="CALLS", bounds=(0, 1024)),
    Setting("processes", Kind.COUNT, "Processes that collect: the accounts of a multi-account run, or a lone "
            "account's Regions; each gets its share of --concurrency (reading AWS's answers is CPU work, one core "
            "per process). 0 = one per usable CPU, where there is enough to share; 1 = all in this one.",
            "--processes", PANEL_COLLECTION, default=0, metavar="N", bounds=(0, 256)),
)

AUDIT_SETTINGS: tuple[Setting, ...] = (
    Setting("select", Kind.TEXTS, "Run only these rules: ids or prefixes, comma-separated or repeated (DNS, "
            "SG00, IFE003).", "--select", PANEL_SELECTION, default=(), metavar="IDS"),
    Setting("ignore", Kind.TEXTS, "Skip these rules (ids or prefixes), applied after --select.", "--ignore",
            PANEL_SELECTION, default=(), metavar="IDS"),
    Setting("min_severity", Kind.SEVERITY, "Run only rules whose severity is at least this, and drop lower "
            "findings.", "--min-severity", PANEL_SELECTION),
    Setting("rules_dirs", Kind.PATHS, "Also load rules from the *.py files of this folder (a local pack: its "
            "Python runs with your AWS credentials).", "--rules-dir", PANEL_SELECTION, default=(), metavar="DIR",
            faces=frozenset({Face.CLI, Face.CONFIG}), config_key="rules-dir"),
    # A configuration file (perhaps in a repository someone else wrote) must opt in before its
    # rules-dir is imported: that Python runs with the user's credentials.
    Setting("trust_rules_dir", Kind.FLAG, "Let this file's rules-dir load: the folders' Python runs with your AWS "
            "credentials.", None, PANEL_SELECTION, default=False, faces=frozenset({Face.CONFIG})),
    Setting("fail_on", Kind.SEVERITY, "Exit 1 when a failing finding has this severity or worse.", "--fail-on",
            PANEL_POLICY, default=Severity.HIGH),
    Setting("strict", Kind.FLAG, "Exit 3 when any rule could not be evaluated (missing permissions, data not "
            "collected) or errored, unless findings already exit 1.", "--strict", PANEL_POLICY, default=False),
    Setting("suppressions", Kind.PATH, "TOML file of accepted findings ([[suppress]] rule, resource or tag, "
            "reason, expires).", "--suppressions", PANEL_POLICY, metavar="FILE",
            faces=frozenset({Face.CLI, Face.CONFIG})),
    Setting("pricing", Kind.PATH, "TOML file overriding list prices ([pricing] nat_gateway_hour = 0.052 …).",
            "--pricing", PANEL_INPUTS, metavar="FILE", faces=frozenset({Face.CLI, Face.CONFIG})),
    Setting("trusted_org_ids", Kind.TEXTS, "Organizations (o-…) an endpoint policy's scoping condition may name: "
            "with a trusted boundary, POL002 treats any other organization or a wildcard as no guardrail.",
            None, PANEL_POLICY, default=(), faces=frozenset({Face.CONFIG, Face.EVENT})),
    Setting("trusted_accounts", Kind.TEXTS, "Accounts (12 digits) an endpoint policy's scoping condition may name, "
            "beside the trusted organizations.", None, PANEL_POLICY, default=(),
            faces=frozenset({Face.CONFIG, Face.EVENT})),
    Setting("severity", Kind.SEVERITY_MAP, "Judge a rule's findings at another severity, e.g. SG002=high; "
            "repeatable or comma-separated (in vpcaudit.toml: a [severity] table). Reports show the rule's own "
            "severity as overridden.", "--severity", PANEL_POLICY, default=(), metavar="RULE=LEVEL"),
    Setting("service_ports", Kind.PORT_MAP, "The TCP port a PrivateLink service listens on, as its provider told "
            f"you (such a service publishes none), e.g. {SERVICE_PORT_EXAMPLE}; repeat it for more ports or "
            "services (in vpcaudit.toml: a [service-ports] table of service name = [ports]). The security-group "
            "and NACL rules judge the service's endpoints on it instead of reporting them not evaluated; of "
            "several ports, 443 (where given) is the one every client needs, otherwise any one serves.",
            "--service-port", PANEL_INPUTS, default=(), metavar="SERVICE=PORT"),
)

PANEL_DELIVERY = "Delivery"
DELIVERY_SETTINGS: tuple[Setting, ...] = (
    Setting("s3_kms_key", Kind.TEXT, "With -o s3://…: encrypt the objects with this KMS key (SSE-KMS; id, ARN or "
            "alias) instead of S3-managed keys (SSE-S3).", "--s3-kms-key", PANEL_DELIVERY, metavar="KEY"),
    Setting("sns_topic", Kind.TEXT, "Also publish a short summary (counts, exit code, where the report is) to "
            "this SNS topic.", "--sns-topic", PANEL_DELIVERY, metavar="ARN"),
)
DIFF_SETTINGS: tuple[Setting, ...] = (
    Setting("allow_disjoint", Kind.FLAG, "Compare snapshots that share no account and Region (all of it is then "
            "listed as not compared). Without it that is an error: it usually means a wrong file.",
            "--allow-disjoint", PANEL_POLICY, default=False, faces=frozenset({Face.CLI})),
)

SETTINGS: dict[str, Setting] = {s.name: s for s in (*COLLECT_SETTINGS, *AUDIT_SETTINGS, *DELIVERY_SETTINGS,
                                                    *DIFF_SETTINGS)}
# How the command line names a setting in messages: its flag, or its configuration-file key.
CLI_SPELLING: dict[str, str] = {s.name: s.flag or s.key for s in SETTINGS.values()}


@dataclass(frozen=True)
class CollectOptions:
    """Where and what to collect, validated: the same for ``collect``, ``scan`` and a Lambda audit."""

    profile: str | None = None
    regions: tuple[str, ...] | None = ()  # None: every enabled region; (): the session's own region
    endpoint_url: str | None = None
    opt_in: frozenset[Part] = frozenset()  # extras asked for with ``with``
    metrics_days: int = 14
    accounts: AccountPlan = field(default_factory=AccountPlan)  # default: the credentials' own account
    concurrency: int = 0  # AWS calls in flight across the run; 0: fitted (see CallBudget)
    processes: int = 0  # processes collecting the accounts (or a lone account's Regions); 0: one per usable CPU


@dataclass(frozen=True)
class AuditOptions:
    """What to audit and how: the same for ``audit``, ``scan``, ``diff`` and a Lambda audit."""

    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    min_severity: Severity | None = None
    fail_on: Severity = Severity.HIGH
    strict: bool = False
    suppressions: Path | None = None
    pricing: Path | None = None
    rules_dirs: tuple[Path, ...] = ()
    trusted_org_ids: tuple[str, ...] = ()  # the trusted boundary of endpoint policies (POL002)
    trusted_accounts: tuple[str, ...] = ()
    severity: Mapping[str, Severity] = field(default_factory=dict)  # rule id → the severity its findings get
    # PrivateLink service name → the ports its provider listens on (the service publishes none)
    service_ports: Mapping[str, tuple[int, ...]] = field(default_factory=dict)

    def echo(self) -> dict[str, str]:
        """The options as strings, recorded in the result for the report header."""
        out = {"select": ",".join(self.select), "ignore": ",".join(self.ignore),
               "min_severity": self.min_severity.value if self.min_severity else "",
               "fail_on": self.fail_on.value, "strict": str(self.strict).lower(),
               "suppressions": str(self.suppressions or ""), "pricing": str(self.pricing or ""),
               "rules_dirs": ",".join(str(d) for d in self.rules_dirs),
               "trusted_org_ids": ",".join(self.trusted_org_ids), "trusted_accounts": ",".join(self.trusted_accounts),
               "severity": ",".join(f"{rule}={level.value}" for rule, level in sorted(self.severity.items())),
               "service_ports": service_port_echo(self.service_ports)}
        return {k: v for k, v in out.items() if v}


@dataclass(frozen=True)
class DeliveryOptions:
    """Where reports go besides files: the encryption of S3 objects, and a topic for the summary."""

    kms_key: str | None = None
    sns_topic: str | None = None


def split_values(values: Sequence[str] | str | None) -> list[str]:
    """Repeated and comma-separated values, flattened, blanks dropped, order kept, duplicates once."""
    if isinstance(values, str):
        values = [values]
    return list(dict.fromkeys(v.strip() for value in values or () for v in value.split(",") if v.strip()))


def collect_options(values: Mapping[str, Any]) -> CollectOptions:
    """Validate collection settings (canonical names → typed values) into a :class:`CollectOptions`.

    Missing settings take their declared defaults. Nothing here touches AWS: the session's own
    region is filled in when collecting, where the profile is known to exist.
    """
    get = _getter(values)
    regions = split_values(get("regions"))
    every = bool(get("all_regions")) or regions == [ALL_REGIONS]
    if ALL_REGIONS in regions and regions != [ALL_REGIONS]:
        raise UsageError(f"'{ALL_REGIONS}' cannot be combined with region names", "regions")
    if every and regions and regions != [ALL_REGIONS]:
        raise UsageError("give region names or all regions, not both", "regions")
    bad = [name for name in regions if name != ALL_REGIONS and not REGION_NAME.fullmatch(name)]
    if bad:
        raise UsageError(f"not a region name: {bad[0]!r} (expected e.g. eu-west-1, or \"{ALL_REGIONS}\")", "regions")
    extras = split_values(get("with"))
    unknown = [name for name in extras if name not in WITH_PARTS]
    if unknown:
        raise UsageError(f"unknown extra {', '.join(unknown)} (choose from {', '.join(WITH_PARTS)})", "with")
    discovery = plan_discovery(bool(get("org")), split_values(get("ous")), split_values(get("exclude_accounts")),
                               get("role_name"))
    accounts = plan_accounts(split_values(get("role_arns")), get("accounts_file"), external_id=get("external_id"),
                             session_name=get("role_session_name"),
                             include_base=bool(get("include_base_account")), discovery=discovery)
    return CollectOptions(profile=get("profile"), regions=None if every else tuple(regions),
                          endpoint_url=_endpoint(get("endpoint_url")), opt_in=frozenset(WITH_PARTS[e] for e in extras),
                          metrics_days=_count(SETTINGS["metrics_days"], get("metrics_days")), accounts=accounts,
                          concurrency=_count(SETTINGS["concurrency"], get("concurrency")),
                          processes=_count(SETTINGS["processes"], get("processes")))


def audit_options(values: Mapping[str, Any]) -> AuditOptions:
    """Validate audit settings (canonical names → typed values) into an :class:`AuditOptions`."""
    get = _getter(values)
    return AuditOptions(
        select=tuple(split_values(get("select"))), ignore=tuple(split_values(get("ignore"))),
        min_severity=_severity(SETTINGS["min_severity"], get("min_severity")),
        fail_on=_severity(SETTINGS["fail_on"], get("fail_on")) or Severity.HIGH, strict=bool(get("strict")),
        suppressions=_path(get("suppressions")), pricing=_path(get("pricing")),
        rules_dirs=tuple(Path(p) for p in get("rules_dirs") or ()),
        trusted_org_ids=_checked(split_values(get("trusted_org_ids")), ORG_ID, "an organization id (o-…)",
                                 "trusted_org_ids"),
        trusted_accounts=_checked(split_values(get("trusted_accounts")), ACCOUNT_ID, "a 12-digit account id",
                                  "trusted_accounts"),
        severity=parse_severity_overrides(get("severity")), service_ports=parse_service_ports(get("service_ports")))


def delivery_options(values: Mapping[str, Any]) -> DeliveryOptions:
    """Validate delivery settings into a :class:`DeliveryOptions` (no AWS call)."""
    get = _getter(values)
    return DeliveryOptions(kms_key=check_kms_key(get("s3_kms_key")), sns_topic=check_topic(get("sns_topic")))


def parse_value(setting: Setting, raw: Any) -> Any:
    """A raw value from a config file, an event or an environment variable, checked against the
    setting's kind (strings are accepted for every kind: an environment variable has no other shape)."""
    if raw is None:
        return None
    kind = setting.kind
    if kind is Kind.FLAG:
        return _flag(setting, raw)
    if kind is Kind.COUNT:
        return _count(setting, raw)
    if kind is Kind.SEVERITY:
        return _severity(setting, raw)
    if kind is Kind.SEVERITY_MAP:
        # Kept as RULE=LEVEL entries, the shape the command line takes, so a file's table can be
        # an option default; checked now, so a bad entry fails where it was written.
        entries = severity_entries(raw)
        parse_severity_overrides(entries)
        return entries
    if kind is Kind.PORT_MAP:  # the same, for SERVICE=PORT entries
        entries = service_port_entries(raw)
        parse_service_ports(entries)
        return entries
    if kind in (Kind.TEXTS, Kind.PATHS):
        if isinstance(raw, str) or (isinstance(raw, list) and all(isinstance(v, str) for v in raw)):
            return split_values(raw)
        raise UsageError(f"expected a list of strings or a comma-separated string, got {raw!r}", setting.name)
    if not isinstance(raw, str):
        raise UsageError(f"expected a string, got {raw!r}", setting.name)
    return raw or None


_TRUE = frozenset({"true", "1", "yes", "on"})
_FALSE = frozenset({"false", "0", "no", "off", ""})


def _getter(values: Mapping[str, Any]) -> Any:
    def get(name: str) -> Any:
        value = values.get(name)
        return SETTINGS[name].default if value is None else value

    return get


def _flag(setting: Setting, raw: Any) -> bool:
    if isinstance(raw, bool):
        return raw
    if isinstance(raw, str) and raw.strip().lower() in _TRUE | _FALSE:
        return raw.strip().lower() in _TRUE
    raise UsageError(f"expected true or false, got {raw!r}", setting.name)


def _count(setting: Setting, raw: Any) -> int:
    low, high = setting.bounds or (0, 2**31)
    try:
        value = int(raw.strip()) if isinstance(raw, str) else raw
    except ValueError:
        value = None
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise UsageError(f"expected a whole number from {low} to {high}, got {raw!r}", setting.name)
    return value


def _severity(setting: Setting, raw: Any) -> Severity | None:
    if raw is None or isinstance(raw, Severity):
        return raw
    if isinstance(raw, str) and raw.strip().lower() in {s.value for s in Severity}:
        return Severity(raw.strip().lower())
    raise UsageError(f"expected one of {', '.join(s.value for s in Severity)}, got {raw!r}", setting.name)


def _checked(values: list[str], shape: re.Pattern[str], what: str, setting: str) -> tuple[str, ...]:
    bad = [v for v in values if not shape.fullmatch(v)]
    if bad:
        raise UsageError(f"not {what}: {bad[0]!r}", setting)
    return tuple(values)


def _endpoint(url: str | None) -> str | None:
    """An endpoint URL botocore can use: http(s), a host, nothing a terminal or a request line would
    misread. Checked here, so a typo is one line naming the setting instead of botocore's ValueError."""
    if url is None:
        return None
    parts = urllib.parse.urlsplit(url) if url.isprintable() and " " not in url else None
    if parts is None or parts.scheme not in ("http", "https") or not parts.hostname:
        raise UsageError(f"not an http(s) URL: {url!r} (expected e.g. http://127.0.0.1:5000)", "endpoint_url")
    try:
        parts.port  # noqa: B018  (raises on a port that is not a number in range)
    except ValueError:
        raise UsageError(f"not an http(s) URL: {url!r} (bad port)", "endpoint_url") from None
    return url


def _path(value: str | Path | None) -> Path | None:
    return Path(value) if value else None
