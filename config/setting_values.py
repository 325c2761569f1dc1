"""How a setting's text is read: one parser per kind of value, each naming what it expected."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

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
