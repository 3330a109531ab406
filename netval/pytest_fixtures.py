"""Fixtures for a user's own pytest tests, next to the catalog's items.

In a run with ``--netval live`` (``netval check``) or ``--netval static`` (``netval verify``):

- ``netval_state``: the State of every device ``--limit`` selects, with every domain netval
  collects (BGP peers, routes, VRRP, interfaces, OSPF), observed or predicted, collected
  once per session. A run that checks a catalog as well reuses what the catalog's checks
  collected and asks the devices only for the domains still missing.
- ``netval_nornir``: the live run's Nornir object (the inventory netval opened, plugins and
  all), for tasks of the user's own.
- ``netval_engine``: the static run's engine (Batfish or built-in), for questions of its own.
- ``netval_source``: the State source behind all three.

A device netval could not read appears in the State with its ``errors``, as in the catalog's
checks: a test decides what that means for it.
"""

from __future__ import annotations

from typing import Any

import pytest

from netval.state import CAPTURED_DOMAINS, Domain, NodeState, State

_FIELDS: dict[str, str] = {
    "bgp": "bgp_peers",
    "routes": "routes",
    "vrrp": "vrrp",
    "interfaces": "interfaces",
    "ospf": "ospf_neighbors",
}


def _needs(hosts: list[str], have: State | None) -> dict[str, set[Domain]]:
    """What is still to collect: each domain a device has neither data nor an error for."""
    out: dict[str, set[Domain]] = {}
    for name in hosts:
        node = have.nodes.get(name) if have is not None else None
        if node is not None and "device" in node.errors:
            continue
        missing = {
            d
            for d in CAPTURED_DOMAINS
            if node is None
            or (getattr(node, _FIELDS[d]) is None and d not in node.errors)
            # the run asked about a few prefixes only: the fixture promises the whole table
            or (d == "routes" and node.routes_asked is not None)
        }
        if missing:
            out[name] = missing
    return out


def _merge(into: State, fresh: State) -> None:
    for name, node in fresh.nodes.items():
        old = into.nodes.get(name)
        if old is None:
            into.nodes[name] = node
            continue
        for field in _FIELDS.values():
            if getattr(node, field) is not None:
                setattr(old, field, getattr(node, field))
        if node.routes is not None:
            old.routes_asked = node.routes_asked
        old.errors.update(node.errors)
        old.problems.update(node.problems)


def _context(config: pytest.Config) -> Any:
    from netval.pytest_plugin import CONTEXT_KEY

    return config.stash.get(CONTEXT_KEY, None)


@pytest.fixture(scope="session")
def netval_source(request: pytest.FixtureRequest) -> Any:
    """The run's State source: live devices (``--netval live``) or a snapshot's prediction
    (``--netval static``)."""
    ctx = _context(request.config)
    if ctx is None:
        pytest.fail(
            "the netval fixtures need a netval run: pytest --netval live (with "
            "--netval-lab, --netval-inventory or --netval-nornir-config) or --netval static "
            "--netval-snapshot SNAPSHOT; or netval check / netval verify with the test file "
            "as an argument",
            pytrace=False,
        )
    return ctx.source


@pytest.fixture(scope="session")
def netval_nornir(netval_source: Any) -> Any:
    """The Nornir object of a live run: the inventory netval collects from."""
    nr = getattr(netval_source, "nr", None)
    if nr is None:
        pytest.fail(
            "netval_nornir needs the live gate (--netval live, netval check)", pytrace=False
        )
    return nr


@pytest.fixture(scope="session")
def netval_engine(netval_source: Any) -> Any:
    """The engine of a static run (Batfish or built-in), loaded with the snapshot."""
    engine = getattr(netval_source, "engine", None)
    if engine is None:
        pytest.fail(
            "netval_engine needs the static gate (--netval static, netval verify)", pytrace=False
        )
    return engine


@pytest.fixture(scope="session")
def netval_state(request: pytest.FixtureRequest, netval_source: Any) -> State:
    """Every selected device's State with every domain netval collects."""
    from netval.live.inventory import select

    ctx = _context(request.config)
    hosts = netval_source.hosts()
    limit = ctx.limit()
    names = select(hosts, limit, "--netval-limit") if limit is not None else sorted(hosts)
    have: State | None = ctx.state
    needs = _needs(names, have)
    fresh = netval_source.collect(needs, None) if needs else None
    if have is None:
        return fresh or State(source="predicted" if ctx.mode == "static" else "observed")
    if fresh is not None:
        _merge(have, fresh)
    state = State(source=have.source, origin=have.origin)
    state.nodes = {n: have.nodes.get(n) or NodeState(name=n) for n in names}
    return state
