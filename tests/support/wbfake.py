"""A World Bank API v2 emulator for tests: SYNTHETIC values served in the API's exact format."""

from __future__ import annotations

import json
from collections.abc import Iterable

from werkzeug import Request, Response

LASTUPDATED = "2099-01-15"  # synthetic release date, clearly not a real WDI release
NAMES = {
    "CHN": ("CN", "China"),
    "RUS": ("RU", "Russian Federation"),
    "USA": ("US", "United States"),
}


def synthetic_value(indicator: str, country: str, year: int) -> float | None:
    """A SYNTHETIC value (not real data): deterministic, with gaps before 1990 for RUS."""
    if country == "RUS" and year < 1990:
        return None
    base = {"CHN": 3.0, "RUS": 1.0, "USA": 5.0}.get(country, 2.0)
    return round(base * (year - 1950) * (1 + len(indicator) / 100), 3)


class WorldBankFake:
    """Serves data, indicator and source calls; counts requests; values can be overridden."""

    def __init__(self, years: Iterable[int] = range(1960, 2026)) -> None:
        self.years = list(years)
        self.overrides: dict[tuple[str, str, int], float | None] = {}
        self.unknown: set[str] = set()
        self.requests: list[str] = []

    def value(self, indicator: str, country: str, year: int) -> float | None:
        """The value served for one observation."""
        key = (indicator, country, year)
        return self.overrides[key] if key in self.overrides else synthetic_value(*key)

    def __call__(self, request: Request) -> Response:
        self.requests.append(request.full_path)
        parts = request.path.strip("/").split("/")
        if parts[-2:-1] == ["sources"]:
            body = [
                {"page": "1", "pages": "1", "per_page": "50", "total": "1"},
                [
                    {
                        "id": parts[-1],
                        "lastupdated": LASTUPDATED,
                        "name": "World Development Indicators",
                        "code": "WDI",
                    }
                ],
            ]
        elif parts[-2] == "indicator" and "country" not in parts:
            body = self._indicator_meta(parts[-1])
        else:
            body = self._data(parts[-3].split(";"), parts[-1].split(";"), request.args)
        return Response(json.dumps(body), content_type="application/json;charset=utf-8")

    def _indicator_meta(self, indicator: str) -> list:
        if indicator in self.unknown:
            return [
                {
                    "message": [
                        {
                            "id": "120",
                            "key": "Invalid value",
                            "value": "The provided parameter value is not valid",
                        }
                    ]
                }
            ]
        return [
            {"page": 1, "pages": 1, "per_page": "50", "total": 1},
            [
                {
                    "id": indicator,
                    "name": f"Synthetic {indicator}",
                    "unit": "",
                    "source": {"id": "2", "value": "World Development Indicators"},
                    "sourceNote": f"Synthetic note for {indicator}.",
                    "sourceOrganization": "Synthetic organisation",
                    "topics": [],
                }
            ],
        ]

    def _data(self, countries: list[str], indicators: list[str], args) -> list:
        if self.unknown & set(indicators):
            return [
                {
                    "message": [
                        {
                            "id": "120",
                            "key": "Invalid value",
                            "value": "The provided parameter value is not valid",
                        }
                    ]
                }
            ]
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
            "lastupdated": LASTUPDATED,
        }
        chunk = records[(page - 1) * per_page : page * per_page]
        return [header, chunk or None]
