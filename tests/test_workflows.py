"""The workflows users actually run, end to end: the real `halint` command on real git
repositories (a clone with a branch, a pull request's merge, a shallow clone, a folder inside
the tree), so that no documented workflow gives a silent "0 errors" (issue 14).

Each test starts halint as a process (``python -m halint``) with a clean environment: no
inherited CI variables, no pre-commit marker, no result cache, no user git configuration.
"""
from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import ROOT, write

CLEAN = ROOT / "tests" / "scenarios" / "leidoscope-corrected" / "good"
ZONES = ["hosts/web/etc/bind/zones/db.leidoscope.com", "hosts/web2/etc/bind/zones/db.leidoscope.com"]
MASTER = "hosts/web/etc/keepalived/keepalived.conf"
BACKUP = "hosts/web2/etc/keepalived/keepalived.conf"
CI_VARIABLES = ("GITHUB_", "GITLAB_", "CI_", "PRE_COMMIT", "GIT_")

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


def environment(home: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(CI_VARIABLES)}
    env.update(
        HALINT_NO_CACHE="1", NO_COLOR="1", HOME=str(home), GIT_CONFIG_NOSYSTEM="1", GIT_CONFIG_GLOBAL=os.devnull,
        GIT_AUTHOR_NAME="t", GIT_AUTHOR_EMAIL="t@example.invalid", GIT_COMMITTER_NAME="t",
        GIT_COMMITTER_EMAIL="t@example.invalid",
        # the `halint` of the environment running the tests comes first
        PATH=os.pathsep.join([os.path.dirname(sys.executable), os.environ.get("PATH", "/usr/bin:/bin")]),
    )
    env.update(extra)
    return env


def git(cwd: Path, *args: str) -> str:
    done = subprocess.run(["git", *args], cwd=cwd, env=environment(cwd), capture_output=True, text=True)
    assert done.returncode == 0, f"git {' '.join(args)}: {done.stderr}"
    return done.stdout.strip()


def halint(cwd: Path, *args: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "halint", *args], cwd=cwd, env=environment(cwd, **env),
                          capture_output=True, text=True, timeout=300)


def codes(proc: subprocess.CompletedProcess) -> list[tuple[str, str]]:
    return [(d["code"], d["path"]) for d in json.loads(proc.stdout)["diagnostics"]]


def add_record(tree: Path) -> None:
    """A zone change on both peers' copies, without a serial bump (ZN004 on each)."""
    for zone in ZONES:
        path = tree / zone
        path.write_text(path.read_text(encoding="utf-8") + "ftp IN A 10.51.10.67\n", encoding="utf-8")


@pytest.fixture
def origin(tmp_path) -> Path:
    """A repository: main holds the clean tree; branch `feature` adds a record to the zone
    without bumping its serial."""
    repo = tmp_path / "origin"
    shutil.copytree(CLEAN, repo)
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "clean tree")
    git(repo, "checkout", "-q", "-b", "feature")
    add_record(repo)
    git(repo, "commit", "-q", "-am", "ftp record, serial forgotten")
    git(repo, "checkout", "-q", "main")
    return repo


def pull_request_checkout(origin: Path, dest: Path) -> Path:
    """What actions/checkout with fetch-depth 0 gives a pull_request job: a full clone, HEAD
    the merge of the branch into its target."""
    git(origin.parent, "clone", "-q", str(origin), str(dest))
    git(dest, "checkout", "-q", "--detach", "origin/main")
    git(dest, "merge", "-q", "--no-ff", "-m", "Merge feature into main", "origin/feature")
    return dest


# 1. CI compares against the right base ----------------------------------------------------------


def test_a_github_pull_request_is_compared_with_its_target_branch(origin, tmp_path):
    work = pull_request_checkout(origin, tmp_path / "ci")
    proc = halint(work, "check", ".", "--format", "json", GITHUB_BASE_REF="main", GITHUB_ACTIONS="true")
    assert proc.returncode == 1, proc.stderr
    assert sorted(c for c in codes(proc) if c[0] == "ZN004") == [("ZN004", z) for z in ZONES]
    assert proc.stderr == ""
    # the same checkout outside a pull request: HEAD is the base, and that is said
    plain = halint(work, "check", ".", "--format", "json")
    assert plain.returncode == 0 and codes(plain) == []
    assert "HA013 and ZN004: nothing to compare" in plain.stderr and "--base" in plain.stderr


def test_the_merge_base_not_the_moved_target(origin, tmp_path):
    """main moves after the branch was made (a zone change of its own, serial bumped): the
    pull request is compared with what it was merged onto, so main's own change is not taken
    for the branch's."""
    work = pull_request_checkout(origin, tmp_path / "ci")
    git(origin, "checkout", "-q", "main")
    for zone in ZONES:
        path = origin / zone
        path.write_text(path.read_text(encoding="utf-8").replace("2025110409", "2025110410").replace(
            "www IN A 10.51.10.67", "www IN A 10.51.10.67\nmail IN A 10.51.10.67"), encoding="utf-8")
    git(origin, "commit", "-q", "-am", "main moves on")
    git(work, "fetch", "-q", "origin")  # origin/main is now ahead of the merge's first parent
    proc = halint(work, "check", ".", "--format", "json", GITHUB_BASE_REF="main")
    assert sorted(c for c in codes(proc) if c[0] == "ZN004") == [("ZN004", z) for z in ZONES]
    message = json.loads(proc.stdout)["diagnostics"][0]["message"]
    assert "merge-base of HEAD and origin/main" in message


def test_a_gitlab_merge_request_is_compared_with_its_diff_base(origin, tmp_path):
    work = tmp_path / "ci"
    git(tmp_path, "clone", "-q", "-b", "feature", str(origin), str(work))
    base = git(origin, "rev-parse", "main")
    proc = halint(work, "check", ".", "--format", "json", GITLAB_CI="true", CI_MERGE_REQUEST_DIFF_BASE_SHA=base)
    assert proc.returncode == 1, proc.stderr
    assert sorted(c for c in codes(proc) if c[0] == "ZN004") == [("ZN004", z) for z in ZONES]


def test_a_shallow_github_clone_says_fetch_depth(origin, tmp_path):
    """actions/checkout's default (one commit): the target branch is not there. The job must
    not pass silently: one line says ZN004/HA013 were skipped and how to give them history."""
    work = tmp_path / "ci"
    git(tmp_path, "clone", "-q", "--depth", "1", "-b", "feature", origin.as_uri(), str(work))
    proc = halint(work, "check", ".", GITHUB_BASE_REF="main")
    assert proc.returncode == 0
    (line,) = proc.stderr.splitlines()
    assert line.startswith("halint: HA013 and ZN004 skipped the comparison with the git base:"), line
    assert "origin/main is not in this clone" in line and "fetch-depth: 0" in line


def test_a_shallow_gitlab_clone_says_git_depth(origin, tmp_path):
    work = tmp_path / "ci"
    git(tmp_path, "clone", "-q", "--depth", "1", "-b", "feature", origin.as_uri(), str(work))
    base = git(origin, "rev-parse", "main")
    proc = halint(work, "check", ".", CI_MERGE_REQUEST_DIFF_BASE_SHA=base)
    assert proc.returncode == 0
    assert "skipped the comparison with the git base" in proc.stderr and "GIT_DEPTH" in proc.stderr


def test_an_explicit_base_missing_from_a_shallow_clone_is_a_usage_error(origin, tmp_path):
    work = tmp_path / "ci"
    git(tmp_path, "clone", "-q", "--depth", "1", "-b", "feature", origin.as_uri(), str(work))
    proc = halint(work, "check", ".", "--base", "origin/main")
    assert proc.returncode == 2
    assert "no such commit" in proc.stderr and "shallow" in proc.stderr and "Traceback" not in proc.stderr


def test_a_null_base_is_a_first_push_not_a_usage_error(origin):
    proc = halint(origin, "check", ".", "--base", "0" * 40)
    assert proc.returncode == 0
    assert "skipped the comparison with the git base: the base 000000000000 is git's null commit" in proc.stderr


def test_no_git_and_no_commit_are_said_by_default(tmp_path):
    tree = tmp_path / "tree"
    shutil.copytree(CLEAN, tree)
    proc = halint(tree, "check", ".")
    assert proc.returncode == 0
    assert proc.stderr == "halint: HA013 and ZN004 skipped the comparison with the git base: . is not inside a git work tree\n"
    git(tree, "init", "-q")
    proc = halint(tree, "check", ".")
    assert "the git repository has no commit yet" in proc.stderr
    assert halint(tree, "check", ".", "--select", "KA,HA001").stderr == ""  # nothing compares


def test_compile_compares_with_the_source_trees_base(tmp_path):
    """A running-config change in the work tree drops the FTP NAT rules: HA013 against HEAD.
    The compiled tree (outside git) is checked against the same base, so the report of what
    remains still says it (no fix re-creates a rule that the change itself removed)."""
    tree = tmp_path / "tree"
    shutil.copytree(CLEAN, tree)
    git(tree, "init", "-q")
    git(tree, "add", "-A")
    git(tree, "commit", "-q", "-m", "clean")
    router = tree / "routers" / "Rnet92i.ios"
    text = router.read_text(encoding="utf-8")
    rule = "ip nat inside source static tcp 10.51.10.67 21 172.18.55.51 21 extendable\n"
    one_to_one = "ip nat inside source static 10.51.10.67 172.18.55.51\n"  # it forwards tcp/21 too
    router.write_text(text.replace(rule, "").replace(one_to_one, ""), encoding="utf-8")
    assert halint(tree, "check", ".", "--select", "HA013").returncode == 1
    out = tmp_path / "out"
    proc = halint(tree, "compile", ".", "-o", str(out), "--format", "json", "--select", "HA013")
    found = json.loads(proc.stdout)["diagnostics"]
    assert [(d["code"], d["path"]) for d in found] == [("HA013", "../out/routers/Rnet92i.ios")], proc.stderr
    said = found[0]["message"] + " " + (found[0]["note"] or "")
    assert "the change since HEAD" in said and "tcp/21" in said
    assert proc.returncode == 1 and proc.stderr == ""


# 2. A directory is a scope, not a tree -----------------------------------------------------------


@pytest.fixture
def vrid_mismatch(tmp_path) -> Path:
    """A git repository (no halint.toml) whose web2 says virtual_router_id 52 to web's 51, and
    a second, unrelated cluster with old debt (db1/db2, auth_pass mismatch)."""
    repo = tmp_path / "repo"
    shutil.copytree(CLEAN, repo)
    (repo / "halint.toml").unlink()
    path = repo / BACKUP
    path.write_text(path.read_text(encoding="utf-8").replace("virtual_router_id 51", "virtual_router_id 52"),
                    encoding="utf-8")
    for host, state, priority, password in (("db1", "MASTER", 100, "Xk9vtr2Q"), ("db2", "BACKUP", 90, "Zp4mwd7L")):
        write(repo, f"hosts/{host}/etc/keepalived/keepalived.conf", (
            f"global_defs {{\n    router_id {host}\n}}\n\nvrrp_instance DB {{\n    state {state}\n    interface eth1\n"
            f"    virtual_router_id 60\n    priority {priority}\n    advert_int 1\n    authentication {{\n"
            f"        auth_type PASS\n        auth_pass {password}\n    }}\n    virtual_ipaddress {{\n"
            "        10.60.0.10/24\n    }\n}\n"))
    git(repo, "init", "-q")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "tree")
    return repo


def test_a_folder_of_the_tree_reads_its_peers(vrid_mismatch):
    repo = vrid_mismatch
    whole = halint(repo, "check", ".", "--format", "json", "--select", "HA001,HA002")
    assert {c for c, _ in codes(whole)} == {"HA001", "HA002"}
    for cwd, args in ((repo, ["hosts/web2"]), (repo / "hosts" / "web2", []), (repo / "hosts" / "web2" / "etc", ["."])):
        proc = halint(cwd, "check", *args, "--format", "json", "--select", "HA001,HA002")
        assert proc.returncode == 1, (cwd, args, proc.stderr)
        # the mismatch with web is found; the unrelated cluster's old debt is not web2's business
        assert {c for c, _ in codes(proc)} == {"HA001"}, (cwd, args)
        diags = json.loads(proc.stdout)["diagnostics"]
        places = {os.path.relpath(cwd / p, repo) for d in diags for p in [d["path"], *(r["path"] for r in d["related"])]}
        assert places >= {MASTER, BACKUP}, places
    # the summary counts the files under the folder asked for: web2's keepalived.conf,
    # interfaces, named.conf.local and zone
    text = halint(repo, "check", "hosts/web2", "--select", "HA001")
    assert text.stdout.splitlines()[-1].endswith("in 4 files"), text.stdout


def test_a_folder_inside_a_tree_with_a_manifest(vrid_mismatch):
    """No git: the folder holding halint.toml is the tree."""
    repo = vrid_mismatch
    shutil.rmtree(repo / ".git")
    (repo / "halint.toml").write_text("")
    proc = halint(repo / "hosts" / "web2", "check", "--format", "json", "--select", "HA001")
    assert proc.returncode == 1 and {c for c, _ in codes(proc)} == {"HA001"}


def test_fix_on_a_folder_edits_only_that_folder(vrid_mismatch):
    """db2 says virtual_router_id 61 to db1's 60: `fix hosts/db2` reads db1 for context and
    aligns db2 alone (web2's own mismatch with web, elsewhere in the tree, is left alone)."""
    repo = vrid_mismatch
    db2 = repo / "hosts" / "db2" / "etc" / "keepalived" / "keepalived.conf"
    db2.write_text(db2.read_text(encoding="utf-8").replace("virtual_router_id 60", "virtual_router_id 61"), encoding="utf-8")
    before = {p: p.read_bytes() for p in repo.rglob("*") if p.is_file() and ".git" not in p.parts}
    proc = halint(repo, "fix", "hosts/db2", "--unsafe-fixes")
    changed = {p.relative_to(repo).as_posix() for p, data in before.items() if p.read_bytes() != data}
    # db2 is aligned with its peer db1, read for context and left as it is
    assert changed == {"hosts/db2/etc/keepalived/keepalived.conf"}, (changed, proc.stdout)
    assert "fixed: hosts/db2/etc/keepalived/keepalived.conf" in proc.stdout and "HA001" in proc.stdout
    assert "virtual_router_id 60" in db2.read_text(encoding="utf-8")


def test_folders_with_their_own_manifest_are_trees_of_their_own(tmp_path):
    """Two sites in one repository, each with halint.toml and the same host names and VIP (site
    b's pair uses VRID 61): checked from the repository root, each site is its own tree, so the
    sites are not one cluster (no HA001 between them), and each site's own finding is found."""
    repo = tmp_path / "repo"
    for site, vrid in (("site-a", 51), ("site-b", 61)):
        shutil.copytree(CLEAN, repo / site)
        for conf in (MASTER, BACKUP):
            path = repo / site / conf
            path.write_text(path.read_text(encoding="utf-8").replace("virtual_router_id 51", f"virtual_router_id {vrid}"),
                            encoding="utf-8")
    typo = repo / "site-b" / MASTER
    typo.write_text(typo.read_text(encoding="utf-8").replace("vrrp_script chk_bind", "vrp_script chk_bind"), encoding="utf-8")
    git(repo, "init", "-q")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "two sites")
    proc = halint(repo, "check", ".", "--format", "json")
    found = codes(proc)
    assert "HA001" not in {c for c, _ in found} and "HA014" not in {c for c, _ in found}, found
    assert ("KA002", f"site-b/{MASTER}") in found and not any(p.startswith("site-a/") for _, p in found), found
    clusters = halint(repo, "show", "clusters", ".").stdout
    assert clusters.count("VIP 10.51.10.67") == 2, clusters  # one cluster per site


# 5. Exit status and noise users can rely on -------------------------------------------------------


def test_verbose_and_quiet_never_change_the_exit_code(tmp_path):
    tree = tmp_path / "tree"
    shutil.copytree(CLEAN, tree)
    write(tree, "notes/README.txt", "not a configuration file\n")  # HL004 with --verbose
    plain = halint(tree, "check", ".")
    assert plain.returncode == 0
    assert halint(tree, "check", ".", "--verbose").returncode == 0
    assert halint(tree, "check", ".", "--quiet").returncode == 0
    typo = tree / MASTER
    typo.write_text(typo.read_text(encoding="utf-8").replace("vrrp_script chk_bind", "vrp_script chk_bind"), encoding="utf-8")
    assert {halint(tree, "check", ".", *flag).returncode for flag in ([], ["--verbose"], ["--quiet"])} == {1}


def test_quiet_is_honoured_by_fix_and_compile(tmp_path):
    tree = tmp_path / "tree"
    shutil.copytree(CLEAN, tree)
    typo = tree / MASTER
    typo.write_text(typo.read_text(encoding="utf-8").replace("state MASTER", "state Master"), encoding="utf-8")
    proc = halint(tree, "compile", ".", "-o", str(tmp_path / "out"), "--quiet")
    assert proc.returncode == 0 and proc.stdout == "0 errors, 0 warnings, 0 infos in 10 files\n", proc.stdout
    assert proc.stderr == ""
    proc = halint(tree, "fix", ".", "--quiet")
    assert proc.returncode == 0 and proc.stdout == "0 errors, 0 warnings, 0 infos in 10 files\n", proc.stdout
    assert "state MASTER" in typo.read_text(encoding="utf-8")


def test_ctrl_c_exits_130(tmp_path):
    """A real SIGINT in the middle of a long check: exit 130, one line, no traceback."""
    tree = tmp_path / "tree"
    # a million records from four lines: about 10 s of work, interrupted after 1.5 s
    generate = "".join(f"$GENERATE 1-250000 {label}$ A 10.0.0.{n}\n" for n, label in enumerate("hgfe", 1))
    write(tree, "db.big.example", "$TTL 3600\n@ IN SOA ns1 admin 1 3600 900 1209600 300\n@ IN NS ns1\nns1 IN A 10.0.0.1\n"
          + generate)
    proc = subprocess.Popen([sys.executable, "-m", "halint", "check", "."], cwd=tree, env=environment(tree),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    time.sleep(1.5)
    if proc.poll() is not None:
        pytest.fail(f"the check ended before it could be interrupted: {proc.returncode}")
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert err == "halint: interrupted\n" and out == ""


def test_a_path_with_nothing_to_check_says_so(tmp_path):
    tree = tmp_path / "tree"
    shutil.copytree(CLEAN, tree)
    write(tree, "docs/notes.md", "# notes\n")
    proc = halint(tree, "check", "docs", "--select", "KA")
    assert proc.returncode == 0
    assert proc.stderr == "halint: no configuration files found under docs\n"
    empty = tmp_path / "empty"
    empty.mkdir()
    assert halint(empty, "check", "--select", "KA").stderr == "halint: no configuration files found under .\n"
    proc = halint(tree, "check", "docs/notes.md", "--select", "KA")
    assert proc.stderr == "halint: docs/notes.md: not a configuration file halint reads\n"


def test_simulate_fail_naming_nothing_is_a_usage_error(tmp_path):
    """Checked before anything is started (and before the root check): a typo in --fail
    would otherwise give a run in which that step never happens."""
    tree = tmp_path / "tree"
    shutil.copytree(CLEAN, tree)
    proc = halint(tree, "simulate", ".", "--fail", "chk_nginx@web3")
    assert proc.returncode == 2 and "--fail chk_nginx@web3: no host web3" in proc.stderr, proc.stderr
    assert "web, web2" in proc.stderr
    proc = halint(tree, "simulate", ".", "--fail", "chk_ngnix@web")
    assert proc.returncode == 2 and "web tracks no check chk_ngnix" in proc.stderr, proc.stderr
    assert "chk_bind, chk_nginx, chk_vsftpd" in proc.stderr


def test_severity_threshold_in_the_manifest(tmp_path):
    tree = tmp_path / "tree"
    shutil.copytree(CLEAN, tree)
    path = tree / MASTER
    path.write_text(path.read_text(encoding="utf-8").replace("    enable_script_security\n", ""), encoding="utf-8")
    assert halint(tree, "check", ".").returncode == 1  # KA007, a warning: info is the default threshold
    (tree / "halint.toml").write_text('severity-threshold = "error"\n')
    proc = halint(tree, "check", ".")
    assert proc.returncode == 0 and "KA007 [warning]" in proc.stdout
    assert halint(tree, "check", ".", "--severity-threshold", "warning").returncode == 1  # the command line wins
    (tree / "halint.toml").write_text('severity-threshold = "fatal"\n')
    proc = halint(tree, "check", ".")
    assert proc.returncode == 2 and "severity-threshold" in proc.stderr


# 6. Adoption on a repository with old debt --------------------------------------------------------


@pytest.fixture
def debt(tmp_path) -> Path:
    """A committed tree with old debt: web and web2 disagree on auth_pass (HA002)."""
    repo = tmp_path / "repo"
    shutil.copytree(CLEAN, repo)
    for conf, password in ((MASTER, "Xk9vtr2Q"), (BACKUP, "Zp4mwd7L")):
        path = repo / conf
        path.write_text(path.read_text(encoding="utf-8").replace(
            "    advert_int 1\n",
            f"    advert_int 1\n    authentication {{\n        auth_type PASS\n        auth_pass {password}\n    }}\n"),
            encoding="utf-8")
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "old debt")
    assert "HA002" in halint(repo, "check", ".", "--select", "HA002").stdout
    return repo


def test_new_only_passes_a_comment_next_to_old_debt(debt):
    path = debt / BACKUP
    path.write_text("# reviewed by the network team\n\n" + path.read_text(encoding="utf-8"), encoding="utf-8")
    full = halint(debt, "check", ".", "--format", "json")
    assert full.returncode == 1 and "HA002" in {c for c, _ in codes(full)}
    proc = halint(debt, "check", ".", "--new-only", "--format", "json")
    assert proc.returncode == 0 and codes(proc) == [], (proc.stdout, proc.stderr)
    assert proc.stderr == ""


def test_new_only_blocks_what_the_change_brings(debt):
    path = debt / BACKUP
    path.write_text("# moved\n" + path.read_text(encoding="utf-8").replace("virtual_router_id 51", "virtual_router_id 52"),
                    encoding="utf-8")
    proc = halint(debt, "check", ".", "--new-only", "--format", "json")
    assert proc.returncode == 1
    assert [c for c, _ in codes(proc)] == ["HA001"], proc.stdout


def test_new_only_counts_copies(debt):
    """A second copy of an old defect is new: the base had one KA006 (short auth_pass) per file
    line, the change adds another instance with the same weakness."""
    path = debt / MASTER
    text = path.read_text(encoding="utf-8")
    extra = ("\nvrrp_instance VI_2 {\n    state MASTER\n    interface eth1\n    virtual_router_id 52\n    priority 100\n"
             "    advert_int 1\n    authentication {\n        auth_type PASS\n        auth_pass Xk9vtr2Q\n    }\n"
             "    virtual_ipaddress {\n        10.52.0.1/24\n    }\n}\n")
    path.write_text(text + extra, encoding="utf-8")
    new = [c for c, _ in codes(halint(debt, "check", ".", "--new-only", "--format", "json", "--select", "KA006"))]
    old = [c for c, _ in codes(halint(debt, "check", ".", "--format", "json", "--select", "KA006"))]
    assert len(old) > len(new) > 0


def test_new_only_against_a_branch_in_ci(debt, tmp_path):
    git(debt, "checkout", "-q", "-b", "feature")
    path = debt / BACKUP
    path.write_text(path.read_text(encoding="utf-8").replace("priority 90", "priority 100"), encoding="utf-8")
    git(debt, "commit", "-q", "-am", "web2 as high as the MASTER")
    clone = tmp_path / "ci"
    git(tmp_path, "clone", "-q", str(debt), str(clone))
    git(clone, "checkout", "-q", "feature")
    proc = halint(clone, "check", ".", "--new-only", "--format", "json", GITHUB_BASE_REF="main")
    found = {c for c, _ in codes(proc)}
    # HA005 (web2's priority equals the MASTER's) is the branch's; the old HA002 is main's
    assert "HA002" not in found and "HA005" in found, (proc.stdout, proc.stderr)


def test_new_only_without_git_reports_everything_and_says_so(tmp_path):
    tree = tmp_path / "tree"
    shutil.copytree(CLEAN, tree)
    path = tree / MASTER
    path.write_text(path.read_text(encoding="utf-8").replace("vrrp_script chk_bind", "vrp_script chk_bind"), encoding="utf-8")
    proc = halint(tree, "check", ".", "--new-only", "--select", "KA002")
    assert proc.returncode == 1 and "KA002" in proc.stdout
    assert "--new-only: no git base to compare with" in proc.stderr and "every finding is reported" in proc.stderr


def test_new_only_follows_an_absolute_link_into_the_tree(debt):
    """web2's keepalived.conf committed as an absolute link to web's (a shared config): the
    base's copy of the tree links into itself, so the same findings match."""
    link = debt / BACKUP
    link.unlink()
    link.symlink_to(debt / MASTER)
    git(debt, "add", "-A")
    git(debt, "commit", "-q", "-m", "web2 shares web's config")
    path = debt / MASTER
    path.write_text("# shared\n" + path.read_text(encoding="utf-8"), encoding="utf-8")
    proc = halint(debt, "check", ".", "--new-only", "--format", "json")
    assert codes(proc) == [], proc.stdout


def test_a_manifest_linked_out_of_the_tree_is_not_read(tmp_path):
    secret = tmp_path / "secret.toml"
    secret.write_text('password = "hunter2"\n')
    tree = tmp_path / "tree"
    shutil.copytree(CLEAN, tree)
    (tree / "halint.toml").unlink()
    (tree / "halint.toml").symlink_to(secret)
    proc = halint(tree, "check", ".")
    assert proc.returncode == 2
    assert "symbolic link to a place outside the checked tree" in proc.stderr
    assert "password" not in proc.stderr + proc.stdout and "hunter2" not in proc.stderr + proc.stdout
