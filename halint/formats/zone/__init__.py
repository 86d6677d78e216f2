"""DNS zone files (RFC 1035 master files, BIND's extensions), read with positions, and their model."""
