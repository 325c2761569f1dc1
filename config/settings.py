"""Settings read once from the environment (and an optional .env), each with a default and help."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dotenv import dotenv_values

from config.setting_table import SETTINGS
from config.setting_values import PROJECT_ROOT, SettingsError, redact


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
