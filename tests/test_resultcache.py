"""The result cache (halint/engine/resultcache.py): an unchanged check prints its last report without
running the engine; any changed input (a file's byte, the manifest, the options, the git base's
commit, the date) is a different key; a corrupt entry is ignored; --no-cache and
HALINT_NO_CACHE bypass it; concurrent runs share it safely."""
from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from conftest import write

from halint import cli

from halint.engine import resultcache

KA = """\
vrrp_script chk { script "/usr/bin/true" }
vrrp_instance VI_1 {
    state MASTER
    interface eth0
    virtual_router_id 51
    priority 100
    virtual_ipaddress { 10.0.0.10/24 }
    track_script { chk }
}
"""


@pytest.fixture
def cached(tmp_path, monkeypatch):
    """A tree, a private cache folder, the cache switched on."""
    monkeypatch.delenv("HALINT_NO_CACHE", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    tree = tmp_path / "tree"
    write(tree, "keepalived.conf", KA)
    monkeypatch.chdir(tree)
    return tree


def run(capsys, *args):
    code = cli.main(["check", *args])
    out = capsys.readouterr()
    return code, out.out, out.err


#: what a check of a tree outside git says on stderr, cached or not
NO_GIT = "halint: HA013 and ZN004 skipped the comparison with the git base: . is not inside a git work tree\n"


def entries(tmp_path) -> list[Path]:
    folder = tmp_path / "cache" / "halint" / "results"
    return sorted(folder.glob("*.json")) if folder.is_dir() else []


def engine_must_not_run(monkeypatch):
    import halint.engine.check

    def boom(options):
        raise AssertionError("the engine ran although nothing changed")

    monkeypatch.setattr(halint.engine.check, "run", boom)


def test_a_second_run_prints_the_same_report_without_the_engine(cached, tmp_path, capsys, monkeypatch):
    first = run(capsys, ".", "--verbose")
    assert first[0] == 1 and "KA007" in first[1]
    assert len(entries(tmp_path)) == 1
    mode = stat.S_IMODE((tmp_path / "cache" / "halint" / "results").stat().st_mode)
    assert mode == 0o700
    engine_must_not_run(monkeypatch)
    assert run(capsys, ".", "--verbose") == first


@pytest.mark.parametrize("fmt", ["json", "sarif", "github"])
def test_every_format_is_cached_apart(cached, tmp_path, capsys, monkeypatch, fmt):
    text = run(capsys, ".")
    other = run(capsys, ".", "--format", fmt)
    assert other != text and len(entries(tmp_path)) == 2
    engine_must_not_run(monkeypatch)
    assert run(capsys, ".", "--format", fmt) == other


def test_any_changed_input_is_a_new_run(cached, tmp_path, capsys):
    base = run(capsys, ".")
    write(cached, "keepalived.conf", KA.replace("priority 100", "priority 300"))
    changed = run(capsys, ".")
    assert "KA003" in changed[1] and "KA003" not in base[1]
    write(cached, "keepalived.conf", KA)
    assert run(capsys, ".") == base
    write(cached, "halint.toml", 'ignore = ["KA007"]\n')
    assert "KA007" not in run(capsys, ".")[1]
    other = write(tmp_path, "other.toml", 'ignore = ["KA011"]\n')
    assert "KA007" in run(capsys, ".", "--config", str(other))[1]
    write(tmp_path, "other.toml", 'ignore = ["KA007"]\n')  # the --config file's bytes are in the key
    assert "KA007" not in run(capsys, ".", "--config", str(other))[1]
    assert run(capsys, ".", "--select", "KA011")[1] != base[1]
    assert len(entries(tmp_path)) >= 4


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_a_new_commit_is_a_new_key(cached, capsys):
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@t", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@t"}
    subprocess.run(["git", "init", "-q"], cwd=cached, check=True, env=env)
    subprocess.run(["git", "add", "-A"], cwd=cached, check=True, env=env)
    subprocess.run(["git", "commit", "-qm", "one"], cwd=cached, check=True, env=env)
    settings = {"paths": [str(cached)]}
    first = resultcache.key(settings, [cached], None)
    assert resultcache.key(settings, [cached], None) == first
    subprocess.run(["git", "commit", "-q", "--allow-empty", "-m", "two"], cwd=cached, check=True, env=env)
    assert resultcache.key(settings, [cached], None) != first  # ZN004 / HA013 compare with HEAD


@pytest.mark.parametrize(
    "damage",
    [
        lambda text: "{not json",
        lambda text: text.replace('"code": 1', '"code": 0'),  # body changed, checksum not
        lambda text: json.dumps({**json.loads(text), "key": "0" * 64}),
        lambda text: "",
    ],
    ids=["garbage", "tampered-body", "other-key", "empty"],
)
def test_a_corrupt_entry_is_ignored_and_replaced(cached, tmp_path, capsys, damage):
    first = run(capsys, ".")
    (entry,) = entries(tmp_path)
    entry.write_text(damage(entry.read_text()))
    assert run(capsys, ".") == first
    assert resultcache.get(entry.stem) is not None  # rewritten whole


def test_a_cached_run_says_its_warnings_again(cached, tmp_path, capsys):
    """The stderr lines printed by default are part of the result: a warm run that dropped
    "skipped the comparison" would be the silent all-clear the line exists to prevent."""
    first = run(capsys, ".")
    assert len(entries(tmp_path)) == 1
    assert run(capsys, ".") == first and first[2] == NO_GIT
    assert run(capsys, ".", "--quiet")[2] == ""


def test_no_cache_flag_and_environment(cached, tmp_path, capsys, monkeypatch):
    run(capsys, ".", "--no-cache")
    assert entries(tmp_path) == []
    monkeypatch.setenv("HALINT_NO_CACHE", "1")
    run(capsys, ".")
    assert entries(tmp_path) == []


def test_an_unwritable_cache_is_skipped(cached, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(cached / "keepalived.conf"))  # a file: no folder there
    code, out, err = run(capsys, ".")
    assert code == 1 and "KA007" in out and err == NO_GIT


def test_a_missing_path_is_still_a_usage_error(cached, capsys):
    code, out, err = run(capsys, "nowhere")
    assert code == 2 and "no such file" in err


def test_concurrent_runs_share_the_cache(cached, tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "HALINT_NO_CACHE"}
    env["XDG_CACHE_HOME"] = str(tmp_path / "cache")

    def one(_):
        done = subprocess.run([sys.executable, "-m", "halint", "check", "."], cwd=cached, env=env,
                              capture_output=True, text=True)
        return done.returncode, done.stdout, done.stderr

    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(one, range(8)))
    assert len(set(results)) == 1 and results[0][0] == 1 and results[0][2] == NO_GIT
    (entry,) = entries(tmp_path)
    assert resultcache.get(entry.stem).report == results[0][1]
    assert not list((tmp_path / "cache" / "halint" / "results").glob(".entry-*"))  # no leftovers


def test_the_cached_run_needs_none_of_the_front_ends(cached, tmp_path):
    """The warm path imports neither lark, dnspython, netaddr nor the engine."""
    env = {k: v for k, v in os.environ.items() if k != "HALINT_NO_CACHE"}
    env["XDG_CACHE_HOME"] = str(tmp_path / "cache")
    probe = (
        "import sys, runpy\n"
        "sys.argv = ['halint', 'check', '.']\n"
        "try:\n    runpy.run_module('halint', run_name='__main__')\n"
        "except SystemExit:\n    pass\n"
        "heavy = sorted(m for m in ('lark', 'dns', 'netaddr', 'halint.engine.check') if m in sys.modules)\n"
        "sys.stderr.write('HEAVY=' + ','.join(heavy))\n"
    )
    cold = subprocess.run([sys.executable, "-c", probe], cwd=cached, env=env, capture_output=True, text=True)
    assert "halint.engine.check" in cold.stderr
    warm = subprocess.run([sys.executable, "-c", probe], cwd=cached, env=env, capture_output=True, text=True)
    assert warm.stderr.endswith("HEAVY=") and warm.stdout == cold.stdout


def test_the_key_follows_halints_own_code(tmp_path, monkeypatch):
    """An editable install changes halint's modules without changing its version: a cached result
    must not outlive the code that computed it. The example trees of rule data are not walked."""
    package = tmp_path / "halint"
    write(package, "resultcache.py", "# stand-in\n")
    write(package, "rules/x.py", "A = 1\n")
    write(package, "ruledata/HA001/rule.toml", "code = 'HA001'\n")
    write(package, "ruledata/HA001/bad/hosts/a/etc/keepalived/keepalived.conf", "x\n")
    monkeypatch.setattr(resultcache, "__file__", str(package / "resultcache.py"))

    def stamp() -> str:
        monkeypatch.setattr(resultcache, "_STAMP", [])
        return resultcache._code_stamp()

    first = stamp()
    write(package, "ruledata/HA001/bad/hosts/a/etc/keepalived/keepalived.conf", "changed, longer\n")
    assert stamp() == first
    write(package, "rules/x.py", "A = 22\n")
    second = stamp()
    assert second != first
    write(package, "ruledata/HA001/rule.toml", "code = 'HA001' \n")
    assert stamp() != second
