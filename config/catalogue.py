"""Load and validate the indicator catalogue (config/indicators.toml) into typed records."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

from config.entries import check_entry, entries_of

CATALOGUE_FILE = Path(__file__).with_name("indicators.toml")
THEMES = ("economy", "trade", "investment", "military", "society")
ROLES = ("focus", "comparator", "aggregate")  # aggregate: a world total, not a country
INDICATOR_FIELDS = ("id", "source", "title", "unit", "basis", "theme", "licence")
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
    unit: str
    basis: str
    theme: str
    licence: str


@dataclass(frozen=True)
class Catalogue:
    """Sources, countries and indicators, in file order."""

    sources: tuple[Source, ...]
    countries: tuple[Country, ...]
    indicators: tuple[Indicator, ...]

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
        """The indicator with this id; KeyError names it if unknown."""
        for item in self.indicators:
            if item.id == indicator_id:
                return item
        raise KeyError(f"unknown indicator {indicator_id!r}")

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
    if problems:
        raise CatalogueError(f"{path}: " + "; ".join(problems))
    return Catalogue(sources=sources, countries=countries, indicators=indicators)


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
    if not isinstance(entries, list) or not entries:
        problems.append("[[country]]: at least one entry is required")
        return ()
    for n, entry in enumerate(entries, 1):
        where = f"[[country]] #{n}"
        if not isinstance(entry, dict):
            problems.append(f"{where}: not a table")
            continue
        iso3, name, role = (str(entry.get(k, "")) for k in ("iso3", "name", "role"))
        m49 = entry.get("m49")
        if m49 is not None and (not isinstance(m49, int) or isinstance(m49, bool) or m49 < 0):
            problems.append(f"{where} ({iso3}): m49 {m49!r} is not a UN M49 number")
            m49 = None
        unknown = sorted(set(entry) - {"iso3", "name", "role", "m49", "sipri_name"})
        if unknown:
            problems.append(f"{where} ({iso3}): unknown field(s) {', '.join(unknown)}")
        if not (len(iso3) == 3 and iso3.isalpha() and iso3.isupper()):
            problems.append(f"{where}: iso3 {iso3!r} is not a three-letter upper-case code")
        if not name.strip():
            problems.append(f"{where} ({iso3}): name is missing")
        if role not in ROLES:
            problems.append(f"{where} ({iso3}): role {role!r} is not one of {', '.join(ROLES)}")
        if iso3 in {c.iso3 for c in out}:
            problems.append(f"{where}: {iso3} is listed twice")
        sipri_name = str(entry.get("sipri_name", ""))
        out.append(Country(iso3=iso3, name=name, role=role, m49=m49, sipri_name=sipri_name))
    if sum(c.role == "focus" for c in out) != 2:
        problems.append("[[country]]: exactly two entries must have role = 'focus'")
    return tuple(out)


def _indicators(entries: object, sources: set[str], problems: list[str]) -> tuple[Indicator, ...]:
    """Validate [[indicator]] entries."""
    out: list[Indicator] = []
    for n, entry in enumerate(entries_of("indicator", entries, problems), 1):
        where = check_entry("indicator", n, entry, INDICATOR_FIELDS, INDICATOR_FIELDS, problems)
        if where is None:
            continue
        if entry.get("source") not in sources:
            known = ", ".join(sorted(sources))
            problems.append(f"{where}: source {entry.get('source')!r} is not one of {known}")
        if entry.get("theme") not in THEMES:
            problems.append(f"{where}: theme {entry.get('theme')!r} is not one of {THEMES}")
        if entry.get("id") in {i.id for i in out}:
            problems.append(f"{where}: id is listed twice")
        out.append(Indicator(**{k: str(entry.get(k, "")) for k in INDICATOR_FIELDS}))
    return tuple(out)
