"""`/healthz` for load balancers: the store answers, its data version, the last good run per source."""

from __future__ import annotations

import logging

import sqlalchemy as sa
from flask import Flask, Response, jsonify

from fetchers.store.errors import StoreError
from fetchers.store.snapshot import Snapshots

log = logging.getLogger(__name__)


def register(server: Flask, snapshots: Snapshots) -> None:
    """Add GET /healthz to the Flask server: 200 with the store's state, 503 if it cannot answer
    (the page goes on showing the data last read)."""

    @server.get("/healthz")
    def healthz() -> tuple[Response, int]:
        try:
            found = health(snapshots)
        except (StoreError, sa.exc.SQLAlchemyError) as exc:
            log.warning("health check: the store did not answer: %s", exc)
            found = {"status": "error"}
        if snapshots.unreachable or found["status"] == "error":
            return jsonify({**found, "status": "error", "reason": "the store did not answer"}), 503
        return jsonify(found), 200


def health(snapshots: Snapshots) -> dict:
    """The store's state as JSON-ready data: no URLs, paths or error text."""
    snap = snapshots.current()
    runs = snap.last_runs(snapshots.store.lease_seconds)
    sources = {
        row["source"]: {
            "last_ok_at": row["last_ok_at"] or None,
            "release": row["last_ok_release"] or None,
            "last_status": row["status"],
        }
        for row in runs.to_dict("records")
    }
    return {
        "status": "ok",
        "data_version": snap.version,
        "read_only": snapshots.store.read_only,
        "sources": sources,
    }
