"""Fill a store with SYNTHETIC data from all three sources, in their real shapes, without HTTP."""

from __future__ import annotations

from config.catalogue import Catalogue
from fetchers.sources import sipri_workbook
from fetchers.store.store import Store
from fetchers.store.tidy import IndicatorMeta, SourceResult, make_frame
from tests.support import sipri_book
from tests.support.comtradefake import synthetic_trade
from tests.support.wbfake import LASTUPDATED, synthetic_value

YEARS = range(1990, 2025)


def worldbank_result(catalogue: Catalogue, scale: float = 1.0) -> SourceResult:
    """Every catalogued World Bank series, synthetic values (times `scale`)."""
    records = []
    for indicator in catalogue.for_source("worldbank"):
        for country in catalogue.iso3:
            for year in YEARS:
                value = synthetic_value(indicator.id, country, year)
                records.append(
                    {
                        "source": "worldbank", "indicator": indicator.id, "country": country,
                        "partner": "", "year": year,
                        "value": None if value is None else value * scale,
                        "unit": indicator.unit, "flag": "missing" if value is None else "",
                    }
                )  # fmt: skip
    meta = tuple(
        IndicatorMeta(i.id, f"{i.title} (synthetic)", f"Synthetic note for {i.id}.", "Synthetic WB")
        for i in catalogue.for_source("worldbank")
    )
    return SourceResult(
        "worldbank", make_frame(records), meta, ("http://127.0.0.1/wb",), "1" * 64, LASTUPDATED
    )


def trade_result() -> SourceResult:
    """Comtrade-shaped synthetic flows; Russia silent after 2021 with mirror rows."""
    codes = {"CHN": 156, "RUS": 643, "WLD": 0}
    records = []
    for reporter, other in (("CHN", "RUS"), ("RUS", "CHN")):
        for partner in (other, "WLD"):
            for flow, indicator in (("X", "CMT.TOTAL.X"), ("M", "CMT.TOTAL.M")):
                for year in YEARS:
                    mirror = reporter == "RUS" and year > 2021
                    if mirror and partner == "WLD":
                        continue
                    source_flow = {"X": "M", "M": "X"}[flow] if mirror else flow
                    args = (
                        (codes[other], codes[reporter])
                        if mirror
                        else (codes[reporter], codes[partner])
                    )
                    records.append(
                        {
                            "source": "trade", "indicator": indicator, "country": reporter,
                            "partner": partner, "year": year,
                            "value": synthetic_trade(*args, source_flow, year),
                            "unit": "current US$", "flag": "mirror" if mirror else "",
                        }
                    )  # fmt: skip
    meta = tuple(IndicatorMeta(i, f"Synthetic {i}") for i in ("CMT.TOTAL.X", "CMT.TOTAL.M"))
    return SourceResult(
        "trade", make_frame(records), meta, ("http://127.0.0.1/ct",), "2" * 64, "2099-02-01"
    )


def seed(store: Store, catalogue: Catalogue) -> None:
    """Store one successful run of each source."""
    sipri_result = sipri_workbook.parse_workbook(
        sipri_book.build(), "file:///synthetic.xlsx", catalogue
    )
    for result in (worldbank_result(catalogue), sipri_result, trade_result()):
        store.write_run(store.start_run(result.source), result)
