"""Shared helpers. tests/ is deliberately not a package (ciscoconfparse2 installs a top-level
package named `tests` into site-packages)."""
from __future__ import annotations

import importlib.util
import os
from pathlib import Path

import pytest

from halint.engine.check import Options, run

#: the result cache is tested on its own (test_resultcache.py); everywhere else a test must see
#: what the code computes now, and must not write into the user's ~/.cache
os.environ["HALINT_NO_CACHE"] = "1"

ROOT = Path(__file__).resolve().parent.parent
#: the read-only inputs beside the project (spec, corpus, schemas); HALINT_SHARED overrides
SHARED = Path(os.environ.get("HALINT_SHARED", ROOT.parent / "shared"))


#: the tests marked ios_oracle compare with ciscoconfparse2, which pins dnspython==2.8.0 and
#: hypothesis: they run in an environment of their own (pip install -e '.[ios-oracle]', the second
#: venv of .ci/run) and skip elsewhere, saying why; HALINT_REQUIRE_IOS_ORACLE=1 (.ci/run sets it
#: there) turns any skip of theirs into a failure
IOS_ORACLE_ABSENT = (
    "ciscoconfparse2 is not installed: the IOS oracle tests run in an environment of their own "
    "(pip install -e '.[ios-oracle]' in another venv, as .ci/run does)"
)
IOS_ORACLE_REQUIRED = os.environ.get("HALINT_REQUIRE_IOS_ORACLE") == "1"


def pytest_report_header(config):
    import dns.version

    oracle = importlib.util.find_spec("ciscoconfparse2") is not None
    return f"dnspython {dns.version.version}; ciscoconfparse2 {'installed' if oracle else 'not installed'}"




@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if IOS_ORACLE_REQUIRED and report.skipped and item.get_closest_marker("ios_oracle"):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        report.outcome = "failed"
        report.longrepr = f"HALINT_REQUIRE_IOS_ORACLE=1, and this IOS oracle test skipped: {reason}"


def pytest_addoption(parser):
    parser.addoption("--all", action="store_true",
                     help="also the slow and live tests (.ci/run and the README's test command run them)")


def pytest_collection_modifyitems(config, items):
    """The ios_oracle tests skip, saying why, where ciscoconfparse2 is not installed. A plain
    `python -m pytest` leaves out the tests marked slow (wheels, pre-commit, fuzzing, external
    tools) and live (halint simulate), so that it is quick to run often; `--all` (the README's
    command, .ci/run) or an explicit `-m` runs them."""
    if importlib.util.find_spec("ciscoconfparse2") is None:
        for item in items:
            if item.get_closest_marker("ios_oracle"):
                item.add_marker(pytest.mark.skip(reason=IOS_ORACLE_ABSENT))
    if config.getoption("--all") or config.option.markexpr:
        return
    kept, left = [], []
    for item in items:
        (left if item.get_closest_marker("slow") or item.get_closest_marker("live") else kept).append(item)
    if left:
        config.hook.pytest_deselected(items=left)
        items[:] = kept


def check(*paths, select=None, verbose=False):
    """Run the engine; returns the sorted reported diagnostics."""
    outcome = run(Options(paths=[Path(p) for p in paths], select=select, verbose=verbose))
    return outcome.reported


def write(tmp_path: Path, rel: str, text: str | bytes) -> Path:
    path = tmp_path / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def said(item) -> str:
    """What a finding says: its message and its note (a test looking for a value or a phrase
    finds it in either: issue 16 moved the effect and the caveats into the note)."""
    d = getattr(item, "diagnostic", item)
    return f"{d.message} {d.note}" if d.note else d.message


def where(item):
    d = item.diagnostic
    return d.code, *d.span.source.position(d.span.start)


@pytest.fixture
def chdir_tmp(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    return tmp_path


def corpus_dir(kind: str) -> Path:
    path = SHARED / "corpus" / kind
    if not path.is_dir():
        pytest.skip(f"{path} is absent: the shared corpus lives beside the project (../shared)")
    return path


def corpus_files(kind: str) -> list:
    """The files of a corpus folder, for ``@pytest.mark.parametrize``: one skipped parameter that
    says why when the shared corpus is absent (an empty list would skip without a reason)."""
    path = SHARED / "corpus" / kind
    if not path.is_dir():
        reason = f"{path} is absent: the shared corpus lives beside the project (../shared)"
        return [pytest.param(None, marks=pytest.mark.skip(reason=reason), id="corpus-absent")]
    return sorted(p for p in path.iterdir() if p.is_file())


__all__ = ["check", "write", "said", "where", "ROOT", "SHARED", "corpus_dir", "corpus_files", "os"]
