"""The parser extension point: one small protocol per platform.

A parser knows which show command answers each State domain on its platform and turns
that command's raw output into normalized State objects. Parsers are pure functions of
text: they never talk to devices, so they are tested offline on recorded real output.

Rules every parser follows:
- output that is empty, truncated, not JSON where JSON was asked for, or lacks the fields
  the domain needs raises ``ParseError`` (never returns an empty list for garbage);
- output that is well-formed and says "nothing configured" returns an empty list.
"""

from __future__ import annotations

from typing import ClassVar, Protocol

from netval.errors import CollectionError
from netval.state import (
    AdvertisedRoute,
    BfdPeer,
    BgpNeighbor,
    BgpPeer,
    BgpRoute,
    Domain,
    Interface,
    OspfNeighbor,
    Probe,
    Route,
    VrrpGroup,
)

ParsedItems = (
    list[BgpPeer]
    | list[Route]
    | list[VrrpGroup]
    | list[Interface]
    | list[OspfNeighbor]
    | list[BgpRoute]
    | list[BfdPeer]
    | list[BgpNeighbor]
    | list[AdvertisedRoute]
)


class ParseError(CollectionError):
    """Device output that cannot be turned into State."""


class PlatformParser(Protocol):
    #: scrapli / nornir platform name, e.g. "arista_eos"
    platform: str
    #: the show command for each domain this platform supports
    commands: ClassVar[dict[Domain, str]]

    def parse(self, domain: Domain, output: str) -> ParsedItems:
        """Parse one command's output for one domain; raise ParseError on bad output."""
        ...


class ExtraCommands(Protocol):
    """A platform that needs more than one command for a domain (IPv4 and IPv6 tables):
    the answers of all of them make the domain's data, and any failure makes it an error."""

    extra_commands: ClassVar[dict[Domain, tuple[str, ...]]]

    def parse_command(self, domain: Domain, command: str, output: str) -> ParsedItems:
        """Parse the answer of one of the domain's extra commands."""
        ...

    def merge(self, domain: Domain, items: ParsedItems) -> ParsedItems:
        """The domain's items from all its commands, each fact once: a BGP session that
        carries both families is listed in the IPv4 and in the IPv6 summary."""
        ...


class PeerCommands(Protocol):
    """A platform that answers some domains with one command per BGP peer (the routes
    advertised to a peer)."""

    peer_commands: ClassVar[dict[Domain, str]]

    def peer_command(self, domain: Domain, peer: str) -> str:
        """The command that asks about ``peer``."""
        ...

    def parse_peer(self, domain: Domain, peer: str, output: str) -> ParsedItems:
        """Parse one peer's answer; raise ParseError on bad output."""
        ...


class PrefixCommands(Protocol):
    """A platform that can ask its routing table about one prefix: a check on a few
    prefixes then reads a few routes instead of the whole table. A platform without this
    is asked for the whole table."""

    def prefix_command(self, domain: Domain, vrf: str, prefix: str) -> str:
        """The command that shows exactly ``prefix`` (no longer or shorter match) in ``vrf``."""
        ...

    def parse_prefix(self, domain: Domain, vrf: str, prefix: str, output: str) -> ParsedItems:
        """Parse the answer: the routes to ``prefix`` in ``vrf``, [] when it has none; raise
        ParseError on bad output."""
        ...


class ProbeCommands(Protocol):
    """A platform whose own CLI pings and traceroutes with a bounded count and wait, so a
    reachability probe can be sent over the login (FRR's vtysh `ping` never stops)."""

    def ping_command(self, destination: str, count: int) -> str:
        """The command that sends ``count`` echoes to ``destination`` and stops."""
        ...

    def traceroute_command(self, destination: str) -> str:
        """A numeric traceroute with one probe per hop and a short wait."""
        ...

    def parse_ping(self, source: str, destination: str, output: str) -> Probe:
        """The totals; raise ParseError on an answer without them."""
        ...

    def parse_traceroute(self, destination: str, output: str) -> list[str | None]:
        """The address that answered each hop, None for no answer; raise ParseError on an
        answer that is not a traceroute."""
        ...
