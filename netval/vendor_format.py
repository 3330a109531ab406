"""Which vendor wrote a config file, decided as Batfish decides it.

Batfish's format detector (VendorConfigurationFormatDetector) is a chain of text heuristics;
following the same chain means a file is parsed by the same family of grammar in both
engines, so their answers can be compared. Only the outcome names matter here: the built-in
engine parses CUMULUS_CONCATENATED, FRR, ARISTA and CISCO_IOS and fails the others clearly.
"""

from __future__ import annotations

import re
from enum import StrEnum


class ConfigFormat(StrEnum):
    """Batfish's ConfigurationFormat names: the one vocabulary of the snapshot reader, this
    detector and the built-in engine's loader, vendor registry and model."""

    A10_ACOS = "A10_ACOS"
    ARISTA = "ARISTA"
    BLADENETWORK = "BLADENETWORK"
    CADANT = "CADANT"
    CHECK_POINT_GATEWAY = "CHECK_POINT_GATEWAY"
    CISCO_ASA = "CISCO_ASA"
    CISCO_IOS = "CISCO_IOS"
    CISCO_IOS_XR = "CISCO_IOS_XR"
    CISCO_NX = "CISCO_NX"
    CUMULUS_CONCATENATED = "CUMULUS_CONCATENATED"
    CUMULUS_NCLU = "CUMULUS_NCLU"
    EMPTY = "EMPTY"
    F5 = "F5"
    F5_BIGIP_STRUCTURED = "F5_BIGIP_STRUCTURED"
    FLAT_JUNIPER = "FLAT_JUNIPER"
    FLAT_VYOS = "FLAT_VYOS"
    FORTIOS = "FORTIOS"
    FRR = "FRR"
    JUNIPER = "JUNIPER"
    METAMAKO = "METAMAKO"
    MRV = "MRV"
    PALO_ALTO = "PALO_ALTO"
    RUCKUS_ICX = "RUCKUS_ICX"
    UNKNOWN = "UNKNOWN"
    UNSUPPORTED = "UNSUPPORTED"
    VXWORKS = "VXWORKS"
    ARISTA_EOS = "ARISTA"  # the same format, by the name netval.snapshot used


# where FRR's own text starts: the first line `show running-config` prints
FRR_START = re.compile(r"^frr (version|defaults)\b")
_RANCID = re.compile(r"^[!#]RANCID-CONTENT-TYPE: ([a-zA-Z0-9_-]+)", re.M)
_BATFISH_FORMAT = re.compile(r"^[!#] *BATFISH[-_]FORMAT *: *([a-zA-Z0-9_-]+)", re.M)
_RANCID_MAP = {
    "arista": "ARISTA",
    "ios": "CISCO_IOS",
    "cisco-ncs": "CISCO_IOS",
    "ios-nx": "CISCO_NX",
    "cisco-nx": "CISCO_NX",
    "ios-xr": "CISCO_IOS_XR",
    "cisco-xr": "CISCO_IOS_XR",
    "ios-xr7": "CISCO_IOS_XR",
    "cisco-xr7": "CISCO_IOS_XR",
    "juniper": "JUNIPER",
    "junos": "JUNIPER",
    "juniper-srx": "JUNIPER",
    "paloalto": "PALO_ALTO",
    "fortigate": "FORTIOS",
    "f5": "F5_BIGIP_STRUCTURED",
    "bigip": "F5_BIGIP_STRUCTURED",
    "bigip13": "F5_BIGIP_STRUCTURED",
    "frr": "UNSUPPORTED",
    "zebra": "UNSUPPORTED",
}
_CHECKS: list[tuple[str, re.Pattern[str]]] = [
    (
        "A10_ACOS",
        re.compile(
            # literal dots: "." here would split a long run of digits every possible way
            r"version \d+\.\d+\.\d+[\w.-]*, build \d+ \([A-Za-z]+-\d{1,2}-\d{4},\d\d:\d\d\)",
            re.M,
        ),
    ),
    ("CHECK_POINT_GATEWAY", re.compile(r"^# Configuration of [\w-]+\n+# Language version: ", re.M)),
    ("FORTIOS", re.compile(r"config system global", re.M)),
    ("RUCKUS_ICX", re.compile(r"module \d+ icx", re.M)),
    ("CADANT", re.compile(r"^shelfname", re.M)),
    ("CUMULUS_CONCATENATED", re.compile(r"^# This file describes the network interfaces", re.M)),
    ("CUMULUS_NCLU", re.compile(r"^net del all$", re.M)),
    ("F5", re.compile(r"^(tmsh .*|sys\s+global-settings\s*\{.*)$", re.M)),
    ("CISCO_IOS_XR", re.compile(r"IOS XR", re.M)),
    ("FLAT_VYOS", re.compile(r"set system config-management commit-revisions", re.M)),
    (
        "METAMAKO",
        re.compile(
            r"application metamux|application metawatch|^! device: [^\n]+ MOS-\d+\.\d+\.\d+\)$",
            re.M,
        ),
    ),
    ("MRV", re.compile(r"System\.SystemName|^configuration hostname .*$", re.M)),
    ("PALO_ALTO", re.compile(r"deviceconfig|send-to-panorama|panorama-server", re.M)),
    (
        "ARISTA",
        re.compile(
            r"^.*boot system flash.*\.swi|^! device: .*\(.*EOS-\d.*"
            r"|^ip (ext)?community-list regexp",
            re.M,
        ),
    ),
    ("BLADENETWORK", re.compile(r"^switch-type", re.M)),
]
_JUNIPER = re.compile(
    r"^set (groups [^ ][^ ]* )?system host-name |^(firewall|policy-options|snmp) *\{", re.M
)
_XR = re.compile(r"^\s*(interface Bundle-Ether|end-policy\b|end-set\b|ipv4 access-list\b)", re.M)
_NXOS = re.compile(r"boot nxos|^\s*(no\s*)?feature\s+[^\s+].*$|bootflash:(n\d+|/?nxos)", re.M)
_CISCO_LIKE = re.compile(r"(^boot system flash.*$)|(^interface .*$)|(^(ip )?access-list.*$)", re.M)


def detect(text: str) -> ConfigFormat:
    """Batfish's ConfigurationFormat for ``text`` (``UNKNOWN`` when nothing fits)."""
    return _format(_detect(text))


def _format(name: str) -> ConfigFormat:
    try:
        return ConfigFormat(name)
    except ValueError:  # a BATFISH_FORMAT comment naming a format Batfish does not have
        return ConfigFormat.UNKNOWN


def _detect(text: str) -> str:
    stripped = text.strip()
    if not stripped:
        return "EMPTY"
    m = _BATFISH_FORMAT.search(text)
    if m:
        return m.group(1).upper()
    m = _RANCID.search(text)
    if m and m.group(1) != "cisco":
        return _RANCID_MAP.get(m.group(1), "UNKNOWN")
    not_juniper = re.search(r"^banner ", text, re.M) is not None
    for name, pattern in _CHECKS:
        if pattern.search(text):
            return name
    if stripped.startswith("!") and "set prompt" in text:
        return "VXWORKS"
    if not not_juniper and (
        _JUNIPER.search(text)
        or (
            "system" in text
            and "{" in text
            and "}" in text
            and "host-name" in text
            and "interfaces" in text
        )
    ):
        return "JUNIPER" if "{" in text else "FLAT_JUNIPER"
    if re.search(r"^ASA Version", text, re.M):
        return "CISCO_ASA"
    if _XR.search(text):
        return "CISCO_IOS_XR"
    if _NXOS.search(text):
        return "CISCO_NX"
    if _CISCO_LIKE.search(text) or stripped.startswith("!"):
        return "CISCO_IOS"
    if re.search(r"^ *commit *$", text, re.M):
        return "CISCO_NX"
    if FRR_START.match(stripped):
        return "FRR"
    return "UNKNOWN"
