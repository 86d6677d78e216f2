"""The pre-commit hooks (.pre-commit-hooks.yaml) in a real ``pre-commit`` run.

A temporary git repository holds the corrected LEIDOSCOPE tree (two keepalived nodes, their
zones and named.conf, two routers); its .pre-commit-config.yaml names a clone of THIS repository
as the hook source, with the working tree's changes committed there, so the hooks run the code
as it is now. pre-commit builds the hooks' virtualenv and pip-installs halint into it (about a
minute, once per module: PRE_COMMIT_HOME is shared by the tests). Commits go through
``pre-commit install``'s git hook, so pre-commit stashes unstaged changes as it does for users.
"""
from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT

pytestmark = pytest.mark.slow

CLEAN = ROOT / "tests" / "scenarios" / "leidoscope-corrected" / "good"
MASTER = "hosts/web/etc/keepalived/keepalived.conf"
BACKUP = "hosts/web2/etc/keepalived/keepalived.conf"
TIMEOUT = 900


def _pre_commit() -> list[str]:
    if importlib.util.find_spec("pre_commit") is not None:
        return [sys.executable, "-m", "pre_commit"]
    exe = shutil.which("pre-commit")
    if exe is None:
        pytest.skip("pre-commit is not installed (pip install -e '.[test]')")
    return [exe]


def _env(home: Path) -> dict[str, str]:
    """No inherited git state (a test run from inside a git hook exports GIT_DIR and
    GIT_INDEX_FILE) and no user or system git configuration."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GIT_", "PRE_COMMIT"))}
    env.update(
        PRE_COMMIT_HOME=str(home / "cache"), PRE_COMMIT_COLOR="never", NO_COLOR="1",
        GIT_CONFIG_NOSYSTEM="1", GIT_CONFIG_GLOBAL=os.devnull,
        GIT_AUTHOR_NAME="t", GIT_AUTHOR_EMAIL="t@example.invalid",
        GIT_COMMITTER_NAME="t", GIT_COMMITTER_EMAIL="t@example.invalid",
        PIP_DISABLE_PIP_VERSION_CHECK="1",
    )
    return env


def _run(cmd, cwd: Path, env, check: bool = True) -> subprocess.CompletedProcess:
    proc = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=TIMEOUT)
    if check and proc.returncode != 0:
        pytest.fail(f"{' '.join(map(str, cmd))} exited {proc.returncode}:\n{proc.stdout}{proc.stderr}")
    return proc


def _git(cwd: Path, env, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    return _run(["git", *args], cwd, env, check)


def _hook_source(tmp: Path, env) -> tuple[Path, str]:
    """A clone of ROOT at HEAD plus the working tree's uncommitted changes (modified, new and
    deleted files git does not ignore), committed: pre-commit installs hooks from a commit."""
    clone = tmp / "hooksrc"
    _git(tmp, env, "clone", "--quiet", str(ROOT), str(clone))
    listed = _git(ROOT, env, "ls-files", "-z", "--modified", "--others", "--exclude-standard").stdout
    deleted = set(_git(ROOT, env, "ls-files", "-z", "--deleted").stdout.split("\0")) - {""}
    for rel in set(listed.split("\0")) - {""}:
        target = clone / rel
        if rel in deleted:
            target.unlink(missing_ok=True)
        elif (ROOT / rel).is_file():
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / rel, target)
    _git(clone, env, "add", "--all")
    if _git(clone, env, "status", "--porcelain").stdout.strip():
        _git(clone, env, "commit", "--quiet", "--no-verify", "-m", "working tree")
    return clone, _git(clone, env, "rev-parse", "HEAD").stdout.strip()


@pytest.fixture(scope="module")
def hooks(tmp_path_factory):
    """(hook source clone, its commit, environment); the hooks' virtualenv is built here once."""
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    if not (ROOT / ".git").exists():
        pytest.skip(f"{ROOT} is not a git work tree: pre-commit needs the hooks in a commit")
    cmd = _pre_commit()
    tmp = tmp_path_factory.mktemp("precommit")
    env = _env(tmp)
    clone, rev = _hook_source(tmp, env)
    return cmd, clone, rev, env


@pytest.fixture
def repo(hooks, tmp_path):
    """A git repository holding the clean LEIDOSCOPE tree, committed, with the hooks installed."""
    cmd, clone, rev, env = hooks
    work = tmp_path / "leidoscope"
    shutil.copytree(CLEAN, work)
    (work / ".pre-commit-config.yaml").write_text(
        "repos:\n"
        f"  - repo: {clone.as_posix()}\n"
        f"    rev: {rev}\n"
        "    hooks:\n"
        "      - id: halint\n"
        "      - id: halint-fix\n",
        encoding="utf-8",
    )
    _git(work, env, "init", "--quiet", "-b", "main")
    _git(work, env, "add", "--all")
    _git(work, env, "commit", "--quiet", "--no-verify", "-m", "clean LEIDOSCOPE")
    _run([*cmd, "install"], work, env)
    # build the hooks' environment now (once per module), so a failure here says so
    _run([*cmd, "install-hooks"], work, env)
    return work, cmd, env


def _typo(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert "\nvrrp_instance VI_1 {" in text
    path.write_text(text.replace("\nvrrp_instance VI_1 {", "\nvrp_instance VI_1 {", 1), encoding="utf-8")


def _head(work: Path, env) -> str:
    return _git(work, env, "rev-parse", "HEAD").stdout.strip()


def test_the_hooks_manifest_is_valid(hooks):
    cmd, clone, _, env = hooks
    _run([*cmd, "validate-manifest", ".pre-commit-hooks.yaml"], clone, env)


def test_a_staged_typo_in_the_masters_keepalived_conf_is_blocked_with_ka002(repo):
    work, _, env = repo
    _typo(work / MASTER)
    _git(work, env, "add", MASTER)
    before = _head(work, env)
    proc = _commit(work, env, "typo", skip="halint-fix")  # the check hook alone
    out = proc.stdout + proc.stderr
    assert proc.returncode != 0, out
    assert "KA002" in out and "vrp_instance" in out, out
    assert f"{MASTER}:25:1: KA002" in out, out
    assert _head(work, env) == before  # nothing committed
    assert "vrp_instance VI_1" in (work / MASTER).read_text(encoding="utf-8")  # nothing rewritten


def _commit(work: Path, env, message: str, skip: str = "") -> subprocess.CompletedProcess:
    env = dict(env, SKIP=skip) if skip else env
    return _git(work, env, "commit", "-m", message, check=False)


def test_a_staged_change_without_findings_passes_even_with_an_unstaged_typo(repo):
    work, _, env = repo
    path = work / BACKUP
    path.write_text("# reviewed\n" + path.read_text(encoding="utf-8"), encoding="utf-8")
    _git(work, env, "add", BACKUP)
    # unstaged: pre-commit stashes it away, so the hooks see (and commit) the staged version
    _typo(path)
    before = _head(work, env)
    proc = _commit(work, env, "comment")
    out = proc.stdout + proc.stderr
    assert proc.returncode == 0, out
    assert "halint" in out and "Passed" in out, out
    assert _head(work, env) != before
    committed = _git(work, env, "show", f"HEAD:{BACKUP}").stdout
    assert committed.startswith("# reviewed\n") and "\nvrrp_instance VI_1 {" in committed
    assert "vrp_instance VI_1" in path.read_text(encoding="utf-8")  # the unstaged change is back


def test_halint_fix_rewrites_the_typo_and_the_second_run_passes(repo):
    work, _, env = repo
    path = work / MASTER
    path.write_text("# VI_1 reviewed\n" + path.read_text(encoding="utf-8"), encoding="utf-8")
    _typo(path)
    _git(work, env, "add", MASTER)
    before = _head(work, env)
    first = _commit(work, env, "typo")
    out = first.stdout + first.stderr
    assert first.returncode != 0, out
    assert "KA002" in out, out  # the check hook
    assert "files were modified by this hook" in out, out  # the fix hook, as pre-commit fixers
    assert _head(work, env) == before
    fixed = path.read_text(encoding="utf-8")
    # only the typo was touched
    assert fixed == "# VI_1 reviewed\n" + (CLEAN / MASTER).read_text(encoding="utf-8")
    _git(work, env, "add", MASTER)
    second = _commit(work, env, "typo fixed")
    out = second.stdout + second.stderr
    assert second.returncode == 0, out
    assert _head(work, env) != before
    assert "Failed" not in out, out


def test_a_staged_file_the_manifest_excludes_stays_excluded(repo):
    """pre-commit passes every staged file that matches the hook's `files`, excluded or not:
    the hooks run with --force-exclude, so the manifest's `exclude` still holds (ruff's rule)."""
    work, _, env = repo
    (work / "halint.toml").write_text('exclude = ["archive/**"]\n', encoding="utf-8")
    _git(work, env, "add", "halint.toml")
    assert _commit(work, env, "archive is not deployed").returncode == 0
    old = work / "archive" / "hosts" / "old" / "etc" / "keepalived" / "keepalived.conf"
    old.parent.mkdir(parents=True)
    old.write_text("vrp_instance OLD {\n    interface eth0\n}\n", encoding="utf-8")
    _git(work, env, "add", "archive")
    proc = _commit(work, env, "keep the old config for reference")
    out = proc.stdout + proc.stderr
    assert proc.returncode == 0, out
    assert "KA002" not in out
    # the same file outside the excluded folder is checked
    live = work / "hosts" / "old" / "etc" / "keepalived" / "keepalived.conf"
    live.parent.mkdir(parents=True)
    live.write_text(old.read_text(encoding="utf-8"), encoding="utf-8")
    _git(work, env, "add", "hosts/old")
    proc = _commit(work, env, "a new host", skip="halint-fix")
    assert proc.returncode != 0 and "KA002" in proc.stdout + proc.stderr


@pytest.fixture
def debt_repo(hooks, tmp_path):
    """A repository adopting halint with old debt (web and web2 disagree on auth_pass, HA002),
    committed without the hooks, then the `halint-new-only` hook installed."""
    cmd, clone, rev, env = hooks
    work = tmp_path / "debt"
    shutil.copytree(CLEAN, work)
    for conf, password in ((MASTER, "Xk9vtr2Q"), (BACKUP, "Zp4mwd7L")):
        path = work / conf
        text = path.read_text(encoding="utf-8")
        auth = f"    advert_int 1\n    authentication {{\n        auth_type PASS\n        auth_pass {password}\n    }}\n"
        path.write_text(text.replace("    advert_int 1\n", auth), encoding="utf-8")
    (work / ".pre-commit-config.yaml").write_text(
        f"repos:\n  - repo: {clone.as_posix()}\n    rev: {rev}\n    hooks:\n      - id: halint-new-only\n",
        encoding="utf-8",
    )
    _git(work, env, "init", "--quiet", "-b", "main")
    _git(work, env, "add", "--all")
    _git(work, env, "commit", "--quiet", "--no-verify", "-m", "old debt")
    _run([*cmd, "install"], work, env)
    _run([*cmd, "install-hooks"], work, env)
    return work, env


def test_the_new_only_hook_passes_a_comment_next_to_old_debt(debt_repo):
    work, env = debt_repo
    path = work / BACKUP
    path.write_text("# auth_pass to be aligned with web (ticket 1234)\n" + path.read_text(encoding="utf-8"), encoding="utf-8")
    _git(work, env, "add", BACKUP)
    proc = _commit(work, env, "comment")
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_the_new_only_hook_blocks_a_new_vrid_mismatch_with_that_one_finding(debt_repo):
    work, env = debt_repo
    path = work / BACKUP
    path.write_text(path.read_text(encoding="utf-8").replace("virtual_router_id 51", "virtual_router_id 52"), encoding="utf-8")
    _git(work, env, "add", BACKUP)
    before = _head(work, env)
    proc = _commit(work, env, "vrid")
    out = proc.stdout + proc.stderr
    assert proc.returncode != 0, out
    assert "HA001" in out and "HA002" not in out, out
    assert "1 error" in out, out
    assert _head(work, env) == before
