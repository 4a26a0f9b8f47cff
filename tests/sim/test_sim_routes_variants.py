"""The simulated phone's variants for routes and the proof: the member's own name as the
entry to settings (someone else on every phone), and a save that never reaches the server."""

from __future__ import annotations

from mobile_optout.sim.model import MEMBER, MEMBERS, load_app
from mobile_optout.sim.variants import VARIANTS


def texts(app: str, *variants: str) -> set[str]:
    model = load_app(variants, app)
    todo = [e for screen in model.screens.values() for e in screen.body]
    seen: set[str] = set()
    while todo:
        spec = todo.pop()
        seen.update({spec.text, spec.desc} - {""})
        todo.extend(spec.children)
    return seen


def test_the_entry_is_the_members_name_and_no_profile_words() -> None:
    shown = texts("chatgpt", "member-name")
    assert MEMBER not in shown
    assert len(shown & set(MEMBERS)) == 1
    assert not any("profile picture" in t for t in shown)
    assert MEMBER in texts("chatgpt")  # without the variant, as before


def test_the_routes_variants_are_documented() -> None:
    assert {"save-lost", "member-name"} <= set(VARIANTS)
