"""How netval reaches a Batfish service: address, TLS, API key, timeouts, clean-up.

Every setting has an environment variable (so a CI job sets it once for all its steps) and a
command-line option of ``verify``, ``ask`` and ``compare``, which wins over the variable. The
names follow pybatfish's ``Session`` arguments; reading them needs no pybatfish, so a bad value
is an input error before anything is imported or contacted.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any

from netval.errors import InputError

__all__ = [
    "DEFAULT_NETWORK",
    "DEFAULT_PORT",
    "DEFAULT_QUESTION_TIMEOUT",
    "DEFAULT_REQUEST_TIMEOUT",
    "ENV_VARS",
    "OPTIONS",
    "START_HINT",
    "BatfishSettings",
    "valid_name",
]

DEFAULT_PORT = 9996
DEFAULT_NETWORK = "netval"
# pybatfish's own default for one HTTP request.
DEFAULT_REQUEST_TIMEOUT = 30.0
# Batfish computes the data plane for the first question that needs it; on a large network
# that takes minutes, so the limit is generous: it exists so that a hung or overloaded shared
# service ends a CI job with an error item instead of holding it until the job's own timeout.
DEFAULT_QUESTION_TIMEOUT = 900.0
START_HINT = (
    "start Batfish with `docker run -d -p 9996:9996 batfish/allinone`, then set "
    "BATFISH_HOST (e.g. BATFISH_HOST=localhost) and, for another port, BATFISH_PORT"
)

# Batfish's own limits on snapshot and network names (pybatfish.util.validate_name).
_NAME_CHARS = re.compile(r"[^A-Za-z0-9_-]+")
MAX_NAME = 150
_TRUE = frozenset({"1", "true", "yes", "on"})
_FALSE = frozenset({"0", "false", "no", "off"})

#: setting -> environment variable
ENV_VARS: dict[str, str] = {
    "host": "BATFISH_HOST",
    "port": "BATFISH_PORT",
    "network": "BATFISH_NETWORK",
    "ssl": "BATFISH_SSL",
    "verify_certs": "BATFISH_VERIFY_CERTS",
    "api_key": "BATFISH_API_KEY",
    "timeout": "BATFISH_TIMEOUT",
    "question_timeout": "BATFISH_QUESTION_TIMEOUT",
    "keep_snapshots": "BATFISH_KEEP_SNAPSHOTS",
}
#: setting -> command-line option
OPTIONS: dict[str, str] = {name: "--batfish-" + name.replace("_", "-") for name in ENV_VARS}
OPTIONS["keep_snapshots"] = "--keep-snapshots"


def valid_name(name: str) -> bool:
    return bool(name) and not _NAME_CHARS.search(name) and len(name) <= MAX_NAME


def safe_stem(text: str) -> str:
    """``text`` with every character Batfish refuses in a name replaced."""
    return _NAME_CHARS.sub("_", text).strip("_")


def _flag(var: str, raw: str) -> bool:
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise InputError(f"{var}={raw!r} is not a yes/no value", hint=f"set {var} to 1 or 0")


def _seconds(var: str, raw: str) -> float | None:
    try:
        value = float(raw.strip())
    except ValueError:
        value = -1.0
    if not value >= 0 or value == float("inf"):
        raise InputError(
            f"{var}={raw!r} is not a number of seconds",
            hint=f"set {var} to seconds, e.g. 60 (0: no limit)",
        )
    return None if value == 0 else value


@dataclass(frozen=True)
class BatfishSettings:
    """Where the Batfish service is, how to talk to it, and what to leave on it afterwards."""

    host: str
    port: int = DEFAULT_PORT
    network: str = DEFAULT_NETWORK
    #: https instead of http
    ssl: bool = False
    #: check the service's TLS certificate (off only for a self-signed test service)
    verify_certs: bool = True
    #: the key a service behind an API gateway expects; None: pybatfish's default key
    api_key: str | None = None
    #: seconds for one HTTP request; None: no limit
    timeout: float | None = DEFAULT_REQUEST_TIMEOUT
    #: seconds for Batfish to answer one question; None: no limit
    question_timeout: float | None = DEFAULT_QUESTION_TIMEOUT
    #: leave this run's snapshots (and a network it created) on the service
    keep_snapshots: bool = False

    def __repr__(self) -> str:
        # the API key is a secret: it must not reach a log or a report through repr()
        shown = {f.name: getattr(self, f.name) for f in fields(self)}
        if shown["api_key"] is not None:
            shown["api_key"] = "***"
        return "BatfishSettings(" + ", ".join(f"{k}={v!r}" for k, v in shown.items()) + ")"

    @property
    def scheme(self) -> str:
        return "https" if self.ssl else "http"

    @property
    def address(self) -> str:
        return f"{self.host}:{self.port}"

    @classmethod
    def from_env(
        cls,
        environ: Mapping[str, str] | None = None,
        overrides: Mapping[str, Any] | None = None,
    ) -> BatfishSettings:
        """The settings from ``BATFISH_*`` variables; ``overrides`` (command-line options, None
        for an option not given) win over them."""
        env = os.environ if environ is None else environ
        raw: dict[str, str] = {}
        for name, var in ENV_VARS.items():
            value = env.get(var, "")
            if value.strip():
                raw[name] = value
        given = {k: v for k, v in (overrides or {}).items() if v is not None}
        unknown = set(given) - set(ENV_VARS)
        if unknown:
            raise TypeError(f"unknown Batfish settings: {sorted(unknown)}")

        def label(name: str) -> str:
            return OPTIONS[name] if name in given else ENV_VARS[name]

        def text(name: str) -> str | None:
            if name in given:
                return str(given[name]).strip() or None
            return raw[name].strip() if name in raw else None

        host = text("host")
        if not host:
            raise InputError(
                "BATFISH_HOST is not set: netval does not know where Batfish runs", hint=START_HINT
            )
        values: dict[str, Any] = {"host": host}
        port_text = text("port")
        if port_text is not None:
            port = int(port_text) if port_text.isdigit() else 0
            if not 0 < port < 65536:
                raise InputError(
                    f"{label('port')}={port_text!r} is not a TCP port",
                    hint=f"set BATFISH_PORT to Batfish's port (default {DEFAULT_PORT})",
                )
            values["port"] = port
        network = text("network")
        if network is not None:
            if not valid_name(network):
                raise InputError(
                    f"{label('network')}={network!r} is not a valid Batfish network name",
                    hint="use letters, digits, '-' and '_' only (at most 150)",
                )
            values["network"] = network
        for name in ("ssl", "verify_certs", "keep_snapshots"):
            if name in given:
                values[name] = bool(given[name])
            elif name in raw:
                values[name] = _flag(ENV_VARS[name], raw[name])
        for name in ("timeout", "question_timeout"):
            if name in given or name in raw:
                value = given[name] if name in given else raw[name]
                values[name] = _seconds(label(name), str(value))
        api_key = text("api_key")
        if api_key is not None:
            values["api_key"] = api_key
        return cls(**values)
