"""A NetBox API on 127.0.0.1 that answers the device list with recorded NetBox JSON.

Only what nornir-netbox's inventory plugins ask is served: ``GET /api/dcim/devices/``, with
the token checked as NetBox checks it (403 without the right one). A lab's routers are
served as devices of the recorded shape, with their names, management addresses and
platform put in.
"""

from __future__ import annotations

import copy
import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from tests.conftest import DATA

RECORDED = DATA / "netbox" / "devices-2.8.9.json"
TOKEN = "0123456789abcdef0123456789abcdef01234567"


def recorded_devices() -> list[dict[str, Any]]:
    devices: list[dict[str, Any]] = json.loads(RECORDED.read_text())["results"]
    return devices


def lab_devices(addresses: dict[str, str], platform: str | None) -> list[dict[str, Any]]:
    """Lab routers (name -> management address) as NetBox devices of the recorded shape."""
    template = recorded_devices()[0]
    out = []
    for n, (name, address) in enumerate(sorted(addresses.items()), start=100):
        device = copy.deepcopy(template)
        device.update(id=n, name=name, display_name=name)
        for key in ("primary_ip", "primary_ip4"):
            device[key] = {**device[key], "id": n, "address": f"{address}/32"}
        device["platform"] = (
            None
            if platform is None
            else {**template["platform"], "name": platform, "slug": platform}
        )
        out.append(device)
    return out


class FakeNetBox:
    def __init__(self, devices: list[dict[str, Any]], status: int = 200) -> None:
        self.devices = devices
        self.status = status
        self.requests: list[str] = []
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                owner.requests.append(self.path)
                if self.headers.get("Authorization") != f"Token {TOKEN}":
                    self._send(403, {"detail": "Invalid token"})
                elif not self.path.startswith("/api/dcim/devices/"):
                    self._send(404, {"detail": "Not found."})
                elif owner.status != 200:
                    self._send(owner.status, {"detail": "Server Error"})
                else:
                    body = {"count": len(owner.devices), "next": None, "previous": None}
                    self._send(200, {**body, "results": owner.devices})

            def _send(self, status: int, body: Any) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"

    def config(self, **options: Any) -> str:
        """A nornir config.yaml that takes its inventory from this NetBox."""
        import yaml

        inventory = {"nb_url": self.url, "nb_token": TOKEN, "ssl_verify": False, **options}
        return yaml.safe_dump(
            {
                "inventory": {"plugin": "NetBoxInventory2", "options": inventory},
                "logging": {"enabled": False},
            }
        )


@contextmanager
def fake_netbox(devices: list[dict[str, Any]], status: int = 200) -> Iterator[FakeNetBox]:
    netbox = FakeNetBox(devices, status)
    thread = threading.Thread(target=netbox.server.serve_forever, daemon=True)
    thread.start()
    try:
        yield netbox
    finally:
        netbox.server.shutdown()
        netbox.server.server_close()
