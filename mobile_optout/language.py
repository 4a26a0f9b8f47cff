"""Which language a run's texts are in: a first guess from the device, confirmed on screen.

Rules:
- The first guess is ``--locale`` when given, else what the device says (driver.locale():
  UiAutomator2/XCUITest ``mobile: deviceInfo``, a web page's ``lang`` or the browser's).
  The device is asked only when its answer is needed, and in a wait that is due anyway
  when there is one (the settle window): the texts of every language the flow knows are
  matched until then, so the answer only breaks ties and names the device's language.
- An app can run in another language than the phone's. So, unless ``--locale`` pins the
  language, a flow's localized texts match in every language the flow knows, and the run
  confirms the language from the screen: whichever language's texts show (most of them;
  a tie goes to the guess, then to English). Texts given in no language count as English.
- ``--locale L`` narrows the texts to L's, with English as the fallback for keys L lacks.
- A language the flow does not know: its English texts are tried, and the result says
  "texts for <lang> unknown; tried English".
- Nothing the flow knows ever showed and the device is in a language the flow does not
  know: the app is taken to be in that language, and a failed or not_offered outcome is
  ``failed``, "the app is in <lang>; this flow knows <languages>". Never ``not_offered``:
  a page read in a language the flow cannot read proves nothing absent.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from mobile_optout.errors import OptoutError
from mobile_optout.flow.model import Flow
from mobile_optout.flow.strings import (
    ENGLISH,
    Texts,
    base_language,
    localize,
    scores,
    texts_by_language,
)
from mobile_optout.results.record import ErrorInfo, FlowResult, Outcome

MAX_LOOKS = 12  # screens a run counts texts on (the first ones decide)


def check_locale(locale: str, flows: Iterable[Flow]) -> str:
    """``--locale``'s language ("" for none); a refusal naming the known languages when no
    flow knows it (``ValueError``)."""
    if not locale:
        return ""
    known = sorted({lang for f in flows for lang in f.languages})
    lang = base_language(locale)
    if lang not in known:
        raise ValueError(f"--locale {locale!r}: no flow here has texts in it; known "
                         f"languages: {', '.join(known)}")
    return lang


@dataclass(slots=True)
class RunLanguage:
    """The language of one flow's run on one device."""

    flow: Flow  # as compiled (every language)
    _guess: str = ""  # the device's (or --locale's) language: "de"; "" when unknown
    pinned: bool = False  # --locale: only that language's texts (and English)
    _ask: Callable[[], str] | None = None  # asks the device for its locale (once)
    totals: dict[str, int] = field(default_factory=dict)  # language -> texts seen, all screens
    looks: int = 0  # screens observed
    texts: Texts = ()  # the flow's texts with their languages (read once)

    @classmethod
    def start(cls, flow: Flow, locale: str, device_locale: Callable[[], str]) -> RunLanguage:
        """``device_locale`` is called when the device's language is first needed."""
        if locale:
            return cls(flow, base_language(locale), pinned=True)
        return cls(flow, _ask=device_locale)

    @property
    def guess(self) -> str:
        """The device's (or --locale's) language, asked of the device on first use."""
        if self._ask is not None:
            ask, self._ask = self._ask, None
            self._guess = base_language(ask())
        return self._guess

    def spare(self) -> None:
        """Ask the device now (in a wait that is due anyway), if it has not been."""
        _ = self.guess

    def page_says(self, device_locale: str) -> None:
        """A web page's own ``lang``, read when a run fails: it names the page's language
        better than the browser's did at the start (unless --locale pinned it)."""
        if not self.pinned and base_language(device_locale):
            self._ask, self._guess = None, base_language(device_locale)

    @property
    def known(self) -> bool:
        """The flow has texts in the device's language (or the device did not say)."""
        return not self.guess or self.guess in self.flow.languages

    def localized(self) -> Flow:
        """The flow the run uses: every language it knows, or the pinned one's."""
        if len(self.flow.languages) == 1:
            return self.flow
        if self.pinned:
            return localize(self.flow, [self.guess] if self.known else [ENGLISH])
        return localize(self.flow, self.flow.languages)  # (one regex: the order is moot)

    def observe(self, texts: Iterable[str]) -> None:
        """A screen's texts: count whose language shows (a few screens are enough)."""
        if self.looks >= MAX_LOOKS:
            return
        self.looks += 1
        if not self.texts:
            self.texts = texts_by_language(self.flow)
        for lang, n in scores(self.texts, texts).items():
            self.totals[lang] = self.totals.get(lang, 0) + n

    @property
    def confirmed(self) -> str:
        """The language whose texts showed most ("" when none did); a tie goes to the
        device's language, then to English."""
        if not self.totals:
            return ""
        best = max(self.totals.values())
        top = [lang for lang, n in self.totals.items() if n == best]
        return next(pick for pick in (self.guess, ENGLISH, *sorted(top)) if pick in top)

    @property
    def used(self) -> str:
        """The language whose texts the run used: --locale's (English where the flow does
        not know it), else the one confirmed on screen, else the device's."""
        if self.pinned:
            return self.guess if self.known else ENGLISH
        if self.confirmed:
            return self.confirmed
        return self.guess if self.guess and self.known else ENGLISH

    @property
    def fallback(self) -> bool:
        """English texts stood in for the device's language."""
        return not self.known and self.used == ENGLISH

    def note(self) -> str:
        if self.fallback:
            return f"texts for {self.guess} unknown; tried English"
        return ""

    def unreadable(self, last: Iterable[str]) -> str:
        """Why a miss proves nothing ("" when the flow could read the last screen): the
        app is in the device's language, which the flow does not know; or, on a device in
        another language the flow knows, none of the flow's texts ever showed."""
        if not self.texts:
            self.texts = texts_by_language(self.flow)
        if scores(self.texts, last):
            return ""
        langs = ", ".join(self.flow.languages)
        if not self.known:
            return f"the app is in {self.guess}; this flow knows {langs}"
        if not self.totals and self.guess not in ("", ENGLISH) and len(self.flow.languages) > 1:
            return (f"none of this flow's texts showed (it knows {langs}); the app may be in "
                    f"another language than the device's ({self.guess})")
        return ""

    def record(self, result: FlowResult, last_screen: Callable[[], Iterable[str]],
               page_lang: Callable[[], str] | None = None) -> None:
        """Record the texts' language on ``result``; a miss (failed, not_offered) on an app
        in a language the flow cannot read becomes ``failed`` saying so. ``last_screen``:
        the last screen's texts (cached); ``page_lang``: a web page's own ``lang``."""
        why = ""
        if result.outcome in (Outcome.FAILED, Outcome.NOT_OFFERED):
            with contextlib.suppress(OptoutError):
                if page_lang is not None:
                    self.page_says(page_lang())
                why = self.unreadable(last_screen())
        if why:
            result.outcome = Outcome.FAILED
            if result.error is None:
                result.error = ErrorInfo(type="StepFailed", message=why)
            else:
                result.error.message = f"{why}: {result.error.message}"
            result.note = why
        elif self.note():
            result.note = "; ".join(n for n in (result.note, self.note()) if n)
        result.language, result.language_fallback = self.used, self.fallback
