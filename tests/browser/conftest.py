"""Browser fixtures: Debian's chromium through Playwright, and the app as a real subprocess."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from config.catalogue import load_catalogue
from dashboard.exports.renderers import CHROMIUM_ARGS
from fetchers.store.store import Store
from tests.support.seed import seed

CHROMIUM = "/usr/bin/chromium"
ROOT = Path(__file__).resolve().parents[2]


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session", autouse=True)
def _chromium_present():
    if Path(CHROMIUM).exists():
        return
    if os.environ.get("CI") == "true":
        pytest.fail(f"{CHROMIUM} is missing: CI must install Debian's chromium (see .ci/run)")
    pytest.skip(f"{CHROMIUM} is missing; install Debian's chromium to run the browser tests")


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "headless": True,
        "args": list(CHROMIUM_ARGS),
    }


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class App:
    """A running `python -m dashboard` on a seeded tmp store."""

    def __init__(self, tmp: Path, seeded: bool = True, **settings: str) -> None:
        self.database_url = f"sqlite:///{tmp / 'browser.sqlite3'}"
        self.store = Store.open(self.database_url)
        self.catalogue = load_catalogue()
        if seeded:
            seed(self.store, self.catalogue)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/"
        env = {
            **os.environ,
            "DATABASE_URL": self.database_url,
            "PORT": str(self.port),
            "SCHEDULER": "false",
            "DASHBOARD_POLL_SECONDS": "2",
            **settings,
        }
        # The server's log goes to a file: a pipe nobody reads would fill and stall it.
        self.log = tmp / "dashboard.log"
        with self.log.open("wb") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "dashboard"], cwd=ROOT, env=env, stdout=log, stderr=log
            )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.5).close()
                return
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"the dashboard did not start: {self.log.read_text()[-2000:]}")

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    running = App(tmp_path_factory.mktemp("browser"))
    yield running
    running.stop()


@pytest.fixture
def console(page):
    """Browser console errors and page errors seen during a test; asserted empty at the end."""
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    yield errors
    assert errors == [], errors
