"""Helpers shared by the per-platform parsers.

Every parser funnels raw output through ``check_output`` (and ``load_json`` or
``run_template``) first, so the "garbage is an error, never an empty list" rule lives
in one place. The normalizers (uptime, ASN, protocol, BGP state) keep the State model
vendor-neutral: checks compare ``"bgp"`` with ``"bgp"``, never ``"B"`` with ``"eBGP"``.
"""

from __future__ import annotations

import ipaddress
import json
import os
import re
from collections.abc import Callable, Iterable
from importlib import resources
from pathlib import Path
from typing import Any, ClassVar, TypeVar

import textfsm

from netval.live.parsers.base import ParsedItems, ParseError
from netval.state import BgpPeer, BgpState, Domain

SNIPPET_CHARS = 80

T = TypeVar("T")

# Lines a CLI prints instead of an answer. Matched case-insensitively at the start of a
# stripped line; the list errs on the side of known wording so that real output (which
# never starts a line with these phrases) is not mistaken for an error.
_ERROR_LINE = re.compile(
    r"^(?:%\s*(?:invalid|incomplete|ambiguous|unknown|unrecognized|error|bad|"
    r"command (?:rejected|authorization)|permission denied|this command is not)"
    r"|error:|syntax error|unknown command|invalid command|command authorization failed"
    r"|cmd exec error|\^$)",
    re.IGNORECASE,
)


def snippet(output: str) -> str:
    """The first characters of an output, for error messages a human can act on."""
    text = output.strip().replace("\r", "")
    if len(text) > SNIPPET_CHARS:
        return repr(text[:SNIPPET_CHARS] + "...")
    return repr(text)


def bad_output(command: str, output: str, why: str) -> ParseError:
    return ParseError(
        f"output of `{command}` is unusable: {why}; output began {snippet(output)}",
        hint="run the command on the device by hand; check the platform in the inventory",
    )


def guard(command: str, output: str, parse: Callable[[], T]) -> T:
    """Run a parse; any structural surprise becomes a ParseError naming the command.

    Parsers validate what they need explicitly, but device output is unbounded: a
    field of an unexpected type must still end as "bad output", never a traceback.
    """
    try:
        return parse()
    except ParseError:
        raise
    except (ValueError, TypeError, KeyError, AttributeError, IndexError) as exc:
        first_line = str(exc).splitlines()[0] if str(exc) else ""
        why = f"unexpected structure ({type(exc).__name__}: {first_line})"
        raise bad_output(command, output, why) from exc


def check_output(command: str, output: str) -> None:
    """Reject empty output and CLI error banners before any parsing is attempted."""
    if not output or not output.strip():
        raise bad_output(command, output, "the device returned nothing")
    for line in output.splitlines():
        if _ERROR_LINE.match(line.strip()):
            why = f"the device answered with an error ({line.strip()!r})"
            raise bad_output(command, output, why)


def load_json(command: str, output: str, *, trailer: re.Pattern[str] | None = None) -> Any:
    """Decode a ``| json`` answer; ``trailer`` strips a platform's text after the JSON."""
    text = output.strip() if output else ""
    if trailer is not None:
        text = trailer.sub("", text).strip()
    try:
        # a JSON document has no line that starts as a CLI error banner does, so the banner
        # scan (every line of a routing table) is only for answers that are not JSON
        return json.loads(text)
    except (json.JSONDecodeError, RecursionError) as exc:
        check_output(command, output)
        raise bad_output(command, output, f"not valid JSON (truncated or not JSON: {exc})") from exc


def need_dict(command: str, output: str, value: Any, what: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise bad_output(command, output, f"{what} is missing or not an object")
    return value


def as_list(value: Any) -> list[Any]:
    """NX-OS and Junos give one element as an object and several as a list; unify."""
    if value is None:
        return []
    if isinstance(value, list):
        return value
    return [value]


def to_int(value: Any) -> int | None:
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value)
    text = str(value).strip()
    if re.fullmatch(r"-?\d+", text):
        return int(text)
    return None


def parse_asn(value: Any) -> int | None:
    """Plain (``65001``) or asdot (``65001.1026``) AS numbers, as an asplain int."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    text = str(value).strip()
    match = re.fullmatch(r"(\d+)\.(\d+)", text)
    if match:
        return int(match.group(1)) * 65536 + int(match.group(2))
    return to_int(text)


_ISO = re.compile(
    r"P(?:(?P<y>\d+)Y)?(?:(?P<mo>\d+)M)?(?:(?P<w>\d+)W)?(?:(?P<d>\d+)D)?"
    r"(?:T(?:(?P<h>\d+)H)?(?:(?P<mi>\d+)M)?(?:(?P<s>\d+(?:\.\d+)?)S)?)?"
)
_COMPACT = re.compile(
    r"(?:(?P<y>\d+)y)?(?:(?P<w>\d+)w)?(?:(?P<d>\d+)d)?(?:(?P<h>\d+)h)?"
    r"(?:(?P<mi>\d+)m)?(?:(?P<s>\d+)s)?"
)
_CLOCK = re.compile(
    r"(?:(?:(?P<y>\d+)y)?(?:(?P<w>\d+)w)?(?:(?P<d>\d+)d)?\s*)?"
    r"(?P<a>\d+):(?P<b>\d{2})(?::(?P<c>\d{2}(?:\.\d+)?))?"
)
_SECONDS = {"y": 365 * 86400, "mo": 30 * 86400, "w": 7 * 86400, "d": 86400, "h": 3600, "mi": 60}


def _sum_parts(parts: dict[str, str | None]) -> float:
    total = 0.0
    for key, factor in _SECONDS.items():
        if parts.get(key):
            total += int(parts[key] or 0) * factor
    if parts.get("s"):
        total += float(parts["s"] or 0)
    return total


def parse_uptime(value: Any) -> float | None:
    """Seconds from every uptime spelling the platforms use; ``None`` if unknown.

    ``1d02h``, ``5w2d``, ``1y10w`` (Cisco), ``00:05:12``, ``1w2d 3:04:05`` (clock
    forms; two fields are minutes:seconds as Junos prints short ages), ISO 8601
    ``P1M17DT4H49M50S`` (NX-OS JSON) and plain seconds.
    """
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value) if value >= 0 else None
    text = str(value).strip()
    if not text or text.lower() in {"never", "-", "n/a"}:
        return None
    if re.fullmatch(r"\d+(?:\.\d+)?", text):
        return float(text)
    iso = _ISO.fullmatch(text)
    if iso and text != "P":
        return _sum_parts(iso.groupdict())
    compact = _COMPACT.fullmatch(text)
    if compact and any(compact.groupdict().values()):
        return _sum_parts(compact.groupdict())
    clock = _CLOCK.fullmatch(text)
    if clock:
        parts = clock.groupdict()
        if parts["c"] is None:  # mm:ss
            seconds = int(parts["a"] or 0) * 60 + float(parts["b"] or 0)
        else:
            seconds = int(parts["a"] or 0) * 3600 + int(parts["b"] or 0) * 60 + float(parts["c"])
        return seconds + _sum_parts({k: parts[k] for k in ("y", "w", "d")})
    return None


def ip_spelling(text: str) -> str:
    """An address or prefix as the catalog writes it (``2001:DB8::0/64`` is
    ``2001:db8::/64``); host bits stay, and anything that is not an address is unchanged."""
    try:
        if "/" in text:
            return str(ipaddress.ip_interface(text))
        return str(ipaddress.ip_address(text))
    except ValueError:
        return text


def add_counts(first: int | None, other: int | None) -> int | None:
    """A total of two counts where either may be unknown (None): the known one stands."""
    if first is None or other is None:
        return other if first is None else first
    return first + other


def merge_sessions(peers: Iterable[BgpPeer]) -> list[BgpPeer]:
    """One BgpPeer per (vrf, peer): a session listed once per address family is one
    session, and what it received and sent is the sum over its families."""
    merged: dict[tuple[str, str], BgpPeer] = {}
    for peer in peers:
        key = (peer.vrf, peer.peer)
        first = merged.get(key)
        if first is None:
            merged[key] = peer
            continue
        merged[key] = first.model_copy(
            update={
                "prefixes_received": add_counts(first.prefixes_received, peer.prefixes_received),
                "prefixes_sent": add_counts(first.prefixes_sent, peer.prefixes_sent),
                "uptime_seconds": first.uptime_seconds
                if first.uptime_seconds is not None
                else peer.uptime_seconds,
                "description": first.description or peer.description,
            }
        )
    return list(merged.values())


# RFC 5880's diagnostic codes, in the words FRR's bfdd prints them
BFD_DIAGNOSTICS = {
    1: "control detection time expired",
    2: "echo function failed",
    3: "neighbor signaled session down",
    4: "forwarding plane reset",
    5: "path down",
    6: "concatenated path down",
    7: "administratively down",
    8: "reverse concatenated path down",
}


def bfd_status(raw: str) -> str:
    """up, down, init, or shutdown (administratively down), as BfdPeer spells them."""
    key = raw.strip().lower().replace(" ", "").replace("_", "")
    return "shutdown" if key in ("admindown", "admin", "adminshut") else key


def bgp_state(raw: str | None) -> BgpState:
    """BgpState.normalize, plus the admin-shutdown spellings it does not know."""
    key = (raw or "").strip().lower()
    if "admin" in key or key.startswith("shut"):
        return BgpState.ADMIN_DOWN
    return BgpState.normalize(key.rstrip("!* "))


def _template_dir() -> Path:
    # Honour the same override ntc-templates' own parse_output() honours.
    custom = os.environ.get("NTC_TEMPLATES_DIR")
    if custom:
        return Path(custom)
    return Path(str(resources.files("ntc_templates") / "templates"))


def run_template(template: str, command: str, output: str) -> list[dict[str, Any]]:
    """Run one ntc-templates TextFSM template by file name; rows keyed by lower-case names.

    The template is named explicitly rather than looked up through the ntc index so a
    command spelling never silently selects a different template.
    """
    path = _template_dir() / f"{template}.textfsm"
    try:
        with path.open() as handle:
            fsm = textfsm.TextFSM(handle)
    except OSError as exc:
        raise ParseError(
            f"TextFSM template {template} for `{command}` is not installed: {exc}",
            hint="install ntc-templates (pip install ntc-templates)",
        ) from exc
    try:
        rows: Iterable[list[Any]] = fsm.ParseText(output)
    except (textfsm.TextFSMError, textfsm.TextFSMTemplateError) as exc:
        raise bad_output(command, output, f"the {template} template rejected it ({exc})") from exc
    keys = [name.lower() for name in fsm.header]
    return [dict(zip(keys, row, strict=True)) for row in rows]


def require(command: str, output: str, pattern: str, what: str) -> None:
    """Text answers must show their header; TextFSM alone returns [] for any garbage."""
    if not re.search(pattern, output, re.MULTILINE):
        raise bad_output(command, output, f"no {what} found")


class DomainParser:
    """Dispatches one domain's output to the parser's ``_<domain>`` method, under ``guard``.

    ``commands`` lists exactly the domains a platform supports, so asking for another one
    is a ParseError, never an empty answer.
    """

    platform = ""
    commands: ClassVar[dict[Domain, str]] = {}

    def prepare(self, output: str) -> str:
        return output

    def parse(self, domain: Domain, output: str) -> ParsedItems:
        if domain not in self.commands:
            raise ParseError(f"{self.platform} has no parser for domain {domain!r}")
        handler: Callable[[str], ParsedItems] = getattr(self, f"_{domain}")
        text = self.prepare(output)
        return guard(self.commands[domain], text, lambda: handler(text))


class TextFsmParser(DomainParser):
    def prepare(self, output: str) -> str:
        # TextFSM's $$ anchors do not match before a carriage return.
        return output.replace("\r\n", "\n").replace("\r", "\n")
