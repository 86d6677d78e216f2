"""SVCB and HTTPS record data read as BIND reads it, where dnspython reads it otherwise.

BIND (lib/dns/rdata/in_1/svcb_64.c, 9.18 and main alike) knows eight SvcParamKey names
(``sbpr[]``: mandatory, alpn, no-default-alpn, port, ipv4hint, ech, ipv6hint, dohpath) and
checks the value of each known key but two: ``ech`` is base64 of any octets
(``isc_base64_decodestring``; ``svcb_validate`` has no case for ``sbpr_base64``), and a key it
has no name for (``keyNNNNN`` above 7) holds any text (``multitxt_fromtext``). dnspython 2.9
refuses an ech value that is not a whole ECHConfigList (``ECHParam.__init__``: "invalid
ECHConfigList"; BIND's own test zone good-svcb.db has ``ech="ZWFzdGVyIGVnZyE="``, "easter
egg!"), decodes it with Python's base64 (which neither skips blanks nor checks the bits after
the last octet, as BIND does), refuses an empty ech, and reads keys 8 and 10 as the ohttp and
docpath values it knows; it refuses a key name that is not lower case, which BIND reads as that
key's number with its value as text (``svc_keyfromregion``: ``strncasecmp``, then
``svcb_validate`` of the text); and it accepts the names ohttp and docpath, which BIND refuses.
Both versions refuse parameters in AliasMode (priority 0), which BIND reads as for any priority
(``generic_fromtext_in_svcb``: the priority only decides the hostname check).

So, before dnspython reads SVCB or HTTPS data, each such parameter is read the BIND way here
(one BIND refuses raises, with BIND's reason), and dnspython is given a stand-in that it accepts
(a minimal ECHConfigList, an empty opaque key, ``keyN`` for a name in another letter case,
priority 1); everything else (the target, the other parameters, duplicates, ``mandatory``) is
dnspython's check, as before. The real values then replace the stand-ins in the record, so its
wire form (the canonical form halint compares) is the one BIND loads.
"""
from __future__ import annotations

import functools
import re
import struct

import dns.exception
import dns.immutable
import dns.name
import dns.rdata
import dns.wire

SVCB, HTTPS = 64, 65
ECH = 5
#: BIND's SvcParamKey names (svcb_64.c, sbpr[]): no other name is a key for BIND
BIND_KEYS = {
    "mandatory": 0, "alpn": 1, "no-default-alpn": 2, "port": 3, "ipv4hint": 4, "ech": 5, "ipv6hint": 6,
    "dohpath": 7,
}
_LAST_KNOWN = max(BIND_KEYS.values())


def _opaque(key: int) -> bool:
    """Keys whose value BIND does not check: ech (any octets, as base64), and every key it has
    no name for (any text)."""
    return key == ECH or key > _LAST_KNOWN


#: what dnspython reads in place of an opaque value: a well-formed ECHConfigList (a length and
#: four octets) for ech, nothing for the others
_ECH_STAND_IN_WIRE = b"\x00\x04\x00\x00\x00\x00"
_ECH_STAND_IN_TEXT = 'ech="AAQAAAAA"'

_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|(?:[^\s"\\]|\\.)+', re.DOTALL)
_GENERIC_KEY = re.compile(r"key(0|[1-9][0-9]{0,4})")
_BASE64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/="


def bind_base64(text: str) -> bytes | None:
    """The octets of ``text`` as ``isc_base64_decodestring`` (lib/isc/base64.c) reads them, or
    None where BIND says "bad base64 encoding": blanks are skipped, every other character is of
    the alphabet, whole groups of four, padding only at the end and with the unused bits zero."""
    out = bytearray()
    group: list[int] = []
    ended = False
    for char in text:
        if char in " \t\n\r":
            continue
        index = _BASE64.find(char)
        if ended or index < 0:
            return None
        group.append(index)
        if len(group) < 4:
            continue
        a, b, c, d = group
        group = []
        if a == 64 or b == 64 or (c == 64 and d != 64):
            return None
        if (c == 64 and b & 0xF) or (d == 64 and c & 0x3):
            return None
        count = 1 if c == 64 else 2 if d == 64 else 3
        if count < 3:
            ended = True
            c, d = c % 64, d % 64
        out += bytes(((a << 2 | b >> 4) & 0xFF, (b << 4 | c >> 2) & 0xFF, (c << 6 | d) & 0xFF))[:count]
    if group:
        return None
    return bytes(out)


def bind_text(text: str) -> bytes | None:
    """The octets of a value as ``multitxt_fromtext`` (lib/dns/rdata.c) reads them, or None for
    BIND's syntax error: ``\\DDD`` is an octet (three digits, at most 255), ``\\X`` is X."""
    out = bytearray()
    i, size = 0, len(text)
    while i < size:
        char = text[i]
        i += 1
        if char != "\\":
            out += char.encode("utf-8", "surrogateescape")
            continue
        if i >= size:
            return None
        char = text[i]
        i += 1
        if "0" <= char <= "9":
            digits = text[i - 1 : i + 2]
            if len(digits) < 3 or not all("0" <= d <= "9" for d in digits) or int(digits) > 255:
                return None
            out.append(int(digits))
            i += 2
            continue
        out += char.encode("utf-8", "surrogateescape")
    return bytes(out)


class _Param:
    """One SvcParam of the text form: where it is, its key as written and its value (None: a
    key alone)."""

    __slots__ = ("end", "key", "start", "value")

    def __init__(self, start: int, end: int, key: str, value: str | None):
        self.start, self.end, self.key, self.value = start, end, key, value


def _params(tokens: list[tuple[int, int, str]]) -> list[_Param] | None:
    """The parameters after the priority and the target, or None when there are none."""
    if len(tokens) < 3:
        return None
    out: list[_Param] = []
    index = 2
    while index < len(tokens):
        start, end, word = tokens[index]
        index += 1
        if word.startswith('"'):
            return None  # not a parameter: dnspython says so
        equals = word.find("=")
        if equals < 0:
            out.append(_Param(start, end, word, None))
        elif equals < len(word) - 1:
            out.append(_Param(start, end, word[:equals], word[equals + 1 :]))
        elif index < len(tokens) and tokens[index][0] == end and tokens[index][2].startswith('"'):
            # key="value": the quoted word touches the key
            quoted = tokens[index][2]
            out.append(_Param(start, tokens[index][1], word[:-1], quoted[1:-1]))
            index += 1
        else:
            # key= and a blank: BIND's lexer reads an empty value (dnspython refuses it)
            out.append(_Param(start, end, word[:-1], ""))
    return out


def _known(key: str) -> None:
    """Raise for a key name BIND does not know: one of its eight names in any letter case, or
    ``key`` and a number (svc_keyfromregion). dnspython knows more names (ohttp, docpath)."""
    if key and key.lower() not in BIND_KEYS and not key.startswith("key"):
        raise dns.exception.SyntaxError(
            f"unknown SvcParamKey `{key}`: BIND knows {', '.join(BIND_KEYS)} and keyNNNNN (BIND: syntax error)"
        )


def _rewrite(rdata: str) -> tuple[str, dict[int, bytes], bool] | None:
    """(the text dnspython reads, the real value of each key given a stand-in, whether the
    priority 0 was read as 1), or None when dnspython reads ``rdata`` as BIND does. Raises for
    a value BIND refuses."""
    tokens = [(m.start(), m.end(), m.group()) for m in _TOKEN.finditer(rdata)]
    params = _params(tokens)
    if not params:
        return None
    values: dict[int, bytes] = {}
    edits: list[tuple[int, int, str]] = []
    alias = tokens[0][2].isdigit() and int(tokens[0][2]) == 0
    if alias:  # AliasMode with parameters: BIND reads them as for any priority
        edits.append((tokens[0][0], tokens[0][1], "1"))
    for param in params:
        key, value = param.key, param.value
        if key in BIND_KEYS:
            if key == "ech":
                data = bind_base64(value or "")
                if data is None:
                    raise dns.exception.SyntaxError('ech is not base64 (BIND: "bad base64 encoding")')
                values[ECH] = data
                edits.append((param.start, param.end, _ECH_STAND_IN_TEXT))
            elif key == "mandatory" and value and "\\" not in value:
                names = value.split(",")
                for name in names:
                    _known(name)
                lowered = [name.lower() if name.lower() in BIND_KEYS else name for name in names]
                if lowered != names:
                    edits.append((param.start, param.end, f'mandatory="{",".join(lowered)}"'))
            continue
        _known(key)
        if key.lower() in BIND_KEYS:
            number = BIND_KEYS[key.lower()]  # another letter case: the key's number, its value as text
        else:
            generic = _GENERIC_KEY.fullmatch(key)
            if generic is None or int(generic.group(1)) > 0xFFFF:
                continue  # not a key for BIND either: dnspython says why
            number = int(generic.group(1))
        if _opaque(number):
            data = bind_text(value or "")
            if data is None:
                raise dns.exception.SyntaxError(f"bad escape in the value of {key} (BIND: syntax error)")
            values[number] = data
            edits.append((param.start, param.end, _ECH_STAND_IN_TEXT if number == ECH else f"key{number}"))
        elif key != f"key{number}":
            text = f"key{number}" if value is None else f'key{number}="{value}"'
            edits.append((param.start, param.end, text))
    if not edits:
        return None
    parts = []
    at = 0
    for start, end, text in edits:
        parts.append(rdata[at:start])
        parts.append(text)
        at = end
    parts.append(rdata[at:])
    return "".join(parts), values, alias


def _rewrite_wire(rdata: str) -> tuple[str, dict[int, bytes], bool] | None:
    """The same for the generic form (``\\# length hex``): BIND's fromwire checks no opaque
    value either (svcb_validate)."""
    words = rdata.split()
    if len(words) < 3 or not words[1].isdigit():
        return None
    try:
        wire = bytes.fromhex("".join(words[2:]))
    except ValueError:
        return None
    if len(wire) != int(words[1]):
        return None
    parser = dns.wire.Parser(wire)
    values: dict[int, bytes] = {}
    try:
        alias = parser.get_uint16() == 0
        parser.get_name()
        alias = alias and parser.remaining() > 0
        out = bytearray(b"\x00\x01" if alias else wire[:2]) + wire[2 : parser.current]
        while parser.remaining() > 0:
            key = parser.get_uint16()
            value = parser.get_bytes(parser.get_uint16())
            if _opaque(key):
                values[key] = value
                value = _ECH_STAND_IN_WIRE if key == ECH else b""
            out += struct.pack("!HH", key, len(value)) + value
    except dns.exception.FormError:
        return None  # dnspython says what is wrong
    if not values and not alias:
        return None
    return f"\\# {len(out)} {out.hex()}", values, alias


@functools.cache
def _bind_ech() -> type:
    """ECHParam without its ECHConfigList check: an ech value as BIND keeps it, any octets
    (shown as base64, as ECHParam shows them). Made on first use: dnspython's SVCB module costs
    10 ms to import, and most trees have no SVCB record."""
    from dns.rdtypes import svcbbase

    @dns.immutable.immutable
    class BindEch(svcbbase.ECHParam):
        def __init__(self, ech: bytes):
            self.ech = bytes(ech)

    return BindEch


def from_text(rdclass: int, rdtype: int, rdata: str, origin: dns.name.Name | None) -> dns.rdata.Rdata:
    """SVCB or HTTPS data as dnspython's object, with the values BIND accepts and dnspython
    would refuse (raises dnspython's exceptions, or a SyntaxError with BIND's reason)."""
    generic = rdata.startswith("\\#")
    rewritten = _rewrite_wire(rdata) if generic else _rewrite(rdata)
    if rewritten is None:
        return dns.rdata.from_text(rdclass, rdtype, rdata, origin, False)
    from dns.rdtypes import svcbbase

    text, values, alias = rewritten
    record = dns.rdata.from_text(rdclass, rdtype, text, origin, False)
    params = dict(record.params)
    for key, data in values.items():
        params[svcbbase.ParamKey.make(key)] = _bind_ech()(data) if key == ECH else svcbbase.GenericParam(data)
    return record.replace(params=params, priority=0 if alias else record.priority)
