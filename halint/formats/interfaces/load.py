"""Loading /etc/network/interfaces files: each host's, with the files it sources."""
from __future__ import annotations

from pathlib import Path


def load(project, entries: dict[str, list]) -> None:
    from halint.formats.interfaces.reader import parse_interfaces

    parsed = [(entry, parse_interfaces(source, project.view(entry), project.sources)) for entry, source in entries.get("interfaces", [])]
    sourced = {Path(src.path) for _, model in parsed for src in model.sources[1:]}
    project.included.update(sourced)
    for entry, model in parsed:
        if entry.path in sourced:
            continue  # read through the interfaces file that sources it
        project.host(entry.host).interfaces.append(model)
        project.problems_as_notes(model.problems)
