"""The filters panel: indicator, country, year, mode, scale, base-year and event controls."""

from __future__ import annotations

from collections.abc import Sequence

import dash_bootstrap_components as dbc
from dash import dcc

from config.catalogue import Catalogue
from config.events import Timeline
from dashboard.model import wording
from dashboard.model.metrics import MODES
from dashboard.model.state import SCALES, ViewState


def filters(
    catalogue: Catalogue,
    timeline: Timeline,
    options: Sequence[dict],
    default: ViewState,
    last_year: int,
) -> dbc.Card:
    """Indicator, country, year, mode, scale, base-year and event-category controls."""
    comparators = [
        {"label": c.name, "value": c.iso3} for c in catalogue.countries if c.role == "comparator"
    ]
    focus = " and ".join(catalogue.country_name(c) for c in catalogue.focus)
    labels = wording.mode_labels(*(catalogue.country_name(c) for c in catalogue.focus[:2]))
    years = list(range(1960, last_year + 1))
    return dbc.Card(
        dbc.CardBody(
            dbc.Row(
                [
                    dbc.Col(
                        [
                            dbc.Label("Indicators", html_for="f-indicators"),
                            dcc.Dropdown(
                                id="f-indicators",
                                options=list(options),
                                value=list(default.indicators),
                                multi=True,
                            ),
                        ],
                        lg=5,
                    ),
                    dbc.Col(
                        [
                            dbc.Label(f"{focus}, with"),
                            dbc.Checklist(
                                id="f-countries",
                                options=comparators,
                                value=list(default.comparators),
                                inline=True,
                            ),
                            dbc.Label("Years", className="mt-2"),
                            dcc.RangeSlider(
                                id="f-years",
                                min=1960,
                                max=last_year,
                                step=1,
                                value=[default.year_from, default.year_to],
                                marks={y: str(y) for y in range(1960, last_year + 1, 10)},
                                tooltip={"placement": "bottom"},
                            ),
                        ],
                        lg=4,
                    ),
                    dbc.Col(
                        [
                            dbc.Label("Show"),
                            dbc.RadioItems(
                                id="f-mode",
                                options=[{"label": labels[m], "value": m} for m in MODES],
                                value=default.mode,
                                inline=True,
                            ),
                            dbc.RadioItems(
                                id="f-scale",
                                options=[{"label": s, "value": s} for s in SCALES],
                                value=default.scale,
                                inline=True,
                            ),
                            dbc.InputGroup(
                                [
                                    dbc.InputGroupText("Base year"),
                                    dbc.Select(
                                        id="f-base",
                                        options=[{"label": str(y), "value": y} for y in years],
                                        value=default.base_year,
                                    ),
                                ],
                                size="sm",
                                className="mt-1",
                            ),
                        ],
                        lg=3,
                    ),
                    dbc.Col(
                        [
                            dbc.Label("Events", className="mt-2 me-2"),
                            dbc.Checklist(
                                id="f-events",
                                options=[{"label": c, "value": c} for c in timeline.categories],
                                value=list(default.categories),
                                inline=True,
                            ),
                        ],
                        width=12,
                    ),
                ]
            )
        ),
        className="mb-3",
    )
