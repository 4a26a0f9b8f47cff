"""What one DOM snapshot costs against asking the browser question by question.

A poll of the website flow asks several questions at once: is the target there (under its
wordings), is the cookie banner showing (an interrupt), is a sign-in page showing (three
blockers)? The runner answers all of them from one snapshot of the page
(``mobile_optout.webdom``: one script, every element with its box and state); the usual
Selenium way sends one XPath find per question. Both run side by side, in one process,
against the simulated LinkedIn website in headless Chromium, on the setting's page.
Prints round trips and wall time per poll, and their ratio. No thresholds: these
machines are shared and noisy.

    .venv/bin/python bench/web_snapshot.py [--polls 30]
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable

from mobile_optout.driver import AppiumDriver, connect
from mobile_optout.errors import Where
from mobile_optout.flow.model import Locator, Platform, TextMatch
from mobile_optout.locate import Screen
from mobile_optout.sim.site import GENAI_PATH, SimSite
from mobile_optout.values import Browser

W = Where("bench", 0)
TEXTS = ["Use my data for training content creation AI models",
         "Use my data for training content creation models"]
INTERRUPTS = ["LinkedIn respects your privacy"]
BLOCKERS = ["Sign in", "Join now", "Welcome to your professional community"]


def one_snapshot(driver: AppiumDriver) -> int:
    """The runner's way: one snapshot, every question answered locally."""
    screen = Screen(driver.page_source(), Platform.WEB)
    questions = [Locator(W, text=TextMatch("exact", t)) for t in TEXTS + INTERRUPTS + BLOCKERS]
    questions.append(Locator(W, xpath="//input[@type='password']"))
    return sum(1 for loc in questions if screen.first(loc) is not None)


def per_question(driver: AppiumDriver) -> int:
    """The usual way: one find per wording, interrupt and blocker."""
    hits = 0
    for t in TEXTS + INTERRUPTS + BLOCKERS:
        hits += bool(driver.find_all("xpath", f"//*[normalize-space(text())='{t}']"))
    hits += bool(driver.find_all("xpath", "//input[@type='password']"))
    return hits


def measure(driver: AppiumDriver, fn: Callable[[AppiumDriver], int], polls: int
            ) -> tuple[float, int, int]:
    times, hits = [], 0
    trips = driver.round_trips
    for _ in range(polls):
        started = time.perf_counter()
        hits = fn(driver)
        times.append(time.perf_counter() - started)
    return statistics.median(times), (driver.round_trips - trips) // polls, hits


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--polls", type=int, default=30)
    args = parser.parse_args()
    with SimSite() as site:
        driver = connect(site.url, Platform.WEB, None,
                         browser=Browser(name="chromium", headless=True))
        try:
            driver.deep_link(GENAI_PATH, None)  # type: ignore[arg-type]
            snap = measure(driver, one_snapshot, args.polls)
            each = measure(driver, per_question, args.polls)
        finally:
            driver.quit()
    print(f"{'way':<14}{'ms/poll':>10}{'trips/poll':>12}{'answers':>9}")
    for name, (t, trips, hits) in (("one snapshot", snap), ("per question", each)):
        print(f"{name:<14}{t * 1000:>10.1f}{trips:>12}{hits:>9}")
    print(f"per question / one snapshot: {each[0] / snap[0]:.2f}x the time, "
          f"{each[1] / max(snap[1], 1):.0f}x the round trips")


if __name__ == "__main__":
    main()
