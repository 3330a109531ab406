"""Live collection: Nornir + Scrapli (and NAPALM) to the normalized State."""
