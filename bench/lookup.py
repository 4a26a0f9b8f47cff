"""How much one page-source read saves over asking the server element by element.

A poll of the LinkedIn flow asks several questions at once: is the target there (under
any of its alternative locators)? is an interrupt (rating dialog, notifications prompt)
showing? is a blocker (sign-in wall) showing? The runner answers all of them from one
page source (``mobile_optout.locate``); the usual way asks the server once per question.

Both run side by side, in one process, against the same simulated phone with a per-command
latency that imitates a USB phone or a remote device farm. Prints round trips and wall time
per poll, and their ratios. No thresholds: these machines are shared and noisy.

    .venv/bin/python bench/lookup.py [--latency-ms 20] [--polls 30]
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable

from mobile_optout.devices import DeviceProfile
from mobile_optout.driver import AppiumDriver, connect
from mobile_optout.errors import Where
from mobile_optout.flow.model import AppId, Locator, Platform, TextMatch
from mobile_optout.locate import Screen
from mobile_optout.sim import SimPhone

APP = AppId(Platform.ANDROID, "com.linkedin.android")
W = Where("bench", 0)
TEXTS = ["Data for Generative AI Improvement", "Data for generative AI improvement"]
DESCS = ["My Profile and Communities", "Settings menu button"]
INTERRUPTS = ["Turn on notifications?", "Enjoying LinkedIn?"]
BLOCKERS = ["Join now", "Sign in"]


def locators() -> list[Locator]:
    return [
        Locator(W, any=tuple(Locator(W, accessibility_id=d) for d in DESCS)),
        *(Locator(W, text=TextMatch("exact", t)) for t in TEXTS + INTERRUPTS + BLOCKERS),
    ]


def one_read(driver: AppiumDriver) -> int:
    """The runner's way: one page source, every question answered locally."""
    screen = Screen(driver.page_source(), Platform.ANDROID)
    return sum(1 for loc in locators() if screen.first(loc) is not None)


def per_question(driver: AppiumDriver) -> int:
    """The usual way: one server-side find per alternative, interrupt and blocker."""
    hits = 0
    for d in DESCS:
        hits += bool(driver.find_all("accessibility_id", d))
    for t in TEXTS + INTERRUPTS + BLOCKERS:
        hits += bool(driver.find_all("android_uiautomator", f'new UiSelector().text("{t}")'))
    return hits


def measure(driver: AppiumDriver, fn: Callable[[AppiumDriver], int]) -> tuple[float, int]:
    """Milliseconds and round trips of one poll."""
    trips = driver.round_trips
    t0 = time.perf_counter()
    fn(driver)
    return (time.perf_counter() - t0) * 1000, driver.round_trips - trips


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--latency-ms", type=int, default=20)
    parser.add_argument("--polls", type=int, default=30)
    args = parser.parse_args()

    profile = DeviceProfile(name="bench", platform=Platform.ANDROID, where=W)
    with SimPhone(platform=Platform.ANDROID, latency_ms=args.latency_ms) as phone:
        driver = connect(phone.url, profile.platform, APP)
        try:
            driver.activate_app(APP)
            hits = {one_read(driver), per_question(driver)}  # warm up; both must agree
            assert len(hits) == 1, "both ways must see the same screen"
            # Interleave the two ways so drift in machine load hits both alike.
            rows: dict[str, list[tuple[float, int]]] = {"one_read": [], "per_question": []}
            for _ in range(args.polls):
                rows["one_read"].append(measure(driver, one_read))
                rows["per_question"].append(measure(driver, per_question))
        finally:
            driver.quit()
    med = {k: statistics.median(ms for ms, _ in v) for k, v in rows.items()}
    trips = {k: statistics.median(t for _, t in v) for k, v in rows.items()}
    print(f"simulated phone, {args.latency_ms} ms per command, {args.polls} polls each, "
          f"{len(locators())} questions per poll ({hits.pop()} on screen)")
    print(f"{'way':<14}{'ms/poll':>10}{'round trips/poll':>18}")
    for k in rows:
        print(f"{k:<14}{med[k]:>10.1f}{trips[k]:>18.1f}")
    print(f"ratio per_question/one_read: time {med['per_question'] / med['one_read']:.1f}x, "
          f"round trips {trips['per_question'] / trips['one_read']:.1f}x")


if __name__ == "__main__":
    main()
