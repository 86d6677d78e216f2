"""HA rules: the cross-file model (one inventory of the whole tree). Every module is imported
here to register it."""
