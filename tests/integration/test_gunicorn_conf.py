"""config/gunicorn.conf.py: the production server's settings, and a start that fails in one line."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
GUNICORN = Path(sys.executable).with_name("gunicorn")


def start(**env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(GUNICORN), "-c", "config/gunicorn.conf.py", "dashboard.server.app:server"],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT), **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def settings_of_the_file(**env: str) -> dict:
    """The values gunicorn reads from the file (its module namespace), under `env`."""
    code = (
        "import runpy, json; ns = runpy.run_path('config/gunicorn.conf.py');"
        "print(json.dumps({k: v for k, v in ns.items() if isinstance(v, (str, int, list))}))"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                         env={**os.environ, "PYTHONPATH": str(ROOT), **env}, check=True)  # fmt: skip
    return json.loads(out.stdout)


def test_threads_bind_to_loopback_and_timeouts_cover_a_report():
    conf = settings_of_the_file()
    assert conf["worker_class"] == "gthread" and conf["threads"] >= 4
    assert conf["bind"] == ["127.0.0.1:8050"]
    assert conf["timeout"] >= 30 and conf["graceful_timeout"] >= 10
    assert settings_of_the_file(HOST="10.0.0.5", PORT="9000")["bind"] == ["10.0.0.5:9000"]


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        (
            {"DATABASE_URL": "postgresql+psycopg://am:S3cretPW@127.0.0.1:9/am"},
            "cannot open the store",
        ),
        ({"DATABASE_URL": "postgresql+psycopg//am:S3cretPW@db/am"}, "Bad settings: DATABASE_URL"),
    ],
)
def test_a_start_that_cannot_open_the_store_is_one_line(tmp_path, env, expected):
    out = start(**env)
    text = out.stdout + out.stderr
    assert out.returncode != 0
    assert expected in text
    assert "Traceback" not in text and "S3cretPW" not in text
