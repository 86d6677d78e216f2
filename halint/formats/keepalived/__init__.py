"""keepalived.conf: the line reader (includes, @host, $VAR, ~SEQ), the statement tree, the
keyword schema, the typed model and its two evaluations (as keepalived runs it, as intended)."""
