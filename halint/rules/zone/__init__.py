"""ZN rules: one DNS zone (dnspython semantics). Every module is imported here to register it."""
from halint.rules.zone import (  # noqa: F401
    zn001_zone_syntax_error,
    zn002_cname_and_other_data,
    zn003_bad_target,
    zn004_serial_not_bumped,
    zn005_bad_serial_format,
    zn006_soa_timers,
    zn007_out_of_zone_data,
    zn008_inconsistent_ttl,
)
