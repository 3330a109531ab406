"""Syntax shared by the vendor parsers."""
