"""Watching without staring: the changes feed, the release calendar and stable data URLs."""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime

from feedgen.feed import FeedGenerator
from flask import Flask, Response, request

from config.about import APP_NAME
from config.clock import format_time, parse_time
from dashboard.exports import formats
from dashboard.exports.citation import all_formats, cited
from dashboard.model import state, wording
from fetchers.store import changes, release_calendar, vintage
from fetchers.store.snapshot import StoreSnapshot

log = logging.getLogger(__name__)
FEED_ENTRIES = 50  # newest events in the feed
QUERY_MAX = 4000  # characters of a data URL's query string; a view link is a few hundred
DATA_SCHEMA = "asymmetry-monitor/data/1"


class BadRequest(ValueError):
    """The request names no view or vintage that can be served; the message says why."""


# --- pure: events and calendars into documents ------------------------------------------------
def atom(found: Sequence[changes.Change], public_url: str, authority: str) -> bytes:
    """An Atom 1.0 feed of events, newest first, each linking to its vintage-pinned view."""
    feed = FeedGenerator()
    feed.id(changes.tag(authority, "2026-01-01", "feed"))
    feed.title(f"{APP_NAME}: changes")
    feed.subtitle("New releases, refused releases, sources down, releases overdue, verdicts.")
    feed.author({"name": APP_NAME})
    feed.link(href=f"{public_url.rstrip('/')}/feed.atom", rel="self")
    feed.link(href=f"{public_url.rstrip('/')}/", rel="alternate")
    newest = max((c.updated for c in found), default="2026-01-01T00:00:00Z")
    feed.updated(parse_time(newest))
    for change in found:
        entry = feed.add_entry(order="append")
        entry.id(change.id)
        entry.title(change.title)
        entry.updated(parse_time(change.updated))
        entry.summary(change.summary)
        entry.link(href=changes.permalink(public_url, change.as_of), rel="alternate")
        entry.category(term=change.kind)
    return feed.atom_str(pretty=True)


def ics(entries: Sequence[release_calendar.SourceCalendar], authority: str) -> bytes:
    """An iCalendar (RFC 5545) of each source's last release and next expected one."""
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:-//{APP_NAME}//Release calendar//EN",
             "CALSCALE:GREGORIAN", f"X-WR-CALNAME:{_text(APP_NAME + ': source releases')}"]  # fmt: skip
    for entry in entries:
        stamp = entry.fetched_at.replace("-", "").replace(":", "")
        if entry.released_on:
            lines += _event(
                f"{entry.source}-{entry.last_release}-released@{authority}", stamp,
                entry.released_on, f"{entry.title} release {entry.last_release}",
                f"The release stored now; fetched {entry.fetched_at}.",
            )  # fmt: skip
        if entry.expected:
            late = "OVERDUE: " if entry.overdue else ""
            lines += _event(
                f"{entry.source}-{entry.last_release}-next@{authority}", stamp, entry.expected,
                f"{late}{entry.title}: next release expected",
                f"Expected from its usual cadence after release {entry.last_release}.",
            )  # fmt: skip
    lines.append("END:VCALENDAR")
    return "".join(_fold(line) + "\r\n" for line in lines).encode("utf-8")


# --- the routes ---------------------------------------------------------------------------------
def register(server: Flask, model, exporter, now: Callable[[], datetime] | None = None) -> None:
    """Add /feed.atom, /calendar.ics, /data.csv, /data.json and /data.metadata.json.

    `model` is the view model (its snapshots, catalogue, settings and link parser); `exporter`
    the export builder whose `data(snap, view)` and `metadata(snap, view)` the CLI export uses
    too, so /data.csv is the CLI's CSV of the same view.
    """
    clock = now or (lambda: datetime.now(UTC))
    settings, catalogue = model.settings, model.catalogue
    public, authority = settings.public_url, changes.authority(settings.public_url)

    def events(snap: StoreSnapshot) -> list[changes.Change]:
        found = changes.changes(snap.runs, snap.history, catalogue, settings.refresh_hours,
                                clock(), authority)  # fmt: skip
        try:
            from dashboard.model.analysed import analysis_for

            claims = analysis_for(model, snap, model.default).claims
            found += changes.verdict_changes(claims, snap.runs, catalogue, authority)
        except Exception:  # the analysis is extra: the feed stands without its verdicts
            log.exception("the feed's claim verdicts could not be computed")
        return sorted(found, key=lambda c: (c.updated, c.id), reverse=True)[:FEED_ENTRIES]

    @server.get("/feed.atom")
    def feed() -> Response:
        snap = model.snapshots.current()
        hour = clock().strftime("%Y-%m-%dT%H")  # outages and overdue releases move with time
        found = snap.derive(("feed", hour), lambda: events(snap))
        return _cached(atom(found, public, authority), "application/atom+xml; charset=utf-8")

    @server.get("/calendar.ics")
    def calendar() -> Response:
        snap = model.snapshots.current()
        entries = release_calendar.calendar(snap.runs, catalogue, clock().date())
        return _cached(ics(entries, authority), "text/calendar; charset=utf-8")

    def selection() -> tuple[StoreSnapshot, state.ViewState, str, str]:
        """The request's vintage snapshot, view, as_of (store format, '' for now) and ETag."""
        raw = request.query_string.decode("utf-8", "replace")
        if len(raw) > QUERY_MAX:
            raise BadRequest(f"the query string is longer than {QUERY_MAX} characters")
        args = request.args
        query = "&".join(p for p in raw.split("&") if not p.startswith("as_of="))
        view, notes = model.from_url(query)
        if notes:
            raise BadRequest(" ".join(notes))
        snap = model.snapshots.current()
        if "as_of" not in args:
            return snap, view, "", f'"v{snap.version}"'
        try:
            when = vintage.parse_as_of(args["as_of"], vintage.first_moment(snap.runs), clock())
        except vintage.VintageError as exc:
            raise BadRequest(str(exc)) from exc
        at = format_time(when)
        return vintage.at(snap, when), view, at, f'"v{snap.version}-{at}"'

    def serve(build: Callable[..., tuple[bytes, str]]) -> Response:
        try:
            snap, view, at, etag = selection()
        except BadRequest as exc:
            return _error(str(exc))
        if request.if_none_match.contains_weak(etag.strip('"')):
            return Response(status=304, headers={"ETag": etag})
        body, mimetype = build(snap, view, at)
        answer = Response(body, mimetype=mimetype, headers={"ETag": etag})
        answer.headers["Cache-Control"] = "no-cache"  # revalidate: a 304 costs nothing
        return answer

    def link(view: state.ViewState, at: str) -> str:
        return changes.permalink(public, at, state.serialise(view, model.default))

    @server.get("/data.csv")
    def data_csv() -> Response:
        return serve(
            lambda snap, view, at: (
                formats.to_csv_bytes(exporter.data(snap, view)),
                "text/csv; charset=utf-8",
            )
        )

    @server.get("/data.json")
    def data_json() -> Response:
        def build(snap, view, at):
            rows = exporter.data(snap, view)
            body = {"schema": DATA_SCHEMA, "version": snap.version, "as_of": at or None,
                    "permalink": link(view, at), "columns": list(rows.columns),
                    "rows": json.loads(rows.to_json(orient="records"))}  # fmt: skip
            return _json(body), "application/json"

        return serve(build)

    @server.get("/data.metadata.json")
    def data_metadata() -> Response:
        def build(snap, view, at):
            meta = exporter.metadata(snap, view)
            title = wording.view_title(view, model.titles, model.names, model.pair)
            pinned = at or snap.latest()  # a citation points at numbers that will not change
            citation = cited(title, meta, catalogue, link(view, pinned), pinned, clock().date())
            body = {"schema": DATA_SCHEMA, "version": snap.version, "as_of": at or None,
                    "title": title, "permalink": link(view, at),
                    "indicators": json.loads(meta.to_json(orient="records")),
                    "citation": dict(all_formats(citation))}  # fmt: skip
            return _json(body), "application/json"

        return serve(build)


def _cached(body: bytes, mimetype: str) -> Response:
    """A document whose ETag is its hash: a reader polling it gets a 304 until it changes."""
    etag = hashlib.sha256(body).hexdigest()[:32]
    if request.if_none_match.contains_weak(etag):
        return Response(status=304, headers={"ETag": f'"{etag}"'})
    answer = Response(body, mimetype=mimetype, headers={"ETag": f'"{etag}"'})
    answer.headers["Cache-Control"] = "public, max-age=300"
    return answer


def _error(message: str, status: int = 400) -> Response:
    """A client error in one JSON line (the message was written for people, never an echo of a
    body or a path)."""
    return Response(_json({"error": message}), status=status, mimetype="application/json")


def _json(body: dict) -> bytes:
    return json.dumps(body, ensure_ascii=False, allow_nan=False).encode("utf-8")


def _event(uid: str, stamp: str, day: date, summary: str, description: str) -> list[str]:
    """One all-day VEVENT."""
    return ["BEGIN:VEVENT", f"UID:{_text(uid)}", f"DTSTAMP:{stamp or '19700101T000000Z'}",
            f"DTSTART;VALUE=DATE:{day:%Y%m%d}", f"SUMMARY:{_text(summary)}",
            f"DESCRIPTION:{_text(description)}", "TRANSP:TRANSPARENT", "END:VEVENT"]  # fmt: skip


def _text(value: str) -> str:
    """RFC 5545 TEXT: backslash, semicolon, comma and line breaks escaped."""
    out = value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return out.replace("\r\n", "\\n").replace("\n", "\\n").replace("\r", "\\n")


def _fold(line: str) -> str:
    """Lines of at most 75 octets, continued with CRLF and a space (never inside a character)."""
    parts, current = [], b""
    for ch in line:
        encoded = ch.encode("utf-8")
        if len(current) + len(encoded) > (75 if not parts else 74):
            parts.append(current)
            current = b""
        current += encoded
    parts.append(current)
    return "\r\n ".join(p.decode("utf-8") for p in parts)
