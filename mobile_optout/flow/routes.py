"""The one construct for reaching a page: ``routes``, several ways in, tried in order.

```yaml
- routes:
    page: {text: "Data for Generative AI Improvement"}   # the page's anchor
    try:
      - menu: [launch, {tap: ...}, ...]      # as a person would
      - link: [{launch: {deep_link: ...}}]   # the page's own link
      - webview: [...]
  label: Reach the setting's page
  timeout: 20   # how long the anchor may take to show after a route's last step
```

Rules (the runner keeps them: ``mobile_optout.reach``):
- the routes are tried in the order written; the first whose steps end with ``page`` on
  screen wins; each attempt is recorded with its own steps and evidence;
- a route that ends ``blocked`` ends the flow at once; one that proves the setting absent
  (``not_offered``) gives ``not_offered`` unless a later route reaches the page;
- every route failing is a failure naming each route and why;
- before the next route the app is relaunched (the web: the next route loads its page),
  so no route leaves a state that breaks the next;
- the parameter ``ROUTE`` (when the flow declares it) forces one route; ``auto`` (or
  empty) tries them all;
- the re-open proof of a change goes back into the page by the route that won.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

from mobile_optout.errors import Where
from mobile_optout.flow.model import Locator, Step
from mobile_optout.located.nodes import RawMap, RawNode, RawSeq

if TYPE_CHECKING:
    from mobile_optout.flow.compile import Compiler, _File

ROUTE_PARAM = "ROUTE"  # the parameter that forces one route
AUTO = ("", "auto")  # ROUTE values that mean "each route in order"
ROUTE_NAME = re.compile(r"[a-z][a-z0-9_-]*\Z")
ROUTES_KEYS = ("page", "try")


@dataclass(frozen=True, slots=True)
class Route:
    """One way to a page: its name (what ``ROUTE=`` says) and its steps."""

    name: str
    steps: tuple[Step, ...]
    where: Where


@dataclass(frozen=True, slots=True, kw_only=True)
class Routes(Step):
    """Reach a page by the first route that works (see the module's rules)."""

    KIND: ClassVar[str] = "routes"
    page: Locator
    routes: tuple[Route, ...]

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(r.name for r in self.routes)

    def chosen(self, forced: str) -> tuple[Route, ...]:
        """The routes to try when ``ROUTE`` is ``forced`` (all of them for auto)."""
        if forced in AUTO:
            return self.routes
        return tuple(r for r in self.routes if r.name == forced)

    def describe(self) -> str:
        return f"reach {self.page} by {' / '.join(self.names)}"


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
