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

from collections.abc import Mapping
from dataclasses import dataclass
from typing import ClassVar

from mobile_optout.errors import Where
from mobile_optout.flow.model import Locator, Step

ROUTE_PARAM = "ROUTE"  # the parameter that forces one route
AUTO = ("", "auto")  # ROUTE values that mean "each route in order"


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

    @staticmethod
    def forced(params: Mapping[str, str]) -> str:
        """What the run's ``ROUTE`` parameter says (auto when it is not given)."""
        return params.get(ROUTE_PARAM, "auto")

    def describe(self) -> str:
        return f"reach {self.page} by {' / '.join(self.names)}"
