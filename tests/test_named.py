"""The named.conf front end: BIND's lexing, includes through the tree, directory, zones and views,
error recovery (checked against named-checkconf when it is installed), and never an exception."""
from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import ROOT, write
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from halint.core.fsview import SourceCache, TreeView
from halint.formats.named.model import NamedConf, ZoneStatement
from halint.formats.named.reader import lex, named_sniff, parse_named
from halint.core.source import Source, SourceError, Span, decode, read_source

BOUNDED = settings(max_examples=200, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])


def load(tmp_path: Path, files: dict[str, str], root: str = "etc/bind/named.conf", host: str = "hosts/ns1") -> NamedConf:
    """Write ``files`` (paths relative to the host root) and read ``root`` as the lead's loader would."""
    host_root = tmp_path / host
    for rel, text in files.items():
        write(host_root, rel, text)
    cache = SourceCache()
    source = cache.get(host_root / root)
    assert isinstance(source, Source)
    return parse_named(source, TreeView(tmp_path, host_root), cache)


def errors(conf: NamedConf) -> list[str]:
    return [p.message for p in conf.problems if p.level == "error"]


def notes(conf: NamedConf) -> list[str]:
    return [p.message for p in conf.problems if p.level == "note"]


def position(span: Span) -> tuple[str, int, int]:
    return (span.source.path.name, *span.source.position(span.start))


# -- zones, files, directory -------------------------------------------------------------------


def test_leidoscope_example_zone_and_file():
    root = ROOT / "examples" / "leidoscope"
    host = root / "hosts" / "web"
    source = read_source(host / "etc" / "bind" / "named.conf.local")
    conf = parse_named(source, TreeView(root, host), SourceCache())
    assert conf.problems == ()
    [(path, zone)] = conf.zone_files()
    assert path == "/etc/bind/zones/db.leidoscope.com"
    assert (zone.name, zone.origin, zone.type, zone.rdclass, zone.view) == ("leidoscope.com", "leidoscope.com.", "master", "IN", None)
    assert zone.name_span.text == '"leidoscope.com"'
    assert zone.file_span.text == '"/etc/bind/zones/db.leidoscope.com"'
    assert position(zone.name_span) == ("named.conf.local", 9, 6)
    assert position(zone.file_span) == ("named.conf.local", 11, 7)
    assert zone.span.text.startswith("zone") and zone.span.text.endswith("};")


DEBIAN = {
    "etc/bind/named.conf": (
        '// This is the primary configuration file for the BIND DNS server named.\n'
        'include "/etc/bind/named.conf.options";\n'
        'include "/etc/bind/named.conf.local";\n'
        'include "/etc/bind/named.conf.default-zones";\n'
    ),
    "etc/bind/named.conf.options": 'options {\n\tdirectory "/var/cache/bind";\n\tdnssec-validation auto;\n\tlisten-on-v6 { any; };\n};\n',
    "etc/bind/named.conf.local": (
        'zone "example.com" {\n\ttype primary;\n\tfile "db.example.com";\n\tallow-transfer { 10.0.0.2; };\n};\n'
        'zone "2.0.10.in-addr.arpa" IN { type secondary; primaries { 10.0.0.1; 10.0.0.9 port 5353 key "k"; }; '
        'file "/var/lib/bind/db.10.0.2"; };\n'
    ),
    "etc/bind/named.conf.default-zones": 'zone "." {\n\ttype hint;\n\tfile "/usr/share/dns/root.hints";\n};\n',
}


def test_debian_layout_follows_includes_and_directory(tmp_path):
    conf = load(tmp_path, DEBIAN)
    assert conf.problems == ()
    assert [Path(s.path).name for s in conf.sources] == [
        "named.conf", "named.conf.options", "named.conf.local", "named.conf.default-zones",
    ]
    assert conf.directory == "/var/cache/bind"
    assert conf.directory_span.text == '"/var/cache/bind"'
    assert position(conf.directory_span) == ("named.conf.options", 2, 12)
    assert [(path, z.origin) for path, z in conf.zone_files()] == [
        ("/var/cache/bind/db.example.com", "example.com."),  # relative: joined with directory
        ("/var/lib/bind/db.10.0.2", "2.0.10.in-addr.arpa."),
        ("/usr/share/dns/root.hints", "."),
    ]
    secondary = conf.zones[1]
    assert secondary.type == "secondary"
    assert [m.value for m in secondary.masters] == ["10.0.0.1", "10.0.0.9"]
    assert position(secondary.name_span)[0] == "named.conf.local"
    assert [inc.pattern for inc in conf.includes] == [
        "/etc/bind/named.conf.options", "/etc/bind/named.conf.local", "/etc/bind/named.conf.default-zones",
    ]
    assert [st.keyword for st in conf.statements] == ["options", "zone", "zone", "zone"]


def test_zone_file_without_directory_tries_the_conf_folder_then_etc_bind(tmp_path):
    conf = load(
        tmp_path,
        {
            "etc/named/named.conf": 'zone "a.test" { type master; file "db.a"; };\nzone "b.test" { type master; file "db.b"; };\n',
            "etc/named/db.a": "",
            "etc/bind/db.b": "",
        },
        root="etc/named/named.conf",
    )
    assert [path for path, _ in conf.zone_files()] == ["/etc/named/db.a", "/etc/bind/db.b"]
    assert len(notes(conf)) == 2 and "assuming /etc/bind/db.b" in notes(conf)[1]
    assert errors(conf) == []


def test_relative_directory_and_relative_include(tmp_path):
    conf = load(
        tmp_path,
        {
            "etc/bind/named.conf": 'include "early.conf";\noptions { directory "data"; };\ninclude "late.conf";\n',
            "etc/bind/early.conf": 'zone "early.test" { type master; file "db.early"; };\n',
            "etc/bind/data/late.conf": 'zone "late.test" { type master; file "db.late"; };\n',
        },
    )
    assert errors(conf) == []
    # before `directory`: the named.conf's folder (a note says so); after it: the directory
    assert [z.name for z in conf.zones] == ["early.test", "late.test"]
    assert conf.directory == "/etc/bind/data"
    assert [path for path, _ in conf.zone_files()] == ["/etc/bind/data/db.early", "/etc/bind/data/db.late"]
    assert any('relative include "early.conf"' in n for n in notes(conf))
    assert any('relative directory "data"' in n for n in notes(conf))


def test_glob_include_reads_the_last_match_first_like_bind(tmp_path):
    # named-checkconf -p on `include "/etc/bind/zones/*.conf";` prints zone b before zone a
    conf = load(
        tmp_path,
        {
            "etc/bind/named.conf": 'include "/etc/bind/zones/*.conf";\n',
            "etc/bind/zones/1.conf": 'zone "a" { type master; file "/tmp/a"; };\n',
            "etc/bind/zones/2.conf": 'zone "b" { type master; file "/tmp/b"; };\n',
        },
    )
    assert [z.name for z in conf.zones] == ["b", "a"]
    assert [p.name for p in conf.includes[0].files] == ["2.conf", "1.conf"]


def test_views_hold_zones(tmp_path):
    conf = load(
        tmp_path,
        {
            "etc/bind/named.conf": (
                'view "inside" IN {\n  match-clients { 10.0.0.0/8; };\n  zone "example.com" { type master; file "/etc/bind/db.in"; };\n};\n'
                'view "outside" {\n  zone "example.com" { type master; file "/etc/bind/db.out"; };\n'
                '  zone "EXAMPLE.com." { type master; file "/etc/bind/db.dup"; };\n};\n'
            )
        },
    )
    assert [(v.name, v.rdclass) for v in conf.views] == [("inside", "IN"), ("outside", "IN")]
    assert [(z.view, z.path) for z in conf.zones] == [
        ("inside", "/etc/bind/db.in"), ("outside", "/etc/bind/db.out"), ("outside", "/etc/bind/db.dup"),
    ]
    # one name in two views is fine; twice in one view (names are case-insensitive) is not
    assert errors(conf) == ["zone 'EXAMPLE.com.': already exists (first at line 6)"]


def test_unknown_statements_are_kept_not_errors(tmp_path):
    text = (
        'acl "trusted" { !10.0.0.5; 10.0.0.0/8; localhost; };\n'
        'key "rndc-key" { algorithm hmac-sha256; secret "c2VjcmV0"; };\n'
        'controls { inet 127.0.0.1 port 953 allow { 127.0.0.1; } keys { "rndc-key"; }; };\n'
        'options { deny-answer-addresses { 10.0.0.0/8; } except-from { "example.net"; };\n'
        '  catalog-zones { zone "cat.test" default-primaries { 10.0.0.1; } in-memory yes; }; };\n'
        'frobnicate 42 { whatever; };\n'
    )
    conf = load(tmp_path, {"etc/bind/named.conf": text})
    assert conf.problems == ()
    assert [st.keyword for st in conf.statements] == ["acl", "key", "controls", "options", "frobnicate"]
    acl = conf.statements[0]
    assert [[t.kind for t in s.words] for s in acl.block.statements] == [["BANG", "WORD"], ["WORD"], ["WORD"]]
    assert conf.zones == ()  # the catalog's member zone is not a zone statement


def test_lexing_like_bind():
    text = (
        'zone/*c*/"a\\"b" # shell comment { ;\n'
        'IN// c++ comment\n'
        '"multi\nline" word#comment\n'
        "10.0.0.0/8 /etc/x !x\\y;"
    )
    tokens, problems = lex(Source(Path("/n.conf"), text))
    assert problems == []
    assert [(t.kind, t.value) for t in tokens] == [
        ("WORD", "zone"), ("STRING", 'a"b'), ("WORD", "IN"), ("STRING", "multi\nline"), ("WORD", "word"),
        ("WORD", "10.0.0.0/8"), ("WORD", "/etc/x"), ("BANG", "!"), ("WORD", "x\\y"), ("SEMI", ";"),
    ]
    for tok in tokens:
        if tok.kind == "STRING":
            assert tok.span.text.startswith('"') and tok.span.text.endswith('"')
        else:
            assert tok.span.text == tok.value


def test_keywords_are_case_insensitive(tmp_path):
    conf = load(tmp_path, {"etc/bind/named.conf": 'ZONE "a.test" in { TYPE Master; FILE "/etc/bind/db.a"; };\n'})
    assert [(z.name, z.rdclass, z.type, z.path) for z in conf.zones] == [("a.test", "IN", "master", "/etc/bind/db.a")]


# -- problems -----------------------------------------------------------------------------------

SYNTAX = [
    # text, message start, (line, column) of the problem
    ('zone "a" { type master; file "/x"; }\nzone "b" { type master; file "/y"; };\n', "missing ';' before 'zone'", (1, 36)),
    ('zone "a" { type master; file "/x" };\n', "missing ';' before '}'", (1, 34)),
    ('zone "a" { type master; file "/x"; }', "missing ';' before end of file", (1, 37)),
    ('options { directory "/tmp"; };;\n', "syntax error near ';'", (1, 31)),
    ('zone "a" { type master; file "/x"; }; }\n', "syntax error near '}'", (1, 39)),
    ('zone "a" {\n type master; file "/x";\n', "the block opened at line 1 is never closed", (1, 10)),
    ('zone "a" { type master; file "/x', "unterminated quoted string", (1, 30)),
    ('zone "a" { type master; file "/x"; }; /* no end\n', "unterminated /* comment", (1, 39)),
    ('zone { type master; };\n', "zone needs a name", (1, 1)),
    ('zone "a";\n', 'zone "a" has no { ... } block', (1, 6)),
    ('options { };\noptions { };\n', "'options' redefined (first at line 1)", (2, 1)),
    ('include;\n', "include takes one quoted file name", (1, 1)),
    ('"zone" "a" { type master; file "/x"; };\n', "syntax error near '\"'", (1, 1)),
    ('zone "a" { type master; file "/x"; { x; }; };\n', "syntax error near '{'", (1, 36)),
]


@pytest.mark.parametrize("text,message,where", SYNTAX, ids=[m for _, m, _ in SYNTAX])
def test_syntax_problems_have_a_position(tmp_path, text, message, where):
    conf = load(tmp_path, {"etc/bind/named.conf": text})
    found = [p for p in conf.problems if p.level == "error"]
    assert found and found[0].message.startswith(message), conf.problems
    assert found[0].span.source.position(found[0].span.start) == where


def test_a_mistake_does_not_hide_the_zones_after_it(tmp_path):
    text = (
        'zone "a.test" { type master; file "/etc/bind/db.a" };\n'  # missing ;
        'zone "b.test" { type master; file "/etc/bind/db.b"; }\n'  # missing ; after }
        'zone "c.test" { type master; file "/etc/bind/db.c"; };\n'
        '};\n'  # extra }
        'zone "d.test" { type master; file "/etc/bind/db.d"; };\n'
    )
    conf = load(tmp_path, {"etc/bind/named.conf": text})
    assert [z.name for z in conf.zones] == ["a.test", "b.test", "c.test", "d.test"]
    assert len(errors(conf)) == 3


def test_include_problems(tmp_path):
    write(tmp_path / "hosts" / "ns1", "etc/bind/binary.conf", b"zone\0")
    conf = load(
        tmp_path,
        {
            "etc/bind/named.conf": (
                'include "/etc/bind/missing.conf";\n'
                'include "/etc/bind/loop.conf";\n'
                'include "../../../../../outside.conf";\n'
                'include "/etc/bind";\n'
                'include "/etc/bind/binary.conf";\n'
            ),
            "etc/bind/loop.conf": 'include "/etc/bind/loop.conf";\nzone "l.test" { type master; file "/x"; };\n',
        },
    )
    messages = errors(conf)
    assert messages[0].startswith('include "/etc/bind/missing.conf": file not found')
    assert any("include cycle" in m for m in messages)
    assert any("is a directory" in m for m in messages)
    assert any("cannot read /etc/bind/binary.conf: binary file" in m for m in messages)
    assert any("outside the checked tree" in n for n in notes(conf))
    assert [z.name for z in conf.zones] == ["l.test"]
    cycle = next(p for p in conf.problems if "include cycle" in p.message)
    assert position(cycle.span) == ("loop.conf", 1, 1)  # where the cycle closes
    assert all(p.span.source.path.name == "named.conf" for p in conf.problems if p is not cycle)


# -- named-checkconf agrees ---------------------------------------------------------------------

AGREEMENT = [
    'options { directory "/tmp"; };\nzone "a.test" { type master; file "/tmp/db.a"; };\n',
    'zone "a.test" IN { type master; file "/tmp/db.a"; allow-query { !10.0.0.1; 10/8; any; }; };\n',
    '# shell\n// c++\n/* c */ zone "a.test" { type master; file "/tmp/db.a"; };\n',
    'zone "a.test" { type master; file "/tmp/db\na"; };\n',
    'acl x { 10.0.0.1; }; controls { inet 127.0.0.1 allow { x; } keys { "k"; }; }; key "k" { algorithm hmac-sha256; secret "c2VjcmV0"; };\n',
    'view "v" { zone "a.test" { type master; file "/tmp/db.a"; }; };\n',
    "",
    'zone "a.test" { type master; file "/tmp/db.a"; }\n',
    'zone "a.test" { type master; file "/tmp/db.a" };\n',
    'zone "a.test" { type master; file "/tmp/db.a"; };;\n',
    'zone "a.test" { type master; file "/tmp/db.a"; }; }\n',
    'zone "a.test" { type master; file "/tmp/db.a";\n',
    'zone "a.test" { type master; file "/tmp/db.a; };\n',
    'zone "a.test" { type master; file "/tmp/db.a"; }; /*\n',
    'zone "a.test" { type master; file "/tmp/db.a"; }\nzone "b.test" { type master; file "/tmp/db.b"; };\n',
    'include "/nonexistent/halint-test.conf";\n',
    '{ a; };\n',
    '"zone" "a.test" { type master; file "/tmp/db.a"; };\n',
    'zone "a.test" { "type" master; file "/tmp/db.a"; };\n',
    'zone "a.test" { type master; file "/tmp/db.a"; { x; }; };\n',
    'options { allow-query { "any"; { 10/8; }; !{ 10.1/16; }; }; };\n',
    # a UTF-8 byte-order mark: BIND reads it as part of the first word ("unknown option")
    '\ufeffzone "a.test" { type master; file "/tmp/db.a"; };\n',
    '\ufeff// a comment\nzone "a.test" { type master; file "/tmp/db.a"; };\n',
    '\ufeff\nzone "a.test" { type master; file "/tmp/db.a"; };\n',
]


@pytest.mark.skipif(shutil.which("named-checkconf") is None, reason="named-checkconf (bind9-utils) is not installed")
@pytest.mark.parametrize("text", AGREEMENT)
def test_named_checkconf_agrees_on_what_is_broken(tmp_path, text):
    path = write(tmp_path, "named.conf", text)
    result = subprocess.run(["named-checkconf", str(path)], capture_output=True, text=True, timeout=60)
    conf = parse_named(read_source(path), TreeView(Path("/"), Path("/")), SourceCache())
    assert (result.returncode == 0) == (errors(conf) == []), (result.stdout + result.stderr, conf.problems)


def test_a_byte_order_mark_is_refused_and_the_zones_behind_it_still_read(tmp_path):
    # named-checkconf 9.18: "named.conf:1: unknown option '\ufeffoptions'" (and the same for an
    # included file): named refuses the configuration; halint says so once, at the mark, and
    # reads the rest without it
    conf = load(tmp_path, {
        "etc/bind/named.conf": '\ufeffoptions { directory "/var/cache/bind"; };\ninclude "/etc/bind/named.conf.local";\n',
        "etc/bind/named.conf.local": '\ufeffzone "example.com" { type master; file "db.example.com"; };\n',
    })
    marks = [(position(p.span), p.message) for p in conf.problems]
    assert marks == [
        (("named.conf", 1, 1), "the file starts with a UTF-8 byte-order mark (bytes EF BB BF), which named reads as part "
         "of the first word, so `options` is an unknown option (named-checkconf: \"unknown option\"): named refuses "
         "the configuration; remove the mark"),
        (("named.conf.local", 1, 1), "the file starts with a UTF-8 byte-order mark (bytes EF BB BF), which named reads "
         "as part of the first word, so `zone` is an unknown option (named-checkconf: \"unknown option\"): named "
         "refuses the configuration; remove the mark"),
    ]
    assert [(host, z.name) for host, z in conf.zone_files()] == [("/var/cache/bind/db.example.com", "example.com")]


# -- sniffing -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name,head,expected",
    [
        ("hosts/ns/etc/bind/named.conf", b"", True),
        ("named.conf.local", b"//\n", True),
        ("etc/bind/zones.rfc1918", b'zone "10.in-addr.arpa" { type master; file "/etc/bind/db.empty"; };', True),
        ("custom.conf", b"options {\n directory \"/var/cache/bind\";\n};", True),
        ("views.conf", b'view "internal" IN {\n', True),
        ("keepalived.conf", b'vrrp_instance VI_1 {\n  state MASTER\n}\n', False),
        ("keepalived.conf", b'zone "x" {', False),
        ("db.example.com", b"$ORIGIN example.com.\n@ IN SOA ns1 hostmaster 1 2 3 4 5\n", False),
        ("interfaces", b"auto eth0\niface eth0 inet static\n", False),
        ("r1.ios", b"hostname r1\nzone security inside\n", False),
    ],
)
def test_named_sniff(name, head, expected):
    assert named_sniff(name, head) is expected


# -- never an exception -------------------------------------------------------------------------

PIECES = [
    'zone "a.test" ', 'view "v" ', "options ", 'directory "d"', 'include "inc.conf"', 'include "*.conf"',
    'include "loop.conf"', 'file "db.a"', "type master", "masters { 10.0.0.1; }", "primaries ", "{", "}", ";", "!",
    '"', "\\", "/*", "*/", "//", "#", "/", "\n", " ", "\t", "\r\n", "IN", "in-view", "x" * 30,
]
texts = st.one_of(
    st.text(alphabet=st.one_of(st.sampled_from(list('{};!"/*#\\ \n\t\rabz')), st.characters(blacklist_categories=("Cs",))), max_size=300),
    st.lists(st.sampled_from(PIECES), max_size=60).map("".join),
)


@pytest.fixture(scope="module")
def tree(tmp_path_factory):
    root = tmp_path_factory.mktemp("named")
    bind = root / "etc" / "bind"
    bind.mkdir(parents=True)
    (bind / "inc.conf").write_text('zone "inc.test" { type master; file "db.inc"; };\n')
    (bind / "loop.conf").write_text('include "loop.conf"; options { directory "/etc/bind"; };\n')
    (bind / "open.conf").write_text('zone "open.test" {\n')
    return root


def _valid(span: Span) -> None:
    assert 0 <= span.start <= span.end <= len(span.source.text), span
    span.source.position(span.start)


def _check_model(conf: NamedConf) -> None:
    for problem in conf.problems:
        assert problem.level in ("error", "note")
        _valid(problem.span)
    for zone in conf.zones:
        assert isinstance(zone, ZoneStatement)
        _valid(zone.name_span)
        _valid(zone.span)
        assert zone.name in zone.name_span.text or "\\" in zone.name_span.text
        if zone.file is not None:
            assert zone.path is not None and zone.path.startswith("/")
    for path, _zone in conf.zone_files():
        assert path.startswith("/")


@BOUNDED
@given(text=texts)
def test_any_text_gives_a_model(tree, text):
    source = Source(tree / "etc" / "bind" / "named.conf", text)
    conf = parse_named(source, TreeView(tree, tree), SourceCache())
    _check_model(conf)
    tokens, _ = lex(source)
    at = 0
    for tok in tokens:  # in order, not overlapping, and the words are the text itself
        assert tok.span.start >= at
        at = tok.span.end
        if tok.kind == "WORD":
            assert tok.span.text == tok.value


@BOUNDED
@given(data=st.binary(max_size=300))
def test_any_bytes_give_a_model_or_a_source_error(tree, data):
    try:
        source = decode(data, tree / "etc" / "bind" / "named.conf")
    except SourceError:
        return
    _check_model(parse_named(source, TreeView(tree, tree), SourceCache()))
