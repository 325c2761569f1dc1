"""Events worth knowing, from the store's runs and history: releases, refusals, outages, overdue."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from urllib.parse import parse_qsl, quote, urlencode, urlsplit

import pandas as pd

from config.catalogue import Catalogue
from config.clock import format_time, parse_time
from fetchers.store.schema import GOOD
from fetchers.store.status import FAILING, overdue, release_date

# The one line a run refused as suspicious carries (fetchers.jobs.refresh writes it; the feed finds it).
REFUSED = "the new release would remove too many stored values; kept the old"
WRITING = ("ok", "partial")  # runs that stored a release
LARGEST = 3  # revisions named per release
KINDS = ("release", "refused", "down", "overdue", "verdict", "test")


@dataclass(frozen=True)
class Revision:
    """One revised value, named for people."""

    indicator: str
    indicator_title: str
    country: str
    country_name: str
    year: int
    old: float | None
    new: float | None

    @property
    def change(self) -> float | None:
        """The relative change (−0.031 for −3.1 %), None when it has no meaning."""
        if self.old is None or self.new is None or self.old == 0:
            return None
        return (self.new - self.old) / abs(self.old)

    def text(self) -> str:
        """ "Russia's GDP (current US$) 2024: 2.2 trillion → 2.13 trillion (−3.1%)"."""
        moved = f"{amount(self.old)} → {amount(self.new)}"
        pct = f" ({percent(self.change)})" if self.change is not None else ""
        return f"{self.country_name}'s {self.indicator_title} {self.year}: {moved}{pct}"


@dataclass(frozen=True)
class Change:
    """One event worth knowing; `id` is stable across restarts (derived from run ids)."""

    id: str
    kind: str  # one of KINDS
    source: str
    source_title: str
    title: str
    summary: str
    updated: str  # the store's time format: when it happened (a run's finish, a threshold crossed)
    run_id: int
    as_of: str  # the moment a link to it pins: the data as they stood then
    release: str = ""
    added: int = 0
    revised: int = 0
    notes: str = ""  # what the run noted for people (removed values among them)
    revisions: tuple[Revision, ...] = ()


@dataclass(frozen=True)
class SourceCalendar:
    """One source's releases: the last one stored, the next expected from its cadence, overdue."""

    source: str
    title: str
    last_release: str
    released_on: date | None
    fetched_at: str
    expected: date | None
    overdue: bool


def changes(
    runs: pd.DataFrame,
    history: pd.DataFrame,
    catalogue: Catalogue,
    refresh_hours: Callable[[str], int],
    now: datetime,
    authority: str,
) -> list[Change]:
    """Every event the runs and history show, newest first."""
    found = [
        *(release(r, history, catalogue, authority) for r in _releases(runs)),
        *(refused(r, catalogue, authority) for r in _refusals(runs)),
        *down(runs, catalogue, refresh_hours, now, authority),
        *overdue_changes(calendar(runs, catalogue, now.date()), authority),
    ]
    return sorted(found, key=lambda c: (c.updated, c.id), reverse=True)


def for_run(found: list[Change], runs: pd.DataFrame, run_id: int) -> list[Change]:
    """The events a run brought: its release or refusal, and its source's outage or overdue."""
    row = runs[runs["id"] == run_id]
    source = row.iloc[0]["source"] if not row.empty else None
    return [
        c
        for c in found
        if c.run_id == run_id or (c.kind in ("down", "overdue") and c.source == source)
    ]


def release(run: Mapping, history: pd.DataFrame, catalogue: Catalogue, authority: str) -> Change:
    """A stored release: counts, notes, and its largest revisions in words."""
    revisions = largest(history[history["run_id"] == run["id"]], catalogue)
    title = _title(catalogue, run["source"])
    parts = [f"{run['added']:,} values added", f"{run['changed']:,} revised"]
    if revisions:
        parts.append("the largest " + "; ".join(r.text() for r in revisions))
    if run["notes"]:
        parts.append(f"notes: {run['notes']}")
    label = run["release"] or "unknown"
    return Change(
        id=tag(authority, run["finished_at"], f"run/{run['id']}/release"),
        kind="release",
        source=run["source"],
        source_title=title,
        title=f"{title}: new release {label}",
        summary="; ".join(parts) + ".",
        updated=run["finished_at"],
        run_id=int(run["id"]),
        as_of=run["finished_at"],
        release=run["release"],
        added=int(run["added"]),
        revised=int(run["changed"]),
        notes=run["notes"],
        revisions=tuple(revisions),
    )


def refused(run: Mapping, catalogue: Catalogue, authority: str) -> Change:
    """A release refused as suspicious: the stored data were kept."""
    title = _title(catalogue, run["source"])
    return Change(
        id=tag(authority, run["finished_at"], f"run/{run['id']}/refused"),
        kind="refused",
        source=run["source"],
        source_title=title,
        title=f"{title}: suspicious release refused",
        summary=f"{title}'s new release would have removed too many stored values; "
        "the stored data were kept.",
        updated=run["finished_at"],
        run_id=int(run["id"]),
        as_of=run["finished_at"],
    )


def down(
    runs: pd.DataFrame,
    catalogue: Catalogue,
    refresh_hours: Callable[[str], int],
    now: datetime,
    authority: str,
) -> list[Change]:
    """Sources whose runs have failed for longer than twice their refresh interval, to now."""
    out = []
    for source, rows in runs[runs["finished_at"] != ""].groupby("source", sort=True):
        hours = refresh_hours(str(source))
        ordered = rows.sort_values("id")
        good = ordered[ordered["status"].isin(GOOD)]
        after = ordered[ordered["id"] > (good["id"].max() if not good.empty else 0)]
        failing = after[after["status"].isin(FAILING)]
        if not hours or failing.empty or len(failing) != len(after):
            continue
        first = failing.iloc[0]
        since = parse_time(first["finished_at"])
        crossed = since + timedelta(hours=2 * hours)
        if now < crossed:
            continue
        title = _title(catalogue, str(source))
        out.append(
            Change(
                id=tag(authority, first["finished_at"], f"run/{first['id']}/down"),
                kind="down",
                source=str(source),
                source_title=title,
                title=f"{title}: refreshes failing since {first['finished_at'][:10]}",
                summary=f"Every refresh of {title} since {first['finished_at']} has failed "
                f"({len(failing)} in a row), longer than {2 * hours} hours; the page shows the "
                "data stored before.",
                updated=format_time(crossed),
                run_id=int(first["id"]),
                as_of=first["finished_at"],
            )
        )
    return out


def calendar(runs: pd.DataFrame, catalogue: Catalogue, today: date) -> list[SourceCalendar]:
    """Per catalogued source: its last release, the next one expected, and whether it is overdue
    (older than twice the cadence; the bundled snapshot's release is never called overdue)."""
    out = []
    for source in catalogue.sources:
        rows = runs[(runs["source"] == source.id) & runs["status"].isin(GOOD)]
        live = rows[rows["kind"] != "snapshot"]
        last = (live if not live.empty else rows).sort_values("id").tail(1)
        if last.empty:
            out.append(SourceCalendar(source.id, source.title, "", None, "", None, False))
            continue
        row = last.iloc[0]
        released = release_date(row["release"])
        expected = released + timedelta(days=source.cadence_days) if released else None
        late = bool(released and not live.empty and overdue(released, source.cadence_days, today))
        out.append(
            SourceCalendar(
                source.id, source.title, row["release"], released, row["finished_at"],
                expected, late,
            )
        )  # fmt: skip
    return out


def overdue_changes(entries: list[SourceCalendar], authority: str) -> list[Change]:
    """An event per overdue source, dated when its release became overdue."""
    out = []
    for entry in entries:
        if not entry.overdue or entry.released_on is None or entry.expected is None:
            continue
        cadence = entry.expected - entry.released_on
        # status.overdue: older than twice the cadence, so the day after that many days.
        first_day = entry.released_on + 2 * cadence + timedelta(days=1)
        became = datetime.combine(first_day, time(), tzinfo=UTC)
        out.append(
            Change(
                id=tag(
                    authority, format_time(became), f"overdue/{entry.source}/{entry.last_release}"
                ),
                kind="overdue",
                source=entry.source,
                source_title=entry.title,
                title=f"{entry.title}: release overdue",
                summary=f"{entry.title}'s latest release ({entry.last_release}) is older than "
                f"twice its usual {cadence.days}-day cadence; a new one was expected around "
                f"{entry.expected.isoformat()}.",
                updated=format_time(became),
                run_id=0,
                as_of=entry.fetched_at,
                release=entry.last_release,
            )
        )
    return out


def verdict_changes(
    claims: pd.DataFrame, runs: pd.DataFrame, catalogue: Catalogue, authority: str
) -> list[Change]:
    """Each claim's last verdict change, from the analysis' claim table (its status and the run
    after which the verdict differs: last_changed_run, _release, _at); unchanged claims give none."""
    sources = dict(zip(runs["id"], runs["source"], strict=True))
    out = []
    for row in claims.to_dict("records"):
        run_id, at = row.get("last_changed_run"), str(row.get("last_changed_at") or "")
        if run_id in (None, "") or pd.isna(run_id) or not at:
            continue
        source = str(sources.get(int(run_id), ""))
        out.append(
            Change(
                id=tag(authority, at, f"run/{int(run_id)}/claim/{row['id']}/{row['status']}"),
                kind="verdict",
                source=source,
                source_title=_title(catalogue, source),
                title=f"Claim now {row['status']}: {row['text']}",
                summary=f"{row['summary']} (the verdict changed with "
                f"{row.get('last_changed_release') or 'a release'}).",
                updated=at,
                run_id=int(run_id),
                as_of=at,
            )
        )
    return out


def largest(history: pd.DataFrame, catalogue: Catalogue, count: int = LARGEST) -> list[Revision]:
    """A run's largest revisions by relative size (values that appeared or vanished first)."""
    revisions = [
        Revision(
            r["indicator"], _indicator_title(catalogue, r["indicator"]), r["country"],
            catalogue.country_name(r["country"]), int(r["year"]),
            _number(r["old_value"]), _number(r["new_value"]),
        )
        for r in history.to_dict("records")
    ]  # fmt: skip
    size = [math.inf if r.change is None else abs(r.change) for r in revisions]
    ranked = sorted(zip(size, range(len(revisions)), revisions, strict=True), reverse=True)
    return [r for s, _, r in ranked if s > 0][:count]


def tag(authority: str, moment: str, specific: str) -> str:
    """A tag: URI (RFC 4151) — the same for the same run on every start."""
    return f"tag:{authority},{moment[:10]}:{quote(specific, safe='/')}"


def authority(public_url: str) -> str:
    """The tag: URIs' authority: the dashboard's public host name."""
    return urlsplit(public_url).hostname or "localhost"


def permalink(public_url: str, as_of: str, query: str = "") -> str:
    """The page's address showing the data as they stood at `as_of` (and a view's query)."""
    pairs = [(k, v) for k, v in parse_qsl(query.lstrip("?")) if k != "as_of"]
    pairs += [("as_of", as_of)] if as_of else []
    tail = urlencode(pairs, safe=",:")
    return f"{public_url.rstrip('/')}/" + (f"?{tail}" if tail else "")


def amount(value: float | None) -> str:
    """2.2e12 → '2.2 trillion'; three significant digits; '—' for no value."""
    if value is None:
        return "—"
    for size, word in ((1e12, " trillion"), (1e9, " billion"), (1e6, " million")):
        if abs(value) >= size:
            return f"{value / size:.3g}{word}"
    return f"{value:,.3g}" if abs(value) < 1000 else f"{value:,.0f}"


def percent(change: float | None) -> str:
    """−0.031 → '−3.1%' (a true minus sign)."""
    if change is None:
        return ""
    text = f"{change * 100:+.1f}%"
    return text.replace("-", "−")


def _releases(runs: pd.DataFrame) -> list[dict]:
    rows = runs[runs["status"].isin(WRITING) & (runs["kind"] != "snapshot")]
    return rows[rows["finished_at"] != ""].to_dict("records")


def _refusals(runs: pd.DataFrame) -> list[dict]:
    rows = runs[(runs["status"] == "failed") & (runs["error"] == REFUSED)]
    return rows[rows["finished_at"] != ""].to_dict("records")


def _number(value: object) -> float | None:
    return None if value is None or pd.isna(value) else float(value)


def _title(catalogue: Catalogue, source: str) -> str:
    try:
        return catalogue.source(source).title
    except KeyError:
        return source


def _indicator_title(catalogue: Catalogue, indicator: str) -> str:
    try:
        return catalogue.indicator(indicator).title
    except KeyError:
        return indicator
