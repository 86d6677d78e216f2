"""What each rule says, reviewed as a diff: tests/snapshots/<CODE>.txt holds every message (and
its note) the rule gives on the reference example, the scenario trees and its own bad example.
A wording change makes this test fail until the snapshots are regenerated with
HALINT_UPDATE_SNAPSHOTS=1 and the diff is read.

And the length targets of issue 16: on examples/leidoscope and tests/scenarios, the median
message is at most 100 characters and none is over 200 (the effect, the caveats and the
reasoning go in the note)."""
from __future__ import annotations

import os
import shutil
import statistics
from collections import defaultdict
from pathlib import Path

import pytest
from conftest import ROOT

from halint.core import registry
from halint.engine.check import Options, run

SNAPSHOTS = ROOT / "tests" / "snapshots"
SCENARIOS = ROOT / "tests" / "scenarios"
RULES = ROOT / "rules"
#: the trees the length targets are measured on, as the issue names them
MEASURED = [ROOT / "examples" / "leidoscope"] + sorted(p for p in SCENARIOS.glob("*/*") if (p / "halint.toml").is_file())


def _findings(tree: Path, label: str) -> list[tuple[str, str]]:
    """(code, snapshot lines) of every finding in ``tree``."""
    out = []
    for r in run(Options(paths=[tree])).reported:
        d = r.diagnostic
        rel = Path(d.span.source.path).resolve().relative_to(tree.resolve()).as_posix()
        text = f"{label}/{rel}:{d.span.line}: {d.message}"
        if d.note:
            text += f"\n    note: {d.note}"
        out.append((r.code, text))
    return out


@pytest.fixture(scope="module")
def said(tmp_path_factory) -> dict[str, list[str]]:
    by_code: dict[str, list[str]] = defaultdict(list)
    for tree in MEASURED:
        for code, text in _findings(tree, tree.relative_to(ROOT).as_posix()):
            by_code[code].append(text)
    for code in sorted(registry.all_rules()):
        bad = RULES / code / "bad"
        if not bad.is_dir():
            continue
        copy = tmp_path_factory.mktemp(code) / "bad"
        shutil.copytree(bad, copy)
        for found, text in _findings(copy, f"rules/{code}/bad"):
            by_code[found].append(text)
    return by_code


@pytest.mark.parametrize("code", sorted(registry.all_rules()))
def test_messages_match_the_snapshot(code, said):
    text = "".join(f"{line}\n" for line in sorted(set(said.get(code, []))))
    path = SNAPSHOTS / f"{code}.txt"
    if os.environ.get("HALINT_UPDATE_SNAPSHOTS"):
        SNAPSHOTS.mkdir(exist_ok=True)
        if text:
            path.write_text(text, encoding="utf-8")
        elif path.exists():
            path.unlink()
    expected = path.read_text(encoding="utf-8") if path.exists() else ""
    assert text == expected, f"{code}'s messages changed: review, then HALINT_UPDATE_SNAPSHOTS=1"


def test_message_lengths():
    lengths = []
    long = []
    for tree in MEASURED:
        for r in run(Options(paths=[tree])).reported:
            n = len(r.diagnostic.message)
            lengths.append(n)
            if n > 200:
                long.append(f"{r.code} ({n}): {r.diagnostic.message}")
    assert lengths
    assert statistics.median(lengths) <= 100, f"median {statistics.median(lengths)}"
    assert long == []
