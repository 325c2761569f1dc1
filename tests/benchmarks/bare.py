"""The baseline: a bare Dash app drawing the same number of charts with similar data (not ours).

Serve: `python -m tests.benchmarks.bare PORT` or `gunicorn tests.benchmarks.bare:server`.
"""

from __future__ import annotations

import os
import sys

import plotly.graph_objects as go
from dash import Dash, Input, Output, dcc, html

CHARTS = int(os.environ.get("BARE_CHARTS", "4"))  # the benchmark sets the project's count
COUNTRIES = {"CHN": 3.0, "RUS": 1.0, "USA": 5.0}
YEARS = list(range(1990, 2025))


def figure(chart: int, year_from: int) -> go.Figure:
    """One line chart: three countries over the years from `year_from` (synthetic values)."""
    years = [y for y in YEARS if y >= year_from]
    fig = go.Figure()
    for country, base in COUNTRIES.items():
        values = [base * (y - 1950) * (1 + chart / 10) for y in years]
        fig.add_trace(go.Scatter(x=years, y=values, name=country, mode="lines+markers"))
    fig.update_layout(title=f"Chart {chart + 1}", height=380, margin={"t": 40})
    return fig


app = Dash(__name__, serve_locally=True)
app.layout = html.Div(
    [
        dcc.Dropdown(id="start", options=YEARS, value=YEARS[0], clearable=False),
        *[dcc.Graph(id=f"g{n}") for n in range(CHARTS)],
    ]
)
server = app.server


@app.callback(*[Output(f"g{n}", "figure") for n in range(CHARTS)], Input("start", "value"))
def draw(year_from: int) -> tuple[go.Figure, ...]:
    return tuple(figure(n, year_from) for n in range(CHARTS))


if __name__ == "__main__":
    app.run(host="127.0.0.1", port=int(sys.argv[1]), debug=False)
