"""--format github (halint/report/github.py): one workflow-command annotation per finding, with the
runner's escaping (message: %, CR, LF; properties also : and ,)."""
from __future__ import annotations

import re
from pathlib import Path

from conftest import ROOT

from halint.core.diagnostic import Diagnostic, Related, Reported, Severity
from halint.engine.check import Options, run
from halint.report import github
from halint.report import json as json_report
from halint.core.source import Source, Span

LINE = re.compile(r"^::(error|warning|notice) ((?:[a-zA-Z]+=[^,:]*)(?:,[a-zA-Z]+=[^,:]*)*)::(.*)$")


def _unescape(text: str) -> str:
    for raw, esc in (("\n", "%0A"), ("\r", "%0D"), (":", "%3A"), (",", "%2C"), ("%", "%25")):
        text = text.replace(esc, raw)
    return text


def _parse(line: str) -> tuple[str, dict, str]:
    match = LINE.match(line)
    assert match, line
    props = dict(p.split("=", 1) for p in match.group(2).split(","))
    return match.group(1), {k: _unescape(v) for k, v in props.items()}, _unescape(match.group(3))


def test_leidoscope_annotations_match_the_json_report(monkeypatch):
    monkeypatch.chdir(ROOT)
    outcome = run(Options(paths=[Path("examples/leidoscope")]))
    text = github.render(outcome.reported, ROOT)
    import json

    plain = json.loads(json_report.render(outcome.reported, outcome.files, ROOT))["diagnostics"]
    lines = text.splitlines()
    assert len(lines) == len(plain) > 0
    command = {"error": "error", "warning": "warning", "info": "notice"}
    for line, d in zip(lines, plain):
        kind, props, message = _parse(line)
        assert kind == command[d["severity"]]
        assert props == {"file": d["path"], "line": str(d["line"]), "col": str(d["column"]),
                         "endLine": str(d["end_line"]), "endColumn": str(d["end_column"]),
                         "title": f"{d['code']} {d['slug']}"}
        assert message.split("\n")[0] == d["message"]
        extras = message.split("\n")[1:]
        if d["note"]:  # the note on the line after the message (issue 16), then the related places
            assert extras[0] == d["note"]
            extras = extras[1:]
        for rel, extra in zip(d["related"], extras):
            assert extra == f"  {rel['path']}:{rel['line']}:{rel['column']}: {rel['message']}"
    assert "1234" not in text  # KA006's password


def _item(path: str, message: str, severity: Severity, related=()) -> Reported:
    source = Source(Path(path), "first line\nsecond, line: here\n")
    span = Span(source, 11, 17)
    rel = tuple(Related(Span(source, 0, 5), m) for m in related)
    return Reported(Diagnostic("KA002", message, span, rel), "unknown-keyword", severity)


def test_escaping(tmp_path):
    item = _item(str(tmp_path / "a,b:c%d.conf"), "100% sure\r\nnext: a, b", Severity.INFO, ["see: here, 50%"])
    line = github.render([item], tmp_path)
    assert line.endswith("\n") and line.count("\n") == 1
    assert line == (
        "::notice file=a%2Cb%3Ac%25d.conf,line=2,col=1,endLine=2,endColumn=7,title=KA002 unknown-keyword"
        "::100%25 sure%0D%0Anext: a, b%0A  a,b:c%25d.conf:1:1: see: here, 50%25\n"
    )
    kind, props, message = _parse(line.rstrip("\n"))
    assert props["file"] == "a,b:c%d.conf"
    assert message == "100% sure\r\nnext: a, b\n  a,b:c%d.conf:1:1: see: here, 50%"


def test_levels(tmp_path):
    items = [_item(str(tmp_path / "x"), "m", s) for s in (Severity.ERROR, Severity.WARNING, Severity.INFO)]
    assert [line.split(" ")[0] for line in github.render(items, tmp_path).splitlines()] == ["::error", "::warning", "::notice"]


def test_no_findings_no_output(tmp_path):
    assert github.render([], tmp_path) == ""
