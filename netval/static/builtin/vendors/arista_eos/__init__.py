"""Arista EOS (IOS-like stanzas with its own names and defaults)."""
