"""Basis switch: the A ÷ B ratio under two bases side by side, and the part the basis explains."""

from __future__ import annotations

import pandas as pd

from dashboard.analysis.flags import worst
from dashboard.analysis.ratios import ratio_series

# (comparison, first indicator, its basis, second indicator, its basis)
BASIS_PAIRS = (
    ("GDP", "NY.GDP.MKTP.CD", "market exchange rates", "NY.GDP.MKTP.PP.CD", "PPP"),
    (
        "Military spending (SIPRI)",
        "SIPRI.MILEX.CURRENT_USD",
        "current US$",
        "SIPRI.MILEX.CONSTANT_USD",
        "constant US$",
    ),
)


def basis_table(frame: pd.DataFrame, pair: tuple[str, str]) -> pd.DataFrame:
    """A ÷ B per year under two bases side by side, their difference and the basis effect.

    basis_effect_pct = (1 − second ratio ÷ first ratio) × 100: for GDP, the part of the ratio at
    market exchange rates that disappears at PPP (the exchange-rate part); for SIPRI, the part
    of the current-US$ ratio that disappears at constant prices and exchange rates.
    """
    parts = []
    for comparison, first, first_basis, second, second_basis in BASIS_PAIRS:
        one = ratio_series(frame, first, pair).set_index("year")
        two = ratio_series(frame, second, pair).set_index("year")
        both = one.add_suffix("_1").join(two.add_suffix("_2"), how="inner")
        if both.empty:
            continue
        parts.append(
            pd.DataFrame(
                {
                    "comparison": comparison,
                    "year": both.index.astype(int),
                    "first_indicator": first,
                    "first_basis": first_basis,
                    "first_ratio": both["ratio_1"].values,
                    "second_indicator": second,
                    "second_basis": second_basis,
                    "second_ratio": both["ratio_2"].values,
                    "difference": (both["ratio_1"] - both["ratio_2"]).values,
                    "basis_effect_pct": ((1 - both["ratio_2"] / both["ratio_1"]) * 100).values,
                    "flag": worst(both["flag_1"], both["flag_2"]),
                }
            )
        )
    columns = [
        "comparison",
        "year",
        "first_indicator",
        "first_basis",
        "first_ratio",
        "second_indicator",
        "second_basis",
        "second_ratio",
        "difference",
        "basis_effect_pct",
        "flag",
    ]
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=columns)
