"""/etc/machine-id."""
