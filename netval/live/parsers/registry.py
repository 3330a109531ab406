"""Which parser serves which platform.

Built-in parsers are registered eagerly. FRR (``cumulus_vtysh``) lives in ``frr.py``,
written separately; it is imported lazily so the registry works before that module
exists. Contract for ``frr.py``: define ``PARSER`` (a PlatformParser instance), or a
class whose ``platform`` attribute is ``"cumulus_vtysh"`` and that takes no arguments.
"""

from __future__ import annotations

import inspect
from importlib import import_module
from typing import cast

from netval.errors import InputError
from netval.live.parsers.base import PlatformParser
from netval.live.parsers.eos import EosParser
from netval.live.parsers.iosxe import IosxeParser
from netval.live.parsers.iosxr import IosxrParser
from netval.live.parsers.junos import JunosParser
from netval.live.parsers.nxos import NxosParser

PARSERS: dict[str, PlatformParser] = {
    parser.platform: parser
    for parser in (EosParser(), NxosParser(), JunosParser(), IosxeParser(), IosxrParser())
}

# platform -> module providing it, for parsers that may not be installed yet.
OPTIONAL: dict[str, str] = {"cumulus_vtysh": "netval.live.parsers.frr"}


def _load_optional(platform: str, module_name: str) -> PlatformParser | None:
    try:
        module = import_module(module_name)
    except ModuleNotFoundError as exc:
        if exc.name == module_name:
            return None  # not written yet; a broken import inside it still raises
        raise
    parser = getattr(module, "PARSER", None)
    if parser is not None:
        return cast(PlatformParser, parser)
    for _, cls in inspect.getmembers(module, inspect.isclass):
        if getattr(cls, "platform", None) == platform and hasattr(cls, "parse"):
            return cast(PlatformParser, cls())
    return None


def all_parsers() -> dict[str, PlatformParser]:
    """Every available parser, optional ones included once they can be imported."""
    for platform, module_name in OPTIONAL.items():
        if platform not in PARSERS:
            parser = _load_optional(platform, module_name)
            if parser is not None:
                PARSERS[platform] = parser
    return PARSERS


def supported_platforms() -> list[str]:
    return sorted(all_parsers())


def get_parser(platform: str | None) -> PlatformParser:
    """The parser for a platform named in scrapli's, netutils', NAPALM's or netmiko's terms."""
    from netval.live.platforms import scrapli_platform

    parsers = all_parsers()
    supported = ", ".join(sorted(parsers))
    hint = (
        f"set the host's platform to one of {supported}, or a NAPALM or netmiko name of "
        "one (eos, nxos, junos, ios, iosxr, cisco_ios, cisco_xr, ...)"
    )
    if not platform:
        raise InputError("has no platform", hint=hint)
    resolved = scrapli_platform(platform)
    if resolved in parsers:
        return parsers[resolved]
    known = f" (scrapli's {resolved})" if resolved else ""
    raise InputError(f"no parser for platform {platform!r}{known}", hint=hint)
