"""Loading routers: each router's running-config with its change scripts applied in file-name
order; when a git base is open, each router whose files differ there, as it was (HA013)."""
from __future__ import annotations

from pathlib import Path

from halint.core.source import Source


def load(project, entries: dict[str, list]) -> None:
    running, changes = entries.get("ios-running", []), entries.get("ios-changes", [])
    if not running and not changes:
        return
    from halint.formats.ios.build import load_router
    from halint.formats.ios.reader import router_name

    def name_of(entry, source: Source) -> str:
        return router_name(source) or entry.path.name.split(".", 1)[0]

    def empty(source: Source) -> bool:
        return not source.text[source.content_start :].strip()

    configs: dict[str, list[Source]] = {}
    for entry, source in running:
        if empty(source):
            # IOS writes at least `hostname` and `end`: an empty file is a failed export, and
            # the router's NAT (what HA008, HA013 and HA019 check) is unknown
            project.unreadable[entry.path] = (
                "it is empty: a router's running-config holds at least its `hostname` and `end` "
                "(a failed export?), so this router's NAT rules are unknown to every check"
            )
            continue
        configs.setdefault(name_of(entry, source), []).append(source)
    scripts: dict[str, list[Source]] = {}
    for entry, source in sorted(changes, key=lambda item: item[0].path.name):
        if empty(source):
            project.notes.append(f"{project.shown(entry.path)}: an empty change script: nothing to apply")
            continue
        scripts.setdefault(name_of(entry, source), []).append(source)
    for name in sorted(set(configs) | set(scripts)):
        mine = configs.get(name, [None])
        if len(mine) > 1:
            listed = ", ".join(project.shown(s.path) for s in mine)
            project.notes.append(f"router {name}: {len(mine)} running-configs ({listed}); each is checked on its own and change scripts apply to the first")
        for i, source in enumerate(mine):
            project.routers.append(load_router(name, source, scripts.get(name, []) if i == 0 else []))
    for router in project.routers:
        project.notes.extend(f"router {router.name}: {note}" for note in router.notes)
    if project.base_sources is not None:
        _bases(project, project.base_sources, load_router)


def _bases(project, cache, load_router) -> None:
    """Each router whose running-config or change scripts differ in the git base, as it was."""
    for router in project.routers:
        files = [s for s in (router.running, *router.scripts) if s is not None]
        old = [cache.get(Path(s.path)) for s in files]
        if all(isinstance(o, Source) and o.text == s.text for o, s in zip(old, files)):
            continue
        old_running = old[0] if router.running is not None and isinstance(old[0], Source) else None
        old_scripts = [o for o in old[1 if router.running is not None else 0:] if isinstance(o, Source)]
        if old_running is None and not old_scripts:
            continue  # new in git: nothing to compare with
        project.router_bases[router.name] = load_router(router.name, old_running, old_scripts)
