"""The view's state and its URL query string: parse (with notes on bad input) and serialise."""

from __future__ import annotations

from dataclasses import dataclass, replace
from urllib.parse import parse_qs, urlencode

from dashboard.metrics import MODES

SCALES = ("linear", "log")
FIRST_YEAR, LAST_YEAR = 1960, 2100
# The story first: the economy, military spending at constant prices and as a burden, and who
# needs whom in trade. All but the trade share are in the bundled snapshot.
DEFAULT_INDICATORS = (
    "NY.GDP.MKTP.CD",
    "SIPRI.MILEX.CONSTANT_USD",
    "CMT.PARTNER_SHARE",
    "NY.GDP.PCAP.CD",
    "MS.MIL.XPND.GD.ZS",
)
PARAMS = ("ind", "c", "from", "to", "mode", "scale", "base", "ev")


@dataclass(frozen=True)
class ViewState:
    """Everything that decides what the page shows."""

    indicators: tuple[str, ...]
    comparators: tuple[str, ...]
    year_from: int
    year_to: int
    mode: str
    scale: str
    base_year: int
    categories: tuple[str, ...]


def from_dict(data: dict) -> ViewState:
    """A ViewState back from its JSON form (lists become tuples)."""
    return ViewState(**{k: tuple(v) if isinstance(v, list) else v for k, v in data.items()})


def default_state(
    indicators: tuple[str, ...],
    comparators: tuple[str, ...],
    categories: tuple[str, ...],
    today_year: int,
) -> ViewState:
    """The view a first-time visitor sees: the default indicators that exist, 1990 to now."""
    wanted = tuple(i for i in DEFAULT_INDICATORS if i in indicators) or indicators[:3]
    return ViewState(wanted, (), 1990, today_year, "absolute", "linear", 2014, categories)


def parse(
    search: str | None,
    default: ViewState,
    indicators: tuple[str, ...],
    comparators: tuple[str, ...],
    categories: tuple[str, ...],
) -> tuple[ViewState, list[str]]:
    """State from a query string; anything invalid falls back to its default with a note."""
    notes: list[str] = []
    text = (search or "").lstrip("?")
    if not text:
        return default, notes
    try:
        query = parse_qs(text, keep_blank_values=True, max_num_fields=50)
    except ValueError:
        return default, ["The link's query string could not be read; showing the default view."]
    state = default
    for key in sorted(set(query) - set(PARAMS)):
        notes.append(f"Unknown link parameter {_show(key)} ignored.")
    values = {k: v[-1] for k, v in query.items() if k in PARAMS}
    if "ind" in values:
        chosen, bad = _members(values["ind"], indicators)
        notes += [f"Unknown indicator {_show(b)} ignored." for b in bad]
        if chosen:
            state = replace(state, indicators=chosen)
        else:
            notes.append("No known indicator in the link; showing the default indicators.")
    if "c" in values:
        chosen, bad = _members(values["c"], comparators)
        notes += [f"Unknown comparator country {_show(b)} ignored." for b in bad]
        state = replace(state, comparators=chosen)
    if "ev" in values:
        chosen, bad = _members(values["ev"], categories)
        notes += [f"Unknown event category {_show(b)} ignored." for b in bad]
        state = replace(state, categories=chosen)
    for key, field, allowed in (("mode", "mode", MODES), ("scale", "scale", SCALES)):
        if key in values:
            if values[key] in allowed:
                state = replace(state, **{field: values[key]})
            else:
                notes.append(
                    f"{key}={_show(values[key])} is not one of {', '.join(allowed)}; using {getattr(default, field)}."
                )
    for key, field in (("from", "year_from"), ("to", "year_to"), ("base", "base_year")):
        if key in values:
            year = _year(values[key])
            if year is None:
                notes.append(
                    f"{key}={_show(values[key])} is not a year from {FIRST_YEAR} to {LAST_YEAR}; using {getattr(default, field)}."
                )
            else:
                state = replace(state, **{field: year})
    if state.year_from > state.year_to:
        notes.append("The link's year range is reversed; showing the default range.")
        state = replace(state, year_from=default.year_from, year_to=default.year_to)
    return state, notes


def serialise(state: ViewState, default: ViewState) -> str:
    """The query string for a state ('' for the default view), readable and stable."""
    pairs = {
        "ind": ",".join(state.indicators),
        "c": ",".join(state.comparators),
        "from": str(state.year_from),
        "to": str(state.year_to),
        "mode": state.mode,
        "scale": state.scale,
        "base": str(state.base_year),
        "ev": ",".join(state.categories),
    }
    if state == default:
        return ""
    return "?" + urlencode(pairs, safe=",")


def _members(raw: str, allowed: tuple[str, ...]) -> tuple[tuple[str, ...], list[str]]:
    """Comma-separated items split into known (in catalogue order) and unknown."""
    items = [i.strip() for i in raw.split(",") if i.strip()]
    known = tuple(a for a in allowed if a in items)
    return known, [i for i in items if i not in allowed][:5]


def _year(raw: str) -> int | None:
    """A plausible year, or None."""
    if not raw.strip().isdigit() or len(raw.strip()) != 4:
        return None
    year = int(raw)
    return year if FIRST_YEAR <= year <= LAST_YEAR else None


def _show(value: str) -> str:
    """A user-supplied value quoted and cut short for a note (always shown as plain text)."""
    text = value if len(value) <= 40 else value[:37] + "…"
    return repr(text)
