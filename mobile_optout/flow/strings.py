"""A flow's texts in several languages: a translation is data, not a copy of the flow.

The form (docs/flow-format.md, "Languages"):

    languages: [en, de, fr]              # in a flow, a part, or a strings file
    strings:                             # key -> language -> text
      data_privacy:
        en: {regex: "^data privacy$"}
        de: Datenschutz
        fr: null                         # none known: English is used (say why in a comment)
    strings: ../parts/strings.yaml       # or a file "mobile-optout: strings" with both keys

    - tap: {text: {key: data_privacy}}           # a locator's text refers to a key
    - tap: {text: {en: Settings, de: Einstellungen}}   # or carries its languages itself

Rules:
- A language is a two-letter code (ISO 639-1). English (``en``) is always one: it is the
  fallback for a language a flow does not know.
- Each language's text is what a text locator takes: a string (exact, folded for case and
  spaces), or ``{exact|contains|regex: ..., case_sensitive}``. ``null`` says the flow has no
  text in that language (the sources give none): English is used there.
- Every key gives a text (or ``null``) for every declared language, and every language it
  gives is declared: otherwise the key's line is reported. A key is defined once (a strings
  file read by several parts counts once); a key is used only after its definition.
- A localized text compiles to one ``TextMatch``: a regex of all its languages (so the flow
  finds an app in any language it knows), which keeps each language's text in
  ``by_language``. ``localize`` narrows a flow to a run's languages; ``scores`` says whose
  texts show on a screen (how a run confirms the app's language).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, fields, is_dataclass, replace
from pathlib import Path
from typing import Any, Protocol

from mobile_optout.errors import LocatedError, Where
from mobile_optout.flow.model import Flow, TextMatch
from mobile_optout.located import RawMap, RawNode, RawScalar, RawSeq, Source, describe, load_raw

ENGLISH = "en"
LANGUAGE = re.compile(r"[a-z]{2}\Z")
STRINGS_MARKER = "strings"
FILE_KEYS = ("mobile-optout", "description", "languages", "strings")


def base_language(tag: str | None) -> str:
    """``de_DE``, ``de-DE``, ``DE`` -> ``de``; "" when there is none."""
    head = re.split(r"[-_.@]", (tag or "").strip())[0].lower()
    return head if LANGUAGE.match(head) else ""


def is_localized(node: RawNode) -> bool:
    """A text node that refers to a key or gives languages (not exact/contains/regex)."""
    return isinstance(node, RawMap) and bool(node.items) and all(
        str(k.value) == "key" or LANGUAGE.match(str(k.value)) for k, _ in node.items)


class _InFile(Protocol):
    source: Source
    real: Path


class _Compiler(Protocol):
    def err(self, at: Any, where: Where, message: str, hint: str = "") -> None: ...
    def add(self, error: LocatedError) -> None: ...
    def text_match(self, f: Any, node: RawNode) -> TextMatch | None: ...
    def text(self, f: Any, node: RawNode, what: str, *, empty_ok: bool = False
             ) -> str | None: ...


@dataclass
class _FileRef:
    """A strings file being read (it has its own source for error snippets)."""

    source: Source
    real: Path
    chain: tuple[str, ...] = ()
    subst: dict[str, str] = field(default_factory=dict)  # a strings file takes no params


@dataclass
class _Entry:
    key: str
    where: Where
    at: Any  # the file it is in (for err)
    texts: dict[str, TextMatch | None]


@dataclass
class StringsTable:
    """The strings a flow and its parts declare, gathered while compiling one flow."""

    entries: dict[str, _Entry] = field(default_factory=dict)
    inline: list[_Entry] = field(default_factory=list)
    declared: list[str] = field(default_factory=list)
    files: set[Path] = field(default_factory=set)

    # -- compiling -------------------------------------------------------------------

    def header(self, c: _Compiler, f: _InFile, m: RawMap) -> None:
        """``languages:`` and ``strings:`` of a flow, a part or a strings file."""
        if (n := m.get("languages")) is not None:
            self._languages(c, f, n)
        if (n := m.get("strings")) is None:
            return
        if isinstance(n, RawScalar) and n.value is not None:
            self._file(c, f, n)
        elif isinstance(n, RawMap):
            for key, value in n.items:
                self._entry(c, f, str(key.value), key.where, value)
        else:
            c.err(f, n.where, f"strings must be a mapping (key: {{language: text}}) or a "
                  f"strings file's path, not {describe(n)}")

    def _languages(self, c: _Compiler, f: _InFile, n: RawNode) -> None:
        if not isinstance(n, RawSeq):
            c.err(f, n.where, f"languages must be a list of language codes, not {describe(n)}",
                  "e.g. languages: [en, de, fr]")
            return
        for item in n.items:
            code = str(item.value) if isinstance(item, RawScalar) else ""
            if not LANGUAGE.match(code):
                c.err(f, item.where, f"'{code}' is not a two-letter language code",
                      "e.g. en, de, fr")
            elif code not in self.declared:
                self.declared.append(code)

    def _file(self, c: _Compiler, f: _InFile, n: RawScalar) -> None:
        rel = str(n.value)
        real = (f.real.parent / rel).resolve()
        if real in self.files:
            return
        if not real.is_file():
            c.err(f, n.where, f"strings file not found: {rel}")
            return
        self.files.add(real)
        display = str(Path(f.source.path).parent / rel)
        try:
            source, root = load_raw(real, display)
        except LocatedError as exc:
            c.add(exc)
            return
        sub = _FileRef(source, real)
        if not isinstance(root, RawMap) or not isinstance(
                mark := root.get("mobile-optout"), RawScalar) or mark.value != STRINGS_MARKER:
            where = root.where if root is not None else source.where(1)
            c.err(sub, where, f"a strings file starts with 'mobile-optout: {STRINGS_MARKER}'")
            return
        for key, _ in root.items:
            if str(key.value) not in FILE_KEYS:
                c.err(sub, key.where, f"unknown key '{key.value}' in a strings file")
        self.header(c, sub, root)

    def _texts(self, c: _Compiler, f: _InFile, m: RawMap, what: str
               ) -> dict[str, TextMatch | None] | None:
        texts: dict[str, TextMatch | None] = {}
        ok = True
        for lang_node, value in m.items:
            lang = str(lang_node.value)
            if not LANGUAGE.match(lang):
                c.err(f, lang_node.where, f"'{lang}' in {what} is not a two-letter language "
                      "code", "e.g. en, de, fr")
                ok = False
            elif isinstance(value, RawScalar) and value.value is None:
                texts[lang] = None
            elif is_localized(value):
                c.err(f, value.where, f"{what}: a language's text is a text, not languages")
                ok = False
            elif (match := c.text_match(f, value)) is not None:
                texts[lang] = match
            else:
                ok = False
        if ok and texts.get(ENGLISH) is None:
            c.err(f, m.where, f"{what} needs an English text (en:): it is the fallback")
            return None
        return texts if ok else None

    def _entry(self, c: _Compiler, f: _InFile, key: str, where: Where, node: RawNode) -> None:
        if key in self.entries:
            c.err(f, where, f"string '{key}' is already defined at {self.entries[key].where}")
            return
        if not isinstance(node, RawMap):
            c.err(f, node.where, f"string '{key}' must be a mapping of languages to texts, "
                  f"not {describe(node)}", "e.g. {en: Settings, de: Einstellungen}")
            return
        texts = self._texts(c, f, node, f"string '{key}'")
        if texts is not None:
            self.entries[key] = _Entry(key, where, f, texts)

    def text(self, c: _Compiler, f: _InFile, node: RawMap) -> TextMatch | None:
        """A locator's ``text: {key: k}`` or ``text: {en: ..., de: ...}``."""
        if (key_node := node.get("key")) is not None:
            if len(node.items) > 1:
                c.err(f, node.where, "text: {key: ...} takes the key alone")
                return None
            key = c.text(f, key_node, "text key")
            if key is None:
                return None
            entry = self.entries.get(key)
            if entry is None:
                from mobile_optout.located import did_you_mean
                c.err(f, key_node.where, f"unknown string key '{key}' (define it under "
                      "strings: in this file, a file it includes from, or a strings file)",
                      did_you_mean(key, self.entries))
                return None
            return localized(entry.texts)
        texts = self._texts(c, f, node, "text")
        if texts is None:
            return None
        self.inline.append(_Entry("", node.where, f, texts))
        return localized(texts)

    def finish(self, c: _Compiler) -> tuple[str, ...]:
        """The flow's languages; each key missing one is reported at its line."""
        given = {lang for e in (*self.entries.values(), *self.inline) for lang in e.texts}
        if not given and not self.declared:
            return (ENGLISH,)
        declared = self.declared or sorted(given)
        langs = [ENGLISH, *sorted(lang for lang in declared if lang != ENGLISH)]
        for e in (*self.entries.values(), *self.inline):
            what = f"string '{e.key}'" if e.key else "this text"
            missing = [lang for lang in langs if lang not in e.texts]
            if missing:
                c.err(e.at, e.where, f"{what} has no text for {', '.join(missing)} (a declared "
                      "language)", "give one, or null where none is known (English is used)")
            extra = [lang for lang in e.texts if lang not in langs]
            if extra:
                c.err(e.at, e.where, f"{what} gives {', '.join(extra)}, which is not among "
                      f"the declared languages ({', '.join(langs)})")
        return tuple(langs)


# -------------------------------------------------------------------- one text, many languages


def as_regex(match: TextMatch) -> str:
    """``match`` as a regex with the same meaning (searched case-insensitively)."""
    if match.mode == "regex":
        body = match.value
    else:
        words = r"\s+".join(re.escape(w) for w in match.value.split())
        body = rf"^\s*{words}\s*$" if match.mode == "exact" else words
    return f"(?-i:{body})" if match.case_sensitive else body


def localized(texts: dict[str, TextMatch | None] | Sequence[tuple[str, TextMatch | None]],
              languages: Sequence[str] | None = None) -> TextMatch:
    """One TextMatch for a text in languages: the languages' texts (``languages``: these
    only, each missing one replaced by English), as one regex."""
    pairs = dict(texts)
    chosen = list(languages) if languages is not None else list(pairs)
    if ENGLISH not in chosen:
        chosen.append(ENGLISH)
    used: list[TextMatch] = []
    for lang in chosen:
        m = pairs.get(lang) or pairs[ENGLISH]
        if m is not None and m not in used:
            used.append(m)
    value = "|".join(f"(?:{as_regex(m)})" for m in used)
    kept = tuple((lang, pairs.get(lang)) for lang in chosen if lang in pairs)
    return TextMatch("regex", value, False, kept)


def _map(obj: Any, fn: Callable[[TextMatch], TextMatch]) -> Any:
    """``obj`` with every TextMatch in it replaced by ``fn``'s (unchanged parts shared)."""
    if isinstance(obj, TextMatch):
        return fn(obj)
    if isinstance(obj, tuple):
        new = tuple(_map(x, fn) for x in obj)
        return new if any(a is not b for a, b in zip(new, obj, strict=True)) else obj
    if is_dataclass(obj) and not isinstance(obj, type):
        changes = {}
        for fl in fields(obj):
            if fl.init:
                value = getattr(obj, fl.name)
                if (new_value := _map(value, fn)) is not value:
                    changes[fl.name] = new_value
        return replace(obj, **changes) if changes else obj
    return obj


def _matches(obj: Any) -> Iterator[TextMatch]:
    if isinstance(obj, TextMatch):
        yield obj
    elif isinstance(obj, tuple):
        for x in obj:
            yield from _matches(x)
    elif is_dataclass(obj) and not isinstance(obj, type):
        for fl in fields(obj):
            yield from _matches(getattr(obj, fl.name))


def localize(flow: Flow, languages: Sequence[str]) -> Flow:
    """``flow`` with its localized texts narrowed to ``languages`` (English added as the
    fallback); plain texts stay as written."""
    def narrow(m: TextMatch) -> TextMatch:
        return localized(m.by_language, languages) if m.by_language else m
    result: Flow = _map(flow, narrow)
    return result


Texts = tuple[tuple[str, TextMatch], ...]  # (language, text) for every text of a flow


def texts_by_language(flow: Flow) -> Texts:
    """The flow's texts that say which language a screen is in, each once: a localized
    text's text in each language (where a language has none, its English one, which an app
    in that language may show as well). A text given in no language is evidence of English
    only in a flow that knows English alone; in a flow of several languages it says
    nothing (a structural pattern, a word nobody has translated)."""
    several = len(flow.languages) > 1
    out: dict[tuple[str, TextMatch], None] = {}
    for m in _matches(flow):
        if not m.by_language:
            if not several:
                out[(ENGLISH, m)] = None
            continue
        english = dict(m.by_language).get(ENGLISH)
        for lang, text in m.by_language:
            shown = text if text is not None else english
            if shown is not None:
                out[(lang, shown)] = None
    return tuple(out)


def scores(flow: Flow | Texts, texts: Iterable[str]) -> dict[str, int]:
    """Per language, how many of the flow's texts show among ``texts``."""
    known = texts_by_language(flow) if isinstance(flow, Flow) else flow
    shown = list(dict.fromkeys(t for t in texts if t))
    out: dict[str, int] = {}
    for lang, text in known:
        if any(text.matches(t) for t in shown):
            out[lang] = out.get(lang, 0) + 1
    return out
