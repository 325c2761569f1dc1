"""The store's one time format (ISO 8601 UTC with a Z) and its conversions."""

from __future__ import annotations

from datetime import UTC, datetime

TIME_FORMAT = "%Y-%m-%dT%H:%M:%SZ"


def utcnow() -> str:
    """Current UTC time in the store's format."""
    return format_time(datetime.now(UTC))


def format_time(moment: datetime) -> str:
    """A datetime in the store's format."""
    return moment.astimezone(UTC).strftime(TIME_FORMAT)


def parse_time(text: str) -> datetime:
    """Parse the store's format into an aware UTC datetime."""
    return datetime.strptime(text, TIME_FORMAT).replace(tzinfo=UTC)


def short(text: str) -> str:
    """'2026-11-29T14:05:00Z' → '2026-11-29 14:05 UTC' for people."""
    return f"{text[:16].replace('T', ' ')} UTC" if text else ""
