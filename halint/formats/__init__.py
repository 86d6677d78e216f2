"""One package per format halint reads: its recognition, reader, model and evaluation, and one
declaration (:class:`halint.formats.declaration.Format`). The only place that touches Lark,
dnspython's tokenizer or a format's parser library.

:func:`formats` gives their declarations in :data:`NAMES`' order, the order the project loader
loads them (a named.conf before the zones it names). Adding a format: a package here exporting
``FORMAT``, and its name in :data:`NAMES`."""
from __future__ import annotations

import importlib
from functools import cache

from halint.formats.declaration import Format

#: the formats, in loading order
NAMES = ("keepalived", "named", "interfaces", "machine_id", "zone", "ios")


@cache
def formats() -> tuple[Format, ...]:
    return tuple(importlib.import_module(f"halint.formats.{name}").FORMAT for name in NAMES)


def get(name: str) -> Format:
    """The format named ``name``; KeyError when none is."""
    for fmt in formats():
        if fmt.name == name:
            return fmt
    raise KeyError(name)
