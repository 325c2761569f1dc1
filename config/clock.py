"""The store's one time format (ISO 8601 UTC with a Z), the one format for people, and their
conversions."""

from __future__ import annotations

from datetime import UTC, datetime

TIME_FORMAT = "%Y-%m-%dT%H:%M:%SZ"
PEOPLE_FORMAT = "%Y-%m-%d %H:%M UTC"


def utcnow() -> str:
    """Current UTC time in the store's format."""
    return format_time(datetime.now(UTC))


def format_time(moment: datetime) -> str:
    """A datetime in the store's format."""
    return moment.astimezone(UTC).strftime(TIME_FORMAT)


def parse_time(text: str) -> datetime:
    """Parse the store's format into an aware UTC datetime."""
    return datetime.strptime(text, TIME_FORMAT).replace(tzinfo=UTC)


def for_people(moment: datetime) -> str:
    """A moment for people: '2026-11-29 14:05 UTC' (a naive datetime is taken as UTC)."""
    return (moment.astimezone(UTC) if moment.tzinfo else moment).strftime(PEOPLE_FORMAT)


def short(text: str) -> str:
    """A stored timestamp for people: '2026-11-29T14:05:00Z' → '2026-11-29 14:05 UTC'."""
    return f"{text[:16].replace('T', ' ')} UTC" if text else ""  # lenient: any ISO 8601 text


def time_of_day(text: str) -> str:
    """A stored timestamp's time for people: '2026-11-29T14:05:00Z' → '14:05 UTC'."""
    return f"{text[11:16]} UTC" if text else ""
