"""IOS rules: one router (running-config plus change scripts). Every module is imported here to register it."""
from halint.rules.ios import (  # noqa: F401
    ios001_malformed_nat,
    ios002_conflicting_nat,
    ios003_nat_without_interfaces,
    ios004_global_not_owned,
)
