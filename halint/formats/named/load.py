"""Loading named.conf files: each host's, with what it includes; the zone files its `file`
clauses name, with their origin (read by the zone format, loaded after this one)."""
from __future__ import annotations

import os
from pathlib import Path


def load(project, entries: dict[str, list]) -> None:
    from halint.formats.named.reader import parse_named

    origins = project.zone_origins
    for entry, source in entries.get("named-conf", []):
        view = project.view(entry)
        conf = parse_named(source, view, project.sources)
        project.host(entry.host).named.append(conf)
        project.included.update(Path(src.path) for src in conf.sources[1:])
        project.problems_as_notes(conf.problems)
        for host_path, stmt in conf.zone_files():
            real = Path(os.path.abspath(view.real_path(host_path, "/")))
            origin = stmt.name if stmt.name.endswith(".") else stmt.name + "."
            where = project.shown(stmt.span.source.path)
            said = f"{where}:{stmt.span.line} zone \"{stmt.name}\""
            if real in origins and origins[real][0].lower() != origin.lower():
                project.notes.append(
                    f"{project.shown(real)}: {said} gives origin {origin}, but {origins[real][1]} gave {origins[real][0]}; keeping the first"
                )
                continue
            origins.setdefault(real, (origin, said))
