"""The filters panel: indicator, country, year, mode, scale, base-year and event controls."""

from __future__ import annotations

from collections.abc import Sequence

import dash_bootstrap_components as dbc
from dash import dcc
from dash.development.base_component import Component

from config.catalogue import Catalogue
from config.events import Timeline
from dashboard.model import wording
from dashboard.model.metrics import MODES
from dashboard.model.state import CONTROLS, FIELDS, FIRST_YEAR, SCALES, ViewState, control_values

CONTROL = {f.name: f.control for f in FIELDS if f.control}  # ViewState field → its control's id


def filters(
    catalogue: Catalogue,
    timeline: Timeline,
    options: Sequence[dict],
    default: ViewState,
    last_year: int,
) -> dbc.Card:
    """Indicator, country, year, mode, scale, base-year and event-category controls."""
    shown = dict(zip(CONTROLS, control_values(default), strict=True))

    def control(kind: type, field: str, pairs: Sequence | None = None, **extra) -> Component:
        """The control setting `field`, showing the default view; `pairs` its (label, value)s."""
        if pairs is not None:
            extra["options"] = [{"label": label, "value": value} for label, value in pairs]
        return kind(id=CONTROL[field], value=shown[CONTROL[field]], **extra)

    comparators = [(c.name, c.iso3) for c in catalogue.countries if c.role == "comparator"]
    focus = " and ".join(catalogue.country_name(c) for c in catalogue.focus)
    labels = wording.mode_labels(*(catalogue.country_name(c) for c in catalogue.focus[:2]))
    years = range(FIRST_YEAR, last_year + 1)
    return dbc.Card(
        dbc.CardBody(
            dbc.Row([
                dbc.Col([
                    dbc.Label("Indicators", html_for=CONTROL["indicators"]),
                    control(dcc.Dropdown, "indicators", options=list(options), multi=True),
                ], lg=5),
                dbc.Col([
                    dbc.Label(f"{focus}, with"),
                    control(dbc.Checklist, "comparators", comparators, inline=True),
                    dbc.Label("Years", className="mt-2"),
                    control(dcc.RangeSlider, "year_from", min=FIRST_YEAR, max=last_year, step=1,
                            marks={y: str(y) for y in years[::10]},
                            tooltip={"placement": "bottom"}),
                ], lg=4),
                dbc.Col([
                    dbc.Label("Show"),
                    control(dbc.RadioItems, "mode", [(labels[m], m) for m in MODES], inline=True),
                    control(dbc.RadioItems, "scale", [(s, s) for s in SCALES], inline=True),
                    dbc.InputGroup([
                        dbc.InputGroupText("Base year"),
                        control(dbc.Select, "base_year", [(str(y), y) for y in years]),
                    ], size="sm", className="mt-1"),
                ], lg=3),
                dbc.Col([
                    dbc.Label("Events", className="mt-2 me-2"),
                    control(dbc.Checklist, "categories", [(c, c) for c in timeline.categories],
                            inline=True),
                ], width=12),
            ])
        ),
        className="mb-3",
    )  # fmt: skip
