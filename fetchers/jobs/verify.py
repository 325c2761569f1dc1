"""`python -m fetchers verify`: the stored values checked against the raw bodies they came from.

A run records the sha256 of every raw body it read (kept under RAW_DIR, named by that hash), the
rows it wrote and the values it revised. Verification reads them back: each kept body must still
hash to its name; each body is parsed again and every stored value the run last wrote must equal
what the body says; each run's revisions must be in the history. A difference is bit rot, a
hand edit or a lost write, and is reported with the run, the series and both values.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import sqlalchemy as sa

from config.catalogue import Catalogue
from config.vocabulary import GOOD
from fetchers.store.errors import FetchError
from fetchers.store.schema import history, observations, runs
from fetchers.store.store import Store
from fetchers.store.tidy import KEY

SHOWN = 20  # mismatches printed in full; the rest are counted


@dataclass
class Report:
    """What verification found: checked counts, mismatches (failures) and notes (not failures)."""

    bodies: int = 0
    values: int = 0
    runs: int = 0
    mismatches: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """No mismatch found."""
        return not self.mismatches

    def lines(self) -> list[str]:
        """The report for people: every mismatch (up to SHOWN), then the summary."""
        out = [f"MISMATCH {m}" for m in self.mismatches[:SHOWN]]
        if len(self.mismatches) > SHOWN:
            out.append(f"… and {len(self.mismatches) - SHOWN} more mismatches")
        out += [f"note: {n}" for n in self.notes]
        verdict = (
            "all match"
            if self.ok
            else f"{len(self.mismatches)} MISMATCHES: the store or its raw bodies changed "
            "after they were written (restore from a backup, or refresh with `fetchers run --full`)"
        )
        out.append(
            f"verified {self.runs} runs, {self.bodies} raw bodies, {self.values} stored values: "
            + verdict
        )
        return out


def verify(store: Store, catalogue: Catalogue) -> Report:
    """Check every good run's kept bodies, the values it last wrote, and its revisions."""
    # Load inputs.
    report = Report()
    with store.engine.connect() as conn:
        done = conn.execute(
            sa.select(runs.c.id, runs.c.source, runs.c.kind, runs.c.bodies, runs.c.changed)
            .where(runs.c.status.in_(GOOD))
            .order_by(runs.c.id)
        ).all()
        revised = dict(
            conn.execute(
                sa.select(history.c.run_id, sa.func.count()).group_by(history.c.run_id)
            ).all()
        )
        current = pd.DataFrame(
            conn.execute(sa.select(*(observations.c[c] for c in (*KEY, "value", "flag", "run_id"))))
            .mappings()
            .all(),
            columns=[*KEY, "value", "flag", "run_id"],
        )

    # Process data.
    by_run = dict(tuple(current.groupby("run_id"))) if not current.empty else {}
    for run in done:
        report.runs += 1
        if revised.get(run.id, 0) != (run.changed or 0):
            report.mismatches.append(
                f"run {run.id} ({run.source}): revised {run.changed or 0} values, "
                f"the history holds {revised.get(run.id, 0)}"
            )
        contents = list(_bodies(run, report))
        written = by_run.get(run.id)
        if written is None or not contents:
            continue
        parse = PARSERS.get(run.source)
        if parse is None:
            continue
        try:
            published = parse(contents, catalogue)
        except (FetchError, ValueError, KeyError) as exc:
            report.notes.append(f"run {run.id} ({run.source}): its bodies no longer parse ({exc})")
            continue
        _compare(run, written, published, report)

    # Save outputs (the caller prints them).
    return report


def _bodies(run, report: Report) -> Iterator[tuple[str, bytes]]:
    """(url, content) of each kept body of `run` whose file still hashes to its recorded sha256."""
    try:
        kept = json.loads(run.bodies or "[]")
    except ValueError:
        report.mismatches.append(f"run {run.id} ({run.source}): its list of bodies is damaged")
        return
    for body in kept:
        path = Path(body.get("path") or "")
        if not body.get("path"):
            continue  # RAW_DIR was empty when it ran: nothing kept to check
        try:
            content = path.read_bytes()
        except OSError:
            report.notes.append(f"run {run.id} ({run.source}): raw body {path.name[:12]}… not kept")
            continue
        report.bodies += 1
        if hashlib.sha256(content).hexdigest() != body.get("sha256"):
            report.mismatches.append(
                f"run {run.id} ({run.source}): raw body {path.name[:12]}… no longer matches "
                "its sha256"
            )
            continue
        yield body.get("url", ""), content


def _compare(run, written: pd.DataFrame, published: pd.DataFrame, report: Report) -> None:
    """Each stored value `run` last wrote against the value its bodies hold."""
    merged = written.merge(published, on=list(KEY), how="inner", suffixes=("", "_source"))
    report.values += len(merged)
    for row in merged.itertuples(index=False):
        if not (_same(row.value, row.value_source) and row.flag == row.flag_source):
            series = " ".join(str(p) for p in (row.indicator, row.country, row.partner) if p)
            report.mismatches.append(
                f"run {run.id} ({run.source}): {series} {row.year} is stored as "
                f"{_shown(row.value)} ({row.flag or 'no flag'}), its source body says "
                f"{_shown(row.value_source)} ({row.flag_source or 'no flag'})"
            )


def _worldbank(contents: list[tuple[str, bytes]], catalogue: Catalogue) -> pd.DataFrame:
    """The data records in a World Bank run's bodies (sources and metadata bodies skipped)."""
    from fetchers.sources import worldbank_parse
    from fetchers.sources.http import Fetched

    records = []
    for url, content in contents:
        payload = worldbank_parse.decode(Fetched(url, content))
        rows = payload[1] if len(payload) == 2 and isinstance(payload[1], list) else []
        if rows and isinstance(rows[0], dict) and "countryiso3code" in rows[0]:
            records += worldbank_parse.parse_records(rows, url)
    return _frame(records)


def _sipri(contents: list[tuple[str, bytes]], catalogue: Catalogue) -> pd.DataFrame:
    """The values of a SIPRI run's workbook (its database page skipped)."""
    from fetchers.sources import sipri_workbook

    frames = [sipri_workbook.parse_workbook(content, url, catalogue).frame
              for url, content in contents if content.startswith(b"PK\x03\x04")]  # fmt: skip
    return pd.concat(frames, ignore_index=True) if frames else _frame([])


def _frame(records: list[dict]) -> pd.DataFrame:
    from fetchers.store.tidy import make_frame

    return make_frame(records)


# Trade values are stored with mirrored figures derived across bodies, so they are checked by
# their bodies' hashes and revision counts only.
PARSERS: dict[str, Callable[[list[tuple[str, bytes]], Catalogue], pd.DataFrame]] = {
    "worldbank": _worldbank,
    "sipri": _sipri,
}


def _same(a: object, b: object) -> bool:
    """Equal values, two missing values counting as equal."""
    a_missing = a is None or (isinstance(a, float) and math.isnan(a))
    b_missing = b is None or (isinstance(b, float) and math.isnan(b))
    return (a_missing and b_missing) or (not a_missing and not b_missing and a == b)


def _shown(value: object) -> str:
    return (
        "empty"
        if value is None or (isinstance(value, float) and math.isnan(value))
        else f"{value!r}"
    )
