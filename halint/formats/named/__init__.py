"""BIND's named.conf: which zone files, with which origin."""
from __future__ import annotations

import re
from pathlib import Path

from halint.core.comments import c_style
from halint.formats.declaration import Claim, Format, Kind


def _claims(path: Path, head: bytes) -> bool:
    from halint.formats.named.reader import named_sniff

    return named_sniff(path.name, head)


def _load(project, entries) -> None:
    if not (entries):
        return  # nothing to read: its code is not even imported
    from halint.formats.named.load import load

    load(project, entries)


def _sources(project):
    for files in project.hosts.values():
        for model in files.named:
            yield from model.sources


FORMAT = Format(
    name="named",
    kinds=(Kind("named-conf", (Claim(50, _claims),), hint=lambda path: bool(re.match(r"named\.conf", path.name)), hint_rank=20),),
    comments=c_style,  # named.conf(5): `#` and `//` to the end of the line, `/* */` anywhere
    load=_load,
    units=lambda project: [],
    sources=_sources,
)
