"""The app's name and version (read once from pyproject.toml) and the user agent it sends."""

from __future__ import annotations

import tomllib
from pathlib import Path

APP_NAME = "Asymmetry Monitor"
APP_VERSION: str = tomllib.loads(
    (Path(__file__).resolve().parents[1] / "pyproject.toml").read_text(encoding="utf-8")
)["project"]["version"]
USER_AGENT = f"asymmetry-monitor/{APP_VERSION} (python-requests; public data dashboard)"
