"""Cisco IOS / IOS-XE."""
