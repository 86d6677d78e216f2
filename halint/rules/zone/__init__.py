"""ZN rules: one DNS zone (dnspython semantics). Each module is registered from its
rules/<CODE>/rule.toml (halint.rules.base.load)."""
