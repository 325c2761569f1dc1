"""Settings read once from the environment (and an optional .env), each with a default and help."""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dotenv import dotenv_values

PROJECT_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_SQLITE = PROJECT_ROOT / "data" / "asymmetry-monitor.sqlite3"


class SettingsError(ValueError):
    """A setting has a value that cannot be used; the message names it and what is expected."""


PASSWORD_PARAM = re.compile(r"(password=)[^&\s]*", re.IGNORECASE)


def redact(text: str) -> str:
    """`text` with a URL's user:password@ replaced by ***@ (and any password= parameter), even in
    a URL that does not parse (`postgresql+psycopg//am:S3cret@db/am`): errors never echo one."""
    text = PASSWORD_PARAM.sub(r"\1***", text)
    if "@" not in text:
        return text
    credentials, host = text.rsplit("@", 1)  # the last @: a password may hold one
    start = credentials.find("//")
    return (credentials[: start + 2] if start >= 0 else "") + "***@" + host


def _text(raw: str) -> str:
    if not raw.strip():
        raise ValueError("a non-empty text")
    return raw.strip()


def _url(raw: str) -> str:
    value = raw.strip().rstrip("/")
    if not value.startswith(("http://", "https://")):
        raise ValueError("an http:// or https:// URL")
    return value


def _url_or_path(raw: str) -> str:
    return raw.strip()


def _urls(raw: str) -> str:
    """Comma-separated http(s) URLs (or none)."""
    urls = [u.strip() for u in raw.split(",") if u.strip()]
    bad = [u for u in urls if not u.startswith(("http://", "https://"))]
    if bad:
        raise ValueError(f"http:// or https:// URLs separated by commas ({len(bad)} are not)")
    return ",".join(urls)


def _secret(raw: str) -> str:
    return raw.strip()


def _folder(raw: str) -> str:
    value = raw.strip()
    if not value:
        return ""
    path = Path(value).expanduser()
    return str(path if path.is_absolute() else PROJECT_ROOT / path)


def _database_url(raw: str) -> str:
    value = raw.strip()
    if "://" not in value:
        raise ValueError("an SQLAlchemy URL such as sqlite:///data/am.sqlite3 or postgresql://…")
    return value


def _rate(raw: str) -> str:
    value = raw.strip()
    if value.lower() in {"", "off", "0", "false", "no"}:
        return ""  # no limit
    from limits import parse_many  # Flask-Limiter's own parser: what it accepts is accepted

    try:
        parse_many(value)
    except ValueError:
        raise ValueError('a rate such as "600/minute" or "10/second;600/minute", or off') from None
    return value


def _storage_uri(raw: str) -> str:
    value = raw.strip()
    if "://" not in value:
        raise ValueError("a storage URI such as memory:// or redis://host:6379")
    return value


def _bool(raw: str) -> bool:
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ValueError("true or false")


def _int_range(low: int, high: int) -> Callable[[str], int]:
    def parse(raw: str) -> int:
        try:
            value = int(raw.strip())
        except ValueError:
            raise ValueError(f"a whole number from {low} to {high}") from None
        if not low <= value <= high:
            raise ValueError(f"a whole number from {low} to {high}")
        return value

    return parse


def _float_range(low: float, high: float) -> Callable[[str], float]:
    def parse(raw: str) -> float:
        try:
            value = float(raw.strip())
        except ValueError:
            raise ValueError(f"a number from {low} to {high}") from None
        if not low <= value <= high:
            raise ValueError(f"a number from {low} to {high}")
        return value

    return parse


@dataclass(frozen=True)
class Setting:
    """One setting: its environment name, default (as text), parser and one line of help."""

    name: str
    default: str
    parse: Callable[[str], Any]
    help: str


SETTINGS: tuple[Setting, ...] = (
    Setting(
        "DATABASE_URL",
        f"sqlite:///{DEFAULT_SQLITE}",
        _database_url,
        "Where the store lives: an SQLAlchemy URL; SQLite (WAL mode) by default, PostgreSQL "
        "with postgresql+psycopg://…",
    ),
    Setting(
        "WORLDBANK_API_URL",
        "https://api.worldbank.org/v2",
        _url,
        "Base URL of the World Bank Indicators API v2.",
    ),
    Setting(
        "WORLDBANK_PER_PAGE",
        "5000",
        _int_range(1, 32500),
        "Records asked for per page of a World Bank data call (every page is read).",
    ),
    Setting(
        "WORLDBANK_BATCH_SIZE",
        "60",
        _int_range(1, 60),
        "World Bank indicators fetched together in one call (the API allows up to 60).",
    ),
    Setting(
        "SIPRI_MILEX_PAGE",
        "https://www.sipri.org/databases/milex",
        _url,
        "SIPRI's database page; the newest SIPRI-Milex-data-*.xlsx it links is downloaded.",
    ),
    Setting(
        "SIPRI_MILEX_URL",
        "",
        _url_or_path,
        "A fixed SIPRI workbook (https URL or local .xlsx path) instead of the page's newest; "
        "empty = read SIPRI_MILEX_PAGE.",
    ),
    Setting(
        "TRADE_API_URL",
        "https://comtradeapi.un.org/public/v1",
        _url,
        "Base URL of UN Comtrade's public (keyless) API for bilateral trade.",
    ),
    Setting(
        "TRADE_MIN_INTERVAL",
        "1.0",
        _float_range(0, 60),
        "Seconds between two UN Comtrade calls (the keyless preview answers 429 when hurried).",
    ),
    Setting(
        "TRADE_RECENT_YEARS",
        "3",
        _int_range(1, 50),
        "Years a routine trade refresh asks again (plus years never stored); --full asks all.",
    ),
    Setting(
        "RAW_DIR",
        "data/raw",
        _folder,
        "Folder keeping every raw response body, named by its sha256 (relative to the project); "
        "empty = keep none.",
    ),
    Setting(
        "REFRESH_WORLDBANK_HOURS",
        "24",
        _int_range(1, 24 * 366),
        "Hours between World Bank refreshes; a source is shown stale after twice this.",
    ),
    Setting(
        "REFRESH_SIPRI_HOURS",
        "168",
        _int_range(1, 24 * 366),
        "Hours between SIPRI refreshes (SIPRI publishes once a year).",
    ),
    Setting(
        "REFRESH_TRADE_HOURS",
        "168",
        _int_range(1, 24 * 366),
        "Hours between bilateral trade refreshes.",
    ),
    Setting(
        "RETRY_FAILED_MINUTES",
        "30",
        _int_range(1, 24 * 60),
        "After a failed refresh, minutes until the scheduler tries that source again.",
    ),
    Setting(
        "MISFIRE_GRACE_SECONDS",
        "3600",
        _int_range(1, 7 * 24 * 3600),
        "How late a scheduled refresh may still start (e.g. after the machine slept).",
    ),
    Setting(
        "HTTP_TIMEOUT",
        "30",
        _float_range(0.1, 600),
        "Seconds to wait for a source to connect or send data before giving up.",
    ),
    Setting(
        "HTTP_DEADLINE",
        "60",
        _float_range(1, 3600),
        "Seconds one source request may take in all, body included: a source that drips its "
        "answer is cut off after this.",
    ),
    Setting(
        "WORLDBANK_MAX_MB",
        "50",
        _int_range(1, 4096),
        "Largest World Bank answer read, in MB (a page of 5,000 records is about 2 MB).",
    ),
    Setting(
        "SIPRI_MAX_MB",
        "20",
        _int_range(1, 4096),
        "Largest SIPRI download read, in MB.",
    ),
    Setting(
        "TRADE_MAX_MB",
        "50",
        _int_range(1, 4096),
        "Largest UN Comtrade answer read, in MB.",
    ),
    Setting(
        "HTTP_RETRIES",
        "3",
        _int_range(0, 10),
        "Retries of a request on 429, 5xx or a dropped connection, with exponential backoff.",
    ),
    Setting(
        "HTTP_BACKOFF",
        "1.0",
        _float_range(0, 60),
        "Backoff factor in seconds between retries (doubling each time; Retry-After is honoured).",
    ),
    Setting(
        "SCHEDULER",
        "true",
        _bool,
        "Run the refresh scheduler inside `python -m dashboard`; set false when a separate "
        "`python -m fetchers schedule` process runs it.",
    ),
    Setting(
        "SCHEDULER_LEASE_SECONDS",
        "120",
        _int_range(10, 3600),
        "Seconds a scheduler's (or a running refresh's) lease in the store lasts unless renewed; "
        "when its holder dies, another scheduler takes over after this.",
    ),
    Setting(
        "MAX_REMOVED_SHARE",
        "0.05",
        _float_range(0, 1),
        "A release that would blank or drop more than this share of a series' stored values is "
        "refused as suspicious and the old data kept; smaller removals are kept and noted.",
    ),
    Setting(
        "SNAPSHOT",
        "on",
        _bool,
        "Load the bundled starter snapshot (data/snapshot/) into an empty store at start; off "
        "for an empty start.",
    ),
    Setting(
        "DASHBOARD_POLL_SECONDS",
        "30",
        _int_range(2, 3600),
        "How often an open page checks the store for new data and redraws without a reload.",
    ),
    Setting(
        "PUBLIC_URL",
        "http://127.0.0.1:8050",
        _url,
        "The dashboard's address as users reach it; exports put permalinks under it.",
    ),
    Setting("HOST", "127.0.0.1", _text, "Address the dashboard binds to."),
    Setting("PORT", "8050", _int_range(1, 65535), "Port the dashboard listens on."),
    Setting(
        "DASH_DEBUG",
        "false",
        _bool,
        "Dash debug mode (reloader, error pages). Never turn it on for a shared server.",
    ),
    Setting(
        "RATE_LIMIT",
        "600/minute",
        _rate,
        "Requests one client address may make to the routes that do work (callbacks, exports, "
        "data files; never /healthz), answered 429 past it; off = no limit.",
    ),
    Setting(
        "RATE_LIMIT_STORAGE_URI",
        "memory://",
        _storage_uri,
        "Where the per-client counts are kept: memory:// counts per worker process (so N workers "
        "allow N times the limit); redis://host:6379 shares one count among all workers.",
    ),
    Setting(
        "PROXY_HOPS",
        "1",
        _int_range(0, 5),
        "Reverse proxies in front of the server that append the client to X-Forwarded-For; the "
        "per-client limits count by the address they pass. 0 when the server faces clients.",
    ),
    Setting(
        "WEBHOOK_URLS",
        "",
        _urls,
        "Comma-separated http(s) addresses that receive each refresh's events as signed JSON "
        "(docs/watching.md); empty sends none.",
    ),
    Setting(
        "WEBHOOK_SECRET",
        "",
        _secret,
        "Key of the webhooks' HMAC-SHA256 signature (X-Signature); nothing is sent while it is "
        "empty.",
    ),
    Setting(
        "WEBHOOK_ATTEMPTS",
        "3",
        _int_range(1, 10),
        "Tries per webhook event and receiver; timeouts, dropped connections, 429 and 5xx are "
        "retried after 1 s, 2 s, …",
    ),
    Setting(
        "WEBHOOK_TIMEOUT",
        "5",
        _float_range(0.5, 60),
        "Seconds a webhook receiver has to connect, and then to answer.",
    ),
    Setting(
        "REPORT_WORKERS",
        "2",
        _int_range(1, 16),
        'Report builds (PDF, ZIP) run at once per server process; more get "busy, try again".',
    ),
)


@dataclass(frozen=True)
class Settings:
    """The parsed settings; build with `load_settings()`."""

    database_url: str
    worldbank_api_url: str
    worldbank_per_page: int
    worldbank_batch_size: int
    sipri_milex_page: str
    sipri_milex_url: str
    trade_api_url: str
    trade_min_interval: float
    trade_recent_years: int
    raw_dir: str
    refresh_worldbank_hours: int
    refresh_sipri_hours: int
    refresh_trade_hours: int
    retry_failed_minutes: int
    misfire_grace_seconds: int
    http_timeout: float
    http_deadline: float
    worldbank_max_mb: int
    sipri_max_mb: int
    trade_max_mb: int
    http_retries: int
    http_backoff: float
    scheduler: bool
    scheduler_lease_seconds: int
    max_removed_share: float
    snapshot: bool
    dashboard_poll_seconds: int
    public_url: str
    host: str
    port: int
    dash_debug: bool
    rate_limit: str
    rate_limit_storage_uri: str
    proxy_hops: int
    webhook_urls: str
    webhook_secret: str = field(repr=False)
    webhook_attempts: int
    webhook_timeout: float
    report_workers: int

    def refresh_hours(self, source: str) -> int:
        """Hours between refreshes of `source`."""
        return int(getattr(self, f"refresh_{source}_hours", 0))

    def max_bytes(self, source: str) -> int:
        """The largest answer read from `source` (the largest of all for another name)."""
        sizes = {"worldbank": self.worldbank_max_mb, "sipri": self.sipri_max_mb,
                 "trade": self.trade_max_mb}  # fmt: skip
        return sizes.get(source, max(sizes.values())) * 1024 * 1024


def settings_markdown() -> str:
    """docs/configuration.md: every setting, its default and its help (a test keeps it current)."""
    lines = [
        "# Configuration",
        "",
        "Every setting is an environment variable (or a line of `.env` in the project folder); "
        "a bad value stops the start with one message naming every problem. Generated from "
        "`config/settings.py`: `python -m config.settings > docs/configuration.md`.",
        "",
        "| Setting | Default | What it does |",
        "|---|---|---|",
    ]
    for setting in SETTINGS:
        shown = f"`{setting.default}`" if setting.default else "(empty)"
        if setting.name == "DATABASE_URL":  # an absolute path on this machine
            shown = "`sqlite:///<project>/data/asymmetry-monitor.sqlite3`"
        text = setting.help.replace("|", "\\|")
        lines.append(f"| `{setting.name}` | {shown} | {text} |")
    return "\n".join(lines) + "\n"


def load_settings(
    environ: Mapping[str, str] | None = None, env_file: Path | None = None
) -> Settings:
    """Read every setting from `environ` (default os.environ) over an optional .env file."""
    env_file = env_file if env_file is not None else PROJECT_ROOT / ".env"
    values: dict[str, str] = {}
    if env_file.is_file():
        try:
            values.update({k: v for k, v in dotenv_values(env_file).items() if v is not None})
        except UnicodeDecodeError as exc:
            reason = f"not UTF-8 text ({exc.reason} at byte {exc.start})"
            raise SettingsError(f"{env_file}: {reason}") from exc
    values.update(os.environ if environ is None else environ)
    parsed: dict[str, Any] = {}
    problems = []
    for setting in SETTINGS:
        raw = values.get(setting.name, setting.default)
        try:
            parsed[setting.name.lower()] = setting.parse(raw)
        except ValueError as exc:
            problems.append(f"{setting.name}={redact(raw)!r}: expected {exc}")
    if problems:
        raise SettingsError("Bad settings: " + "; ".join(problems))
    return Settings(**parsed)


if __name__ == "__main__":
    print(settings_markdown(), end="")
