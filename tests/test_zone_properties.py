"""Properties of the zone front end that hold for any input:

- reading any text (and running every ZN rule on it) gives diagnostics, never an exception, and
  every position is inside its file;
- the inline path for plain lines and the general path give the same zone;
- the cheap checks of record data only accept what dnspython accepts, and canonical names are
  the names dnspython reads;
- on every zone of the corpus, each record points at a line that holds its owner or its data.

Hypothesis runs derandomized with bounded example counts.
"""
from __future__ import annotations

import datetime
import re
from pathlib import Path

import dns.name
import dns.rdata
import pytest
from conftest import corpus_dir, corpus_files
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from halint.engine.check import RuleContext
from halint.core.fsview import SourceCache, TreeView
from halint.formats.zone.model import ZoneUnit, data_change
from halint.formats.zone import rdata as rd
from halint.formats.zone.reader import _Reader, guess_origin, read_zone
from halint.formats.zone.names import NameError_, absolute_name
from halint.rules import REGISTRY
from halint.core.source import Source, read_source

BOUNDED = settings(max_examples=200, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
CTX = RuleContext(today=datetime.date(2025, 11, 25))

PIECES = [
    "$TTL 3600\n", "$TTL 1h\n", "$TTL x\n", "$ORIGIN example.com.\n", "$ORIGIN sub\n", "$ORIGIN .\n",
    "$INCLUDE other.db\n", "$INCLUDE self.db\n", "$INCLUDE /etc/bind/abs.db sub\n", "$INCLUDE ../../../../x\n",
    "$GENERATE 1-4 h$ A 192.0.2.$\n", "$GENERATE 0-3 ${0,3,n} PTR host$.\n", "$GENERATE 1-2 x${1,0,q} A 1.2.3.4\n",
    "$GENERATE 5-1 a A 1.2.3.4\n", "$DATE 20250101000000\n", "$FOO\n",
    "@ IN SOA ns1 hostmaster (2025010101 3600 900 1209600 300)\n", "@ SOA a. b. 1 2 3 4 5\n",
    "  IN NS ns1\n", "@ NS ns1.example.com.\n", "ns1 A 192.0.2.1\n", "ns1 AAAA 2001:db8::1\n", "www 300 IN A 192.0.2.2\n",
    "www IN 300 A 192.0.2.3\n", "www CNAME ns1\n", "mx MX 10 mail\n", "mx MX 10 192.0.2.9\n", "_s._tcp SRV 0 1 80 www\n",
    "txt TXT \"a b\" c\n", "txt TXT \"open\n", "svc SVCB 1 . alpn=\"h2\"\n", "x TYPE65534 \\# 2 0102\n", "y A \\# 4 0a000001\n",
    "z FOO bar\n", "w.example.org. A 192.0.2.4\n", "a..b A 1.2.3.4\n", "\\065bc A 1.2.3.4\n", "* A 1.2.3.4\n",
    "sub NS ns.sub\n", "ns.sub A 192.0.2.5\n", "www.example.com A 192.0.2.6\n", "d DNAME x.\n", "ds DS 1 8 2 " + "ab" * 32 + "\n",
    "rr RRSIG A 13 2 60 20300101000000 20250101000000 1 example.com. YWJj\n", "( ", ") ", "; c\n", "\r\n", "\t", " ", "\n",
    "\"", "\\", "@", "$", "IN ", "3600 ", "A ", "192.0.2.7", "x" * 70, "é", "\x0b",
]
CHARS = list(" \t\r\n\"();\\$@.*_-0123456789abcdefABCDEFINAxyz:/=#{},\x0b\x0c\xa0é")
texts = st.one_of(
    st.lists(st.sampled_from(PIECES), max_size=40).map("".join),
    st.text(alphabet=st.sampled_from(CHARS), max_size=300),
)


def _tree(tmp: Path, text: str) -> Path:
    bind = tmp / "hosts" / "ns" / "etc" / "bind"
    bind.mkdir(parents=True, exist_ok=True)
    (bind / "other.db").write_text("more A 192.0.2.8\n$INCLUDE db.example.com\n", encoding="utf-8")
    (bind / "self.db").write_text("$INCLUDE self.db\n", encoding="utf-8")
    (bind / "abs.db").write_text("abs A 192.0.2.9\n", encoding="utf-8")
    path = bind / "db.example.com"
    path.write_text(text, encoding="utf-8")
    return path


def _read(tmp: Path, text: str, fast: bool = True):
    path = _tree(tmp, text)
    source = read_source(path)
    reader = _Reader(TreeView(tmp, tmp / "hosts" / "ns"), SourceCache(), "example.com.")
    reader.fast = fast
    reader.read(source)
    return reader.zone(source, "test")


@BOUNDED
@given(texts)
def test_any_text_gives_diagnostics_never_an_exception(tmp_path_factory, text):
    tmp = tmp_path_factory.mktemp("z")
    path = _tree(tmp, text)
    for origin in (None, "example.com."):
        zone = read_zone(read_source(path), TreeView(tmp, tmp / "hosts" / "ns"), SourceCache(), origin=origin)
        base = read_zone(Source(path, "$TTL 60\n@ SOA a. b. 1 2 3 4 5\n"), TreeView(tmp, tmp), SourceCache(), origin=origin)
        unit = ZoneUnit(zone, base, "HEAD")
        for problem in zone.problems:
            assert 0 <= problem.span.start <= problem.span.end <= len(problem.span.source.text)
        for code, impl in REGISTRY.items():
            if code.startswith("ZN"):
                for diag in impl.check(unit, CTX):
                    assert 0 <= diag.span.start <= diag.span.end <= len(diag.span.source.text)
                    for edit in diag.fix.edits if diag.fix else ():
                        assert edit.span.text.isdigit()


def _summary(zone):
    def plain(r):
        return (r.owner, r.ttl, r.rdtype, r.rdata, r.origin, str(r.source.path), r.start, r.length)

    return (
        [plain(r) for r in zone.records],
        [plain(r) for r in zone.ignored],
        [(str(p.span.source.path), p.span.start, p.span.end, p.message) for p in zone.problems],
    )


@BOUNDED
@given(texts)
def test_the_inline_path_reads_like_the_general_path(tmp_path_factory, text):
    tmp = tmp_path_factory.mktemp("f")
    assert _summary(_read(tmp, text, fast=True)) == _summary(_read(tmp, text, fast=False))


@pytest.mark.parametrize("name", ["PowerDNS__pdns__regression-tests_zones_example.com", "isc-projects__bind9__bin_tests_system_optout_ns2_test.db"])
def test_the_inline_path_on_large_corpus_zones(name):
    path = corpus_dir("zones") / name
    source = read_source(path)
    origin, _ = guess_origin(source)
    zones = []
    for fast in (True, False):
        reader = _Reader(TreeView(path.parent, path.parent), SourceCache(), origin)
        reader.fast = fast
        reader.read(source)
        zones.append(reader.zone(source, "test"))
    assert _summary(zones[0]) == _summary(zones[1])
    assert len(zones[0].records) > 1000


# -- the cheap checks ---------------------------------------------------------------------------

octet = st.one_of(st.integers(0, 300).map(str), st.sampled_from(["00", "01", "010", "1a", "", "-1"]))
ipv4 = st.lists(octet, min_size=1, max_size=5).map(".".join)
ipv6 = st.text(alphabet=st.sampled_from(list("0123456789abcdefABCDEF:.")), max_size=45)
label = st.text(alphabet=st.sampled_from(list("abcXYZ019-_*.@\\")), max_size=70)
names = st.lists(label, max_size=5).map(".".join)
number = st.one_of(st.integers(0, 70000).map(str), st.sampled_from(["x", "-1", "", "010"]))
data = st.one_of(
    st.tuples(st.just(rd.A), ipv4),
    st.tuples(st.just(rd.AAAA), ipv6),
    st.tuples(st.sampled_from([rd.NS, rd.CNAME, rd.PTR, rd.DNAME]), names),
    st.tuples(st.just(rd.MX), st.tuples(number, names).map(" ".join)),
    st.tuples(st.just(rd.SRV), st.tuples(number, number, number, names).map(" ".join)),
    st.tuples(st.sampled_from([rd.TXT, rd.SPF]), st.text(alphabet=st.sampled_from(list('ab "\\;x')), max_size=30)),
    st.tuples(st.just(rd.TXT), st.integers(250, 260).map(lambda n: '"' + "x" * n + '"')),
)


@BOUNDED
@given(data)
def test_the_cheap_checks_accept_only_what_dnspython_accepts(item):
    rdtype, text = item
    if rd.fast_ok(rdtype, text, "example.com."):
        rd.parse(rdtype, text, "example.com.")  # raises if dnspython disagrees


@BOUNDED
@given(names.filter(bool))  # a zone file has no empty words; dnspython reads "" as the origin
def test_canonical_names_are_the_names_dnspython_reads(text):
    origin = dns.name.from_text("example.com.")
    try:
        theirs = dns.name.from_text(text, origin)
        theirs.to_wire()  # dnspython checks the total length here
    except Exception:  # noqa: BLE001
        theirs = None
    try:
        mine = absolute_name(text, "example.com.")
    except NameError_:
        mine = None
    if text == "@" or theirs is None:
        assert mine is None or text == "@"
        return
    assert mine is not None, text
    assert dns.name.from_text(mine).canonicalize() == theirs.canonicalize()


def test_different_spellings_compare_equal_after_canonical_form():
    records = [
        ("ns1.example.com.", "ns1"), ("NS1.Example.COM.", "ns1"), ("\\110s1", "ns1"),
    ]
    for written, _ in records:
        assert absolute_name(written, "example.com.") == "ns1.example.com."
    assert rd.canonical(rd.MX, "10 MAIL", "example.com.") == rd.canonical(rd.MX, "10 mail.example.com.", "example.com.")


# -- positions on the corpus ----------------------------------------------------------------------


@pytest.mark.parametrize("path", corpus_files("zones"), ids=lambda p: p.name[:80])
def test_every_record_points_at_a_line_with_its_owner_or_data(path):
    corpus_dir("zones")
    source = read_source(path)
    origin, _ = guess_origin(source)
    zone = read_zone(source, TreeView(path.parent, path.parent), SourceCache(), origin=origin or "example.")
    for record in zone.records + zone.ignored:
        line = record.source.line_text(record.span.line)
        span = record.span.text
        if line.lstrip().upper().startswith("$GENERATE"):
            continue
        owner_label = record.owner.split(".", 1)[0].lower()
        words = rd.fields(record.rdata) if record.rdata else []
        assert span and not span[0].isspace(), (path.name, record)
        assert not span[-1].isspace() or span[-2] == "\\", (path.name, record)  # an escaped blank ends a word
        assert all(w in span for w in words if '"' not in w), (path.name, record.span.line, record.rdata)
        on_line = owner_label in line.lower() or any(w in line for w in words) or record.type_name.lower() in line.lower()
        assert on_line, (path.name, record.span.line, line, record)


def test_data_change_of_a_zone_with_itself_is_empty():
    path = corpus_dir("zones") / "isc-projects__bind9__bin_tests_system_glue_ns1_tc-test-unsigned.db"
    source = read_source(path)
    a = read_zone(source, TreeView(path.parent, path.parent), SourceCache(), origin="tc-test-unsigned.")
    b = read_zone(Source(path, re.sub(r"[ \t]+", "\t", source.text)), TreeView(path.parent, path.parent), SourceCache(), origin="tc-test-unsigned.")
    assert not data_change(a, b) and len(a.records) > 50
