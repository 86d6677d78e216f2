"""keepalived.conf: the line reader (includes, @host, $VAR, ~SEQ), the statement tree, the
keyword schema, the typed model and its two evaluations (as keepalived runs it, as intended)."""
from __future__ import annotations

import re
from pathlib import Path

from halint.core.comments import anywhere
from halint.formats.declaration import Claim, Format, Kind

#: top-level keywords that make a file keepalived's (``include`` is named.conf's too)
SNIFF = re.compile(
    rb"^[ \t]*(global_defs|vrrp_instance|vrrp_script|vrrp_sync_group|virtual_server|"
    rb"virtual_server_group|vrrp_track_file|vrrp_track_process|static_ipaddress|static_routes|"
    rb"static_rules|garp_group|linkbeat_interfaces|bfd_instance|track_file|track_process|"
    rb"net_namespace|use_pid_dir|instance)\b",
    re.MULTILINE,
)


def _by_name(path: Path, head: bytes) -> bool:
    return path.name.startswith("keepalived.conf")


def _by_content(path: Path, head: bytes) -> bool:
    return bool(SNIFF.search(head))


def _in_its_folder(path: Path, head: bytes) -> bool:
    return "keepalived" in path.parts[:-1] and _by_content(path, head)


def _fragment(path: Path, head: bytes) -> bool:
    """A *.conf under a keepalived folder with no top-level block of its own: a piece meant
    to be included (a ``priority`` line, a list of real servers), checked through its includer."""
    name = path.name
    return "keepalived" in path.parts[:-1] and (name.endswith(".conf") or name.endswith(".inc"))


def _load(project, entries) -> None:
    if not (entries):
        return  # nothing to read: its code is not even imported
    from halint.formats.keepalived.load import load

    load(project, entries)


def _sources(project):
    for unit in project.keepalived:
        yield from unit.effective.sources + unit.intended.sources  # (they differ past a byte-order mark)


FORMAT = Format(
    name="keepalived",
    kinds=(
        # keepalived's content sniff comes last: a keyword such as ``instance`` can begin an
        # indented IOS line
        Kind("keepalived", (Claim(10, _by_name), Claim(20, _in_its_folder), Claim(900, _by_content)),
             hint=lambda path: path.name.startswith("keepalived.conf"), hint_rank=10),
        Kind("keepalived-fragment", (Claim(30, _fragment),), read=False),
    ),
    comments=anywhere("#!"),  # keepalived.conf(5), lib/parser.c decomment(): `\#` and `\!` are literal
    load=_load,
    units=lambda project: project.keepalived,
    sources=_sources,
    syntax_code="KA001",
)
