"""Load and validate the cited event timeline (config/events.toml) into typed records."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from urllib.parse import urlparse

EVENTS_FILE = Path(__file__).with_name("events.toml")
FIELDS = ("date", "start", "end", "title", "label", "category", "summary", "source")


class EventsError(ValueError):
    """The timeline file is unreadable or has invalid entries; the message lists every one."""


@dataclass(frozen=True)
class Event:
    """A dated event (start == end) or a period, with its citation."""

    start: date
    end: date
    title: str
    label: str
    category: str
    summary: str
    source: str

    @property
    def is_period(self) -> bool:
        """True for a period drawn as a band."""
        return self.end > self.start

    def when(self) -> str:
        """The date or period as text."""
        if not self.is_period:
            return self.start.isoformat()
        return f"{self.start.isoformat()} – {self.end.isoformat()}"


@dataclass(frozen=True)
class Timeline:
    """The categories and the events, in date order."""

    categories: tuple[str, ...]
    events: tuple[Event, ...]


def load_events(path: Path = EVENTS_FILE) -> Timeline:
    """Read and validate `path`; raise EventsError listing every problem with its entry."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise EventsError(f"{path}: cannot read the timeline: {exc}") from exc
    problems: list[str] = []
    categories = data.get("categories")
    if not isinstance(categories, list) or not all(isinstance(c, str) for c in categories):
        problems.append("categories: a list of names is required")
        categories = []
    entries = data.get("event", [])
    events = [_event(n, e, categories, problems) for n, e in enumerate(entries, 1)]
    if not entries:
        problems.append("[[event]]: at least one entry is required")
    if problems:
        raise EventsError(f"{path}: " + "; ".join(problems))
    ordered = sorted((e for e in events if e is not None), key=lambda e: (e.start, e.end))
    return Timeline(tuple(categories), tuple(ordered))


def _event(n: int, entry: object, categories: list[str], problems: list[str]) -> Event | None:
    """Validate one [[event]] entry."""
    if not isinstance(entry, dict):
        problems.append(f"[[event]] #{n}: not a table")
        return None
    where = f"[[event]] #{n} ({entry.get('title', '?')})"
    before = len(problems)
    unknown = sorted(set(entry) - set(FIELDS))
    if unknown:
        problems.append(f"{where}: unknown field(s) {', '.join(unknown)}")
    for key in ("title", "label", "category", "summary", "source"):
        if not isinstance(entry.get(key), str) or not entry[key].strip():
            problems.append(f"{where}: {key} is missing")
    if entry.get("category") not in categories:
        problems.append(f"{where}: category {entry.get('category')!r} is not in categories")
    source = urlparse(str(entry.get("source", "")))
    if source.scheme not in ("http", "https") or not source.netloc:
        problems.append(f"{where}: source {entry.get('source')!r} is not an http(s) URL")
    start, end = _dates(entry, where, problems)
    if len(problems) > before or start is None or end is None:
        return None
    return Event(
        start=start,
        end=end,
        title=entry["title"].strip(),
        label=entry["label"].strip(),
        category=entry["category"],
        summary=entry["summary"].strip(),
        source=entry["source"].strip(),
    )


def _dates(entry: dict, where: str, problems: list[str]) -> tuple[date | None, date | None]:
    """Either `date`, or `start` and `end` with start before end."""
    if "date" in entry and ("start" in entry or "end" in entry):
        problems.append(f"{where}: give either date or start and end, not both")
        return None, None
    if "date" in entry:
        day = _date(entry["date"], f"{where}: date", problems)
        return day, day
    start = _date(entry.get("start"), f"{where}: start", problems)
    end = _date(entry.get("end"), f"{where}: end", problems)
    if start and end and end <= start:
        problems.append(f"{where}: end {end} is not after start {start}")
    return start, end


def _date(value: object, where: str, problems: list[str]) -> date | None:
    """A TOML date or YYYY-MM-DD text."""
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        problems.append(f"{where} {value!r} is not a date (YYYY-MM-DD)")
        return None
