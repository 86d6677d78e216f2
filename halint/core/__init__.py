"""The core: a file's text, spans and line index, limits, diagnostics and problems, edits,
the checked tree as configs see it (fsview), rule metadata (registry). Imports nothing of halint's
above it."""
