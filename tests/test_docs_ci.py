"""docs/ci.md: every ```yaml block parses, and the workflows have the steps that make them work
(checkout with the whole history, setup-python, installing halint, `halint check --base ...
--format sarif --output`, the SARIF upload with `if: always()`, the GitLab artifact); and the
documented commands, run as the CI would run them on a real clone with a branch, fail a change
that forgets a zone's serial bump."""
from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys

import pytest
import yaml
from conftest import ROOT

from halint.cli import build_parser

DOC = ROOT / "docs" / "ci.md"
BLOCK = re.compile(r"^```yaml\n(.*?)^```$", re.S | re.M)


def _blocks() -> list[dict]:
    text = DOC.read_text(encoding="utf-8")
    blocks = BLOCK.findall(text)
    assert blocks, "docs/ci.md has no ```yaml block"
    assert text.count("```yaml") == len(blocks), "an unterminated ```yaml block"
    return [yaml.safe_load(b) for b in blocks]


def _workflows() -> list[dict]:
    return [b for b in _blocks() if "jobs" in b]


def _commands(steps_or_script) -> list[str]:
    out = []
    for step in steps_or_script:
        run = step.get("run", "") if isinstance(step, dict) else step
        out += [line for line in run.splitlines() if line.strip()]
    return out


def _halint_args(command: str) -> list[str] | None:
    words = shlex.split(command)
    return words[1:] if words and words[0] == "halint" else None


def test_every_block_is_yaml_mapping():
    assert all(isinstance(b, dict) and b for b in _blocks())


def test_github_code_scanning_workflow():
    flows = [w for w in _workflows()
             if any(s.get("uses", "").startswith("github/codeql-action/upload-sarif") for j in w["jobs"].values() for s in j["steps"])]
    assert len(flows) == 1
    flow = flows[0]
    assert flow.get("on", flow.get(True))  # YAML 1.1 reads a bare `on` key as True
    assert flow["permissions"]["security-events"] == "write"
    (job,) = flow["jobs"].values()
    steps = job["steps"]
    uses = [s.get("uses", "") for s in steps]
    assert uses[0].startswith("actions/checkout@") and any(u.startswith("actions/setup-python@") for u in uses)
    commands = _commands(steps)
    assert any("pip install" in c and "git+https://" in c for c in commands)
    checks = [_halint_args(c) for c in commands if _halint_args(c)]
    assert len(checks) == 1
    args = build_parser().parse_args(checks[0])  # the options exist
    assert (args.command, args.format, str(args.output)) == ("check", "sarif", "halint.sarif")
    upload = next(s for s in steps if s.get("uses", "").startswith("github/codeql-action/upload-sarif@"))
    assert upload["if"] == "always()"
    assert upload["with"]["sarif_file"] == "halint.sarif"
    assert steps.index(upload) > next(i for i, s in enumerate(steps) if "halint check" in s.get("run", ""))


def test_github_annotations_workflow():
    flows = [w for w in _workflows() if "--format github" in str(w)]
    assert len(flows) == 1
    (job,) = flows[0]["jobs"].values()
    args = build_parser().parse_args(_halint_args(_commands(job["steps"])[-1]))
    assert (args.command, args.format) == ("check", "github")


def _gitlab_jobs() -> list[dict]:
    return [b for b in _blocks() if "jobs" not in b and "repos" not in b]


def test_gitlab_job_keeps_the_sarif_artifact():
    jobs = _gitlab_jobs()
    assert len(jobs) == 1
    (job,) = jobs[0].values()
    assert job["image"].startswith("python:")
    commands = _commands(job.get("before_script", []) + job["script"])
    assert any("pip install" in c and "git+https://" in c for c in commands)
    (check,) = [_halint_args(c) for c in job["script"] if _halint_args(c)]
    args = build_parser().parse_args(check)
    assert (args.command, args.format, str(args.output)) == ("check", "sarif", "halint.sarif")
    assert job["artifacts"]["when"] == "always"
    assert "halint.sarif" in job["artifacts"]["paths"]
    for extra in job.get("after_script", []):
        build_parser().parse_args(_halint_args(extra))


def _pre_commit_blocks() -> list[dict]:
    return [b for b in _blocks() if "repos" in b]


def test_every_job_fetches_the_whole_history():
    for flow in _workflows():
        for job in flow["jobs"].values():
            checkout = next(s for s in job["steps"] if s.get("uses", "").startswith("actions/checkout@"))
            assert checkout["with"]["fetch-depth"] == 0
    for job in _gitlab_jobs():
        (body,) = job.values()
        assert body["variables"]["GIT_DEPTH"] == "0"


def test_the_documented_pre_commit_hooks_exist():
    hooks = {h["id"] for h in yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))}
    for block in _pre_commit_blocks():
        for repo in block["repos"]:
            assert {h["id"] for h in repo["hooks"]} <= hooks


# The documented commands, run for real ----------------------------------------------------------

CLEAN = ROOT / "tests" / "scenarios" / "leidoscope-corrected" / "good"
ZONES = ["hosts/web/etc/bind/zones/db.leidoscope.com", "hosts/web2/etc/bind/zones/db.leidoscope.com"]


def _env(home, **extra) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GITHUB_", "GITLAB_", "CI_", "PRE_COMMIT", "GIT_"))}
    env.update(HALINT_NO_CACHE="1", HOME=str(home), GIT_CONFIG_NOSYSTEM="1", GIT_CONFIG_GLOBAL=os.devnull,
               GIT_AUTHOR_NAME="t", GIT_AUTHOR_EMAIL="t@example.invalid", GIT_COMMITTER_NAME="t",
               GIT_COMMITTER_EMAIL="t@example.invalid",
               PATH=os.pathsep.join([os.path.dirname(sys.executable), os.environ.get("PATH", "/usr/bin:/bin")]))
    env.update(extra)
    return env


def _git(cwd, *args) -> str:
    done = subprocess.run(["git", *args], cwd=cwd, env=_env(cwd), capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


@pytest.fixture
def project(tmp_path):
    """A config repository on a "server": main holds a clean tree; branch `feature` adds a DNS
    record to the zone on both peers and forgets the serial (ZN004)."""
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    if shutil.which("bash") is None:
        pytest.skip("bash is not installed")
    origin = tmp_path / "origin"
    shutil.copytree(CLEAN, origin)
    _git(origin, "init", "-q", "-b", "main")
    _git(origin, "add", "-A")
    _git(origin, "commit", "-q", "-m", "clean")
    main = _git(origin, "rev-parse", "HEAD")
    _git(origin, "checkout", "-q", "-b", "feature")
    for zone in ZONES:
        path = origin / zone
        path.write_text(path.read_text(encoding="utf-8") + "ftp IN A 10.51.10.67\n", encoding="utf-8")
    _git(origin, "commit", "-q", "-am", "ftp record, serial forgotten")
    _git(origin, "checkout", "-q", "main")
    return origin, main


def _github_script(fmt: str) -> tuple[str, dict]:
    """The run script of the documented workflow's halint step, and its `env:`."""
    (flow,) = [w for w in _workflows() if f"--format {fmt}" in str(w)]
    (job,) = flow["jobs"].values()
    (step,) = [s for s in job["steps"] if "halint check" in s.get("run", "")]
    return step["run"], step.get("env", {})


def _run_github(script: str, env_spec: dict, cwd, **env) -> subprocess.CompletedProcess:
    """As GitHub runs a `run:` step: `bash -e` on the script; `${{ github.event.before }}` in the
    step's env is what the test passes as BEFORE."""
    assert env_spec == {"BEFORE": "${{ github.event.before }}"}
    return subprocess.run(["bash", "-e", "-c", script], cwd=cwd, env=_env(cwd, **env), capture_output=True, text=True,
                          timeout=300)


def _sarif_codes(path) -> list[tuple[str, str]]:
    doc = json.loads(path.read_text(encoding="utf-8"))
    return sorted((r["ruleId"], r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]) for r in doc["runs"][0]["results"])


def test_the_github_code_scanning_job_fails_a_pull_request_that_forgets_the_serial(project, tmp_path):
    origin, _ = project
    work = tmp_path / "checkout"
    _git(tmp_path, "clone", "-q", str(origin), str(work))  # fetch-depth: 0
    _git(work, "checkout", "-q", "--detach", "origin/main")  # a pull_request job checks out the merge
    _git(work, "merge", "-q", "--no-ff", "-m", "Merge feature", "origin/feature")
    script, env_spec = _github_script("sarif")
    proc = _run_github(script, env_spec, work, GITHUB_BASE_REF="main", GITHUB_EVENT_NAME="pull_request", BEFORE="")
    assert proc.returncode == 1, proc.stderr
    assert [c for c in _sarif_codes(work / "halint.sarif") if c[0] == "ZN004"] == [("ZN004", z) for z in ZONES]


def test_the_github_code_scanning_job_fails_a_push_that_forgets_the_serial(project, tmp_path):
    origin, main = project
    work = tmp_path / "checkout"
    _git(origin, "merge", "-q", "--ff-only", "feature")  # pushed to main
    _git(tmp_path, "clone", "-q", str(origin), str(work))
    script, env_spec = _github_script("sarif")
    proc = _run_github(script, env_spec, work, GITHUB_EVENT_NAME="push", BEFORE=main)
    assert proc.returncode == 1, proc.stderr
    assert [c for c in _sarif_codes(work / "halint.sarif") if c[0] == "ZN004"] == [("ZN004", z) for z in ZONES]


def test_the_github_annotations_job_fails_a_pull_request_that_forgets_the_serial(project, tmp_path):
    origin, _ = project
    work = tmp_path / "checkout"
    _git(tmp_path, "clone", "-q", str(origin), str(work))
    _git(work, "checkout", "-q", "--detach", "origin/main")
    _git(work, "merge", "-q", "--no-ff", "-m", "Merge feature", "origin/feature")
    script, env_spec = _github_script("github")
    proc = _run_github(script, env_spec, work, GITHUB_BASE_REF="main", GITHUB_EVENT_NAME="pull_request", BEFORE="")
    assert proc.returncode == 1, proc.stderr
    annotations = [line for line in proc.stdout.splitlines() if line.startswith("::error") and "ZN004" in line]
    assert len(annotations) == 2, proc.stdout


def test_the_github_job_fails_loudly_without_history(project, tmp_path):
    """The documented step on a checkout without fetch-depth 0: no origin/main, the merge-base
    fails, and so does the job (never a pass that compared nothing)."""
    origin, _ = project
    work = tmp_path / "checkout"
    _git(tmp_path, "clone", "-q", "--depth", "1", "-b", "feature", origin.as_uri(), str(work))
    script, env_spec = _github_script("sarif")
    proc = _run_github(script, env_spec, work, GITHUB_BASE_REF="main", GITHUB_EVENT_NAME="pull_request", BEFORE="")
    assert proc.returncode != 0


def _gitlab_script() -> list[str]:
    (job,) = _gitlab_jobs()
    (body,) = job.values()
    return body["script"]


@pytest.mark.parametrize("event", ["merge_request", "push"])
def test_the_gitlab_job_fails_a_change_that_forgets_the_serial(project, tmp_path, event):
    origin, main = project
    work = tmp_path / "checkout"
    if event == "merge_request":  # GitLab checks out the merge request's head; GIT_DEPTH 0: all history
        _git(tmp_path, "clone", "-q", "-b", "feature", str(origin), str(work))
        env = {"CI_PIPELINE_SOURCE": "merge_request_event", "CI_MERGE_REQUEST_DIFF_BASE_SHA": main,
               "CI_COMMIT_BEFORE_SHA": "0" * 40}
    else:
        _git(origin, "merge", "-q", "--ff-only", "feature")
        _git(tmp_path, "clone", "-q", str(origin), str(work))
        env = {"CI_PIPELINE_SOURCE": "push", "CI_COMMIT_BEFORE_SHA": main}
    codes = []
    for line in _gitlab_script():  # GitLab runs each line in one shell, stopping at the first failure
        proc = subprocess.run(["sh", "-c", line], cwd=work, env=_env(work, **env), capture_output=True, text=True,
                              timeout=300)
        codes.append(proc.returncode)
        if proc.returncode:
            break
    assert codes[-1] == 1, proc.stderr
    assert [c for c in _sarif_codes(work / "halint.sarif") if c[0] == "ZN004"] == [("ZN004", z) for z in ZONES]
