"""The project's own checks: the README holds exactly the two set-up commands, .ci/run runs
the README's test command verbatim, runs the IOS oracle tests in an environment of their own,
and stops when the shared spec and corpus are absent."""
from __future__ import annotations

import ast
import re
import shutil
import subprocess

from conftest import ROOT

from halint.core.tomlcompat import tomllib

INSTALL_AND_RUN = "pip install . && halint check examples/leidoscope"
TEST = "pip install -e '.[test]' && python -m pytest --all"


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


ORACLE_RUN = re.compile(
    r"^HALINT_REQUIRE_IOS_ORACLE=1 \.venv-ios-oracle/bin/python -m pytest -rs -m ios_oracle((?: tests/\S+\.py)+)$",
    re.MULTILINE,
)


def _files_importing_ciscoconfparse2() -> set[str]:
    found = set()
    for path in sorted((ROOT / "tests").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            else:
                continue
            if any(name.split(".")[0] == "ciscoconfparse2" for name in names):
                found.add(f"tests/{path.name}")
    return found


def test_the_ios_oracle_has_an_environment_of_its_own():
    """ciscoconfparse2 pins dnspython==2.8.0: it is not in the test extras (the main suite runs
    the newest dnspython), but in the ios-oracle extra, which .ci/run installs in a second venv
    and runs, before the main suite, every file that imports it with its skips made failures."""
    extras = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["optional-dependencies"]
    assert [r for r in extras["test"] if r.startswith("ciscoconfparse2")] == []
    assert [r for r in extras["ios-oracle"] if r.startswith("ciscoconfparse2")] != []
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "python3 -m venv --clear .venv-ios-oracle\n.venv-ios-oracle/bin/python -m pip install -q -e '.[ios-oracle]'\n" in ci
    runs = ORACLE_RUN.findall(ci)
    assert len(runs) == 1
    files = set(runs[0].split())
    assert files == _files_importing_ciscoconfparse2() != set()
    for name in files:
        assert "@pytest.mark.ios_oracle" in (ROOT / name).read_text(encoding="utf-8"), name
    assert ci.index("HALINT_REQUIRE_IOS_ORACLE=1") < ci.index("python3 -m venv --clear .venv\n") < ci.index(TEST)


def _ci_run(tmp_path, shared):
    """.ci/run, copied into a folder of its own and run with a PATH that has `dirname` and
    nothing else: the check must stop it before anything is installed (were the check gone, it
    would go on to find no apt-get and no python3, never touching this project's venv)."""
    project = tmp_path / "project"
    (project / ".ci").mkdir(parents=True, exist_ok=True)
    (project / ".ci" / "run").write_text((ROOT / ".ci" / "run").read_text(encoding="utf-8"), encoding="utf-8")
    tools = tmp_path / "bin"
    tools.mkdir(exist_ok=True)
    if not (tools / "dirname").exists():
        (tools / "dirname").symlink_to(shutil.which("dirname"))
    env = {"PATH": str(tools), "HOME": str(tmp_path), "HALINT_SHARED": str(shared)}
    return subprocess.run(
        [shutil.which("bash"), str(project / ".ci" / "run")], env=env, capture_output=True, text=True,
        timeout=60, stdin=subprocess.DEVNULL,
    )


def test_ci_stops_at_once_without_the_shared_folder(tmp_path):
    done = _ci_run(tmp_path, tmp_path / "absent")
    assert (done.returncode, done.stdout) == (1, "")
    assert f"{tmp_path / 'absent'}/corpus/keepalived is absent" in done.stderr
    # a partial copy is refused too, naming what is missing
    partial = tmp_path / "partial"
    for part in ("corpus/keepalived", "corpus/zones", "corpus/ios", "spec", "schemas"):
        (partial / part).mkdir(parents=True)
    (partial / "corpus" / "SOURCES.md").write_text("", encoding="utf-8")
    (partial / "spec" / "RULES.md").write_text("", encoding="utf-8")
    done = _ci_run(tmp_path, partial)
    assert (done.returncode, done.stdout) == (1, "")
    assert f"{partial}/schemas/sarif-schema-2.1.0.json is absent" in done.stderr
    # a complete one passes the check (the run then stops at the missing python3: 127)
    (partial / "schemas" / "sarif-schema-2.1.0.json").write_text("{}", encoding="utf-8")
    done = _ci_run(tmp_path, partial)
    assert done.returncode == 127 and "is absent" not in done.stderr


def test_examples_are_in_place():
    tree = ROOT / "examples" / "leidoscope"
    for rel in (
        "README.md",
        "hosts/web/etc/keepalived/keepalived.conf",
        "hosts/web2/etc/keepalived/keepalived.conf",
        "routers/Rnet92i.changes.ios",
    ):
        assert (tree / rel).is_file(), rel
