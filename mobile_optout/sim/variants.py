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
    # What real apps do (shared/reference/real-apps.md); sim/twists.py says when.
    "sheet-confirm": "Turning the toggle off asks in the app's own sheet over a scrim "
                     "(plain views, no dialog class).",
    "sheet-confirm-optimistic": "As sheet-confirm, and the toggle reads off under the sheet.",
    "rating-prompts": "A rating prompt (several wordings) after every screen change and save.",
    "permission-prompts": "The OS asks for notifications (and on iOS for contacts) at first.",
    "anr": "Android: 'LinkedIn isn't responding' [Close app] [Wait] on the second screen.",
    "session-expires": "A sign-in page instead of the setting's page.",
    "welcome-back": "A 'Welcome back / Continue as ...' page instead of Settings.",
    "session-expires-on-tap": "Tapping the setting's switch shows the sign-in page.",
    "save-rejected-late": "The switch moves; the server refuses it 6 s later (it flips back).",
    "save-lost": "The switch moves, but the save never reaches the server: only a fresh "
                 "page shows the old state.",
    "late-state": "The switch draws the opposite state, enabled, no spinner, for 1.5 s.",
    "swallowed-swipes": "Swipes in the first 1.2 s after a screen arrives move nothing.",
    "survey": "Turning off opens 'Why are you turning this off?' with a Submit that stays "
              "disabled until a reason is chosen.",
    "keep-emphasised": "The confirmation's emphasised button keeps sharing ('Keep sharing').",
    "continue-keeps": "The confirmation asks 'Keep improving AI for everyone?' [Turn off] "
                      "[Continue] where Continue keeps sharing.",
    "inverted-confirm": "The confirmation asks 'Keep helping improve AI?' [Yes] [No, turn off].",
    "tablet": "A tablet: settings pages are two panes (the sections, the page), both "
              "scrollable and as tall; the sections pane has a switch level with ours.",
    "other-account": "The setting's page shows another member's photo (another account).",
    # -- routes (issue 24) --
    "member-name": "The entry to an app's settings is the member's own name (a different "
                   "one on every run), not a 'Profile' or 'Account' text.",
    "decorated": "Rows that open a page carry an arrow in their name ('Settings \u203a'), "
                 "as real apps draw them.",
    "lax-selectors": "The phone's UiSelector ignores checked() and enabled(): a switch "
                     "matches in either state, as a careless driver's parser might.",
    "redrawn-once": "Each element is redrawn just before its first click: the click answers "
                    "'stale element reference', and a new find gets the new element.",
    "quiet-launch": "Starting an app that is not installed answers as if it had worked "
                    "(the home screen stays), as some drivers do.",
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
