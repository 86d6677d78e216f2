"""The wheel ships the grammars and the rule metadata: build it, install it into a fresh venv in a
temporary directory (outside the source tree), and run halint from there."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest
from conftest import ROOT

pytestmark = pytest.mark.slow

CONFIG = """vrp_instance VI_1 {
    state BACKUP
    interface eth0
    virtual_router_id 51
    virtual_ipaddress {
        10.0.0.10
    }
}
"""


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    work = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(work / "dist"), str(ROOT)],
        check=True, capture_output=True, text=True, timeout=300,
    )
    wheels = list((work / "dist").glob("halint-*.whl"))
    assert len(wheels) == 1
    venv = work / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=120)
    py = venv / "bin" / "python"
    site = Path(subprocess.run([str(py), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                               check=True, capture_output=True, text=True).stdout.strip())
    # halint's dependencies come from this test run's environment (no network needed); halint
    # itself only from the wheel: a plain path entry does not run the editable-install hook
    (site / "deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    subprocess.run([sys.executable, "-m", "pip", "--python", str(py), "install", "--no-deps", "-q", str(wheels[0])],
                   check=True, capture_output=True, text=True, timeout=300)
    return wheels[0], venv, work


def test_wheel_contains_grammars_and_rules(installed):
    wheel, _, _ = installed
    names = zipfile.ZipFile(wheel).namelist()
    assert "halint/grammars/keepalived.lark" in names
    assert "halint/grammars/keepalived-keywords.toml" in names
    assert "halint/ruledata/KA002/rule.toml" in names
    assert "halint/ruledata/KA002/bad/keepalived.conf" in names
    assert not any(n.startswith("tests/") for n in names)


def _halint(venv: Path, cwd: Path, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH",)}
    return subprocess.run([str(venv / "bin" / "halint"), *args], cwd=cwd, capture_output=True, text=True, timeout=120, env=env)


def test_installed_halint_runs_outside_the_source_tree(installed):
    _, venv, work = installed
    where = subprocess.run([str(venv / "bin" / "python"), "-c", "import halint; print(halint.__file__)"],
                           cwd=work, capture_output=True, text=True, check=True).stdout
    assert str(venv) in where and str(ROOT) not in where
    rules = _halint(venv, work, "rules")
    assert rules.returncode == 0, rules.stderr
    assert len(rules.stdout.splitlines()) == len(list((ROOT / "rules").glob("*/rule.toml")))
    assert "KA002  unknown-keyword" in rules.stdout and "ZN004  serial-not-bumped" in rules.stdout
    explain = _halint(venv, work, "explain", "KA002")
    assert explain.returncode == 0 and "vrp_script" in explain.stdout
    (work / "tree").mkdir()
    (work / "tree" / "keepalived.conf").write_text(CONFIG)
    check = _halint(venv, work, "check", "tree")
    assert check.returncode == 1, check.stderr
    assert "tree/keepalived.conf:1:1: KA002" in check.stdout


def test_installed_halint_reads_every_front_end(installed):
    """The reference example from the wheel: named.conf (grammars/named.lark), zones, interfaces
    and routers are all read, with the rule documents (incl. ZN004's base example) shipped."""
    _, venv, work = installed
    shutil.copytree(ROOT / "examples" / "leidoscope", work / "leidoscope")
    check = _halint(venv, work, "check", "leidoscope", "--verbose", "--format", "json")
    assert check.returncode == 1, check.stderr
    assert 'zone leidoscope.com. (origin from leidoscope/hosts/web/etc/bind/named.conf.local:9' in check.stderr
    assert "internal error" not in check.stderr
    explain = _halint(venv, work, "explain", "ZN004")
    assert explain.returncode == 0 and "serial" in explain.stdout
    data = subprocess.run([str(venv / "bin" / "python"), "-c",
                           "import importlib.resources as r; print(sorted(p.name for p in r.files('halint.ruledata').joinpath('ZN004').iterdir()))"],
                          cwd=work, capture_output=True, text=True, check=True).stdout
    assert "base" in data
