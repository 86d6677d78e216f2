"""Cisco IOS running-configs and change scripts (CLI transcripts), their NAT, the router model
and the fix script halint compile writes."""
from __future__ import annotations

import re
from pathlib import Path

from halint.core.comments import whole_lines
from halint.formats.declaration import Claim, Format, Kind

#: routers/<name>.<label>.ios is a change script; routers/<name>.ios, .cfg or .conf a
#: running-config (INTERFACE.md, conventional layout)
CHANGES_NAME = re.compile(r"^[^.]+\.[^.]+\.ios$")
RUNNING_NAME = re.compile(r"^[^.]+\.(ios|cfg)$")
RUNNING_PLACE = re.compile(r"^[^.]+\.(ios|cfg|conf)$")


def _sniff(kind: str):
    def claims(path: Path, head: bytes) -> bool:
        from halint.formats.ios.reader import ios_sniff

        return ios_sniff(path.name, head) == kind

    return claims


def _in_routers(pattern: re.Pattern):
    """An empty file under a ``routers`` folder whose name says what it is."""
    return lambda path: "routers" in path.parts[:-1] and bool(pattern.search(path.name))


def _load(project, entries) -> None:
    if not (entries):
        return  # nothing to read: its code is not even imported
    from halint.formats.ios.load import load

    load(project, entries)


def _compile(projects, changed, originals, same):
    from halint.formats.ios.compile import compile_outputs

    return compile_outputs(projects, changed, originals, same)


def _sources(project):
    for router in project.routers:
        yield from (s for s in (router.running, *router.scripts) if s is not None)


FORMAT = Format(
    name="ios",
    kinds=(
        Kind("ios-changes", (Claim(70, _sniff("changes")),), hint=lambda path: bool(CHANGES_NAME.search(path.name)),
             hint_rank=50, empty=_in_routers(CHANGES_NAME)),
        Kind("ios-running", (Claim(75, _sniff("running")),), hint=lambda path: bool(RUNNING_NAME.search(path.name)),
             hint_rank=60, empty=_in_routers(RUNNING_PLACE)),
    ),
    comments=whole_lines("!", continuation=False),  # a line whose first non-blank character is `!`
    load=_load,
    units=lambda project: project.routers,
    sources=_sources,
    compile=_compile,
)
