"""How each source stands: freshness policy over the store's last runs, and its words for people."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pandas as pd

from config.clock import format_time, parse_time
from config.settings import Settings


@dataclass(frozen=True)
class SourceStatus:
    """How one source stands: last run, last success, its age and whether it is stale."""

    source: str
    last_status: str
    last_at: str
    error: str
    last_ok_at: str
    release: str
    age_hours: float | None
    stale: bool
    next_attempt: str

    def line(self) -> str:
        """One human-readable line."""
        text = f"{self.source}: last run {self.last_status} at {self.last_at}"
        if self.last_status == "failed":
            text += f" ({self.error}); next attempt around {self.next_attempt}"
        if not self.last_ok_at:
            return text + "; never fetched successfully"
        return (
            f"{text}; data fetched {self.last_ok_at} ({self.age_hours:.1f} h ago"
            f"{', STALE' if self.stale else ''}), release {self.release or 'unknown'}"
        )


def source_statuses(
    last_runs: pd.DataFrame, settings: Settings, now: datetime | None = None
) -> list[SourceStatus]:
    """Freshness per source from `Store.last_runs()`: stale past twice its refresh interval."""
    now = now or datetime.now(UTC)
    out = []
    for row in last_runs.to_dict("records"):
        ok_at = row.get("last_ok_at") if isinstance(row.get("last_ok_at"), str) else ""
        age = (now - parse_time(ok_at)).total_seconds() / 3600 if ok_at else None
        hours = settings.refresh_hours(row["source"])
        finished = row["finished_at"] or row["started_at"]
        retry = parse_time(finished) + timedelta(minutes=settings.retry_failed_minutes)
        out.append(
            SourceStatus(
                source=row["source"],
                last_status=row["status"],
                last_at=finished,
                error=row["error"] or "",
                last_ok_at=ok_at,
                release=row.get("last_ok_release") if ok_at else "",
                age_hours=age,
                stale=bool(age is not None and hours and age > 2 * hours),
                next_attempt=format_time(retry),
            )
        )
    return out
