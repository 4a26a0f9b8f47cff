"""YAML -> ``Routes`` (the model and its rules: ``mobile_optout.flow.routes``)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from mobile_optout.errors import Where
from mobile_optout.flow.model import Step
from mobile_optout.flow.routes import AUTO, Route, Routes
from mobile_optout.located.nodes import RawMap, RawNode, RawSeq

if TYPE_CHECKING:
    from mobile_optout.flow.compile import Compiler, _File

ROUTE_NAME = re.compile(r"[a-z][a-z0-9_-]*\Z")
ROUTES_KEYS = ("page", "try")


def build_routes(c: Compiler, f: _File, node: RawNode, where: Where, common: dict[str, Any]
                 ) -> Step | None:
    """``routes: {page: LOCATOR, try: [{NAME: [steps]}, ...]}`` -> ``Routes``."""
    m = c.payload_map(f, node, "routes", ROUTES_KEYS, ROUTES_KEYS)
    if m is None:
        return None
    page_node, try_node = m.get("page"), m.get("try")
    assert page_node is not None and try_node is not None
    page = c.locator(f, page_node, "routes page")
    if not isinstance(try_node, RawSeq) or not try_node.items:
        c.err(f, try_node.where, "routes try: must be a non-empty list of {NAME: [steps]}")
        return None
    routes: list[Route] = []
    for item in try_node.items:
        if not isinstance(item, RawMap) or len(item.items) != 1:
            c.err(f, item.where, "each route is one NAME: [steps] mapping, e.g. "
                  "'- link: [{launch: {deep_link: ...}}]'")
            continue
        key, steps_node = item.items[0]
        name = str(key.value)
        if not ROUTE_NAME.match(name):
            c.err(f, key.where, f"route name '{name}' must be lower-case letters, digits, "
                  "_ or -")
            continue
        if name in (r.name for r in routes) or name in AUTO:
            c.err(f, key.where, f"route name '{name}' is "
                  + ("reserved (ROUTE=auto tries every route)" if name in AUTO else
                     "used twice in this routes step"))
            continue
        steps = c.steps(f, steps_node, f"route {name}")
        if steps:
            routes.append(Route(name, steps, key.where))
    if page is None or len(routes) != len(try_node.items):
        return None
    return Routes(where=where, page=page, routes=tuple(routes), **common)
