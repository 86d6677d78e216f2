"""Shared helpers. tests/ is deliberately not a package (ciscoconfparse2 installs a top-level
package named `tests` into site-packages)."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from halint.engine import Options, run

#: the result cache is tested on its own (test_resultcache.py); everywhere else a test must see
#: what the code computes now, and must not write into the user's ~/.cache
os.environ["HALINT_NO_CACHE"] = "1"

ROOT = Path(__file__).resolve().parent.parent
#: the read-only inputs beside the project (spec, corpus, schemas); HALINT_SHARED overrides
SHARED = Path(os.environ.get("HALINT_SHARED", ROOT.parent / "shared"))


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


__all__ = ["check", "write", "where", "ROOT", "SHARED", "corpus_dir", "corpus_files", "os"]
