"""SVCB and HTTPS data read as BIND reads it (halint.formats.zone.svcb), whatever dnspython does.

dnspython 2.9 refuses an ech value that is not a whole ECHConfigList ("invalid ECHConfigList"),
and so reported a false ZN001 on BIND's own test zone good-svcb.db (``ech="ZWFzdGVyIGVnZyE="``,
base64 of "easter egg!"), which named-checkzone loads: BIND decodes ech as base64 of any octets
(svcb_64.c: ``isc_base64_decodestring``, no check in ``svcb_validate``). The table below holds
named-checkzone 9.18's verdict on each record; :func:`test_the_table_is_bind_s_verdict` checks it
against the real named-checkzone where it is installed.
"""
from __future__ import annotations

import shutil
import subprocess

import pytest
from conftest import corpus_dir, write

from halint.core.fsview import SourceCache, TreeView
from halint.formats.zone import rdata as zone_rdata
from halint.formats.zone.reader import read_zone
from halint.formats.zone.svcb import bind_base64, bind_text
from halint.core.source import read_source

CHECKZONE = shutil.which("named-checkzone")
HEAD = "$TTL 600\n@ SOA ns hostmaster 1 3600 1200 604800 1200\n NS ns\nns A 192.0.2.1\n"

#: (type, data, BIND loads it), from named-checkzone 9.18.49. Left out, as differences that
#: remain: dohpath templates (BIND checks RFC 6570 syntax and a `dns` variable, dnspython does
#: not: ``dohpath="/q"``), and with dnspython 2.8 only, ``port=+60`` and ``key1=""`` (which 2.9
#: refuses, as BIND does)
CASES = [
    # ech: base64 of any octets, blanks skipped, empty allowed (dnspython 2.9 refuses each)
    ("SVCB", '1 . ech="ZWFzdGVyIGVnZyE="', True),
    ("SVCB", "1 . ech=ZWFzdGVyIGVnZyE=", True),
    ("SVCB", '1 . ech="abcd"', True),
    ("SVCB", '1 . ech="AQ=="', True),
    ("SVCB", '1 . ech="AAA="', True),
    ("SVCB", '1 . ech="ZW Fz"', True),
    ("SVCB", '1 . ech="AQ== "', True),
    ("SVCB", '1 . ech=""', True),
    ("SVCB", "1 . ech", True),
    ("SVCB", "1 . ech=", True),
    ("SVCB", "1 . ech= port=1", True),
    ("SVCB", '1 . ech="AAQAAAAA"', True),
    ("SVCB", '1 . mandatory=ech ech="ZWFzdGVyIGVnZyE="', True),
    ("HTTPS", '1 . port=60 alpn=h3 ech="ZWFzdGVyIGVnZyE="', True),
    ("HTTPS", "1 . ech", True),
    # ech that BIND refuses ("bad base64 encoding"): dnspython 2.8 took some of these
    ("SVCB", '1 . ech="ZWF"', False),
    ("SVCB", '1 . ech="ZW=="', False),
    ("SVCB", '1 . ech="AB=="', False),
    ("SVCB", '1 . ech="AAB="', False),
    ("SVCB", '1 . ech="ZQ==ZQ=="', False),
    ("SVCB", '1 . ech="=AAA"', False),
    ("SVCB", '1 . ech="AA=A"', False),
    ("SVCB", '1 . ech="Z!Q="', False),
    ("SVCB", '1 . ech="Zm9v\\066Fy"', False),
    ("SVCB", '1 . ech="Zm9v\\Ymfy"', False),
    ("SVCB", '1 . port=60 ech="ZWFzdGVyIGVnZyE=" ech="abcd"', False),
    ("SVCB", '1 . ech="AAQAAAAA" ECH="x"', False),
    # key5 and the keys BIND has no name for (8 and up): any text
    ("SVCB", '1 . key5="ZWFzdGVyIGVnZyE="', True),
    ("SVCB", '1 . key5="abc"', True),
    ("SVCB", '1 . key5=""', True),
    ("SVCB", "1 . key5", True),
    ("SVCB", '1 . key5="\\000\\004abcd"', True),
    ("SVCB", '1 . key8="x"', True),
    ("SVCB", "1 . key8", True),
    ("SVCB", '1 . key10="a,b"', True),
    ("SVCB", '1 . key10="a\\bc"', True),
    ("SVCB", '1 . key10="a\\\\"', True),
    ("SVCB", "1 . key10=a\\098", True),
    ("SVCB", '1 . key11="abc"', True),
    ("SVCB", '1 . key65535="x"', True),
    ("SVCB", '1 . key10="a\\300"', False),
    ("SVCB", '1 . key0065="x"', False),
    # names: BIND knows eight, in any letter case (then the value is read as text)
    ("SVCB", "1 . Port=60", True),
    ("SVCB", '1 . ECH="ZWFzdGVyIGVnZyE="', True),
    ("SVCB", "1 . Ech", True),
    ("SVCB", "1 . NO-DEFAULT-ALPN alpn=h2", True),
    ("SVCB", '1 . ALPN="\\002h2"', True),
    ("SVCB", '1 . IPV4HINT="\\001\\002\\003\\004"', True),
    ("SVCB", '1 . DOHPATH="/{?dns}"', True),
    ("SVCB", '1 . MANDATORY="\\000\\003" port=1', True),
    ("SVCB", "1 . mandatory=PORT port=60", True),
    ("SVCB", "1 . mandatory=ECH ech", True),
    ("SVCB", "1 . PORT", False),
    ("SVCB", "1 . ALPN=h2", False),
    ("SVCB", '1 . IPV4HINT="1.2.3.4"', False),
    ("SVCB", "1 . Mandatory=port port=1", False),
    ("SVCB", "1 . mandatory=Key3 port=1", False),
    ("SVCB", '1 . KEY9999="x"', False),
    ("SVCB", '1 . k\\ey5="x"', False),
    ("SVCB", "1 . ohttp", False),
    ("SVCB", '1 . docpath="a"', False),
    # AliasMode with parameters: BIND reads them as for any priority
    ("SVCB", '0 . ech="abcd"', True),
    ("SVCB", "0 . port=1", True),
    ("HTTPS", "0 . port=1", True),
    ("SVCB", "0 . port=x", False),
    # the rest is dnspython's check, as before
    ("SVCB", "0 example.net.", True),
    ("SVCB", '7 . alpn="h2,h3" dohpath=/{?dns}', True),
    ("SVCB", '8 . mandatory=port,alpn port=60 alpn="h1\\\\,h2,h3"', True),
    ("SVCB", "1 . mandatory=key3 port=60", True),
    ("SVCB", '1 . port="060"', True),
    ("SVCB", "1 . no-default-alpn alpn=h2", True),
    ("SVCB", '1 . key3="ab"', True),
    ("SVCB", "1 . ipv6hint=::1,::2", True),
    ("SVCB", "1 . mandatory=ech port=60", False),
    ("SVCB", "1 . mandatory=port,port port=60", False),
    ("SVCB", "1 . port=60 port=61", False),
    ("SVCB", "1 . port=6a", False),
    ("SVCB", '1 . key3="a"', False),
    ("SVCB", "1 . key2", False),
    ("SVCB", "1 . alpn", False),
    ("SVCB", "1 . alpn=h2,,h3", False),
    ("SVCB", "1 . ipv4hint=1.2.3.4,", False),
    # the generic form: BIND's fromwire checks no ech or unnamed key either
    ("SVCB", "\\# 24 00010000030002003c0005000b6561737465722065676721", True),  # ech "easter egg!"
    ("SVCB", "\\# 7 00010000050000", True),  # empty ech
    ("SVCB", "\\# 8 0001000008000178", True),  # key8 "x"
    ("SVCB", "\\# 10 000100000a0003612c62", True),  # key10 "a,b"
    ("SVCB", "\\# 9 00000000030002003c", True),  # AliasMode, port 60
    ("SVCB", "\\# 14 000100000500014100030002003c", False),  # keys out of order
    ("SVCB", "\\# 8 000100000300013c", False),  # a port of one octet
]


def _zone(tmp_path, rtype: str, data: str):
    path = write(tmp_path, "db.example", f"{HEAD}x {rtype} {data}\n")
    return read_zone(read_source(path), TreeView(tmp_path, tmp_path), SourceCache(), origin="example.", origin_from="test")


@pytest.mark.parametrize(("rtype", "data", "loads"), CASES, ids=[f"{t} {d}" for t, d, _ in CASES])
def test_halint_reads_svcb_as_bind_does(tmp_path, rtype, data, loads):
    problems = [p.message for p in _zone(tmp_path, rtype, data).problems]
    assert (problems == []) == loads, problems


@pytest.mark.slow
@pytest.mark.skipif(CHECKZONE is None, reason="named-checkzone (bind9-utils) is not installed")
def test_the_table_is_bind_s_verdict(tmp_path):
    wrong = []
    for rtype, data, loads in CASES:
        path = write(tmp_path, "db.example", f"{HEAD}x {rtype} {data}\n")
        done = subprocess.run([CHECKZONE, "-i", "local", "example", str(path)], capture_output=True, text=True, timeout=60)
        if (done.returncode == 0) != loads:
            wrong.append((rtype, data, done.stdout + done.stderr))
    assert wrong == []


def test_bind_s_own_good_svcb_zone_loads(tmp_path):
    """The record of BIND's good-svcb.db that dnspython 2.9 refuses, with the file's own lines."""
    zone = _zone(tmp_path, "SVCB", '1 . port=60 alpn=h3 ech="ZWFzdGVyIGVnZyE="')
    assert zone.problems == ()
    (record,) = [r for r in zone.records if r.owner == "x.example."]
    rdata = zone_rdata.parse(record.rdtype, record.rdata, record.origin)
    assert rdata.to_text() == '1 . alpn="h3" port="60" ech="ZWFzdGVyIGVnZyE="'  # dnspython's text, the real ech
    # the wire form BIND loads: port 60, alpn h3, ech the 11 octets of "easter egg!"
    wire = bytes.fromhex("0001 00 0001 0003 026833 0003 0002 003c 0005 000b") + b"easter egg!"
    assert rdata.to_wire() == wire
    assert zone_rdata.canonical(record.rdtype, record.rdata, record.origin) == wire
    generic = f"\\# {len(wire)} {wire.hex()}"
    assert zone_rdata.canonical(record.rdtype, generic, record.origin) == wire


def test_the_corpus_good_svcb_zone_loads():
    path = corpus_dir("zones") / "isc-projects__bind9__bin_tests_system_checkzone_zones_good-svcb.db"
    zone = read_zone(read_source(path), TreeView(path.parent, path.parent), SourceCache(), origin="example.", origin_from="test")
    assert [p.message for p in zone.problems] == []
    assert len([r for r in zone.records if r.rdtype == 64]) == 11


def test_a_bad_ech_says_why():
    reason = zone_rdata.check(64, '1 . ech="ZW=="', "example.")
    assert reason == 'ech is not base64 (BIND: "bad base64 encoding")'
    reason = zone_rdata.check(65, "1 . ohttp", "example.")
    assert reason is not None and reason.startswith("unknown SvcParamKey `ohttp`")


@pytest.mark.parametrize(
    ("text", "octets"),
    [
        ("", b""), ("ZWFzdGVyIGVnZyE=", b"easter egg!"), ("ZW Fz\tdGVy", b"easter"), ("AQ==", b"\x01"),
        ("AAA=", b"\x00\x00"), ("ZW==", None), ("AAB=", None), ("AQ==AQ==", None), ("AQ=", None), ("A===", None),
        ("=AAA", None), ("AA=A", None), ("Zm9v\\Ymfy", None), ("Zm9vYmFy", b"foobar"), ("Zm9vYg", None), ("é", None),
    ],
)
def test_bind_base64(text, octets):
    assert bind_base64(text) == octets


@pytest.mark.parametrize(
    ("text", "octets"),
    [("", b""), ("a,b", b"a,b"), ("a\\,b", b"a,b"), ("\\000\\255", b"\x00\xff"), ("a\\098", b"ab"), ("a\\\\", b"a\\"),
     ("a\\256", None), ("a\\09", None), ("a\\", None)],
)
def test_bind_text(text, octets):
    assert bind_text(text) == octets
