"""Checks shared by the TOML registers: each entry a table, its fields known and present."""

from __future__ import annotations

from collections.abc import Sequence


def check_entry(
    table: str,
    n: int,
    entry: object,
    fields: Sequence[str],
    required: Sequence[str],
    problems: list[str],
    name_key: str = "id",
) -> str | None:
    """Note a non-table entry, missing and unknown fields; the entry's place for further
    messages ('[[indicator]] #3 (NY.GDP.MKTP.CD)'), or None when it is not a table."""
    if not isinstance(entry, dict):
        problems.append(f"[[{table}]] #{n}: not a table")
        return None
    where = f"[[{table}]] #{n} ({entry.get(name_key, '?')})"
    missing = [k for k in required if not str(entry.get(k, "")).strip()]
    if missing:
        problems.append(f"{where}: missing {', '.join(missing)}")
    unknown = sorted(set(entry) - set(fields))
    if unknown:
        problems.append(f"{where}: unknown field(s) {', '.join(unknown)}")
    return where


def entries_of(table: str, entries: object, problems: list[str]) -> list:
    """The entries of `[[table]]`, or none (noting it) when the list is missing or empty."""
    if not isinstance(entries, list) or not entries:
        problems.append(f"[[{table}]]: at least one entry is required")
        return []
    return entries
