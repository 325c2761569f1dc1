"""The claim table: each claim's verdict and the release at which it last changed."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from config.claims import Claim
from dashboard.model.analysis.flags import worst_flag
from dashboard.model.analysis.releases import KEY
from dashboard.model.analysis.rules import rule_text
from dashboard.model.analysis.verdicts import evaluate


def claim_table(
    frame: pd.DataFrame,
    history: pd.DataFrame,
    runs: pd.DataFrame,
    claims: Sequence[Claim],
    pair: tuple[str, str],
    names: Mapping[str, str] | None = None,
    titles: Mapping[str, str] | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Each claim's verdict, its rule in words, the numbers behind it, and its last change.

    "Last changed": the data are walked back one writing run at a time (each run's history rows
    reverted to their old values, and, where `frame` has run_id, the values it added dropped);
    the claim's release of last change is the latest run after which its verdict differs from
    the verdict on the data as they were before that run.
    """
    names, titles = names or {}, titles or {}
    verdicts = [evaluate(frame, c, pair, titles) for c in claims]
    changed = _last_changes(frame, history, runs, claims, [v.status for v in verdicts], pair)
    rows, evidence = [], []
    for claim, verdict, change in zip(claims, verdicts, changed, strict=True):
        items = verdict.items
        rows.append(
            {
                "id": claim.id,
                "text": claim.text,
                "kind": claim.kind,
                "status": verdict.status,
                "rule": rule_text(claim, pair, names, titles),
                "summary": verdict.summary,
                "years": verdict.span,
                "end_year": verdict.end_year,
                "missing": ", ".join(verdict.missing),
                "flag": worst_flag(*(i["flag"] for i in items)),
                **change,
            }
        )
        evidence.extend({"claim": claim.id, **i} for i in items)
    evidence_table = pd.DataFrame(evidence, columns=EVIDENCE_COLUMNS)
    evidence_table["last_year"] = evidence_table["last_year"].astype("Int64")
    claim_table = pd.DataFrame(rows, columns=CLAIM_COLUMNS)
    claim_table["end_year"] = claim_table["end_year"].astype("Int64")
    return claim_table, evidence_table


_NO_CHANGE = ("last_changed_run", "last_changed_release", "last_changed_at")
CLAIM_COLUMNS = [
    "id", "text", "kind", "status", "rule", "summary", "years", "end_year", "missing", "flag",
    *_NO_CHANGE,
]  # fmt: skip
EVIDENCE_COLUMNS = [
    "claim", "series", "series_name", "reference_years", "reference_ratio", "latest_years",
    "latest_ratio", "ratio_change_pct", "reference_difference", "latest_difference", "unit",
    "last_year", "movement", "verdict", "flag", "note", "result",
]  # fmt: skip


def _last_changes(
    frame: pd.DataFrame,
    history: pd.DataFrame,
    runs: pd.DataFrame,
    claims: Sequence[Claim],
    current: Sequence[str],
    pair: tuple[str, str],
) -> list[dict]:
    """For each claim, the run (and its release) after which its verdict last changed."""
    found: list[dict | None] = [None] * len(claims)
    writing = sorted(
        {int(r) for r in history.get("run_id", [])}
        | ({int(r) for r in frame["run_id"].dropna()} if "run_id" in frame else set()),
        reverse=True,
    )
    state = frame
    for run_id in writing:
        if all(f is not None for f in found):
            break
        state = revert(state, history, run_id)
        for n, claim in enumerate(claims):
            if found[n] is None and evaluate(state, claim, pair).status != current[n]:
                found[n] = _run_info(runs, run_id)
    return [f or dict.fromkeys(_NO_CHANGE, "") for f in found]


def revert(frame: pd.DataFrame, history: pd.DataFrame, run_id: int) -> pd.DataFrame:
    """The observations as they were before run `run_id`: its revisions undone, its additions gone.

    Additions are known only from `frame`'s run_id column (the run that last wrote each row).
    """
    revised = history[history["run_id"] == run_id] if len(history) else history
    out = frame.set_index(KEY)
    if len(revised):
        old = revised.drop_duplicates(KEY, keep="first").set_index(KEY)
        common = out.index.intersection(old.index)
        out.loc[common, "value"] = old.loc[common, "old_value"].astype("float64").values
        out.loc[common, "flag"] = old.loc[common, "old_flag"].values
        if "run_id" in out:
            out.loc[common, "run_id"] = np.nan
    else:
        common = out.index[:0]
    if "run_id" in out:
        added = (out["run_id"] == run_id) & ~out.index.isin(common)
        out = out[~added]
    return out.reset_index()


def _run_info(runs: pd.DataFrame, run_id: int) -> dict:
    """The run's id, release and finish time as the claim table shows them."""
    row = runs[runs["id"] == run_id] if len(runs) else runs
    if row.empty:
        return {"last_changed_run": run_id, "last_changed_release": "", "last_changed_at": ""}
    first = row.iloc[0]
    return {
        "last_changed_run": run_id,
        "last_changed_release": f"{first['source']} {first.get('release', '') or ''}".strip(),
        "last_changed_at": str(first.get("finished_at", "") or ""),
    }
