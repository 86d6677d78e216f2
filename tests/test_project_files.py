"""The project's own checks: the README holds exactly the two set-up commands, and .ci/run runs
the README's test command verbatim."""
from __future__ import annotations

import re

from conftest import ROOT

INSTALL_AND_RUN = "pip install . && halint check examples/leidoscope"
TEST = "pip install -e '.[test]' && python -m pytest"


def _commands() -> list[str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    setup = readme.split("## Set up", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```\n(.*?)\n```", setup, re.DOTALL)


def test_readme_has_exactly_the_two_setup_commands():
    assert _commands() == [INSTALL_AND_RUN, TEST]


def test_ci_runs_the_readme_test_command():
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert ci.startswith("#!/usr/bin/env bash")
    assert "set -euo pipefail" in ci
    assert [line for line in ci.splitlines() if line.strip() == TEST] == [TEST]
    assert ci.rstrip().endswith(TEST)


def test_examples_are_in_place():
    tree = ROOT / "examples" / "leidoscope"
    for rel in (
        "README.md",
        "hosts/web/etc/keepalived/keepalived.conf",
        "hosts/web2/etc/keepalived/keepalived.conf",
        "routers/Rnet92i.changes.ios",
    ):
        assert (tree / rel).is_file(), rel
