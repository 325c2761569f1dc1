"""The import graph of our modules against the rules in config/architecture.toml, by folder."""

from __future__ import annotations

import ast
import tomllib
from fnmatch import fnmatch
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
RULES_FILE = ROOT / "config" / "architecture.toml"
PACKAGES = ("config", "fetchers", "dashboard")


def load_rules(path: Path = RULES_FILE) -> dict:
    return tomllib.loads(path.read_text(encoding="utf-8"))["parts"]


def part_of(rel: str, rules: dict) -> str | None:
    """The part a module belongs to: an exact pattern wins over a glob."""
    exact = [n for n, p in rules.items() if rel in p["modules"]]
    if exact:
        return exact[0]
    globbed = [n for n, p in rules.items() if any(fnmatch(rel, g) for g in p["modules"])]
    return globbed[0] if len(globbed) == 1 else None


def module_file(root: Path, name: str) -> str | None:
    """'fetchers.store.store' → 'fetchers/store/store.py' (or the package's __init__.py)."""
    path = root / Path(*name.split("."))
    if path.with_suffix(".py").is_file():
        return str(path.with_suffix(".py").relative_to(root))
    if (path / "__init__.py").is_file():
        return str((path / "__init__.py").relative_to(root))
    return None


def imports_of(root: Path, rel: str) -> tuple[set[str], set[str]]:
    """Our modules and the other top-level packages a file imports, at any depth (imports inside
    functions count too)."""
    ours: set[str] = set()
    others: set[str] = set()
    for node in ast.walk(ast.parse((root / rel).read_text(encoding="utf-8"))):
        names = []
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            # `from fetchers.store import lease` imports fetchers/store/lease.py, not the package.
            subs = [f"{node.module}.{a.name}" for a in node.names]
            names = [s for s in subs if module_file(root, s)] or [node.module]
        for name in names:
            top = name.split(".")[0]
            if top in PACKAGES and module_file(root, name):
                ours.add(module_file(root, name))
            elif top not in PACKAGES:
                others.add(top)
    return ours, others


def modules(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for pkg in PACKAGES for p in (root / pkg).rglob("*.py"))


def violations(root: Path, rules: dict) -> list[str]:
    """Every import that breaks a rule, and every module no part names."""
    broken = []
    for rel in modules(root):
        part = part_of(rel, rules)
        if part is None:
            broken.append(f"{rel} is in no part")
            continue
        allowed = {part, *rules[part]["may_import"]}
        ours, others = imports_of(root, rel)
        for target in sorted(ours):
            if part_of(target, rules) not in allowed:
                broken.append(f"{rel} ({part}) imports {target} ({part_of(target, rules)})")
        for package in sorted(others & set(rules[part].get("forbid", []))):
            broken.append(f"{rel} ({part}) imports {package}")
    return broken


def test_our_modules_follow_the_rules():
    assert violations(ROOT, load_rules()) == []


def test_the_checker_catches_modules_that_break_the_rules(tmp_path):
    # A copy of the tree's shape with three offenders: the checker must name each.
    for rel, text in {
        "fetchers/sources/worldbank.py": "import requests\n",
        "fetchers/jobs/scheduler.py": "import apscheduler\n",
        "dashboard/model/figures.py": "from fetchers.sources import worldbank\n",
        "dashboard/exports/report.py": "from dash import html\n",
        "dashboard/page/layout.py": "def later():\n    from fetchers.jobs import scheduler\n",
        "dashboard/__init__.py": "",
        "dashboard/stray.py": "",
    }.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text)
    for package in ("fetchers", "fetchers/sources", "fetchers/jobs", "dashboard/model",
                    "dashboard/exports", "dashboard/page", "config"):  # fmt: skip
        (tmp_path / package).mkdir(parents=True, exist_ok=True)
        (tmp_path / package / "__init__.py").touch()
    assert violations(tmp_path, load_rules()) == [
        "dashboard/exports/report.py (exports) imports dash",
        "dashboard/model/figures.py (model) imports fetchers/sources/worldbank.py (sources)",
        "dashboard/page/layout.py (page) imports fetchers/jobs/scheduler.py (jobs)",
        "dashboard/stray.py is in no part",
    ]
