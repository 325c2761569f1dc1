"""A UN Comtrade preview API emulator for tests: SYNTHETIC values, Russia silent after 2021.

It behaves as the keyless preview is documented to: one period per call (a comma list of years
is refused with HTTP 400), 429 with Retry-After and the gateway's JSON body when called faster
than its interval, answers cut silently at 500 records, `count: 0` for a year nobody reported.
"""

from __future__ import annotations

import json
import time

from werkzeug import Request, Response

RECORD_CAP = 500


def synthetic_trade(reporter: int, partner: int, flow: str, year: int) -> float:
    """A SYNTHETIC trade value (not real data); a world total (partner 0) exceeds any bilateral
    flow, so derived shares stay below 100% as real ones do."""
    value = float(reporter * 1000 + partner + (1 if flow == "X" else 2) * year)
    return value * 20 if partner == 0 else value


def gateway(status: int, message: str, **headers: str) -> Response:
    """The API gateway's own answer: `{"statusCode", "message"}`."""
    body = json.dumps({"statusCode": status, "message": message})
    return Response(body, status=status, content_type="application/json", headers=headers)


class ComtradeFake:
    """Serves /preview/C/A/HS with the comma-separated filters the real API takes."""

    def __init__(
        self,
        silent_after: dict[int, int] | None = None,
        interval: float = 0.0,
        retry_after: int = 1,
        first_year: int = 1992,
    ) -> None:
        self.silent_after = {643: 2021} if silent_after is None else silent_after
        self.interval = interval  # calls closer than this get 429
        self.retry_after = retry_after
        self.first_year = first_year  # nothing is reported before it (count: 0)
        self.requests: list[str] = []
        self.times: list[float] = []
        self.refused = 0  # 429s answered
        self.extra_records = 0  # padding records per answer, to reach the cap

    def __call__(self, request: Request) -> Response:
        now = time.monotonic()
        self.requests.append(request.full_path)
        hurried = bool(self.times) and now - self.times[-1] < self.interval
        self.times.append(now)
        if hurried:
            self.refused += 1
            return gateway(
                429,
                f"Rate limit is exceeded. Try again in {self.retry_after} seconds.",
                **{"Retry-After": str(self.retry_after)},
            )
        args = request.args
        if "," in args.get("period", ""):
            return gateway(400, "Only one period is allowed without a subscription key.")
        data = [
            self._record(reporter, partner, flow, int(args["period"]))
            for reporter in map(int, args["reporterCode"].split(","))
            for partner in map(int, args["partnerCode"].split(","))
            for flow in args["flowCode"].split(",")
            if self.first_year <= int(args["period"]) <= self.silent_after.get(reporter, 9999)
        ]
        data += [{**data[0], "partnerCode": 900 + n} for n in range(self.extra_records) if data]
        data = data[:RECORD_CAP]
        body = {"elapsedTime": "0.01 secs", "count": len(data), "data": data, "error": ""}
        return Response(json.dumps(body), content_type="application/json")

    def _record(self, reporter: int, partner: int, flow: str, year: int) -> dict:
        return {
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
            "lastUpdated": f"{min(year + 1, 2099)}-03-01T00:00:00",
        }
