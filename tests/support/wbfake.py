"""A World Bank API v2 emulator for tests: SYNTHETIC values served in the API's exact format.

It keeps the documented limits: at most 60 indicators per `source=2` call and URLs under 4,000
characters (refused as the API does), answers archived indicators with the error envelope,
serves metadata in batches (`indicator/A;B`), and can prefix bodies with a UTF-8 byte-order mark.
"""

from __future__ import annotations

import json
from collections.abc import Iterable

from werkzeug import Request, Response

LASTUPDATED = "2099-01-15"  # synthetic release date, clearly not a real WDI release
NAMES = {
    "CHN": ("CN", "China"),
    "RUS": ("RU", "Russian Federation"),
    "USA": ("US", "United States"),
    "IND": ("IN", "India"),
    "DEU": ("DE", "Germany"),
    "JPN": ("JP", "Japan"),
    "WLD": ("1W", "World"),
}
MAX_INDICATORS = 60
MAX_URL = 4000
ARCHIVED = [
    {
        "id": "175",
        "key": "Invalid format",
        "value": "The indicator was not found. It may have been deleted or archived.",
    }
]


def synthetic_value(indicator: str, country: str, year: int) -> float | None:
    """A SYNTHETIC value (not real data): deterministic, with gaps before 1990 for RUS."""
    if country == "RUS" and year < 1990:
        return None
    base = {"CHN": 3.0, "RUS": 1.0, "USA": 5.0, "WLD": 40.0}.get(country, 2.0)
    return round(base * (year - 1950) * (1 + len(indicator) / 100), 3)


class WorldBankFake:
    """Serves data, indicator and source calls; counts requests; values can be overridden."""

    def __init__(self, years: Iterable[int] = range(1960, 2026)) -> None:
        self.years = list(years)
        self.overrides: dict[tuple[str, str, int], float | None] = {}
        self.unknown: set[str] = set()  # archived or renamed: the API's error envelope
        self.absent: set[str] = set()  # countries the data answers leave out
        self.release = LASTUPDATED
        self.bom = False
        self.requests: list[str] = []

    def value(self, indicator: str, country: str, year: int) -> float | None:
        """The value served for one observation."""
        key = (indicator, country, year)
        return self.overrides[key] if key in self.overrides else synthetic_value(*key)

    def __call__(self, request: Request) -> Response:
        self.requests.append(request.full_path)
        if len(request.url) > MAX_URL:
            return Response("<html><h2>Bad Request - Request Too Long</h2></html>", status=400)
        parts = request.path.strip("/").split("/")
        if parts[-2:-1] == ["sources"]:
            body = [
                {"page": "1", "pages": "1", "per_page": "50", "total": "1"},
                [
                    {
                        "id": parts[-1],
                        "lastupdated": self.release,
                        "name": "World Development Indicators",
                        "code": "WDI",
                    }
                ],
            ]
        elif parts[-2] == "indicator" and "country" not in parts:
            body = self._indicator_meta(parts[-1].split(";"))
        else:
            body = self._data(parts[-3].split(";"), parts[-1].split(";"), request.args)
        data = json.dumps(body).encode()
        return Response(
            (b"\xef\xbb\xbf" if self.bom else b"") + data,
            content_type="application/json;charset=utf-8",
        )

    def _indicator_meta(self, indicators: list[str]) -> list:
        if self.unknown & set(indicators):
            return [{"message": ARCHIVED}]
        rows = [
            {
                "id": indicator,
                "name": f"Synthetic {indicator}",
                "unit": "",
                "source": {"id": "2", "value": "World Development Indicators"},
                "sourceNote": f"Synthetic note for {indicator}.",
                "sourceOrganization": "Synthetic organisation",
                "topics": [],
            }
            for indicator in indicators
        ]
        return [{"page": 1, "pages": 1, "per_page": "50", "total": len(rows)}, rows]

    def _data(self, countries: list[str], indicators: list[str], args) -> list:
        if len(indicators) > MAX_INDICATORS and args.get("source") == "2":
            return [{"message": [{"id": "160", "key": "Too many", "value": "Max 60 indicators"}]}]
        if self.unknown & set(indicators):
            return [{"message": ARCHIVED}]
        records = [
            {
                "indicator": {"id": ind, "value": f"Synthetic {ind}"},
                "country": {"id": NAMES.get(c, (c[:2], c))[0], "value": NAMES.get(c, (c, c))[1]},
                "countryiso3code": c,
                "date": str(year),
                "value": self.value(ind, c, year),
                "unit": "",
                "obs_status": "",
                "decimal": 0,
            }
            for ind in indicators
            for c in countries
            if c not in self.absent
            for year in sorted(self.years, reverse=True)
        ]
        per_page = int(args.get("per_page", 50))
        page = int(args.get("page", 1))
        pages = -(-len(records) // per_page)
        header = {
            "page": page,
            "pages": pages,
            "per_page": per_page,
            "total": len(records),
            "sourceid": "2" if len(indicators) == 1 else None,
            "sourcename": "World Development Indicators" if len(indicators) == 1 else None,
            "lastupdated": self.release,
        }
        chunk = records[(page - 1) * per_page : page * per_page]
        return [header, chunk or None]
