"""Debian's /etc/network/interfaces (ifupdown), with the files it sources."""
