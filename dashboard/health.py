"""`/healthz` for load balancers: the store answers, its data version, the last good run per source."""

from __future__ import annotations

import logging

import sqlalchemy as sa
from flask import Flask, Response, jsonify

from fetchers.errors import StoreError
from fetchers.store import Store

log = logging.getLogger(__name__)


def register(server: Flask, store: Store) -> None:
    """Add GET /healthz to the Flask server: 200 with the store's state, 503 if it cannot answer."""

    @server.get("/healthz")
    def healthz() -> tuple[Response, int]:
        try:
            return jsonify(health(store)), 200
        except (StoreError, sa.exc.SQLAlchemyError) as exc:
            log.warning("health check: the store did not answer: %s", exc)
            return jsonify({"status": "error", "reason": "the store did not answer"}), 503


def health(store: Store) -> dict:
    """The store's state as JSON-ready data: no URLs, paths or error text."""
    runs = store.last_runs()
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
        "data_version": store.data_version(),
        "read_only": store.read_only,
        "sources": sources,
    }
