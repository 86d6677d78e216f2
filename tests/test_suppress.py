"""Inline suppressions (halint/engine/suppress.py): the comment scan of each format, what a directive
covers, HL002 (unknown code), HL003 (unused), and the fixes removing exactly the directive."""
from __future__ import annotations

from pathlib import Path

import pytest
from conftest import ROOT, corpus_files, said
from hypothesis import given
from hypothesis import strategies as st

from halint.core import registry
from halint.core.diagnostic import Diagnostic, Reported, Severity
from halint.engine.check import Options, run
from halint.core.edits import apply_edits
from halint.core.source import Source, Span
from halint import formats
from halint.engine.suppress import META, apply
from halint.engine.suppress import find as find_in

#: each format's comment scanner, by the names of the comment syntaxes these tests use
SYNTAX = {"hash": "keepalived", "zone": "zone", "ios": "ios", "interfaces": "interfaces", "named": "named"}


def comments(text: str, syntax: str):
    return formats.get(SYNTAX[syntax]).comments(text)


def find(source: Source, syntax: str):
    return find_in(source, formats.get(SYNTAX[syntax]).comments)

ALL = set(registry.all_rules())


def src(text: str, name: str = "f.conf") -> Source:
    return Source(Path("/t") / name, text)


def finding(source: Source, code: str, line: int, col: int = 1) -> Reported:
    start = source.line_starts[line - 1] + col - 1
    meta = registry.all_rules()[code]
    return Reported(Diagnostic(code, f"{code} here", Span(source, start, start + 1)), meta.slug, meta.severity)


def run_apply(source: Source, syntax: str, reported, selected=ALL):
    sups = find(source, syntax)
    return apply(reported, {Path(source.path): sups}, None, selected)


def lines_of(diags):
    return [(d.code, *d.span.source.position(d.span.start)) for d in diags]


def fixed(source: Source, diags) -> str:
    edits = [e for d in diags if d.fix for e in d.fix.edits]
    return apply_edits(source.text, edits)


# -- where comments are ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "syntax, text, expected",
    [
        ("hash", 'a "x#y" b # c\n! d\n', ["# c", "! d"]),
        ("hash", "a \\# b ! c\n", ["! c"]),
        ("hash", 'a "open # not closed\nb # c\n', ["# c"]),
        ("zone", 'a TXT "x;y" ; c\nb \\; d ; e\n', ["; c", "; e"]),
        ("ios", "hostname R1 ! not a comment\n ! indented\n!\n", ["! indented", "!"]),
        ("interfaces", "iface eth0 inet static # not one\n  # one\nup x \\\n# continued\n", ["# one"]),
        ("named", 'a "x#y//z/*w" b; # c\n// d\nzone /* e\nf */ "x";\n', ["# c", "// d", "/* e\nf */"]),
    ],
)
def test_comments_per_syntax(syntax, text, expected):
    assert [text[a:b] for a, b in comments(text, syntax)] == expected


def test_quoted_hash_is_not_a_directive():
    source = src('notification_email_from "ops # halint: ignore[KA006]"\n')
    assert find(source, "hash") == []


# -- what a directive covers ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "syntax, text, target",
    [
        ("hash", "x\n    auth_pass abc  # halint: ignore[KA006]\n", 2),
        ("hash", "x\n    ! halint: ignore[KA006]\n\n    auth_pass abc\n", 4),
        ("zone", "@ IN SOA a b 1 2 3 4 5 ; halint: ignore[ZN006]\n", 1),
        ("zone", "; halint: ignore[ZN006]\nwww IN A 192.0.2.1\n", 2),
        ("ios", "! halint: ignore[IOS001]\ninterface Gi0/1\n", 2),
        ("interfaces", "  # halint: ignore[HA001]\n  address 192.0.2.1/24\n", 2),
        ("named", 'zone "a" { type master; }; // halint: ignore[ZN006]\n', 1),
        ("named", '# halint: ignore[ZN006]\nzone "a" { };\n', 2),
        ("named", '/*\n * halint: ignore[ZN006]\n */\nzone "a" { };\n', 4),
        ("named", '/* halint: ignore[ZN006] */ zone "a" { };\n', 1),
        ("named", '/* halint: ignore[ZN006]: the\n   secondary is legacy */\nzone "a" { };\n', 3),
    ],
)
def test_target_line(syntax, text, target):
    (sup,) = find(src(text), syntax)
    assert not sup.file_wide and sup.target_line == target


def test_stacked_directives_cover_the_next_configuration_line():
    text = "# halint: ignore[KA006]\n# halint: ignore[KA007]\nauth_pass abc\n"
    assert [s.target_line for s in find(src(text), "hash")] == [3, 3]


def test_a_lone_directive_at_the_end_covers_nothing():
    (sup,) = find(src("a\n# halint: ignore[KA006]\n\n"), "hash")
    assert sup.target_line is None


def test_file_wide():
    (sup,) = find(src("a\nb\n; halint: ignore-file[ZN006, ZN007]\n"), "zone")
    assert sup.file_wide and [c for c, _ in sup.codes] == ["ZN006", "ZN007"]


# -- suppressing ----------------------------------------------------------------------------------


def test_same_line_line_before_and_file_wide_suppress_only_their_code_and_place():
    source = src(
        "a # halint: ignore[KA006]\n"  # 1
        "# halint: ignore[KA007]\n"  # 2
        "b\n"  # 3
        "c\n"  # 4
        "! halint: ignore-file[KA008]\n"  # 5
    )
    reported = [
        finding(source, "KA006", 1), finding(source, "KA006", 3),  # only line 1 covered
        finding(source, "KA007", 3), finding(source, "KA007", 4),  # only line 3
        finding(source, "KA008", 1), finding(source, "KA008", 4),  # everywhere
        finding(source, "KA009", 1),  # never
    ]
    kept, new = run_apply(source, "hash", reported)
    assert [(r.code, r.diagnostic.span.line) for r in kept] == [("KA006", 3), ("KA007", 4), ("KA009", 1)]
    assert new == []


def test_a_slug_suppresses_its_code():
    slug = registry.all_rules()["KA006"].slug
    source = src(f"auth_pass x # halint: ignore[{slug}]\n")
    kept, new = run_apply(source, "hash", [finding(source, "KA006", 1)])
    assert kept == [] and new == []


def test_a_cross_file_finding_is_suppressed_at_its_primary_location():
    a = src("vip x # halint: ignore[HA001]\n", "a.conf")
    b = src("vip y\n", "b.conf")
    diag = Diagnostic("HA001", "x", Span(a, 0, 3), related=())
    other = Diagnostic("HA001", "y", Span(b, 0, 3))
    meta = registry.all_rules()["HA001"]
    reported = [Reported(diag, meta.slug, meta.severity), Reported(other, meta.slug, meta.severity)]
    kept, new = apply(reported, {a.path: find(a, "hash"), b.path: find(b, "hash")}, None, ALL)
    assert [r.diagnostic for r in kept] == [other] and new == []


def test_another_read_of_the_same_file_is_matched_by_path():
    one, two = src("a # halint: ignore[KA006]\n"), src("a # halint: ignore[KA006]\n")
    kept, new = apply([finding(two, "KA006", 1)], {one.path: find(one, "hash")}, None, ALL)
    assert kept == [] and new == []


# -- HL002 ----------------------------------------------------------------------------------------


def test_unknown_code_is_hl002_and_its_fix_removes_the_whole_comment():
    source = src("        auth_pass Vr7qLx2m  # halint: ignore[KA06]\n    }\n")
    kept, new = run_apply(source, "hash", [])
    assert lines_of(new) == [("HL002", 1, 46)]
    assert "KA06" in said(new[0])
    assert fixed(source, new) == "        auth_pass Vr7qLx2m\n    }\n"


def test_unknown_code_among_others_removes_only_that_code():
    source = src("a # halint: ignore[KA06, KA006]\nb # halint: ignore[KA006,KA6]\n")
    reported = [finding(source, "KA006", 1), finding(source, "KA006", 2)]
    kept, new = run_apply(source, "hash", reported)
    assert kept == [] and [d.code for d in new] == ["HL002", "HL002"]
    assert fixed(source, new) == "a # halint: ignore[KA006]\nb # halint: ignore[KA006]\n"


def test_prefix_is_hl002():
    source = src("a # halint: ignore[KA]\n")
    kept, new = run_apply(source, "hash", [finding(source, "KA006", 1)])
    assert [r.code for r in kept] == ["KA006"]
    assert [d.code for d in new] == ["HL002"] and "prefix" in said(new[0])


@pytest.mark.parametrize("directive", ["halint: ignore", "halint: ignore[]", "halint: ignore-file"])
def test_no_codes_is_hl002_saying_codes_are_required(directive):
    source = src(f"a\n# {directive}\nb\n")
    kept, new = run_apply(source, "hash", [finding(source, "KA006", 3)])
    assert [r.code for r in kept] == ["KA006"]
    assert lines_of(new) == [("HL002", 2, 3)] and "codes are required" in said(new[0])
    assert fixed(source, new) == "a\nb\n"


def test_unclosed_list_is_hl002_without_fix():
    source = src("a # halint: ignore[KA006\n")
    kept, new = run_apply(source, "hash", [finding(source, "KA006", 1)])
    assert [r.code for r in kept] == ["KA006"]
    assert [d.code for d in new] == ["HL002"] and new[0].fix is None and "`]`" in said(new[0])


def test_prose_mentioning_halint_is_not_a_directive():
    source = src("# halint: see docs/ci.md\n# run halint: ignored files are listed\n")
    assert find(source, "hash") == []


# -- HL003 ----------------------------------------------------------------------------------------


def test_unused_directive_alone_on_its_line_is_hl003_and_its_fix_removes_the_line():
    source = src("    advert_int 1\n    # halint: ignore[KA006]\n    virtual_ipaddress {\n")
    kept, new = run_apply(source, "hash", [])
    assert lines_of(new) == [("HL003", 2, 22)]
    assert "KA006" in said(new[0]) and "line 3" in said(new[0])
    assert fixed(source, new) == "    advert_int 1\n    virtual_ipaddress {\n"


def test_unused_code_among_used_ones_removes_only_that_code():
    source = src("a ; halint: ignore[ZN006, ZN007]\n")
    kept, new = run_apply(source, "zone", [finding(source, "ZN006", 1)])
    assert kept == [] and lines_of(new) == [("HL003", 1, 27)]
    assert fixed(source, new) == "a ; halint: ignore[ZN006]\n"


def test_unused_file_wide():
    source = src("a\n; halint: ignore-file[ZN006]\n")
    kept, new = run_apply(source, "zone", [])
    assert [d.code for d in new] == ["HL003"] and "in this file" in said(new[0])
    assert fixed(source, new) == "a\n"


def test_a_deselected_code_is_not_unused():
    source = src("a # halint: ignore[KA006]\n")
    kept, new = run_apply(source, "hash", [], selected=ALL - {"KA006"})
    assert new == []


def test_hl002_and_hl003_only_when_selected():
    source = src("a # halint: ignore[KA06]\nb # halint: ignore[KA006]\n")
    assert [d.code for d in run_apply(source, "hash", [], selected=ALL)[1]] == ["HL002", "HL003"]
    assert [d.code for d in run_apply(source, "hash", [], selected=ALL - {"HL002"})[1]] == ["HL003"]
    assert run_apply(source, "hash", [], selected=ALL - {"HL002", "HL003"})[1] == []


def test_unknown_and_unused_in_one_directive_remove_it_whole():
    source = src("a\n# halint: ignore[KA06, KA006]\nb\n")
    kept, new = run_apply(source, "hash", [])
    assert sorted(d.code for d in new) == ["HL002", "HL003"]
    assert {d.fix.edits for d in new} == {new[0].fix.edits}  # one edit: the whole line
    assert apply_edits(source.text, list(new[0].fix.edits)) == "a\nb\n"


def test_a_directive_can_silence_hl002():
    source = src("a # halint: ignore[KA06, HL002]\n")
    assert run_apply(source, "hash", [])[1] == []


# -- fixes remove exactly the directive -----------------------------------------------------------


@pytest.mark.parametrize(
    "syntax, text, after",
    [
        ("hash", "a\r\n  # halint: ignore[KA006]\r\nb\r\n", "a\r\nb\r\n"),
        ("hash", "a  \t! halint: ignore[KA006]\nb\n", "a\nb\n"),
        ("hash", "a\n# halint: ignore[KA006]", "a\n"),
        ("hash", "a # legacy peer, halint: ignore[KA006]\n", "a # legacy peer,\n"),
        ("zone", "www A 192.0.2.1 ;halint: ignore[ZN006]\n", "www A 192.0.2.1\n"),
        ("ios", "!\n ! halint: ignore[IOS001]\n!\n", "!\n!\n"),
        ("named", 'zone "a" { /* halint: ignore[ZN006] */ type master; };\n', 'zone "a" { type master; };\n'),
        ("named", '/* halint: ignore[ZN006] */ zone "a" { };\n', 'zone "a" { };\n'),
        ("named", 'a;\n/*\n * halint: ignore[ZN006]\n */\nb;\n', "a;\nb;\n"),
        ("named", 'a; // halint: ignore[ZN006]\n', "a;\n"),
    ],
)
def test_fix_removes_exactly_the_directive(syntax, text, after):
    source = src(text)
    kept, new = run_apply(source, syntax, [])
    assert [d.code for d in new] == ["HL003"]
    assert fixed(source, new) == after


PIECES = list('ab #!;"\\/*\n\r[]:,') + ["halint: ignore[KA006]", "halint: ignore-file[", "halint: ignore", "KA06"]


@given(st.lists(st.sampled_from(PIECES), max_size=30).map("".join))
def test_scan_never_fails_and_fixes_stay_in_the_text(text):
    for syntax in ("hash", "interfaces", "zone", "ios", "named"):
        source = src(text)
        sups = find(source, syntax)
        for sup in sups:
            assert 0 <= sup.removal.start <= sup.span.start <= sup.span.end <= sup.removal.end <= len(text)
        kept, new = apply([], {source.path: sups}, None, ALL)
        for diag in new:
            if diag.fix:
                apply_edits(text, list(diag.fix.edits))


# -- the rule examples, through the engine and this module -----------------------------------------


def _check_with_suppressions(tree: Path, select=None):
    """The engine's findings, split: the rules' (after suppression) and HL002/HL003's."""
    reported = run(Options(paths=[tree], select=select)).reported
    kept = [r for r in reported if r.code not in META]
    new = [r.diagnostic for r in reported if r.code in META]
    return kept, new


@pytest.mark.parametrize("code", ["HL002", "HL003"])
def test_rule_examples(code, tmp_path):
    import shutil

    meta = registry.all_rules()[code]
    for kind in ("bad", "good"):
        shutil.copytree(ROOT / "rules" / code / kind, tmp_path / kind)
    kept, new = _check_with_suppressions(tmp_path / "bad")
    places = [(d.code, Path(d.span.source.path).name, *d.span.source.position(d.span.start), said(d)) for d in new]
    for expect in meta.expect:
        hits = [p for p in places if p[:4] == (code, expect.path, expect.line, expect.column)]
        assert hits, places
        assert all(part in hits[0][4] for part in expect.message_contains)
    by_source: dict = {}
    for d in new:
        for e in d.fix.edits:
            by_source.setdefault(e.span.source, []).append(e)
    for source, edits in by_source.items():
        rel = Path(source.path).relative_to((tmp_path / "bad").resolve())
        assert apply_edits(source.text, edits) == (ROOT / "rules" / code / "fixed" / rel).read_text(encoding="utf-8")
    kept, new = _check_with_suppressions(tmp_path / "good")
    assert new == []
    assert [r for r in kept if r.severity >= Severity.WARNING] == [], [r.diagnostic.message for r in kept]


@pytest.mark.parametrize("path", corpus_files("keepalived"), ids=lambda p: getattr(p, "name", "none"))
def test_hash_scan_finds_the_comments_keepalived_lexer_finds(path):
    """The cheap scan agrees with the keepalived front end's lexer on every corpus file."""
    from halint.formats.keepalived.lexer import lex
    from halint.core.source import SourceError, read_source

    try:
        text = read_source(path).text
    except SourceError as err:
        pytest.skip(f"{path.name}: {err}")
    theirs = [x.start for x in lex(text) if x.kind == "COMMENT"]
    assert [a for a, _ in comments(text, "hash")] == theirs
