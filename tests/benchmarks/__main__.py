"""`python -m tests.benchmarks`: the performance table, each figure beside a same-run baseline.

Not part of the test suite. Baselines are measured in the same run on the same machine: a bare
Dash app drawing as many charts (render, concurrency, memory), wbdata on the same World Bank
emulator (refresh), kaleido on a 3-point figure (chart images). Absolute times vary; ratios hold.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

from tests.benchmarks import economies, exports, load, render, servers, table, worldbank

SECTIONS = ("render", "load", "worldbank", "exports", "economies")


def main(argv: list[str] | None = None) -> int:
    """Run the chosen sections and print one table."""
    parser = argparse.ArgumentParser(prog="python -m tests.benchmarks", description=__doc__)
    parser.add_argument("--only", choices=SECTIONS, action="append", help="repeatable")
    parser.add_argument("--repeats", type=int, default=15, help="requests/renders per figure")
    parser.add_argument("--clients", type=int, default=50, help="concurrent clients")
    parser.add_argument("--seconds", type=float, default=15, help="length of the load phase")
    parser.add_argument("--latency", type=float, default=0.3, help="World Bank emulator, s")
    args = parser.parse_args(argv)
    chosen = args.only or SECTIONS
    rows: list[table.Row] = []
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as folder:
        url = servers.seeded_store(Path(folder))
        sections = {
            "render": lambda: render.measure(url, args.repeats)[0],
            "load": lambda: load.concurrency_rows(
                url, args.clients, min(args.seconds, load.MAX_SECONDS)
            ),
            "worldbank": lambda: worldbank.measure(args.latency),
            "exports": lambda: exports.measure(url, args.repeats),
            "economies": lambda: economies.measure(Path(folder), args.repeats),
        }
        for name in chosen:
            found = sections[name]()
            print(table.render(found), end="\n\n", flush=True)  # each section as it finishes
            rows += found
    print(table.render(rows))
    print(f"({time.perf_counter() - started:.0f} s; {servers.WORKERS} gunicorn workers; "
          "SYNTHETIC data; ratio = ours ÷ baseline)")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
