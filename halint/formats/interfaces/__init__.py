"""Debian's /etc/network/interfaces (ifupdown), with the files it sources."""
from __future__ import annotations

from pathlib import Path

from halint.core.comments import whole_lines
from halint.formats.declaration import Claim, Format, Kind


def _claims(path: Path, head: bytes) -> bool:
    from halint.formats.interfaces.reader import interfaces_sniff

    return interfaces_sniff("/".join(path.parts[-3:]), head)  # etc/network/interfaces: enough


def _load(project, entries) -> None:
    if not (entries):
        return  # nothing to read: its code is not even imported
    from halint.formats.interfaces.load import load

    load(project, entries)


def _sources(project):
    for files in project.hosts.values():
        for model in files.interfaces:
            yield from model.sources


FORMAT = Format(
    name="interfaces",
    kinds=(Kind("interfaces", (Claim(60, _claims),), hint=lambda path: path.name == "interfaces", hint_rank=40),),
    # interfaces(5): a line whose first non-blank character is `#`; no end-of-line comments, and a
    # line after one ending in a backslash continues it
    comments=whole_lines("#", continuation=True),
    load=_load,
    units=lambda project: [],
    sources=_sources,
)
