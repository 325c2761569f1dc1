"""The import graph of our modules against the rules in config/architecture.toml."""

from __future__ import annotations

import ast
import tomllib
from fnmatch import fnmatch
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
RULES = tomllib.loads((ROOT / "config" / "architecture.toml").read_text(encoding="utf-8"))
PACKAGES = ("config", "fetchers", "dashboard")


def part_of(rel: str) -> str | None:
    """The part a module belongs to: an exact pattern wins over a glob."""
    exact = [n for n, p in RULES["parts"].items() if rel in p["modules"]]
    if exact:
        return exact[0]
    globbed = [n for n, p in RULES["parts"].items() if any(fnmatch(rel, g) for g in p["modules"])]
    return globbed[0] if len(globbed) == 1 else None


def module_file(name: str) -> str | None:
    """'fetchers.store' → 'fetchers/store.py' (or the package's __init__.py)."""
    path = ROOT / Path(*name.split("."))
    if path.with_suffix(".py").is_file():
        return str(path.with_suffix(".py").relative_to(ROOT))
    if (path / "__init__.py").is_file():
        return str((path / "__init__.py").relative_to(ROOT))
    return None


def imports_of(path: Path) -> set[str]:
    """Our modules imported by a file, at any depth (lazy imports in functions count too)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        names = []
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            # `from fetchers import store` imports fetchers/store.py, not the package.
            subs = [f"{node.module}.{a.name}" for a in node.names]
            names = [s for s in subs if module_file(s)] or [node.module]
        for name in names:
            if name.split(".")[0] in PACKAGES and module_file(name):
                found.add(module_file(name))
    return found


def our_modules() -> list[str]:
    return sorted(str(p.relative_to(ROOT)) for pkg in PACKAGES for p in (ROOT / pkg).rglob("*.py"))


def test_every_module_is_in_exactly_one_part():
    unplaced = [m for m in our_modules() if part_of(m) is None]
    assert unplaced == [], f"list these in config/architecture.toml: {unplaced}"


def test_imports_follow_the_rules():
    broken = []
    for rel in our_modules():
        part = part_of(rel)
        allowed = {part, *RULES["parts"][part]["may_import"]}
        for target in imports_of(ROOT / rel):
            if part_of(target) not in allowed:
                broken.append(f"{rel} ({part}) imports {target} ({part_of(target)})")
    assert broken == []


def test_the_rules_catch_a_screen_module_importing_a_source(tmp_path):
    # The checker itself must be able to fail: a screen module importing a source is caught.
    assert part_of("dashboard/model.py") == "screen"
    assert part_of("fetchers/worldbank.py") == "sources"
    assert "sources" not in RULES["parts"]["screen"]["may_import"]
    assert "jobs" not in RULES["parts"]["screen"]["may_import"]
