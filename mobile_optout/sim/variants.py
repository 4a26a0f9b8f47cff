"""The simulated phone's variants: named, combinable twists on the app and the device."""

from __future__ import annotations

from collections.abc import Iterable

from mobile_optout.errors import did_you_mean

VARIANTS: dict[str, str] = {
    "default": "The toggle is on; every screen where the guides put it.",
    "already-off": "The generative-AI toggle starts off.",
    "not-offered": "The 'Data for Generative AI Improvement' row does not exist (region).",
    "gear-route": "The side menu has no Settings; only profile > gear reaches them.",
    "renamed": "Other wording: 'Data Privacy', '... creation models', 'Settings & Privacy'.",
    "scroll": "Data privacy has enough rows that the GenAI row is below the fold.",
    "popups": "'Turn on notifications?' and 'Enjoying LinkedIn?' dialogs interrupt transitions.",
    "slow": "After a navigation the screen shows only a progress spinner for 0.5-3 s.",
    "flaky": "About 10% of commands fail with transient errors (500, stale element).",
    "logged-out": "A sign-in wall instead of the feed.",
    "crash": "The session dies once mid-flow (~15th command); a new session works.",
    "save-fails": "The toggle moves, then flips back 1.2 s later with a 'Couldn't save' snackbar.",
    "confirm": "Turning the toggle off asks 'Turn off ...?' (Cancel / Turn off) first.",
    "optimistic-confirm": "The toggle shows off at once while a sheet asks 'Turn off ...?'.",
    "renamed-unknown": "The setting's row has a title no flow knows: "
                       "'Generative AI data improvement'.",
    "two-switches": "Another setting's switch sits in the row right above ours.",
    "flat-rows": "Rows on the setting's page have no container: label and switch are siblings.",
    "late-toggle": "The toggle shows disabled with the opposite (placeholder) state for 1.5 s.",
    "loading-toggle": "A spinner stands where the toggle will be for 1.5 s.",
    "lazy-section": "Data privacy rows from ours down stay behind a 'Loading…' row for 3 s.",
    "sticky-banner": "A bar with a 'Sign out' button covers the bottom of the setting's page, "
                     "over the toggle.",
    "never-idle": "The feed autoplays video: every command there waits the session's "
                  "waitForIdleTimeout (UiAutomator2: 10 s unless lowered).",
    # -- routes and the re-open proof (issue 24) --
    "save-lost": "A switch's save never reaches the server: the page keeps showing the new "
                 "state until it is loaded again (a re-opened page shows the old one).",
    "member-name": "The entry to an app's settings is the member's own name (a different "
                   "one on every run), not a 'Profile' or 'Account' text.",
    "decorated": "Rows that open a page carry an arrow in their name ('Settings \u203a'), "
                 "as real apps draw them.",
    # -- end of the routes block --
    "new-ai-switch": "An app update added an AI switch no flow knows, on by default, on a "
                     "sub-page of its privacy page (LinkedIn, ChatGPT, Copilot).",
}


def list_variants() -> list[str]:
    """Every variant name, in documentation order."""
    return list(VARIANTS)


def check_variants(names: Iterable[str]) -> tuple[str, ...]:
    """The names, validated and without duplicates; ValueError lists the valid ones."""
    result: list[str] = []
    for name in names:
        if name not in VARIANTS:
            raise ValueError(unknown_variant(name))
        if name not in result:
            result.append(name)
    return tuple(result)


def unknown_variant(name: str) -> str:
    """The message for a variant the simulated phone does not know."""
    hint = did_you_mean(name, VARIANTS)
    return (f"unknown sim variant {name!r}" + (f" ({hint})" if hint else "")
            + f"; valid variants: {', '.join(VARIANTS)}")
