"""undefinedReferences and unusedStructures, computed from the parsers' definitions and uses."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from netval.static.builtin.model import DeviceModel

# Structures every vendor uses implicitly (an interface exists to be used), which Batfish
# never reports as unused.
NEVER_UNUSED = frozenset(
    {
        "interface",
        "vrf",
        "loopback",
        "bond",
        "vlan",
        "vxlan",
        "route-map entry",
        "bgp neighbor",
        "abstract interface",
    }
)


def undefined_rows(devices: list[DeviceModel]) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for dev in devices:
        defined = {(t, n) for (t, n) in dev.definitions}
        grouped: dict[tuple[str, str, str], set[int]] = defaultdict(set)
        for ref in dev.references:
            if any((t, ref.name) in defined for t in ref.satisfied_by):
                continue
            grouped[(ref.type, ref.name, ref.context)].add(ref.line)
        for (stype, name, context), lines in sorted(grouped.items()):
            rows.append(
                {
                    "File_Name": dev.filename,
                    "Struct_Type": stype,
                    "Ref_Name": name,
                    "Context": context,
                    "Lines": {"filename": dev.filename, "lines": sorted(lines)},
                }
            )
    return rows


def unused_rows(devices: list[DeviceModel]) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for dev in devices:
        used: set[tuple[str, str]] = set()
        for ref in dev.references:
            for t in ref.satisfied_by:
                used.add((t, ref.name))
        for (stype, name), d in sorted(dev.definitions.items()):
            if stype in NEVER_UNUSED or (stype, name) in used:
                continue
            rows.append(
                {
                    "Structure_Type": stype,
                    "Structure_Name": name,
                    "Source_Lines": {"filename": dev.filename, "lines": sorted(d.lines)},
                }
            )
    return rows
