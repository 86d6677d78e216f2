"""HA rules: the cross-file model (one inventory of the whole tree). Every module is imported
here to register it."""
from halint.rules.ha import (  # noqa: F401
    ha001_vrid_mismatch,
    ha002_auth_mismatch,
    ha003_advert_mismatch,
    ha004_vip_set_mismatch,
    ha005_priority_design,
    ha006_failover_unreachable,
    ha007_asymmetric_tracking,
    ha008_nat_to_node_address,
    ha009_dns_to_node_address,
    ha010_vip_addressing,
    ha011_duplicate_identity,
    ha012_service_not_on_peer,
    ha013_nat_coverage,
    ha014_vrid_collision,
)
