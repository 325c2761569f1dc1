"""Events worth knowing, from the store's runs and history: releases, refusals, outages, overdue."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from urllib.parse import parse_qsl, quote, urlencode, urlsplit

import pandas as pd

from config.catalogue import Catalogue
from config.clock import format_time, parse_time
from config.vocabulary import FAILING, GOOD, WRITING
from fetchers.store.release_calendar import SourceCalendar, calendar
from fetchers.store.revisions import Revision, largest

# The one line a run refused as suspicious carries (fetchers.jobs.refresh writes it; the feed finds it).
REFUSED = "the new release would remove too many stored values; kept the old"
KINDS = ("release", "refused", "down", "overdue", "verdict", "test")


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


def _releases(runs: pd.DataFrame) -> list[dict]:
    rows = runs[runs["status"].isin(WRITING) & (runs["kind"] != "snapshot")]
    return rows[rows["finished_at"] != ""].to_dict("records")


def _refusals(runs: pd.DataFrame) -> list[dict]:
    rows = runs[(runs["status"] == "failed") & (runs["error"] == REFUSED)]
    return rows[rows["finished_at"] != ""].to_dict("records")


def _title(catalogue: Catalogue, source: str) -> str:
    try:
        return catalogue.source(source).title
    except KeyError:
        return source
