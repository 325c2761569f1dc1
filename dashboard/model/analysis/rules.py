"""A claim's rule in words, shown beside its verdict."""

from __future__ import annotations

from collections.abc import Mapping

from config.claims import Claim


def rule_text(
    claim: Claim, pair: tuple[str, str], names: Mapping[str, str], titles: Mapping[str, str]
) -> str:
    """The rule that decides the claim's verdict, in one or two plain sentences."""
    a, b = (names.get(c, c) for c in pair)
    band = f"{claim.tolerance * 100:g}%"
    if claim.kind == "needs_more":
        country = names.get(claim.country, claim.country)
        other = b if claim.country == pair[0] else a
        since = f" from {claim.start} on" if claim.start is not None else ""
        return (
            f"Rule: over the latest {claim.years} years{since} with both countries' trade "
            f"shares, the mean share {other} takes of {country}'s goods trade against the mean "
            f"share {country} takes of {other}'s; holds if the first is larger by more than "
            f"{band}."
        )
    series = ", ".join(titles.get(s, s) for s in claim.series)
    common = (
        f"the latest {claim.years} years that every series has (a common end year); a move "
        f"within ±{band} is steady; at least {claim.needed} of {len(claim.series)} series must "
        f"have data, else insufficient data. The absolute difference ({a} − {b}) is shown beside."
    )
    if claim.kind == "gap_widened":
        first = claim.start or 0
        return (
            f"Rule: for each of {series}, the mean {a} ÷ {b} ratio over the {claim.years} years "
            f"before {first} ({first - claim.years}–{first - 1}) against its mean over {common} "
            f"Holds if every series with data {claim.direction} by more than {band}."
        )
    start, end = claim.period or (0, 0)
    return (
        f"Rule: for each of {series}, the mean {a} ÷ {b} ratio over the {claim.years} years "
        f"before {start} ({start - claim.years}–{start - 1}) against its mean over {common} "
        f"The latest window begins after {end}. Holds if no series with data narrowed by more "
        f"than {band}."
    )
