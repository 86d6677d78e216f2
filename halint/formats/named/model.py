"""The model of a named.conf: options { directory }, views, zones and the files they load.

The records are built by the reader while it parses (halint/formats/named/reader.py: the import
direction lets the model use the parse layer, not the other way round) and are the model as
rules see it: frozen dataclasses whose every field a rule may point at keeps its span.

* :class:`NamedConf` - one named.conf with everything it includes: ``directory``, ``zones``,
  ``views``, every top-level ``statements`` (unknown ones kept), ``includes``, ``problems``;
  ``zone_files()`` gives the absolute host path of each zone's file with its zone.
* :class:`ZoneStatement` - name (and ``origin``), class, type, file as written and resolved
  (``path``), masters / primaries, the view it sits in.
"""
from __future__ import annotations

from halint.formats.named.reader import (
    Block,
    Inclusion,
    NamedConf,
    Problem,
    Statement,
    Token,
    ViewStatement,
    ZoneStatement,
)

__all__ = ["Block", "Inclusion", "NamedConf", "Problem", "Statement", "Token", "ViewStatement", "ZoneStatement"]
