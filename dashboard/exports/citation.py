"""Cite this view: APA, Chicago, BibTeX and RIS from its title, sources, releases and permalink."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

import pandas as pd

from config.about import APP_NAME
from config.catalogue import Catalogue

FORMATS = ("apa", "chicago", "bibtex", "ris")
# BibTeX's special characters in text fields, escaped as LaTeX reads them.
_TEX = {"\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "%": r"\%", "&": r"\&", "$": r"\$",
        "#": r"\#", "_": r"\_", "^": r"\^{}", "~": r"\~{}"}  # fmt: skip


@dataclass(frozen=True)
class CitedSource:
    """One source a view draws on, and the release its numbers come from."""

    organisation: str
    citation: str  # how the source asks to be cited
    release: str
    url: str


@dataclass(frozen=True)
class Cited:
    """What a citation of one view says."""

    title: str  # the view in words: its indicators and countries
    permalink: str  # the view's address with as_of pinned: numbers that will not change
    as_of: str  # the store's time the numbers are pinned to
    accessed: date
    sources: tuple[CitedSource, ...]

    @property
    def year(self) -> int:
        """The year of the pinned data (the access year when none is pinned)."""
        return int(self.as_of[:4]) if self.as_of[:4].isdigit() else self.accessed.year


def cited(
    title: str, metadata: pd.DataFrame, catalogue: Catalogue, permalink: str, as_of: str,
    accessed: date,
) -> Cited:  # fmt: skip
    """A view's citation from its metadata rows (exports.metadata_frame: source, release)."""
    releases: dict[str, set[str]] = {}
    for row in metadata.to_dict("records"):
        releases.setdefault(row["source"], set()).add(str(row["source_release"] or ""))
    sources = []
    for source_id, labels in releases.items():
        source = catalogue.source(source_id)
        release = ", ".join(sorted(label for label in labels if label)) or "release unknown"
        sources.append(CitedSource(source.organisation, source.citation, release, source.url))
    return Cited(title, permalink, as_of, accessed, tuple(sources))


def all_formats(c: Cited) -> Mapping[str, str]:
    """Every format's text, by FORMATS name."""
    return {"apa": apa(c), "chicago": chicago(c), "bibtex": bibtex(c), "ris": ris(c)}


def apa(c: Cited) -> str:
    """APA 7 (data set)."""
    return (
        f"{APP_NAME}. ({c.year}). {c.title} (data as of {_as_of(c)}) [Data set]. "
        f"Sources: {_sources(c)}. Retrieved {_long(c.accessed)}, from {c.permalink}"
    )


def chicago(c: Cited) -> str:
    """Chicago (notes and bibliography, a data set)."""
    return (
        f"{APP_NAME}. “{c.title}.” Data as of {_as_of(c)}. Sources: {_sources(c)}. "
        f"Accessed {_long(c.accessed)}. {c.permalink}."
    )


def bibtex(c: Cited) -> str:
    """A BibTeX @misc entry (biblatex's url and urldate fields too)."""
    fields = {
        "author": "{" + _tex(APP_NAME) + "}",  # a body, not a person: kept as one name
        "title": "{" + _tex(c.title) + "}",
        "year": str(c.year),
        "howpublished": "Data set",
        "note": _tex(f"Data as of {_as_of(c)}. Sources: {_sources(c)}."),
        "url": c.permalink.replace("}", "%7D").replace("{", "%7B"),
        "urldate": c.accessed.isoformat(),
    }
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields.items())
    return f"@misc{{{key(c)},\n{body}\n}}\n"


def ris(c: Cited) -> str:
    """RIS (a data set): one tag per line, ending with ER."""
    lines = [("TY", "DATA"), ("AU", APP_NAME), ("TI", c.title), ("PY", str(c.year)),
             ("UR", c.permalink), ("Y2", c.accessed.isoformat()),
             ("N1", f"Data as of {_as_of(c)}."),
             *(("N1", f"Source: {s.citation}, release {s.release}. {s.url}") for s in c.sources),
             ("ER", "")]  # fmt: skip
    return "".join(f"{tag}  - {' '.join(value.split())}\n" for tag, value in lines)


def key(c: Cited) -> str:
    """A citation key that differs for differently pinned views: name, year, permalink hash."""
    digest = hashlib.sha256(c.permalink.encode("utf-8")).hexdigest()[:8]
    return f"asymmetrymonitor{c.year}{digest}"


def _sources(c: Cited) -> str:
    return "; ".join(f"{s.citation}, release {s.release}" for s in c.sources) or "none"


def _as_of(c: Cited) -> str:
    return c.as_of.replace("T", " ").replace("Z", " UTC") if c.as_of else "the time of access"


def _long(day: date) -> str:
    return f"{day:%B} {day.day}, {day.year}"


def _tex(text: str) -> str:
    return "".join(_TEX.get(ch, ch) for ch in text)
