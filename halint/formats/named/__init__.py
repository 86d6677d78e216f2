"""BIND's named.conf: which zone files, with which origin."""
