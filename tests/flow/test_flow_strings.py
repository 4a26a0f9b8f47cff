"""Texts in several languages (flow/strings.py): the form, its checks, and how a run
narrows them. Through the compiler and `validate`, as a user meets them."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from mobile_optout.errors import InputError
from mobile_optout.flow import load_flow
from mobile_optout.flow.model import Tap
from mobile_optout.flow.strings import base_language, localize, scores

HEAD = """mobile-optout: flow
name: t
platforms: [android]
app: {android: {package: a.b}}
"""


def write(tmp_path: Path, body: str, name: str = "flow.yaml") -> Path:
    path = tmp_path / name
    path.write_text(HEAD + body, encoding="utf-8")
    return path


def taps(path: Path) -> list[Tap]:
    return [s for s in load_flow(path).steps if isinstance(s, Tap)]


def test_a_key_and_inline_languages_match_every_language_the_flow_knows(
        tmp_path: Path) -> None:
    flow_path = write(tmp_path, """languages: [en, de]
strings:
  privacy: {en: {regex: "^data privacy$"}, de: Datenschutz}
steps:
  - tap: {text: {key: privacy}}
  - tap: {text: {en: Settings, de: Einstellungen}}
""")
    flow = load_flow(flow_path)
    assert flow.languages == ("en", "de")
    first, second = (t.target.text for t in taps(flow_path))
    assert first is not None and second is not None
    assert first.matches("Data Privacy") and first.matches("  datenschutz ")
    assert second.matches("Einstellungen") and not second.matches("Settings & more")
    german = localize(flow, ["de"])
    narrowed = german.steps[0]
    assert isinstance(narrowed, Tap) and narrowed.target.text is not None
    assert narrowed.target.text.matches("Datenschutz")
    assert narrowed.target.text.matches("Data privacy")  # English stays the fallback
    assert scores(flow, ["Datenschutz", "Einstellungen", "Feed"]) == {"de": 2}


def test_null_means_none_known_and_english_stands_in(tmp_path: Path) -> None:
    flow_path = write(tmp_path, """languages: [en, de]
strings:
  me: {en: Me, de: null}
steps:
  - tap: {text: {key: me}}
""")
    flow = load_flow(flow_path)
    tap = localize(flow, ["de"]).steps[0]
    assert isinstance(tap, Tap) and tap.target.text is not None
    assert tap.target.text.matches("Me") and not tap.target.text.matches("Sie")


def test_validate_names_the_line_of_a_key_missing_a_declared_language(tmp_path: Path) -> None:
    path = write(tmp_path, """languages: [en, de, fr]
strings:
  privacy:
    en: Data privacy
    de: Datenschutz
steps:
  - tap: {text: {key: privacy}}
  - tap: {text: {key: privcy}}
""")
    done = subprocess.run([sys.executable, "-m", "mobile_optout", "validate", str(path)],
                          capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 2
    assert f"{path}:7:3: string 'privacy' has no text for fr" in done.stderr
    assert "unknown string key 'privcy'" in done.stderr
    assert "did you mean 'privacy'" in done.stderr
    assert "Traceback" not in done.stderr


def test_a_strings_file_is_shared_by_parts_and_read_once(tmp_path: Path) -> None:
    (tmp_path / "strings.yaml").write_text(
        "mobile-optout: strings\nlanguages: [en, nl]\nstrings:\n"
        "  privacy: {en: Data privacy, nl: Gegevensprivacy}\n", encoding="utf-8")
    part = "mobile-optout: part\nstrings: strings.yaml\nsteps:\n  - tap: {text: {key: privacy}}\n"
    (tmp_path / "a.yaml").write_text(part, encoding="utf-8")
    (tmp_path / "b.yaml").write_text(part, encoding="utf-8")
    flow = load_flow(write(tmp_path, "steps:\n  - include: a.yaml\n  - include: b.yaml\n"))
    assert flow.languages == ("en", "nl")


@pytest.mark.parametrize(("body", "message"), [
    ("strings:\n  k: {de: X}\nsteps:\n  - tap: {text: {key: k}}\n", "needs an English text"),
    ("strings:\n  k: {en: X, deu: Y}\nsteps:\n  - back\n", "not a two-letter language code"),
    ("languages: [en]\nstrings:\n  k: {en: X, de: Y}\nsteps:\n  - back\n",
     "gives de, which is not among the declared languages"),
    ("strings:\n  k: {en: X}\n  k: {en: Y}\nsteps:\n  - back\n", ""),
])
def test_bad_strings_are_refused_with_their_line(tmp_path: Path, body: str,
                                                  message: str) -> None:
    with pytest.raises(InputError) as err:
        load_flow(write(tmp_path, body))
    assert message in str(err.value)


def test_a_locale_tag_is_reduced_to_its_language() -> None:
    assert [base_language(t) for t in ("de_DE", "pt-BR", "FR", "", "zh-Hans-CN", "x")] == \
        ["de", "pt", "fr", "", "zh", ""]


def test_the_screen_not_the_phone_decides_the_language(tmp_path: Path) -> None:
    from mobile_optout.language import RunLanguage

    flow = load_flow(write(tmp_path, """languages: [en, de, fr]
strings:
  privacy: {en: Data privacy, de: Datenschutz, fr: Confidentialité des données}
  settings: {en: Settings, de: Einstellungen, fr: null}
steps:
  - tap: {text: {key: settings}}
  - tap: {text: {key: privacy}}
"""))
    phone_fr_app_de = RunLanguage.start(flow, "", lambda: "fr_FR")
    phone_fr_app_de.observe(["Einstellungen", "Feed"])
    phone_fr_app_de.observe(["Datenschutz"])
    assert (phone_fr_app_de.used, phone_fr_app_de.fallback) == ("de", False)

    swedish = RunLanguage.start(flow, "", lambda: "sv_SE")
    assert swedish.unreadable(["Sekretess", "Inställningar"]) == \
        "the app is in sv; this flow knows en, de, fr"
    assert (swedish.used, swedish.fallback) == ("en", True)
    assert swedish.note() == "texts for sv unknown; tried English"
    assert swedish.unreadable(["Data privacy"]) == ""  # an English app reads fine

    pinned = RunLanguage.start(flow, "de-AT", lambda: "fr_FR")
    assert pinned.used == "de"
    tap = pinned.localized().steps[1]
    assert isinstance(tap, Tap) and tap.target.text is not None
    assert not tap.target.text.matches("Confidentialité des données")
