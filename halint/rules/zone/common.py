"""Helpers shared by the ZN rules: where a record is, how to name it."""
from __future__ import annotations

from halint.formats.zone.model import Record, Zone, rdata
from halint.core.source import Span
from halint.rules.phrases import file_line

#: types that may share a name with a CNAME (BIND 9.18 rbtdb.c cname_and_other_data(): KEY,
#: SIG, NSEC and RRSIG; RFC 2181 10.1, RFC 4035 2.5, RFC 3007 3)
CNAME_NEUTRAL = frozenset({rdata.KEY, rdata.SIG, rdata.NSEC, rdata.RRSIG})


def place(span: Span, relative_to: Span) -> str:
    """"line 12", or "db.inc line 12" when ``span`` is in another file than ``relative_to``."""
    if span.source is relative_to.source:
        return f"line {span.line}"
    return file_line(span, None)


def checked(zone: Zone) -> bool:
    """Zone rules run only on zones whose origin is known."""
    return zone.origin is not None


def ttl_text(seconds: int) -> str:
    """``86400 (1 day)``: seconds with a readable unit when it is a whole one."""
    for size, unit in ((604800, "week"), (86400, "day"), (3600, "hour"), (60, "minute")):
        if seconds >= size and seconds % size == 0:
            count = seconds // size
            return f"{seconds} ({count} {unit}{'s' if count != 1 else ''})"
    return str(seconds)


def record_text(record: Record) -> str:
    return f"{record.owner} {record.type_name} {record.rdata}"
