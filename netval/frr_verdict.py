"""FRR's own verdict on the FRR part of each config: the lines ``vtysh --dryrun`` rejects.

A line FRR rejects is dropped when the router boots (a typo'd ``match ip adress`` leaves a
route-map that permits everything), so the ``parse`` check reports it whatever the engine
(Batfish or built-in) made of the line; the engines' own answers keep their shape. When FRR
is installed, every FRR device's text goes through FRR's dry-run parser; without FRR, the
engine's grammar alone judges.

All devices go through one vtysh process: their texts are concatenated, each followed by a
boundary that brings the reader back to configuration mode and then names the device. A
device that leaves the reader elsewhere (a top-level ``exit``, which makes FRR stop reading
or reject what follows) is reported, and the devices after it are read again in a new run.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

VTYSH = "/usr/bin/vtysh"
TIMEOUT = 120.0
# FRR's reader prints "line N: % Unknown command[NODE]: TEXT" (or another % message)
_REJECTED = re.compile(r"^line (\d+): (% [^:\[]+)(?:\[(\d+)\])?: ?(.*)$")
_CONFIG_NODE = "4"  # vtysh's number for configuration mode


@dataclass(frozen=True)
class Rejected:
    line: int  # 1-based line of the device's FRR text
    text: str
    message: str


def available() -> bool:
    return Path(VTYSH).exists()


def snapshot_rejections(root: Path) -> list[str] | None:
    """'file:line: text: message' for every FRR line FRR rejects; None without FRR."""
    from netval.errors import InputError
    from netval.snapshot import ConfigFormat, read_device

    configs = root / "configs"
    parts = {}
    for file in sorted(configs.glob("*")) if configs.is_dir() else []:
        if not file.is_file() or file.name.startswith("."):
            continue
        try:
            device = read_device(file)
        except InputError:
            continue  # the engine's parse status reports a file netval cannot read
        if device.format in (ConfigFormat.CUMULUS_CONCATENATED, ConfigFormat.FRR):
            parts[str(file)] = device
    verdict = rejected_lines({name: d.frr_text for name, d in parts.items()})
    if verdict is None:
        return None
    found = []
    for name, rejected in verdict.items():
        first = parts[name].frr_first_line or 1
        for item in rejected:
            found.append(
                f"{name}:{first + item.line - 1}: {item.text.strip()!r}: "
                f"FRR rejects this line ({item.message.lstrip('% ')})"
            )
    return found


def rejected_lines(texts: dict[str, str]) -> dict[str, list[Rejected]] | None:
    """For each device name -> FRR text, the lines FRR rejects; None when FRR is absent or
    its dry run could not be used (the caller then relies on the built-in grammar)."""
    if not texts or not available():
        return None
    out: dict[str, list[Rejected]] = {name: [] for name in texts}
    names = list(texts)
    with tempfile.TemporaryDirectory(prefix="netval-frr-") as tmp:
        root = Path(tmp)
        root.chmod(0o711)  # the unprivileged reader may enter, not list
        (root / "vtysh.conf").write_text("")
        (root / "vtysh.conf").chmod(0o644)
        start = 0
        while start < len(names):
            done = _run_batch(root, names[start:], texts, out)
            if done is None:
                return None
            start += done
    return out


def _boundary(index: int) -> list[str]:
    # from any configuration sub-node the reader climbs back to configuration mode to take
    # this route-map; `exit` leaves it; the unknown last line then reports which mode it is in
    return [f"route-map NETVAL-BOUNDARY-{index} permit 1", "exit", f"netval-boundary-{index}"]


def _run_batch(
    root: Path, names: list[str], texts: dict[str, str], out: dict[str, list[Rejected]]
) -> int | None:
    """Read ``names`` in one run; return how many of them were judged (at least one)."""
    lines: list[str] = []
    spans: list[tuple[int, int]] = []  # (first line, boundary line) of each device, 1-based
    for index, name in enumerate(names):
        body = texts[name].splitlines()
        first = len(lines) + 1
        lines += body
        lines += _boundary(index)
        spans.append((first, len(lines)))
    path = root / "frr.conf"
    path.write_text("\n".join(lines) + "\n")
    path.chmod(0o644)
    try:
        proc = subprocess.run(
            [*_as_unprivileged(), VTYSH, "--config_dir", str(root), "-C", "-f", str(path)],
            capture_output=True,
            text=True,
            timeout=TIMEOUT,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    reports: dict[int, tuple[str, str, str]] = {}
    for raw in (proc.stdout + proc.stderr).splitlines():
        m = _REJECTED.match(raw.strip())
        if m:
            reports[int(m.group(1))] = (m.group(2).strip(), m.group(3) or "", m.group(4))
    for index, (name, (first, boundary)) in enumerate(zip(names, spans, strict=True)):
        body_end = boundary - len(_boundary(index))
        for number in range(first, body_end + 1):
            if number in reports:
                message, _, text = reports[number]
                out[name].append(Rejected(number - first + 1, text, message))
        marker = reports.get(boundary)
        if marker is None or marker[1] != _CONFIG_NODE:
            last = max(1, body_end - first + 1)
            out[name].append(
                Rejected(
                    last,
                    texts[name].splitlines()[-1] if texts[name].strip() else "",
                    "% FRR's reader is not in configuration mode at the end of this file "
                    "(a top-level 'exit'?): FRR ignores or rejects the lines after it",
                )
            )
            return index + 1
    return len(names)


def _as_unprivileged() -> list[str]:
    """Untrusted text is read by vtysh as nobody when netval runs as root."""
    if os.geteuid() == 0 and shutil.which("runuser"):
        return ["runuser", "-u", "nobody", "--"]
    return []
