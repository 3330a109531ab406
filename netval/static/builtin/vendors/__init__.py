"""Vendor support: only these folders read configuration text; everything after them reads the
model (netval.static.builtin.model)."""
