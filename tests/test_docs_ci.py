"""docs/ci.md: every ```yaml block parses, and the workflows have the steps that make them work
(checkout, setup-python, installing halint, `halint check --format sarif --output`, the SARIF
upload with `if: always()`, the GitLab artifact)."""
from __future__ import annotations

import re
import shlex

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


def test_gitlab_job_keeps_the_sarif_artifact():
    jobs = [b for b in _blocks() if "jobs" not in b]
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
