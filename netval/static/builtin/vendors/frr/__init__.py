"""FRR: bare frr.conf and Cumulus-concatenated files."""
