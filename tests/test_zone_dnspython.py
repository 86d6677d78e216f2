"""halint's streaming zone reader against a plain dnspython load: on every corpus zone that
``dns.zone.from_text`` loads, halint reads the same records (owner, type, data in dnspython's
canonical text, TTL), so the fast path, which builds dnspython objects only where a rule needs
one, changes nothing the ZN rules see. A zone dnspython refuses is halint's ZN001 too."""
from __future__ import annotations

import inspect

import dns.exception
import dns.name
import dns.rdata
import dns.zone
import pytest
from conftest import corpus_files
from test_zone_differential import _original_names, _origin

from halint.core.fsview import SourceCache, TreeView
from halint.formats.zone.reader import read_zone
from halint.core.source import read_source

IN = 1
#: zones where dnspython's load differs from BIND's on purpose, and halint follows BIND
EXCEPTIONS = {
    "isc-projects__bind9__bin_tests_system_checkzone_zones_good-generate-modifier.db": (
        "$GENERATE with the nibble modifiers {offset,width,n|N}: BIND expands them, dnspython 2.8 "
        "does not (it makes other names) and dnspython 2.9 refuses ${-2000,0,n} (\"negative $GENERATE "
        "value in nibble mode\"), which BIND expands as a 32-bit value"
    ),
}


if "rfc2308_ttl" in inspect.signature(dns.zone.from_text).parameters:  # dnspython 2.9 on
    EXCEPTIONS["isc-projects__bind9__bin_tests_system_masterfile_ns1_ttl1.db"] = (
        "an SOA without a TTL, then `b 2 TXT`, then `c TXT`: BIND gives c the SOA minimum 3 (the SOA "
        "set it as the default: named-checkzone -D prints c with 3, and halint does too), dnspython 2.9 "
        "the last TTL, 2 (RFC 2308 section 4; with rfc2308_ttl=False it would also give the SOA minimum "
        "to the records of a zone whose SOA has a TTL of its own, where BIND keeps the last TTL)"
    )


def _theirs(zone: dns.zone.Zone) -> set[tuple]:
    out = set()
    for name, node in zone.nodes.items():
        owner = name.to_text().lower()
        for rdataset in node.rdatasets:
            for rdata in rdataset:
                out.add((owner, int(rdataset.rdtype), rdata.to_text().lower(), rdataset.ttl))
    return out


def _mine(zone) -> set[tuple]:
    out = set()
    ttls: dict[tuple, int] = {}
    for record in zone.records:
        origin = dns.name.from_text(record.origin) if record.origin else None
        rdata = dns.rdata.from_text(IN, record.rdtype, record.rdata, origin=origin, relativize=False)
        owner = dns.name.from_text(record.owner).to_text().lower()
        # dnspython keeps one TTL per RRset (an RRSIG's set is per covered type): the first
        # record's, as BIND does ("TTL set to prior TTL")
        ttls.setdefault((owner, record.rdtype, record.covers), record.ttl)
        out.add((owner, record.rdtype, rdata.to_text().lower(), record.covers))
    return {(o, t, r, ttls[(o, t, c)]) for o, t, r, c in out}


def _conflicts(zone) -> bool:
    """CNAME and other data, or two CNAMEs, at one name (ZN002)."""
    types: dict[str, list[int]] = {}
    for record in zone.records:
        types.setdefault(record.owner.lower(), []).append(record.rdtype)
    cname = 5
    return any(cname in found and len([t for t in found if t not in (46, 47)]) > 1 for found in types.values())


@pytest.mark.parametrize("path", corpus_files("zones"), ids=lambda p: getattr(p, "name", str(p)))
def test_the_fast_reader_reads_what_dnspython_loads(path):
    if path.name in EXCEPTIONS:
        pytest.skip(EXCEPTIONS[path.name])
    origin = _origin(path, _original_names())
    text = path.read_bytes().decode("utf-8", "replace")
    try:
        theirs = dns.zone.from_text(text, origin=origin, relativize=False, check_origin=False)
    except (dns.exception.DNSException, ValueError, UnicodeError, KeyError) as err:
        pytest.skip(f"dnspython does not load it ({type(err).__name__}); test_zone_differential covers it")
    zone = read_zone(read_source(path), TreeView(path.parent, path.parent), SourceCache(), origin=origin, origin_from="test")
    if zone.problems:
        pytest.skip(f"halint reports ZN001 ({zone.problems[0].message}); test_zone_differential compares that with BIND")
    if _conflicts(zone):
        pytest.skip("CNAME and other data, or two CNAMEs, at one name (ZN002): dnspython keeps one, halint reads every record")
    mine = _mine(zone)
    expected = _theirs(theirs)
    assert {r[:3] for r in mine} == {r[:3] for r in expected}
    assert mine == expected
