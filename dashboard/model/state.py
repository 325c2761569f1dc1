"""The view's state: one table of its fields, their link parameters and controls; parse, serialise."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from urllib.parse import parse_qs, urlencode

from dashboard.model.metrics import MODES

SCALES = ("linear", "log")
FIRST_YEAR, LAST_YEAR = 1960, 2100


@dataclass(frozen=True)
class ViewState:
    """Everything that decides what the page shows (one row of FIELDS per field, same order)."""

    indicators: tuple[str, ...]
    comparators: tuple[str, ...]
    year_from: int
    year_to: int
    mode: str
    scale: str
    base_year: int
    categories: tuple[str, ...]
    as_of: str = ""  # a vintage: the values the store held then ("" for the latest)
    windows: tuple[str, ...] = ()  # the events (short labels) whose windows are measured
    window_years: int = 3  # N: years before and after each event
    window_basis: str = "real"  # growth on constant prices, or "nominal" (market-rate US$)


def default_state(
    indicators: tuple[str, ...],
    comparators: tuple[str, ...],
    categories: tuple[str, ...],
    today_year: int,
    first_view: tuple[str, ...] = (),
) -> ViewState:
    """The view a first-time visitor sees: the catalogue's `default_view` indicators that exist
    (else the first three), as the ratio of the pair, 1990 to now."""
    wanted = tuple(i for i in first_view if i in indicators) or indicators[:3]
    # The gap is the subject: the pair's ratio leads, not levels where one lies on the floor.
    return ViewState(wanted, (), 1990, today_year, "ratio", "linear", 2014, categories)


# A date or an ISO timestamp; whether it names a moment the store can show is the vintage's check.
AS_OF = re.compile(r"\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:?\d{2})?)?")
MAX_INDICATORS = 12  # a view with more charts than this is not a view anyone reads
MAX_ITEMS_READ = 100  # list items looked at per field: bounds the work a hostile payload costs
WINDOW_BASES, MAX_WINDOW_YEARS = ("real", "nominal"), 10  # event windows: growth basis, ±years

# A field's reader: (raw value from a link or the browser: text, number or list; its parameter;
# the field's default; the catalogue's choices for it) → (the value, or None to keep the
# default; notes on what it could not use).
Reader = Callable[[object, str, object, tuple[str, ...]], tuple[object, list[str]]]


def _indicators(raw: object, key: str, default: object, known: tuple[str, ...]) -> tuple:
    """Known indicators in the reader's order, at most MAX_INDICATORS."""
    chosen, bad = _members(raw, known)
    notes = [f"Unknown indicator {_show(b)} ignored." for b in bad]
    if len(chosen) > MAX_INDICATORS:
        notes.append(f"At most {MAX_INDICATORS} indicators are shown at once; kept the first.")
        chosen = chosen[:MAX_INDICATORS]
    if not chosen:
        notes.append("No known indicator in the link; showing the default indicators.")
    return chosen or None, notes


def _subset(what: str) -> Reader:
    """A reader of known items (possibly none) in the catalogue's order: one cache key per view."""

    def read(raw: object, key: str, default: object, known: tuple[str, ...]) -> tuple:
        if not isinstance(raw, str | list | tuple):
            return None, [f"{key}={_show(raw)} is not a list; using the default."]
        chosen, bad = _members(raw, known)
        return tuple(k for k in known if k in chosen), [
            f"Unknown {what} {_show(b)} ignored." for b in bad
        ]

    return read


def _one_of(allowed: tuple[str, ...]) -> Reader:
    """A reader of one of `allowed`."""

    def read(raw: object, key: str, default: object, known: tuple[str, ...]) -> tuple:
        if isinstance(raw, str) and raw in allowed:
            return raw, []
        return None, [f"{key}={_show(raw)} is not one of {', '.join(allowed)}; using {default}."]

    return read


def _whole(low: int, high: int, what: str) -> Reader:
    """A reader of a whole number from `low` to `high` (text or a number, never True)."""

    def read(raw: object, key: str, default: object, known: tuple[str, ...]) -> tuple:
        text = str(raw).strip() if isinstance(raw, int | str) and not isinstance(raw, bool) else ""
        if (
            text.isascii()
            and text.isdigit()
            and len(text) <= len(str(high))
            and low <= int(text) <= high
        ):
            return int(text), []
        return None, [f"{key}={_show(raw)} is not {what} from {low} to {high}; using {default}."]

    return read


def _a_moment(raw: object, key: str, default: object, known: tuple[str, ...]) -> tuple:
    """A date or a time (a vintage); blank is the latest data."""
    if isinstance(raw, str) and AS_OF.fullmatch(raw):
        return raw, []
    if raw in ("", None):
        return None, []
    return None, [
        f"{key}={_show(raw)} is not a date (YYYY-MM-DD) or a time; showing the latest data."
    ]


def _labels(raw: object, key: str, default: object, known: tuple[str, ...]) -> tuple:
    """Short event labels (whether each names an event is the timeline's check)."""
    chosen = raw.split(",") if isinstance(raw, str) else raw
    if not isinstance(chosen, list | tuple):
        return None, []
    labels = [c.strip() for c in chosen[:MAX_ITEMS_READ] if isinstance(c, str)]
    return tuple(c for c in labels if c and len(c) <= 80), []


@dataclass(frozen=True)
class Field:
    """One field of the view: how a link spells it, the control that sets it, how it is read."""

    name: str  # the ViewState field
    param: str  # its link parameter: links already shared must keep working, so never rename
    control: str | None  # the filter control setting it; None where only a link does
    read: Reader
    sections: tuple[str, ...]  # the lazy sections below the fold that depend on it
    always: bool = True  # in every link; the others only when they differ from the default


YEAR = _whole(FIRST_YEAR, LAST_YEAR, "a year")
WINDOW_YEARS = _whole(1, MAX_WINDOW_YEARS, "a number of years")

# The one place the view is spelled: links, saved views, the filters and the lazy sections'
# keys all follow this table (in ViewState's order; a control holding two fields: the years).
FIELDS = (
    Field("indicators", "ind", "f-indicators", _indicators, ("table", "sources")),
    Field("comparators", "c", "f-countries", _subset("comparator country"), ("analysis", "table")),
    Field("year_from", "from", "f-years", YEAR, ("table",)),
    Field("year_to", "to", "f-years", YEAR, ("table",)),
    Field("mode", "mode", "f-mode", _one_of(MODES), ()),
    Field("scale", "scale", "f-scale", _one_of(SCALES), ()),
    Field("base_year", "base", "f-base", YEAR, ("table",)),
    Field("categories", "ev", "f-events", _subset("event category"), ("analysis",)),
    Field("as_of", "as_of", None, _a_moment, ("analysis", "table", "sources"), always=False),
    Field("windows", "win", None, _labels, ("analysis",), always=False),
    Field("window_years", "wn", None, WINDOW_YEARS, ("analysis",), always=False),
    Field("window_basis", "wb", None, _one_of(WINDOW_BASES), ("analysis",), always=False),
)
PARAMS = tuple(f.param for f in FIELDS)
CONTROLS = tuple(dict.fromkeys(f.control for f in FIELDS if f.control))  # in the page's order


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
    values = {f.param: data[f.name] for f in FIELDS if f.name in data}
    return coerce(values, default, indicators, comparators, categories)


def coerce(
    values: dict[str, object],
    default: ViewState,
    indicators: tuple[str, ...],
    comparators: tuple[str, ...],
    categories: tuple[str, ...],
) -> tuple[ViewState, list[str]]:
    """Check each link parameter's value (text, number or list); keep the valid, note the rest."""
    known = {"indicators": indicators, "comparators": comparators, "categories": categories}
    chosen: dict[str, object] = {}
    notes: list[str] = []
    for field in (f for f in FIELDS if f.param in values):
        default_value = getattr(default, field.name)
        value, more = field.read(
            values[field.param], field.param, default_value, known.get(field.name, ())
        )
        notes += more
        if value is not None:
            chosen[field.name] = value
    state = replace(default, **chosen)
    if state.year_from > state.year_to:
        notes.append("The link's year range is reversed; showing the default range.")
        state = replace(state, year_from=default.year_from, year_to=default.year_to)
    return state, notes


def serialise(state: ViewState, default: ViewState) -> str:
    """The query string for a state ('' for the default view), readable and stable."""
    if state == default:
        return ""
    pairs = {
        f.param: _text(getattr(state, f.name))
        for f in FIELDS
        if f.always or getattr(state, f.name) != getattr(default, f.name)
    }
    return "?" + urlencode(pairs, safe=",")


def control_values(view: ViewState) -> list:
    """The filter controls' values for a state, in CONTROLS order (JSON: lists, not tuples)."""
    data, out = saved(view), []
    for control in CONTROLS:
        values = [data[f.name] for f in FIELDS if f.control == control]
        out.append(values[0] if len(values) == 1 else values)
    return out


def from_controls(values: object) -> dict[str, object]:
    """The ViewState fields the controls' values set (from the browser: still to be checked)."""
    fields: dict[str, object] = {}
    given = values if isinstance(values, list | tuple) else ()
    for control, value in zip(CONTROLS, given, strict=False):
        names = [f.name for f in FIELDS if f.control == control]
        if len(names) == 1:
            fields[names[0]] = value
        elif isinstance(value, list | tuple) and len(value) == len(names):
            fields.update(zip(names, value, strict=True))
    return {k: v for k, v in fields.items() if v is not None}


def saved(view: ViewState) -> dict[str, object]:
    """A view as the page's stores hold it: field → value, lists for tuples (JSON compares)."""
    return {f.name: list(v) if isinstance(v := getattr(view, f.name), tuple) else v for f in FIELDS}


def _text(value: object) -> str:
    """A field's value as a link writes it: lists comma-separated."""
    return ",".join(value) if isinstance(value, tuple) else str(value)


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


def _show(value: object) -> str:
    """A user-supplied value quoted and cut short for a note (always shown as plain text)."""
    value = value if isinstance(value, str) else repr(value)[:200]
    text = value if len(value) <= 40 else value[:37] + "…"
    return repr(text)
