"""Alembic environment: migrates the store over the connection `Store.open` hands in."""

from __future__ import annotations

from alembic import context

from fetchers.store.lease import metadata as lease_metadata
from fetchers.store.schema import metadata

connection = context.config.attributes.get("connection")
if connection is None:
    # The store always passes its connection; the alembic CLI is not how this schema is managed.
    raise RuntimeError("run migrations through fetchers.store.Store.open, not the alembic CLI")
context.configure(
    connection=connection, target_metadata=[metadata, lease_metadata], render_as_batch=True
)
with context.begin_transaction():
    context.run_migrations()
