"""report.html's "Switches seen" section: every switch on the screens each flow read
(``FlowResult.switches``, ``mobile_optout.seen``), so that one the flows do not know shows."""

from __future__ import annotations

import html
from collections.abc import Sequence

from mobile_optout.results.record import FlowResult


def switches_section(results: Sequence[FlowResult]) -> str:
    """The section ("" when no flow read a screen with a switch)."""
    rows = "".join(
        f"<tr><td>{html.escape(r.app_name or r.app)}</td><td>{html.escape(r.device)}</td>"
        f"<td>{html.escape(r.flow)}</td><td>{html.escape(str(s.get('page', '')))}</td>"
        f"<td>{html.escape(str(s.get('label') or '(no label)'))}</td>"
        f"<td>{html.escape(str(s.get('state') or '?'))}</td></tr>"
        for r in results for s in r.switches)
    if not rows:
        return ""
    return ('<section class="switches-seen"><h2>Switches seen</h2><p class="muted">Every '
            "switch on the settings pages these flows read (label by the row rule). "
            "<code>mobile-optout scan</code> flags the ones no flow covers.</p>"
            '<table class="summary"><thead><tr><th>App</th><th>Device</th><th>Flow</th>'
            "<th>Page (step)</th><th>Switch</th><th>State</th></tr></thead>"
            f"<tbody>{rows}</tbody></table></section>")
