"""Where a simulated phone or website keeps its settings across runs: a small JSON file,
``{"settings": {...}, ...}``, replaced whole on every save (never half-written)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path

from mobile_optout.sim.model import SettingValue


def load_settings(path: Path | None, settings: dict[str, SettingValue]) -> None:
    """Overwrite ``settings`` with the values the file remembers (known keys only)."""
    if path is None or not path.exists():
        return
    data = json.loads(path.read_text(encoding="utf-8"))
    for key, value in (data.get("settings") or {}).items():
        if key in settings:
            settings[key] = value if isinstance(value, str) else bool(value)


def save_settings(path: Path | None, settings: Mapping[str, SettingValue], **about: object
                  ) -> None:
    """Write ``settings`` (and ``about``: what they belong to) to the file, atomically."""
    if path is None:
        return
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps({**about, "settings": dict(settings)}, indent=2, sort_keys=True),
                   encoding="utf-8")
    tmp.replace(path)
