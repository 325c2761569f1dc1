"""Load and validate the cited event timeline (config/events.toml) into typed records."""

from __future__ import annotations

import tomllib
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path
from urllib.parse import urlparse

from config.entries import check_entry

EVENTS_FILE = Path(__file__).with_name("events.toml")
FIELDS = (
    "date",
    "start",
    "end",
    "title",
    "label",
    "category",
    "kind",
    "tier",
    "summary",
    "source",
    "source_title",
    "accessed",
)
KINDS = ("political", "economic", "exchange-rate", "data")
# "data": a break in the data (a source stops reporting, a new benchmark), not an event in the
# world; drawn as its own layer and kept out of event windows (analysis filters on kind).
DATA_KIND = "data"
TIERS = ("key", "context")  # key events are labelled on every chart; context ones are ticks
MAX_LABEL = 16  # characters; longer labels collide on the chart
MAX_ENCYCLOPEDIA_SHARE = 0.10  # at most one entry in ten may rest on an encyclopedia
# Hosts of tertiary sources: citable for orientation, not as the evidence for an event.
ENCYCLOPEDIA_HOSTS = (
    "wikipedia.org",
    "wikiwand.com",
    "britannica.com",
    "encyclopedia.com",
    "newworldencyclopedia.org",
    "infoplease.com",
)


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
    # Defaults keep a bare Event(...) cheap to build in tests; the loader always sets them.
    accessed: date | None = None
    kind: str = "political"
    source_title: str = ""
    tier: str = "context"

    @property
    def is_key(self) -> bool:
        """True for the events every chart labels."""
        return self.tier == "key"

    @property
    def is_data(self) -> bool:
        """True for a break in the data rather than an event in the world."""
        return self.kind == DATA_KIND

    @property
    def is_period(self) -> bool:
        """True for a period drawn as a band."""
        return self.end > self.start

    @property
    def encyclopedia(self) -> bool:
        """True when the source is an encyclopedia rather than a document or a report."""
        return is_encyclopedia(self.source)

    @property
    def source_host(self) -> str:
        """The source URL's host without a leading www."""
        host = urlparse(self.source).hostname or ""
        return host.removeprefix("www.")

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


def is_encyclopedia(url: str) -> bool:
    """True when `url` is on an encyclopedia's host (any language edition)."""
    host = (urlparse(url).hostname or "").lower()
    return any(host == h or host.endswith("." + h) for h in ENCYCLOPEDIA_HOSTS)


def load_events(path: Path = EVENTS_FILE, today: date | None = None) -> Timeline:
    """Read and validate `path`; raise EventsError listing every problem with its entry."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise EventsError(f"{path}: cannot read the timeline: {exc}") from exc
    today = today or date.today()
    problems: list[str] = []
    categories = data.get("categories")
    if not isinstance(categories, list) or not all(isinstance(c, str) for c in categories):
        problems.append("categories: a list of names is required")
        categories = []
    entries = data.get("event", [])
    events = [_event(n, e, categories, today, problems) for n, e in enumerate(entries, 1)]
    if not entries:
        problems.append("[[event]]: at least one entry is required")
    problems.extend(_register_problems(entries))
    if problems:
        raise EventsError(f"{path}: " + "; ".join(problems))
    ordered = sorted((e for e in events if e is not None), key=lambda e: (e.start, e.end))
    return Timeline(tuple(categories), tuple(ordered))


def _register_problems(entries: list) -> list[str]:
    """Rules over the whole register: unique titles and the encyclopedia share."""
    tables = [e for e in entries if isinstance(e, dict)]
    problems = []
    titles = Counter(str(e.get("title", "")).strip() for e in tables if e.get("title"))
    for title, count in sorted(titles.items()):
        if count > 1:
            problems.append(f"title {title!r} is used by {count} entries")
    cited = sum(1 for e in tables if is_encyclopedia(str(e.get("source", ""))))
    if tables and cited / len(tables) > MAX_ENCYCLOPEDIA_SHARE:
        problems.append(
            f"{cited} of {len(tables)} entries cite an encyclopedia; at most "
            f"{MAX_ENCYCLOPEDIA_SHARE:.0%} may"
        )
    return problems


def _event(
    n: int, entry: object, categories: list[str], today: date, problems: list[str]
) -> Event | None:
    """Validate one [[event]] entry."""
    before = len(problems)
    where = check_entry("event", n, entry, FIELDS, (), problems, name_key="title")
    if where is None:
        return None
    for key in ("title", "label", "category", "summary", "source"):
        if not isinstance(entry.get(key), str) or not entry[key].strip():
            problems.append(f"{where}: {key} is missing")
    if entry.get("category") not in categories:
        problems.append(f"{where}: category {entry.get('category')!r} is not in categories")
    kind = entry.get("kind", "political")
    if kind not in KINDS:
        problems.append(f"{where}: kind {kind!r} is not one of {', '.join(KINDS)}")
    tier = entry.get("tier", "context")
    if tier not in TIERS:
        problems.append(f"{where}: tier {tier!r} is not one of {', '.join(TIERS)}")
    if kind == DATA_KIND and tier == "key":
        problems.append(f"{where}: a data break cannot be a key event")
    label = entry.get("label")
    if isinstance(label, str) and len(label.strip()) > MAX_LABEL:
        problems.append(f"{where}: label {label!r} is longer than {MAX_LABEL} characters")
    source_title = entry.get("source_title", "")
    if not isinstance(source_title, str):
        problems.append(f"{where}: source_title is not text")
    source = urlparse(str(entry.get("source", "")))
    if source.scheme not in ("http", "https") or not source.netloc:
        problems.append(f"{where}: source {entry.get('source')!r} is not an http(s) URL")
    accessed = _accessed(entry, where, today, problems)
    start, end = _dates(entry, where, today, problems)
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
        accessed=accessed,
        kind=kind,
        source_title=source_title.strip(),
        tier=tier,
    )


def _accessed(entry: dict, where: str, today: date, problems: list[str]) -> date | None:
    """When the source was checked: a date, not in the future."""
    if "accessed" not in entry:
        problems.append(f"{where}: accessed is missing (the date the source was checked)")
        return None
    day = _date(entry["accessed"], f"{where}: accessed", problems)
    if day is not None and day > today:
        problems.append(f"{where}: accessed {day} is in the future")
    return day


def _dates(
    entry: dict, where: str, today: date, problems: list[str]
) -> tuple[date | None, date | None]:
    """Either `date`, or `start` and `end` with start before end; none after today."""
    if "date" in entry and ("start" in entry or "end" in entry):
        problems.append(f"{where}: give either date or start and end, not both")
        return None, None
    if "date" in entry:
        day = _not_future(
            _date(entry["date"], f"{where}: date", problems), f"{where}: date", today, problems
        )
        return day, day
    start = _not_future(
        _date(entry.get("start"), f"{where}: start", problems), f"{where}: start", today, problems
    )
    end = _not_future(
        _date(entry.get("end"), f"{where}: end", problems), f"{where}: end", today, problems
    )
    if start and end and end < start:
        problems.append(f"{where}: period ends ({end}) before it starts ({start})")
    elif start and end and end == start:
        problems.append(f"{where}: end {end} is not after start {start}; use date")
    return start, end


def _not_future(day: date | None, where: str, today: date, problems: list[str]) -> date | None:
    """The day, or None (noted) when it lies after today: the register records what happened."""
    if day is not None and day > today:
        problems.append(f"{where} {day} is in the future (after {today})")
        return None
    return day


def _date(value: object, where: str, problems: list[str]) -> date | None:
    """A TOML date or YYYY-MM-DD text; a date with a time of day is refused."""
    if isinstance(value, datetime):  # a datetime is a date too: it would fail comparisons later
        problems.append(f"{where} {value.isoformat()!r} has a time of day; give the date only")
        return None
    if isinstance(value, time):
        problems.append(f"{where} {value.isoformat()!r} is a time, not a date (YYYY-MM-DD)")
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        problems.append(f"{where} {value!r} is not a date (YYYY-MM-DD)")
        return None
