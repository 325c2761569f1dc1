"""Exports: files built from one snapshot, with provenance (no Dash)."""
