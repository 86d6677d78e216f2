"""Scenario trees (tests/scenarios/<name>/): realistic small HA repositories, each with a
defective variant (bad/, whose findings expect.toml lists) and a clean one (good/, which must
produce no error and no warning from any rule).

expect.toml: ``[[expect]]`` tables with ``code``, ``path`` (relative to bad/), ``line`` and
``message_contains`` (a list of strings), and optionally ``exhaustive = true`` at the top: then
bad/ must produce no error or warning beyond the listed ones.
"""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import ROOT, check, said

from halint.core.tomlcompat import tomllib

SCENARIOS = ROOT / "tests" / "scenarios"
NAMES = sorted(p.name for p in SCENARIOS.iterdir() if p.is_dir()) if SCENARIOS.is_dir() else []


def _copy(name: str, kind: str, tmp_path: Path) -> Path:
    target = tmp_path / kind
    shutil.copytree(SCENARIOS / name / kind, target)
    return target


def _serious(found):
    return [r for r in found if r.severity.label != "info"]


def _show(found, root):
    return [f"{Path(r.diagnostic.span.source.path).relative_to(root.resolve())}:{r.diagnostic.span.line} {r.code} {r.diagnostic.message}" for r in found]


@pytest.mark.parametrize("name", [n for n in NAMES if (SCENARIOS / n / "good").is_dir()])
def test_the_clean_variant_has_no_error_and_no_warning(name, tmp_path):
    tree = _copy(name, "good", tmp_path)
    found = _serious(check(tree))
    assert found == [], _show(found, tree)


@pytest.mark.parametrize("name", [n for n in NAMES if (SCENARIOS / n / "bad").is_dir()])
def test_the_defective_variant_reports_what_expect_toml_lists(name, tmp_path):
    spec = tomllib.loads((SCENARIOS / name / "expect.toml").read_text(encoding="utf-8"))
    expects = spec.get("expect", [])
    assert expects, f"tests/scenarios/{name}/expect.toml lists no finding"
    tree = _copy(name, "bad", tmp_path)
    found = check(tree)
    matched = set()
    for want in expects:
        hits = [
            r for r in found
            if r.code == want["code"]
            and Path(r.diagnostic.span.source.path) == (tree / want["path"]).resolve()
            and r.diagnostic.span.line == want["line"]
        ]
        assert hits, f"{name}: no {want['code']} at {want['path']}:{want['line']}; got {_show(found, tree)}"
        for part in want.get("message_contains", []):
            assert any(part in said(r) for r in hits), f"{name}: {part!r} not in {[said(r) for r in hits]}"
        matched.update(id(r) for r in hits)
    if spec.get("exhaustive"):
        extra = [r for r in _serious(found) if id(r) not in matched]
        assert extra == [], _show(extra, tree)


def test_there_are_at_least_fifteen_scenarios():
    assert len(NAMES) >= 15, NAMES
