"""The generated rule documentation (docs/rules/<CODE>.md, the README's rule table) is what
tools/gen_docs.py writes from rules/ now: a rule.toml edited without regenerating fails here."""
from __future__ import annotations

import importlib.util
import subprocess
import sys

import pytest

from conftest import ROOT

from halint.core import registry
from halint.report.explain import render

SCRIPT = ROOT / "tools" / "gen_docs.py"
HOW = "stale generated docs: run `python tools/gen_docs.py` and commit the result"


@pytest.fixture(scope="module")
def gen_docs():
    spec = importlib.util.spec_from_file_location("gen_docs", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_rule_page_is_fresh(gen_docs):
    docs = ROOT / "docs" / "rules"
    problems = []
    for code, meta in registry.all_rules().items():
        path = docs / f"{code}.md"
        if not path.is_file():
            problems.append(f"{path.relative_to(ROOT)} is missing")
        elif path.read_text(encoding="utf-8") != render(meta):
            problems.append(f"{path.relative_to(ROOT)} differs from `halint explain {code}`")
    extra = sorted(p.name for p in docs.glob("*.md") if p.stem not in registry.all_rules())
    problems += [f"docs/rules/{name} has no rule in rules/" for name in extra]
    assert not problems, f"{HOW}:\n" + "\n".join(problems)


def test_the_readme_rule_table_is_fresh(gen_docs):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert readme.count(gen_docs.START) == 1 and readme.count(gen_docs.END) == 1, (
        f"README.md has lost its {gen_docs.START} / {gen_docs.END} markers"
    )
    table = readme.split(gen_docs.START, 1)[1].split(gen_docs.END, 1)[0]
    assert table == "\n" + gen_docs.rule_table(), HOW
    for code, meta in registry.all_rules().items():
        assert f"| [{code}](docs/rules/{code}.md) | `{meta.slug}` | {meta.severity.label} |" in table


def test_the_table_sits_in_the_rules_section_before_layout(gen_docs):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert readme.index("\n## Rules\n") < readme.index(gen_docs.START) < readme.index("\n## Layout\n")


def test_check_mode_names_what_is_stale_and_write_mode_repairs_it(gen_docs, tmp_path):
    docs = tmp_path / "docs" / "rules"
    readme = tmp_path / "README.md"
    readme.write_text(f"# x\n\n## Rules\n\n{gen_docs.START}\n| old |\n{gen_docs.END}\n\n## Layout\n", encoding="utf-8")
    docs.mkdir(parents=True)
    (docs / "KA999.md").write_text("gone\n", encoding="utf-8")
    (docs / "KA002.md").write_text("old\n", encoding="utf-8")
    problems = gen_docs.stale(docs, readme)
    assert "docs/rules/KA002.md (stale)" in problems
    assert "docs/rules/KA999.md (no such rule)" in problems
    assert "docs/rules/KA001.md (missing)" in problems
    assert "README.md rule table (stale)" in problems
    gen_docs.write(docs, readme)
    assert gen_docs.stale(docs, readme) == []
    assert not (docs / "KA999.md").exists()
    text = readme.read_text(encoding="utf-8")
    assert text.startswith("# x\n\n## Rules\n\n") and text.endswith(f"{gen_docs.END}\n\n## Layout\n")
    assert "| old |" not in text


def test_a_readme_without_markers_is_an_error_not_a_rewrite(gen_docs, tmp_path):
    readme = tmp_path / "README.md"
    readme.write_text("# x\n", encoding="utf-8")
    with pytest.raises(gen_docs.StaleError):
        gen_docs.write(tmp_path / "docs", readme)
    assert readme.read_text(encoding="utf-8") == "# x\n"
    assert not (tmp_path / "docs").exists()


def test_the_script_runs_in_check_mode():
    proc = subprocess.run([sys.executable, str(SCRIPT), "--check"], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, HOW + "\n" + proc.stdout + proc.stderr
