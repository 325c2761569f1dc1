"""The HTML report: a Jinja2 template (autoescaped) filled from the snapshot's tables and charts."""

from __future__ import annotations

import base64
from collections.abc import Mapping, Sequence
from datetime import datetime
from functools import cache

import jinja2
import pandas as pd
import plotly.graph_objects as go
from plotly.offline import get_plotlyjs

from config.about import APP_NAME, APP_VERSION
from config.clock import for_people
from dashboard.exports.formats import header
from dashboard.model.numbers import column_texts


@cache
def _template() -> jinja2.Template:
    """The report template, autoescaped: text from sources and config is shown literally."""
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("dashboard.exports", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
    )
    return env.get_template("report.html")


def table(heading: str, frame: pd.DataFrame, note: str = "", charts_here: bool = False) -> dict:
    """A report section: headers in words, each column as text by one rule (years bare, one
    precision per column, a true minus sign), no e-notation."""
    cells = frame.astype(object).where(frame.notna(), None)
    texts = [column_texts(str(c), cells[c].tolist()) for c in cells.columns]
    rows = [
        [
            {
                "text": texts[n][r],
                "num": isinstance(v, int | float) and not isinstance(v, bool),
                "url": isinstance(v, str) and v.startswith(("http://", "https://")),
            }
            for n, v in enumerate(record)
        ]
        for r, record in enumerate(cells.itertuples(index=False))
    ]
    return {
        "heading": heading,
        "note": note,
        "columns": [header(c) for c in frame.columns],
        "rows": rows,
        "charts_here": charts_here,
    }


def report_html(
    title: str,
    filters: Mapping[str, str],
    sections: Sequence[dict],
    charts: Sequence[tuple[str, go.Figure]],
    exported: datetime,
    permalink: str,
    static_svgs: Sequence[bytes] | None = None,
) -> str:
    """A self-contained HTML report: plotly.js inlined, so charts stay interactive offline.

    With `static_svgs` the charts are embedded as SVG images instead (for printing to PDF: no
    script to run, and vector output). A section with `charts_here` is followed by the charts.
    """
    if static_svgs is not None:
        items = [
            {"title": t, "svg": base64.b64encode(svg).decode(), "html": ""}
            for (t, _), svg in zip(charts, static_svgs, strict=True)
        ]
    else:
        items = [
            {
                "title": t,
                "svg": "",
                "html": fig.to_html(
                    full_html=False, include_plotlyjs=False, config={"displaylogo": False}
                ),
            }
            for t, fig in charts
        ]
    return _template().render(
        title=title,
        app_name=APP_NAME,
        app_version=APP_VERSION,
        exported=for_people(exported),
        permalink=permalink,
        filters=filters,
        sections=sections,
        charts=items,
        plotly_js=get_plotlyjs() if static_svgs is None else "",
    )
