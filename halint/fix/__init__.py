"""Fixes: the bounded fix loop with rollback, compile, and writing files all or none."""
