"""How each source stands: freshness policy over the store's last runs, and its words for people."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING

from config.clock import format_time, parse_time, short, time_of_day
from config.vocabulary import EMPTY_STORE, FAILING, RUNNING

if TYPE_CHECKING:  # the frame arrives from the store; reading it needs no pandas import here
    import pandas as pd

    from config.catalogue import Catalogue
    from config.settings import Settings

SNAPSHOT = "snapshot"  # the kind of a run that loaded the bundled starter snapshot
REASON_MAX = 160  # characters of a failure's one-line reason shown to people
HEADER_REFRESH_MAX = 130  # characters of failing sources and reasons the header holds
HEADER_REASON_MAX = 60  # …and in the header, which names every failing source's
_URL_IN_PARENS = re.compile(r"\s*\((?:https?|file)://[^)]*\)")
_URL = re.compile(r"(?:https?|file)://\S+")
_HOST_PORT = re.compile(r"\b(?:localhost|[\w-]+(?:\.[\w-]+)+):\d{1,5}\b")
_EDITION = re.compile(r"^(\d{4}) edition\b")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}")
EDITION_DAY = (4, 30)  # SIPRI publishes each edition in April: its date is the edition's 30 April


@dataclass(frozen=True)
class SourceStatus:
    """How one source stands: last run, last success, its age, staleness and the data's origin."""

    source: str
    last_status: str
    last_at: str
    error: str  # the failure's one-line reason for people (never the technical detail)
    last_ok_at: str
    release: str
    age_hours: float | None
    stale: bool
    next_attempt: str
    snapshot: bool = False  # the data shown are the bundled snapshot's, not a live fetch's
    kind: str = "fetch"  # the last run's kind: fetch, import or snapshot

    def line(self) -> str:
        """One human-readable line for `fetchers status`."""
        if self.kind == SNAPSHOT and self.snapshot:
            return (
                f"{self.source}: showing the bundled snapshot, release {self.release or 'unknown'}"
                f" (loaded {short(self.last_at)}); never fetched successfully from the source yet"
            )
        if self.last_status == RUNNING:
            text = f"{self.source}: a run is under way since {short(self.last_at)}"
        else:
            text = f"{self.source}: last run {self.last_status} at {short(self.last_at)}"
        if self.last_status in FAILING:
            text += f" ({self.error or 'no reason recorded'}); next attempt around "
            text += short(self.next_attempt)
        elif self.last_status == "partial":
            text += f" ({self.error or 'some indicators refused'})"
        if not self.last_ok_at:
            return text + "; never fetched successfully"
        if self.snapshot:
            return (
                f"{text}; never fetched successfully from the source: showing the bundled "
                f"snapshot, release {self.release or 'unknown'}"
            )
        return (
            f"{text}; data fetched {short(self.last_ok_at)} ({self.age_hours:.1f} h ago"
            f"{', STALE' if self.stale else ''}), release {self.release or 'unknown'}"
        )


def source_statuses(
    last_runs: pd.DataFrame, settings: Settings, now: datetime | None = None
) -> list[SourceStatus]:
    """Freshness per source from `Store.last_runs()`: stale past twice its refresh interval."""
    now = now or datetime.now(UTC)
    out = []
    for row in last_runs.to_dict("records"):
        ok_at = _text(row.get("last_ok_at"))
        snapshot = bool(ok_at) and _text(row.get("last_ok_kind")) == SNAPSHOT
        age = (now - parse_time(ok_at)).total_seconds() / 3600 if ok_at else None
        hours = settings.refresh_hours(row["source"])
        last_at = _text(row.get("finished_at")) or _text(row.get("started_at"))
        retry = parse_time(last_at) + timedelta(minutes=settings.retry_failed_minutes)
        out.append(
            SourceStatus(
                source=row["source"],
                last_status=row["status"],
                last_at=last_at,
                error=plain_reason(_text(row.get("error")), row["source"]),
                last_ok_at=ok_at,
                release=_text(row.get("last_ok_release")) if ok_at else "",
                age_hours=age,
                # The snapshot's age says nothing about the source: it is labelled instead.
                stale=bool(not snapshot and age is not None and hours and age > 2 * hours),
                next_attempt=format_time(retry),
                snapshot=snapshot,
                kind=_text(row.get("kind")) or "fetch",
            )
        )
    return out


def header_line(
    statuses: Sequence[SourceStatus], catalogue: Catalogue, today: date | None = None
) -> str:
    """The page's one calm sentence: whose data are shown, which releases, overdue releases and
    the live refresh."""
    if not statuses:
        return EMPTY_STORE
    snapshot = [s for s in statuses if s.snapshot]
    live = [s for s in statuses if s.last_ok_at and not s.snapshot]
    parts = []
    if snapshot:
        releases = ", ".join(_release(catalogue, s) for s in snapshot)
        parts.append(f"Showing the bundled snapshot ({releases})")
    for status in live:
        stale = " (stale)" if status.stale else ""
        parts.append(f"{_release(catalogue, status)} fetched {short(status.last_ok_at)}{stale}")
    if not snapshot:
        parts += [
            f"{_title(catalogue, s.source)}: no data yet" for s in statuses if not s.last_ok_at
        ]
    parts += [
        f"{_title(catalogue, s.source)}: {s.error}" for s in statuses if s.last_status == "partial"
    ]
    today = today or datetime.now(UTC).date()
    parts += [
        f"{_title(catalogue, s.source)} release overdue (expected every "
        f"{catalogue.source(s.source).cadence_days} days)"
        for s in statuses
        if is_overdue(s, catalogue, today)
    ]
    refresh = _refresh(statuses, catalogue, bool(snapshot))
    return " · ".join(parts) + (f"; live refresh: {refresh}" if refresh else "")


def release_date(release: str) -> date | None:
    """A release's date: an ISO date (World Bank, Comtrade) or a SIPRI edition's 30 April."""
    edition = _EDITION.match(release)
    if edition:
        return date(int(edition.group(1)), *EDITION_DAY)
    if _DATE.match(release):
        try:
            return date.fromisoformat(release[:10])
        except ValueError:
            return None
    return None


def overdue(last_release: date, cadence_days: int, today: date) -> bool:
    """True when the newest release is older than twice the source's usual cadence."""
    return today - last_release > timedelta(days=2 * cadence_days)


def is_overdue(status: SourceStatus, catalogue: Catalogue, today: date) -> bool:
    """A live source whose latest release is overdue (the bundled snapshot's age is no sign)."""
    released = release_date(status.release)
    if status.snapshot or not status.last_ok_at or released is None:
        return False
    try:
        cadence = catalogue.source(status.source).cadence_days
    except KeyError:
        return False
    return overdue(released, cadence, today)


def data_origin(statuses: Sequence[SourceStatus], source: str) -> str:
    """Where a source's shown data come from: 'snapshot', 'live' or 'none'."""
    for status in statuses:
        if status.source == source and status.last_ok_at:
            return SNAPSHOT if status.snapshot else "live"
    return "none"


def plain_reason(error: str, source: str = "") -> str:
    """A run's one-line error for people: no URL, no source prefix, one short line."""
    text = " ".join(error.split())
    if source and text.startswith(f"{source}: "):
        text = text[len(source) + 2 :]
    text = text.split(" [", 1)[0]  # a library's bracketed account is detail, not a reason
    text = _URL.sub("the source", _URL_IN_PARENS.sub("", text))
    text = _HOST_PORT.sub("the source", text)
    return _shorter(text, REASON_MAX)


def _refresh(statuses: Sequence[SourceStatus], catalogue: Catalogue, snapshot: bool) -> str:
    """The live refresh's state: every failing source (latest first) with its shortened reason
    while they fit the header, else the names alone and the reasons under details; the next
    try; running; or starting."""
    failing = sorted(
        (s for s in statuses if s.last_status in FAILING), key=lambda s: s.last_at, reverse=True
    )
    if failing:
        named = ", ".join(
            f"{_title(catalogue, s.source)} ({_shorter(s.error or 'failed', HEADER_REASON_MAX)})"
            for s in failing
        )
        if len(named) > HEADER_REFRESH_MAX:  # a phone's header stays a few lines
            named = ", ".join(_title(catalogue, s.source) for s in failing)
            named = f"{named} failed (reasons under details)"
        soonest = min(s.next_attempt for s in failing)
        return f"{named}, next try {time_of_day(soonest)}"
    if any(s.last_status == RUNNING for s in statuses):
        return RUNNING
    return "not tried yet" if snapshot else ""


def _shorter(text: str, limit: int) -> str:
    """`text` cut to at most `limit` characters at a word's end, with an ellipsis when cut."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    return (cut.rsplit(" ", 1)[0] if " " in cut else cut).rstrip(" ,;:") + "…"


def _release(catalogue: Catalogue, status: SourceStatus) -> str:
    """'World Bank WDI release 2026-07-01' or 'SIPRI Milex 2025 edition (data to 2024)'."""
    title = _title(catalogue, status.source)
    if not status.release:
        return f"{title} (release unknown)"
    if "edition" in status.release:
        return f"{title} {status.release}"
    return f"{title} release {status.release}"


def _title(catalogue: Catalogue, source: str) -> str:
    """The source's short title, or its id if it is not catalogued."""
    try:
        return catalogue.source(source).title
    except KeyError:
        return source


def _text(value: object) -> str:
    """A frame cell as text: None and NaN become ''."""
    return value if isinstance(value, str) else ""
