"""Record data (rdata) of zone records: validation, typed values, canonical form.

The reader keeps each record's rdata as text (its words joined by one space). Checking it is
the costly part of reading a zone, so the types that fill large zones (A, AAAA, NS, CNAME, PTR,
DNAME, MX, SRV, TXT, SPF) first go through a cheap check that only ever *accepts* (it is
stricter than dnspython: anything it does not accept is handed to dnspython, whose verdict and
message count). Every other type, and anything unusual, is parsed by dnspython
(``dns.rdata.from_text``), the semantics halint follows, except where BIND accepts what dnspython
refuses (SVCB/HTTPS values: :mod:`halint.formats.zone.svcb`; RRSIG times after 2106). A full
dnspython object is built only for what a rule asks for (:func:`parse`).
"""
from __future__ import annotations

import calendar
import datetime
import functools
import re
import socket

import dns.exception
import dns.name
import dns.rdata
import dns.rdataclass
import dns.rdatatype

from halint.formats.zone import svcb as zone_svcb
from halint.formats.zone.names import NameError_, absolute_name
from halint.formats.zone.svcb import HTTPS, SVCB

A, NS, CNAME, SOA, PTR, MX, TXT, AAAA, SRV, DNAME, DS, RRSIG, NSEC, KEY, SIG, SPF = (
    1, 2, 5, 6, 12, 15, 16, 28, 33, 39, 43, 46, 47, 25, 24, 99,
)
MD, MF = 3, 4
OPT = 41

IPV4 = re.compile(r"^(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$")
_IPV6_CHARS = re.compile(r"^[0-9A-Fa-f:]{2,39}$")
_UINT16 = re.compile(r"^\d{1,5}$")
_PLAIN = re.compile(r'^[^\\"]*$')


#: types BIND 9.18 knows (lib/dns/rdata/*/*_NN.c) that dnspython 2.8 has no mnemonic for
BIND_ONLY = {
    "EID": 31, "NIMLOC": 32, "ATMA": 34, "SINK": 40, "RKEY": 57, "TALINK": 58, "HHIT": 67, "BRID": 68,
    "DOA": 259, "KEYDATA": 65533,
}
_BIND_NAMES = {number: name for name, number in BIND_ONLY.items()}


@functools.lru_cache(maxsize=4096)
def rdtype_of(word: str) -> int | None:
    """The type number of a type mnemonic or TYPEnnn (dnspython's list, and the few more
    BIND knows), or None."""
    if not word or word[0] in '"\\':
        return None
    try:
        return int(dns.rdatatype.from_text(word))
    except (dns.rdatatype.UnknownRdatatype, ValueError):
        return BIND_ONLY.get(word.upper())


@functools.lru_cache(maxsize=1024)
def type_name(rdtype: int) -> str:
    return _BIND_NAMES.get(rdtype) or dns.rdatatype.to_text(rdtype)


@functools.lru_cache(maxsize=1024)
def unchecked(rdtype: int) -> bool:
    """Types whose text form dnspython does not implement (MB, MG, MR, MINFO, KEY, SIG, NXT,
    A6, NULL, TA and the BIND-only ones): their data is not checked unless written in the
    generic form (``\\# length hex``), so that a zone BIND loads gets no ZN001 from halint."""
    return dns.rdata.get_rdata_class(dns.rdataclass.IN, rdtype) is dns.rdata.GenericRdata


def is_meta(rdtype: int) -> bool:
    """Types that cannot be loaded from a zone file (RFC 6895 3.1: OPT, and 128-255: TKEY,
    TSIG, IXFR, AXFR, MAILA, MAILB, ANY); BIND refuses them ("invalid use of a meta type")."""
    return rdtype == OPT or 128 <= rdtype <= 255


def is_obsolete(rdtype: int) -> bool:
    """MD and MF: RFC 1123 5.2.4 says to reject them in master files; BIND does."""
    return rdtype in (MD, MF)


@functools.lru_cache(maxsize=256)
def _origin(origin: str) -> dns.name.Name:
    return dns.name.from_text(origin)


_DELIMITERS = re.compile(r'[\s;()"]')


def _name_ok(word: str, origin: str) -> bool:
    if not word.isascii() or _DELIMITERS.search(word):
        return False
    try:
        absolute_name(word, origin)
    except NameError_:
        return False
    return True


def _u16(word: str) -> bool:
    return bool(_UINT16.match(word)) and int(word) <= 0xFFFF


def fast_ok(rdtype: int, rdata: str, origin: str) -> bool:
    """True only when ``rdata`` is certainly valid for ``rdtype``; False means "ask dnspython"."""
    if len(rdata) > LONG_RDATA:
        return False
    if rdtype == A:
        return bool(IPV4.match(rdata))
    if rdtype == AAAA:
        if not _IPV6_CHARS.match(rdata):
            return False
        try:
            socket.inet_pton(socket.AF_INET6, rdata)
        except OSError:
            return False
        return True
    if "\\" in rdata or ('"' in rdata and rdtype not in (TXT, SPF)):
        return False
    if rdtype in (NS, CNAME, PTR, DNAME):
        return " " not in rdata and _name_ok(rdata, origin)
    if rdtype == MX:
        words = rdata.split(" ")
        return len(words) == 2 and _u16(words[0]) and _name_ok(words[1], origin)
    if rdtype == SRV:
        words = rdata.split(" ")
        return len(words) == 4 and _u16(words[0]) and _u16(words[1]) and _u16(words[2]) and _name_ok(words[3], origin)
    if rdtype in (TXT, SPF):
        return _txt_ok(rdata)
    return False


_TXT_WORD = re.compile(r'"[^"\\\n]{0,255}"|[^"\\ ;()\t\n]{1,255}')


def _txt_ok(rdata: str) -> bool:
    if not rdata or not rdata.isascii() or "\\" in rdata:
        return False
    pos = 0
    size = len(rdata)
    match = _TXT_WORD.match
    while pos < size:
        m = match(rdata, pos)
        if m is None:
            return False
        pos = m.end()
        if pos < size:
            if rdata[pos] != " ":
                return False
            pos += 1
    return True


def parse(rdtype: int, rdata: str, origin: str, rdclass: int = 1) -> dns.rdata.Rdata:
    """The dnspython rdata (raises dnspython's exceptions). Data in the generic form is read
    without an origin: it holds absolute names only, and dnspython would otherwise relativize
    them and then fail to check their wire form. SVCB and HTTPS data go through
    :mod:`halint.formats.zone.svcb` (the values BIND accepts and dnspython refuses)."""
    generic = rdata.startswith("\\#")
    if rdtype in (SVCB, HTTPS):
        return zone_svcb.from_text(rdclass, rdtype, rdata, None if generic else _origin(origin))
    if generic:
        return dns.rdata.from_text(rdclass, rdtype, rdata, None, False)
    return dns.rdata.from_text(rdclass, rdtype, rdata, _origin(origin), False)


#: record data longer than this (in characters) is also checked for its wire size
LONG_RDATA = 30_000
MAX_RDATA = 65535 - 12 - 1 - 2 - 2 - 4 - 2


def check(rdtype: int, rdata: str, origin: str, rdclass: int = 1) -> str | None:
    """None when ``rdata`` is valid for ``rdtype``, else why not (for a ZN001 message)."""
    if len(rdata) > LONG_RDATA:
        return _check_size(rdtype, rdata, origin, rdclass)
    if fast_ok(rdtype, rdata, origin):
        return None
    if unchecked(rdtype) and not rdata.startswith("\\#"):
        return None
    try:
        parse(rdtype, rdata, origin, rdclass)
    except dns.exception.DNSException as err:
        if rdtype == RRSIG and _rrsig_wrapped(rdata, origin, rdclass):
            return None
        return explain(err)
    except Exception as err:  # noqa: BLE001 - whatever dnspython raises, the data is invalid
        return str(err) or type(err).__name__
    return None


def _check_size(rdtype: int, rdata: str, origin: str, rdclass: int) -> str | None:
    """Record data must fit in a DNS message of 65535 octets with the smallest header and owner:
    at most 65512 octets (BIND lib/dns/master.c MINTSIZ; "ran out of space")."""
    try:
        size = len(parse(rdtype, rdata, origin, rdclass).to_wire())
    except dns.exception.DNSException as err:
        return explain(err)
    except Exception as err:  # noqa: BLE001
        return str(err) or type(err).__name__
    if size > MAX_RDATA:
        return f"{size} octets of data; a record holds at most {MAX_RDATA} (it must fit in a 64 KiB message)"
    return None


def _rrsig_wrapped(rdata: str, origin: str, rdclass: int) -> bool:
    """RRSIG times are seconds since 1970 modulo 2^32 (RFC 4034 3.1.5), so a YYYYMMDDHHmmSS
    after 2106 is valid (BIND reads it so); dnspython refuses it. Check the data again with the
    two times as wrapped numbers."""
    words = fields(rdata)
    if len(words) < 6:
        return False
    changed = False
    for index in (4, 5):
        word = words[index]
        if len(word) == 14 and word.isdigit():
            try:
                moment = datetime.datetime.strptime(word[4:], "%m%d%H%M%S").replace(year=int(word[:4]))
            except ValueError:
                return False
            seconds = calendar.timegm(moment.timetuple()) if moment.year >= 1 else 0
            words[index] = str(seconds % 2**32)
            changed = True
    if not changed:
        return False
    try:
        parse(RRSIG, " ".join(words), origin, rdclass)
    except Exception:  # noqa: BLE001
        return False
    return True


_EXTRA = re.compile(r'^expected EOL or EOF, got \d+ "(.*)"$')


def explain(err: Exception) -> str:
    """dnspython's exception as a short reason."""
    text = str(err).strip()
    extra = _EXTRA.match(text)
    if extra:
        return f"unexpected extra field `{extra.group(1)}`"
    if isinstance(err, dns.exception.UnexpectedEnd) or text in ("expecting an identifier", "expecting a string"):
        return "a field is missing"
    if text == "expecting an integer":
        return "a number was expected"
    if text in ("Text input is malformed.", "syntax error", ""):
        return "malformed"
    return text.rstrip(".")


def fields(rdata: str) -> list[str]:
    """The words of an rdata text (quoted words keep their quotes)."""
    if '"' not in rdata:
        return rdata.split(" ")
    return re.findall(r'"(?:[^"\\]|\\.)*"|\S+', rdata)


def canonical(rdtype: int, rdata: str, origin: str) -> bytes:
    """The record data in canonical wire form (RFC 4034 6.2: names lowercased), so that two
    spellings of one record compare equal; unparsable data compares as its text."""
    try:
        rd = parse(rdtype, rdata, origin)
        return rd.to_digestable(dns.name.root)
    except Exception:  # noqa: BLE001 - a record that does not parse is compared by its text
        return b"\xff" + rdata.encode("utf-8", "surrogatepass")


def soa_values(rdata: str, origin: str) -> tuple[str, str, int, int, int, int, int] | None:
    """(mname, rname, serial, refresh, retry, expire, minimum) of an SOA, or None."""
    try:
        rd = parse(SOA, rdata, origin)
    except Exception:  # noqa: BLE001 - reported as ZN001 by the reader
        return None
    return (
        rd.mname.to_text().lower(), rd.rname.to_text().lower(), rd.serial, rd.refresh, rd.retry, rd.expire, rd.minimum,
    )


def rrsig_covers(rdata: str) -> int | None:
    """The type an RRSIG covers (its first field)."""
    first = rdata.split(" ", 1)[0]
    return rdtype_of(first)


def target_word(rdtype: int, rdata: str) -> str | None:
    """The word holding the name that NS, CNAME, PTR, DNAME, MX or SRV data points at."""
    index = {NS: 0, CNAME: 0, PTR: 0, DNAME: 0, MX: 1, SRV: 3}.get(rdtype)
    if index is None:
        return None
    words = fields(rdata)
    if words and words[0] == "\\#":
        return None
    return words[index] if index < len(words) else None


def target_name(rdtype: int, rdata: str, origin: str) -> str | None:
    """Canonical name NS, CNAME, PTR, DNAME, MX or SRV data points at (None if unparsable)."""
    word = target_word(rdtype, rdata)
    if word is None:
        if rdata.startswith("\\#"):
            try:
                rd = parse(rdtype, rdata, origin)
            except Exception:  # noqa: BLE001
                return None
            name = getattr(rd, "target", None) or getattr(rd, "exchange", None)
            return name.to_text().lower() if name is not None else None
        return None
    try:
        return absolute_name(word, origin)
    except NameError_:
        return None
