"""netval: network validation before and after every change."""

__version__ = "0.1.0"
