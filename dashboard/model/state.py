"""The view's state and its URL query string: parse (with notes on bad input) and serialise."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from urllib.parse import parse_qs, urlencode

from dashboard.model.metrics import MODES

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
PARAMS = ("ind", "c", "from", "to", "mode", "scale", "base", "ev", "as_of", "win", "wn", "wb")


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
    as_of: str = ""  # a vintage: the values the store held then ("" for the latest)
    windows: tuple[
        str, ...
    ] = ()  # the events (short labels) whose windows are measured; () = default
    window_years: int = 3  # N: years before and after each event
    window_basis: str = "real"  # growth on constant prices, or "nominal" (market-rate US$)


def default_state(
    indicators: tuple[str, ...],
    comparators: tuple[str, ...],
    categories: tuple[str, ...],
    today_year: int,
) -> ViewState:
    """The view a first-time visitor sees: the default indicators that exist, as the ratio of the
    pair, 1990 to now."""
    wanted = tuple(i for i in DEFAULT_INDICATORS if i in indicators) or indicators[:3]
    # The gap is the subject: China ÷ Russia leads, not levels where Russia lies on the floor.
    return ViewState(wanted, (), 1990, today_year, "ratio", "linear", 2014, categories)


# A date or an ISO timestamp; whether it names a moment the store can show is the vintage's check.
AS_OF = re.compile(r"\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:?\d{2})?)?")
MAX_INDICATORS = 12  # a view with more charts than this is not a view anyone reads
MAX_ITEMS_READ = 100  # list items looked at per field: bounds the work a hostile payload costs
FIELDS = {  # ViewState field → link parameter
    "indicators": "ind",
    "comparators": "c",
    "year_from": "from",
    "year_to": "to",
    "mode": "mode",
    "scale": "scale",
    "base_year": "base",
    "categories": "ev",
    "as_of": "as_of",
    "windows": "win",
    "window_years": "wn",
    "window_basis": "wb",
}
WINDOW_BASES = ("real", "nominal")
MAX_WINDOW_YEARS = 10


def parse(
    search: str | None,
    default: ViewState,
    indicators: tuple[str, ...],
    comparators: tuple[str, ...],
    categories: tuple[str, ...],
) -> tuple[ViewState, list[str]]:
    """State from a query string; anything invalid falls back to its default with a note."""
    if search is not None and not isinstance(search, str):  # a crafted request, not a browser
        return default, ["The link could not be read; showing the default view."]
    text = (search or "").lstrip("?")
    if not text:
        return default, []
    try:
        query = parse_qs(text[:8000], keep_blank_values=True, max_num_fields=50)
    except ValueError:
        return default, ["The link's query string could not be read; showing the default view."]
    notes = [
        f"Unknown link parameter {_show(k)} ignored." for k in sorted(set(query) - set(PARAMS))
    ]
    values = {k: v[-1] for k, v in query.items() if k in PARAMS}
    view, more = coerce(values, default, indicators, comparators, categories)
    return view, notes + more


def from_data(
    data: object,
    default: ViewState,
    indicators: tuple[str, ...],
    comparators: tuple[str, ...],
    categories: tuple[str, ...],
) -> tuple[ViewState, list[str]]:
    """State from a client's saved view (a dict of ViewState fields), checked like a link."""
    if not isinstance(data, dict):
        return default, ["The saved view could not be read; showing the default view."]
    values = {FIELDS[k]: v for k, v in data.items() if k in FIELDS}
    return coerce(values, default, indicators, comparators, categories)


def coerce(
    values: dict[str, object],
    default: ViewState,
    indicators: tuple[str, ...],
    comparators: tuple[str, ...],
    categories: tuple[str, ...],
) -> tuple[ViewState, list[str]]:
    """Check each link parameter's value (text, number or list); keep the valid, note the rest."""
    notes: list[str] = []
    state = default
    if "ind" in values:
        chosen, bad = _members(values["ind"], indicators)
        notes += [f"Unknown indicator {_show(b)} ignored." for b in bad]
        if len(chosen) > MAX_INDICATORS:
            notes.append(f"At most {MAX_INDICATORS} indicators are shown at once; kept the first.")
            chosen = chosen[:MAX_INDICATORS]
        if chosen:
            state = replace(state, indicators=chosen)
        else:
            notes.append("No known indicator in the link; showing the default indicators.")
    for key, field, allowed, what in (
        ("c", "comparators", comparators, "comparator country"),
        ("ev", "categories", categories, "event category"),
    ):
        if key in values and not isinstance(values[key], str | list | tuple):
            notes.append(f"{key}={_show(values[key])} is not a list; using the default.")
        elif key in values:
            chosen, bad = _members(values[key], allowed)
            notes += [f"Unknown {what} {_show(b)} ignored." for b in bad]
            # Order carries no meaning here: the catalogue's order keeps one cache key per view.
            state = replace(state, **{field: tuple(a for a in allowed if a in chosen)})
    for key, field, allowed in (("mode", "mode", MODES), ("scale", "scale", SCALES)):
        if key in values:
            if isinstance(values[key], str) and values[key] in allowed:
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
    if "as_of" in values:
        text = values["as_of"]
        if isinstance(text, str) and AS_OF.fullmatch(text):
            state = replace(state, as_of=text)
        elif text not in ("", None):
            notes.append(
                f"as_of={_show(text)} is not a date (YYYY-MM-DD) or a time; showing the latest data."
            )
    if "win" in values:
        chosen = values["win"].split(",") if isinstance(values["win"], str) else values["win"]
        if isinstance(chosen, list | tuple):
            labels = [c.strip() for c in chosen[:MAX_ITEMS_READ] if isinstance(c, str)]
            state = replace(state, windows=tuple(c for c in labels if c and len(c) <= 80))
    if "wn" in values:
        raw = str(values["wn"]) if isinstance(values["wn"], int | str) else ""
        n = int(raw) if raw.isdigit() and len(raw) <= 2 and raw != "True" else None
        if n is not None and 1 <= n <= MAX_WINDOW_YEARS:
            state = replace(state, window_years=n)
        else:
            notes.append(
                f"wn={_show(values['wn'])} is not a number of years from 1 to {MAX_WINDOW_YEARS}; using {default.window_years}."
            )
    if "wb" in values:
        if values["wb"] in WINDOW_BASES:
            state = replace(state, window_basis=values["wb"])
        else:
            notes.append(
                f"wb={_show(values['wb'])} is not one of {', '.join(WINDOW_BASES)}; using {default.window_basis}."
            )
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
        **({"as_of": state.as_of} if state.as_of else {}),
        **({"win": ",".join(state.windows)} if state.windows else {}),
        **({"wn": str(state.window_years)} if state.window_years != default.window_years else {}),
        **({"wb": state.window_basis} if state.window_basis != default.window_basis else {}),
    }
    if state == default:
        return ""
    return "?" + urlencode(pairs, safe=",")


def _members(raw: object, allowed: tuple[str, ...]) -> tuple[tuple[str, ...], list[str]]:
    """Items (a comma list or a list) split into known, in the given order without repeats, and
    unknown; only the first MAX_ITEMS_READ items are looked at."""
    if isinstance(raw, str):
        items = raw.split(",", MAX_ITEMS_READ)[:MAX_ITEMS_READ]
    elif isinstance(raw, list | tuple):
        items = list(raw[:MAX_ITEMS_READ])
    else:
        return (), [str(raw)]
    texts = [i.strip() if isinstance(i, str) else repr(i) for i in items]
    known = tuple(dict.fromkeys(i for i in texts if i in allowed))
    return known, [i for i in dict.fromkeys(texts) if i and i not in allowed][:5]


def _year(raw: object) -> int | None:
    """A plausible year (text or whole number), or None."""
    if isinstance(raw, int) and not isinstance(raw, bool):
        return raw if FIRST_YEAR <= raw <= LAST_YEAR else None
    if not isinstance(raw, str) or not raw.strip().isdigit() or len(raw.strip()) != 4:
        return None
    year = int(raw)
    return year if FIRST_YEAR <= year <= LAST_YEAR else None


def _show(value: object) -> str:
    """A user-supplied value quoted and cut short for a note (always shown as plain text)."""
    value = value if isinstance(value, str) else repr(value)[:200]
    text = value if len(value) <= 40 else value[:37] + "…"
    return repr(text)
