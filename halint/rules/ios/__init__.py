"""IOS rules: one router (running-config plus change scripts). Each module is registered from its
rules/<CODE>/rule.toml (halint.rules.base.load)."""
