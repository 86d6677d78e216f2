"""The zone front end: the origin, owner names, TTLs and classes as BIND settles them, the
directives ($ORIGIN, $TTL, $INCLUDE, $GENERATE), parentheses, quotes, comments, line ends,
record positions, what makes a zone fail to load (ZN001 problems), discovery's sniff, names,
serial arithmetic and the comparison of two versions of a zone."""
from __future__ import annotations

import datetime
import textwrap
from pathlib import Path

import pytest
from conftest import write

from halint.core.fsview import SourceCache, TreeView
from halint.formats.zone.model import data_change, date_form, next_serial, serial_compare, serial_increased
from halint.formats.zone import rdata as rd
from halint.formats.zone.reader import genname, guess_origin, read_zone, zone_sniff
from halint.formats.zone.names import NameError_, absolute_name, is_subdomain, parse_ttl
from halint.core.source import read_source

SOA = "@ IN SOA ns1.example.com. hostmaster.example.com. 2025010101 3600 900 1209600 300\n"


def zone_at(tmp_path: Path, text: str, rel: str = "hosts/ns/etc/bind/db.example.com", origin="example.com.", files=None):
    for name, body in (files or {}).items():
        write(tmp_path, name, textwrap.dedent(body).lstrip("\n") if isinstance(body, str) else body)
    path = write(tmp_path, rel, textwrap.dedent(text).lstrip("\n") if isinstance(text, str) else text)
    host_root = tmp_path / "hosts" / "ns" if rel.startswith("hosts/ns/") else tmp_path
    return read_zone(read_source(path), TreeView(tmp_path, host_root), SourceCache(), origin=origin)


def recs(zone):
    return [(r.owner, r.ttl, r.type_name, r.rdata) for r in zone.records]


def probs(zone):
    return [(p.span.source.position(p.span.start), p.message) for p in zone.problems]


# -- the origin -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, name, origin, how",
    [
        ("$TTL 60\nexample.org. IN SOA a. b. 1 2 3 4 5\n", "zonefile", "example.org.", "SOA owner at line 2"),
        ("$ORIGIN example.net.\n$TTL 60\n@ IN SOA a. b. 1 2 3 4 5\n", "zonefile", "example.net.", "$ORIGIN at line 1"),
        ("$ORIGIN .\n$TTL 60\nexample.nil IN SOA a. b. 1 2 3 4 5\n", "zonefile", "example.nil.", "SOA owner at line 3"),
        ("$ORIGIN example.net.\nwww A 192.0.2.1\n", "zonefile", "example.net.", "$ORIGIN at line 1"),
        ("$TTL 60\n@ IN SOA a. b. 1 2 3 4 5\n", "db.example.com", "example.com.", "file name db.example.com"),
        ("$TTL 60\n@ IN SOA a. b. 1 2 3 4 5\n", "example.com.zone", "example.com.", "file name example.com.zone"),
        ("$TTL 60\n@ IN SOA a. b. 1 2 3 4 5\n", "example.com.db", "example.com.", "file name example.com.db"),
        ("$TTL 60\n@ IN SOA a. b. 1 2 3 4 5\n", "db.192.168.1", "1.168.192.in-addr.arpa.", "file name db.192.168.1"),
    ],
)
def test_the_origin_is_guessed_in_order(tmp_path, text, name, origin, how):
    source = read_source(write(tmp_path, name, text))
    found, said = guess_origin(source)
    assert found == origin
    assert said.startswith(how)


def test_no_origin_at_all_is_explained(tmp_path):
    path = write(tmp_path, "zonefile", "$TTL 60\n@ IN SOA a. b. 1 2 3 4 5\n")
    zone = read_zone(read_source(path), TreeView(tmp_path, tmp_path), SourceCache())
    assert zone.origin is None and "no origin" in zone.origin_from and zone.records == ()


def test_a_given_origin_wins_and_is_made_absolute(tmp_path):
    path = write(tmp_path, "db.example.com", "$ORIGIN other.\n" + SOA)
    zone = read_zone(read_source(path), TreeView(tmp_path, tmp_path), SourceCache(), origin="Example.COM", origin_from="named.conf:3")
    assert zone.origin == "example.com." and zone.origin_from == "named.conf:3"


# -- owners, TTLs, classes --------------------------------------------------------------------


def test_owner_names_ttls_and_classes_as_bind_reads_them(tmp_path):
    zone = zone_at(tmp_path, f"""
        $TTL 1h
        {SOA}
        @            NS    ns1
        ns1   300    IN A  192.0.2.1
              IN 600 AAAA  2001:db8::1
        WWW.Example.COM.  A  192.0.2.2
        mail  1D     MX    10 ns1.example.com.
    """)
    assert zone.problems == ()
    assert recs(zone) == [
        ("example.com.", 3600, "SOA", "ns1.example.com. hostmaster.example.com. 2025010101 3600 900 1209600 300"),
        ("example.com.", 3600, "NS", "ns1"),
        ("ns1.example.com.", 300, "A", "192.0.2.1"),
        ("ns1.example.com.", 600, "AAAA", "2001:db8::1"),
        ("www.example.com.", 3600, "A", "192.0.2.2"),
        ("mail.example.com.", 86400, "MX", "10 ns1.example.com."),
    ]
    assert [r.origin for r in zone.records] == ["example.com."] * 6


def test_without_ttl_directive_the_previous_ttl_or_the_soa_minimum_applies(tmp_path):
    zone = zone_at(tmp_path, """
        @ IN SOA ns1 hostmaster 1 3600 900 1209600 300
          IN NS ns1
        ns1 7200 IN A 192.0.2.1
        www IN A 192.0.2.2
    """)
    assert [r.ttl for r in zone.records] == [300, 300, 7200, 300]
    zone = zone_at(tmp_path, """
        @ 100 IN SOA ns1 hostmaster 1 3600 900 1209600 300
          IN NS ns1
        ns1 7200 IN A 192.0.2.1
        www IN A 192.0.2.2
    """)
    assert [r.ttl for r in zone.records] == [100, 100, 7200, 7200]  # RFC 1035: the last stated TTL


def test_a_record_without_any_ttl_is_a_problem(tmp_path):
    zone = zone_at(tmp_path, "www IN A 192.0.2.1\n" + SOA)
    assert probs(zone)[0][0] == (1, 1) and "no TTL for www.example.com. A" in probs(zone)[0][1]


def test_a_ttl_over_2_31_is_loaded_as_zero(tmp_path):
    zone = zone_at(tmp_path, "$TTL 60\n" + SOA + "www 4294967295 IN A 192.0.2.1\n")
    assert zone.records[-1].ttl == 0


def test_a_line_starting_with_a_blank_needs_a_previous_owner(tmp_path):
    zone = zone_at(tmp_path, "$TTL 60\n   IN A 192.0.2.1\n" + SOA)
    assert "repeats the previous owner" in probs(zone)[0][1]


def test_a_bad_owner_is_reported_once_and_its_blank_led_lines_are_dropped(tmp_path):
    zone = zone_at(tmp_path, "$TTL 60\n" + SOA + "  IN NS ns1\na..b IN A 192.0.2.1\n  IN TXT x\nok IN A 192.0.2.2\n")
    assert [m for _, m in probs(zone)] == ["bad owner name: empty label in `a..b`"]
    assert recs(zone)[-1][0] == "ok.example.com."


def test_another_class_is_a_problem(tmp_path):
    zone = zone_at(tmp_path, "$TTL 60\n" + SOA + "  NS ns1\nwww CH A 192.0.2.1\n")
    assert probs(zone) == [((4, 5), "class CH in a zone of class IN")]


# -- text: parentheses, quotes, comments, line ends --------------------------------------------


def test_parentheses_comments_and_positions(tmp_path):
    zone = zone_at(tmp_path, """
        $TTL 3600 ; default
        @  IN SOA ns1.example.com. hostmaster.example.com. ( ; start
                2025010101 ; serial
                3600 900   ; refresh, retry
                1209600 300 )
           IN NS ns1 ; name server
        ns1 IN A 192.0.2.1
    """)
    assert zone.problems == ()
    soa = zone.soa
    assert (soa.serial, soa.refresh, soa.retry, soa.expire, soa.minimum) == (2025010101, 3600, 900, 1209600, 300)
    assert soa.record.span.line == 2 and soa.record.span.source.position(soa.record.span.start) == (2, 1)
    serial = soa.span_of("serial")
    assert serial.text == "2025010101" and serial.source.position(serial.start) == (3, 9)
    assert soa.span_of("minimum").source.position(soa.span_of("minimum").start) == (5, 17)
    assert [r.span.line for r in zone.records] == [2, 6, 7]


def test_crlf_tabs_and_no_final_newline(tmp_path):
    zone = zone_at(tmp_path, b"$TTL 60\r\n@\tIN\tSOA\tns1 h 1 3600 900 1209600 300\r\n\tNS\tns1\r\nns1\tA\t192.0.2.1")
    assert zone.problems == ()
    assert recs(zone)[-1] == ("ns1.example.com.", 60, "A", "192.0.2.1")
    assert zone.records[-1].span.text == "ns1\tA\t192.0.2.1"


def test_quoted_strings_keep_their_blanks_and_semicolons(tmp_path):
    zone = zone_at(tmp_path, '$TTL 60\n' + SOA + '  NS ns1\ntxt TXT "a ; b  c" plain\nsvc SVCB 1 . alpn="h2,h3" port=443\n')
    assert zone.problems == ()
    assert recs(zone)[-2][3] == '"a ; b  c" plain'
    assert recs(zone)[-1][3] == 'svc SVCB 1 . alpn="h2,h3" port=443'.split(" ", 2)[2]


def test_lexical_errors_are_problems_at_their_place(tmp_path):
    zone = zone_at(tmp_path, '$TTL 60\n' + SOA + '  NS ns1\ntxt TXT "open\nwww A 192.0.2.1 )\nx ( A\n')
    assert [(pos, msg.split(" (")[0]) for pos, msg in probs(zone)] == [
        ((4, 9), "unterminated quoted string"),
        ((5, 17), "`)` without a matching `(`"),
        ((6, 3), "`(` is never closed"),
    ]
    assert [r.type_name for r in zone.records] == ["SOA", "NS"]


BOM = b"\xef\xbb\xbf"  # a UTF-8 byte-order mark: BIND reads it as part of the first word
MARK = "the file starts with a UTF-8 byte-order mark (bytes EF BB BF), which BIND reads "


BODY = "  NS ns1\nns1 A 192.0.2.1\n"


@pytest.mark.parametrize(
    "text, message",
    [
        # named-checkzone 9.18: "unexpected end of line" (the mark and $TTL are an owner name)
        ("$TTL 60\n" + SOA + BODY,
         "as part of the first word, `$TTL`: the record for \\239\\187\\191$ttl.example.com. has no type; remove the mark"),
        ("; a comment\n$TTL 60\n" + SOA + BODY,
         "as a word of its own, an owner name: the record for \\239\\187\\191.example.com. has no type; remove the mark"),
        # "SOA record not at top of zone (\239\187\191\@.example.com)"
        (SOA.replace("IN SOA", "60 IN SOA") + BODY,
         "as part of the first word, `@`: SOA record for \\239\\187\\191@.example.com., which is not the zone's "
         "origin example.com.; an SOA belongs at the top of its zone, and BIND refuses this one; remove the mark"),
        # "\239\187\191www.example.com: bad owner name (check-names)": named's default for a
        # primary zone is `fail` (named-checkconf -z refuses the zone; named-checkzone warns)
        ("www 60 A 192.0.2.7\n$TTL 60\n" + SOA + BODY,
         "as part of the first word, `www`: the owner becomes \\239\\187\\191www.example.com., which is no host "
         "name, and named refuses the zone (check-names: `fail` by default for a primary zone; named-checkzone "
         "only warns); remove the mark"),
    ],
)
def test_a_byte_order_mark_is_part_of_the_first_word_for_bind(tmp_path, text, message):
    zone = zone_at(tmp_path, BOM + text.encode())
    marked = [p for p in probs(zone) if p[1].startswith(MARK)]
    assert marked == [((1, 1), MARK + message)]
    assert zone_at(tmp_path, text).problems == ()  # without the mark, the same zone loads


def test_a_byte_order_mark_before_another_owner_moves_the_record(tmp_path):
    # named-checkzone (and named) load this zone: the TXT record's owner gains the three bytes
    zone = zone_at(tmp_path, BOM + b"www 60 TXT hello\n$TTL 60\n" + (SOA + "  NS ns1\nns1 A 192.0.2.1\n").encode())
    assert zone.problems == ()
    assert recs(zone)[0] == ("\\239\\187\\191www.example.com.", 60, "TXT", "hello")
    # the origin halint guesses for a file that no named.conf names is the intended one: the
    # $ORIGIN behind the mark (BIND itself gets the origin from named.conf)
    source = read_source(write(tmp_path, "zonefile", BOM + b"$ORIGIN example.net.\n$TTL 60\n@ IN SOA a. b. 1 2 3 4 5\n"))
    assert source.text.startswith("\ufeff$ORIGIN") and guess_origin(source) == ("example.net.", "$ORIGIN at line 1")


def test_an_empty_zone_file_says_so(tmp_path):
    zone = zone_at(tmp_path, "")
    assert probs(zone) == [((1, 1), 'the file is empty, so the zone has no SOA record at its origin example.com. (BIND: "has 0 SOA records")')]


# -- record data --------------------------------------------------------------------------------


def test_bad_data_is_reported_at_the_data(tmp_path):
    zone = zone_at(tmp_path, "$TTL 60\n" + SOA + "  NS ns1\nwww     IN A    192.0.2.300\nmx MX x mail\n")
    assert probs(zone) == [
        ((4, 17), "bad A data `192.0.2.300` for www.example.com.: malformed"),
        ((5, 7), "bad MX data `x mail` for mx.example.com.: a number was expected"),
    ]
    assert [r.type_name for r in zone.records] == ["SOA", "NS"]


def test_generic_data_and_type_numbers(tmp_path):
    zone = zone_at(tmp_path, "$TTL 60\n" + SOA + "  NS ns1\na TYPE1 \\# 4 0a000001\nb TYPE65534 \\# 2 0102\nc A \\# 3 0a0000\n")
    assert recs(zone)[2:] == [("a.example.com.", 60, "A", "\\# 4 0a000001"), ("b.example.com.", 60, "TYPE65534", "\\# 2 0102")]
    assert "bad A data" in probs(zone)[0][1]


def test_unknown_meta_and_obsolete_types(tmp_path):
    zone = zone_at(tmp_path, "$TTL 60\n" + SOA + "  NS ns1\na FOO x\nb AXFR x\nc MD x.\nd MB x.\n  ANY A 192.0.2.1\n")
    assert [m for _, m in probs(zone)] == [
        "unknown record type `FOO`",
        "type AXFR cannot be loaded from a zone file: a meta type, only meaningful in queries",
        "type MD cannot be loaded from a zone file: obsolete (RFC 1123 5.2.4)",
        "class ANY in a zone of class IN",  # BIND reads a class before a type
    ]
    assert recs(zone)[-1] == ("d.example.com.", 60, "MB", "x.")  # dnspython has no text form for MB: not checked


def test_rrsig_times_after_2106_wrap_as_bind_reads_them(tmp_path):
    sig = "A 13 2 3600 21220222132804 21220208115804 38084 example.com. YWJj"
    zone = zone_at(tmp_path, "$TTL 60\n" + SOA + f"  NS ns1\nwww A 192.0.2.1\nwww RRSIG {sig}\n")
    assert zone.problems == () and zone.records[-1].covers == rd.A


def test_data_too_big_for_a_message_is_refused(tmp_path):
    words = " ".join(["x" * 200] * 330)
    zone = zone_at(tmp_path, "$TTL 60\n" + SOA + f"  NS ns1\nbig TXT {words}\n")
    assert "a record holds at most 65512" in probs(zone)[0][1]


def test_zone_level_problems(tmp_path):
    zone = zone_at(tmp_path, "$TTL 60\nwww A 192.0.2.1\n")
    assert probs(zone) == [((2, 1), 'the zone has no SOA record at its origin example.com. (BIND: "has 0 SOA records")')]
    zone = zone_at(tmp_path, "$TTL 60\n" + SOA + "@ SOA ns2 h 2 3600 900 1209600 300\nsub SOA ns1 h 1 1 1 1 1\n@ DS 1 8 2 " + "ab" * 32 + "\n*.w NS ns1\n")
    messages = [m for _, m in probs(zone)]
    assert any("SOA record for sub.example.com., which is not the zone's origin" in m for m in messages)
    assert any("DS record at the zone's origin" in m for m in messages)
    assert any("wildcard name *.w.example.com." in m for m in messages)
    assert any(m.startswith("a second SOA record for example.com. (the first is at line 2)") for m in messages)


def test_records_outside_the_origin_are_kept_apart(tmp_path):
    zone = zone_at(tmp_path, "$TTL 60\n" + SOA + "  NS ns1\nwww.example.org. A 192.0.2.1\n$ORIGIN example.net.\nx A 192.0.2.2\n")
    assert [(r.owner, r.span.line) for r in zone.ignored] == [("www.example.org.", 4), ("x.example.net.", 6)]
    assert zone.problems == ()


# -- directives ---------------------------------------------------------------------------------


def test_origin_changes_apply_to_owners_and_data(tmp_path):
    zone = zone_at(tmp_path, "$TTL 60\n" + SOA + "  NS ns1\n$ORIGIN sub.example.com.\nwww CNAME web\n$ORIGIN example.com.\n")
    record = zone.records[-1]
    assert (record.owner, record.origin, record.target) == ("www.sub.example.com.", "sub.example.com.", "web.sub.example.com.")


def test_directive_errors(tmp_path):
    zone = zone_at(tmp_path, "$TTL 1h30\n$ORIGIN\n$FOO bar\n$TTL 60 x\n$DATE 20250101000000\n" + SOA)
    assert [m for _, m in probs(zone)] == [
        "bad $TTL value `1h30`",
        "$ORIGIN without a name",
        "unknown directive `$FOO` ($ORIGIN, $TTL, $INCLUDE, $GENERATE or $DATE)",
        "unexpected text after $TTL: `x`",
    ]


def test_include_relative_absolute_with_origin_and_state(tmp_path):
    zone = zone_at(
        tmp_path,
        f"""
        $TTL 60
        {SOA}
          NS ns1
        mail A 192.0.2.9
        $INCLUDE db.part
        www A 192.0.2.1
        $INCLUDE /etc/bind/common.inc sub.example.com.
        """,
        files={
            "hosts/ns/etc/bind/db.part": "  TXT inherited\n$ORIGIN other.example.com.\n$TTL 99\nns1 A 192.0.2.53\n",
            "hosts/ns/etc/bind/common.inc": "host A 192.0.2.7\n",
        },
    )
    assert zone.problems == ()
    assert recs(zone)[2:] == [
        ("mail.example.com.", 60, "A", "192.0.2.9"),
        ("mail.example.com.", 60, "TXT", "inherited"),  # the included file starts with the current owner
        ("ns1.other.example.com.", 99, "A", "192.0.2.53"),
        ("www.example.com.", 99, "A", "192.0.2.1"),  # origin restored, $TTL carries on (BIND)
        ("host.sub.example.com.", 99, "A", "192.0.2.7"),
    ]
    assert [s.path.name for s in zone.sources] == ["db.example.com", "db.part", "common.inc"]
    assert zone.records[3].span.source.path.name == "db.part" and zone.records[3].span.line == 1


def test_include_problems(tmp_path):
    zone = zone_at(
        tmp_path,
        "$TTL 60\n" + SOA + "  NS ns1\n$INCLUDE missing.db\n$INCLUDE ../../../../../outside.db\n$INCLUDE loop.db\n",
        files={"hosts/ns/etc/bind/loop.db": "$INCLUDE db.example.com\n", "outside.db": "x A 192.0.2.1\n"},
    )
    found = probs(zone)
    assert found[0] == ((4, 10), "$INCLUDE missing.db: file not found; BIND refuses to load the zone")
    assert found[1][0] == (5, 10) and "resolves outside the checked tree" in found[1][1]
    assert "include cycle" in found[2][1] and found[2][0] == (1, 10)


def test_generate_with_bind_modifiers(tmp_path):
    zone = zone_at(tmp_path, """
        $TTL 60
        @ SOA ns1 h 1 3600 900 1209600 300
          NS ns1
        $GENERATE 1-3 host$ A 192.0.2.$
        $GENERATE 8-9/1 ${10,3,d}.x CNAME host${-7}
        $GENERATE 1024-1024 ${0,3,n} AAAA 2001:db8::${0,4,x}
        $GENERATE 1-1 a$$b TXT "v=$"
    """)
    assert zone.problems == ()
    assert recs(zone)[2:] == [
        ("host1.example.com.", 60, "A", "192.0.2.1"),
        ("host2.example.com.", 60, "A", "192.0.2.2"),
        ("host3.example.com.", 60, "A", "192.0.2.3"),
        ("018.x.example.com.", 60, "CNAME", "host1"),
        ("019.x.example.com.", 60, "CNAME", "host2"),
        ("0.0.4.example.com.", 60, "AAAA", "2001:db8::0400"),
        ("a$b.example.com.", 60, "TXT", "v=1"),
    ]
    assert {r.span.line for r in zone.records[2:5]} == {4}


def test_generate_errors(tmp_path):
    zone = zone_at(tmp_path, "$TTL 60\n" + SOA + "  NS ns1\n$GENERATE 5-1 x$ A 192.0.2.$\n$GENERATE 0-1 h$ A 1.2.3.${1,0,dgarbage}\n$GENERATE 250-260 h$ A 192.0.2.$\n")
    messages = [m for _, m in probs(zone)]
    assert messages[0].startswith("$GENERATE: invalid range `5-1`")
    assert messages[1].startswith("$GENERATE at 0: bad modifier")
    assert messages[2].startswith("bad A data `192.0.2.256` for h256.example.com.")


@pytest.mark.parametrize(
    "pattern, it, out",
    [
        ("h$", 7, "h7"), ("$$", 1, "$"), ("\\$x$", 2, "\\$x2"), ("${0,4}", 5, "0005"), ("${1,2,x}", 254, "ff"),
        ("${0,0,X}", 255, "FF"), ("${0,0,o}", 8, "10"), ("${-10}", 3, "-7"), ("${0,3,n}", 0x12, "2.1"), ("${0,4,n}", 0x12, "2.1."),
        ("${0,0,N}", 0xAB, "B.A"), ("${-2000,0,n}", 1024, "0.3.c.f.f.f.f.f"),
    ],
)
def test_genname(pattern, it, out):
    assert genname(pattern, it) == out


# -- discovery ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "head, claimed",
    [
        (b"$TTL 86400\n@ IN SOA a. b. (1 2 3 4 5)\n", True),
        (b"; comment\n$ORIGIN example.com.\n", True),
        (b"@ IN SOA ns1.example.com. admin.example.com. (2025110408 3600 1800 604800 86400)\n", True),
        (b"example.com. 3600 IN SOA ns1 hostmaster (\n    1 ; serial\n", True),
        (b"zone \"example.com\" {\n type master;\n};\n", False),
        (b"see the SOA record for details\n", False),
        (b"www IN A 192.0.2.1\n", False),
    ],
)
def test_zone_sniff(head, claimed):
    assert zone_sniff("whatever", head) is claimed


# -- names, TTLs --------------------------------------------------------------------------------


def test_names_compare_in_one_canonical_spelling():
    origin = "example.com."
    spellings = ["WWW", "www.example.com.", "\\119ww", "w\\087w.EXAMPLE.com."]
    assert {absolute_name(s, origin) for s in spellings} == {"www.example.com."}
    assert absolute_name("a\\.b", origin) == "a\\.b.example.com."
    assert absolute_name("@", origin) == origin and absolute_name(".", origin) == "."
    assert absolute_name("x", ".") == "x."


@pytest.mark.parametrize("text", ["a..b", ".a", "x" * 64, ("a" * 60 + ".") * 5, "a\\25", "a\\300", "a\\"])
def test_bad_names(text):
    with pytest.raises(NameError_):
        absolute_name(text, "example.com.")


def test_subdomains_respect_escaped_dots():
    assert is_subdomain("www.example.com.", "example.com.")
    assert is_subdomain("example.com.", "example.com.") and is_subdomain("x.", ".")
    assert not is_subdomain("wwwexample.com.", "example.com.")
    assert is_subdomain("a\\\\.example.com.", "example.com.")  # an escaped backslash, then a real dot
    assert not is_subdomain("a\\.example.com.", "example.com.")


@pytest.mark.parametrize(
    "text, value",
    [("3600", 3600), ("1h", 3600), ("1W2d", 777600), ("1h30m", 5400), ("1h30", None), ("h", None),
     ("4294967295", 4294967295), ("4294967296", None), ("-1", None), ("IN", None)],
)
def test_ttls(text, value):
    assert parse_ttl(text) == value


# -- serials and versions -----------------------------------------------------------------------


def test_serial_arithmetic():
    assert serial_compare(1, 2) == -1 and serial_compare(2, 1) == 1 and serial_compare(5, 5) == 0
    assert serial_compare(4294967295, 0) == -1  # 0 follows 2^32-1 (RFC 1982 3.2)
    assert serial_compare(0, 2**31) is None
    assert serial_increased(2025110408, 2025110409) and not serial_increased(2025110408, 2025110407)


def test_next_serial():
    today = datetime.date(2025, 11, 25)
    assert next_serial(2025110408, today) == 2025112500
    assert next_serial(2025112507, today) == 2025112508
    assert next_serial(2030010100, today) == 2030010101
    assert next_serial(1742000000, today) == 1742000001
    assert next_serial(4294967295, today) == 0
    assert next_serial(2025023101, today) == 2025023102  # not a real date: a counter
    assert date_form(2025110408) == (datetime.date(2025, 11, 4), 8)
    assert date_form(2025023101) == (None, 1)
    assert date_form(1742000000) is None and date_form(42) is None


def test_data_change_ignores_layout_and_spelling(tmp_path):
    old = zone_at(tmp_path, "$TTL 60\n" + SOA + "  NS ns1\nns1 A 192.0.2.1\nwww CNAME web\nweb A 192.0.2.2\n")
    same = zone_at(
        tmp_path,
        "; reordered\n$TTL 60\n@ IN SOA ns1.example.com. HOSTMASTER.example.com. (9 3600 900\n 1209600 300)\n"
        "web.example.com. A 192.0.2.2\n@ NS ns1.example.com.\nwww CNAME WEB.example.com.\nns1 A 192.0.2.1 ; x\n",
        rel="hosts/ns/etc/bind/db.example.com.new",
    )
    assert not data_change(old, same)
    moved = zone_at(tmp_path, "$TTL 60\n" + SOA + "  NS ns1\nns1 A 192.0.2.1\nwww CNAME web\nweb A 192.0.2.3\n", rel="v3/db.example.com")
    change = data_change(old, moved)
    assert [r.rdata for r in change.added] == ["192.0.2.3"] and [r.rdata for r in change.removed] == ["192.0.2.2"]
    ttl = zone_at(tmp_path, "$TTL 61\n" + SOA + "  NS ns1\nns1 A 192.0.2.1\nwww CNAME web\nweb A 192.0.2.2\n", rel="v4/db.example.com")
    assert data_change(old, ttl)
    timers = zone_at(tmp_path, "$TTL 60\n" + SOA.replace(" 300\n", " 301\n") + "  NS ns1\nns1 A 192.0.2.1\nwww CNAME web\nweb A 192.0.2.2\n", rel="v5/db.example.com")
    assert data_change(old, timers)
