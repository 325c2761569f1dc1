"""The view model: pure functions of a store snapshot and a view (no Dash)."""
