"""Load and validate the monitored claims (config/claims.toml) and their stated rules."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path

from config.entries import check_entry

CLAIMS_FILE = Path(__file__).with_name("claims.toml")
KINDS = ("gap_widened", "needs_more", "gap_not_closed")
DIRECTIONS = ("widened", "narrowed")
RULE_FIELDS = ("years", "tolerance", "min_series")
FIELDS = ("id", "text", "kind", "series", "start", "direction", "country", "period", *RULE_FIELDS)
# The fields each kind needs besides id, text and kind; anything else is an error for that kind.
REQUIRED = {
    "gap_widened": ("series", "start", "direction"),
    "needs_more": ("country",),
    "gap_not_closed": ("series", "period"),
}
OPTIONAL = {
    "gap_widened": ("years", "tolerance", "min_series"),
    "gap_not_closed": ("years", "tolerance", "min_series"),
    "needs_more": ("start", "years", "tolerance"),
}
ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]*$")
DEFAULT_YEARS = 3
DEFAULT_TOLERANCE = 0.05


class ClaimsError(ValueError):
    """The claims file is unreadable or has invalid entries; the message lists every one."""


@dataclass(frozen=True)
class Claim:
    """One monitored claim and its rule: what is compared, over which years, within what band.

    The rule: the China÷Russia ratio's mean over a reference window of `years` years against its
    mean over the latest `years` years every series has (a common end year); a move within
    ± `tolerance` (relative) is "steady"; fewer than `min_series` series with data is
    "insufficient data".
    """

    id: str
    text: str
    kind: str
    series: tuple[str, ...] = ()
    start: int | None = None
    direction: str = ""
    country: str = ""
    period: tuple[int, int] | None = None
    years: int = DEFAULT_YEARS
    tolerance: float = DEFAULT_TOLERANCE
    min_series: int = 0  # 0: every listed series

    @property
    def needed(self) -> int:
        """How many series must have data for a verdict."""
        return self.min_series or len(self.series)


def load_claims(
    path: Path = CLAIMS_FILE, known: Collection[str] | None = None
) -> tuple[Claim, ...]:
    """Read and validate `path`; raise ClaimsError naming the file and every problem.

    `known`: the indicator ids a claim may name (default: the catalogue's). Net flows (tagged
    so in the catalogue: FDI inflows less disinvestment swing with one deal and go negative) say
    nothing about a material gap, so no claim may rest on them.
    """
    from config.catalogue import load_catalogue  # the catalogue validates itself first

    catalogue = load_catalogue()
    net_flows = set(catalogue.tagged("net flow"))
    if known is None:
        known = {i.id for i in catalogue.indicators}
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ClaimsError(f"{path}: cannot read the claims: {exc}") from exc
    problems: list[str] = []
    entries = data.get("claim", [])
    if not isinstance(entries, list) or not entries:
        problems.append("[[claim]]: at least one entry is required")
        entries = []
    unknown_tables = sorted(set(data) - {"claim"})
    if unknown_tables:
        problems.append(f"unknown table(s) {', '.join(unknown_tables)}")
    claims = [
        _claim(n, entry, set(known), net_flows, problems) for n, entry in enumerate(entries, 1)
    ]
    ids = [c.id for c in claims if c is not None]
    for twice in sorted({i for i in ids if ids.count(i) > 1}):
        problems.append(f"id {twice!r} is used by {ids.count(twice)} entries")
    if problems:
        raise ClaimsError(f"{path}: {len(problems)} problem(s): " + "; ".join(problems))
    return tuple(c for c in claims if c is not None)


def _claim(
    n: int, entry: object, known: set[str], net_flows: set[str], problems: list[str]
) -> Claim | None:
    """Validate one [[claim]] entry."""
    before = len(problems)
    where = check_entry("claim", n, entry, FIELDS, (), problems)
    if where is None:
        return None
    claim_id, text, kind = (entry.get(k) for k in ("id", "text", "kind"))
    if not isinstance(claim_id, str) or not ID_PATTERN.match(claim_id):
        problems.append(f"{where}: id {claim_id!r} is not lower-case letters, digits and dashes")
    if not isinstance(text, str) or not text.strip():
        problems.append(f"{where}: text is missing")
    if kind not in KINDS:
        problems.append(f"{where}: kind {kind!r} is not one of {', '.join(KINDS)}")
        return None
    allowed = REQUIRED[kind] + OPTIONAL[kind]
    for key in REQUIRED[kind]:
        if key not in entry:
            problems.append(f"{where}: {key} is required for kind {kind}")
    extra = sorted(k for k in set(entry) & set(FIELDS) if k not in ("id", "text", "kind", *allowed))
    if extra:
        problems.append(f"{where}: {', '.join(extra)} not used by kind {kind}")
    series = _series(where, entry, known, net_flows, problems)
    start = entry.get("start")
    if start is not None and not _is_year(start):
        problems.append(f"{where}: start {start!r} is not a year")
    direction = entry.get("direction", "")
    if "direction" in entry and direction not in DIRECTIONS:
        problems.append(f"{where}: direction {direction!r} is not one of {', '.join(DIRECTIONS)}")
    country = entry.get("country", "")
    if "country" in entry and not (
        isinstance(country, str) and len(country) == 3 and country.isalpha() and country.isupper()
    ):
        problems.append(f"{where}: country {country!r} is not an ISO3 code")
    period = entry.get("period")
    if period is not None and not (
        isinstance(period, list)
        and len(period) == 2
        and all(_is_year(y) for y in period)
        and period[0] <= period[1]
    ):
        problems.append(f"{where}: period {period!r} is not [first year, last year]")
    years, tolerance, min_series = _rule(where, entry, len(series), problems)
    if len(problems) > before:
        return None
    return Claim(
        id=claim_id,
        text=text.strip(),
        kind=kind,
        series=tuple(series),
        start=start,
        direction=direction,
        country=country,
        period=tuple(period) if period is not None else None,
        years=years,
        tolerance=tolerance,
        min_series=min_series,
    )


def _series(
    where: str, entry: dict, known: set[str], net_flows: set[str], problems: list[str]
) -> list[str]:
    """The claim's series: catalogued ids, no net flows."""
    series = entry.get("series", [])
    if not isinstance(series, list) or not all(isinstance(s, str) and s for s in series):
        problems.append(f"{where}: series is not a list of indicator ids")
        return []
    if "series" in entry and not series:
        problems.append(f"{where}: series is empty")
    unknown = [s for s in series if s not in known]
    if unknown:
        problems.append(f"{where}: series {', '.join(unknown)} not in the indicator catalogue")
    flows = [s for s in series if s in net_flows]
    if flows:
        problems.append(
            f"{where}: {', '.join(flows)} is a net flow, not evidence of a material gap"
        )
    if len(set(series)) < len(series):
        problems.append(f"{where}: series lists an indicator twice")
    return series


def _rule(where: str, entry: dict, n_series: int, problems: list[str]) -> tuple[int, float, int]:
    """The rule's window length, tolerance band and minimum number of series."""
    years = entry.get("years", DEFAULT_YEARS)
    if not _is_int(years) or not 1 <= years <= 20:
        problems.append(f"{where}: years {years!r} is not a whole number from 1 to 20")
        years = DEFAULT_YEARS
    tolerance = entry.get("tolerance", DEFAULT_TOLERANCE)
    if isinstance(tolerance, bool) or not isinstance(tolerance, int | float):
        problems.append(f"{where}: tolerance {tolerance!r} is not a number")
        tolerance = DEFAULT_TOLERANCE
    elif not 0 <= tolerance < 1:
        problems.append(f"{where}: tolerance {tolerance!r} is not a fraction from 0 to below 1")
        tolerance = DEFAULT_TOLERANCE
    min_series = entry.get("min_series", 0)
    if "min_series" in entry and (not _is_int(min_series) or not 1 <= min_series <= n_series):
        problems.append(f"{where}: min_series {min_series!r} is not from 1 to {n_series}")
        min_series = 0
    return years, float(tolerance), min_series


def _is_int(value: object) -> bool:
    """A whole number (not a bool)."""
    return isinstance(value, int) and not isinstance(value, bool)


def _is_year(value: object) -> bool:
    """A whole number that reads as a calendar year."""
    return _is_int(value) and 1900 <= value <= 2200
