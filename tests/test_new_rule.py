"""tools/new_rule.py makes a working rule that nothing else lists: run into a copy of the
repository (one rule per scope), the copy's registry, examples, cases, docs and architecture
tests pass, `halint rules` lists the new codes, and no file but the rule's own and the generated
docs changed."""
from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT

pytestmark = pytest.mark.slow

NEW = [
    ("KA099", "example-check", ["--family", "keepalived"], "halint/rules/keepalived/ka099_example_check.py"),
    ("ZN099", "zone-example", ["--family", "ZN"], "halint/rules/zone/zn099_zone_example.py"),
    ("IOS099", "router-example", [], "halint/rules/ios/ios099_router_example.py"),
    ("HA099", "cluster-example", ["--severity", "error"], "halint/rules/ha/ha099_cluster_example.py"),
    ("HL099", "project-example", [], "halint/rules/halint/hl099_project_example.py"),
]


def _copy(dest: Path) -> Path:
    """The repository's files in ``dest``, importable as they are there: halint.ruledata and
    halint.grammars (mapped by the install to rules/ and grammars/) are links in the copy."""
    ignore = shutil.ignore_patterns("__pycache__", ".hypothesis", ".pytest_cache")
    for name in ("halint", "rules", "grammars", "tests", "tools", "docs"):
        shutil.copytree(ROOT / name, dest / name, ignore=ignore)
    for name in ("README.md", "pyproject.toml"):
        shutil.copy2(ROOT / name, dest / name)
    (dest / "halint" / "ruledata").symlink_to("../rules")
    (dest / "halint" / "grammars").symlink_to("../grammars")
    return dest


def _files(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in root.rglob("*") if p.is_file() and not p.is_symlink() and "__pycache__" not in p.parts
        and not any(part.startswith(".") for part in p.relative_to(root).parts)
    }


@pytest.fixture(scope="module")
def repo(tmp_path_factory):
    root = _copy(tmp_path_factory.mktemp("repo"))
    env = {**os.environ, "PYTHONPATH": str(root), "HALINT_NO_CACHE": "1", "PYTHONDONTWRITEBYTECODE": "1"}
    before = _files(root)
    runs = []
    for code, slug, extra, _ in NEW:
        runs.append(subprocess.run(
            [sys.executable, str(root / "tools" / "new_rule.py"), code, slug, *extra],
            cwd=root, env=env, capture_output=True, text=True, timeout=120,
        ))
    return root, env, before, runs


def test_the_tool_writes_the_rule_its_examples_cases_and_docs_and_nothing_else(repo):
    root, _, before, runs = repo
    for run in runs:
        assert run.returncode == 0, run.stdout + run.stderr
    after = _files(root)
    changed = sorted(p for p in after if before.get(p) != after[p])
    assert [p for p in before if p not in after] == []
    expected = {"README.md"}
    for code, _, _, module in NEW:
        expected |= {module, f"tests/cases/{code}.toml", f"docs/rules/{code}.md", f"rules/{code}/rule.toml"}
        for kind in ("bad", "good", "fixed"):
            assert (root / "rules" / code / kind / "halint.toml").is_file()
            expected |= {p for p in after if p.startswith(f"rules/{code}/{kind}/")}
    assert set(changed) == expected


def test_the_copy_lists_the_new_rules_and_passes_its_rule_tests(repo):
    root, env, _, _ = repo
    listed = subprocess.run([sys.executable, "-m", "halint", "rules"], cwd=root, env=env, capture_output=True, text=True, timeout=120)
    assert listed.returncode == 0, listed.stderr
    codes = [line.split()[0] for line in listed.stdout.splitlines()]
    for code, slug, _, _ in NEW:
        assert code in codes
        assert slug in listed.stdout
    assert "[not checked yet]" not in listed.stdout
    tests = ["tests/test_registry.py", "tests/test_rule_examples.py", "tests/test_rule_cases.py",
             "tests/test_docs_rules.py", "tests/test_architecture.py"]
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *tests],
        cwd=root, env=env, capture_output=True, text=True, timeout=600,
    )
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-2000:]
    for code, _, _, _ in NEW:  # the new rules' own examples and cases ran
        collected = subprocess.run(
            [sys.executable, "-m", "pytest", "--co", "-q", "-p", "no:cacheprovider", "-k", code,
             "tests/test_rule_examples.py", "tests/test_rule_cases.py"],
            cwd=root, env=env, capture_output=True, text=True, timeout=120,
        )
        ids = [line for line in collected.stdout.splitlines() if "::" in line]
        assert len(ids) == 5, collected.stdout  # bad, good, fixed; two cases


def test_the_tool_refuses_a_taken_code_or_slug_and_a_wrong_family(repo):
    root, env, _, _ = repo

    def tool(*args):
        return subprocess.run([sys.executable, str(root / "tools" / "new_rule.py"), *args], cwd=root, env=env,
                              capture_output=True, text=True, timeout=120)

    for args, says in [
        (("KA099", "another-slug"), "rules/KA099/ exists already"),
        (("KA098", "example-check"), "the slug 'example-check' is KA099's"),
        (("KA098", "some-check", "--family", "zone"), "halint/rules/keepalived/, not 'zone'"),
        (("NF001", "some-check"), "no family NF yet"),
        (("ka98", "some-check"), "is not a rule code"),
    ]:
        run = tool(*args)
        assert run.returncode == 2 and says in run.stderr, run.stderr
    assert not (root / "rules" / "KA098").exists()


def test_a_broken_rules_folder_is_one_line_naming_it(repo, tmp_path):
    root, env, _, _ = repo
    broken = root / "rules" / "KA097"
    broken.mkdir()
    try:
        for args in (["rules"], ["check", str(tmp_path)], ["explain", "KA001"]):
            run = subprocess.run([sys.executable, "-m", "halint", *args], cwd=root, env=env, capture_output=True,
                                 text=True, timeout=120)
            assert run.returncode == 2
            assert run.stderr == "halint: rules/KA097/ has no rule.toml (each rules/<CODE>/ folder declares one rule)\n"
        (broken / "rule.toml").write_text(
            (root / "rules" / "KA099" / "rule.toml").read_text(encoding="utf-8")
            .replace('code = "KA099"', 'code = "KA097"').replace('slug = "example-check"', 'slug = "moduleless"'),
            encoding="utf-8",
        )
        run = subprocess.run([sys.executable, "-m", "halint", "check", str(tmp_path)], cwd=root, env=env,
                             capture_output=True, text=True, timeout=120)
        assert run.returncode == 2
        assert run.stderr == (
            "halint: rules/KA097/rule.toml: no module halint/rules/keepalived/ka097_moduleless.py "
            "(the module of KA097 `moduleless`)\n"
        )
    finally:
        shutil.rmtree(broken)
