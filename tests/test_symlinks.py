"""Symbolic links in a checked tree (INTERFACE.md "Symlinks"), with real links committed to a
real git repository and the real `halint` command.

A link that leads out of the tree (to a CI runner's ~/.git-credentials) is never opened: not by
the walk, not to sniff its kind, not by the result cache, not when it is named on the command
line; one HL001 names the link, and nothing of the target reaches any output format. An audit
hook in the halint process (sys.addaudithook: every open() and os.open() raises an "open" event)
proves that the target is not even opened. A link inside the tree is the same file as its
target: a finding seen through both is reported once (one that names its host is two findings),
and `halint fix` and `halint compile` edit the file once, through the link, which stays a link."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT

LEIDOSCOPE = ROOT / "examples" / "leidoscope"
WEB = "hosts/web/etc/keepalived/keepalived.conf"
WEB2 = "hosts/web2/etc/keepalived/keepalived.conf"
#: what the file outside the tree holds: keepalived-like lines, so that a reader that opened it
#: would echo them in findings ("`aws_secret_access_key` is not a keepalived keyword")
SECRET = "aws_secret_access_key wJalrXUtnFEMI-K7MDENG-bPxRfiCYEXAMPLEKEY\nvrrp_instance LEAKED_NAME {\n"
LEAKS = ("wJalrXUtnFEMI", "aws_secret_access_key", "LEAKED_NAME", "credentials-outside")

#: runs halint under an audit hook that reports every open of the file named first
AUDITED = """
import os, sys
watched = os.path.realpath(sys.argv.pop(1))
def hook(event, args):
    if event == "open" and args and isinstance(args[0], (str, bytes)):
        if os.path.realpath(os.fsdecode(args[0])) == watched:
            os.write(2, b"AUDIT: the file outside the tree was opened\\n")
sys.addaudithook(hook)
import runpy
sys.argv[0] = "halint"
runpy.run_module("halint", run_name="__main__", alter_sys=True)
"""

pytestmark = [
    pytest.mark.skipif(not hasattr(os, "symlink"), reason="no symbolic links on this system"),
    pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed: the scenarios commit their links"),
]


def commit(repo: Path) -> None:
    """git init, add everything (links as links) and commit, as a config repository is."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    for args in (["init", "-q"], ["add", "-A"], ["-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-qm", "tree"]):
        subprocess.run(["git", "-c", "core.symlinks=true", *args], cwd=repo, check=True, env=env, capture_output=True)
    listed = subprocess.run(["git", "ls-files", "-s"], cwd=repo, check=True, env=env, capture_output=True, text=True).stdout
    assert "120000 " in listed  # the links are committed as links


def halint(cwd: Path, *args, watched: Path | None = None, cache: Path | None = None) -> subprocess.CompletedProcess:
    """The real command, in ``cwd``; ``watched``: a file that must never be opened (audited);
    ``cache``: the result cache's folder (None: the cache is off)."""
    env = dict(os.environ)
    env.pop("HALINT_NO_CACHE", None)
    if cache is None:
        env["HALINT_NO_CACHE"] = "1"
    else:
        env["XDG_CACHE_HOME"] = str(cache)
    command = [sys.executable, "-c", AUDITED, str(watched)] if watched is not None else [sys.executable, "-m", "halint"]
    done = subprocess.run([*command, *map(str, args)], cwd=cwd, env=env, capture_output=True, text=True, timeout=300, check=False)
    assert "Traceback" not in done.stderr and "internal error" not in done.stderr, done.stderr
    return done


@pytest.fixture
def outside_link(tmp_path):
    """The reference example with two committed links to a file outside the tree: web's
    keepalived.conf (relative) and a router's running-config (absolute)."""
    secret = tmp_path / "home" / "credentials-outside"
    secret.parent.mkdir()
    secret.write_text(SECRET, encoding="utf-8")
    repo = tmp_path / "repo"
    shutil.copytree(LEIDOSCOPE, repo)
    (repo / WEB).unlink()
    os.symlink("../../../../../home/credentials-outside", repo / WEB)
    os.symlink(secret, repo / "routers" / "edge.ios")
    commit(repo)
    return repo, secret


def test_a_link_out_of_the_tree_is_one_finding_in_every_format_and_never_opened(outside_link, tmp_path):
    repo, secret = outside_link
    for fmt in ("text", "json", "sarif", "github"):
        done = halint(repo, "check", ".", "--format", fmt, watched=secret)
        assert done.returncode == 1
        assert "AUDIT" not in done.stderr
        for leak in LEAKS:
            assert leak not in done.stdout and leak not in done.stderr, (fmt, leak)
    found = json.loads(halint(repo, "check", ".", "--format", "json").stdout)["diagnostics"]
    at = {}
    for d in found:
        at.setdefault(d["path"], []).append(d)
    for link in (WEB, "routers/edge.ios"):
        assert [(d["code"], d["line"]) for d in at[link]] == [("HL001", 1)]
        assert "symbolic link to a place outside the checked tree" in at[link][0]["message"]
    sarif = json.loads(halint(repo, "check", ".", "--format", "sarif").stdout)
    uris = {loc["physicalLocation"]["artifactLocation"]["uri"] for r in sarif["runs"][0]["results"] for loc in r["locations"]}
    assert WEB in uris and "routers/edge.ios" in uris


def test_the_result_cache_never_opens_a_link_out_of_the_tree(outside_link, tmp_path):
    repo, secret = outside_link
    cache = tmp_path / "cache"
    first = halint(repo, "check", ".", watched=secret, cache=cache)
    second = halint(repo, "check", ".", watched=secret, cache=cache)  # answered from the cache
    assert "AUDIT" not in first.stderr + second.stderr
    assert first.stdout == second.stdout and "outside the checked tree" in first.stdout
    assert list(cache.rglob("*.json"))  # the cache was used, not skipped
    # where the link leads is part of the key: another target is another run
    os.unlink(repo / "routers" / "edge.ios")
    os.symlink(secret.parent, repo / "routers" / "edge.ios")
    third = halint(repo, "check", ".", "--format", "json", watched=secret, cache=cache)
    assert "AUDIT" not in third.stderr
    assert "routers/edge.ios" not in third.stdout  # a link to a folder is not followed


def test_a_link_out_of_the_tree_named_on_the_command_line_is_never_opened(outside_link):
    repo, secret = outside_link
    for extra in ([], ["--exclude", "hosts/web/*"], ["--no-cache"]):
        done = halint(repo, "check", WEB, *extra, watched=secret)
        assert "AUDIT" not in done.stderr
        lines = [line for line in done.stdout.splitlines() if line.startswith(WEB)]
        assert len(lines) == 1 and " HL001 " in lines[0] and "outside the checked tree" in lines[0], done.stdout
        assert not any(leak in done.stdout + done.stderr for leak in LEAKS)


def test_fix_and_compile_never_open_nor_write_a_link_out_of_the_tree(outside_link, tmp_path):
    repo, secret = outside_link
    done = halint(repo, "fix", ".", watched=secret)
    assert "AUDIT" not in done.stderr and not any(leak in done.stdout for leak in LEAKS)
    done = halint(repo, "compile", ".", "-o", tmp_path / "out", watched=secret)
    assert "AUDIT" not in done.stderr and not any(leak in done.stdout for leak in LEAKS)
    assert secret.read_text(encoding="utf-8") == SECRET
    assert os.readlink(repo / WEB) == "../../../../../home/credentials-outside"


@pytest.fixture
def shared_config(tmp_path):
    """web2's keepalived.conf is a committed relative link to web's (one file, two hosts)."""
    repo = tmp_path / "repo"
    shutil.copytree(LEIDOSCOPE, repo)
    (repo / WEB2).unlink()
    os.symlink("../../../web/etc/keepalived/keepalived.conf", repo / WEB2)
    commit(repo)
    return repo


def test_a_finding_seen_through_a_link_and_its_target_is_reported_once(shared_config):
    found = json.loads(halint(shared_config, "check", ".", "--format", "json").stdout)["diagnostics"]
    typos = [(d["path"], d["line"]) for d in found if d["code"] == "KA002"]
    assert sorted(typos) == [(WEB, 1), (WEB, 7), (WEB, 13), (WEB, 19)]  # not again at the link
    # a finding that names its host is two findings: one per host that runs the file
    empty = sorted((d["path"], d["message"].split(",")[0]) for d in found if d["code"] == "KA011")
    assert empty == [(WEB, "on web"), (WEB2, "on web2")]
    # the link named alone: its findings are not lost to the target's
    found = json.loads(halint(shared_config, "check", WEB2, "--format", "json").stdout)["diagnostics"]
    assert [d["line"] for d in found if d["code"] == "KA002"] == [1, 7, 13, 19]
    assert {d["path"] for d in found if d["code"] in ("KA002", "KA011")} == {WEB2}


def test_fix_writes_through_a_link_in_the_tree_once(shared_config):
    repo = shared_config
    done = halint(repo, "fix", ".")
    fixed = [line for line in done.stdout.splitlines() if line.startswith("fixed: ") and "KA002" in line]
    assert fixed == [
        f"fixed: {WEB}:1: KA002 replace `vrp_script` by `vrrp_script`",
        f"fixed: {WEB}:7: KA002 replace `vrp_script` by `vrrp_script`",
        f"fixed: {WEB}:13: KA002 replace `vrp_script` by `vrrp_script`",
        f"fixed: {WEB}:19: KA002 replace `vrp_instance` by `vrrp_instance`",
    ]
    assert os.path.islink(repo / WEB2) and os.readlink(repo / WEB2) == "../../../web/etc/keepalived/keepalived.conf"
    text = (repo / WEB).read_text(encoding="utf-8")
    assert "vrp_" not in text and text.count("vrrp_script ") == 3
    original = (LEIDOSCOPE / WEB).read_text(encoding="utf-8")
    assert text == original.replace("vrp_script", "vrrp_script").replace("vrp_instance", "vrrp_instance")
    status = subprocess.run(["git", "status", "--porcelain"], cwd=repo, capture_output=True, text=True, check=True).stdout
    assert f" M {WEB}" in status and WEB2 not in status  # git sees the link unchanged


def test_fix_of_a_link_named_on_the_command_line_writes_its_target(shared_config):
    repo = shared_config
    done = halint(repo, "fix", WEB2)
    assert done.returncode in (0, 1)
    assert os.path.islink(repo / WEB2)
    assert "vrp_" not in (repo / WEB).read_text(encoding="utf-8")
    assert done.stdout.count("KA002 replace `vrp_instance` by `vrrp_instance`") == 1


def test_compile_keeps_the_link_and_fixes_its_target_once(shared_config, tmp_path):
    repo, out = shared_config, tmp_path / "out"
    before = (repo / WEB).read_bytes()
    done = halint(repo, "compile", ".", "-o", out)
    assert done.returncode in (0, 1), done.stderr
    assert os.path.islink(out / WEB2) and os.readlink(out / WEB2) == "../../../web/etc/keepalived/keepalived.conf"
    assert "vrp_" not in (out / WEB).read_text(encoding="utf-8")
    assert (repo / WEB).read_bytes() == before and os.path.islink(repo / WEB2)
    assert done.stdout.count(f"wrote {os.path.relpath(out / WEB, repo)}") == 1
    assert f"wrote {os.path.relpath(out / WEB2, repo)}" not in done.stdout
