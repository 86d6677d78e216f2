"""What must never be printed: the value after a secret keyword, on any line halint shows.

keepalived ``auth_pass``; BIND ``secret "..."`` (TSIG keys in named.conf); Cisco IOS
``password``, ``secret`` (``enable secret``, ``username ... secret``), ``key-string``,
``snmp-server community``, ``pre-shared-key``. Findings already say "(N characters, redacted)";
this covers the places that quote source lines: fix diffs and SARIF fingerprints.
"""
from __future__ import annotations

import re

#: a secret keyword and the rest of its line (the value, possibly with an encryption type first)
SECRET = re.compile(r"(?i)\b(auth_pass|password|passwd|secret|key-string|community|pre-shared-key)\b[^\r\n]*")


def redact(text: str) -> str:
    """``text`` with every secret value replaced by ``<redacted>`` (line structure kept)."""
    return SECRET.sub(r"\1 <redacted>", text)
