"""The rules: one module per rule, ``halint/rules/<family folder>/<code>_<slug>.py``, registered
from the rule.toml files of rules/ (:func:`halint.rules.base.load`: nothing lists them here).
Importing this package registers them all in REGISTRY."""
from halint.rules.base import REGISTRY, Context, RuleImpl, load, rule  # noqa: F401

load()
