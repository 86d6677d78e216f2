"""The model of a DNS zone, as ``zone`` rules see it.

:class:`Zone` and :class:`Record` are produced by the reader (halint/formats/zone/reader.py) and defined
beside it (their typed views of record data need dnspython, which only halint/parse imports);
they are re-exported here. A :class:`ZoneUnit` is what a zone rule is called with: a zone and,
when git has one, the same file's base version read with the same origin.

Also here: RFC 1982 serial arithmetic, the ``YYYYMMDDnn`` serial convention, and the comparison
of two versions of a zone's data (ZN004).
"""
from __future__ import annotations

import datetime
from dataclasses import dataclass

from halint.formats.zone import rdata as rdata
from halint.formats.zone.names import class_name
from halint.formats.zone.records import SOA_FIELDS, Record, Soa, Zone, ZoneProblem

__all__ = [
    "Record", "Soa", "Zone", "ZoneProblem", "ZoneUnit", "SOA_FIELDS", "serial_compare", "serial_increased",
    "date_form", "next_serial", "data_change", "rdata", "class_name",
]


@dataclass(frozen=True, repr=False)
class ZoneUnit:
    """One zone file checked on its own, with its base version for ZN004."""

    zone: Zone
    base: Zone | None = None  #: the git base version, or None (new file, no git, no base)
    base_label: str | None = None  #: how to name the base in messages: "HEAD", "origin/main"

    def __repr__(self) -> str:
        return f"ZoneUnit({self.zone!r}, base={'yes' if self.base else 'no'})"


# -- serials (RFC 1982) -----------------------------------------------------------------------

SERIAL_BITS = 32
HALF = 2 ** (SERIAL_BITS - 1)
MODULO = 2**SERIAL_BITS


def serial_compare(s1: int, s2: int) -> int | None:
    """-1, 0 or 1 as ``s1`` is less than, equal to or greater than ``s2`` in RFC 1982 serial
    arithmetic (3.2); None when the comparison is undefined (they are 2^31 apart)."""
    if s1 == s2:
        return 0
    if (s1 < s2 and s2 - s1 < HALF) or (s1 > s2 and s1 - s2 > HALF):
        return -1
    if (s1 < s2 and s2 - s1 > HALF) or (s1 > s2 and s1 - s2 < HALF):
        return 1
    return None


def serial_increased(old: int, new: int) -> bool:
    return serial_compare(new, old) == 1


def date_form(serial: int) -> tuple[datetime.date | None, int] | None:
    """When ``serial`` is written as YYYYMMDDnn (ten digits, a year 1970-2099): (the date, or
    None when YYYYMMDD is not a calendar date; nn). Otherwise None."""
    text = str(serial)
    if len(text) != 10:
        return None
    year, month, day, count = int(text[:4]), int(text[4:6]), int(text[6:8]), int(text[8:])
    if not 1970 <= year <= 2099:
        return None
    try:
        return datetime.date(year, month, day), count
    except ValueError:
        return None, count


def next_serial(old: int, today: datetime.date) -> int:
    """The serial to write after ``old``: ``max(old + 1, today as YYYYMMDD00)`` when ``old`` is a
    date-form serial with a real date, else ``old + 1`` (mod 2^32; RFC 1982 3.1)."""
    form = date_form(old)
    if form is not None and form[0] is not None:
        todays = int(today.strftime("%Y%m%d")) * 100
        candidate = max(old + 1, todays)
        if candidate < MODULO and serial_increased(old, candidate):
            return candidate
    return (old + 1) % MODULO


# -- data comparison --------------------------------------------------------------------------


def _cheap_key(record: Record) -> tuple:
    if record.rdtype == rdata.SOA:
        words = record.fields
        if len(words) == 7:  # every field but the serial
            words = words[:2] + words[3:]
        return (record.owner, record.ttl, record.rdtype, " ".join(words), record.origin)
    return (record.owner, record.ttl, record.rdtype, record.rdata, record.origin)


def _canonical_key(record: Record) -> tuple:
    if record.rdtype == rdata.SOA:
        try:
            rd = rdata.parse(rdata.SOA, record.rdata, record.origin).replace(serial=0)
            data = rd.to_digestable()
        except Exception:  # noqa: BLE001 - unparsable SOA: compared as text
            data = record.rdata.encode("utf-8", "surrogatepass")
        return (record.owner, record.ttl, record.rdtype, data)
    return (record.owner, record.ttl, record.rdtype, record.canonical())


@dataclass(frozen=True)
class DataChange:
    """How two versions of a zone's data differ (the SOA serial left aside)."""

    added: tuple[Record, ...]  #: records of the new version the old one does not have
    removed: tuple[Record, ...]  #: records of the old version the new one does not have

    def __bool__(self) -> bool:
        return bool(self.added or self.removed)


def data_change(old: Zone, new: Zone) -> DataChange:
    """Records added and removed between two versions of a zone, compared as sets of (owner,
    TTL, type, data) with the SOA serial left out: comments, blanks, the order of records,
    parentheses, relative or absolute spelling of names and letter case of names are not
    changes. Cheap text keys first; only records whose text differs are parsed (dnspython's
    canonical form, RFC 4034 6.2) to decide."""
    old_keys: dict[tuple, Record] = {}
    for record in old.records:
        old_keys.setdefault(_cheap_key(record), record)
    new_keys: dict[tuple, Record] = {}
    for record in new.records:
        new_keys.setdefault(_cheap_key(record), record)
    only_old = [r for k, r in old_keys.items() if k not in new_keys]
    only_new = [r for k, r in new_keys.items() if k not in old_keys]
    if not only_old and not only_new:
        return DataChange((), ())
    canon_old = {_canonical_key(r): r for r in only_old}
    canon_new = {_canonical_key(r): r for r in only_new}
    added = [r for k, r in canon_new.items() if k not in canon_old]
    removed = [r for k, r in canon_old.items() if k not in canon_new]
    # a leftover may still equal a record both versions share, spelled differently (a duplicate)
    if added:
        added = _not_in(added, old)
    if removed:
        removed = _not_in(removed, new)
    return DataChange(tuple(added), tuple(removed))


def _not_in(candidates: list[Record], other: Zone) -> list[Record]:
    wanted = {(r.owner, r.rdtype) for r in candidates}
    pool = {
        _canonical_key(r) for r in other.records if (r.owner, r.rdtype) in wanted
    }
    return [r for r in candidates if _canonical_key(r) not in pool]
