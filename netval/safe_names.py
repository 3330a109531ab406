"""Grammars for the values a snapshot gives netval: hostnames, interface names, FRR profiles.

Snapshots arrive in pull requests, and the lab turns their values into namespace names,
FRR pathspaces, daemons files and ``ip -batch`` lines run as root. Every such value is
checked here against a strict allowlist before it reaches any of them; the static gate
reports a value that fails as a parse error, so a hostile snapshot never passes ``verify``.
"""

from __future__ import annotations

import ipaddress
import re

# A DNS label (RFC 1123) plus '_' and dots, and at most 63 characters: Linux's HOST_NAME_MAX
# is 64, and the name must fit FRR's socket paths under /var/run/frr/<pathspace>/.
HOSTNAME_MAX = 63
_HOSTNAME = re.compile(r"[a-z0-9](?:[a-z0-9_.-]*[a-z0-9])?")
# Interface names of the FRR/Cumulus files and hosts: what Linux and FRR use, never a shell
# metacharacter, a space or a control byte. The lab applies Linux's stricter limits itself.
INTERFACE_MAX = 64
_INTERFACE = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9_.:/@+-]*)")
# The values FRR 8.4 accepts after `frr defaults`.
FRR_PROFILES = ("traditional", "datacenter")


def hostname_problem(name: str) -> str | None:
    """Why ``name`` (already lower-cased) cannot be a device name, or None."""
    if len(name) > HOSTNAME_MAX:
        return f"hostname has {len(name)} characters, at most {HOSTNAME_MAX} are allowed"
    if not _HOSTNAME.fullmatch(name) or ".." in name:
        return (
            f"hostname {name!r} is not a valid hostname (letters, digits, '-', '_' and '.', "
            "starting and ending with a letter or digit)"
        )
    return None


def interface_problem(name: str) -> str | None:
    """Why ``name`` cannot be an interface name, or None."""
    if len(name) > INTERFACE_MAX:
        return f"interface name has {len(name)} characters, at most {INTERFACE_MAX} are allowed"
    if not _INTERFACE.fullmatch(name):
        return (
            f"interface name {name!r} is not valid (letters, digits and '_.:/@+-', "
            "starting with a letter or digit)"
        )
    return None


def frr_profile_problem(value: str) -> str | None:
    if value not in FRR_PROFILES:
        return f"'frr defaults {value}' is not an FRR profile (one of: {', '.join(FRR_PROFILES)})"
    return None


def slug(name: str) -> str:
    """A valid hostname as a name FRR's pathspace accepts (no dots)."""
    return name.replace(".", "_")


def address_problem(text: str, *, interface: bool) -> str | None:
    """Why ``text`` is not an IP address (``interface``: with an optional /LEN), or None.

    Python's ipaddress accepts an IPv6 scope id of any characters ('fe80::1%$(id)'), newlines
    included; no snapshot needs one, so it is refused.
    """
    if "%" in text:
        return f"{text!r} carries an IPv6 scope id, which netval does not accept"
    try:
        if interface:
            ipaddress.ip_interface(text)
        else:
            ipaddress.ip_address(text)
    except ValueError:
        return f"{text!r} is not an IP {'interface address' if interface else 'address'}"
    return None
