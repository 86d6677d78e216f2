"""How far halint reads before it calls an input hostile: sizes, depths and expansion counts.

Every limit is a point where reading stops with a diagnostic (the format's syntax code, or
HL001 where the format has none) instead of a crash, a hang or an exhausted memory. The
defaults are far above any real configuration; ``[limits]`` in the manifest changes them (and
so does the parsed-model cache key, since a different limit reads a file differently).
"""
from __future__ import annotations

from dataclasses import dataclass, fields

MIB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    file_size: int = 64 * MIB  #: bytes of one file
    nesting_depth: int = 100  #: `{` blocks inside blocks (keepalived, named.conf)
    include_depth: int = 64  #: include / $INCLUDE / source chains
    includes: int = 10_000  #: files one configuration reads through includes, each re-read counted
    line_expansions: int = 1_000  #: keepalived expansion passes over one line (and its re-reads)
    sequence_values: int = 100_000  #: lines one keepalived ~SEQ / ~LST may produce
    generate_records: int = 1_000_000  #: records the $GENERATE lines of one zone may produce
    files: int = 100_000  #: files read under the checked paths

    @staticmethod
    def keys() -> dict[str, str]:
        """Manifest key (kebab-case) -> field name."""
        return {f.name.replace("_", "-"): f.name for f in fields(Limits)}


DEFAULT = Limits()
