"""Many small cases per rule, one data file per rule: tests/cases/<CODE>.toml (sqlfluff's
std_rule_cases). Each case is a tree of its own, checked with this rule alone selected::

    [[case]]
    name = "extra closing brace"            # the test's id: <CODE>: <name>
    files."keepalived.conf" = '''
    global_defs {
    }
    }
    '''
    expect = [{line = 3, column = 1, message_contains = ["extra `}`"]}]

``files``: path -> text, written as given (a TOML multi-line string drops its first newline).
``expect``: the findings, in order, of this rule (and of any other ``code`` an entry names):
each with ``line``, and optionally ``column``, ``path`` (relative to the tree), ``code``
(default: the file's), ``message_contains`` (parts of the message) and ``severity``; exactly
these are found. ``expect_none = true`` instead: the rule finds nothing. Optional: ``select``
(the codes to run; default: this rule's), ``verbose``, and ``fixed`` (path -> text: each file
after applying the fixes of every finding expected).
"""
from __future__ import annotations

from pathlib import Path

import pytest
from conftest import ROOT, check, said, write

from halint.core import registry
from halint.core.edits import apply_edits
from halint.core.tomlcompat import tomllib

CASES = ROOT / "tests" / "cases"
CASE_KEYS = {"name", "files", "expect", "expect_none", "select", "verbose", "fixed"}
EXPECT_KEYS = {"code", "path", "line", "column", "message_contains", "severity"}


def _load() -> list[tuple[str, dict]]:
    out = []
    for path in sorted(CASES.glob("*.toml")):
        table = tomllib.loads(path.read_text(encoding="utf-8"))
        for case in table.get("case", []):
            out.append((path.stem, case))
    return out


ALL = _load()


def test_every_cases_file_is_a_rule_and_well_formed():
    rules = registry.all_rules()
    problems = []
    for path in sorted(CASES.glob("*.toml")):
        table = tomllib.loads(path.read_text(encoding="utf-8"))
        if path.stem not in rules:
            problems.append(f"{path.name}: no rule {path.stem} in rules/")
        if set(table) - {"case"} or not table.get("case"):
            problems.append(f"{path.name}: holds [[case]] tables only, at least one")
        names = [c.get("name") for c in table.get("case", [])]
        if len(set(names)) != len(names):
            problems.append(f"{path.name}: two cases share a name")
        for case in table.get("case", []):
            where = f"{path.name} [{case.get('name')}]"
            if not case.get("name") or not case.get("files"):
                problems.append(f"{where}: needs a name and files")
            if set(case) - CASE_KEYS:
                problems.append(f"{where}: unknown keys {sorted(set(case) - CASE_KEYS)}")
            if ("expect" in case) == bool(case.get("expect_none")):
                problems.append(f"{where}: needs `expect` or `expect_none = true`, not both")
            for item in case.get("expect", []):
                if "line" not in item or set(item) - EXPECT_KEYS:
                    problems.append(f"{where}: an expect entry needs `line`, and knows only {sorted(EXPECT_KEYS)}")
    assert problems == []


def _position(report) -> tuple[int, int]:
    d = report.diagnostic
    return d.span.source.position(d.span.start)


@pytest.mark.parametrize("code,case", ALL, ids=[f"{code}: {case.get('name')}" for code, case in ALL])
def test_case(code, case, tmp_path):
    for rel, text in case["files"].items():
        write(tmp_path, rel, text)
    expect = case.get("expect", [])
    codes = {code} | {item.get("code", code) for item in expect}
    found = [r for r in check(tmp_path, select=case.get("select", [code]), verbose=case.get("verbose", False))
             if r.code in codes]

    def shown():
        return [(r.code, Path(r.diagnostic.span.source.path).name, *_position(r), r.diagnostic.message) for r in found]

    assert len(found) == len(expect), f"expected {len(expect)} finding(s), got {shown()}"
    root = tmp_path.resolve()
    for report, item in zip(found, expect):
        line, column = _position(report)
        assert report.code == item.get("code", code), shown()
        assert line == item["line"] and column == item.get("column", column), shown()
        if "path" in item:
            assert Path(report.diagnostic.span.source.path) == root / item["path"], shown()
        if "severity" in item:
            assert report.severity.label == item["severity"]
        for part in item.get("message_contains", []):
            assert part in said(report), f"{part!r} not in {said(report)!r}"
    if "fixed" in case:
        edits: dict = {}
        for report in found:
            for edit in report.diagnostic.fix.edits if report.diagnostic.fix else ():
                edits.setdefault(edit.span.source, []).append(edit)
        after = {Path(src.path).relative_to(root).as_posix(): apply_edits(src.text, e) for src, e in edits.items()}
        assert after == case["fixed"]
