"""A UN Comtrade preview API emulator for tests: SYNTHETIC values, Russia silent after 2021."""

from __future__ import annotations

import json

from werkzeug import Request, Response


def synthetic_trade(reporter: int, partner: int, flow: str, year: int) -> float:
    """A SYNTHETIC trade value (not real data)."""
    return float(reporter * 1000 + partner + (1 if flow == "X" else 2) * year)


class ComtradeFake:
    """Serves /preview/C/A/HS with the comma-separated filters the real API takes."""

    def __init__(self, silent_after: dict[int, int] | None = None) -> None:
        self.silent_after = {643: 2021} if silent_after is None else silent_after
        self.requests: list[str] = []

    def __call__(self, request: Request) -> Response:
        self.requests.append(request.full_path)
        args = request.args
        data = []
        for reporter in map(int, args["reporterCode"].split(",")):
            for partner in map(int, args["partnerCode"].split(",")):
                for flow in args["flowCode"].split(","):
                    for year in map(int, args["period"].split(",")):
                        if year > self.silent_after.get(reporter, 9999):
                            continue
                        data.append(
                            {
                                "typeCode": "C",
                                "freqCode": "A",
                                "refPeriodId": year * 10000 + 101,
                                "refYear": year,
                                "refMonth": 52,
                                "period": str(year),
                                "reporterCode": reporter,
                                "flowCode": flow,
                                "partnerCode": partner,
                                "partner2Code": 0,
                                "classificationCode": "H6",
                                "cmdCode": "TOTAL",
                                "customsCode": "C00",
                                "motCode": 0,
                                "primaryValue": synthetic_trade(reporter, partner, flow, year),
                                "isReported": True,
                                "isAggregate": True,
                            }
                        )
        body = {"elapsedTime": "0.01 secs", "count": len(data), "data": data, "error": ""}
        return Response(json.dumps(body), content_type="application/json")
