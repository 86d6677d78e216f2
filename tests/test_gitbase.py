"""The git base version of files (what ZN004 compares with): which commit, what it holds, and a
sentence instead of a comparison when there is no git, no commit or no such file."""
from __future__ import annotations

import shutil
import subprocess

import pytest
from conftest import write

from halint.project.gitbase import BaseError, BaseSourceCache, GitBase, open_base
from halint.core.source import Source, SourceError

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


def git(cwd, *args):
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True,
                   env={"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org", "GIT_COMMITTER_NAME": "t",
                        "GIT_COMMITTER_EMAIL": "t@example.org", "HOME": str(cwd), "PATH": "/usr/bin:/bin"})


@pytest.fixture
def repo(tmp_path):
    git(tmp_path, "init", "-q", "-b", "main")
    write(tmp_path, "zones/db.example.com", "old\n")
    git(tmp_path, "add", ".")
    git(tmp_path, "commit", "-q", "-m", "one")
    write(tmp_path, "zones/db.example.com", "new\n")
    return tmp_path


def test_no_git_work_tree_is_a_sentence_not_an_error(tmp_path):
    outcome = open_base(tmp_path, None)
    assert isinstance(outcome, str) and "not inside a git work tree" in outcome


def test_a_repository_without_commits_is_a_sentence(tmp_path):
    git(tmp_path, "init", "-q")
    outcome = open_base(tmp_path, None)
    assert isinstance(outcome, str) and "no commit yet" in outcome


def test_an_explicit_base_that_does_not_exist_is_a_usage_error(repo):
    with pytest.raises(BaseError, match="no-such-branch"):
        open_base(repo, "no-such-branch")


def test_head_holds_the_committed_version_and_new_files_are_absent(repo):
    base = open_base(repo / "zones", None)
    assert isinstance(base, GitBase) and base.label == "HEAD"
    cache = BaseSourceCache(base)
    old = cache.get(repo / "zones" / "db.example.com")
    assert isinstance(old, Source) and old.text == "old\n"
    write(repo, "zones/db.new", "x\n")
    missing = cache.get(repo / "zones" / "db.new")
    assert isinstance(missing, SourceError) and "not in HEAD" in str(missing)


def test_a_named_base_is_used(repo):
    git(repo, "commit", "-q", "-am", "two")
    write(repo, "zones/db.example.com", "third\n")
    head = BaseSourceCache(open_base(repo, None)).get(repo / "zones" / "db.example.com")
    first = BaseSourceCache(open_base(repo, "HEAD~1")).get(repo / "zones" / "db.example.com")
    assert (head.text, first.text) == ("new\n", "old\n")


def test_inside_pre_commit_the_label_says_staged_against_head(repo, monkeypatch):
    monkeypatch.setenv("PRE_COMMIT", "1")
    assert "staged" in open_base(repo, None).label


def test_hook_environment_variables_do_not_mislead_git(repo, monkeypatch):
    # git exports GIT_DIR / GIT_INDEX_FILE to hooks, relative to the hook's directory
    monkeypatch.setenv("GIT_DIR", ".git")
    monkeypatch.setenv("GIT_INDEX_FILE", ".git/index")
    base = open_base(repo / "zones", None)
    assert isinstance(base, GitBase)
