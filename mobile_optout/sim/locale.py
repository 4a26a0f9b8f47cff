"""The simulated phone's and website's language (``sim --locale de``, ``sim: {locale: de}``).

Rules: a locale is a two-letter language code (ISO 639-1); "" and ``en`` show the apps as
their files are written. The apps show their file's ``translations:`` for it (a text with
none stays as written); ``mobile: deviceInfo`` reports it as a full tag (``de_DE``); the
website sets ``<html lang>``. Any two-letter code is accepted: a phone may be in a
language no app and no flow knows.
"""

from __future__ import annotations

import re

LOCALE = re.compile(r"[a-z]{2}\Z")
REGIONS = {"en": "US", "pt": "BR", "cs": "CZ", "sv": "SE", "da": "DK", "ja": "JP", "zh": "CN"}


def check_locale(locale: str | None) -> str:
    """The locale as the phone keeps it ("" for English); ValueError for a bad one."""
    value = (locale or "").strip().lower()
    if value in ("", "en"):
        return ""
    if not LOCALE.match(value):
        raise ValueError(f"locale {locale!r} is not a two-letter language code (e.g. de, fr)")
    return value


def device_locale(locale: str) -> str:
    """As a phone reports it: ``de`` -> ``de_DE``, "" -> ``en_US``."""
    lang = locale or "en"
    return f"{lang}_{REGIONS.get(lang, lang.upper())}"
