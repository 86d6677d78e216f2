"""The command line: exit codes, text and JSON output as INTERFACE.md shows them, selection,
errors as one line on stderr (never a traceback)."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from conftest import ROOT, write

from halint import __version__
from halint.cli import main

GOOD = """vrrp_instance VI_1 {
    state BACKUP
    interface eth0
    virtual_router_id 51
    priority 90
    advert_int 1
    virtual_ipaddress {
        10.0.0.10
    }
}
"""
TYPO = GOOD.replace("vrrp_instance", "vrp_instance")


def run(capsys, *args):
    code = main(list(map(str, args)))
    out, err = capsys.readouterr()
    return code, out, err


def test_clean_tree_exits_0_with_a_summary(tmp_path, capsys, monkeypatch):
    write(tmp_path, "keepalived.conf", GOOD)
    monkeypatch.chdir(tmp_path)
    code, out, err = run(capsys, "check", ".")
    assert code == 0
    assert out == "0 errors, 0 warnings, 0 infos in 1 file\n"
    # outside git, the comparisons with a previous version cannot run: said, never silent
    assert err == "halint: HA013 and ZN004 skipped the comparison with the git base: . is not inside a git work tree\n"
    assert run(capsys, "check", ".", "--select", "KA")[2] == ""  # nothing compares: nothing to say
    assert run(capsys, "check", ".", "--quiet")[2] == ""


def test_findings_exit_1_ruff_style(tmp_path, capsys, monkeypatch):
    write(tmp_path, "keepalived.conf", TYPO)
    monkeypatch.chdir(tmp_path)
    code, out, _ = run(capsys, "check")
    assert code == 1
    lines = [line for line in out.splitlines() if not line.startswith("    note: ")]  # each finding's note: its own test
    assert lines[0].startswith("keepalived.conf:1:1: KA011 [error] ")
    assert lines[2].startswith("keepalived.conf:1:1: KA002 [error] `vrp_instance` is not a keepalived keyword")
    assert "    keepalived.conf:1:1: `vrp_instance` is not `vrrp_instance`" in lines[1]
    assert "    fix (safe): replace `vrp_instance` by `vrrp_instance`" in lines
    assert lines[-1] == "2 errors, 0 warnings, 0 infos in 1 file (1 fixable with halint fix)"


def test_output_is_sorted_by_path_then_position(tmp_path, capsys, monkeypatch):
    write(tmp_path, "b/keepalived.conf", TYPO)
    write(tmp_path, "a/keepalived.conf", TYPO.replace("priority 90", "priority 900"))
    monkeypatch.chdir(tmp_path)
    _, out, _ = run(capsys, "check", ".")
    places = [line.split(": ")[0] for line in out.splitlines() if not line.startswith(" ") and ":" in line.split(" ")[0]]
    assert places == sorted(places, key=lambda p: (p.split(":")[0], int(p.split(":")[1]), int(p.split(":")[2])))
    assert places[0].startswith("a/keepalived.conf")


def test_json_matches_the_interface(tmp_path, capsys, monkeypatch):
    write(tmp_path, "keepalived.conf", TYPO)
    monkeypatch.chdir(tmp_path)
    code, out, _ = run(capsys, "check", "--format", "json")
    assert code == 1
    doc = json.loads(out)
    assert set(doc) == {"tool", "version", "diagnostics", "summary"}
    assert doc["tool"] == "halint" and doc["version"] == __version__
    assert doc["summary"] == {"errors": 2, "warnings": 0, "infos": 0, "files": 1}
    # INTERFACE.md's keys, and the note (issue 16: JSON carries the message and its note)
    keys = {"code", "slug", "severity", "message", "note", "path", "line", "column", "end_line", "end_column", "related", "fix"}
    for d in doc["diagnostics"]:
        assert set(d) == keys
        for rel in d["related"]:
            assert set(rel) == {"path", "line", "column", "message"}
    ka002 = next(d for d in doc["diagnostics"] if d["code"] == "KA002")
    assert ka002["slug"] == "unknown-keyword" and ka002["severity"] == "error"
    assert (ka002["path"], ka002["line"], ka002["column"], ka002["end_line"], ka002["end_column"]) == (
        "keepalived.conf", 1, 1, 1, 13)
    assert ka002["fix"] == {"safety": "safe", "edits": [{
        "path": "keepalived.conf", "line": 1, "column": 1, "end_line": 1, "end_column": 13,
        "new_text": "vrrp_instance"}]}
    ka011 = next(d for d in doc["diagnostics"] if d["code"] == "KA011")
    assert ka011["fix"] is None and ka011["related"][0]["line"] == 1


def test_columns_count_code_points(tmp_path, capsys, monkeypatch):
    write(tmp_path, "keepalived.conf", "# réseau éè\nglobal_defs { router_id é }\n" + GOOD.replace("state BACKUP", "state Bäckup"))
    monkeypatch.chdir(tmp_path)
    _, out, _ = run(capsys, "check", "--format", "json", "--select", "KA003")
    d = json.loads(out)["diagnostics"][0]
    assert (d["line"], d["column"], d["end_column"]) == (4, 11, 17)


@pytest.mark.parametrize("args, words", [
    (["check", "--select", "KA999"], "unknown rule code"),
    (["check", "does/not/exist"], "no such file or directory"),
    (["explain", "KA999"], "no rule"),
    (["check", "--format", "xml"], "invalid choice"),
])
def test_usage_errors_exit_2_with_one_line(tmp_path, capsys, monkeypatch, args, words):
    monkeypatch.chdir(tmp_path)
    code, out, err = run(capsys, *args)
    assert code == 2
    assert out == ""
    assert len(err.strip().splitlines()) == 1 and words in err and "Traceback" not in err


def test_select_and_ignore(tmp_path, capsys, monkeypatch):
    write(tmp_path, "keepalived.conf", TYPO)
    monkeypatch.chdir(tmp_path)
    _, out, _ = run(capsys, "check", "--format", "json", "--select", "KA")
    assert {d["code"] for d in json.loads(out)["diagnostics"]} == {"KA002", "KA011"}
    _, out, _ = run(capsys, "check", "--format", "json", "--select", "KA", "--ignore", "no-vrrp-instance")
    assert {d["code"] for d in json.loads(out)["diagnostics"]} == {"KA002"}
    code, out, _ = run(capsys, "check", "--select", "KA006")
    assert code == 0


def test_severity_threshold_sets_the_exit_code(tmp_path, capsys, monkeypatch):
    conf = GOOD.replace("    advert_int 1\n", "    advert_int 1\n    authentication {\n        auth_type PASS\n        auth_pass 1234\n    }\n")
    write(tmp_path, "keepalived.conf", conf)
    monkeypatch.chdir(tmp_path)
    assert run(capsys, "check")[0] == 1  # a warning fails at the default threshold (info)
    assert run(capsys, "check", "--severity-threshold", "error")[0] == 0


def test_output_file_and_quiet(tmp_path, capsys, monkeypatch):
    write(tmp_path, "keepalived.conf", TYPO)
    monkeypatch.chdir(tmp_path)
    code, out, _ = run(capsys, "check", "--output", "report.txt")
    assert code == 1 and out == ""
    assert "KA002" in (tmp_path / "report.txt").read_text()
    code, out, _ = run(capsys, "check", "--quiet")
    assert out == "2 errors, 0 warnings, 0 infos in 1 file (1 fixable with halint fix)\n"


def test_binary_file_is_hl001_not_a_crash(tmp_path, capsys, monkeypatch):
    write(tmp_path, "keepalived.conf", b"vrrp_instance X {\x00\x01\x02}\n")
    monkeypatch.chdir(tmp_path)
    code, out, err = run(capsys, "check", "--select", "HL,KA")
    assert code == 1 and err == ""
    assert out.startswith("keepalived.conf:1:1: HL001 [error] cannot read this file: binary file (NUL byte at offset 17)")


def test_unclassified_files_only_with_verbose(tmp_path, capsys, monkeypatch):
    write(tmp_path, "keepalived.conf", GOOD)
    write(tmp_path, "notes.txt", "hello\n")
    monkeypatch.chdir(tmp_path)
    assert "HL004" not in run(capsys, "check")[1]
    code, out, _ = run(capsys, "check", "--verbose")
    # shown, but --verbose never changes the exit code (INTERFACE.md "Exit codes")
    assert "notes.txt:1:1: HL004 [info]" in out and code == 0


def test_a_file_checks_its_tree_but_reports_only_that_file(tmp_path, capsys, monkeypatch):
    (tmp_path / "halint.toml").write_text("")
    # a is b's MASTER peer (a well-designed pair once a's typo is corrected): a's KA002/KA011
    # are not b's business
    peer = TYPO.replace("state BACKUP", "state MASTER").replace("priority 90", "priority 100")
    write(tmp_path, "hosts/a/etc/keepalived/keepalived.conf", peer)
    good = write(tmp_path, "hosts/b/etc/keepalived/keepalived.conf", GOOD)
    monkeypatch.chdir(tmp_path)
    code, out, _ = run(capsys, "check", good)
    assert code == 0 and out == "0 errors, 0 warnings, 0 infos in 1 file\n"


def test_rules_lists_every_rule(capsys):
    code, out, _ = run(capsys, "rules")
    assert code == 0
    lines = out.splitlines()
    assert any(line.startswith("KA002  unknown-keyword") for line in lines)
    assert not any("[not checked yet]" in line for line in lines)
    assert len(lines) == len(list((ROOT / "rules").glob("*/rule.toml")))


def test_explain_documents_a_rule_with_its_examples(capsys):
    code, out, _ = run(capsys, "explain", "KA002")
    assert code == 0
    for part in ("# KA002 unknown-keyword", "## What it does", "## Why it matters", "## Example (reported)",
                 "## Instead (not reported)", "## Fix", "## Source of the semantics", "vrp_script"):
        assert part in out
    assert run(capsys, "explain", "weak-authentication")[1].startswith("# KA006 weak-authentication")


def test_version(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["--version"])
    assert exit_info.value.code == 0
    assert capsys.readouterr().out.strip() == f"halint {__version__}"


def test_no_command_prints_help_and_exits_2(capsys):
    assert main([]) == 2
    assert "usage: halint" in capsys.readouterr().err


def test_internal_error_is_one_line(tmp_path, capsys, monkeypatch):
    write(tmp_path, "keepalived.conf", GOOD)
    monkeypatch.chdir(tmp_path)

    def boom(*_a, **_k):
        raise RuntimeError("kaput")

    monkeypatch.setattr("halint.engine.check.load", boom)
    code, out, err = run(capsys, "check")
    assert code == 2 and out == ""
    assert err == "halint: internal error: RuntimeError: kaput (run with --debug for details)\n"


def test_leidoscope_example_exits_1(capsys, monkeypatch):
    monkeypatch.chdir(ROOT)
    code, out, _ = run(capsys, "check", "examples/leidoscope")
    assert code == 1
    assert "examples/leidoscope/hosts/web/etc/keepalived/keepalived.conf:19:1: KA002" in out


def test_a_password_on_its_own_line_is_not_echoed(tmp_path, capsys, monkeypatch):
    conf = GOOD.replace("    advert_int 1\n", "    advert_int 1\n    authentication {\n        auth_type PASS\n        auth_pass\n        s3cr3tZZ\n    }\n")
    write(tmp_path, "keepalived.conf", conf)
    monkeypatch.chdir(tmp_path)
    for fmt in ("text", "json"):
        code, out, err = run(capsys, "check", "--format", fmt)
        assert code == 1
        assert "s3cr3tZZ" not in out + err
    assert "8 characters, redacted" in out


def test_paths_may_follow_options(tmp_path, capsys, monkeypatch):
    # argparse fills PATH once; paths after an option are joined to it, as ruff and shellcheck take them
    monkeypatch.chdir(tmp_path)
    write(tmp_path, "a/etc/keepalived/keepalived.conf", TYPO)
    write(tmp_path, "b/etc/keepalived/keepalived.conf", TYPO)
    code, out, _ = run(capsys, "check", "a", "--format", "json", "b")
    assert code == 1
    assert {d["path"].split("/")[0] for d in json.loads(out)["diagnostics"]} == {"a", "b"}
    code, out, _ = run(capsys, "show", "clusters", "--format", "json", "a")
    assert code == 0 and json.loads(out)["tool"] == "halint"


def test_an_unknown_option_among_paths_is_a_usage_error(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code, out, err = run(capsys, "check", "a", "--bogus", "b")
    assert (code, out) == (2, "")
    assert err == "halint: unrecognized arguments: --bogus b\n"


def test_concise_format_is_one_line_per_finding(tmp_path, capsys, monkeypatch):
    write(tmp_path, "keepalived.conf", TYPO)
    monkeypatch.chdir(tmp_path)
    code, full, _ = run(capsys, "check", "--select", "KA")
    code2, out, _ = run(capsys, "check", "--select", "KA", "--format", "concise")
    assert code == code2 == 1
    lines = out.splitlines()
    heads = [line for line in full.splitlines() if not line.startswith(" ")]
    assert lines == [re.sub(r" \[(error|warning|info)\]", "", line) for line in heads]
    assert all(not line.startswith(" ") for line in lines)


def test_a_note_is_printed_below_its_finding_and_carried_by_json_and_sarif():
    from halint.core import registry
    from halint.core.diagnostic import Diagnostic, Reported
    from halint.core.source import Source, Span
    from halint.report import json as json_report
    from halint.report import sarif
    from halint.report import text

    source = Source(Path("/t/keepalived.conf"), "vrrp_instance X {\n}\n")
    meta = registry.all_rules()["KA011"]
    item = Reported(Diagnostic("KA011", "no effective vrrp_instance", Span(source, 0, 0), note="keepalived runs it and does nothing"),
                    meta.slug, meta.severity)
    rendered = text.render([item], 1, Path("/t"))
    assert rendered.splitlines()[:2] == ["keepalived.conf:1:1: KA011 [error] no effective vrrp_instance",
                                         "    note: keepalived runs it and does nothing"]
    doc = json.loads(json_report.render([item], 1, Path("/t")))
    assert doc["diagnostics"][0]["note"] == "keepalived runs it and does nothing"
    log = json.loads(sarif.render([item], 1, Path("/t"), Path("/t")))
    assert log["runs"][0]["results"][0]["message"]["text"] == "no effective vrrp_instance\n\nkeepalived runs it and does nothing"
