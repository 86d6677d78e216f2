"""The IOS format's part of `halint compile`: a router is not corrected by editing a file in git,
so its files are copied unchanged and the corrections go to ``<router>.fix.ios`` beside its
running-config: the IOS commands an engineer pastes into the device. halint reads that file as
the router's last change script, so checking the compiled tree sees the corrected state."""
from __future__ import annotations

import os
from pathlib import Path

from halint.core.source import Source, SourceError, read_source


def router_files(projects, same) -> dict[Path, str]:
    """Every running-config and change script of the checked trees -> its router's name."""
    files: dict[Path, str] = {}
    for project in projects:
        for router in project.routers:
            for source in (router.running, *router.scripts):
                if source is not None:
                    files[same(source.path)] = router.name
    return files


def compile_outputs(projects, changed: dict, originals: dict, same) -> tuple[set[Path], dict[Path, bytes]]:
    """(the changed router files, which compile leaves unchanged, {<router>.fix.ios: bytes})."""
    from halint.formats.ios.fixscript import fix_script

    routers = router_files(projects, same)
    mine: dict[str, list[tuple[Source, str]]] = {}
    for path, (original, fixed) in sorted(changed.items()):
        if path in routers:
            mine.setdefault(routers[path], []).append((original, fixed.text))
    outputs: dict[Path, bytes] = {}
    for name, changes in sorted(mine.items()):
        touched = {same(original.path) for original, _ in changes}
        # the router's unchanged files: what its change scripts already remove or add matters
        others = [originals.get(p) or _read(p) for p, n in routers.items() if n == name and p not in touched]
        script = fix_script(name, changes, [o for o in others if o is not None])
        if script is None:
            continue
        folder = Path(os.path.abspath(changes[0][0].path)).parent
        outputs[folder / f"{name}.fix.ios"] = script.encode("utf-8")
    return {p for p in changed if p in routers}, outputs


def _read(path: Path) -> Source | None:
    try:
        return read_source(path)
    except SourceError:
        return None
