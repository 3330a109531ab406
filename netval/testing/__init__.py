"""Test support for netval: tools that stand in for external services in tests.

Nothing is imported here on purpose: `python -m netval.testing.batfish_replay` must not find the
module already imported by its package (runpy warns and runs a second copy).
"""
