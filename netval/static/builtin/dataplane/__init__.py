"""The built-in engine's data plane: routes to a fixed point, flows, and Batfish-shaped answers.

    dp = DataPlane.from_loaded(engine.loaded)       # or DataPlane.compute(devices, ...)
    answer_routes(dp, nodes)                        # routes, in Batfish's row shape
    answer_traceroute(dp, "leaf1", headers)

``attach(engine)`` gives a BuiltinEngine its data-plane questions (see engine_glue.py).
"""

from netval.static.builtin.dataplane.compute import DataPlane

__all__ = ["DataPlane"]
