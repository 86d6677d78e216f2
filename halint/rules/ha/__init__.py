"""HA rules: the cross-file model (one inventory of the whole tree). Each module is registered
from its rules/<CODE>/rule.toml (halint.rules.base.load)."""
