"""/etc/machine-id."""
from __future__ import annotations

from halint.formats.declaration import Claim, Format, Kind


def _load(project, entries) -> None:
    if not entries:
        return
    from halint.formats.machine_id.reader import parse_machine_id

    for entry, source in entries.get("machine-id", []):
        model = parse_machine_id(source)
        project.host(entry.host).machine_ids.append(model)
        if model.problem:
            project.notes.append(f"{project.shown(source.path)}: {model.problem}")


def _sources(project):
    for files in project.hosts.values():
        for model in files.machine_ids:
            yield model.source


FORMAT = Format(
    name="machine_id",
    kinds=(Kind("machine-id", (Claim(40, lambda path, head: path.name == "machine-id"),),
                hint=lambda path: path.name == "machine-id", hint_rank=30),),
    comments=None,  # one line, no comments: no inline suppressions
    load=_load,
    units=lambda project: [],
    sources=_sources,
)
