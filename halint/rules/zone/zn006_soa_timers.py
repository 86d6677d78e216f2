"""ZN006 soa-timers: SOA timers outside what their sources recommend.

Each check is one a source states (rules/ZN006/rule.toml names them):

- refresh at least 1200 seconds (RFC 1912 2.2: 20 minutes to 12 hours, and one day or more when
  the primary sends NOTIFY, so no upper bound is checked);
- retry lower than refresh (RFC 1912 2.2: "typically some fraction of the refresh interval");
  when refresh itself is too short, the retry comparison is part of that one finding;
- expire 1209600-2419200 seconds (RFC 1912 2.2: "2-4 weeks are suggested values"), and greater
  than retry and minimum (RFC 1912 2.2: "must be greater than the minimum and retry intervals");
- the negative-caching TTL, the lower of the SOA minimum and the SOA record's own TTL (RFC 2308
  3 and 4), at most 86400 (RFC 2308 5: "values exceeding one day have been found to be
  problematic").
"""
from __future__ import annotations

from halint.formats.zone.model import ZoneUnit
from halint.rules.base import rule
from halint.rules.zone.common import checked, ttl_text

REFRESH_MIN = 1200  #: RFC 1912 2.2: "20 mins"
EXPIRE_RANGE = (1209600, 2419200)  #: RFC 1912 2.2: "2-4 weeks"
NEGATIVE_TTL_MAX = 86400  #: RFC 2308 5: "exceeding one day"


@rule("ZN006")
def check(unit: ZoneUnit, ctx):
    zone = unit.zone
    if not checked(zone) or zone.soa is None:
        return
    soa = zone.soa
    retry_not_lower = soa.retry >= soa.refresh
    if soa.refresh < REFRESH_MIN:
        also = f"; retry {ttl_text(soa.retry)} is not lower than it, the refresh" if retry_not_lower else ""
        ctx.report(
            f"SOA refresh {ttl_text(soa.refresh)} is below 1200 (20 minutes), the shortest refresh RFC 1912 2.2 suggests",
            soa.span_of("refresh"),
            note=f"secondaries poll the primary that often{also}",
        )
    elif retry_not_lower:
        ctx.report(
            f"SOA retry {ttl_text(soa.retry)} is not lower than refresh {ttl_text(soa.refresh)}",
            soa.span_of("retry"),
            note=(
                "RFC 1912 2.2 makes retry \"some fraction of the refresh interval\", so that a secondary whose "
                "refresh failed tries again before its next regular refresh"
            ),
        )
    problems = []
    low, high = EXPIRE_RANGE
    if not low <= soa.expire <= high:
        problems.append("outside the 2 to 4 weeks (1209600-2419200) RFC 1912 2.2 suggests")
    below = [f"{name} {ttl_text(value)}" for name, value in (("retry", soa.retry), ("minimum", soa.minimum)) if soa.expire <= value]
    if below:
        problems.append(f"not greater than {' and '.join(below)}, as RFC 1912 2.2 says it must be")
    if problems:
        consequence = (
            "secondaries that lose the primary keep answering with their last copy of the zone for that long"
            if soa.expire > high and not below
            else "secondaries that lose the primary stop answering for the zone after that long"
        )
        ctx.report(
            f"SOA expire {ttl_text(soa.expire)} is {', and '.join(problems)}",
            soa.span_of("expire"),
            note=consequence,
        )
    negative_ttl = min(soa.minimum, soa.record.ttl)
    if negative_ttl > NEGATIVE_TTL_MAX:
        ctx.report(
            f"SOA minimum {ttl_text(soa.minimum)} makes the negative-caching TTL {ttl_text(negative_ttl)}, over one day",
            soa.span_of("minimum"),
            note=(
                f"RFC 2308 3: it is the lower of the minimum and the SOA record's TTL {ttl_text(soa.record.ttl)}; "
                f"RFC 2308 5: \"values exceeding one day have been found to be problematic\": a resolver may answer "
                f"that a name added later does not exist for that long"
            ),
        )
