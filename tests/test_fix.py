"""`halint fix` and `halint compile`: edits on the original bytes, the fix loop (rounds,
overlaps, rollback, no convergence), atomic writes, --diff, and the compiled tree."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import ROOT, corpus_dir, write
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from halint.cli import main
from halint.core.diagnostic import Diagnostic, Edit, Fix, Safety
from halint.engine.check import Options, run
from halint.fix.loop import NoConvergence, fix_tree
from halint.rules import REGISTRY
from halint.rules.base import RuleImpl
from halint.core.source import Span

LEIDOSCOPE = ROOT / "examples" / "leidoscope"
WEB = "hosts/web/etc/keepalived/keepalived.conf"

TYPO = "vrp_instance VI_1 {\r\n    state BACKUP\r\n    interface eth0\r\n    virtual_router_id 51\r\n    priority 100\r\n" \
       "    virtual_ipaddress {\r\n        10.0.0.10/24\r\n    }\r\n}\r\n"


@pytest.fixture
def tree(tmp_path):
    target = tmp_path / "leidoscope"
    shutil.copytree(LEIDOSCOPE, target)
    return target


def run_cli(capsys, *args):
    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


def snapshot(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_diff_prints_and_writes_nothing(tree, capsys, monkeypatch):
    before = snapshot(tree)
    monkeypatch.chdir(tree)
    code, out, _ = run_cli(capsys, "fix", ".", "--diff")
    assert code == 1
    assert f"--- a/{WEB}\n+++ b/{WEB}\n" in out and "-vrp_instance VI_1 {\n+vrrp_instance VI_1 {\n" in out
    assert snapshot(tree) == before


def test_fix_in_place_then_nothing_left_to_fix(tree, capsys, monkeypatch):
    monkeypatch.chdir(tree)
    code, out, _ = run_cli(capsys, "fix", ".")
    assert "fixed: hosts/web/etc/keepalived/keepalived.conf:19: KA002 replace `vrp_instance` by `vrrp_instance`" in out
    assert "not fixed: routers/Rnet92i.changes.ios:3: HA013" in out and "--unsafe-fixes" in out
    text = (tree / WEB).read_text(encoding="utf-8")
    assert "vrp_" not in text
    after = snapshot(tree)
    code, out, _ = run_cli(capsys, "fix", ".")
    assert "fixed:" not in out.replace("not fixed:", "")  # fixing twice = fixing once
    assert snapshot(tree) == after


def test_bytes_outside_the_edits_stay_as_they_were(tmp_path, capsys):
    path = tmp_path / "hosts" / "a" / "etc" / "keepalived" / "keepalived.conf"
    path.parent.mkdir(parents=True)
    data = ("# héllo\t comment\r\n" + TYPO).encode("latin-1")
    path.write_bytes(data)
    path.chmod(0o640)
    run_cli(capsys, "fix", str(tmp_path))
    assert path.read_bytes() == data.replace(b"vrp_instance", b"vrrp_instance")
    assert path.stat().st_mode & 0o777 == 0o640


def test_a_byte_order_mark_is_removed_and_the_rest_stays_byte_for_byte(tmp_path, capsys):
    # KA008's safe fix removes the mark (three bytes) in a Latin-1 file; KA002's fix of the
    # typo behind it is applied too, once the mark no longer hides that keyword
    path = tmp_path / "hosts" / "a" / "etc" / "keepalived" / "keepalived.conf"
    path.parent.mkdir(parents=True)
    data = ("# h\u00e9llo\r\n" + TYPO).encode("latin-1")
    path.write_bytes(b"\xef\xbb\xbf" + data)
    code, out, _ = run_cli(capsys, "fix", str(tmp_path))
    assert "KA008 remove the byte-order mark" in out and "KA002 replace `vrp_instance` by `vrrp_instance`" in out
    assert path.read_bytes() == data.replace(b"vrp_instance", b"vrrp_instance")


def test_a_file_with_a_syntax_error_is_never_fixed(tmp_path, capsys):
    path = write(tmp_path, "keepalived.conf", TYPO.replace("}\r\n}", "}\r\n").replace("BACKUP", "Backup"))
    before = path.read_bytes()
    code, out, _ = run_cli(capsys, "fix", str(tmp_path))
    assert path.read_bytes() == before
    assert "syntax error" in out


def _fake(code: str, monkeypatch, make_edit):
    """Replace rule ``code`` by one whose fix is ``make_edit(source)``."""
    original = REGISTRY[code]

    def check(unit, ctx):
        yield from original.check(unit, ctx)
        source = unit.effective.root
        edit = make_edit(source)
        if edit is not None:
            yield Diagnostic(code, "test finding", Span(source, 0, 0), fix=Fix((edit,), Safety.SAFE, "test fix"))

    monkeypatch.setitem(REGISTRY, code, RuleImpl(code, original.scope, check))


GOOD = TYPO.replace("vrp_instance", "vrrp_instance").replace("\r\n", "\n")


def test_a_fix_that_breaks_the_file_is_rolled_back(tmp_path, monkeypatch):
    path = write(tmp_path, "keepalived.conf", GOOD)
    _fake("KA010", monkeypatch, lambda source: Edit(Span(source, 0, 0), "{\n") if not source.text.startswith("{") else None)
    result = fix_tree(Options(paths=[tmp_path]))
    assert result.applied == [] and result.changed() == {}
    [skipped] = [s for s in result.skipped if s.code == "KA010"]
    assert "rolled back" in skipped.reason and "KA001" in skipped.reason
    assert path.read_text(encoding="utf-8") == GOOD


def test_a_fix_that_never_settles_is_an_error(tmp_path, monkeypatch, capsys):
    write(tmp_path, "keepalived.conf", GOOD)
    _fake("KA010", monkeypatch, lambda source: Edit(Span(source, 0, 0), "#\n"))
    with pytest.raises(NoConvergence, match="KA010"):
        fix_tree(Options(paths=[tmp_path]))
    code, _, err = run_cli(capsys, "fix", str(tmp_path))
    assert code == 2 and "KA010" in err and "Traceback" not in err


def test_fix_file_edits_only_that_file(tree, capsys, monkeypatch):
    (tree / "halint.toml").write_text("")  # the tree root, so that the peers are read for context
    monkeypatch.chdir(tree)
    before = snapshot(tree)
    run_cli(capsys, "fix", "hosts/web2/etc/bind/zones/db.leidoscope.com")
    after = snapshot(tree)
    assert {k for k in after if after[k] != before[k]} == {"hosts/web2/etc/bind/zones/db.leidoscope.com"}


def test_compile_writes_the_corrected_tree_and_never_touches_the_input(tree, tmp_path, capsys):
    before = snapshot(tree)
    out = tmp_path / "out"
    code, text, _ = run_cli(capsys, "compile", tree, "-o", out)
    assert snapshot(tree) == before
    compiled = snapshot(out)
    assert set(compiled) == set(before)
    changed = {k for k in compiled if compiled[k] != before[k]}
    assert changed == {WEB, "hosts/web2/etc/bind/zones/db.leidoscope.com"}
    assert b"vrp_" not in compiled[WEB]
    # the compiled tree: no KA002, and so no KA011 either
    code, text, _ = run_cli(capsys, "check", out, "--format", "json")
    assert '"KA002"' not in text and '"KA011"' not in text


def test_compile_refuses_bad_output_folders(tree, tmp_path, capsys):
    assert run_cli(capsys, "compile", tree, "-o", tree / "out")[0] == 2
    busy = tmp_path / "busy"
    busy.mkdir()
    (busy / "x").write_text("x")
    code, _, err = run_cli(capsys, "compile", tree, "-o", busy)
    assert code == 2 and "--force" in err
    assert run_cli(capsys, "compile", tree, "-o", busy, "--force")[0] in (0, 1)


def _corpus_tree(tmp_path_factory, original: Path) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("fix")
    path = root / "hosts" / "h" / "etc" / "keepalived" / "keepalived.conf"
    path.parent.mkdir(parents=True)
    path.write_bytes(original.read_bytes())
    return root, path


def _errors(outcome) -> set[tuple[str, str]]:
    return {(r.code, r.diagnostic.message) for r in outcome.reported if r.severity.label == "error"}


@settings(max_examples=25, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(index=st.integers(0, 10**6))
def test_corpus_fixes_settle_and_add_no_error(index, tmp_path_factory):
    """On real configs: fixing twice equals fixing once; after fixing, no error appears that was
    not there before (by code), each applied fix's own finding is gone, and a file with nothing
    to fix is byte-identical."""
    files = sorted(p for p in corpus_dir("keepalived").iterdir() if p.is_file())  # skips when absent
    original = files[index % len(files)]
    root, path = _corpus_tree(tmp_path_factory, original)
    once = fix_tree(Options(paths=[root]), unsafe=True)
    before = run(Options(paths=[root]))
    if not once.changed():
        assert path.read_bytes() == original.read_bytes()
        return
    for p, (_, fixed) in once.changed().items():
        p.write_bytes(fixed.encode(fixed.text))
    twice = fix_tree(Options(paths=[root]), unsafe=True)
    assert twice.applied == [] and twice.changed() == {}
    new_codes = {c for c, _ in _errors(once.final)} - {c for c, _ in _errors(before)}
    assert not new_codes, new_codes
    left = {(r.code, r.diagnostic.span.line, r.diagnostic.fix.description) for r in once.final.reported if r.diagnostic.fix}
    for applied in once.applied:
        assert (applied.code, applied.line, applied.description) not in left


@settings(max_examples=200, deadline=None, derandomize=True)
@given(text=st.text(max_size=200), cuts=st.lists(st.tuples(st.integers(0, 200), st.integers(0, 5), st.text(max_size=5)), max_size=6))
def test_apply_edits_touches_nothing_outside_its_spans(text, cuts):
    """Every byte outside the edited spans is kept, in order."""
    from halint.core.edits import apply_edits
    from halint.core.source import Source

    source = Source(Path("/x"), text)
    edits, last = [], 0
    for start, length, new in sorted(cuts):
        start = max(start % (len(text) + 1), last)
        end = min(start + length, len(text))
        if start < last or (edits and start == last):
            continue
        edits.append(Edit(Span(source, start, end), new))
        last = end
    result = apply_edits(text, edits)
    pos, out = 0, 0
    for edit in edits:
        kept = text[pos:edit.span.start]
        assert result[out:out + len(kept)] == kept
        out += len(kept) + len(edit.new_text)
        pos = edit.span.end
    assert result[out:] == text[pos:]


def test_fix_refuses_a_file_that_changed_since_it_was_read(tmp_path):
    from halint.fix.loop import ChangedOnDisk, write_in_place

    path = write(tmp_path, "keepalived.conf", TYPO)
    result = fix_tree(Options(paths=[tmp_path]))
    path.write_text(TYPO + "# saved by an editor meanwhile\n", encoding="utf-8")
    with pytest.raises(ChangedOnDisk, match="changed since halint read it"):
        write_in_place(result.changed())
    assert path.read_text(encoding="utf-8").endswith("meanwhile\n")
