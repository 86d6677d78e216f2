"""What `halint fix`, `halint compile` and `--output` do to the files they write (INTERFACE.md
"Symlinks"; halint/fix/writes.py), with the real `halint` command: each file keeps its owner, group,
mode and hard links; a run writes all its files or none, and a file it cannot write is named in
one line, exit 2, with nothing else changed and no temporary file left behind.

A file that may not be written needs a writer without root's powers. As root, halint runs as
nobody (uid 65534) when that user can run this Python; else as root without CAP_DAC_OVERRIDE,
CAP_DAC_READ_SEARCH and CAP_FOWNER (dropped from the capability bounding set before exec), which
makes root obey file modes like any user. Not root: the test user itself, with chmod."""
from __future__ import annotations

import ctypes
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT

LEIDOSCOPE = ROOT / "examples" / "leidoscope"
WEB = "hosts/web/etc/keepalived/keepalived.conf"  #: four safe fixes (misspelt keywords)
ZONE2 = "hosts/web2/etc/bind/zones/db.leidoscope.com"  #: three safe fixes and a serial bump
NOBODY = 65534
PR_CAPBSET_DROP = 24
FILE_POWERS = (1, 2, 3)  #: CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH, CAP_FOWNER


def _drop_file_powers() -> None:
    libc = ctypes.CDLL(None, use_errno=True)
    for cap in FILE_POWERS:
        if libc.prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP)")


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env["HALINT_NO_CACHE"] = "1"
    return env


class Writer:
    """Who runs halint in the tests of files it may not write: ``uid`` owns the tree."""

    def __init__(self, uid: int, how: dict, label: str):
        self.uid, self.how, self.label = uid, how, label

    def run(self, cwd: Path, *args) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "halint", *map(str, args)], cwd=cwd, env=_env(),
                              capture_output=True, text=True, timeout=300, check=False, **self.how)

    def give(self, root: Path) -> None:
        """The whole tree (folders too) to this writer."""
        if os.geteuid() == 0:
            for folder, _, names in os.walk(root):
                os.chown(folder, self.uid, self.uid)
                for name in names:
                    os.chown(os.path.join(folder, name), self.uid, self.uid, follow_symlinks=False)

    @staticmethod
    def forbid(path: Path) -> None:
        """Make a file (0444) or a folder (0555) one this writer may not write: root's when the
        tests run as root (a read-only mode is nothing to root's own powers)."""
        if os.geteuid() == 0:
            os.chown(path, 0, 0)
        path.chmod(0o555 if path.is_dir() else 0o444)


def _works(how: dict, probe: Path) -> bool:
    """Whether halint starts that way and a root-owned read-only file stays unwritable."""
    code = f"import halint.cli\ntry:\n    open({str(probe)!r}, 'a')\nexcept PermissionError:\n    raise SystemExit(0)\nraise SystemExit(3)"
    try:
        done = subprocess.run([sys.executable, "-c", code], env=_env(), capture_output=True, timeout=120, cwd=probe.parent, check=False, **how)
    except (OSError, subprocess.SubprocessError):
        return False
    return done.returncode == 0


@pytest.fixture(scope="module")
def writer(tmp_path_factory) -> Writer:
    if os.geteuid() != 0:
        return Writer(os.geteuid(), {}, "the test user")
    folder = tmp_path_factory.mktemp("probe")
    folder.chmod(0o755)
    probe = folder / "read-only"
    probe.write_text("x\n")
    probe.chmod(0o444)
    nobody = {"user": NOBODY, "group": NOBODY, "extra_groups": []}
    if _works(nobody, probe):
        return Writer(NOBODY, nobody, "nobody")
    capless = {"preexec_fn": _drop_file_powers}
    if _works(capless, probe):
        return Writer(0, capless, "root without CAP_DAC_OVERRIDE")
    pytest.skip("running as root, and neither nobody (uid 65534) can run this Python "
                f"({sys.executable}) nor can root drop CAP_DAC_OVERRIDE: no writer to which a file can be read-only")


def halint(cwd: Path, *args) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "halint", *map(str, args)], cwd=cwd, env=_env(),
                          capture_output=True, text=True, timeout=300, check=False)


@pytest.fixture
def tree(tmp_path) -> Path:
    root = tmp_path / "repo"
    shutil.copytree(LEIDOSCOPE, root)
    return root


def snapshot(root: Path) -> dict[str, tuple]:
    """Every file and link under root: content (or link text), owner, group, mode, inode."""
    out = {}
    for folder, _, names in os.walk(root):
        for name in names:
            path = Path(folder, name)
            info = path.lstat()
            body = os.readlink(path) if path.is_symlink() else path.read_bytes()
            out[path.relative_to(root).as_posix()] = (body, info.st_uid, info.st_gid, info.st_mode, info.st_ino)
    return out


def assert_one_line(done: subprocess.CompletedProcess, path: str) -> None:
    assert done.returncode == 2, (done.stdout, done.stderr)
    lines = [line for line in done.stderr.splitlines() if "cannot write" in line]
    assert lines == [f"halint: cannot write {path}: permission denied; nothing was written"], done.stderr
    assert "Traceback" not in done.stderr and "internal error" not in done.stderr


def no_temporary_files(root: Path) -> None:
    assert not [p for p in root.rglob("*") if p.name.endswith(".halint-tmp")]


@pytest.mark.skipif(os.geteuid() != 0, reason="only root can give a file to another user (uid 65534) to see it kept")
def test_fix_keeps_the_owner_group_and_mode_of_a_file_root_does_not_own(tree):
    path = tree / WEB
    os.chown(path, NOBODY, NOBODY)
    path.chmod(0o640)
    done = halint(tree, "fix", ".")
    assert done.returncode in (0, 1), done.stderr
    assert "vrp_" not in path.read_text(encoding="utf-8")
    info = path.stat()
    assert (info.st_uid, info.st_gid, info.st_mode & 0o7777) == (NOBODY, NOBODY, 0o640)
    no_temporary_files(tree)


def test_fix_keeps_hard_links(tree, tmp_path):
    elsewhere = tmp_path / "backup-of-the-zone"
    os.link(tree / ZONE2, elsewhere)
    inode = (tree / ZONE2).stat().st_ino
    done = halint(tree, "fix", ".")
    assert done.returncode in (0, 1), done.stderr
    assert (tree / ZONE2).stat().st_ino == inode and (tree / ZONE2).stat().st_nlink == 2
    assert elsewhere.read_bytes() == (tree / ZONE2).read_bytes()
    assert b"10.51.10.67" in elsewhere.read_bytes() and b"2025110408" not in elsewhere.read_bytes()  # fixed, serial bumped


def test_fix_that_cannot_write_a_read_only_file_writes_nothing(tree, writer):
    """The zone is root's and read-only, in a folder the writer owns: a rename there would
    succeed, and replace root's read-only file with the writer's own."""
    writer.give(tree)
    zone = tree / ZONE2
    writer.forbid(zone)
    before = snapshot(tree)
    done = writer.run(tree, "fix", ".")
    assert_one_line(done, ZONE2)
    assert snapshot(tree) == before  # web's keepalived.conf, fixable, was not written either
    no_temporary_files(tree)


def test_fix_that_cannot_write_in_a_folder_writes_nothing(tree, writer):
    """The zone's folder and the zone are root's, read-only to the writer (before: an internal
    error, PermissionError on the temporary file, after web's keepalived.conf was written)."""
    writer.give(tree)
    zone = tree / ZONE2
    writer.forbid(zone)
    writer.forbid(zone.parent)
    before = snapshot(tree)
    try:
        done = writer.run(tree, "fix", ".")
    finally:
        zone.parent.chmod(0o755)
    assert_one_line(done, ZONE2)
    assert snapshot(tree) == before
    no_temporary_files(tree)


def test_fix_writes_in_place_a_file_it_may_write_in_a_folder_it_may_not(tree, writer):
    writer.give(tree)
    zone = tree / ZONE2
    writer.forbid(zone.parent)
    try:
        done = writer.run(tree, "fix", ".")
    finally:
        zone.parent.chmod(0o755)
    assert done.returncode in (0, 1), done.stderr
    assert b"10.51.10.67" in zone.read_bytes() and "vrp_" not in (tree / WEB).read_text(encoding="utf-8")
    assert zone.stat().st_uid == writer.uid


def test_fix_with_an_output_it_cannot_write_writes_no_fix(tree, writer, tmp_path):
    writer.give(tree)
    report = tree / "report.txt"
    report.write_text("an older report\n")
    writer.forbid(report)
    before = snapshot(tree)
    done = writer.run(tree, "fix", ".", "--output", "report.txt")
    assert_one_line(done, "report.txt")
    assert snapshot(tree) == before


def test_check_output_to_a_read_only_file_is_refused_and_left_as_it_was(tree, writer):
    writer.give(tree)
    report = tree / "report.txt"
    report.write_text("an older report\n")
    writer.forbid(report)
    owner = report.stat().st_uid
    done = writer.run(tree, "check", ".", "--output", "report.txt")
    assert_one_line(done, "report.txt")
    assert report.read_text() == "an older report\n" and report.stat().st_uid == owner
    no_temporary_files(tree)


def test_check_output_through_a_link_writes_its_target(tree, tmp_path):
    target = tmp_path / "reports" / "halint.txt"
    target.parent.mkdir()
    target.write_text("old\n")
    os.symlink(target, tree / "report.txt")
    done = halint(tree, "check", ".", "--output", "report.txt")
    assert done.returncode == 1, done.stderr
    assert os.path.islink(tree / "report.txt") and "KA002" in target.read_text()


def test_compile_that_cannot_write_leaves_no_half_compiled_folder(tree, writer, tmp_path):
    """A read-only folder in the tree is copied read-only; the fixed file cannot then be written
    into the copy: one line, exit 2, and DIR is not left behind holding the unfixed copy."""
    writer.give(tree)
    writer.give(tmp_path)
    out = tmp_path / "compiled"
    (tree / WEB).parent.chmod(0o555)
    try:
        done = writer.run(tree, "compile", ".", "-o", out)
    finally:
        (tree / WEB).parent.chmod(0o755)
    assert_one_line(done, os.path.relpath(out / WEB, tree))
    assert not out.exists()
