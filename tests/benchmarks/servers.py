"""Serve the project or the bare baseline app as a subprocess on a seeded temporary store."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import requests

from config.catalogue import load_catalogue
from config.settings import Settings, load_settings
from fetchers.store.store import Store
from tests.support.seed import seed

ROOT = Path(__file__).resolve().parents[2]
GUNICORN = Path(sys.executable).with_name("gunicorn")
WORKERS = 4  # README: `gunicorn -w 4 -b 127.0.0.1:8050 dashboard.server.app:server`


def seeded_store(folder: Path) -> str:
    """A SQLite store of SYNTHETIC data from all three sources; returns its URL."""
    url = f"sqlite:///{folder / 'bench.sqlite3'}"
    seed(Store.open(url), load_catalogue())
    return url


def settings_for(database_url: str) -> Settings:
    """Settings for in-process work on the benchmark's store (no .env)."""
    return load_settings(environ={"DATABASE_URL": database_url}, env_file=ROOT / "no-such.env")


def free_port() -> int:
    """A free TCP port on 127.0.0.1."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def environment(database_url: str, port: int, **extra: str) -> dict[str, str]:
    """The server's environment: our store, no scheduler, every source URL local."""
    return {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "DATABASE_URL": database_url,
        "SCHEDULER": "false",
        "HOST": "127.0.0.1",
        "PORT": str(port),
        "PUBLIC_URL": f"http://127.0.0.1:{port}",
        # Nothing may reach out: an unused local port and a missing file stand in for sources.
        "WORLDBANK_API_URL": "http://127.0.0.1:9/v2",
        "TRADE_API_URL": "http://127.0.0.1:9/ct",
        "SIPRI_MILEX_URL": str(ROOT / "no-such-workbook.xlsx"),
        **extra,
    }


def command(app: str, gunicorn: bool, port: int, workers: int = WORKERS) -> list[str]:
    """How to serve `app` ('project' or 'bare'), by the built-in server or gunicorn."""
    if gunicorn:
        target = (
            "dashboard.server.app:server" if app == "project" else "tests.benchmarks.bare:server"
        )
        return [str(GUNICORN), "-w", str(workers), "-b", f"127.0.0.1:{port}", target]
    if app == "project":
        return [sys.executable, "-m", "dashboard"]
    return [sys.executable, "-m", "tests.benchmarks.bare", str(port)]


@contextmanager
def serving(app: str, database_url: str, gunicorn: bool = False, workers: int = WORKERS, **extra):
    """Start a server, wait until its page answers, yield (base URL, pid), stop it."""
    port = free_port()
    process = subprocess.Popen(
        command(app, gunicorn, port, workers),
        cwd=ROOT,
        env=environment(database_url, port, **extra),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(base, process)
        yield base, process.pid
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def wait_until_up(base: str, process: subprocess.Popen, timeout: float = 120) -> None:
    """Poll the page until it answers 200; fail with the server's stderr if it died."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited: {process.stderr.read().decode()[-2000:]}")
        try:
            # gunicorn's workers build the app on their first request: seconds each on 2 cores.
            if requests.get(base + "/", timeout=30).status_code == 200:
                return
        except (requests.ConnectionError, requests.Timeout):
            pass
        time.sleep(0.2)
    raise RuntimeError(f"server at {base} did not answer within {timeout:.0f} s")


def rss_mb(pid: int) -> float:
    """Resident memory of a process and its children (gunicorn's workers), in MB."""
    return sum(rss_mb_one(one) for one in [pid, *children(pid)])


def worker_rss_mb(pid: int) -> list[float]:
    """Resident memory of each child process (gunicorn's workers), in MB."""
    return [rss_mb_one(child) for child in children(pid)]


def rss_mb_one(pid: int) -> float:
    """Resident memory of one process in MB (0 once it has gone)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0.0
    lines = [line for line in status.splitlines() if line.startswith("VmRSS")]
    return int(lines[0].split()[1]) / 1024 if lines else 0.0


def children(pid: int) -> list[int]:
    """Direct child process ids."""
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            found += [int(c) for c in (task / "children").read_text().split()]
        except OSError:
            continue
    return found
