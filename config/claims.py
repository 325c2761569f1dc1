"""Load and validate the monitored claims (config/claims.toml) into typed records."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from config.entries import check_entry

CLAIMS_FILE = Path(__file__).with_name("claims.toml")
KINDS = ("gap_widened", "needs_more", "gap_not_closed")
DIRECTIONS = ("widened", "narrowed")
FIELDS = ("id", "text", "kind", "series", "start", "direction", "country", "period")
# The fields each kind needs besides id, text and kind; anything else is an error for that kind.
REQUIRED = {
    "gap_widened": ("series", "start", "direction"),
    "needs_more": ("country",),
    "gap_not_closed": ("series", "period"),
}
OPTIONAL = {"needs_more": ("start",)}
ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]*$")


class ClaimsError(ValueError):
    """The claims file is unreadable or has invalid entries; the message lists every one."""


@dataclass(frozen=True)
class Claim:
    """One monitored claim and what to compare to check it."""

    id: str
    text: str
    kind: str
    series: tuple[str, ...] = ()
    start: int | None = None
    direction: str = ""
    country: str = ""
    period: tuple[int, int] | None = None


def load_claims(path: Path = CLAIMS_FILE) -> tuple[Claim, ...]:
    """Read and validate `path`; raise ClaimsError listing every problem with its entry."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ClaimsError(f"{path}: cannot read the claims: {exc}") from exc
    problems: list[str] = []
    entries = data.get("claim", [])
    if not isinstance(entries, list) or not entries:
        problems.append("[[claim]]: at least one entry is required")
        entries = []
    claims = [_claim(n, entry, problems) for n, entry in enumerate(entries, 1)]
    ids = [c.id for c in claims if c is not None]
    for twice in sorted({i for i in ids if ids.count(i) > 1}):
        problems.append(f"id {twice!r} is used by {ids.count(twice)} entries")
    if problems:
        raise ClaimsError(f"{path}: " + "; ".join(problems))
    return tuple(c for c in claims if c is not None)


def _claim(n: int, entry: object, problems: list[str]) -> Claim | None:
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
    allowed = REQUIRED[kind] + OPTIONAL.get(kind, ())
    for key in REQUIRED[kind]:
        if key not in entry:
            problems.append(f"{where}: {key} is required for kind {kind}")
    extra = sorted(k for k in set(entry) & set(FIELDS) if k not in ("id", "text", "kind", *allowed))
    if extra:
        problems.append(f"{where}: {', '.join(extra)} not used by kind {kind}")
    series = entry.get("series", [])
    if not isinstance(series, list) or not all(isinstance(s, str) and s for s in series):
        problems.append(f"{where}: series is not a list of indicator ids")
    elif "series" in entry and not series:
        problems.append(f"{where}: series is empty")
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
    )


def _is_year(value: object) -> bool:
    """A whole number that reads as a calendar year."""
    return isinstance(value, int) and not isinstance(value, bool) and 1900 <= value <= 2200
