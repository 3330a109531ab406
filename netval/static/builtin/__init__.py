"""The built-in static engine: pure Python, no JVM (see engine.py)."""

from netval.static.builtin.engine import BuiltinEngine

__all__ = ["BuiltinEngine"]
