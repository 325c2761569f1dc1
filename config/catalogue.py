"""Load and validate the indicator catalogue (config/indicators.toml) into typed records."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, replace
from pathlib import Path

from config.catalogue_needs import TAGS, needs
from config.entries import check_entry, entries_of

CATALOGUE_FILE = Path(__file__).with_name("indicators.toml")
THEMES = ("economy", "trade", "investment", "military", "society")
ROLES = ("focus", "comparator", "aggregate")  # aggregate: a world total, not a country
INDICATOR_FIELDS = ("id", "source", "title", "unit", "kind", "basis", "subject", "theme", "licence")
KINDS = ("money", "share", "rate", "count", "number")
BASES = ("market exchange rates", "purchasing power parity", "constant prices", "none")
CURRENCIES = ("US$", "Int$")
TEXT = ("currency", "share_of", "flow", "sheet")  # optional words
LISTS = ("ppp_twins", "tags")  # optional lists of words
OPTIONAL = ("scale", "per_person", "fx_sensitive", *TEXT, *LISTS)
SOURCE_FIELDS = ("id", "title", "organisation", "citation", "licence", "url", "cadence_days")


class CatalogueError(ValueError):
    """The catalogue file is unreadable or has invalid entries; the message lists every one."""


@dataclass(frozen=True)
class Source:
    """A data source: how the page names it, how to cite it, its licence and release cadence."""

    id: str
    title: str
    organisation: str
    citation: str
    licence: str
    url: str
    cadence_days: int


@dataclass(frozen=True)
class Country:
    """A country the app follows: its codes in each source, display name and role."""

    iso3: str
    name: str
    role: str
    m49: int | None = None
    sipri_name: str = ""


@dataclass(frozen=True)
class Indicator:
    """One catalogued series, named by its source's own identifier."""

    id: str
    source: str
    title: str
    unit: str  # the source's unit in words, as the page shows it
    basis: str  # one of BASES
    theme: str
    licence: str
    kind: str = "number"  # one of KINDS
    subject: str = ""  # how a sentence names it
    scale: float = 1.0  # stored value × scale = shown value
    currency: str = ""
    per_person: bool = False
    share_of: str = ""
    fx_sensitive: bool = False
    ppp_twins: tuple[str, ...] = ()
    flow: str = ""
    sheet: str = ""
    tags: tuple[str, ...] = ()
    inputs: tuple[str, ...] = ()  # a derived series: the stored ones it is computed from
    organisation: str = ""
    note: str = ""
    stands_in_for: str = ""
    arithmetic: str = ""  # a derived series: how it is computed (one of ARITHMETIC)

    def stored_unit(self, base_year: str) -> str:
        """The unit stored with a constant-price edition: 'US$ m, constant 2023 prices'."""
        return self.unit.replace("constant ", f"constant {base_year} ", 1)

    @staticmethod
    def base_year(stored_unit: str) -> str:
        """The base year a stored unit states ('US$ m, constant 2023 prices' → '2023'), or ''."""
        found = re.search(r"constant (\d{4})", stored_unit)
        return found.group(1) if found else ""


@dataclass(frozen=True)
class Catalogue:
    """Sources, countries and indicators, in file order."""

    sources: tuple[Source, ...]
    countries: tuple[Country, ...]
    indicators: tuple[Indicator, ...]  # stored: fetched from a source
    derived: tuple[Indicator, ...] = ()  # computed here from stored ones
    default_view: tuple[str, ...] = ()  # the indicators a first visit shows, in order

    def source(self, source_id: str) -> Source:
        """The source with this id; KeyError names it if unknown."""
        for item in self.sources:
            if item.id == source_id:
                return item
        raise KeyError(f"unknown source {source_id!r}")

    def country(self, iso3: str) -> Country:
        """The country with this ISO3 code; KeyError names it if unknown."""
        for item in self.countries:
            if item.iso3 == iso3:
                return item
        raise KeyError(f"unknown country {iso3!r}")

    def for_source(self, source: str) -> tuple[Indicator, ...]:
        """The indicators fetched from `source`."""
        return tuple(i for i in self.indicators if i.source == source)

    def indicator(self, indicator_id: str) -> Indicator:
        """The stored or derived indicator with this id; KeyError names it if unknown."""
        for item in (*self.indicators, *self.derived):
            if item.id == indicator_id:
                return item
        raise KeyError(f"unknown indicator {indicator_id!r}")

    def tagged(self, tag: str) -> tuple[str, ...]:
        """The ids of the stored and derived series with this tag (one of TAGS), in file order."""
        return tuple(i.id for i in (*self.indicators, *self.derived) if tag in i.tags)

    def flows(self, source: str) -> dict[str, str]:
        """A source's trade flows: Comtrade's flow code ('X', 'M') → indicator id."""
        return {i.flow: i.id for i in self.for_source(source) if i.flow}

    @property
    def aggregate(self) -> Country:
        """The world aggregate (the World Bank's World; M49 0 in Comtrade)."""
        return next(c for c in self.countries if c.role == "aggregate")

    @property
    def iso3(self) -> tuple[str, ...]:
        """Every country code, focus pair first."""
        return tuple(c.iso3 for c in self.countries)

    @property
    def focus(self) -> tuple[str, ...]:
        """The focus pair's codes (China and Russia)."""
        return tuple(c.iso3 for c in self.countries if c.role == "focus")

    def country_name(self, iso3: str) -> str:
        """Display name for an ISO3 code (the code itself if not catalogued)."""
        return next((c.name for c in self.countries if c.iso3 == iso3), iso3)


def load_catalogue(path: Path = CATALOGUE_FILE) -> Catalogue:
    """Read and validate `path`; raise CatalogueError listing every problem with its entry."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise CatalogueError(f"{path}: cannot read catalogue: {exc}") from exc
    problems: list[str] = []
    sources = _sources(data.get("source", []), problems)
    countries = _countries(data.get("country", []), problems)
    indicators = _indicators(data.get("indicator", []), {s.id for s in sources}, problems)
    derived = _derived(data.get("derived", []), indicators, problems)
    known = {i.id for i in (*indicators, *derived)}
    view = data.get("default_view", [])
    named = [(i.id, o) for i in (*indicators, *derived) for o in (*i.ppp_twins, i.stands_in_for)]
    for where, other in [*named, *(("default_view", o) for o in view)]:
        if other and other not in known:
            problems.append(f"{where}: {other!r} is not a catalogued or derived indicator")
    catalogue = Catalogue(sources, countries, indicators, derived, tuple(view))
    problems += [] if problems else needs(catalogue)  # what the app reads, once entries are valid
    if problems:
        raise CatalogueError(f"{path}: " + "; ".join(problems))
    return catalogue


def _sources(entries: object, problems: list[str]) -> tuple[Source, ...]:
    """Validate [[source]] entries."""
    out: list[Source] = []
    for n, entry in enumerate(entries_of("source", entries, problems), 1):
        where = check_entry("source", n, entry, SOURCE_FIELDS, SOURCE_FIELDS, problems)
        if where is None:
            continue
        cadence = entry.get("cadence_days", 0)
        if not isinstance(cadence, int) or isinstance(cadence, bool) or cadence < 1:
            problems.append(f"{where}: cadence_days {cadence!r} is not a whole number of days")
            cadence = 1
        if entry.get("id") in {s.id for s in out}:
            problems.append(f"{where}: id is listed twice")
        text = {k: str(entry.get(k, "")) for k in SOURCE_FIELDS if k != "cadence_days"}
        out.append(Source(**text, cadence_days=int(cadence)))
    return tuple(out)


def _countries(entries: object, problems: list[str]) -> tuple[Country, ...]:
    """Validate [[country]] entries."""
    out: list[Country] = []
    for n, entry in enumerate(entries_of("country", entries, problems), 1):
        where = f"[[country]] #{n}"
        if not isinstance(entry, dict):
            problems.append(f"{where}: not a table")
            continue
        iso3, name, role = (str(entry.get(k, "")) for k in ("iso3", "name", "role"))
        m49 = entry.get("m49")
        if m49 is not None and (not isinstance(m49, int) or isinstance(m49, bool) or m49 < 0):
            problems.append(f"{where} ({iso3}): m49 {m49!r} is not a UN M49 number")
            m49 = None
        if unknown := sorted(set(entry) - {"iso3", "name", "role", "m49", "sipri_name"}):
            problems.append(f"{where} ({iso3}): unknown field(s) {', '.join(unknown)}")
        if not (len(iso3) == 3 and iso3.isalpha() and iso3.isupper()):
            problems.append(f"{where}: iso3 {iso3!r} is not a three-letter upper-case code")
        if not name.strip():
            problems.append(f"{where} ({iso3}): name is missing")
        if role not in ROLES:
            problems.append(f"{where} ({iso3}): role {role!r} is not one of {', '.join(ROLES)}")
        if iso3 in {c.iso3 for c in out}:
            problems.append(f"{where}: {iso3} is listed twice")
        out.append(Country(iso3, name, role, m49, str(entry.get("sipri_name", ""))))
    if sum(c.role == "focus" for c in out) != 2:
        problems.append("[[country]]: exactly two entries must have role = 'focus'")
    return tuple(out)


def _indicators(entries: object, sources: set[str], problems: list[str]) -> tuple[Indicator, ...]:
    """Validate [[indicator]] entries."""
    out: list[Indicator] = []
    for n, entry in enumerate(entries_of("indicator", entries, problems), 1):
        where = check_entry(
            "indicator", n, entry, (*INDICATOR_FIELDS, *OPTIONAL), INDICATOR_FIELDS, problems
        )
        if where is None:
            continue
        if entry.get("source") not in sources:
            known = ", ".join(sorted(sources))
            problems.append(f"{where}: source {entry.get('source')!r} is not one of {known}")
        if entry.get("theme") not in THEMES:
            problems.append(f"{where}: theme {entry.get('theme')!r} is not one of {THEMES}")
        if entry.get("id") in {i.id for i in out}:
            problems.append(f"{where}: id is listed twice")
        out.append(_indicator(entry, where, problems))
    return tuple(out)


def _derived(entries: object, stored: tuple[Indicator, ...], problems: list[str]) -> tuple:
    """Validate [[derived]] entries: source and licence are their first input's."""
    own = ("inputs", "organisation", "note", "arithmetic")
    fields = (*(f for f in INDICATOR_FIELDS if f not in ("source", "licence")), *own)
    by_id = {i.id: i for i in stored}
    out: list[Indicator] = []
    for n, entry in enumerate(entries if isinstance(entries, list) else [], 1):
        where = check_entry("derived", n, entry, (*fields, *OPTIONAL, "stands_in_for"), fields,
                            problems)  # fmt: skip
        if where is None:
            continue
        inputs = entry.get("inputs")
        if not isinstance(inputs, list) or not inputs or any(i not in by_id for i in inputs):
            problems.append(f"{where}: inputs {inputs!r} are not catalogued indicators")
            inputs = []
        first = by_id[inputs[0]] if inputs else None
        entry = {**entry, "source": first.source if first else "", "licence": first.licence
                 if first else ""}  # fmt: skip
        item = _indicator(entry, where, problems)
        words = {k: str(entry.get(k, "")) for k in (*own[1:], "stands_in_for")}
        out.append(replace(item, inputs=tuple(inputs), **words))
    return tuple(out)


def _indicator(entry: dict, where: str, problems: list[str]) -> Indicator:
    """One entry's typed record, noting every structured field outside its vocabulary."""
    text = {k: str(entry.get(k, "")) for k in (*INDICATOR_FIELDS, *TEXT)}
    for name, allowed in (("kind", KINDS), ("basis", BASES)):
        if text[name] not in allowed:
            problems.append(f"{where}: {name} {text[name]!r} is not one of {', '.join(allowed)}")
    if (text["kind"] == "money") != (text["currency"] in CURRENCIES):
        problems.append(f"{where}: currency {text['currency']!r} (one of {CURRENCIES}) goes "
                        "with kind = 'money' and only there")  # fmt: skip
    if (text["kind"] == "share") != bool(text["share_of"]):
        problems.append(f"{where}: share_of names what a kind = 'share' is a share of")
    if text["basis"] == "market exchange rates" and entry.get("fx_sensitive") is not True:
        problems.append(f"{where}: a series at market exchange rates is fx_sensitive = true")
    scale = entry.get("scale", 1.0)
    if not isinstance(scale, int | float) or isinstance(scale, bool) or scale <= 0:
        problems.append(f"{where}: scale {scale!r} is not a positive number")
        scale = 1.0
    flags = {k: entry.get(k, False) for k in ("per_person", "fx_sensitive")}
    lists = {k: entry.get(k, []) for k in LISTS}
    problems += [f"{where}: {k} {v!r} is not true or false" for k, v in flags.items()
                 if not isinstance(v, bool)]  # fmt: skip
    for name, value in lists.items():
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            problems.append(f"{where}: {name} {value!r} is not a list of words")
            lists[name] = []
    if unknown := [t for t in lists["tags"] if t not in TAGS]:
        problems.append(f"{where}: tag(s) {', '.join(unknown)} not among {', '.join(TAGS)}")
    return Indicator(**text, scale=float(scale), **{k: bool(v) for k, v in flags.items()},
                     **{k: tuple(v) for k, v in lists.items()})  # fmt: skip
