"""What makes a switch look like AI training or data sharing, in every supported language.

Rules:
- A label (or the page holding it) resembles when it contains one of the flows' own
  ``resembles`` words (as the runner reads them: case and spacing ignored, anywhere in the
  text), or one of ``SHARED_WORDS``.
- A shared word matches at the start of a word (``train`` matches "training", "trainieren"
  does not match "restrain"); a word ending in ``$`` must be the whole word ("ai" is not
  "aid", "ki" is not "kind"). Accents are kept: words are written as the apps write them.
- Status words say a row's state as text (a doorway to a sub-page): "On"/"Off" and their
  translations, the whole text of the node.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

# language -> words (see the module rules for ``$``). en, de, fr, nl, es, it, pt, pl.
SHARED_WORDS: dict[str, tuple[str, ...]] = {
    "en": ("ai$", "a.i.$", "artificial intelligence", "genai", "generative", "machine learning",
           "train", "model", "llm", "improve", "improving", "data sharing", "share my",
           "sharing", "share your", "affiliate", "partner", "third part", "third-part",
           "personali"),
    "de": ("ki$", "künstliche intelligenz", "generativ", "maschinelles lernen", "trainier",
           "training", "modell", "verbesser", "datenweitergabe", "weitergabe", "weitergeben",
           "teilen", "verbundene unternehmen", "partner", "dritt", "personalisier"),
    "fr": ("ia$", "intelligence artificielle", "génératif", "générative", "apprentissage",
           "entraîn", "entrain", "modèle", "amélior", "partage", "partager", "affilié",
           "partenaire", "tiers", "personnalis"),
    "nl": ("ai$", "kunstmatige intelligentie", "generatiev", "train", "model", "verbeter",
           "delen", "gedeeld", "gegevensdeling", "gelieerde", "partner", "derde",
           "personalis"),
    "es": ("ia$", "inteligencia artificial", "generativ", "entren", "modelo", "mejorar",
           "compartir", "compartid", "afiliad", "socio", "tercero", "personaliz"),
    "it": ("ia$", "intelligenza artificiale", "generativ", "addestr", "modell", "miglior",
           "condivi", "affiliat", "partner", "terze parti", "terzi", "personalizz"),
    "pt": ("ia$", "inteligência artificial", "generativ", "trein", "modelo", "melhor",
           "compartilh", "partilh", "afiliad", "parceir", "terceiro", "personaliz"),
    "pl": ("ai$", "si$", "sztuczn", "generatywn", "trenow", "szkoleni", "model", "ulepsz",
           "udostępni", "udostepni", "partner", "podmiot", "stron trzecich", "personaliz"),
}

# A row's state as text: the whole of a node's text, in every supported language.
STATUS_ON = ("on", "ein", "an", "activé", "activée", "oui", "aan", "activado", "activada",
             "sí", "attivo", "attivato", "attiva", "ativado", "ativada", "sim", "włączone",
             "włączony", "wł.")
STATUS_OFF = ("off", "aus", "désactivé", "désactivée", "non", "uit", "desactivado",
              "desactivada", "no", "disattivo", "disattivato", "disattiva", "desativado",
              "desativada", "não", "wyłączone", "wyłączony", "wył.")


def _pattern(word: str) -> str:
    whole = word.endswith("$")
    body = re.escape(word.rstrip("$"))
    return rf"(?<!\w){body}" + (r"(?!\w)" if whole else "")


_SHARED = re.compile("|".join(_pattern(w) for ws in SHARED_WORDS.values() for w in ws),
                     re.IGNORECASE)


def fold(text: str) -> str:
    return " ".join(text.split()).casefold()


def resembles(texts: Iterable[str], flow_words: Sequence[str]) -> str:
    """The first word that makes any of ``texts`` look like AI training or data sharing
    ("" when none does): a flow's ``resembles`` word, else a shared one."""
    folded_words = [fold(w) for w in flow_words if w.strip() and "${" not in w]
    for text in texts:
        folded = fold(text)
        for word in folded_words:
            if word in folded:
                return word
        m = _SHARED.search(text)
        if m:
            return m.group(0).casefold()
    return ""


def status_word(text: str) -> bool | None:
    """On (True) or off (False) when ``text`` is only a status word; else None."""
    folded = fold(text)
    if folded in STATUS_ON:
        return True
    if folded in STATUS_OFF:
        return False
    return None
