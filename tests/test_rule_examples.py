"""Every rule's documented examples (rules/<CODE>/bad, good, fixed) are executed: the bad one
produces the findings its rule.toml lists, the good one none of that rule, and applying the
bad one's fixes gives exactly the fixed one."""
from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import ROOT, check, said

from halint.core import registry
from halint.core.edits import apply_edits
from halint.engine import suppress
from halint.rules import REGISTRY

RULES = registry.all_rules()
#: HL002 / HL003 are made by the engine's inline suppressions (halint.engine.suppress), not by a rule
#: module; their examples need every other rule to run (a directive is unused only when nothing
#: it names fired)
META = set(suppress.META)
IMPLEMENTED = sorted(code for code in RULES if code in REGISTRY or code in META)


def test_every_rule_of_the_catalogue_is_checked():
    assert set(RULES) == set(REGISTRY) | META


def _select(code: str):
    return None if code in META else [code]


def _copy(code: str, kind: str, dest: Path) -> Path:
    """The example tree ``kind`` in ``dest``. A rule that compares with git history (ZN004) has
    a ``base/`` tree too: it is committed first, and ``kind`` is the working tree over it."""
    src = ROOT / "rules" / code / kind
    target = dest / kind
    base = ROOT / "rules" / code / "base"
    if base.is_dir():
        if shutil.which("git") is None:
            pytest.skip(f"{code}'s example needs git (rules/{code}/base is its committed version)")
        shutil.copytree(base, target)
        _git(target, "init", "-q")
        _git(target, "add", ".")
        _git(target, "commit", "-q", "-m", "base")
        shutil.copytree(src, target, dirs_exist_ok=True)
        return target
    shutil.copytree(src, target)
    return target


def _git(cwd: Path, *args: str) -> None:
    env = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@example.org", "HOME": str(cwd), "PATH": os.environ.get("PATH", "/usr/bin:/bin")}
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, env=env)


@pytest.mark.parametrize("code", IMPLEMENTED)
def test_bad_example_is_reported(code, tmp_path):
    meta = RULES[code]
    assert meta.expect, f"rules/{code}/rule.toml lists no expected finding"
    tree = _copy(code, "bad", tmp_path)
    found = check(tree, select=_select(code), verbose=True)
    for expect in meta.expect:
        matches = [
            r for r in found
            if r.diagnostic.span.source.path == (tree / expect.path).resolve()
            and r.diagnostic.span.source.position(r.diagnostic.span.start) == (expect.line, expect.column)
        ]
        assert matches, f"{code}: nothing at {expect.path}:{expect.line}:{expect.column}; got {[(r.diagnostic.span.source.position(r.diagnostic.span.start), r.diagnostic.message) for r in found]}"
        message = said(matches[0])
        for part in expect.message_contains:
            assert part in message, f"{code}: {part!r} not in {message!r}"


@pytest.mark.parametrize("code", IMPLEMENTED)
def test_good_example_is_clean(code, tmp_path):
    tree = _copy(code, "good", tmp_path)
    found = check(tree, verbose=True)
    assert [r for r in found if r.code == code] == []
    assert [r for r in found if r.severity.label != "info"] == [], [r.diagnostic.message for r in found]


@pytest.mark.parametrize("code", [c for c in IMPLEMENTED if (ROOT / "rules" / c / "fixed").is_dir()])
def test_fixed_example_is_the_bad_one_with_its_fix(code, tmp_path):
    tree = _copy(code, "bad", tmp_path)
    found = [r for r in check(tree, select=_select(code)) if r.diagnostic.fix is not None and r.code == code]
    assert found, f"{code}: no fix offered on the bad example"
    by_file = {}
    for r in found:
        for edit in r.diagnostic.fix.edits:
            by_file.setdefault(edit.span.source, []).append(edit)
    for source, edits in by_file.items():
        rel = Path(source.path).relative_to(tree.resolve())
        expected = (ROOT / "rules" / code / "fixed" / rel).read_text(encoding="utf-8")
        assert apply_edits(source.text, edits) == expected
