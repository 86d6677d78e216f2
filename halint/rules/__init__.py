"""Every rule, listed once. Importing this package registers them all in REGISTRY."""
from halint.rules.base import REGISTRY, RuleImpl, rule  # noqa: F401
from halint.rules.halint import hl001_unreadable_file, hl004_unclassified_file  # noqa: F401
from halint.rules.keepalived import (  # noqa: F401
    ka001_syntax_error,
    ka002_unknown_keyword,
    ka003_invalid_value,
    ka004_undefined_reference,
    ka005_duplicate_definition,
    ka006_weak_authentication,
    ka007_script_security,
    ka008_ignored_setting,
    ka009_include_problem,
    ka010_unused_script,
    ka011_no_vrrp_instance,
    ka013_deprecated_keyword,
)
from halint.rules import ios, zone  # noqa: F401,E402  (each package imports its own rules)
from halint.rules import ha  # noqa: F401,E402
