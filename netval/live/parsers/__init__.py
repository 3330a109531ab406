"""Per-platform parsers from device output to State (see base.PlatformParser)."""
