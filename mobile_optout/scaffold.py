"""`mobile-optout init`: a devices file and an example flow in the current folder, to
start a project of one's own. The example is the flow docs/writing-flows.md writes with
the studio, so a new user can run it at once on the simulated phone."""

from __future__ import annotations

from pathlib import Path

from mobile_optout.devices import BUILTIN_DEVICES_YAML

DEVICES_YAML = BUILTIN_DEVICES_YAML.replace(
    "# The built-in devices, used when there is no devices.yaml in the current folder.\n",
    "# Where flows run: `mobile-optout devices` lists them, `--device NAME` picks one.\n"
    "# Values like ${NAME} come from the environment when a run starts.\n",
) + """
  # A phone over USB, through Appium on this machine (`mobile-optout doctor --device
  # my-phone` checks it). Remove the leading '#' to use it.
  # my-phone:
  #   platform: android
  #   server: http://127.0.0.1:4723
  #   capabilities:
  #     appium:automationName: UiAutomator2
  #     appium:udid: "${ANDROID_SERIAL}"   # export ANDROID_SERIAL=<serial from adb devices>
  #     appium:noReset: true               # keep the app signed in

  # Your own browser, where you are signed in to LinkedIn (README: "Your own browser").
  # Remove the leading '#' to use it; close that browser before a run.
  # my-browser:
  #   platform: web
  #   browser: chromium                           # or chrome
  #   browser_profile: ~/.config/chromium/Default # the Profile Path from chrome://version
"""

EXAMPLE_FLOW = """\
# An example flow, written with `mobile-optout studio` (docs/writing-flows.md).
# Try it:  mobile-optout check flows/example.yaml   (reads only)
#          mobile-optout run flows/example.yaml     (turns the setting off)
mobile-optout: flow
name: example-linkedin-social-research
description: Turns off LinkedIn's "Social, economic, and workplace research" setting.
platforms: [android]
app:
  android: {package: com.linkedin.android}
identity:   # where the member's own name shows: redacted from everything stored
  - {text: {regex: "^(.+?) profile (picture|photo)$"}}
settings:
  social_research:
    desired: off
    title: Make my data available for social, economic, and workplace research
steps:
  - launch
  - tap: "My Profile and Communities"
  - tap: "Settings"
  - tap: "Data privacy"
  - scroll_until_visible: "Social, economic, and workplace research"
  - tap: "Social, economic, and workplace research"
  - ensure_setting:
      setting: social_research
      toggle: {switch_for: "Make my data available for social, economic, and workplace research"}
"""

FILES = {Path("devices.yaml"): DEVICES_YAML, Path("flows/example.yaml"): EXAMPLE_FLOW}


def init(folder: Path, *, force: bool = False) -> list[Path]:
    """Write the files into ``folder``; refuse to overwrite one unless ``force``.
    Returns the paths written."""
    targets = {folder / rel: text for rel, text in FILES.items()}
    present = [p for p in targets if p.exists()]
    if present and not force:
        from mobile_optout.errors import UsageError

        names = ", ".join(str(p) for p in present)
        raise UsageError(f"{names} already exist(s); --force overwrites")
    for path, text in targets.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return list(targets)
