"""Every setting as data: its environment name, default, parser and one line of help."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from config.setting_values import (
    DEFAULT_SQLITE,
    _bool,
    _database_url,
    _float_range,
    _folder,
    _int_range,
    _rate,
    _secret,
    _storage_uri,
    _text,
    _url,
    _url_or_path,
    _urls,
)  # fmt: skip


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
        "Report builds (PDF, ZIP) run at once on this host, shared by all server processes; more "
        'get "busy, try again".',
    ),
)
