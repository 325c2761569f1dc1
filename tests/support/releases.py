"""Two SYNTHETIC World Bank releases in a real store, finished at known times: the second revises
one value and adds one year."""

from __future__ import annotations

from fetchers.store.schema import runs
from fetchers.store.store import Store
from fetchers.store.tidy import IndicatorMeta, SourceResult, make_frame

GDP = "NY.GDP.MKTP.CD"
FIRST_AT, SECOND_AT = "2026-01-05T10:00:00Z", "2026-02-05T10:00:00Z"
FIRST_VALUES = {("CHN", 2024): 17.0e12, ("RUS", 2023): 2.0e12, ("RUS", 2024): 2.2e12}
# Russia 2024 revised from 2.2e12 to 2.1318e12 (−3.1%); Russia 2025 added.
SECOND_VALUES = {**FIRST_VALUES, ("RUS", 2024): 2.1318e12, ("RUS", 2025): 2.3e12}


def release(values: dict, label: str) -> SourceResult:
    """A World Bank result holding `values` of GDP, released as `label`."""
    records = [
        {"source": "worldbank", "indicator": GDP, "country": country, "partner": "",
         "year": year, "value": value, "unit": "current US$", "flag": ""}
        for (country, year), value in sorted(values.items())
    ]  # fmt: skip
    meta = (IndicatorMeta(GDP, "GDP (current US$)", "Synthetic note.", "Synthetic WB"),)
    return SourceResult(
        "worldbank", make_frame(records), meta, ("http://127.0.0.1/wb",), "a" * 64, label
    )


def store_release(store: Store, values: dict, label: str, finished_at: str) -> int:
    """Write one release as a run and set its finish time; returns the run id."""
    run_id = store.start_run("worldbank")
    store.write_run(run_id, release(values, label))
    with store.engine.begin() as conn:
        conn.execute(runs.update().where(runs.c.id == run_id).values(finished_at=finished_at))
    return run_id


def two_releases(store: Store) -> tuple[int, int]:
    """The first release, then the second that revises Russia 2024 and adds 2025."""
    first = store_release(store, FIRST_VALUES, "2026-01-01", FIRST_AT)
    second = store_release(store, SECOND_VALUES, "2026-02-01", SECOND_AT)
    return first, second


def fail_run(store: Store, error: str, finished_at: str, source: str = "worldbank") -> int:
    """A failed run with this one-line reason, finished at a known time."""
    run_id = store.start_run(source)
    store.fail_run(run_id, error, detail="internal detail http://10.0.0.5:8080/secret")
    with store.engine.begin() as conn:
        conn.execute(runs.update().where(runs.c.id == run_id).values(finished_at=finished_at))
    return run_id
