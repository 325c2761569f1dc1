"""What a watcher is told: what changed since a data version they saw, and the release calendar."""

from __future__ import annotations

from datetime import UTC, date, datetime

from config.catalogue import Catalogue
from config.settings import Settings
from fetchers.store import changes
from fetchers.store.release_calendar import calendar
from fetchers.store.snapshot import StoreSnapshot

SINCE_SHOWN = 3  # releases named in the "since your last visit" line


def since_line(
    snap: StoreSnapshot, seen_at: str, catalogue: Catalogue, settings: Settings
) -> tuple[str, str]:
    """One line on the releases stored after `seen_at` (the newest run the reader had seen), and
    the view link that pins the newest of them; ('', '') when nothing new."""
    if not seen_at or seen_at >= snap.latest():
        return "", ""
    now = datetime.now(UTC)
    found = changes.changes(
        snap.runs, snap.history, catalogue, settings.refresh_hours, now,
        changes.authority(settings.public_url),
    )  # fmt: skip
    new = [c for c in found if c.kind == "release" and c.updated > seen_at][:SINCE_SHOWN]
    if not new:
        return "", ""
    parts = []
    for change in new:
        counted = f"{change.revised} values revised, {change.added} added"
        largest = f"; the largest {change.revisions[0].text()}" if change.revisions else ""
        parts.append(f"{change.source_title} {change.release}: {counted}{largest}")
    link = changes.permalink(settings.public_url, new[0].as_of)
    return "Since your last visit: " + ". ".join(parts) + ".", link


def calendar_rows(snap: StoreSnapshot, catalogue: Catalogue, today: date) -> list[dict]:
    """Per source: its last release, when the next is expected, and whether it is overdue."""
    return [
        {
            "Source": c.title,
            "Last release": c.last_release or "—",
            "Next expected": c.expected.isoformat() if c.expected else "—",
            "Overdue": "overdue" if c.overdue else "",
        }
        for c in calendar(snap.runs, catalogue, today)
    ]
