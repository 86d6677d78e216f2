"""Cisco IOS running-configs and change scripts (CLI transcripts), their NAT, the router model
and the fix script halint compile writes."""
